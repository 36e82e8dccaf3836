//! Metadata records: every cluster-wide change is one of these, appended to the
//! metadata log and applied, in order, to every node's [`MetadataImage`](super::image::MetadataImage).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One listener of a broker as clients reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// The listener's name (`PLAINTEXT`, `SASL_SSL`, `INTERNAL`, ...).
    pub name: String,
    pub host: String,
    pub port: i32,
    /// Its security protocol's name.
    pub protocol: String,
}

/// One user's SCRAM credential for one mechanism (1 SHA-256, 2 SHA-512); the
/// byte strings in base64. Never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScramRecord {
    pub user: String,
    pub mechanism: i8,
    pub salt: String,
    pub stored_key: String,
    pub server_key: String,
    pub iterations: i32,
}

impl ScramRecord {
    pub fn new(user: &str, mechanism: i8, c: &crate::security::scram::Credential) -> ScramRecord {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        ScramRecord {
            user: user.to_string(),
            mechanism,
            salt: b64.encode(&c.salt),
            stored_key: b64.encode(&c.stored_key),
            server_key: b64.encode(&c.server_key),
            iterations: c.iterations,
        }
    }

    pub fn credential(&self) -> Option<crate::security::scram::Credential> {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        Some(crate::security::scram::Credential {
            salt: b64.decode(&self.salt).ok()?,
            stored_key: b64.decode(&self.stored_key).ok()?,
            server_key: b64.decode(&self.server_key).ok()?,
            iterations: self.iterations,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MetadataRecord {
    /// The cluster id, written once when the metadata log is created.
    Cluster {
        cluster_id: String,
    },
    /// A broker announced where clients reach it: `host:port` is its inter-broker
    /// listener, `listeners` every listener by name (empty in logs written before
    /// kw had several listeners).
    RegisterBroker {
        node_id: i32,
        host: String,
        port: i32,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        listeners: Vec<Endpoint>,
    },
    /// A topic with its replica assignment (first replica = preferred leader).
    CreateTopic {
        name: String,
        topic_id: String,
        assignments: Vec<Vec<i32>>,
        configs: BTreeMap<String, String>,
    },
    /// Partitions added to an existing topic.
    CreatePartitions {
        name: String,
        assignments: Vec<Vec<i32>>,
    },
    /// ACLs added (an existing one is not added twice).
    CreateAcls {
        acls: Vec<crate::security::acl::AclBinding>,
    },
    /// ACLs removed.
    DeleteAcls {
        acls: Vec<crate::security::acl::AclBinding>,
    },
    /// Users' SCRAM credentials created, replaced or deleted in one step (KIP-554).
    AlterScram {
        #[serde(default)]
        upsert: Vec<ScramRecord>,
        /// (user, mechanism)
        #[serde(default)]
        delete: Vec<(String, i8)>,
    },
    DeleteTopic {
        name: String,
    },
    /// Leader, ISR and epochs of one partition changed.
    PartitionChange {
        topic: String,
        partition: i32,
        leader: i32,
        isr: Vec<i32>,
        leader_epoch: i32,
    },
    /// The broker missed its session (or shut down): it leads nothing and leaves
    /// every ISR it was in, except where it is the last member (no unclean election).
    FenceBroker {
        node_id: i32,
    },
    /// A fenced broker heartbeats again: it takes back leaderless partitions whose
    /// ISR it is the last member of.
    UnfenceBroker {
        node_id: i32,
    },
    /// The partition leader asks to change the ISR; applied only if `leader_epoch`
    /// is still current and the leader stays in the ISR.
    AlterIsr {
        topic: String,
        partition: i32,
        leader_epoch: i32,
        isr: Vec<i32>,
    },
    /// Move leadership to the first replica if it is alive and in sync.
    ElectPreferred {
        topic: String,
        partition: i32,
    },
    /// The whole set of dynamic configs of a resource after an AlterConfigs or
    /// IncrementalAlterConfigs: a topic's overrides (`resource_type` 2), or broker
    /// configs (4) of one broker (`name` = its id) or of every broker (`name` "").
    AlterConfigs {
        resource_type: i8,
        name: String,
        configs: BTreeMap<String, String>,
    },
    /// Reserve the next `count` producer ids for `node_id` (applied in log order, so
    /// two nodes never get overlapping blocks).
    AllocateProducerIds {
        node_id: i32,
        count: i64,
    },
}
