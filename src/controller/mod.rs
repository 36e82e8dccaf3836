//! The metadata controller: decides topic creation/deletion, replica placement and
//! producer-id allocation, commits every change as a record through the Raft
//! metadata quorum (openraft), and publishes the resulting [`MetadataImage`] to the
//! rest of the node through a watch channel. A single node is a quorum of one.
//! Must not depend on the broker, replication or group modules.

pub mod election;
pub mod image;
pub mod network;
pub mod placement;
pub mod quorum;
pub mod raft;
pub mod records;
pub mod topic_config;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::watch;
use tracing::{debug, info, warn};
use uuid::Uuid;

pub use image::{MetadataImage, PartitionImage, TopicImage};
use kafka_protocol::error::ResponseError;
use records::MetadataRecord;

/// Producer ids are handed out from blocks so the log sees one record per block.
const PRODUCER_ID_BLOCK: i64 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Topic '{0}' already exists.")]
    TopicExists(String),
    #[error("Topic '{0}' does not exist.")]
    UnknownTopic(String),
    #[error(transparent)]
    Placement(#[from] placement::PlacementError),
    #[error("Topic name '{name}' is illegal: {reason}")]
    InvalidTopic { name: String, reason: String },
    #[error(transparent)]
    Config(#[from] topic_config::ConfigError),
    #[error(
        "Topic currently has {current} partitions, which is higher than the requested {requested}."
    )]
    PartitionsNotIncreased { current: usize, requested: i32 },
    #[error(transparent)]
    Quorum(#[from] quorum::QuorumError),
    #[error("metadata write failed: {0}")]
    Write(network::WriteError),
}

// Not `#[from]`: the message already carries the cause, so the error chain must not
// repeat it.
impl From<network::WriteError> for Error {
    fn from(e: network::WriteError) -> Self {
        Error::Write(e)
    }
}

impl Error {
    /// The Kafka error code a broker sends for this failure.
    pub fn code(&self) -> ResponseError {
        match self {
            Error::TopicExists(_) => ResponseError::TopicAlreadyExists,
            Error::UnknownTopic(_) => ResponseError::UnknownTopicOrPartition,
            Error::Placement(
                placement::PlacementError::BadPartitions
                | placement::PlacementError::TooManyPartitions,
            ) => ResponseError::InvalidPartitions,
            Error::Placement(placement::PlacementError::BadAssignment(_)) => {
                ResponseError::InvalidReplicaAssignment
            }
            Error::Placement(_) => ResponseError::InvalidReplicationFactor,
            Error::InvalidTopic { .. } => ResponseError::InvalidTopicException,
            Error::Config(_) => ResponseError::InvalidConfig,
            Error::PartitionsNotIncreased { .. } => ResponseError::InvalidPartitions,
            Error::Quorum(_) | Error::Write(_) => ResponseError::NotController,
        }
    }
}

/// What a CreateTopics request asks for, after defaults are filled in.
#[derive(Debug, Clone)]
pub struct NewTopic {
    pub name: String,
    pub partitions: i32,
    pub replication_factor: i32,
    /// Explicit assignment (partition index order), overriding placement.
    pub assignments: Option<Vec<Vec<i32>>>,
    pub configs: BTreeMap<String, String>,
}

/// Kafka's legal topic names: 1..=249 chars of [a-zA-Z0-9._-], not "." or "..".
pub fn validate_topic_name(name: &str) -> Result<(), Error> {
    let bad = |reason: &str| {
        Err(Error::InvalidTopic {
            name: name.to_string(),
            reason: reason.to_string(),
        })
    };
    if name.is_empty() {
        return bad("the empty string is not allowed");
    }
    if name == "." || name == ".." {
        return bad("'.' and '..' are not allowed");
    }
    if name.len() > 249 {
        return bad("longer than the maximum of 249 characters");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return bad("it contains characters other than ASCII alphanumerics, '.', '_' and '-'");
    }
    Ok(())
}

/// Where the quorum runs: this node's id and internal listener, and every voter.
pub struct QuorumSettings {
    pub listener: tokio::net::TcpListener,
    /// voter id -> internal address; just this node for a single-node cluster.
    pub voters: BTreeMap<u64, String>,
    /// Plain TCP, or mutual TLS between the voters.
    pub security: network::QuorumSecurity,
}

/// How brokers prove they are alive, and how leadership is rebalanced.
#[derive(Debug, Clone, Copy)]
pub struct LivenessSettings {
    /// `broker.heartbeat.interval.ms`
    pub heartbeat_interval: std::time::Duration,
    /// `broker.session.timeout.ms`
    pub session_timeout: std::time::Duration,
    /// `auto.leader.rebalance.enable`
    pub auto_leader_rebalance: bool,
    /// `leader.imbalance.check.interval.seconds`
    pub imbalance_interval: std::time::Duration,
}

