//! What the request handlers need of the node's settings, as typed values; the
//! node layer fills it from its parsed configuration. Pure data.

use std::collections::BTreeMap;

/// One broker setting as DescribeConfigs reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribedConfig {
    pub name: String,
    /// None: unset (Kafka's null).
    pub value: Option<String>,
    /// Given at start (STATIC_BROKER_CONFIG) rather than a default.
    pub is_static: bool,
    /// DescribeConfigs v3+ type: 1 boolean, 2 string, 3 int, 4 short, 5 long, 7 list,
    /// 9 password.
    pub config_type: i8,
    /// A secret: its value is never sent.
    pub is_sensitive: bool,
}

#[derive(Debug, Clone)]
pub struct BrokerSettings {
    pub node_id: i32,
    /// `auto.create.topics.enable`
    pub auto_create_topics: bool,
    /// `num.partitions`
    pub num_partitions: i32,
    /// `default.replication.factor`
    pub default_replication_factor: i32,
    /// `socket.request.max.bytes`
    pub socket_request_max_bytes: usize,
    /// `max.connections`
    pub max_connections: usize,
    /// `queued.max.request.bytes`; None = unbounded
    pub queued_max_request_bytes: Option<usize>,
    /// `connections.max.idle.ms`
    pub connections_max_idle: std::time::Duration,
    /// `fetch.max.bytes`
    pub fetch_max_bytes: usize,
    /// Broker-level defaults of topic configs that were given, by topic config name.
    pub topic_defaults: BTreeMap<String, String>,
    /// Every broker setting, for DescribeConfigs on this broker.
    pub described: Vec<DescribedConfig>,
    /// What SASL listeners accept.
    pub sasl: SaslSettings,
    /// Set when `authorizer.class.name` switches ACLs on.
    pub authz: Option<AuthzSettings>,
}

/// `super.users` and `allow.everyone.if.no.acl.found`.
#[derive(Debug, Clone, Default)]
pub struct AuthzSettings {
    pub super_users: Vec<String>,
    pub allow_if_no_acl: bool,
}

/// `sasl.enabled.mechanisms` and PLAIN's users from `sasl.jaas.config`.
#[derive(Debug, Clone, Default)]
pub struct SaslSettings {
    pub mechanisms: Vec<String>,
    /// `user_<name>="<password>"`: checked before the SCRAM credentials.
    pub plain_users: BTreeMap<String, crate::security::Secret>,
}

impl Default for BrokerSettings {
    fn default() -> Self {
        BrokerSettings {
            node_id: 1,
            auto_create_topics: true,
            num_partitions: 1,
            default_replication_factor: 1,
            socket_request_max_bytes: crate::protocol::frame::DEFAULT_MAX_REQUEST_BYTES,
            max_connections: 10_000,
            queued_max_request_bytes: Some(256 << 20),
            connections_max_idle: std::time::Duration::from_secs(600),
            fetch_max_bytes: 57_671_680,
            topic_defaults: BTreeMap::new(),
            described: Vec::new(),
            sasl: SaslSettings::default(),
            authz: None,
        }
    }
}
