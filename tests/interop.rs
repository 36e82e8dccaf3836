//! Third-party clients against a real `kw serve`: the stock kcat (librdkafka 2.0.2),
//! confluent-kafka and kafka-python. A missing client fails the test; it never skips.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{kcat, python, run_ok, Background, Node};

const T: Duration = Duration::from_secs(90);

fn script(name: &str) -> String {
    format!("{}/tests/interop/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn kcat_metadata_lists_broker_and_topic() {
    let node = Node::start_single();
    node.create_topic("t1", 3);
    let out = run_ok(kcat().args(["-b", &node.bootstrap(), "-L"]), None, T);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(" 1 brokers:"), "{text}");
    assert!(
        text.contains(&format!("  broker 1 at {} (controller)", node.bootstrap())),
        "{text}"
    );
    assert!(text.contains("  topic \"t1\" with 3 partitions:"), "{text}");
    assert!(
        text.contains("    partition 2, leader 1, replicas: 1, isrs: 1"),
        "{text}"
    );
    // kw metadata prints the same listing.
    let ours = node.kw_ok(&["metadata"]);
    assert_eq!(ours.trim_end(), text.trim_end());
}

#[test]
fn kcat_produce_then_kcat_and_kw_consume_the_same() {
    let node = Node::start_single();
    node.create_topic("t2", 6);
    let input: String = (0..2000)
        .map(|i| format!("key{}:value{i}\n", i % 50))
        .collect();
    run_ok(
        kcat().args(["-b", &node.bootstrap(), "-P", "-t", "t2", "-K:"]),
        Some(input.as_bytes()),
        T,
    );
    let fmt = "%p|%o|%k|%s\\n";
    let theirs = run_ok(
        kcat().args([
            "-b",
            &node.bootstrap(),
            "-C",
            "-t",
            "t2",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            fmt,
        ]),
        None,
        T,
    );
    let theirs: BTreeSet<String> = String::from_utf8_lossy(&theirs.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(theirs.len(), 2000);
    let want: BTreeSet<String> = (0..2000)
        .map(|i| format!("key{}|value{i}", i % 50))
        .collect();
    let got: BTreeSet<String> = theirs
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.splitn(4, '|').collect();
            format!("{}|{}", f[2], f[3])
        })
        .collect();
    assert_eq!(got, want);
    let ours: BTreeSet<String> = node
        .kw_ok(&[
            "consume",
            "-t",
            "t2",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%p|%o|%k|%s\n",
        ])
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(
        ours, theirs,
        "kw consume and kcat -C see the same partitions, offsets, keys and values"
    );
}

