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

/// `kw -b <every node> produce -t topic <extra>` with `input` on stdin.
fn produce(c: &Cluster, topic: &str, extra: &[&str], input: String) -> std::process::Output {
    assert_cmd::Command::new(common::kw_bin())
        .args(["-b", &c.bootstrap(), "produce", "-t", topic])
        .args(extra)
        .write_stdin(input)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run kw produce")
}

/// Produce `from..to` as values "n" with acks=all through every node's address.
fn produce_numbers(c: &Cluster, topic: &str, from: u32, to: u32) {
    let input: String = (from..to).map(|i| format!("{i}\n")).collect();
    let out = produce(c, topic, &["-X", "acks=all", "-q"], input);
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

fn script(name: &str) -> String {
    format!("{}/tests/interop/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn controller_id(c: &Cluster) -> i32 {
    let (_, out, _) = c.kw(&["metadata", "--output", "json"]);
    serde_json::from_str::<serde_json::Value>(&out)
        .ok()
        .and_then(|v| v["controllerid"].as_i64())
        .unwrap_or(-1) as i32
}

/// The bytes of a partition's log on one node (its segments in order).
fn log_bytes(node: &common::Node, topic: &str, partition: usize) -> Vec<u8> {
    let dir = node.data_dir.join(format!("{topic}-{partition}"));
    let mut segments: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    segments.sort();
    segments
        .iter()
        .flat_map(|p| std::fs::read(p).expect("read segment"))
        .collect()
}

/// A tiny deterministic generator: the test is reproducible.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn no_acknowledged_message_lost_or_duplicated_under_repeated_kill_9() {
    let mut c = Cluster::start(3, &[]);
    let topic = "chaos";
    create(&c, topic, 6, 3, &["--config", "min.insync.replicas=2"]);
    let dir = tempfile::tempdir().unwrap();
    let acked_path = dir.path().join("acked.txt");
    let mut writer = common::Background::spawn(common::python().args([
        &script("chaos_writer.py"),
        &c.bootstrap(),
        topic,
        acked_path.to_str().unwrap(),
        "2000",
    ]));
    let acked_count = || {
        std::fs::read_to_string(&acked_path)
            .map(|s| s.lines().count())
            .unwrap_or(0)
    };
    wait_until(
        Duration::from_secs(30),
        "the writer is acknowledged",
        || acked_count() >= 1000,
    );
    let mut rng = Lcg(7);
    let kills = 10;
    for round in 0..kills {
        // Every third round takes out the active controller; the rest are random,
        // and every node leads some partitions and follows others.
        let victim = if round % 3 == 0 {
            controller_id(&c)
        } else {
            rng.below(3) as i32 + 1
        };
        let victim = if (1..=3).contains(&victim) { victim } else { 1 };
        let before = acked_count();
        c.node(victim).kill9();
        wait_until(
            Duration::from_secs(20),
            "leaders moved off the killed node",
            || {
                c.describe(topic)
                    .iter()
                    .all(|p| p.leader > 0 && p.leader != victim && !p.isr.contains(&victim))
            },
        );
        wait_until(
            Duration::from_secs(30),
            "acks continue with a node down",
            || acked_count() > before + 500,
        );
        c.node(victim).start_again();
        wait_until(
            Duration::from_secs(30),
            "the node is back in every ISR",
            || c.describe(topic).iter().all(|p| p.isr.len() == 3),
        );
        eprintln!(
            "round {round}: killed node {victim}; {} acknowledged",
            acked_count()
        );
    }
    writer.signal("TERM");
    assert!(writer.wait_exit(Duration::from_secs(60)), "writer exits");
    let errors = writer.err_lines();
    assert!(
        errors.iter().any(|l| l.contains("failed 0 unflushed 0")),
        "every message was delivered: {errors:?}"
    );

    // Every acknowledged number, exactly once, where the producer was told it is.
    let acked: Vec<(u64, i32, i64)> = std::fs::read_to_string(&acked_path)
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect();
    assert!(acked.len() > 10_000, "{} acknowledged", acked.len());
    let out = c.kw_ok(&[
        "consume",
        "-t",
        topic,
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%p %o %s\\n",
    ]);
    let mut stored = std::collections::HashMap::new();
    let mut per_partition: std::collections::BTreeMap<i32, Vec<u64>> = Default::default();
    for l in out.lines() {
        let f: Vec<&str> = l.split(' ').collect();
        let (p, o, v): (i32, i64, u64) = (
            f[0].parse().unwrap(),
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
        );
        assert!(stored.insert(v, (p, o)).is_none(), "{v} stored twice");
        per_partition.entry(p).or_default().push(v);
    }
    for (v, p, o) in &acked {
        assert_eq!(
            stored.get(v),
            Some(&(*p, *o)),
            "acknowledged {v} at {p}/{o}"
        );
    }
    for (p, values) in &per_partition {
        assert!(
            values.windows(2).all(|w| w[0] < w[1]),
            "partition {p} holds the stream in order"
        );
    }

    // The three replicas of every partition hold the same bytes.
    wait_until(
        Duration::from_secs(30),
        "replica logs are identical",
        || {
            (0..6).all(|p| {
                let a = log_bytes(&c.nodes[0], topic, p);
                a == log_bytes(&c.nodes[1], topic, p) && a == log_bytes(&c.nodes[2], topic, p)
            })
        },
    );
}

#[test]
fn controller_failover_min_isr_placement_errors_and_delete_everywhere() {
    let mut c = Cluster::start(3, &[]);
    create(&c, "before", 3, 3, &[]);

    // The active controller dies: another is elected, topic admin keeps working.
    let old = controller_id(&c);
    assert!((1..=3).contains(&old), "a controller is elected");
    c.node(old).kill9();
    let killed = Instant::now();
    wait_until(Duration::from_secs(15), "a new controller", || {
        let id = controller_id(&c);
        id > 0 && id != old
    });
    eprintln!("new controller after {:?}", killed.elapsed());
    create(&c, "after", 3, 2, &[]);
    c.kw_ok(&["topics", "delete", "before"]);
    let listed = c.kw_ok(&["topics", "list"]);
    assert!(
        listed.contains("after") && !listed.contains("before"),
        "{listed}"
    );

    // Replication factor 3 with two live brokers: Kafka's error, nothing created.
    c.wait_live_brokers(2);
    let (ok, _, err) = c.kw(&[
        "topics",
        "create",
        "rf3",
        "--partitions",
        "1",
        "--replication-factor",
        "3",
    ]);
    assert!(!ok);
    assert!(
        err.contains("Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) are registered."),
        "{err}"
    );
    c.node(old).start_again();
    c.wait_live_brokers(3);

    // Deleting removes the data on every node, including one that was down.
    wait_until(
        Duration::from_secs(20),
        "old topic data gone on all nodes",
        || {
            c.nodes
                .iter()
                .all(|n| !n.data_dir.join("before-0").exists())
        },
    );
    for (i, p) in c.describe("after").iter().enumerate() {
        for r in &p.replicas {
            let dir = c.nodes[(*r - 1) as usize]
                .data_dir
                .join(format!("after-{i}"));
            assert!(dir.exists(), "{} holds a replica", dir.display());
        }
    }
    create(&c, "gone", 2, 3, &[]);
    wait_until(Duration::from_secs(10), "replicas on every node", || {
        c.nodes.iter().all(|n| n.data_dir.join("gone-1").exists())
    });
    c.kw_ok(&["topics", "delete", "gone"]);
    wait_until(Duration::from_secs(10), "deleted on every node", || {
        c.nodes.iter().all(|n| !n.data_dir.join("gone-1").exists())
    });
}

#[test]
fn min_insync_replicas_refuses_acks_all_with_two_replicas_down() {
    // Five nodes so the metadata quorum survives two of them going down.
    let mut c = Cluster::start(5, &[]);
    create(&c, "safe", 1, 3, &["--config", "min.insync.replicas=2"]);
    produce_numbers(&c, "safe", 0, 100);
    let p = c.describe("safe")[0].clone();
    let followers: Vec<i32> = p
        .replicas
        .iter()
        .copied()
        .filter(|r| *r != p.leader)
        .collect();
    for n in &followers {
        c.node(*n).kill9();
    }
    wait_until(
        Duration::from_secs(20),
        "the ISR shrinks to the leader",
        || c.describe("safe")[0].isr == vec![p.leader],
    );
    let out = produce(
        &c,
        "safe",
        &["-X", "acks=all", "-X", "message.timeout.ms=2000"],
        "never\n".into(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "acks=all must fail with one in-sync replica"
    );
    assert!(err.contains("Not enough in-sync replicas"), "{err}");
    let out = produce(&c, "safe", &["-X", "acks=1", "-q"], "100\n".into());
    assert!(
        out.status.success(),
        "acks=1 works: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for n in &followers {
        c.node(*n).start_again();
    }
    wait_until(Duration::from_secs(30), "the ISR is whole again", || {
        c.describe("safe")[0].isr.len() == 3
    });
    assert_exactly(&consume_all(&c, "safe"), 101);
}

#[test]
fn a_data_directory_of_another_cluster_is_refused() {
    let mut node = common::Node::start_single();
    node.stop();
    let voters = format!(
        "1@127.0.0.1:{},2@127.0.0.1:{},3@127.0.0.1:{}",
        common::free_port(),
        common::free_port(),
        common::free_port()
    );
    let out = assert_cmd::Command::new(common::kw_bin())
        .args(["serve", "--node", "1", "--voters", &voters, "--listen"])
        .arg(format!("127.0.0.1:{}", common::free_port()))
        .arg("--data-dir")
        .arg(&node.data_dir)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("belongs to a cluster with voters 1@"), "{err}");
    assert_eq!(err.lines().count(), 1, "one sentence: {err}");
}

#[test]
fn a_follower_behind_the_leaders_log_start_restarts_there_and_rejoins() {
    let mut c = Cluster::start(3, &["--config", "log.retention.check.interval.ms=200"]);
    create(
        &c,
        "ret",
        1,
        3,
        &[
            "--config",
            "segment.bytes=1024",
            "--config",
            "retention.bytes=4096",
        ],
    );
    let p = c.describe("ret")[0].clone();
    let follower = *p.replicas.iter().find(|r| **r != p.leader).unwrap();
    c.node(follower).kill9();
    wait_until(Duration::from_secs(20), "the follower left the ISR", || {
        !c.describe("ret")[0].isr.contains(&follower)
    });
    // Enough data, in separate requests (so separate segments), for retention to
    // delete the segments the follower would need.
    for chunk in 0..10 {
        produce_numbers(&c, "ret", chunk * 300, (chunk + 1) * 300);
    }
    let leader_dir = c.nodes[(p.leader - 1) as usize].data_dir.join("ret-0");
    wait_until(
        Duration::from_secs(20),
        "retention moved the leader's log start",
        || {
            std::fs::read_dir(&leader_dir)
                .map(|d| {
                    !d.flatten()
                        .any(|e| e.file_name() == "00000000000000000000.log")
                })
                .unwrap_or(false)
        },
    );
    c.node(follower).start_again();
    wait_until(
        Duration::from_secs(30),
        "the follower is back in the ISR",
        || c.describe("ret")[0].isr.len() == 3,
    );
    let log = std::fs::read_to_string(&c.nodes[(follower - 1) as usize].log_path).unwrap();
    assert!(
        log.contains("restarting the replica there"),
        "the follower restarted at the leader's log start"
    );
    let values = consume_all(&c, "ret");
    assert!(
        !values.is_empty() && values.windows(2).all(|w| w[0] + 1 == w[1]),
        "a contiguous tail"
    );
    assert_eq!(*values.last().unwrap(), 2999);
}
