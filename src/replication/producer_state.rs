//! Idempotent- and transactional-producer bookkeeping for one partition (Kafka's
//! ProducerStateManager): per producer id the current epoch and the last few
//! batches' sequence ranges, so a retried batch is answered with its original
//! offset instead of being stored twice and a gap is refused; the first offset of
//! each open transaction, the transactions ended by a marker that may not be
//! replicated yet, and the aborted transactions, from which the partition derives
//! its last stable offset and the aborted list of read_committed fetches. Rebuilt
//! from batch headers (and markers) when a log is opened. Pure.

use std::collections::{BTreeSet, HashMap, VecDeque};

use crate::protocol::batch::{BatchHeader, TxnMarker};

/// Kafka keeps the last five batches per producer (max.in.flight with idempotence).
const CACHED_BATCHES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CachedBatch {
    first_seq: i32,
    last_seq: i32,
    first_offset: i64,
}

#[derive(Debug, Clone)]
struct ProducerEntry {
    epoch: i16,
    batches: VecDeque<CachedBatch>,
    /// First offset of this producer's open transaction here.
    txn_first_offset: Option<i64>,
    /// Epoch of the transaction coordinator that wrote the last marker.
    coordinator_epoch: i32,
    last_timestamp: i64,
}

impl Default for ProducerEntry {
    fn default() -> Self {
        ProducerEntry {
            epoch: 0,
            batches: VecDeque::new(),
            txn_first_offset: None,
            coordinator_epoch: -1,
            last_timestamp: -1,
        }
    }
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
    /// A non-transactional batch from a producer with an open transaction.
    InvalidTxnState,
}

/// Why a marker may not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerCheck {
    Append,
    /// The marker's producer epoch is older than the producer's.
    FencedEpoch,
    /// A coordinator with a newer epoch already wrote a marker for this producer.
    CoordinatorFenced,
}

/// A transaction that ended with an abort: consumers reading committed data skip
/// this producer's records from `first_offset` up to the marker at `last_offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbortedTxn {
    pub producer_id: i64,
    pub first_offset: i64,
    pub last_offset: i64,
}

/// One producer as DescribeProducers reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerSummary {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub last_sequence: i32,
    pub last_timestamp: i64,
    pub coordinator_epoch: i32,
    /// First offset of the open transaction, -1 when none.
    pub current_txn_start_offset: i64,
}

#[derive(Debug, Default)]
pub struct ProducerStates {
    producers: HashMap<i64, ProducerEntry>,
    /// Open transactions as (first offset, producer id): the smallest bounds the
    /// last stable offset.
    ongoing: BTreeSet<(i64, i64)>,
    /// Transactions ended by a marker at or above the high watermark last seen, as
    /// (first offset, marker offset), in marker order: still unstable until the
    /// marker is replicated.
    completed: VecDeque<(i64, i64)>,
    /// Aborted transactions in marker order.
    aborted: VecDeque<AbortedTxn>,
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
        if !h.has_producer_id() {
            return SequenceCheck::Append;
        }
        let entry = self.producers.get(&h.producer_id);
        if let Some(entry) = entry {
            if h.producer_epoch < entry.epoch {
                return SequenceCheck::FencedEpoch;
            }
            if !h.is_transactional()
                && entry.txn_first_offset.is_some()
                && h.producer_epoch == entry.epoch
            {
                return SequenceCheck::InvalidTxnState;
            }
        }
        if h.base_sequence < 0 {
            return SequenceCheck::Append;
        }
        let Some(entry) = entry else {
            return if h.base_sequence == 0 {
                SequenceCheck::Append
            } else {
                SequenceCheck::OutOfOrder {
                    expected: 0,
                    got: h.base_sequence,
                }
            };
        };
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

    /// Whether a marker from `producer_id` at `producer_epoch`, written for a
    /// coordinator at `coordinator_epoch`, may be appended.
    pub fn check_marker(
        &self,
        producer_id: i64,
        producer_epoch: i16,
        coordinator_epoch: i32,
    ) -> MarkerCheck {
        match self.producers.get(&producer_id) {
            Some(e) if producer_epoch < e.epoch => MarkerCheck::FencedEpoch,
            Some(e) if coordinator_epoch < e.coordinator_epoch => MarkerCheck::CoordinatorFenced,
            _ => MarkerCheck::Append,
        }
    }

