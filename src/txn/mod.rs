//! Transactions (KIP-98): the transaction coordinator. Its state lives in the
//! replicated `__transaction_state` topic (Kafka's record layout), its decisions in
//! a pure state machine (`state.rs`), and its markers go to partition leaders over
//! the wire (`markers.rs`). The partition side of transactions (open transactions,
//! the last stable offset, aborted lists) is kept by each replica with its producer
//! state in `replication`. Depends on `replication`, `controller` and `client`
//! (marker requests); never on `broker` or `group`.

pub mod coordinator;
pub mod markers;
pub mod records;
pub mod state;

pub use crate::protocol::TXN_TOPIC;
pub use coordinator::{Coordinator, TxnConfig};
