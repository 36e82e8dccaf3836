//! One segment file: `<base offset, 20 digits>.log`, batches back to back.
//! Holds a sparse index (batch base offset -> file position) built as batches are
//! appended or scanned on open.
//!
//! The file handle is shared (`Arc<File>`), so a [`SegmentView`] taken under the
//! partition lock can be read after the lock is released: positioned reads need no
//! seek position, and an unlinked segment (retention) stays readable through it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{io_err, Error, Result};
use crate::protocol::batch::{BatchError, BatchHeader, HEADER_LEN};

/// Read size when scanning a segment on open.
const SCAN_CHUNK_BYTES: usize = 1 << 20;

pub(crate) struct Segment {
    pub base_offset: i64,
    pub path: Arc<Path>,
    file: Arc<File>,
    pub size: u64,
    /// Offset after the last batch in this segment.
    pub next_offset: i64,
    pub max_timestamp: i64,
    /// Max timestamp of the first batch (for `segment.ms`), -1 while empty.
    pub first_batch_timestamp: i64,
    /// (batch base offset, file position), ascending; first entry is position 0.
    index: Vec<(i64, u64)>,
    bytes_since_index: u64,
}

/// A segment as it was when the view was taken: its whole batches end at `size`.
/// Cheap to clone; used for reads and fsyncs outside the partition lock.
#[derive(Clone)]
pub(crate) struct SegmentView {
    pub path: Arc<Path>,
    file: Arc<File>,
    pub size: u64,
    pub max_timestamp: i64,
}

pub(crate) fn segment_file_name(base_offset: i64) -> String {
    format!("{base_offset:020}.log")
}

/// What scanning a segment found.
pub(crate) struct ScanOutcome {
    /// Position after the last whole, valid batch.
    pub valid_end: u64,
    /// The first problem found after `valid_end`, if any.
    pub problem: Option<BatchError>,
}

impl Segment {
    pub fn create(dir: &Path, base_offset: i64) -> Result<Segment> {
        let path: Arc<Path> = dir.join(segment_file_name(base_offset)).into();
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        Ok(Segment {
            base_offset,
            path,
            file: Arc::new(file),
            size: 0,
            next_offset: base_offset,
            max_timestamp: -1,
            first_batch_timestamp: -1,
            index: Vec::new(),
            bytes_since_index: 0,
        })
    }

