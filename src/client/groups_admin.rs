//! Group admin calls for `kw groups`: list, describe (members, assignments,
//! committed offsets), delete.

use std::collections::HashMap;
use std::time::Duration;

use kafka_protocol::messages::*;

use super::assignor::decode_assignment;
use super::cluster::Client;
use super::connection::Connection;
use super::{Error, Result};
use crate::protocol::{sb, TopicPartition};

#[derive(Debug, Clone)]
pub struct ListedGroupInfo {
    pub group_id: String,
    pub protocol_type: String,
    pub state: String,
}

#[derive(Debug, Clone)]
pub struct MemberInfo {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub assignment: Vec<TopicPartition>,
}

#[derive(Debug, Clone)]
pub struct GroupInfo {
    pub group_id: String,
    pub state: String,
    pub protocol_type: String,
    pub protocol: String,
    pub coordinator: (i32, String),
    pub members: Vec<MemberInfo>,
    pub committed: HashMap<TopicPartition, i64>,
}

/// Groups known to every broker of the cluster.
pub async fn list_groups(client: &Client) -> Result<Vec<ListedGroupInfo>> {
    client.refresh(&[]).await?;
    let mut out = Vec::new();
    for id in client.broker_ids() {
        let conn = client.broker(id).await?;
        let resp = conn.send(&ListGroupsRequest::default()).await?;
        if let Some(e) = Error::server(resp.error_code, "listing groups") {
            return Err(e);
        }
        for g in resp.groups {
            out.push(ListedGroupInfo {
                group_id: g.group_id.to_string(),
                protocol_type: g.protocol_type.to_string(),
                state: g.group_state.to_string(),
            });
        }
    }
    Ok(out)
}

/// The coordinator of `group`: a connection to it, its id and address. Retries while
/// the coordinator is being chosen or loaded.
pub async fn find_coordinator(
    client: &Client,
    group: &str,
) -> Result<(Arc<Connection>, i32, String)> {
    find_coordinator_of(client, CoordinatorKind::Group, group).await
}

/// What a coordinator is looked up for (FindCoordinator's key type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinatorKind {
    Group = 0,
    Transaction = 1,
}

