//! Node settings: `kw serve`'s flags and every broker setting it accepts as
//! `--config key=value`, under Kafka's names, with Kafka's defaults (or kw's, chosen
//! for a workshop on one laptop, where they differ) and valid ranges. Parsed and
//! validated once, before anything binds a port or touches the data directory;
//! the rest of the node reads typed fields and never looks a setting up by name.
//! Keys Kafka has but kw does not honour are listed once, in [`IGNORED`].
//! Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use crate::security::SecurityProtocol;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("unknown broker config '{0}' (kw takes Kafka's names, e.g. num.partitions; `kw serve --help` lists them)")]
    Unknown(String),
    #[error("invalid value '{value}' for broker config '{key}': expected {expected}")]
    Invalid {
        key: String,
        value: String,
        expected: String,
    },
    /// A value that is valid alone but not together with another setting.
    #[error("invalid value '{value}' for broker config '{key}': expected {expected}")]
    Conflict {
        key: String,
        value: String,
        expected: String,
    },
    #[error("expected KEY=VALUE after --config, got '{0}'")]
    NotKeyValue(String),
    #[error("{0}")]
    Flag(String),
}

/// What a setting accepts.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Bool,
    /// An integer in `min..=max`.
    Int {
        min: i64,
        max: i64,
    },
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A comma-separated list of these words (at least one).
    List(&'static [&'static str]),
    /// Any text (a path, a listener list); checked where it is used.
    Text,
    /// A secret: any text, never printed (DescribeConfigs reports it as sensitive).
    Password,
}

const I32: i64 = i32::MAX as i64;
const I64: i64 = i64::MAX;

const fn at_least(min: i64, max: i64) -> Kind {
    Kind::Int { min, max }
}

impl Kind {
    /// What the kind accepts, as the end of a sentence ("an integer >= 1").
    pub fn expected(&self) -> String {
        match *self {
            Kind::Bool => "true or false".into(),
            Kind::Int { min, max } if max == I32 || max == I64 => {
                format!("an integer >= {min}")
            }
            Kind::Int { min, max } => format!("an integer from {min} to {max}"),
            Kind::Choice(words) => format!("one of {}", words.join(", ")),
            Kind::List(words) => format!("a comma-separated list of {}", words.join(", ")),
            Kind::Text | Kind::Password => "text".into(),
        }
    }
}

/// How a setting's text becomes its typed value and back.
trait Value: Sized {
    fn parse(text: &str, kind: Kind) -> Option<Self>;
    fn render(&self) -> Option<String>;
}

