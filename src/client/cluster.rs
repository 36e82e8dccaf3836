//! Cluster view for clients: bootstrap, one connection per broker, a metadata cache
//! (partition leaders per topic) refreshed on demand, and routing by leader.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_protocol::messages::metadata_request::MetadataRequestTopic;
use kafka_protocol::messages::{MetadataRequest, MetadataResponse, TopicName};

use super::connection::Connection;
use super::{Error, Result};
use crate::protocol::{sb, TopicPartition};

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub client_id: String,
    /// Timeout for connecting and for metadata requests.
    pub connect_timeout: Duration,
    /// Librdkafka's `allow.auto.create.topics` (Metadata requests).
    pub allow_auto_create: bool,
    /// `security.protocol` and what it needs (TLS configuration, SASL credentials).
    pub security: super::Security,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            client_id: "kw".to_string(),
            connect_timeout: Duration::from_secs(5),
            allow_auto_create: false,
            security: super::Security::default(),
        }
    }
}

/// Partition facts a client routes by.
#[derive(Debug, Clone)]
pub struct PartitionMeta {
    pub partition: i32,
    pub leader: i32,
    pub leader_epoch: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub error_code: i16,
}

#[derive(Debug, Clone)]
pub struct TopicMeta {
    pub name: String,
    pub error_code: i16,
    pub partitions: Vec<PartitionMeta>,
}

pub struct Client {
    bootstrap: Vec<String>,
    pub config: ClientConfig,
    brokers: Mutex<HashMap<i32, String>>,
    connections: tokio::sync::Mutex<HashMap<String, Arc<Connection>>>,
    topics: Mutex<HashMap<String, Arc<TopicMeta>>>,
}

/// Split a `host:port[,host:port...]` list.
pub fn parse_bootstrap(list: &str) -> Vec<String> {
    list.split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.contains(':') {
                s.to_string()
            } else {
                format!("{s}:9092")
            }
        })
        .collect()
}

impl Client {
    /// Connect to the first bootstrap broker that answers.
    pub async fn connect(bootstrap: &str, config: ClientConfig) -> Result<Arc<Client>> {
        let list = parse_bootstrap(bootstrap);
        if list.is_empty() {
            return Err(Error::Other(
                "no bootstrap brokers given (-b host:port)".into(),
            ));
        }
        let client = Arc::new(Client {
            bootstrap: list,
            config,
            brokers: Mutex::new(HashMap::new()),
            connections: tokio::sync::Mutex::new(HashMap::new()),
            topics: Mutex::new(HashMap::new()),
        });
        client.any_connection().await?;
        Ok(client)
    }

    /// A client that connects on first use, for a cluster that may not be up yet.
    pub fn offline(bootstrap: &str, config: ClientConfig) -> Result<Arc<Client>> {
        let list = parse_bootstrap(bootstrap);
        if list.is_empty() {
            return Err(Error::Other(
                "no bootstrap brokers given (-b host:port)".into(),
            ));
        }
        Ok(Arc::new(Client {
            bootstrap: list,
            config,
            brokers: Mutex::new(HashMap::new()),
            connections: tokio::sync::Mutex::new(HashMap::new()),
            topics: Mutex::new(HashMap::new()),
        }))
    }

    async fn connection_to(&self, addr: &str) -> Result<Arc<Connection>> {
        let mut conns = self.connections.lock().await;
        if let Some(c) = conns.get(addr) {
            if !c.is_closed() {
                return Ok(c.clone());
            }
        }
        let c = Connection::connect(
            addr,
            &self.config.client_id,
            self.config.connect_timeout,
            &self.config.security,
        )
        .await?;
        conns.insert(addr.to_string(), c.clone());
        Ok(c)
    }

