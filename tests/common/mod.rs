//! End-to-end fixture: real `kw serve` processes on free ports in temporary
//! directories, waits on conditions with deadlines, kills its processes by PID.
#![allow(dead_code)]

pub mod faults;
pub mod pki;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn kw_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kw"))
}

/// A port that was free a moment ago, chosen below the kernel's ephemeral range:
/// a port from that range (what binding port 0 gives) can be taken by any outgoing
/// connection while a node that owns it is down for a restart.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let ephemeral_low: u16 = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(32768);
    let (lo, hi) = (10_000u64, ephemeral_low.max(10_100) as u64);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ ((std::process::id() as u64) << 32);
    for i in 0..10_000u64 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let mut x = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        let port = (lo + x % (hi - lo)) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port below {ephemeral_low}");
}

/// Poll `cond` every 50 ms until it holds, or panic with `why` after `deadline`.
pub fn wait_until(deadline: Duration, why: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    loop {
        if cond() {
            return;
        }
        if start.elapsed() > deadline {
            panic!("timed out after {:?} waiting until {why}", start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub struct Node {
    pub id: i32,
    pub port: u16,
    pub data_dir: PathBuf,
    pub log_path: PathBuf,
    child: Option<Child>,
    extra_args: Vec<String>,
    /// `--voters` for a cluster member; None for a lone `kw serve`.
    voters: Option<String>,
    /// The network namespace the node runs in (isolated clusters).
    netns: Option<std::sync::Arc<faults::Netns>>,
    /// The listeners are in `extra_args` (`listeners=...`, with a PLAINTEXT one on
    /// `port`), not --listen/--advertise.
    custom_listeners: bool,
    _tmp: Option<tempfile::TempDir>,
}

impl Node {
    pub fn start_single() -> Node {
        Node::start_with(&[])
    }

    /// Start a single node with extra `kw serve` arguments (e.g. `--config k=v`).
    pub fn start_with(args: &[&str]) -> Node {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut node = Node {
            id: 1,
            port: free_port(),
            data_dir: tmp.path().join("node-1"),
            log_path: tmp.path().join("node-1.log"),
            child: None,
            extra_args: args.iter().map(|s| s.to_string()).collect(),
            voters: None,
            netns: None,
            custom_listeners: false,
            _tmp: Some(tmp),
        };
        node.spawn();
        node
    }

    /// Start a single node whose listeners `args` set (`--config listeners=...`),
    /// one of them PLAINTEXT on `port` (where readiness is checked).
    pub fn start_listeners(port: u16, args: &[String]) -> Node {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut node = Node {
            id: 1,
            port,
            data_dir: tmp.path().join("node-1"),
            log_path: tmp.path().join("node-1.log"),
            child: None,
            extra_args: args.to_vec(),
            voters: None,
            netns: None,
            custom_listeners: true,
            _tmp: Some(tmp),
        };
        node.spawn();
        node
    }

    /// This cluster member's quorum address (from --voters).
    pub fn quorum_addr(&self) -> Option<String> {
        self.voters.as_deref()?.split(',').find_map(|v| {
            let (id, addr) = v.split_once('@')?;
            (id.parse::<i32>().ok()? == self.id).then(|| addr.to_string())
        })
    }

    /// Send a quorum heartbeat frame in plain TCP to this member's quorum port and
    /// return whatever comes back before the connection closes (10 s at most).
    pub fn plain_quorum_heartbeat(&self) -> Vec<u8> {
        use std::io::{Read, Write};
        let addr = self.quorum_addr().expect("a cluster member");
        let mut s = std::net::TcpStream::connect(&addr).expect("connect to the quorum port");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let body = br#"{"Heartbeat":7}"#;
        s.write_all(&(body.len() as u32).to_be_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    got.extend_from_slice(&buf[..n]);
                    // A plain quorum answers with one frame and keeps the connection.
                    if got.len() >= 4
                        && got.len()
                            >= 4 + u32::from_be_bytes([got[0], got[1], got[2], got[3]]) as usize
                    {
                        break;
                    }
                }
            }
        }
        got
    }

    pub fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    fn spawn(&mut self) {
        self.spawn_no_wait();
        self.wait_ready();
    }

    fn spawn_no_wait(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .expect("open node log");
        let addr = self.bootstrap();
        let mut cmd = match &self.netns {
            Some(ns) => ns.command(&kw_bin()),
            None => Command::new(kw_bin()),
        };
        let listen: Vec<&str> = if self.custom_listeners {
            Vec::new()
        } else {
            vec!["--listen", &addr, "--advertise", &addr]
        };
        let child = cmd
            .arg("serve")
            .args(listen)
            .args(match &self.voters {
                Some(v) => vec![
                    "--node".to_string(),
                    self.id.to_string(),
                    "--voters".into(),
                    v.clone(),
                ],
                None => Vec::new(),
            })
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(&self.extra_args)
            .env(
                "RUST_LOG",
                std::env::var("KW_TEST_RUST_LOG").unwrap_or_else(|_| "kw=info".into()),
            )
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log)
            .spawn()
            .expect("spawn kw serve");
        self.child = Some(child);
    }

    pub fn wait_ready(&self) {
        let addr = self.bootstrap();
        wait_until(
            Duration::from_secs(20),
            &format!("kw serve answers metadata on {addr}"),
            || {
                Command::new(kw_bin())
                    .args(["-b", &addr, "metadata"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .map(|s| s.success())
                    .unwrap_or(false)
            },
        );
    }

    /// SIGKILL by PID and reap.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM, wait up to 10 s for a clean exit, then SIGKILL.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &c.id().to_string()])
                .status();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Start again on the same port and data directory.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "node is still running");
        self.spawn();
    }

    pub fn log_tail(&self, n: usize) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// `kw -b <this node> ...`
    pub fn kw(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::new(kw_bin());
        c.args(["-b", &self.bootstrap()]);
        c.timeout(Duration::from_secs(60));
        c
    }

    /// `kw -b <this node> <args>`, asserting success; returns stdout.
    pub fn kw_ok(&self, args: &[&str]) -> String {
        let out = self.kw().args(args).output().expect("run kw");
        assert!(
            out.status.success(),
            "kw {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// `kw produce -t topic` of `input` (one message per line), asserting success.
    pub fn produce_lines(&self, topic: &str, input: &str, extra: &[&str]) {
        self.kw()
            .args(["produce", "-t", topic, "-q"])
            .args(extra)
            .write_stdin(input.to_string())
            .assert()
            .success();
    }

    /// Every message of `topic` from the beginning, rendered with kcat format `fmt`,
    /// one per line.
    pub fn consume_lines(&self, topic: &str, fmt: &str) -> Vec<String> {
        self.kw_ok(&[
            "consume",
            "-t",
            topic,
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            fmt,
        ])
        .lines()
        .map(str::to_string)
        .collect()
    }

    pub fn create_topic(&self, name: &str, partitions: i32) {
        self.kw_ok(&[
            "topics",
            "create",
            name,
            "--partitions",
            &partitions.to_string(),
            "--replication-factor",
            "1",
        ]);
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::thread::panicking() {
            // Errors and panics first: a long tail of warnings hides them.
            let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
            let errors: Vec<&str> = text
                .lines()
                .filter(|l| l.contains("ERROR") || l.contains("panicked at"))
                .take(20)
                .collect();
            // The whole log survives the temporary directory, for a post-mortem.
            let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("failed-node-logs");
            let _ = std::fs::create_dir_all(&keep);
            let kept = keep.join(format!("{}-node-{}.log", std::process::id(), self.id));
            let _ = std::fs::copy(&self.log_path, &kept);
            eprintln!(
                "--- errors in {} (kept as {}) ---\n{}\n--- last lines ---\n{}",
                self.log_path.display(),
                kept.display(),
                errors.join("\n"),
                self.log_tail(50)
            );
        }
    }
}

/// One partition as `kw topics describe --output json` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionState {
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
}

/// Three (or more) `kw serve --node N --voters ...` processes on free ports, with
/// quick failure detection so tests wait seconds, not minutes.
pub struct Cluster {
    pub nodes: Vec<Node>,
    _tmp: tempfile::TempDir,
}

impl Cluster {
    pub fn start(n: usize, extra: &[&str]) -> Cluster {
        let tmp = tempfile::tempdir().expect("temp dir");
        let voters = (1..=n)
            .map(|id| format!("{id}@127.0.0.1:{}", free_port()))
            .collect::<Vec<_>>()
            .join(",");
        let mut nodes: Vec<Node> = (1..=n as i32)
            .map(|id| Node {
                id,
                port: free_port(),
                data_dir: tmp.path().join(format!("node-{id}")),
                log_path: tmp.path().join(format!("node-{id}.log")),
                child: None,
                extra_args: extra.iter().map(|s| s.to_string()).collect(),
                voters: Some(voters.clone()),
                netns: None,
                custom_listeners: false,
                _tmp: None,
            })
            .collect();
        for node in &mut nodes {
            node.spawn_no_wait();
        }
        for node in &nodes {
            node.wait_ready();
        }
        let c = Cluster { nodes, _tmp: tmp };
        c.wait_live_brokers(n);
        c
    }

    /// A cluster whose nodes' listeners `args(id, port)` sets, one of them
    /// PLAINTEXT on `port`.
    pub fn start_listeners(n: usize, args: impl Fn(i32, u16) -> Vec<String>) -> Cluster {
        let tmp = tempfile::tempdir().expect("temp dir");
        let voters = (1..=n)
            .map(|id| format!("{id}@127.0.0.1:{}", free_port()))
            .collect::<Vec<_>>()
            .join(",");
        let mut nodes: Vec<Node> = (1..=n as i32)
            .map(|id| {
                let port = free_port();
                Node {
                    id,
                    port,
                    data_dir: tmp.path().join(format!("node-{id}")),
                    log_path: tmp.path().join(format!("node-{id}.log")),
                    child: None,
                    extra_args: args(id, port),
                    voters: Some(voters.clone()),
                    netns: None,
                    custom_listeners: true,
                    _tmp: None,
                }
            })
            .collect();
        for node in &mut nodes {
            node.spawn_no_wait();
        }
        for node in &nodes {
            node.wait_ready();
        }
        let c = Cluster { nodes, _tmp: tmp };
        c.wait_live_brokers(n);
        c
    }

    /// SIGSTOP (pause) or SIGCONT (resume) node `id` by PID.
    pub fn signal(&self, id: i32, sig: &str) {
        let node = &self.nodes[(id - 1) as usize];
        if let Some(pid) = node.pid() {
            let _ = Command::new("kill")
                .args([&format!("-{sig}"), &pid.to_string()])
                .status();
        }
    }

    pub fn node(&mut self, id: i32) -> &mut Node {
        &mut self.nodes[(id - 1) as usize]
    }

    /// Every node's client address, comma-separated.
    pub fn bootstrap(&self) -> String {
        self.nodes
            .iter()
            .map(|n| n.bootstrap())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// A running node to ask.
    pub fn any(&self) -> &Node {
        self.nodes
            .iter()
            .find(|n| n.child.is_some())
            .expect("a running node")
    }

    /// `kw -b <all nodes> <args>`; returns (success, stdout, stderr).
    pub fn kw(&self, args: &[&str]) -> (bool, String, String) {
        let out = assert_cmd::Command::new(kw_bin())
            .args(["-b", &self.bootstrap()])
            .args(args)
            .timeout(Duration::from_secs(60))
            .output()
            .expect("run kw");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn kw_ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.kw(args);
        assert!(ok, "kw {args:?} failed:\nstdout: {out}\nstderr: {err}");
        out
    }

    /// Partition states of `topic` from `kw topics describe --output json`.
    pub fn describe(&self, topic: &str) -> Vec<PartitionState> {
        let out = self
            .any()
            .kw_ok(&["topics", "describe", topic, "--output", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("describe json");
        let t = v.as_array().and_then(|a| a.first()).cloned().unwrap_or(v);
        let ids = |x: &serde_json::Value| -> Vec<i32> {
            x.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i.as_i64())
                        .map(|i| i as i32)
                        .collect()
                })
                .unwrap_or_default()
        };
        t["partitions"]
            .as_array()
            .expect("partitions array")
            .iter()
            .map(|p| PartitionState {
                leader: p["leader"].as_i64().unwrap_or(-1) as i32,
                replicas: ids(&p["replicas"]),
                isr: ids(&p["isr"]),
            })
            .collect()
    }

    /// Wait until `n` brokers are listed in metadata.
    pub fn wait_live_brokers(&self, n: usize) {
        wait_until(
            Duration::from_secs(30),
            &format!("{n} live brokers"),
            || {
                let (ok, out, _) = self.kw(&["metadata", "--output", "json"]);
                ok && serde_json::from_str::<serde_json::Value>(&out)
                    .ok()
                    .and_then(|v| v["brokers"].as_array().map(|b| b.len()))
                    == Some(n)
            },
        );
    }
}

/// Path of an external tool from an env var set by scripts/test.sh; never skip.
fn tool(var: &str, what: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(p) if Path::new(&p).exists() => PathBuf::from(p),
        _ => panic!("{what} not found (${var} unset): run ./scripts/test.sh, which installs it"),
    }
}

pub fn kcat() -> Command {
    Command::new(tool("KW_KCAT", "kcat"))
}

pub fn python() -> Command {
    Command::new(tool(
        "KW_PYTHON",
        "python with confluent-kafka and kafka-python",
    ))
}

/// Run to completion within `timeout`, killing the child by PID on overrun.
pub fn run_with_timeout(cmd: &mut Command, input: Option<&[u8]>, timeout: Duration) -> Output {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    if let Some(data) = input {
        let mut stdin = child.stdin.take().expect("piped stdin");
        let data = data.to_vec();
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&data);
        });
    }
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait child") {
            break s;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let s = child.wait().expect("reap child");
            let stdout = out_t.join().unwrap_or_default();
            let stderr = err_t.join().unwrap_or_default();
            panic!(
                "{cmd:?} ran over {timeout:?} ({s}):\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&stdout),
                String::from_utf8_lossy(&stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
    }
}

