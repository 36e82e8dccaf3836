//! A checker in the spirit of Jepsen's for the fault tests: from what an
//! idempotent acks=all producer was told (acknowledgements), what consumers read and
//! committed, and the final log, decide whether anything acknowledged was lost,
//! duplicated, reordered or moved, whether a consumer read something the log no
//! longer holds, whether a group's committed offsets went backwards, and how long
//! writes were unavailable. Pure: the caller parses the files and compares replicas.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};

/// One acknowledgement: value `value` at (partition, offset), produced and acked at
/// these times (ns since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    pub value: u64,
    pub partition: i32,
    pub offset: i64,
    pub produced_ns: i64,
    pub acked_ns: i64,
}

/// A record a consumer read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read {
    pub partition: i32,
    pub offset: i64,
    pub value: u64,
}

/// A committed group offset, with the time it was committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commit {
    pub partition: i32,
    pub offset: i64,
    pub at_ns: i64,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub acknowledged: usize,
    pub lost: usize,
    pub duplicated: usize,
    pub reordered: usize,
    /// Acknowledged at one offset, found at another.
    pub moved: usize,
    /// Read by a consumer, then not in the log at that offset.
    pub phantom_reads: usize,
    pub commits_backward: usize,
    /// Partitions whose replicas differ (filled in by the caller).
    pub divergent: usize,
    /// Seconds without any acknowledgement, over gaps longer than a second.
    pub unavailable_s: f64,
    /// The first few problems, for the failure message.
    pub examples: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.lost == 0
            && self.duplicated == 0
            && self.reordered == 0
            && self.moved == 0
            && self.phantom_reads == 0
            && self.commits_backward == 0
            && self.divergent == 0
    }

    pub fn summary(&self) -> String {
        format!(
            "checker: acknowledged {}, lost {}, duplicated {}, reordered {}, moved {}, phantom reads {}, commits backward {}, divergent {}, unavailable {:.1} s",
            self.acknowledged,
            self.lost,
            self.duplicated,
            self.reordered,
            self.moved,
            self.phantom_reads,
            self.commits_backward,
            self.divergent,
            self.unavailable_s
        )
    }

    fn note(&mut self, what: String) {
        if self.examples.len() < 10 {
            self.examples.push(what);
        }
    }
}

/// Check the history against the final log (partition -> (offset, value) in offset
/// order). Values of one partition were produced in increasing order by one
/// idempotent producer, so the log must hold them in increasing order.
pub fn check(
    acks: &[Ack],
    log: &BTreeMap<i32, Vec<(i64, u64)>>,
    reads: &[Read],
    commits: &[Commit],
) -> Report {
    let mut r = Report {
        acknowledged: acks.len(),
        ..Report::default()
    };
    let mut at: HashMap<(i32, i64), u64> = HashMap::new();
    let mut where_is: HashMap<u64, Vec<(i32, i64)>> = HashMap::new();
    for (p, records) in log {
        let mut last: Option<u64> = None;
        for (o, v) in records {
            at.insert((*p, *o), *v);
            where_is.entry(*v).or_default().push((*p, *o));
            if last.is_some_and(|l| *v <= l) {
                r.reordered += 1;
                r.note(format!(
                    "partition {p}: {v} at offset {o} after {}",
                    last.unwrap()
                ));
            }
            last = Some(*v);
        }
    }
    for (v, places) in &where_is {
        if places.len() > 1 {
            r.duplicated += places.len() - 1;
            r.note(format!("{v} stored {} times: {places:?}", places.len()));
        }
    }
    for a in acks {
        match where_is.get(&a.value) {
            None => {
                r.lost += 1;
                r.note(format!(
                    "{} acknowledged at {}-{} is not in the log",
                    a.value, a.partition, a.offset
                ));
            }
            Some(places) if !places.contains(&(a.partition, a.offset)) => {
                r.moved += 1;
                r.note(format!(
                    "{} acknowledged at {}-{} is at {places:?}",
                    a.value, a.partition, a.offset
                ));
            }
            Some(_) => {}
        }
    }
    for rd in reads {
        if at.get(&(rd.partition, rd.offset)) != Some(&rd.value) {
            r.phantom_reads += 1;
            r.note(format!(
                "read {} at {}-{}, the log has {:?}",
                rd.value,
                rd.partition,
                rd.offset,
                at.get(&(rd.partition, rd.offset))
            ));
        }
    }
    let mut by_partition: BTreeMap<i32, Vec<Commit>> = BTreeMap::new();
    for c in commits {
        by_partition.entry(c.partition).or_default().push(*c);
    }
    for (p, mut cs) in by_partition {
        cs.sort_by_key(|c| c.at_ns);
        for w in cs.windows(2) {
            if w[1].offset < w[0].offset {
                r.commits_backward += 1;
                r.note(format!(
                    "partition {p}: committed {} after {}",
                    w[1].offset, w[0].offset
                ));
            }
        }
    }
    let mut times: Vec<i64> = acks.iter().map(|a| a.acked_ns).collect();
    times.sort_unstable();
    r.unavailable_s = times
        .windows(2)
        .map(|w| (w[1] - w[0]) as f64 / 1e9)
        .filter(|gap| *gap > 1.0)
        .sum();
    r
}