#[test]
fn kw_produce_then_kcat_consume_with_workshop_format() {
    let node = Node::start_single();
    node.create_topic("demo.purchases", 6);
    node.kw()
        .args(["produce", "-t", "demo.purchases", "-K:"])
        .write_stdin("SF05:{\"a\":1}\nIS02:{\"b\":2}\n")
        .assert()
        .success();
    let out = run_ok(
        kcat().args([
            "-b",
            &node.bootstrap(),
            "-C",
            "-t",
            "demo.purchases",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "Part-%p => %k:%s\\n",
        ]),
        None,
        T,
    );
    let lines: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    let want: BTreeSet<String> = ["Part-2 => SF05:{\"a\":1}", "Part-5 => IS02:{\"b\":2}"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(lines, want);
    // kcat -J carries the same facts.
    let out = run_ok(
        kcat().args([
            "-b",
            &node.bootstrap(),
            "-C",
            "-t",
            "demo.purchases",
            "-p",
            "2",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-J",
        ]),
        None,
        T,
    );
    let v: serde_json::Value = serde_json::from_slice(out.stdout.trim_ascii()).unwrap();
    assert_eq!(v["key"], "SF05");
    assert_eq!(v["broker"], 1);
}

#[test]
fn kcat_offset_end_sees_only_new_messages() {
    let node = Node::start_single();
    node.create_topic("tail", 1);
    let old: String = (0..10).map(|i| format!("old{i}\n")).collect();
    node.kw()
        .args(["produce", "-t", "tail"])
        .write_stdin(old)
        .assert()
        .success();
    let mut bg = Background::spawn(kcat().args([
        "-b",
        &node.bootstrap(),
        "-C",
        "-t",
        "tail",
        "-p",
        "0",
        "-o",
        "end",
        "-q",
        "-u",
        "-f",
        "%s\\n",
    ]));
    // kcat may not have resolved "end" yet: keep producing markers until one shows up.
    let mut n = 0;
    common::wait_until(
        Duration::from_secs(30),
        "kcat -o end prints a new message",
        || {
            n += 1;
            node.kw()
                .args(["produce", "-t", "tail"])
                .write_stdin(format!("new{n}\n"))
                .assert()
                .success();
            std::thread::sleep(Duration::from_millis(200));
            bg.lines().iter().any(|l| l.starts_with("new"))
        },
    );
    bg.kill();
    let lines = bg.lines();
    assert!(
        lines.iter().all(|l| l.starts_with("new")),
        "old messages must not appear: {lines:?}"
    );
}

#[test]
fn kcat_idempotent_producer_and_compression() {
    let node = Node::start_single();
    node.create_topic("cz", 2);
    for codec in ["gzip", "snappy", "lz4", "zstd"] {
        let input: String = (0..500).map(|i| format!("{codec}-{i}\n")).collect();
        run_ok(
            kcat().args([
                "-b",
                &node.bootstrap(),
                "-P",
                "-t",
                "cz",
                "-z",
                codec,
                "-X",
                "enable.idempotence=true",
            ]),
            Some(input.as_bytes()),
            T,
        );
        node.kw()
            .args(["produce", "-t", "cz", "-z", codec])
            .write_stdin(input)
            .assert()
            .success();
    }
    let ours = node.kw_ok(&["consume", "-t", "cz", "-o", "beginning", "-e", "-q"]);
    assert_eq!(ours.lines().count(), 4000);
    let theirs = run_ok(
        kcat().args([
            "-b",
            &node.bootstrap(),
            "-C",
            "-t",
            "cz",
            "-o",
            "beginning",
            "-e",
            "-q",
        ]),
        None,
        T,
    );
    assert_eq!(
        String::from_utf8_lossy(&theirs.stdout).lines().count(),
        4000
    );
}

#[test]
fn confluent_kafka_producer_consumer_admin() {
    let node = Node::start_single();
    node.create_topic("confluent", 6);
    let out = run_ok(
        python().args([
            &script("confluent_clients.py"),
            &node.bootstrap(),
            "confluent",
            "20000",
        ]),
        None,
        T,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"consumed\": 20000"));
}

#[test]
fn kafka_python_producer_consumer_admin() {
    let node = Node::start_single();
    node.create_topic("kpy", 6);
    let out = run_ok(
        python().args([
            &script("kafka_python_clients.py"),
            &node.bootstrap(),
            "kpy",
            "5000",
        ]),
        None,
        T,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"consumed\": 5000"));
    // What kafka-python wrote, kw reads.
    assert_eq!(
        node.kw_ok(&["consume", "-t", "kpy", "-o", "beginning", "-e", "-q"])
            .lines()
            .count(),
        5000
    );
}

/// Partitions a Python member reported last (`ASSIGNED p,p`).
fn python_assignment(m: &Background) -> Option<BTreeSet<i32>> {
    let lines = m.lines();
    let last = lines.iter().rev().find(|l| l.starts_with("ASSIGNED"))?;
    Some(
        last.trim_start_matches("ASSIGNED")
            .trim()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|p| p.parse().unwrap())
            .collect(),
    )
}

/// Partitions a kcat or kw member reported last.
fn kcat_assignment(m: &Background) -> Option<BTreeSet<i32>> {
    common::last_assignment(&m.err_lines())
}

