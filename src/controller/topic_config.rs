//! Topic configuration: every topic config name Kafka accepts, with its type,
//! default, valid values and broker-level synonym, validated with Kafka's messages;
//! and where a topic's effective value comes from (topic override, dynamic
//! per-broker or cluster-default broker config, static broker config, default).
//! kw acts on the ones that matter to its log (retention, segments, flush,
//! min.insync.replicas, max.message.bytes, timestamp type); the others are
//! accepted, stored and described as Kafka does. Pure.

use std::collections::BTreeMap;

/// What a config accepts (Kafka's ConfigDef types and validators).
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Bool,
    Int {
        min: i64,
        max: i64,
    },
    Long {
        min: i64,
    },
    Double {
        min: f64,
        max: f64,
    },
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A comma-separated list of these words (empty list allowed when the slice is
    /// empty: any items).
    List(&'static [&'static str]),
    /// compression.gzip.level: 1..=9 or -1.
    GzipLevel,
    /// Any text.
    Text,
}

impl Kind {
    /// DescribeConfigs v3+ config type: 1 boolean, 2 string, 3 int, 5 long,
    /// 6 double, 7 list.
    pub fn config_type(self) -> i8 {
        match self {
            Kind::Bool => 1,
            Kind::Int { .. } | Kind::GzipLevel => 3,
            Kind::Long { .. } => 5,
            Kind::Double { .. } => 6,
            Kind::List(_) => 7,
            Kind::Choice(_) | Kind::Text => 2,
        }
    }
}

/// One topic config: its name, kind, default, and the broker config that sets its
/// default cluster-wide (`log.retention.ms` for `retention.ms`).
#[derive(Debug, Clone, Copy)]
pub struct TopicConfigDef {
    pub name: &'static str,
    pub kind: Kind,
    pub default: &'static str,
    pub broker_synonym: Option<&'static str>,
}

const fn def(
    name: &'static str,
    kind: Kind,
    default: &'static str,
    broker_synonym: Option<&'static str>,
) -> TopicConfigDef {
    TopicConfigDef {
        name,
        kind,
        default,
        broker_synonym,
    }
}

