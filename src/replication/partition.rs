//! One local replica of a partition: its log, leader epoch, ISR and high watermark,
//! the idempotent-producer state, and the waiters (long-poll fetches, acks=all
//! produces) woken when the log or the high watermark moves.
//!
//! Locking rule: `state` is a std mutex, never held across an `.await`, and held
//! only for in-memory work plus an append's one `write(2)` (offsets are assigned
//! and written atomically; a rolling segment also creates its next file). Every
//! other file operation happens after the lock is released: reads and timestamp
//! scans from a plan taken under the lock ([`storage::PendingRead`],
//! [`storage::TimeLookup`]), fsyncs from a [`PendingSync`], retention's unlinks from
//! the list of expired files. Truncation and reset work on a private handle of the
//! log while the partition refuses reads and appends (`LogState::Busy`), then swap
//! it in. Methods that return a `PendingSync` or say "blocking" must be driven off
//! the async workers (`spawn_blocking`) by their callers.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use kafka_protocol::error::ResponseError;
use tokio::sync::Notify;
use tracing::warn;
use uuid::Uuid;

use super::isr::{self, FollowerState, IsrView};
use super::producer_state::{
    AbortedTxn, MarkerCheck, ProducerStates, ProducerSummary, SequenceCheck,
};
use crate::protocol::batch::{self, BatchError, BatchHeader};
use crate::protocol::TopicPartition;
use crate::storage::{self, EpochCache, LogConfig, PartitionLog, PendingSync};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("this node is not the leader of {0}")]
    NotLeader(TopicPartition),
    #[error("invalid record batch: {0}")]
    Batch(#[from] BatchError),
    #[error("batch of {size} bytes exceeds max.message.bytes {max}")]
    TooLarge { size: usize, max: usize },
    #[error("out of order sequence: expected {expected}, got {got}")]
    OutOfOrderSequence { expected: i32, got: i32 },
    #[error("producer epoch is fenced by a newer one")]
    InvalidProducerEpoch,
    #[error("the producer has an open transaction: its writes must be transactional")]
    InvalidTxnState,
    #[error("clients may not write control records")]
    ControlBatchFromClient,
    #[error("a transaction coordinator with a newer epoch wrote a marker for this producer")]
    CoordinatorFenced,
    #[error("leader epoch {requested} is older than the current {current}")]
    FencedLeaderEpoch { requested: i32, current: i32 },
    #[error("leader epoch {requested} is newer than the current {current}")]
    UnknownLeaderEpoch { requested: i32, current: i32 },
    #[error("{isr} in-sync replicas, fewer than min.insync.replicas={min}")]
    NotEnoughReplicas { isr: usize, min: usize },
    #[error("timed out waiting for replication")]
    Timeout,
    #[error("Cannot increment the log start offset to {offset} of partition {tp} since it is larger than the high watermark {high_watermark}")]
    DeleteBeyondHighWatermark {
        tp: TopicPartition,
        offset: i64,
        high_watermark: i64,
    },
    #[error("the log of {0} is offline after a storage error; restart the node")]
    Offline(TopicPartition),
    #[error("the last write to the log of {0} failed (disk full?); batches after it wait")]
    AfterWriteFailure(TopicPartition),
    #[error(transparent)]
    Storage(#[from] storage::Error),
}

impl Error {
    pub fn code(&self) -> ResponseError {
        match self {
            Error::NotLeader(_) => ResponseError::NotLeaderOrFollower,
            Error::Batch(BatchError::UnsupportedMagic { .. }) => {
                ResponseError::UnsupportedForMessageFormat
            }
            Error::Batch(_) => ResponseError::CorruptMessage,
            Error::TooLarge { .. } => ResponseError::MessageTooLarge,
            Error::OutOfOrderSequence { .. } => ResponseError::OutOfOrderSequenceNumber,
            Error::InvalidProducerEpoch => ResponseError::InvalidProducerEpoch,
            Error::InvalidTxnState => ResponseError::InvalidTxnState,
            Error::ControlBatchFromClient => ResponseError::InvalidRecord,
            Error::CoordinatorFenced => ResponseError::TransactionCoordinatorFenced,
            Error::FencedLeaderEpoch { .. } => ResponseError::FencedLeaderEpoch,
            Error::UnknownLeaderEpoch { .. } => ResponseError::UnknownLeaderEpoch,
            Error::NotEnoughReplicas { .. } => ResponseError::NotEnoughReplicas,
            Error::Timeout => ResponseError::RequestTimedOut,
            Error::DeleteBeyondHighWatermark { .. } => ResponseError::OffsetOutOfRange,
            Error::Offline(_) | Error::AfterWriteFailure(_) => ResponseError::KafkaStorageError,
            Error::Storage(storage::Error::OffsetOutOfRange { .. }) => {
                ResponseError::OffsetOutOfRange
            }
            Error::Storage(storage::Error::Corrupt { .. }) => ResponseError::CorruptMessage,
            Error::Storage(_) => ResponseError::KafkaStorageError,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Where a read may go: consumers stop at the high watermark (read_uncommitted) or
/// the last stable offset (read_committed), followers at the log end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadLimit {
    HighWatermark,
    LastStable,
    LogEnd,
}

#[derive(Debug)]
pub struct AppendInfo {
    pub base_offset: i64,
    /// Offset after the appended batches; acks=all waits for the HW to reach it.
    pub next_offset: i64,
    pub log_start_offset: i64,
    /// Due before the produce is answered (`flush.messages`).
    pub flush: PendingSync,
    /// The time the broker stamped on the batches (LogAppendTime topics), else -1.
    pub log_append_time_ms: i64,
}

#[derive(Debug, Clone)]
pub struct FetchData {
    pub records: bytes::Bytes,
    pub high_watermark: i64,
    pub last_stable_offset: i64,
    /// Aborted transactions the read may meet (read_committed reads only).
    pub aborted: Vec<AbortedTxn>,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
}

/// Settings a partition needs from its topic's config.
#[derive(Debug, Clone)]
pub struct PartitionConfig {
    pub log: LogConfig,
    pub max_message_bytes: usize,
    pub min_insync_replicas: usize,
    /// `message.timestamp.type=LogAppendTime`: the leader stamps each batch.
    pub log_append_time: bool,
}

impl Default for PartitionConfig {
    fn default() -> Self {
        PartitionConfig {
            log: LogConfig::default(),
            max_message_bytes: 1_048_588,
            min_insync_replicas: 1,
            log_append_time: false,
        }
    }
}

/// An ISR change the leader wants the controller to commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsrChange {
    pub leader_epoch: i32,
    pub isr: Vec<i32>,
}

/// File in the partition directory holding the last checkpointed high watermark
/// (Kafka's replication-offset-checkpoint, per partition).
const HW_CHECKPOINT: &str = "high-watermark";

/// File holding a log start offset moved by DeleteRecords (Kafka's
/// log-start-offset-checkpoint, per partition): it may sit inside a segment.
const LOG_START_CHECKPOINT: &str = "log-start-offset";

/// Replace `dir/name` with `value` (a temporary file renamed over it, so a crash
/// leaves the old or the new value). Blocking.
fn write_checkpoint(dir: &Path, name: &str, value: i64) -> Result<()> {
    let tmp = dir.join(format!("{name}.tmp"));
    let io = |source| {
        Error::Storage(storage::Error::Io {
            path: dir.join(name),
            source,
        })
    };
    std::fs::write(&tmp, format!("{value}\n")).map_err(io)?;
    std::fs::rename(&tmp, dir.join(name)).map_err(io)
}

/// How long an ISR request may stay unanswered before the leader asks again.
const ISR_REQUEST_RETRY: Duration = Duration::from_secs(5);

/// Whether the log in `State` may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogState {
    Ready,
    /// Being truncated or reset through a private handle; reads and appends wait
    /// for the swap (they are refused as NOT_LEADER, which clients retry).
    Busy,
    /// A truncation failed half-way: the files and the in-memory view may disagree.
    Failed,
}

struct State {
    log: PartitionLog,
    log_state: LogState,
    config: PartitionConfig,
    leader_epoch: i32,
    is_leader: bool,
    /// The leader this replica follows (itself when leader, -1 when none).
    leader_id: i32,
    isr: Vec<i32>,
    /// Followers' positions, tracked while this replica leads.
    followers: HashMap<i32, FollowerState>,
    /// Followers' log start offsets, from their fetches (DeleteRecords' low
    /// watermark waits for them).
    follower_log_starts: HashMap<i32, i64>,
    /// An ISR change sent to the controller and not yet seen in the metadata.
    pending_isr: Option<(Vec<i32>, Instant)>,
    high_watermark: i64,
    producers: ProducerStates,
    /// First offset of each leader epoch in this log (KIP-101).
    epochs: EpochCache,
    /// The high watermark last written to the checkpoint file.
    checkpointed_hw: i64,
    /// The last write to the log failed (a full disk) and none has succeeded since.
    write_failed: bool,
}

impl State {
    fn usable(&self, tp: &TopicPartition) -> Result<()> {
        match self.log_state {
            LogState::Ready => Ok(()),
            LogState::Busy => Err(Error::NotLeader(tp.clone())),
            LogState::Failed => Err(Error::Offline(tp.clone())),
        }
    }

    fn leader_usable(&self, tp: &TopicPartition) -> Result<()> {
        if !self.is_leader {
            return Err(Error::NotLeader(tp.clone()));
        }
        self.usable(tp)
    }

    fn isr_view(&self, leader: i32, max_lag: Duration, now: Instant) -> IsrView<'_> {
        IsrView {
            leader,
            isr: &self.isr,
            followers: &self.followers,
            log_end_offset: self.log.log_end_offset(),
            high_watermark: self.high_watermark,
            epoch_start_offset: self.epochs.entries().last().map_or(0, |(_, start)| *start),
            max_lag,
            now,
        }
    }

    fn isr_request_in_flight(&self) -> bool {
        self.pending_isr
            .as_ref()
            .is_some_and(|(_, at)| at.elapsed() <= ISR_REQUEST_RETRY)
    }

    /// Append to the log; a write that left the log damaged takes the partition
    /// offline (KAFKA_STORAGE_ERROR) until the node opens it again.
    fn append(
        &mut self,
        tp: &TopicPartition,
        batches: &[u8],
        headers: &[(usize, BatchHeader)],
    ) -> Result<storage::Appended> {
        let result = self.log.append(batches, headers);
        self.write_failed = result.is_err();
        result.map_err(|e| {
            if matches!(e, storage::Error::Damaged { .. }) {
                warn!(partition = %tp, error = %e, "the partition is offline until restart");
                self.log_state = LogState::Failed;
            }
            e.into()
        })
    }

    /// The last stable offset: the high watermark, or the start of the earliest
    /// transaction still open (or whose marker is not replicated) below it.
    fn last_stable_offset(&mut self) -> i64 {
        let hw = self.high_watermark;
        self.producers
            .first_unstable_offset(hw)
            .map_or(hw, |first| first.min(hw))
    }

    /// Move the high watermark up to the ISR minimum; true when it moved.
    fn advance_high_watermark(&mut self, node_id: i32) -> bool {
        let hw = isr::high_watermark(
            node_id,
            &self.isr,
            &self.followers,
            self.log.log_end_offset(),
        );
        if hw > self.high_watermark {
            self.high_watermark = hw;
            true
        } else {
            false
        }
    }
}

