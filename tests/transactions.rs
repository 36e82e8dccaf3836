//! Transactions (KIP-98) end to end: confluent-kafka's transactional producer and
//! read_committed consumers, kcat and kw reading committed data, kw's own
//! transactional producer, the kafka-transactions views, zombie fencing, timeouts,
//! and consume-transform-produce through kill -9 of the transaction coordinator
//! and of a partition leader on three nodes.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{kcat, python, run_ok, wait_until, Background, Cluster, Node};

const T: Duration = Duration::from_secs(120);

fn script() -> String {
    format!(
        "{}/tests/interop/txn_clients.py",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Java's String.hashCode, as Kafka places transactional ids.
fn coordinator_partition(id: &str, partitions: i32) -> i32 {
    let h = id
        .encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32));
    (if h == i32::MIN { 0 } else { h.abs() }) % partitions
}

#[test]
fn confluent_kafka_commits_aborts_and_commits_offsets_in_transactions() {
    let node = Node::start_single();
    node.create_topic("txa", 3);
    node.create_topic("txb", 2);
    let out = run_ok(
        python().args([&script(), &node.bootstrap(), "basic", "txa", "txb"]),
        None,
        T,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("basic ok: 160 committed, 80 aborted"),
        "{text}"
    );

    // kcat and kw read the same committed data; read_uncommitted sees the aborted too.
    let kcat_lines = |isolation: &str| -> Vec<String> {
        let out = run_ok(
            kcat().args([
                "-b",
                &node.bootstrap(),
                "-C",
                "-t",
                "txa",
                "-o",
                "beginning",
                "-e",
                "-q",
                "-X",
                &format!("isolation.level={isolation}"),
            ]),
            None,
            T,
        );
        let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(String::from)
            .collect();
        v.sort();
        v
    };
    let committed = kcat_lines("read_committed");
    assert_eq!(committed.len(), 80, "4 committed rounds x 20 to txa");
    assert!(committed
        .iter()
        .all(|v| !v.starts_with("r1-") && !v.starts_with("r4-")));
    assert_eq!(kcat_lines("read_uncommitted").len(), 120);
    let mut ours: Vec<String> = node
        .kw_ok(&[
            "consume",
            "-t",
            "txa",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-X",
            "isolation.level=read_committed",
        ])
        .lines()
        .map(String::from)
        .collect();
    ours.sort();
    assert_eq!(ours, committed, "kw reads what kcat reads");
    assert_eq!(
        node.kw_ok(&["consume", "-t", "txa", "-o", "beginning", "-e", "-q"])
            .lines()
            .count(),
        120
    );
}

