//! Reconciles local replicas with the metadata image: opens logs for partitions
//! assigned to this node, makes it leader where the image says so, applies topic
//! configs, and deletes the logs of topics that are gone. Owns the node's
//! replication tasks (following the image, the fetchers, and the background work
//! in [`super::background`]) from [`ReplicaManager::start`] to
//! [`ReplicaManager::shutdown`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tracing::{info, warn};
use uuid::Uuid;

use super::fetcher::Fetchers;
use super::partition::{Partition, PartitionConfig};
use crate::controller::topic_config;
use crate::controller::{Controller, MetadataImage, TopicImage};
use crate::protocol::TopicPartition;
use crate::storage::LogConfig;

/// The broker settings replication runs on (Kafka's names in the comments).
#[derive(Debug, Clone)]
pub struct ReplicationSettings {
    /// `replica.lag.time.max.ms`
    pub replica_lag_time_max: Duration,
    /// `replica.high.watermark.checkpoint.interval.ms`
    pub high_watermark_checkpoint_interval: Duration,
    /// `log.retention.check.interval.ms`
    pub retention_check_interval: Duration,
    /// Broker-level defaults of topic configs, under topic config names.
    pub topic_defaults: BTreeMap<String, String>,
    /// How followers reach leaders: the inter-broker listener's security.
    pub inter_broker: crate::client::Security,
}

impl Default for ReplicationSettings {
    fn default() -> Self {
        ReplicationSettings {
            replica_lag_time_max: Duration::from_secs(30),
            high_watermark_checkpoint_interval: Duration::from_secs(5),
            retention_check_interval: Duration::from_secs(300),
            topic_defaults: BTreeMap::new(),
            inter_broker: crate::client::Security::default(),
        }
    }
}

/// File in each partition directory naming the topic id it belongs to, so a topic
/// re-created under the same name never picks up the old data.
const PARTITION_METADATA: &str = "partition.metadata";

pub struct ReplicaManager {
    node_id: i32,
    data_dir: PathBuf,
    pub(super) settings: ReplicationSettings,
    partitions: RwLock<HashMap<TopicPartition, Arc<Partition>>>,
    applied: watch::Sender<u64>,
    fetchers: Arc<Fetchers>,
    /// Woken when a follower earns its place back in an ISR.
    pub(super) isr_wakeup: Notify,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

fn parse_i64(v: Option<&str>, fallback: i64) -> i64 {
    v.and_then(|s| s.parse().ok()).unwrap_or(fallback)
}

impl ReplicaManager {
    pub fn new(node_id: i32, data_dir: &Path, settings: ReplicationSettings) -> Arc<Self> {
        let (applied, _) = watch::channel(0);
        let fetchers = Fetchers::new(node_id, settings.inter_broker.clone());
        Arc::new(ReplicaManager {
            node_id,
            data_dir: data_dir.to_path_buf(),
            settings,
            partitions: RwLock::new(HashMap::new()),
            applied,
            fetchers,
            isr_wakeup: Notify::new(),
            tasks: Mutex::new(Vec::new()),
        })
    }

    /// The leader of `part` saw follower `replica` fetch from `fetch_offset` (the
    /// fetch handler reports this and nothing more; the ISR task does the rest).
    pub fn follower_fetched(
        &self,
        part: &Partition,
        replica: i32,
        fetch_offset: i64,
        log_start_offset: i64,
    ) {
        if part.update_follower(
            replica,
            fetch_offset,
            log_start_offset,
            self.settings.replica_lag_time_max,
        ) {
            self.isr_wakeup.notify_one();
        }
    }

    pub fn get(&self, topic: &str, partition: i32) -> Option<Arc<Partition>> {
        let tp = TopicPartition::new(topic, partition);
        self.partitions
            .read()
            .expect("partitions lock poisoned")
            .get(&tp)
            .cloned()
    }

