//! `PartitionLog`: the ordered list of segments of one partition.
//!
//! Contract: `append` returns after the bytes are handed to the kernel (`write(2)`),
//! so a process crash (kill -9) loses nothing that was appended; running the
//! [`PendingSync`] it (or [`PartitionLog::take_sync`]) returns makes them survive a
//! machine crash too. Only the owner of the partition (the replication layer) calls
//! `append` and `truncate_to`.
//!
//! Locking: the owner keeps the log behind a mutex. Methods that take `&self` or
//! `&mut self` and return a plan ([`PartitionLog::prepare_read`],
//! [`PartitionLog::time_lookup`], [`PartitionLog::take_sync`],
//! [`PartitionLog::expire_segments`]) do only in-memory work; the plan does the
//! file I/O after the lock is released. `append` does its one `write(2)` (and, when
//! a segment rolls, creates the next file) because offsets must be assigned and
//! written atomically. `open`, `reset` and `truncate_to` do I/O and are used on a
//! log nobody else is using at that moment.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use tracing::warn;

use super::segment::{Segment, SegmentView};
use super::{io_err, Error, Result};
use crate::protocol::batch::{self, BatchHeader, HEADER_LEN};

/// Per-partition storage settings (Kafka topic config names in comments).
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// `segment.bytes`
    pub segment_bytes: u64,
    /// `segment.ms`: roll when the batch being appended is this much newer than the
    /// first batch of the active segment; negative = never by time
    pub segment_ms: i64,
    /// `index.interval.bytes`
    pub index_interval_bytes: u64,
    /// `retention.ms`; negative = keep forever
    pub retention_ms: i64,
    /// `retention.bytes`; negative = no size limit
    pub retention_bytes: i64,
    /// `flush.messages`: fsync after this many appended records (0 = never by count)
    pub flush_messages: u64,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            segment_bytes: 1 << 30,
            segment_ms: 7 * 24 * 3600 * 1000,
            index_interval_bytes: 4096,
            retention_ms: 7 * 24 * 3600 * 1000,
            retention_bytes: -1,
            flush_messages: 0,
        }
    }
}

/// Bytes read for a fetch, plus where the read ended.
#[derive(Debug, Clone)]
pub struct ReadResult {
    pub records: Bytes,
    /// Offset after the last batch returned (== start offset when empty).
    pub next_offset: i64,
}

/// Files to fsync, taken under the lock and synced after it is released.
#[derive(Default)]
#[must_use = "the data is not durable until the sync runs"]
pub struct PendingSync {
    segments: Vec<SegmentView>,
}

impl std::fmt::Debug for PendingSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.segments.iter().map(|s| &s.path))
            .finish()
    }
}

impl PendingSync {
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// fsync every file (blocking I/O: not on an async worker).
    pub fn run(self) -> Result<()> {
        self.segments.iter().try_for_each(|s| s.sync())
    }
}

/// What an append wrote, and what must be synced.
#[must_use]
pub struct Appended {
    pub first_offset: i64,
    pub last_offset: i64,
    /// Due before the append is acknowledged: `flush.messages` was reached.
    pub flush: PendingSync,
    /// The segment that was active before this append rolled the log; Kafka syncs
    /// it in the background.
    pub rolled: PendingSync,
}

/// A read planned under the lock: the segment to read, from where, and its limits.
pub struct PendingRead {
    segment: Option<SegmentView>,
    position: u64,
    offset: i64,
    max_bytes: usize,
    max_offset: i64,
    /// Read this much beyond `max_bytes`: the index is sparse, so the wanted batch
    /// may start up to one index interval after `position`.
    slack: u64,
}

/// The segments as they were, for timestamp searches outside the lock.
pub struct TimeLookup {
    segments: Vec<SegmentView>,
}

pub struct PartitionLog {
    dir: PathBuf,
    config: LogConfig,
    segments: Vec<Segment>,
    log_start_offset: i64,
    unflushed_records: u64,
}

/// The segment files in `dir`, by base offset.
fn segment_files(dir: &Path) -> Result<Vec<(i64, PathBuf)>> {
    let mut bases: Vec<(i64, PathBuf)> = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if let Some(stem) = name.strip_suffix(".log") {
            if let Ok(base) = stem.parse::<i64>() {
                bases.push((base, entry.path()));
            }
        }
    }
    bases.sort();
    Ok(bases)
}

