//! Follower replication: one task per leader broker pulls every partition this
//! node follows from that leader with the Fetch API (replica_id = this node), as
//! Kafka's replica fetcher threads do. Before a partition's first fetch under a new
//! leader epoch, the follower asks OffsetForLeaderEpoch where its history diverges
//! from the leader's and truncates there (KIP-101/279), so no two replicas disagree
//! below the high watermark.
//!
//! Talks to leaders through the shared client code; must not depend on the broker
//! or group modules.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
use kafka_protocol::messages::offset_for_leader_epoch_request::{
    OffsetForLeaderPartition, OffsetForLeaderTopic,
};
use kafka_protocol::messages::{BrokerId, FetchRequest, OffsetForLeaderEpochRequest, TopicName};
use tokio::sync::{watch, Notify};
use tracing::{debug, info, warn};

use super::partition::{blocking, Partition};
use crate::client::connection::Connection;
use crate::controller::MetadataImage;
use crate::protocol::error_code::ResponseError;
use crate::protocol::{sb, TopicPartition};

/// How long a follower fetch waits at the leader for new data.
const FETCH_MAX_WAIT_MS: i32 = 500;
const PARTITION_FETCH_BYTES: i32 = 1 << 20;
const FETCH_BYTES: i32 = 16 << 20;
const RETRY_BACKOFF: Duration = Duration::from_millis(200);

#[derive(Clone)]
struct Assignment {
    leader: i32,
    leader_epoch: i32,
    part: Arc<Partition>,
    /// Truncated to the divergence point for this leader epoch already.
    truncated: bool,
}

pub struct Fetchers {
    node_id: i32,
    security: crate::client::Security,
    assignments: Mutex<HashMap<TopicPartition, Assignment>>,
    /// Fetcher tasks by leader broker id.
    tasks: Mutex<HashMap<i32, tokio::task::JoinHandle<()>>>,
    changed: Notify,
    images: Mutex<Option<watch::Receiver<Arc<MetadataImage>>>>,
}

impl Drop for Fetchers {
    fn drop(&mut self) {
        for (_, t) in self.tasks.lock().expect("tasks lock poisoned").drain() {
            t.abort();
        }
    }
}

impl Fetchers {
    pub fn new(node_id: i32, security: crate::client::Security) -> Arc<Fetchers> {
        Arc::new(Fetchers {
            node_id,
            security,
            assignments: Mutex::new(HashMap::new()),
            tasks: Mutex::new(HashMap::new()),
            changed: Notify::new(),
            images: Mutex::new(None),
        })
    }

    /// Where leaders are found: the metadata image's broker addresses.
    pub fn set_images(&self, rx: watch::Receiver<Arc<MetadataImage>>) {
        *self.images.lock().expect("images lock poisoned") = Some(rx);
    }

    fn leader_addr(&self, leader: i32) -> Option<String> {
        let guard = self.images.lock().expect("images lock poisoned");
        let image = guard.as_ref()?.borrow().clone();
        image
            .brokers
            .get(&leader)
            .map(|b| format!("{}:{}", b.host, b.port))
    }

    /// Follow `part` from `leader` at `leader_epoch` (replacing any earlier
    /// assignment). Must run inside the Tokio runtime.
    pub fn assign(self: &Arc<Self>, part: Arc<Partition>, leader: i32, leader_epoch: i32) {
        let tp = part.tp.clone();
        let mut map = self.assignments.lock().expect("assignments lock poisoned");
        if leader < 0 {
            map.remove(&tp);
            return;
        }
        if map
            .get(&tp)
            .is_some_and(|a| a.leader == leader && a.leader_epoch == leader_epoch)
        {
            return;
        }
        map.insert(
            tp,
            Assignment {
                leader,
                leader_epoch,
                part,
                truncated: false,
            },
        );
        drop(map);
        let mut tasks = self.tasks.lock().expect("tasks lock poisoned");
        if tasks.get(&leader).is_none_or(|t| t.is_finished()) {
            let me = self.clone();
            tasks.insert(leader, tokio::spawn(async move { me.run(leader).await }));
        }
        drop(tasks);
        self.changed.notify_waiters();
    }

    /// Stop every fetcher task and forget every assignment (node shutdown).
    pub async fn shutdown(&self) {
        self.assignments
            .lock()
            .expect("assignments lock poisoned")
            .clear();
        let tasks: Vec<_> = self
            .tasks
            .lock()
            .expect("tasks lock poisoned")
            .drain()
            .map(|(_, t)| t)
            .collect();
        for t in &tasks {
            t.abort();
        }
        for t in tasks {
            let _ = t.await;
        }
    }

    /// Stop following `tp` (it is led here now, or gone).
    pub fn remove(&self, tp: &TopicPartition) {
        self.assignments
            .lock()
            .expect("assignments lock poisoned")
            .remove(tp);
    }

