//! Reading and producing messages for the console's Messages tab: a page of
//! records of one partition (or all) from an offset, a timestamp, or the tail, with
//! a text filter on key and value; and producing one message from the form. Uses
//! the client library's Fetch, ListOffsets and producer.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
use kafka_protocol::messages::{BrokerId, FetchRequest, TopicName};
use serde::{Deserialize, Serialize};

use crate::client::consumer::{decode_records, list_offset};
use crate::client::producer::{Message, Producer, ProducerConfig};
use crate::client::{Client, Error, Result};
use crate::protocol::{sb, TopicPartition};

/// Where a page of messages starts, per partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    Beginning,
    /// The last N of each partition.
    Tail(i64),
    Offset(i64),
    /// The first record at or after this time (ms).
    Timestamp(i64),
}

impl From {
    /// `beginning`, `tail:N`, `offset:N`, `ts:MS`.
    pub fn parse(s: &str) -> Option<From> {
        let num = |v: &str| v.parse::<i64>().ok();
        match s.split_once(':') {
            None if s == "beginning" => Some(From::Beginning),
            Some(("tail", n)) => num(n).map(From::Tail),
            Some(("offset", n)) => num(n).map(From::Offset),
            Some(("ts", n)) => num(n).map(From::Timestamp),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub partition: i32,
    pub offset: i64,
    pub timestamp: i64,
    pub key: Option<String>,
    pub value: Option<String>,
    /// The value parsed as JSON, when it is.
    pub json: Option<serde_json::Value>,
    pub headers: Vec<(String, Option<String>)>,
}

fn text(b: &Option<Bytes>) -> Option<String> {
    b.as_ref().map(|b| String::from_utf8_lossy(b).to_string())
}

/// Up to `limit` messages of `partitions` of `topic` from `from`, matching `filter`
/// (a substring of key or value; empty matches all), oldest first per partition.
pub async fn read(
    client: &Arc<Client>,
    topic: &str,
    partitions: &[i32],
    from: From,
    limit: usize,
    filter: &str,
) -> Result<Vec<MessageView>> {
    let meta = client.topic(topic).await?;
    let mut out = Vec::new();
    for &p in partitions {
        let tp = TopicPartition::new(topic, p);
        let Some(leader) = meta
            .partitions
            .iter()
            .find(|x| x.partition == p)
            .map(|x| x.leader)
        else {
            continue;
        };
        let mut offset = match from {
            From::Beginning => list_offset(client, &tp, -2).await?,
            From::Offset(o) => o,
            From::Tail(n) => {
                let end = list_offset(client, &tp, -1).await?;
                let start = list_offset(client, &tp, -2).await?;
                (end - n).max(start)
            }
            From::Timestamp(ts) => match list_offset(client, &tp, ts).await? {
                -1 => list_offset(client, &tp, -1).await?,
                o => o,
            },
        };
        let end = list_offset(client, &tp, -1).await?;
        let conn = client.broker(leader).await?;
        let name: Arc<str> = Arc::from(topic);
        let mut got = 0usize;
        // A few fetches at most: the filter may skip many records.
        for _ in 0..20 {
            if offset >= end || got >= limit {
                break;
            }
            let req = FetchRequest::default()
                .with_replica_id(BrokerId(-1))
                .with_max_wait_ms(0)
                .with_min_bytes(0)
                .with_max_bytes(4 << 20)
                .with_session_epoch(-1)
                .with_topics(vec![FetchTopic::default()
                    .with_topic(TopicName(sb(topic)))
                    .with_partitions(vec![FetchPartition::default()
                        .with_partition(p)
                        .with_fetch_offset(offset)
                        .with_partition_max_bytes(1 << 20)])]);
            let resp = conn.send(&req).await?;
            let Some(data) = resp
                .responses
                .into_iter()
                .next()
                .and_then(|t| t.partitions.into_iter().next())
            else {
                break;
            };
            if let Some(e) = Error::server(data.error_code, format!("fetching {tp}")) {
                return Err(e);
            }
            let (records, next) = decode_records(
                &name,
                p,
                leader,
                offset,
                data.records.unwrap_or_default(),
                &[],
            )?;
            if next <= offset {
                break;
            }
            offset = next;
            for r in records {
                let key = text(&r.key);
                let value = text(&r.value);
                let hit = filter.is_empty()
                    || key.as_deref().is_some_and(|k| k.contains(filter))
                    || value.as_deref().is_some_and(|v| v.contains(filter));
                if !hit {
                    continue;
                }
                out.push(MessageView {
                    partition: p,
                    offset: r.offset,
                    timestamp: r.timestamp,
                    json: value.as_deref().and_then(|v| serde_json::from_str(v).ok()),
                    key,
                    value,
                    headers: r
                        .headers
                        .iter()
                        .map(|(k, v)| (String::from_utf8_lossy(k).to_string(), text(v)))
                        .collect(),
                });
                got += 1;
                if got >= limit {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// The produce form.
#[derive(Debug, Clone, Deserialize)]
pub struct NewMessage {
    pub key: Option<String>,
    pub value: Option<String>,
    pub partition: Option<i32>,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

/// Produce one message with acks=all; Ok once it is acknowledged.
pub async fn produce(client: &Arc<Client>, topic: &str, m: NewMessage) -> Result<()> {
    let producer = Producer::new(
        client.clone(),
        ProducerConfig {
            message_timeout: Duration::from_secs(15),
            idempotence: false,
            linger: Duration::ZERO,
            ..ProducerConfig::default()
        },
    )
    .await?;
    producer
        .send(Message {
            topic: topic.to_string(),
            partition: m.partition,
            key: m.key.filter(|k| !k.is_empty()).map(Bytes::from),
            value: m.value.map(Bytes::from),
            headers: m
                .headers
                .into_iter()
                .map(|(k, v)| (k, Some(Bytes::from(v))))
                .collect(),
            timestamp: None,
        })
        .await?;
    let report = producer.flush().await;
    if report.failed > 0 {
        return Err(Error::Other(
            report
                .errors
                .first()
                .cloned()
                .unwrap_or_else(|| "the message was not delivered".into()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_parses() {
        assert_eq!(From::parse("beginning"), Some(From::Beginning));
        assert_eq!(From::parse("tail:20"), Some(From::Tail(20)));
        assert_eq!(From::parse("offset:7"), Some(From::Offset(7)));
        assert_eq!(
            From::parse("ts:1700000000000"),
            Some(From::Timestamp(1_700_000_000_000))
        );
        assert_eq!(From::parse("nope"), None);
        assert_eq!(From::parse("tail:x"), None);
    }
}
