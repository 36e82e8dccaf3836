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
    /// KIP-429: sticky, and partitions that change owner are first revoked by the
    /// old owner, then assigned in a follow-up rebalance.
    CooperativeSticky,
}

impl Assignor {
    pub fn name(&self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
            Assignor::CooperativeSticky => "cooperative-sticky",
        }
    }

    pub fn is_cooperative(&self) -> bool {
        *self == Assignor::CooperativeSticky
    }

    pub fn parse_list(s: &str) -> Result<Vec<Assignor>, String> {
        s.split(',')
            .map(|p| match p.trim() {
                "range" => Ok(Assignor::Range),
                "roundrobin" => Ok(Assignor::RoundRobin),
                "cooperative-sticky" => Ok(Assignor::CooperativeSticky),
                other => Err(format!("unknown partition.assignment.strategy '{other}'")),
            })
            .collect()
    }

    /// Assign `partitions` (topic -> partition count) to members (id -> subscribed
    /// topics); `owned` is what each member holds now (used by the sticky assignor).
    pub fn assign(
        &self,
        members: &BTreeMap<String, Vec<String>>,
        owned: &BTreeMap<String, Vec<TopicPartition>>,
        partitions: &BTreeMap<String, i32>,
    ) -> BTreeMap<String, Vec<TopicPartition>> {
        if *self == Assignor::CooperativeSticky {
            return cooperative_sticky(members, owned, partitions);
        }
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
            Assignor::CooperativeSticky => unreachable!("handled above"),
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
pub fn encode_subscription(topics: &[String], owned: &[TopicPartition]) -> Bytes {
    let by_topic = crate::protocol::group_by_topic(owned);
    let sub = ConsumerProtocolSubscription::default()
        .with_topics(topics.iter().map(|t| StrBytes::from_string(t.clone())).collect())
        .with_owned_partitions(
            by_topic
                .into_iter()
                .map(|(t, ps)| {
                    kafka_protocol::messages::consumer_protocol_subscription::TopicPartition::default()
                        .with_topic(TopicName(StrBytes::from_string(t.to_string())))
                        .with_partitions(ps)
                })
                .collect(),
        );
    let mut buf = BytesMut::new();
    buf.put_i16(1);
    sub.encode(&mut buf, 1).expect("subscription encodes");
    buf.freeze()
}

/// Topics and owned partitions of a member's subscription, whatever client wrote it.
pub fn decode_subscription(mut data: Bytes) -> Option<(Vec<String>, Vec<TopicPartition>)> {
    if data.remaining() < 2 {
        return None;
    }
    let version = data.get_i16().clamp(0, 3);
    let sub = ConsumerProtocolSubscription::decode(&mut data, version).ok()?;
    let owned = sub
        .owned_partitions
        .iter()
        .flat_map(|t| {
            t.partitions
                .iter()
                .map(move |p| TopicPartition::new(t.topic.to_string(), *p))
        })
        .collect();
    Some((sub.topics.iter().map(|t| t.to_string()).collect(), owned))
}

/// Sticky balanced assignment, then the cooperative rule: a partition that changes
/// owner is left out this round (its old owner revokes it and rejoins).
fn cooperative_sticky(
    members: &BTreeMap<String, Vec<String>>,
    owned: &BTreeMap<String, Vec<TopicPartition>>,
    partitions: &BTreeMap<String, i32>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let mut out: BTreeMap<String, Vec<TopicPartition>> =
        members.keys().map(|m| (m.clone(), Vec::new())).collect();
    if members.is_empty() {
        return out;
    }
    let all: BTreeSet<TopicPartition> = partitions
        .iter()
        .flat_map(|(t, c)| (0..*c).map(move |p| TopicPartition::new(t.clone(), p)))
        .filter(|tp| members.values().any(|ts| ts.contains(&tp.topic)))
        .collect();
    let n = members.len();
    let floor = all.len() / n;
    let extra = all.len() % n;
    // Keep what members own (once each, if still valid), biggest holders first.
    let mut claimed: BTreeMap<TopicPartition, String> = BTreeMap::new();
    let mut order: Vec<&String> = members.keys().collect();
    order.sort_by_key(|m| std::cmp::Reverse(owned.get(*m).map_or(0, |o| o.len())));
    let mut with_extra = 0;
    for m in &order {
        let cap = if with_extra < extra { floor + 1 } else { floor };
        let mut kept: Vec<TopicPartition> = owned
            .get(*m)
            .into_iter()
            .flatten()
            .filter(|tp| {
                all.contains(*tp) && members[*m].contains(&tp.topic) && !claimed.contains_key(*tp)
            })
            .cloned()
            .collect();
        kept.sort();
        kept.truncate(cap);
        if kept.len() == floor + 1 {
            with_extra += 1;
        }
        for tp in &kept {
            claimed.insert(tp.clone(), (*m).clone());
        }
        out.insert((*m).clone(), kept);
    }
    // Hand out the rest to the least loaded members that may take more.
    for tp in all.iter().filter(|tp| !claimed.contains_key(*tp)) {
        let mut best: Option<&String> = None;
        for m in members.keys().filter(|m| members[*m].contains(&tp.topic)) {
            let len = out[m].len();
            let cap = len < floor || (len == floor && with_extra < extra);
            if !cap {
                continue;
            }
            if best.is_none_or(|b| out[b].len() > len) {
                best = Some(m);
            }
        }
        let Some(m) = best.or_else(|| members.keys().min_by_key(|m| out[*m].len())) else {
            continue;
        };
        if out[m].len() == floor {
            with_extra += 1;
        }
        out.get_mut(m).expect("member listed").push(tp.clone());
    }
    // Cooperative: hold back partitions another live member still owns.
    let owner_of: BTreeMap<&TopicPartition, &String> = owned
        .iter()
        .filter(|(m, _)| members.contains_key(*m))
        .flat_map(|(m, tps)| tps.iter().map(move |tp| (tp, m)))
        .collect();
    for (m, tps) in out.iter_mut() {
        tps.retain(|tp| owner_of.get(tp).is_none_or(|o| *o == m));
        tps.sort();
    }
    out
}

pub fn encode_assignment(partitions: &[TopicPartition]) -> Bytes {
    let by_topic = crate::protocol::group_by_topic(partitions);
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
        let none = BTreeMap::new();
        let a = Assignor::Range.assign(&members(3, &["t"]), &none, &parts);
        assert_eq!(counts(&a), vec![2, 2, 2]);
        assert_eq!(
            a["m0"],
            vec![TopicPartition::new("t", 0), TopicPartition::new("t", 1)]
        );
        let a = Assignor::Range.assign(&members(4, &["t"]), &none, &parts);
        assert_eq!(counts(&a), vec![2, 2, 1, 1]);
        let a = Assignor::Range.assign(&members(7, &["t"]), &none, &parts);
        assert_eq!(counts(&a), vec![1, 1, 1, 1, 1, 1, 0]);
    }

    #[test]
    fn roundrobin_spreads_over_topics() {
        let parts = BTreeMap::from([("a".to_string(), 3), ("b".to_string(), 3)]);
        let a = Assignor::RoundRobin.assign(&members(2, &["a", "b"]), &BTreeMap::new(), &parts);
        assert_eq!(counts(&a), vec![3, 3]);
        assert_eq!(a["m0"][0], TopicPartition::new("a", 0));
        assert_eq!(a["m1"][0], TopicPartition::new("a", 1));
    }

    #[test]
    fn protocol_roundtrip() {
        let s = encode_subscription(&["x".into(), "y".into()], &[TopicPartition::new("x", 2)]);
        let (topics, owned) = decode_subscription(s).unwrap();
        assert_eq!(topics, vec!["x", "y"]);
        assert_eq!(owned, vec![TopicPartition::new("x", 2)]);
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

    fn tps(ps: &[i32]) -> Vec<TopicPartition> {
        ps.iter().map(|p| TopicPartition::new("t", *p)).collect()
    }

    #[test]
    fn cooperative_sticky_keeps_owners_and_defers_moves() {
        let parts = BTreeMap::from([("t".to_string(), 6)]);
        let coop = Assignor::CooperativeSticky;
        // First round: nobody owns anything -> balanced.
        let a = coop.assign(&members(3, &["t"]), &BTreeMap::new(), &parts);
        assert_eq!(counts(&a), vec![2, 2, 2]);
        // m2 left: m0 and m1 keep theirs and share m2's.
        let owned = BTreeMap::from([
            ("m0".to_string(), a["m0"].clone()),
            ("m1".to_string(), a["m1"].clone()),
        ]);
        let b = coop.assign(&members(2, &["t"]), &owned, &parts);
        assert_eq!(counts(&b), vec![3, 3]);
        assert!(a["m0"].iter().all(|tp| b["m0"].contains(tp)), "sticky");
        // A newcomer: m0 must give one up first; nobody gets a partition still owned by another.
        let owned = BTreeMap::from([
            ("m0".to_string(), tps(&[0, 1, 2])),
            ("m1".to_string(), tps(&[3, 4, 5])),
        ]);
        let c = coop.assign(&members(3, &["t"]), &owned, &parts);
        assert_eq!(c["m0"].len(), 2);
        assert_eq!(c["m1"].len(), 2);
        assert!(
            c["m2"].is_empty(),
            "moved partitions wait for the revoke: {c:?}"
        );
        // Second round after the revokes: the newcomer gets them.
        let owned = BTreeMap::from([
            ("m0".to_string(), c["m0"].clone()),
            ("m1".to_string(), c["m1"].clone()),
        ]);
        let d = coop.assign(&members(3, &["t"]), &owned, &parts);
        assert_eq!(counts(&d), vec![2, 2, 2]);
    }
}
