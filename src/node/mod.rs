//! One broker node: its settings ([`NodeConfig`], parsed and validated once) and
//! its life: [`Node::start`] locks the data directory, binds the ports, joins the
//! metadata quorum, registers, and starts replication, the group coordinator, the
//! client listener and broker liveness; [`Node::shutdown`] hands leadership over,
//! stops every task, checkpoints and closes. `kw serve` is flags -> config -> start
//! -> wait for a signal -> shutdown, and tests start nodes in-process the same way.
//!
//! This is where the parts are wired together; it depends on all of them and none
//! of them depends on it (nor on `cli`).

pub mod config;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

pub use config::{ConfigError, Flags, NodeConfig, Settings};

use crate::broker::config::DescribedConfig;
use crate::broker::{listener, Broker, BrokerSettings};
use crate::controller::{Controller, LivenessSettings, QuorumSettings};
use crate::group::state::GroupConfig;
use crate::group::{Coordinator, CoordinatorConfig};
use crate::replication::manager::ReplicationSettings;
use crate::replication::ReplicaManager;
use crate::txn::TxnConfig;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("data directory {dir} is in use by another kw serve{holder}; stop it or choose another --data-dir")]
    DataDirInUse { dir: PathBuf, holder: String },
    #[error("cannot use data directory {dir}: {source}")]
    DataDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen on {addr} ({source}){hint}")]
    Bind {
        addr: String,
        hint: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("starting the metadata quorum in {dir}: {source}")]
    Quorum {
        dir: PathBuf,
        #[source]
        source: crate::controller::Error,
    },
}

/// An exclusive `flock` on `<data dir>/.lock` for the life of the node, so two
/// nodes never write the same logs. Released when dropped (or the process dies).
struct DataDirLock {
    _file: std::fs::File,
}

impl DataDirLock {
    fn acquire(dir: &Path) -> Result<DataDirLock, Error> {
        use std::os::unix::io::AsRawFd;
        let io = |source| Error::DataDir {
            dir: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let path = dir.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        // SAFETY: flock on a file descriptor we own; no memory is shared.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            return Err(Error::DataDirInUse {
                dir: dir.to_path_buf(),
                holder: if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (pid {holder})")
                },
            });
        }
        file.set_len(0).map_err(io)?;
        std::fs::write(&path, format!("{}\n", std::process::id())).map_err(io)?;
        Ok(DataDirLock { _file: file })
    }
}

/// Shuts the quorum member down if `Node::start` is abandoned half-way (a signal
/// while waiting for the quorum), so no Raft task outlives it.
struct QuorumGuard(Option<Arc<Controller>>);

impl Drop for QuorumGuard {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move { c.shutdown().await });
            }
        }
    }
}

/// A running broker node.
pub struct Node {
    node_id: i32,
    clustered: bool,
    client_addr: SocketAddr,
    advertised: (String, u16),
    data_dir: PathBuf,
    broker: Arc<Broker>,
    /// Stopped first on shutdown: heartbeats and the controller's liveness watch.
    liveness: Vec<JoinHandle<()>>,
    /// The client listener (its connections are its own tasks) and the group ticker.
    tasks: Vec<JoinHandle<()>>,
    _lock: DataDirLock,
}

