//! The Kafka client library used by every client subcommand and by the broker's
//! follower fetchers: pipelined connections, cluster metadata and leader routing, a
//! batching idempotent producer, a fetching consumer and admin calls. Speaks only
//! the wire protocol, so it works against kw and against any Kafka-compatible
//! cluster. Depends on `protocol` only: never on the broker's parts.

pub mod admin;
pub mod assignor;
pub mod cluster;
pub mod connection;
pub mod consumer;
pub mod group_member;
pub mod groups_admin;
pub mod partitioner;
pub mod producer;
pub mod txn_admin;

pub use cluster::{Client, ClientConfig};
pub use connection::{Connection, SaslConfig, Security};

use kafka_protocol::error::ResponseError;

#[derive(Debug, thiserror::Error, Clone)]
pub enum Error {
    #[error("cannot connect to {addr}: {reason}")]
    Connect { addr: String, reason: String },
    /// TLS or SASL refused: retrying will not help.
    #[error("{reason} ({addr})")]
    Security { addr: String, reason: String },
    #[error("none of the bootstrap brokers answered ({tried}); is a broker running there? start one with `kw serve`")]
    NoBroker { tried: String },
    #[error("connection to {addr} lost: {reason}")]
    Disconnected { addr: String, reason: String },
    #[error("request to {addr} timed out after {ms} ms")]
    Timeout { addr: String, ms: u64 },
    #[error("protocol error talking to {addr}: {reason}")]
    Protocol { addr: String, reason: String },
    #[error("broker {addr} does not support {api}")]
    Unsupported { addr: String, api: String },
    /// A Kafka error code from a broker; `message` says what failed, in one sentence.
    #[error("{message}")]
    Server {
        code: ResponseError,
        message: String,
    },
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// The error for a non-zero `code` while doing `context` ("fetching t-0"), or None.
    pub fn server(code: i16, context: impl std::fmt::Display) -> Option<Error> {
        ResponseError::try_from_code(code).map(|c| Error::Server {
            code: c,
            message: format!("{context}: {}", crate::protocol::error_code::describe(code)),
        })
    }

    /// Worth retrying after refreshing metadata or reconnecting.
    pub fn is_retriable(&self) -> bool {
        match self {
            Error::Disconnected { .. } | Error::Timeout { .. } | Error::Connect { .. } => true,
            Error::Server { code, .. } => code.is_retriable(),
            _ => false,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