impl PartitionLog {
    /// Open (or create) the log in `dir`. Every batch header found is passed to
    /// `on_batch` in offset order with its bytes, so callers can rebuild state such as producer
    /// sequences. A torn or corrupt tail of the last segment is cut off.
    pub fn open(
        dir: &Path,
        config: LogConfig,
        on_batch: &mut dyn FnMut(&BatchHeader, &[u8]),
    ) -> Result<PartitionLog> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let bases = segment_files(dir)?;
        let mut segments: Vec<Segment> = Vec::new();
        let count = bases.len();
        for (i, (base, path)) in bases.into_iter().enumerate() {
            let last = i + 1 == count;
            // Older segments were fsynced when they rolled; only the active one can
            // hold a torn write, so only it pays for CRC checks.
            let (mut seg, outcome) =
                Segment::open(path, base, last, config.index_interval_bytes, on_batch)?;
            if let Some(problem) = outcome.problem {
                warn!(
                    segment = %seg.path.display(),
                    valid_bytes = outcome.valid_end,
                    %problem,
                    "truncating log after the last valid batch"
                );
                let next = seg.next_offset;
                seg.truncate(outcome.valid_end, next)?;
                if !last {
                    // Everything after a damaged segment is unreachable; drop it.
                    segments.push(seg);
                    break;
                }
            }
            if let Some(prev) = segments.last() {
                if seg.is_empty() && !last {
                    let _ = fs::remove_file(&seg.path);
                    continue;
                }
                if seg.base_offset < prev.next_offset {
                    warn!(segment = %seg.path.display(), "overlapping segment ignored");
                    continue;
                }
            }
            segments.push(seg);
        }
        if segments.is_empty() {
            segments.push(Segment::create(dir, 0)?);
        }
        let log_start_offset = segments[0].base_offset;
        Ok(PartitionLog {
            dir: dir.to_path_buf(),
            config,
            segments,
            log_start_offset,
            unflushed_records: 0,
        })
    }

    /// A new, empty log in `dir` starting at `offset`, replacing whatever segments
    /// were there (a follower that fell behind the leader's log start: what it has
    /// is gone from the leader and cannot be extended).
    pub fn reset(dir: &Path, config: LogConfig, offset: i64) -> Result<PartitionLog> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let old = segment_files(dir)?;
        // The new segment first, so a failure leaves the old log intact.
        let fresh = Segment::create(dir, offset)?;
        for (_, path) in old {
            if *path != *fresh.path {
                if let Err(e) = fs::remove_file(&path) {
                    warn!(segment = %path.display(), error = %e, "cannot remove a segment after a log reset");
                }
            }
        }
        Ok(PartitionLog {
            dir: dir.to_path_buf(),
            config,
            segments: vec![fresh],
            log_start_offset: offset,
            unflushed_records: 0,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn log_end_offset(&self) -> i64 {
        self.segments.last().map_or(0, |s| s.next_offset)
    }

    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }

    pub fn size_bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.size).sum()
    }

    pub fn set_config(&mut self, config: LogConfig) {
        self.config = config;
    }

    /// Leader path: rewrite the base offsets of validated batches so they follow the
    /// log end offset. In memory only.
    pub fn assign_offsets(&self, batches: &mut [u8], headers: &mut [(usize, BatchHeader)]) {
        let mut next = self.log_end_offset();
        for (pos, h) in headers.iter_mut() {
            batch::set_base_offset(&mut batches[*pos..], next);
            h.base_offset = next;
            next = h.next_offset();
        }
    }

    /// Append validated batches whose base offsets follow the log end offset (the
    /// leader assigned them with [`PartitionLog::assign_offsets`]; a follower keeps
    /// the leader's). One `write(2)`; the returned sync is due when `flush.messages`
    /// is reached or a segment rolled.
    pub fn append(&mut self, batches: &[u8], headers: &[(usize, BatchHeader)]) -> Result<Appended> {
        let first = self.log_end_offset();
        let mut next = first;
        for (_, h) in headers {
            if h.base_offset != next {
                return Err(Error::NonContiguous {
                    expected: next,
                    got: h.base_offset,
                });
            }
            next = h.next_offset();
        }
        let mut rolled = PendingSync::default();
        let total = batches.len() as u64;
        let newest = headers
            .iter()
            .map(|(_, h)| h.max_timestamp)
            .max()
            .unwrap_or(-1);
        let active = self.segments.last().expect("a log always has a segment");
        let too_big = active.size + total > self.config.segment_bytes;
        let too_old = self.config.segment_ms >= 0
            && active.first_batch_timestamp >= 0
            && newest - active.first_batch_timestamp >= self.config.segment_ms;
        if !active.is_empty() && (too_big || too_old) {
            rolled = self.roll(first)?;
        }
        let interval = self.config.index_interval_bytes;
        let active = self
            .segments
            .last_mut()
            .expect("a log always has a segment");
        active.append(batches, headers, interval)?;
        let records: u64 = headers.iter().map(|(_, h)| h.record_count as u64).sum();
        self.unflushed_records += records;
        let flush = if self.config.flush_messages > 0
            && self.unflushed_records >= self.config.flush_messages
        {
            self.take_sync()
        } else {
            PendingSync::default()
        };
        Ok(Appended {
            first_offset: first,
            last_offset: next - 1,
            flush,
            rolled,
        })
    }

    /// Start a new active segment; the old one is synced by the caller (as Kafka
    /// flushes a rolled segment in the background).
    fn roll(&mut self, base_offset: i64) -> Result<PendingSync> {
        let old = self.segments.last().map(|s| s.view());
        let seg = Segment::create(&self.dir, base_offset)?;
        self.segments.push(seg);
        Ok(PendingSync {
            segments: old.into_iter().collect(),
        })
    }

    /// What makes everything appended so far durable; counts as flushed from now.
    pub fn take_sync(&mut self) -> PendingSync {
        self.unflushed_records = 0;
        PendingSync {
            segments: self.segments.last().map(|s| s.view()).into_iter().collect(),
        }
    }

    /// fsync now (for a log nobody else is using).
    pub fn flush(&mut self) -> Result<()> {
        self.take_sync().run()
    }

    /// Plan a read of whole batches starting with the one that contains `offset`, up
    /// to about `max_bytes` (at least one batch, so a consumer always progresses),
    /// never including a batch that starts at or after `max_offset`.
    pub fn prepare_read(
        &self,
        offset: i64,
        max_bytes: usize,
        max_offset: i64,
    ) -> Result<PendingRead> {
        let leo = self.log_end_offset();
        if offset < self.log_start_offset || offset > leo {
            return Err(Error::OffsetOutOfRange {
                offset,
                log_start_offset: self.log_start_offset,
                log_end_offset: leo,
            });
        }
        let mut plan = PendingRead {
            segment: None,
            position: 0,
            offset,
            max_bytes,
            max_offset,
            slack: self.config.index_interval_bytes,
        };
        if offset >= max_offset || offset >= leo {
            return Ok(plan);
        }
        let mut idx = match self.segments.partition_point(|s| s.base_offset <= offset) {
            0 => 0,
            i => i - 1,
        };
        while idx < self.segments.len() && self.segments[idx].next_offset <= offset {
            idx += 1;
        }
        if let Some(seg) = self.segments.get(idx) {
            plan.position = seg.lookup(offset);
            plan.segment = Some(seg.view());
        }
        Ok(plan)
    }

    /// The segments as they are now, for timestamp searches after the lock is gone.
    pub fn time_lookup(&self) -> TimeLookup {
        TimeLookup {
            segments: self.segments.iter().map(|s| s.view()).collect(),
        }
    }

    /// Remove every batch at or after `offset` (a batch containing `offset` is removed
    /// whole, so the new log end offset may be lower than `offset`). Returns the new
    /// log end offset.
    pub fn truncate_to(&mut self, offset: i64) -> Result<i64> {
        while self.segments.len() > 1
            && self.segments.last().expect("len > 1").base_offset >= offset
        {
            let seg = self.segments.pop().expect("len > 1");
            fs::remove_file(&seg.path).map_err(io_err(&seg.path))?;
        }
        let seg = self
            .segments
            .last_mut()
            .expect("a log always has a segment");
        if seg.next_offset <= offset {
            return Ok(seg.next_offset);
        }
        let mut cut = (seg.size, seg.next_offset);
        let mut prev_next = seg.base_offset;
        for (pos, h) in seg.headers_from(0)? {
            if h.next_offset() > offset {
                cut = (pos, prev_next);
                break;
            }
            prev_next = h.next_offset();
        }
        if cut.0 == 0 {
            // An emptied first segment keeps a base that matches its new content.
            let base = seg.base_offset.min(offset);
            seg.truncate(0, base)?;
        } else {
            seg.truncate(cut.0, cut.1)?;
        }
        if self.segments.len() == 1 && self.segments[0].is_empty() {
            self.log_start_offset = self.segments[0].next_offset;
        }
        Ok(self.log_end_offset())
    }

    /// Take whole segments that fall outside `retention.ms` / `retention.bytes` out
    /// of the log (the active segment always stays) and return their files, for the
    /// caller to remove with [`remove_segment_files`] after the lock is released.
    pub fn expire_segments(&mut self, now_ms: i64) -> Vec<Arc<Path>> {
        let mut removed = Vec::new();
        while self.segments.len() > 1 {
            let first = &self.segments[0];
            let too_old = self.config.retention_ms >= 0
                && first.max_timestamp >= 0
                && first.max_timestamp < now_ms - self.config.retention_ms;
            let too_big = self.config.retention_bytes >= 0
                && self.size_bytes() - first.size >= self.config.retention_bytes as u64;
            if !(too_old || too_big) {
                break;
            }
            removed.push(self.segments.remove(0).path);
        }
        self.log_start_offset = self.log_start_offset.max(self.segments[0].base_offset);
        removed
    }

    /// Move the log start up to `offset` (DeleteRecords, or a follower following its
    /// leader's log start): reads below it are out of range from now on. Segments
    /// wholly below it leave the log (the active one always stays) and are returned
    /// for the caller to remove with [`remove_segment_files`] after the lock is
    /// released. Never moves the start backwards nor past the log end.
    pub fn advance_log_start(&mut self, offset: i64) -> Vec<Arc<Path>> {
        let offset = offset.min(self.log_end_offset());
        if offset <= self.log_start_offset {
            return Vec::new();
        }
        self.log_start_offset = offset;
        let mut removed = Vec::new();
        while self.segments.len() > 1 && self.segments[0].next_offset <= offset {
            removed.push(self.segments.remove(0).path);
        }
        removed
    }

    /// Remove the log's directory and everything in it.
    pub fn delete(self) -> Result<()> {
        let dir = self.dir.clone();
        drop(self);
        fs::remove_dir_all(&dir).map_err(io_err(&dir))
    }
}