/// The coordinator of a group or a transactional id, as [`find_coordinator`].
pub async fn find_coordinator_of(
    client: &Client,
    kind: CoordinatorKind,
    key: &str,
) -> Result<(Arc<Connection>, i32, String)> {
    let group = key;
    let mut last = None;
    for _ in 0..50 {
        let conn = client.any_connection().await?;
        // v4+ batches keys; older versions take one key. Only one form may be set.
        let req = if conn.version_for(ApiKey::FindCoordinator).unwrap_or(0) >= 4 {
            FindCoordinatorRequest::default().with_coordinator_keys(vec![sb(group)])
        } else {
            FindCoordinatorRequest::default().with_key(sb(group))
        }
        .with_key_type(kind as i8);
        let resp = conn.send(&req).await?;
        let (code, node, host, port) = match resp.coordinators.first() {
            Some(c) => (c.error_code, c.node_id.0, c.host.to_string(), c.port),
            None => (
                resp.error_code,
                resp.node_id.0,
                resp.host.to_string(),
                resp.port,
            ),
        };
        let what = match kind {
            CoordinatorKind::Group => "group",
            CoordinatorKind::Transaction => "transactional id",
        };
        match Error::server(code, format!("finding the coordinator of {what} {group}")) {
            None => {
                let addr = format!("{host}:{port}");
                let c = match client.broker(node).await {
                    Ok(c) => c,
                    Err(_) => {
                        Connection::connect(
                            &addr,
                            &client.config.client_id,
                            client.config.connect_timeout,
                            &client.config.security,
                        )
                        .await?
                    }
                };
                return Ok((c, node, addr));
            }
            Some(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(last.expect("attempted"))
}

use std::sync::Arc;

pub async fn describe_group(client: &Client, group: &str) -> Result<GroupInfo> {
    let (conn, node, addr) = find_coordinator(client, group).await?;
    let resp = conn
        .send(&DescribeGroupsRequest::default().with_groups(vec![GroupId(sb(group))]))
        .await?;
    let g = resp
        .groups
        .into_iter()
        .next()
        .ok_or_else(|| Error::Other("empty DescribeGroups response".into()))?;
    if let Some(e) = Error::server(g.error_code, format!("describing group {group}")) {
        return Err(e);
    }
    let version = conn.version_for(ApiKey::OffsetFetch).unwrap_or(1).min(7);
    let fetch = OffsetFetchRequest::default()
        .with_group_id(GroupId(sb(group)))
        .with_topics(None);
    // v1 cannot ask for "all topics"; kw and Kafka both speak v2+.
    let offsets = conn
        .send_versioned(&fetch, version.max(2), Duration::from_secs(30))
        .await?;
    let committed = committed_of(offsets.topics);
    Ok(group_info(g, (node, addr), committed))
}

fn group_info(
    g: describe_groups_response::DescribedGroup,
    coordinator: (i32, String),
    committed: HashMap<TopicPartition, i64>,
) -> GroupInfo {
    GroupInfo {
        group_id: g.group_id.to_string(),
        state: g.group_state.to_string(),
        protocol_type: g.protocol_type.to_string(),
        protocol: g.protocol_data.to_string(),
        coordinator,
        members: g
            .members
            .into_iter()
            .map(|m| MemberInfo {
                member_id: m.member_id.to_string(),
                group_instance_id: m.group_instance_id.map(|s| s.to_string()),
                client_id: m.client_id.to_string(),
                client_host: m.client_host.to_string(),
                assignment: decode_assignment(m.member_assignment),
            })
            .collect(),
        committed,
    }
}

fn committed_of(
    topics: Vec<offset_fetch_response::OffsetFetchResponseTopic>,
) -> HashMap<TopicPartition, i64> {
    let mut committed = HashMap::new();
    for t in topics {
        for p in t.partitions {
            if p.committed_offset >= 0 {
                committed.insert(
                    TopicPartition::new(t.name.to_string(), p.partition_index),
                    p.committed_offset,
                );
            }
        }
    }
    committed
}

/// Describe many groups with few requests (a console refreshing hundreds of
/// groups): coordinators found in one batched FindCoordinator where the broker
/// speaks v4, then one DescribeGroups per coordinator and the committed offsets of
/// each group, all coordinators at once. Groups that cannot be described now are
/// left out.
pub async fn describe_groups(client: &Client, groups: &[String]) -> Result<Vec<GroupInfo>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let conn = client.any_connection().await?;
    let mut coordinators: HashMap<i32, (String, Vec<String>)> = HashMap::new();
    if conn.version_for(ApiKey::FindCoordinator).unwrap_or(0) >= 4 {
        let req = FindCoordinatorRequest::default()
            .with_coordinator_keys(groups.iter().map(|g| sb(g.clone())).collect());
        for c in conn.send(&req).await?.coordinators {
            if c.error_code == 0 {
                coordinators
                    .entry(c.node_id.0)
                    .or_insert_with(|| (format!("{}:{}", c.host, c.port), Vec::new()))
                    .1
                    .push(c.key.to_string());
            }
        }
    } else {
        for g in groups {
            if let Ok((_, node, addr)) = find_coordinator(client, g).await {
                coordinators
                    .entry(node)
                    .or_insert_with(|| (addr, Vec::new()))
                    .1
                    .push(g.clone());
            }
        }
    }
    let per_coordinator = coordinators
        .into_iter()
        .map(|(node, (addr, ids))| async move {
            let conn = match client.broker(node).await {
                Ok(c) => c,
                Err(_) => Connection::connect(
                    &addr,
                    &client.config.client_id,
                    client.config.connect_timeout,
                    &client.config.security,
                )
                .await
                .ok()?,
            };
            let described = conn
                .send(
                    &DescribeGroupsRequest::default()
                        .with_groups(ids.iter().map(|g| GroupId(sb(g.clone()))).collect()),
                )
                .await
                .ok()?;
            let version = conn.version_for(ApiKey::OffsetFetch).unwrap_or(2).max(2);
            let mut out = Vec::new();
            for g in described.groups {
                if g.error_code != 0 {
                    continue;
                }
                let id = g.group_id.to_string();
                let fetch = OffsetFetchRequest::default()
                    .with_group_id(GroupId(sb(id.clone())))
                    .with_topics(None);
                let committed = match conn
                    .send_versioned(&fetch, version.min(7), Duration::from_secs(30))
                    .await
                {
                    Ok(r) if r.error_code == 0 => committed_of(r.topics),
                    _ => HashMap::new(),
                };
                out.push(group_info(g, (node, addr.clone()), committed));
            }
            Some(out)
        });
    Ok(futures_util::future::join_all(per_coordinator)
        .await
        .into_iter()
        .flatten()
        .flatten()
        .collect())
}

pub async fn delete_group(client: &Client, group: &str) -> Result<()> {
    let (conn, _, _) = find_coordinator(client, group).await?;
    let resp = conn
        .send(&DeleteGroupsRequest::default().with_groups_names(vec![GroupId(sb(group))]))
        .await?;
    for r in resp.results {
        if let Some(e) = Error::server(r.error_code, format!("deleting group {group}")) {
            return Err(e);
        }
    }
    Ok(())
}

/// OffsetDelete: drop `group`'s committed offsets of `partitions`; the error of
/// each partition (None = deleted).
pub async fn delete_group_offsets(
    client: &Client,
    group: &str,
    partitions: &[TopicPartition],
) -> Result<Vec<(TopicPartition, Option<Error>)>> {
    use kafka_protocol::messages::offset_delete_request::{
        OffsetDeleteRequestPartition, OffsetDeleteRequestTopic,
    };
    use kafka_protocol::messages::{OffsetDeleteRequest, TopicName};
    let (conn, _, _) = find_coordinator(client, group).await?;
    let topics = crate::protocol::group_by_topic(partitions)
        .into_iter()
        .map(|(t, ps)| {
            OffsetDeleteRequestTopic::default()
                .with_name(TopicName(sb(t)))
                .with_partitions(
                    ps.into_iter()
                        .map(|p| OffsetDeleteRequestPartition::default().with_partition_index(p))
                        .collect(),
                )
        })
        .collect();
    let resp = conn
        .send(
            &OffsetDeleteRequest::default()
                .with_group_id(GroupId(sb(group)))
                .with_topics(topics),
        )
        .await?;
    if let Some(e) = Error::server(
        resp.error_code,
        format!("deleting offsets of group {group}"),
    ) {
        return Err(e);
    }
    let mut out = Vec::new();
    for t in resp.topics {
        for p in t.partitions {
            let tp = TopicPartition::new(t.name.0.as_str(), p.partition_index);
            let err = Error::server(p.error_code, format!("deleting the offset of {tp}"));
            out.push((tp, err));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
