//! `-X key=value` client properties, by librdkafka's names, parsed once into typed
//! settings; also read from kcat's configuration file (`-F FILE`, else
//! `$KCAT_CONFIG` or `~/.config/kcat.conf`). Unknown names are refused as kcat
//! refuses them. Secrets (passwords, key material) are never printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail};
use kafka_protocol::records::Compression;

use crate::client::consumer::ConsumerConfig;
use crate::client::partitioner::Partitioner;
use crate::client::producer::ProducerConfig;
use crate::client::{ClientConfig, SaslConfig, Security};
use crate::security::tls::{ClientTls, Pem};
use crate::security::{Secret, SecurityProtocol};

/// Every property name accepted, with the canonical name it maps to.
const ALIASES: &[(&str, &str)] = &[
    ("acks", "acks"),
    ("request.required.acks", "acks"),
    ("linger.ms", "linger.ms"),
    ("queue.buffering.max.ms", "linger.ms"),
    ("batch.size", "batch.size"),
    ("compression.type", "compression.codec"),
    ("compression.codec", "compression.codec"),
    ("enable.idempotence", "enable.idempotence"),
    ("partitioner", "partitioner"),
    ("message.timeout.ms", "message.timeout.ms"),
    ("delivery.timeout.ms", "message.timeout.ms"),
    ("request.timeout.ms", "request.timeout.ms"),
    ("max.in.flight", "max.in.flight"),
    ("max.in.flight.requests.per.connection", "max.in.flight"),
    (
        "queue.buffering.max.messages",
        "queue.buffering.max.messages",
    ),
    ("retry.backoff.ms", "retry.backoff.ms"),
    ("message.max.bytes", "message.max.bytes"),
    ("client.id", "client.id"),
    ("bootstrap.servers", "bootstrap.servers"),
    ("metadata.broker.list", "bootstrap.servers"),
    ("allow.auto.create.topics", "allow.auto.create.topics"),
    ("auto.offset.reset", "auto.offset.reset"),
    ("group.id", "group.id"),
    ("session.timeout.ms", "session.timeout.ms"),
    ("heartbeat.interval.ms", "heartbeat.interval.ms"),
    ("enable.auto.commit", "enable.auto.commit"),
    ("auto.commit.interval.ms", "auto.commit.interval.ms"),
    (
        "partition.assignment.strategy",
        "partition.assignment.strategy",
    ),
    ("fetch.wait.max.ms", "fetch.wait.max.ms"),
    ("fetch.max.bytes", "fetch.max.bytes"),
    ("max.partition.fetch.bytes", "max.partition.fetch.bytes"),
    ("socket.timeout.ms", "socket.timeout.ms"),
    ("enable.partition.eof", "enable.partition.eof"),
    ("isolation.level", "isolation.level"),
    ("transactional.id", "transactional.id"),
    ("transaction.timeout.ms", "transaction.timeout.ms"),
    ("security.protocol", "security.protocol"),
    ("ssl.ca.location", "ssl.ca.location"),
    ("ssl.ca.pem", "ssl.ca.pem"),
    ("ssl.certificate.location", "ssl.certificate.location"),
    ("ssl.certificate.pem", "ssl.certificate.pem"),
    ("ssl.key.location", "ssl.key.location"),
    ("ssl.key.pem", "ssl.key.pem"),
    ("ssl.key.password", "ssl.key.password"),
    (
        "enable.ssl.certificate.verification",
        "enable.ssl.certificate.verification",
    ),
    (
        "ssl.endpoint.identification.algorithm",
        "ssl.endpoint.identification.algorithm",
    ),
    ("sasl.mechanism", "sasl.mechanism"),
    ("sasl.mechanisms", "sasl.mechanism"),
    ("sasl.username", "sasl.username"),
    ("sasl.password", "sasl.password"),
    ("debug", "debug"),
];

/// Properties whose values are secrets: never printed.
const SECRET: &[&str] = &["sasl.password", "ssl.key.password", "ssl.key.pem"];

/// kcat's configuration file when no -F is given: `$KCAT_CONFIG`, else
/// `~/.config/kcat.conf` if it exists.
pub fn default_config_file() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KCAT_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("HOME")?;
    let p = Path::new(&home).join(".config/kcat.conf");
    p.is_file().then_some(p)
}

