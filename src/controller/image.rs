//! The in-memory metadata image every node builds by applying metadata records.
//! Pure: `apply` has no I/O, so the image is the same on every node that applied
//! the same records.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::election;
use super::records::{Endpoint, MetadataRecord};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerRegistration {
    pub node_id: i32,
    /// The inter-broker listener's endpoint.
    pub host: String,
    pub port: i32,
    /// Every listener; empty for a registration from before kw had several.
    pub listeners: Vec<Endpoint>,
    /// Missed its session: leads nothing, is in no ISR (unless the last member),
    /// and is left out of Metadata responses.
    pub fenced: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionImage {
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    /// -1 when the partition has no leader.
    pub leader: i32,
    pub leader_epoch: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicImage {
    pub name: String,
    pub topic_id: Uuid,
    pub partitions: Vec<PartitionImage>,
    /// Topic-level overrides only (Kafka config names).
    pub configs: BTreeMap<String, String>,
}

impl BrokerRegistration {
    /// Where a client on listener `name` reaches this broker (Kafka answers each
    /// client with the endpoints of the listener it came in on); None if the
    /// broker has no such listener.
    pub fn endpoint(&self, name: &str) -> Option<(&str, i32)> {
        if self.listeners.is_empty() {
            return Some((&self.host, self.port));
        }
        self.listeners
            .iter()
            .find(|e| e.name == name)
            .map(|e| (e.host.as_str(), e.port))
    }
}

impl TopicImage {
    pub fn is_internal(&self) -> bool {
        self.name.starts_with("__")
    }
}

#[derive(Debug, Clone, Default)]
pub struct MetadataImage {
    /// Number of records applied: a version to wait for.
    pub offset: u64,
    pub cluster_id: String,
    pub controller_id: i32,
    pub brokers: BTreeMap<i32, BrokerRegistration>,
    pub topics: BTreeMap<String, TopicImage>,
    pub next_producer_id: i64,
    /// The last producer-id block each node reserved: [start, end).
    pub producer_blocks: BTreeMap<i32, (i64, i64)>,
    /// Dynamic broker configs: "" for every broker, "N" for broker N.
    pub broker_configs: BTreeMap<String, BTreeMap<String, String>>,
    /// Every ACL, sorted, each once.
    pub acls: Vec<crate::security::acl::AclBinding>,
    /// SCRAM credentials: user -> mechanism code -> credential.
    pub scram: BTreeMap<String, BTreeMap<i8, crate::security::scram::Credential>>,
}

/// Config resource types (Kafka's ConfigResource.Type).
pub const RESOURCE_TOPIC: i8 = 2;
pub const RESOURCE_BROKER: i8 = 4;

impl MetadataImage {
    /// The topic-config defaults broker `node_id` applies: its own dynamic broker
    /// configs, the cluster-wide ones, and its static ones (`static_defaults`).
    pub fn broker_defaults(
        &self,
        node_id: i32,
        static_defaults: &BTreeMap<String, String>,
    ) -> super::topic_config::BrokerDefaults {
        super::topic_config::BrokerDefaults::from_dynamic(
            self.broker_configs.get(&node_id.to_string()),
            self.broker_configs.get(""),
            static_defaults,
        )
    }

    pub fn apply(&mut self, record: &MetadataRecord) {
        self.offset += 1;
        match record {
            // The first cluster id wins: every node may propose one at start.
            MetadataRecord::Cluster { cluster_id } => {
                if self.cluster_id.is_empty() {
                    self.cluster_id = cluster_id.clone();
                }
            }
            MetadataRecord::RegisterBroker {
                node_id,
                host,
                port,
                listeners,
            } => {
                // A new address does not change whether the broker is alive.
                let fenced = self.brokers.get(node_id).is_some_and(|b| b.fenced);
                self.brokers.insert(
                    *node_id,
                    BrokerRegistration {
                        node_id: *node_id,
                        host: host.clone(),
                        listeners: listeners.clone(),
                        port: *port,
                        fenced,
                    },
                );
            }
            MetadataRecord::FenceBroker { node_id } => self.fence(*node_id),
            MetadataRecord::UnfenceBroker { node_id } => self.unfence(*node_id),
            MetadataRecord::AlterIsr {
                topic,
                partition,
                leader_epoch,
                isr,
            } => {
                let fenced = self.fenced();
                if let Some(p) = self.partition_mut(topic, *partition) {
                    let valid = p.leader_epoch == *leader_epoch
                        && p.leader >= 0
                        && isr.contains(&p.leader)
                        && isr.iter().all(|r| p.replicas.contains(r));
                    if valid {
                        // A fenced broker may leave the ISR but not join it.
                        p.isr = isr
                            .iter()
                            .copied()
                            .filter(|r| p.isr.contains(r) || !fenced.contains(r))
                            .collect();
                    }
                }
            }
            MetadataRecord::ElectPreferred { topic, partition } => {
                let fenced = self.fenced();
                if let Some(p) = self.partition_mut(topic, *partition) {
                    if let Some(preferred) = election::preferred_leader_election(p, &fenced) {
                        p.leader = preferred;
                        p.leader_epoch += 1;
                    }
                }
            }
            MetadataRecord::CreateTopic {
                name,
                topic_id,
                assignments,
                configs,
            } => {
                // Two nodes may race to create the same topic (auto-creation,
                // __consumer_offsets): the first record wins on every node.
                if self.topics.contains_key(name) {
                    return;
                }
                let partitions = assignments.iter().map(|r| new_partition(r)).collect();
                self.topics.insert(
                    name.clone(),
                    TopicImage {
                        name: name.clone(),
                        topic_id: Uuid::parse_str(topic_id).unwrap_or_default(),
                        partitions,
                        configs: configs.clone(),
                    },
                );
            }
            MetadataRecord::CreatePartitions { name, assignments } => {
                if let Some(t) = self.topics.get_mut(name) {
                    t.partitions
                        .extend(assignments.iter().map(|r| new_partition(r)));
                }
            }
            MetadataRecord::DeleteTopic { name } => {
                self.topics.remove(name);
            }
            MetadataRecord::CreateAcls { acls } => {
                for a in acls {
                    if let Err(at) = self.acls.binary_search(a) {
                        self.acls.insert(at, a.clone());
                    }
                }
            }
            MetadataRecord::DeleteAcls { acls } => {
                self.acls.retain(|a| !acls.contains(a));
            }
            MetadataRecord::AlterScram { upsert, delete } => {
                for (user, mechanism) in delete {
                    if let Some(m) = self.scram.get_mut(user) {
                        m.remove(mechanism);
                        if m.is_empty() {
                            self.scram.remove(user);
                        }
                    }
                }
                for r in upsert {
                    if let Some(c) = r.credential() {
                        self.scram
                            .entry(r.user.clone())
                            .or_default()
                            .insert(r.mechanism, c);
                    }
                }
            }
            MetadataRecord::AlterConfigs {
                resource_type,
                name,
                configs,
            } => match *resource_type {
                RESOURCE_TOPIC => {
                    if let Some(t) = self.topics.get_mut(name) {
                        t.configs = configs.clone();
                    }
                }
                RESOURCE_BROKER => {
                    if configs.is_empty() {
                        self.broker_configs.remove(name);
                    } else {
                        self.broker_configs.insert(name.clone(), configs.clone());
                    }
                }
                _ => {}
            },
            MetadataRecord::PartitionChange {
                topic,
                partition,
                leader,
                isr,
                leader_epoch,
            } => {
                if let Some(p) = self
                    .topics
                    .get_mut(topic)
                    .and_then(|t| t.partitions.get_mut(*partition as usize))
                {
                    p.leader = *leader;
                    p.isr = isr.clone();
                    p.leader_epoch = *leader_epoch;
                }
            }
            MetadataRecord::AllocateProducerIds { node_id, count } => {
                let start = self.next_producer_id;
                self.next_producer_id += (*count).max(1);
                self.producer_blocks
                    .insert(*node_id, (start, self.next_producer_id));
            }
        }
    }

    /// Brokers that missed their session, in id order.
    pub fn fenced(&self) -> Vec<i32> {
        self.brokers
            .values()
            .filter(|b| b.fenced)
            .map(|b| b.node_id)
            .collect()
    }

    /// Brokers that are registered and not fenced, in id order.
    pub fn live_brokers(&self) -> Vec<i32> {
        self.brokers
            .values()
            .filter(|b| !b.fenced)
            .map(|b| b.node_id)
            .collect()
    }

    fn partition_mut(&mut self, topic: &str, partition: i32) -> Option<&mut PartitionImage> {
        if partition < 0 {
            return None;
        }
        self.topics
            .get_mut(topic)
            .and_then(|t| t.partitions.get_mut(partition as usize))
    }

    fn fence(&mut self, node: i32) {
        let Some(b) = self.brokers.get_mut(&node) else {
            return;
        };
        b.fenced = true;
        let fenced = self.fenced();
        for t in self.topics.values_mut() {
            for p in &mut t.partitions {
                if !p.replicas.contains(&node) {
                    continue;
                }
                // The last ISR member stays: it holds data nobody else is known to have.
                if p.isr.len() > 1 {
                    p.isr.retain(|r| *r != node);
                }
                if p.leader == node {
                    p.leader = election::elect_leader(p, &fenced);
                    p.leader_epoch += 1;
                }
            }
        }
    }

    fn unfence(&mut self, node: i32) {
        let Some(b) = self.brokers.get_mut(&node) else {
            return;
        };
        b.fenced = false;
        let fenced = self.fenced();
        for t in self.topics.values_mut() {
            for p in &mut t.partitions {
                if p.leader < 0 && p.replicas.contains(&node) {
                    p.leader = election::elect_leader(p, &fenced);
                    if p.leader >= 0 {
                        p.leader_epoch += 1;
                    }
                }
            }
        }
    }

    pub fn topic(&self, name: &str) -> Option<&TopicImage> {
        self.topics.get(name)
    }

    pub fn topic_by_id(&self, id: Uuid) -> Option<&TopicImage> {
        self.topics.values().find(|t| t.topic_id == id)
    }

    pub fn partition(&self, topic: &str, partition: i32) -> Option<&PartitionImage> {
        if partition < 0 {
            return None;
        }
        self.topics
            .get(topic)
            .and_then(|t| t.partitions.get(partition as usize))
    }
}

fn new_partition(replicas: &[i32]) -> PartitionImage {
    PartitionImage {
        replicas: replicas.to_vec(),
        isr: replicas.to_vec(),
        leader: replicas.first().copied().unwrap_or(-1),
        leader_epoch: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_change_delete() {
        let mut img = MetadataImage::default();
        img.apply(&MetadataRecord::CreateTopic {
            name: "t".into(),
            topic_id: Uuid::new_v4().to_string(),
            assignments: vec![vec![1, 2], vec![2, 1]],
            configs: Default::default(),
        });
        assert_eq!(img.partition("t", 1).unwrap().leader, 2);
        img.apply(&MetadataRecord::PartitionChange {
            topic: "t".into(),
            partition: 1,
            leader: 1,
            isr: vec![1],
            leader_epoch: 1,
        });
        let p = img.partition("t", 1).unwrap();
        assert_eq!((p.leader, p.leader_epoch, p.isr.clone()), (1, 1, vec![1]));
        let id = img.topic("t").unwrap().topic_id;
        img.apply(&MetadataRecord::CreateTopic {
            name: "t".into(),
            topic_id: Uuid::new_v4().to_string(),
            assignments: vec![vec![3]],
            configs: Default::default(),
        });
        assert_eq!(
            img.topic("t").unwrap().topic_id,
            id,
            "the first creation wins"
        );
        img.apply(&MetadataRecord::DeleteTopic { name: "t".into() });
        assert!(img.topic("t").is_none());
        assert_eq!(img.offset, 4);
        assert!(img.partition("t", -1).is_none());
    }

    fn cluster(assignments: Vec<Vec<i32>>) -> MetadataImage {
        let mut img = MetadataImage::default();
        for id in 1..=3 {
            img.apply(&MetadataRecord::RegisterBroker {
                node_id: id,
                host: "h".into(),
                port: 9091 + id,
                listeners: Vec::new(),
            });
        }
        img.apply(&MetadataRecord::CreateTopic {
            name: "t".into(),
            topic_id: Uuid::new_v4().to_string(),
            assignments,
            configs: Default::default(),
        });
        img
    }

    fn state(img: &MetadataImage, p: i32) -> (i32, i32, Vec<i32>) {
        let p = img.partition("t", p).unwrap();
        (p.leader, p.leader_epoch, p.isr.clone())
    }

    #[test]
    fn fencing_elects_from_the_isr_and_preferred_election_moves_back() {
        let mut img = cluster(vec![vec![2, 3, 1], vec![3, 1, 2], vec![1, 2, 3]]);
        img.apply(&MetadataRecord::FenceBroker { node_id: 2 });
        assert_eq!(state(&img, 0), (3, 1, vec![3, 1]));
        assert_eq!(
            state(&img, 1),
            (3, 0, vec![3, 1]),
            "follower left the ISR, same epoch"
        );
        assert_eq!(state(&img, 2), (1, 0, vec![1, 3]));
        assert_eq!(img.live_brokers(), vec![1, 3]);
        // Back, but not in sync yet: the preferred election must wait.
        img.apply(&MetadataRecord::UnfenceBroker { node_id: 2 });
        img.apply(&MetadataRecord::ElectPreferred {
            topic: "t".into(),
            partition: 0,
        });
        assert_eq!(state(&img, 0), (3, 1, vec![3, 1]));
        // A stale leader epoch is refused; the current one adds 2 back.
        img.apply(&MetadataRecord::AlterIsr {
            topic: "t".into(),
            partition: 0,
            leader_epoch: 0,
            isr: vec![3, 1, 2],
        });
        assert_eq!(state(&img, 0).2, vec![3, 1]);
        img.apply(&MetadataRecord::AlterIsr {
            topic: "t".into(),
            partition: 0,
            leader_epoch: 1,
            isr: vec![3, 1, 2],
        });
        assert_eq!(state(&img, 0).2, vec![3, 1, 2]);
        img.apply(&MetadataRecord::ElectPreferred {
            topic: "t".into(),
            partition: 0,
        });
        assert_eq!(state(&img, 0), (2, 2, vec![3, 1, 2]));
    }

    #[test]
    fn the_last_isr_member_keeps_the_partition_until_it_returns() {
        let mut img = cluster(vec![vec![1, 2]]);
        img.apply(&MetadataRecord::FenceBroker { node_id: 2 });
        assert_eq!(state(&img, 0), (1, 0, vec![1]));
        img.apply(&MetadataRecord::FenceBroker { node_id: 1 });
        assert_eq!(state(&img, 0), (-1, 1, vec![1]), "no unclean election of 2");
        img.apply(&MetadataRecord::UnfenceBroker { node_id: 2 });
        assert_eq!(state(&img, 0).0, -1);
        // A fenced broker cannot be added to the ISR.
        img.apply(&MetadataRecord::UnfenceBroker { node_id: 1 });
        assert_eq!(state(&img, 0), (1, 2, vec![1]));
        img.apply(&MetadataRecord::FenceBroker { node_id: 2 });
        img.apply(&MetadataRecord::AlterIsr {
            topic: "t".into(),
            partition: 0,
            leader_epoch: 2,
            isr: vec![1, 2],
        });
        assert_eq!(state(&img, 0).2, vec![1]);
    }
}