    pub fn all(&self) -> Vec<Arc<Partition>> {
        self.partitions
            .read()
            .expect("partitions lock poisoned")
            .values()
            .cloned()
            .collect()
    }

    /// The partition settings in force for `topic` under `image`'s dynamic broker
    /// configs.
    pub fn config_for(&self, topic: &TopicImage, image: &MetadataImage) -> PartitionConfig {
        let defaults = image.broker_defaults(self.node_id, &self.settings.topic_defaults);
        let get = |name: &str| topic_config::effective(&topic.configs, &defaults, name);
        let flush = parse_i64(get("flush.messages"), i64::MAX);
        PartitionConfig {
            log: LogConfig {
                segment_bytes: parse_i64(get("segment.bytes"), 1 << 30).max(1024) as u64,
                segment_ms: parse_i64(get("segment.ms"), 604_800_000),
                index_interval_bytes: parse_i64(get("index.interval.bytes"), 4096).max(1) as u64,
                retention_ms: parse_i64(get("retention.ms"), 604_800_000),
                retention_bytes: parse_i64(get("retention.bytes"), -1),
                flush_messages: if flush == i64::MAX || flush <= 0 {
                    0
                } else {
                    flush as u64
                },
            },
            max_message_bytes: parse_i64(get("max.message.bytes"), 1_048_588).max(1) as usize,
            min_insync_replicas: parse_i64(get("min.insync.replicas"), 1).max(1) as usize,
            log_append_time: get("message.timestamp.type") == Some("LogAppendTime"),
        }
    }

    fn partition_dir(&self, tp: &TopicPartition) -> PathBuf {
        self.data_dir.join(format!("{}-{}", tp.topic, tp.partition))
    }