    /// Open an existing segment and rebuild its index. With `verify_crc` every batch's
    /// CRC is checked; scanning stops at the first bad or torn batch and the caller
    /// decides whether to truncate there.
    pub fn open(
        path: PathBuf,
        base_offset: i64,
        verify_crc: bool,
        index_interval: u64,
        on_batch: &mut dyn FnMut(&BatchHeader, &[u8]),
    ) -> Result<(Segment, ScanOutcome)> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let len = file.metadata().map_err(io_err(&path))?.len();
        let mut seg = Segment {
            base_offset,
            path: path.into(),
            file: Arc::new(file),
            size: 0,
            next_offset: base_offset,
            max_timestamp: -1,
            first_batch_timestamp: -1,
            index: Vec::new(),
            bytes_since_index: 0,
        };
        let mut pos: u64 = 0;
        let mut chunk = Vec::new();
        let mut problem = None;
        'outer: while pos < len {
            let want = SCAN_CHUNK_BYTES.min((len - pos) as usize);
            chunk.resize(want, 0);
            seg.file
                .read_exact_at(&mut chunk, pos)
                .map_err(io_err(&seg.path))?;
            let mut off = 0usize;
            loop {
                let rest = &chunk[off..];
                if rest.is_empty() {
                    break;
                }
                if rest.len() < HEADER_LEN {
                    if pos + off as u64 + (rest.len() as u64) < len {
                        break; // header straddles the chunk: re-read from here
                    }
                    problem = Some(BatchError::Truncated {
                        at: (pos as usize) + off,
                        have: rest.len(),
                        need: HEADER_LEN,
                    });
                    break 'outer;
                }
                let h = match BatchHeader::parse(rest, pos as usize + off) {
                    Ok(h) => h,
                    Err(e) => {
                        problem = Some(e);
                        break 'outer;
                    }
                };
                let total = h.total_len();
                if rest.len() < total {
                    // The length is checked against the file before the chunk grows
                    // to it: a corrupt length must not become a huge allocation.
                    if pos + (off + total) as u64 > len {
                        problem = Some(BatchError::Truncated {
                            at: pos as usize + off,
                            have: (len - pos) as usize - off,
                            need: total,
                        });
                        break 'outer;
                    }
                    if off == 0 {
                        // A batch bigger than the chunk: read it whole.
                        chunk.resize(total, 0);
                        seg.file
                            .read_exact_at(&mut chunk, pos)
                            .map_err(io_err(&seg.path))?;
                        continue;
                    }
                    break;
                }
                if verify_crc {
                    let computed = crate::protocol::batch::compute_crc(&rest[..total]);
                    if computed != h.crc {
                        problem = Some(BatchError::CrcMismatch {
                            at: pos as usize + off,
                            stored: h.crc,
                            computed,
                        });
                        break 'outer;
                    }
                }
                if h.base_offset < seg.next_offset {
                    problem = Some(BatchError::BadLength {
                        at: pos as usize + off,
                        length: h.batch_length,
                    });
                    break 'outer;
                }
                seg.note_batch(&h, pos + off as u64, index_interval);
                on_batch(&h, &rest[..total]);
                off += total;
            }
            if off == 0 {
                break;
            }
            pos += off as u64;
        }
        let outcome = ScanOutcome {
            valid_end: seg.size,
            problem,
        };
        Ok((seg, outcome))
    }

    fn note_batch(&mut self, h: &BatchHeader, position: u64, index_interval: u64) {
        let total = h.total_len() as u64;
        if self.index.is_empty() || self.bytes_since_index >= index_interval {
            self.index.push((h.base_offset, position));
            self.bytes_since_index = 0;
        }
        if self.size == 0 {
            self.first_batch_timestamp = h.max_timestamp;
        }
        self.bytes_since_index += total;
        self.size = position + total;
        self.next_offset = h.next_offset();
        self.max_timestamp = self.max_timestamp.max(h.max_timestamp);
    }

    /// Append whole batches (already validated, offsets assigned): one `write(2)`.
    pub fn append(
        &mut self,
        bytes: &[u8],
        headers: &[(usize, BatchHeader)],
        index_interval: u64,
    ) -> Result<()> {
        if let Err(e) = (&*self.file).write_all(bytes) {
            // A write that failed half-way (a full disk) is cut off again, so the
            // segment never holds a torn batch before later ones; if even that
            // fails, the segment's file and its view disagree.
            return Err(match self.file.set_len(self.size) {
                Ok(()) => io_err(&self.path)(e),
                Err(_) => Error::Damaged {
                    path: self.path.to_path_buf(),
                    source: e,
                },
            });
        }
        let start = self.size;
        for (pos, h) in headers {
            self.note_batch(h, start + *pos as u64, index_interval);
        }
        Ok(())
    }

    /// Position of the last indexed batch starting at or before `offset`.
    pub fn lookup(&self, offset: i64) -> u64 {
        match self.index.partition_point(|&(o, _)| o <= offset) {
            0 => 0,
            i => self.index[i - 1].1,
        }
    }

    pub fn view(&self) -> SegmentView {
        SegmentView {
            path: self.path.clone(),
            file: self.file.clone(),
            size: self.size,
            max_timestamp: self.max_timestamp,
        }
    }

    /// Cut the file at `position`, which must be a batch boundary; `next_offset`
    /// becomes the offset that follows the remaining batches.
    pub fn truncate(&mut self, position: u64, next_offset: i64) -> Result<()> {
        self.file.set_len(position).map_err(io_err(&self.path))?;
        self.size = position;
        self.next_offset = next_offset;
        self.index.retain(|&(_, p)| p < position);
        self.bytes_since_index = 0;
        if position == 0 {
            self.first_batch_timestamp = -1;
            self.max_timestamp = -1;
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    pub fn headers_from(&self, position: u64) -> Result<Vec<(u64, BatchHeader)>> {
        self.view().headers_from(position)
    }
}

impl SegmentView {
    /// Fill `buf` from `pos`. A read past what the view holds is refused, so a
    /// corrupt length can neither read garbage nor size a huge buffer.
    pub fn read_at(&self, buf: &mut [u8], pos: u64) -> Result<()> {
        if pos + buf.len() as u64 > self.size {
            return Err(Error::Corrupt {
                path: self.path.to_path_buf(),
                source: BatchError::Truncated {
                    at: pos as usize,
                    have: self.size.saturating_sub(pos) as usize,
                    need: buf.len(),
                },
            });
        }
        self.file
            .read_exact_at(buf, pos)
            .map_err(io_err(&self.path))
    }

    pub fn sync(&self) -> Result<()> {
        self.file.sync_data().map_err(io_err(&self.path))
    }

    /// Batch headers from `position` to the end, for searches that need them
    /// (time lookups, truncation points). A header whose length runs past the end of
    /// the segment ends the scan with `Corrupt`.
    pub fn headers_from(&self, position: u64) -> Result<Vec<(u64, BatchHeader)>> {
        let mut out = Vec::new();
        let mut pos = position;
        let mut buf = [0u8; HEADER_LEN];
        while pos < self.size {
            self.read_at(&mut buf, pos)?;
            let h = self.parse_header(&buf, pos)?;
            out.push((pos, h));
            pos += h.total_len() as u64;
        }
        Ok(out)
    }

    /// Check the CRC-32C of the whole batch `bytes` (read from `pos`) against its header.
    pub fn check_crc(&self, bytes: &[u8], h: &BatchHeader, pos: u64) -> Result<()> {
        let computed = crate::protocol::batch::compute_crc(bytes);
        if computed != h.crc {
            return Err(Error::Corrupt {
                path: self.path.to_path_buf(),
                source: BatchError::CrcMismatch {
                    at: pos as usize,
                    stored: h.crc,
                    computed,
                },
            });
        }
        Ok(())
    }

    /// Parse the header read from `pos`, checking its length against the segment.
    pub fn parse_header(&self, buf: &[u8], pos: u64) -> Result<BatchHeader> {
        let corrupt = |source| Error::Corrupt {
            path: self.path.to_path_buf(),
            source,
        };
        let h = BatchHeader::parse(buf, pos as usize).map_err(corrupt)?;
        if pos + h.total_len() as u64 > self.size {
            return Err(corrupt(BatchError::BadLength {
                at: pos as usize,
                length: h.batch_length,
            }));
        }
        Ok(h)
    }
}