const I32: i64 = i32::MAX as i64;
const LONG_MAX: &str = "9223372036854775807";
const COMPRESSION: &[&str] = &["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

/// Every topic config Kafka 3.9 accepts, in the order Kafka's tools print them
/// (the iteration order of Java's HashMap of these names, which `kafka-topics
/// --describe` shows).
pub const TOPIC_CONFIGS: &[TopicConfigDef] = &[
    def(
        "compression.type",
        Kind::Choice(COMPRESSION),
        "producer",
        Some("compression.type"),
    ),
    def("remote.log.delete.on.disable", Kind::Bool, "false", None),
    def(
        "leader.replication.throttled.replicas",
        Kind::List(&[]),
        "",
        None,
    ),
    def("remote.storage.enable", Kind::Bool, "false", None),
    def(
        "min.insync.replicas",
        Kind::Int { min: 1, max: I32 },
        "1",
        Some("min.insync.replicas"),
    ),
    def(
        "message.downconversion.enable",
        Kind::Bool,
        "true",
        Some("log.message.downconversion.enable"),
    ),
    def(
        "segment.jitter.ms",
        Kind::Long { min: 0 },
        "0",
        Some("log.roll.jitter.ms"),
    ),
    def("remote.log.copy.disable", Kind::Bool, "false", None),
    def(
        "local.retention.ms",
        Kind::Long { min: -2 },
        "-2",
        Some("log.local.retention.ms"),
    ),
    def(
        "cleanup.policy",
        Kind::List(&["compact", "delete"]),
        "delete",
        Some("log.cleanup.policy"),
    ),
    def(
        "flush.ms",
        Kind::Long { min: 0 },
        LONG_MAX,
        Some("log.flush.interval.ms"),
    ),
    def(
        "follower.replication.throttled.replicas",
        Kind::List(&[]),
        "",
        None,
    ),
    def(
        "compression.lz4.level",
        Kind::Int { min: 1, max: 17 },
        "9",
        Some("compression.lz4.level"),
    ),
    def(
        "segment.bytes",
        Kind::Int { min: 14, max: I32 },
        "1073741824",
        Some("log.segment.bytes"),
    ),
    def(
        "retention.ms",
        Kind::Long { min: -1 },
        "604800000",
        Some("log.retention.ms"),
    ),
    def(
        "compression.gzip.level",
        Kind::GzipLevel,
        "-1",
        Some("compression.gzip.level"),
    ),
    def(
        "flush.messages",
        Kind::Long { min: 1 },
        LONG_MAX,
        Some("log.flush.interval.messages"),
    ),
    def(
        "compression.zstd.level",
        Kind::Int {
            min: -131_072,
            max: 22,
        },
        "3",
        Some("compression.zstd.level"),
    ),
    def(
        "message.format.version",
        Kind::Text,
        "3.0-IV1",
        Some("log.message.format.version"),
    ),
    def(
        "max.compaction.lag.ms",
        Kind::Long { min: 1 },
        LONG_MAX,
        Some("log.cleaner.max.compaction.lag.ms"),
    ),
    def(
        "file.delete.delay.ms",
        Kind::Long { min: 0 },
        "60000",
        Some("log.segment.delete.delay.ms"),
    ),
    def(
        "max.message.bytes",
        Kind::Int { min: 0, max: I32 },
        "1048588",
        Some("message.max.bytes"),
    ),
    def(
        "min.compaction.lag.ms",
        Kind::Long { min: 0 },
        "0",
        Some("log.cleaner.min.compaction.lag.ms"),
    ),
    def(
        "message.timestamp.type",
        Kind::Choice(&["CreateTime", "LogAppendTime"]),
        "CreateTime",
        Some("log.message.timestamp.type"),
    ),
    def(
        "local.retention.bytes",
        Kind::Long { min: -2 },
        "-2",
        Some("log.local.retention.bytes"),
    ),
    def("preallocate", Kind::Bool, "false", Some("log.preallocate")),
    def(
        "index.interval.bytes",
        Kind::Int { min: 0, max: I32 },
        "4096",
        Some("log.index.interval.bytes"),
    ),
    def(
        "min.cleanable.dirty.ratio",
        Kind::Double { min: 0.0, max: 1.0 },
        "0.5",
        Some("log.cleaner.min.cleanable.ratio"),
    ),
    def(
        "unclean.leader.election.enable",
        Kind::Bool,
        "false",
        Some("unclean.leader.election.enable"),
    ),
    def(
        "retention.bytes",
        Kind::Long { min: i64::MIN },
        "-1",
        Some("log.retention.bytes"),
    ),
    def(
        "delete.retention.ms",
        Kind::Long { min: 0 },
        "86400000",
        Some("log.cleaner.delete.retention.ms"),
    ),
    def(
        "message.timestamp.after.max.ms",
        Kind::Long { min: 0 },
        LONG_MAX,
        Some("log.message.timestamp.after.max.ms"),
    ),
    def(
        "message.timestamp.before.max.ms",
        Kind::Long { min: 0 },
        LONG_MAX,
        Some("log.message.timestamp.before.max.ms"),
    ),
    def(
        "segment.ms",
        Kind::Long { min: 1 },
        "604800000",
        Some("log.roll.ms"),
    ),
    def(
        "message.timestamp.difference.max.ms",
        Kind::Long { min: 0 },
        LONG_MAX,
        Some("log.message.timestamp.difference.max.ms"),
    ),
    def(
        "segment.index.bytes",
        Kind::Int { min: 4, max: I32 },
        "10485760",
        Some("log.index.size.max.bytes"),
    ),
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("Unknown topic config name: {0}")]
    Unknown(String),
    #[error("Invalid value {value} for configuration {name}: {reason}")]
    Invalid {
        name: String,
        value: String,
        reason: String,
    },
}

