//! The in-memory metadata image every node builds by applying metadata records.
//! Pure: `apply` has no I/O, so the image is the same on every node that applied
//! the same records.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::records::MetadataRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerRegistration {
    pub node_id: i32,
    pub host: String,
    pub port: i32,
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
}

impl MetadataImage {
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
            } => {
                self.brokers.insert(
                    *node_id,
                    BrokerRegistration {
                        node_id: *node_id,
                        host: host.clone(),
                        port: *port,
                    },
                );
            }
            MetadataRecord::CreateTopic {
                name,
                topic_id,
                assignments,
                configs,
            } => {
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
        img.apply(&MetadataRecord::DeleteTopic { name: "t".into() });
        assert!(img.topic("t").is_none());
        assert_eq!(img.offset, 3);
        assert!(img.partition("t", -1).is_none());
    }
}
