//! Record batch (magic 2) header access: parse the fixed 61-byte header, check the
//! CRC-32C, and rewrite the fields a broker owns (base offset, partition leader epoch).
//! Records themselves are never decoded here: the produce and fetch paths move batch
//! bytes as they are. Pure functions over byte slices.

/// Size of the fixed part of a v2 record batch.
pub const HEADER_LEN: usize = 61;
/// Bytes before `batchLength` ends: baseOffset (8) + batchLength (4).
pub const LOG_OVERHEAD: usize = 12;

const CRC_OFFSET: usize = 17;
const ATTRIBUTES_OFFSET: usize = 21;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BatchError {
    #[error("record batch at byte {at} is truncated: {have} of {need} bytes")]
    Truncated { at: usize, have: usize, need: usize },
    #[error("record batch at byte {at} has magic {magic}; only magic 2 is supported")]
    UnsupportedMagic { at: usize, magic: i8 },
    #[error("record batch at byte {at} has an invalid length {length}")]
    BadLength { at: usize, length: i32 },
    #[error(
        "record batch at byte {at} fails its CRC: stored {stored:#010x}, computed {computed:#010x}"
    )]
    CrcMismatch {
        at: usize,
        stored: u32,
        computed: u32,
    },
    #[error("record batch at byte {at} has {count} records but last offset delta {delta}")]
    BadCount { at: usize, count: i32, delta: i32 },
    #[error("record batch at byte {at} has invalid records: {reason}")]
    BadRecords { at: usize, reason: String },
}

/// The fixed header of one v2 record batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchHeader {
    pub base_offset: i64,
    pub batch_length: i32,
    pub partition_leader_epoch: i32,
    pub magic: i8,
    pub crc: u32,
    pub attributes: i16,
    pub last_offset_delta: i32,
    pub base_timestamp: i64,
    pub max_timestamp: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub record_count: i32,
}

fn be_i64(b: &[u8]) -> i64 {
    i64::from_be_bytes(b[..8].try_into().expect("slice of 8"))
}
fn be_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes(b[..4].try_into().expect("slice of 4"))
}
fn be_i16(b: &[u8]) -> i16 {
    i16::from_be_bytes(b[..2].try_into().expect("slice of 2"))
}

impl BatchHeader {
    /// Parse the header at the start of `buf` (which must hold at least
    /// [`HEADER_LEN`] bytes). Checks magic and length sanity, not the CRC.
    pub fn parse(buf: &[u8], at: usize) -> Result<BatchHeader, BatchError> {
        if buf.len() < HEADER_LEN {
            // A short tail may still be a legal magic-2 header start; report as truncated.
            return Err(BatchError::Truncated {
                at,
                have: buf.len(),
                need: HEADER_LEN,
            });
        }
        let magic = buf[16] as i8;
        if magic != 2 {
            return Err(BatchError::UnsupportedMagic { at, magic });
        }
        let batch_length = be_i32(&buf[8..]);
        if (batch_length as i64) < (HEADER_LEN - LOG_OVERHEAD) as i64 {
            return Err(BatchError::BadLength {
                at,
                length: batch_length,
            });
        }
        let h = BatchHeader {
            base_offset: be_i64(buf),
            batch_length,
            partition_leader_epoch: be_i32(&buf[12..]),
            magic,
            crc: be_i32(&buf[17..]) as u32,
            attributes: be_i16(&buf[21..]),
            last_offset_delta: be_i32(&buf[23..]),
            base_timestamp: be_i64(&buf[27..]),
            max_timestamp: be_i64(&buf[35..]),
            producer_id: be_i64(&buf[43..]),
            producer_epoch: be_i16(&buf[51..]),
            base_sequence: be_i32(&buf[53..]),
            record_count: be_i32(&buf[57..]),
        };
        if h.last_offset_delta < 0 || h.record_count < 0 {
            return Err(BatchError::BadCount {
                at,
                count: h.record_count,
                delta: h.last_offset_delta,
            });
        }
        Ok(h)
    }

    /// Whole batch size in bytes, including offset and length fields.
    pub fn total_len(&self) -> usize {
        self.batch_length as usize + LOG_OVERHEAD
    }

    pub fn last_offset(&self) -> i64 {
        self.base_offset + self.last_offset_delta as i64
    }

    pub fn next_offset(&self) -> i64 {
        self.last_offset() + 1
    }

