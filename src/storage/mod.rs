//! Partition logs on disk: segments of record batches stored exactly as received,
//! a sparse in-memory offset index rebuilt on open, recovery that cuts a torn or
//! corrupt tail, truncation and retention.
//!
//! Knows nothing about the network, leaders or the cluster: it stores batch bytes
//! under offsets. Depends only on `protocol::batch` for the batch header layout.

pub mod epochs;
mod log;
mod segment;

pub use epochs::EpochCache;
pub use log::{
    remove_segment_files, Appended, LogConfig, PartitionLog, PendingRead, PendingSync, ReadResult,
    TimeLookup,
};

use std::path::PathBuf;

use crate::protocol::batch::BatchError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A write failed and what reached the file could not be cut off again: the
    /// log must not be used until it is opened (and recovered) again.
    #[error("{path} holds the start of a failed write that could not be removed: {source}")]
    Damaged {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "offset {offset} is out of range: the log holds [{log_start_offset}, {log_end_offset})"
    )]
    OffsetOutOfRange {
        offset: i64,
        log_start_offset: i64,
        log_end_offset: i64,
    },
    #[error("batch base offset {got} does not match the log end offset {expected}")]
    NonContiguous { expected: i64, got: i64 },
    #[error("corrupt batch in {path}: {source}")]
    Corrupt {
        path: PathBuf,
        #[source]
        source: BatchError,
    },
}

pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}
