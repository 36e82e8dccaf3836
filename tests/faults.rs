//! Faults beyond kill -9, checked like Jepsen: three nodes, each in a network
//! namespace of its own with a small disk of its own, an idempotent acks=all
//! confluent-kafka producer and a consumer group running throughout, and rounds of
//! faults: a node partitioned from the others (clients still reach it), the active
//! controller isolated, a link cut in one direction, a slow and lossy link, a node
//! paused past its session, a full disk, kill -9. After every round the cluster
//! heals and the ISR fills up again; at the end the checker compares what the
//! producer was told and what the consumers read with the log and the replicas.
//! Nothing acknowledged may be lost, duplicated, reordered or moved.
//!
//! Needs root (network namespaces, tmpfs mounts), as scripts/test.sh runs.

#[path = "common/checker.rs"]
mod checker;
mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use checker::{Ack, Commit, Read, TxnOutcome};
use common::{python, wait_until, Background, IsolatedCluster};

const TOPIC: &str = "chaos";
/// Written in transactions, read with read_committed.
const TXN_TOPIC: &str = "chaos-txn";
const PARTITIONS: i32 = 6;

fn script(name: &str) -> String {
    format!("{}/tests/interop/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Cut a node off from the other nodes; clients still reach it.
    Partition(i32),
    /// Cut the active controller off from the other nodes.
    IsolateController,
    /// Bytes from the first node to the second stall; the other way they flow.
    OneWay(i32, i32),
    /// 30 ms more on every chunk and one chunk in ten held 300 ms, between two nodes.
    Degrade(i32, i32),
    /// SIGSTOP past the broker session timeout, then SIGCONT.
    Pause(i32),
    /// The node's disk fills up, then frees.
    DiskFull(i32),
    /// kill -9, then start again.
    Kill(i32),
}

/// The schedule: every kind of fault, on different nodes.
fn schedule(rounds: usize) -> Vec<Fault> {
    let kinds: [fn(i32) -> Fault; 7] = [
        Fault::Partition,
        |_| Fault::IsolateController,
        |n| Fault::OneWay(n, n % 3 + 1),
        |n| Fault::Degrade(n, n % 3 + 1),
        Fault::Pause,
        Fault::DiskFull,
        Fault::Kill,
    ];
    (0..rounds)
        .map(|r| kinds[r % kinds.len()]((r as i32 % 3) + 1))
        .collect()
}

fn controller(c: &IsolatedCluster) -> i32 {
    let out = c.cluster.kw_ok(&["metadata", "-J"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("metadata json");
    v["controllerid"].as_i64().unwrap_or(-1) as i32
}

/// Every partition led and all three replicas in sync.
fn fully_replicated(c: &IsolatedCluster) -> bool {
    let (ok, out, _) = c
        .cluster
        .kw(&["topics", "describe", TOPIC, "--output", "json"]);
    if !ok {
        return false;
    }
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&out) else {
        return false;
    };
    let t = v.as_array().and_then(|a| a.first()).cloned().unwrap_or(v);
    t["partitions"].as_array().is_some_and(|ps| {
        ps.len() == PARTITIONS as usize
            && ps.iter().all(|p| {
                p["leader"].as_i64().unwrap_or(-1) >= 0
                    && p["isr"].as_array().is_some_and(|i| i.len() == 3)
            })
    })
}

/// One partition's log as a replica has it: its segment files in order, joined.
fn replica_bytes(data_dir: &std::path::Path, partition: i32) -> Vec<u8> {
    let dir = data_dir.join(format!("{TOPIC}-{partition}"));
    let mut segments: Vec<(i64, std::path::PathBuf)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    let base = name.strip_suffix(".log")?.parse().ok()?;
                    Some((base, e.path()))
                })
                .collect()
        })
        .unwrap_or_default();
    segments.sort();
    segments
        .iter()
        .flat_map(|(_, p)| std::fs::read(p).unwrap_or_default())
        .collect()
}