#[test]
fn a_zombie_is_fenced_and_an_abandoned_transaction_is_aborted_after_its_timeout() {
    let node = Node::start_with(&[
        "--config",
        "transaction.abort.timed.out.transaction.cleanup.interval.ms=500",
    ]);
    node.create_topic("zombies", 1);
    let out = run_ok(
        python().args([&script(), &node.bootstrap(), "zombie", "zombies"]),
        None,
        T,
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("zombie ok"),
        "{:?}",
        out
    );

    // A producer opens a transaction, writes, and dies without ending it.
    node.create_topic("abandoned", 1);
    let hang = Background::spawn(python().args([
        &script(),
        &node.bootstrap(),
        "hang",
        "abandoned",
        "left-open",
    ]));
    wait_until(T, "the transaction is open", || {
        hang.lines().iter().any(|l| l == "OPEN")
    });
    // Ordinary writes after it: visible to read_uncommitted at once, held back for
    // read_committed by the open transaction (the last stable offset is its start).
    node.produce_lines("abandoned", "after-1\nafter-2\n", &[]);
    let read = |isolation: &str| -> Vec<String> {
        node.kw_ok(&[
            "consume",
            "-t",
            "abandoned",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-X",
            &format!("isolation.level={isolation}"),
        ])
        .lines()
        .map(String::from)
        .collect()
    };
    assert_eq!(read("read_uncommitted").len(), 12);
    assert!(read("read_committed").is_empty());
    let listed = node.kw_ok(&["transactions", "list"]);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("left-open") && l.contains("Ongoing")),
        "{listed}"
    );
    let producers = node.kw_ok(&[
        "transactions",
        "describe-producers",
        "--topic",
        "abandoned",
        "--partition",
        "0",
    ]);
    assert!(
        producers
            .lines()
            .skip(1)
            .any(|l| l.trim_end().ends_with("\t0")),
        "the open transaction starts at offset 0:\n{producers}"
    );
    hang.signal("KILL");
    // transaction.timeout.ms=3000: the coordinator aborts it and fences the producer.
    wait_until(
        Duration::from_secs(30),
        "the abandoned transaction is aborted",
        || {
            node.kw_ok(&[
                "transactions",
                "describe",
                "--transactional-id",
                "left-open",
            ])
            .contains("CompleteAbort")
        },
    );
    wait_until(
        Duration::from_secs(10),
        "read_committed moves past it",
        || read("read_committed") == vec!["after-1", "after-2"],
    );
    let d = node.kw_ok(&[
        "transactions",
        "describe",
        "--transactional-id",
        "left-open",
    ]);
    let row: Vec<&str> = d
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .map(str::trim)
        .collect();
    assert_eq!(row[1], "left-open");
    assert_eq!(row[3], "1", "the timeout bumped the epoch: {d}");
    assert_eq!((row[6], row[7]), ("None", "None"), "{d}");
}

#[test]
fn kw_produces_transactionally_and_reads_committed() {
    let node = Node::start_single();
    node.create_topic("kwtx", 2);
    let input: String = (1..=25).map(|i| format!("m{i}\n")).collect();
    node.produce_lines(
        "kwtx",
        &input,
        &["-X", "transactional.id=kw-loader", "--txn-size", "10"],
    );
    let committed: Vec<String> = node
        .kw_ok(&[
            "consume",
            "-t",
            "kwtx",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%o %s\\n",
            "-X",
            "isolation.level=read_committed",
        ])
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(committed.len(), 25);
    // Three transactions (10, 10, 5), each ending in a marker on every partition it
    // wrote: per partition the offsets read skip the markers' offsets.
    let mut by_partition: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for line in node
        .kw_ok(&[
            "consume",
            "-t",
            "kwtx",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%p %o\\n",
        ])
        .lines()
    {
        let (p, o) = line.split_once(' ').unwrap();
        by_partition
            .entry(p.into())
            .or_default()
            .push(o.parse().unwrap());
    }
    let gaps: usize = by_partition
        .values()
        .map(|o| o.windows(2).filter(|w| w[1] > w[0] + 1).count())
        .sum();
    assert!(
        gaps >= 2,
        "markers between the transactions: {by_partition:?}"
    );
    let d = node.kw_ok(&[
        "transactions",
        "describe",
        "--transactional-id",
        "kw-loader",
    ]);
    assert!(
        d.starts_with("CoordinatorId\tTransactionalId\tProducerId\t"),
        "{d}"
    );
    assert!(d.lines().nth(1).unwrap().contains("CompleteCommit"), "{d}");
    let listed = node.kw_ok(&["transactions", "list", "--state", "CompleteCommit"]);
    assert!(
        listed.lines().any(|l| l.starts_with("kw-loader")),
        "{listed}"
    );
    assert_eq!(
        node.kw_ok(&["transactions", "list", "--state", "Ongoing"])
            .lines()
            .count(),
        1,
        "only the header"
    );

    // A failed transactional produce is refused, not half-written: an unknown
    // partition fails the whole run.
    let out = node
        .kw()
        .args([
            "produce",
            "-t",
            "kwtx",
            "-p",
            "7",
            "-X",
            "transactional.id=kw-bad",
        ])
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // --txn-size without a transactional id is a usage error.
    let out = node
        .kw()
        .args(["produce", "-t", "kwtx", "--txn-size", "5"])
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("transactional.id"));
}

