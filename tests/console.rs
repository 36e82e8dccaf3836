//! #12: the console in a real browser (Debian's Chromium through playwright-core),
//! on the workshop's three-node cluster: the views change in the same open page as
//! consumers and brokers come and go. Screenshots go to target/console-screenshots.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{kw_bin, Background, Browser, Cluster, ConsoleProcess, Node};
use kw::client::admin::{create_topic, NewTopicSpec};
use kw::client::group_member::{GroupMember, MemberConfig};
use kw::client::{Client, ClientConfig};
use kw::protocol::TopicPartition;

const TOPIC: &str = "demo.purchases";
const GROUP: &str = "purchases-group";

fn member(bootstrap: &str, name: &str) -> Background {
    Background::spawn(std::process::Command::new(kw_bin()).args([
        "-b",
        bootstrap,
        "consume",
        "-G",
        GROUP,
        TOPIC,
        "-q",
        "-X",
        &format!("client.id={name}"),
        "-X",
        "session.timeout.ms=6000",
        "-X",
        "heartbeat.interval.ms=500",
    ]))
}

/// The members' partition counts on the group's Members tab, sorted.
const MEMBER_COUNTS: &str = "(() => { const rows = [...document.querySelectorAll('#members tbody tr')]; \
     return rows.length ? rows.map(r => Number(r.querySelector('.partitions').textContent)).sort().join('/') : null; })()";

fn go(b: &mut Browser, hash: &str) {
    // A hash change, not a reload: the page stays open throughout.
    b.eval(&format!("location.hash = {hash:?}"));
}

