//! The timeline: what changed between two snapshots, as events a person reads
//! ("broker 2 down", "leader of demo.purchases-3: 2 -> 3 (epoch 5)", "ISR of ...
//! shrank", "group g rebalanced: c joined"). Derived from snapshots only, so it
//! works against any cluster. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::model::{GroupView, Snapshot};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    BrokerDown {
        broker: i32,
    },
    BrokerUp {
        broker: i32,
    },
    ControllerMoved {
        from: i32,
        to: i32,
    },
    TopicCreated {
        topic: String,
        partitions: usize,
    },
    TopicDeleted {
        topic: String,
    },
    LeaderChanged {
        topic: String,
        partition: i32,
        from: i32,
        to: i32,
        leader_epoch: i32,
    },
    IsrShrank {
        topic: String,
        partition: i32,
        removed: Vec<i32>,
        isr: Vec<i32>,
    },
    IsrExpanded {
        topic: String,
        partition: i32,
        added: Vec<i32>,
        isr: Vec<i32>,
    },
    GroupRebalanced {
        group: String,
        /// Rebalances seen by the console for this group (a generation count).
        generation: u64,
        joined: Vec<String>,
        left: Vec<String>,
        /// member (client id, or member id when anonymous) -> partitions.
        before: BTreeMap<String, Vec<String>>,
        after: BTreeMap<String, Vec<String>>,
    },
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Event {
    pub at_ms: i64,
    #[serde(flatten)]
    pub change: Change,
}

impl Event {
    /// The topic this event concerns, for per-topic filtering.
    pub fn topic(&self) -> Option<&str> {
        match &self.change {
            Change::TopicCreated { topic, .. }
            | Change::TopicDeleted { topic }
            | Change::LeaderChanged { topic, .. }
            | Change::IsrShrank { topic, .. }
            | Change::IsrExpanded { topic, .. } => Some(topic),
            _ => None,
        }
    }

    pub fn group(&self) -> Option<&str> {
        match &self.change {
            Change::GroupRebalanced { group, .. } => Some(group),
            _ => None,
        }
    }
}

/// A member's name in the timeline: its client id and the tail of its member id.
fn member_name(member_id: &str, client_id: &str) -> String {
    let tail: String = member_id
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{client_id}…{tail}")
}

fn assignment(g: &GroupView) -> BTreeMap<String, Vec<String>> {
    g.members
        .iter()
        .map(|m| {
            (
                member_name(&m.member_id, &m.client_id),
                m.assignment
                    .iter()
                    .map(|(t, p)| format!("{t}-{p}"))
                    .collect(),
            )
        })
        .collect()
}

