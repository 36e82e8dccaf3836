//! kw: a Kafka-compatible broker (`kw serve`) and a kcat-style toolbox in one crate.
//!
//! Dependency arrows point one way:
//! `cli -> node | client`, `node -> broker -> replication | group | txn -> controller | storage -> protocol`;
//! `replication` and `txn` also use `client` (followers fetch with the ordinary
//! Fetch API; the transaction coordinator sends WriteTxnMarkers to leaders),
//! and `client` uses only `protocol`. `storage` never imports anything of the
//! network; `protocol` imports nothing of ours; `format` and `sim` are pure leaves.

pub mod broker;
pub mod cli;
pub mod client;
pub mod console;
pub mod controller;
pub mod format;
#[doc(hidden)]
pub mod fuzz;
pub mod group;
pub mod node;
pub mod protocol;
pub mod replication;
pub mod security;
pub mod sim;
pub mod storage;
pub mod txn;