/// Like `run_with_timeout` but panics (showing output) on a non-zero exit.
pub fn run_ok(cmd: &mut Command, input: Option<&[u8]>, timeout: Duration) -> Output {
    let out = run_with_timeout(cmd, input, timeout);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A background process whose stdout and stderr lines are collected by threads;
/// killed (by PID) on drop.
pub struct Background {
    child: Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    err_lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

fn collect_lines<R: Read + Send + 'static>(
    src: R,
    sink: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(src).lines() {
            match line {
                Ok(l) => sink.lock().expect("lines lock").push(l),
                Err(_) => break,
            }
        }
    })
}

impl Background {
    pub fn spawn(cmd: &mut Command) -> Background {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let err_lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let readers = vec![
            collect_lines(child.stdout.take().expect("piped stdout"), lines.clone()),
            collect_lines(
                child.stderr.take().expect("piped stderr"),
                err_lines.clone(),
            ),
        ];
        Background {
            child,
            lines,
            err_lines,
            readers,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().expect("lines lock").clone()
    }

    pub fn err_lines(&self) -> Vec<String> {
        self.err_lines.lock().expect("lines lock").clone()
    }

    /// Send a signal by name ("INT", "TERM", "KILL") to the process.
    pub fn signal(&self, sig: &str) {
        let _ = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status();
    }

    /// Wait for the process to exit within `timeout`; true if it did.
    /// The exit code, once the process has exited.
    pub fn exit_code(&mut self) -> Option<i32> {
        self.child.try_wait().ok().flatten().and_then(|s| s.code())
    }

    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Ok(Some(_)) = self.child.try_wait() {
                for r in self.readers.drain(..) {
                    let _ = r.join();
                }
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Partitions a kcat/kw group member holds now, from its last eager rebalance line
/// (`% Group g rebalanced (memberid m): assigned: t [0], t [1]`); None before any.
pub fn last_assignment(err_lines: &[String]) -> Option<std::collections::BTreeSet<i32>> {
    let last = err_lines
        .iter()
        .rev()
        .find(|l| l.contains(" rebalanced (memberid "))?;
    if last.contains("): revoked: ") {
        return Some(std::collections::BTreeSet::new());
    }
    let list = last.split("): assigned: ").nth(1)?;
    Some(
        list.split(", ")
            .filter_map(|p| {
                p.rsplit_once('[')
                    .and_then(|(_, n)| n.trim_end_matches(']').parse().ok())
            })
            .collect(),
    )
}

/// Debian's Chromium driven through `tests/console/driver.mjs` (playwright-core):
/// one command per call, answered before the next. Killed by PID when dropped.
pub struct Browser {
    child: Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Browser {
    pub fn start() -> Browser {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/console/driver.mjs");
        let mut child = Command::new(tool(
            "KW_NODE",
            "node (Node.js) with tests/console's playwright-core",
        ))
        .arg(script)
        .env(
            "KW_CHROMIUM",
            tool("KW_CHROMIUM", "chromium (Debian's package)"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the browser driver");
        let stdin = child.stdin.take().expect("driver stdin");
        let stdout = std::io::BufReader::new(child.stdout.take().expect("driver stdout"));
        Browser {
            child,
            stdin,
            stdout,
        }
    }

    fn call(&mut self, cmd: serde_json::Value) -> Result<serde_json::Value, String> {
        use std::io::{BufRead, Write};
        writeln!(self.stdin, "{cmd}").map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let answer: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("driver said {line:?}: {e}"))?;
        if answer["ok"] == serde_json::Value::Bool(true) {
            Ok(answer["value"].clone())
        } else {
            Err(answer.to_string())
        }
    }

    pub fn goto(&mut self, url: &str) {
        self.call(serde_json::json!({"op": "goto", "url": url}))
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    /// Wait until the JavaScript expression is truthy in the page; its value.
    pub fn wait(&mut self, deadline: Duration, why: &str, js: &str) -> serde_json::Value {
        self.call(
            serde_json::json!({"op": "wait", "js": js, "timeout_ms": deadline.as_millis() as u64}),
        )
        .unwrap_or_else(|e| panic!("timed out after {deadline:?} waiting until {why} ({js}): {e}"))
    }

    pub fn eval(&mut self, js: &str) -> serde_json::Value {
        self.call(serde_json::json!({"op": "eval", "js": js}))
            .unwrap_or_else(|e| panic!("eval {js}: {e}"))
    }

    pub fn click(&mut self, selector: &str) {
        self.call(serde_json::json!({"op": "click", "selector": selector}))
            .unwrap_or_else(|e| panic!("click {selector}: {e}"));
    }

    pub fn fill(&mut self, selector: &str, value: &str) {
        self.call(serde_json::json!({"op": "fill", "selector": selector, "value": value}))
            .unwrap_or_else(|e| panic!("fill {selector}: {e}"));
    }

    /// A full-page PNG under target/console-screenshots/ (kept as a CI artifact).
    pub fn screenshot(&mut self, name: &str) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let path = dir.join(format!("{name}.png"));
        self.call(serde_json::json!({"op": "screenshot", "path": path}))
            .unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        path
    }

    /// JavaScript errors the page raised so far.
    pub fn page_errors(&mut self) -> Vec<String> {
        self.call(serde_json::json!({"op": "errors"}))
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        use std::io::Write;
        let _ = writeln!(self.stdin, "{{\"op\":\"close\"}}");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `kw console` for `bootstrap` on a free port; killed by PID when dropped.
pub struct ConsoleProcess {
    pub url: String,
    child: Child,
}

impl ConsoleProcess {
    pub fn start(bootstrap: &str) -> ConsoleProcess {
        let port = free_port();
        let child = Command::new(kw_bin())
            .args([
                "-b",
                bootstrap,
                "console",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--refresh-ms",
                "1000",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kw console");
        let url = format!("http://127.0.0.1:{port}/");
        wait_until(Duration::from_secs(20), "kw console answers", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        ConsoleProcess { url, child }
    }
}

impl Drop for ConsoleProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET on loopback; the body, if the status is 200.
pub fn http_get(addr: &str, path: &str) -> Option<String> {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let (head, body) = resp.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200").then(|| body.to_string())
}

/// A cluster whose nodes each run in a network namespace of their own, every link
/// between them (and from this process to them) through a forwarder the test can
/// cut, delay or make lossy; optionally with each node's data directory on a small
/// disk of its own. Fields drop in order: nodes, links, disks, namespaces.
pub struct IsolatedCluster {
    pub cluster: Cluster,
    pub links: faults::Links,
    pub disks: Vec<faults::SmallDisk>,
    /// The data directories (mount points of the disks), removed after unmounting.
    _data: tempfile::TempDir,
    namespaces: Vec<std::sync::Arc<faults::Netns>>,
}

impl IsolatedCluster {
    pub fn start(n: usize, extra: &[&str], disk_mb: Option<u64>) -> IsolatedCluster {
        use std::sync::Arc;
        let tmp = tempfile::tempdir().expect("temp dir");
        let namespaces: Vec<Arc<faults::Netns>> = (1..=n)
            .map(|i| Arc::new(faults::Netns::new(&faults::netns_name(&format!("n{i}")))))
            .collect();
        let ports: Vec<(u16, u16)> = (0..n).map(|_| (free_port(), free_port())).collect();
        let voters = (1..=n)
            .map(|id| format!("{id}@127.0.0.1:{}", ports[id - 1].1))
            .collect::<Vec<_>>()
            .join(",");
        let mut links = faults::Links::default();
        for (j, (port, _)) in ports.iter().enumerate() {
            let addr = format!("127.0.0.1:{port}");
            links
                .by_pair
                .entry((0, j as i32 + 1))
                .or_default()
                .push(faults::Link::spawn(None, &addr, &namespaces[j], &addr));
        }
        for i in 0..n {
            for (j, (port, quorum)) in ports.iter().enumerate() {
                if i == j {
                    continue;
                }
                for p in [port, quorum] {
                    let addr = format!("127.0.0.1:{p}");
                    links
                        .by_pair
                        .entry((i as i32 + 1, j as i32 + 1))
                        .or_default()
                        .push(faults::Link::spawn(
                            Some(&namespaces[i]),
                            &addr,
                            &namespaces[j],
                            &addr,
                        ));
                }
            }
        }
        let data = tempfile::tempdir().expect("temp dir");
        let mut disks = Vec::new();
        let mut nodes: Vec<Node> = (1..=n as i32)
            .map(|id| {
                let data_dir = data.path().join(format!("node-{id}"));
                if let Some(mb) = disk_mb {
                    disks.push(faults::SmallDisk::mount(&data_dir, mb));
                }
                Node {
                    id,
                    port: ports[id as usize - 1].0,
                    data_dir,
                    log_path: tmp.path().join(format!("node-{id}.log")),
                    child: None,
                    extra_args: extra.iter().map(|s| s.to_string()).collect(),
                    voters: Some(voters.clone()),
                    netns: Some(namespaces[id as usize - 1].clone()),
                    custom_listeners: false,
                    _tmp: None,
                }
            })
            .collect();
        for node in &mut nodes {
            node.spawn_no_wait();
        }
        for node in &nodes {
            node.wait_ready();
        }
        let cluster = Cluster { nodes, _tmp: tmp };
        cluster.wait_live_brokers(n);
        IsolatedCluster {
            cluster,
            links,
            disks,
            _data: data,
            namespaces,
        }
    }

    /// Cut node `id` off from every other node; clients still reach it.
    pub fn isolate(&self, id: i32) {
        for other in 1..=self.cluster.nodes.len() as i32 {
            if other != id {
                self.links.cut(id, other, false, false);
            }
        }
    }

    pub fn heal(&self) {
        self.links.heal();
    }
}
