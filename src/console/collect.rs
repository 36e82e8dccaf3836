//! Building a [`Snapshot`] of any Kafka cluster with the client library: Metadata
//! (brokers, controller, leaders, replicas, ISR, offline replicas), ListOffsets
//! (log start and end of every partition, one request per leader), ListGroups,
//! DescribeGroups and OffsetFetch (members, assignments, committed offsets). Speaks
//! only the public APIs; depends on `client`, never on the broker's parts.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::client::consumer::list_offsets_bulk;
use crate::client::groups_admin::{describe_groups, list_groups};
use crate::client::{Client, Result};
use crate::protocol::TopicPartition;

use super::model::*;

/// Remembers every broker it has seen, so one that drops out of Metadata shows as
/// down instead of vanishing.
pub struct Collector {
    client: Arc<Client>,
    seen: BTreeMap<i32, (String, i32)>,
}

impl Collector {
    pub fn new(client: Arc<Client>) -> Collector {
        Collector {
            client,
            seen: BTreeMap::new(),
        }
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// One full snapshot, taken now.
    pub async fn collect(&mut self) -> Result<Snapshot> {
        let meta = self.client.metadata(None).await?;
        let taken_at_ms = crate::protocol::now_ms();
        let live: Vec<i32> = meta.brokers.iter().map(|b| b.node_id.0).collect();
        for b in &meta.brokers {
            self.seen.insert(b.node_id.0, (b.host.to_string(), b.port));
        }
        let brokers: Vec<BrokerView> = self
            .seen
            .iter()
            .map(|(id, (host, port))| BrokerView {
                id: *id,
                host: host.clone(),
                port: *port,
                up: live.contains(id),
            })
            .collect();
        let mut topics: Vec<TopicView> = Vec::new();
        let mut leaders: Vec<(TopicPartition, i32)> = Vec::new();
        for t in &meta.topics {
            let Some(name) = t.name.as_ref().map(|n| n.0.to_string()) else {
                continue;
            };
            if t.error_code != 0 {
                continue;
            }
            let mut partitions: Vec<PartitionView> = t
                .partitions
                .iter()
                .map(|p| {
                    let replicas: Vec<i32> = p.replica_nodes.iter().map(|b| b.0).collect();
                    let mut offline: Vec<i32> = p.offline_replicas.iter().map(|b| b.0).collect();
                    for r in &replicas {
                        if !live.contains(r) && !offline.contains(r) {
                            offline.push(*r);
                        }
                    }
                    leaders.push((
                        TopicPartition::new(name.clone(), p.partition_index),
                        p.leader_id.0,
                    ));
                    PartitionView {
                        partition: p.partition_index,
                        leader: p.leader_id.0,
                        leader_epoch: p.leader_epoch,
                        replicas,
                        isr: p.isr_nodes.iter().map(|b| b.0).collect(),
                        offline,
                        log_start_offset: -1,
                        log_end_offset: -1,
                    }
                })
                .collect();
            partitions.sort_by_key(|p| p.partition);
            topics.push(TopicView {
                internal: t.is_internal || name.starts_with("__"),
                name,
                partitions,
            });
        }
        topics.sort_by(|a, b| a.name.cmp(&b.name));
        let (ends, starts) = tokio::join!(
            list_offsets_bulk(&self.client, &leaders, -1),
            list_offsets_bulk(&self.client, &leaders, -2)
        );
        for t in &mut topics {
            for p in &mut t.partitions {
                let tp = TopicPartition::new(t.name.clone(), p.partition);
                p.log_end_offset = ends.get(&tp).copied().unwrap_or(-1);
                p.log_start_offset = starts.get(&tp).copied().unwrap_or(-1);
            }
        }
        let ids: Vec<String> = list_groups(&self.client)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|g| g.group_id)
            .collect();
        let mut groups: Vec<GroupView> = describe_groups(&self.client, &ids)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|g| {
                let owners: HashMap<TopicPartition, String> = g
                    .members
                    .iter()
                    .flat_map(|m| {
                        m.assignment
                            .iter()
                            .map(move |tp| (tp.clone(), m.member_id.clone()))
                    })
                    .collect();
                let mut keys: Vec<TopicPartition> =
                    g.committed.keys().chain(owners.keys()).cloned().collect();
                keys.sort();
                keys.dedup();
                let offsets = keys
                    .into_iter()
                    .map(|tp| {
                        let committed = g.committed.get(&tp).copied().unwrap_or(-1);
                        let end = ends.get(&tp).copied().unwrap_or(-1);
                        let start = starts.get(&tp).copied().unwrap_or(0).max(0);
                        let lag = if end < 0 {
                            0
                        } else if committed < 0 {
                            end - start
                        } else {
                            (end - committed).max(0)
                        };
                        GroupOffset {
                            owner: owners.get(&tp).cloned(),
                            topic: tp.topic,
                            partition: tp.partition,
                            committed,
                            log_end_offset: end,
                            lag,
                        }
                    })
                    .collect();
                let mut members: Vec<MemberView> = g
                    .members
                    .into_iter()
                    .map(|m| {
                        let mut assignment: Vec<(String, i32)> = m
                            .assignment
                            .into_iter()
                            .map(|tp| (tp.topic, tp.partition))
                            .collect();
                        assignment.sort();
                        MemberView {
                            member_id: m.member_id,
                            client_id: m.client_id,
                            host: m.client_host,
                            assignment,
                        }
                    })
                    .collect();
                members.sort_by(|a, b| a.member_id.cmp(&b.member_id));
                GroupView {
                    id: g.group_id,
                    state: g.state,
                    protocol_type: g.protocol_type,
                    protocol: g.protocol,
                    coordinator: g.coordinator.0,
                    members,
                    offsets,
                }
            })
            .collect();
        groups.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Snapshot {
            taken_at_ms,
            cluster_id: meta.cluster_id.map(|c| c.to_string()),
            controller: meta.controller_id.0,
            brokers,
            topics,
            groups,
        })
    }
}
