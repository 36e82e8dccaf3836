//! Topic configuration: the Kafka config names kw understands, their defaults and
//! validation. Pure.

use std::collections::BTreeMap;

/// (name, default value) of every topic config kw accepts.
pub const TOPIC_CONFIGS: &[(&str, &str)] = &[
    ("cleanup.policy", "delete"),
    ("compression.type", "producer"),
    ("flush.messages", "9223372036854775807"),
    ("index.interval.bytes", "4096"),
    ("max.message.bytes", "1048588"),
    ("message.timestamp.type", "CreateTime"),
    ("min.insync.replicas", "1"),
    ("retention.bytes", "-1"),
    ("retention.ms", "604800000"),
    ("segment.bytes", "1073741824"),
    ("segment.ms", "604800000"),
    ("unclean.leader.election.enable", "false"),
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("Unknown topic config name: {0}")]
    Unknown(String),
    #[error("Invalid value {value} for configuration {name}: {reason}")]
    Invalid {
        name: String,
        value: String,
        reason: &'static str,
    },
}

pub fn default_of(name: &str) -> Option<&'static str> {
    TOPIC_CONFIGS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
}

/// Check one topic config override.
pub fn validate(name: &str, value: &str) -> Result<(), ConfigError> {
    let invalid = |reason| ConfigError::Invalid {
        name: name.to_string(),
        value: value.to_string(),
        reason,
    };
    match name {
        "cleanup.policy" => match value {
            "delete" | "compact" | "compact,delete" | "delete,compact" => Ok(()),
            _ => Err(invalid("must be delete, compact or both")),
        },
        "compression.type" => match value {
            "producer" | "uncompressed" | "gzip" | "snappy" | "lz4" | "zstd" => Ok(()),
            _ => Err(invalid("unknown compression type")),
        },
        "message.timestamp.type" => match value {
            "CreateTime" | "LogAppendTime" => Ok(()),
            _ => Err(invalid("must be CreateTime or LogAppendTime")),
        },
        "unclean.leader.election.enable" => match value {
            "true" | "false" => Ok(()),
            _ => Err(invalid("must be true or false")),
        },
        "min.insync.replicas" | "max.message.bytes" | "segment.bytes" | "index.interval.bytes" => {
            match value.parse::<i64>() {
                Ok(v) if v >= 1 => Ok(()),
                _ => Err(invalid("must be a positive integer")),
            }
        }
        "retention.ms" | "retention.bytes" | "flush.messages" | "segment.ms" => {
            match value.parse::<i64>() {
                Ok(v) if v >= -1 => Ok(()),
                _ => Err(invalid("must be an integer >= -1")),
            }
        }
        other => Err(ConfigError::Unknown(other.to_string())),
    }
}

/// Validate a whole set of overrides.
pub fn validate_all(configs: &BTreeMap<String, String>) -> Result<(), ConfigError> {
    configs.iter().try_for_each(|(k, v)| validate(k, v))
}

/// The value in force: the override, else the broker-level default, else Kafka's default.
pub fn effective<'a>(
    overrides: &'a BTreeMap<String, String>,
    broker_defaults: &'a BTreeMap<String, String>,
    name: &str,
) -> Option<&'a str> {
    overrides
        .get(name)
        .or_else(|| broker_defaults.get(name))
        .map(|s| s.as_str())
        .or_else(|| default_of(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert!(validate("retention.ms", "1000").is_ok());
        assert!(validate("retention.ms", "x").is_err());
        assert_eq!(
            validate("foo", "1"),
            Err(ConfigError::Unknown("foo".into()))
        );
        assert!(validate("min.insync.replicas", "0").is_err());
    }

    #[test]
    fn effective_prefers_override_then_broker_then_default() {
        let mut o = BTreeMap::new();
        let mut b = BTreeMap::new();
        assert_eq!(effective(&o, &b, "min.insync.replicas"), Some("1"));
        b.insert("min.insync.replicas".into(), "2".into());
        assert_eq!(effective(&o, &b, "min.insync.replicas"), Some("2"));
        o.insert("min.insync.replicas".into(), "3".into());
        assert_eq!(effective(&o, &b, "min.insync.replicas"), Some("3"));
    }
}