/// Run blocking partition work (fsync, truncation) on a blocking thread and wait.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(Error::Storage(storage::Error::Io {
            path: Default::default(),
            source: std::io::Error::other(e),
        }))
    })
}

/// Sync a rolled segment without waiting for it, as Kafka does; failures are logged.
fn sync_in_background(sync: PendingSync) {
    if !sync.is_empty() {
        tokio::task::spawn_blocking(move || {
            if let Err(e) = sync.run() {
                warn!(error = %e, "background fsync of a rolled segment failed");
            }
        });
    }
}

/// A log rebuilt off the lock, with the state derived from its batches.
struct Rebuilt {
    log: PartitionLog,
    producers: ProducerStates,
    epochs: EpochCache,
}

pub struct Partition {
    pub tp: TopicPartition,
    pub topic_id: Uuid,
    node_id: i32,
    state: Mutex<State>,
    waiters: Mutex<Vec<Weak<Notify>>>,
}

impl Partition {
    /// Open the local log and rebuild producer state from it (blocking).
    pub fn open(
        tp: TopicPartition,
        topic_id: Uuid,
        dir: &Path,
        config: PartitionConfig,
        node_id: i32,
    ) -> Result<Arc<Partition>> {
        let mut producers = ProducerStates::default();
        let mut epochs = EpochCache::default();
        let mut log = PartitionLog::open(dir, config.log.clone(), &mut |h, bytes| {
            producers.record(h, batch::txn_marker(bytes, h));
            epochs.assign(h.partition_leader_epoch, h.base_offset);
        })?;
        if let Some(start) = std::fs::read_to_string(dir.join(LOG_START_CHECKPOINT))
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
        {
            let expired = log.advance_log_start(start);
            storage::remove_segment_files(&expired)?;
            producers.prune_below(log.log_start_offset());
        }
        // What was known to be committed when this replica last checkpointed; a log
        // without a checkpoint counts as committed (a single replica is its own ISR).
        // A sole-ISR leader moves it to its log end as soon as it leads again.
        let leo = log.log_end_offset();
        let high_watermark = std::fs::read_to_string(dir.join(HW_CHECKPOINT))
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .map_or(leo, |hw| hw.clamp(log.log_start_offset(), leo));
        Ok(Arc::new(Partition {
            tp,
            topic_id,
            node_id,
            state: Mutex::new(State {
                log,
                log_state: LogState::Ready,
                config,
                leader_epoch: 0,
                is_leader: false,
                leader_id: -1,
                isr: vec![node_id],
                followers: HashMap::new(),
                follower_log_starts: HashMap::new(),
                pending_isr: None,
                high_watermark,
                producers,
                epochs,
                checkpointed_hw: high_watermark,
                write_failed: false,
            }),
            waiters: Mutex::new(Vec::new()),
        }))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("partition lock poisoned")
    }

