//! kcat-compatible output: `-f` format strings (parsed once, rendered per message),
//! `-J` JSON envelopes, `-D`/`-K` delimiter escapes, the `-L` metadata listing and
//! the `kafka-topics --describe` layout. Pure text work: must not depend on sockets,
//! the client or the broker.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampType {
    Create,
    LogAppend,
}

pub struct Header<'a> {
    pub key: &'a [u8],
    pub value: Option<&'a [u8]>,
}

pub struct MessageView<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    /// None = no timestamp (-1)
    pub timestamp: Option<(TimestampType, i64)>,
    pub broker: i32,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [Header<'a>],
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    #[error("Unsupported formatter: %{0}")]
    UnsupportedFormatter(char),
    #[error("Empty formatter")]
    EmptyFormatter,
    #[error("Too many formatters & strings (KC_FMT_MAX_SIZE=128)")]
    TooMany,
}

/// kcat's limit on tokens plus literal chunks in one format string.
const MAX_PARTS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(Vec<u8>),
    Value,
    ValueLen,
    ValueLenBinary,
    Key,
    KeyLen,
    Timestamp,
    Headers,
    Topic,
    Partition,
    Offset,
}

/// A parsed `-f` format string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Parse a leading run of digits in `radix` (as strtoul does), returning value and length.
fn parse_number(s: &[u8], radix: u32) -> (u64, usize) {
    let mut v: u64 = 0;
    let mut n = 0;
    while n < s.len() {
        let Some(d) = (s[n] as char).to_digit(radix) else {
            break;
        };
        v = v.wrapping_mul(radix as u64).wrapping_add(d as u64);
        n += 1;
    }
    (v, n)
}

/// Backslash escapes of kcat's format literals.
fn unescape_literal(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'\\' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        if i + 1 >= s.len() {
            out.push(b'\\');
            break;
        }
        let c = s[i + 1];
        i += 2;
        match c {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'x' => {
                // Hex only when a decimal digit follows (kcat's check), then greedy.
                if i < s.len() && s[i].is_ascii_digit() {
                    let (v, n) = parse_number(&s[i..], 16);
                    out.push(v as u8);
                    i += n;
                } else if i < s.len() {
                    out.push(s[i]);
                    i += 1;
                }
            }
            b'0'..=b'9' => {
                // strtoul base 0: 0x.. hex, 0.. octal, else decimal.
                let start = i - 1;
                let rest = &s[start..];
                let (v, n) =
                    if rest.len() > 2 && rest[0] == b'0' && (rest[1] == b'x' || rest[1] == b'X') {
                        let (v, n) = parse_number(&rest[2..], 16);
                        if n == 0 {
                            (0, 1)
                        } else {
                            (v, n + 2)
                        }
                    } else if rest[0] == b'0' {
                        parse_number(rest, 8)
                    } else {
                        parse_number(rest, 10)
                    };
                out.push(v as u8);
                i = start + n.max(1);
            }
            other => out.push(other),
        }
    }
    out
}

impl Template {
    pub fn parse(fmt: &str) -> Result<Template, FormatError> {
        let b = fmt.as_bytes();
        let mut parts = Vec::new();
        let mut lit_start = 0;
        let mut i = 0;
        let push_lit = |parts: &mut Vec<Part>, s: &[u8]| {
            if !s.is_empty() {
                parts.push(Part::Literal(unescape_literal(s)));
            }
        };
        while i < b.len() {
            if b[i] != b'%' {
                i += 1;
                continue;
            }
            push_lit(&mut parts, &b[lit_start..i]);
            let Some(&c) = b.get(i + 1) else {
                return Err(FormatError::EmptyFormatter);
            };
            let part = match c {
                b's' => Part::Value,
                b'S' => Part::ValueLen,
                b'R' => Part::ValueLenBinary,
                b'k' => Part::Key,
                b'K' => Part::KeyLen,
                b'T' => Part::Timestamp,
                b'h' => Part::Headers,
                b't' => Part::Topic,
                b'p' => Part::Partition,
                b'o' => Part::Offset,
                b'%' => Part::Literal(vec![b'%']),
                _ => {
                    let ch = fmt[i + 1..].chars().next().unwrap_or('?');
                    return Err(FormatError::UnsupportedFormatter(ch));
                }
            };
            parts.push(part);
            i += 2;
            lit_start = i;
        }
        push_lit(&mut parts, &b[lit_start..]);
        if parts.len() > MAX_PARTS {
            return Err(FormatError::TooMany);
        }
        Ok(Template { parts })
    }