    /// Sequence number of the last record, wrapping as Kafka does.
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence < 0 {
            return -1;
        }
        let last = self.base_sequence as i64 + self.last_offset_delta as i64;
        if last > i32::MAX as i64 {
            (last - i32::MAX as i64 - 1) as i32
        } else {
            last as i32
        }
    }

    pub fn compression(&self) -> i16 {
        self.attributes & 0x7
    }

    pub fn is_transactional(&self) -> bool {
        self.attributes & 0x10 != 0
    }

    pub fn is_control(&self) -> bool {
        self.attributes & 0x20 != 0
    }

    pub fn has_producer_id(&self) -> bool {
        self.producer_id >= 0
    }
}

/// CRC-32C over the part of a batch the CRC covers (attributes to the end).
pub fn compute_crc(batch: &[u8]) -> u32 {
    crc32c::crc32c(&batch[ATTRIBUTES_OFFSET..])
}

/// Walk a buffer of concatenated batches. Each item is (byte position, header).
/// Stops with an error at the first malformed batch; a clean end yields `None`.
pub struct BatchIter<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> BatchIter<'a> {
    /// `base` is added to positions in errors so callers can report file offsets.
    pub fn new(buf: &'a [u8], base: usize) -> Self {
        BatchIter { buf, pos: 0, base }
    }

    /// Bytes consumed by the batches yielded so far.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl Iterator for BatchIter<'_> {
    type Item = Result<(usize, BatchHeader), BatchError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.buf[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let at = self.base + self.pos;
        // After an error the iterator is done: yielding the same error again would
        // make `flatten()` and friends loop forever (found by the fuzzer).
        let fail = |me: &mut Self, e| {
            me.pos = me.buf.len();
            Some(Err(e))
        };
        if rest.len() < LOG_OVERHEAD + 5 {
            return fail(
                self,
                BatchError::Truncated {
                    at,
                    have: rest.len(),
                    need: HEADER_LEN,
                },
            );
        }
        let h = match BatchHeader::parse(rest, at) {
            Ok(h) => h,
            Err(e) => return fail(self, e),
        };
        let len = h.total_len();
        if rest.len() < len {
            return fail(
                self,
                BatchError::Truncated {
                    at,
                    have: rest.len(),
                    need: len,
                },
            );
        }
        let pos = self.pos;
        self.pos += len;
        Some(Ok((pos, h)))
    }
}

/// Validate every batch in a produce request's `records` field: magic 2, sane
/// lengths, record count matching the offset delta, CRC. Returns the headers.
pub fn validate_batches(buf: &[u8]) -> Result<Vec<(usize, BatchHeader)>, BatchError> {
    let mut out = Vec::with_capacity(1);
    for item in BatchIter::new(buf, 0) {
        let (pos, h) = item?;
        let batch = &buf[pos..pos + h.total_len()];
        let computed = compute_crc(batch);
        if computed != h.crc {
            return Err(BatchError::CrcMismatch {
                at: pos,
                stored: h.crc,
                computed,
            });
        }
        if h.record_count != h.last_offset_delta + 1 && h.record_count != 0 {
            // Compaction can leave gaps, but a freshly produced batch never has them.
            return Err(BatchError::BadCount {
                at: pos,
                count: h.record_count,
                delta: h.last_offset_delta,
            });
        }
        out.push((pos, h));
    }
    Ok(out)
}

/// A zigzag varint as records use them; None if it runs past the end or is too long.
fn read_varint(buf: &[u8], pos: &mut usize) -> Option<i64> {
    let mut value: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        value |= ((b & 0x7f) as u64) << shift;
        if b & 0x80 == 0 {
            return Some(((value >> 1) as i64) ^ -((value & 1) as i64));
        }
    }
    None
}

/// Skip a length-prefixed field of `buf` (-1 = null where `nullable`).
fn skip_bytes(buf: &[u8], pos: &mut usize, nullable: bool) -> Option<()> {
    let len = read_varint(buf, pos)?;
    if len == -1 && nullable {
        return Some(());
    }
    let len = usize::try_from(len).ok()?;
    if len > buf.len() - *pos {
        return None;
    }
    *pos += len;
    Some(())
}