    /// Take leadership at `leader_epoch` with the given ISR and assignment.
    pub fn become_leader(&self, leader_epoch: i32, isr: Vec<i32>, replicas: &[i32]) {
        let mut st = self.lock();
        st.is_leader = true;
        st.leader_id = self.node_id;
        st.leader_epoch = leader_epoch;
        let leo = st.log.log_end_offset();
        st.epochs.assign(leader_epoch, leo);
        st.isr = isr;
        st.pending_isr = None;
        let now = Instant::now();
        st.followers = replicas
            .iter()
            .filter(|r| **r != self.node_id)
            .map(|r| (*r, FollowerState::unknown(now)))
            .collect();
        st.follower_log_starts.clear();
        st.advance_high_watermark(self.node_id);
        drop(st);
        self.wake();
    }

    /// The controller committed a new ISR for the current leadership.
    pub fn set_isr(&self, isr: Vec<i32>) {
        let mut st = self.lock();
        st.isr = isr;
        st.pending_isr = None;
        let moved = st.advance_high_watermark(self.node_id);
        drop(st);
        if moved {
            self.wake();
        }
    }

    /// Follow `leader` (or nobody, when -1) at `leader_epoch`. Pending acks=all
    /// produces and leader reads fail from now on.
    pub fn become_follower(&self, leader: i32, leader_epoch: i32) {
        let mut st = self.lock();
        st.is_leader = false;
        st.leader_id = leader;
        st.leader_epoch = leader_epoch;
        st.followers.clear();
        st.pending_isr = None;
        drop(st);
        self.wake();
    }

    pub fn leader_id(&self) -> i32 {
        self.lock().leader_id
    }

    pub fn isr(&self) -> Vec<i32> {
        self.lock().isr.clone()
    }

    /// The leader saw follower `replica` fetch from `fetch_offset`: it has every
    /// offset below. Advances the HW; true when the ISR should change now (the
    /// follower earned its place back), for the ISR task to ask the controller.
    pub fn update_follower(
        &self,
        replica: i32,
        fetch_offset: i64,
        log_start_offset: i64,
        max_lag: Duration,
    ) -> bool {
        let mut st = self.lock();
        if !st.is_leader {
            return false;
        }
        let start_moved =
            st.follower_log_starts.insert(replica, log_start_offset) != Some(log_start_offset);
        let leo = st.log.log_end_offset();
        let now = Instant::now();
        let Some(f) = st.followers.get_mut(&replica) else {
            return false;
        };
        f.on_fetch(fetch_offset, leo, now);
        let moved = st.advance_high_watermark(self.node_id);
        let rejoins = !st.isr.contains(&replica)
            && !st.isr_request_in_flight()
            && isr::wanted_isr(&st.isr_view(self.node_id, max_lag, now))
                .is_some_and(|isr| isr.contains(&replica));
        drop(st);
        if moved || start_moved {
            self.wake();
        }
        rejoins
    }

