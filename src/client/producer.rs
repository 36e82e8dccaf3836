//! Batching, pipelining, idempotent producer.
//!
//! ```text
//!  send() ──► per-partition open batch ──(batch.size | linger.ms | flush)──► sealed batches
//!                                                                             │ sender task:
//!                      one ProduceRequest per leader, ≤1 batch in flight per partition
//!                                                                             ▼
//!             success ─► delivered   retriable error ─► back to the front, retried in order
//! ```
//! One batch in flight per partition keeps sequence numbers in order under retries
//! without Kafka's in-flight reordering logic; requests still pipeline across
//! partitions and each request carries every ready partition of its leader.
//!
//! With `transactional.id` (KIP-98) the producer gets its id from its transaction
//! coordinator, registers each partition with AddPartitionsToTxn before the first
//! batch of a transaction goes to it, and ends transactions with EndTxn.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use kafka_protocol::error::ResponseError;
use kafka_protocol::indexmap::IndexMap;
use kafka_protocol::messages::add_partitions_to_txn_request::AddPartitionsToTxnTopic;
use kafka_protocol::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafka_protocol::messages::{
    AddPartitionsToTxnRequest, EndTxnRequest, InitProducerIdRequest, ProduceRequest, ProducerId,
    TopicName, TransactionalId,
};
use kafka_protocol::protocol::Request;
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::records::{
    Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};
use tokio::sync::{Notify, Semaphore};
use tracing::debug;

use super::cluster::Client;
use super::connection::Connection;
use super::groups_admin::{find_coordinator_of, CoordinatorKind};
use super::partitioner::Partitioner;
use super::{Error, Result};
use crate::protocol::{now_ms, sb, TopicPartition};