/// What a transactional producer knows of one transaction's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnOutcome {
    Committed,
    Aborted,
    /// Its commit failed half-way: either may have happened.
    Unknown,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct TxnReport {
    pub committed: usize,
    pub aborted: usize,
    pub unknown: usize,
    /// Committed values a read_committed consumer cannot find.
    pub lost: usize,
    /// Committed values that read_committed consumers find more than once.
    pub duplicated: usize,
    /// Aborted values a read_committed consumer saw (during the run or at the end).
    pub aborted_read: usize,
    /// Transactions of unknown outcome that are partly visible: atomicity broken.
    pub partial: usize,
    pub examples: Vec<String>,
}

impl TxnReport {
    pub fn ok(&self) -> bool {
        self.lost == 0 && self.duplicated == 0 && self.aborted_read == 0 && self.partial == 0
    }

    pub fn summary(&self) -> String {
        format!(
            "transactions: committed {}, aborted {}, unknown {}, committed lost {}, duplicated {}, aborted read {}, partly visible {}",
            self.committed, self.aborted, self.unknown, self.lost, self.duplicated, self.aborted_read, self.partial
        )
    }
}

/// Check transactions: `outcomes` per transaction with its values, `final_log` what
/// a read_committed consumer reads from the beginning after healing, `reads` what
/// read_committed consumers read during the run.
pub fn check_txn(
    outcomes: &[(TxnOutcome, Vec<String>)],
    final_log: &[String],
    reads: &[String],
) -> TxnReport {
    let mut r = TxnReport::default();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for v in final_log {
        *count.entry(v.as_str()).or_default() += 1;
    }
    let mut aborted: std::collections::HashSet<&str> = Default::default();
    for (outcome, values) in outcomes {
        match outcome {
            TxnOutcome::Committed => {
                r.committed += 1;
                for v in values {
                    if !count.contains_key(v.as_str()) {
                        r.lost += 1;
                        if r.examples.len() < 10 {
                            r.examples.push(format!("committed {v} is not read"));
                        }
                    }
                }
            }
            TxnOutcome::Aborted => {
                r.aborted += 1;
                aborted.extend(values.iter().map(String::as_str));
            }
            TxnOutcome::Unknown => {
                r.unknown += 1;
                let seen = values
                    .iter()
                    .filter(|v| count.contains_key(v.as_str()))
                    .count();
                if seen != 0 && seen != values.len() {
                    r.partial += 1;
                    if r.examples.len() < 10 {
                        r.examples.push(format!("{seen} of {values:?} are read"));
                    }
                }
            }
        }
    }
    for (v, n) in &count {
        if *n > 1 {
            r.duplicated += n - 1;
            if r.examples.len() < 10 {
                r.examples.push(format!("{v} is read {n} times"));
            }
        }
    }
    for v in final_log.iter().chain(reads) {
        if aborted.contains(v.as_str()) {
            r.aborted_read += 1;
            if r.examples.len() < 10 {
                r.examples.push(format!("aborted {v} was read"));
            }
        }
    }
    r
}

