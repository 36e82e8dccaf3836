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

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use kafka_protocol::error::ResponseError;
use kafka_protocol::indexmap::IndexMap;
use kafka_protocol::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafka_protocol::messages::{InitProducerIdRequest, ProduceRequest, TopicName};
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::records::{
    Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};
use tokio::sync::{Notify, Semaphore};
use tracing::debug;

use super::cluster::Client;
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

struct Inner {
    client: Arc<Client>,
    config: ProducerConfig,
    producer_id: i64,
    producer_epoch: i16,
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
        let (producer_id, producer_epoch) = if config.idempotence {
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
                        transactional: false,
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
    let req = ProduceRequest::default()
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