    /// kcat's default when `-f` is absent: `%s<D>`, or `%k<K>%s<D>` with `-K`.
    pub fn default_for(delim: &[u8], key_delim: Option<&[u8]>) -> Result<Template, FormatError> {
        let mut s = Vec::new();
        if let Some(k) = key_delim {
            s.extend_from_slice(b"%k");
            s.extend_from_slice(k);
        }
        s.extend_from_slice(b"%s");
        s.extend_from_slice(delim);
        Template::parse(&String::from_utf8_lossy(&s))
    }

    pub fn render(&self, msg: &MessageView, null_as_text: bool, out: &mut Vec<u8>) {
        let mut num = itoa_buf();
        for p in &self.parts {
            match p {
                Part::Literal(l) => out.extend_from_slice(l),
                Part::Value => bytes_or_null(msg.value, null_as_text, out),
                Part::Key => bytes_or_null(msg.key, null_as_text, out),
                Part::ValueLen => push_num(&mut num, msg.value.map_or(-1, |v| v.len() as i64), out),
                Part::KeyLen => push_num(&mut num, msg.key.map_or(-1, |k| k.len() as i64), out),
                Part::ValueLenBinary => {
                    let n = msg.value.map_or(-1, |v| v.len() as i32);
                    out.extend_from_slice(&n.to_be_bytes());
                }
                Part::Timestamp => push_num(&mut num, msg.timestamp.map_or(-1, |(_, t)| t), out),
                Part::Headers => {
                    for (i, h) in msg.headers.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        out.extend_from_slice(h.key);
                        out.push(b'=');
                        match h.value {
                            Some(v) => out.extend_from_slice(v),
                            None => out.extend_from_slice(b"NULL"),
                        }
                    }
                }
                Part::Topic => out.extend_from_slice(msg.topic.as_bytes()),
                Part::Partition => push_num(&mut num, msg.partition as i64, out),
                Part::Offset => push_num(&mut num, msg.offset, out),
            }
        }
    }

    /// With -J kcat uses only the leading literal chunk of -f as the separator.
    pub fn leading_literal(&self) -> Vec<u8> {
        match self.parts.first() {
            Some(Part::Literal(l)) => l.clone(),
            _ => Vec::new(),
        }
    }
}

fn itoa_buf() -> String {
    String::with_capacity(20)
}

fn push_num(buf: &mut String, n: i64, out: &mut Vec<u8>) {
    buf.clear();
    let _ = write!(buf, "{n}");
    out.extend_from_slice(buf.as_bytes());
}

fn bytes_or_null(b: Option<&[u8]>, null_as_text: bool, out: &mut Vec<u8>) {
    match b {
        Some(v) if !v.is_empty() => out.extend_from_slice(v),
        _ if null_as_text => out.extend_from_slice(b"NULL"),
        _ => {}
    }
}

/// `-D` / `-K` delimiter escapes: `\n`, `\t`, `\xHH` (hex, low byte kept); `\r` is
/// not translated here (kcat's delimiter parser does not know it).
pub fn parse_delimiter(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'n' => {
                    out.push(b'\n');
                    i += 2;
                    continue;
                }
                b't' => {
                    out.push(b'\t');
                    i += 2;
                    continue;
                }
                b'x' => {
                    let (v, n) = parse_number(&b[i + 2..], 16);
                    if n > 0 {
                        if v as u8 == 0 {
                            // A NUL ends the C string kcat builds.
                            return out;
                        }
                        out.push(v as u8);
                        i += 2 + n;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// JSON string escaping as kcat's yajl writes it: uppercase `\u00XX` for control
/// bytes, `/` unescaped, bytes >= 0x80 passed through raw.
pub fn json_escape_into(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &c in bytes {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if c < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 15) as usize]);
            }
            c => out.push(c),
        }
    }
    out.push(b'"');
}