fn parse_acks(text: &str) -> Vec<Ack> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some(Ack {
                value: f.first()?.parse().ok()?,
                partition: f.get(1)?.parse().ok()?,
                offset: f.get(2)?.parse().ok()?,
                produced_ns: f.get(3)?.parse().ok()?,
                acked_ns: f.get(4)?.parse().ok()?,
            })
        })
        .collect()
}

fn parse_reader(text: &str, reads: &mut Vec<Read>, commits: &mut Vec<Commit>) {
    for l in text.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        match f.as_slice() {
            ["read", p, o, v] => {
                if let (Ok(partition), Ok(offset), Ok(value)) = (p.parse(), o.parse(), v.parse()) {
                    reads.push(Read {
                        partition,
                        offset,
                        value,
                    });
                }
            }
            ["commit", p, o, t] => {
                if let (Ok(partition), Ok(offset), Ok(at_ns)) = (p.parse(), o.parse(), t.parse()) {
                    commits.push(Commit {
                        partition,
                        offset,
                        at_ns,
                    });
                }
            }
            _ => {}
        }
    }
}

/// Run `rounds` faults under load and check the history. Returns (fault -> first
/// acked write on every partition, heal -> full ISR) times in seconds.
fn run(rounds: usize) -> (Vec<f64>, Vec<f64>) {
    // A session of 3 s (kw's default) and a fast ISR shrink, so faults show.
    let mut c = IsolatedCluster::start(
        3,
        &[
            "--config",
            "replica.lag.time.max.ms=5000",
            "--config",
            "group.initial.rebalance.delay.ms=0",
        ],
        Some(256),
    );
    c.cluster.kw_ok(&[
        "topics",
        "create",
        TOPIC,
        "--partitions",
        &PARTITIONS.to_string(),
        "--replication-factor",
        "3",
        "--config",
        "min.insync.replicas=2",
    ]);
    c.cluster.kw_ok(&[
        "topics",
        "create",
        TXN_TOPIC,
        "--partitions",
        "3",
        "--replication-factor",
        "3",
        "--config",
        "min.insync.replicas=2",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let acks_path = dir.path().join("acks.txt");
    let txn_log = dir.path().join("transactions.txt");
    let txn_reads = dir.path().join("txn-reads.txt");
    let bootstrap = c.cluster.bootstrap();
    let mut writer = Background::spawn(python().args([
        &script("fault_writer.py"),
        &bootstrap,
        TOPIC,
        acks_path.to_str().unwrap(),
        "200",
    ]));
    let readers: Vec<(Background, std::path::PathBuf)> = (0..2)
        .map(|i| {
            let out = dir.path().join(format!("reader-{i}.txt"));
            let bg = Background::spawn(python().args([
                &script("fault_reader.py"),
                &bootstrap,
                TOPIC,
                "chaos-readers",
                out.to_str().unwrap(),
            ]));
            (bg, out)
        })
        .collect();
    let mut txn_writer = Background::spawn(python().args([
        &script("fault_txn_writer.py"),
        &bootstrap,
        TXN_TOPIC,
        txn_log.to_str().unwrap(),
    ]));
    let txn_reader = Background::spawn(python().args([
        &script("fault_reader.py"),
        &bootstrap,
        TXN_TOPIC,
        "chaos-txn-readers",
        txn_reads.to_str().unwrap(),
        "read_committed",
    ]));
    let acked = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .count()
    };
    wait_until(
        Duration::from_secs(60),
        "the producer is acknowledged",
        || acked(&acks_path) > 200,
    );

    let mut faults_at = Vec::new();
    let mut to_isr = Vec::new();
    for (round, fault) in schedule(rounds).into_iter().enumerate() {
        eprintln!("round {round}: {fault:?}");
        faults_at.push(now_ns());
        match fault {
            Fault::Partition(n) => {
                c.isolate(n);
                std::thread::sleep(Duration::from_secs(6));
                c.heal();
            }
            Fault::IsolateController => {
                let mut n = -1;
                wait_until(Duration::from_secs(30), "a controller", || {
                    n = controller(&c);
                    n > 0
                });
                c.isolate(n);
                std::thread::sleep(Duration::from_secs(6));
                c.heal();
            }
            Fault::OneWay(a, b) => {
                c.links.cut(a, b, false, true);
                std::thread::sleep(Duration::from_secs(6));
                c.heal();
            }
            Fault::Degrade(a, b) => {
                c.links.degrade(a, b, Duration::from_millis(30), 0.1);
                std::thread::sleep(Duration::from_secs(6));
                c.heal();
            }
            Fault::Pause(n) => {
                c.cluster.signal(n, "STOP");
                std::thread::sleep(Duration::from_secs(5));
                c.cluster.signal(n, "CONT");
            }
            Fault::DiskFull(n) => {
                c.disks[n as usize - 1].fill(0);
                std::thread::sleep(Duration::from_secs(5));
                c.disks[n as usize - 1].free();
            }
            Fault::Kill(n) => {
                c.cluster.node(n).kill9();
                std::thread::sleep(Duration::from_secs(2));
                c.cluster.node(n).start_again();
            }
        }
        let healed = Instant::now();
        wait_until(
            Duration::from_secs(90),
            &format!("full ISR after round {round} ({fault:?})"),
            || fully_replicated(&c),
        );
        to_isr.push(healed.elapsed().as_secs_f64());
    }

    writer.signal("TERM");
    txn_writer.signal("TERM");
    txn_reader.signal("TERM");
    assert!(
        writer.wait_exit(Duration::from_secs(320)),
        "the producer did not finish"
    );
    let writer_code = writer.exit_code();
    for (bg, _) in &readers {
        bg.signal("TERM");
    }
    let mut reads = Vec::new();
    let mut commits = Vec::new();
    for (mut bg, out) in readers {
        // A reader stuck in a commit is stopped for good: what it read is on file.
        if !bg.wait_exit(Duration::from_secs(30)) {
            bg.kill();
        }
        parse_reader(
            &std::fs::read_to_string(&out).unwrap_or_default(),
            &mut reads,
            &mut commits,
        );
    }
    let acks = parse_acks(&std::fs::read_to_string(&acks_path).unwrap());
    for bg in [&mut txn_writer] {
        if !bg.wait_exit(Duration::from_secs(90)) {
            bg.kill();
        }
    }
    let mut txn_reader = txn_reader;
    if !txn_reader.wait_exit(Duration::from_secs(30)) {
        txn_reader.kill();
    }

    // Replicas: identical once the followers have caught up.
    wait_until(
        Duration::from_secs(60),
        "every replica holds the same log",
        || {
            (0..PARTITIONS).all(|p| {
                let logs: Vec<Vec<u8>> = c
                    .cluster
                    .nodes
                    .iter()
                    .map(|n| replica_bytes(&n.data_dir, p))
                    .collect();
                logs.windows(2).all(|w| w[0] == w[1])
            })
        },
    );
    let mut log: BTreeMap<i32, Vec<(i64, u64)>> = BTreeMap::new();
    for line in c
        .cluster
        .kw_ok(&[
            "consume",
            "-t",
            TOPIC,
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%p %o %s\\n",
        ])
        .lines()
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let [p, o, v, ..] = f.as_slice() {
            log.entry(p.parse().unwrap())
                .or_default()
                .push((o.parse().unwrap(), v.parse().unwrap()));
        }
    }
    for records in log.values_mut() {
        records.sort();
    }
    let report = checker::check(&acks, &log, &reads, &commits);
    eprintln!("{}", report.summary());
    // Transactions: committed ones read once, aborted ones never, by read_committed.
    let outcomes: Vec<(TxnOutcome, Vec<String>)> = std::fs::read_to_string(&txn_log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let outcome = match f.next()? {
                "commit" => TxnOutcome::Committed,
                "abort" => TxnOutcome::Aborted,
                _ => TxnOutcome::Unknown,
            };
            Some((outcome, f.map(String::from).collect()))
        })
        .collect();
    let committed_log: Vec<String> = c
        .cluster
        .kw_ok(&[
            "consume",
            "-t",
            TXN_TOPIC,
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
    let read_during: Vec<String> = std::fs::read_to_string(&txn_reads)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            l.strip_prefix("read ")
                .and_then(|r| r.split_whitespace().nth(2))
                .map(String::from)
        })
        .collect();
    let txn_report = checker::check_txn(&outcomes, &committed_log, &read_during);
    eprintln!("{}", txn_report.summary());
    assert!(
        txn_report.ok() && txn_report.committed > 10,
        "{}\n{}",
        txn_report.summary(),
        txn_report.examples.join("\n")
    );
    if !report.ok() {
        // The batches around each problem, as the first replica holds them: which
        // producer epoch and sequences they carry says who wrote them twice.
        for p in 0..PARTITIONS {
            let bytes = replica_bytes(&c.cluster.nodes[0].data_dir, p);
            // Every number in the problems mentioning this partition is an offset
            // or a value; batches within a few offsets of one are shown.
            let numbers: Vec<i64> = report
                .examples
                .iter()
                .filter(|e| {
                    e.contains(&format!("({p}, ")) || e.contains(&format!("partition {p}:"))
                })
                .flat_map(|e| {
                    e.split(|c: char| !c.is_ascii_digit())
                        .filter_map(|n| n.parse::<i64>().ok())
                        .collect::<Vec<_>>()
                })
                .collect();
            for (_, h) in kw::protocol::batch::BatchIter::new(&bytes, 0).flatten() {
                let near = numbers
                    .iter()
                    .any(|n| *n + 3 >= h.base_offset && *n <= h.last_offset() + 3);
                if near {
                    eprintln!(
                        "partition {p} batch at {} (+{}): leader epoch {}, producer {} epoch {} sequence {}",
                        h.base_offset,
                        h.last_offset_delta,
                        h.partition_leader_epoch,
                        h.producer_id,
                        h.producer_epoch,
                        h.base_sequence
                    );
                }
            }
        }
        let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("failed-fault-run");
        let _ = std::fs::create_dir_all(&keep);
        let _ = std::fs::copy(&acks_path, keep.join("acks.txt"));
    }
    assert!(
        report.ok(),
        "{}\n{}",
        report.summary(),
        report.examples.join("\n")
    );
    assert_eq!(writer_code, Some(0), "the producer had failed deliveries");
    assert!(report.acknowledged > 1000, "{}", report.summary());
    let mut recovery = Vec::new();
    for (round, (fault, at)) in schedule(rounds).iter().zip(&faults_at).enumerate() {
        let after = checker::recovery_after(&acks, PARTITIONS, *at);
        eprintln!(
            "round {round:3} {:<18} every partition acknowledged again after {}, full ISR {:.2} s after healing",
            format!("{fault:?}"),
            after.map_or("never".to_string(), |s| format!("{s:.2} s")),
            to_isr[round]
        );
        recovery.extend(after);
    }
    (recovery, to_isr)
}