#[test]
fn mixed_group_of_kcat_kw_confluent_and_kafka_python() {
    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=1000"]);
    node.create_topic("mixed", 6);
    let b = node.bootstrap();
    let kc = Background::spawn(kcat().args([
        "-b",
        &b,
        "-G",
        "mix",
        "mixed",
        "-u",
        "-f",
        "%p|%o|%s\\n",
        "-X",
        "auto.offset.reset=earliest",
        "-X",
        "heartbeat.interval.ms=500",
    ]));
    let kw = Background::spawn(std::process::Command::new(common::kw_bin()).args([
        "-b",
        &b,
        "consume",
        "-G",
        "mix",
        "mixed",
        "-u",
        "-f",
        "%p|%o|%s\n",
        "-X",
        "auto.offset.reset=earliest",
        "-X",
        "heartbeat.interval.ms=500",
    ]));
    let cf = Background::spawn(python().args([
        &script("group_member.py"),
        "confluent",
        &b,
        "mix",
        "mixed",
    ]));
    let kp = Background::spawn(python().args([
        &script("group_member.py"),
        "kafka-python",
        &b,
        "mix",
        "mixed",
    ]));
    common::wait_until(
        Duration::from_secs(60),
        "four clients share the six partitions",
        || {
            let sets = [
                kcat_assignment(&kc),
                kcat_assignment(&kw),
                python_assignment(&cf),
                python_assignment(&kp),
            ];
            if sets.iter().any(|s| s.as_ref().is_none_or(|s| s.is_empty())) {
                return false;
            }
            let all: Vec<i32> = sets.iter().flat_map(|s| s.clone().unwrap()).collect();
            let unique: BTreeSet<i32> = all.iter().copied().collect();
            all.len() == 6 && unique.len() == 6
        },
    );
    let input: String = (0..400).map(|i| format!("k{}:m{i}\n", i % 17)).collect();
    node.kw()
        .args(["produce", "-t", "mixed", "-K:"])
        .write_stdin(input)
        .assert()
        .success();
    let values = |m: &Background| -> Vec<String> {
        m.lines()
            .iter()
            .filter_map(|l| l.splitn(3, '|').nth(2).map(String::from))
            .collect()
    };
    common::wait_until(
        Duration::from_secs(60),
        "400 messages consumed across the mixed group",
        || {
            [&kc, &kw, &cf, &kp]
                .iter()
                .map(|m| values(m).len())
                .sum::<usize>()
                >= 400
        },
    );
    let all: Vec<String> = [&kc, &kw, &cf, &kp]
        .iter()
        .flat_map(|m| values(m))
        .collect();
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(
        (all.len(), unique.len()),
        (400, 400),
        "each message consumed by exactly one member"
    );
}

#[test]
fn kw_and_kcat_place_keys_alike_with_both_partitioners() {
    let node = Node::start_single();
    let keys: Vec<String> = (0..200).map(|i| format!("user{i}")).collect();
    let input: String = keys.iter().map(|k| format!("{k}:v\n")).collect();
    for partitioner in ["consistent_random", "murmur2_random"] {
        let (ours, theirs) = (format!("kw-{partitioner}"), format!("kcat-{partitioner}"));
        node.create_topic(&ours, 7);
        node.create_topic(&theirs, 7);
        node.kw()
            .args([
                "produce",
                "-t",
                &ours,
                "-K:",
                "-X",
                &format!("partitioner={partitioner}"),
            ])
            .write_stdin(input.clone())
            .assert()
            .success();
        run_ok(
            kcat().args([
                "-b",
                &node.bootstrap(),
                "-P",
                "-t",
                &theirs,
                "-K:",
                "-X",
                &format!("partitioner={partitioner}"),
            ]),
            Some(input.as_bytes()),
            T,
        );
        let placement = |topic: &str| -> BTreeSet<String> {
            node.kw_ok(&[
                "consume",
                "-t",
                topic,
                "-o",
                "beginning",
                "-e",
                "-q",
                "-f",
                "%k=%p\n",
            ])
            .lines()
            .map(String::from)
            .collect()
        };
        let a = placement(&ours);
        assert_eq!(a.len(), 200);
        assert_eq!(
            a,
            placement(&theirs),
            "{partitioner}: same key, same partition"
        );
    }
}

