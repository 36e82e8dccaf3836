//! Three real `kw serve --node N --voters ...` processes: replication factor 3,
//! broker failover with kill -9, catch-up and preferred-leader election, the
//! controller's own failover, min.insync.replicas, and placement errors.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{wait_until, Cluster};

/// Fast enough for tests: the preferred-leader check every 2 s.
const FAST: &[&str] = &["--config", "leader.imbalance.check.interval.seconds=2"];

fn create(c: &Cluster, topic: &str, partitions: i32, rf: i32, extra: &[&str]) {
    let p = partitions.to_string();
    let r = rf.to_string();
    let mut args = vec![
        "topics",
        "create",
        topic,
        "--partitions",
        &p,
        "--replication-factor",
        &r,
    ];
    args.extend_from_slice(extra);
    c.kw_ok(&args);
}

/// Produce `from..to` as values "n" with acks=all through every node's address.
fn produce_numbers(c: &Cluster, topic: &str, from: u32, to: u32) {
    let input: String = (from..to).map(|i| format!("{i}\n")).collect();
    let out = assert_cmd::Command::new(common::kw_bin())
        .args([
            "-b",
            &c.bootstrap(),
            "produce",
            "-t",
            topic,
            "-X",
            "acks=all",
            "-q",
        ])
        .write_stdin(input)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run kw produce");
    assert!(
        out.status.success(),
        "produce failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every value in the topic, read from the beginning to the end.
fn consume_all(c: &Cluster, topic: &str) -> Vec<u32> {
    let out = c.kw_ok(&["consume", "-t", topic, "-o", "beginning", "-e", "-q"]);
    out.lines()
        .map(|l| l.parse().unwrap_or_else(|_| panic!("bad value {l:?}")))
        .collect()
}

fn assert_exactly(values: &[u32], n: u32) {
    let set: BTreeSet<u32> = values.iter().copied().collect();
    assert_eq!(values.len(), set.len(), "duplicates");
    assert_eq!(set, (0..n).collect::<BTreeSet<u32>>(), "lost messages");
}

#[test]
fn broker_failover_catch_up_and_preferred_leader_election() {
    let mut c = Cluster::start(3, FAST);
    create(&c, "demo.purchases", 6, 3, &[]);
    let before = c.describe("demo.purchases");
    for b in 1..=3 {
        assert_eq!(
            before.iter().filter(|p| p.leader == b).count(),
            2,
            "each broker leads 2 of 6: {before:?}"
        );
    }
    for p in &before {
        assert_eq!(p.replicas.len(), 3);
        assert_eq!(p.leader, p.replicas[0]);
        assert_eq!(p.isr.len(), 3);
    }
    produce_numbers(&c, "demo.purchases", 0, 500);

    // kill -9 broker 2: new leaders from the ISR, 2 gone from every ISR.
    c.node(2).kill9();
    let killed = Instant::now();
    wait_until(
        Duration::from_secs(20),
        "no partition led by 2 or with 2 in its ISR",
        || {
            c.describe("demo.purchases")
                .iter()
                .all(|p| p.leader != 2 && p.leader > 0 && !p.isr.contains(&2))
        },
    );
    eprintln!("leaders moved {:?} after kill -9", killed.elapsed());
    produce_numbers(&c, "demo.purchases", 500, 1000);
    assert_exactly(&consume_all(&c, "demo.purchases"), 1000);

    // Back: it catches up, rejoins every ISR, and gets its preferred leaderships back.
    c.node(2).start_again();
    wait_until(Duration::from_secs(30), "2 back in every ISR", || {
        c.describe("demo.purchases")
            .iter()
            .all(|p| p.isr.len() == 3)
    });
    wait_until(
        Duration::from_secs(20),
        "leadership back on the preferred replicas",
        || {
            c.describe("demo.purchases")
                .iter()
                .all(|p| p.leader == p.replicas[0])
        },
    );
    produce_numbers(&c, "demo.purchases", 1000, 1200);
    assert_exactly(&consume_all(&c, "demo.purchases"), 1200);
}