impl Value for bool {
    fn parse(text: &str, _: Kind) -> Option<bool> {
        // Kafka's ConfigDef reads booleans case-insensitively.
        match text.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
    fn render(&self) -> Option<String> {
        Some(self.to_string())
    }
}

fn int_in(text: &str, kind: Kind) -> Option<i64> {
    let v: i64 = text.parse().ok()?;
    match kind {
        Kind::Int { min, max } => (min..=max).contains(&v).then_some(v),
        _ => Some(v),
    }
}

impl Value for i32 {
    fn parse(text: &str, kind: Kind) -> Option<i32> {
        int_in(text, kind).and_then(|v| i32::try_from(v).ok())
    }
    fn render(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl Value for i64 {
    fn parse(text: &str, kind: Kind) -> Option<i64> {
        int_in(text, kind)
    }
    fn render(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl Value for String {
    fn parse(text: &str, kind: Kind) -> Option<String> {
        match kind {
            Kind::Choice(words) => words.contains(&text).then(|| text.to_string()),
            Kind::List(words) => {
                let items: Vec<&str> = text.split(',').map(str::trim).collect();
                items
                    .iter()
                    .all(|i| words.contains(i))
                    .then(|| items.join(","))
            }
            Kind::Password => Some(text.to_string()),
            _ => Some(text.to_string()),
        }
    }
    fn render(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl<T: Value> Value for Option<T> {
    fn parse(text: &str, kind: Kind) -> Option<Option<T>> {
        T::parse(text, kind).map(Some)
    }
    fn render(&self) -> Option<String> {
        self.as_ref().and_then(T::render)
    }
}

/// One row of the settings table, for listings (`--help`, DescribeConfigs).
#[derive(Debug, Clone, Copy)]
pub struct SettingInfo {
    pub key: &'static str,
    pub kind: Kind,
    pub doc: &'static str,
}

/// The table of broker settings: each one a typed field of [`Settings`], with its
/// Kafka key, default, accepted values and a line of documentation.
macro_rules! settings {
    ($( $(#[doc = $doc:literal])+ $field:ident : $ty:ty = $default:expr, $key:literal, $kind:expr; )*) => {
        /// Every broker setting, typed (field names are the Kafka keys with `_`).
        #[derive(Clone, PartialEq)]
        pub struct Settings {
            $( $(#[doc = $doc])+ pub $field: $ty, )*
        }

        /// Passwords (sasl.jaas.config, ssl.keystore.key, ...) never printed.
        impl std::fmt::Debug for Settings {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut d = f.debug_struct("Settings");
                $(
                    if matches!($kind, Kind::Password) {
                        d.field(stringify!($field), &"(hidden)");
                    } else {
                        d.field(stringify!($field), &self.$field);
                    }
                )*
                d.finish()
            }
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings { $( $field: $default, )* }
            }
        }

        impl Settings {
            /// Every setting, in table order.
            pub const TABLE: &'static [SettingInfo] = &[
                $( SettingInfo { key: $key, kind: $kind, doc: concat!($($doc),+) }, )*
            ];

            /// Set one setting from its text; `Ok(false)` when `key` is not in the table.
            fn set(&mut self, key: &str, text: &str) -> Result<bool, ConfigError> {
                match key {
                    $( $key => {
                        self.$field = Value::parse(text, $kind).ok_or_else(|| ConfigError::Invalid {
                            key: key.to_string(),
                            value: text.to_string(),
                            expected: $kind.expected(),
                        })?;
                        Ok(true)
                    } )*
                    _ => Ok(false),
                }
            }

            /// Every setting's current value as Kafka prints it (None: unset).
            pub fn values(&self) -> Vec<(&'static str, Option<String>)> {
                vec![ $( ($key, Value::render(&self.$field)), )* ]
            }
        }
    };
}

settings! {
    /// Create a topic when a client asks for one that does not exist.
    auto_create_topics_enable: bool = true, "auto.create.topics.enable", Kind::Bool;
    /// Partitions of an auto-created topic, and of a created one that names none.
    num_partitions: i32 = 1, "num.partitions", at_least(1, I32);
    /// Replication factor of an auto-created topic, and of a created one that names none.
    default_replication_factor: i32 = 1, "default.replication.factor", at_least(1, I32);
    /// Largest request a client may send; a larger frame closes its connection.
    socket_request_max_bytes: i32 = 104_857_600, "socket.request.max.bytes", at_least(1, I32);
    /// Client connections served at once (kw's default; Kafka's is unlimited).
    max_connections: i32 = 10_000, "max.connections", at_least(1, I32);
    /// Bytes of requests read and not yet answered, over all connections (kw's default; Kafka's -1 is unbounded).
    queued_max_request_bytes: i64 = 268_435_456, "queued.max.request.bytes", at_least(-1, I64);
    /// Close a connection that sends nothing for this long (also in the middle of a request).
    connections_max_idle_ms: i64 = 600_000, "connections.max.idle.ms", at_least(1, I64);
    /// Most bytes one Fetch response carries, whatever the client asks for.
    fetch_max_bytes: i32 = 57_671_680, "fetch.max.bytes", at_least(1024, I32);
    /// How often retention looks for segments to delete.
    log_retention_check_interval_ms: i64 = 300_000, "log.retention.check.interval.ms", at_least(1, I64);
    /// Keep data this long; -1 forever (wins over log.retention.minutes and .hours).
    log_retention_ms: Option<i64> = None, "log.retention.ms", at_least(-1, I64);
    /// Keep data this long, in minutes (wins over log.retention.hours).
    log_retention_minutes: Option<i32> = None, "log.retention.minutes", at_least(-1, I32);
    /// Keep data this long, in hours.
    log_retention_hours: i32 = 168, "log.retention.hours", at_least(-1, I32);
    /// Delete old segments once a partition is larger than this; -1 no limit.
    log_retention_bytes: i64 = -1, "log.retention.bytes", at_least(-1, I64);
    /// Size at which a partition's active segment rolls.
    log_segment_bytes: i32 = 1_073_741_824, "log.segment.bytes", at_least(14, I32);
    /// Roll the active segment once its records span this long (wins over log.roll.hours).
    log_roll_ms: Option<i64> = None, "log.roll.ms", at_least(1, I64);
    /// Roll the active segment once its records span this many hours.
    log_roll_hours: i32 = 168, "log.roll.hours", at_least(1, I32);
    /// fsync a partition after this many records (1 = before every acknowledgement).
    log_flush_interval_messages: i64 = i64::MAX, "log.flush.interval.messages", at_least(1, I64);
    /// Bytes between entries of the sparse offset index.
    log_index_interval_bytes: i32 = 4096, "log.index.interval.bytes", at_least(0, I32);
    /// Default cleanup policy of topics (kw deletes by retention; it does not compact).
    log_cleanup_policy: String = "delete".into(), "log.cleanup.policy", Kind::List(&["delete", "compact"]);
    /// Default timestamp type of topics: CreateTime (the producer's) or LogAppendTime (the broker stamps each batch).
    log_message_timestamp_type: String = "CreateTime".into(), "log.message.timestamp.type",
        Kind::Choice(&["CreateTime", "LogAppendTime"]);
    /// Largest record batch a producer may send.
    message_max_bytes: i32 = 1_048_588, "message.max.bytes", at_least(0, I32);
    /// In-sync replicas an acks=all produce needs.
    min_insync_replicas: i32 = 1, "min.insync.replicas", at_least(1, I32);
    /// Elect a leader outside the ISR when none is left (kw never does; only false is honoured).
    unclean_leader_election_enable: bool = false, "unclean.leader.election.enable", Kind::Bool;
    /// Default compression of topics (kw stores batches as produced: only producer is honoured).
    compression_type: String = "producer".into(), "compression.type",
        Kind::Choice(&["producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"]);
    /// Partitions of __consumer_offsets.
    offsets_topic_num_partitions: i32 = 50, "offsets.topic.num.partitions", at_least(1, I32);
    /// Replication factor of __consumer_offsets (capped at the number of brokers).
    offsets_topic_replication_factor: i32 = 3, "offsets.topic.replication.factor", at_least(1, i16::MAX as i64);
    /// Partitions of __transaction_state.
    transaction_state_log_num_partitions: i32 = 50, "transaction.state.log.num.partitions", at_least(1, I32);
    /// Replication factor of __transaction_state (capped at the number of brokers).
    transaction_state_log_replication_factor: i32 = 3, "transaction.state.log.replication.factor",
        at_least(1, i16::MAX as i64);
    /// min.insync.replicas of __transaction_state (capped at its replication factor).
    transaction_state_log_min_isr: i32 = 2, "transaction.state.log.min.isr", at_least(1, I32);
    /// Segment size of __transaction_state.
    transaction_state_log_segment_bytes: i32 = 104_857_600, "transaction.state.log.segment.bytes",
        at_least(1, I32);
    /// Longest transaction.timeout.ms a producer may ask for.
    transaction_max_timeout_ms: i32 = 900_000, "transaction.max.timeout.ms", at_least(1, I32);
    /// How often open transactions are checked against their timeout.
    transaction_abort_timed_out_transaction_cleanup_interval_ms: i32 = 10_000,
        "transaction.abort.timed.out.transaction.cleanup.interval.ms", at_least(1, I32);
    /// Wait this long for more members before the first rebalance of a new group.
    group_initial_rebalance_delay_ms: i32 = 3000, "group.initial.rebalance.delay.ms", at_least(0, I32);
    /// Smallest session timeout a consumer may ask for.
    group_min_session_timeout_ms: i32 = 6000, "group.min.session.timeout.ms", at_least(0, I32);
    /// Largest session timeout a consumer may ask for.
    group_max_session_timeout_ms: i32 = 1_800_000, "group.max.session.timeout.ms", at_least(0, I32);
    /// A follower that has not caught up for this long leaves the ISR.
    replica_lag_time_max_ms: i64 = 30_000, "replica.lag.time.max.ms", at_least(1, I64);
    /// How often each partition's high watermark is written to disk.
    replica_high_watermark_checkpoint_interval_ms: i64 = 5000,
        "replica.high.watermark.checkpoint.interval.ms", at_least(1, I64);
    /// Move leadership back to preferred replicas periodically.
    auto_leader_rebalance_enable: bool = true, "auto.leader.rebalance.enable", Kind::Bool;
    /// How often the preferred-leader election runs (kw's default; Kafka's is 300).
    leader_imbalance_check_interval_seconds: i64 = 30, "leader.imbalance.check.interval.seconds", at_least(1, I64);
    /// A broker that misses heartbeats for this long is fenced (kw's default; Kafka's is 9000).
    broker_session_timeout_ms: i32 = 3000, "broker.session.timeout.ms", at_least(1, I32);
    /// How often a broker heartbeats to the controller (kw's default; Kafka's is 2000).
    broker_heartbeat_interval_ms: i32 = 500, "broker.heartbeat.interval.ms", at_least(1, I32);
    /// Where the node listens: NAME://HOST:PORT,... (default: PLAINTEXT:// on --listen).
    listeners: Option<String> = None, "listeners", Kind::Text;
    /// What clients are told per listener: NAME://HOST:PORT,... (default: the listeners).
    advertised_listeners: Option<String> = None, "advertised.listeners", Kind::Text;
    /// Listener name to security protocol: NAME:PROTOCOL,...
    listener_security_protocol_map: String =
        "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL".into(),
        "listener.security.protocol.map", Kind::Text;
    /// The listener replication, transaction markers and coordinators' traffic use.
    inter_broker_listener_name: Option<String> = None, "inter.broker.listener.name", Kind::Text;
    /// The quorum port's listener name (its address is in --voters); its protocol in
    /// listener.security.protocol.map, PLAINTEXT or SSL (mutual TLS between voters).
    controller_listener_names: Option<String> = None, "controller.listener.names", Kind::Text;
    /// The security protocol between brokers, when inter.broker.listener.name is not given.
    security_inter_broker_protocol: Option<String> = None, "security.inter.broker.protocol",
        Kind::Choice(&["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]);
    /// Format of the keystore (kw reads PEM only).
    ssl_keystore_type: String = "PEM".into(), "ssl.keystore.type", Kind::Choice(&["PEM"]);
    /// PEM file with the listener's private key and certificate chain.
    ssl_keystore_location: Option<String> = None, "ssl.keystore.location", Kind::Text;
    /// The listener's certificate chain as PEM text (with ssl.keystore.key).
    ssl_keystore_certificate_chain: Option<String> = None, "ssl.keystore.certificate.chain", Kind::Password;
    /// The listener's private key as PEM text (with ssl.keystore.certificate.chain).
    ssl_keystore_key: Option<String> = None, "ssl.keystore.key", Kind::Password;
    /// Password of an encrypted key (kw reads unencrypted PEM keys only).
    ssl_key_password: Option<String> = None, "ssl.key.password", Kind::Password;
    /// Password of a keystore file (not used by PEM keystores).
    ssl_keystore_password: Option<String> = None, "ssl.keystore.password", Kind::Password;
    /// Format of the truststore (kw reads PEM only).
    ssl_truststore_type: String = "PEM".into(), "ssl.truststore.type", Kind::Choice(&["PEM"]);
    /// PEM file with the CAs that sign client certificates (and, between brokers, broker certificates).
    ssl_truststore_location: Option<String> = None, "ssl.truststore.location", Kind::Text;
    /// The trusted CAs as PEM text.
    ssl_truststore_certificates: Option<String> = None, "ssl.truststore.certificates", Kind::Password;
    /// Password of a truststore file (not used by PEM truststores).
    ssl_truststore_password: Option<String> = None, "ssl.truststore.password", Kind::Password;
    /// Client certificates on TLS listeners: none, requested or required (mTLS).
    ssl_client_auth: String = "none".into(), "ssl.client.auth", Kind::Choice(&["none", "requested", "required"]);
    /// Between brokers: https checks the peer's host name against its certificate; empty does not.
    ssl_endpoint_identification_algorithm: String = "https".into(), "ssl.endpoint.identification.algorithm", Kind::Text;
    /// SASL mechanisms SASL listeners accept (kw's default; Kafka's is GSSAPI, which kw does not speak).
    sasl_enabled_mechanisms: String = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512".into(), "sasl.enabled.mechanisms",
        Kind::List(&["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]);
    /// The mechanism brokers authenticate to each other with (kw's default; Kafka's is GSSAPI).
    sasl_mechanism_inter_broker_protocol: String = "PLAIN".into(), "sasl.mechanism.inter.broker.protocol",
        Kind::Choice(&["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]);
    /// The authorizer: empty for none (everything allowed); Kafka's StandardAuthorizer or AclAuthorizer class name (or kw) switches on ACLs.
    authorizer_class_name: String = String::new(), "authorizer.class.name", Kind::Text;
    /// Principals allowed everything, separated by ';' (User:admin;User:CN=broker,O=acme).
    super_users: Option<String> = None, "super.users", Kind::Text;
    /// With the authorizer on: allow a request on a resource no ACL mentions.
    allow_everyone_if_no_acl_found: bool = false, "allow.everyone.if.no.acl.found", Kind::Bool;
    /// LoginModule required username="..." password="..." user_NAME="..." ...; (this broker's credentials between brokers; user_ entries are PLAIN users and seed SCRAM credentials).
    sasl_jaas_config: Option<String> = None, "sasl.jaas.config", Kind::Password;
}

/// Broker settings that set the default of a topic config: (broker key, topic key).
const TOPIC_DEFAULTS: &[(&str, &str)] = &[
    ("log.segment.bytes", "segment.bytes"),
    ("log.retention.bytes", "retention.bytes"),
    ("log.flush.interval.messages", "flush.messages"),
    ("log.index.interval.bytes", "index.interval.bytes"),
    ("log.cleanup.policy", "cleanup.policy"),
    ("message.max.bytes", "max.message.bytes"),
    ("min.insync.replicas", "min.insync.replicas"),
    (
        "unclean.leader.election.enable",
        "unclean.leader.election.enable",
    ),
    ("compression.type", "compression.type"),
    ("log.message.timestamp.type", "message.timestamp.type"),
];

/// Keys Kafka has that kw accepts and ignores, each with what to do instead. A
/// node warns once about each one given.
pub const IGNORED: &[(&str, &str)] = &[
    ("broker.id", "the node id is --node"),
    ("node.id", "the node id is --node"),
    (
        "process.roles",
        "every kw node is both broker and controller",
    ),
    ("controller.quorum.voters", "use --voters"),
    ("log.dir", "use --data-dir"),
    ("log.dirs", "use --data-dir"),
    ("metadata.log.dir", "the metadata log lives in --data-dir"),
    ("zookeeper.connect", "kw needs no ZooKeeper"),
    ("num.network.threads", "kw runs on an async runtime"),
    ("num.io.threads", "kw runs on an async runtime"),
    ("num.replica.fetchers", "kw runs one fetcher per leader"),
    (
        "num.recovery.threads.per.data.dir",
        "logs are recovered as they open",
    ),
    ("background.threads", "kw runs on an async runtime"),
    (
        "socket.send.buffer.bytes",
        "the operating system sizes socket buffers",
    ),
    (
        "socket.receive.buffer.bytes",
        "the operating system sizes socket buffers",
    ),
    ("log.cleaner.enable", "kw does not compact logs"),
    ("delete.topic.enable", "topics can always be deleted"),
    (
        "group.coordinator.rebalance.protocols",
        "kw speaks the classic group protocol",
    ),
    (
        "inter.broker.protocol.version",
        "kw speaks one protocol version table",
    ),
    (
        "log.message.format.version",
        "kw stores record batches of magic 2",
    ),
];

/// The node's settings, parsed from flags and `--config`: where it listens, which
/// quorum it belongs to, where its data is, and every broker setting.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    pub node_id: i32,
    /// A member of a multi-node quorum (`--node`): heartbeats, fencing and a
    /// controlled shutdown. A lone node is a quorum of one.
    pub clustered: bool,
    /// voter id -> quorum address; None for a lone node (a private quorum port).
    pub voters: Option<BTreeMap<u64, String>>,
    /// Where clients connect, at least one; each with its own security protocol.
    pub listeners: Vec<ListenerConfig>,
    /// The index in `listeners` of the one brokers use between themselves.
    pub inter_broker: usize,
    /// The quorum port's protocol: PLAINTEXT, or SSL (mutual TLS).
    pub quorum_protocol: SecurityProtocol,
    pub data_dir: PathBuf,
    pub settings: Settings,
    /// Keys given with `--config` (reported as static broker configs).
    pub given: BTreeSet<String>,
    /// Ignored keys that were given, with the hint of [`IGNORED`].
    pub ignored: Vec<(String, &'static str)>,
}

/// One listener: a name clients are told endpoints by, its security protocol,
/// where it binds and what clients are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerConfig {
    /// Upper case, as Kafka normalises listener names.
    pub name: String,
    pub protocol: SecurityProtocol,
    /// HOST:PORT to bind (port 0: any free port).
    pub bind: String,
    /// What clients are told; None: the bind host and the bound port.
    pub advertise: Option<(String, u16)>,
}

/// Kafka's `NAME://HOST:PORT,...` (an empty host binds every interface).
fn parse_listener_list(key: &str, text: &str) -> Result<Vec<(String, String, u16)>, ConfigError> {
    let invalid = |expected: &str| ConfigError::Invalid {
        key: key.to_string(),
        value: text.to_string(),
        expected: expected.to_string(),
    };
    let mut out: Vec<(String, String, u16)> = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, addr) = item
            .split_once("://")
            .ok_or_else(|| invalid("a comma-separated list of NAME://HOST:PORT"))?;
        let name = name.trim().to_ascii_uppercase();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(invalid("listener names of letters, digits, _ and -"));
        }
        let (host, port) = addr
            .rsplit_once(':')
            .ok_or_else(|| invalid("a comma-separated list of NAME://HOST:PORT"))?;
        let port: u16 = port
            .parse()
            .map_err(|_| invalid("a comma-separated list of NAME://HOST:PORT"))?;
        let host = host.trim_matches(|c| c == '[' || c == ']').to_string();
        if out.iter().any(|(n, _, _)| *n == name) {
            return Err(invalid(&format!(
                "each listener name once ({name} is listed twice)"
            )));
        }
        out.push((name, host, port));
    }
    if out.is_empty() {
        return Err(invalid("at least one NAME://HOST:PORT"));
    }
    Ok(out)
}

/// `listener.security.protocol.map`: NAME:PROTOCOL,...
fn parse_protocol_map(text: &str) -> Result<BTreeMap<String, SecurityProtocol>, ConfigError> {
    let invalid = || ConfigError::Invalid {
        key: "listener.security.protocol.map".into(),
        value: text.to_string(),
        expected:
            "a comma-separated list of NAME:PROTOCOL (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)"
                .into(),
    };
    let mut map = BTreeMap::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, protocol) = item.split_once(':').ok_or_else(invalid)?;
        let protocol: SecurityProtocol = protocol.parse().map_err(|_| invalid())?;
        map.insert(name.trim().to_ascii_uppercase(), protocol);
    }
    Ok(map)
}

/// The listeners from `--listen`/`--advertise` or Kafka's `listeners`,
/// `advertised.listeners`, `listener.security.protocol.map` and the inter-broker
/// settings; returns them with the index of the inter-broker one.
fn listeners_of(
    flags: &Flags,
    s: &Settings,
    node_id: i32,
) -> Result<(Vec<ListenerConfig>, usize), ConfigError> {
    let map = parse_protocol_map(&s.listener_security_protocol_map)?;
    let binds: Vec<(String, String, u16)> = match (&s.listeners, &flags.listen) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::Flag(
                "give the listeners with --listen or with --config listeners=..., not both".into(),
            ))
        }
        (Some(text), None) => parse_listener_list("listeners", text)?,
        (None, listen) => {
            let listen = listen
                .clone()
                .unwrap_or_else(|| format!("127.0.0.1:{}", 9091 + node_id as i64));
            let (host, port) = split_host_port(&listen)?;
            vec![("PLAINTEXT".to_string(), host, port)]
        }
    };
    let mut listeners = Vec::new();
    for (name, host, port) in binds {
        let protocol = *map.get(&name).ok_or_else(|| ConfigError::Conflict {
            key: "listeners".into(),
            value: s.listeners.clone().unwrap_or_default(),
            expected: format!(
                "listener names that listener.security.protocol.map maps to a protocol ({name} is not in it)"
            ),
        })?;
        if port != 0
            && listeners
                .iter()
                .any(|l: &ListenerConfig| l.bind.ends_with(&format!(":{port}")))
        {
            return Err(ConfigError::Conflict {
                key: "listeners".into(),
                value: s.listeners.clone().unwrap_or_default(),
                expected: format!("a port per listener ({port} is used twice)"),
            });
        }
        let host = if host.is_empty() {
            "0.0.0.0".to_string()
        } else {
            host
        };
        let bind = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        listeners.push(ListenerConfig {
            name,
            protocol,
            bind,
            advertise: None,
        });
    }
    match (&s.advertised_listeners, &flags.advertise) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::Flag(
                "give the advertised address with --advertise or with --config advertised.listeners=..., not both".into(),
            ))
        }
        (Some(text), None) => {
            for (name, host, port) in parse_listener_list("advertised.listeners", text)? {
                let conflict = |expected: String| ConfigError::Conflict {
                    key: "advertised.listeners".into(),
                    value: text.clone(),
                    expected,
                };
                if host.is_empty() || host == "0.0.0.0" || host == "::" {
                    return Err(conflict(format!("a host clients can reach for {name}")));
                }
                let l = listeners
                    .iter_mut()
                    .find(|l| l.name == name)
                    .ok_or_else(|| conflict(format!("names from listeners ({name} is not a listener)")))?;
                l.advertise = Some((host, port));
            }
        }
        (None, Some(adv)) => listeners[0].advertise = Some(split_host_port(adv)?),
        (None, None) => {}
    }
    let wanted = match (
        &s.inter_broker_listener_name,
        &s.security_inter_broker_protocol,
    ) {
        (Some(n), Some(p)) => {
            return Err(ConfigError::Conflict {
                key: "inter.broker.listener.name".into(),
                value: n.clone(),
                expected: format!(
                "only one of inter.broker.listener.name and security.inter.broker.protocol ({p})"
            ),
            })
        }
        (Some(n), None) => Some(("inter.broker.listener.name", n.to_ascii_uppercase())),
        (None, Some(p)) => Some(("security.inter.broker.protocol", p.clone())),
        // Kafka's default is the PLAINTEXT listener; kw takes the first one when
        // there is none, so a TLS-only node needs no extra setting.
        (None, None) => None,
    };
    let inter_broker = match wanted {
        Some((key, name)) => listeners
            .iter()
            .position(|l| l.name == name)
            .ok_or_else(|| ConfigError::Conflict {
                key: key.into(),
                value: name.clone(),
                expected: "the name of one of the listeners".into(),
            })?,
        None => listeners
            .iter()
            .position(|l| l.name == "PLAINTEXT")
            .unwrap_or(0),
    };
    Ok((listeners, inter_broker))
}

/// The quorum port's protocol from `controller.listener.names` and the protocol
/// map: PLAINTEXT unless the name maps to SSL. The port itself is in --voters.
fn quorum_protocol_of(s: &Settings) -> Result<SecurityProtocol, ConfigError> {
    let Some(names) = &s.controller_listener_names else {
        return Ok(SecurityProtocol::Plaintext);
    };
    let conflict = |expected: String| ConfigError::Conflict {
        key: "controller.listener.names".into(),
        value: names.clone(),
        expected,
    };
    let name = names.trim().to_ascii_uppercase();
    if name.is_empty() || name.contains(',') {
        return Err(conflict(
            "one listener name (the quorum port is in --voters)".into(),
        ));
    }
    let map = parse_protocol_map(&s.listener_security_protocol_map)?;
    match map.get(&name) {
        None => Err(conflict(format!(
            "a name listener.security.protocol.map maps to a protocol ({name} is not in it)"
        ))),
        Some(p @ (SecurityProtocol::Plaintext | SecurityProtocol::Ssl)) => Ok(*p),
        Some(p) => Err(conflict(format!(
            "a listener of PLAINTEXT or SSL: the quorum port speaks mutual TLS, not SASL ({name} is {})",
            p.name()
        ))),
    }
}

/// The `kw serve` flags a [`NodeConfig`] is made from.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub node: Option<i32>,
    pub voters: Option<String>,
    pub listen: Option<String>,
    pub advertise: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub config: Vec<String>,
}

/// The `key=value` pairs of a Java properties file (Kafka's `server.properties`):
/// `#` and `!` comment lines, `=` or `:` between key and value, a trailing `\`
/// continues a line, and `\n`, `\t`, `\\` escapes.
pub fn parse_properties(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut logical = String::new();
    for line in text.lines() {
        let line = if logical.is_empty() {
            line.trim()
        } else {
            line.trim_start()
        };
        if logical.is_empty() && (line.is_empty() || line.starts_with('#') || line.starts_with('!'))
        {
            continue;
        }
        let trailing = line.len() - line.trim_end_matches('\\').len();
        if trailing % 2 == 1 {
            logical.push_str(&line[..line.len() - 1]);
            continue;
        }
        logical.push_str(line);
        let entry = std::mem::take(&mut logical);
        let split = entry.find(['=', ':']).unwrap_or(entry.len());
        let (key, value) = (
            entry[..split].trim(),
            entry.get(split + 1..).unwrap_or("").trim(),
        );
        let mut unescaped = String::with_capacity(value.len());
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                unescaped.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => unescaped.push('\n'),
                Some('t') => unescaped.push('\t'),
                Some('r') => unescaped.push('\r'),
                Some(other) => unescaped.push(other),
                None => {}
            }
        }
        out.push(format!("{key}={unescaped}"));
    }
    out
}

