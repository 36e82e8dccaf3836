//! `kw serve`: run one broker node until Ctrl-C or SIGTERM.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use tokio::net::TcpListener;
use tracing::{debug, info, warn};

use crate::broker::config::{split_key_value, BrokerConfig};
use crate::broker::{listener, Broker};
use crate::controller::{Controller, LivenessSettings, QuorumSettings};
use crate::group::state::GroupConfig;
use crate::group::{Coordinator, CoordinatorConfig};
use crate::replication::ReplicaManager;
use std::time::Duration;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  kw serve                                  single node on 127.0.0.1:9092, data in ./kw-data/node-1\n  kw serve --node 1    (and --node 2, --node 3 in other terminals)\n                                            the local three-node cluster on ports 9092, 9093, 9094\n  kw serve --config num.partitions=6        Kafka broker configs by their Kafka names\n  kw serve --listen 0.0.0.0:9092 --advertise myhost:9092\n  kw serve --node 2 --voters 1@h1:19092,2@h2:19092,3@h3:19092 --listen 0.0.0.0:9092 --advertise h2:9092"
)]
pub struct ServeArgs {
    /// Node id, making this node a member of a cluster. Without --voters, node N of
    /// the local three-node cluster listens on 127.0.0.1:(9091+N) for clients and
    /// 127.0.0.1:(19091+N) for the metadata quorum. Without --node, kw serve runs alone.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
    pub node: Option<i32>,
    /// The metadata quorum: every voter as ID@HOST:PORT, comma-separated (their
    /// internal quorum addresses) [default: 1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094]
    #[arg(long, value_name = "ID@HOST:PORT,...", requires = "node")]
    pub voters: Option<String>,
    /// Address to listen on for clients [default: 127.0.0.1:(9091+node)]
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: Option<String>,
    /// Address clients are told to connect to [default: the listen address]
    #[arg(long, value_name = "HOST:PORT")]
    pub advertise: Option<String>,
    /// Data directory [default: ./kw-data/node-N]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Broker setting by its Kafka name, e.g. --config num.partitions=6 (repeatable)
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
}

fn split_host_port(s: &str) -> anyhow::Result<(String, i32)> {
    let (host, port) = s
        .rsplit_once(':')
        .with_context(|| format!("'{s}' is not HOST:PORT"))?;
    let port: u16 = port
        .parse()
        .with_context(|| format!("'{port}' in '{s}' is not a port number"))?;
    Ok((
        host.trim_matches(|c| c == '[' || c == ']').to_string(),
        port as i32,
    ))
}

/// Hold an exclusive lock on the data directory for the life of the process, so two
/// nodes can never write the same logs.
fn lock_data_dir(dir: &std::path::Path) -> anyhow::Result<std::fs::File> {
    use std::os::unix::io::AsRawFd;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating data directory {}", dir.display()))?;
    let path = dir.join(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    // SAFETY: flock on a file descriptor we own; no memory is shared.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let holder = std::fs::read_to_string(&path).unwrap_or_default();
        anyhow::bail!(
            "data directory {} is in use by another kw serve{} ; stop it or choose another --data-dir",
            dir.display(),
            if holder.trim().is_empty() { String::new() } else { format!(" (pid {})", holder.trim()) }
        );
    }
    file.set_len(0).ok();
    std::fs::write(&path, format!("{}\n", std::process::id())).ok();
    Ok(file)
}

/// Parse `1@host:port,2@host:port,...`.
fn parse_voters(list: &str) -> anyhow::Result<BTreeMap<u64, String>> {
    let mut voters = BTreeMap::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (id, addr) = item
            .split_once('@')
            .with_context(|| format!("voter '{item}' is not ID@HOST:PORT"))?;
        let id: u64 = id
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .with_context(|| format!("voter id '{id}' in '{item}' is not a positive number"))?;
        split_host_port(addr)?;
        if voters.insert(id, addr.to_string()).is_some() {
            anyhow::bail!("voter {id} is listed twice in --voters");
        }
    }
    if voters.is_empty() {
        anyhow::bail!("--voters lists no voter");
    }
    Ok(voters)
}

/// The local three-node cluster's quorum addresses.
fn local_voters() -> BTreeMap<u64, String> {
    (1..=3u64)
        .map(|id| (id, format!("127.0.0.1:{}", 19091 + id)))
        .collect()
}

