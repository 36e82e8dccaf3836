//! The broker's request path: listener, one task per connection, request dispatch
//! and thin handlers (one file per API family) that call `replication`, `group`
//! and `controller`. Handlers translate between wire types and those parts; they do
//! no storage work themselves. Must not depend on `node` or `cli` (the node wires
//! the broker up and hands it a [`BrokerSettings`]), nor on `client`.

pub mod config;
mod connection;
mod dispatch;
mod handlers;
pub mod listener;

use std::sync::Arc;

pub use config::BrokerSettings;

use crate::controller::Controller;
use crate::group::Coordinator;
use crate::replication::ReplicaManager;

/// Everything a request handler may use, shared by all connections of a node.
pub struct Broker {
    pub config: BrokerSettings,
    pub controller: Arc<Controller>,
    pub replicas: Arc<ReplicaManager>,
    pub groups: Arc<Coordinator>,
}

#[cfg(test)]
mod tests;
