//! `kw cluster`: a local cluster in the background, the counterpart of the
//! workshop's Docker Compose stack. Each node is a `kw serve` process with its data,
//! log (`kw.log`) and pid file (`kw.pid`) in `<data-dir>/node-N`. Node N serves
//! clients on BASE_PORT+N-1 and the metadata quorum on BASE_PORT+10000+N-1; a
//! one-node cluster is a plain `kw serve`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::client::{Client, ClientConfig};

#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// Directory holding node-1, node-2, ...
    #[arg(long, global = true, default_value = "kw-data", value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Client port of node 1; node N listens on BASE_PORT+N-1
    #[arg(long, global = true, default_value_t = 9092)]
    pub base_port: u16,
    #[command(subcommand)]
    pub action: ClusterAction,
}

#[derive(Debug, Subcommand)]
pub enum ClusterAction {
    /// Start the nodes in the background and wait until they serve
    #[command(
        after_help = "Example:\n  kw cluster up && kw topics create demo.purchases --partitions 6"
    )]
    Up {
        /// Number of nodes (the workshop's three by default)
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=9))]
        nodes: u32,
        /// Broker setting for every node, e.g. --config num.partitions=6 (repeatable)
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
        /// Do not start the web console
        #[arg(long)]
        no_console: bool,
        /// Where the console listens [default: 127.0.0.1:(BASE_PORT-1012), 8080 for 9092]
        #[arg(long, value_name = "HOST:PORT")]
        console_listen: Option<String>,
    },
    /// Show each node: up or down, pid, address, partitions it leads
    Status {
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: super::OutputFormat,
    },
    /// Stop one node (SIGTERM, or SIGKILL with --kill), like `docker stop kafka-2`
    Stop {
        node: u32,
        #[arg(long)]
        kill: bool,
    },
    /// Start one stopped node again, like `docker start kafka-2`
    Start { node: u32 },
    /// Stop every node (and delete the data with --purge)
    Down {
        #[arg(long)]
        purge: bool,
    },
}

/// The console's default address: 8080 next to the default 9092.
fn console_addr(base_port: u16) -> String {
    format!(
        "127.0.0.1:{}",
        (base_port as u32).saturating_sub(1012).max(1)
    )
}

/// Start `kw console` for the cluster in the background (pid and log in the data
/// directory, like the nodes).
fn spawn_console(base: &Path, bootstrap: &str, listen: &str) -> anyhow::Result<()> {
    if let Some(pid) = running_pid_file(&base.join("console.pid")) {
        bail!("the console is already running (pid {pid})");
    }
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(base.join("console.log"))
        .with_context(|| format!("opening {}", base.join("console.log").display()))?;
    let exe = std::env::current_exe().context("finding the kw executable")?;
    let mut cmd = Command::new(exe);
    cmd.args(["-b", bootstrap, "console", "--listen", listen])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let child = cmd.spawn().context("starting kw console")?;
    std::fs::write(base.join("console.pid"), format!("{}\n", child.id()))?;
    std::fs::write(base.join("console.url"), format!("http://{listen}/\n"))?;
    Ok(())
}

fn running_pid_file(path: &Path) -> Option<i32> {
    std::fs::read_to_string(path)
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|p| alive(*p))
}

