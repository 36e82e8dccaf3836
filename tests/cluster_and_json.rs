//! `kw cluster` against real processes, and `--output json` carrying the same facts
//! as the text views.

mod common;

use std::time::Duration;

use common::{free_port, kw_bin, Node};

fn kw(args: &[&str]) -> std::process::Output {
    assert_cmd::Command::new(kw_bin())
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = kw(args);
    assert!(
        out.status.success(),
        "kw {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Kills every node of the cluster in `dir` by the PIDs in its pid files when the
/// test ends, also when it fails half-way.
struct KillNodes(std::path::PathBuf);

impl Drop for KillNodes {
    fn drop(&mut self) {
        let Ok(entries) = std::fs::read_dir(&self.0) else {
            return;
        };
        let pid_files = entries
            .flatten()
            .map(|e| e.path().join("kw.pid"))
            .chain([self.0.join("console.pid")]);
        for path in pid_files {
            if let Ok(pid) = std::fs::read_to_string(path) {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", pid.trim()])
                    .status();
            }
        }
    }
}

#[test]
fn cluster_up_status_stop_start_down() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cluster");
    let _guard = KillNodes(dir.clone());
    let port = free_port().to_string();
    let d = dir.to_str().unwrap();
    let base = ["cluster", "--data-dir", d, "--base-port", port.as_str()];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let run = |extra: &[&str]| ok(&with(extra).iter().map(|s| s.as_str()).collect::<Vec<_>>());
    let console = format!("127.0.0.1:{}", free_port());
    // A secret among the settings stays off every command line kw starts.
    let jaas = "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule \
                required username=\"admin\" password=\"cluster-secret\";";
    let bootstrap = run(&[
        "up",
        "--nodes",
        "1",
        "--console-listen",
        &console,
        "--config",
        jaas,
    ]);
    assert_eq!(bootstrap.trim(), format!("127.0.0.1:{port}"));
    let b = bootstrap.trim().to_string();
    ok(&["-b", &b, "topics", "create", "c", "--partitions", "3"]);
    // kw cluster up started the console for the cluster; status shows it.
    assert!(
        run(&["status"]).contains(&format!("console: http://{console}/ (up)")),
        "{}",
        run(&["status"])
    );
    common::wait_until(Duration::from_secs(20), "the console lists topic c", || {
        common::http_get(&console, "/api/topics").is_some_and(|b| b.contains("\"name\":\"c\""))
    });
    let status: serde_json::Value =
        serde_json::from_str(&run(&["status", "--output", "json"])).unwrap();
    assert_eq!(status[0]["up"], true);
    assert_eq!(status[0]["partitions_led"], 3);
    let pid = status[0]["pid"].as_i64().unwrap();
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    assert!(cmdline.contains("--config-file"), "{cmdline}");
    assert!(!cmdline.contains("cluster-secret"), "{cmdline}");
    let settings = dir.join("node-1").join("kw.config");
    assert!(std::fs::read_to_string(&settings)
        .unwrap()
        .contains("password=\"cluster-secret\""));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&settings).unwrap().permissions().mode() & 0o777,
        0o600
    );
    run(&["stop", "1"]);
    let status: serde_json::Value = serde_json::from_str(&run(&["status", "-o", "json"])).unwrap();
    assert_eq!(status[0]["up"], false);
    assert!(run(&["status"]).contains("down"));
    run(&["start", "1"]);
    let status: serde_json::Value = serde_json::from_str(&run(&["status", "-o", "json"])).unwrap();
    assert_eq!(status[0]["up"], true);
    assert_ne!(status[0]["pid"].as_i64().unwrap(), pid);
    assert_eq!(
        ok(&["-b", &b, "topics", "list"]),
        "c\n",
        "data survived stop/start"
    );
    // Starting a node that runs, or on a taken port, fails with one sentence.
    let out = kw(&with(&["start", "1"])
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already running"));
    run(&["stop", "1", "--kill"]);
    let blocker = std::net::TcpListener::bind(format!("127.0.0.1:{port}")).unwrap();
    let out = kw(&with(&["start", "1"])
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot listen on"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(blocker);
    run(&["start", "1"]);
    run(&["down", "--purge"]);
    assert!(!dir.exists());
}

/// A port P such that P, P+1, P+2 and P+10000.. P+10002 were free a moment ago.
fn free_port_block() -> u16 {
    loop {
        let p = free_port();
        if p > 55_000 - 3 {
            continue;
        }
        let all_free = (0..3).all(|i| {
            std::net::TcpListener::bind(("127.0.0.1", p + i)).is_ok()
                && std::net::TcpListener::bind(("127.0.0.1", p + 10_000 + i)).is_ok()
        });
        if all_free {
            return p;
        }
    }
}

#[test]
fn three_node_cluster_stop_and_start_a_broker_under_load() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cluster");
    let _guard = KillNodes(dir.clone());
    let port = free_port_block().to_string();
    let d = dir.to_str().unwrap();
    let base = ["cluster", "--data-dir", d, "--base-port", port.as_str()];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        ok(&args)
    };
    let status = |node: usize| -> serde_json::Value {
        let all: serde_json::Value = serde_json::from_str(&run(&["status", "-o", "json"])).unwrap();
        all[node - 1].clone()
    };
    let b = run(&["up"]).trim().to_string();
    assert_eq!(b.split(',').count(), 3, "{b}");
    ok(&[
        "-b",
        &b,
        "topics",
        "create",
        "demo.purchases",
        "--partitions",
        "6",
        "--replication-factor",
        "3",
    ]);
    let all: serde_json::Value = serde_json::from_str(&run(&["status", "-o", "json"])).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);
    let led: i64 = all
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["partitions_led"].as_i64().unwrap())
        .sum();
    assert!(led >= 6, "the six partitions have leaders: {all}");
    assert_eq!(
        all.as_array()
            .unwrap()
            .iter()
            .filter(|n| n["controller"] == true)
            .count(),
        1,
        "one active controller: {all}"
    );
    // A producer keeps going while node 2 stops and starts (docker stop/start kafka-2).
    let mut sim = common::Background::spawn(std::process::Command::new(common::kw_bin()).args([
        "-b",
        &b,
        "simulate-sales",
        "--rate",
        "20",
        "-q",
    ]));
    std::thread::sleep(Duration::from_secs(1));
    run(&["stop", "2"]);
    assert_eq!(status(2)["up"], false);
    assert_eq!(status(1)["up"], true);
    let before = consume_count(&b);
    common::wait_until(Duration::from_secs(30), "purchases keep arriving", || {
        consume_count(&b) > before + 20
    });
    run(&["start", "2"]);
    assert_eq!(status(2)["up"], true);
    sim.signal("INT");
    assert!(
        sim.wait_exit(Duration::from_secs(30)),
        "the simulator stops on Ctrl-C"
    );
    assert_eq!(
        sim.exit_code(),
        Some(0),
        "no message lost: {:?}",
        sim.err_lines()
    );
    run(&["down", "--purge"]);
    assert!(!dir.exists());
}

