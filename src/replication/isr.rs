//! The ISR rules of a partition leader, as Kafka's: when a follower counts as
//! caught up, when it drops out of the in-sync replicas, and when it may rejoin.
//! Pure: the caller passes in what the leader knows and the time; no clocks are
//! read and nothing is locked or written here.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What the leader knows of one follower, from its fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowerState {
    /// The follower has every offset below this (its last fetch offset).
    pub leo: i64,
    /// When the follower was last known to have everything the leader had.
    pub last_caught_up: Instant,
    /// The leader's log end at the follower's previous fetch, and when that was.
    pub prev_fetch_leader_leo: i64,
    pub prev_fetch_time: Instant,
}

impl FollowerState {
    /// A follower whose position is not known yet: it gets a full lag window
    /// (from `now`) before it can be dropped from the ISR.
    pub fn unknown(now: Instant) -> FollowerState {
        FollowerState {
            leo: 0,
            last_caught_up: now,
            prev_fetch_leader_leo: 0,
            prev_fetch_time: now,
        }
    }

    /// The follower fetched from `fetch_offset` while the leader's log ended at
    /// `leader_leo`. Kafka's lastCaughtUpTime rule: caught up now if it asked for
    /// the log end; caught up as of its previous fetch if it now has everything the
    /// leader had back then.
    pub fn on_fetch(&mut self, fetch_offset: i64, leader_leo: i64, now: Instant) {
        self.leo = fetch_offset.min(leader_leo);
        if fetch_offset >= leader_leo {
            self.last_caught_up = now;
        } else if fetch_offset >= self.prev_fetch_leader_leo {
            self.last_caught_up = self.last_caught_up.max(self.prev_fetch_time);
        }
        self.prev_fetch_leader_leo = leader_leo;
        self.prev_fetch_time = now;
    }
}

/// What an ISR decision looks at.
#[derive(Debug, Clone, Copy)]
pub struct IsrView<'a> {
    pub leader: i32,
    pub isr: &'a [i32],
    pub followers: &'a HashMap<i32, FollowerState>,
    pub log_end_offset: i64,
    pub high_watermark: i64,
    /// First offset of the current leader epoch.
    pub epoch_start_offset: i64,
    /// `replica.lag.time.max.ms`
    pub max_lag: Duration,
    pub now: Instant,
}

/// The ISR the leader should ask the controller for, when it differs from the
/// current one. A member leaves when it is behind the log end and has not caught up
/// for `max_lag`; a follower outside joins once it has everything up to the high
/// watermark and has reached the current leader epoch (Kafka's `isFollowerInSync`).
/// The leader never removes itself; newcomers are appended in id order.
pub fn wanted_isr(v: &IsrView) -> Option<Vec<i32>> {
    let lagging = |r: i32| {
        v.followers.get(&r).is_some_and(|f| {
            f.leo < v.log_end_offset && v.now.duration_since(f.last_caught_up) > v.max_lag
        })
    };
    let mut isr: Vec<i32> = v
        .isr
        .iter()
        .copied()
        .filter(|r| *r == v.leader || !lagging(*r))
        .collect();
    let mut joining: Vec<i32> = v
        .followers
        .iter()
        .filter(|(id, f)| {
            !v.isr.contains(id) && f.leo >= v.high_watermark && f.leo >= v.epoch_start_offset
        })
        .map(|(id, _)| *id)
        .collect();
    joining.sort_unstable();
    isr.extend(joining);
    (isr != v.isr).then_some(isr)
}

