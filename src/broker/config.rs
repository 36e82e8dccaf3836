//! Broker settings, parsed once from Kafka-named `--config key=value` pairs into a
//! typed value. Pure.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("unknown broker config '{0}' (kw accepts Kafka's names, e.g. num.partitions)")]
    Unknown(String),
    #[error("invalid value '{value}' for broker config '{name}': expected {expected}")]
    Invalid {
        name: String,
        value: String,
        expected: &'static str,
    },
    #[error("expected key=value, got '{0}'")]
    NotKeyValue(String),
}

#[derive(Debug, Clone)]
pub struct BrokerConfig {
    pub node_id: i32,
    pub listen: String,
    pub advertise_host: String,
    pub advertise_port: i32,
    pub data_dir: PathBuf,
    pub auto_create_topics: bool,
    pub num_partitions: i32,
    pub default_replication_factor: i32,
    pub socket_request_max_bytes: usize,
    pub max_connections: usize,
    pub retention_check_interval: Duration,
    /// Broker-level defaults for topic configs, under topic config names.
    pub topic_defaults: BTreeMap<String, String>,
    /// Every setting given, as given (for DescribeConfigs on the broker resource).
    pub given: BTreeMap<String, String>,
}

/// Broker config name -> topic config name it sets the default of.
const TOPIC_DEFAULT_KEYS: &[(&str, &str)] = &[
    ("log.segment.bytes", "segment.bytes"),
    ("log.retention.bytes", "retention.bytes"),
    ("log.flush.interval.messages", "flush.messages"),
    ("log.index.interval.bytes", "index.interval.bytes"),
    ("log.cleanup.policy", "cleanup.policy"),
    ("message.max.bytes", "max.message.bytes"),
    ("min.insync.replicas", "min.insync.replicas"),
    (
        "unclean.leader.election.enable",
        "unclean.leader.election.enable",
    ),
    ("compression.type", "compression.type"),
];

/// Accepted now and used by later parts of the broker (groups, replication).
const OTHER_KNOWN_KEYS: &[&str] = &[
    "offsets.topic.num.partitions",
    "offsets.topic.replication.factor",
    "group.initial.rebalance.delay.ms",
    "group.min.session.timeout.ms",
    "group.max.session.timeout.ms",
    "replica.lag.time.max.ms",
    "auto.leader.rebalance.enable",
    "leader.imbalance.check.interval.seconds",
    "broker.session.timeout.ms",
    "broker.heartbeat.interval.ms",
    "replica.high.watermark.checkpoint.interval.ms",
];

fn parse<T: std::str::FromStr>(
    name: &str,
    value: &str,
    expected: &'static str,
) -> Result<T, ConfigError> {
    value.parse().map_err(|_| ConfigError::Invalid {
        name: name.to_string(),
        value: value.to_string(),
        expected,
    })
}

/// Split `key=value`.
pub fn split_key_value(s: &str) -> Result<(String, String), ConfigError> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(ConfigError::NotKeyValue(s.to_string())),
    }
}

impl BrokerConfig {
    pub fn new(
        node_id: i32,
        listen: String,
        advertise_host: String,
        advertise_port: i32,
        data_dir: PathBuf,
        settings: &[(String, String)],
    ) -> Result<BrokerConfig, ConfigError> {
        let mut c = BrokerConfig {
            node_id,
            listen,
            advertise_host,
            advertise_port,
            data_dir,
            auto_create_topics: true,
            num_partitions: 1,
            default_replication_factor: 1,
            socket_request_max_bytes: crate::protocol::frame::DEFAULT_MAX_REQUEST_BYTES,
            max_connections: 10_000,
            retention_check_interval: Duration::from_secs(300),
            topic_defaults: BTreeMap::new(),
            given: BTreeMap::new(),
        };
        for (k, v) in settings {
            c.set(k, v)?;
            c.given.insert(k.clone(), v.clone());
        }
        Ok(c)
    }

    fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        match name {
            "auto.create.topics.enable" => {
                self.auto_create_topics = parse(name, value, "true or false")?
            }
            "num.partitions" => {
                self.num_partitions = parse(name, value, "a positive integer")?;
                if self.num_partitions < 1 {
                    return Err(ConfigError::Invalid {
                        name: name.into(),
                        value: value.into(),
                        expected: "a positive integer",
                    });
                }
            }
            "default.replication.factor" => {
                self.default_replication_factor = parse(name, value, "a positive integer")?;
                if self.default_replication_factor < 1 {
                    return Err(ConfigError::Invalid {
                        name: name.into(),
                        value: value.into(),
                        expected: "a positive integer",
                    });
                }
            }
            "socket.request.max.bytes" => {
                self.socket_request_max_bytes = parse(name, value, "a byte count")?
            }
            "max.connections" => self.max_connections = parse(name, value, "a count")?,
            "log.retention.check.interval.ms" => {
                self.retention_check_interval =
                    Duration::from_millis(parse(name, value, "milliseconds")?)
            }
            "log.retention.ms" | "log.retention.minutes" | "log.retention.hours" => {
                let n: i64 = parse(name, value, "an integer")?;
                let ms = match name {
                    "log.retention.minutes" if n > 0 => n * 60_000,
                    "log.retention.hours" if n > 0 => n * 3_600_000,
                    _ => n,
                };
                self.topic_defaults
                    .insert("retention.ms".into(), ms.to_string());
            }
            _ => {
                if let Some((_, topic_key)) = TOPIC_DEFAULT_KEYS.iter().find(|(k, _)| *k == name) {
                    crate::controller::topic_config::validate(topic_key, value).map_err(|_| {
                        ConfigError::Invalid {
                            name: name.into(),
                            value: value.into(),
                            expected: "a valid value",
                        }
                    })?;
                    self.topic_defaults
                        .insert(topic_key.to_string(), value.to_string());
                } else if OTHER_KNOWN_KEYS.contains(&name) {
                    let _: i64 = match value {
                        "true" | "false" => 0,
                        _ => parse(name, value, "a number")?,
                    };
                } else {
                    return Err(ConfigError::Unknown(name.to_string()));
                }
            }
        }
        Ok(())
    }

    /// A setting from `given`, parsed, or the default.
    pub fn get_or<T: std::str::FromStr>(&self, name: &str, default: T) -> T {
        self.given
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<BrokerConfig, ConfigError> {
        let s: Vec<(String, String)> = pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        BrokerConfig::new(
            1,
            "127.0.0.1:9092".into(),
            "127.0.0.1".into(),
            9092,
            "d".into(),
            &s,
        )
    }

    #[test]
    fn parses_kafka_names() {
        let c = cfg(&[
            ("num.partitions", "6"),
            ("log.retention.hours", "1"),
            ("min.insync.replicas", "2"),
        ])
        .unwrap();
        assert_eq!(c.num_partitions, 6);
        assert_eq!(c.topic_defaults["retention.ms"], "3600000");
        assert_eq!(c.topic_defaults["min.insync.replicas"], "2");
        assert_eq!(c.get_or("group.initial.rebalance.delay.ms", 3000u64), 3000);
    }

    #[test]
    fn rejects_unknown_and_bad_values() {
        assert_eq!(
            cfg(&[("nope", "1")]).unwrap_err(),
            ConfigError::Unknown("nope".into())
        );
        assert!(cfg(&[("num.partitions", "x")]).is_err());
        assert!(cfg(&[("num.partitions", "0")]).is_err());
        assert!(split_key_value("novalue").is_err());
        assert_eq!(
            split_key_value("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
    }
}
