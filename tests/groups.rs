//! Consumer groups with real clients: kcat -G members share a topic's partitions,
//! take over a leaver's partitions after SIGINT (at once) and after SIGKILL (after
//! the session timeout), and resume from committed offsets.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use common::{kcat, wait_until, Background, Cluster, Node};

const TOPIC: &str = "demo.purchases";
const GROUP: &str = "purchases-group";

/// The partitions a kcat -G (or kw consume -G) member holds now.
fn assignment(member: &Background) -> Option<BTreeSet<i32>> {
    common::last_assignment(&member.err_lines())
}

fn kcat_member(node: &Node) -> Background {
    Background::spawn(kcat().args([
        "-b",
        &node.bootstrap(),
        "-G",
        GROUP,
        TOPIC,
        "-u",
        "-f",
        "%p|%o|%s\\n",
        "-X",
        "auto.offset.reset=earliest",
        "-X",
        "session.timeout.ms=6000",
        "-X",
        "heartbeat.interval.ms=500",
    ]))
}

fn wait_assignments(members: &[&Background], want: &[usize], why: &str) {
    wait_until(Duration::from_secs(30), why, || {
        let sizes: Option<Vec<usize>> = members
            .iter()
            .map(|m| assignment(m).map(|a| a.len()))
            .collect();
        let Some(mut sizes) = sizes else { return false };
        sizes.sort();
        let mut w = want.to_vec();
        w.sort();
        let all: BTreeSet<i32> = members
            .iter()
            .flat_map(|m| assignment(m).unwrap_or_default())
            .collect();
        sizes == w && all.len() == 6
    });
}

fn produce(node: &Node, from: usize, to: usize) {
    let input: String = (from..to).map(|i| format!("K{}:m{i}\n", i % 13)).collect();
    node.kw()
        .args(["produce", "-t", TOPIC, "-K:"])
        .write_stdin(input)
        .assert()
        .success();
}

/// Values consumed by each member, with the partition they came from.
fn consumed(members: &[&Background]) -> Vec<(usize, i32, String)> {
    let mut out = Vec::new();
    for (i, m) in members.iter().enumerate() {
        for l in m.lines() {
            let f: Vec<&str> = l.splitn(3, '|').collect();
            if f.len() == 3 {
                out.push((i, f[0].parse().unwrap(), f[2].to_string()));
            }
        }
    }
    out
}

#[test]
fn kcat_group_shares_partitions_and_fails_over() {
    group_shares_partitions_and_fails_over(kcat_member);
}

#[test]
fn kw_group_shares_partitions_and_fails_over() {
    group_shares_partitions_and_fails_over(|node| kw_member(node, GROUP));
}

