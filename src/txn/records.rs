//! Transaction state records in `__transaction_state`, in Apache Kafka's layout:
//! key = TransactionLogKey v0 (version, transactional id), value =
//! TransactionLogValue v0 (producer id and epoch, timeout, state, partitions,
//! last update and start times). A null value is a tombstone (an expired id).
//! Pure byte encoding; every length read is checked against the bytes there.

use std::collections::BTreeSet;

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::state::{TxnMetadata, TxnState};
use crate::protocol::TopicPartition;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("malformed transaction record: {0}")]
pub struct DecodeError(&'static str);

/// One record of `__transaction_state`.
#[derive(Debug, Clone, PartialEq)]
pub struct TxnRecord {
    pub transactional_id: String,
    /// None = tombstone.
    pub value: Option<TxnMetadata>,
}

fn put_str(b: &mut BytesMut, s: &str) {
    // Transactional ids and topic names are bounded well below i16::MAX by the
    // handlers that accept them.
    b.put_i16(s.len().min(i16::MAX as usize) as i16);
    b.put_slice(&s.as_bytes()[..s.len().min(i16::MAX as usize)]);
}

fn need(b: &Bytes, n: usize, what: &'static str) -> Result<(), DecodeError> {
    if b.remaining() < n {
        Err(DecodeError(what))
    } else {
        Ok(())
    }
}

fn get_str(b: &mut Bytes) -> Result<String, DecodeError> {
    need(b, 2, "short string length")?;
    let n = b.get_i16();
    if n < 0 {
        return Err(DecodeError("null string"));
    }
    need(b, n as usize, "short string")?;
    let s = b.split_to(n as usize);
    Ok(String::from_utf8_lossy(&s).into_owned())
}

impl TxnRecord {
    /// (key, value) bytes as stored.
    pub fn encode(&self) -> (Bytes, Option<Bytes>) {
        let mut k = BytesMut::new();
        k.put_i16(0);
        put_str(&mut k, &self.transactional_id);
        let v = self.value.as_ref().map(|m| {
            let mut v = BytesMut::new();
            v.put_i16(0);
            v.put_i64(m.producer_id);
            v.put_i16(m.producer_epoch);
            v.put_i32(m.timeout_ms);
            v.put_i8(m.state as i8);
            // Kafka writes a null partition list for Empty and the Complete states.
            if m.partitions.is_empty() {
                v.put_i32(-1);
            } else {
                let mut by_topic: Vec<(&str, Vec<i32>)> = Vec::new();
                for tp in &m.partitions {
                    match by_topic.last_mut() {
                        Some((t, ps)) if *t == tp.topic => ps.push(tp.partition),
                        _ => by_topic.push((&tp.topic, vec![tp.partition])),
                    }
                }
                v.put_i32(by_topic.len() as i32);
                for (t, ps) in by_topic {
                    put_str(&mut v, t);
                    v.put_i32(ps.len() as i32);
                    for p in ps {
                        v.put_i32(p);
                    }
                }
            }
            v.put_i64(m.last_update_ms);
            v.put_i64(m.start_ms);
            v.freeze()
        });
        (k.freeze(), v)
    }

    pub fn decode(mut key: Bytes, value: Option<Bytes>) -> Result<TxnRecord, DecodeError> {
        need(&key, 2, "short key")?;
        let version = key.get_i16();
        if version != 0 {
            return Err(DecodeError("unknown key version"));
        }
        let transactional_id = get_str(&mut key)?;
        let Some(mut v) = value else {
            return Ok(TxnRecord {
                transactional_id,
                value: None,
            });
        };
        need(&v, 2 + 8 + 2 + 4 + 1 + 4, "short value")?;
        // v1 is flexible (compact strings and arrays, tagged fields); kw writes v0
        // and reads only that.
        if v.get_i16() != 0 {
            return Err(DecodeError("unknown value version"));
        }
        let producer_id = v.get_i64();
        let producer_epoch = v.get_i16();
        let timeout_ms = v.get_i32();
        let state = TxnState::from_id(v.get_i8()).ok_or(DecodeError("unknown state"))?;
        let topics = v.get_i32();
        let mut partitions = BTreeSet::new();
        for _ in 0..topics.max(0) {
            let topic = get_str(&mut v)?;
            need(&v, 4, "short partition count")?;
            let n = v.get_i32();
            // Each partition id takes 4 bytes: a count beyond what is left is a lie.
            if n < 0 || n as usize > v.remaining() / 4 {
                return Err(DecodeError("bad partition count"));
            }
            for _ in 0..n {
                partitions.insert(TopicPartition::new(topic.clone(), v.get_i32()));
            }
        }
        need(&v, 16, "short timestamps")?;
        let last_update_ms = v.get_i64();
        let start_ms = v.get_i64();
        Ok(TxnRecord {
            transactional_id: transactional_id.clone(),
            value: Some(TxnMetadata {
                transactional_id,
                producer_id,
                producer_epoch,
                last_producer_epoch: -1,
                timeout_ms,
                state,
                partitions,
                start_ms,
                last_update_ms,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(state: TxnState, partitions: &[(&str, i32)]) -> TxnMetadata {
        TxnMetadata {
            transactional_id: "tx-1".into(),
            producer_id: 4001,
            producer_epoch: 7,
            last_producer_epoch: -1,
            timeout_ms: 60_000,
            state,
            partitions: partitions
                .iter()
                .map(|(t, p)| TopicPartition::new(*t, *p))
                .collect(),
            start_ms: 1_700_000_000_000,
            last_update_ms: 1_700_000_000_500,
        }
    }

    #[test]
    fn records_round_trip_in_kafkas_layout() {
        let m = meta(TxnState::Ongoing, &[("a", 1), ("a", 0), ("b", 2)]);
        let r = TxnRecord {
            transactional_id: "tx-1".into(),
            value: Some(m.clone()),
        };
        let (k, v) = r.encode();
        // key: version 0, then the id as an int16-prefixed string
        assert_eq!(&k[..], b"\x00\x00\x00\x04tx-1");
        let v = v.unwrap();
        assert_eq!(&v[..2], &[0, 0], "value version 0");
        assert_eq!(&v[2..10], &4001i64.to_be_bytes());
        assert_eq!(v[16], 1, "Ongoing is state 1");
        assert_eq!(TxnRecord::decode(k.clone(), Some(v)).unwrap(), r);
        let done = TxnRecord {
            transactional_id: "tx-1".into(),
            value: Some(meta(TxnState::CompleteCommit, &[])),
        };
        let (k2, v2) = done.encode();
        assert_eq!(&v2.as_ref().unwrap()[17..21], &(-1i32).to_be_bytes());
        assert_eq!(TxnRecord::decode(k2, v2).unwrap(), done);
        let tomb = TxnRecord::decode(k, None).unwrap();
        assert_eq!(tomb.value, None);
    }

    #[test]
    fn hostile_lengths_are_refused_without_allocating() {
        let (k, v) = TxnRecord {
            transactional_id: "t".into(),
            value: Some(meta(TxnState::Ongoing, &[("a", 0)])),
        }
        .encode();
        let v = v.unwrap();
        // Every truncation fails cleanly.
        for cut in 0..v.len() {
            assert!(TxnRecord::decode(k.clone(), Some(v.slice(..cut))).is_err());
        }
        // A partition count of 2^31-1 with four bytes behind it.
        let mut bad = BytesMut::from(&v[..17]);
        bad.put_i32(1);
        bad.put_i16(1);
        bad.put_slice(b"a");
        bad.put_i32(i32::MAX);
        bad.put_i32(0);
        assert_eq!(
            TxnRecord::decode(k, Some(bad.freeze())),
            Err(DecodeError("bad partition count"))
        );
    }
}