/// The changes from `prev` to `next`. `generations` counts rebalances per group
/// across calls.
pub fn diff(
    prev: &Snapshot,
    next: &Snapshot,
    generations: &mut BTreeMap<String, u64>,
) -> Vec<Event> {
    let mut out = Vec::new();
    if prev.taken_at_ms == 0 {
        // Nothing seen before: the first snapshot is a starting point, not changes.
        return out;
    }
    let at_ms = next.taken_at_ms;
    let mut push = |change| out.push(Event { at_ms, change });
    for b in &next.brokers {
        let before = prev.brokers.iter().find(|p| p.id == b.id).map(|p| p.up);
        match (before, b.up) {
            (Some(true), false) => push(Change::BrokerDown { broker: b.id }),
            (Some(false), true) | (None, true) if !prev.brokers.is_empty() => {
                push(Change::BrokerUp { broker: b.id })
            }
            _ => {}
        }
    }
    if prev.controller >= 0 && next.controller >= 0 && prev.controller != next.controller {
        push(Change::ControllerMoved {
            from: prev.controller,
            to: next.controller,
        });
    }
    for t in &next.topics {
        let Some(old) = prev.topic(&t.name) else {
            if !prev.topics.is_empty() {
                push(Change::TopicCreated {
                    topic: t.name.clone(),
                    partitions: t.partitions.len(),
                });
            }
            continue;
        };
        for p in &t.partitions {
            let Some(o) = old.partitions.iter().find(|o| o.partition == p.partition) else {
                continue;
            };
            if o.leader != p.leader {
                push(Change::LeaderChanged {
                    topic: t.name.clone(),
                    partition: p.partition,
                    from: o.leader,
                    to: p.leader,
                    leader_epoch: p.leader_epoch,
                });
            }
            let removed: Vec<i32> = o
                .isr
                .iter()
                .copied()
                .filter(|r| !p.isr.contains(r))
                .collect();
            let added: Vec<i32> = p
                .isr
                .iter()
                .copied()
                .filter(|r| !o.isr.contains(r))
                .collect();
            if !removed.is_empty() {
                push(Change::IsrShrank {
                    topic: t.name.clone(),
                    partition: p.partition,
                    removed,
                    isr: p.isr.clone(),
                });
            }
            if !added.is_empty() {
                push(Change::IsrExpanded {
                    topic: t.name.clone(),
                    partition: p.partition,
                    added,
                    isr: p.isr.clone(),
                });
            }
        }
    }
    for t in &prev.topics {
        if next.topic(&t.name).is_none() {
            push(Change::TopicDeleted {
                topic: t.name.clone(),
            });
        }
    }
    for g in &next.groups {
        let before = prev.group(&g.id).map(assignment).unwrap_or_default();
        let after = assignment(g);
        // A group seen for the first time has no "before" to compare with.
        if prev.group(&g.id).is_none() || before == after {
            continue;
        }
        let old: BTreeSet<&String> = before.keys().collect();
        let new: BTreeSet<&String> = after.keys().collect();
        let generation = generations.entry(g.id.clone()).or_insert(0);
        *generation += 1;
        push(Change::GroupRebalanced {
            group: g.id.clone(),
            generation: *generation,
            joined: new.difference(&old).map(|s| s.to_string()).collect(),
            left: old.difference(&new).map(|s| s.to_string()).collect(),
            before,
            after,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::model::*;

    fn broker(id: i32, up: bool) -> BrokerView {
        BrokerView {
            id,
            host: "h".into(),
            port: 9091 + id,
            up,
        }
    }

    fn partition(p: i32, leader: i32, epoch: i32, isr: &[i32]) -> PartitionView {
        PartitionView {
            partition: p,
            leader,
            leader_epoch: epoch,
            replicas: vec![1, 2, 3],
            isr: isr.to_vec(),
            offline: vec![],
            log_start_offset: 0,
            log_end_offset: 10,
        }
    }

    fn snapshot(
        brokers: &[(i32, bool)],
        parts: Vec<PartitionView>,
        groups: Vec<GroupView>,
    ) -> Snapshot {
        Snapshot {
            taken_at_ms: 1000,
            cluster_id: None,
            controller: 1,
            brokers: brokers.iter().map(|&(id, up)| broker(id, up)).collect(),
            topics: vec![TopicView {
                name: "t".into(),
                internal: false,
                partitions: parts,
            }],
            groups,
        }
    }

    fn group(members: &[(&str, &[i32])]) -> GroupView {
        GroupView {
            id: "g".into(),
            state: "Stable".into(),
            protocol_type: "consumer".into(),
            protocol: "range".into(),
            coordinator: 1,
            members: members
                .iter()
                .map(|(id, parts)| MemberView {
                    member_id: format!("rdkafka-{id}"),
                    client_id: "c".into(),
                    host: "/127.0.0.1".into(),
                    assignment: parts.iter().map(|p| ("t".to_string(), *p)).collect(),
                })
                .collect(),
            offsets: vec![],
        }
    }

    #[test]
    fn a_broker_failover_reads_as_down_leaders_and_isr() {
        let up = [(1, true), (2, true), (3, true)];
        let down = [(1, true), (2, false), (3, true)];
        let before = snapshot(
            &up,
            vec![
                partition(0, 2, 0, &[1, 2, 3]),
                partition(1, 1, 0, &[1, 2, 3]),
            ],
            vec![],
        );
        let after = snapshot(
            &down,
            vec![partition(0, 3, 1, &[1, 3]), partition(1, 1, 0, &[1, 3])],
            vec![],
        );
        let mut gens = BTreeMap::new();
        let events: Vec<Change> = diff(&before, &after, &mut gens)
            .into_iter()
            .map(|e| e.change)
            .collect();
        assert_eq!(
            events,
            vec![
                Change::BrokerDown { broker: 2 },
                Change::LeaderChanged {
                    topic: "t".into(),
                    partition: 0,
                    from: 2,
                    to: 3,
                    leader_epoch: 1
                },
                Change::IsrShrank {
                    topic: "t".into(),
                    partition: 0,
                    removed: vec![2],
                    isr: vec![1, 3]
                },
                Change::IsrShrank {
                    topic: "t".into(),
                    partition: 1,
                    removed: vec![2],
                    isr: vec![1, 3]
                },
            ]
        );
        // And back: up, ISR expanded, then the preferred leader returns.
        let back = snapshot(
            &up,
            vec![
                partition(0, 3, 1, &[1, 3, 2]),
                partition(1, 1, 0, &[1, 3, 2]),
            ],
            vec![],
        );
        let events: Vec<Change> = diff(&after, &back, &mut gens)
            .into_iter()
            .map(|e| e.change)
            .collect();
        assert_eq!(events[0], Change::BrokerUp { broker: 2 });
        assert!(matches!(&events[1], Change::IsrExpanded { added, .. } if added == &vec![2]));
        let elected = snapshot(
            &up,
            vec![
                partition(0, 2, 2, &[1, 3, 2]),
                partition(1, 1, 0, &[1, 3, 2]),
            ],
            vec![],
        );
        let events: Vec<Change> = diff(&back, &elected, &mut gens)
            .into_iter()
            .map(|e| e.change)
            .collect();
        assert_eq!(
            events,
            vec![Change::LeaderChanged {
                topic: "t".into(),
                partition: 0,
                from: 3,
                to: 2,
                leader_epoch: 2
            }]
        );
        assert!(
            diff(&elected, &elected, &mut gens).is_empty(),
            "nothing changed"
        );
    }

    #[test]
    fn a_rebalance_lists_who_joined_left_and_the_assignments() {
        let b = [(1, true)];
        let three = snapshot(
            &b,
            vec![],
            vec![group(&[("a", &[0, 1]), ("b", &[2, 3]), ("c", &[4, 5])])],
        );
        let two = snapshot(
            &b,
            vec![],
            vec![group(&[("a", &[0, 1, 2]), ("b", &[3, 4, 5])])],
        );
        let mut gens = BTreeMap::new();
        let events = diff(&three, &two, &mut gens);
        assert_eq!(events.len(), 1);
        match &events[0].change {
            Change::GroupRebalanced {
                group,
                generation,
                joined,
                left,
                before,
                after,
            } => {
                assert_eq!((group.as_str(), *generation), ("g", 1));
                assert!(joined.is_empty());
                assert_eq!(left, &vec!["c…afka-c".to_string()]);
                assert_eq!(before.len(), 3);
                assert_eq!(
                    after.values().map(|v| v.len()).collect::<Vec<_>>(),
                    vec![3, 3]
                );
            }
            e => panic!("{e:?}"),
        }
        let events = diff(&two, &three, &mut gens);
        assert!(
            matches!(&events[0].change, Change::GroupRebalanced { generation: 2, joined, .. } if joined.len() == 1)
        );
    }

    #[test]
    fn the_first_snapshot_is_not_a_flood_of_events() {
        let s = snapshot(
            &[(1, true)],
            vec![partition(0, 1, 0, &[1])],
            vec![group(&[("a", &[0])])],
        );
        assert!(diff(&Snapshot::default(), &s, &mut BTreeMap::new()).is_empty());
    }
}
