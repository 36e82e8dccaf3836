//! Partition replicas and their state: leader epoch, ISR and high watermark
//! (`partition`, with the pure ISR rules in `isr`), producer sequences, waiters;
//! the manager that reconciles local replicas with the metadata image and owns the
//! replication tasks (`background`: ISR changes, checkpoints, retention); and the
//! follower fetchers that pull from leaders. Depends on `storage`, `controller`
//! (image types, ISR changes), `client` (follower fetches) and `protocol`; never on
//! `broker`, `group` or `node`.

mod background;
pub mod fetcher;
pub mod isr;
pub mod manager;
pub mod partition;
pub mod producer_state;

pub use manager::{ReplicaManager, ReplicationSettings};
pub use partition::{Partition, ReadLimit};
