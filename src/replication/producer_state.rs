//! Idempotent-producer bookkeeping for one partition: per producer id the current
//! epoch and the last few batches' sequence ranges, so a retried batch is answered
//! with its original offset instead of being stored twice, and a gap is refused.
//! Rebuilt from batch headers when a log is opened. Pure.

use std::collections::{HashMap, VecDeque};

use crate::protocol::batch::BatchHeader;

/// Kafka keeps the last five batches per producer (max.in.flight with idempotence).
const CACHED_BATCHES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CachedBatch {
    first_seq: i32,
    last_seq: i32,
    first_offset: i64,
}

#[derive(Debug, Default, Clone)]
struct ProducerEntry {
    epoch: i16,
    batches: VecDeque<CachedBatch>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceCheck {
    /// Not idempotent, or the next expected batch: append it.
    Append,
    /// Already stored at this first offset: acknowledge without storing.
    Duplicate {
        first_offset: i64,
    },
    OutOfOrder {
        expected: i32,
        got: i32,
    },
    /// The producer's epoch is older than one already seen.
    FencedEpoch,
}

#[derive(Debug, Default)]
pub struct ProducerStates {
    producers: HashMap<i64, ProducerEntry>,
}

fn next_seq(seq: i32) -> i32 {
    if seq == i32::MAX {
        0
    } else {
        seq + 1
    }
}

impl ProducerStates {
    pub fn check(&self, h: &BatchHeader) -> SequenceCheck {
        if !h.has_producer_id() || h.base_sequence < 0 {
            return SequenceCheck::Append;
        }
        let Some(entry) = self.producers.get(&h.producer_id) else {
            return if h.base_sequence == 0 {
                SequenceCheck::Append
            } else {
                SequenceCheck::OutOfOrder {
                    expected: 0,
                    got: h.base_sequence,
                }
            };
        };
        if h.producer_epoch < entry.epoch {
            return SequenceCheck::FencedEpoch;
        }
        if h.producer_epoch > entry.epoch {
            // A new epoch restarts sequences at 0 (KIP-360 bumps).
            return if h.base_sequence == 0 {
                SequenceCheck::Append
            } else {
                SequenceCheck::OutOfOrder {
                    expected: 0,
                    got: h.base_sequence,
                }
            };
        }
        if let Some(dup) = entry
            .batches
            .iter()
            .find(|b| b.first_seq == h.base_sequence && b.last_seq == h.last_sequence())
        {
            return SequenceCheck::Duplicate {
                first_offset: dup.first_offset,
            };
        }
        let expected = entry.batches.back().map_or(0, |b| next_seq(b.last_seq));
        if h.base_sequence == expected {
            SequenceCheck::Append
        } else {
            SequenceCheck::OutOfOrder {
                expected,
                got: h.base_sequence,
            }
        }
    }

    /// Record a stored batch (its header carries the assigned base offset).
    pub fn record(&mut self, h: &BatchHeader) {
        if !h.has_producer_id() || h.base_sequence < 0 {
            return;
        }
        let entry = self.producers.entry(h.producer_id).or_default();
        if h.producer_epoch != entry.epoch {
            entry.epoch = h.producer_epoch;
            entry.batches.clear();
        }
        entry.batches.push_back(CachedBatch {
            first_seq: h.base_sequence,
            last_seq: h.last_sequence(),
            first_offset: h.base_offset,
        });
        while entry.batches.len() > CACHED_BATCHES {
            entry.batches.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.producers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.producers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(pid: i64, epoch: i16, seq: i32, count: i32, offset: i64) -> BatchHeader {
        BatchHeader {
            base_offset: offset,
            batch_length: 100,
            partition_leader_epoch: 0,
            magic: 2,
            crc: 0,
            attributes: 0,
            last_offset_delta: count - 1,
            base_timestamp: 0,
            max_timestamp: 0,
            producer_id: pid,
            producer_epoch: epoch,
            base_sequence: seq,
            record_count: count,
        }
    }

    #[test]
    fn sequence_rules() {
        let mut s = ProducerStates::default();
        let cases: &[(BatchHeader, SequenceCheck, bool)] = &[
            (header(-1, -1, -1, 3, 0), SequenceCheck::Append, false),
            (
                header(7, 0, 5, 1, 0),
                SequenceCheck::OutOfOrder {
                    expected: 0,
                    got: 5,
                },
                false,
            ),
            (header(7, 0, 0, 3, 10), SequenceCheck::Append, true),
            (header(7, 0, 3, 2, 13), SequenceCheck::Append, true),
            (
                header(7, 0, 0, 3, 99),
                SequenceCheck::Duplicate { first_offset: 10 },
                false,
            ),
            (
                header(7, 0, 3, 2, 99),
                SequenceCheck::Duplicate { first_offset: 13 },
                false,
            ),
            (
                header(7, 0, 9, 1, 99),
                SequenceCheck::OutOfOrder {
                    expected: 5,
                    got: 9,
                },
                false,
            ),
            (header(7, 1, 0, 1, 15), SequenceCheck::Append, true),
            (header(7, 0, 5, 1, 99), SequenceCheck::FencedEpoch, false),
            (
                header(7, 2, 4, 1, 99),
                SequenceCheck::OutOfOrder {
                    expected: 0,
                    got: 4,
                },
                false,
            ),
        ];
        for (i, (h, want, store)) in cases.iter().enumerate() {
            assert_eq!(s.check(h), *want, "case {i}");
            if *store {
                s.record(h);
            }
        }
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn only_last_five_batches_are_remembered() {
        let mut s = ProducerStates::default();
        for i in 0..7 {
            s.record(&header(1, 0, i, 1, i as i64));
        }
        assert_eq!(
            s.check(&header(1, 0, 1, 1, 0)),
            SequenceCheck::OutOfOrder {
                expected: 7,
                got: 1
            }
        );
        assert_eq!(
            s.check(&header(1, 0, 6, 1, 0)),
            SequenceCheck::Duplicate { first_offset: 6 }
        );
    }
}
