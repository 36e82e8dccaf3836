//! Nodes started in-process through `Node::start`, as `kw serve` starts them: a
//! single node and a three-node cluster inside one test process on free ports,
//! acks=all produce read back, and a shutdown that leaves no task running.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use bytes::Bytes;
use kw::client::admin::{create_topic, NewTopicSpec};
use kw::client::consumer::{Consumer, ConsumerConfig, Event, StartOffset};
use kw::client::producer::{Message, Producer, ProducerConfig};
use kw::client::{Client, ClientConfig};
use kw::node::{Flags, Node, NodeConfig};
use kw::protocol::TopicPartition;

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// Wait until `cond` holds, or fail with `why` after `deadline`.
async fn wait_until(deadline: Duration, why: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < deadline,
            "timed out after {:?} waiting until {why}",
            start.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn produce_all(bootstrap: &str, topic: &str, n: usize) {
    let client = Client::connect(bootstrap, ClientConfig::default())
        .await
        .expect("client connects");
    let producer = Producer::new(
        client,
        ProducerConfig {
            acks: -1,
            message_timeout: Duration::from_secs(30),
            ..ProducerConfig::default()
        },
    )
    .await
    .expect("producer starts");
    for i in 0..n {
        producer
            .send(Message {
                topic: topic.into(),
                key: Some(Bytes::from(format!("k{i}"))),
                value: Some(Bytes::from(format!("value-{i}"))),
                ..Message::default()
            })
            .await
            .expect("queued");
    }
    let report = producer.flush().await;
    assert_eq!(
        (report.delivered, report.failed),
        (n as u64, 0),
        "every acks=all produce acknowledged: {:?}",
        report.errors
    );
}

/// Every value in `topic` (partitions 0..partitions), read from the beginning.
async fn consume_all(bootstrap: &str, topic: &str, partitions: i32, n: usize) -> BTreeSet<String> {
    let client = Client::connect(bootstrap, ClientConfig::default())
        .await
        .expect("client connects");
    let tps: Vec<TopicPartition> = (0..partitions)
        .map(|p| TopicPartition::new(topic, p))
        .collect();
    let mut consumer = Consumer::new(
        client,
        tps,
        StartOffset::Beginning,
        ConsumerConfig::default(),
    )
    .await
    .expect("consumer starts");
    let mut seen = BTreeSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while seen.len() < n {
        let event = tokio::time::timeout_at(deadline, consumer.next())
            .await
            .unwrap_or_else(|_| panic!("read {} of {n} messages in 30 s", seen.len()))
            .expect("consumer runs");
        if let Event::Records(records) = event {
            for r in records {
                let v = r.value.expect("a value");
                seen.insert(String::from_utf8(v.to_vec()).expect("utf-8"));
            }
        }
    }
    seen
}

fn expected(n: usize) -> BTreeSet<String> {
    (0..n).map(|i| format!("value-{i}")).collect()
}

async fn create(bootstrap: &str, topic: &str, partitions: i32, rf: i16) {
    let client = Client::connect(bootstrap, ClientConfig::default())
        .await
        .expect("client connects");
    create_topic(
        &client,
        &NewTopicSpec {
            name: topic.into(),
            partitions,
            replication_factor: rf,
            configs: BTreeMap::new(),
        },
        Duration::from_secs(10),
    )
    .await
    .expect("topic created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_node_starts_serves_and_shuts_down_in_process() {
    let tmp = tempfile::tempdir().unwrap();
    let baseline = alive_tasks();
    let node = Node::start(NodeConfig::single("127.0.0.1:0", tmp.path().join("node-1")))
        .await
        .expect("node starts");
    let bootstrap = node.advertised();
    assert_eq!(
        bootstrap,
        format!("127.0.0.1:{}", node.client_addr().port())
    );
    create(&bootstrap, "inproc", 3, 1).await;
    produce_all(&bootstrap, "inproc", 200).await;
    assert_eq!(
        consume_all(&bootstrap, "inproc", 3, 200).await,
        expected(200)
    );
    node.shutdown().await;
    wait_until(
        Duration::from_secs(10),
        "every task of the node has ended",
        || alive_tasks() == baseline,
    )
    .await;
    // Closed cleanly: the data directory is free again and holds the data.
    let node = Node::start(NodeConfig::single("127.0.0.1:0", tmp.path().join("node-1")))
        .await
        .expect("node restarts on the same data directory");
    let bootstrap = node.advertised();
    assert_eq!(
        consume_all(&bootstrap, "inproc", 3, 200).await,
        expected(200)
    );
    node.shutdown().await;
    wait_until(
        Duration::from_secs(10),
        "every task of the restarted node has ended",
        || alive_tasks() == baseline,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_node_cluster_runs_inside_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let baseline = alive_tasks();
    let voters = (1..=3)
        .map(|id| format!("{id}@127.0.0.1:{}", common::free_port()))
        .collect::<Vec<_>>()
        .join(",");
    let configs: Vec<NodeConfig> = (1..=3)
        .map(|id| {
            NodeConfig::from_flags(&Flags {
                node: Some(id),
                voters: Some(voters.clone()),
                listen: Some("127.0.0.1:0".into()),
                data_dir: Some(tmp.path().join(format!("node-{id}"))),
                config: vec!["replica.lag.time.max.ms=5000".into()],
                ..Flags::default()
            })
            .expect("valid flags")
        })
        .collect();
    // None of them registers before a majority runs: start them together.
    let starts: Vec<_> = configs
        .into_iter()
        .map(|c| tokio::spawn(Node::start(c)))
        .collect();
    let mut nodes = Vec::new();
    for s in starts {
        nodes.push(
            tokio::time::timeout(Duration::from_secs(30), s)
                .await
                .expect("the quorum forms within 30 s")
                .expect("start task")
                .expect("node starts"),
        );
    }
    let bootstrap = nodes
        .iter()
        .map(|n| n.advertised())
        .collect::<Vec<_>>()
        .join(",");
    let client = Client::connect(&bootstrap, ClientConfig::default())
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let meta = client.metadata(None).await.unwrap();
        if meta.brokers.len() == 3 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "three live brokers"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    create(&bootstrap, "replicated", 3, 3).await;
    produce_all(&bootstrap, "replicated", 300).await;
    assert_eq!(
        consume_all(&bootstrap, "replicated", 3, 300).await,
        expected(300)
    );
    // Every replica caught up: each partition's ISR has all three nodes.
    let started = Instant::now();
    loop {
        let meta = client.refresh(&["replicated".into()]).await.unwrap();
        let isr_sizes: Vec<usize> = meta.topics[0]
            .partitions
            .iter()
            .map(|p| p.isr_nodes.len())
            .collect();
        if isr_sizes == vec![3, 3, 3] {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "full ISRs, got {isr_sizes:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(client);
    for node in nodes {
        node.shutdown().await;
    }
    wait_until(
        Duration::from_secs(15),
        "every task of the three nodes has ended",
        || alive_tasks() == baseline,
    )
    .await;
}
