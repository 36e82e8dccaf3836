//! kw: a Kafka-compatible broker (`kw serve`) and a kcat-style toolbox in one crate.
//!
//! Dependency arrows point one way:
//! `cli -> client | broker -> replication | group -> controller | storage -> protocol`.
//! `storage` never imports `broker`; `protocol` imports nothing of ours.

pub mod broker;
pub mod cli;
pub mod client;
pub mod controller;
pub mod format;
pub mod group;
pub mod protocol;
pub mod replication;
pub mod sim;
pub mod storage;
