//! Partition assignment for the classic consumer protocol (run by the group leader)
//! and the consumer-protocol subscription/assignment encodings. Pure.

use std::collections::{BTreeMap, BTreeSet};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::consumer_protocol_assignment::TopicPartition as AssignedTopic;
use kafka_protocol::messages::{
    ConsumerProtocolAssignment, ConsumerProtocolSubscription, TopicName,
};
use kafka_protocol::protocol::{Decodable, Encodable, StrBytes};

use crate::protocol::TopicPartition;

/// Assignment strategies kw's consumer can run as leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignor {
    Range,
    RoundRobin,
}

impl Assignor {
    pub fn name(&self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
        }
    }

    pub fn parse_list(s: &str) -> Result<Vec<Assignor>, String> {
        s.split(',')
            .map(|p| match p.trim() {
                "range" => Ok(Assignor::Range),
                "roundrobin" => Ok(Assignor::RoundRobin),
                "cooperative-sticky" => Err("cooperative-sticky is not supported by kw consume yet; use range or roundrobin".to_string()),
                other => Err(format!("unknown partition.assignment.strategy '{other}'")),
            })
            .collect()
    }

    /// Assign `partitions` (topic -> partition count) to members (id -> subscribed topics).
    pub fn assign(
        &self,
        members: &BTreeMap<String, Vec<String>>,
        partitions: &BTreeMap<String, i32>,
    ) -> BTreeMap<String, Vec<TopicPartition>> {
        let mut out: BTreeMap<String, Vec<TopicPartition>> =
            members.keys().map(|m| (m.clone(), Vec::new())).collect();
        match self {
            Assignor::Range => {
                for (topic, count) in partitions {
                    let subs: Vec<&String> = members
                        .iter()
                        .filter(|(_, ts)| ts.contains(topic))
                        .map(|(m, _)| m)
                        .collect();
                    if subs.is_empty() {
                        continue;
                    }
                    let n = subs.len() as i32;
                    let per = count / n;
                    let extra = count % n;
                    let mut next = 0;
                    for (i, m) in subs.iter().enumerate() {
                        let take = per + if (i as i32) < extra { 1 } else { 0 };
                        for p in next..next + take {
                            out.get_mut(*m)
                                .expect("member listed")
                                .push(TopicPartition::new(topic.clone(), p));
                        }
                        next += take;
                    }
                }
            }
            Assignor::RoundRobin => {
                let all: Vec<TopicPartition> = partitions
                    .iter()
                    .flat_map(|(t, c)| (0..*c).map(move |p| TopicPartition::new(t.clone(), p)))
                    .collect();
                let ids: Vec<&String> = members.keys().collect();
                let mut i = 0;
                for tp in all {
                    // Next member (in order) subscribed to this topic.
                    for _ in 0..ids.len() {
                        let m = ids[i % ids.len()];
                        i += 1;
                        if members[m].contains(&tp.topic) {
                            out.get_mut(m).expect("member listed").push(tp);
                            break;
                        }
                    }
                }
            }
        }
        out
    }
}

/// Subscription metadata (consumer protocol v1: topics + owned partitions).
pub fn encode_subscription(topics: &[String]) -> Bytes {
    let sub = ConsumerProtocolSubscription::default().with_topics(
        topics
            .iter()
            .map(|t| StrBytes::from_string(t.clone()))
            .collect(),
    );
    let mut buf = BytesMut::new();
    buf.put_i16(1);
    sub.encode(&mut buf, 1).expect("subscription encodes");
    buf.freeze()
}

/// Topics of a member's subscription, whatever client wrote it.
pub fn decode_subscription(mut data: Bytes) -> Option<Vec<String>> {
    if data.remaining() < 2 {
        return None;
    }
    let version = data.get_i16().clamp(0, 3);
    let sub = ConsumerProtocolSubscription::decode(&mut data, version).ok()?;
    Some(sub.topics.iter().map(|t| t.to_string()).collect())
}

pub fn encode_assignment(partitions: &[TopicPartition]) -> Bytes {
    let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in partitions {
        by_topic
            .entry(tp.topic.as_str())
            .or_default()
            .push(tp.partition);
    }
    let a = ConsumerProtocolAssignment::default().with_assigned_partitions(
        by_topic
            .into_iter()
            .map(|(t, ps)| {
                AssignedTopic::default()
                    .with_topic(TopicName(StrBytes::from_string(t.to_string())))
                    .with_partitions(ps)
            })
            .collect(),
    );
    let mut buf = BytesMut::new();
    buf.put_i16(1);
    a.encode(&mut buf, 1).expect("assignment encodes");
    buf.freeze()
}

pub fn decode_assignment(mut data: Bytes) -> Vec<TopicPartition> {
    if data.remaining() < 2 {
        return Vec::new();
    }
    let version = data.get_i16().clamp(0, 3);
    let Ok(a) = ConsumerProtocolAssignment::decode(&mut data, version) else {
        return Vec::new();
    };
    let set: BTreeSet<TopicPartition> = a
        .assigned_partitions
        .iter()
        .flat_map(|t| {
            t.partitions
                .iter()
                .map(move |p| TopicPartition::new(t.topic.to_string(), *p))
        })
        .collect();
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(n: usize, topics: &[&str]) -> BTreeMap<String, Vec<String>> {
        (0..n)
            .map(|i| {
                (
                    format!("m{i}"),
                    topics.iter().map(|t| t.to_string()).collect(),
                )
            })
            .collect()
    }

    fn counts(a: &BTreeMap<String, Vec<TopicPartition>>) -> Vec<usize> {
        a.values().map(|v| v.len()).collect()
    }

    #[test]
    fn range_gives_contiguous_blocks_extra_to_the_first() {
        let parts = BTreeMap::from([("t".to_string(), 6)]);
        let a = Assignor::Range.assign(&members(3, &["t"]), &parts);
        assert_eq!(counts(&a), vec![2, 2, 2]);
        assert_eq!(
            a["m0"],
            vec![TopicPartition::new("t", 0), TopicPartition::new("t", 1)]
        );
        let a = Assignor::Range.assign(&members(4, &["t"]), &parts);
        assert_eq!(counts(&a), vec![2, 2, 1, 1]);
        let a = Assignor::Range.assign(&members(7, &["t"]), &parts);
        assert_eq!(counts(&a), vec![1, 1, 1, 1, 1, 1, 0]);
    }

    #[test]
    fn roundrobin_spreads_over_topics() {
        let parts = BTreeMap::from([("a".to_string(), 3), ("b".to_string(), 3)]);
        let a = Assignor::RoundRobin.assign(&members(2, &["a", "b"]), &parts);
        assert_eq!(counts(&a), vec![3, 3]);
        assert_eq!(a["m0"][0], TopicPartition::new("a", 0));
        assert_eq!(a["m1"][0], TopicPartition::new("a", 1));
    }

    #[test]
    fn protocol_roundtrip() {
        let s = encode_subscription(&["x".into(), "y".into()]);
        assert_eq!(decode_subscription(s).unwrap(), vec!["x", "y"]);
        let tps = vec![
            TopicPartition::new("x", 1),
            TopicPartition::new("x", 0),
            TopicPartition::new("y", 2),
        ];
        let mut want = tps.clone();
        want.sort();
        assert_eq!(decode_assignment(encode_assignment(&tps)), want);
        assert!(decode_assignment(Bytes::from_static(&[0])).is_empty());
        assert_eq!(Assignor::parse_list("range,roundrobin").unwrap().len(), 2);
        assert!(Assignor::parse_list("bogus").is_err());
    }
}
