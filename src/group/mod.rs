//! Consumer groups, classic protocol: the pure group state machine, the records the
//! coordinator keeps in `__consumer_offsets`, and the coordinator runtime that
//! serves JoinGroup/SyncGroup/Heartbeat/LeaveGroup/OffsetCommit/OffsetFetch.
//! Depends on `replication` (to write and read its partition) and `controller`
//! (to find the partition's leader); never on `broker`.

pub mod coordinator;
pub mod records;
pub mod state;

pub use coordinator::{Coordinator, CoordinatorConfig, OFFSETS_TOPIC};
