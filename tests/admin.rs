//! Admin APIs as Kafka's clients use them: configs (DescribeConfigs, AlterConfigs,
//! IncrementalAlterConfigs for topics and brokers, CreateTopics validation),
//! DeleteRecords, group offsets (alter, OffsetDelete) and DeleteGroups, with
//! confluent-kafka's and kafka-python's admin clients and with kw's own commands;
//! regex subscriptions following created, grown and deleted topics on three nodes.

mod common;

use std::time::Duration;

use common::{python, run_ok, wait_until, Cluster, Node};

const T: Duration = Duration::from_secs(180);

fn script(name: &str) -> String {
    format!("{}/tests/interop/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn confluent_kafka_admin_client() {
    let node = Node::start_single();
    let out = run_ok(
        python().args([&script("admin_clients.py"), &node.bootstrap(), "confluent"]),
        None,
        T,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("confluent admin ok"));
}

#[test]
fn kafka_python_admin_client() {
    let node = Node::start_single();
    let out = run_ok(
        python().args([
            &script("admin_clients.py"),
            &node.bootstrap(),
            "kafka-python",
        ]),
        None,
        T,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("kafka-python admin ok"));
}

/// The header line of `kw topics describe TOPIC`.
fn header(node: &Node, topic: &str) -> String {
    node.kw_ok(&["topics", "describe", topic])
        .lines()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn kw_alters_topic_configs_and_deletes_records() {
    // A static broker setting shows in every topic's Configs, as the workshop's
    // kafka-topics output shows min.insync.replicas=1.
    let mut node = Node::start_with(&["--config", "min.insync.replicas=1"]);
    node.create_topic("cfg", 2);
    assert!(
        header(&node, "cfg").ends_with("\tConfigs: min.insync.replicas=1"),
        "{}",
        header(&node, "cfg")
    );
    let out = node.kw_ok(&[
        "topics",
        "alter",
        "cfg",
        "--config",
        "retention.ms=3600000",
        "--config",
        "compression.type=lz4",
    ]);
    assert_eq!(out.trim(), "Completed updating config for topic cfg.");
    // Kafka's order (its tools iterate a HashMap of the names).
    assert!(
        header(&node, "cfg").ends_with(
            "\tConfigs: compression.type=lz4,min.insync.replicas=1,retention.ms=3600000"
        ),
        "{}",
        header(&node, "cfg")
    );
    node.kw_ok(&[
        "topics",
        "alter",
        "cfg",
        "--delete-config",
        "compression.type",
    ]);
    assert!(header(&node, "cfg").ends_with("Configs: min.insync.replicas=1,retention.ms=3600000"));
    // Invalid configs: Kafka's error and message, exit 1; a bad flag combination exit 2.
    let bad = node
        .kw()
        .args(["topics", "alter", "cfg", "--config", "segment.bytes=10"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains(
            "Invalid value 10 for configuration segment.bytes: Value must be at least 14"
        ),
        "{bad:?}"
    );
    let bad = node
        .kw()
        .args(["topics", "create", "nope", "--config", "foo.bar=1"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Unknown topic config name: foo.bar"));
    let bad = node.kw().args(["topics", "alter", "cfg"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));

    // DeleteRecords, kafka-delete-records' way.
    let input: String = (0..10).map(|i| format!("m{i}\n")).collect();
    node.produce_lines("cfg", &input, &["-p", "0"]);
    let out = node.kw_ok(&[
        "topics",
        "delete-records",
        "cfg",
        "--partition",
        "0",
        "--offset",
        "4",
    ]);
    assert_eq!(
        out,
        "Executing records delete operation\nRecords delete operation completed:\npartition: cfg-0\tlow_watermark: 4\n"
    );
    let first = |node: &Node| -> String {
        node.kw_ok(&[
            "consume",
            "-t",
            "cfg",
            "-p",
            "0",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%o:%s\\n",
        ])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
    };
    assert_eq!(first(&node), "4:m4");
    // Beyond the high watermark: the partition's error, exit 1.
    let json = node.data_dir.with_file_name("offsets.json");
    std::fs::write(
        &json,
        r#"{"partitions":[{"topic":"cfg","partition":0,"offset":99}],"version":1}"#,
    )
    .unwrap();
    let out = node
        .kw()
        .args(["topics", "delete-records", "--offset-json-file"])
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("partition: cfg-0\terror: "));
    // The log start survives a restart.
    node.restart();
    assert_eq!(first(&node), "4:m4");
    // Everything written so far.
    node.kw_ok(&["topics", "delete-records", "cfg", "--offset", "-1"]);
    assert_eq!(first(&node), "");

    // OffsetDelete for an inactive group, kafka-consumer-groups' layout.
    node.produce_lines("cfg", "a\nb\n", &["-p", "1"]);
    node.kw_ok(&[
        "consume",
        "-t",
        "cfg",
        "-p",
        "1",
        "-o",
        "beginning",
        "-e",
        "-q",
        "-X",
        "group.id=g1",
    ]);
    let out = node.kw_ok(&["groups", "delete-offsets", "g1", "--topic", "cfg:1"]);
    assert!(
        out.starts_with("Request succeed for deleting offsets with topic cfg group g1\n"),
        "{out}"
    );
    assert!(
        out.contains("cfg                            1               Successful"),
        "{out}"
    );
    let out = node
        .kw()
        .args(["groups", "delete-offsets", "nobody", "--topic", "cfg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Error: 'nobody' does not exist."));
}

#[test]
fn regex_subscriptions_follow_topics_and_delete_records_replicates_on_three_nodes() {
    let mut cluster = Cluster::start(3, &[]);
    for (prefix, strategy) in [("rxa", "range"), ("rxb", "cooperative-sticky")] {
        let out = run_ok(
            python().args([
                &script("regex_group.py"),
                &cluster.bootstrap(),
                prefix,
                strategy,
            ]),
            None,
            T,
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("regex ok"), "{text}");
    }
    // New partitions are in every node's metadata at once.
    cluster.kw_ok(&[
        "topics",
        "create",
        "grow",
        "--partitions",
        "1",
        "--replication-factor",
        "3",
    ]);
    cluster
        .any()
        .kw_ok(&["topics", "alter", "grow", "--partitions", "4"]);
    // The answering node has applied it; the others follow within moments (as in
    // Kafka, each broker applies the metadata log on its own).
    for n in &cluster.nodes {
        wait_until(
            Duration::from_secs(10),
            &format!("node {} shows 4 partitions of grow", n.id),
            || {
                n.kw_ok(&["metadata", "-t", "grow"])
                    .matches("    partition ")
                    .count()
                    == 4
            },
        );
    }

    // DeleteRecords on RF 3: every replica drops the records, so the log start
    // holds when the leader dies.
    cluster.kw_ok(&[
        "topics",
        "create",
        "dr",
        "--partitions",
        "1",
        "--replication-factor",
        "3",
    ]);
    let input: String = (0..20).map(|i| format!("m{i}\n")).collect();
    cluster.any().produce_lines("dr", &input, &[]);
    let out = cluster.kw_ok(&["topics", "delete-records", "dr", "--offset", "12"]);
    assert!(out.contains("partition: dr-0\tlow_watermark: 12"), "{out}");
    let leader = cluster.describe("dr")[0].leader;
    cluster.node(leader).kill9();
    wait_until(Duration::from_secs(30), "a new leader of dr-0", || {
        let d = cluster.describe("dr");
        d[0].leader >= 0 && d[0].leader != leader
    });
    let first = cluster.kw_ok(&[
        "consume",
        "-t",
        "dr",
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%o\\n",
    ]);
    assert_eq!(first.lines().next(), Some("12"), "{first}");
    cluster.node(leader).start_again();
}
