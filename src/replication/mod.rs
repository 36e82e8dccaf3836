//! Partition replicas and their state: leader epoch, ISR, high watermark, producer
//! sequences, waiters; and the manager that reconciles local replicas with the
//! metadata image, and the follower fetchers that pull from leaders. Depends on
//! `storage`, `controller` (image types), `client` (follower fetches) and
//! `protocol`; never on `broker` or `group`.

pub mod fetcher;
pub mod manager;
pub mod partition;
pub mod producer_state;

pub use manager::ReplicaManager;
pub use partition::{Partition, ReadLimit};
