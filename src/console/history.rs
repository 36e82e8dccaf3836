//! What the console remembers between snapshots, in memory: end offsets over the
//! last minute (messages per second), and each group partition's lag over the last
//! fifteen minutes (sparklines, lag in seconds, whether lag grows or stalls). The
//! colour rule is a pure function of a lag series. No I/O.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use super::model::Snapshot;

/// End offsets are kept this long (rates).
const RATE_WINDOW_MS: i64 = 60_000;
/// Rates are measured over about this long.
const RATE_SPAN_MS: i64 = 10_000;
/// Lag series are kept this long, one sample per [`LAG_SAMPLE_MS`] at most.
const LAG_KEEP_MS: i64 = 15 * 60_000;
const LAG_SAMPLE_MS: i64 = 5_000;

/// Lag at or below this is "small" (green).
pub const LAG_SMALL: i64 = 100;
/// Lag at or above this is "large" (red).
pub const LAG_LARGE: i64 = 10_000;
/// A consumer whose committed offset has not moved for this long while it lags is
/// stalled (red).
pub const STALL_MS: i64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LagStatus {
    /// Green: small, or shrinking.
    Ok,
    /// Amber: above small and growing.
    Growing,
    /// Red: large, or stalled.
    Critical,
}

/// One sample of a group partition: (time, lag, committed offset).
pub type LagSample = (i64, i64, i64);

/// The colour of a lag series (oldest first) at `now_ms`.
pub fn lag_status(series: &[LagSample], now_ms: i64) -> LagStatus {
    let Some(&(_, lag, committed)) = series.last() else {
        return LagStatus::Ok;
    };
    if lag <= LAG_SMALL {
        return LagStatus::Ok;
    }
    if lag >= LAG_LARGE {
        return LagStatus::Critical;
    }
    // Stalled: the committed offset has been the same for STALL_MS.
    let since = series
        .iter()
        .rev()
        .take_while(|(_, _, c)| *c == committed)
        .last()
        .map_or(now_ms, |(t, _, _)| *t);
    if now_ms - since >= STALL_MS
        && series
            .first()
            .is_some_and(|(t, _, _)| now_ms - t >= STALL_MS)
    {
        return LagStatus::Critical;
    }
    // Growing: more lag than a minute ago (or than the oldest sample).
    let past = series
        .iter()
        .find(|(t, _, _)| now_ms - t <= 60_000)
        .map_or(lag, |(_, l, _)| *l);
    if lag > past {
        LagStatus::Growing
    } else {
        LagStatus::Ok
    }
}

#[derive(Default)]
pub struct History {
    topic_ends: HashMap<String, VecDeque<(i64, i64)>>,
    partition_ends: HashMap<(String, i32), VecDeque<(i64, i64)>>,
    lags: HashMap<(String, String, i32), VecDeque<LagSample>>,
}

fn rate(samples: Option<&VecDeque<(i64, i64)>>) -> f64 {
    let Some(s) = samples else { return 0.0 };
    let Some(&(t1, v1)) = s.back() else {
        return 0.0;
    };
    // The oldest sample within the span, else the oldest there is.
    let (t0, v0) = s
        .iter()
        .find(|(t, _)| t1 - t <= RATE_SPAN_MS)
        .copied()
        .unwrap_or((t1, v1));
    let (t0, v0) = if t0 == t1 {
        s.front().copied().unwrap_or((t1, v1))
    } else {
        (t0, v0)
    };
    if t1 <= t0 {
        return 0.0;
    }
    ((v1 - v0).max(0) as f64) * 1000.0 / (t1 - t0) as f64
}

fn push_trim<T>(q: &mut VecDeque<(i64, T)>, at: i64, v: T, keep: i64) {
    q.push_back((at, v));
    while q.front().is_some_and(|(t, _)| at - t > keep) {
        q.pop_front();
    }
}

impl History {
    /// Remember what `s` says; forget what is older than the windows, and series of
    /// topics and groups that are gone.
    pub fn record(&mut self, s: &Snapshot) {
        let at = s.taken_at_ms;
        for t in &s.topics {
            let end: i64 = t.partitions.iter().map(|p| p.log_end_offset).sum();
            push_trim(
                self.topic_ends.entry(t.name.clone()).or_default(),
                at,
                end,
                RATE_WINDOW_MS,
            );
            for p in &t.partitions {
                push_trim(
                    self.partition_ends
                        .entry((t.name.clone(), p.partition))
                        .or_default(),
                    at,
                    p.log_end_offset,
                    RATE_WINDOW_MS,
                );
            }
        }
        for g in &s.groups {
            for o in &g.offsets {
                let q = self
                    .lags
                    .entry((g.id.clone(), o.topic.clone(), o.partition))
                    .or_default();
                // Always keep the newest value; thin older ones to one per sample time.
                if q.len() >= 2 && q[q.len() - 2].0 + LAG_SAMPLE_MS > at {
                    q.pop_back();
                }
                q.push_back((at, o.lag, o.committed));
                while q.front().is_some_and(|(t, _, _)| at - t > LAG_KEEP_MS) {
                    q.pop_front();
                }
            }
        }
        self.topic_ends
            .retain(|name, q| s.topic(name).is_some() && q.back().is_some_and(|(t, _)| *t == at));
        self.partition_ends
            .retain(|_, q| q.back().is_some_and(|(t, _)| *t == at));
        self.lags
            .retain(|_, q| q.back().is_some_and(|(t, _, _)| *t == at));
    }