/// Delete segment files taken out of a log by [`PartitionLog::expire_segments`].
pub fn remove_segment_files(paths: &[Arc<Path>]) -> Result<()> {
    paths
        .iter()
        .try_for_each(|p| fs::remove_file(p).map_err(io_err(p)))
}

impl PendingRead {
    /// Read the planned batches (positioned reads; no lock needed). Lengths found in
    /// the file are checked against the segment before anything is sized from them:
    /// a corrupt batch ends the read with [`Error::Corrupt`].
    pub fn read(&self) -> Result<ReadResult> {
        let empty = ReadResult {
            records: Bytes::new(),
            next_offset: self.offset,
        };
        let Some(seg) = &self.segment else {
            return Ok(empty);
        };
        let mut pos = self.position;
        loop {
            if pos >= seg.size {
                return Ok(empty);
            }
            let window = (self.max_bytes.max(HEADER_LEN) as u64 + self.slack + HEADER_LEN as u64)
                .min(seg.size - pos) as usize;
            let mut buf = vec![0u8; window];
            seg.read_at(&mut buf, pos)?;
            let mut off = 0usize;
            let mut start: Option<usize> = None;
            let mut end = 0usize;
            let mut next_offset = self.offset;
            while off + HEADER_LEN <= buf.len() {
                let h = match seg.parse_header(&buf[off..], pos + off as u64) {
                    Ok(h) => h,
                    // Return the good batches before it; a read that starts at the
                    // bad one reports it.
                    Err(_) if start.is_some() => break,
                    Err(e) => return Err(e),
                };
                let total = h.total_len();
                if h.base_offset >= self.max_offset {
                    break;
                }
                let whole = off + total <= buf.len();
                match start {
                    None if h.next_offset() <= self.offset => {
                        off += total;
                        continue;
                    }
                    None if !whole => {
                        // The first wanted batch is larger than the window: read it
                        // alone (its length was checked against the segment).
                        let mut big = vec![0u8; total];
                        seg.read_at(&mut big, pos + off as u64)?;
                        seg.check_crc(&big, &h, pos + off as u64)?;
                        return Ok(ReadResult {
                            records: Bytes::from(big),
                            next_offset: h.next_offset(),
                        });
                    }
                    None => start = Some(off),
                    Some(s) if !whole || end - s + total > self.max_bytes => break,
                    Some(_) => {}
                }
                // Stored bytes are input too: a batch that fails its CRC is not
                // served; the good batches before it are.
                if let Err(e) = seg.check_crc(&buf[off..off + total], &h, pos + off as u64) {
                    if start == Some(off) {
                        return Err(e);
                    }
                    break;
                }
                end = off + total;
                next_offset = h.next_offset();
                off += total;
            }
            match start {
                Some(s) => {
                    return Ok(ReadResult {
                        records: Bytes::from(buf).slice(s..end),
                        next_offset,
                    });
                }
                None if off == 0 => {
                    // Not even one header fits before the end of the segment.
                    return Err(Error::Corrupt {
                        path: seg.path.to_path_buf(),
                        source: batch::BatchError::Truncated {
                            at: pos as usize,
                            have: buf.len(),
                            need: HEADER_LEN,
                        },
                    });
                }
                // Skipped a whole window of earlier batches; continue after them.
                None => pos += off as u64,
            }
        }
    }
}

