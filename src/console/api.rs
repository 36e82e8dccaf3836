//! The console's HTTP surface: the embedded page and its assets, the JSON
//! endpoints under `/api` (documented in README.md; they work with curl), and
//! `/api/events`, a server-sent event per snapshot telling open pages to refresh.
//! Handlers read the shared state under a short lock and build JSON from it.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::history::LagStatus;
use super::messages::{self, From, NewMessage};
use super::model::{PartitionView, Snapshot};
use super::{Console, State as ConsoleState};

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

type Shared = Arc<Console>;

pub(super) fn router(console: Shared) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route("/api/status", get(status))
        .route("/api/topics", get(topics))
        .route("/api/topics/{name}", get(topic))
        .route("/api/topics/{name}/configs", get(topic_configs))
        .route(
            "/api/topics/{name}/messages",
            get(read_messages).post(produce),
        )
        .route("/api/groups", get(groups))
        .route("/api/groups/{id}", get(group))
        .route("/api/brokers", get(brokers))
        .route("/api/timeline", get(timeline))
        .route("/api/events", get(events))
        .with_state(console)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn not_found(what: String) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": what }))).into_response()
}

fn now_ms() -> i64 {
    crate::protocol::now_ms()
}

/// Lag and colour of every group reading `topic`.
fn groups_of_topic(st: &ConsoleState, topic: &str, now: i64) -> Vec<Value> {
    st.snapshot
        .groups
        .iter()
        .filter(|g| g.topics().iter().any(|t| t == topic))
        .map(|g| {
            let mine = g.offsets.iter().filter(|o| o.topic == topic);
            let lag: i64 = mine.clone().map(|o| o.lag.max(0)).sum();
            let status = mine
                .map(|o| {
                    st.history
                        .partition_status(&g.id, &o.topic, o.partition, now)
                })
                .max()
                .unwrap_or(LagStatus::Ok);
            json!({ "id": g.id, "lag": lag, "status": status, "state": g.state })
        })
        .collect()
}

async fn status(State(c): State<Shared>) -> Json<Value> {
    let st = c.read();
    let s = &st.snapshot;
    let now = now_ms();
    Json(json!({
        "version": st.version,
        "taken_at_ms": s.taken_at_ms,
        "age_ms": if s.taken_at_ms > 0 { now - s.taken_at_ms } else { -1 },
        "error": st.error,
        "bootstrap": c.config.bootstrap,
        "refresh_ms": c.config.refresh.as_millis() as u64,
        "snapshot_ms": st.snapshot_ms,
        "cluster_id": s.cluster_id,
        "controller": s.controller,
        "brokers_up": s.brokers.iter().filter(|b| b.up).map(|b| b.id).collect::<Vec<_>>(),
        "brokers_down": s.brokers.iter().filter(|b| !b.up).map(|b| b.id).collect::<Vec<_>>(),
        "topics": s.topics.iter().filter(|t| !t.internal).count(),
        "groups": s.groups.len(),
    }))
}

#[derive(Deserialize)]
struct TopicsQuery {
    #[serde(default)]
    internal: bool,
}

async fn topics(State(c): State<Shared>, Query(q): Query<TopicsQuery>) -> Json<Value> {
    let st = c.read();
    let now = now_ms();
    let rows: Vec<Value> = st
        .snapshot
        .topics
        .iter()
        .filter(|t| q.internal || !t.internal)
        .map(|t| {
            json!({
                "name": t.name,
                "internal": t.internal,
                "partitions": t.partitions.len(),
                "replication_factor": t.replication_factor(),
                "messages": t.messages(),
                "rate": st.history.topic_rate(&t.name),
                "under_replicated": t.partitions.iter().filter(|p| p.under_replicated()).count(),
                "offline": t.partitions.iter().filter(|p| p.leader < 0).count(),
                "groups": groups_of_topic(&st, &t.name, now),
            })
        })
        .collect();
    Json(Value::Array(rows))
}

fn partition_json(p: &PartitionView) -> Value {
    let out_of_sync = p.out_of_sync();
    json!({
        "partition": p.partition,
        "leader": p.leader,
        "preferred_leader": p.preferred_leader(),
        "leader_epoch": p.leader_epoch,
        "replicas": p.replicas.iter().map(|r| json!({
            "id": r,
            "in_isr": p.isr.contains(r),
            "offline": p.offline.contains(r),
            "ok": !out_of_sync.contains(r),
        })).collect::<Vec<_>>(),
        "isr": p.isr,
        "out_of_sync": out_of_sync,
        "log_start_offset": p.log_start_offset,
        "log_end_offset": p.log_end_offset,
        "messages": (p.log_end_offset - p.log_start_offset).max(0),
    })
}

