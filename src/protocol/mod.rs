//! Kafka wire protocol helpers shared by the broker and the client: framing,
//! the table of API versions kw speaks, record-batch header access and error codes.
//! Wraps the `kafka-protocol` crate. No sockets, no state, no tokio, nothing of ours.

pub mod batch;
pub mod error_code;
pub mod frame;
pub mod partition_for;
pub mod records;
pub mod versions;

pub use kafka_protocol::messages;
pub use kafka_protocol::protocol::StrBytes;

/// Kafka's internal topics: group offsets and metadata, and transaction state.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";
pub const TXN_TOPIC: &str = "__transaction_state";

/// Kafka's `Topic.isInternal`: a topic only the broker itself writes.
pub fn is_internal_topic(name: &str) -> bool {
    name == OFFSETS_TOPIC || name == TXN_TOPIC
}

/// A topic name and partition index: the address of one partition log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl std::fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// Partition indexes grouped by topic, topics in order: the shape of most requests.
pub fn group_by_topic<'a>(
    tps: impl IntoIterator<Item = &'a TopicPartition>,
) -> std::collections::BTreeMap<&'a str, Vec<i32>> {
    let mut out: std::collections::BTreeMap<&'a str, Vec<i32>> = std::collections::BTreeMap::new();
    for tp in tps {
        out.entry(tp.topic.as_str()).or_default().push(tp.partition);
    }
    out
}

/// Build a `StrBytes` from anything string-like.
pub fn sb(s: impl Into<String>) -> StrBytes {
    StrBytes::from_string(s.into())
}

/// Wall-clock time as Kafka stamps records and answers timestamps: milliseconds
/// since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