impl TimeLookup {
    /// The first record with a timestamp >= `timestamp_ms` (Kafka's ListOffsets by
    /// time), as (offset, its timestamp); `None` if every record is older. The batch
    /// is found by its max timestamp, the record inside it by walking its records.
    pub fn offset_for_timestamp(&self, timestamp_ms: i64) -> Result<Option<(i64, i64)>> {
        for seg in &self.segments {
            if seg.max_timestamp < timestamp_ms {
                continue;
            }
            for (pos, h) in seg.headers_from(0)? {
                if h.max_timestamp < timestamp_ms {
                    continue;
                }
                let mut bytes = vec![0u8; h.total_len()];
                seg.read_at(&mut bytes, pos)?;
                seg.check_crc(&bytes, &h, pos)?;
                let corrupt = |source| Error::Corrupt {
                    path: seg.path.to_path_buf(),
                    source,
                };
                // Timestamps need not grow within a partition: a later batch may
                // still hold the first match if this one's records are all older.
                if let Some(found) =
                    batch::first_record_at_or_after(&bytes, &h, timestamp_ms).map_err(corrupt)?
                {
                    return Ok(Some(found));
                }
            }
        }
        Ok(None)
    }

    /// The largest timestamp in the log and the offset of its batch (ListOffsets -3).
    pub fn max_timestamp(&self) -> Result<Option<(i64, i64)>> {
        let mut best: Option<(i64, i64)> = None;
        for seg in &self.segments {
            if seg.max_timestamp < 0 || best.is_some_and(|(_, ts)| seg.max_timestamp <= ts) {
                continue;
            }
            for (_, h) in seg.headers_from(0)? {
                if best.is_none_or(|(_, ts)| h.max_timestamp > ts) {
                    best = Some((h.last_offset(), h.max_timestamp));
                }
            }
        }
        Ok(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::batch::{tests::make_batch, validate_batches};

    fn append_n(log: &mut PartitionLog, batches: usize, per: usize) {
        for _ in 0..batches {
            let mut b = make_batch(per, -1, -1);
            let mut hs = validate_batches(&b).unwrap();
            log.assign_offsets(&mut b, &mut hs);
            log.append(&b, &hs).unwrap().flush.run().unwrap();
        }
    }

    impl PartitionLog {
        fn read(&self, offset: i64, max_bytes: usize, max_offset: i64) -> Result<ReadResult> {
            self.prepare_read(offset, max_bytes, max_offset)?.read()
        }
    }

    fn open(dir: &Path, cfg: LogConfig) -> PartitionLog {
        PartitionLog::open(dir, cfg, &mut |_, _| {}).unwrap()
    }

    fn offsets_of(bytes: &[u8]) -> Vec<i64> {
        validate_batches(bytes)
            .unwrap()
            .iter()
            .map(|(_, h)| h.base_offset)
            .collect()
    }

    #[test]
    fn append_read_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = open(dir.path(), LogConfig::default());
        append_n(&mut log, 10, 5);
        assert_eq!(log.log_end_offset(), 50);
        let r = log.read(12, 1 << 20, 50).unwrap();
        assert_eq!(
            offsets_of(&r.records)[0],
            10,
            "starts at the batch holding 12"
        );
        assert_eq!(r.next_offset, 50);
        let r = log.read(0, 1 << 20, 25).unwrap();
        assert_eq!(offsets_of(&r.records), vec![0, 5, 10, 15, 20]);
        drop(log);
        let mut seen = 0;
        let log =
            PartitionLog::open(dir.path(), LogConfig::default(), &mut |_, _| seen += 1).unwrap();
        assert_eq!(seen, 10);
        assert_eq!(log.log_end_offset(), 50);
        assert!(log.read(51, 100, 100).is_err());
        assert!(log.read(50, 100, 100).unwrap().records.is_empty());
    }

    #[test]
    fn max_bytes_limits_but_returns_one_batch() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = open(dir.path(), LogConfig::default());
        append_n(&mut log, 4, 10);
        let r = log.read(0, 1, i64::MAX).unwrap();
        assert_eq!(offsets_of(&r.records), vec![0]);
    }