/// The fault tests run one at a time: each brings up three nodes and a load, and
/// two at once on two cores would measure the machine, not kw.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn percentile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v.get(((v.len() as f64 - 1.0) * q).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

#[test]
fn mixed_faults_lose_nothing_acknowledged() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rounds: usize = std::env::var("KW_FAULT_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let (recovery, to_isr) = run(rounds);
    eprintln!(
        "fault -> first acked write on every partition: p50 {:.2} s, max {:.2} s; heal -> full ISR: p50 {:.2} s, max {:.2} s ({} rounds)",
        percentile(&recovery, 0.5),
        percentile(&recovery, 1.0),
        percentile(&to_isr, 0.5),
        percentile(&to_isr, 1.0),
        rounds
    );
}

/// Cut a segment file back to the end of the last whole batch at or below `offset`:
/// what a node that fsyncs every append has on disk after losing its page cache
/// (anything later was never acknowledged).
fn cut_after(segment: &std::path::Path, offset: i64) {
    let bytes = std::fs::read(segment).unwrap();
    let mut keep = 0usize;
    for (pos, h) in kw::protocol::batch::BatchIter::new(&bytes, 0).flatten() {
        if h.base_offset > offset {
            break;
        }
        keep = pos + h.total_len();
    }
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(segment)
        .unwrap();
    f.set_len(keep as u64).unwrap();
}