    /// Messages per second appended to `topic`, over about the last ten seconds.
    pub fn topic_rate(&self, topic: &str) -> f64 {
        rate(self.topic_ends.get(topic))
    }

    pub fn partition_rate(&self, topic: &str, partition: i32) -> f64 {
        rate(self.partition_ends.get(&(topic.to_string(), partition)))
    }

    /// (time, lag) samples, oldest first.
    pub fn lag_series(&self, group: &str, topic: &str, partition: i32) -> Vec<(i64, i64)> {
        self.lags
            .get(&(group.to_string(), topic.to_string(), partition))
            .map(|q| q.iter().map(|(t, l, _)| (*t, *l)).collect())
            .unwrap_or_default()
    }

    pub fn partition_status(
        &self,
        group: &str,
        topic: &str,
        partition: i32,
        now_ms: i64,
    ) -> LagStatus {
        let q: Vec<LagSample> = self
            .lags
            .get(&(group.to_string(), topic.to_string(), partition))
            .map(|q| q.iter().copied().collect())
            .unwrap_or_default();
        lag_status(&q, now_ms)
    }

    /// How many seconds of production the lag is, at the partition's current rate.
    pub fn lag_seconds(&self, topic: &str, partition: i32, lag: i64) -> Option<f64> {
        let r = self.partition_rate(topic, partition);
        (r > 0.0 && lag > 0).then(|| lag as f64 / r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (series as (seconds, lag, committed), now in seconds, status)
    type Case = (Vec<(i64, i64, i64)>, i64, LagStatus);

    #[test]
    fn lag_colours() {
        let cases: Vec<Case> = vec![
            (vec![], 0, LagStatus::Ok),
            (vec![(0, 5, 10)], 0, LagStatus::Ok),
            (vec![(0, 50_000, 10)], 0, LagStatus::Critical),
            (vec![(0, 200, 10), (30, 500, 100)], 30, LagStatus::Growing),
            (vec![(0, 900, 10), (30, 500, 900)], 30, LagStatus::Ok),
            (
                vec![(0, 300, 10), (30, 300, 10), (61, 400, 10)],
                61,
                LagStatus::Critical,
            ),
            (
                vec![(0, 300, 10), (30, 300, 10), (59, 300, 10)],
                59,
                LagStatus::Ok,
            ),
            (vec![(0, 300, 10), (70, 300, 20)], 70, LagStatus::Ok),
        ];
        for (i, (series, now, want)) in cases.into_iter().enumerate() {
            let s: Vec<LagSample> = series.iter().map(|&(t, l, c)| (t * 1000, l, c)).collect();
            assert_eq!(lag_status(&s, now * 1000), want, "case {i}");
        }
    }

    fn snap(at: i64, end: i64, committed: i64) -> Snapshot {
        use crate::console::model::*;
        Snapshot {
            taken_at_ms: at,
            topics: vec![TopicView {
                name: "t".into(),
                internal: false,
                partitions: vec![PartitionView {
                    partition: 0,
                    leader: 1,
                    leader_epoch: 0,
                    replicas: vec![1],
                    isr: vec![1],
                    offline: vec![],
                    log_start_offset: 0,
                    log_end_offset: end,
                }],
            }],
            groups: vec![GroupView {
                id: "g".into(),
                state: "Stable".into(),
                protocol_type: "consumer".into(),
                protocol: "range".into(),
                coordinator: 1,
                members: vec![],
                offsets: vec![GroupOffset {
                    topic: "t".into(),
                    partition: 0,
                    committed,
                    log_end_offset: end,
                    lag: end - committed,
                    owner: None,
                }],
            }],
            ..Snapshot::default()
        }
    }

    #[test]
    fn rates_series_and_lag_seconds() {
        let mut h = History::default();
        for i in 0..=20 {
            // 100 messages a second, the consumer 50 behind.
            h.record(&snap(i * 1000, i * 100, (i * 100 - 50).max(0)));
        }
        assert!(
            (h.topic_rate("t") - 100.0).abs() < 1e-9,
            "{}",
            h.topic_rate("t")
        );
        assert_eq!(h.lag_seconds("t", 0, 50), Some(0.5));
        let series = h.lag_series("g", "t", 0);
        assert!(
            series.len() >= 4 && series.len() <= 6,
            "thinned to one per 5 s: {series:?}"
        );
        assert_eq!(series.last(), Some(&(20_000, 50)));
        // A topic that is gone is forgotten.
        h.record(&Snapshot {
            taken_at_ms: 21_000,
            ..Snapshot::default()
        });
        assert_eq!(h.topic_rate("t"), 0.0);
        assert!(h.lag_series("g", "t", 0).is_empty());
    }
}
