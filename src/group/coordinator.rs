//! The group coordinator runtime: owns the groups whose `__consumer_offsets`
//! partition this node leads, parks JoinGroup/SyncGroup requests until the state
//! machine answers them, expires silent members, and persists offsets and group
//! metadata as records in that partition (written through the replica like any
//! produce, so the coordinator moves with partition leadership).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use kafka_protocol::error::ResponseError;
use tokio::sync::oneshot;
use tracing::{debug, info, warn};

use super::records::GroupRecord;
use super::state::{
    CommittedOffset, Group, GroupConfig, GroupState, JoinArgs, JoinDecision, JoinOutcome,
    SyncDecision,
};
use crate::controller::{Controller, NewTopic};
use crate::protocol::now_ms;
use crate::protocol::partition_for::partition_for;
use crate::protocol::records::{encode_internal_batch, BatchProducer};
use crate::replication::ReplicaManager;

pub use crate::protocol::OFFSETS_TOPIC;

/// Largest group id accepted (Kafka has no explicit limit; this bounds memory).
const MAX_GROUP_ID_BYTES: usize = 32 * 1024;

#[derive(Debug, Clone)]
pub struct CoordinatorConfig {
    pub group: GroupConfig,
    /// `offsets.topic.num.partitions`
    pub offsets_partitions: i32,
    /// `offsets.topic.replication.factor` (capped at the number of brokers)
    pub offsets_replication_factor: i32,
}

impl Default for CoordinatorConfig {
    fn default() -> Self {
        CoordinatorConfig {
            group: GroupConfig::default(),
            offsets_partitions: 50,
            offsets_replication_factor: 3,
        }
    }
}

type SyncAnswer = (i16, Bytes);

#[derive(Default)]
struct Inner {
    groups: HashMap<String, Group>,
    join_waiters: HashMap<(String, String), oneshot::Sender<JoinOutcome>>,
    sync_waiters: HashMap<(String, String), oneshot::Sender<SyncAnswer>>,
    /// `__consumer_offsets` partitions whose groups are in memory, with the leader
    /// epoch they were loaded under: a new leadership reloads from the log.
    loaded: HashMap<i32, i32>,
    /// Offsets committed inside a transaction not yet ended, by (partition,
    /// producer id): visible once its commit marker is written, dropped on abort.
    pending_txn: HashMap<(i32, i64), Vec<PendingOffset>>,
}

/// A record met while loading a partition: an ordinary one, or an offset of a
/// transaction whose commit marker came later in the log.
enum LoadedRecord {
    Plain(GroupRecord),
    Committed(PendingOffset),
}

/// One offset of a transactional commit awaiting its transaction's end.
#[derive(Debug, Clone)]
struct PendingOffset {
    group: String,
    topic: String,
    partition: i32,
    value: Option<CommittedOffset>,
}

impl PendingOffset {
    fn from_record(rec: GroupRecord) -> Option<PendingOffset> {
        match rec {
            GroupRecord::Offset {
                group,
                topic,
                partition,
                value,
            } => Some(PendingOffset {
                group,
                topic,
                partition,
                value,
            }),
            GroupRecord::Metadata { .. } => None,
        }
    }

    /// Make the offset visible in `groups` (its transaction committed).
    fn apply(self, groups: &mut HashMap<String, Group>) {
        let g = groups
            .entry(self.group.clone())
            .or_insert_with(|| Group::new(&self.group));
        match self.value {
            Some(v) => {
                g.offsets.insert((self.topic, self.partition), v);
            }
            None => {
                g.offsets.remove(&(self.topic, self.partition));
            }
        }
    }
}

pub struct Coordinator {
    node_id: i32,
    config: CoordinatorConfig,
    controller: Arc<Controller>,
    replicas: Arc<ReplicaManager>,
    inner: Mutex<Inner>,
}

/// What a handler needs to answer an offset fetch for one partition.
#[derive(Debug, Clone)]
pub struct OffsetEntry {
    pub topic: String,
    pub partition: i32,
    pub offset: CommittedOffset,
}