    fn assigned_to(&self, leader: i32) -> Vec<(TopicPartition, Assignment)> {
        self.assignments
            .lock()
            .expect("assignments lock poisoned")
            .iter()
            .filter(|(_, a)| a.leader == leader)
            .map(|(tp, a)| (tp.clone(), a.clone()))
            .collect()
    }

    /// Still assigned as it was when the request went out.
    fn current(&self, tp: &TopicPartition, a: &Assignment) -> bool {
        self.assignments
            .lock()
            .expect("assignments lock poisoned")
            .get(tp)
            .is_some_and(|now| now.leader == a.leader && now.leader_epoch == a.leader_epoch)
    }

    fn mark_truncated(&self, tp: &TopicPartition, a: &Assignment) {
        if let Some(now) = self
            .assignments
            .lock()
            .expect("assignments lock poisoned")
            .get_mut(tp)
        {
            if now.leader == a.leader && now.leader_epoch == a.leader_epoch {
                now.truncated = true;
            }
        }
    }

    fn retruncate(&self, tp: &TopicPartition) {
        if let Some(now) = self
            .assignments
            .lock()
            .expect("assignments lock poisoned")
            .get_mut(tp)
        {
            now.truncated = false;
        }
    }

    async fn run(self: Arc<Self>, leader: i32) {
        let mut conn: Option<Arc<Connection>> = None;
        loop {
            let parts = self.assigned_to(leader);
            if parts.is_empty() {
                conn = None;
                let _ = tokio::time::timeout(Duration::from_secs(1), self.changed.notified()).await;
                continue;
            }
            if conn.as_ref().is_none_or(|c| c.is_closed()) {
                let Some(addr) = self.leader_addr(leader) else {
                    tokio::time::sleep(RETRY_BACKOFF).await;
                    continue;
                };
                match Connection::connect(
                    &addr,
                    "kw-replica-fetcher",
                    Duration::from_secs(2),
                    &self.security,
                )
                .await
                {
                    Ok(c) => conn = Some(c),
                    Err(e) => {
                        debug!(leader, error = %e, "cannot reach the leader");
                        tokio::time::sleep(RETRY_BACKOFF).await;
                        continue;
                    }
                }
            }
            let c = conn.clone().expect("connected above");
            let result = if parts.iter().any(|(_, a)| !a.truncated) {
                self.truncate(&c, parts).await
            } else {
                self.fetch(&c, parts).await
            };
            if let Err(e) = result {
                debug!(leader, error = %e, "replica fetch failed");
                conn = None;
                tokio::time::sleep(RETRY_BACKOFF).await;
            }
        }
    }

    /// Find where each new follower's log diverges from the leader's and cut it there.
    async fn truncate(
        &self,
        conn: &Connection,
        parts: Vec<(TopicPartition, Assignment)>,
    ) -> crate::client::Result<()> {
        let pending: Vec<_> = parts.into_iter().filter(|(_, a)| !a.truncated).collect();
        let mut by_topic: HashMap<String, Vec<OffsetForLeaderPartition>> = HashMap::new();
        let mut need = Vec::new();
        for (tp, a) in pending {
            match a.part.latest_epoch() {
                // Nothing local: nothing can diverge.
                None => self.mark_truncated(&tp, &a),
                Some(epoch) => {
                    by_topic.entry(tp.topic.clone()).or_default().push(
                        OffsetForLeaderPartition::default()
                            .with_partition(tp.partition)
                            .with_current_leader_epoch(a.leader_epoch)
                            .with_leader_epoch(epoch),
                    );
                    need.push((tp, a, epoch));
                }
            }
        }
        if need.is_empty() {
            return Ok(());
        }
        let req = OffsetForLeaderEpochRequest::default()
            .with_replica_id(BrokerId(self.node_id))
            .with_topics(
                by_topic
                    .into_iter()
                    .map(|(t, ps)| {
                        OffsetForLeaderTopic::default()
                            .with_topic(TopicName(sb(t)))
                            .with_partitions(ps)
                    })
                    .collect(),
            );
        let resp = conn.send(&req).await?;
        let mut answers = HashMap::new();
        for t in resp.topics {
            for p in t.partitions {
                answers.insert(
                    TopicPartition::new(t.topic.0.as_str(), p.partition),
                    (p.error_code, p.leader_epoch, p.end_offset),
                );
            }
        }
        for (tp, a, epoch) in need {
            let Some(&(code, leader_epoch, end_offset)) = answers.get(&tp) else {
                continue;
            };
            if !self.current(&tp, &a) {
                continue;
            }
            if code != 0 {
                // Usually the leader has not applied the new epoch yet: ask again.
                debug!(partition = %tp, code, "OffsetForLeaderEpoch failed");
                tokio::time::sleep(RETRY_BACKOFF).await;
                continue;
            }
            let target = if leader_epoch < 0 {
                // The leader knows no epoch this old: keep everything and let the
                // fetch offsets sort it out.
                i64::MAX
            } else if leader_epoch == epoch {
                end_offset
            } else {
                let (_, local_end) = a.part.local_end_offset_for_epoch(leader_epoch);
                end_offset.min(local_end)
            };
            let leo = a.part.log_end_offset();
            if target < leo {
                info!(partition = %tp, from = leo, to = target, "truncating to the leader's history");
                let part = a.part.clone();
                if let Err(e) = blocking(move || part.truncate_to(target)).await {
                    warn!(partition = %tp, error = %e, "truncation failed");
                    continue;
                }
            }
            self.mark_truncated(&tp, &a);
        }
        Ok(())
    }

