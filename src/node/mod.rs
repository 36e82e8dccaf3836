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
use crate::broker::config::SaslSettings;
use crate::broker::listener::ListenerSpec;
use crate::broker::{listener, Broker, BrokerSettings};
use crate::controller::network::{QuorumSecurity, QuorumTls};
use crate::controller::records::Endpoint;
use crate::controller::{Controller, LivenessSettings, QuorumSettings};
use crate::group::state::GroupConfig;
use crate::group::{Coordinator, CoordinatorConfig};
use crate::replication::manager::ReplicationSettings;
use crate::replication::ReplicaManager;
use crate::security::jaas::JaasConfig;
use crate::security::tls::{ClientAuth, ClientTls, Pem, ServerTls, TlsAcceptor};
use crate::security::Secret;
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
    #[error("TLS for listener {listener}: {source}")]
    Tls {
        listener: String,
        #[source]
        source: crate::security::tls::TlsError,
    },
    #[error("{0}")]
    Unsupported(String),
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
    /// Every listener's name and bound address.
    bound: Vec<(String, SocketAddr)>,
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
        let mut bound = Vec::new();
        let mut endpoints = Vec::new();
        for l in &config.listeners {
            let tcp = TcpListener::bind(&l.bind).await.map_err(|source| Error::Bind {
                addr: l.bind.clone(),
                hint: " (is another broker using that port? choose another with --listen or listeners)",
                source,
            })?;
            let addr = tcp.local_addr().map_err(|source| Error::Bind {
                addr: l.bind.clone(),
                hint: "",
                source,
            })?;
            let (host, port) = match &l.advertise {
                Some((host, port)) if *port != 0 => (host.clone(), *port),
                Some((host, _)) => (host.clone(), addr.port()),
                None if addr.ip().is_unspecified() => ("127.0.0.1".to_string(), addr.port()),
                None => (addr.ip().to_string(), addr.port()),
            };
            let tls = if l.protocol.uses_tls() {
                Some(TlsAcceptor::from(server_tls(&config, l)?))
            } else {
                None
            };
            endpoints.push(Endpoint {
                name: l.name.clone(),
                host,
                port: port as i32,
                protocol: l.protocol.name().to_string(),
            });
            bound.push((
                tcp,
                Arc::new(ListenerSpec {
                    name: Arc::from(l.name.as_str()),
                    protocol: l.protocol,
                    tls,
                }),
                addr,
            ));
        }
        let client_addr = bound[0].2;
        let advertised = (endpoints[0].host.clone(), endpoints[0].port as u16);
        let inter = &endpoints[config.inter_broker];
        let inter_broker = inter_broker_security(&config)?;
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
                .register(&inter.host, inter.port, endpoints.clone())
                .await
            {
                Ok(()) => {
                    seed_scram(&controller, &config).await;
                    break;
                }
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
                inter_broker: inter_broker.clone(),
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
                inter_broker,
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
        let permits = Arc::new(tokio::sync::Semaphore::new(broker.config.max_connections));
        // As Kafka (KIP-402): clients filling max.connections on their listeners do
        // not lock the other brokers out of a separate inter-broker listener.
        let inter_broker_permits =
            Arc::new(tokio::sync::Semaphore::new(broker.config.max_connections));
        let separate = bound.len() > 1;
        let mut tasks = Vec::new();
        let mut addrs = Vec::new();
        for (i, (tcp, spec, addr)) in bound.into_iter().enumerate() {
            addrs.push((spec.name.to_string(), addr));
            let permits = if separate && i == config.inter_broker {
                inter_broker_permits.clone()
            } else {
                permits.clone()
            };
            tasks.push(tokio::spawn(listener::run(
                tcp,
                spec,
                broker.clone(),
                permits,
            )));
        }
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
        for (name, addr) in &addrs {
            info!(node = node_id, listener = %name, %addr, "listening");
        }
        Ok(Node {
            node_id,
            clustered: config.clustered,
            client_addr,
            advertised,
            bound: addrs,
            data_dir: config.data_dir.clone(),
            broker,
            liveness,
            tasks: tasks.into_iter().chain([ticker, txn_ticker]).collect(),
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
        Ok(QuorumSettings {
            listener,
            voters,
            security: quorum_security(config)?,
        })
    }

    pub fn node_id(&self) -> i32 {
        self.node_id
    }

    /// The address the client listener is bound to.
    pub fn client_addr(&self) -> SocketAddr {
        self.client_addr
    }

    /// Every listener as NAME://ADDRESS, for the start-up line.
    pub fn listeners(&self) -> Vec<String> {
        self.bound
            .iter()
            .map(|(name, addr)| format!("{name}://{addr}"))
            .collect()
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
            let sensitive = matches!(info.kind, config::Kind::Password);
            DescribedConfig {
                name: name.to_string(),
                // Kafka never prints a secret, set or not.
                value: if sensitive { None } else { value },
                is_sensitive: sensitive,
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
        sasl: sasl_settings(config),
        authz: (!s.authorizer_class_name.is_empty()).then(|| {
            crate::broker::config::AuthzSettings {
                super_users: s
                    .super_users
                    .as_deref()
                    .unwrap_or_default()
                    .split(';')
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .map(String::from)
                    .collect(),
                allow_if_no_acl: s.allow_everyone_if_no_acl_found,
            }
        }),
    }
}

fn pem(location: &Option<String>, text: &Option<String>) -> Option<Pem> {
    match (location, text) {
        (Some(path), _) => Some(Pem::File(PathBuf::from(path))),
        (None, Some(text)) => Some(Pem::Text(text.clone())),
        (None, None) => None,
    }
}

/// A TLS listener's configuration, its files read and checked here, once. As in
/// Kafka, `ssl.client.auth` applies to SSL listeners; SASL_SSL clients
/// authenticate with SASL.
fn server_tls(
    config: &NodeConfig,
    listener: &config::ListenerConfig,
) -> Result<Arc<tokio_rustls::rustls::ServerConfig>, Error> {
    let client_auth = if listener.protocol == crate::security::SecurityProtocol::Ssl {
        config
            .settings
            .ssl_client_auth
            .parse::<ClientAuth>()
            .map_err(Error::Unsupported)?
    } else {
        ClientAuth::None
    };
    keystore_server(config, client_auth)
        .config()
        .map_err(|source| Error::Tls {
            listener: listener.name.clone(),
            source,
        })
}

/// The node's keystore and truststore as a TLS server.
fn keystore_server(config: &NodeConfig, client_auth: ClientAuth) -> ServerTls {
    let s = &config.settings;
    ServerTls {
        chain: pem(&s.ssl_keystore_location, &s.ssl_keystore_certificate_chain),
        key: keystore_key(config),
        trust: pem(&s.ssl_truststore_location, &s.ssl_truststore_certificates),
        client_auth,
    }
}

/// The node's keystore and truststore as a TLS client of another broker: it
/// presents its certificate and trusts its truststore, as Kafka's brokers do.
fn keystore_client(config: &NodeConfig) -> ClientTls {
    let s = &config.settings;
    ClientTls {
        ca: pem(&s.ssl_truststore_location, &s.ssl_truststore_certificates),
        certificate: pem(&s.ssl_keystore_location, &s.ssl_keystore_certificate_chain),
        key: keystore_key(config),
        verify_certificate: true,
        verify_hostname: s
            .ssl_endpoint_identification_algorithm
            .eq_ignore_ascii_case("https"),
    }
}

/// The private key: `ssl.keystore.key` as PEM text, else the keystore file.
fn keystore_key(config: &NodeConfig) -> Option<Pem> {
    let s = &config.settings;
    match (&s.ssl_keystore_location, &s.ssl_keystore_key) {
        (_, Some(text)) => Some(Pem::Text(text.clone())),
        (Some(path), None) => Some(Pem::File(PathBuf::from(path))),
        (None, None) => None,
    }
}

/// Mutual TLS between the voters when the quorum's listener maps to SSL: the
/// keystore is both the server's and the client's certificate, and a peer must
/// present one the truststore's CA signed, whatever `ssl.client.auth` says, since
/// that is how a voter knows its peers.
fn quorum_security(config: &NodeConfig) -> Result<QuorumSecurity, Error> {
    if config.quorum_protocol != crate::security::SecurityProtocol::Ssl {
        return Ok(None);
    }
    let name = config
        .settings
        .controller_listener_names
        .clone()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let tls_err = |source| Error::Tls {
        listener: name.clone(),
        source,
    };
    let server = keystore_server(config, ClientAuth::Required)
        .config()
        .map_err(tls_err)?;
    let client = keystore_client(config).config().map_err(tls_err)?;
    Ok(Some(Arc::new(QuorumTls {
        acceptor: TlsAcceptor::from(server),
        connector: crate::security::tls::TlsConnector::from(client),
    })))
}

fn jaas(config: &NodeConfig) -> Option<JaasConfig> {
    config
        .settings
        .sasl_jaas_config
        .as_deref()
        .and_then(|t| JaasConfig::parse(t).ok())
}

/// The first administrator of a new cluster: the users of `sasl.jaas.config`
/// (`username`/`password` and every `user_NAME`) get SCRAM credentials for each
/// enabled SCRAM mechanism they have none for yet. Credentials set later through
/// AlterUserScramCredentials (`kw users`) are never overwritten.
async fn seed_scram(controller: &Controller, config: &NodeConfig) {
    let Some(jaas) = jaas(config) else { return };
    let mut users: Vec<(String, String)> = jaas
        .users()
        .map(|(u, p)| (u.to_string(), p.to_string()))
        .collect();
    if let (Some(u), Some(p)) = (jaas.username(), jaas.password()) {
        if !users.iter().any(|(name, _)| name == u) {
            users.push((u.to_string(), p.to_string()));
        }
    }
    let image = controller.image();
    let mut upsert = Vec::new();
    for m in crate::security::scram::Mechanism::ALL {
        if !config
            .settings
            .sasl_enabled_mechanisms
            .split(',')
            .any(|e| e == m.name())
        {
            continue;
        }
        for (user, password) in &users {
            if image
                .scram
                .get(user)
                .is_some_and(|c| c.contains_key(&m.code()))
            {
                continue;
            }
            let c = crate::security::scram::new_credential(m, password, 8192);
            upsert.push(crate::controller::records::ScramRecord::new(
                user,
                m.code(),
                &c,
            ));
        }
    }
    if upsert.is_empty() {
        return;
    }
    if let Err(e) = controller.alter_scram(upsert, Vec::new()).await {
        warn!(error = %e, "could not store the SCRAM credentials of sasl.jaas.config's users");
    }
}

/// What SASL listeners accept.
fn sasl_settings(config: &NodeConfig) -> SaslSettings {
    SaslSettings {
        mechanisms: config
            .settings
            .sasl_enabled_mechanisms
            .split(',')
            .map(String::from)
            .collect(),
        plain_users: jaas(config)
            .map(|j| {
                j.users()
                    .map(|(u, p)| (u.to_string(), Secret(p.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// How this node reaches the others' inter-broker listener: the same protocol,
/// trusting the truststore and presenting the keystore, and with SASL its own
/// credentials of `sasl.jaas.config`, as Kafka's brokers do.
fn inter_broker_security(config: &NodeConfig) -> Result<crate::client::Security, Error> {
    let l = &config.listeners[config.inter_broker];
    let sasl = if l.protocol.uses_sasl() {
        let jaas = jaas(config);
        let (Some(username), Some(password)) = (
            jaas.as_ref().and_then(|j| j.username()),
            jaas.as_ref().and_then(|j| j.password()),
        ) else {
            return Err(Error::Unsupported(format!(
                "the inter-broker listener {} uses SASL: set sasl.jaas.config with username and password",
                l.name
            )));
        };
        Some(crate::client::SaslConfig {
            mechanism: config.settings.sasl_mechanism_inter_broker_protocol.clone(),
            username: username.to_string(),
            password: Secret(password.to_string()),
        })
    } else {
        None
    };
    if !l.protocol.uses_tls() {
        return Ok(crate::client::Security {
            protocol: l.protocol,
            tls: None,
            sasl,
        });
    }
    let tls = keystore_client(config);
    let client = tls.config().map_err(|source| Error::Tls {
        listener: l.name.clone(),
        source,
    })?;
    Ok(crate::client::Security {
        protocol: l.protocol,
        tls: Some(client),
        sasl,
    })
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
        config::Kind::Text => 2,
        config::Kind::Password => 9,
    }
}