fn consume_count(b: &str) -> usize {
    ok(&[
        "-b",
        b,
        "consume",
        "-t",
        "demo.purchases",
        "-o",
        "beginning",
        "-e",
        "-q",
    ])
    .lines()
    .count()
}

#[test]
fn json_outputs_carry_the_text_facts() {
    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=100"]);
    node.kw_ok(&[
        "topics",
        "create",
        "j",
        "--partitions",
        "2",
        "--config",
        "retention.ms=1000000",
    ]);
    let list: Vec<String> =
        serde_json::from_str(&node.kw_ok(&["topics", "list", "-o", "json"])).unwrap();
    assert_eq!(list, vec!["j"]);
    let d: serde_json::Value =
        serde_json::from_str(&node.kw_ok(&["topics", "describe", "j", "-o", "json"])).unwrap();
    assert_eq!(d[0]["partition_count"], 2);
    assert_eq!(d[0]["configs"]["retention.ms"], "1000000");
    assert_eq!(d[0]["partitions"][1]["leader"], 1);
    let text = node.kw_ok(&["topics", "describe", "j"]);
    assert!(
        text.contains(d[0]["topic_id"].as_str().unwrap()),
        "same topic id in both views"
    );
    node.kw()
        .args(["produce", "-t", "j"])
        .write_stdin("a\nb\nc\n")
        .assert()
        .success();
    node.kw_ok(&["consume", "-G", "jg", "j", "-o", "beginning", "-e", "-q"]);
    let groups: serde_json::Value =
        serde_json::from_str(&node.kw_ok(&["groups", "list", "-o", "json"])).unwrap();
    assert_eq!(groups[0]["group"], "jg");
    assert_eq!(groups[0]["state"], "Empty");
    let g: serde_json::Value =
        serde_json::from_str(&node.kw_ok(&["groups", "describe", "jg", "-o", "json"])).unwrap();
    let committed: i64 = g["offsets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["current_offset"].as_i64().unwrap())
        .sum();
    assert_eq!(committed, 3);
    assert!(g["offsets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["lag"] == 0));
    let m: serde_json::Value =
        serde_json::from_str(&node.kw_ok(&["metadata", "-o", "json"])).unwrap();
    assert_eq!(m["brokers"][0]["id"], 1);
    let out = node
        .kw()
        .args(["groups", "describe", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "kw: Consumer group 'nope' does not exist.\n"
    );
}