pub fn definition(name: &str) -> Option<&'static TopicConfigDef> {
    TOPIC_CONFIGS.iter().find(|d| d.name == name)
}

pub fn default_of(name: &str) -> Option<&'static str> {
    definition(name).map(|d| d.default)
}

/// The topic config a broker config sets the default of (`log.retention.ms` ->
/// `retention.ms`), for dynamic broker configs.
pub fn topic_config_of_broker_key(broker_key: &str) -> Option<&'static str> {
    TOPIC_CONFIGS
        .iter()
        .find(|d| d.broker_synonym == Some(broker_key))
        .map(|d| d.name)
}

/// Check `value` against a kind, with ConfigDef's reasons.
pub fn check(kind: Kind, value: &str) -> Result<(), String> {
    let v = value.trim();
    match kind {
        Kind::Bool => match v.to_ascii_lowercase().as_str() {
            "true" | "false" => Ok(()),
            _ => Err("Expected value to be either true or false".into()),
        },
        Kind::Int { min, max } => {
            let n: i64 = v
                .parse::<i32>()
                .map_err(|_| "Not a number of type INT".to_string())?
                .into();
            range(n, min, max)
        }
        Kind::GzipLevel => {
            let n: i32 = v
                .parse()
                .map_err(|_| "Not a number of type INT".to_string())?;
            if n == -1 || (1..=9).contains(&n) {
                Ok(())
            } else {
                Err("Value must be between 1 and 9 or equal to -1".into())
            }
        }
        Kind::Long { min } => {
            let n: i64 = v
                .parse()
                .map_err(|_| "Not a number of type LONG".to_string())?;
            range(n, min, i64::MAX)
        }
        Kind::Double { min, max } => {
            let n: f64 = v
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| "Not a number of type DOUBLE".to_string())?;
            if n < min {
                Err(format!("Value must be at least {min}"))
            } else if n > max {
                Err(format!("Value must be no more than {max}"))
            } else {
                Ok(())
            }
        }
        Kind::Choice(words) => {
            if words.contains(&v) {
                Ok(())
            } else {
                Err(format!("String must be one of: {}", words.join(", ")))
            }
        }
        Kind::List(words) => {
            if words.is_empty() {
                return Ok(());
            }
            let items: Vec<&str> = v.split(',').map(str::trim).collect();
            if !items.is_empty() && items.iter().all(|i| words.contains(i)) {
                Ok(())
            } else {
                Err(format!("String must be one of: {}", words.join(", ")))
            }
        }
        Kind::Text => Ok(()),
    }
}

fn range(n: i64, min: i64, max: i64) -> Result<(), String> {
    if n < min {
        Err(format!("Value must be at least {min}"))
    } else if n > max {
        Err(format!("Value must be no more than {max}"))
    } else {
        Ok(())
    }
}

/// Check one topic config override.
pub fn validate(name: &str, value: &str) -> Result<(), ConfigError> {
    let d = definition(name).ok_or_else(|| ConfigError::Unknown(name.to_string()))?;
    check(d.kind, value).map_err(|reason| ConfigError::Invalid {
        name: name.to_string(),
        value: value.to_string(),
        reason,
    })
}

/// Validate a whole set of overrides: every name first (as Kafka's
/// LogConfig.validateNames), then the values, then the settings that must agree.
pub fn validate_all(configs: &BTreeMap<String, String>) -> Result<(), ConfigError> {
    if let Some(unknown) = configs.keys().find(|k| definition(k).is_none()) {
        return Err(ConfigError::Unknown(unknown.clone()));
    }
    configs.iter().try_for_each(|(k, v)| validate(k, v))?;
    let lag = |k: &str| configs.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    if let (Some(min), Some(max)) = (lag("min.compaction.lag.ms"), lag("max.compaction.lag.ms")) {
        if min > max {
            return Err(ConfigError::Invalid {
                name: "min.compaction.lag.ms".into(),
                value: min.to_string(),
                reason: format!(
                    "conflict topic config setting min.compaction.lag.ms ({min}) > max.compaction.lag.ms ({max})"
                ),
            });
        }
    }
    Ok(())
}