fn json_opt(b: Option<&[u8]>, out: &mut Vec<u8>) {
    match b {
        Some(v) => json_escape_into(v, out),
        None => out.extend_from_slice(b"null"),
    }
}

/// One `-J` envelope (no separator).
pub fn render_json(msg: &MessageView, out: &mut Vec<u8>) {
    let mut s = String::with_capacity(96);
    out.extend_from_slice(b"{\"topic\":");
    json_escape_into(msg.topic.as_bytes(), out);
    let _ = write!(
        s,
        ",\"partition\":{},\"offset\":{}",
        msg.partition, msg.offset
    );
    if let Some((kind, ts)) = msg.timestamp {
        let kind = match kind {
            TimestampType::Create => "create",
            TimestampType::LogAppend => "logappend",
        };
        let _ = write!(s, ",\"tstype\":\"{kind}\",\"ts\":{ts}");
    }
    let _ = write!(s, ",\"broker\":{}", msg.broker);
    out.extend_from_slice(s.as_bytes());
    if !msg.headers.is_empty() {
        out.extend_from_slice(b",\"headers\":[");
        for (i, h) in msg.headers.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json_escape_into(h.key, out);
            out.push(b',');
            json_opt(h.value, out);
        }
        out.push(b']');
    }
    out.extend_from_slice(b",\"key\":");
    json_opt(msg.key, out);
    out.extend_from_slice(b",\"payload\":");
    json_opt(msg.value, out);
    out.push(b'}');
}

pub struct BrokerInfo {
    pub id: i32,
    pub host: String,
    pub port: i32,
}

pub struct PartitionInfo {
    pub partition: i32,
    /// -1 = none
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub error: Option<String>,
}

pub struct TopicInfo {
    pub name: String,
    pub error: Option<String>,
    pub partitions: Vec<PartitionInfo>,
}

pub struct ClusterInfo {
    pub originating_broker_id: i32,
    /// "host:port/id"
    pub originating_broker_name: String,
    pub controller_id: i32,
    pub brokers: Vec<BrokerInfo>,
    pub topics: Vec<TopicInfo>,
}

fn join_ids(ids: &[i32]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn sorted(parts: &[PartitionInfo]) -> Vec<&PartitionInfo> {
    let mut v: Vec<&PartitionInfo> = parts.iter().collect();
    v.sort_by_key(|p| p.partition);
    v
}

/// kcat -L text.
pub fn render_metadata_text(info: &ClusterInfo, query_topic: Option<&str>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Metadata for {} (from broker {}: {}):",
        query_topic.unwrap_or("all topics"),
        info.originating_broker_id,
        info.originating_broker_name
    );
    let _ = writeln!(s, " {} brokers:", info.brokers.len());
    for b in &info.brokers {
        let ctl = if b.id == info.controller_id {
            " (controller)"
        } else {
            ""
        };
        let _ = writeln!(s, "  broker {} at {}:{}{}", b.id, b.host, b.port, ctl);
    }
    let _ = writeln!(s, " {} topics:", info.topics.len());
    for t in &info.topics {
        let _ = write!(
            s,
            "  topic \"{}\" with {} partitions:",
            t.name,
            t.partitions.len()
        );
        if let Some(e) = &t.error {
            let retry = if e == "Broker: Leader not available" {
                " (try again)"
            } else {
                ""
            };
            let _ = write!(s, " {e}{retry}");
        }
        s.push('\n');
        for p in sorted(&t.partitions) {
            let _ = write!(
                s,
                "    partition {}, leader {}, replicas: {}, isrs: {}",
                p.partition,
                p.leader,
                join_ids(&p.replicas),
                join_ids(&p.isr)
            );
            if let Some(e) = &p.error {
                let _ = write!(s, ", {e}");
            }
            s.push('\n');
        }
    }
    s
}