#[test]
fn kill9_during_a_produce_stream_loses_no_acknowledged_message() {
    let mut node = Node::start_single();
    node.create_topic("acked", 3);
    let dir = tempfile::tempdir().unwrap();
    let acked_path = dir.path().join("acked.txt");
    let mut writer = Background::spawn(python().args([
        &script("acked_writer.py"),
        &node.bootstrap(),
        "acked",
        acked_path.to_str().unwrap(),
    ]));
    let acked_count = || {
        std::fs::read_to_string(&acked_path)
            .map(|s| s.lines().count())
            .unwrap_or(0)
    };
    common::wait_until(
        Duration::from_secs(30),
        "5000 messages acknowledged",
        || acked_count() >= 5000,
    );
    node.kill9();
    // The writer's in-flight messages now fail; let it finish (message.timeout.ms=4000).
    writer.signal("TERM");
    assert!(writer.wait_exit(Duration::from_secs(30)), "writer exits");
    let acked: BTreeSet<String> = std::fs::read_to_string(&acked_path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    node.start_again();
    let stored: BTreeSet<String> = node
        .kw_ok(&["consume", "-t", "acked", "-o", "beginning", "-e", "-q"])
        .lines()
        .map(String::from)
        .collect();
    let lost: Vec<&String> = acked.difference(&stored).take(5).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged messages lost, e.g. {lost:?}",
        acked.difference(&stored).count()
    );
    assert!(acked.len() >= 5000);
}

/// #13: ListOffsets by timestamp answers the first record at or after the time, also
/// inside a batch (it answered the batch's base offset, so `kcat -o s@T` and
/// `kw consume -o s@T` started too early).
#[test]
fn kcat_and_kw_start_at_a_timestamp_inside_one_batch() {
    let node = Node::start_single();
    node.create_topic("timed", 1);
    let t0: i64 = 1_750_000_000_000;
    // Ten messages, one second apart in their timestamps, produced as one batch.
    let code = format!(
        "from confluent_kafka import Producer\n\
         p = Producer({{'bootstrap.servers': '{b}', 'linger.ms': 500, 'batch.num.messages': 100}})\n\
         for i in range(10):\n    p.produce('timed', value=f'm{{i}}', partition=0, timestamp={t0} + i * 1000)\n\
         assert p.flush(30) == 0\n",
        b = node.bootstrap()
    );
    run_ok(python().args(["-c", &code]), None, Duration::from_secs(60));
    let all = node.consume_lines("timed", "%T\n");
    assert_eq!(
        all.first().map(String::as_str),
        Some(t0.to_string().as_str()),
        "timestamps kept"
    );
    let from = t0 + 5_000;
    let out = run_ok(
        kcat().args([
            "-b",
            &node.bootstrap(),
            "-C",
            "-t",
            "timed",
            "-o",
            &format!("s@{from}"),
            "-e",
            "-q",
            "-f",
            "%s\n",
        ]),
        None,
        Duration::from_secs(30),
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "m5\nm6\nm7\nm8\nm9\n");
    let ours = node.kw_ok(&[
        "consume",
        "-t",
        "timed",
        "-o",
        &format!("s@{}", from - 1),
        "-e",
        "-q",
        "-f",
        "%s\n",
    ]);
    assert_eq!(ours, "m5\nm6\nm7\nm8\nm9\n");
}

/// #13: a produce to a name Kafka could never create fails at once with
/// INVALID_TOPIC_EXCEPTION; the producer does not wait out its message timeout.
#[test]
fn produce_to_an_invalid_topic_name_fails_at_once() {
    let node = Node::start_single();
    let code = format!(
        "import time\n\
         from confluent_kafka import Producer\n\
         errors = []\n\
         p = Producer({{'bootstrap.servers': '{b}', 'message.timeout.ms': 60000}})\n\
         start = time.time()\n\
         p.produce('bad name!', value=b'x', on_delivery=lambda err, msg: errors.append(err))\n\
         p.flush(30)\n\
         took = time.time() - start\n\
         assert errors and errors[0] is not None, errors\n\
         assert took < 10, took\n\
         print(errors[0].str())\n",
        b = node.bootstrap()
    );
    let out = run_ok(python().args(["-c", &code]), None, Duration::from_secs(60));
    let said = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(
        said.contains("invalid") || said.contains("illegal"),
        "{said}"
    );
    let started = std::time::Instant::now();
    let out = node
        .kw()
        .args([
            "produce",
            "-t",
            "bad name!",
            "-X",
            "message.timeout.ms=60000",
        ])
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "kw produce gave up at once"
    );
}