/// Walk the records of an (uncompressed) record section: exactly `count` records,
/// each as long as it says, with offset deltas 0, 1, 2, ... (Kafka's LogValidator
/// refuses anything else), and nothing after the last.
fn walk_records(
    records: &[u8],
    count: i32,
    on_record: &mut dyn FnMut(i64, i64),
) -> Result<(), String> {
    let mut pos = 0usize;
    for i in 0..count {
        let len = read_varint(records, &mut pos).ok_or("a record length runs past the batch")?;
        let len = usize::try_from(len).map_err(|_| format!("record {i} has a negative length"))?;
        if len > records.len() - pos {
            return Err(format!(
                "record {i} claims {len} bytes, {} remain",
                records.len() - pos
            ));
        }
        let record = &records[pos..pos + len];
        pos += len;
        let mut at = 1usize; // attributes
        let fields = (|| {
            let timestamp_delta = read_varint(record, &mut at)?;
            let offset_delta = read_varint(record, &mut at)?;
            skip_bytes(record, &mut at, true)?; // key
            skip_bytes(record, &mut at, true)?; // value
            let headers = read_varint(record, &mut at)?;
            if headers < 0 || headers as usize > record.len() {
                return None;
            }
            for _ in 0..headers {
                skip_bytes(record, &mut at, false)?;
                skip_bytes(record, &mut at, true)?;
            }
            Some((offset_delta, timestamp_delta, at))
        })();
        match fields {
            None => return Err(format!("record {i} is malformed")),
            Some((delta, _, _)) if delta != i as i64 => {
                return Err(format!("record {i} has offset delta {delta}"))
            }
            Some((_, _, end)) if end != record.len() => {
                return Err(format!(
                    "record {i} has {} bytes after its headers",
                    record.len() - end
                ))
            }
            Some((delta, ts, _)) => on_record(delta, ts),
        }
    }
    if pos != records.len() {
        return Err(format!(
            "{} bytes after the last record",
            records.len() - pos
        ));
    }
    Ok(())
}

/// Walk the records of `batch` (inflated, bounded, when compressed), calling
/// `on_record(offset delta, timestamp delta)` for each.
fn each_record(
    batch: &[u8],
    h: &BatchHeader,
    at: usize,
    on_record: &mut dyn FnMut(i64, i64),
) -> Result<(), BatchError> {
    let bad = |reason: String| BatchError::BadRecords { at, reason };
    let section = &batch[HEADER_LEN..h.total_len()];
    if h.compression() == 0 {
        return walk_records(section, h.record_count, on_record).map_err(bad);
    }
    let compression = match h.compression() {
        1 => kafka_protocol::records::Compression::Gzip,
        2 => kafka_protocol::records::Compression::Snappy,
        3 => kafka_protocol::records::Compression::Lz4,
        4 => kafka_protocol::records::Compression::Zstd,
        other => return Err(bad(format!("unknown compression codec {other}"))),
    };
    let inflated = super::records::decompress(
        section,
        compression,
        super::records::MAX_DECOMPRESSED_BATCH_BYTES,
    )
    .map_err(|e| bad(format!("{e:#}")))?;
    walk_records(&inflated, h.record_count, on_record).map_err(bad)
}

/// Check the records inside a produced batch as Kafka does before it appends them:
/// the count in the header is the number of records there, with consecutive offset
/// deltas. Compressed records are inflated (bounded) to be walked.
pub fn validate_records(batch: &[u8], h: &BatchHeader, at: usize) -> Result<(), BatchError> {
    each_record(batch, h, at, &mut |_, _| {})
}

/// The first record of `batch` whose timestamp is at least `timestamp_ms`, as
/// (offset, timestamp); a LogAppendTime batch stamps every record with its max
/// timestamp. ListOffsets by time answers with this, not the batch's base offset.
pub fn first_record_at_or_after(
    batch: &[u8],
    h: &BatchHeader,
    timestamp_ms: i64,
) -> Result<Option<(i64, i64)>, BatchError> {
    if h.attributes & TIMESTAMP_TYPE_LOG_APPEND != 0 {
        return Ok((h.max_timestamp >= timestamp_ms).then_some((h.base_offset, h.max_timestamp)));
    }
    let mut found = None;
    each_record(batch, h, 0, &mut |offset_delta, ts_delta| {
        let ts = h.base_timestamp.wrapping_add(ts_delta);
        if found.is_none() && ts >= timestamp_ms {
            found = Some((h.base_offset + offset_delta, ts));
        }
    })?;
    Ok(found)
}

/// Overwrite the base offset of the batch starting at `batch[0]`. Not covered by the CRC.
pub fn set_base_offset(batch: &mut [u8], base_offset: i64) {
    batch[0..8].copy_from_slice(&base_offset.to_be_bytes());
}

/// Overwrite the partition leader epoch. Not covered by the CRC.
pub fn set_partition_leader_epoch(batch: &mut [u8], epoch: i32) {
    batch[12..16].copy_from_slice(&epoch.to_be_bytes());
}

/// The attributes bit that says the batch's timestamps are the broker's append time.
pub const TIMESTAMP_TYPE_LOG_APPEND: i16 = 0x08;

