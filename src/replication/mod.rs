//! Partition replicas and their state: leader epoch, ISR, high watermark, producer
//! sequences, waiters; and the manager that reconciles local replicas with the
//! metadata image. Depends on `storage`, `controller` (image types) and `protocol`;
//! never on `broker`.

pub mod manager;
pub mod partition;
pub mod producer_state;

pub use manager::ReplicaManager;
pub use partition::{Partition, ReadLimit};
