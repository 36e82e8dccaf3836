//! The transaction coordinator runtime: owns the transactional ids whose
//! `__transaction_state` partition this node leads. Each state change decided by
//! `state.rs` is written to that partition and replicated before it takes effect
//! (so a coordinator that fails over loses nothing); a prepared commit or abort
//! then gets its markers written and its Complete state recorded. A ticker loads
//! partitions this node comes to lead (finishing what the previous coordinator
//! prepared), forgets those it stops leading, and aborts transactions past their
//! timeout.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use kafka_protocol::error::ResponseError;
use tracing::{debug, info, warn};

use super::markers::{MarkerSpec, MarkerWriter, Outcome};
use super::records::TxnRecord;
use super::state::{self, EndDecision, InitArgs, InitDecision, TxnMetadata, TxnState};
use crate::controller::{Controller, NewTopic};
use crate::protocol::partition_for::partition_for;
use crate::protocol::records::{encode_internal_batch, BatchProducer};
use crate::protocol::{now_ms, TopicPartition, OFFSETS_TOPIC, TXN_TOPIC};
use crate::replication::{Partition, ReplicaManager};

/// Longest transactional id accepted (Kafka has no explicit limit; this bounds
/// memory and keeps ids writable as int16-prefixed strings).
const MAX_TRANSACTIONAL_ID_BYTES: usize = 16 * 1024;

/// How long a state write may wait for the in-sync replicas.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct TxnConfig {
    /// `transaction.state.log.num.partitions`
    pub partitions: i32,
    /// `transaction.state.log.replication.factor` (capped at the number of voters)
    pub replication_factor: i32,
    /// `transaction.state.log.min.isr` (capped at the replication factor)
    pub min_isr: i32,
    /// `transaction.state.log.segment.bytes`
    pub segment_bytes: i32,
    /// `transaction.max.timeout.ms`
    pub max_timeout_ms: i32,
    /// `transaction.abort.timed.out.transaction.cleanup.interval.ms`
    pub abort_check_interval: Duration,
    /// `offsets.topic.num.partitions`: where AddOffsetsToTxn's group commits go.
    pub offsets_partitions: i32,
    /// How markers reach partition leaders: the inter-broker listener's security.
    pub inter_broker: crate::client::Security,
}

impl Default for TxnConfig {
    fn default() -> Self {
        TxnConfig {
            partitions: 50,
            replication_factor: 3,
            min_isr: 2,
            segment_bytes: 104_857_600,
            max_timeout_ms: 900_000,
            abort_check_interval: Duration::from_secs(10),
            offsets_partitions: 50,
            inter_broker: crate::client::Security::default(),
        }
    }
}

struct Entry {
    /// None while the id's first state is being written.
    meta: Option<TxnMetadata>,
    /// A state change is being written: other requests get CONCURRENT_TRANSACTIONS.
    busy: bool,
    /// A task is writing this transaction's markers.
    completing: bool,
}

#[derive(Default)]
struct Inner {
    txns: HashMap<String, Entry>,
    /// `__transaction_state` partitions whose ids are in memory, with the leader
    /// epoch they were loaded under: the coordinator epoch of their markers.
    loaded: HashMap<i32, i32>,
    /// Partitions being read into memory right now.
    loading: HashSet<i32>,
}

/// A transaction as DescribeTransactions and ListTransactions report it.
pub type TxnDescription = TxnMetadata;

pub struct Coordinator {
    node_id: i32,
    config: TxnConfig,
    controller: Arc<Controller>,
    replicas: Arc<ReplicaManager>,
    markers: MarkerWriter,
    inner: Mutex<Inner>,
}