pub async fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let clustered = args.node.is_some();
    let node = args.node.unwrap_or(1);
    let voters = match &args.voters {
        Some(list) => Some(parse_voters(list)?),
        None if clustered => Some(local_voters()),
        None => None,
    };
    if let Some(v) = &voters {
        if !v.contains_key(&(node as u64)) {
            anyhow::bail!(
                "node {node} is not among the voters ({}); every kw node is a metadata voter",
                describe_voters(v)
            );
        }
    }
    let listen = args
        .listen
        .clone()
        .unwrap_or_else(|| format!("127.0.0.1:{}", 9091 + node));
    let (listen_host, listen_port) = split_host_port(&listen)?;
    let (adv_host, adv_port) = match &args.advertise {
        Some(a) => split_host_port(a)?,
        None => {
            let host = if listen_host == "0.0.0.0" || listen_host == "::" {
                "127.0.0.1".to_string()
            } else {
                listen_host.clone()
            };
            (host, listen_port)
        }
    };
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("kw-data/node-{node}")));
    let settings = args
        .config
        .iter()
        .map(|s| split_key_value(s))
        .collect::<Result<Vec<_>, _>>()?;
    let config = BrokerConfig::new(
        node,
        listen.clone(),
        adv_host.clone(),
        adv_port,
        data_dir.clone(),
        &settings,
    )?;
    let _lock = lock_data_dir(&data_dir)?;
    let tcp = TcpListener::bind(&listen).await.with_context(|| {
        format!("cannot listen on {listen} (is another broker using that port? choose another with --listen)")
    })?;
    let bound_port = tcp
        .local_addr()
        .map(|a| a.port() as i32)
        .unwrap_or(listen_port);
    let adv_port = if adv_port == 0 { bound_port } else { adv_port };
    let (internal, voters) = match voters {
        Some(voters) => {
            let own = voters[&(node as u64)].clone();
            let l = TcpListener::bind(&own).await.with_context(|| {
                format!("cannot listen on {own} for the metadata quorum (is node {node} already running?)")
            })?;
            (l, voters)
        }
        None => {
            // A single node is a metadata quorum of one; its quorum port is private
            // (loopback, any free port) because no peer ever connects to it.
            let l = TcpListener::bind("127.0.0.1:0")
                .await
                .context("binding the internal quorum port")?;
            let addr = l
                .local_addr()
                .context("reading the quorum port")?
                .to_string();
            (l, BTreeMap::from([(node as u64, addr)]))
        }
    };
    let quorum = QuorumSettings {
        listener: internal,
        voters: voters.clone(),
    };
    let controller = Controller::start(&data_dir, node, quorum)
        .await
        .with_context(|| format!("starting the metadata quorum in {}", data_dir.display()))?;
    // Registration needs a quorum: a node started before its peers waits, and says so.
    let registering = {
        let c = controller.clone();
        let host = adv_host.clone();
        tokio::spawn(async move {
            loop {
                match c.register(&host, adv_port).await {
                    Ok(()) => return,
                    Err(e) => {
                        debug!(error = %e, "registration not committed yet");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        })
    };
    tokio::pin!(registering);
    let mut said = false;
    loop {
        tokio::select! {
            _ = &mut registering => break,
            _ = tokio::time::sleep(Duration::from_secs(2)), if !said => {
                said = true;
                eprintln!(
                    "kw: node {node} waiting for a metadata quorum (a majority of voters {}); start the other nodes",
                    describe_voters(&voters)
                );
            }
            _ = shutdown_signal() => {
                controller.shutdown().await;
                eprintln!("kw: node {node} stopped before the quorum formed");
                return Ok(0);
            }
        }
    }
    let replicas = ReplicaManager::new(node, &data_dir, config.topic_defaults.clone());
    replicas.spawn(controller.subscribe());
    let retention_every = config.retention_check_interval;
    let group_config = CoordinatorConfig {
        group: GroupConfig {
            initial_rebalance_delay: Duration::from_millis(
                config.get_or("group.initial.rebalance.delay.ms", 3000u64),
            ),
            min_session_timeout: Duration::from_millis(
                config.get_or("group.min.session.timeout.ms", 6000u64),
            ),
            max_session_timeout: Duration::from_millis(
                config.get_or("group.max.session.timeout.ms", 1_800_000u64),
            ),
        },
        offsets_partitions: config.get_or("offsets.topic.num.partitions", 50i32).max(1),
        offsets_replication_factor: config
            .get_or("offsets.topic.replication.factor", 3i32)
            .max(1),
    };
    let groups = Coordinator::new(node, group_config, controller.clone(), replicas.clone());
    let ticker = groups.spawn_ticker();
    let broker = Arc::new(Broker {
        config,
        controller,
        replicas: replicas.clone(),
        groups,
    });
    let server = tokio::spawn(listener::run(tcp, broker.clone()));
    let retention = tokio::spawn(retention_loop(replicas.clone(), retention_every));
    let checkpoints = tokio::spawn(checkpoint_loop(
        replicas.clone(),
        Duration::from_millis(
            broker
                .config
                .get_or("replica.high.watermark.checkpoint.interval.ms", 5000u64)
                .max(100),
        ),
    ));
    let isr = tokio::spawn(isr_loop(
        broker.clone(),
        Duration::from_millis(broker.config.get_or("replica.lag.time.max.ms", 30_000u64)),
    ));
    // Liveness only matters with peers; a lone node never fences itself.
    let liveness = if clustered {
        broker.controller.spawn_liveness(LivenessSettings {
            heartbeat_interval: Duration::from_millis(
                broker
                    .config
                    .get_or("broker.heartbeat.interval.ms", 500u64)
                    .max(10),
            ),
            session_timeout: Duration::from_millis(
                broker
                    .config
                    .get_or("broker.session.timeout.ms", 3000u64)
                    .max(100),
            ),
            auto_leader_rebalance: broker.config.get_or("auto.leader.rebalance.enable", true),
            imbalance_interval: Duration::from_secs(
                broker
                    .config
                    .get_or("leader.imbalance.check.interval.seconds", 30u64)
                    .max(1),
            ),
        })
    } else {
        Vec::new()
    };
    eprintln!(
        "kw: node {node} serving Kafka on {listen} (advertised as {adv_host}:{adv_port}), data in {}",
        data_dir.display()
    );
    info!(node, %listen, "listening");
    shutdown_signal().await;
    for t in liveness {
        t.abort();
    }
    if clustered {
        // Controlled shutdown: hand leadership over now rather than after the session.
        broker.controller.fence_self(Duration::from_secs(3)).await;
    }
    server.abort();
    retention.abort();
    checkpoints.abort();
    isr.abort();
    ticker.abort();
    let r = replicas.clone();
    let _ = tokio::task::spawn_blocking(move || r.flush_all()).await;
    broker.controller.shutdown().await;
    eprintln!("kw: node {node} stopped");
    Ok(0)
}

async fn retention_loop(replicas: Arc<ReplicaManager>, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    loop {
        tick.tick().await;
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        for p in replicas.all() {
            match p.apply_retention(now_ms) {
                Ok(0) => {}
                Ok(n) => info!(partition = %p.tp, segments = n, "retention deleted segments"),
                Err(e) => warn!(partition = %p.tp, error = %e, "retention failed"),
            }
        }
    }
}

/// Checkpoint every partition's high watermark (`replica.high.watermark.checkpoint.interval.ms`),
/// so a restarted replica does not take its unreplicated tail for committed data.
async fn checkpoint_loop(replicas: Arc<ReplicaManager>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    loop {
        tick.tick().await;
        let r = replicas.clone();
        let _ = tokio::task::spawn_blocking(move || {
            for p in r.all() {
                if let Err(e) = p.checkpoint_high_watermark() {
                    warn!(partition = %p.tp, error = %e, "cannot checkpoint the high watermark");
                }
            }
        })
        .await;
    }
}

fn describe_voters(voters: &BTreeMap<u64, String>) -> String {
    voters
        .iter()
        .map(|(id, a)| format!("{id}@{a}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Leaders drop followers that stopped keeping up (`replica.lag.time.max.ms`).
async fn isr_loop(broker: Arc<Broker>, max_lag: Duration) {
    let mut tick = tokio::time::interval((max_lag / 2).max(Duration::from_millis(250)));
    loop {
        tick.tick().await;
        for p in broker.replicas.all() {
            if let Some(change) = p.shrink_isr(max_lag) {
                info!(partition = %p.tp, isr = ?change.isr, "shrinking the ISR");
                if let Err(e) = broker
                    .controller
                    .alter_isr(&p.tp.topic, p.tp.partition, change.leader_epoch, change.isr)
                    .await
                {
                    warn!(partition = %p.tp, error = %e, "ISR change not committed");
                }
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