/// #13: committing an offset for a partition that does not exist answers
/// UNKNOWN_TOPIC_OR_PARTITION for it (and the real ones are committed).
#[test]
fn offset_commit_for_a_missing_partition_is_refused() {
    let node = Node::start_single();
    node.create_topic("real", 1);
    let code = format!(
        "from confluent_kafka import Consumer, TopicPartition, KafkaException\n\
         c = Consumer({{'bootstrap.servers': '{b}', 'group.id': 'g13', 'enable.auto.commit': False}})\n\
         try:\n    res = c.commit(offsets=[TopicPartition('real', 0, 1), TopicPartition('real', 7, 1), TopicPartition('nope', 0, 1)], asynchronous=False)\n    print([(p.topic, p.partition, p.error.code() if p.error else 0) for p in res])\n\
         except KafkaException as e:\n    print('raised', e.args[0].code())\n\
         got = c.committed([TopicPartition('real', 0)], timeout=10)\n\
         print('committed', got[0].offset)\n",
        b = node.bootstrap()
    );
    let out = run_ok(python().args(["-c", &code]), None, Duration::from_secs(60));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    // librdkafka reports the first partition error for the whole call.
    assert!(
        said.contains("raised 3"),
        "UNKNOWN_TOPIC_OR_PARTITION (3): {said}"
    );
    assert!(
        said.contains("committed 1"),
        "the real partition was committed: {said}"
    );
}

/// #13: a `message.timestamp.type=LogAppendTime` topic: the broker stamps each
/// batch with its append time, the producer learns it from the produce response,
/// and every consumer (kcat, confluent-kafka, kw) sees it instead of the producer's.
#[test]
fn log_append_time_topics_carry_the_brokers_time() {
    let node = Node::start_single();
    node.kw_ok(&[
        "topics",
        "create",
        "stamped",
        "--partitions",
        "1",
        "--config",
        "message.timestamp.type=LogAppendTime",
    ]);
    let before = kw::protocol::now_ms();
    let code = format!(
        "from confluent_kafka import Producer, Consumer, TopicPartition\n\
         seen = []\n\
         p = Producer({{'bootstrap.servers': '{b}'}})\n\
         for i in range(3):\n    p.produce('stamped', value=f'v{{i}}', timestamp=1600000000000, on_delivery=lambda e, m: seen.append(m.timestamp()))\n\
         assert p.flush(30) == 0\n\
         assert all(t[0] == 2 and t[1] >= {before} for t in seen), seen\n\
         c = Consumer({{'bootstrap.servers': '{b}', 'group.id': 'la'}})\n\
         c.assign([TopicPartition('stamped', 0, 0)])\n\
         got = []\n\
         while len(got) < 3:\n    m = c.poll(10)\n    assert m is not None and m.error() is None, m\n    got.append(m.timestamp())\n\
         assert all(t[0] == 2 and t[1] >= {before} for t in got), got\n\
         print('ok')\n",
        b = node.bootstrap()
    );
    let out = run_ok(python().args(["-c", &code]), None, Duration::from_secs(60));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
    let out = run_ok(
        kcat().args([
            "-b",
            &node.bootstrap(),
            "-C",
            "-t",
            "stamped",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%T\n",
        ]),
        None,
        Duration::from_secs(30),
    );
    for ts in String::from_utf8_lossy(&out.stdout).lines() {
        assert!(
            ts.parse::<i64>().unwrap() >= before,
            "kcat sees the append time: {ts}"
        );
    }
    for ts in node.consume_lines("stamped", "%T\n").into_iter() {
        assert!(
            ts.parse::<i64>().unwrap() >= before,
            "kw sees the append time: {ts}"
        );
    }
}

/// #13: DescribeCluster, as confluent-kafka's AdminClient asks for it, and
/// kafka-python's describe_cluster.
#[test]
fn admin_clients_describe_the_cluster() {
    let node = Node::start_single();
    let code = format!(
        "from confluent_kafka.admin import AdminClient\n\
         from kafka.admin import KafkaAdminClient\n\
         a = AdminClient({{'bootstrap.servers': '{b}'}})\n\
         d = a.describe_cluster(request_timeout=10).result()\n\
         assert len(d.cluster_id) == 22 and d.controller.id == 1 and [n.id for n in d.nodes] == [1], d\n\
         k = KafkaAdminClient(bootstrap_servers='{b}').describe_cluster()\n\
         assert k['cluster_id'] == d.cluster_id and k['controller_id'] == 1, k\n\
         print(d.cluster_id)\n",
        b = node.bootstrap()
    );
    let out = run_ok(python().args(["-c", &code]), None, Duration::from_secs(60));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(id.len(), 22, "{id}");
}