    /// The ISR change this leader should ask the controller for now (shrink past
    /// `replica.lag.time.max.ms`, or expansion), unless one is already in flight.
    /// Marks it in flight; [`Partition::isr_change_failed`] releases it.
    pub fn propose_isr_change(&self, max_lag: Duration) -> Option<IsrChange> {
        let mut st = self.lock();
        if !st.is_leader || st.isr_request_in_flight() {
            return None;
        }
        let isr = isr::wanted_isr(&st.isr_view(self.node_id, max_lag, Instant::now()))?;
        st.pending_isr = Some((isr.clone(), Instant::now()));
        Some(IsrChange {
            leader_epoch: st.leader_epoch,
            isr,
        })
    }

    /// The controller refused or did not commit the last proposal: it may be
    /// proposed again at once.
    pub fn isr_change_failed(&self) {
        self.lock().pending_isr = None;
    }

    /// The newest leader epoch in this replica's log.
    pub fn latest_epoch(&self) -> Option<i32> {
        self.lock().epochs.latest_epoch()
    }

    /// Like [`Partition::end_offset_for_epoch`] but on any replica (a follower
    /// comparing its history with the leader's).
    pub fn local_end_offset_for_epoch(&self, epoch: i32) -> (i32, i64) {
        let st = self.lock();
        st.epochs.end_offset_for(epoch, st.log.log_end_offset())
    }

    /// Run `rebuild` on a private handle of the log while reads and appends are
    /// refused, then swap the result in (blocking).
    fn rebuild_log(&self, rebuild: impl FnOnce(&Path, LogConfig) -> Result<Rebuilt>) -> Result<()> {
        let (dir, config) = {
            let mut st = self.lock();
            st.usable(&self.tp)?;
            st.log_state = LogState::Busy;
            (st.log.dir().to_path_buf(), st.config.log.clone())
        };
        let result = rebuild(&dir, config);
        let mut st = self.lock();
        match result {
            Ok(r) => {
                st.log = r.log;
                st.producers = r.producers;
                st.epochs = r.epochs;
                st.log_state = LogState::Ready;
                let leo = st.log.log_end_offset();
                if st.is_leader {
                    // Became leader meanwhile: its epoch starts at the new log end.
                    let epoch = st.leader_epoch;
                    st.epochs.assign(epoch, leo);
                }
                st.high_watermark = st.high_watermark.clamp(st.log.log_start_offset(), leo);
                Ok(())
            }
            Err(e) => {
                warn!(partition = %self.tp, error = %e, "log rebuild failed; the partition is offline until restart");
                st.log_state = LogState::Failed;
                Err(e)
            }
        }
    }

    /// Cut the log back to `offset` (a follower dropping a divergent tail), and
    /// rebuild the producer and epoch state from what remains (blocking).
    pub fn truncate_to(&self, offset: i64) -> Result<()> {
        if offset >= self.log_end_offset() {
            return Ok(());
        }
        self.rebuild_log(|dir, config| {
            let mut headers: Vec<(BatchHeader, Option<batch::TxnMarker>)> = Vec::new();
            let mut log = PartitionLog::open(dir, config, &mut |h, bytes| {
                headers.push((*h, batch::txn_marker(bytes, h)))
            })?;
            let leo = log.truncate_to(offset)?;
            log.flush()?;
            let mut producers = ProducerStates::default();
            let mut epochs = EpochCache::default();
            for (h, marker) in headers.iter().filter(|(h, _)| h.base_offset < leo) {
                producers.record(h, *marker);
                epochs.assign(h.partition_leader_epoch, h.base_offset);
            }
            Ok(Rebuilt {
                log,
                producers,
                epochs,
            })
        })
    }

    /// Empty this follower's log and start it at `offset`: the leader no longer has
    /// anything this replica could continue from (retention removed it). Blocking.
    pub fn reset_to(&self, offset: i64) -> Result<()> {
        self.rebuild_log(|dir, config| {
            Ok(Rebuilt {
                log: PartitionLog::reset(dir, config, offset)?,
                producers: ProducerStates::default(),
                epochs: EpochCache::default(),
            })
        })?;
        let mut st = self.lock();
        st.high_watermark = offset;
        Ok(())
    }

    /// Append batches fetched from the leader of `leader_epoch`, offsets and bytes
    /// as they are (no copy). The returned sync is due before the follower reports
    /// the new offsets to the leader.
    pub fn append_as_follower(&self, records: &[u8], leader_epoch: i32) -> Result<PendingSync> {
        let headers = batch::validate_batches(records)?;
        if headers.is_empty() {
            return Ok(PendingSync::default());
        }
        let mut st = self.lock();
        st.usable(&self.tp)?;
        if st.is_leader || st.leader_epoch != leader_epoch {
            return Err(Error::NotLeader(self.tp.clone()));
        }
        let appended = st.append(&self.tp, records, &headers)?;
        for (pos, h) in &headers {
            let marker = batch::txn_marker(&records[*pos..], h);
            st.producers.record(h, marker);
            st.epochs.assign(h.partition_leader_epoch, h.base_offset);
        }
        drop(st);
        sync_in_background(appended.rolled);
        self.wake();
        Ok(appended.flush)
    }

    /// A follower's HW: the leader's, as far as this replica has the data.
    pub fn set_follower_high_watermark(&self, leader_hw: i64) {
        let mut st = self.lock();
        if !st.is_leader {
            st.high_watermark = leader_hw.min(st.log.log_end_offset());
        }
    }