/// Handle to the controller, shared by every connection of the node. Decisions
/// (validation, placement) are made here; every change is a record committed
/// through the Raft quorum and applied by every node's state machine.
pub struct Controller {
    node_id: i32,
    member: quorum::QuorumMember,
    images: watch::Receiver<Arc<MetadataImage>>,
    /// Producer ids left in this node's reserved block: (next, end).
    producer_ids: tokio::sync::Mutex<(i64, i64)>,
    /// When this node last knew it was part of the cluster (a heartbeat the active
    /// controller answered, or, as controller, a quorum that acknowledged it), and
    /// how long that may be ago before it stops acting as a leader; None while
    /// liveness is off (a lone node).
    lease: std::sync::Mutex<Option<Lease>>,
}

/// See [`Controller::in_contact`].
#[derive(Debug, Clone, Copy)]
struct Lease {
    renewed: tokio::time::Instant,
    length: std::time::Duration,
    lost: bool,
}

impl Controller {
    /// Join (or form) the metadata quorum with the log in `data_dir`. The node is
    /// not a registered broker until [`Controller::register`] succeeds.
    pub async fn start(
        data_dir: &Path,
        node_id: i32,
        settings: QuorumSettings,
    ) -> Result<Arc<Self>, Error> {
        let base = MetadataImage::default();
        let (member, images) = quorum::QuorumMember::start(
            node_id as u64,
            data_dir,
            settings.listener,
            &settings.voters,
            settings.security,
            base,
        )
        .await?;
        Ok(Arc::new(Controller {
            node_id,
            member,
            images,
            producer_ids: tokio::sync::Mutex::new((0, 0)),
            lease: std::sync::Mutex::new(None),
        }))
    }

    /// Register this broker's address (and the cluster id on first start). Needs a
    /// quorum: fails after about 15 s without one, and may simply be called again.
    /// Once it returns, this node's image is caught up to at least the registration.
    pub async fn register(
        &self,
        host: &str,
        port: i32,
        listeners: Vec<records::Endpoint>,
    ) -> Result<(), Error> {
        let mut records = Vec::new();
        let image = self.image();
        if image.cluster_id.is_empty() {
            records.push(MetadataRecord::Cluster {
                cluster_id: new_cluster_id(),
            });
        }
        if image
            .brokers
            .get(&self.node_id)
            .is_none_or(|b| b.host != host || b.port != port || b.listeners != listeners)
        {
            records.push(MetadataRecord::RegisterBroker {
                node_id: self.node_id,
                host: host.to_string(),
                port,
                listeners,
            });
        }
        if records.is_empty() {
            // Still go through the quorum, so the local image is known to be current.
            records.push(MetadataRecord::UnfenceBroker {
                node_id: self.node_id,
            });
        }
        self.commit(records).await?;
        Ok(())
    }

    /// Ask the controller to change a partition's ISR (sent by its leader).
    pub async fn alter_isr(
        &self,
        topic: &str,
        partition: i32,
        leader_epoch: i32,
        isr: Vec<i32>,
    ) -> Result<(), Error> {
        self.commit(vec![MetadataRecord::AlterIsr {
            topic: topic.to_string(),
            partition,
            leader_epoch,
            isr,
        }])
        .await?;
        Ok(())
    }

    /// Controlled shutdown: give up leadership and ISR membership at once instead
    /// of waiting for the session to expire. Best effort (the quorum may be gone).
    pub async fn fence_self(&self, within: std::time::Duration) {
        let record = MetadataRecord::FenceBroker {
            node_id: self.node_id,
        };
        if tokio::time::timeout(within, self.commit(vec![record]))
            .await
            .is_err()
        {
            info!("controlled shutdown: no metadata quorum to tell");
        }
    }

    /// Whether this node may act as a partition leader: it has been in touch with
    /// the cluster within its broker session plus two heartbeats. A node cut off
    /// from the other voters (a partition, a long pause) is fenced by the active
    /// controller after its session and its partitions get new leaders; its own
    /// metadata is stale. From then on it refuses produce and consumer fetches
    /// (NOT_LEADER_OR_FOLLOWER) and reports no leader for them, so clients look
    /// elsewhere at once instead of waiting out their request timeouts on it. The
    /// margin covers a controller failover (an election takes a second or two),
    /// which never trips it. Always true for a lone node.
    pub fn in_contact(&self) -> bool {
        let mut guard = self.lease.lock().expect("lease lock");
        let Some(lease) = guard.as_mut() else {
            return true;
        };
        let ok = lease.renewed.elapsed() <= lease.length;
        if !ok && !lease.lost {
            warn!(
                "no contact with the active controller for {:?}; this node stops leading until it is back",
                lease.length
            );
            lease.lost = true;
        }
        ok
    }