/// Kafka's high watermark: the smallest log end offset over the ISR (the leader's
/// own counts as its log end; a member with no known position holds it at 0).
pub fn high_watermark(
    leader: i32,
    isr: &[i32],
    followers: &HashMap<i32, FollowerState>,
    log_end_offset: i64,
) -> i64 {
    isr.iter()
        .map(|id| {
            if *id == leader {
                log_end_offset
            } else {
                followers.get(id).map_or(0, |f| f.leo)
            }
        })
        .min()
        .unwrap_or(log_end_offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAG: Duration = Duration::from_secs(10);

    fn follower(leo: i64, caught_up_secs_ago: u64, now: Instant) -> FollowerState {
        let t = now - Duration::from_secs(caught_up_secs_ago);
        FollowerState {
            leo,
            last_caught_up: t,
            prev_fetch_leader_leo: leo,
            prev_fetch_time: t,
        }
    }

    #[test]
    fn isr_decisions() {
        let now = Instant::now() + Duration::from_secs(100);
        // (name, isr, followers (id, leo, caught up s ago), leo, hw, epoch start, wanted)
        type Case = (
            &'static str,
            Vec<i32>,
            Vec<(i32, i64, u64)>,
            i64,
            i64,
            i64,
            Option<Vec<i32>>,
        );
        let cases: Vec<Case> = vec![
            (
                "all caught up",
                vec![1, 2, 3],
                vec![(2, 10, 0), (3, 10, 0)],
                10,
                10,
                0,
                None,
            ),
            (
                "behind but within the lag",
                vec![1, 2, 3],
                vec![(2, 5, 9), (3, 10, 0)],
                10,
                5,
                0,
                None,
            ),
            (
                "behind past the lag leaves",
                vec![1, 2, 3],
                vec![(2, 5, 11), (3, 10, 0)],
                10,
                5,
                0,
                Some(vec![1, 3]),
            ),
            (
                "at the log end never lags",
                vec![1, 2],
                vec![(2, 10, 60)],
                10,
                10,
                0,
                None,
            ),
            (
                "both lag",
                vec![1, 2, 3],
                vec![(2, 1, 20), (3, 2, 20)],
                10,
                1,
                0,
                Some(vec![1]),
            ),
            (
                "reached the hw rejoins",
                vec![1, 3],
                vec![(2, 8, 0), (3, 10, 0)],
                10,
                8,
                0,
                Some(vec![1, 3, 2]),
            ),
            (
                "below the hw stays out",
                vec![1, 3],
                vec![(2, 7, 0), (3, 10, 0)],
                10,
                8,
                0,
                None,
            ),
            (
                "not yet in the leader epoch",
                vec![1],
                vec![(2, 8, 0)],
                10,
                8,
                9,
                None,
            ),
            (
                "in the leader epoch rejoins",
                vec![1],
                vec![(2, 9, 0)],
                10,
                8,
                9,
                Some(vec![1, 2]),
            ),
            (
                "leave and join at once",
                vec![1, 2],
                vec![(2, 3, 30), (3, 10, 0)],
                10,
                3,
                0,
                Some(vec![1, 3]),
            ),
            (
                "unknown member is kept",
                vec![1, 4],
                vec![],
                10,
                10,
                0,
                None,
            ),
            (
                "newcomers join in id order",
                vec![1],
                vec![(3, 10, 0), (2, 10, 0)],
                10,
                10,
                0,
                Some(vec![1, 2, 3]),
            ),
        ];
        for (name, isr, fs, leo, hw, start, want) in cases {
            let followers: HashMap<i32, FollowerState> = fs
                .iter()
                .map(|&(id, l, ago)| (id, follower(l, ago, now)))
                .collect();
            let v = IsrView {
                leader: 1,
                isr: &isr,
                followers: &followers,
                log_end_offset: leo,
                high_watermark: hw,
                epoch_start_offset: start,
                max_lag: LAG,
                now,
            };
            assert_eq!(wanted_isr(&v), want, "{name}");
        }
    }

    #[test]
    fn caught_up_time_follows_kafkas_rule() {
        let t0 = Instant::now();
        let s = |n| t0 + Duration::from_secs(n);
        let mut f = FollowerState::unknown(t0);
        // Asked for the log end: caught up now.
        f.on_fetch(10, 10, s(1));
        assert_eq!((f.leo, f.last_caught_up), (10, s(1)));
        // Behind (the leader has 20) but it has what the leader had at its previous
        // fetch (10): caught up as of that fetch.
        f.on_fetch(10, 20, s(5));
        assert_eq!(f.last_caught_up, s(1));
        f.on_fetch(20, 30, s(8));
        assert_eq!(f.last_caught_up, s(5));
        // Still short of what the leader had at the previous fetch: no progress.
        f.on_fetch(25, 40, s(20));
        assert_eq!((f.leo, f.last_caught_up), (25, s(5)));
        // A fetch offset past the leader's end is capped.
        f.on_fetch(99, 40, s(21));
        assert_eq!((f.leo, f.last_caught_up), (40, s(21)));
    }

    #[test]
    fn high_watermark_is_the_isr_minimum() {
        let now = Instant::now();
        let followers: HashMap<i32, FollowerState> =
            [(2, follower(7, 0, now)), (3, follower(4, 0, now))].into();
        assert_eq!(high_watermark(1, &[1, 2, 3], &followers, 10), 4);
        assert_eq!(high_watermark(1, &[1, 2], &followers, 10), 7);
        assert_eq!(high_watermark(1, &[1], &followers, 10), 10);
        assert_eq!(
            high_watermark(1, &[1, 5], &followers, 10),
            0,
            "unknown member"
        );
    }
}