/// Split `key=value`.
pub fn split_key_value(s: &str) -> Result<(String, String), ConfigError> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(ConfigError::NotKeyValue(s.to_string())),
    }
}

/// `HOST:PORT` (IPv6 hosts in brackets).
pub fn split_host_port(s: &str) -> Result<(String, u16), ConfigError> {
    let (host, port) = s
        .rsplit_once(':')
        .ok_or_else(|| ConfigError::Flag(format!("'{s}' is not HOST:PORT")))?;
    let port: u16 = port
        .parse()
        .map_err(|_| ConfigError::Flag(format!("'{port}' in '{s}' is not a port number")))?;
    let host = host.trim_matches(|c| c == '[' || c == ']');
    if host.is_empty() {
        return Err(ConfigError::Flag(format!("'{s}' has no host")));
    }
    Ok((host.to_string(), port))
}

/// Parse `1@host:port,2@host:port,...`.
pub fn parse_voters(list: &str) -> Result<BTreeMap<u64, String>, ConfigError> {
    let flag = |m: String| ConfigError::Flag(m);
    let mut voters = BTreeMap::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (id, addr) = item
            .split_once('@')
            .ok_or_else(|| flag(format!("voter '{item}' is not ID@HOST:PORT")))?;
        let id: u64 = id
            .parse()
            .ok()
            .filter(|id| *id > 0 && *id <= i32::MAX as u64)
            .ok_or_else(|| {
                flag(format!(
                    "voter id '{id}' in '{item}' is not a positive number"
                ))
            })?;
        split_host_port(addr)?;
        if voters.insert(id, addr.to_string()).is_some() {
            return Err(flag(format!("voter {id} is listed twice in --voters")));
        }
    }
    if voters.is_empty() {
        return Err(flag("--voters lists no voter".into()));
    }
    Ok(voters)
}