    fn renew_lease(&self) {
        if let Some(lease) = self.lease.lock().expect("lease lock").as_mut() {
            if lease.lost {
                info!("in contact with the active controller again");
                lease.lost = false;
            }
            lease.renewed = tokio::time::Instant::now();
        }
    }

    /// Heartbeat to the active controller and, while this node is it, fence brokers
    /// that miss their session, unfence those that come back, and run the periodic
    /// preferred-leader election.
    pub fn spawn_liveness(
        self: &Arc<Self>,
        s: LivenessSettings,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        *self.lease.lock().expect("lease lock") = Some(Lease {
            renewed: tokio::time::Instant::now(),
            length: s.session_timeout + s.heartbeat_interval * 2,
            lost: false,
        });
        let me = self.clone();
        let beat = tokio::spawn(async move {
            let mut sender = network::HeartbeatSender::new(me.member.security.clone());
            let mut tick = tokio::time::interval(s.heartbeat_interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(leader) = me.member.leader().await else {
                    continue;
                };
                if leader == me.node_id as u64 {
                    me.member.heartbeats.record(me.node_id);
                    // As controller: in the cluster while a quorum acknowledges it.
                    let acked = me.member.raft.metrics().borrow().millis_since_quorum_ack;
                    if acked
                        .is_some_and(|ms| std::time::Duration::from_millis(ms) < s.session_timeout)
                    {
                        me.renew_lease();
                    }
                } else if let Some(addr) = me.member.voter_addr(leader) {
                    match sender.send(&addr, me.node_id).await {
                        Ok(()) => me.renew_lease(),
                        Err(e) => debug!(leader, error = %e, "heartbeat failed"),
                    }
                }
            }
        });
        let me = self.clone();
        let watch = tokio::spawn(async move { me.watch_brokers(s).await });
        vec![beat, watch]
    }