/// Mark the whole batch `batch` as LogAppendTime with `time_ms` as its max
/// timestamp, and recompute its CRC (both fields are covered by it).
pub fn set_log_append_time(batch: &mut [u8], time_ms: i64) {
    let attributes = i16::from_be_bytes([batch[ATTRIBUTES_OFFSET], batch[ATTRIBUTES_OFFSET + 1]])
        | TIMESTAMP_TYPE_LOG_APPEND;
    batch[ATTRIBUTES_OFFSET..ATTRIBUTES_OFFSET + 2].copy_from_slice(&attributes.to_be_bytes());
    batch[35..43].copy_from_slice(&time_ms.to_be_bytes());
    refresh_crc(batch);
}

/// A transaction marker (Kafka's EndTransactionMarker): the only control record
/// kw reads. Written by partition leaders on the coordinator's WriteTxnMarkers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxnMarker {
    pub commit: bool,
    pub coordinator_epoch: i32,
}

/// Control record key type of an abort marker; 1 is commit.
const CONTROL_ABORT: i16 = 0;
const CONTROL_COMMIT: i16 = 1;

/// The transaction marker in control batch `batch` (whole batch bytes, header
/// `h`). None when it is not a control batch, holds another control type, or its
/// first record cannot be read: such a batch ends nothing. Control batches are
/// never compressed (Kafka writes them so), so a compressed one is not a marker.
pub fn txn_marker(batch: &[u8], h: &BatchHeader) -> Option<TxnMarker> {
    if !h.is_control() || h.compression() != 0 || h.record_count < 1 {
        return None;
    }
    let section = batch.get(HEADER_LEN..h.total_len().min(batch.len()))?;
    let mut pos = 0usize;
    let len = usize::try_from(read_varint(section, &mut pos)?).ok()?;
    let record = section.get(pos..pos.checked_add(len)?)?;
    let mut at = 1usize; // attributes
    read_varint(record, &mut at)?; // timestamp delta
    read_varint(record, &mut at)?; // offset delta
    let key_len = usize::try_from(read_varint(record, &mut at)?).ok()?;
    let key = record.get(at..at.checked_add(key_len)?)?;
    at += key_len;
    if key.len() < 4 {
        return None;
    }
    let kind = i16::from_be_bytes([key[2], key[3]]);
    let commit = match kind {
        CONTROL_ABORT => false,
        CONTROL_COMMIT => true,
        _ => return None,
    };
    // The value: version (int16) and coordinator epoch (int32); -1 when unreadable.
    let value_len = read_varint(record, &mut at)?;
    let coordinator_epoch = usize::try_from(value_len)
        .ok()
        .and_then(|n| record.get(at..at.checked_add(n)?))
        .filter(|v| v.len() >= 6)
        .map_or(-1, |v| i32::from_be_bytes([v[2], v[3], v[4], v[5]]));
    Some(TxnMarker {
        commit,
        coordinator_epoch,
    })
}

