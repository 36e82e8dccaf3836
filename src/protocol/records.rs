//! Decoding the records inside a record batch, for the places that need them (a
//! consumer printing messages, the group coordinator loading its partition). The
//! batch's bytes come from a peer or a disk, so decompression is bounded: a batch
//! may not inflate beyond [`MAX_DECOMPRESSED_BATCH_BYTES`], whatever its header or
//! its compressed stream claims. The crate's own decompressors have no such bound,
//! so kw never lets the crate pick one. Pure: no sockets, no state.

use std::io::Read;

use anyhow::{bail, Context};
use bytes::{Buf, Bytes};
use kafka_protocol::records::{Compression, RecordBatchDecoder, RecordSet};

/// Largest decompressed size of one record batch. Producers cap batches at about
/// 1 MB before compression (librdkafka's `batch.size`, Kafka's `message.max.bytes`);
/// 64 MiB leaves room for a 64x ratio and stops a decompression bomb.
pub const MAX_DECOMPRESSED_BATCH_BYTES: usize = 64 << 20;

/// Decode the record batches in `bytes` with bounded decompression.
pub fn decode_batches(bytes: &mut Bytes) -> anyhow::Result<RecordSet> {
    RecordBatchDecoder::decode_with_custom_compression(
        bytes,
        Some(|buf: &mut Bytes, c: Compression| match c {
            // Uncompressed records are decoded from the batch's own bytes.
            Compression::None => Ok(buf.split_to(buf.len())),
            c => decompress(buf, c, MAX_DECOMPRESSED_BATCH_BYTES),
        }),
    )
}

/// One record batch (magic 2, no producer id) of records with these keys, values
/// and headers at offsets 0.., all stamped `timestamp_ms`: what tests, fuzz seeds and
/// fake brokers need.
pub fn encode_batch(
    records: &[(Option<Bytes>, Option<Bytes>)],
    headers: &[(&str, &[u8])],
    timestamp_ms: i64,
    compression: Compression,
) -> anyhow::Result<Bytes> {
    use kafka_protocol::records::{Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType};
    let headers: kafka_protocol::indexmap::IndexMap<_, _> = headers
        .iter()
        .map(|(k, v)| {
            (
                kafka_protocol::protocol::StrBytes::from_string(k.to_string()),
                Some(Bytes::copy_from_slice(v)),
            )
        })
        .collect();
    let records: Vec<Record> = records
        .iter()
        .enumerate()
        .map(|(i, (key, value))| Record {
            transactional: false,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: 0,
            producer_id: -1,
            producer_epoch: -1,
            // The crate puts records in one batch only while offset - sequence stays
            // the same.
            sequence: i as i32 - 1,
            timestamp_type: TimestampType::Creation,
            offset: i as i64,
            timestamp: timestamp_ms,
            key: key.clone(),
            value: value.clone(),
            headers: headers.clone(),
        })
        .collect();
    let mut buf = bytes::BytesMut::new();
    RecordBatchEncoder::encode(
        &mut buf,
        records.iter(),
        &RecordEncodeOptions {
            version: 2,
            compression,
        },
    )?;
    Ok(buf.freeze())
}

/// Who wrote a batch the broker builds itself: none, or a producer (group offsets
/// written in a transaction carry the producer's id and epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchProducer {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub transactional: bool,
}

impl BatchProducer {
    pub const NONE: BatchProducer = BatchProducer {
        producer_id: -1,
        producer_epoch: -1,
        transactional: false,
    };
}

/// One uncompressed batch of key/value records at offsets 0.., as the broker writes
/// its own internal records (group and transaction state), without sequence numbers.
pub fn encode_internal_batch(
    records: &[(Bytes, Option<Bytes>)],
    timestamp_ms: i64,
    producer: BatchProducer,
) -> anyhow::Result<Bytes> {
    use kafka_protocol::records::{Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType};
    let records: Vec<Record> = records
        .iter()
        .enumerate()
        .map(|(i, (key, value))| Record {
            transactional: producer.transactional,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: -1,
            producer_id: producer.producer_id,
            producer_epoch: producer.producer_epoch,
            timestamp_type: TimestampType::Creation,
            offset: i as i64,
            // No sequence (-1 for the batch); the crate keeps records in one batch
            // while offset - sequence stays the same.
            sequence: i as i32 - 1,
            timestamp: timestamp_ms,
            key: Some(key.clone()),
            value: value.clone(),
            headers: Default::default(),
        })
        .collect();
    let mut buf = bytes::BytesMut::new();
    RecordBatchEncoder::encode(
        &mut buf,
        records.iter(),
        &RecordEncodeOptions {
            version: 2,
            compression: Compression::None,
        },
    )?;
    Ok(buf.freeze())
}

