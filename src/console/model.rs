//! What the console knows of a cluster at one moment: a snapshot built from public
//! API answers (Metadata, ListOffsets, ListGroups, DescribeGroups, OffsetFetch), so
//! it means the same against kw, Apache Kafka or Redpanda. Plain data, serialized
//! as the JSON of `/api/...`. Pure.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BrokerView {
    pub id: i32,
    pub host: String,
    pub port: i32,
    /// In the latest Metadata. A broker seen before and missing now is down.
    pub up: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PartitionView {
    pub partition: i32,
    /// The real leader from Metadata (-1: none), never the preferred one.
    pub leader: i32,
    pub leader_epoch: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    /// Replicas on brokers that are down (Metadata's offline replicas, or brokers
    /// missing from the broker list).
    pub offline: Vec<i32>,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
}

impl PartitionView {
    /// The first replica: where the preferred-leader election moves leadership.
    pub fn preferred_leader(&self) -> i32 {
        self.replicas.first().copied().unwrap_or(-1)
    }

    pub fn under_replicated(&self) -> bool {
        self.isr.len() < self.replicas.len()
    }

    /// Replicas out of the ISR or on a broker that is down: shown in red.
    pub fn out_of_sync(&self) -> Vec<i32> {
        self.replicas
            .iter()
            .copied()
            .filter(|r| !self.isr.contains(r) || self.offline.contains(r))
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TopicView {
    pub name: String,
    pub internal: bool,
    pub partitions: Vec<PartitionView>,
}

impl TopicView {
    pub fn replication_factor(&self) -> usize {
        self.partitions.first().map_or(0, |p| p.replicas.len())
    }

    /// Messages held: the sum of log end minus log start over the partitions.
    pub fn messages(&self) -> i64 {
        self.partitions
            .iter()
            .map(|p| (p.log_end_offset - p.log_start_offset).max(0))
            .sum()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MemberView {
    pub member_id: String,
    pub client_id: String,
    pub host: String,
    /// (topic, partition), sorted.
    pub assignment: Vec<(String, i32)>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GroupOffset {
    pub topic: String,
    pub partition: i32,
    /// -1: nothing committed.
    pub committed: i64,
    pub log_end_offset: i64,
    /// Log end minus committed (the whole partition when nothing is committed).
    pub lag: i64,
    /// The member that owns the partition now, if any.
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GroupView {
    pub id: String,
    pub state: String,
    pub protocol_type: String,
    pub protocol: String,
    pub coordinator: i32,
    pub members: Vec<MemberView>,
    pub offsets: Vec<GroupOffset>,
}

impl GroupView {
    pub fn lag(&self) -> i64 {
        self.offsets.iter().map(|o| o.lag.max(0)).sum()
    }

    /// Topics the group reads: those it owns partitions of or committed for.
    pub fn topics(&self) -> Vec<String> {
        let mut t: Vec<String> = self
            .offsets
            .iter()
            .map(|o| o.topic.clone())
            .chain(
                self.members
                    .iter()
                    .flat_map(|m| m.assignment.iter().map(|(t, _)| t.clone())),
            )
            .collect();
        t.sort();
        t.dedup();
        t
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub taken_at_ms: i64,
    pub cluster_id: Option<String>,
    pub controller: i32,
    pub brokers: Vec<BrokerView>,
    pub topics: Vec<TopicView>,
    pub groups: Vec<GroupView>,
}

impl Snapshot {
    pub fn topic(&self, name: &str) -> Option<&TopicView> {
        self.topics.iter().find(|t| t.name == name)
    }

    pub fn group(&self, id: &str) -> Option<&GroupView> {
        self.groups.iter().find(|g| g.id == id)
    }
}
