//! A fetching consumer for an explicit set of partitions (kcat -C style): resolves
//! logical start offsets, runs one fetch loop per leader broker, decodes batches
//! and hands out records and end-of-partition events in offset order per partition.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
use kafka_protocol::messages::list_offsets_request::{ListOffsetsPartition, ListOffsetsTopic};
use kafka_protocol::messages::{BrokerId, FetchRequest, ListOffsetsRequest, TopicName};
use kafka_protocol::records::TimestampType;
use tokio::sync::mpsc;
use tracing::debug;

use super::cluster::Client;
use super::{Error, Result};
use crate::protocol::batch::BatchIter;
use crate::protocol::{sb, TopicPartition};

/// Where to start reading a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOffset {
    Beginning,
    End,
    /// An absolute offset.
    At(i64),
    /// N messages before the end.
    Tail(i64),
    /// First message with a timestamp >= this (ms).
    Timestamp(i64),
}

#[derive(Debug, Clone)]
pub struct ConsumedRecord {
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
    pub timestamp: i64,
    pub timestamp_type: TimestampType,
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    pub headers: Vec<(Bytes, Option<Bytes>)>,
    pub broker: i32,
}

#[derive(Debug)]
pub enum Event {
    Records(Vec<ConsumedRecord>),
    /// The partition has been read up to its high watermark.
    Eof {
        tp: TopicPartition,
        offset: i64,
    },
    Error(Error),
}

#[derive(Debug, Clone)]
pub struct ConsumerConfig {
    pub max_wait: Duration,
    pub max_bytes: i32,
    pub partition_max_bytes: i32,
    /// Applied on OFFSET_OUT_OF_RANGE (`auto.offset.reset`: earliest or latest).
    pub reset_to_earliest: bool,
    /// A broker whose fetches keep failing (connection refused, timeouts) for this
    /// long ends the consumer with the last error instead of retrying forever.
    pub error_deadline: Duration,
    /// `isolation.level=read_committed`: read up to the last stable offset and skip
    /// the records of aborted transactions.
    pub read_committed: bool,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            max_wait: Duration::from_millis(500),
            max_bytes: 52_428_800,
            partition_max_bytes: 1_048_576,
            reset_to_earliest: false,
            error_deadline: Duration::from_secs(60),
            read_committed: false,
        }
    }
}

struct PartState {
    offset: i64,
    /// The offset at which Eof was last reported, to report each catch-up once.
    eof_reported_at: i64,
}

