//! The metadata controller: owns the metadata log, decides topic creation/deletion,
//! replica placement and producer-id allocation, and publishes the resulting
//! [`MetadataImage`] to the rest of the node through a watch channel.
//!
//! Today the metadata log is a local file (one voter: this node). The replicated
//! quorum replaces `MetadataLog` without changing the handle's API. Must not depend
//! on the broker, replication or group modules.

pub mod image;
pub mod network;
pub mod placement;
pub mod quorum;
pub mod raft;
pub mod records;
pub mod topic_config;

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use tracing::{info, warn};
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
    #[error("{0}")]
    Placement(#[from] placement::PlacementError),
    #[error("Topic name '{name}' is illegal: {reason}")]
    InvalidTopic { name: String, reason: String },
    #[error("{0}")]
    Config(#[from] topic_config::ConfigError),
    #[error(
        "Topic currently has {current} partitions, which is higher than the requested {requested}."
    )]
    PartitionsNotIncreased { current: usize, requested: i32 },
    #[error("metadata log {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The Kafka error code a broker sends for this failure.
    pub fn code(&self) -> ResponseError {
        match self {
            Error::TopicExists(_) => ResponseError::TopicAlreadyExists,
            Error::UnknownTopic(_) => ResponseError::UnknownTopicOrPartition,
            Error::Placement(placement::PlacementError::BadPartitions) => {
                ResponseError::InvalidPartitions
            }
            Error::Placement(_) => ResponseError::InvalidReplicationFactor,
            Error::InvalidTopic { .. } => ResponseError::InvalidTopicException,
            Error::Config(_) => ResponseError::InvalidConfig,
            Error::PartitionsNotIncreased { .. } => ResponseError::InvalidPartitions,
            Error::Io { .. } => ResponseError::UnknownServerError,
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

struct MetadataLog {
    path: PathBuf,
    file: File,
}

impl MetadataLog {
    fn io(&self) -> impl FnOnce(std::io::Error) -> Error + '_ {
        |source| Error::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Durably append records (fsync before returning: metadata must survive a crash).
    fn append(&mut self, records: &[MetadataRecord]) -> Result<(), Error> {
        let mut buf = Vec::new();
        for r in records {
            serde_json::to_writer(&mut buf, r).expect("records serialize");
            buf.push(b'\n');
        }
        self.file.write_all(&buf).map_err(self.io())?;
        self.file.sync_data().map_err(self.io())
    }
}

struct Inner {
    image: MetadataImage,
    log: MetadataLog,
    /// Next producer id to hand out and the end of the block reserved in the log.
    next_producer_id: i64,
    producer_id_block_end: i64,
}

/// Handle to the controller, shared by every connection of the node.
pub struct Controller {
    node_id: i32,
    inner: Mutex<Inner>,
    tx: watch::Sender<Arc<MetadataImage>>,
}

impl Controller {
    /// Open the metadata log in `data_dir` (creating it with a fresh cluster id),
    /// replay it into an image, and register this broker's address.
    pub fn open(data_dir: &Path, node_id: i32, host: &str, port: i32) -> Result<Arc<Self>, Error> {
        let path = data_dir.join("metadata.log");
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let mut image = MetadataImage {
            controller_id: node_id,
            ..MetadataImage::default()
        };
        let mut valid_len: u64 = 0;
        if path.exists() {
            let reader = BufReader::new(File::open(&path).map_err(io)?);
            for line in reader.split(b'\n') {
                let line = line.map_err(io)?;
                match serde_json::from_slice::<MetadataRecord>(&line) {
                    Ok(rec) => {
                        image.apply(&rec);
                        valid_len += line.len() as u64 + 1;
                    }
                    Err(e) => {
                        warn!(path = %path.display(), error = %e, "ignoring torn metadata record at the end of the log");
                        break;
                    }
                }
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        if file.metadata().map_err(io)?.len() > valid_len {
            file.set_len(valid_len).map_err(io)?;
        }
        let next_producer_id = image.next_producer_id;
        let (tx, _) = watch::channel(Arc::new(image.clone()));
        let controller = Arc::new(Controller {
            node_id,
            inner: Mutex::new(Inner {
                image,
                log: MetadataLog { path, file },
                next_producer_id,
                producer_id_block_end: next_producer_id,
            }),
            tx,
        });
        let mut records = Vec::new();
        {
            let inner = controller.lock();
            if inner.image.cluster_id.is_empty() {
                records.push(MetadataRecord::Cluster {
                    cluster_id: new_cluster_id(),
                });
            }
            let current = inner.image.brokers.get(&node_id);
            if current.is_none_or(|b| b.host != host || b.port != port) {
                records.push(MetadataRecord::RegisterBroker {
                    node_id,
                    host: host.to_string(),
                    port,
                });
            }
        }
        if !records.is_empty() {
            controller.commit(records)?;
        }
        Ok(controller)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("controller lock poisoned")
    }

    pub fn node_id(&self) -> i32 {
        self.node_id
    }

    /// Receive every new image. The current one is available at once.
    pub fn subscribe(&self) -> watch::Receiver<Arc<MetadataImage>> {
        self.tx.subscribe()
    }

    pub fn image(&self) -> Arc<MetadataImage> {
        self.tx.borrow().clone()
    }

    fn commit(&self, records: Vec<MetadataRecord>) -> Result<u64, Error> {
        let mut inner = self.lock();
        inner.log.append(&records)?;
        for r in &records {
            inner.image.apply(r);
        }
        let offset = inner.image.offset;
        self.tx.send_replace(Arc::new(inner.image.clone()));
        Ok(offset)
    }

    /// Create a topic. Returns the metadata offset at which it exists.
    pub fn create_topic(&self, t: NewTopic, validate_only: bool) -> Result<u64, Error> {
        validate_topic_name(&t.name)?;
        topic_config::validate_all(&t.configs)?;
        let image = self.image();
        if image.topics.contains_key(&t.name) {
            return Err(Error::TopicExists(t.name));
        }
        let brokers: Vec<i32> = image.brokers.keys().copied().collect();
        let assignments = match t.assignments {
            Some(a) if !a.is_empty() => a,
            _ => {
                let start = image.topics.len() as i32;
                placement::assign(t.partitions, t.replication_factor, &brokers, start)?
            }
        };
        if validate_only {
            return Ok(image.offset);
        }
        let record = MetadataRecord::CreateTopic {
            name: t.name.clone(),
            topic_id: Uuid::new_v4().to_string(),
            assignments,
            configs: t.configs,
        };
        let offset = self.commit(vec![record])?;
        info!(topic = %t.name, partitions = t.partitions, "created topic");
        Ok(offset)
    }

    /// Grow a topic to `total` partitions.
    pub fn create_partitions(
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
        let brokers: Vec<i32> = image.brokers.keys().copied().collect();
        let assignments = placement::assign(total - current as i32, rf, &brokers, current as i32)?;
        if validate_only {
            return Ok(image.offset);
        }
        self.commit(vec![MetadataRecord::CreatePartitions {
            name: name.to_string(),
            assignments,
        }])
    }

    pub fn delete_topic(&self, name: &str) -> Result<u64, Error> {
        if !self.image().topics.contains_key(name) {
            return Err(Error::UnknownTopic(name.to_string()));
        }
        let offset = self.commit(vec![MetadataRecord::DeleteTopic {
            name: name.to_string(),
        }])?;
        info!(topic = %name, "deleted topic");
        Ok(offset)
    }

    /// A producer id never handed out before, also across restarts.
    pub fn allocate_producer_id(&self) -> Result<i64, Error> {
        let mut inner = self.lock();
        if inner.next_producer_id >= inner.producer_id_block_end {
            let end = inner.next_producer_id + PRODUCER_ID_BLOCK;
            let rec = MetadataRecord::ProducerIds {
                next_producer_id: end,
            };
            inner.log.append(std::slice::from_ref(&rec))?;
            inner.image.apply(&rec);
            inner.producer_id_block_end = end;
            self.tx.send_replace(Arc::new(inner.image.clone()));
        }
        let id = inner.next_producer_id;
        inner.next_producer_id += 1;
        Ok(id)
    }
}

/// A Kafka-style cluster id: 22 characters of URL-safe base64 of a random UUID.
fn new_cluster_id() -> String {
    uuid_to_base64(Uuid::new_v4())
}

/// URL-safe base64 without padding, as Kafka prints topic ids and cluster ids.
pub fn uuid_to_base64(id: Uuid) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = id.as_bytes();
    let mut out = String::with_capacity(22);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(ALPHABET[((acc >> bits) & 63) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (6 - bits)) & 63) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn survives_reopen_and_keeps_cluster_id() {
        let dir = tempfile::tempdir().unwrap();
        let c = Controller::open(dir.path(), 1, "127.0.0.1", 9092).unwrap();
        c.create_topic(topic("a", 3, 1), false).unwrap();
        let pid = c.allocate_producer_id().unwrap();
        let cluster = c.image().cluster_id.clone();
        assert_eq!(cluster.len(), 22);
        drop(c);
        let c = Controller::open(dir.path(), 1, "127.0.0.1", 9092).unwrap();
        let img = c.image();
        assert_eq!(img.cluster_id, cluster);
        assert_eq!(img.topic("a").unwrap().partitions.len(), 3);
        assert!(c.allocate_producer_id().unwrap() > pid);
    }

    #[test]
    fn kafka_errors_for_bad_requests() {
        let dir = tempfile::tempdir().unwrap();
        let c = Controller::open(dir.path(), 1, "127.0.0.1", 9092).unwrap();
        c.create_topic(topic("a", 1, 1), false).unwrap();
        let e = c.create_topic(topic("a", 1, 1), false).unwrap_err();
        assert_eq!(e.code(), ResponseError::TopicAlreadyExists);
        assert_eq!(e.to_string(), "Topic 'a' already exists.");
        let e = c.create_topic(topic("b", 1, 3), false).unwrap_err();
        assert_eq!(e.code(), ResponseError::InvalidReplicationFactor);
        let e = c.create_topic(topic("bad name", 1, 1), false).unwrap_err();
        assert_eq!(e.code(), ResponseError::InvalidTopicException);
        assert_eq!(
            c.delete_topic("zzz").unwrap_err().code(),
            ResponseError::UnknownTopicOrPartition
        );
        let mut t = topic("c", 1, 1);
        t.configs.insert("nope".into(), "1".into());
        assert_eq!(
            c.create_topic(t, false).unwrap_err().code(),
            ResponseError::InvalidConfig
        );
    }

    #[test]
    fn torn_metadata_tail_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let c = Controller::open(dir.path(), 1, "h", 1).unwrap();
        c.create_topic(topic("a", 1, 1), false).unwrap();
        drop(c);
        let path = dir.path().join("metadata.log");
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"type\":\"create_to").unwrap();
        drop(f);
        let c = Controller::open(dir.path(), 1, "h", 1).unwrap();
        assert!(c.image().topic("a").is_some());
        c.create_topic(topic("b", 1, 1), false).unwrap();
        drop(c);
        let c = Controller::open(dir.path(), 1, "h", 1).unwrap();
        assert!(c.image().topic("b").is_some());
    }

    #[test]
    fn base64_uuid() {
        let id = Uuid::from_u128(0);
        assert_eq!(uuid_to_base64(id), "AAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(uuid_to_base64(Uuid::from_u128(u128::MAX)).len(), 22);
    }
}