#[derive(Debug, Clone)]
pub struct ProducerConfig {
    /// `acks`: 0, 1 or -1 (all)
    pub acks: i16,
    /// `linger.ms`
    pub linger: Duration,
    /// `batch.size` in bytes
    pub batch_size: usize,
    /// `compression.type`
    pub compression: Compression,
    /// `enable.idempotence`
    pub idempotence: bool,
    /// `partitioner`
    pub partitioner: Partitioner,
    /// `message.timeout.ms` / `delivery.timeout.ms`
    pub message_timeout: Duration,
    /// `max.in.flight.requests.per.connection`
    pub max_in_flight: usize,
    /// `queue.buffering.max.messages`
    pub buffer_max_messages: usize,
    /// `retry.backoff.ms`
    pub retry_backoff: Duration,
    /// `request.timeout.ms`
    pub request_timeout: Duration,
    /// `message.max.bytes`: larger messages are refused before they are queued, so
    /// one oversized message never poisons an idempotent partition's sequence.
    pub max_message_bytes: usize,
    /// `transactional.id`: a transactional producer.
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`
    pub transaction_timeout_ms: i32,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            acks: -1,
            linger: Duration::from_millis(5),
            batch_size: 1_000_000,
            compression: Compression::None,
            idempotence: true,
            partitioner: Partitioner::ConsistentRandom,
            message_timeout: Duration::from_secs(300),
            max_in_flight: 5,
            buffer_max_messages: 100_000,
            retry_backoff: Duration::from_millis(100),
            request_timeout: Duration::from_secs(30),
            max_message_bytes: 1_000_000,
            transactional_id: None,
            transaction_timeout_ms: 60_000,
        }
    }
}

/// What happened to everything sent so far.
#[derive(Debug, Clone, Default)]
pub struct DeliveryReport {
    pub delivered: u64,
    pub failed: u64,
    /// Distinct failure reasons, first seen first (at most a few).
    pub errors: Vec<String>,
}

/// One message to produce.
#[derive(Debug, Clone, Default)]
pub struct Message {
    pub topic: String,
    pub partition: Option<i32>,
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    pub headers: Vec<(String, Option<Bytes>)>,
    /// Milliseconds since the epoch; None = now.
    pub timestamp: Option<i64>,
}

struct Batch {
    tp: TopicPartition,
    encoded: Bytes,
    count: usize,
    created: Instant,
    /// Why the last attempt was retried, reported if the batch times out.
    last_error: Option<String>,
}

#[derive(Default)]
struct PartQueue {
    open: Vec<Record>,
    open_bytes: usize,
    open_since: Option<Instant>,
    ready: VecDeque<Batch>,
    in_flight: bool,
    next_sequence: i32,
}

#[derive(Default)]
struct State {
    queues: HashMap<TopicPartition, PartQueue>,
    buffered: usize,
    flushing: bool,
    report: DeliveryReport,
    sticky: HashMap<String, (i32, Instant)>,
}

/// A transactional producer's view of its transactions.
struct Txn {
    id: String,
    coordinator: Option<Arc<Connection>>,
    /// A transaction is open (begin_transaction was called).
    open: bool,
    /// Partitions registered with AddPartitionsToTxn in the open transaction.
    added: HashSet<TopicPartition>,
    /// Failed deliveries before the open transaction began.
    failed_before: u64,
}

struct Inner {
    client: Arc<Client>,
    config: ProducerConfig,
    producer_id: i64,
    producer_epoch: i16,
    txn: Option<tokio::sync::Mutex<Txn>>,
    state: Mutex<State>,
    wake: Notify,
    progress: Notify,
    in_flight: Arc<Semaphore>,
}

pub struct Producer {
    inner: Arc<Inner>,
    sender: tokio::task::JoinHandle<()>,
}

impl Drop for Producer {
    fn drop(&mut self) {
        self.sender.abort();
    }
}

impl Producer {
    pub async fn new(client: Arc<Client>, config: ProducerConfig) -> Result<Producer> {
        let mut txn = config.transactional_id.as_ref().map(|id| Txn {
            id: id.clone(),
            coordinator: None,
            open: false,
            added: HashSet::new(),
            failed_before: 0,
        });
        let (producer_id, producer_epoch) = if let Some(txn) = &mut txn {
            let req = InitProducerIdRequest::default()
                .with_transactional_id(Some(TransactionalId(sb(txn.id.clone()))))
                .with_transaction_timeout_ms(config.transaction_timeout_ms)
                .with_producer_id(ProducerId(-1))
                .with_producer_epoch(-1);
            let resp = to_coordinator(
                &client,
                &config,
                txn,
                &req,
                |r| r.error_code,
                "initialising transactions",
            )
            .await?;
            (resp.producer_id.0, resp.producer_epoch)
        } else if config.idempotence {
            let conn = client.any_connection().await?;
            let resp = conn
                .send(
                    &InitProducerIdRequest::default()
                        .with_transactional_id(None)
                        .with_transaction_timeout_ms(60_000),
                )
                .await?;
            if let Some(e) = Error::server(
                resp.error_code,
                "getting a producer id (enable.idempotence)",
            ) {
                return Err(e);
            }
            (resp.producer_id.0, resp.producer_epoch)
        } else {
            (-1, -1)
        };
        let inner = Arc::new(Inner {
            in_flight: Arc::new(Semaphore::new(config.max_in_flight.max(1) * 8)),
            client,
            config,
            producer_id,
            producer_epoch,
            txn: txn.map(tokio::sync::Mutex::new),
            state: Mutex::new(State::default()),
            wake: Notify::new(),
            progress: Notify::new(),
        });
        let sender = tokio::spawn(sender_loop(inner.clone()));
        Ok(Producer { inner, sender })
    }

    /// Queue one message. Waits while the buffer is full. Fails at once for a topic
    /// or partition that does not exist.
    pub async fn send(&self, msg: Message) -> Result<()> {
        let size = msg.key.as_ref().map_or(0, |k| k.len())
            + msg.value.as_ref().map_or(0, |v| v.len())
            + msg
                .headers
                .iter()
                .map(|(k, v)| k.len() + v.as_ref().map_or(0, |v| v.len()))
                .sum::<usize>();
        if let Some(txn) = &self.inner.txn {
            if !txn.lock().await.open {
                return Err(Error::Other(
                    "a transactional producer sends only inside a transaction (begin_transaction)"
                        .into(),
                ));
            }
        }
        if size > self.inner.config.max_message_bytes {
            return Err(Error::Other(format!(
                "Failed to produce message ({size} bytes): Broker: Message size too large (message.max.bytes is {})",
                self.inner.config.max_message_bytes
            )));
        }
        let topic = self.inner.client.topic(&msg.topic).await?;
        let count = topic.partitions.len() as i32;
        let partition = match msg.partition {
            Some(p) if p >= 0 => {
                if p >= count {
                    return Err(Error::Other(format!(
                        "topic {} has partitions 0..{}; partition {p} does not exist",
                        msg.topic,
                        count - 1
                    )));
                }
                p
            }
            _ => self.pick_partition(&msg, count),
        };
        loop {
            let notified = self.inner.progress.notified();
            {
                let mut st = self.inner.state.lock().expect("producer lock");
                if st.buffered < self.inner.config.buffer_max_messages {
                    let tp = TopicPartition::new(msg.topic.clone(), partition);
                    let record = Record {
                        transactional: self.inner.txn.is_some(),
                        control: false,
                        delete_horizon: false,
                        partition_leader_epoch: -1,
                        producer_id: self.inner.producer_id,
                        producer_epoch: self.inner.producer_epoch,
                        timestamp_type: TimestampType::Creation,
                        offset: 0,
                        sequence: 0,
                        timestamp: msg.timestamp.unwrap_or_else(now_ms),
                        key: msg.key,
                        value: msg.value,
                        headers: msg
                            .headers
                            .into_iter()
                            .map(|(k, v)| (StrBytes::from_string(k), v))
                            .collect::<IndexMap<_, _>>(),
                    };
                    let size = 24
                        + record.key.as_ref().map_or(0, |k| k.len())
                        + record.value.as_ref().map_or(0, |v| v.len());
                    let batch_size = self.inner.config.batch_size;
                    let q = st.queues.entry(tp.clone()).or_default();
                    let seal = !q.open.is_empty() && q.open_bytes + size > batch_size;
                    if seal {
                        // Seal now: a batch must never outgrow batch.size (and the
                        // broker's max.message.bytes) while the sender is busy.
                        let since = q.open_since.unwrap_or_else(Instant::now);
                        match encode_batch(&self.inner, q) {
                            Ok((encoded, count)) => q.ready.push_back(Batch {
                                tp,
                                encoded,
                                count,
                                created: since,
                                last_error: None,
                            }),
                            Err(e) => return Err(Error::Other(e)),
                        }
                    }
                    if q.open.is_empty() {
                        q.open_since = Some(Instant::now());
                    }
                    q.open.push(record);
                    q.open_bytes += size;
                    let full = seal || q.open_bytes >= batch_size;
                    st.buffered += 1;
                    drop(st);
                    if full {
                        self.inner.wake.notify_one();
                    }
                    return Ok(());
                }
            }
            self.inner.wake.notify_one();
            notified.await;
        }
    }

    fn pick_partition(&self, msg: &Message, count: i32) -> i32 {
        let key = msg.key.as_deref();
        let needs_random = match self.inner.config.partitioner {
            Partitioner::ConsistentRandom | Partitioner::Fnv1aRandom => {
                key.is_none_or(|k| k.is_empty())
            }
            Partitioner::Murmur2Random => key.is_none(),
            Partitioner::Random => true,
            _ => false,
        };
        if needs_random {
            // Sticky: keep one random partition per topic for a linger period, so
            // keyless messages still form large batches.
            let mut st = self.inner.state.lock().expect("producer lock");
            let linger = self.inner.config.linger.max(Duration::from_millis(10));
            if let Some((p, since)) = st.sticky.get(&msg.topic) {
                if since.elapsed() < linger && *p < count {
                    return *p;
                }
            }
            let p = rand::random::<u32>() as i32 & i32::MAX;
            let p = p % count.max(1);
            st.sticky.insert(msg.topic.clone(), (p, Instant::now()));
            return p;
        }
        let mut rng = |n: i32| (rand::random::<u32>() % n.max(1) as u32) as i32;
        self.inner
            .config
            .partitioner
            .partition(key, count, &mut rng)
    }

    /// Send everything queued and wait until each message is delivered or failed.
    pub async fn flush(&self) -> DeliveryReport {
        loop {
            let notified = self.inner.progress.notified();
            {
                let mut st = self.inner.state.lock().expect("producer lock");
                if st.buffered == 0 {
                    st.flushing = false;
                    return st.report.clone();
                }
                st.flushing = true;
            }
            self.inner.wake.notify_one();
            notified.await;
        }
    }

    /// Start a transaction (transactional producers only).
    pub async fn begin_transaction(&self) -> Result<()> {
        let txn = self.inner.txn.as_ref().ok_or_else(not_transactional)?;
        let mut txn = txn.lock().await;
        if txn.open {
            return Err(Error::Other("a transaction is already open".into()));
        }
        txn.open = true;
        txn.added.clear();
        txn.failed_before = self.report().failed;
        Ok(())
    }

    /// Deliver everything sent in the open transaction and commit it. If any
    /// message of it could not be delivered, the transaction is aborted instead and
    /// the error says so.
    pub async fn commit_transaction(&self) -> Result<()> {
        let report = self.flush().await;
        let txn = self.inner.txn.as_ref().ok_or_else(not_transactional)?;
        let failed = report.failed - txn.lock().await.failed_before;
        if failed > 0 {
            self.end_transaction(false).await?;
            return Err(Error::Other(format!(
                "{failed} messages of the transaction could not be delivered ({}); it was aborted",
                report.errors.join("; ")
            )));
        }
        self.end_transaction(true).await
    }

    /// Abort the open transaction: what it wrote is never read by read_committed
    /// consumers.
    pub async fn abort_transaction(&self) -> Result<()> {
        self.flush().await;
        self.end_transaction(false).await
    }

    async fn end_transaction(&self, commit: bool) -> Result<()> {
        let txn = self.inner.txn.as_ref().ok_or_else(not_transactional)?;
        let mut txn = txn.lock().await;
        if !txn.open {
            return Err(Error::Other("no transaction is open".into()));
        }
        // As librdkafka: a transaction that registered nothing has nothing to end.
        if !txn.added.is_empty() {
            let req = EndTxnRequest::default()
                .with_transactional_id(TransactionalId(sb(txn.id.clone())))
                .with_producer_id(ProducerId(self.inner.producer_id))
                .with_producer_epoch(self.inner.producer_epoch)
                .with_committed(commit);
            let what = if commit {
                "committing the transaction"
            } else {
                "aborting the transaction"
            };
            to_coordinator(
                &self.inner.client,
                &self.inner.config,
                &mut txn,
                &req,
                |r| r.error_code,
                what,
            )
            .await?;
        }
        txn.open = false;
        txn.added.clear();
        Ok(())
    }

    /// Delivery counts so far (without waiting).
    pub fn report(&self) -> DeliveryReport {
        self.inner
            .state
            .lock()
            .expect("producer lock")
            .report
            .clone()
    }

    /// Messages queued or in flight.
    pub fn buffered(&self) -> usize {
        self.inner.state.lock().expect("producer lock").buffered
    }
}

fn encode_batch(inner: &Inner, q: &mut PartQueue) -> std::result::Result<(Bytes, usize), String> {
    let records = std::mem::take(&mut q.open);
    q.open_bytes = 0;
    q.open_since = None;
    let count = records.len();
    let base_seq = if inner.producer_id >= 0 {
        q.next_sequence
    } else {
        -1
    };
    let mut records = records;
    for (i, r) in records.iter_mut().enumerate() {
        r.offset = i as i64;
        // The encoder derives the base sequence from the first record and keeps records
        // in one batch while offset - sequence is constant.
        r.sequence = base_seq.wrapping_add(i as i32);
    }
    if inner.producer_id >= 0 {
        q.next_sequence = q.next_sequence.wrapping_add(count as i32) & i32::MAX;
    }
    let mut buf = BytesMut::with_capacity(count * 64 + 128);
    RecordBatchEncoder::encode(
        &mut buf,
        records.iter(),
        &RecordEncodeOptions {
            version: 2,
            compression: inner.config.compression,
        },
    )
    .map_err(|e| format!("cannot encode record batch: {e:#}"))?;
    Ok((buf.freeze(), count))
}

async fn sender_loop(inner: Arc<Inner>) {
    let mut refresh_topics: Vec<String> = Vec::new();
    loop {
        let now = Instant::now();
        let mut next_deadline = now + Duration::from_millis(100);
        let mut by_leader: HashMap<i32, Vec<Batch>> = HashMap::new();
        {
            let mut guard = inner.state.lock().expect("producer lock");
            let st = &mut *guard;
            let flushing = st.flushing;
            let mut failed: Vec<(usize, String)> = Vec::new();
            for (tp, q) in st.queues.iter_mut() {
                if !q.open.is_empty() {
                    let since = q.open_since.unwrap_or(now);
                    if flushing
                        || q.open_bytes >= inner.config.batch_size
                        || now >= since + inner.config.linger
                    {
                        match encode_batch(&inner, q) {
                            Ok((encoded, count)) => q.ready.push_back(Batch {
                                tp: tp.clone(),
                                encoded,
                                count,
                                created: since,
                                last_error: None,
                            }),
                            Err(e) => failed.push((q.open.len(), e)),
                        }
                    } else {
                        next_deadline = next_deadline.min(since + inner.config.linger);
                    }
                }
                // Give up on batches older than message.timeout.ms.
                while q
                    .ready
                    .front()
                    .is_some_and(|b| b.created.elapsed() > inner.config.message_timeout)
                {
                    let b = q.ready.pop_front().expect("checked");
                    let reason = match &b.last_error {
                        Some(e) => format!("Local: Message timed out (last error: {e})"),
                        None => "Local: Message timed out".to_string(),
                    };
                    failed.push((b.count, reason));
                }
                if q.in_flight || q.ready.is_empty() {
                    continue;
                }
                match inner.client.cached_leader(tp) {
                    Some(leader) => {
                        let b = q.ready.pop_front().expect("checked");
                        q.in_flight = true;
                        by_leader.entry(leader).or_default().push(b);
                    }
                    None => {
                        if !refresh_topics.contains(&tp.topic) {
                            refresh_topics.push(tp.topic.clone());
                        }
                    }
                }
            }
            for (n, e) in failed {
                fail(st, n, e);
            }
        }
        if inner.txn.is_some() && !by_leader.is_empty() {
            if let Err(e) = add_to_transaction(&inner, &by_leader).await {
                // Nothing of these batches may be written outside the transaction.
                let mut st = inner.state.lock().expect("producer lock");
                for b in by_leader.drain().flat_map(|(_, bs)| bs) {
                    st.queues.entry(b.tp.clone()).or_default().in_flight = false;
                    fail(&mut st, b.count, e.to_string());
                }
            }
        }
        for (leader, batches) in by_leader {
            let permit = match inner.in_flight.clone().acquire_owned().await {
                Ok(p) => p,
                Err(_) => return,
            };
            let inner2 = inner.clone();
            tokio::spawn(async move {
                send_request(&inner2, leader, batches).await;
                drop(permit);
                inner2.wake.notify_one();
                inner2.progress.notify_waiters();
            });
        }
        inner.progress.notify_waiters();
        if !refresh_topics.is_empty() {
            for t in &refresh_topics {
                inner.client.invalidate(t);
            }
            let _ = inner.client.refresh(&refresh_topics).await;
            refresh_topics.clear();
            next_deadline = next_deadline.min(Instant::now() + inner.config.retry_backoff);
        }
        let _ = tokio::time::timeout_at(next_deadline.into(), inner.wake.notified()).await;
    }
}

fn not_transactional() -> Error {
    Error::Other("the producer has no transactional.id".into())
}

/// Register the partitions of `batches` that the open transaction does not have
/// yet with the transaction coordinator.
async fn add_to_transaction(inner: &Inner, batches: &HashMap<i32, Vec<Batch>>) -> Result<()> {
    let Some(txn) = &inner.txn else {
        return Ok(());
    };
    let mut txn = txn.lock().await;
    let new: Vec<TopicPartition> = batches
        .values()
        .flatten()
        .map(|b| b.tp.clone())
        .filter(|tp| !txn.added.contains(tp))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    let topics = crate::protocol::group_by_topic(&new)
        .into_iter()
        .map(|(t, ps)| {
            AddPartitionsToTxnTopic::default()
                .with_name(TopicName(sb(t)))
                .with_partitions(ps)
        })
        .collect();
    let req = AddPartitionsToTxnRequest::default()
        .with_v3_and_below_transactional_id(TransactionalId(sb(txn.id.clone())))
        .with_v3_and_below_producer_id(ProducerId(inner.producer_id))
        .with_v3_and_below_producer_epoch(inner.producer_epoch)
        .with_v3_and_below_topics(topics);
    // The first failing partition's code stands for the request.
    let code = |r: &kafka_protocol::messages::AddPartitionsToTxnResponse| {
        r.results_by_topic_v3_and_below
            .iter()
            .flat_map(|t| t.results_by_partition.iter())
            .map(|p| p.partition_error_code)
            .find(|c| *c != 0)
            .unwrap_or(0)
    };
    to_coordinator(
        &inner.client,
        &inner.config,
        &mut txn,
        &req,
        code,
        "adding partitions to the transaction",
    )
    .await?;
    txn.added.extend(new);
    Ok(())
}

/// Send `req` to the transaction coordinator and return its answer, retrying
/// (within `transaction.timeout.ms`) while the coordinator moves, loads or is
/// still completing the previous transaction, as librdkafka does. `code` picks the
/// response's error code.
async fn to_coordinator<R: Request>(
    client: &Client,
    config: &ProducerConfig,
    txn: &mut Txn,
    req: &R,
    code: impl Fn(&R::Response) -> i16,
    what: &str,
) -> Result<R::Response> {
    let deadline =
        Instant::now() + Duration::from_millis(config.transaction_timeout_ms.max(1) as u64);
    // The previous transaction's markers usually take well under a millisecond:
    // start retrying CONCURRENT_TRANSACTIONS soon, backing off to librdkafka's 20 ms.
    let mut concurrent_backoff = Duration::from_millis(1);
    loop {
        let attempt: Result<R::Response> = async {
            let conn = match &txn.coordinator {
                Some(c) if !c.is_closed() => c.clone(),
                _ => {
                    let (c, _, _) =
                        find_coordinator_of(client, CoordinatorKind::Transaction, &txn.id).await?;
                    txn.coordinator = Some(c.clone());
                    c
                }
            };
            let resp = conn.send(req).await?;
            match Error::server(code(&resp), format!("{what} ({})", txn.id)) {
                None => Ok(resp),
                Some(e) => Err(e),
            }
        }
        .await;
        let e = match attempt {
            Ok(resp) => return Ok(resp),
            Err(e) => e,
        };
        let backoff = match &e {
            Error::Server { code, .. } => match code {
                ResponseError::ConcurrentTransactions => {
                    let b = concurrent_backoff;
                    concurrent_backoff = (b * 2).min(Duration::from_millis(20));
                    b
                }
                ResponseError::CoordinatorLoadInProgress
                | ResponseError::UnknownTopicOrPartition => Duration::from_millis(100),
                ResponseError::NotCoordinator | ResponseError::CoordinatorNotAvailable => {
                    txn.coordinator = None;
                    Duration::from_millis(100)
                }
                _ => return Err(e),
            },
            e if e.is_retriable() => {
                txn.coordinator = None;
                Duration::from_millis(100)
            }
            _ => return Err(e),
        };
        if Instant::now() + backoff > deadline {
            return Err(e);
        }
        debug!(error = %e, "retrying a transaction request");
        tokio::time::sleep(backoff).await;
    }
}

fn fail(st: &mut State, count: usize, reason: String) {
    st.buffered = st.buffered.saturating_sub(count);
    st.report.failed += count as u64;
    if st.report.errors.len() < 5 && !st.report.errors.contains(&reason) {
        st.report.errors.push(reason);
    }
}

async fn send_request(inner: &Arc<Inner>, leader: i32, batches: Vec<Batch>) {
    let mut topics: HashMap<String, Vec<PartitionProduceData>> = HashMap::new();
    for b in &batches {
        topics.entry(b.tp.topic.clone()).or_default().push(
            PartitionProduceData::default()
                .with_index(b.tp.partition)
                .with_records(Some(b.encoded.clone())),
        );
    }
    // Transactional batches carry their transactional id: the broker checks WRITE
    // on it, and refuses transactional batches without one.
    let req = ProduceRequest::default()
        .with_transactional_id(
            inner
                .config
                .transactional_id
                .as_ref()
                .map(|id| TransactionalId(sb(id.clone()))),
        )
        .with_acks(inner.config.acks)
        .with_timeout_ms(inner.config.request_timeout.as_millis() as i32)
        .with_topic_data(
            topics
                .into_iter()
                .map(|(t, parts)| {
                    TopicProduceData::default()
                        .with_name(TopicName(sb(t)))
                        .with_partition_data(parts)
                })
                .collect(),
        );
    let outcome: Result<HashMap<TopicPartition, i16>> = async {
        let conn = inner.client.broker(leader).await?;
        if inner.config.acks == 0 {
            conn.send_oneway(&req).await?;
            return Ok(HashMap::new());
        }
        let resp = conn.send(&req).await?;
        let mut codes = HashMap::new();
        for t in resp.responses {
            for p in t.partition_responses {
                codes.insert(
                    TopicPartition::new(t.name.0.to_string(), p.index),
                    p.error_code,
                );
            }
        }
        Ok(codes)
    }
    .await;
    let mut retry_topics = Vec::new();
    {
        let mut st = inner.state.lock().expect("producer lock");
        for b in batches {
            let code = match &outcome {
                Ok(codes) => codes.get(&b.tp).copied().unwrap_or(0),
                Err(e) if e.is_retriable() => -2,
                Err(_) => -3,
            };
            let retriable = match code {
                0 => false,
                -2 => true,
                -3 => false,
                c => ResponseError::try_from_code(c).is_some_and(|e| e.is_retriable()),
            };
            let q = st.queues.entry(b.tp.clone()).or_default();
            q.in_flight = false;
            if code == 0 || code == ResponseError::DuplicateSequenceNumber.code() {
                st.buffered = st.buffered.saturating_sub(b.count);
                st.report.delivered += b.count as u64;
            } else if retriable {
                debug!(partition = %b.tp, code, "retrying batch");
                retry_topics.push(b.tp.topic.clone());
                let mut b = b;
                b.last_error = Some(match (&outcome, code) {
                    (Err(e), _) => e.to_string(),
                    (_, c) => crate::protocol::error_code::describe(c),
                });
                q.ready.push_front(b);
            } else {
                let reason = match (&outcome, code) {
                    (Err(e), _) => e.to_string(),
                    (_, c) => crate::protocol::error_code::describe(c),
                };
                fail(&mut st, b.count, reason);
            }
        }
    }
    if !retry_topics.is_empty() {
        for t in &retry_topics {
            inner.client.invalidate(t);
        }
        tokio::time::sleep(inner.config.retry_backoff).await;
        let _ = inner.client.refresh(&retry_topics).await;
    }
}
