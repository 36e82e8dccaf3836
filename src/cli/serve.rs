//! `kw serve`: run one broker node until Ctrl-C or SIGTERM.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use tokio::net::TcpListener;
use tracing::{info, warn};

use crate::broker::config::{split_key_value, BrokerConfig};
use crate::broker::{listener, Broker};
use crate::controller::{Controller, QuorumSettings};
use crate::group::state::GroupConfig;
use crate::group::{Coordinator, CoordinatorConfig};
use crate::replication::ReplicaManager;
use std::time::Duration;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  kw serve                                  single node on 127.0.0.1:9092, data in ./kw-data/node-1\n  kw serve --config num.partitions=6        Kafka broker configs by their Kafka names\n  kw serve --listen 0.0.0.0:9092 --advertise myhost:9092"
)]
pub struct ServeArgs {
    /// Node id; node N of the local cluster listens on 127.0.0.1:(9091+N)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..))]
    pub node: i32,
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

pub async fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let node = args.node;
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
    // A single node is a metadata quorum of one; its quorum port is private (loopback,
    // any free port) because no peer ever connects to it.
    let internal = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding the internal quorum port")?;
    let internal_addr = internal
        .local_addr()
        .context("reading the quorum port")?
        .to_string();
    let quorum = QuorumSettings {
        listener: internal,
        voters: std::collections::BTreeMap::from([(node as u64, internal_addr)]),
    };
    let controller = Controller::start(&data_dir, node, &adv_host, adv_port, quorum)
        .await
        .with_context(|| format!("starting the metadata quorum in {}", data_dir.display()))?;
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
    eprintln!(
        "kw: node {node} serving Kafka on {listen} (advertised as {adv_host}:{adv_port}), data in {}",
        data_dir.display()
    );
    info!(node, %listen, "listening");
    shutdown_signal().await;
    server.abort();
    retention.abort();
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