#[test]
fn the_workshop_in_the_console_consumers_and_a_broker_failover() {
    let mut cluster = Cluster::start(
        3,
        &[
            "--config",
            "leader.imbalance.check.interval.seconds=3",
            "--config",
            "replica.lag.time.max.ms=4000",
            "--config",
            "group.initial.rebalance.delay.ms=500",
        ],
    );
    let bootstrap = cluster.bootstrap();
    cluster.kw_ok(&[
        "topics",
        "create",
        TOPIC,
        "--partitions",
        "6",
        "--replication-factor",
        "3",
    ]);
    let mut sim = Background::spawn(std::process::Command::new(kw_bin()).args([
        "-b",
        &bootstrap,
        "simulate-sales",
        "--rate",
        "20",
        "-q",
    ]));
    let mut members: Vec<Background> = ["c1", "c2", "c3"]
        .iter()
        .map(|n| member(&bootstrap, n))
        .collect();
    let console = ConsoleProcess::start(&bootstrap);
    let mut b = Browser::start();
    b.goto(&console.url);

    // 1. The topic list shows the group with its lag in the Consumer Groups column.
    let badge = b.wait(
        Duration::from_secs(60),
        "the topic list shows purchases-group on demo.purchases",
        "document.querySelector('tr[data-topic=\"demo.purchases\"] a.group[data-group=\"purchases-group\"]')?.textContent",
    );
    assert!(
        badge.as_str().unwrap().starts_with("purchases-group: "),
        "{badge}"
    );
    b.screenshot("topics");
    // The group's Members tab: 2/2/2, and 3/3 after a member is stopped.
    go(&mut b, "#/groups/purchases-group/members");
    b.wait(
        Duration::from_secs(60),
        "three members own two partitions each",
        &format!("{MEMBER_COUNTS} === '2/2/2'"),
    );
    b.screenshot("group-members-2-2-2");
    members[2].signal("TERM");
    assert!(
        members[2].wait_exit(Duration::from_secs(15)),
        "c3 leaves on SIGTERM"
    );
    b.wait(
        Duration::from_secs(60),
        "two members own three partitions each",
        &format!("{MEMBER_COUNTS} === '3/3'"),
    );
    b.screenshot("group-members-3-3");
    go(&mut b, "#/groups/purchases-group/offsets");
    b.wait(
        Duration::from_secs(20),
        "the offsets page shows lag per partition",
        "document.querySelectorAll('#group-offsets tbody tr').length === 6",
    );

    // 2. kill -9 of node 2, seen in the open page.
    go(&mut b, "#/topics/demo.purchases/partitions");
    b.wait(Duration::from_secs(30), "every replica is in sync", "document.querySelectorAll('#partitions tbody tr').length === 6 && !document.querySelector('.replica.bad')");
    let led_by_2: i64 = b
        .eval("[...document.querySelectorAll('#partitions tbody tr')].filter(r => r.querySelector('.leader').textContent === '2').length")
        .as_i64()
        .unwrap();
    assert!(led_by_2 > 0, "node 2 leads some partitions before the kill");
    cluster.node(2).kill9();
    b.wait(
        Duration::from_secs(30),
        "new leaders and node 2's replicas in red",
        "(() => { const rows = [...document.querySelectorAll('#partitions tbody tr')]; \
           return rows.length === 6 && rows.every(r => r.querySelector('.leader').textContent !== '2') \
             && document.querySelectorAll('.replica.bad[data-broker=\"2\"]').length === 6; })()",
    );
    b.screenshot("partitions-after-failover");
    go(&mut b, "#/brokers");
    b.wait(
        Duration::from_secs(20),
        "the Brokers page shows node 2 down",
        "document.querySelector('tr[data-broker=\"2\"] .state')?.textContent === 'down'",
    );
    b.wait(
        Duration::from_secs(5),
        "the banner says so",
        "document.getElementById('banner').textContent.includes('Broker 2 is down')",
    );
    b.screenshot("brokers-node-2-down");
    go(&mut b, "#/timeline");
    b.wait(
        Duration::from_secs(20),
        "the timeline lists the broker, leader and ISR changes",
        "(() => { const t = document.getElementById('timeline')?.textContent || ''; \
           return t.includes('broker 2 is down') && t.includes('leader of demo.purchases-') && t.includes('shrank'); })()",
    );
    cluster.node(2).start_again();
    go(&mut b, "#/topics/demo.purchases/partitions");
    b.wait(Duration::from_secs(60), "everything is green again", "document.querySelectorAll('#partitions tbody tr').length === 6 && !document.querySelector('.replica.bad')");
    b.wait(
        Duration::from_secs(60),
        "after the preferred-leader election node 2 leads its partitions again",
        "[...document.querySelectorAll('#partitions tbody tr')].every(r => r.querySelector('.leader').textContent === r.querySelector('.preferred').textContent)",
    );
    b.screenshot("partitions-after-restart");
    go(&mut b, "#/timeline");
    b.wait(
        Duration::from_secs(20),
        "the timeline shows the return",
        "(document.getElementById('timeline')?.textContent || '').includes('broker 2 is up')",
    );
    assert!(
        b.page_errors().is_empty(),
        "no JavaScript errors: {:?}",
        b.page_errors()
    );
    for m in &mut members {
        m.signal("TERM");
    }
    sim.signal("INT");
    assert!(sim.wait_exit(Duration::from_secs(30)));
}