/// A control batch holding one transaction marker (Kafka's EndTransactionMarker:
/// key = version 0 + type, 0 abort / 1 commit; value = version 0 + coordinator
/// epoch), from producer `producer_id` at `producer_epoch`.
pub fn encode_txn_marker(
    producer_id: i64,
    producer_epoch: i16,
    commit: bool,
    coordinator_epoch: i32,
    timestamp_ms: i64,
) -> anyhow::Result<Bytes> {
    use bytes::BufMut;
    use kafka_protocol::records::{Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType};
    let mut key = bytes::BytesMut::with_capacity(4);
    key.put_i16(0);
    key.put_i16(if commit { 1 } else { 0 });
    let mut value = bytes::BytesMut::with_capacity(6);
    value.put_i16(0);
    value.put_i32(coordinator_epoch);
    let record = Record {
        transactional: true,
        control: true,
        delete_horizon: false,
        partition_leader_epoch: -1,
        producer_id,
        producer_epoch,
        timestamp_type: TimestampType::Creation,
        offset: 0,
        sequence: -1,
        timestamp: timestamp_ms,
        key: Some(key.freeze()),
        value: Some(value.freeze()),
        headers: Default::default(),
    };
    let mut buf = bytes::BytesMut::new();
    RecordBatchEncoder::encode(
        &mut buf,
        std::iter::once(&record),
        &RecordEncodeOptions {
            version: 2,
            compression: Compression::None,
        },
    )?;
    Ok(buf.freeze())
}

/// Read everything from `reader`, refusing more than `limit` bytes.
fn read_bounded(reader: impl Read, limit: usize, what: &str) -> anyhow::Result<Bytes> {
    let mut out = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .with_context(|| format!("cannot decompress {what}"))?;
    if out.len() > limit {
        bail!("{what} record data decompresses to more than {limit} bytes");
    }
    Ok(Bytes::from(out))
}

/// Xerial's snappy framing (what Kafka's Java client and librdkafka write): a magic
/// header, then blocks of a big-endian u32 length and raw snappy data.
const XERIAL_MAGIC: &[u8; 16] = b"\x82SNAPPY\x00\x00\x00\x00\x01\x00\x00\x00\x01";

fn snappy_block(block: &[u8], out: &mut Vec<u8>, limit: usize) -> anyhow::Result<()> {
    let len = snap::raw::decompress_len(block).context("cannot read a snappy block length")?;
    if out.len() + len > limit {
        bail!("snappy record data decompresses to more than {limit} bytes");
    }
    let start = out.len();
    out.resize(start + len, 0);
    snap::raw::Decoder::new()
        .decompress(block, &mut out[start..])
        .context("cannot decompress snappy")?;
    Ok(())
}

fn snappy(mut data: &[u8], limit: usize) -> anyhow::Result<Bytes> {
    let mut out = Vec::new();
    if !data.starts_with(XERIAL_MAGIC) {
        // Raw snappy, as snappy-java also accepts.
        snappy_block(data, &mut out, limit)?;
        return Ok(Bytes::from(out));
    }
    data.advance(XERIAL_MAGIC.len());
    while data.has_remaining() {
        if data.remaining() < 4 {
            bail!("truncated snappy block length");
        }
        let len = data.get_u32() as usize;
        if len > data.remaining() {
            bail!(
                "snappy block of {len} bytes, {} remaining",
                data.remaining()
            );
        }
        let (block, rest) = data.split_at(len);
        snappy_block(block, &mut out, limit)?;
        data = rest;
    }
    Ok(Bytes::from(out))
}

