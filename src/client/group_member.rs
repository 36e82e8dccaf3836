//! A classic-protocol group member: find the coordinator, join (with the KIP-394
//! MEMBER_ID_REQUIRED round trip), run the assignor when elected leader, sync,
//! heartbeat, commit and fetch offsets, leave.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::join_group_request::JoinGroupRequestProtocol;
use kafka_protocol::messages::leave_group_request::MemberIdentity;
use kafka_protocol::messages::offset_commit_request::{
    OffsetCommitRequestPartition, OffsetCommitRequestTopic,
};
use kafka_protocol::messages::offset_fetch_request::OffsetFetchRequestTopic;
use kafka_protocol::messages::sync_group_request::SyncGroupRequestAssignment;
use kafka_protocol::messages::*;
use tracing::debug;

use super::assignor::{
    decode_assignment, decode_subscription, encode_assignment, encode_subscription, Assignor,
};
use super::cluster::Client;
use super::connection::Connection;
use super::{Error, Result};
use crate::protocol::{sb, TopicPartition};

#[derive(Debug, Clone)]
pub struct MemberConfig {
    pub session_timeout: Duration,
    pub rebalance_timeout: Duration,
    pub heartbeat_interval: Duration,
    pub assignors: Vec<Assignor>,
}

impl Default for MemberConfig {
    fn default() -> Self {
        MemberConfig {
            session_timeout: Duration::from_secs(45),
            rebalance_timeout: Duration::from_secs(300),
            heartbeat_interval: Duration::from_secs(3),
            assignors: vec![Assignor::Range, Assignor::RoundRobin],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heartbeat {
    Ok,
    /// The group is rebalancing (or forgot us): join again.
    Rejoin,
}

pub struct GroupMember {
    client: Arc<Client>,
    pub group_id: String,
    topics: Vec<String>,
    config: MemberConfig,
    coordinator: Option<Arc<Connection>>,
    pub member_id: String,
    pub generation_id: i32,
    /// Partitions held now; sent in the subscription so a sticky leader can keep them.
    pub owned: Vec<TopicPartition>,
    /// The protocol the group chose at the last join.
    pub protocol: String,
}

fn retriable_coordinator_error(code: ResponseError) -> bool {
    matches!(
        code,
        ResponseError::CoordinatorNotAvailable
            | ResponseError::NotCoordinator
            | ResponseError::CoordinatorLoadInProgress
    )
}

impl GroupMember {
    pub fn new(
        client: Arc<Client>,
        group_id: &str,
        topics: Vec<String>,
        config: MemberConfig,
    ) -> GroupMember {
        GroupMember {
            client,
            group_id: group_id.to_string(),
            topics,
            config,
            coordinator: None,
            member_id: String::new(),
            generation_id: -1,
            owned: Vec::new(),
            protocol: String::new(),
        }
    }

    async fn coordinator(&mut self) -> Result<Arc<Connection>> {
        if let Some(c) = &self.coordinator {
            if !c.is_closed() {
                return Ok(c.clone());
            }
        }
        let (c, _, _) = super::groups_admin::find_coordinator(&self.client, &self.group_id).await?;
        self.coordinator = Some(c.clone());
        Ok(c)
    }

    /// Join and sync; returns this member's assignment for the new generation.
    pub async fn join(&mut self) -> Result<Vec<TopicPartition>> {
        loop {
            let coord = self.coordinator().await?;
            let protocols = self
                .config
                .assignors
                .iter()
                .map(|a| {
                    JoinGroupRequestProtocol::default()
                        .with_name(sb(a.name()))
                        .with_metadata(encode_subscription(&self.topics, &self.owned))
                })
                .collect();
            let req = JoinGroupRequest::default()
                .with_group_id(GroupId(sb(self.group_id.clone())))
                .with_session_timeout_ms(self.config.session_timeout.as_millis() as i32)
                .with_rebalance_timeout_ms(self.config.rebalance_timeout.as_millis() as i32)
                .with_member_id(sb(self.member_id.clone()))
                .with_protocol_type(sb("consumer"))
                .with_protocols(protocols);
            let resp = match coord
                .send_versioned(
                    &req,
                    coord.version_for(ApiKey::JoinGroup).unwrap_or(0),
                    self.config.rebalance_timeout + Duration::from_secs(5),
                )
                .await
            {
                Ok(r) => r,
                Err(e) if e.is_retriable() => {
                    self.coordinator = None;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match ResponseError::try_from_code(resp.error_code) {
                None => {}
                Some(ResponseError::MemberIdRequired) => {
                    self.member_id = resp.member_id.to_string();
                    continue;
                }
                Some(ResponseError::UnknownMemberId) | Some(ResponseError::IllegalGeneration) => {
                    self.member_id.clear();
                    self.generation_id = -1;
                    continue;
                }
                Some(ResponseError::RebalanceInProgress) => continue,
                Some(e) if retriable_coordinator_error(e) => {
                    self.coordinator = None;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
                Some(_) => {
                    return Err(Error::server(
                        resp.error_code,
                        format!("joining group {}", self.group_id),
                    )
                    .expect("error code"))
                }
            }
            self.member_id = resp.member_id.to_string();
            self.generation_id = resp.generation_id;
            let protocol = resp
                .protocol_name
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default();
            self.protocol = protocol.clone();
            let assignments = if resp.leader == resp.member_id {
                self.assign(&protocol, &resp.members).await?
            } else {
                Vec::new()
            };
            let req = SyncGroupRequest::default()
                .with_group_id(GroupId(sb(self.group_id.clone())))
                .with_generation_id(self.generation_id)
                .with_member_id(sb(self.member_id.clone()))
                .with_assignments(assignments);
            let req = if coord.version_for(ApiKey::SyncGroup).unwrap_or(0) >= 5 {
                req.with_protocol_type(Some(sb("consumer")))
                    .with_protocol_name(Some(sb(protocol)))
            } else {
                req
            };
            let resp = match coord.send(&req).await {
                Ok(r) => r,
                Err(e) if e.is_retriable() => {
                    self.coordinator = None;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match ResponseError::try_from_code(resp.error_code) {
                None => return Ok(decode_assignment(resp.assignment)),
                Some(ResponseError::RebalanceInProgress) => continue,
                Some(ResponseError::UnknownMemberId) | Some(ResponseError::IllegalGeneration) => {
                    self.member_id.clear();
                    continue;
                }
                Some(e) if retriable_coordinator_error(e) => {
                    self.coordinator = None;
                    continue;
                }
                Some(_) => {
                    return Err(Error::server(
                        resp.error_code,
                        format!("syncing group {}", self.group_id),
                    )
                    .expect("error code"))
                }
            }
        }
    }

    async fn assign(
        &self,
        protocol: &str,
        members: &[join_group_response::JoinGroupResponseMember],
    ) -> Result<Vec<SyncGroupRequestAssignment>> {
        let assignor = self
            .config
            .assignors
            .iter()
            .find(|a| a.name() == protocol)
            .copied()
            .unwrap_or(Assignor::Range);
        let mut subs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut owned: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
        for m in members {
            let (topics, held) = decode_subscription(m.metadata.clone()).unwrap_or_default();
            subs.insert(m.member_id.to_string(), topics);
            owned.insert(m.member_id.to_string(), held);
        }
        let mut topics: Vec<String> = subs.values().flatten().cloned().collect();
        topics.sort();
        topics.dedup();
        let mut counts = BTreeMap::new();
        for t in &topics {
            if let Ok(meta) = self.client.topic(t).await {
                counts.insert(t.clone(), meta.partitions.len() as i32);
            }
        }
        let plan = assignor.assign(&subs, &owned, &counts);
        debug!(group = %self.group_id, ?plan, "assigned as leader");
        Ok(plan
            .into_iter()
            .map(|(m, tps)| {
                SyncGroupRequestAssignment::default()
                    .with_member_id(sb(m))
                    .with_assignment(encode_assignment(&tps))
            })
            .collect())
    }

    pub async fn heartbeat(&mut self) -> Result<Heartbeat> {
        let coord = self.coordinator().await?;
        let req = HeartbeatRequest::default()
            .with_group_id(GroupId(sb(self.group_id.clone())))
            .with_generation_id(self.generation_id)
            .with_member_id(sb(self.member_id.clone()));
        let resp = match coord.send(&req).await {
            Ok(r) => r,
            Err(e) if e.is_retriable() => {
                self.coordinator = None;
                return Ok(Heartbeat::Ok);
            }
            Err(e) => return Err(e),
        };
        Ok(match ResponseError::try_from_code(resp.error_code) {
            None => Heartbeat::Ok,
            Some(ResponseError::UnknownMemberId) => {
                self.member_id.clear();
                Heartbeat::Rejoin
            }
            Some(e) if retriable_coordinator_error(e) => {
                self.coordinator = None;
                Heartbeat::Rejoin
            }
            Some(_) => Heartbeat::Rejoin,
        })
    }

    /// Commit next-offsets to read. As a member when in a generation, else as a
    /// "simple" committer (generation -1), which only works for an empty group.
    pub async fn commit(&mut self, offsets: &HashMap<TopicPartition, i64>) -> Result<()> {
        if offsets.is_empty() {
            return Ok(());
        }
        let coord = self.coordinator().await?;
        let mut by_topic: BTreeMap<&str, Vec<OffsetCommitRequestPartition>> = BTreeMap::new();
        for (tp, off) in offsets {
            by_topic.entry(tp.topic.as_str()).or_default().push(
                OffsetCommitRequestPartition::default()
                    .with_partition_index(tp.partition)
                    .with_committed_offset(*off)
                    .with_committed_metadata(Some(sb(""))),
            );
        }
        let req = OffsetCommitRequest::default()
            .with_group_id(GroupId(sb(self.group_id.clone())))
            .with_generation_id_or_member_epoch(self.generation_id)
            .with_member_id(sb(self.member_id.clone()))
            .with_retention_time_ms(-1)
            .with_topics(
                by_topic
                    .into_iter()
                    .map(|(t, ps)| {
                        OffsetCommitRequestTopic::default()
                            .with_name(TopicName(sb(t)))
                            .with_partitions(ps)
                    })
                    .collect(),
            );
        let resp = coord.send(&req).await?;
        for t in resp.topics {
            for p in t.partitions {
                if let Some(e) = Error::server(
                    p.error_code,
                    format!("committing offsets of group {}", self.group_id),
                ) {
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Committed offsets for `partitions` (-1 where none). With `require_stable`
    /// (a read_committed consumer, KIP-447) offsets that a transaction has
    /// committed but not yet ended are waited for.
    pub async fn committed(
        &mut self,
        partitions: &[TopicPartition],
        require_stable: bool,
    ) -> Result<HashMap<TopicPartition, i64>> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            match self.committed_once(partitions, require_stable).await {
                Err(Error::Server {
                    code: ResponseError::UnstableOffsetCommit,
                    ..
                }) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                other => return other,
            }
        }
    }

    async fn committed_once(
        &mut self,
        partitions: &[TopicPartition],
        require_stable: bool,
    ) -> Result<HashMap<TopicPartition, i64>> {
        let coord = self.coordinator().await?;
        let by_topic = crate::protocol::group_by_topic(partitions);
        let version = coord.version_for(ApiKey::OffsetFetch).unwrap_or(1).min(7);
        let req = OffsetFetchRequest::default()
            .with_group_id(GroupId(sb(self.group_id.clone())))
            .with_require_stable(require_stable && version >= 7)
            .with_topics(Some(
                by_topic
                    .into_iter()
                    .map(|(t, ps)| {
                        OffsetFetchRequestTopic::default()
                            .with_name(TopicName(sb(t)))
                            .with_partition_indexes(ps)
                    })
                    .collect(),
            ));
        let resp = coord
            .send_versioned(&req, version, Duration::from_secs(30))
            .await?;
        if let Some(e) = Error::server(
            resp.error_code,
            format!("fetching offsets of group {}", self.group_id),
        ) {
            return Err(e);
        }
        let mut out = HashMap::new();
        for t in resp.topics {
            for p in t.partitions {
                if let Some(e) = Error::server(
                    p.error_code,
                    format!("fetching offsets of group {}", self.group_id),
                ) {
                    return Err(e);
                }
                out.insert(
                    TopicPartition::new(t.name.to_string(), p.partition_index),
                    p.committed_offset,
                );
            }
        }
        Ok(out)
    }

    /// Where to start reading each partition: the group's committed offset, or
    /// `reset` (auto.offset.reset) where there is none.
    pub async fn start_offsets(
        &mut self,
        partitions: &[TopicPartition],
        reset: super::consumer::StartOffset,
        read_committed: bool,
    ) -> Result<HashMap<TopicPartition, i64>> {
        let committed = self.committed(partitions, read_committed).await?;
        let mut offsets = HashMap::new();
        for tp in partitions {
            let start = match committed.get(tp) {
                Some(o) if *o >= 0 => *o,
                _ => super::consumer::resolve(&self.client, tp, reset, read_committed).await?,
            };
            offsets.insert(tp.clone(), start);
        }
        Ok(offsets)
    }

    pub async fn leave(&mut self) -> Result<()> {
        if self.member_id.is_empty() {
            return Ok(());
        }
        let coord = self.coordinator().await?;
        let req = LeaveGroupRequest::default().with_group_id(GroupId(sb(self.group_id.clone())));
        let req = if coord.version_for(ApiKey::LeaveGroup).unwrap_or(0) >= 3 {
            req.with_members(vec![
                MemberIdentity::default().with_member_id(sb(self.member_id.clone()))
            ])
        } else {
            req.with_member_id(sb(self.member_id.clone()))
        };
        let _ = coord.send(&req).await?;
        self.member_id.clear();
        Ok(())
    }
}