/// Three members on six partitions: 2/2/2, exactly once; SIGINT one: 3/3 at once;
/// SIGKILL another: 6 after the session timeout; two join: 2/2/2 again.
fn group_shares_partitions_and_fails_over(member: fn(&Node) -> Background) {
    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=500"]);
    node.create_topic(TOPIC, 6);
    let a = member(&node);
    let b = member(&node);
    let mut c = member(&node);
    wait_assignments(
        &[&a, &b, &c],
        &[2, 2, 2],
        "three members hold two partitions each",
    );

    produce(&node, 0, 600);
    wait_until(Duration::from_secs(30), "all 600 messages consumed", || {
        consumed(&[&a, &b, &c]).len() >= 600
    });
    let got = consumed(&[&a, &b, &c]);
    let values: BTreeSet<&String> = got.iter().map(|(_, _, v)| v).collect();
    assert_eq!(got.len(), 600, "no message consumed twice");
    assert_eq!(values.len(), 600, "none missing");
    let owners: BTreeMap<i32, BTreeSet<usize>> =
        got.iter().fold(BTreeMap::new(), |mut m, (who, p, _)| {
            m.entry(*p).or_insert_with(BTreeSet::new).insert(*who);
            m
        });
    assert!(
        owners.values().all(|o| o.len() == 1),
        "each partition read by one member: {owners:?}"
    );

    // Clean leave: the other two take over at once.
    c.signal("INT");
    assert!(
        c.wait_exit(Duration::from_secs(15)),
        "the member exits on SIGINT"
    );
    wait_assignments(
        &[&a, &b],
        &[3, 3],
        "two members hold three partitions each after a clean leave",
    );
    let before = consumed(&[&a, &b]).len();
    produce(&node, 600, 1200);
    wait_until(
        Duration::from_secs(30),
        "600 more consumed by the two",
        || consumed(&[&a, &b]).len() >= before + 600,
    );
    let after: Vec<String> = consumed(&[&a, &b])
        .into_iter()
        .map(|(_, _, v)| v)
        .filter(|v| v[1..].parse::<usize>().unwrap() >= 600)
        .collect();
    let unique: BTreeSet<&String> = after.iter().collect();
    assert_eq!(
        (after.len(), unique.len()),
        (600, 600),
        "new messages consumed exactly once"
    );

    // Crash: the survivor takes over after the session timeout.
    let mut b = b;
    b.signal("KILL");
    assert!(b.wait_exit(Duration::from_secs(5)));
    wait_assignments(
        &[&a],
        &[6],
        "the last member holds all six partitions after the killed one expires",
    );
    let d = member(&node);
    let e = member(&node);
    wait_assignments(
        &[&a, &d, &e],
        &[2, 2, 2],
        "back to two partitions each after two members join",
    );
    let desc = node.kw_ok(&["metadata"]);
    assert!(
        desc.contains("__consumer_offsets"),
        "offsets topic exists: {desc}"
    );
}

fn kw_member(node: &Node, group: &str) -> Background {
    Background::spawn(std::process::Command::new(common::kw_bin()).args([
        "-b",
        &node.bootstrap(),
        "consume",
        "-G",
        group,
        TOPIC,
        "-u",
        "-f",
        "%p|%o|%s\n",
        "-X",
        "auto.offset.reset=earliest",
        "-X",
        "session.timeout.ms=6000",
        "-X",
        "heartbeat.interval.ms=500",
    ]))
}