    async fn fetch(
        &self,
        conn: &Connection,
        parts: Vec<(TopicPartition, Assignment)>,
    ) -> crate::client::Result<()> {
        let mut by_topic: HashMap<String, Vec<FetchPartition>> = HashMap::new();
        let mut sent = HashMap::new();
        for (tp, a) in parts {
            let offset = a.part.log_end_offset();
            by_topic.entry(tp.topic.clone()).or_default().push(
                FetchPartition::default()
                    .with_partition(tp.partition)
                    .with_current_leader_epoch(a.leader_epoch)
                    .with_fetch_offset(offset)
                    .with_log_start_offset(a.part.log_start_offset())
                    .with_partition_max_bytes(PARTITION_FETCH_BYTES),
            );
            sent.insert(tp, (a, offset));
        }
        let req = FetchRequest::default()
            .with_replica_id(BrokerId(self.node_id))
            .with_max_wait_ms(FETCH_MAX_WAIT_MS)
            .with_min_bytes(1)
            .with_max_bytes(FETCH_BYTES)
            .with_session_epoch(-1)
            .with_topics(
                by_topic
                    .into_iter()
                    .map(|(t, ps)| {
                        FetchTopic::default()
                            .with_topic(TopicName(sb(t)))
                            .with_partitions(ps)
                    })
                    .collect(),
            );
        let resp = conn.send(&req).await?;
        let mut backoff = false;
        for t in resp.responses {
            for p in t.partitions {
                let tp = TopicPartition::new(t.topic.0.as_str(), p.partition_index);
                let Some((a, offset)) = sent.get(&tp) else {
                    continue;
                };
                if !self.current(&tp, a) {
                    continue;
                }
                match ResponseError::try_from_code(p.error_code) {
                    None => {}
                    Some(ResponseError::OffsetOutOfRange) if *offset < p.log_start_offset => {
                        // Retention removed what this replica would continue from: start
                        // over at the leader's log start, as Kafka does.
                        warn!(partition = %tp, offset, leader_log_start = p.log_start_offset, "behind the leader's log start; restarting the replica there");
                        let (part, start) = (a.part.clone(), p.log_start_offset);
                        if let Err(e) = blocking(move || part.reset_to(start)).await {
                            warn!(partition = %tp, error = %e, "cannot reset the replica");
                            backoff = true;
                        }
                        continue;
                    }
                    Some(ResponseError::OffsetOutOfRange) => {
                        // Our log end is not in the leader's log: compare histories again.
                        warn!(partition = %tp, offset, "fetch offset out of range at the leader");
                        self.retruncate(&tp);
                        backoff = true;
                        continue;
                    }
                    Some(e) => {
                        // Leadership is moving; the next metadata image says where.
                        debug!(partition = %tp, error = ?e, "follower fetch refused");
                        backoff = true;
                        continue;
                    }
                }
                if let Some(records) = p.records.as_ref().filter(|r| !r.is_empty()) {
                    if a.part.log_end_offset() != *offset {
                        continue;
                    }
                    match a.part.append_as_follower(records, a.leader_epoch) {
                        Ok(sync) if sync.is_empty() => {}
                        // flush.messages: durable before the next fetch reports it.
                        Ok(sync) => {
                            if let Err(e) = blocking(move || Ok(sync.run()?)).await {
                                warn!(partition = %tp, error = %e, "cannot sync fetched records");
                                backoff = true;
                                continue;
                            }
                        }
                        Err(e) => {
                            warn!(partition = %tp, error = %e, "cannot append fetched records");
                            backoff = true;
                            continue;
                        }
                    }
                }
                a.part.set_follower_high_watermark(p.high_watermark);
                if p.log_start_offset > a.part.log_start_offset() {
                    // DeleteRecords on the leader: drop the same records here.
                    let (part, start) = (a.part.clone(), p.log_start_offset);
                    if let Err(e) = blocking(move || part.follow_log_start(start)).await {
                        warn!(partition = %tp, error = %e, "cannot move the log start");
                    }
                }
            }
        }
        if backoff {
            tokio::time::sleep(RETRY_BACKOFF).await;
        }
        Ok(())
    }
}