/// Decompress one batch's records, producing at most `limit` bytes.
pub fn decompress(data: &[u8], compression: Compression, limit: usize) -> anyhow::Result<Bytes> {
    match compression {
        Compression::None => Ok(Bytes::copy_from_slice(data)),
        Compression::Gzip => read_bounded(flate2::read::GzDecoder::new(data), limit, "gzip"),
        Compression::Lz4 => {
            let decoder = lz4::Decoder::new(data).context("cannot decompress lz4")?;
            read_bounded(decoder, limit, "lz4")
        }
        Compression::Zstd => {
            let decoder =
                zstd::stream::read::Decoder::new(data).context("cannot decompress zstd")?;
            read_bounded(decoder, limit, "zstd")
        }
        Compression::Snappy => snappy(data, limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(compression: Compression, values: &[Vec<u8>]) -> Bytes {
        let records: Vec<_> = values
            .iter()
            .map(|v| (None, Some(Bytes::from(v.clone()))))
            .collect();
        encode_batch(&records, &[], 1_700_000_000_000, compression).unwrap()
    }

    #[test]
    fn every_codec_round_trips() {
        for c in [
            Compression::None,
            Compression::Gzip,
            Compression::Snappy,
            Compression::Lz4,
            Compression::Zstd,
        ] {
            let values = vec![b"hello".to_vec(), vec![b'x'; 10_000]];
            let mut b = batch(c, &values);
            let set = decode_batches(&mut b).unwrap_or_else(|e| panic!("{c:?}: {e:#}"));
            let got: Vec<Vec<u8>> = set
                .records
                .into_iter()
                .map(|r| r.value.unwrap().to_vec())
                .collect();
            assert_eq!(got, values, "{c:?}");
        }
    }

    #[test]
    fn transaction_markers_are_control_batches_in_kafkas_layout() {
        use crate::protocol::batch::{self, BatchHeader, TxnMarker};
        for (commit, epoch) in [(true, 7), (false, 0)] {
            let b = encode_txn_marker(42, 3, commit, epoch, 1_700_000_000_000).unwrap();
            let h = BatchHeader::parse(&b, 0).unwrap();
            assert!(h.is_control() && h.is_transactional());
            assert_eq!(
                (h.producer_id, h.producer_epoch, h.base_sequence),
                (42, 3, -1)
            );
            assert_eq!(h.record_count, 1);
            assert_eq!(batch::compute_crc(&b), h.crc);
            assert_eq!(
                batch::txn_marker(&b, &h),
                Some(TxnMarker {
                    commit,
                    coordinator_epoch: epoch
                })
            );
            let mut bytes = b.clone();
            let rec = decode_batches(&mut bytes).unwrap().records.remove(0);
            assert_eq!(&rec.key.unwrap()[..], &[0, 0, 0, commit as u8]);
            assert_eq!(&rec.value.unwrap()[..2], &[0, 0]);
            // Every truncation of the marker's record is read as no marker.
            for cut in batch::HEADER_LEN..b.len() {
                let got = batch::txn_marker(&b[..cut], &h);
                assert!(got.is_none() || got.unwrap().commit == commit);
            }
        }
        // A data batch is not a marker.
        let data = batch(Compression::None, &[b"x".to_vec()]);
        let h = batch::BatchHeader::parse(&data, 0).unwrap();
        assert_eq!(batch::txn_marker(&data, &h), None);
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        // 80 MiB of zeros compress to very little with every codec.
        let values = vec![vec![0u8; 80 << 20]];
        for c in [
            Compression::Gzip,
            Compression::Snappy,
            Compression::Lz4,
            Compression::Zstd,
        ] {
            let mut b = batch(c, &values);
            assert!(b.len() < 8 << 20, "{c:?} compresses zeros");
            let e = decode_batches(&mut b).unwrap_err();
            assert!(
                format!("{e:#}").contains("decompresses to more than"),
                "{c:?}: {e:#}"
            );
        }
    }

    #[test]
    fn a_snappy_length_claim_is_checked_before_allocating() {
        // A raw snappy stream whose varint header claims 2^32-1 bytes.
        let bomb = [0xff, 0xff, 0xff, 0xff, 0x0f, 0x00];
        let e = decompress(&bomb, Compression::Snappy, MAX_DECOMPRESSED_BATCH_BYTES).unwrap_err();
        assert!(format!("{e:#}").contains("more than"), "{e:#}");
    }
}