/// Copy `count` messages through a consume-transform-produce app while `fault`
/// strikes one node, and check the output holds each input exactly once.
fn consume_transform_produce_through(fault: &str) {
    let mut cluster = Cluster::start(3, &[]);
    cluster.kw_ok(&[
        "topics",
        "create",
        "ctp-in",
        "--partitions",
        "3",
        "--replication-factor",
        "3",
    ]);
    cluster.kw_ok(&[
        "topics",
        "create",
        "ctp-out",
        "--partitions",
        "3",
        "--replication-factor",
        "3",
    ]);
    let count = 3000;
    let input: String = (0..count).map(|i| format!("k{i}:{i}\n")).collect();
    cluster.any().produce_lines("ctp-in", &input, &["-K:"]);
    let tid = format!("ctp-{fault}");
    let mut app = Background::spawn(python().args([
        &script(),
        &cluster.bootstrap(),
        "ctp",
        "ctp-in",
        "ctp-out",
        "ctp-group",
        &tid,
        &count.to_string(),
    ]));
    let processed = |app: &Background| -> usize {
        app.lines()
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("processed ")?.parse().ok())
            .unwrap_or(0)
    };
    wait_until(T, "the app has processed some input", || {
        processed(&app) >= 300
    });
    // The victim: the transaction coordinator (leader of the id's partition of
    // __transaction_state), or the leader of an output partition.
    let victim = match fault {
        "coordinator" => {
            let d = cluster.kw_ok(&["transactions", "describe", "--transactional-id", &tid]);
            d.lines()
                .nth(1)
                .unwrap()
                .split('\t')
                .next()
                .unwrap()
                .trim()
                .parse::<i32>()
                .unwrap()
        }
        _ => cluster.describe("ctp-out")[0].leader,
    };
    if fault == "coordinator" {
        let p = coordinator_partition(&tid, 50) as usize;
        assert_eq!(cluster.describe("__transaction_state")[p].leader, victim);
    }
    cluster.node(victim).kill9();
    let before = processed(&app);
    wait_until(T, "the app goes on after the kill", || {
        processed(&app) >= before + 300
    });
    cluster.node(victim).start_again();
    assert!(
        app.wait_exit(Duration::from_secs(240)),
        "the app did not finish:\n{}\n{}",
        app.lines().join("\n"),
        app.err_lines().join("\n")
    );
    assert_eq!(
        app.exit_code(),
        Some(0),
        "{}\n{}",
        app.lines().join("\n"),
        app.err_lines().join("\n")
    );
    // Every input exactly once in the committed output.
    let out = run_ok(
        python().args([&script(), &cluster.bootstrap(), "read_committed", "ctp-out"]),
        None,
        T,
    );
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for v in String::from_utf8_lossy(&out.stdout).lines() {
        *seen.entry(v.to_string()).or_default() += 1;
    }
    let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).take(5).collect();
    assert!(dups.is_empty(), "duplicated in the output: {dups:?}");
    let missing: Vec<_> = (0..count)
        .map(|i| format!("out-{i}"))
        .filter(|v| !seen.contains_key(v))
        .take(5)
        .collect();
    assert!(missing.is_empty(), "missing from the output: {missing:?}");
    assert_eq!(seen.len(), count);
    // Lag as Kafka computes it (log end = high watermark, markers included): the
    // group committed everything it read.
    let groups = cluster.kw_ok(&["groups", "describe", "ctp-group"]);
    let rows: Vec<&str> = groups.lines().filter(|l| l.contains("ctp-in")).collect();
    assert_eq!(rows.len(), 3, "{groups}");
    for line in rows {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[5], "0", "lag of {line}\n{groups}");
    }
}

#[test]
fn consume_transform_produce_through_kill_9_of_the_transaction_coordinator() {
    consume_transform_produce_through("coordinator");
}

#[test]
fn consume_transform_produce_through_kill_9_of_a_partition_leader() {
    consume_transform_produce_through("leader");
}