fn stop_console(base: &Path) {
    if let Some(pid) = running_pid_file(&base.join("console.pid")) {
        // SAFETY: signalling a pid we started and recorded.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let _ = std::fs::remove_file(base.join("console.pid"));
}

fn node_dir(base: &Path, node: u32) -> PathBuf {
    base.join(format!("node-{node}"))
}

fn addr(base_port: u16, node: u32) -> String {
    format!("127.0.0.1:{}", base_port as u32 + node - 1)
}

fn read_pid(dir: &Path) -> Option<i32> {
    std::fs::read_to_string(dir.join("kw.pid"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    unsafe { libc::kill(pid, 0) == 0 }
}

fn running_pid(dir: &Path) -> Option<i32> {
    read_pid(dir).filter(|p| alive(*p))
}

/// Nodes that have a directory under `base`, in order.
fn known_nodes(base: &Path) -> Vec<u32> {
    let mut nodes: Vec<u32> = std::fs::read_dir(base)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.file_name().to_str()?.strip_prefix("node-")?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    nodes.sort();
    nodes
}

/// The node's settings reach it as `--config-file`, never as arguments: a secret
/// such as sasl.jaas.config must not show in `ps`.
fn config_args(dir: &Path) -> Vec<String> {
    let path = dir.join("kw.config");
    match std::fs::read_to_string(&path) {
        Ok(s) if s.lines().any(|l| !l.trim().is_empty()) => {
            vec!["--config-file".to_string(), path.display().to_string()]
        }
        _ => Vec::new(),
    }
}

/// `--config KEY=VALUE` settings as a properties file only its owner can read.
fn write_config(dir: &Path, config: &[String]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("kw.config");
    let mut text = String::new();
    for kv in config {
        let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
        let value = value
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        text.push_str(&format!("{}={value}\n", key.trim()));
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    // An older kw.config may have been readable by others.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

async fn serves(address: &str) -> bool {
    let config = ClientConfig {
        connect_timeout: Duration::from_millis(500),
        ..ClientConfig::default()
    };
    Client::connect(address, config).await.is_ok()
}

/// The quorum voters of a cluster of `nodes` nodes, or None for a single node.
fn voters(base_port: u16, nodes: u32) -> Option<String> {
    (nodes > 1).then(|| {
        (1..=nodes)
            .map(|n| format!("{n}@127.0.0.1:{}", base_port as u32 + 10_000 + n - 1))
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// Start node `node` of a `nodes`-node cluster detached from this terminal.
fn spawn_node(
    base: &Path,
    base_port: u16,
    node: u32,
    nodes: u32,
) -> anyhow::Result<std::process::Child> {
    let dir = node_dir(base, node);
    if let Some(pid) = running_pid(&dir) {
        bail!("node {node} is already running (pid {pid})");
    }
    if base_port as u32 + 10_000 + nodes > 65_535 {
        bail!("--base-port {base_port} leaves no room for the quorum ports (BASE_PORT+10000+N); choose a lower one");
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("kw.log"))
        .with_context(|| format!("opening {}", dir.join("kw.log").display()))?;
    let exe = std::env::current_exe().context("finding the kw executable")?;
    let address = addr(base_port, node);
    let mut cmd = Command::new(exe);
    cmd.args(["serve", "--listen", &address]);
    if let Some(v) = voters(base_port, nodes) {
        cmd.args(["--node", &node.to_string(), "--voters", &v]);
    }
    cmd.arg("--data-dir")
        .arg(&dir)
        .args(config_args(&dir))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: Ctrl-C in this terminal must not stop the cluster.
        cmd.process_group(0);
    }
    let child = cmd.spawn().context("starting kw serve")?;
    std::fs::write(dir.join("kw.pid"), format!("{}\n", child.id()))?;
    Ok(child)
}

/// Wait until a freshly started node serves clients (which needs a quorum).
async fn wait_serving(
    base: &Path,
    base_port: u16,
    node: u32,
    child: &mut std::process::Child,
) -> anyhow::Result<()> {
    let dir = node_dir(base, node);
    let address = addr(base_port, node);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let _ = std::fs::remove_file(dir.join("kw.pid"));
            bail!(
                "node {node} exited ({status}) while starting; last log lines:\n{}",
                tail(&dir.join("kw.log"), 5)
            );
        }
        if serves(&address).await {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "node {node} did not answer on {address} within 30 s; see {}",
                dir.join("kw.log").display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn stop_node(base: &Path, node: u32, kill: bool) -> anyhow::Result<bool> {
    let dir = node_dir(base, node);
    let Some(pid) = running_pid(&dir) else {
        return Ok(false);
    };
    // SAFETY: signalling a pid we started and recorded.
    unsafe { libc::kill(pid, if kill { libc::SIGKILL } else { libc::SIGTERM }) };
    let deadline = Instant::now() + Duration::from_secs(15);
    while alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if alive(pid) {
        bail!("node {node} (pid {pid}) did not stop within 15 s; try --kill");
    }
    let _ = std::fs::remove_file(dir.join("kw.pid"));
    Ok(true)
}

#[derive(Debug, Serialize)]
struct NodeStatus {
    node: u32,
    up: bool,
    pid: Option<i32>,
    address: String,
    controller: bool,
    partitions_led: usize,
}

async fn status(base: &Path, base_port: u16) -> Vec<NodeStatus> {
    let mut out = Vec::new();
    for node in known_nodes(base) {
        let dir = node_dir(base, node);
        let address = addr(base_port, node);
        let pid = running_pid(&dir);
        let mut s = NodeStatus {
            node,
            up: false,
            pid,
            address: address.clone(),
            controller: false,
            partitions_led: 0,
        };
        if pid.is_some() {
            if let Ok(client) = Client::connect(&address, ClientConfig::default()).await {
                if let Ok(meta) = client.metadata(None).await {
                    s.up = true;
                    s.controller = meta.controller_id.0 == node as i32;
                    s.partitions_led = meta
                        .topics
                        .iter()
                        .flat_map(|t| t.partitions.iter())
                        .filter(|p| p.leader_id.0 == node as i32)
                        .count();
                }
            }
        }
        out.push(s);
    }
    out
}

pub async fn run(args: ClusterArgs) -> anyhow::Result<u8> {
    let base = args.data_dir.clone();
    match args.action {
        ClusterAction::Up {
            nodes,
            config,
            no_console,
            console_listen,
        } => {
            // The same validation as kw serve, before any node is started.
            crate::node::Settings::from_pairs(&config).map_err(super::UsageError::from)?;
            if let Some(n) = known_nodes(&base).into_iter().find(|n| *n > nodes) {
                bail!(
                    "{} already holds a cluster with node {n}; use --nodes {n} or another --data-dir",
                    base.display()
                );
            }
            let spinner = std::io::stderr().is_terminal().then(|| {
                let s = indicatif::ProgressBar::new_spinner();
                s.set_message(format!(
                    "starting {nodes} node(s), waiting for the metadata quorum"
                ));
                s.enable_steady_tick(Duration::from_millis(100));
                s
            });
            // Start every node first: none serves before a majority of them runs.
            let mut started = Vec::new();
            let mut bootstrap = Vec::new();
            for node in 1..=nodes {
                let dir = node_dir(&base, node);
                std::fs::create_dir_all(&dir)?;
                write_config(&dir, &config)?;
                if running_pid(&dir).is_none() {
                    started.push((node, spawn_node(&base, args.base_port, node, nodes)?));
                }
                bootstrap.push(addr(args.base_port, node));
            }
            for (node, child) in &mut started {
                wait_serving(&base, args.base_port, *node, child).await?;
            }
            if let Some(s) = spinner {
                s.finish_and_clear();
            }
            println!("{}", bootstrap.join(","));
            if !no_console {
                let listen = console_listen.unwrap_or_else(|| console_addr(args.base_port));
                match spawn_console(&base, &bootstrap.join(","), &listen) {
                    Ok(()) => eprintln!("kw: console at http://{listen}/"),
                    Err(e) => eprintln!("kw: the console did not start: {e:#}"),
                }
            }
        }
        ClusterAction::Status { output } => {
            let nodes = status(&base, args.base_port).await;
            if nodes.is_empty() {
                bail!(
                    "no cluster in {} (start one with kw cluster up)",
                    base.display()
                );
            }
            match output {
                super::OutputFormat::Json => println!("{}", serde_json::to_string(&nodes)?),
                super::OutputFormat::Text => {
                    println!(
                        "{:<6} {:<6} {:<8} {:<21} {:<11} PARTITIONS-LED",
                        "NODE", "STATE", "PID", "ADDRESS", "CONTROLLER"
                    );
                    for n in nodes {
                        println!(
                            "{:<6} {:<6} {:<8} {:<21} {:<11} {}",
                            n.node,
                            if n.up { "up" } else { "down" },
                            n.pid.map_or("-".to_string(), |p| p.to_string()),
                            n.address,
                            if n.controller { "yes" } else { "" },
                            n.partitions_led
                        );
                    }
                    if let Ok(url) = std::fs::read_to_string(base.join("console.url")) {
                        let up = running_pid_file(&base.join("console.pid")).is_some();
                        println!(
                            "console: {} ({})",
                            url.trim(),
                            if up { "up" } else { "down" }
                        );
                    }
                }
            }
        }
        ClusterAction::Stop { node, kill } => {
            if !stop_node(&base, node, kill)? {
                bail!("node {node} is not running");
            }
        }
        ClusterAction::Start { node } => {
            if !node_dir(&base, node).exists() {
                bail!(
                    "node {node} is not part of the cluster in {}",
                    base.display()
                );
            }
            let nodes = known_nodes(&base).into_iter().max().unwrap_or(1);
            let mut child = spawn_node(&base, args.base_port, node, nodes)?;
            wait_serving(&base, args.base_port, node, &mut child).await?;
        }
        ClusterAction::Down { purge } => {
            stop_console(&base);
            for node in known_nodes(&base) {
                stop_node(&base, node, false)?;
            }
            if purge && base.exists() {
                std::fs::remove_dir_all(&base)
                    .with_context(|| format!("removing {}", base.display()))?;
            }
        }
    }
    Ok(0)
}