/// A group as DescribeGroups reports it.
#[derive(Debug, Clone)]
pub struct GroupDescription {
    pub state: &'static str,
    pub protocol_type: String,
    pub protocol: String,
    pub members: Vec<MemberDescription>,
}

#[derive(Debug, Clone)]
pub struct MemberDescription {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub metadata: Bytes,
    pub assignment: Bytes,
}

impl Coordinator {
    pub fn new(
        node_id: i32,
        config: CoordinatorConfig,
        controller: Arc<Controller>,
        replicas: Arc<ReplicaManager>,
    ) -> Arc<Self> {
        Arc::new(Coordinator {
            node_id,
            config,
            controller,
            replicas,
            inner: Mutex::new(Inner::default()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().expect("coordinator lock poisoned")
    }

    pub fn partition_of(&self, group_id: &str) -> i32 {
        partition_for(group_id, self.config.offsets_partitions)
    }

    /// Create `__consumer_offsets` if it does not exist yet.
    pub async fn ensure_offsets_topic(&self) {
        let image = self.controller.image();
        if image.topic(OFFSETS_TOPIC).is_some() {
            return;
        }
        // As in Kafka, wait for enough brokers rather than create the topic with
        // fewer replicas than the cluster will have (clients retry meanwhile).
        let rf = self
            .config
            .offsets_replication_factor
            .min(self.controller.voter_count() as i32)
            .max(1);
        if (image.live_brokers().len() as i32) < rf {
            debug!(rf, "waiting for enough brokers to create {OFFSETS_TOPIC}");
            return;
        }
        let mut configs = std::collections::BTreeMap::new();
        configs.insert("cleanup.policy".to_string(), "compact".to_string());
        configs.insert("segment.bytes".to_string(), "104857600".to_string());
        let t = NewTopic {
            name: OFFSETS_TOPIC.to_string(),
            partitions: self.config.offsets_partitions,
            replication_factor: rf,
            assignments: None,
            configs,
        };
        match self.controller.create_topic(t, false).await {
            Ok(offset) => {
                self.replicas
                    .wait_applied(offset, Duration::from_secs(10))
                    .await;
                info!("created {OFFSETS_TOPIC}");
            }
            Err(e) => debug!(error = %e, "creating {OFFSETS_TOPIC}"),
        }
    }

    /// The broker that coordinates `group_id`: (node id, host, port).
    pub async fn find_coordinator(
        &self,
        group_id: &str,
    ) -> Result<(i32, String, i32), ResponseError> {
        self.ensure_offsets_topic().await;
        let image = self.controller.image();
        let p = self.partition_of(group_id);
        let leader = image
            .partition(OFFSETS_TOPIC, p)
            .map(|p| p.leader)
            .filter(|l| *l >= 0)
            .ok_or(ResponseError::CoordinatorNotAvailable)?;
        let b = image
            .brokers
            .get(&leader)
            .ok_or(ResponseError::CoordinatorNotAvailable)?;
        Ok((b.node_id, b.host.clone(), b.port))
    }

    /// Check this node coordinates `group_id`, loading its partition on first use.
    fn check_local(&self, group_id: &str) -> Result<i32, ResponseError> {
        if group_id.is_empty() || group_id.len() > MAX_GROUP_ID_BYTES {
            return Err(ResponseError::InvalidGroupId);
        }
        let p = self.partition_of(group_id);
        let part = self
            .replicas
            .get(OFFSETS_TOPIC, p)
            .ok_or(ResponseError::NotCoordinator)?;
        if !part.is_leader() {
            self.lock().loaded.remove(&p);
            return Err(ResponseError::NotCoordinator);
        }
        if !self.is_loaded(p, part.leader_epoch()) {
            self.load_partition(p)?;
        }
        Ok(p)
    }

    fn is_loaded(&self, p: i32, leader_epoch: i32) -> bool {
        self.lock().loaded.get(&p) == Some(&leader_epoch)
    }

    /// Replay one `__consumer_offsets` partition into group state.
    fn load_partition(&self, p: i32) -> Result<(), ResponseError> {
        let part = self
            .replicas
            .get(OFFSETS_TOPIC, p)
            .ok_or(ResponseError::NotCoordinator)?;
        let epoch = part.leader_epoch();
        // Records in log order; a transaction's records wait for its marker.
        let mut records = Vec::new();
        let mut open: HashMap<i64, Vec<PendingOffset>> = HashMap::new();
        let decode = |bytes: &mut bytes::Bytes| -> Vec<GroupRecord> {
            match crate::protocol::records::decode_batches(bytes) {
                Ok(set) => set
                    .records
                    .into_iter()
                    .filter_map(|r| {
                        let k = r.key?;
                        GroupRecord::decode(k, r.value)
                            .inspect_err(
                                |e| warn!(partition = p, error = %e, "skipping a group record"),
                            )
                            .ok()
                    })
                    .collect(),
                Err(e) => {
                    warn!(partition = p, error = %e, "skipping an undecodable batch in {OFFSETS_TOPIC}");
                    Vec::new()
                }
            }
        };
        part.scan(&mut |h, mut bytes| {
            if h.is_control() {
                let Some(marker) = crate::protocol::batch::txn_marker(&bytes, h) else {
                    return;
                };
                if let Some(pending) = open.remove(&h.producer_id) {
                    if marker.commit {
                        records.extend(pending.into_iter().map(LoadedRecord::Committed));
                    }
                }
            } else if h.is_transactional() {
                open.entry(h.producer_id).or_default().extend(
                    decode(&mut bytes)
                        .into_iter()
                        .filter_map(PendingOffset::from_record),
                );
            } else {
                records.extend(decode(&mut bytes).into_iter().map(LoadedRecord::Plain));
            }
        })
        .map_err(|_| ResponseError::CoordinatorLoadInProgress)?;
        let mut inner = self.lock();
        let partitions = self.config.offsets_partitions;
        // What an earlier leadership left in memory may be stale.
        inner
            .groups
            .retain(|g, _| partition_for(g, partitions) != p);
        let count = records.len();
        let now = Instant::now();
        for rec in records {
            let rec = match rec {
                LoadedRecord::Plain(rec) => rec,
                LoadedRecord::Committed(offset) => {
                    offset.apply(&mut inner.groups);
                    continue;
                }
            };
            match rec {
                GroupRecord::Offset {
                    group,
                    topic,
                    partition,
                    value,
                } => {
                    let g = inner
                        .groups
                        .entry(group.clone())
                        .or_insert_with(|| Group::new(&group));
                    match value {
                        Some(v) => {
                            g.offsets.insert((topic, partition), v);
                        }
                        None => {
                            g.offsets.remove(&(topic, partition));
                        }
                    }
                }
                GroupRecord::Metadata { group, value } => match value {
                    Some(v) => {
                        let g = inner
                            .groups
                            .entry(group.clone())
                            .or_insert_with(|| Group::new(&group));
                        g.restore(v.into_stored(), now);
                    }
                    None => {
                        inner.groups.remove(&group);
                    }
                },
            }
        }
        inner.pending_txn.retain(|(part, _), _| *part != p);
        for (pid, offsets) in open {
            inner.pending_txn.insert((p, pid), offsets);
        }
        inner.loaded.insert(p, epoch);
        info!(
            partition = p,
            records = count,
            leader_epoch = epoch,
            "loaded group state"
        );
        Ok(())
    }

    /// Durably append group records to the group's partition.
    async fn persist(&self, p: i32, records: Vec<GroupRecord>) -> Result<(), ResponseError> {
        self.persist_as(p, records, BatchProducer::NONE).await
    }

    /// Durably append group records, written by `producer` (a transactional
    /// producer's offsets carry its id and epoch, so the partition fences stale
    /// producers and the markers end them).
    async fn persist_as(
        &self,
        p: i32,
        records: Vec<GroupRecord>,
        producer: BatchProducer,
    ) -> Result<(), ResponseError> {
        if records.is_empty() {
            return Ok(());
        }
        let part = self
            .replicas
            .get(OFFSETS_TOPIC, p)
            .ok_or(ResponseError::NotCoordinator)?;
        let encoded: Vec<(Bytes, Option<Bytes>)> = records.iter().map(|r| r.encode()).collect();
        let batch = encode_internal_batch(&encoded, now_ms(), producer)
            .map_err(|_| ResponseError::UnknownServerError)?;
        // Like Kafka's offsets.commit.timeout.ms: a commit is answered once every
        // in-sync replica has it, so it survives the coordinator's failure.
        part.append_replicated(&batch, Duration::from_secs(5))
            .await
            .map(|_| ())
            .map_err(|e| {
                warn!(partition = p, error = %e, "cannot persist group records");
                // Kafka's mapping of append errors for offset commits; a fenced or
                // misbehaving transactional producer hears why.
                match e.code() {
                    ResponseError::NotLeaderOrFollower | ResponseError::KafkaStorageError => {
                        ResponseError::NotCoordinator
                    }
                    ResponseError::MessageTooLarge | ResponseError::RecordListTooLarge => {
                        ResponseError::InvalidCommitOffsetSize
                    }
                    code @ (ResponseError::InvalidProducerEpoch
                    | ResponseError::InvalidTxnState
                    | ResponseError::OutOfOrderSequenceNumber) => code,
                    _ => ResponseError::CoordinatorNotAvailable,
                }
            })
    }

    pub async fn join(&self, group_id: &str, args: JoinArgs) -> JoinOutcome {
        let member_hint = args.member_id.clone();
        let fail = |code: ResponseError| JoinOutcome {
            error: code.code(),
            member_id: member_hint.clone(),
            generation_id: -1,
            protocol_type: None,
            protocol_name: None,
            leader: String::new(),
            members: Vec::new(),
        };
        if let Err(e) = self.check_local(group_id) {
            return fail(e);
        }
        let new_id = format!("{}-{}", args.client_id, uuid::Uuid::new_v4());
        let rx = {
            let mut inner = self.lock();
            let config = self.config.group.clone();
            let g = inner
                .groups
                .entry(group_id.to_string())
                .or_insert_with(|| Group::new(group_id));
            match g.join(args, new_id, Instant::now(), &config) {
                JoinDecision::Respond(o) => return o,
                JoinDecision::Wait { member_id } => {
                    let (tx, rx) = oneshot::channel();
                    // A member that re-sends JoinGroup replaces its older parked request.
                    inner
                        .join_waiters
                        .insert((group_id.to_string(), member_id), tx);
                    rx
                }
            }
        };
        self.tick_group(group_id).await;
        rx.await
            .unwrap_or_else(|_| fail(ResponseError::RebalanceInProgress))
    }

    pub async fn sync(
        &self,
        group_id: &str,
        member_id: &str,
        generation_id: i32,
        assignments: Vec<(String, Bytes)>,
    ) -> SyncAnswer {
        let p = match self.check_local(group_id) {
            Ok(p) => p,
            Err(e) => return (e.code(), Bytes::new()),
        };
        let (rx, persist) = {
            let mut inner = self.lock();
            let Some(g) = inner.groups.get_mut(group_id) else {
                return (ResponseError::UnknownMemberId.code(), Bytes::new());
            };
            match g.sync(member_id, generation_id, assignments, Instant::now()) {
                SyncDecision::Respond { error, assignment } => return (error, assignment),
                SyncDecision::Wait => {
                    let (tx, rx) = oneshot::channel();
                    inner
                        .sync_waiters
                        .insert((group_id.to_string(), member_id.to_string()), tx);
                    (rx, None)
                }
                SyncDecision::Complete(answers) => {
                    let record = GroupRecord::metadata_of(g, now_ms());
                    let generation = g.generation_id;
                    let members = g.members.len();
                    let (tx, rx) = oneshot::channel();
                    inner
                        .sync_waiters
                        .insert((group_id.to_string(), member_id.to_string()), tx);
                    for (m, a) in answers {
                        if let Some(w) = inner.sync_waiters.remove(&(group_id.to_string(), m)) {
                            let _ = w.send((0, a));
                        }
                    }
                    info!(group = group_id, generation, members, "group rebalanced");
                    (rx, Some(record))
                }
            }
        };
        if let Some(record) = persist {
            if let Err(e) = self.persist(p, vec![record]).await {
                return (e.code(), Bytes::new());
            }
        }
        rx.await
            .unwrap_or((ResponseError::RebalanceInProgress.code(), Bytes::new()))
    }

    pub fn heartbeat(&self, group_id: &str, member_id: &str, generation_id: i32) -> i16 {
        if let Err(e) = self.check_local(group_id) {
            return e.code();
        }
        let mut inner = self.lock();
        match inner.groups.get_mut(group_id) {
            None => ResponseError::UnknownMemberId.code(),
            Some(g) => g.heartbeat(member_id, generation_id, Instant::now()),
        }
    }

    /// Remove members; answers per member.
    pub async fn leave(
        &self,
        group_id: &str,
        member_ids: &[String],
    ) -> Result<Vec<i16>, ResponseError> {
        let p = self.check_local(group_id)?;
        let (out, emptied) = {
            let mut inner = self.lock();
            let config = self.config.group.clone();
            let Some(g) = inner.groups.get_mut(group_id) else {
                return Ok(member_ids
                    .iter()
                    .map(|_| ResponseError::UnknownMemberId.code())
                    .collect());
            };
            let was_empty = g.state == GroupState::Empty;
            let out = member_ids
                .iter()
                .map(|m| {
                    if g.remove_member(m, Instant::now(), &config) {
                        info!(group = group_id, member = %m, "member left");
                        0
                    } else {
                        ResponseError::UnknownMemberId.code()
                    }
                })
                .collect();
            // The last one out: store the empty group, or a new coordinator would
            // restore members long gone.
            let emptied = (!was_empty && g.state == GroupState::Empty)
                .then(|| GroupRecord::metadata_of(g, now_ms()));
            (out, emptied)
        };
        if let Some(record) = emptied {
            // The members have left either way; a failed write only means a later
            // coordinator restores them until their sessions expire.
            if let Err(e) = self.persist(p, vec![record]).await {
                debug!(group = group_id, error = ?e, "could not store the emptied group");
            }
        }
        self.tick_group(group_id).await;
        Ok(out)
    }

    /// Commit offsets: (topic, partition, offset, leader epoch, metadata) -> error per entry.
    pub async fn commit(
        &self,
        group_id: &str,
        member_id: &str,
        generation_id: i32,
        offsets: Vec<(String, i32, i64, i32, String)>,
    ) -> Vec<i16> {
        let p = match self.check_local(group_id) {
            Ok(p) => p,
            Err(e) => return vec![e.code(); offsets.len()],
        };
        let ts = now_ms();
        {
            let mut inner = self.lock();
            let g = inner
                .groups
                .entry(group_id.to_string())
                .or_insert_with(|| Group::new(group_id));
            if let Err(e) = g.check_commit(member_id, generation_id, Instant::now()) {
                return vec![e.code(); offsets.len()];
            }
        }
        let records: Vec<GroupRecord> = offsets
            .iter()
            .map(|(t, part, off, epoch, meta)| GroupRecord::Offset {
                group: group_id.to_string(),
                topic: t.clone(),
                partition: *part,
                value: Some(CommittedOffset {
                    offset: *off,
                    leader_epoch: *epoch,
                    metadata: meta.clone(),
                    commit_timestamp: ts,
                }),
            })
            .collect();
        if let Err(e) = self.persist(p, records).await {
            return vec![e.code(); offsets.len()];
        }
        let mut inner = self.lock();
        let g = inner
            .groups
            .entry(group_id.to_string())
            .or_insert_with(|| Group::new(group_id));
        for (t, part, off, epoch, meta) in &offsets {
            g.offsets.insert(
                (t.clone(), *part),
                CommittedOffset {
                    offset: *off,
                    leader_epoch: *epoch,
                    metadata: meta.clone(),
                    commit_timestamp: ts,
                },
            );
        }
        vec![0; offsets.len()]
    }

    /// TxnOffsetCommit: write the offsets in producer `producer_id`'s transaction;
    /// they become visible when its commit marker reaches this partition.
    /// `offsets` is (topic, partition, offset, leader epoch, metadata); an error
    /// per entry.
    #[allow(clippy::too_many_arguments)]
    pub async fn txn_commit(
        &self,
        group_id: &str,
        producer_id: i64,
        producer_epoch: i16,
        member_id: &str,
        generation_id: i32,
        offsets: Vec<(String, i32, i64, i32, String)>,
    ) -> Vec<i16> {
        let p = match self.check_local(group_id) {
            Ok(p) => p,
            Err(e) => return vec![e.code(); offsets.len()],
        };
        {
            let inner = self.lock();
            let checked = match inner.groups.get(group_id) {
                Some(g) => g.check_txn_commit(member_id, generation_id),
                None if generation_id < 0 && member_id.is_empty() => Ok(()),
                None => Err(ResponseError::UnknownMemberId),
            };
            if let Err(e) = checked {
                return vec![e.code(); offsets.len()];
            }
        }
        let ts = now_ms();
        let pending: Vec<PendingOffset> = offsets
            .iter()
            .map(|(t, part, off, epoch, meta)| PendingOffset {
                group: group_id.to_string(),
                topic: t.clone(),
                partition: *part,
                value: Some(CommittedOffset {
                    offset: *off,
                    leader_epoch: *epoch,
                    metadata: meta.clone(),
                    commit_timestamp: ts,
                }),
            })
            .collect();
        let records: Vec<GroupRecord> = pending
            .iter()
            .map(|o| GroupRecord::Offset {
                group: o.group.clone(),
                topic: o.topic.clone(),
                partition: o.partition,
                value: o.value.clone(),
            })
            .collect();
        let producer = BatchProducer {
            producer_id,
            producer_epoch,
            transactional: true,
        };
        if let Err(e) = self.persist_as(p, records, producer).await {
            return vec![e.code(); offsets.len()];
        }
        self.lock()
            .pending_txn
            .entry((p, producer_id))
            .or_default()
            .extend(pending);
        vec![0; offsets.len()]
    }

    /// A transaction marker was written to `__consumer_offsets` partition `p`:
    /// producer `producer_id`'s pending offsets there become visible (commit) or
    /// are dropped (abort).
    pub fn complete_txn(&self, p: i32, producer_id: i64, commit: bool) {
        let mut inner = self.lock();
        let Some(pending) = inner.pending_txn.remove(&(p, producer_id)) else {
            return;
        };
        if commit {
            for offset in pending {
                offset.apply(&mut inner.groups);
            }
        }
    }

    /// Partitions of `group_id` with offsets committed in a transaction that has
    /// not ended (OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT).
    pub fn unstable_partitions(&self, group_id: &str) -> Vec<(String, i32)> {
        let p = self.partition_of(group_id);
        self.lock()
            .pending_txn
            .iter()
            .filter(|((part, _), _)| *part == p)
            .flat_map(|(_, offsets)| offsets.iter())
            .filter(|o| o.group == group_id)
            .map(|o| (o.topic.clone(), o.partition))
            .collect()
    }

    /// Committed offsets of a group (all, or the listed partitions).
    pub fn fetch_offsets(&self, group_id: &str) -> Result<Vec<OffsetEntry>, ResponseError> {
        self.check_local(group_id)?;
        let inner = self.lock();
        Ok(inner
            .groups
            .get(group_id)
            .map(|g| {
                g.offsets
                    .iter()
                    .map(|((t, p), o)| OffsetEntry {
                        topic: t.clone(),
                        partition: *p,
                        offset: o.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    pub fn describe(&self, group_id: &str) -> Result<GroupDescription, ResponseError> {
        self.check_local(group_id)?;
        let inner = self.lock();
        let Some(g) = inner.groups.get(group_id) else {
            return Ok(GroupDescription {
                state: GroupState::Dead.name(),
                protocol_type: String::new(),
                protocol: String::new(),
                members: Vec::new(),
            });
        };
        let protocol = g.protocol.clone().unwrap_or_default();
        Ok(GroupDescription {
            state: g.state.name(),
            protocol_type: g.protocol_type.clone().unwrap_or_default(),
            protocol: protocol.clone(),
            members: g
                .members
                .values()
                .map(|m| MemberDescription {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    client_id: m.client_id.clone(),
                    client_host: m.client_host.clone(),
                    metadata: m
                        .protocols
                        .iter()
                        .find(|(n, _)| *n == protocol)
                        .map(|(_, b)| b.clone())
                        .unwrap_or_default(),
                    assignment: if g.state == GroupState::Stable {
                        m.assignment.clone()
                    } else {
                        Bytes::new()
                    },
                })
                .collect(),
        })
    }

    /// Groups coordinated here: (id, protocol type, state).
    pub fn list(&self) -> Vec<(String, String, &'static str)> {
        // Load every local partition first, so groups of a restarted node are listed.
        let image = self.controller.image();
        if let Some(t) = image.topic(OFFSETS_TOPIC) {
            for (p, meta) in t.partitions.iter().enumerate() {
                if meta.leader == self.node_id && !self.is_loaded(p as i32, meta.leader_epoch) {
                    let _ = self.load_partition(p as i32);
                }
            }
        }
        let inner = self.lock();
        let mut out: Vec<(String, String, &'static str)> = inner
            .groups
            .values()
            .filter(|g| {
                self.replicas
                    .get(OFFSETS_TOPIC, self.partition_of(&g.group_id))
                    .is_some_and(|p| p.is_leader())
            })
            .map(|g| {
                (
                    g.group_id.clone(),
                    g.protocol_type.clone().unwrap_or_default(),
                    g.state.name(),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// OffsetDelete: drop the group's committed offsets of `partitions`. An empty
    /// group loses them all; a consumer group with members keeps those of topics a
    /// member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC); any other group with
    /// members refuses (NON_EMPTY_GROUP). An error per partition, or a group error.
    pub async fn delete_offsets(
        &self,
        group_id: &str,
        partitions: &[(String, i32)],
    ) -> Result<Vec<i16>, ResponseError> {
        let p = self.check_local(group_id)?;
        let (codes, records) = {
            let inner = self.lock();
            let g = inner
                .groups
                .get(group_id)
                .filter(|g| g.state != GroupState::Dead)
                .ok_or(ResponseError::GroupIdNotFound)?;
            let subscribed = if g.state == GroupState::Empty {
                Default::default()
            } else if g.protocol_type.as_deref() == Some("consumer") {
                g.subscribed_topics()
            } else {
                return Err(ResponseError::NonEmptyGroup);
            };
            let mut codes = Vec::with_capacity(partitions.len());
            let mut records = Vec::new();
            for (topic, partition) in partitions {
                if subscribed.contains(topic) {
                    codes.push(ResponseError::GroupSubscribedToTopic.code());
                    continue;
                }
                codes.push(0);
                if g.offsets.contains_key(&(topic.clone(), *partition)) {
                    records.push(GroupRecord::Offset {
                        group: group_id.to_string(),
                        topic: topic.clone(),
                        partition: *partition,
                        value: None,
                    });
                }
            }
            (codes, records)
        };
        let deleted: Vec<(String, i32)> = records
            .iter()
            .filter_map(|r| match r {
                GroupRecord::Offset {
                    topic, partition, ..
                } => Some((topic.clone(), *partition)),
                _ => None,
            })
            .collect();
        self.persist(p, records).await?;
        if let Some(g) = self.lock().groups.get_mut(group_id) {
            for k in &deleted {
                g.offsets.remove(k);
            }
        }
        Ok(codes)
    }

    /// Delete an empty group and its offsets.
    pub async fn delete(&self, group_id: &str) -> i16 {
        let p = match self.check_local(group_id) {
            Ok(p) => p,
            Err(e) => return e.code(),
        };
        let records = {
            let inner = self.lock();
            let Some(g) = inner.groups.get(group_id) else {
                return ResponseError::GroupIdNotFound.code();
            };
            if !g.members.is_empty() || g.state != GroupState::Empty {
                return ResponseError::NonEmptyGroup.code();
            }
            let mut recs: Vec<GroupRecord> = g
                .offsets
                .keys()
                .map(|(t, part)| GroupRecord::Offset {
                    group: group_id.to_string(),
                    topic: t.clone(),
                    partition: *part,
                    value: None,
                })
                .collect();
            recs.push(GroupRecord::Metadata {
                group: group_id.to_string(),
                value: None,
            });
            recs
        };
        if let Err(e) = self.persist(p, records).await {
            return e.code();
        }
        self.lock().groups.remove(group_id);
        0
    }

    /// Drive time-based transitions for one group: complete a join phase, expire
    /// silent members. Delivers parked answers.
    async fn tick_group(&self, group_id: &str) {
        let mut persist = None;
        {
            let mut inner = self.lock();
            let config = self.config.group.clone();
            let now = Instant::now();
            let Some(g) = inner.groups.get_mut(group_id) else {
                return;
            };
            // The last member leaving or expiring empties the group: that is stored,
            // or a new coordinator would restore members long gone.
            let was_empty = g.state == GroupState::Empty;
            for m in g.expired_members(now) {
                info!(group = group_id, member = %m, "member session expired");
                g.remove_member(&m, now, &config);
            }
            let outcomes = g.try_complete_join(now);
            let became_empty = !was_empty && g.state == GroupState::Empty;
            if became_empty {
                persist = Some((
                    self.partition_of(group_id),
                    GroupRecord::metadata_of(g, now_ms()),
                ));
            }
            if let Some(outcomes) = outcomes {
                let generation = g.generation_id;
                for o in outcomes {
                    if let Some(w) = inner
                        .join_waiters
                        .remove(&(group_id.to_string(), o.member_id.clone()))
                    {
                        let _ = w.send(o);
                    }
                }
                debug!(group = group_id, generation, "join phase complete");
            }
            // Parked requests of members that are gone are answered with an error.
            let members: Vec<String> = inner
                .groups
                .get(group_id)
                .map(|g| g.members.keys().cloned().collect())
                .unwrap_or_default();
            let gone: Vec<(String, String)> = inner
                .sync_waiters
                .keys()
                .filter(|(gid, m)| gid == group_id && !members.contains(m))
                .cloned()
                .collect();
            for k in gone {
                if let Some(w) = inner.sync_waiters.remove(&k) {
                    let _ = w.send((ResponseError::RebalanceInProgress.code(), Bytes::new()));
                }
            }
            if inner
                .groups
                .get(group_id)
                .is_some_and(|g| g.state == GroupState::PreparingRebalance)
            {
                let stale: Vec<(String, String)> = inner
                    .sync_waiters
                    .keys()
                    .filter(|(gid, _)| gid == group_id)
                    .cloned()
                    .collect();
                for k in stale {
                    if let Some(w) = inner.sync_waiters.remove(&k) {
                        let _ = w.send((ResponseError::RebalanceInProgress.code(), Bytes::new()));
                    }
                }
            }
        }
        if let Some((p, record)) = persist {
            let _ = self.persist(p, vec![record]).await;
        }
    }

    /// Run the periodic tick (joins, expiry) until the task is dropped.
    pub fn spawn_ticker(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tick.tick().await;
                let ids: Vec<String> = me.lock().groups.keys().cloned().collect();
                for id in ids {
                    me.tick_group(&id).await;
                }
            }
        })
    }

    /// Committed offsets as a map, for tools.
    pub fn offsets_map(&self, group_id: &str) -> BTreeMap<(String, i32), i64> {
        self.lock()
            .groups
            .get(group_id)
            .map(|g| {
                g.offsets
                    .iter()
                    .map(|(k, v)| (k.clone(), v.offset))
                    .collect()
            })
            .unwrap_or_default()
    }
}
