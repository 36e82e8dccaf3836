//! One real `kw serve` process driven by `kw` subcommands and raw TCP.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::time::Duration;

use common::{wait_until, Node};

fn lines(s: &str) -> Vec<String> {
    s.lines().map(|l| l.to_string()).collect()
}

#[test]
fn topics_create_describe_list_delete_with_kafka_errors() {
    let node = Node::start_single();
    let out = node.kw_ok(&[
        "topics",
        "create",
        "demo.purchases",
        "--partitions",
        "6",
        "--replication-factor",
        "1",
        "--config",
        "retention.ms=86400000",
    ]);
    assert_eq!(out, "Created topic demo.purchases.\n");
    let desc = node.kw_ok(&["topics", "describe", "demo.purchases"]);
    let l = lines(&desc);
    assert_eq!(l.len(), 7, "{desc}");
    assert!(
        l[0].starts_with("Topic: demo.purchases\tTopicId: "),
        "{desc}"
    );
    assert!(
        l[0].ends_with("\tPartitionCount: 6\tReplicationFactor: 1\tConfigs: retention.ms=86400000"),
        "{desc}"
    );
    for p in 0..6 {
        assert_eq!(
            l[p + 1],
            format!("\tTopic: demo.purchases\tPartition: {p}\tLeader: 1\tReplicas: 1\tIsr: 1")
        );
    }
    node.create_topic("a-topic", 1);
    assert_eq!(node.kw_ok(&["topics", "list"]), "a-topic\ndemo.purchases\n");

    // Kafka's errors, one line, exit 1.
    let out = node
        .kw()
        .args(["topics", "create", "demo.purchases", "--partitions", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "kw: Topic 'demo.purchases' already exists.\n"
    );
    node.kw_ok(&[
        "topics",
        "create",
        "demo.purchases",
        "--partitions",
        "1",
        "--if-not-exists",
    ]);
    let out = node
        .kw()
        .args(["topics", "create", "rf3", "--replication-factor", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("The target replication factor of 3 cannot be reached because only 1 broker(s) are registered."));
    let out = node
        .kw()
        .args(["topics", "delete", "missing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "kw: Topic 'missing' does not exist as expected\n"
    );
    node.kw_ok(&["topics", "delete", "missing", "--if-exists"]);
    let out = node
        .kw()
        .args(["topics", "create", "bad name!"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    node.kw_ok(&["topics", "delete", "a-topic"]);
    assert_eq!(node.kw_ok(&["topics", "list"]), "demo.purchases\n");
    assert!(
        !node.data_dir.join("a-topic-0").exists(),
        "deleted topic's data is gone"
    );
}

fn produce(node: &Node, topic: &str, input: &str, extra: &[&str]) {
    let mut args = vec!["produce", "-t", topic];
    args.extend_from_slice(extra);
    let out = node
        .kw()
        .args(&args)
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "produce failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn consume_all(node: &Node, topic: &str, fmt: &str) -> Vec<String> {
    node.consume_lines(topic, fmt)
}

#[test]
fn produce_consume_keys_land_on_crc32_partitions() {
    let node = Node::start_single();
    node.create_topic("keyed", 6);
    let input: String = (0..5000)
        .map(|i| format!("key{}:value{i}\n", i % 37))
        .collect();
    produce(&node, "keyed", &input, &["-K:"]);
    let got = consume_all(&node, "keyed", "%p|%o|%k|%s\n");
    assert_eq!(got.len(), 5000);
    let mut per_partition: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    let mut key_partition: BTreeMap<String, i32> = BTreeMap::new();
    let mut values = BTreeSet::new();
    for l in &got {
        let f: Vec<&str> = l.splitn(4, '|').collect();
        let p: i32 = f[0].parse().unwrap();
        per_partition
            .entry(p)
            .or_default()
            .push(f[1].parse().unwrap());
        let expect = (crc32fast::hash(f[2].as_bytes()) % 6) as i32;
        assert_eq!(p, expect, "key {} on partition {p}", f[2]);
        assert_eq!(*key_partition.entry(f[2].to_string()).or_insert(p), p);
        values.insert(f[3].to_string());
    }
    assert_eq!(values.len(), 5000, "every message once");
    for (p, offsets) in per_partition {
        let want: Vec<i64> = (0..offsets.len() as i64).collect();
        assert_eq!(offsets, want, "partition {p} offsets contiguous from 0");
    }
    // The workshop's keys.
    produce(&node, "keyed", "SF05:x\nIS02:y\n", &["-K:"]);
    let tail = lines(&node.kw_ok(&[
        "consume", "-t", "keyed", "-o", "-1", "-e", "-q", "-f", "%k=%p\n",
    ]));
    assert!(
        tail.contains(&"SF05=2".to_string()) && tail.contains(&"IS02=5".to_string()),
        "{tail:?}"
    );
}

#[test]
fn consume_offsets_count_and_json() {
    let node = Node::start_single();
    node.create_topic("o", 1);
    let input: String = (0..20).map(|i| format!("m{i}\n")).collect();
    produce(&node, "o", &input, &["-k", "K"]);
    let last3 = lines(&node.kw_ok(&["consume", "-t", "o", "-o", "-3", "-e", "-q"]));
    assert_eq!(last3, vec!["m17", "m18", "m19"]);
    let from5 = lines(&node.kw_ok(&[
        "consume", "-t", "o", "-o", "5", "-c", "2", "-q", "-f", "%o:%s\n",
    ]));
    assert_eq!(from5, vec!["5:m5", "6:m6"]);
    let json = node.kw_ok(&[
        "consume", "-t", "o", "-p", "0", "-o", "19", "-e", "-q", "-J",
    ]);
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["topic"], "o");
    assert_eq!(v["offset"], 19);
    assert_eq!(v["key"], "K");
    assert_eq!(v["payload"], "m19");
    assert_eq!(v["tstype"], "create");
    let end = node
        .kw()
        .args(["consume", "-t", "o", "-o", "end", "-e"])
        .output()
        .unwrap();
    assert!(end.status.success());
    assert!(end.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&end.stderr),
        "% Reached end of topic o [0] at offset 20: exiting\n"
    );
    let ts = lines(&node.kw_ok(&["consume", "-t", "o", "-o", "s@0", "-e", "-q"]));
    assert_eq!(ts.len(), 20);
}

#[test]
fn restart_and_kill9_keep_every_acknowledged_message() {
    let mut node = Node::start_single();
    node.create_topic("durable", 3);
    let first: String = (0..3000).map(|i| format!("a{i}\n")).collect();
    produce(&node, "durable", &first, &[]);
    node.restart();
    assert_eq!(consume_all(&node, "durable", "%s\n").len(), 3000);
    let second: String = (0..3000).map(|i| format!("b{i}\n")).collect();
    produce(&node, "durable", &second, &["-X", "acks=all"]);
    node.kill9();
    node.start_again();
    let got: BTreeSet<String> = consume_all(&node, "durable", "%s\n").into_iter().collect();
    assert_eq!(got.len(), 6000);
    assert!(got.contains("a0") && got.contains("b2999"));
    assert_eq!(node.kw_ok(&["topics", "list"]), "durable\n");
}

#[test]
fn torn_tail_is_truncated_on_startup() {
    let mut node = Node::start_single();
    node.create_topic("torn", 1);
    produce(&node, "torn", "one\ntwo\nthree\n", &["-X", "linger.ms=0"]);
    node.stop();
    let seg = node
        .data_dir
        .join("torn-0")
        .join("00000000000000000000.log");
    let good = std::fs::metadata(&seg).unwrap().len();
    // A half-written batch after the good ones, as a crash mid-write leaves it.
    let mut f = std::fs::OpenOptions::new().append(true).open(&seg).unwrap();
    f.write_all(&[0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 1, 0, 0, 0, 0, 0, 2, 9, 9])
        .unwrap();
    drop(f);
    node.start_again();
    assert_eq!(
        consume_all(&node, "torn", "%s\n"),
        vec!["one", "two", "three"]
    );
    assert_eq!(
        std::fs::metadata(&seg).unwrap().len(),
        good,
        "torn bytes were cut"
    );
    produce(&node, "torn", "four\n", &[]);
    assert_eq!(
        consume_all(&node, "torn", "%o=%s\n").last().unwrap(),
        "3=four"
    );
}

#[test]
fn auto_creates_topics_with_broker_defaults() {
    let node = Node::start_with(&["--config", "num.partitions=3"]);
    produce(&node, "auto.created", "x\n", &[]);
    let desc = node.kw_ok(&["topics", "describe", "auto.created"]);
    assert!(desc.contains("PartitionCount: 3"), "{desc}");
    let off = Node::start_with(&["--config", "auto.create.topics.enable=false"]);
    let out = off
        .kw()
        .args(["produce", "-t", "nope"])
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Unknown topic or partition"));
}

fn raw_request(addr: &str, bytes: &[u8]) -> Vec<u8> {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(bytes);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    buf
}

#[test]
fn malformed_frames_close_only_that_connection() {
    let node = Node::start_with(&["--config", "socket.request.max.bytes=1000"]);
    node.create_topic("safe", 1);
    produce(&node, "safe", "kept\n", &[]);
    let addr = node.bootstrap();
    // Oversized frame: closed without a response.
    assert!(raw_request(&addr, &100_000i32.to_be_bytes()).is_empty());
    // Negative size.
    assert!(raw_request(&addr, &(-5i32).to_be_bytes()).is_empty());
    // Unknown API key.
    let mut f = 8i32.to_be_bytes().to_vec();
    f.extend_from_slice(&[0x7f, 0x00, 0, 0, 0, 0, 0, 1]);
    assert!(raw_request(&addr, &f).is_empty());
    // Produce v7 with a garbage body.
    let mut f = 12i32.to_be_bytes().to_vec();
    f.extend_from_slice(&[0, 0, 0, 7, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
    assert!(raw_request(&addr, &f).is_empty());
    // Truncated frame, then hang up.
    let mut f = 50i32.to_be_bytes().to_vec();
    f.extend_from_slice(&[0, 3, 0, 1]);
    assert!(raw_request(&addr, &f).is_empty());
    // The node still serves and the log is intact.
    assert_eq!(consume_all(&node, "safe", "%s\n"), vec!["kept"]);
    let log = std::fs::read_to_string(&node.log_path).unwrap();
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn cli_errors_are_one_line_with_exit_codes() {
    let port = common::free_port();
    let out = assert_cmd::Command::new(common::kw_bin())
        .args(["-b", &format!("127.0.0.1:{port}"), "topics", "list"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("127.0.0.1:{port}")),
        "names the address tried: {err}"
    );
    let out = assert_cmd::Command::new(common::kw_bin())
        .args(["consume", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let node = Node::start_single();
    let out = node
        .kw()
        .args(["consume", "-t", "missing", "-e"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "kw: Topic missing error: Broker: Unknown topic or partition\n"
    );
    let out = node
        .kw()
        .args(["produce", "-t", "x", "-X", "foo=bar"])
        .write_stdin("a\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "kw: No such configuration property: \"foo\"\n"
    );
    let other = Node::start_single();
    let out = assert_cmd::Command::new(common::kw_bin())
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{}", common::free_port()),
            "--data-dir",
        ])
        .arg(&other.data_dir)
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is in use by another kw serve"));
    wait_until(
        Duration::from_secs(5),
        "the first node is still healthy",
        || {
            other
                .kw()
                .args(["metadata"])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        },
    );
}

#[test]
fn an_oversized_message_is_refused_before_sending() {
    let node = Node::start_single();
    node.create_topic("big", 1);
    let big = format!("{}\n", "x".repeat(1_100_000));
    let out = node
        .kw()
        .args(["produce", "-t", "big"])
        .write_stdin(big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Message size too large"));
    // The partition is still usable by an idempotent producer afterwards.
    produce(&node, "big", "small\n", &[]);
    assert_eq!(consume_all(&node, "big", "%s\n"), vec!["small"]);
}

/// #10: a bad broker setting is one sentence naming the key, the value and what is
/// accepted, exit 2, before anything binds a port or touches the data directory.
#[test]
fn bad_broker_settings_exit_2_and_touch_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--config", "num.partitions=0"],
            "kw: invalid value '0' for broker config 'num.partitions': expected an integer >= 1\n",
        ),
        (
            &["--config", "min.insync.replicas=abc"],
            "kw: invalid value 'abc' for broker config 'min.insync.replicas': expected an integer >= 1\n",
        ),
        (
            &["--config", "log.segment.bytes=10"],
            "kw: invalid value '10' for broker config 'log.segment.bytes': expected an integer >= 14\n",
        ),
        (
            &["--config", "broker.session.timeout.ms=true"],
            "kw: invalid value 'true' for broker config 'broker.session.timeout.ms': expected an integer >= 1\n",
        ),
        (
            &["--config", "replica.lag.time.max.ms=-5"],
            "kw: invalid value '-5' for broker config 'replica.lag.time.max.ms': expected an integer >= 1\n",
        ),
        (
            &["--config", "no.such.setting=1"],
            "kw: unknown broker config 'no.such.setting' (kw takes Kafka's names, e.g. num.partitions; `kw serve --help` lists them)\n",
        ),
        (
            &["--config", "num.partitions"],
            "kw: expected KEY=VALUE after --config, got 'num.partitions'\n",
        ),
        (
            &["--node", "4"],
            "kw: node 4 is not among the voters (1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094); every kw node is a metadata voter\n",
        ),
    ];
    for (args, want) in cases {
        let dir = tmp.path().join("data");
        let out = assert_cmd::Command::new(common::kw_bin())
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(&dir)
            .args(*args)
            .timeout(Duration::from_secs(10))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), *want, "{args:?}");
        assert!(!dir.exists(), "{args:?} created the data directory");
        std::net::TcpListener::bind(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("{args:?} left port {port} bound: {e}"));
    }
    // kw cluster up validates the same way before it starts anything.
    let out = assert_cmd::Command::new(common::kw_bin())
        .args([
            "cluster",
            "up",
            "--config",
            "num.partitions=0",
            "--data-dir",
        ])
        .arg(tmp.path().join("cluster"))
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!tmp.path().join("cluster").exists());
    // An ignored Kafka key is accepted with one warning naming it.
    let node = Node::start_with(&["--config", "num.io.threads=8"]);
    wait_until(Duration::from_secs(5), "the warning is logged", || {
        node.log_tail(50)
            .contains("broker config num.io.threads is ignored by kw")
    });
}