    /// Record a stored batch (its header carries the assigned base offset), with
    /// the marker it holds when it is a control batch.
    pub fn record(&mut self, h: &BatchHeader, marker: Option<TxnMarker>) {
        if !h.has_producer_id() {
            return;
        }
        let entry = self.producers.entry(h.producer_id).or_default();
        if h.producer_epoch != entry.epoch {
            entry.epoch = h.producer_epoch;
            entry.batches.clear();
        }
        entry.last_timestamp = entry.last_timestamp.max(h.max_timestamp);
        if h.is_control() {
            let Some(m) = marker else { return };
            entry.coordinator_epoch = entry.coordinator_epoch.max(m.coordinator_epoch);
            // As Kafka: a marker that ends nothing here changes neither the last
            // stable offset nor the aborted list.
            let Some(first) = entry.txn_first_offset.take() else {
                return;
            };
            self.ongoing.remove(&(first, h.producer_id));
            self.completed.push_back((first, h.base_offset));
            if !m.commit {
                self.aborted.push_back(AbortedTxn {
                    producer_id: h.producer_id,
                    first_offset: first,
                    last_offset: h.base_offset,
                });
            }
            return;
        }
        if h.is_transactional() && entry.txn_first_offset.is_none() {
            entry.txn_first_offset = Some(h.base_offset);
            self.ongoing.insert((h.base_offset, h.producer_id));
        }
        if h.base_sequence < 0 {
            return;
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

    /// The first offset a read_committed consumer may not read yet, given the high
    /// watermark: the start of the earliest open transaction or of one whose marker
    /// is not replicated. None when everything below the HW is stable.
    pub fn first_unstable_offset(&mut self, high_watermark: i64) -> Option<i64> {
        while self
            .completed
            .front()
            .is_some_and(|(_, marker)| *marker < high_watermark)
        {
            self.completed.pop_front();
        }
        let ongoing = self.ongoing.first().map(|(first, _)| *first);
        let completed = self.completed.iter().map(|(first, _)| *first).min();
        match (ongoing, completed) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Aborted transactions a read of `[from, to)` may meet: those whose marker is
    /// at or after `from` and that started before `to` (Kafka's collectAbortedTxns).
    pub fn aborted_between(&self, from: i64, to: i64) -> Vec<AbortedTxn> {
        let start = self.aborted.partition_point(|a| a.last_offset < from);
        self.aborted
            .range(start..)
            .filter(|a| a.first_offset < to)
            .copied()
            .collect()
    }

    /// Forget aborted transactions wholly below the log start (retention).
    pub fn prune_below(&mut self, log_start_offset: i64) {
        while self
            .aborted
            .front()
            .is_some_and(|a| a.last_offset < log_start_offset)
        {
            self.aborted.pop_front();
        }
    }

    /// Every producer this partition knows, for DescribeProducers.
    pub fn summaries(&self) -> Vec<ProducerSummary> {
        let mut out: Vec<ProducerSummary> = self
            .producers
            .iter()
            .map(|(pid, e)| ProducerSummary {
                producer_id: *pid,
                producer_epoch: e.epoch,
                last_sequence: e.batches.back().map_or(-1, |b| b.last_seq),
                last_timestamp: e.last_timestamp,
                coordinator_epoch: e.coordinator_epoch,
                current_txn_start_offset: e.txn_first_offset.unwrap_or(-1),
            })
            .collect();
        out.sort_by_key(|p| p.producer_id);
        out
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
                s.record(h, None);
            }
        }
        assert_eq!(s.len(), 1);
    }

    fn txn(pid: i64, epoch: i16, seq: i32, count: i32, offset: i64) -> BatchHeader {
        BatchHeader {
            attributes: 0x10,
            ..header(pid, epoch, seq, count, offset)
        }
    }

    fn marker(pid: i64, epoch: i16, offset: i64) -> BatchHeader {
        BatchHeader {
            attributes: 0x30,
            ..header(pid, epoch, -1, 1, offset)
        }
    }

    const COMMIT: Option<TxnMarker> = Some(TxnMarker {
        commit: true,
        coordinator_epoch: 3,
    });
    const ABORT: Option<TxnMarker> = Some(TxnMarker {
        commit: false,
        coordinator_epoch: 3,
    });

    #[test]
    fn transactions_bound_the_last_stable_offset_and_aborts_are_listed() {
        let mut s = ProducerStates::default();
        // (batch, marker, high watermark, first unstable offset after it)
        let steps: &[(BatchHeader, Option<TxnMarker>, i64, Option<i64>)] = &[
            (txn(7, 0, 0, 3, 0), None, 3, Some(0)),
            (header(8, 0, 0, 1, 3), None, 4, Some(0)),
            (txn(9, 0, 0, 1, 4), None, 5, Some(0)),
            // 7 aborts; its marker (5) is not below the HW yet.
            (marker(7, 0, 5), ABORT, 5, Some(0)),
            // The marker is replicated: only 9's open transaction remains.
            (header(8, 0, 1, 1, 6), None, 6, Some(4)),
            (marker(9, 0, 7), COMMIT, 7, Some(4)),
            (header(8, 0, 2, 1, 8), None, 9, None),
        ];
        for (i, (h, m, hw, want)) in steps.iter().enumerate() {
            assert_eq!(s.check(h), SequenceCheck::Append, "step {i}");
            s.record(h, *m);
            assert_eq!(s.first_unstable_offset(*hw), *want, "step {i}");
        }
        let aborted = AbortedTxn {
            producer_id: 7,
            first_offset: 0,
            last_offset: 5,
        };
        assert_eq!(s.aborted_between(0, 10), vec![aborted]);
        assert_eq!(s.aborted_between(5, 10), vec![aborted]);
        assert_eq!(s.aborted_between(6, 10), vec![]);
        assert_eq!(s.aborted_between(0, 0), vec![]);
        // A producer with an open transaction may not write outside it.
        s.record(&txn(9, 0, 1, 1, 9), None);
        assert_eq!(
            s.check(&header(9, 0, 2, 1, 10)),
            SequenceCheck::InvalidTxnState
        );
        assert_eq!(s.check(&txn(9, 0, 2, 1, 10)), SequenceCheck::Append);
        assert_eq!(s.first_unstable_offset(10), Some(9));
        // Markers: an older coordinator or producer epoch is refused.
        assert_eq!(s.check_marker(9, 0, 3), MarkerCheck::Append);
        assert_eq!(s.check_marker(9, 0, 2), MarkerCheck::CoordinatorFenced);
        // The coordinator fences 9 (timeout): the abort carries epoch 1.
        s.record(&marker(9, 1, 10), ABORT);
        assert_eq!(s.check(&txn(9, 0, 2, 1, 11)), SequenceCheck::FencedEpoch);
        assert_eq!(s.check_marker(9, 0, 3), MarkerCheck::FencedEpoch);
        assert_eq!(s.first_unstable_offset(11), None);
        assert_eq!(s.aborted_between(9, 11).len(), 1);
        let summary = s.summaries();
        assert_eq!(summary.len(), 3);
        assert_eq!(summary[2].producer_id, 9);
        assert_eq!(summary[2].producer_epoch, 1);
        assert_eq!(summary[2].current_txn_start_offset, -1);
        // A marker for a producer with nothing open here is stored but ends nothing.
        s.record(&marker(8, 0, 11), ABORT);
        assert_eq!(s.aborted_between(11, 12), vec![]);
        assert_eq!(s.first_unstable_offset(11), None, "it opened nothing");
        s.prune_below(6);
        assert_eq!(s.aborted_between(0, 100).len(), 1, "7's abort is gone");
    }

    #[test]
    fn only_last_five_batches_are_remembered() {
        let mut s = ProducerStates::default();
        for i in 0..7 {
            s.record(&header(1, 0, i, 1, i as i64), None);
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
