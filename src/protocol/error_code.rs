//! Kafka error codes: re-export of the crate's table plus the wording users see.

pub use kafka_protocol::error::ResponseError;

/// The code to put on the wire for "no error".
pub const NONE: i16 = 0;

/// Human text for an error code, e.g. "Broker: Unknown topic or partition"
/// (librdkafka's wording, which kcat users know).
pub fn describe(code: i16) -> String {
    match ResponseError::try_from_code(code) {
        None => "Success".to_string(),
        Some(e) => format!("Broker: {}", short_name(e)),
    }
}

fn short_name(e: ResponseError) -> String {
    use ResponseError::*;
    let s = match e {
        UnknownTopicOrPartition => "Unknown topic or partition",
        LeaderNotAvailable => "Leader not available",
        NotLeaderOrFollower => "Not leader for partition",
        TopicAlreadyExists => "Topic already exists",
        InvalidReplicationFactor => "Invalid replication factor",
        InvalidPartitions => "Invalid partitions",
        InvalidTopicException => "Topic name is invalid",
        NotEnoughReplicas => "Not enough in-sync replicas",
        CorruptMessage => "Corrupt message",
        OffsetOutOfRange => "Offset out of range",
        RequestTimedOut => "Request timed out",
        OutOfOrderSequenceNumber => "Out of order sequence number",
        InvalidConfig => "Configuration is invalid",
        TopicAuthorizationFailed => "Topic authorization failed",
        GroupAuthorizationFailed => "Group authorization failed",
        ClusterAuthorizationFailed => "Cluster authorization failed",
        TransactionalIdAuthorizationFailed => "Transactional Id authorization failed",
        SecurityDisabled => "Security features are disabled",
        SaslAuthenticationFailed => "SASL Authentication failed",
        _ => return format!("{e:?}"),
    };
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_known_codes_like_librdkafka() {
        assert_eq!(describe(3), "Broker: Unknown topic or partition");
        assert_eq!(describe(0), "Success");
    }
}