/// The local three-node cluster's quorum addresses.
fn local_voters() -> BTreeMap<u64, String> {
    (1..=3u64)
        .map(|id| (id, format!("127.0.0.1:{}", 19091 + id)))
        .collect()
}

pub fn describe_voters(voters: &BTreeMap<u64, String>) -> String {
    voters
        .iter()
        .map(|(id, a)| format!("{id}@{a}"))
        .collect::<Vec<_>>()
        .join(",")
}

impl Settings {
    /// Apply `key=value` pairs in order over the defaults. Returns the settings, the
    /// keys given, and the ignored keys given (with their hints).
    #[allow(clippy::type_complexity)]
    pub fn from_pairs(
        pairs: &[String],
    ) -> Result<(Settings, BTreeSet<String>, Vec<(String, &'static str)>), ConfigError> {
        let mut s = Settings::default();
        let mut given = BTreeSet::new();
        let mut ignored = Vec::new();
        for pair in pairs {
            let (key, value) = split_key_value(pair)?;
            if s.set(&key, &value)? {
                given.insert(key);
            } else if let Some((_, hint)) = IGNORED.iter().find(|(k, _)| *k == key) {
                if !ignored.iter().any(|(k, _)| *k == key) {
                    ignored.push((key, *hint));
                }
            } else {
                return Err(ConfigError::Unknown(key));
            }
        }
        s.check()?;
        Ok((s, given, ignored))
    }

    /// Rules that relate two settings.
    fn check(&self) -> Result<(), ConfigError> {
        if self.group_min_session_timeout_ms > self.group_max_session_timeout_ms {
            return Err(ConfigError::Conflict {
                key: "group.min.session.timeout.ms".into(),
                value: self.group_min_session_timeout_ms.to_string(),
                expected: format!(
                    "at most group.max.session.timeout.ms ({})",
                    self.group_max_session_timeout_ms
                ),
            });
        }
        if self.queued_max_request_bytes >= 0
            && self.queued_max_request_bytes < self.socket_request_max_bytes as i64
        {
            return Err(ConfigError::Conflict {
                key: "queued.max.request.bytes".into(),
                value: self.queued_max_request_bytes.to_string(),
                expected: format!(
                    "-1 or at least socket.request.max.bytes ({})",
                    self.socket_request_max_bytes
                ),
            });
        }
        if self.broker_heartbeat_interval_ms >= self.broker_session_timeout_ms {
            return Err(ConfigError::Conflict {
                key: "broker.heartbeat.interval.ms".into(),
                value: self.broker_heartbeat_interval_ms.to_string(),
                expected: format!(
                    "less than broker.session.timeout.ms ({})",
                    self.broker_session_timeout_ms
                ),
            });
        }
        Ok(())
    }

    /// `log.retention.{ms,minutes,hours}` in milliseconds, by Kafka's precedence
    /// (negative: keep forever).
    pub fn retention_ms(&self) -> i64 {
        match (self.log_retention_ms, self.log_retention_minutes) {
            (Some(ms), _) => ms,
            (None, Some(m)) if m < 0 => -1,
            (None, Some(m)) => m as i64 * 60_000,
            (None, None) if self.log_retention_hours < 0 => -1,
            (None, None) => self.log_retention_hours as i64 * 3_600_000,
        }
    }

    /// `log.roll.{ms,hours}` in milliseconds.
    pub fn roll_ms(&self) -> i64 {
        self.log_roll_ms
            .unwrap_or(self.log_roll_hours as i64 * 3_600_000)
    }

    /// Values kw accepts but does not act on, one sentence each.
    pub fn not_honoured(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.unclean_leader_election_enable {
            out.push("unclean.leader.election.enable=true is not honoured: kw never elects a leader outside the ISR".to_string());
        }
        if self.compression_type != "producer" {
            out.push(format!("compression.type={} is not honoured: kw stores batches compressed as the producer sent them", self.compression_type));
        }
        if self.log_cleanup_policy.contains("compact") {
            out.push("log.cleanup.policy with compact is not honoured: kw does not compact logs (retention still deletes old segments)".to_string());
        }
        out
    }

    pub fn replica_lag_time_max(&self) -> Duration {
        Duration::from_millis(self.replica_lag_time_max_ms as u64)
    }
}

impl NodeConfig {
    /// Validate the flags and settings. Pure: nothing is bound or created.
    pub fn from_flags(flags: &Flags) -> Result<NodeConfig, ConfigError> {
        let (settings, given, ignored) = Settings::from_pairs(&flags.config)?;
        let clustered = flags.node.is_some();
        let node_id = flags.node.unwrap_or(1);
        if node_id < 1 {
            return Err(ConfigError::Flag(format!(
                "--node {node_id}: a node id is a positive number"
            )));
        }
        let voters = match &flags.voters {
            Some(list) => Some(parse_voters(list)?),
            None if clustered => Some(local_voters()),
            None => None,
        };
        if let Some(v) = &voters {
            if !v.contains_key(&(node_id as u64)) {
                return Err(ConfigError::Flag(format!(
                    "node {node_id} is not among the voters ({}); every kw node is a metadata voter",
                    describe_voters(v)
                )));
            }
        }
        let (listeners, inter_broker) = listeners_of(flags, &settings, node_id)?;
        let quorum_protocol = quorum_protocol_of(&settings)?;
        const AUTHORIZERS: &[&str] = &[
            "",
            "kw",
            "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "kafka.security.authorizer.AclAuthorizer",
        ];
        if !AUTHORIZERS.contains(&settings.authorizer_class_name.as_str()) {
            return Err(ConfigError::Invalid {
                key: "authorizer.class.name".into(),
                value: settings.authorizer_class_name.clone(),
                expected: "org.apache.kafka.metadata.authorizer.StandardAuthorizer (or kafka.security.authorizer.AclAuthorizer, or kw), or empty for none".into(),
            });
        }
        for user in settings
            .super_users
            .as_deref()
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
        {
            if !user.is_empty()
                && !user
                    .split_once(':')
                    .is_some_and(|(t, n)| !t.is_empty() && !n.is_empty())
            {
                return Err(ConfigError::Invalid {
                    key: "super.users".into(),
                    value: settings.super_users.clone().unwrap_or_default(),
                    expected: "principals as Type:name separated by ';' (User:admin;User:alice)"
                        .into(),
                });
            }
        }
        if let Some(text) = &settings.sasl_jaas_config {
            // The value is a secret: the error names the problem, not the text.
            crate::security::jaas::JaasConfig::parse(text).map_err(|why| ConfigError::Invalid {
                key: "sasl.jaas.config".into(),
                value: "(hidden)".into(),
                expected: why,
            })?;
        }
        if listeners[inter_broker].protocol.uses_sasl() {
            let jaas = settings
                .sasl_jaas_config
                .as_deref()
                .and_then(|t| crate::security::jaas::JaasConfig::parse(t).ok());
            if jaas
                .as_ref()
                .is_none_or(|j| j.username().is_none() || j.password().is_none())
            {
                return Err(ConfigError::Conflict {
                    key: "sasl.jaas.config".into(),
                    value: "(hidden)".into(),
                    expected: format!(
                        "username=\"...\" password=\"...\": the inter-broker listener {} uses {}",
                        listeners[inter_broker].name, listeners[inter_broker].protocol
                    ),
                });
            }
            let mechanism = &settings.sasl_mechanism_inter_broker_protocol;
            if !settings
                .sasl_enabled_mechanisms
                .split(',')
                .any(|m| m == mechanism)
            {
                return Err(ConfigError::Conflict {
                    key: "sasl.mechanism.inter.broker.protocol".into(),
                    value: mechanism.clone(),
                    expected: format!(
                        "one of sasl.enabled.mechanisms ({})",
                        settings.sasl_enabled_mechanisms
                    ),
                });
            }
        }
        let data_dir = flags
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("kw-data/node-{node_id}")));
        Ok(NodeConfig {
            node_id,
            clustered,
            voters,
            listeners,
            inter_broker,
            quorum_protocol,
            data_dir,
            settings,
            given,
            ignored,
        })
    }

    /// A lone node on `listen` with its data in `data_dir` and default settings.
    pub fn single(listen: &str, data_dir: impl Into<PathBuf>) -> NodeConfig {
        NodeConfig {
            node_id: 1,
            clustered: false,
            voters: None,
            listeners: vec![ListenerConfig {
                name: "PLAINTEXT".into(),
                protocol: SecurityProtocol::Plaintext,
                bind: listen.to_string(),
                advertise: None,
            }],
            inter_broker: 0,
            quorum_protocol: SecurityProtocol::Plaintext,
            data_dir: data_dir.into(),
            settings: Settings::default(),
            given: BTreeSet::new(),
            ignored: Vec::new(),
        }
    }

    /// What the node should warn about once at start: ignored keys and values kw
    /// does not honour.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .ignored
            .iter()
            .map(|(k, hint)| format!("broker config {k} is ignored by kw: {hint}"))
            .collect();
        out.extend(self.settings.not_honoured());
        out
    }

    /// Broker-level defaults of topic configs, under topic config names: only those
    /// given, so DescribeConfigs can tell a broker override from Kafka's default.
    pub fn topic_defaults(&self) -> BTreeMap<String, String> {
        let values: BTreeMap<&str, Option<String>> = self.settings.values().into_iter().collect();
        let mut out = BTreeMap::new();
        for (broker_key, topic_key) in TOPIC_DEFAULTS {
            if self.given.contains(*broker_key) {
                if let Some(Some(v)) = values.get(broker_key) {
                    out.insert(topic_key.to_string(), v.clone());
                }
            }
        }
        if [
            "log.retention.ms",
            "log.retention.minutes",
            "log.retention.hours",
        ]
        .iter()
        .any(|k| self.given.contains(*k))
        {
            out.insert(
                "retention.ms".into(),
                self.settings.retention_ms().to_string(),
            );
        }
        if ["log.roll.ms", "log.roll.hours"]
            .iter()
            .any(|k| self.given.contains(*k))
        {
            out.insert("segment.ms".into(), self.settings.roll_ms().to_string());
        }
        out
    }

    /// Every broker setting with its value and whether it was given (for
    /// DescribeConfigs on the broker resource).
    pub fn described(&self) -> Vec<(String, Option<String>, bool)> {
        self.settings
            .values()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v, self.given.contains(k)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[&str]) -> Result<Settings, ConfigError> {
        let pairs: Vec<String> = pairs.iter().map(|s| s.to_string()).collect();
        Settings::from_pairs(&pairs).map(|(s, _, _)| s)
    }

    fn expected(key: &str) -> String {
        let info = Settings::TABLE.iter().find(|i| i.key == key).unwrap();
        info.kind.expected()
    }

    /// Good and bad values for every setting in the table.
    #[test]
    fn every_setting_takes_good_values_and_refuses_bad_ones() {
        for info in Settings::TABLE {
            let (good, bad): (Vec<String>, Vec<String>) = match info.kind {
                Kind::Bool => (
                    vec!["true".into(), "false".into(), "TRUE".into()],
                    vec!["yes".into(), "1".into(), "".into()],
                ),
                Kind::Int { min, max } => (
                    vec![min.to_string(), max.to_string()],
                    vec![
                        (min as i128 - 1).to_string(),
                        (max as i128 + 1).to_string(),
                        "abc".into(),
                        "1.5".into(),
                        "".into(),
                    ],
                ),
                Kind::Choice(words) => (
                    words.iter().map(|w| w.to_string()).collect(),
                    vec!["nope".into(), "".into()],
                ),
                Kind::List(words) => (
                    vec![words.join(","), words[0].to_string()],
                    vec!["nope".into(), format!("{},nope", words[0]), "".into()],
                ),
                // Checked where they are used (listeners below, files at start).
                Kind::Text | Kind::Password => (vec!["x".into()], vec![]),
            };
            for v in good {
                let pair = format!("{}={v}", info.key);
                // Cross-setting rules may refuse an extreme value; the value itself
                // must parse.
                match parse(&[&pair]) {
                    Ok(_) | Err(ConfigError::Conflict { .. }) => {}
                    Err(e) => panic!("{pair} refused: {e}"),
                }
            }
            for v in bad {
                let pair = format!("{}={v}", info.key);
                assert_eq!(
                    parse(&[&pair]),
                    Err(ConfigError::Invalid {
                        key: info.key.into(),
                        value: v.clone(),
                        expected: info.kind.expected(),
                    }),
                    "{pair}"
                );
            }
        }
    }

    #[test]
    fn the_issues_examples_are_refused_with_one_sentence() {
        let e = parse(&["num.partitions=0"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid value '0' for broker config 'num.partitions': expected an integer >= 1"
        );
        let e = parse(&["min.insync.replicas=abc"]).unwrap_err();
        assert!(e.to_string().contains("'abc'"), "{e}");
        assert_eq!(
            parse(&["log.segment.bytes=10"]).unwrap_err(),
            ConfigError::Invalid {
                key: "log.segment.bytes".into(),
                value: "10".into(),
                expected: expected("log.segment.bytes"),
            }
        );
        // The values the first generation silently replaced by defaults.
        assert!(parse(&["broker.session.timeout.ms=true"]).is_err());
        assert!(parse(&["replica.lag.time.max.ms=-5"]).is_err());
        assert_eq!(
            parse(&["nope=1"]).unwrap_err(),
            ConfigError::Unknown("nope".into())
        );
        assert_eq!(
            parse(&["novalue"]).unwrap_err(),
            ConfigError::NotKeyValue("novalue".into())
        );
    }

    #[test]
    fn settings_land_in_typed_fields() {
        let s = parse(&[
            "num.partitions=6",
            "broker.session.timeout.ms=9000",
            "broker.heartbeat.interval.ms=2000",
            "auto.leader.rebalance.enable=false",
            "log.cleanup.policy=compact, delete",
        ])
        .unwrap();
        assert_eq!(s.num_partitions, 6);
        assert_eq!(s.broker_session_timeout_ms, 9000);
        assert!(!s.auto_leader_rebalance_enable);
        assert_eq!(s.log_cleanup_policy, "compact,delete");
        assert_eq!(Settings::default().num_partitions, 1);
        assert_eq!(
            split_key_value("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
    }

    #[test]
    fn settings_that_relate_are_checked_together() {
        assert!(parse(&["broker.heartbeat.interval.ms=3000"]).is_err());
        assert!(parse(&[
            "broker.heartbeat.interval.ms=3000",
            "broker.session.timeout.ms=9000"
        ])
        .is_ok());
        assert!(parse(&["group.min.session.timeout.ms=2000000"]).is_err());
    }

    #[test]
    fn retention_follows_kafkas_precedence() {
        assert_eq!(parse(&[]).unwrap().retention_ms(), 168 * 3_600_000);
        assert_eq!(
            parse(&["log.retention.hours=1"]).unwrap().retention_ms(),
            3_600_000
        );
        assert_eq!(
            parse(&["log.retention.hours=1", "log.retention.minutes=2"])
                .unwrap()
                .retention_ms(),
            120_000
        );
        assert_eq!(
            parse(&["log.retention.minutes=2", "log.retention.ms=5"])
                .unwrap()
                .retention_ms(),
            5
        );
        assert_eq!(parse(&["log.retention.ms=-1"]).unwrap().retention_ms(), -1);
    }

    #[test]
    fn topic_defaults_hold_only_given_keys_and_pass_topic_validation() {
        let flags = Flags {
            config: vec![
                "min.insync.replicas=2".into(),
                "log.retention.hours=1".into(),
                "log.roll.ms=60000".into(),
                "num.partitions=3".into(),
            ],
            ..Flags::default()
        };
        let c = NodeConfig::from_flags(&flags).unwrap();
        let d = c.topic_defaults();
        assert_eq!(d["min.insync.replicas"], "2");
        assert_eq!(d["retention.ms"], "3600000");
        assert_eq!(d["segment.ms"], "60000");
        assert_eq!(d.len(), 3);
        // Every default a broker setting can give is a valid topic config.
        let all: Vec<String> = TOPIC_DEFAULTS
            .iter()
            .map(|(b, _)| {
                let v = Settings::default()
                    .values()
                    .into_iter()
                    .find(|(k, _)| k == b)
                    .and_then(|(_, v)| v)
                    .unwrap();
                format!("{b}={v}")
            })
            .collect();
        let c = NodeConfig::from_flags(&Flags {
            config: all,
            ..Flags::default()
        })
        .unwrap();
        for (k, v) in c.topic_defaults() {
            crate::controller::topic_config::validate(&k, &v)
                .unwrap_or_else(|e| panic!("{k}={v}: {e}"));
        }
    }

    #[test]
    fn ignored_keys_are_accepted_once_with_a_hint() {
        let flags = Flags {
            config: vec![
                "num.io.threads=8".into(),
                "num.io.threads=16".into(),
                "unclean.leader.election.enable=true".into(),
            ],
            ..Flags::default()
        };
        let c = NodeConfig::from_flags(&flags).unwrap();
        let w = c.warnings();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("broker config num.io.threads is ignored by kw"));
        assert!(w[1].contains("unclean.leader.election.enable=true is not honoured"));
        // No key is both a setting and ignored.
        for (k, _) in IGNORED {
            assert!(Settings::TABLE.iter().all(|i| i.key != *k), "{k}");
        }
    }

    #[test]
    fn flags_are_checked_before_anything_starts() {
        let bad = |f: Flags| NodeConfig::from_flags(&f).unwrap_err().to_string();
        assert!(bad(Flags {
            node: Some(4),
            ..Flags::default()
        })
        .contains("node 4 is not among the voters"));
        assert!(bad(Flags {
            listen: Some("nohostport".into()),
            ..Flags::default()
        })
        .contains("is not HOST:PORT"));
        assert!(bad(Flags {
            node: Some(1),
            voters: Some("1@h:1,1@h:2".into()),
            ..Flags::default()
        })
        .contains("listed twice"));
        let c = NodeConfig::from_flags(&Flags {
            node: Some(2),
            ..Flags::default()
        })
        .unwrap();
        assert_eq!(c.listeners[0].bind, "127.0.0.1:9093");
        assert_eq!(c.listeners[0].protocol, SecurityProtocol::Plaintext);
        assert_eq!(c.data_dir, PathBuf::from("kw-data/node-2"));
        assert_eq!(c.voters.unwrap().len(), 3);
        let c = NodeConfig::from_flags(&Flags::default()).unwrap();
        assert!(!c.clustered && c.voters.is_none());
    }

    #[test]
    fn properties_files_read_as_java_reads_them() {
        let text = "# a comment\n! another\n\nlisteners = SSL://:9093\nnum.partitions:3\nssl.keystore.key=-----BEGIN\\n\\\n  KEY-----\nempty=\n";
        assert_eq!(
            parse_properties(text),
            [
                "listeners=SSL://:9093",
                "num.partitions=3",
                "ssl.keystore.key=-----BEGIN\nKEY-----",
                "empty=",
            ]
        );
    }

    #[test]
    fn passwords_are_never_printed() {
        let s = Settings {
            sasl_jaas_config: Some("x required username=\"a\" password=\"s3cret\";".into()),
            ssl_keystore_key: Some("-----BEGIN PRIVATE KEY-----s3cret".into()),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("sasl_jaas_config: \"(hidden)\""), "{shown}");
        assert!(shown.contains("num_partitions: 1"), "{shown}");
    }

    #[test]
    fn listeners_take_kafkas_settings() {
        let with = |config: &[&str]| {
            NodeConfig::from_flags(&Flags {
                config: config.iter().map(|s| s.to_string()).collect(),
                ..Flags::default()
            })
        };
        let c = with(&[
            "listeners=PLAINTEXT://127.0.0.1:9092,sasl_ssl://:9192,INTERNAL://127.0.0.1:9292",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,INTERNAL:SSL",
            "advertised.listeners=SASL_SSL://kafka.example.com:443",
            "inter.broker.listener.name=internal",
        ])
        .unwrap();
        let names: Vec<(&str, SecurityProtocol, &str)> = c
            .listeners
            .iter()
            .map(|l| (l.name.as_str(), l.protocol, l.bind.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("PLAINTEXT", SecurityProtocol::Plaintext, "127.0.0.1:9092"),
                ("SASL_SSL", SecurityProtocol::SaslSsl, "0.0.0.0:9192"),
                ("INTERNAL", SecurityProtocol::Ssl, "127.0.0.1:9292"),
            ]
        );
        assert_eq!(
            c.listeners[1].advertise,
            Some(("kafka.example.com".into(), 443))
        );
        assert_eq!(c.inter_broker, 2);
        assert_eq!(c.quorum_protocol, SecurityProtocol::Plaintext);
        // The quorum port's protocol by its listener name.
        let c = with(&[
            "controller.listener.names=controller",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:SSL",
        ])
        .unwrap();
        assert_eq!(c.quorum_protocol, SecurityProtocol::Ssl);
        // Without a choice: the PLAINTEXT listener, else the first.
        let c = with(&["listeners=SSL://127.0.0.1:1,PLAINTEXT://127.0.0.1:2"]).unwrap();
        assert_eq!(c.inter_broker, 1);
        let c = with(&["listeners=SSL://127.0.0.1:1,SASL_SSL://127.0.0.1:2"]).unwrap();
        assert_eq!(c.inter_broker, 0);
        let jaas = r#"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b";"#;
        let c = with(&[
            "listeners=SSL://127.0.0.1:1,SASL_SSL://127.0.0.1:2",
            "security.inter.broker.protocol=SASL_SSL",
            jaas,
        ])
        .unwrap();
        assert_eq!(c.inter_broker, 1);
        // SASL between brokers needs this broker's own credentials, and a mechanism
        // the listeners accept.
        let e = with(&["listeners=SASL_SSL://127.0.0.1:2"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("sasl.jaas.config"), "{e}");
        let e = with(&[
            "listeners=SASL_SSL://127.0.0.1:2",
            jaas,
            "sasl.enabled.mechanisms=SCRAM-SHA-512",
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("sasl.mechanism.inter.broker.protocol"), "{e}");
        let e = with(&["sasl.jaas.config=Module required password=\"s3cret\""])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("sasl.jaas.config") && !e.contains("s3cret"),
            "{e}"
        );
        for (bad, says) in [
            (vec!["listeners=FOO://127.0.0.1:1"], "FOO is not in it"),
            (vec!["listeners=PLAINTEXT://127.0.0.1"], "NAME://HOST:PORT"),
            (
                vec!["listeners=PLAINTEXT://a:1,PLAINTEXT://a:2"],
                "listed twice",
            ),
            (
                vec!["listeners=PLAINTEXT://a:1,SSL://a:1"],
                "1 is used twice",
            ),
            (
                vec!["advertised.listeners=SSL://h:1"],
                "SSL is not a listener",
            ),
            (
                vec!["advertised.listeners=PLAINTEXT://:1"],
                "a host clients can reach",
            ),
            (
                vec!["inter.broker.listener.name=NOPE"],
                "one of the listeners",
            ),
            (
                vec![
                    "inter.broker.listener.name=PLAINTEXT",
                    "security.inter.broker.protocol=PLAINTEXT",
                ],
                "only one of",
            ),
            (
                vec!["listener.security.protocol.map=PLAINTEXT:TLS"],
                "NAME:PROTOCOL",
            ),
            (
                vec!["controller.listener.names=CONTROLLER"],
                "CONTROLLER is not in it",
            ),
            (
                vec![
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:SASL_SSL",
                ],
                "not SASL",
            ),
            (
                vec!["controller.listener.names=PLAINTEXT,SSL"],
                "one listener name",
            ),
        ] {
            let e = with(&bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad:?}: {e}");
        }
        let e = NodeConfig::from_flags(&Flags {
            listen: Some("127.0.0.1:1".into()),
            config: vec!["listeners=PLAINTEXT://127.0.0.1:2".into()],
            ..Flags::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("not both"), "{e}");
    }
}