fn events_json(
    st: &ConsoleState,
    keep: impl Fn(&super::timeline::Event) -> bool,
    limit: usize,
) -> Vec<Value> {
    st.timeline
        .iter()
        .rev()
        .filter(|e| keep(e))
        .take(limit)
        .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
        .collect()
}

async fn topic(State(c): State<Shared>, Path(name): Path<String>) -> Response {
    let st = c.read();
    let Some(t) = st.snapshot.topic(&name) else {
        return not_found(format!("no topic {name}"));
    };
    let now = now_ms();
    Json(json!({
        "name": t.name,
        "internal": t.internal,
        "replication_factor": t.replication_factor(),
        "messages": t.messages(),
        "rate": st.history.topic_rate(&t.name),
        "partitions": t.partitions.iter().map(partition_json).collect::<Vec<_>>(),
        "groups": groups_of_topic(&st, &name, now),
        "events": events_json(&st, |e| e.topic() == Some(name.as_str()), 200),
    }))
    .into_response()
}

async fn topic_configs(State(c): State<Shared>, Path(name): Path<String>) -> Response {
    match crate::client::admin::describe_topic_configs(&c.client, &name).await {
        Ok(entries) => Json(
            entries
                .into_iter()
                .map(|e| json!({ "name": e.name, "value": e.value, "default": e.is_default }))
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "error": e.to_string() })),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct MessagesQuery {
    partition: Option<i32>,
    #[serde(default = "default_from")]
    from: String,
    #[serde(default = "default_limit")]
    limit: usize,
    #[serde(default)]
    filter: String,
}

fn default_from() -> String {
    "tail:20".into()
}

fn default_limit() -> usize {
    50
}

async fn read_messages(
    State(c): State<Shared>,
    Path(name): Path<String>,
    Query(q): Query<MessagesQuery>,
) -> Response {
    let Some(from) = From::parse(&q.from) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "from is beginning, tail:N, offset:N or ts:MS" })),
        )
            .into_response();
    };
    let partitions: Vec<i32> = match q.partition {
        Some(p) => vec![p],
        None => {
            let st = c.read();
            match st.snapshot.topic(&name) {
                Some(t) => t.partitions.iter().map(|p| p.partition).collect(),
                None => return not_found(format!("no topic {name}")),
            }
        }
    };
    let limit = q.limit.clamp(1, 1000);
    match messages::read(&c.client, &name, &partitions, from, limit, &q.filter).await {
        Ok(mut m) => {
            m.sort_by_key(|m| (m.timestamp, m.partition, m.offset));
            Json(json!(m)).into_response()
        }
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "error": e.to_string() })),
        )
            .into_response(),
    }
}

async fn produce(
    State(c): State<Shared>,
    Path(name): Path<String>,
    Json(m): Json<NewMessage>,
) -> Response {
    match messages::produce(&c.client, &name, m).await {
        Ok(()) => Json(json!({ "ok": true })).into_response(),
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "ok": false, "error": e.to_string() })),
        )
            .into_response(),
    }
}

async fn groups(State(c): State<Shared>) -> Json<Value> {
    let st = c.read();
    let now = now_ms();
    Json(Value::Array(
        st.snapshot
            .groups
            .iter()
            .map(|g| {
                let status = g
                    .offsets
                    .iter()
                    .map(|o| {
                        st.history
                            .partition_status(&g.id, &o.topic, o.partition, now)
                    })
                    .max()
                    .unwrap_or(LagStatus::Ok);
                json!({
                    "id": g.id,
                    "state": g.state,
                    "protocol_type": g.protocol_type,
                    "protocol": g.protocol,
                    "coordinator": g.coordinator,
                    "members": g.members.len(),
                    "topics": g.topics(),
                    "lag": g.lag(),
                    "status": status,
                })
            })
            .collect(),
    ))
}