    async fn watch_brokers(&self, s: LivenessSettings) {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(200));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut leader_since: Option<tokio::time::Instant> = None;
        let mut next_rebalance = tokio::time::Instant::now() + s.imbalance_interval;
        loop {
            tick.tick().await;
            if self.member.leader().await != Some(self.node_id as u64) {
                leader_since = None;
                continue;
            }
            let now = tokio::time::Instant::now();
            // A new controller has no heartbeat history: everyone gets a full session.
            let since = *leader_since.get_or_insert(now);
            let image = self.image();
            let mut records = Vec::new();
            for b in image.brokers.values() {
                let heard = self.member.heartbeats.last(b.node_id);
                match election::liveness(
                    b.fenced,
                    heard.map(|t| t.into_std()),
                    since.into_std(),
                    now.into_std(),
                    s.session_timeout,
                ) {
                    election::Liveness::Keep => {}
                    election::Liveness::Unfence => {
                        info!(broker = b.node_id, "broker is back; unfencing");
                        records.push(MetadataRecord::UnfenceBroker { node_id: b.node_id });
                    }
                    election::Liveness::Fence => {
                        warn!(
                            broker = b.node_id,
                            "broker missed its session; fencing it and moving its leaders"
                        );
                        records.push(MetadataRecord::FenceBroker { node_id: b.node_id });
                    }
                }
            }
            if s.auto_leader_rebalance && now >= next_rebalance {
                next_rebalance = now + s.imbalance_interval;
                let fenced = image.fenced();
                for t in image.topics.values() {
                    for (i, p) in t.partitions.iter().enumerate() {
                        if let Some(preferred) = election::preferred_leader_election(p, &fenced) {
                            info!(topic = %t.name, partition = i, leader = preferred, "preferred leader election");
                            records.push(MetadataRecord::ElectPreferred {
                                topic: t.name.clone(),
                                partition: i as i32,
                            });
                        }
                    }
                }
            }
            if !records.is_empty() {
                if let Err(e) = self.commit(records).await {
                    warn!(error = %e, "cannot commit broker liveness changes");
                }
            }
        }
    }

    /// How many voters the metadata quorum has (the expected cluster size).
    pub fn voter_count(&self) -> usize {
        let metrics = self.member.raft.metrics();
        let m = metrics.borrow();
        m.membership_config.membership().voter_ids().count()
    }

    pub fn node_id(&self) -> i32 {
        self.node_id
    }

    /// Receive every new image. The current one is available at once.
    pub fn subscribe(&self) -> watch::Receiver<Arc<MetadataImage>> {
        self.images.clone()
    }

    pub fn image(&self) -> Arc<MetadataImage> {
        self.images.borrow().clone()
    }

    /// The active controller (the Raft leader), or -1 while an election runs.
    pub async fn controller_id(&self) -> i32 {
        self.member.leader().await.map_or(-1, |id| id as i32)
    }

    /// Commit records in order; returns the image version that includes the last.
    async fn commit(&self, records: Vec<MetadataRecord>) -> Result<u64, Error> {
        let mut offset = 0;
        for r in records {
            offset = network::write(&self.member.raft, &self.member.security, r).await?;
        }
        // Applied locally before answering, so this node's next read sees the change.
        let mut rx = self.images.clone();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            rx.wait_for(|img| img.offset >= offset),
        )
        .await;
        Ok(offset)
    }

    /// Create a topic. Returns the metadata offset at which it exists.
    pub async fn create_topic(&self, t: NewTopic, validate_only: bool) -> Result<u64, Error> {
        validate_topic_name(&t.name)?;
        topic_config::validate_all(&t.configs)?;
        let image = self.image();
        if image.topics.contains_key(&t.name) {
            return Err(Error::TopicExists(t.name));
        }
        let brokers = image.live_brokers();
        let assignments = match t.assignments {
            Some(a) if !a.is_empty() => {
                placement::validate_assignment(&a, &brokers)?;
                a
            }
            _ => {
                let start = image.topics.len() as i32;
                placement::assign(t.partitions, t.replication_factor, &brokers, start)?
            }
        };
        if validate_only {
            return Ok(image.offset);
        }
        let topic_id = Uuid::new_v4();
        let record = MetadataRecord::CreateTopic {
            name: t.name.clone(),
            topic_id: topic_id.to_string(),
            assignments,
            configs: t.configs,
        };
        let offset = self.commit(vec![record]).await?;
        // Another node may have created the same name first; its record won.
        if self
            .image()
            .topic(&t.name)
            .is_some_and(|existing| existing.topic_id != topic_id)
        {
            return Err(Error::TopicExists(t.name));
        }
        info!(topic = %t.name, partitions = t.partitions, "created topic");
        Ok(offset)
    }

    /// Grow a topic to `total` partitions.
    pub async fn create_partitions(
        &self,
        name: &str,
        total: i32,
        validate_only: bool,
    ) -> Result<u64, Error> {
        let image = self.image();
        let topic = image
            .topic(name)
            .ok_or_else(|| Error::UnknownTopic(name.to_string()))?;
        let current = topic.partitions.len();
        if total as i64 <= current as i64 {
            return Err(Error::PartitionsNotIncreased {
                current,
                requested: total,
            });
        }
        let rf = topic.partitions.first().map_or(1, |p| p.replicas.len()) as i32;
        let brokers = image.live_brokers();
        let assignments = placement::assign(total - current as i32, rf, &brokers, current as i32)?;
        if validate_only {
            return Ok(image.offset);
        }
        self.commit(vec![MetadataRecord::CreatePartitions {
            name: name.to_string(),
            assignments,
        }])
        .await
    }

    pub async fn delete_topic(&self, name: &str) -> Result<u64, Error> {
        if !self.image().topics.contains_key(name) {
            return Err(Error::UnknownTopic(name.to_string()));
        }
        let offset = self
            .commit(vec![MetadataRecord::DeleteTopic {
                name: name.to_string(),
            }])
            .await?;
        info!(topic = %name, "deleted topic");
        Ok(offset)
    }

    /// Replace the dynamic configs of a resource: a topic's overrides
    /// (`resource_type` 2, validated here, as CreateTopics validates them), or the
    /// dynamic configs of one broker or of all (4; the broker checks the keys).
    pub async fn alter_configs(
        &self,
        resource_type: i8,
        name: &str,
        configs: BTreeMap<String, String>,
        validate_only: bool,
    ) -> Result<u64, Error> {
        if resource_type == image::RESOURCE_TOPIC {
            // As Kafka: the values first, then whether the topic exists.
            topic_config::validate_all(&configs)?;
            if self.image().topic(name).is_none() {
                return Err(Error::UnknownTopic(name.to_string()));
            }
        }
        if validate_only {
            return Ok(self.image().offset);
        }
        self.commit(vec![MetadataRecord::AlterConfigs {
            resource_type,
            name: name.to_string(),
            configs,
        }])
        .await
    }

    /// Add ACLs, all in one record.
    pub async fn create_acls(
        &self,
        acls: Vec<crate::security::acl::AclBinding>,
    ) -> Result<u64, Error> {
        self.commit(vec![MetadataRecord::CreateAcls { acls }]).await
    }

    /// Remove ACLs, all in one record.
    pub async fn delete_acls(
        &self,
        acls: Vec<crate::security::acl::AclBinding>,
    ) -> Result<u64, Error> {
        self.commit(vec![MetadataRecord::DeleteAcls { acls }]).await
    }

    /// Create, replace or delete SCRAM credentials, all in one record.
    pub async fn alter_scram(
        &self,
        upsert: Vec<records::ScramRecord>,
        delete: Vec<(String, i8)>,
    ) -> Result<u64, Error> {
        self.commit(vec![MetadataRecord::AlterScram { upsert, delete }])
            .await
    }

    /// A producer id never handed out before, on any node, also across restarts.
    pub async fn allocate_producer_id(&self) -> Result<i64, Error> {
        let mut ids = self.producer_ids.lock().await;
        if ids.0 >= ids.1 {
            self.commit(vec![MetadataRecord::AllocateProducerIds {
                node_id: self.node_id,
                count: PRODUCER_ID_BLOCK,
            }])
            .await?;
            let block = self
                .image()
                .producer_blocks
                .get(&self.node_id)
                .copied()
                .ok_or_else(|| {
                    Error::Write(network::WriteError::Unavailable(
                        "producer-id block not applied".into(),
                    ))
                })?;
            *ids = block;
        }
        let id = ids.0;
        ids.0 += 1;
        Ok(id)
    }

    /// Leave the quorum (on shutdown): stop Raft and the quorum port.
    pub async fn shutdown(&self) {
        let _ = self.member.raft.shutdown().await;
        self.member.stop_serving();
    }
}