pub struct Consumer {
    client: Arc<Client>,
    config: ConsumerConfig,
    positions: Arc<Mutex<HashMap<TopicPartition, PartState>>>,
    rx: mpsc::Receiver<Event>,
    tx: mpsc::Sender<Event>,
    fetchers: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Consumer {
    fn drop(&mut self) {
        for f in &self.fetchers {
            f.abort();
        }
    }
}

/// ListOffsets for one partition with a special timestamp (-1 latest, -2 earliest)
/// or a real one. Returns the offset (-1 if no message is that new).
pub async fn list_offset(client: &Client, tp: &TopicPartition, timestamp: i64) -> Result<i64> {
    list_offset_isolated(client, tp, timestamp, false).await
}

/// [`list_offset`] at an isolation level: for read_committed the latest offset is
/// the last stable offset.
pub async fn list_offset_isolated(
    client: &Client,
    tp: &TopicPartition,
    timestamp: i64,
    read_committed: bool,
) -> Result<i64> {
    let mut last = None;
    for _ in 0..5 {
        let leader = match client.cached_leader(tp) {
            Some(l) => l,
            None => {
                client.refresh(std::slice::from_ref(&tp.topic)).await?;
                client
                    .cached_leader(tp)
                    .ok_or_else(|| Error::Other(format!("{tp} has no leader")))?
            }
        };
        let conn = client.broker(leader).await?;
        let req = ListOffsetsRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_isolation_level(read_committed as i8)
            .with_topics(vec![ListOffsetsTopic::default()
                .with_name(TopicName(sb(tp.topic.clone())))
                .with_partitions(vec![ListOffsetsPartition::default()
                    .with_partition_index(tp.partition)
                    .with_timestamp(timestamp)])]);
        let resp = conn.send(&req).await?;
        let p = resp
            .topics
            .first()
            .and_then(|t| t.partitions.first())
            .ok_or_else(|| Error::Other("empty ListOffsets response".into()))?;
        match Error::server(p.error_code, format!("listing offsets of {tp}")) {
            None => return Ok(p.offset),
            Some(e) if e.is_retriable() => {
                client.invalidate(&tp.topic);
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Some(e) => return Err(e),
        }
    }
    Err(last.expect("at least one attempt"))
}

impl Consumer {
    /// Start consuming `partitions` from `start`.
    pub async fn new(
        client: Arc<Client>,
        partitions: Vec<TopicPartition>,
        start: StartOffset,
        config: ConsumerConfig,
    ) -> Result<Consumer> {
        let mut offsets = HashMap::new();
        for tp in partitions {
            let offset = resolve(&client, &tp, start, config.read_committed).await?;
            offsets.insert(tp, offset);
        }
        Ok(Consumer::with_offsets(client, offsets, config))
    }

    /// Start consuming each partition at the given absolute offset.
    pub fn with_offsets(
        client: Arc<Client>,
        offsets: HashMap<TopicPartition, i64>,
        config: ConsumerConfig,
    ) -> Consumer {
        let positions = offsets
            .into_iter()
            .map(|(tp, offset)| {
                (
                    tp,
                    PartState {
                        offset,
                        eof_reported_at: -1,
                    },
                )
            })
            .collect();
        let (tx, rx) = mpsc::channel(64);
        let mut c = Consumer {
            client,
            config,
            positions: Arc::new(Mutex::new(positions)),
            rx,
            tx,
            fetchers: Vec::new(),
        };
        c.start_fetchers();
        c
    }

    fn start_fetchers(&mut self) {
        for f in self.fetchers.drain(..) {
            f.abort();
        }
        let mut ids = self.client.broker_ids();
        if ids.is_empty() {
            ids.push(-1);
        }
        for id in ids {
            let client = self.client.clone();
            let positions = self.positions.clone();
            let tx = self.tx.clone();
            let config = self.config.clone();
            self.fetchers
                .push(tokio::spawn(fetch_loop(client, id, positions, tx, config)));
        }
    }

    /// The next event; None only if every fetcher stopped.
    pub async fn next(&mut self) -> Option<Event> {
        self.rx.recv().await
    }

    /// Stop fetching a partition (kcat -e stops each partition at its first EOF).
    pub fn pause(&self, tp: &TopicPartition) {
        self.positions.lock().expect("positions lock").remove(tp);
    }

    pub fn is_empty(&self) -> bool {
        self.positions.lock().expect("positions lock").is_empty()
    }
}

/// The absolute offset a start position means for one partition now; "end" is the
/// last stable offset for a read_committed consumer.
pub async fn resolve(
    client: &Client,
    tp: &TopicPartition,
    start: StartOffset,
    read_committed: bool,
) -> Result<i64> {
    let list = |ts| list_offset_isolated(client, tp, ts, read_committed);
    Ok(match start {
        StartOffset::At(o) => o,
        StartOffset::Beginning => list(-2).await?,
        StartOffset::End => list(-1).await?,
        StartOffset::Tail(n) => {
            let end = list(-1).await?;
            let begin = list(-2).await?;
            (end - n).max(begin)
        }
        StartOffset::Timestamp(ts) => match list(ts).await? {
            -1 => list(-1).await?,
            o => o,
        },
    })
}

async fn fetch_loop(
    client: Arc<Client>,
    broker: i32,
    positions: Arc<Mutex<HashMap<TopicPartition, PartState>>>,
    tx: mpsc::Sender<Event>,
    config: ConsumerConfig,
) {
    let mut backoff = Duration::from_millis(100);
    let mut failing_since: Option<tokio::time::Instant> = None;
    // Retry a failed fetch after a backoff, or give up: at once when the broker's
    // answer cannot be decoded (retrying cannot help), after `error_deadline` when
    // the same kind of failure keeps coming.
    let give_up = |e: &Error, failing_since: &mut Option<tokio::time::Instant>| -> bool {
        let since = *failing_since.get_or_insert_with(tokio::time::Instant::now);
        matches!(e, Error::Protocol { .. }) || since.elapsed() >= config.error_deadline
    };
    loop {
        // The partitions this broker leads, with their next offsets.
        let mine: Vec<(TopicPartition, i64)> = {
            let pos = positions.lock().expect("positions lock");
            pos.iter()
                .filter(|(tp, _)| {
                    let leader = client.cached_leader(tp);
                    leader == Some(broker) || (broker == -1 && leader.is_none())
                })
                .map(|(tp, st)| (tp.clone(), st.offset))
                .collect()
        };
        if mine.is_empty() {
            if positions.lock().expect("positions lock").is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            // Leaders may have moved onto this broker; re-learn them.
            let topics: Vec<String> = {
                let pos = positions.lock().expect("positions lock");
                let mut t: Vec<String> = pos.keys().map(|tp| tp.topic.clone()).collect();
                t.dedup();
                t
            };
            if topics.iter().any(|t| {
                positions
                    .lock()
                    .expect("positions lock")
                    .keys()
                    .any(|tp| &tp.topic == t && client.cached_leader(tp).is_none())
            }) {
                let _ = client.refresh(&topics).await;
            }
            continue;
        }
        let conn = if broker >= 0 {
            client.broker(broker).await
        } else {
            client.any_connection().await
        };
        let conn = match conn {
            Ok(c) => c,
            Err(e) => {
                debug!(broker, error = %e, "fetch connection failed");
                if give_up(&e, &mut failing_since) {
                    let _ = tx.send(Event::Error(e)).await;
                    return;
                }
                let topics: Vec<String> = mine.iter().map(|(tp, _)| tp.topic.clone()).collect();
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
                let _ = client.refresh(&topics).await;
                continue;
            }
        };
        let mut topics: HashMap<&str, Vec<FetchPartition>> = HashMap::new();
        for (tp, offset) in &mine {
            topics.entry(tp.topic.as_str()).or_default().push(
                FetchPartition::default()
                    .with_partition(tp.partition)
                    .with_fetch_offset(*offset)
                    .with_partition_max_bytes(config.partition_max_bytes),
            );
        }
        let req = FetchRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_isolation_level(config.read_committed as i8)
            .with_max_wait_ms(config.max_wait.as_millis() as i32)
            .with_min_bytes(1)
            .with_max_bytes(config.max_bytes)
            .with_session_epoch(-1)
            .with_topics(
                topics
                    .into_iter()
                    .map(|(t, parts)| {
                        FetchTopic::default()
                            .with_topic(TopicName(sb(t.to_string())))
                            .with_partitions(parts)
                    })
                    .collect(),
            );
        let resp = match conn.send(&req).await {
            Ok(r) => r,
            Err(e) => {
                debug!(broker, error = %e, "fetch failed");
                if give_up(&e, &mut failing_since) {
                    let _ = tx.send(Event::Error(e)).await;
                    return;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
                let topics: Vec<String> = mine.iter().map(|(tp, _)| tp.topic.clone()).collect();
                let _ = client.refresh(&topics).await;
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        let mut refresh = Vec::new();
        let mut last_refusal: Option<Error> = None;
        for t in resp.responses {
            let topic: Arc<str> = Arc::from(t.topic.0.as_str());
            for p in t.partitions {
                let tp = TopicPartition::new(topic.to_string(), p.partition_index);
                let Some(fetch_offset) = mine.iter().find(|(x, _)| *x == tp).map(|(_, o)| *o)
                else {
                    continue;
                };
                if p.error_code != 0 {
                    let code = ResponseError::try_from_code(p.error_code);
                    if code == Some(ResponseError::OffsetOutOfRange) {
                        let ts = if config.reset_to_earliest { -2 } else { -1 };
                        if let Ok(o) = list_offset(&client, &tp, ts).await {
                            if let Some(st) = positions.lock().expect("positions lock").get_mut(&tp)
                            {
                                st.offset = o;
                            }
                        }
                    } else if code.is_some_and(|c| {
                        // Corrupt data on the broker does not heal by retrying.
                        c.is_retriable() && c != ResponseError::CorruptMessage
                    }) {
                        refresh.push(tp.topic.clone());
                        last_refusal = Error::server(
                            p.error_code,
                            format!("fetching {tp} from broker {broker}"),
                        );
                    } else {
                        let _ = tx
                            .send(Event::Error(
                                Error::server(p.error_code, format!("fetching {tp}"))
                                    .expect("non-zero code"),
                            ))
                            .await;
                    }
                    continue;
                }
                let records = p.records.unwrap_or_default();
                let aborted: Vec<(i64, i64)> = p
                    .aborted_transactions
                    .iter()
                    .flatten()
                    .map(|a| (a.producer_id.0, a.first_offset))
                    .collect();
                let (batch, next) = match decode_records(
                    &topic,
                    p.partition_index,
                    broker,
                    fetch_offset,
                    records,
                    &aborted,
                ) {
                    Ok(x) => x,
                    Err(e) => {
                        let _ = tx.send(Event::Error(e)).await;
                        continue;
                    }
                };
                let mut eof = None;
                {
                    let mut pos = positions.lock().expect("positions lock");
                    let Some(st) = pos.get_mut(&tp) else {
                        continue;
                    };
                    if st.offset != fetch_offset {
                        continue; // moved (reset or paused) meanwhile
                    }
                    st.offset = next.max(fetch_offset);
                    // A read_committed consumer is at the end at the last stable offset.
                    let end = if config.read_committed && p.last_stable_offset >= 0 {
                        p.last_stable_offset
                    } else {
                        p.high_watermark
                    };
                    if st.offset >= end && st.eof_reported_at != st.offset {
                        st.eof_reported_at = st.offset;
                        eof = Some(st.offset);
                    }
                }
                if !batch.is_empty() && tx.send(Event::Records(batch)).await.is_err() {
                    return;
                }
                if let Some(offset) = eof {
                    if tx.send(Event::Eof { tp, offset }).await.is_err() {
                        return;
                    }
                }
            }
        }
        if !refresh.is_empty() {
            // Retriable partition errors (the leader is moving) also count towards the
            // deadline: a cluster that never settles ends the consumer.
            let e = last_refusal.unwrap_or_else(|| {
                Error::Other(format!(
                    "broker {broker} keeps refusing fetches of {}",
                    refresh.join(", ")
                ))
            });
            if give_up(&e, &mut failing_since) {
                let _ = tx.send(Event::Error(e)).await;
                return;
            }
            for t in &refresh {
                client.invalidate(t);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = client.refresh(&refresh).await;
        } else {
            failing_since = None;
        }
    }
}

/// Skips the batches of aborted transactions, as a read_committed consumer must:
/// an aborted transaction (producer id, first offset) from the fetch response
/// starts at its first offset and ends at that producer's abort marker.
#[derive(Default)]
struct AbortedFilter {
    /// Not reached yet, by first offset.
    upcoming: Vec<(i64, i64)>,
    /// Producers whose transaction being read was aborted.
    aborting: std::collections::HashSet<i64>,
}

impl AbortedFilter {
    fn new(aborted: &[(i64, i64)]) -> AbortedFilter {
        let mut upcoming = aborted.to_vec();
        // Popped from the end: largest first offset first.
        upcoming.sort_by_key(|(_, first)| std::cmp::Reverse(*first));
        AbortedFilter {
            upcoming,
            aborting: Default::default(),
        }
    }

    /// Whether the records of the batch `h` (of `bytes`) are to be skipped.
    fn skip(&mut self, h: &crate::protocol::batch::BatchHeader, bytes: &[u8]) -> bool {
        while self
            .upcoming
            .last()
            .is_some_and(|(_, first)| *first <= h.last_offset())
        {
            let (pid, _) = self.upcoming.pop().expect("checked");
            self.aborting.insert(pid);
        }
        if h.is_control() {
            if crate::protocol::batch::txn_marker(bytes, h).is_some_and(|m| !m.commit) {
                self.aborting.remove(&h.producer_id);
            }
            return true;
        }
        h.is_transactional() && self.aborting.contains(&h.producer_id)
    }
}

/// Decode whole batches (a trailing partial batch cut by max bytes is ignored) and
/// keep records at or after `fetch_offset`, leaving out control batches and the
/// batches of the `aborted` transactions ((producer id, first offset), from a
/// read_committed fetch). Returns the records and the next offset.
pub fn decode_records(
    topic: &Arc<str>,
    partition: i32,
    broker: i32,
    fetch_offset: i64,
    records: Bytes,
    aborted: &[(i64, i64)],
) -> Result<(Vec<ConsumedRecord>, i64)> {
    let mut out = Vec::new();
    let mut next = fetch_offset;
    let mut filter = AbortedFilter::new(aborted);
    for item in BatchIter::new(&records, 0) {
        let (pos, h) = match item {
            Ok(x) => x,
            Err(_) => break,
        };
        let mut bytes = records.slice(pos..pos + h.total_len());
        if filter.skip(&h, &bytes) {
            next = next.max(h.next_offset());
            continue;
        }
        let set =
            crate::protocol::records::decode_batches(&mut bytes).map_err(|e| Error::Protocol {
                addr: format!("broker {broker}"),
                reason: format!("cannot decode a record batch of {topic}-{partition}: {e:#}"),
            })?;
        for r in set.records {
            if r.offset < fetch_offset {
                continue;
            }
            out.push(ConsumedRecord {
                topic: topic.clone(),
                partition,
                offset: r.offset,
                // A LogAppendTime batch's records all carry the broker's append time,
                // its max timestamp (the deltas still hold the producer's times).
                timestamp: if r.timestamp_type == TimestampType::LogAppend {
                    h.max_timestamp
                } else {
                    r.timestamp
                },
                timestamp_type: r.timestamp_type,
                key: r.key,
                value: r.value,
                headers: r
                    .headers
                    .into_iter()
                    .map(|(k, v)| (Bytes::from(k), v))
                    .collect(),
                broker,
            });
        }
        next = next.max(h.next_offset());
    }
    Ok((out, next))
}

/// ListOffsets for many partitions with one `timestamp` (-1 latest, -2 earliest):
/// one request per leader, all leaders at once. Partitions whose leader is unknown,
/// unreachable or answers with an error are left out.
pub async fn list_offsets_bulk(
    client: &Client,
    partitions: &[(TopicPartition, i32)],
    timestamp: i64,
) -> HashMap<TopicPartition, i64> {
    let mut by_leader: HashMap<i32, Vec<&TopicPartition>> = HashMap::new();
    for (tp, leader) in partitions {
        if *leader >= 0 {
            by_leader.entry(*leader).or_default().push(tp);
        }
    }
    let requests = by_leader.into_iter().map(|(leader, tps)| async move {
        let mut topics: HashMap<&str, Vec<ListOffsetsPartition>> = HashMap::new();
        for tp in tps {
            topics.entry(tp.topic.as_str()).or_default().push(
                ListOffsetsPartition::default()
                    .with_partition_index(tp.partition)
                    .with_timestamp(timestamp),
            );
        }
        let req = ListOffsetsRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_topics(
                topics
                    .into_iter()
                    .map(|(t, ps)| {
                        ListOffsetsTopic::default()
                            .with_name(TopicName(sb(t.to_string())))
                            .with_partitions(ps)
                    })
                    .collect(),
            );
        let conn = client.broker(leader).await.ok()?;
        conn.send(&req).await.ok()
    });
    let mut out = HashMap::new();
    for resp in futures_util::future::join_all(requests)
        .await
        .into_iter()
        .flatten()
    {
        for t in resp.topics {
            for p in t.partitions {
                if p.error_code == 0 {
                    out.insert(
                        TopicPartition::new(t.name.0.as_str(), p.partition_index),
                        p.offset,
                    );
                }
            }
        }
    }
    out
}