impl Node {
    /// Start a node and return once it serves clients. A cluster member waits here
    /// until a majority of the voters runs (the caller may say so meanwhile, or drop
    /// the future to give up).
    pub async fn start(config: NodeConfig) -> Result<Node, Error> {
        for w in config.warnings() {
            warn!("{w}");
        }
        let lock = DataDirLock::acquire(&config.data_dir)?;
        let tcp = TcpListener::bind(&config.listen)
            .await
            .map_err(|source| Error::Bind {
                addr: config.listen.clone(),
                hint: " (is another broker using that port? choose another with --listen)",
                source,
            })?;
        let client_addr = tcp.local_addr().map_err(|source| Error::Bind {
            addr: config.listen.clone(),
            hint: "",
            source,
        })?;
        let advertised = match &config.advertise {
            Some((host, port)) if *port != 0 => (host.clone(), *port),
            Some((host, _)) => (host.clone(), client_addr.port()),
            None => {
                let ip = client_addr.ip();
                let host = if ip.is_unspecified() {
                    "127.0.0.1".to_string()
                } else {
                    ip.to_string()
                };
                (host, client_addr.port())
            }
        };
        let node_id = config.node_id;
        let quorum = Self::bind_quorum(&config).await?;
        let controller = Controller::start(&config.data_dir, node_id, quorum)
            .await
            .map_err(|source| Error::Quorum {
                dir: config.data_dir.clone(),
                source,
            })?;
        let mut guard = QuorumGuard(Some(controller.clone()));
        // Registration needs a quorum: a node started before its peers waits here.
        loop {
            match controller
                .register(&advertised.0, advertised.1 as i32)
                .await
            {
                Ok(()) => break,
                Err(e) => {
                    debug!(error = %e, "registration not committed yet");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        guard.0 = None;

        let s = &config.settings;
        let replicas = ReplicaManager::new(
            node_id,
            &config.data_dir,
            ReplicationSettings {
                replica_lag_time_max: s.replica_lag_time_max(),
                high_watermark_checkpoint_interval: Duration::from_millis(
                    s.replica_high_watermark_checkpoint_interval_ms as u64,
                ),
                retention_check_interval: Duration::from_millis(
                    s.log_retention_check_interval_ms as u64,
                ),
                topic_defaults: config.topic_defaults(),
            },
        );
        replicas.start(controller.clone()).await;
        let groups = Coordinator::new(
            node_id,
            CoordinatorConfig {
                group: GroupConfig {
                    initial_rebalance_delay: Duration::from_millis(
                        s.group_initial_rebalance_delay_ms as u64,
                    ),
                    min_session_timeout: Duration::from_millis(
                        s.group_min_session_timeout_ms as u64,
                    ),
                    max_session_timeout: Duration::from_millis(
                        s.group_max_session_timeout_ms as u64,
                    ),
                },
                offsets_partitions: s.offsets_topic_num_partitions,
                offsets_replication_factor: s.offsets_topic_replication_factor,
            },
            controller.clone(),
            replicas.clone(),
        );
        let ticker = groups.spawn_ticker();
        let txns = crate::txn::Coordinator::new(
            node_id,
            TxnConfig {
                partitions: s.transaction_state_log_num_partitions,
                replication_factor: s.transaction_state_log_replication_factor,
                min_isr: s.transaction_state_log_min_isr,
                segment_bytes: s.transaction_state_log_segment_bytes,
                max_timeout_ms: s.transaction_max_timeout_ms,
                abort_check_interval: Duration::from_millis(
                    s.transaction_abort_timed_out_transaction_cleanup_interval_ms as u64,
                ),
                offsets_partitions: s.offsets_topic_num_partitions,
            },
            controller.clone(),
            replicas.clone(),
        );
        let txn_ticker = txns.spawn_ticker();
        let broker = Broker::new(
            broker_settings(&config),
            controller.clone(),
            replicas,
            groups,
            txns,
        );
        let server = tokio::spawn(listener::run(tcp, broker.clone()));
        // Liveness only matters with peers; a lone node never fences itself.
        let liveness = if config.clustered {
            controller.spawn_liveness(LivenessSettings {
                heartbeat_interval: Duration::from_millis(s.broker_heartbeat_interval_ms as u64),
                session_timeout: Duration::from_millis(s.broker_session_timeout_ms as u64),
                auto_leader_rebalance: s.auto_leader_rebalance_enable,
                imbalance_interval: Duration::from_secs(
                    s.leader_imbalance_check_interval_seconds as u64,
                ),
            })
        } else {
            Vec::new()
        };
        info!(node = node_id, listen = %client_addr, "listening");
        Ok(Node {
            node_id,
            clustered: config.clustered,
            client_addr,
            advertised,
            data_dir: config.data_dir.clone(),
            broker,
            liveness,
            tasks: vec![server, ticker, txn_ticker],
            _lock: lock,
        })
    }

    /// The quorum's internal listener: this node's voter address, or a private
    /// loopback port for a lone node (a quorum of one; no peer ever connects).
    async fn bind_quorum(config: &NodeConfig) -> Result<QuorumSettings, Error> {
        let (addr, hint) = match &config.voters {
            Some(v) => (
                v[&(config.node_id as u64)].clone(),
                " for the metadata quorum (is this node already running?)",
            ),
            None => ("127.0.0.1:0".to_string(), " for the private quorum port"),
        };
        let bind_err = |source| Error::Bind {
            addr: addr.clone(),
            hint,
            source,
        };
        let listener = TcpListener::bind(&addr).await.map_err(bind_err)?;
        let voters = match &config.voters {
            Some(v) => v.clone(),
            None => {
                let own = listener.local_addr().map_err(bind_err)?.to_string();
                BTreeMap::from([(config.node_id as u64, own)])
            }
        };
        Ok(QuorumSettings { listener, voters })
    }

    pub fn node_id(&self) -> i32 {
        self.node_id
    }

    /// The address the client listener is bound to.
    pub fn client_addr(&self) -> SocketAddr {
        self.client_addr
    }

    /// HOST:PORT clients are told to use (a bootstrap address).
    pub fn advertised(&self) -> String {
        format!("{}:{}", self.advertised.0, self.advertised.1)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What the request handlers share (for driving `broker::dispatch` directly, as
    /// the request fuzzer does).
    pub fn broker(&self) -> &Arc<Broker> {
        &self.broker
    }

    /// Graceful stop: a cluster member first hands its leadership over (fences
    /// itself through the controller); then every task stops, logs are fsynced and
    /// high watermarks checkpointed, and the node leaves the quorum.
    pub async fn shutdown(self) {
        for t in &self.liveness {
            t.abort();
        }
        if self.clustered {
            self.broker
                .controller
                .fence_self(Duration::from_secs(3))
                .await;
        }
        for t in self.liveness.into_iter().chain(self.tasks) {
            t.abort();
            let _ = t.await;
        }
        self.broker.replicas.shutdown().await;
        self.broker.controller.shutdown().await;
        info!(node = self.node_id, "stopped");
    }
}

/// The handlers' view of the settings.
fn broker_settings(config: &NodeConfig) -> BrokerSettings {
    let s = &config.settings;
    let described = config
        .settings
        .values()
        .into_iter()
        .map(|(name, value)| {
            let info = Settings::TABLE
                .iter()
                .find(|i| i.key == name)
                .expect("values() and TABLE list the same keys");
            DescribedConfig {
                name: name.to_string(),
                value,
                is_static: config.given.contains(name),
                config_type: config_type(info.kind),
            }
        })
        .collect();
    BrokerSettings {
        node_id: config.node_id,
        auto_create_topics: s.auto_create_topics_enable,
        num_partitions: s.num_partitions,
        default_replication_factor: s.default_replication_factor,
        socket_request_max_bytes: s.socket_request_max_bytes as usize,
        max_connections: s.max_connections as usize,
        queued_max_request_bytes: usize::try_from(s.queued_max_request_bytes).ok(),
        connections_max_idle: Duration::from_millis(s.connections_max_idle_ms as u64),
        fetch_max_bytes: s.fetch_max_bytes as usize,
        topic_defaults: config.topic_defaults(),
        described,
    }
}

/// DescribeConfigs' type of a setting, from what it accepts.
fn config_type(kind: config::Kind) -> i8 {
    match kind {
        config::Kind::Bool => 1,
        config::Kind::Choice(_) => 2,
        config::Kind::List(_) => 7,
        config::Kind::Int { max, .. } if max <= i16::MAX as i64 => 4,
        config::Kind::Int { max, .. } if max <= i32::MAX as i64 => 3,
        config::Kind::Int { .. } => 5,
    }
}