/// KIP-966's case: the followers fall out of the ISR, the last in-sync replica
/// acknowledges writes alone, crashes and loses what its page cache held, and is
/// elected again when it comes back. With `log.flush.interval.messages=1` every
/// acknowledged write was fsynced first, so nothing acknowledged is lost (without
/// it, kw's README says what can be).
#[test]
fn the_last_in_sync_replica_losing_its_page_cache_keeps_everything_acknowledged() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut c = IsolatedCluster::start(
        3,
        &[
            "--config",
            "log.flush.interval.messages=1",
            "--config",
            "replica.lag.time.max.ms=3000",
        ],
        None,
    );
    c.cluster.kw_ok(&[
        "topics",
        "create",
        "tail",
        "--partitions",
        "1",
        "--replication-factor",
        "3",
        "--config",
        "min.insync.replicas=1",
    ]);
    let input = |from: u32, to: u32| -> String { (from..to).map(|i| format!("{i}\n")).collect() };
    c.cluster.any().produce_lines("tail", &input(0, 100), &[]);
    let leader = c.cluster.describe("tail")[0].leader;
    let followers: Vec<i32> = (1..=3).filter(|n| *n != leader).collect();
    // The followers cannot fetch any more; the leader still reaches the controller.
    // They fall behind new writes and, after replica.lag.time.max.ms, out of the ISR.
    for f in &followers {
        c.links.cut_client_port(*f, leader, false, false);
    }
    c.cluster
        .any()
        .produce_lines("tail", &input(100, 150), &["-X", "acks=1"]);
    wait_until(
        Duration::from_secs(30),
        "the ISR is the leader alone",
        || c.cluster.describe("tail")[0].isr == vec![leader],
    );
    // Acknowledged by the last in-sync replica alone (acks=all, min.insync.replicas=1).
    c.cluster
        .any()
        .produce_lines("tail", &input(150, 300), &["-X", "acks=all"]);
    let end: i64 = c
        .cluster
        .kw_ok(&[
            "consume", "-t", "tail", "-o", "-1", "-e", "-q", "-f", "%o\\n",
        ])
        .trim()
        .parse()
        .unwrap();
    assert_eq!(end, 299);
    c.cluster.node(leader).kill9();
    // Its page cache is gone: the log is what was fsynced (every acknowledged batch).
    let dir = c.cluster.nodes[leader as usize - 1].data_dir.join("tail-0");
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "log") {
            cut_after(&e.path(), end);
        }
    }
    c.cluster.node(leader).start_again();
    // It is elected again (the last in-sync replica); the followers rejoin.
    c.links.heal();
    wait_until(
        Duration::from_secs(60),
        "all replicas in sync again",
        || {
            let p = &c.cluster.describe("tail")[0];
            p.leader == leader && p.isr.len() == 3
        },
    );
    let values: Vec<u32> = c
        .cluster
        .kw_ok(&["consume", "-t", "tail", "-o", "beginning", "-e", "-q"])
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(
        values,
        (0..300).collect::<Vec<u32>>(),
        "every acknowledged message, once, in order"
    );
}