/// The `key=value` lines of a kcat configuration file (`#` starts a comment line).
pub fn read_config_file(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow!("cannot read configuration file {}: {e}", path.display()))?;
    let mut items = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.contains('=') {
            bail!(
                "{}:{}: expected property=value, not {line}",
                path.display(),
                n + 1
            );
        }
        items.push(line.to_string());
    }
    Ok(items)
}

#[derive(Clone, Default)]
pub struct Props {
    values: BTreeMap<String, String>,
}

impl std::fmt::Debug for Props {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: BTreeMap<&str, &str> = self
            .values
            .iter()
            .map(|(k, v)| {
                let v = if SECRET.contains(&k.as_str()) {
                    "[redacted]"
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            })
            .collect();
        f.debug_struct("Props").field("values", &shown).finish()
    }
}

impl Props {
    pub fn parse(items: &[String]) -> anyhow::Result<Props> {
        let mut values = BTreeMap::new();
        for item in items {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| anyhow!("Expected -X property=value, not {item}"))?;
            let k = k.trim().strip_prefix("topic.").unwrap_or(k.trim());
            let canonical = ALIASES
                .iter()
                .find(|(a, _)| *a == k)
                .map(|(_, c)| *c)
                .ok_or_else(|| anyhow!("No such configuration property: \"{k}\""))?;
            values.insert(canonical.to_string(), v.trim().to_string());
        }
        if let Some(p) = values.get("security.protocol") {
            p.parse::<SecurityProtocol>().map_err(|_| {
                anyhow!("Invalid value \"{p}\" for configuration property \"security.protocol\"")
            })?;
        }
        Ok(Props { values })
    }

    /// The properties of a configuration file (`-F`, or kcat's default file when
    /// none is given), then `-X`'s, which win.
    pub fn load(items: &[String], file: Option<&Path>) -> anyhow::Result<Props> {
        let path = file.map(Path::to_path_buf).or_else(default_config_file);
        let mut all = match &path {
            Some(p) => read_config_file(p)?,
            None => Vec::new(),
        };
        all.extend(items.iter().cloned());
        Props::parse(&all).map_err(|e| match &path {
            Some(p) if Props::parse(items).is_ok() => anyhow!("{e} (in {})", p.display()),
            _ => e,
        })
    }

    /// `security.protocol` with its TLS settings, ready for connections.
    pub fn security(&self) -> anyhow::Result<Security> {
        let protocol: SecurityProtocol = match self.get("security.protocol") {
            Some(p) => p.parse().map_err(|e: String| anyhow!(e))?,
            None => SecurityProtocol::Plaintext,
        };
        let sasl = if protocol.uses_sasl() {
            let mechanism = self
                .get("sasl.mechanism")
                .unwrap_or("GSSAPI")
                .to_ascii_uppercase();
            if !["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"].contains(&mechanism.as_str()) {
                bail!("sasl.mechanism={mechanism} is not supported by kw (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)");
            }
            let (Some(username), Some(password)) =
                (self.get("sasl.username"), self.get("sasl.password"))
            else {
                bail!("security.protocol={protocol} with sasl.mechanism={mechanism} needs sasl.username and sasl.password");
            };
            Some(SaslConfig {
                mechanism,
                username: username.to_string(),
                password: Secret(password.to_string()),
            })
        } else {
            None
        };
        if !protocol.uses_tls() {
            return Ok(Security {
                protocol,
                tls: None,
                sasl,
            });
        }
        let pem = |location: &str, pem: &str| match (self.get(location), self.get(pem)) {
            (Some(path), _) => Some(Pem::File(PathBuf::from(path))),
            (None, Some(text)) => Some(Pem::Text(text.to_string())),
            (None, None) => None,
        };
        let verify_hostname = match self.get("ssl.endpoint.identification.algorithm") {
            None => true,
            Some(v) if v.eq_ignore_ascii_case("https") => true,
            Some(v) if v.eq_ignore_ascii_case("none") || v.is_empty() => false,
            Some(v) => bail!("Invalid value \"{v}\" for configuration property \"ssl.endpoint.identification.algorithm\""),
        };
        let tls = ClientTls {
            ca: pem("ssl.ca.location", "ssl.ca.pem"),
            certificate: pem("ssl.certificate.location", "ssl.certificate.pem"),
            key: pem("ssl.key.location", "ssl.key.pem"),
            verify_certificate: self
                .flag("enable.ssl.certificate.verification")?
                .unwrap_or(true),
            verify_hostname,
        };
        let config = tls.config().map_err(|e| anyhow!("{e}"))?;
        Ok(Security {
            protocol,
            tls: Some(config),
            sasl,
        })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|s| s.as_str())
    }

    fn num<T: std::str::FromStr>(&self, name: &str) -> anyhow::Result<Option<T>> {
        self.get(name)
            .map(|v| {
                v.parse::<T>().map_err(|_| {
                    anyhow!("Invalid value \"{v}\" for configuration property \"{name}\"")
                })
            })
            .transpose()
    }

    fn flag(&self, name: &str) -> anyhow::Result<Option<bool>> {
        self.get(name)
            .map(|v| match v {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(anyhow!(
                    "Invalid value \"{v}\" for configuration property \"{name}\""
                )),
            })
            .transpose()
    }

    /// The bootstrap list: `-X bootstrap.servers` wins over `-b`, as in kcat.
    pub fn bootstrap<'a>(&'a self, flag: &'a str) -> &'a str {
        self.get("bootstrap.servers").unwrap_or(flag)
    }

    pub fn client_config(&self, allow_auto_create: bool) -> anyhow::Result<ClientConfig> {
        let mut c = ClientConfig {
            allow_auto_create,
            ..ClientConfig::default()
        };
        if let Some(id) = self.get("client.id") {
            c.client_id = id.to_string();
        }
        if let Some(b) = self.flag("allow.auto.create.topics")? {
            c.allow_auto_create = b;
        }
        if let Some(ms) = self.num::<u64>("socket.timeout.ms")? {
            c.connect_timeout = Duration::from_millis(ms);
        }
        c.security = self.security()?;
        Ok(c)
    }

    pub fn producer_config(&self, codec: Option<&str>) -> anyhow::Result<ProducerConfig> {
        let mut p = ProducerConfig::default();
        if let Some(a) = self.get("acks") {
            p.acks = match a {
                "all" | "-1" => -1,
                "0" => 0,
                "1" => 1,
                _ => bail!("Invalid value \"{a}\" for configuration property \"acks\""),
            };
        }
        if let Some(ms) = self.num::<u64>("linger.ms")? {
            p.linger = Duration::from_millis(ms);
        }
        if let Some(n) = self.num::<usize>("batch.size")? {
            p.batch_size = n.max(1);
        }
        if let Some(c) = codec.or(self.get("compression.codec")) {
            p.compression = parse_codec(c)?;
        }
        if let Some(b) = self.flag("enable.idempotence")? {
            p.idempotence = b;
        }
        if p.acks != -1 && self.get("enable.idempotence").is_none() {
            // Idempotence requires acks=all; an explicit weaker acks turns it off.
            p.idempotence = false;
        }
        if p.idempotence && p.acks != -1 {
            bail!("enable.idempotence=true requires acks=all");
        }
        if let Some(s) = self.get("partitioner") {
            p.partitioner = s.parse::<Partitioner>().map_err(|_| {
                anyhow!("Invalid value \"{s}\" for configuration property \"partitioner\"")
            })?;
        }
        if let Some(ms) = self.num::<u64>("message.timeout.ms")? {
            p.message_timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(ms) = self.num::<u64>("request.timeout.ms")? {
            p.request_timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(n) = self.num::<usize>("max.in.flight")? {
            p.max_in_flight = n.max(1);
        }
        if let Some(n) = self.num::<usize>("queue.buffering.max.messages")? {
            p.buffer_max_messages = n.max(1);
        }
        if let Some(ms) = self.num::<u64>("retry.backoff.ms")? {
            p.retry_backoff = Duration::from_millis(ms);
        }
        if let Some(n) = self.num::<usize>("message.max.bytes")? {
            p.max_message_bytes = n.max(1);
        }
        if let Some(id) = self.get("transactional.id").filter(|id| !id.is_empty()) {
            // As librdkafka: a transactional producer is idempotent with acks=all.
            if p.acks != -1 || self.flag("enable.idempotence")? == Some(false) {
                bail!("transactional.id requires enable.idempotence=true and acks=all");
            }
            p.transactional_id = Some(id.to_string());
        }
        if let Some(ms) = self.num::<i32>("transaction.timeout.ms")? {
            if ms <= 0 {
                bail!(
                    "Invalid value \"{ms}\" for configuration property \"transaction.timeout.ms\""
                );
            }
            p.transaction_timeout_ms = ms;
        }
        Ok(p)
    }

    pub fn consumer_config(&self) -> anyhow::Result<ConsumerConfig> {
        let mut c = ConsumerConfig::default();
        if let Some(ms) = self.num::<u64>("fetch.wait.max.ms")? {
            c.max_wait = Duration::from_millis(ms);
        }
        if let Some(n) = self.num::<i32>("fetch.max.bytes")? {
            c.max_bytes = n.max(1);
        }
        if let Some(n) = self.num::<i32>("max.partition.fetch.bytes")? {
            c.partition_max_bytes = n.max(1);
        }
        // librdkafka's network timeout; kw's consumer also gives up on a broker whose
        // fetches have failed for this long.
        if let Some(ms) = self.num::<u64>("socket.timeout.ms")? {
            c.error_deadline = Duration::from_millis(ms.max(1));
        }
        match self.get("isolation.level") {
            None | Some("read_uncommitted") => {}
            Some("read_committed") => c.read_committed = true,
            Some(v) => {
                bail!("Invalid value \"{v}\" for configuration property \"isolation.level\"")
            }
        }
        match self.get("auto.offset.reset") {
            None | Some("latest") | Some("largest") | Some("end") => {}
            Some("earliest") | Some("smallest") | Some("beginning") => c.reset_to_earliest = true,
            Some(v) => {
                bail!("Invalid value \"{v}\" for configuration property \"auto.offset.reset\"")
            }
        }
        Ok(c)
    }
}

pub fn parse_codec(c: &str) -> anyhow::Result<Compression> {
    Ok(match c {
        "none" => Compression::None,
        "gzip" => Compression::Gzip,
        "snappy" => Compression::Snappy,
        "lz4" => Compression::Lz4,
        "zstd" => Compression::Zstd,
        _ => bail!("Invalid value \"{c}\" for configuration property \"compression.codec\""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(items: &[&str]) -> anyhow::Result<Props> {
        Props::parse(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn librdkafka_names_map_to_settings() {
        let p = props(&[
            "acks=1",
            "linger.ms=20",
            "partitioner=murmur2_random",
            "compression.type=lz4",
        ])
        .unwrap();
        let c = p.producer_config(None).unwrap();
        assert_eq!(c.acks, 1);
        assert!(!c.idempotence);
        assert_eq!(c.linger, Duration::from_millis(20));
        assert_eq!(c.partitioner, Partitioner::Murmur2Random);
        assert_eq!(c.compression, Compression::Lz4);
    }

    #[test]
    fn bad_properties_are_refused_like_kcat() {
        assert_eq!(
            props(&["foo=1"]).unwrap_err().to_string(),
            "No such configuration property: \"foo\""
        );
        assert!(props(&["acks"]).is_err());
        assert!(props(&["acks=7"]).unwrap().producer_config(None).is_err());
        assert!(props(&["enable.idempotence=true", "acks=1"])
            .unwrap()
            .producer_config(None)
            .is_err());
        assert!(parse_codec("foo").is_err());
        assert!(props(&["isolation.level=serializable"])
            .unwrap()
            .consumer_config()
            .is_err());
        assert!(props(&["transactional.id=t", "acks=1"])
            .unwrap()
            .producer_config(None)
            .is_err());
    }

    #[test]
    fn transactions_and_isolation() {
        let p = props(&[
            "transactional.id=etl-1",
            "transaction.timeout.ms=10000",
            "isolation.level=read_committed",
        ])
        .unwrap();
        let c = p.producer_config(None).unwrap();
        assert_eq!(c.transactional_id.as_deref(), Some("etl-1"));
        assert_eq!(c.transaction_timeout_ms, 10_000);
        assert!(c.idempotence);
        assert!(p.consumer_config().unwrap().read_committed);
        assert!(
            !props(&[])
                .unwrap()
                .consumer_config()
                .unwrap()
                .read_committed
        );
    }
}