/// Recompute and store the CRC (after changing covered fields).
pub fn refresh_crc(batch: &mut [u8]) {
    let crc = compute_crc(batch);
    batch[CRC_OFFSET..CRC_OFFSET + 4].copy_from_slice(&crc.to_be_bytes());
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use bytes::BytesMut;
    use kafka_protocol::indexmap::IndexMap;
    use kafka_protocol::records::{
        Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
    };

    pub fn make_batch(n: usize, producer_id: i64, base_sequence: i32) -> Vec<u8> {
        let records: Vec<Record> = (0..n)
            .map(|i| Record {
                transactional: false,
                control: false,
                delete_horizon: false,
                partition_leader_epoch: -1,
                producer_id,
                producer_epoch: if producer_id >= 0 { 0 } else { -1 },
                timestamp_type: TimestampType::Creation,
                offset: i as i64,
                // The crate groups records into one batch only while offset - sequence is
                // constant, so a non-idempotent batch counts up from -1.
                sequence: if base_sequence >= 0 {
                    base_sequence + i as i32
                } else {
                    i as i32 - 1
                },
                timestamp: 1_700_000_000_000 + i as i64,
                key: Some(bytes::Bytes::from(format!("k{i}"))),
                value: Some(bytes::Bytes::from(format!("value-{i}"))),
                headers: IndexMap::new(),
            })
            .collect();
        let mut buf = BytesMut::new();
        RecordBatchEncoder::encode(
            &mut buf,
            records.iter(),
            &RecordEncodeOptions {
                version: 2,
                compression: Compression::None,
            },
        )
        .unwrap();
        buf.to_vec()
    }

    /// Fuzzer finding (record_batch, timeout): an iterator that repeated its error
    /// looped forever under `flatten()`.
    #[test]
    fn batch_iter_ends_after_its_first_error() {
        let mut buf = make_batch(2, -1, -1);
        buf.extend_from_slice(&[0xff; 20]);
        let items: Vec<_> = BatchIter::new(&buf, 0).collect();
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok() && items[1].is_err());
        assert_eq!(BatchIter::new(&buf, 0).flatten().count(), 1);
    }

    #[test]
    fn the_first_record_at_or_after_a_time_is_found_inside_a_batch() {
        // make_batch stamps record i with 1_700_000_000_000 + i.
        let b = make_batch(5, -1, -1);
        let h = BatchHeader::parse(&b, 0).unwrap();
        let t0 = 1_700_000_000_000;
        assert_eq!(
            first_record_at_or_after(&b, &h, t0 - 5).unwrap(),
            Some((0, t0))
        );
        assert_eq!(
            first_record_at_or_after(&b, &h, t0 + 3).unwrap(),
            Some((3, t0 + 3))
        );
        assert_eq!(first_record_at_or_after(&b, &h, t0 + 9).unwrap(), None);
    }

    #[test]
    fn the_records_inside_must_match_the_header() {
        let good = make_batch(5, -1, -1);
        let h = BatchHeader::parse(&good, 0).unwrap();
        assert_eq!(validate_records(&good, &h, 0), Ok(()));
        // Claim 2^31-1 records (last offset delta to match) with a valid CRC.
        let mut bad = good.clone();
        bad[23..27].copy_from_slice(&(i32::MAX - 1).to_be_bytes());
        bad[57..61].copy_from_slice(&i32::MAX.to_be_bytes());
        refresh_crc(&mut bad);
        let hs = validate_batches(&bad).unwrap();
        assert!(matches!(
            validate_records(&bad, &hs[0].1, 0),
            Err(BatchError::BadRecords { .. })
        ));
        // One record fewer than claimed.
        let mut short = make_batch(5, -1, -1);
        short[57..61].copy_from_slice(&4i32.to_be_bytes());
        short[23..27].copy_from_slice(&3i32.to_be_bytes());
        refresh_crc(&mut short);
        let h = BatchHeader::parse(&short, 0).unwrap();
        assert!(validate_records(&short, &h, 0).is_err());
    }

    #[test]
    fn parses_a_crate_encoded_batch() {
        let b = make_batch(3, 42, 7);
        let hs = validate_batches(&b).unwrap();
        assert_eq!(hs.len(), 1);
        let h = hs[0].1;
        assert_eq!(h.record_count, 3);
        assert_eq!(h.last_offset_delta, 2);
        assert_eq!(h.producer_id, 42);
        assert_eq!(h.base_sequence, 7);
        assert_eq!(h.last_sequence(), 9);
        assert_eq!(h.total_len(), b.len());
    }

    #[test]
    fn detects_flipped_bit() {
        let mut b = make_batch(2, -1, -1);
        let last = b.len() - 1;
        b[last] ^= 1;
        assert!(matches!(
            validate_batches(&b),
            Err(BatchError::CrcMismatch { .. })
        ));
    }

    #[test]
    fn base_offset_and_epoch_rewrite_keep_crc_valid() {
        let mut b = make_batch(2, -1, -1);
        set_base_offset(&mut b, 1234);
        set_partition_leader_epoch(&mut b, 9);
        let h = validate_batches(&b).unwrap()[0].1;
        assert_eq!(h.base_offset, 1234);
        assert_eq!(h.partition_leader_epoch, 9);
        assert_eq!(h.next_offset(), 1236);
    }

    #[test]
    fn truncated_and_garbage_inputs_are_errors() {
        let b = make_batch(2, -1, -1);
        assert!(matches!(
            validate_batches(&b[..b.len() - 3]),
            Err(BatchError::Truncated { .. })
        ));
        assert!(validate_batches(&[0u8; 5]).is_err());
        let mut bad = b.clone();
        bad[16] = 1;
        assert!(matches!(
            validate_batches(&bad),
            Err(BatchError::UnsupportedMagic { .. })
        ));
        let mut neg = b.clone();
        neg[8..12].copy_from_slice(&(-5i32).to_be_bytes());
        assert!(validate_batches(&neg).is_err());
    }

    #[test]
    fn sequence_wraps() {
        let mut b = make_batch(3, 1, 0);
        b[53..57].copy_from_slice(&(i32::MAX - 1).to_be_bytes());
        let h = BatchHeader::parse(&b, 0).unwrap();
        assert_eq!(h.last_sequence(), 0);
    }
}