    /// acks=all: wait until the HW reaches `offset` while this replica stays leader
    /// at the same epoch; fails with NOT_LEADER once it is not.
    pub async fn wait_for_high_watermark(
        &self,
        offset: i64,
        deadline: tokio::time::Instant,
    ) -> Result<()> {
        let epoch = self.leader_epoch();
        loop {
            let notify = Arc::new(Notify::new());
            self.add_waiter(&notify);
            {
                let st = self.lock();
                if !st.is_leader || st.leader_epoch != epoch {
                    return Err(Error::NotLeader(self.tp.clone()));
                }
                if st.high_watermark >= offset {
                    return Ok(());
                }
            }
            if tokio::time::timeout_at(deadline, notify.notified())
                .await
                .is_err()
            {
                return Err(Error::Timeout);
            }
        }
    }

    pub fn set_config(&self, config: PartitionConfig) {
        let mut st = self.lock();
        st.log.set_config(config.log.clone());
        st.config = config;
    }

    pub fn is_leader(&self) -> bool {
        self.lock().is_leader
    }

    pub fn leader_epoch(&self) -> i32 {
        self.lock().leader_epoch
    }

    pub fn high_watermark(&self) -> i64 {
        self.lock().high_watermark
    }

    pub fn log_end_offset(&self) -> i64 {
        self.lock().log.log_end_offset()
    }

    pub fn log_start_offset(&self) -> i64 {
        self.lock().log.log_start_offset()
    }

    fn check_epoch(st: &State, current_leader_epoch: i32) -> Result<()> {
        if current_leader_epoch < 0 || current_leader_epoch == st.leader_epoch {
            Ok(())
        } else if current_leader_epoch < st.leader_epoch {
            Err(Error::FencedLeaderEpoch {
                requested: current_leader_epoch,
                current: st.leader_epoch,
            })
        } else {
            Err(Error::UnknownLeaderEpoch {
                requested: current_leader_epoch,
                current: st.leader_epoch,
            })
        }
    }

    /// Append a produce request's batches as leader. `records` is validated here
    /// (magic, sizes, CRC) before anything is written, and copied once: the copy
    /// gets the assigned offsets and this leader's epoch.
    pub fn append_as_leader(&self, records: &[u8], acks: i16) -> Result<AppendInfo> {
        let headers = batch::validate_batches(records)?;
        for (pos, h) in &headers {
            if h.is_control() {
                return Err(Error::ControlBatchFromClient);
            }
            batch::validate_records(&records[*pos..], h, *pos)?;
        }
        let buf = records.to_vec();
        let st = self.lock();
        st.leader_usable(&self.tp)?;
        if acks == -1 && st.isr.len() < st.config.min_insync_replicas {
            return Err(Error::NotEnoughReplicas {
                isr: st.isr.len(),
                min: st.config.min_insync_replicas,
            });
        }
        for (_, h) in &headers {
            if h.total_len() > st.config.max_message_bytes {
                return Err(Error::TooLarge {
                    size: h.total_len(),
                    max: st.config.max_message_bytes,
                });
            }
        }
        if let Some((_, first)) = headers.first() {
            match st.producers.check(first) {
                SequenceCheck::Append => {}
                SequenceCheck::Duplicate { first_offset } => {
                    let count: i64 = headers
                        .iter()
                        .map(|(_, h)| h.last_offset_delta as i64 + 1)
                        .sum();
                    return Ok(AppendInfo {
                        base_offset: first_offset,
                        next_offset: first_offset + count,
                        log_start_offset: st.log.log_start_offset(),
                        flush: PendingSync::default(),
                        log_append_time_ms: -1,
                    });
                }
                // The batch before it was refused by a failing disk, not lost:
                // say so, as Kafka does with its log dir offline, rather than
                // OUT_OF_ORDER_SEQUENCE_NUMBER, which makes librdkafka bump its
                // epoch and resend what may already be stored (duplicates, seen in
                // the fault tests; librdkafka #4953).
                SequenceCheck::OutOfOrder { .. } if st.write_failed => {
                    return Err(Error::AfterWriteFailure(self.tp.clone()))
                }
                SequenceCheck::OutOfOrder { expected, got } => {
                    return Err(Error::OutOfOrderSequence { expected, got })
                }
                SequenceCheck::FencedEpoch => return Err(Error::InvalidProducerEpoch),
                SequenceCheck::InvalidTxnState => return Err(Error::InvalidTxnState),
            }
        }
        self.write_as_leader(st, buf, headers, None)
    }

    /// Stamp validated batches with this leader's epoch (and the append time on
    /// LogAppendTime topics), assign offsets, append, and record their producer
    /// state: the common end of client produces and transaction markers.
    fn write_as_leader(
        &self,
        mut st: MutexGuard<'_, State>,
        mut buf: Vec<u8>,
        mut headers: Vec<(usize, BatchHeader)>,
        marker: Option<batch::TxnMarker>,
    ) -> Result<AppendInfo> {
        let epoch = st.leader_epoch;
        let log_append_time_ms = if st.config.log_append_time {
            crate::protocol::now_ms()
        } else {
            -1
        };
        for (pos, h) in headers.iter_mut() {
            batch::set_partition_leader_epoch(&mut buf[*pos..], epoch);
            h.partition_leader_epoch = epoch;
            if log_append_time_ms >= 0 {
                // Kafka's LogValidator: the batch says LogAppendTime and carries the
                // append time as its max timestamp; the CRC covers both.
                batch::set_log_append_time(
                    &mut buf[*pos..*pos + h.total_len()],
                    log_append_time_ms,
                );
                h.attributes |= batch::TIMESTAMP_TYPE_LOG_APPEND;
                h.max_timestamp = log_append_time_ms;
            }
        }
        st.log.assign_offsets(&mut buf, &mut headers);
        let appended = st.append(&self.tp, &buf, &headers)?;
        for (_, h) in &headers {
            st.producers.record(h, marker);
        }
        st.advance_high_watermark(self.node_id);
        let info = AppendInfo {
            base_offset: appended.first_offset,
            next_offset: appended.last_offset + 1,
            log_start_offset: st.log.log_start_offset(),
            flush: appended.flush,
            log_append_time_ms,
        };
        drop(st);
        sync_in_background(appended.rolled);
        self.wake();
        Ok(info)
    }