#[test]
fn kw_and_kcat_members_share_a_group_and_offsets_survive_a_restart() {
    let mut node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=500"]);
    node.create_topic(TOPIC, 6);
    let mut a = kw_member(&node, "mixed");
    let mut b = kw_member(&node, "mixed");
    let mut c = Background::spawn(kcat().args([
        "-b",
        &node.bootstrap(),
        "-G",
        "mixed",
        TOPIC,
        "-u",
        "-f",
        "%p|%o|%s\\n",
        "-X",
        "auto.offset.reset=earliest",
        "-X",
        "heartbeat.interval.ms=500",
    ]));
    wait_assignments(
        &[&a, &b, &c],
        &[2, 2, 2],
        "kw, kw and kcat hold two partitions each",
    );
    produce(&node, 0, 600);
    wait_until(
        Duration::from_secs(30),
        "600 consumed across the mixed group",
        || consumed(&[&a, &b, &c]).len() >= 600,
    );
    let got = consumed(&[&a, &b, &c]);
    let unique: BTreeSet<&String> = got.iter().map(|(_, _, v)| v).collect();
    assert_eq!(
        (got.len(), unique.len()),
        (600, 600),
        "exactly once across kw and kcat members"
    );

    // The members leave (committing), more messages arrive, the broker restarts.
    for m in [&mut a, &mut b, &mut c] {
        m.signal("TERM");
        assert!(
            m.wait_exit(Duration::from_secs(15)),
            "member exits on SIGTERM"
        );
    }
    let desc = node.kw_ok(&["groups", "describe", "mixed"]);
    assert!(desc.contains("CURRENT-OFFSET"), "{desc}");
    produce(&node, 600, 900);
    let desc = node.kw_ok(&["groups", "describe", "mixed"]);
    let lag: i64 = desc
        .lines()
        .filter(|l| l.starts_with("mixed "))
        .map(|l| l.split_whitespace().nth(5).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(
        lag, 300,
        "lag counts the messages produced while nobody consumed:\n{desc}"
    );
    node.restart();
    let d = kw_member(&node, "mixed");
    wait_until(
        Duration::from_secs(30),
        "the new member reads the 300 new messages",
        || consumed(&[&d]).len() >= 300,
    );
    std::thread::sleep(Duration::from_millis(500));
    let values: Vec<usize> = consumed(&[&d])
        .iter()
        .map(|(_, _, v)| v[1..].parse().unwrap())
        .collect();
    assert_eq!(values.len(), 300, "nothing re-delivered after the restart");
    assert!(
        values.iter().all(|v| *v >= 600),
        "resumed from committed offsets"
    );
    let members = node.kw_ok(&["groups", "describe", "mixed", "--members"]);
    assert!(
        members.contains("#PARTITIONS") && members.contains(" 6 "),
        "{members}"
    );
    let state = node.kw_ok(&["groups", "describe", "mixed", "--state"]);
    assert!(
        state.contains("Stable") && state.contains("range"),
        "{state}"
    );
}

#[test]
fn groups_list_delete_and_reset_offsets() {
    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=100"]);
    node.create_topic(TOPIC, 6);
    produce(&node, 0, 60);
    let out = node.kw_ok(&[
        "consume",
        "-G",
        "once",
        TOPIC,
        "-o",
        "beginning",
        "-e",
        "-q",
    ]);
    assert_eq!(out.lines().count(), 60);
    assert_eq!(node.kw_ok(&["groups", "list"]), "once\n");
    // -e again: everything committed, nothing to read.
    assert_eq!(
        node.kw_ok(&["consume", "-G", "once", TOPIC, "-e", "-q"]),
        ""
    );
    node.kw_ok(&[
        "groups",
        "reset-offsets",
        "once",
        "--topic",
        TOPIC,
        "--to-earliest",
        "--execute",
    ]);
    assert_eq!(
        node.kw_ok(&["consume", "-G", "once", TOPIC, "-e", "-q"])
            .lines()
            .count(),
        60
    );
    assert!(node
        .kw_ok(&["groups", "delete", "once"])
        .contains("was successful"));
    assert_eq!(node.kw_ok(&["groups", "list"]), "");
    let out = node
        .kw()
        .args(["groups", "delete", "once"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_protocol_errors_are_kafka_errors() {
    use kafka_protocol::messages::join_group_request::JoinGroupRequestProtocol;
    use kafka_protocol::messages::offset_commit_request::{
        OffsetCommitRequestPartition, OffsetCommitRequestTopic,
    };
    use kafka_protocol::messages::*;
    use kafka_protocol::protocol::StrBytes;
    use kw::client::Connection;

    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=0"]);
    node.create_topic("e", 1);
    let conn = Connection::connect(
        &node.bootstrap(),
        "t",
        Duration::from_secs(5),
        &Default::default(),
    )
    .await
    .unwrap();
    let s = |v: &str| StrBytes::from_string(v.to_string());
    let find = conn
        .send(&FindCoordinatorRequest::default().with_coordinator_keys(vec![s("g")]))
        .await
        .unwrap();
    assert_eq!(find.coordinators[0].error_code, 0);
    let join = |member: &str, ptype: &str| {
        JoinGroupRequest::default()
            .with_group_id(GroupId(s("g")))
            .with_session_timeout_ms(10_000)
            .with_rebalance_timeout_ms(10_000)
            .with_member_id(s(member))
            .with_protocol_type(s(ptype))
            .with_protocols(vec![
                JoinGroupRequestProtocol::default().with_name(s("range"))
            ])
    };
    let r = conn.send(&join("", "consumer")).await.unwrap();
    assert_eq!(r.error_code, 79, "MEMBER_ID_REQUIRED");
    let member = r.member_id.to_string();
    let r = conn.send(&join(&member, "consumer")).await.unwrap();
    assert_eq!((r.error_code, r.generation_id), (0, 1));
    // Another protocol type cannot join this group.
    let r = conn
        .send_versioned(&join("", "connect"), 3, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(r.error_code, 23, "INCONSISTENT_GROUP_PROTOCOL");
    // A commit from a stale generation.
    let commit = OffsetCommitRequest::default()
        .with_group_id(GroupId(s("g")))
        .with_generation_id_or_member_epoch(0)
        .with_member_id(s(&member))
        .with_topics(vec![OffsetCommitRequestTopic::default()
            .with_name(TopicName(s("e")))
            .with_partitions(vec![OffsetCommitRequestPartition::default()
                .with_partition_index(0)
                .with_committed_offset(1)])]);
    let r = conn.send(&commit).await.unwrap();
    assert_eq!(
        r.topics[0].partitions[0].error_code, 22,
        "ILLEGAL_GENERATION"
    );
    // A 300 KiB group id.
    let huge = "g".repeat(300 * 1024);
    let r = conn
        .send(
            &HeartbeatRequest::default()
                .with_group_id(GroupId(s(&huge)))
                .with_member_id(s("m")),
        )
        .await
        .unwrap();
    assert_eq!(r.error_code, 24, "INVALID_GROUP_ID");
    let r = conn
        .send(&DescribeGroupsRequest::default().with_groups(vec![GroupId(s("g"))]))
        .await
        .unwrap();
    assert_eq!(r.groups[0].group_state.as_str(), "CompletingRebalance");
    // The node is still healthy.
    assert!(node.kw_ok(&["metadata"]).contains("broker 1"));
}

/// Current partitions of a cooperative member, replaying its incremental lines.
fn cooperative_assignment(member: &Background) -> BTreeSet<i32> {
    let mut held = BTreeSet::new();
    for l in member.err_lines() {
        let Some((head, list)) = l.split_once("COOPERATIVE rebalance protocol): ") else {
            continue;
        };
        let ps: Vec<i32> = list
            .split(", ")
            .filter_map(|p| {
                p.rsplit_once('[')
                    .and_then(|(_, n)| n.trim_end_matches(']').parse().ok())
            })
            .collect();
        if head.contains("incremental assignment") {
            held.extend(ps);
        } else if head.contains("incremental revoke") {
            for p in ps {
                held.remove(&p);
            }
        }
    }
    held
}

fn revoked_lines(member: &Background) -> usize {
    member
        .err_lines()
        .iter()
        .filter(|l| l.contains("incremental revoke"))
        .count()
}

fn cooperative_member(node: &Node, kcat_client: bool) -> Background {
    let common_args = [
        "-X",
        "partition.assignment.strategy=cooperative-sticky",
        "-X",
        "auto.offset.reset=earliest",
        "-X",
        "heartbeat.interval.ms=500",
        "-X",
        "session.timeout.ms=6000",
    ];
    if kcat_client {
        Background::spawn(
            kcat()
                .args([
                    "-b",
                    &node.bootstrap(),
                    "-G",
                    "coop",
                    TOPIC,
                    "-u",
                    "-f",
                    "%p|%o|%s\\n",
                ])
                .args(common_args),
        )
    } else {
        Background::spawn(
            std::process::Command::new(common::kw_bin())
                .args([
                    "-b",
                    &node.bootstrap(),
                    "consume",
                    "-G",
                    "coop",
                    TOPIC,
                    "-u",
                    "-f",
                    "%p|%o|%s\n",
                ])
                .args(common_args),
        )
    }
}

fn cooperative_rebalance_moves_only_the_leavers_partitions(kcat_client: bool) {
    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=500"]);
    node.create_topic(TOPIC, 6);
    let a = cooperative_member(&node, kcat_client);
    let b = cooperative_member(&node, kcat_client);
    let mut c = cooperative_member(&node, kcat_client);
    let sizes = |ms: &[&Background]| -> (Vec<usize>, usize) {
        let sets: Vec<BTreeSet<i32>> = ms.iter().map(|m| cooperative_assignment(m)).collect();
        let mut sizes: Vec<usize> = sets.iter().map(|s| s.len()).collect();
        sizes.sort();
        (sizes, sets.iter().flatten().collect::<BTreeSet<_>>().len())
    };
    wait_until(
        Duration::from_secs(60),
        "three cooperative members hold two partitions each",
        || sizes(&[&a, &b, &c]) == (vec![2, 2, 2], 6),
    );
    let (a_before, b_before) = (cooperative_assignment(&a), cooperative_assignment(&b));
    let (ra, rb) = (revoked_lines(&a), revoked_lines(&b));
    c.signal("INT");
    assert!(c.wait_exit(Duration::from_secs(15)));
    wait_until(
        Duration::from_secs(60),
        "the two others hold three partitions each",
        || sizes(&[&a, &b]) == (vec![3, 3], 6),
    );
    assert!(
        a_before.is_subset(&cooperative_assignment(&a)),
        "a kept its partitions"
    );
    assert!(
        b_before.is_subset(&cooperative_assignment(&b)),
        "b kept its partitions"
    );
    assert_eq!(
        (revoked_lines(&a), revoked_lines(&b)),
        (ra, rb),
        "nothing was revoked from the survivors"
    );
    produce(&node, 0, 300);
    wait_until(Duration::from_secs(30), "300 consumed", || {
        consumed(&[&a, &b]).len() >= 300
    });
    let got = consumed(&[&a, &b]);
    let unique: BTreeSet<&String> = got.iter().map(|(_, _, v)| v).collect();
    assert_eq!((got.len(), unique.len()), (300, 300));
}

#[test]
fn kw_cooperative_sticky_moves_only_the_leavers_partitions() {
    cooperative_rebalance_moves_only_the_leavers_partitions(false);
}

#[test]
fn kcat_cooperative_sticky_against_kw_serve() {
    cooperative_rebalance_moves_only_the_leavers_partitions(true);
}

#[test]
fn a_static_kcat_member_restarts_without_a_rebalance() {
    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=300"]);
    node.create_topic(TOPIC, 6);
    let static_member = || {
        Background::spawn(kcat().args([
            "-b",
            &node.bootstrap(),
            "-G",
            "static",
            TOPIC,
            "-X",
            "group.instance.id=host-1",
            "-X",
            "session.timeout.ms=30000",
            "-X",
            "heartbeat.interval.ms=500",
        ]))
    };
    let mut a = static_member();
    let b = Background::spawn(kcat().args([
        "-b",
        &node.bootstrap(),
        "-G",
        "static",
        TOPIC,
        "-X",
        "heartbeat.interval.ms=500",
    ]));
    wait_assignments(&[&a, &b], &[3, 3], "two members hold three partitions each");
    let held = assignment(&a).unwrap();
    let b_lines = b
        .err_lines()
        .iter()
        .filter(|l| l.contains(" rebalanced "))
        .count();
    a.signal("KILL");
    assert!(a.wait_exit(Duration::from_secs(5)));
    let a2 = static_member();
    wait_until(
        Duration::from_secs(30),
        "the restarted static member gets its partitions back",
        || assignment(&a2) == Some(held.clone()),
    );
    std::thread::sleep(Duration::from_secs(2));
    let b_after = b
        .err_lines()
        .iter()
        .filter(|l| l.contains(" rebalanced "))
        .count();
    assert_eq!(
        b_after,
        b_lines,
        "the other member saw no rebalance: {:?}",
        b.err_lines()
    );
}

#[test]
fn a_simple_consumer_with_group_id_resumes_from_stored_offsets() {
    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=100"]);
    node.create_topic("simple", 2);
    let input: String = (0..10).map(|i| format!("{i}\n")).collect();
    node.kw()
        .args(["produce", "-t", "simple"])
        .write_stdin(input)
        .assert()
        .success();
    let read = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "consume",
            "-t",
            "simple",
            "-X",
            "group.id=simple-g",
            "-o",
            "stored",
            "-e",
            "-q",
        ];
        args.extend_from_slice(extra);
        node.kw_ok(&args).lines().map(String::from).collect()
    };
    // No committed offsets yet: auto.offset.reset decides, then what was read is committed.
    assert_eq!(read(&["-X", "auto.offset.reset=earliest"]).len(), 10);
    let described = node.kw_ok(&["groups", "describe", "simple-g", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&described).unwrap();
    let committed: i64 = v["offsets"]
        .as_array()
        .or_else(|| v[0]["offsets"].as_array())
        .expect("offsets in groups describe")
        .iter()
        .map(|p| p["current_offset"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(committed, 10, "{described}");
    node.kw()
        .args(["produce", "-t", "simple"])
        .write_stdin("10\n11\n12\n")
        .assert()
        .success();
    // A partition without a committed offset starts at auto.offset.reset, as in Kafka.
    let mut again = read(&["-X", "auto.offset.reset=earliest"]);
    again.sort();
    assert_eq!(
        again,
        vec!["10", "11", "12"],
        "resumes after what was committed"
    );
    // enable.auto.commit=false reads without moving the group.
    assert!(read(&[
        "-X",
        "auto.offset.reset=earliest",
        "-X",
        "enable.auto.commit=false"
    ])
    .is_empty());
    // -o stored without a group is a usage mistake with a clear sentence.
    let out = node
        .kw()
        .args(["consume", "-t", "simple", "-o", "stored", "-e"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o stored needs a consumer group"));
}

/// The members of `GROUP` as `kw groups describe -o json` shows them, with the
/// coordinator and the state; None while no node answers.
fn group_view(c: &Cluster) -> Option<(i64, String, BTreeSet<String>)> {
    let (ok, out, _) = c.kw(&["groups", "describe", GROUP, "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).ok().filter(|_| ok)?;
    let ids = v["members"]
        .as_array()?
        .iter()
        .filter_map(|m| m["member_id"].as_str().map(str::to_string))
        .collect();
    Some((
        v["coordinator"]["id"].as_i64()?,
        v["state"].as_str()?.to_string(),
        ids,
    ))
}

fn rebalances(member: &Background) -> usize {
    member
        .err_lines()
        .iter()
        .filter(|l| l.contains(" rebalanced (memberid "))
        .count()
}

/// As Kafka's coordinator, a new group coordinator loads the members with the
/// offsets: kill -9 of the coordinator moves the group to another node and its
/// members go on with the same ids, generation and partitions, without a rebalance.
#[test]
fn group_coordinator_failover_keeps_the_members_without_a_rebalance() {
    let mut c = Cluster::start(3, &[]);
    c.kw_ok(&[
        "topics",
        "create",
        TOPIC,
        "--partitions",
        "6",
        "--replication-factor",
        "3",
    ]);
    let member = || {
        Background::spawn(kcat().args([
            "-b",
            &c.bootstrap(),
            "-G",
            GROUP,
            TOPIC,
            "-u",
            "-f",
            "%p|%o|%s\\n",
            "-X",
            "auto.offset.reset=earliest",
            "-X",
            "session.timeout.ms=10000",
            "-X",
            "heartbeat.interval.ms=500",
        ]))
    };
    let (a, b) = (member(), member());
    wait_assignments(&[&a, &b], &[3, 3], "two members share the partitions");
    let (coordinator, state, ids) = group_view(&c).expect("the group is described");
    assert_eq!(state, "Stable");
    assert_eq!(ids.len(), 2);
    let events = (rebalances(&a), rebalances(&b));

    c.node(coordinator as i32).kill9();
    let killed = Instant::now();
    wait_until(
        Duration::from_secs(60),
        "another node coordinates the group, with the same members",
        || {
            group_view(&c).is_some_and(|(now, state, now_ids)| {
                now != coordinator && state == "Stable" && now_ids == ids
            })
        },
    );
    // They go on consuming what is produced after the failover...
    produce(c.any(), 0, 60);
    wait_until(
        Duration::from_secs(60),
        "the members read the new messages",
        || {
            let got: BTreeSet<String> =
                consumed(&[&a, &b]).into_iter().map(|(_, _, v)| v).collect();
            (0..60).all(|i| got.contains(&format!("m{i}")))
        },
    );
    // ...and keep their session through more than a session timeout after the kill:
    // their heartbeats reach the new coordinator.
    while killed.elapsed() < Duration::from_secs(12) {
        let (_, state, now_ids) = group_view(&c).expect("the group is described");
        assert_eq!((state.as_str(), &now_ids), ("Stable", &ids));
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!((rebalances(&a), rebalances(&b)), events, "no rebalance");
}