/// Where a config value comes from (DescribeConfigs' config_source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Topic = 1,
    DynamicBroker = 2,
    DynamicDefaultBroker = 3,
    StaticBroker = 4,
    Default = 5,
}

/// Broker-level defaults of topic configs, by topic config name, from the three
/// broker layers (each already translated to topic names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokerDefaults {
    /// Dynamic, for this broker only (`kw` resource "N").
    pub per_broker: BTreeMap<String, String>,
    /// Dynamic, cluster-wide (resource "").
    pub cluster: BTreeMap<String, String>,
    /// Given with `--config` at start.
    pub static_: BTreeMap<String, String>,
}

impl BrokerDefaults {
    /// Translate dynamic broker configs (by broker key) into topic-config defaults.
    pub fn from_dynamic(
        per_broker: Option<&BTreeMap<String, String>>,
        cluster: Option<&BTreeMap<String, String>>,
        static_: &BTreeMap<String, String>,
    ) -> BrokerDefaults {
        let translate = |m: Option<&BTreeMap<String, String>>| {
            m.into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((topic_config_of_broker_key(k)?.to_string(), v.clone())))
                .collect()
        };
        BrokerDefaults {
            per_broker: translate(per_broker),
            cluster: translate(cluster),
            static_: static_.clone(),
        }
    }

    /// The broker-level value of topic config `name`, and its source.
    pub fn lookup(&self, name: &str) -> Option<(&str, Source)> {
        self.per_broker
            .get(name)
            .map(|v| (v.as_str(), Source::DynamicBroker))
            .or_else(|| {
                self.cluster
                    .get(name)
                    .map(|v| (v.as_str(), Source::DynamicDefaultBroker))
            })
            .or_else(|| {
                self.static_
                    .get(name)
                    .map(|v| (v.as_str(), Source::StaticBroker))
            })
    }
}

/// The value in force and its source: the override, else the broker layers, else
/// Kafka's default.
pub fn effective_with_source<'a>(
    overrides: &'a BTreeMap<String, String>,
    broker: &'a BrokerDefaults,
    name: &str,
) -> Option<(&'a str, Source)> {
    overrides
        .get(name)
        .map(|v| (v.as_str(), Source::Topic))
        .or_else(|| broker.lookup(name))
        .or_else(|| default_of(name).map(|v| (v, Source::Default)))
}

