//! One segment file: `<base offset, 20 digits>.log`, batches back to back.
//! Holds a sparse index (batch base offset -> file position) built as batches are
//! appended or scanned on open.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::{io_err, Result};
use crate::protocol::batch::{BatchError, BatchHeader, HEADER_LEN, LOG_OVERHEAD};

/// Read size when scanning a segment on open.
const SCAN_CHUNK_BYTES: usize = 1 << 20;

pub(crate) struct Segment {
    pub base_offset: i64,
    pub path: PathBuf,
    file: File,
    pub size: u64,
    /// Offset after the last batch in this segment.
    pub next_offset: i64,
    pub max_timestamp: i64,
    /// (batch base offset, file position), ascending; first entry is position 0.
    index: Vec<(i64, u64)>,
    bytes_since_index: u64,
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
        let path = dir.join(segment_file_name(base_offset));
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        Ok(Segment {
            base_offset,
            path,
            file,
            size: 0,
            next_offset: base_offset,
            max_timestamp: -1,
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
        on_batch: &mut dyn FnMut(&BatchHeader),
    ) -> Result<(Segment, ScanOutcome)> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let len = file.metadata().map_err(io_err(&path))?.len();
        let mut seg = Segment {
            base_offset,
            path,
            file,
            size: 0,
            next_offset: base_offset,
            max_timestamp: -1,
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
                on_batch(&h);
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
        self.bytes_since_index += total;
        self.size = position + total;
        self.next_offset = h.next_offset();
        self.max_timestamp = self.max_timestamp.max(h.max_timestamp);
    }

    /// Append whole batches (already validated, offsets assigned).
    pub fn append(
        &mut self,
        bytes: &[u8],
        headers: &[(usize, BatchHeader)],
        index_interval: u64,
    ) -> Result<()> {
        (&self.file).write_all(bytes).map_err(io_err(&self.path))?;
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

    pub fn read_at(&self, buf: &mut [u8], pos: u64) -> Result<()> {
        self.file
            .read_exact_at(buf, pos)
            .map_err(io_err(&self.path))
    }

    /// Cut the file at `position`, which must be a batch boundary; `next_offset`
    /// becomes the offset that follows the remaining batches.
    pub fn truncate(&mut self, position: u64, next_offset: i64) -> Result<()> {
        self.file.set_len(position).map_err(io_err(&self.path))?;
        self.size = position;
        self.next_offset = next_offset;
        self.index.retain(|&(_, p)| p < position);
        self.bytes_since_index = 0;
        Ok(())
    }

    pub fn sync(&self) -> Result<()> {
        self.file.sync_data().map_err(io_err(&self.path))
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Batch headers from `position` to the end, for searches that need them
    /// (time lookups, truncation points). Reads in large chunks.
    pub fn headers_from(&self, position: u64) -> Result<Vec<(u64, BatchHeader)>> {
        let mut out = Vec::new();
        let mut pos = position;
        let mut buf = vec![0u8; HEADER_LEN];
        while pos + (HEADER_LEN as u64) <= self.size {
            self.read_at(&mut buf, pos)?;
            let h =
                BatchHeader::parse(&buf, pos as usize).map_err(|source| super::Error::Corrupt {
                    path: self.path.clone(),
                    source,
                })?;
            out.push((pos, h));
            pos += h.total_len() as u64;
        }
        Ok(out)
    }
}

/// Bytes of header a reader must see to learn a batch's length.
pub(crate) const LENGTH_PREFIX: usize = LOG_OVERHEAD;
