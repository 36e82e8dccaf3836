//! The controller's rules, as Kafka's (without unclean election): who leads a
//! partition when its leader goes, when the preferred leader takes it back, and
//! when a broker's session has expired. Pure functions of a partition's assignment,
//! ISR and the fenced brokers, or of heartbeat times; the metadata image applies
//! them and the active controller's liveness task asks for them.

use super::image::PartitionImage;

/// The first replica, in assignment order, that is in the ISR and not fenced;
/// -1 when there is none (the partition stays leaderless rather than lose data).
pub fn elect_leader(p: &PartitionImage, fenced: &[i32]) -> i32 {
    p.replicas
        .iter()
        .copied()
        .find(|r| p.isr.contains(r) && !fenced.contains(r))
        .unwrap_or(-1)
}

/// The preferred leader (the first replica) when it should take leadership back:
/// it does not lead now, is in the ISR and is not fenced.
pub fn preferred_leader_election(p: &PartitionImage, fenced: &[i32]) -> Option<i32> {
    let preferred = *p.replicas.first()?;
    (p.leader != preferred && p.isr.contains(&preferred) && !fenced.contains(&preferred))
        .then_some(preferred)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(replicas: &[i32], isr: &[i32], leader: i32) -> PartitionImage {
        PartitionImage {
            replicas: replicas.to_vec(),
            isr: isr.to_vec(),
            leader,
            leader_epoch: 0,
        }
    }

    /// (replicas, isr, leader, fenced, elected, preferred election)
    type Case = (
        &'static [i32],
        &'static [i32],
        i32,
        &'static [i32],
        i32,
        Option<i32>,
    );

    #[test]
    fn election_table() {
        let cases: &[Case] = &[
            (&[1, 2, 3], &[1, 2, 3], 1, &[], 1, None),
            (&[1, 2, 3], &[1, 2, 3], 2, &[], 1, Some(1)),
            (&[1, 2, 3], &[2, 3], 2, &[], 2, None),
            (&[1, 2, 3], &[1, 2, 3], 2, &[1], 2, None),
            (&[1, 2, 3], &[1, 2, 3], -1, &[1], 2, None),
            (&[1, 2, 3], &[3], -1, &[1, 2], 3, None),
            (&[1, 2, 3], &[1], -1, &[1], -1, None),
            (&[2, 3, 1], &[3, 1], 3, &[2], 3, None),
            (&[], &[], -1, &[], -1, None),
        ];
        for (i, &(replicas, isr, leader, fenced, elected, preferred)) in cases.iter().enumerate() {
            let p = part(replicas, isr, leader);
            assert_eq!(elect_leader(&p, fenced), elected, "case {i}: elect");
            assert_eq!(
                preferred_leader_election(&p, fenced),
                preferred,
                "case {i}: preferred"
            );
        }
    }
}

/// What the active controller should do about one broker's liveness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    Keep,
    /// Missed its session: fence it (its leaderships move).
    Fence,
    /// Fenced, but heartbeating again within its session: unfence it.
    Unfence,
}

/// The session rule: a broker is alive while its last heartbeat is younger than the
/// session timeout. A controller that just took over (`controller_since`) has no
/// heartbeat history, so it counts everyone as heard at that moment.
pub fn liveness(
    fenced: bool,
    last_heartbeat: Option<std::time::Instant>,
    controller_since: std::time::Instant,
    now: std::time::Instant,
    session_timeout: std::time::Duration,
) -> Liveness {
    let alive_by_beat = last_heartbeat.is_some_and(|t| now.duration_since(t) < session_timeout);
    let last = last_heartbeat.map_or(controller_since, |t| t.max(controller_since));
    if fenced && alive_by_beat {
        Liveness::Unfence
    } else if !fenced && now.duration_since(last) >= session_timeout {
        Liveness::Fence
    } else {
        Liveness::Keep
    }
}

#[cfg(test)]
mod liveness_tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn session_rule_table() {
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let session = Duration::from_secs(3);
        // (fenced, last heartbeat, controller since, now, decision)
        let cases = [
            (false, Some(at(9)), at(0), at(10), Liveness::Keep),
            (false, Some(at(6)), at(0), at(10), Liveness::Fence),
            (false, None, at(0), at(2), Liveness::Keep),
            (false, None, at(0), at(3), Liveness::Fence),
            // A new controller gives an old heartbeat a full session from takeover.
            (false, Some(at(1)), at(8), at(10), Liveness::Keep),
            (false, Some(at(1)), at(8), at(11), Liveness::Fence),
            (true, Some(at(9)), at(0), at(10), Liveness::Unfence),
            (true, Some(at(6)), at(0), at(10), Liveness::Keep),
            (true, None, at(0), at(10), Liveness::Keep),
        ];
        for (i, (fenced, heard, since, now, want)) in cases.into_iter().enumerate() {
            assert_eq!(
                liveness(fenced, heard, since, now, session),
                want,
                "case {i}"
            );
        }
    }
}