/// A Kafka-style cluster id: 22 characters of URL-safe base64 of a random UUID.
fn new_cluster_id() -> String {
    crate::format::uuid_to_base64(Uuid::new_v4())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn topic(name: &str, partitions: i32, rf: i32) -> NewTopic {
        NewTopic {
            name: name.into(),
            partitions,
            replication_factor: rf,
            assignments: None,
            configs: BTreeMap::new(),
        }
    }

    /// A single-node controller in `dir` (its own quorum of one).
    pub async fn single(dir: &Path) -> Arc<Controller> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let settings = QuorumSettings {
            listener,
            voters: BTreeMap::from([(1u64, addr)]),
            security: None,
        };
        let c = Controller::start(dir, 1, settings).await.unwrap();
        c.register("127.0.0.1", 9092, Vec::new()).await.unwrap();
        c
    }

    #[tokio::test]
    async fn survives_restart_and_keeps_cluster_id() {
        let dir = tempfile::tempdir().unwrap();
        let c = single(dir.path()).await;
        c.create_topic(topic("a", 3, 1), false).await.unwrap();
        let pid = c.allocate_producer_id().await.unwrap();
        let cluster = c.image().cluster_id.clone();
        assert_eq!(cluster.len(), 22);
        assert_eq!(c.controller_id().await, 1);
        c.shutdown().await;
        drop(c);
        let c = single(dir.path()).await;
        let img = c.image();
        assert_eq!(img.cluster_id, cluster);
        assert_eq!(img.topic("a").unwrap().partitions.len(), 3);
        assert!(c.allocate_producer_id().await.unwrap() > pid);
        c.shutdown().await;
    }

    #[tokio::test]
    async fn kafka_errors_for_bad_requests() {
        let dir = tempfile::tempdir().unwrap();
        let c = single(dir.path()).await;
        c.create_topic(topic("a", 1, 1), false).await.unwrap();
        let e = c.create_topic(topic("a", 1, 1), false).await.unwrap_err();
        assert_eq!(e.code(), ResponseError::TopicAlreadyExists);
        assert_eq!(e.to_string(), "Topic 'a' already exists.");
        let e = c.create_topic(topic("b", 1, 3), false).await.unwrap_err();
        assert_eq!(e.code(), ResponseError::InvalidReplicationFactor);
        let e = c
            .create_topic(topic("bad name", 1, 1), false)
            .await
            .unwrap_err();
        assert_eq!(e.code(), ResponseError::InvalidTopicException);
        assert_eq!(
            c.delete_topic("zzz").await.unwrap_err().code(),
            ResponseError::UnknownTopicOrPartition
        );
        let mut t = topic("c", 1, 1);
        t.configs.insert("nope".into(), "1".into());
        assert_eq!(
            c.create_topic(t, false).await.unwrap_err().code(),
            ResponseError::InvalidConfig
        );
        c.shutdown().await;
    }
}