#[test]
fn produce_from_the_form_and_browse_from_a_timestamp() {
    let node = Node::start_single();
    node.create_topic("console.test", 1);
    node.produce_lines("console.test", "old-1\nold-2\n", &[]);
    std::thread::sleep(Duration::from_millis(20)); // distinct timestamps
    let between = kw::protocol::now_ms();
    std::thread::sleep(Duration::from_millis(20));
    node.produce_lines("console.test", "new-1\n", &[]);
    let console = ConsoleProcess::start(&node.bootstrap());
    let mut b = Browser::start();
    b.goto(&format!("{}#/topics/console.test/messages", console.url));
    b.wait(
        Duration::from_secs(30),
        "the live tail shows the messages",
        "document.querySelectorAll('#messages tbody tr').length === 3",
    );
    b.click("#produce-toggle");
    b.fill("#p-key", "order-42");
    b.fill("#p-value", "{\"sku\": \"SF05\", \"qty\": 3}");
    b.fill("#p-headers", "source=console");
    b.click("#p-send");
    b.wait(
        Duration::from_secs(20),
        "the form says sent",
        "document.getElementById('p-result')?.textContent === 'sent'",
    );
    let row = b.wait(
        Duration::from_secs(20),
        "the produced message shows in the live tail, JSON pretty-printed",
        "[...document.querySelectorAll('#messages tbody tr')].map(r => r.textContent).find(t => t.includes('order-42') && t.includes('\"qty\": 3') && t.includes('source=console'))",
    );
    assert!(row.as_str().unwrap().contains("SF05"));
    b.screenshot("messages-produced");
    // Browse from a timestamp: only what came after it.
    b.eval(&format!("document.getElementById('m-from-kind').value = 'ts'; document.getElementById('m-from-value').value = '{between}';"));
    b.click("#m-go");
    let keys = b.wait(
        Duration::from_secs(20),
        "only messages after the timestamp",
        "(() => { const v = [...document.querySelectorAll('#messages tbody tr .value')].map(c => c.textContent.trim()); \
           return v.length === 2 && !v.some(x => x.startsWith('old')) ? v.join('|') : null; })()",
    );
    assert!(keys.as_str().unwrap().starts_with("new-1"), "{keys}");
    // A filter on key or value.
    b.fill("#m-filter", "order-42");
    b.click("#m-go");
    b.wait(
        Duration::from_secs(20),
        "the filter keeps one message",
        "document.querySelectorAll('#messages tbody tr').length === 1",
    );
    assert!(b.page_errors().is_empty(), "{:?}", b.page_errors());
    // The cluster goes away: the page says so, and how old its data is.
    let mut node = node;
    node.kill9();
    b.wait(
        Duration::from_secs(30),
        "the banner says the cluster is unreachable",
        "document.getElementById('banner').textContent.includes('The cluster is unreachable') && document.getElementById('status').textContent.includes('ago')",
    );
    b.screenshot("cluster-unreachable");
}

#[test]
fn a_thousand_topics_and_two_hundred_groups_load_and_update() {
    let node = Node::start_single();
    let bootstrap = node.bootstrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = Client::connect(&bootstrap, ClientConfig::default())
            .await
            .unwrap();
        for chunk in (0..1000).collect::<Vec<_>>().chunks(50) {
            let creates = chunk.iter().map(|i| {
                let client = client.clone();
                async move {
                    create_topic(
                        &client,
                        &NewTopicSpec {
                            name: format!("load.{i:04}"),
                            partitions: 2,
                            replication_factor: 1,
                            configs: Default::default(),
                        },
                        Duration::from_secs(30),
                    )
                    .await
                    .unwrap()
                }
            });
            futures_util::future::join_all(creates).await;
        }
        // 200 groups with committed offsets on 3 topics each.
        for g in 0..200 {
            let mut m = GroupMember::new(
                client.clone(),
                &format!("group.{g:03}"),
                vec![],
                MemberConfig::default(),
            );
            let offsets: HashMap<TopicPartition, i64> = (0..3)
                .map(|k| {
                    (
                        TopicPartition::new(format!("load.{:04}", (g * 3 + k) % 1000), 0),
                        0,
                    )
                })
                .collect();
            m.commit(&offsets).await.unwrap();
        }
    });
    node.produce_lines("load.0999", "x\ny\n", &["-p", "0"]);
    let console = ConsoleProcess::start(&bootstrap);
    let mut b = Browser::start();
    b.goto(&console.url);
    b.wait(
        Duration::from_secs(60),
        "the topic list holds 1,000 topics",
        "document.querySelectorAll('#topics tbody tr').length === 1000",
    );
    let took = b
        .eval("performance.getEntriesByType('navigation')[0].duration")
        .as_f64()
        .unwrap_or(0.0);
    eprintln!("page load {took:.0} ms");
    // It updates: a new message shows in the counts without a reload.
    node.produce_lines("load.0999", "z\n", &["-p", "0"]);
    b.wait(
        Duration::from_secs(30),
        "the new message is counted",
        "document.querySelector('tr[data-topic=\"load.0999\"] .messages')?.textContent === '3'",
    );
    go(&mut b, "#/groups");
    b.wait(
        Duration::from_secs(30),
        "the group list holds 200 groups",
        "document.querySelectorAll('#groups tbody tr').length === 200",
    );
    go(&mut b, "#/brokers");
    b.wait(
        Duration::from_secs(30),
        "the brokers page loads",
        "document.querySelectorAll('#grid tbody tr').length === 500",
    );
    assert!(b.page_errors().is_empty(), "{:?}", b.page_errors());
}