/// For a fault at `fault_ns`: how long until every partition had acknowledged a
/// write produced after it, in seconds (None if some partition never did).
pub fn recovery_after(acks: &[Ack], partitions: i32, fault_ns: i64) -> Option<f64> {
    (0..partitions)
        .map(|p| {
            acks.iter()
                .filter(|a| a.partition == p && a.produced_ns >= fault_ns)
                .map(|a| a.acked_ns)
                .min()
        })
        .try_fold(0i64, |worst, first| Some(worst.max(first? - fault_ns)))
        .map(|ns| ns as f64 / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(value: u64, partition: i32, offset: i64, t: i64) -> Ack {
        Ack {
            value,
            partition,
            offset,
            produced_ns: t,
            acked_ns: t + 1,
        }
    }

    #[test]
    fn a_clean_history_passes() {
        let log = BTreeMap::from([(0, vec![(0, 1), (1, 3)]), (1, vec![(0, 2)])]);
        let acks = [ack(1, 0, 0, 10), ack(2, 1, 0, 20), ack(3, 0, 1, 30)];
        let reads = [Read {
            partition: 0,
            offset: 1,
            value: 3,
        }];
        let commits = [
            Commit {
                partition: 0,
                offset: 1,
                at_ns: 5,
            },
            Commit {
                partition: 0,
                offset: 2,
                at_ns: 6,
            },
        ];
        let r = check(&acks, &log, &reads, &commits);
        assert!(r.ok(), "{r:?}");
        assert_eq!(r.acknowledged, 3);
    }

    #[test]
    fn every_kind_of_anomaly_is_counted() {
        // 4 lost, 2 stored twice, 6 moved (acked at 0-5), 7 before 5 (reordered),
        // a read of 9 that the log does not hold, a commit going back.
        let log = BTreeMap::from([(
            0,
            vec![(0, 1), (1, 2), (2, 2), (3, 5), (4, 7), (5, 8), (6, 6)],
        )]);
        let acks = [ack(1, 0, 0, 1), ack(4, 0, 9, 2), ack(6, 0, 5, 3)];
        let reads = [Read {
            partition: 0,
            offset: 3,
            value: 9,
        }];
        let commits = [
            Commit {
                partition: 0,
                offset: 5,
                at_ns: 1,
            },
            Commit {
                partition: 0,
                offset: 3,
                at_ns: 2,
            },
        ];
        let r = check(&acks, &log, &reads, &commits);
        assert_eq!(r.lost, 1);
        assert_eq!(r.duplicated, 1);
        assert_eq!(r.moved, 1);
        assert_eq!(r.reordered, 2, "2 after 2, 6 after 8");
        assert_eq!(r.phantom_reads, 1);
        assert_eq!(r.commits_backward, 1);
        assert!(!r.ok());
    }

    #[test]
    fn transactions_committed_once_aborted_never() {
        let t = |o, vs: &[&str]| (o, vs.iter().map(|v| v.to_string()).collect::<Vec<_>>());
        let outcomes = [
            t(TxnOutcome::Committed, &["a", "b"]),
            t(TxnOutcome::Aborted, &["c"]),
            t(TxnOutcome::Unknown, &["d"]),
            t(TxnOutcome::Unknown, &["e", "f"]),
        ];
        let good: Vec<String> = ["a", "b", "d"].iter().map(|s| s.to_string()).collect();
        assert!(check_txn(&outcomes, &good, &[]).ok());
        let bad: Vec<String> = ["a", "a", "c", "e"].iter().map(|s| s.to_string()).collect();
        let r = check_txn(&outcomes, &bad, &["c".to_string()]);
        assert_eq!(
            (r.lost, r.duplicated, r.aborted_read, r.partial),
            (1, 1, 2, 1)
        );
        assert!(!r.ok());
    }

    #[test]
    fn unavailability_and_recovery() {
        let s = 1_000_000_000i64;
        let acks = [
            ack(1, 0, 0, 0),
            ack(2, 1, 0, s / 2),
            ack(3, 0, 1, 4 * s),
            ack(4, 1, 1, 5 * s),
        ];
        let r = check(&acks, &BTreeMap::new(), &[], &[]);
        assert!((r.unavailable_s - 3.5).abs() < 1e-6, "{}", r.unavailable_s);
        let t = recovery_after(&acks, 2, s).unwrap();
        assert!((t - 4.0).abs() < 1e-6, "{t}");
        assert_eq!(recovery_after(&acks, 3, s), None);
    }
}
