//! The metadata quorum on openraft: type config, a durable log store (JSON lines,
//! fsynced) and the state machine that applies metadata records to the
//! [`MetadataImage`] and publishes each new image. Only the controller module names
//! openraft types.
//!
//! Contract with openraft (`RaftLogStorage`): a vote or appended entries are on disk
//! (fsync) before the call reports completion; writes are applied in call order.
//! Writes run on blocking threads. A failed write is cut off again, so the file
//! never holds a torn line before later ones; a full disk is waited out (the node
//! stops taking part in the quorum until there is room, then goes on) rather than
//! reported, because openraft treats any storage error as fatal for good.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Cursor, Write};
use std::ops::RangeBounds;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use openraft::storage::{LogFlushed, LogState, RaftLogStorage, RaftStateMachine, Snapshot};
use openraft::{
    BasicNode, Entry, EntryPayload, LogId, OptionalSend, RaftLogReader, RaftSnapshotBuilder,
    SnapshotMeta, StorageError, StorageIOError, StoredMembership, Vote,
};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::image::MetadataImage;
use super::records::MetadataRecord;

openraft::declare_raft_types!(
    /// Raft types of the metadata quorum: entries carry metadata records; applying one
    /// answers the image version (`MetadataImage::offset`) that includes it.
    pub TypeConfig:
        D = MetadataRecord,
        R = u64,
        NodeId = u64,
        Node = BasicNode,
);

pub type NodeId = u64;
pub type MetadataRaft = openraft::Raft<TypeConfig>;

fn io_err(e: impl std::error::Error + 'static) -> StorageError<NodeId> {
    StorageIOError::write(&e).into()
}

#[derive(Default)]
struct LogInner {
    vote: Option<Vote<NodeId>>,
    committed: Option<LogId<NodeId>>,
    last_purged: Option<LogId<NodeId>>,
    entries: BTreeMap<u64, Entry<TypeConfig>>,
}

/// One line of the log file: entries and the bookkeeping that moves the log's bounds.
#[derive(Serialize, Deserialize)]
enum LogLine {
    Entry(Entry<TypeConfig>),
    /// Entries at or after this index were removed (a new leader overwrote them).
    Truncate(u64),
    /// Entries up to and including this id were purged (covered by a snapshot).
    Purge(LogId<NodeId>),
}

/// The Raft log and vote of this node, under `<dir>/raft/`.
#[derive(Clone)]
pub struct LogStore {
    dir: PathBuf,
    inner: Arc<Mutex<LogInner>>,
    file: Arc<Mutex<File>>,
}

impl LogStore {
    pub fn open(dir: &Path) -> std::io::Result<LogStore> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("log.jsonl");
        let mut inner = LogInner::default();
        if path.exists() {
            for line in BufReader::new(File::open(&path)?).lines() {
                let line = line?;
                // A torn last line (crash mid-write) was never acknowledged: stop there.
                let Ok(parsed) = serde_json::from_str::<LogLine>(&line) else {
                    break;
                };
                match parsed {
                    LogLine::Entry(e) => {
                        inner.entries.insert(e.log_id.index, e);
                    }
                    LogLine::Truncate(index) => {
                        inner.entries.split_off(&index);
                    }
                    LogLine::Purge(id) => {
                        inner.entries = inner.entries.split_off(&(id.index + 1));
                        inner.last_purged = Some(id);
                    }
                }
            }
        }
        if let Ok(text) = std::fs::read_to_string(dir.join("vote.json")) {
            inner.vote = serde_json::from_str(&text).ok();
        }
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(LogStore {
            dir: dir.to_path_buf(),
            inner: Arc::new(Mutex::new(inner)),
            file: Arc::new(Mutex::new(file)),
        })
    }

    async fn write_lines(&self, lines: &[LogLine]) -> std::io::Result<()> {
        let mut buf = Vec::new();
        for l in lines {
            serde_json::to_writer(&mut buf, l).map_err(std::io::Error::other)?;
            buf.push(b'\n');
        }
        let buf = Arc::new(buf);
        let file = self.file.clone();
        until_written(move || {
            let mut f = file.lock().expect("raft log file lock");
            let len = f.metadata()?.len();
            let result = f.write_all(&buf).and_then(|_| f.sync_data());
            if result.is_err() {
                // What reached the file of a failed write goes again: the next write
                // (the file is in append mode) starts at the old end.
                f.set_len(len)?;
            }
            result
        })
        .await
    }
}