async fn group(State(c): State<Shared>, Path(id): Path<String>) -> Response {
    let st = c.read();
    let Some(g) = st.snapshot.group(&id) else {
        return not_found(format!("no group {id}"));
    };
    let now = now_ms();
    let clients: BTreeMap<&str, &str> = g
        .members
        .iter()
        .map(|m| (m.member_id.as_str(), m.client_id.as_str()))
        .collect();
    Json(json!({
        "id": g.id,
        "state": g.state,
        "protocol_type": g.protocol_type,
        "protocol": g.protocol,
        "coordinator": g.coordinator,
        "lag": g.lag(),
        "members": g.members.iter().map(|m| json!({
            "member_id": m.member_id,
            "client_id": m.client_id,
            "host": m.host,
            "assignment": m.assignment.iter().map(|(t, p)| format!("{t}-{p}")).collect::<Vec<_>>(),
            "partitions": m.assignment.len(),
        })).collect::<Vec<_>>(),
        "offsets": g.offsets.iter().map(|o| json!({
            "topic": o.topic,
            "partition": o.partition,
            "committed": o.committed,
            "log_end_offset": o.log_end_offset,
            "lag": o.lag,
            "owner": o.owner,
            "owner_client": o.owner.as_deref().and_then(|m| clients.get(m)),
            "status": st.history.partition_status(&g.id, &o.topic, o.partition, now),
            "lag_seconds": st.history.lag_seconds(&o.topic, o.partition, o.lag),
            "series": st.history.lag_series(&g.id, &o.topic, o.partition),
        })).collect::<Vec<_>>(),
        "events": events_json(&st, |e| e.group() == Some(id.as_str()), 200),
    }))
    .into_response()
}

/// Brokers with what each leads and hosts, and the partitions x brokers grid.
fn brokers_json(s: &Snapshot) -> Value {
    let partitions: Vec<(&str, &PartitionView)> = s
        .topics
        .iter()
        .filter(|t| !t.internal)
        .flat_map(|t| t.partitions.iter().map(move |p| (t.name.as_str(), p)))
        .collect();
    let brokers: Vec<Value> = s
        .brokers
        .iter()
        .map(|b| {
            json!({
                "id": b.id,
                "host": b.host,
                "port": b.port,
                "up": b.up,
                "controller": s.controller == b.id,
                "leaders": partitions.iter().filter(|(_, p)| p.leader == b.id).count(),
                "replicas": partitions.iter().filter(|(_, p)| p.replicas.contains(&b.id)).count(),
                "out_of_sync": partitions.iter().filter(|(_, p)| p.out_of_sync().contains(&b.id)).count(),
            })
        })
        .collect();
    // The grid is for reading, not scrolling through thousands of rows.
    const GRID_ROWS: usize = 500;
    let grid: Vec<Value> = partitions
        .iter()
        .take(GRID_ROWS)
        .map(|(t, p)| {
            json!({
                "topic": t,
                "partition": p.partition,
                "leader": p.leader,
                "replicas": p.replicas,
                "out_of_sync": p.out_of_sync(),
            })
        })
        .collect();
    json!({ "brokers": brokers, "grid": grid, "grid_total": partitions.len() })
}

async fn brokers(State(c): State<Shared>) -> Json<Value> {
    let st = c.read();
    Json(brokers_json(&st.snapshot))
}

#[derive(Deserialize)]
struct TimelineQuery {
    topic: Option<String>,
    group: Option<String>,
    #[serde(default = "default_timeline_limit")]
    limit: usize,
}

fn default_timeline_limit() -> usize {
    500
}

async fn timeline(State(c): State<Shared>, Query(q): Query<TimelineQuery>) -> Json<Value> {
    let st = c.read();
    Json(Value::Array(events_json(
        &st,
        |e| {
            q.topic.as_deref().is_none_or(|t| e.topic() == Some(t))
                && q.group.as_deref().is_none_or(|g| e.group() == Some(g))
        },
        q.limit.min(super::TIMELINE_MAX),
    )))
}

/// One `snapshot` event per refresh (the version and any error); the page fetches
/// what its view needs.
async fn events(
    State(c): State<Shared>,
) -> Sse<impl futures_util::Stream<Item = Result<SseEvent, Infallible>>> {
    let rx = c.updates.subscribe();
    let stream = futures_util::stream::unfold((rx, c), |(mut rx, c)| async move {
        rx.changed().await.ok()?;
        let (version, error, taken) = {
            let st = c.read();
            (st.version, st.error.clone(), st.snapshot.taken_at_ms)
        };
        let data = json!({ "version": version, "error": error, "taken_at_ms": taken });
        Some((
            Ok(SseEvent::default().event("snapshot").data(data.to_string())),
            (rx, c),
        ))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
}