/// The value in force: the override, else the broker layers, else Kafka's default.
pub fn effective<'a>(
    overrides: &'a BTreeMap<String, String>,
    broker: &'a BrokerDefaults,
    name: &str,
) -> Option<&'a str> {
    effective_with_source(overrides, broker, name).map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_with_kafkas_messages() {
        // (name, value, expected error text or "" for valid)
        let cases: &[(&str, &str, &str)] = &[
            ("retention.ms", "1000", ""),
            ("retention.ms", "-1", ""),
            ("retention.ms", "x", "Invalid value x for configuration retention.ms: Not a number of type LONG"),
            ("retention.ms", "-2", "Invalid value -2 for configuration retention.ms: Value must be at least -1"),
            ("min.insync.replicas", "0", "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"),
            ("segment.bytes", "13", "Invalid value 13 for configuration segment.bytes: Value must be at least 14"),
            ("segment.bytes", "99999999999", "Invalid value 99999999999 for configuration segment.bytes: Not a number of type INT"),
            ("cleanup.policy", "compact,delete", ""),
            ("cleanup.policy", "shred", "Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete"),
            ("message.timestamp.type", "LogAppendTime", ""),
            ("message.timestamp.type", "Now", "Invalid value Now for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime"),
            ("preallocate", "TRUE", ""),
            ("preallocate", "yes", "Invalid value yes for configuration preallocate: Expected value to be either true or false"),
            ("min.cleanable.dirty.ratio", "1.1", "Invalid value 1.1 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"),
            ("compression.gzip.level", "0", "Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1"),
            ("compression.gzip.level", "-1", ""),
            ("retention.bytes", "-5", ""),
            ("leader.replication.throttled.replicas", "0:1,1:2", ""),
            ("not.a.real.topic.config", "1", "Unknown topic config name: not.a.real.topic.config"),
        ];
        for (name, value, want) in cases {
            match validate(name, value) {
                Ok(()) => assert_eq!(*want, "", "{name}={value} passed"),
                Err(e) => assert_eq!(e.to_string(), *want, "{name}={value}"),
            }
        }
        let mut lags = BTreeMap::new();
        lags.insert("min.compaction.lag.ms".to_string(), "10".to_string());
        lags.insert("max.compaction.lag.ms".to_string(), "5".to_string());
        assert!(validate_all(&lags).is_err());
        // Unknown names are reported before bad values.
        let mut both = BTreeMap::new();
        both.insert("retention.ms".to_string(), "x".to_string());
        both.insert("zzz".to_string(), "1".to_string());
        assert_eq!(validate_all(&both), Err(ConfigError::Unknown("zzz".into())));
    }

    #[test]
    fn every_default_is_valid_and_every_name_is_unique() {
        for d in TOPIC_CONFIGS {
            if !matches!(d.kind, Kind::List(_)) || !d.default.is_empty() {
                assert!(check(d.kind, d.default).is_ok(), "{}", d.name);
            }
            assert_eq!(
                TOPIC_CONFIGS.iter().filter(|x| x.name == d.name).count(),
                1,
                "{}",
                d.name
            );
        }
        assert_eq!(
            topic_config_of_broker_key("log.retention.ms"),
            Some("retention.ms")
        );
        assert_eq!(
            topic_config_of_broker_key("message.max.bytes"),
            Some("max.message.bytes")
        );
        assert_eq!(topic_config_of_broker_key("log.retention.hours"), None);
    }

    #[test]
    fn effective_value_precedence_and_source() {
        let mut o = BTreeMap::new();
        let mut b = BrokerDefaults::default();
        let get = |o: &BTreeMap<String, String>, b: &BrokerDefaults| {
            effective_with_source(o, b, "min.insync.replicas")
                .map(|(v, s)| (v.to_string(), s))
                .unwrap()
        };
        assert_eq!(get(&o, &b), ("1".into(), Source::Default));
        b.static_.insert("min.insync.replicas".into(), "2".into());
        assert_eq!(get(&o, &b), ("2".into(), Source::StaticBroker));
        b.cluster.insert("min.insync.replicas".into(), "3".into());
        assert_eq!(get(&o, &b), ("3".into(), Source::DynamicDefaultBroker));
        b.per_broker
            .insert("min.insync.replicas".into(), "4".into());
        assert_eq!(get(&o, &b), ("4".into(), Source::DynamicBroker));
        o.insert("min.insync.replicas".into(), "5".into());
        assert_eq!(get(&o, &b), ("5".into(), Source::Topic));
        let from = BrokerDefaults::from_dynamic(
            Some(&[("log.retention.ms".to_string(), "1000".to_string())].into()),
            Some(&[("log.retention.hours".to_string(), "1".to_string())].into()),
            &BTreeMap::new(),
        );
        assert_eq!(
            from.per_broker.get("retention.ms").map(String::as_str),
            Some("1000")
        );
        assert!(
            from.cluster.is_empty(),
            "hours is not a synonym kw takes dynamically"
        );
    }
}
