//! The leader-epoch cache of one partition (KIP-101): for each leader epoch, the
//! first offset written in it. Rebuilt on open from the `partition_leader_epoch` of
//! every stored batch, so it needs no file of its own. It answers
//! OffsetForLeaderEpoch and, for a follower, where its log diverges from a leader's.

/// No epoch / no offset, as Kafka spells "undefined" on the wire.
pub const UNDEFINED: i32 = -1;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EpochCache {
    /// (epoch, start offset), both strictly increasing.
    entries: Vec<(i32, i64)>,
}

impl EpochCache {
    /// Record that `epoch` starts at `start_offset` (ignored unless newer than the last).
    pub fn assign(&mut self, epoch: i32, start_offset: i64) {
        if epoch < 0 {
            return;
        }
        match self.entries.last() {
            Some(&(last, _)) if epoch <= last => {}
            _ => self.entries.push((epoch, start_offset)),
        }
    }

    pub fn latest_epoch(&self) -> Option<i32> {
        self.entries.last().map(|e| e.0)
    }

    pub fn entries(&self) -> &[(i32, i64)] {
        &self.entries
    }

    /// Kafka's `endOffsetFor`: the epoch at or below `requested` that this log knows
    /// and the offset where it ended (the start of the next epoch, or the log end
    /// offset for the latest). `(UNDEFINED, UNDEFINED)` when `requested` is newer
    /// than anything here.
    pub fn end_offset_for(&self, requested: i32, log_end_offset: i64) -> (i32, i64) {
        if requested < 0 {
            return (UNDEFINED, UNDEFINED as i64);
        }
        if self.latest_epoch() == Some(requested) {
            return (requested, log_end_offset);
        }
        let Some(higher) = self.entries.iter().position(|&(e, _)| e > requested) else {
            return (UNDEFINED, UNDEFINED as i64);
        };
        let next_start = self.entries[higher].1;
        if higher == 0 {
            // Older than anything we hold: nothing of it is here.
            (requested, next_start)
        } else {
            (self.entries[higher - 1].0, next_start)
        }
    }

    /// Forget epochs that start at or after `offset` (the log was truncated there).
    pub fn truncate_from_end(&mut self, offset: i64) {
        self.entries.retain(|&(_, start)| start < offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> EpochCache {
        let mut c = EpochCache::default();
        c.assign(0, 0);
        c.assign(0, 5); // same epoch again: ignored
        c.assign(2, 10);
        c.assign(5, 30);
        c
    }

    #[test]
    fn end_offsets_per_epoch_like_kafka() {
        let c = cache();
        let leo = 42;
        let cases = [
            (5, (5, 42)), // the current epoch ends at the log end
            (2, (2, 30)), // ends where epoch 5 starts
            (3, (2, 30)), // unknown epoch between: the floor epoch and the next start
            (0, (0, 10)),
            (9, (-1, -1)), // newer than any epoch here
            (-1, (-1, -1)),
        ];
        for (requested, want) in cases {
            assert_eq!(c.end_offset_for(requested, leo), want, "epoch {requested}");
        }
        let mut later = EpochCache::default();
        later.assign(4, 100);
        assert_eq!(
            later.end_offset_for(1, 120),
            (1, 100),
            "older than the cache"
        );
        assert_eq!(EpochCache::default().end_offset_for(0, 0), (UNDEFINED, -1));
    }

    #[test]
    fn truncation_drops_epochs_that_started_after_the_cut() {
        let mut c = cache();
        c.truncate_from_end(30);
        assert_eq!(c.entries(), &[(0, 0), (2, 10)]);
        c.assign(3, 30);
        assert_eq!(c.latest_epoch(), Some(3));
    }
}