    /// Write a transaction marker as leader (WriteTxnMarkers): it ends producer
    /// `producer_id`'s transaction here. Refused when the producer's epoch or the
    /// coordinator's is older than one this partition has already seen.
    pub fn append_marker(
        &self,
        producer_id: i64,
        producer_epoch: i16,
        commit: bool,
        coordinator_epoch: i32,
    ) -> Result<AppendInfo> {
        let buf = crate::protocol::records::encode_txn_marker(
            producer_id,
            producer_epoch,
            commit,
            coordinator_epoch,
            crate::protocol::now_ms(),
        )
        .map_err(|e| {
            Error::Batch(BatchError::BadRecords {
                at: 0,
                reason: format!("{e:#}"),
            })
        })?
        .to_vec();
        let headers = batch::validate_batches(&buf)?;
        let st = self.lock();
        st.leader_usable(&self.tp)?;
        match st
            .producers
            .check_marker(producer_id, producer_epoch, coordinator_epoch)
        {
            MarkerCheck::Append => {}
            MarkerCheck::FencedEpoch => return Err(Error::InvalidProducerEpoch),
            MarkerCheck::CoordinatorFenced => return Err(Error::CoordinatorFenced),
        }
        let marker = batch::TxnMarker {
            commit,
            coordinator_epoch,
        };
        self.write_as_leader(st, buf, headers, Some(marker))
    }

