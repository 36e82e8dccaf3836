//! The broker's request path: listener, one task per connection, request dispatch
//! and thin handlers (one file per API family) that call `replication`, `group`
//! `txn` and `controller`. Handlers translate between wire types and those parts; they do
//! no storage work themselves. Must not depend on `node` or `cli` (the node wires
//! the broker up and hands it a [`BrokerSettings`]), nor on `client`.

mod authz;
pub mod config;
mod connection;
pub mod dispatch;
mod handlers;
pub mod listener;
pub mod memory;
mod sasl;

use std::sync::Arc;

pub use config::BrokerSettings;

use crate::controller::Controller;
use crate::group::Coordinator;
use crate::replication::ReplicaManager;
use crate::security::Principal;
use crate::txn;

/// Who is on the other end of one connection, and where it came in.
#[derive(Debug, Clone)]
pub struct Session {
    /// The client's address as Kafka prints it (`/127.0.0.1`).
    pub host: String,
    /// The listener the connection came in on: Metadata and FindCoordinator
    /// answer with that listener's endpoints.
    pub listener: Arc<str>,
    pub principal: Principal,
}

impl Session {
    /// A PLAINTEXT connection on listener `PLAINTEXT` (for tests).
    pub fn plaintext(host: &str) -> Session {
        Session {
            host: host.to_string(),
            listener: Arc::from("PLAINTEXT"),
            principal: Principal::anonymous(),
        }
    }
}

/// Everything a request handler may use, shared by all connections of a node.
pub struct Broker {
    pub config: BrokerSettings,
    pub controller: Arc<Controller>,
    pub replicas: Arc<ReplicaManager>,
    pub groups: Arc<Coordinator>,
    pub txns: Arc<txn::Coordinator>,
    /// Bytes of requests read and not yet answered, over all connections
    /// (`queued.max.request.bytes`); None when unbounded.
    pub request_memory: Option<Arc<memory::RequestMemory>>,
}

impl Broker {
    pub fn new(
        config: BrokerSettings,
        controller: Arc<Controller>,
        replicas: Arc<ReplicaManager>,
        groups: Arc<Coordinator>,
        txns: Arc<txn::Coordinator>,
    ) -> Arc<Broker> {
        let request_memory = config
            .queued_max_request_bytes
            .map(memory::RequestMemory::new);
        Arc::new(Broker {
            config,
            controller,
            replicas,
            groups,
            txns,
            request_memory,
        })
    }
}

#[cfg(test)]
mod tests;
