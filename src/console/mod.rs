//! The web console (`kw console`, also started by `kw cluster up`): the workshop's
//! AKHQ views for any Kafka cluster. A collector takes a [`model::Snapshot`] every
//! refresh interval through the client library; the history (rates, lag series)
//! and the timeline (changes between snapshots) are derived from snapshots; an HTTP
//! server (axum) serves the embedded page, JSON under `/api`, and server-sent events
//! that tell open pages to refresh. Depends on `client` only: it talks to brokers
//! over the wire, never through the broker's parts.

mod api;
pub mod collect;
pub mod history;
pub mod messages;
pub mod model;
pub mod timeline;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::{debug, info};

use crate::client::{Client, ClientConfig};
use history::History;
use model::Snapshot;
use timeline::Event;

/// Timeline events kept in memory.
const TIMELINE_MAX: usize = 2000;

#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    /// Bootstrap brokers of the cluster to show.
    pub bootstrap: String,
    /// HOST:PORT to serve the console on.
    pub listen: String,
    /// How often a snapshot is taken and open pages refresh.
    pub refresh: Duration,
    /// How to reach the brokers (`-X security.protocol=...`).
    pub security: crate::client::Security,
}

/// What the collector last learned, shared with the HTTP handlers (a std lock:
/// held only to read or swap in-memory data, never across an await).
#[derive(Default)]
pub(crate) struct State {
    pub snapshot: Snapshot,
    pub history: History,
    pub timeline: VecDeque<Event>,
    generations: BTreeMap<String, u64>,
    /// Why the last collection failed, while it keeps failing.
    pub error: Option<String>,
    /// Snapshots taken so far.
    pub version: u64,
    /// How long the last snapshot took.
    pub snapshot_ms: u64,
}

pub(crate) struct Console {
    pub client: Arc<Client>,
    pub config: ConsoleConfig,
    pub state: RwLock<State>,
    pub updates: watch::Sender<u64>,
}

impl Console {
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().expect("console state lock poisoned")
    }

    fn absorb(&self, result: crate::client::Result<Snapshot>, took: Duration) {
        let mut st = self.state.write().expect("console state lock poisoned");
        st.snapshot_ms = took.as_millis() as u64;
        match result {
            Ok(next) => {
                let prev = std::mem::take(&mut st.snapshot);
                let mut generations = std::mem::take(&mut st.generations);
                let events = timeline::diff(&prev, &next, &mut generations);
                st.generations = generations;
                for e in events {
                    info!(event = ?e.change, "cluster change");
                    st.timeline.push_back(e);
                }
                while st.timeline.len() > TIMELINE_MAX {
                    st.timeline.pop_front();
                }
                st.history.record(&next);
                st.snapshot = next;
                st.error = None;
            }
            Err(e) => {
                debug!(error = %e, "snapshot failed");
                st.error = Some(e.to_string());
            }
        }
        st.version += 1;
        let v = st.version;
        drop(st);
        self.updates.send_replace(v);
    }
}

/// Take a snapshot every `refresh`, for as long as the task runs.
async fn collect_loop(console: Arc<Console>) {
    let mut collector = collect::Collector::new(console.client.clone());
    let mut tick = tokio::time::interval(console.config.refresh);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        // A snapshot that takes longer than the interval is cut short: the page must
        // say the data is old rather than wait.
        let timeout = (console.config.refresh * 5).max(Duration::from_secs(5));
        let started = std::time::Instant::now();
        let result = match tokio::time::timeout(timeout, collector.collect()).await {
            Ok(r) => r,
            Err(_) => Err(crate::client::Error::Timeout {
                addr: console.config.bootstrap.clone(),
                ms: timeout.as_millis() as u64,
            }),
        };
        console.absorb(result, started.elapsed());
    }
}

/// Bind `config.listen` and serve the console until the future is dropped. Returns
/// once bound (with the address), running the server and collector in the
/// background of the returned future's task.
pub async fn serve(config: ConsoleConfig, listener: TcpListener) -> anyhow::Result<()> {
    let client_config = ClientConfig {
        client_id: "kw-console".into(),
        connect_timeout: Duration::from_secs(3),
        allow_auto_create: false,
        security: config.security.clone(),
    };
    let client = match Client::connect(&config.bootstrap, client_config.clone()).await {
        Ok(c) => c,
        // TLS or SASL refused: waiting will not help.
        Err(e @ crate::client::Error::Security { .. }) => return Err(e.into()),
        // The cluster may not be up yet: the console starts anyway and says so.
        Err(_) => Client::offline(&config.bootstrap, client_config)?,
    };
    let (updates, _) = watch::channel(0);
    let console = Arc::new(Console {
        client,
        config,
        state: RwLock::new(State::default()),
        updates,
    });
    let collector = tokio::spawn(collect_loop(console.clone()));
    let result = axum::serve(listener, api::router(console)).await;
    collector.abort();
    Ok(result?)
}