    /// Append a batch the broker built itself (group or transaction state) as leader
    /// and wait until every in-sync replica has it, or `timeout` passes.
    pub async fn append_replicated(&self, batch: &[u8], timeout: Duration) -> Result<AppendInfo> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut info = self.append_as_leader(batch, -1)?;
        let flush = std::mem::take(&mut info.flush);
        if !flush.is_empty() {
            blocking(move || Ok(flush.run()?)).await?;
        }
        self.wait_for_high_watermark(info.next_offset, deadline)
            .await?;
        Ok(info)
    }

    /// DeleteRecords: move the log start to `offset` (-1: the high watermark) as
    /// leader; an offset beyond the high watermark is refused. Returns the new log
    /// start. Blocking (unlinks segments and writes the checkpoint).
    pub fn delete_records(&self, offset: i64) -> Result<i64> {
        let (expired, start, dir) = {
            let mut st = self.lock();
            st.leader_usable(&self.tp)?;
            let hw = st.high_watermark;
            let target = if offset == -1 { hw } else { offset };
            if target < 0 || target > hw {
                return Err(Error::DeleteBeyondHighWatermark {
                    tp: self.tp.clone(),
                    offset,
                    high_watermark: hw,
                });
            }
            let expired = st.log.advance_log_start(target);
            let start = st.log.log_start_offset();
            st.producers.prune_below(start);
            (expired, start, st.log.dir().to_path_buf())
        };
        storage::remove_segment_files(&expired)?;
        write_checkpoint(&dir, LOG_START_CHECKPOINT, start)?;
        self.wake();
        Ok(start)
    }

    /// A follower learns its leader's log start (from a fetch) and moves its own up
    /// to it, as far as its log reaches. Blocking, as [`Partition::delete_records`].
    pub fn follow_log_start(&self, leader_log_start: i64) -> Result<()> {
        let (expired, start, dir) = {
            let mut st = self.lock();
            if st.is_leader || st.log_state != LogState::Ready {
                return Ok(());
            }
            let before = st.log.log_start_offset();
            let expired = st.log.advance_log_start(leader_log_start);
            let start = st.log.log_start_offset();
            if start == before {
                return Ok(());
            }
            st.producers.prune_below(start);
            (expired, start, st.log.dir().to_path_buf())
        };
        storage::remove_segment_files(&expired)?;
        write_checkpoint(&dir, LOG_START_CHECKPOINT, start)
    }

    /// The lowest log start of this leader and its in-sync followers: what
    /// DeleteRecords reports once every replica has dropped the records.
    pub fn low_watermark(&self) -> i64 {
        let st = self.lock();
        let own = st.log.log_start_offset();
        st.isr
            .iter()
            .filter(|r| **r != self.node_id)
            .map(|r| st.follower_log_starts.get(r).copied().unwrap_or(0))
            .fold(own, i64::min)
    }

    /// Wait until [`Partition::low_watermark`] reaches `offset` while this replica
    /// leads, or the deadline passes (REQUEST_TIMED_OUT).
    pub async fn wait_for_low_watermark(
        &self,
        offset: i64,
        deadline: tokio::time::Instant,
    ) -> Result<i64> {
        loop {
            let notify = Arc::new(Notify::new());
            self.add_waiter(&notify);
            if !self.is_leader() {
                return Err(Error::NotLeader(self.tp.clone()));
            }
            let low = self.low_watermark();
            if low >= offset {
                return Ok(low);
            }
            if tokio::time::timeout_at(deadline, notify.notified())
                .await
                .is_err()
            {
                return Err(Error::Timeout);
            }
        }
    }

    /// The producers this replica knows (DescribeProducers), as leader.
    pub fn describe_producers(&self) -> Result<Vec<ProducerSummary>> {
        let st = self.lock();
        st.leader_usable(&self.tp)?;
        Ok(st.producers.summaries())
    }

    /// The offset below which every transaction is decided and replicated.
    pub fn last_stable_offset(&self) -> i64 {
        self.lock().last_stable_offset()
    }

    /// Read for a consumer (up to the HW) or a follower (up to the log end). The
    /// lock covers the plan; the positioned reads run after it is released.
    pub fn read(
        &self,
        offset: i64,
        max_bytes: usize,
        limit: ReadLimit,
        current_leader_epoch: i32,
    ) -> Result<FetchData> {
        let (plan, high_watermark, log_start_offset, log_end_offset) = {
            let mut st = self.lock();
            Self::check_epoch(&st, current_leader_epoch)?;
            st.leader_usable(&self.tp)?;
            let last_stable = st.last_stable_offset();
            let upto = match limit {
                ReadLimit::HighWatermark => st.high_watermark,
                ReadLimit::LastStable => last_stable,
                ReadLimit::LogEnd => st.log.log_end_offset(),
            };
            let aborted = if limit == ReadLimit::LastStable {
                st.producers.aborted_between(offset, upto)
            } else {
                Vec::new()
            };
            (
                st.log.prepare_read(offset, max_bytes, upto)?,
                (st.high_watermark, last_stable, aborted),
                st.log.log_start_offset(),
                st.log.log_end_offset(),
            )
        };
        let (high_watermark, last_stable_offset, aborted) = high_watermark;
        let read = plan.read().inspect_err(|e| {
            warn!(partition = %self.tp, offset, error = %e, "read failed");
        })?;
        Ok(FetchData {
            records: read.records,
            high_watermark,
            last_stable_offset,
            aborted,
            log_start_offset,
            log_end_offset,
        })
    }

    /// Offsets for ListOffsets: -1 latest (the HW, or the last stable offset for
    /// read_committed), -2 earliest, -3 max timestamp, else the first offset with a
    /// timestamp >= the given one, below that limit. Returns (offset, timestamp).
    pub fn list_offset(
        &self,
        timestamp: i64,
        current_leader_epoch: i32,
        read_committed: bool,
    ) -> Result<(i64, i64)> {
        let (lookup, high_watermark) = {
            let mut st = self.lock();
            Self::check_epoch(&st, current_leader_epoch)?;
            st.leader_usable(&self.tp)?;
            let limit = if read_committed {
                st.last_stable_offset()
            } else {
                st.high_watermark
            };
            match timestamp {
                -1 => return Ok((limit, -1)),
                -2 => return Ok((st.log.log_start_offset(), -1)),
                _ => (st.log.time_lookup(), limit),
            }
        };
        Ok(match timestamp {
            -3 => lookup.max_timestamp()?.unwrap_or((-1, -1)),
            ts => match lookup.offset_for_timestamp(ts)? {
                Some((offset, ts)) if offset < high_watermark => (offset, ts),
                _ => (-1, -1),
            },
        })
    }

    /// Every batch of this leader's log from its start to its end, in order, with
    /// its bytes: how a coordinator loads its state. Like Kafka, the whole local
    /// log, not only up to the HW: a new leader's HW catches up only when its
    /// followers fetch again. Blocking (positioned reads).
    pub fn scan(&self, on_batch: &mut dyn FnMut(&BatchHeader, bytes::Bytes)) -> Result<()> {
        let mut offset = self.log_start_offset();
        let end = self.log_end_offset();
        while offset < end {
            let data = self.read(offset, 1 << 20, ReadLimit::LogEnd, -1)?;
            if data.records.is_empty() {
                break;
            }
            let mut next = offset;
            for item in batch::BatchIter::new(&data.records, 0) {
                let Ok((pos, h)) = item else { break };
                next = h.next_offset();
                on_batch(&h, data.records.slice(pos..pos + h.total_len()));
            }
            if next <= offset {
                break;
            }
            offset = next;
        }
        Ok(())
    }

    /// OffsetForLeaderEpoch: the largest epoch at or below `epoch` in this log and
    /// where it ended (Kafka's `endOffsetFor`).
    pub fn end_offset_for_epoch(&self, epoch: i32) -> Result<(i32, i64)> {
        let st = self.lock();
        st.leader_usable(&self.tp)?;
        Ok(st.epochs.end_offset_for(epoch, st.log.log_end_offset()))
    }

    /// fsync the log and checkpoint the high watermark (blocking).
    pub fn flush(&self) -> Result<()> {
        let sync = self.lock().log.take_sync();
        sync.run()?;
        self.checkpoint_high_watermark()
    }

    /// Write the high watermark to the checkpoint file if it moved (write a temporary
    /// file and rename it, so a crash leaves the old or the new value). Blocking.
    pub fn checkpoint_high_watermark(&self) -> Result<()> {
        let (hw, dir) = {
            let st = self.lock();
            if st.high_watermark == st.checkpointed_hw {
                return Ok(());
            }
            (st.high_watermark, st.log.dir().to_path_buf())
        };
        write_checkpoint(&dir, HW_CHECKPOINT, hw)?;
        self.lock().checkpointed_hw = hw;
        Ok(())
    }

    /// Delete segments past retention; returns how many (blocking: unlinks files).
    pub fn apply_retention(&self, now_ms: i64) -> Result<usize> {
        let expired = {
            let mut st = self.lock();
            if st.log_state != LogState::Ready {
                return Ok(0);
            }
            let expired = st.log.expire_segments(now_ms);
            let start = st.log.log_start_offset();
            st.producers.prune_below(start);
            expired
        };
        storage::remove_segment_files(&expired)?;
        Ok(expired.len())
    }

    /// Register interest in the next change of this partition's log or HW.
    pub fn add_waiter(&self, notify: &Arc<Notify>) {
        let mut w = self.waiters.lock().expect("waiters lock poisoned");
        w.retain(|n| n.strong_count() > 0);
        w.push(Arc::downgrade(notify));
    }

    fn wake(&self) {
        let waiters = std::mem::take(&mut *self.waiters.lock().expect("waiters lock poisoned"));
        for w in waiters {
            if let Some(n) = w.upgrade() {
                n.notify_one();
            }
        }
    }

    /// Close the log and remove its files (blocking).
    pub fn delete(self: Arc<Self>) -> Result<()> {
        let dir = self.lock().log.dir().to_path_buf();
        self.wake();
        drop(self);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::Storage(storage::Error::Io { path: dir, source })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::batch::tests::make_batch;

    fn open(dir: &Path) -> Arc<Partition> {
        Partition::open(
            TopicPartition::new("t", 0),
            Uuid::nil(),
            dir,
            PartitionConfig::default(),
            1,
        )
        .unwrap()
    }

    #[test]
    fn leader_epochs_survive_reopen_and_answer_offset_for_leader_epoch() {
        let dir = tempfile::tempdir().unwrap();
        let p = open(dir.path());
        p.become_leader(0, vec![1], &[1]);
        p.append_as_leader(&make_batch(3, -1, -1), 1).unwrap();
        p.become_leader(4, vec![1], &[1]);
        p.append_as_leader(&make_batch(2, -1, -1), -1).unwrap();
        assert_eq!(p.end_offset_for_epoch(0).unwrap(), (0, 3));
        assert_eq!(p.end_offset_for_epoch(2).unwrap(), (0, 3));
        assert_eq!(p.end_offset_for_epoch(4).unwrap(), (4, 5));
        drop(p);
        let p = open(dir.path());
        p.become_leader(4, vec![1], &[1]);
        assert_eq!(
            p.end_offset_for_epoch(0).unwrap(),
            (0, 3),
            "rebuilt from the stored batches"
        );
        assert_eq!(p.end_offset_for_epoch(4).unwrap(), (4, 5));
        assert_eq!(p.high_watermark(), 5);
    }

    #[test]
    fn the_high_watermark_is_checkpointed_and_a_sole_leader_catches_up_to_its_log_end() {
        let dir = tempfile::tempdir().unwrap();
        let p = open(dir.path());
        p.become_leader(0, vec![1, 2], &[1, 2]);
        p.append_as_leader(&make_batch(4, -1, -1), 1).unwrap();
        assert_eq!(p.high_watermark(), 0, "follower 2 has nothing yet");
        assert!(!p.update_follower(2, 3, 0, Duration::from_secs(30)));
        assert_eq!(p.high_watermark(), 3);
        p.flush().unwrap();
        drop(p);
        // Reopened: the unreplicated tail (offset 3) is not exposed as committed.
        let p = open(dir.path());
        assert_eq!(p.high_watermark(), 3);
        assert_eq!(p.log_end_offset(), 4);
        p.become_leader(1, vec![1, 2], &[1, 2]);
        assert_eq!(p.high_watermark(), 3);
        // Alone in the ISR, everything it has is committed.
        p.set_isr(vec![1]);
        assert_eq!(p.high_watermark(), 4);
    }

    #[test]
    fn delete_records_moves_the_log_start_persistently() {
        let dir = tempfile::tempdir().unwrap();
        let p = open(dir.path());
        p.become_leader(0, vec![1], &[1]);
        p.append_as_leader(&make_batch(10, -1, -1), 1).unwrap();
        assert!(matches!(
            p.delete_records(11),
            Err(Error::DeleteBeyondHighWatermark { .. })
        ));
        assert_eq!(p.delete_records(4).unwrap(), 4);
        assert_eq!(p.delete_records(2).unwrap(), 4, "never backwards");
        assert_eq!(p.low_watermark(), 4);
        assert!(matches!(
            p.read(3, 1000, ReadLimit::HighWatermark, -1),
            Err(Error::Storage(storage::Error::OffsetOutOfRange { .. }))
        ));
        assert_eq!(p.list_offset(-2, -1, false).unwrap().0, 4);
        drop(p);
        let p = open(dir.path());
        assert_eq!(p.log_start_offset(), 4, "the checkpoint survives a reopen");
        p.become_leader(1, vec![1], &[1]);
        assert_eq!(
            p.delete_records(-1).unwrap(),
            10,
            "-1 is the high watermark"
        );
        // A follower follows its leader's log start, as far as its log reaches.
        let dir2 = tempfile::tempdir().unwrap();
        let f = open(dir2.path());
        f.become_leader(0, vec![1], &[1]);
        f.append_as_leader(&make_batch(3, -1, -1), 1).unwrap();
        f.become_follower(2, 1);
        f.follow_log_start(7).unwrap();
        assert_eq!(f.log_start_offset(), 3);
    }

    #[test]
    fn a_follower_refuses_produce_and_fetch() {
        let dir = tempfile::tempdir().unwrap();
        let p = open(dir.path());
        assert!(matches!(
            p.append_as_leader(&make_batch(1, -1, -1), 1),
            Err(Error::NotLeader(_))
        ));
        assert!(matches!(
            p.read(0, 100, ReadLimit::HighWatermark, -1),
            Err(Error::NotLeader(_))
        ));
        p.become_leader(2, vec![1], &[1]);
        assert!(matches!(
            p.read(0, 100, ReadLimit::HighWatermark, 1),
            Err(Error::FencedLeaderEpoch { .. })
        ));
        assert!(matches!(
            p.read(0, 100, ReadLimit::HighWatermark, 3),
            Err(Error::UnknownLeaderEpoch { .. })
        ));
        assert!(p.read(0, 100, ReadLimit::HighWatermark, 2).is_ok());
    }
}