    fn open_partition(
        &self,
        tp: &TopicPartition,
        topic: &TopicImage,
        image: &MetadataImage,
    ) -> Option<Arc<Partition>> {
        let dir = self.partition_dir(tp);
        let marker = dir.join(PARTITION_METADATA);
        let want = topic.topic_id.to_string();
        match std::fs::read_to_string(&marker) {
            Ok(id) if id.trim() == want => {}
            Ok(_) => {
                warn!(partition = %tp, "removing data of an older topic with the same name");
                let _ = std::fs::remove_dir_all(&dir);
            }
            Err(_) => {}
        }
        if let Err(e) =
            std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&marker, format!("{want}\n")))
        {
            warn!(partition = %tp, error = %e, "cannot create partition directory");
            return None;
        }
        match Partition::open(
            tp.clone(),
            topic.topic_id,
            &dir,
            self.config_for(topic, image),
            self.node_id,
        ) {
            Ok(p) => Some(p),
            Err(e) => {
                warn!(partition = %tp, error = %e, "cannot open partition log");
                None
            }
        }
    }

    /// Bring local replicas in line with `image`.
    pub fn apply_image(&self, image: &MetadataImage) {
        let mut wanted: HashMap<TopicPartition, Uuid> = HashMap::new();
        for topic in image.topics.values() {
            for (i, p) in topic.partitions.iter().enumerate() {
                if !p.replicas.contains(&self.node_id) {
                    continue;
                }
                let tp = TopicPartition::new(topic.name.clone(), i as i32);
                wanted.insert(tp.clone(), topic.topic_id);
                let existing = self.get(&tp.topic, tp.partition);
                let part = match existing {
                    Some(part) if part.topic_id == topic.topic_id => {
                        part.set_config(self.config_for(topic, image));
                        part
                    }
                    _ => {
                        let Some(part) = self.open_partition(&tp, topic, image) else {
                            continue;
                        };
                        self.partitions
                            .write()
                            .expect("partitions lock poisoned")
                            .insert(tp.clone(), part.clone());
                        part
                    }
                };
                if p.leader == self.node_id {
                    if !part.is_leader() || part.leader_epoch() != p.leader_epoch {
                        self.fetchers.remove(&tp);
                        part.become_leader(p.leader_epoch, p.isr.clone(), &p.replicas);
                        info!(partition = %tp, leader_epoch = p.leader_epoch, "became leader");
                    } else if part.isr() != p.isr {
                        part.set_isr(p.isr.clone());
                    }
                } else {
                    if part.is_leader()
                        || part.leader_epoch() != p.leader_epoch
                        || part.leader_id() != p.leader
                    {
                        part.become_follower(p.leader, p.leader_epoch);
                        info!(partition = %tp, leader = p.leader, leader_epoch = p.leader_epoch, "following");
                    }
                    self.fetchers.assign(part.clone(), p.leader, p.leader_epoch);
                }
            }
        }
        let stale: Vec<Arc<Partition>> = {
            let mut map = self.partitions.write().expect("partitions lock poisoned");
            let gone: Vec<TopicPartition> = map
                .iter()
                .filter(|(tp, p)| wanted.get(*tp) != Some(&p.topic_id))
                .map(|(tp, _)| tp.clone())
                .collect();
            gone.iter().filter_map(|tp| map.remove(tp)).collect()
        };
        for part in stale {
            let tp = part.tp.clone();
            self.fetchers.remove(&tp);
            if let Err(e) = part.delete() {
                warn!(partition = %tp, error = %e, "cannot delete partition data");
            } else {
                info!(partition = %tp, "deleted partition data");
            }
        }
        self.remove_stray_dirs(&wanted);
        self.applied.send_replace(image.offset);
    }

    /// Directories of partitions this node no longer hosts (deleted while it was down).
    fn remove_stray_dirs(&self, wanted: &HashMap<TopicPartition, Uuid>) {
        let Ok(entries) = std::fs::read_dir(&self.data_dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.join(PARTITION_METADATA).exists() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().to_string();
            let Some((topic, part)) = name.rsplit_once('-') else {
                continue;
            };
            let Ok(partition) = part.parse::<i32>() else {
                continue;
            };
            if !wanted.contains_key(&TopicPartition::new(topic, partition)) {
                info!(dir = %path.display(), "removing data of a deleted partition");
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }

    /// Follow the controller's images and run the background work (ISR changes
    /// through `controller`, checkpoints, retention) until [`Self::shutdown`].
    pub async fn start(self: &Arc<Self>, controller: Arc<Controller>) {
        let mut rx = controller.subscribe();
        self.fetchers.set_images(rx.clone());
        let first = rx.borrow_and_update().clone();
        let me = self.clone();
        // Opening logs does file I/O; keep it off the async workers.
        let _ = tokio::task::spawn_blocking(move || me.apply_image(&first)).await;
        let me = self.clone();
        let follow = tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                let image = rx.borrow_and_update().clone();
                let me = me.clone();
                let _ = tokio::task::spawn_blocking(move || me.apply_image(&image)).await;
            }
        });
        let mut tasks = super::background::spawn(self.clone(), controller);
        tasks.push(follow);
        self.tasks
            .lock()
            .expect("tasks lock poisoned")
            .extend(tasks);
    }

    /// Stop every replication task and fetcher, then fsync every log and
    /// checkpoint its high watermark.
    pub async fn shutdown(self: &Arc<Self>) {
        let tasks = std::mem::take(&mut *self.tasks.lock().expect("tasks lock poisoned"));
        for t in &tasks {
            t.abort();
        }
        for t in tasks {
            let _ = t.await;
        }
        self.fetchers.shutdown().await;
        let me = self.clone();
        let _ = tokio::task::spawn_blocking(move || me.flush_all()).await;
    }

    /// Wait until an image at least as new as `offset` has been applied locally.
    pub async fn wait_applied(&self, offset: u64, timeout: Duration) -> bool {
        let mut rx = self.applied.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|v| *v >= offset))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// fsync every log and checkpoint its high watermark (blocking).
    pub fn flush_all(&self) {
        for p in self.all() {
            if let Err(e) = p.flush() {
                warn!(partition = %p.tp, error = %e, "flush failed");
            }
        }
    }
}