fn json_str(s: &str) -> String {
    let mut out = Vec::new();
    json_escape_into(s.as_bytes(), &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn json_ids(ids: &[i32]) -> String {
    let items: Vec<String> = ids.iter().map(|i| format!("{{\"id\":{i}}}")).collect();
    format!("[{}]", items.join(","))
}

/// kcat -L -J (no trailing newline).
pub fn render_metadata_json(info: &ClusterInfo, query_topic: Option<&str>) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "{{\"originating_broker\":{{\"id\":{},\"name\":{}}},\"query\":{{\"topic\":{}}},\"controllerid\":{},\"brokers\":[",
        info.originating_broker_id,
        json_str(&info.originating_broker_name),
        json_str(query_topic.unwrap_or("*")),
        info.controller_id
    );
    let brokers: Vec<String> = info
        .brokers
        .iter()
        .map(|b| {
            format!(
                "{{\"id\":{},\"name\":{}}}",
                b.id,
                json_str(&format!("{}:{}", b.host, b.port))
            )
        })
        .collect();
    s.push_str(&brokers.join(","));
    s.push_str("],\"topics\":[");
    let topics: Vec<String> = info
        .topics
        .iter()
        .map(|t| {
            let mut ts = format!("{{\"topic\":{}", json_str(&t.name));
            if let Some(e) = &t.error {
                let _ = write!(ts, ",\"error\":{}", json_str(e));
            }
            ts.push_str(",\"partitions\":[");
            let parts: Vec<String> = sorted(&t.partitions)
                .iter()
                .map(|p| {
                    let mut ps = format!("{{\"partition\":{}", p.partition);
                    if let Some(e) = &p.error {
                        let _ = write!(ps, ",\"error\":{}", json_str(e));
                    }
                    let _ = write!(
                        ps,
                        ",\"leader\":{},\"replicas\":{},\"isrs\":{}}}",
                        p.leader,
                        json_ids(&p.replicas),
                        json_ids(&p.isr)
                    );
                    ps
                })
                .collect();
            ts.push_str(&parts.join(","));
            ts.push_str("]}");
            ts
        })
        .collect();
    s.push_str(&topics.join(","));
    s.push_str("]}");
    s
}

pub struct TopicDescription {
    pub name: String,
    /// URL-safe base64 (22 chars), or "" to omit the field.
    pub topic_id: String,
    pub configs: Vec<(String, String)>,
    pub partitions: Vec<PartitionInfo>,
}

/// `kafka-topics --describe`, pre-3.8 layout (no Elr columns).
pub fn render_topic_describe(t: &TopicDescription) -> String {
    let parts = sorted(&t.partitions);
    let rf = parts.first().map_or(0, |p| p.replicas.len());
    let mut s = format!("Topic: {}", t.name);
    if !t.topic_id.is_empty() {
        let _ = write!(s, "\tTopicId: {}", t.topic_id);
    }
    let configs: Vec<String> = t.configs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(
        s,
        "\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
        parts.len(),
        rf,
        configs.join(",")
    );
    for p in parts {
        let leader = if p.leader < 0 {
            "none".to_string()
        } else {
            p.leader.to_string()
        };
        let _ = writeln!(
            s,
            "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}",
            t.name,
            p.partition,
            leader,
            join_ids(&p.replicas),
            join_ids(&p.isr)
        );
    }
    s
}

/// URL-safe base64 without padding, as Kafka prints topic ids and cluster ids.
pub fn uuid_to_base64(id: uuid::Uuid) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = id.as_bytes();
    let mut out = String::with_capacity(22);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(ALPHABET[((acc >> bits) & 63) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (6 - bits)) & 63) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests;