    #[test]
    fn reset_starts_an_empty_log_at_an_offset() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = open(dir.path(), LogConfig::default());
        append_n(&mut log, 5, 1);
        drop(log);
        let log = PartitionLog::reset(dir.path(), LogConfig::default(), 1000).unwrap();
        assert_eq!((log.log_start_offset(), log.log_end_offset()), (1000, 1000));
        drop(log);
        let log = open(dir.path(), LogConfig::default());
        assert_eq!((log.log_start_offset(), log.log_end_offset()), (1000, 1000));
        assert!(matches!(
            log.read(0, 100, i64::MAX),
            Err(Error::OffsetOutOfRange { .. })
        ));
    }

    #[test]
    fn rolls_segments_and_reads_across_them() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = LogConfig {
            segment_bytes: 1000,
            index_interval_bytes: 100,
            ..LogConfig::default()
        };
        let mut log = open(dir.path(), cfg.clone());
        append_n(&mut log, 100, 3);
        assert!(log.segments.len() > 5);
        let mut next = 0;
        let mut seen = Vec::new();
        while next < log.log_end_offset() {
            let r = log.read(next, 300, i64::MAX).unwrap();
            seen.extend(offsets_of(&r.records));
            next = r.next_offset;
        }
        assert_eq!(seen, (0..100).map(|i| i * 3).collect::<Vec<i64>>());
        drop(log);
        let log = open(dir.path(), cfg);
        assert_eq!(log.log_end_offset(), 300);
        assert_eq!(
            offsets_of(&log.read(150, 10, i64::MAX).unwrap().records),
            vec![150]
        );
    }

    #[test]
    fn torn_tail_is_cut_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = open(dir.path(), LogConfig::default());
        append_n(&mut log, 3, 2);
        let path = log.segments[0].path.clone();
        drop(log);
        let len = fs::metadata(&path).unwrap().len();
        let f = fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(len - 7).unwrap();
        drop(f);
        let log = open(dir.path(), LogConfig::default());
        assert_eq!(log.log_end_offset(), 4);
        let r = log.read(0, 1 << 20, i64::MAX).unwrap();
        assert_eq!(offsets_of(&r.records), vec![0, 2]);
    }

    #[test]
    fn flipped_bit_in_tail_is_cut_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = open(dir.path(), LogConfig::default());
        append_n(&mut log, 3, 2);
        let path = log.segments[0].path.clone();
        drop(log);
        let mut bytes = fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - 2] ^= 0x40;
        fs::write(&path, &bytes).unwrap();
        let log = open(dir.path(), LogConfig::default());
        assert_eq!(log.log_end_offset(), 4);
    }

    #[test]
    fn garbage_appended_after_valid_batches_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = open(dir.path(), LogConfig::default());
        append_n(&mut log, 2, 2);
        let path = log.segments[0].path.clone();
        drop(log);
        let mut bytes = fs::read(&path).unwrap();
        let good = bytes.len();
        bytes.extend_from_slice(&[0xAB; 100]);
        fs::write(&path, &bytes).unwrap();
        let mut log = open(dir.path(), LogConfig::default());
        assert_eq!(fs::metadata(&path).unwrap().len() as usize, good);
        append_n(&mut log, 1, 2);
        assert_eq!(log.log_end_offset(), 6);
    }

    #[test]
    fn truncate_to_cuts_whole_batches() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = LogConfig {
            segment_bytes: 500,
            ..LogConfig::default()
        };
        let mut log = open(dir.path(), cfg.clone());
        append_n(&mut log, 20, 4);
        assert_eq!(log.truncate_to(42).unwrap(), 40);
        assert_eq!(log.log_end_offset(), 40);
        append_n(&mut log, 1, 4);
        assert_eq!(log.log_end_offset(), 44);
        drop(log);
        let log = open(dir.path(), cfg);
        assert_eq!(log.log_end_offset(), 44);
    }

    #[test]
    fn follower_append_requires_contiguous_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = open(dir.path(), LogConfig::default());
        let mut b = make_batch(2, -1, -1);
        batch::set_base_offset(&mut b, 5);
        let hs = validate_batches(&b).unwrap();
        assert!(matches!(
            log.append(&b, &hs),
            Err(Error::NonContiguous {
                expected: 0,
                got: 5
            })
        ));
    }

    #[test]
    fn time_lookup_and_retention() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = LogConfig {
            segment_bytes: 300,
            retention_ms: 1000,
            ..LogConfig::default()
        };
        let mut log = open(dir.path(), cfg);
        append_n(&mut log, 10, 2);
        // make_batch timestamps are 1_700_000_000_000 + i: the second record of the
        // first batch, not the batch (#13: ListOffsets answered the base offset).
        assert_eq!(
            log.time_lookup()
                .offset_for_timestamp(1_700_000_000_001)
                .unwrap(),
            Some((1, 1_700_000_000_001))
        );
        assert_eq!(
            log.time_lookup()
                .offset_for_timestamp(1_800_000_000_000)
                .unwrap(),
            None
        );
        let before = log.segments.len();
        let removed = log.expire_segments(1_800_000_000_000);
        assert_eq!(removed.len(), before - 1);
        remove_segment_files(&removed).unwrap();
        assert!(!removed[0].exists());
        assert_eq!(log.log_start_offset(), log.segments[0].base_offset);
        assert!(log.read(0, 100, i64::MAX).is_err());
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;
    use crate::protocol::batch::{tests::make_batch, validate_batches};

    fn append(log: &mut PartitionLog, n: usize, ts_step: i64) {
        let mut b = make_batch(n, -1, -1);
        let mut hs = validate_batches(&b).unwrap();
        log.assign_offsets(&mut b, &mut hs);
        log.append(&b, &hs).unwrap().flush.run().unwrap();
        let _ = ts_step;
    }

    #[test]
    fn a_read_planned_before_retention_still_reads_the_removed_segment() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = LogConfig {
            segment_bytes: 300,
            retention_ms: 1000,
            ..LogConfig::default()
        };
        let mut log = PartitionLog::open(dir.path(), cfg, &mut |_, _| {}).unwrap();
        for _ in 0..10 {
            append(&mut log, 2, 0);
        }
        let plan = log.prepare_read(0, 1 << 20, i64::MAX).unwrap();
        let removed = log.expire_segments(1_800_000_000_000);
        remove_segment_files(&removed).unwrap();
        let r = plan.read().unwrap();
        assert!(!r.records.is_empty(), "the open file outlives its name");
        assert!(log.prepare_read(0, 100, i64::MAX).is_err());
    }

    #[test]
    fn segment_ms_rolls_by_record_time() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = LogConfig {
            segment_ms: 0,
            ..LogConfig::default()
        };
        let mut log = PartitionLog::open(dir.path(), cfg, &mut |_, _| {}).unwrap();
        append(&mut log, 2, 0);
        append(&mut log, 2, 0);
        append(&mut log, 2, 0);
        assert_eq!(log.segments.len(), 3);
        let cfg = LogConfig {
            segment_ms: -1,
            ..LogConfig::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let mut log = PartitionLog::open(dir.path(), cfg, &mut |_, _| {}).unwrap();
        append(&mut log, 2, 0);
        append(&mut log, 2, 0);
        assert_eq!(log.segments.len(), 1);
    }

    #[test]
    fn flush_messages_hands_back_a_sync_and_rolling_syncs_the_old_segment() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = LogConfig {
            flush_messages: 3,
            segment_bytes: 250,
            ..LogConfig::default()
        };
        let mut log = PartitionLog::open(dir.path(), cfg, &mut |_, _| {}).unwrap();
        let mut b = make_batch(2, -1, -1);
        let mut hs = validate_batches(&b).unwrap();
        log.assign_offsets(&mut b, &mut hs);
        let a = log.append(&b, &hs).unwrap();
        assert!(a.flush.is_empty(), "2 of 3 records");
        assert!(a.rolled.is_empty());
        let mut b = make_batch(2, -1, -1);
        let mut hs = validate_batches(&b).unwrap();
        log.assign_offsets(&mut b, &mut hs);
        let a = log.append(&b, &hs).unwrap();
        assert!(!a.flush.is_empty());
        a.flush.run().unwrap();
        let mut b = make_batch(2, -1, -1);
        let mut hs = validate_batches(&b).unwrap();
        log.assign_offsets(&mut b, &mut hs);
        let a = log.append(&b, &hs).unwrap();
        assert!(
            !a.rolled.is_empty(),
            "the third batch does not fit in 250 bytes"
        );
        a.rolled.run().unwrap();
        assert!(a.flush.is_empty());
    }

    #[test]
    fn a_flipped_bit_in_an_old_segment_ends_reads_there_with_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = LogConfig {
            segment_bytes: 300,
            ..LogConfig::default()
        };
        let mut log = PartitionLog::open(dir.path(), cfg, &mut |_, _| {}).unwrap();
        for _ in 0..10 {
            append(&mut log, 2, 0);
        }
        assert!(log.segments.len() > 2);
        // A bit flips in the records of the first batch of the second segment,
        // which open() never checks (only the active segment is).
        let seg = &log.segments[1];
        let (path, base) = (seg.path.to_path_buf(), seg.base_offset);
        let mut bytes = fs::read(&path).unwrap();
        bytes[HEADER_LEN + 2] ^= 0x10;
        fs::write(&path, &bytes).unwrap();
        let err = log
            .prepare_read(base, 1 << 20, i64::MAX)
            .unwrap()
            .read()
            .unwrap_err();
        match &err {
            Error::Corrupt { path: p, source } => {
                assert_eq!(p, &path);
                assert!(
                    matches!(source, batch::BatchError::CrcMismatch { at: 0, .. }),
                    "{source}"
                );
            }
            e => panic!("{e}"),
        }
        // Reading up to it still works; reading past it too.
        let r = log
            .prepare_read(0, 1 << 20, i64::MAX)
            .unwrap()
            .read()
            .unwrap();
        assert!(r.next_offset <= base);
        assert!(log
            .prepare_read(log.segments[2].base_offset, 1 << 20, i64::MAX)
            .unwrap()
            .read()
            .is_ok());
    }

    #[test]
    fn a_corrupt_length_inside_a_segment_ends_the_read_with_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = PartitionLog::open(dir.path(), LogConfig::default(), &mut |_, _| {}).unwrap();
        for _ in 0..3 {
            append(&mut log, 2, 0);
        }
        // Claim the second batch is 2 GiB long: the read must not size a buffer
        // from it.
        let path = log.segments[0].path.to_path_buf();
        let second = log.segments[0].headers_from(0).unwrap()[1].0;
        let f = fs::OpenOptions::new().write(true).open(&path).unwrap();
        use std::os::unix::fs::FileExt;
        f.write_all_at(&i32::MAX.to_be_bytes(), second + 8).unwrap();
        let err = log
            .prepare_read(2, 1 << 20, i64::MAX)
            .unwrap()
            .read()
            .unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err}");
        // The first batch still reads.
        assert!(!log
            .prepare_read(0, 1, i64::MAX)
            .unwrap()
            .read()
            .unwrap()
            .records
            .is_empty());
    }
}