/// A full disk (or quota): waited out, not reported.
fn out_of_space(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    ) || e.raw_os_error() == Some(libc::ENOSPC)
}

/// Run the blocking write `write` on a blocking thread until it succeeds or fails
/// for another reason than a full disk; a full disk is logged once and retried
/// every half second.
async fn until_written(
    write: impl Fn() -> std::io::Result<()> + Send + Sync + 'static,
) -> std::io::Result<()> {
    let write = Arc::new(write);
    let mut warned = false;
    loop {
        let w = write.clone();
        let result = tokio::task::spawn_blocking(move || w())
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        match result {
            Err(e) if out_of_space(&e) => {
                if !warned {
                    tracing::warn!(error = %e, "the metadata log's disk is full; this node waits for space before it takes part in the quorum again");
                    warned = true;
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            other => {
                if warned && other.is_ok() {
                    tracing::warn!("the metadata log's disk has room again");
                }
                return other;
            }
        }
    }
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + OptionalSend>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry<TypeConfig>>, StorageError<NodeId>> {
        let inner = self.inner.lock().expect("raft log lock");
        Ok(inner.entries.range(range).map(|(_, e)| e.clone()).collect())
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = LogStore;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError<NodeId>> {
        let inner = self.inner.lock().expect("raft log lock");
        let last = inner
            .entries
            .values()
            .next_back()
            .map(|e| e.log_id)
            .or(inner.last_purged);
        Ok(LogState {
            last_purged_log_id: inner.last_purged,
            last_log_id: last,
        })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote<NodeId>) -> Result<(), StorageError<NodeId>> {
        let dir = self.dir.clone();
        let text = serde_json::to_string(vote).map_err(io_err)?;
        until_written(move || {
            let tmp = dir.join("vote.json.tmp");
            let mut f = File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_data()?;
            std::fs::rename(&tmp, dir.join("vote.json"))
        })
        .await
        .map_err(io_err)?;
        self.inner.lock().expect("raft log lock").vote = Some(*vote);
        Ok(())
    }

    async fn read_vote(&mut self) -> Result<Option<Vote<NodeId>>, StorageError<NodeId>> {
        Ok(self.inner.lock().expect("raft log lock").vote)
    }

    async fn save_committed(
        &mut self,
        committed: Option<LogId<NodeId>>,
    ) -> Result<(), StorageError<NodeId>> {
        self.inner.lock().expect("raft log lock").committed = committed;
        Ok(())
    }

    async fn read_committed(&mut self) -> Result<Option<LogId<NodeId>>, StorageError<NodeId>> {
        Ok(self.inner.lock().expect("raft log lock").committed)
    }

    async fn append<I>(
        &mut self,
        entries: I,
        callback: LogFlushed<TypeConfig>,
    ) -> Result<(), StorageError<NodeId>>
    where
        I: IntoIterator<Item = Entry<TypeConfig>> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let entries: Vec<Entry<TypeConfig>> = entries.into_iter().collect();
        let lines: Vec<LogLine> = entries.iter().cloned().map(LogLine::Entry).collect();
        let result = self.write_lines(&lines).await;
        if result.is_ok() {
            let mut inner = self.inner.lock().expect("raft log lock");
            for e in entries {
                inner.entries.insert(e.log_id.index, e);
            }
        }
        let err = result
            .as_ref()
            .err()
            .map(|e| std::io::Error::new(e.kind(), e.to_string()));
        callback.log_io_completed(match err {
            None => Ok(()),
            Some(e) => Err(e),
        });
        result.map_err(io_err)
    }

    async fn truncate(&mut self, log_id: LogId<NodeId>) -> Result<(), StorageError<NodeId>> {
        self.write_lines(&[LogLine::Truncate(log_id.index)])
            .await
            .map_err(io_err)?;
        self.inner
            .lock()
            .expect("raft log lock")
            .entries
            .split_off(&log_id.index);
        Ok(())
    }

    async fn purge(&mut self, log_id: LogId<NodeId>) -> Result<(), StorageError<NodeId>> {
        self.write_lines(&[LogLine::Purge(log_id)])
            .await
            .map_err(io_err)?;
        let mut inner = self.inner.lock().expect("raft log lock");
        inner.entries = inner.entries.split_off(&(log_id.index + 1));
        inner.last_purged = Some(log_id);
        Ok(())
    }
}

#[derive(Serialize, Deserialize, Clone, Default)]
struct SmData {
    last_applied: Option<LogId<NodeId>>,
    membership: StoredMembership<NodeId, BasicNode>,
    /// The image as the records that build it (the image itself is not serialized).
    records: Vec<MetadataRecord>,
}

struct SmInner {
    data: SmData,
    image: MetadataImage,
    snapshot: Option<(SnapshotMeta<NodeId, BasicNode>, Vec<u8>)>,
}

/// Applies committed records to the metadata image and publishes every new image.
#[derive(Clone)]
pub struct StateMachine {
    inner: Arc<Mutex<SmInner>>,
    tx: Arc<watch::Sender<Arc<MetadataImage>>>,
}

impl StateMachine {
    /// `base` is the image before any record (node identity, controller id...).
    pub fn new(base: MetadataImage) -> (StateMachine, watch::Receiver<Arc<MetadataImage>>) {
        let (tx, rx) = watch::channel(Arc::new(base.clone()));
        (
            StateMachine {
                inner: Arc::new(Mutex::new(SmInner {
                    data: SmData::default(),
                    image: base,
                    snapshot: None,
                })),
                tx: Arc::new(tx),
            },
            rx,
        )
    }

    pub fn image(&self) -> Arc<MetadataImage> {
        self.tx.borrow().clone()
    }
}

impl RaftSnapshotBuilder<TypeConfig> for StateMachine {
    async fn build_snapshot(&mut self) -> Result<Snapshot<TypeConfig>, StorageError<NodeId>> {
        let mut inner = self.inner.lock().expect("state machine lock");
        let bytes = serde_json::to_vec(&inner.data).map_err(io_err)?;
        let meta = SnapshotMeta {
            last_log_id: inner.data.last_applied,
            last_membership: inner.data.membership.clone(),
            snapshot_id: format!("{}", inner.data.last_applied.map_or(0, |l| l.index)),
        };
        inner.snapshot = Some((meta.clone(), bytes.clone()));
        Ok(Snapshot {
            meta,
            snapshot: Box::new(Cursor::new(bytes)),
        })
    }
}

impl RaftStateMachine<TypeConfig> for StateMachine {
    type SnapshotBuilder = StateMachine;

    async fn applied_state(
        &mut self,
    ) -> Result<(Option<LogId<NodeId>>, StoredMembership<NodeId, BasicNode>), StorageError<NodeId>>
    {
        let inner = self.inner.lock().expect("state machine lock");
        Ok((inner.data.last_applied, inner.data.membership.clone()))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<u64>, StorageError<NodeId>>
    where
        I: IntoIterator<Item = Entry<TypeConfig>> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let mut out = Vec::new();
        let image = {
            let mut inner = self.inner.lock().expect("state machine lock");
            for e in entries {
                inner.data.last_applied = Some(e.log_id);
                match e.payload {
                    EntryPayload::Blank => {}
                    EntryPayload::Normal(rec) => {
                        inner.image.apply(&rec);
                        inner.data.records.push(rec);
                    }
                    EntryPayload::Membership(m) => {
                        inner.data.membership = StoredMembership::new(Some(e.log_id), m);
                    }
                }
                out.push(inner.image.offset);
            }
            Arc::new(inner.image.clone())
        };
        self.tx.send_replace(image);
        Ok(out)
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        self.clone()
    }

    async fn begin_receiving_snapshot(
        &mut self,
    ) -> Result<Box<Cursor<Vec<u8>>>, StorageError<NodeId>> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta<NodeId, BasicNode>,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError<NodeId>> {
        let bytes = snapshot.into_inner();
        let data: SmData = serde_json::from_slice(&bytes).map_err(io_err)?;
        let image = {
            let mut inner = self.inner.lock().expect("state machine lock");
            let mut image = MetadataImage {
                controller_id: inner.image.controller_id,
                ..MetadataImage::default()
            };
            for r in &data.records {
                image.apply(r);
            }
            inner.image = image;
            inner.data = data;
            inner.data.last_applied = meta.last_log_id;
            inner.data.membership = meta.last_membership.clone();
            inner.snapshot = Some((meta.clone(), bytes));
            Arc::new(inner.image.clone())
        };
        self.tx.send_replace(image);
        Ok(())
    }

    async fn get_current_snapshot(
        &mut self,
    ) -> Result<Option<Snapshot<TypeConfig>>, StorageError<NodeId>> {
        let inner = self.inner.lock().expect("state machine lock");
        Ok(inner.snapshot.as_ref().map(|(meta, bytes)| Snapshot {
            meta: meta.clone(),
            snapshot: Box::new(Cursor::new(bytes.clone())),
        }))
    }
}