impl Coordinator {
    pub fn new(
        node_id: i32,
        config: TxnConfig,
        controller: Arc<Controller>,
        replicas: Arc<ReplicaManager>,
    ) -> Arc<Coordinator> {
        let markers = MarkerWriter::new(controller.clone(), config.inter_broker.clone());
        Arc::new(Coordinator {
            node_id,
            config,
            markers,
            controller,
            replicas,
            inner: Mutex::new(Inner::default()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .expect("transaction coordinator lock poisoned")
    }

    pub fn partition_of(&self, transactional_id: &str) -> i32 {
        partition_for(transactional_id, self.config.partitions)
    }

    /// Create `__transaction_state` if it does not exist yet (on the first
    /// FindCoordinator for a transactional id, as Kafka does).
    async fn ensure_topic(&self) {
        let image = self.controller.image();
        if image.topic(TXN_TOPIC).is_some() {
            return;
        }
        let rf = self
            .config
            .replication_factor
            .min(self.controller.voter_count() as i32)
            .max(1);
        if (image.live_brokers().len() as i32) < rf {
            debug!(rf, "waiting for enough brokers to create {TXN_TOPIC}");
            return;
        }
        let configs = BTreeMap::from([
            ("cleanup.policy".to_string(), "compact".to_string()),
            (
                "segment.bytes".to_string(),
                self.config.segment_bytes.to_string(),
            ),
            (
                "min.insync.replicas".to_string(),
                self.config.min_isr.min(rf).to_string(),
            ),
            (
                "unclean.leader.election.enable".to_string(),
                "false".to_string(),
            ),
        ]);
        let t = NewTopic {
            name: TXN_TOPIC.to_string(),
            partitions: self.config.partitions,
            replication_factor: rf,
            assignments: None,
            configs,
        };
        match self.controller.create_topic(t, false).await {
            Ok(offset) => {
                self.replicas
                    .wait_applied(offset, Duration::from_secs(10))
                    .await;
                info!("created {TXN_TOPIC}");
            }
            Err(e) => debug!(error = %e, "creating {TXN_TOPIC}"),
        }
    }

    /// The broker that coordinates `transactional_id`: (node id, host, port).
    pub async fn find_coordinator(
        &self,
        transactional_id: &str,
    ) -> Result<(i32, String, i32), ResponseError> {
        if transactional_id.is_empty() || transactional_id.len() > MAX_TRANSACTIONAL_ID_BYTES {
            return Err(ResponseError::InvalidRequest);
        }
        self.ensure_topic().await;
        let image = self.controller.image();
        let leader = image
            .partition(TXN_TOPIC, self.partition_of(transactional_id))
            .map(|p| p.leader)
            .filter(|l| *l >= 0)
            .ok_or(ResponseError::CoordinatorNotAvailable)?;
        let b = image
            .brokers
            .get(&leader)
            .ok_or(ResponseError::CoordinatorNotAvailable)?;
        Ok((b.node_id, b.host.clone(), b.port))
    }

    /// This node coordinates `transactional_id` and has its partition loaded
    /// (loading it now if it has not been yet): (partition, coordinator epoch).
    async fn check_local(
        self: &Arc<Self>,
        transactional_id: &str,
    ) -> Result<(i32, i32), ResponseError> {
        if transactional_id.is_empty() || transactional_id.len() > MAX_TRANSACTIONAL_ID_BYTES {
            return Err(ResponseError::InvalidRequest);
        }
        let p = self.partition_of(transactional_id);
        let part = self
            .replicas
            .get(TXN_TOPIC, p)
            .filter(|part| part.is_leader())
            .ok_or(ResponseError::NotCoordinator)?;
        let epoch = part.leader_epoch();
        if self.lock().loaded.get(&p) != Some(&epoch) {
            self.load_partition(p, part).await;
        }
        match self.lock().loaded.get(&p) {
            Some(loaded) if *loaded == epoch => Ok((p, epoch)),
            _ => Err(ResponseError::CoordinatorLoadInProgress),
        }
    }

    /// Whether this node still coordinates partition `p` at `coordinator_epoch`.
    fn still_coordinating(&self, p: i32, coordinator_epoch: i32) -> bool {
        self.replicas
            .get(TXN_TOPIC, p)
            .is_some_and(|part| part.is_leader() && part.leader_epoch() == coordinator_epoch)
            && self.lock().loaded.get(&p) == Some(&coordinator_epoch)
    }

    /// Decide under the lock; a decision that writes reserves the id (busy) so no
    /// other request decides meanwhile. `decide` returns what to write, if anything.
    fn reserve<T>(
        &self,
        transactional_id: &str,
        decide: impl FnOnce(Option<&TxnMetadata>) -> Result<(T, Option<TxnMetadata>), ResponseError>,
    ) -> Result<(T, Option<TxnMetadata>), ResponseError> {
        let mut inner = self.lock();
        let entry = inner.txns.get(transactional_id);
        if entry.is_some_and(|e| e.busy) {
            return Err(ResponseError::ConcurrentTransactions);
        }
        let (answer, write) = decide(entry.and_then(|e| e.meta.as_ref()))?;
        if write.is_some() {
            inner
                .txns
                .entry(transactional_id.to_string())
                .or_insert(Entry {
                    meta: None,
                    busy: false,
                    completing: false,
                })
                .busy = true;
        }
        Ok((answer, write))
    }

    /// Write `next` (reserved by [`Coordinator::reserve`]) to the log and, once
    /// replicated, make it the id's state.
    async fn write(
        &self,
        p: i32,
        coordinator_epoch: i32,
        next: &TxnMetadata,
    ) -> Result<(), ResponseError> {
        let result = self.persist(p, coordinator_epoch, next).await;
        let mut inner = self.lock();
        let loaded = inner.loaded.get(&p) == Some(&coordinator_epoch);
        if let Some(e) = inner.txns.get_mut(&next.transactional_id) {
            e.busy = false;
            match &result {
                Ok(()) if loaded => e.meta = Some(next.clone()),
                _ => {
                    if e.meta.is_none() {
                        inner.txns.remove(&next.transactional_id);
                    }
                }
            }
        }
        result
    }

    async fn persist(
        &self,
        p: i32,
        coordinator_epoch: i32,
        next: &TxnMetadata,
    ) -> Result<(), ResponseError> {
        let part = self
            .replicas
            .get(TXN_TOPIC, p)
            .filter(|part| part.leader_epoch() == coordinator_epoch)
            .ok_or(ResponseError::NotCoordinator)?;
        let (key, value) = TxnRecord {
            transactional_id: next.transactional_id.clone(),
            value: Some(next.clone()),
        }
        .encode();
        let batch = encode_internal_batch(&[(key, value)], now_ms(), BatchProducer::NONE)
            .map_err(|_| ResponseError::UnknownServerError)?;
        part.append_replicated(&batch, WRITE_TIMEOUT)
            .await
            .map(|_| ())
            .map_err(|e| {
                debug!(partition = p, error = %e, "cannot write transaction state");
                // Kafka's mapping of append errors for coordinator writes.
                match e.code() {
                    ResponseError::NotLeaderOrFollower | ResponseError::KafkaStorageError => {
                        ResponseError::NotCoordinator
                    }
                    ResponseError::MessageTooLarge | ResponseError::RecordListTooLarge => {
                        ResponseError::UnknownServerError
                    }
                    _ => ResponseError::CoordinatorNotAvailable,
                }
            })
    }

    /// InitProducerId with a transactional id: (producer id, epoch).
    pub async fn init_producer_id(
        self: &Arc<Self>,
        transactional_id: &str,
        timeout_ms: i32,
        producer_id: i64,
        producer_epoch: i16,
    ) -> Result<(i64, i16), ResponseError> {
        let (p, coordinator_epoch) = self.check_local(transactional_id).await?;
        let args = InitArgs {
            timeout_ms,
            max_timeout_ms: self.config.max_timeout_ms,
            producer_id,
            producer_epoch,
            now_ms: now_ms(),
        };
        let mut new_pid = None;
        loop {
            let (decision, write) = self.reserve(transactional_id, |m| {
                let d = state::init_producer_id(m, transactional_id, &args, new_pid)?;
                let write = match &d {
                    InitDecision::Write(n) | InitDecision::FenceAndAbort(n) => Some(n.clone()),
                    _ => None,
                };
                Ok((d, write))
            })?;
            match decision {
                InitDecision::NeedProducerId => {
                    if new_pid.is_some() {
                        return Err(ResponseError::UnknownServerError);
                    }
                    let pid = self
                        .controller
                        .allocate_producer_id()
                        .await
                        .map_err(|_| ResponseError::CoordinatorNotAvailable)?;
                    new_pid = Some(pid);
                }
                InitDecision::Reply(pid, epoch) => return Ok((pid, epoch)),
                InitDecision::Write(_) => {
                    let next = write.expect("a write decision carries its state");
                    self.write(p, coordinator_epoch, &next).await?;
                    info!(
                        transactional_id,
                        producer_id = next.producer_id,
                        epoch = next.producer_epoch,
                        "initialised a transactional producer"
                    );
                    return Ok((next.producer_id, next.producer_epoch));
                }
                InitDecision::FenceAndAbort(_) => {
                    let next = write.expect("a write decision carries its state");
                    self.write(p, coordinator_epoch, &next).await?;
                    info!(
                        transactional_id,
                        epoch = next.producer_epoch,
                        "fenced the previous producer; aborting its open transaction"
                    );
                    self.spawn_completion(transactional_id, p, coordinator_epoch);
                    return Err(ResponseError::ConcurrentTransactions);
                }
            }
        }
    }

    /// AddPartitionsToTxn and AddOffsetsToTxn.
    pub async fn add_partitions(
        self: &Arc<Self>,
        transactional_id: &str,
        producer_id: i64,
        producer_epoch: i16,
        partitions: &[TopicPartition],
    ) -> Result<(), ResponseError> {
        let (p, coordinator_epoch) = self.check_local(transactional_id).await?;
        let now = now_ms();
        let ((), write) = self.reserve(transactional_id, |m| {
            Ok((
                (),
                state::add_partitions(m, producer_id, producer_epoch, partitions, now)?,
            ))
        })?;
        match write {
            None => Ok(()),
            Some(next) => self.write(p, coordinator_epoch, &next).await,
        }
    }

    /// The `__consumer_offsets` partition of `group_id` (AddOffsetsToTxn).
    pub fn offsets_partition_of(&self, group_id: &str) -> TopicPartition {
        TopicPartition::new(
            OFFSETS_TOPIC,
            partition_for(group_id, self.config.offsets_partitions),
        )
    }

    /// EndTxn: answered once the Prepare state is replicated; the markers follow.
    pub async fn end_txn(
        self: &Arc<Self>,
        transactional_id: &str,
        producer_id: i64,
        producer_epoch: i16,
        commit: bool,
    ) -> Result<(), ResponseError> {
        let (p, coordinator_epoch) = self.check_local(transactional_id).await?;
        let now = now_ms();
        let ((), write) = self.reserve(transactional_id, |m| {
            match state::end_txn(m, producer_id, producer_epoch, commit, now)? {
                EndDecision::Done => Ok(((), None)),
                EndDecision::Prepare(next) => Ok(((), Some(next))),
            }
        })?;
        if let Some(next) = write {
            self.write(p, coordinator_epoch, &next).await?;
            debug!(transactional_id, commit, "transaction prepared");
            self.spawn_completion(transactional_id, p, coordinator_epoch);
        }
        Ok(())
    }

    /// Write the markers of a prepared transaction and then its Complete state, in
    /// the background. At most one such task runs per id.
    fn spawn_completion(self: &Arc<Self>, transactional_id: &str, p: i32, coordinator_epoch: i32) {
        {
            let mut inner = self.lock();
            let Some(e) = inner.txns.get_mut(transactional_id) else {
                return;
            };
            if e.completing {
                return;
            }
            e.completing = true;
        }
        let me = self.clone();
        let id = transactional_id.to_string();
        tokio::spawn(async move {
            me.complete(&id, p, coordinator_epoch).await;
            let mut inner = me.lock();
            // After a reload the entry belongs to a newer leadership's task.
            if inner.loaded.get(&p) == Some(&coordinator_epoch) {
                if let Some(e) = inner.txns.get_mut(&id) {
                    e.completing = false;
                }
            }
        });
    }

    async fn complete(&self, transactional_id: &str, p: i32, coordinator_epoch: i32) {
        loop {
            let meta = self
                .lock()
                .txns
                .get(transactional_id)
                .and_then(|e| e.meta.clone());
            let Some(meta) = meta.filter(|m| m.state.is_preparing()) else {
                return;
            };
            let spec = MarkerSpec {
                producer_id: meta.producer_id,
                producer_epoch: meta.producer_epoch,
                commit: meta.state == TxnState::PrepareCommit,
                coordinator_epoch,
            };
            let still_mine = || self.still_coordinating(p, coordinator_epoch);
            let outcome = self
                .markers
                .write(spec, &meta.partitions, &still_mine)
                .await;
            if outcome == Outcome::Abandoned {
                return;
            }
            let Some(done) = state::complete(&meta, now_ms()) else {
                return;
            };
            let reserved = self.reserve(transactional_id, |m| match m {
                Some(m) if *m == meta => Ok(((), Some(done.clone()))),
                _ => Ok(((), None)),
            });
            match reserved {
                Ok(((), Some(done))) => match self.write(p, coordinator_epoch, &done).await {
                    Ok(()) => {
                        debug!(
                            transactional_id,
                            state = done.state.name(),
                            "transaction complete"
                        );
                        return;
                    }
                    Err(ResponseError::NotCoordinator) => return,
                    Err(e) => debug!(transactional_id, error = ?e, "cannot record completion yet"),
                },
                // Changed meanwhile: look again.
                Ok(((), None)) => {}
                Err(_) => {}
            }
            if !self.still_coordinating(p, coordinator_epoch) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// DescribeTransactions of one id.
    pub async fn describe(
        self: &Arc<Self>,
        transactional_id: &str,
    ) -> Result<TxnDescription, ResponseError> {
        self.check_local(transactional_id).await?;
        self.lock()
            .txns
            .get(transactional_id)
            .and_then(|e| e.meta.clone())
            .filter(|m| m.state != TxnState::Dead)
            .ok_or(ResponseError::TransactionalIdNotFound)
    }

    /// ListTransactions: the ids this node coordinates, filtered by state names,
    /// producer ids and (when >= 0) how long their transaction has been open.
    pub fn list(
        &self,
        states: &[String],
        producer_ids: &[i64],
        min_duration_ms: i64,
    ) -> Vec<TxnDescription> {
        let now = now_ms();
        let inner = self.lock();
        let mut out: Vec<TxnDescription> = inner
            .txns
            .values()
            .filter_map(|e| e.meta.clone())
            .filter(|m| m.state != TxnState::Dead)
            .filter(|m| states.is_empty() || states.iter().any(|s| s == m.state.name()))
            .filter(|m| producer_ids.is_empty() || producer_ids.contains(&m.producer_id))
            .filter(|m| {
                min_duration_ms < 0 || (m.start_ms >= 0 && now - m.start_ms > min_duration_ms)
            })
            .collect();
        out.sort_by(|a, b| a.transactional_id.cmp(&b.transactional_id));
        out
    }

    /// Read partition `p` of `__transaction_state` into memory (blocking reads).
    fn load(part: &Partition) -> Vec<TxnMetadata> {
        let mut txns: BTreeMap<String, TxnMetadata> = BTreeMap::new();
        let scanned = part.scan(&mut |h, mut bytes| {
            if h.is_control() {
                return;
            }
            match crate::protocol::records::decode_batches(&mut bytes) {
                Ok(set) => {
                    for r in set.records {
                        let Some(key) = r.key else { continue };
                        match TxnRecord::decode(key, r.value) {
                            Ok(TxnRecord {
                                transactional_id,
                                value: Some(m),
                            }) => {
                                txns.insert(transactional_id, m);
                            }
                            Ok(TxnRecord {
                                transactional_id,
                                value: None,
                            }) => {
                                txns.remove(&transactional_id);
                            }
                            Err(e) => warn!(partition = %part.tp, error = %e, "skipping a transaction record"),
                        }
                    }
                }
                Err(e) => warn!(partition = %part.tp, error = %e, "skipping an undecodable batch in {TXN_TOPIC}"),
            }
        });
        if let Err(e) = scanned {
            warn!(partition = %part.tp, error = %e, "loading transaction state stopped early");
        }
        txns.into_values().collect()
    }

    /// Load partitions this node has come to lead, forget those it no longer
    /// leads, and finish what a previous coordinator prepared.
    async fn refresh_partitions(self: &Arc<Self>) {
        let image = self.controller.image();
        let Some(topic) = image.topic(TXN_TOPIC) else {
            return;
        };
        let led: HashMap<i32, Arc<Partition>> = (0..topic.partitions.len() as i32)
            .filter_map(|p| self.replicas.get(TXN_TOPIC, p).map(|part| (p, part)))
            .filter(|(_, part)| part.is_leader())
            .collect();
        let partitions = self.config.partitions;
        {
            let mut inner = self.lock();
            let gone: Vec<i32> = inner
                .loaded
                .iter()
                .filter(|(p, epoch)| led.get(p).is_none_or(|part| part.leader_epoch() != **epoch))
                .map(|(p, _)| *p)
                .collect();
            for p in gone {
                inner.loaded.remove(&p);
                inner
                    .txns
                    .retain(|id, _| partition_for(id, partitions) != p);
                debug!(partition = p, "no longer coordinating");
            }
        }
        for (p, part) in led {
            self.load_partition(p, part).await;
        }
    }

    /// Read partition `p` (led by this node) into memory unless it is loaded at its
    /// current leader epoch or being loaded, then finish what it has prepared.
    async fn load_partition(self: &Arc<Self>, p: i32, part: Arc<Partition>) {
        let epoch = part.leader_epoch();
        {
            let mut inner = self.lock();
            if inner.loaded.get(&p) == Some(&epoch) || !inner.loading.insert(p) {
                return;
            }
        }
        let reader = part.clone();
        let read = tokio::task::spawn_blocking(move || Self::load(&reader)).await;
        let partitions = self.config.partitions;
        let preparing: Vec<String> = {
            let mut inner = self.lock();
            inner.loading.remove(&p);
            let Ok(txns) = read else { return };
            if part.leader_epoch() != epoch || !part.is_leader() {
                return;
            }
            let preparing = txns
                .iter()
                .filter(|m| m.state.is_preparing())
                .map(|m| m.transactional_id.clone())
                .collect();
            let count = txns.len();
            inner
                .txns
                .retain(|id, _| partition_for(id, partitions) != p);
            for m in txns {
                inner.txns.insert(
                    m.transactional_id.clone(),
                    Entry {
                        meta: Some(m),
                        busy: false,
                        completing: false,
                    },
                );
            }
            inner.loaded.insert(p, epoch);
            if count > 0 {
                info!(
                    partition = p,
                    transactions = count,
                    leader_epoch = epoch,
                    "loaded transaction state"
                );
            } else {
                debug!(
                    partition = p,
                    leader_epoch = epoch,
                    "loaded transaction state"
                );
            }
            preparing
        };
        for id in preparing {
            self.spawn_completion(&id, p, epoch);
        }
    }

    /// Abort every open transaction past its timeout, fencing its producer.
    async fn abort_expired(self: &Arc<Self>) {
        let now = now_ms();
        let partitions = self.config.partitions;
        let expired: Vec<(String, i32, i32)> = {
            let inner = self.lock();
            inner
                .txns
                .iter()
                .filter(|(_, e)| !e.busy && !e.completing)
                .filter_map(|(id, e)| {
                    let m = e.meta.as_ref()?;
                    state::expire(m, now)?;
                    let p = partition_for(id, partitions);
                    Some((id.clone(), p, *inner.loaded.get(&p)?))
                })
                .collect()
        };
        for (id, p, coordinator_epoch) in expired {
            let reserved = self.reserve(&id, |m| Ok(((), m.and_then(|m| state::expire(m, now)))));
            if let Ok(((), Some(next))) = reserved {
                if self.write(p, coordinator_epoch, &next).await.is_ok() {
                    info!(transactional_id = %id, "aborting a transaction past its timeout");
                    self.spawn_completion(&id, p, coordinator_epoch);
                }
            }
        }
    }

    /// Run the ticker (loading, unloading, timeouts) until the task is dropped.
    pub fn spawn_ticker(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            let mut last_expiry = Instant::now();
            loop {
                tick.tick().await;
                me.refresh_partitions().await;
                if last_expiry.elapsed() >= me.config.abort_check_interval {
                    last_expiry = Instant::now();
                    me.abort_expired().await;
                }
            }
        })
    }

    pub fn node_id(&self) -> i32 {
        self.node_id
    }
}