    /// A connection to any live broker: known brokers first, then bootstrap ones.
    pub async fn any_connection(&self) -> Result<Arc<Connection>> {
        let mut candidates: Vec<String> = self
            .brokers
            .lock()
            .expect("brokers lock")
            .values()
            .cloned()
            .collect();
        candidates.sort();
        for b in &self.bootstrap {
            if !candidates.contains(b) {
                candidates.push(b.clone());
            }
        }
        let mut errors = Vec::new();
        let mut refused = None;
        for addr in &candidates {
            match self.connection_to(addr).await {
                Ok(c) => return Ok(c),
                Err(e @ Error::Security { .. }) => {
                    errors.push(e.to_string());
                    refused.get_or_insert(e);
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        // A TLS or SASL refusal says what to fix; "nobody answered" would not.
        if let Some(e) = refused {
            return Err(e);
        }
        Err(Error::NoBroker {
            tried: errors.join("; "),
        })
    }

    /// Connection to broker `node_id` (as advertised in metadata).
    pub async fn broker(&self, node_id: i32) -> Result<Arc<Connection>> {
        let addr = self
            .brokers
            .lock()
            .expect("brokers lock")
            .get(&node_id)
            .cloned();
        match addr {
            Some(a) => self.connection_to(&a).await,
            None => {
                self.refresh(&[]).await?;
                let addr = self
                    .brokers
                    .lock()
                    .expect("brokers lock")
                    .get(&node_id)
                    .cloned()
                    .ok_or_else(|| {
                        Error::Other(format!("broker {node_id} is not in the cluster metadata"))
                    })?;
                self.connection_to(&addr).await
            }
        }
    }

    /// Raw Metadata call. `topics` None = all topics.
    pub async fn metadata(&self, topics: Option<&[String]>) -> Result<MetadataResponse> {
        let req = MetadataRequest::default()
            .with_topics(topics.map(|ts| {
                ts.iter()
                    .map(|t| {
                        MetadataRequestTopic::default().with_name(Some(TopicName(sb(t.clone()))))
                    })
                    .collect()
            }))
            .with_allow_auto_topic_creation(self.config.allow_auto_create);
        let mut last = None;
        for _ in 0..3 {
            let conn = self.any_connection().await?;
            match conn.send(&req).await {
                Ok(resp) => {
                    self.absorb(&resp);
                    return Ok(resp);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("at least one attempt"))
    }

    fn absorb(&self, resp: &MetadataResponse) {
        {
            let mut brokers = self.brokers.lock().expect("brokers lock");
            for b in &resp.brokers {
                brokers.insert(b.node_id.0, format!("{}:{}", b.host, b.port));
            }
        }
        let mut topics = self.topics.lock().expect("topics lock");
        for t in &resp.topics {
            let Some(name) = t.name.as_ref().map(|n| n.0.to_string()) else {
                continue;
            };
            if t.error_code != 0 {
                topics.remove(&name);
                continue;
            }
            let mut partitions: Vec<PartitionMeta> = t
                .partitions
                .iter()
                .map(|p| PartitionMeta {
                    partition: p.partition_index,
                    leader: p.leader_id.0,
                    leader_epoch: p.leader_epoch,
                    replicas: p.replica_nodes.iter().map(|b| b.0).collect(),
                    isr: p.isr_nodes.iter().map(|b| b.0).collect(),
                    error_code: p.error_code,
                })
                .collect();
            partitions.sort_by_key(|p| p.partition);
            topics.insert(
                name.clone(),
                Arc::new(TopicMeta {
                    name,
                    error_code: t.error_code,
                    partitions,
                }),
            );
        }
    }

    /// Refresh metadata for `topics` (empty = brokers only).
    pub async fn refresh(&self, topics: &[String]) -> Result<MetadataResponse> {
        self.metadata(Some(topics)).await
    }

    /// Cached topic metadata, fetched when missing. A topic that is being created
    /// (LEADER_NOT_AVAILABLE, or unknown while auto-creation is allowed) is waited for
    /// briefly; otherwise an unknown topic is an error carrying the broker's code.
    pub async fn topic(&self, name: &str) -> Result<Arc<TopicMeta>> {
        let mut attempts = 0;
        loop {
            if let Some(t) = self.topics.lock().expect("topics lock").get(name) {
                if t.partitions.iter().all(|p| p.leader >= 0) || attempts >= 20 {
                    return Ok(t.clone());
                }
            }
            let resp = self.refresh(&[name.to_string()]).await?;
            if let Some(t) = self.topics.lock().expect("topics lock").get(name) {
                if t.partitions.iter().all(|p| p.leader >= 0) {
                    return Ok(t.clone());
                }
            }
            let code = resp
                .topics
                .iter()
                .find(|t| t.name.as_ref().is_some_and(|n| n.as_str() == name))
                .map_or(3, |t| t.error_code);
            let pending = code == 5 || (code == 3 && self.config.allow_auto_create) || code == 0;
            attempts += 1;
            if !pending || attempts >= 20 {
                return Err(Error::server(code, format!("topic {name}"))
                    .unwrap_or_else(|| Error::Other(format!("topic {name} has no leader"))));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// Forget cached metadata for `name` so the next lookup asks a broker.
    pub fn invalidate(&self, name: &str) {
        self.topics.lock().expect("topics lock").remove(name);
    }

    /// Leader id of a partition from the cache (None when unknown or leaderless).
    pub fn cached_leader(&self, tp: &TopicPartition) -> Option<i32> {
        let topics = self.topics.lock().expect("topics lock");
        let t = topics.get(&tp.topic)?;
        let p = t.partitions.iter().find(|p| p.partition == tp.partition)?;
        (p.leader >= 0).then_some(p.leader)
    }

    pub fn broker_ids(&self) -> Vec<i32> {
        let mut ids: Vec<i32> = self
            .brokers
            .lock()
            .expect("brokers lock")
            .keys()
            .copied()
            .collect();
        ids.sort();
        ids
    }
}
