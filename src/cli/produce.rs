//! `kw produce`: kcat -P. One message per delimiter-separated record from stdin or
//! `-l FILE`, or one message per whole file; keys split at the first `-K` delimiter.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use bytes::{Bytes, BytesMut};
use clap::Args;
use tokio::sync::mpsc;

use crate::client::producer::{Message, Producer};
use crate::client::Client;
use crate::format::parse_delimiter;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  seq 1 10 | kw produce -t demo\n  echo 'SF05:{\"price\": 5.99}' | kw produce -t demo.purchases -K:\n  kw produce -t demo -l messages.txt -X acks=1 -z lz4\n  seq 1 1000 | kw produce -t demo -X transactional.id=loader --txn-size 100"
)]
pub struct ProduceArgs {
    /// Topic to produce to
    #[arg(short = 't', long = "topic")]
    pub topic: String,
    /// Partition [default: the partitioner picks]
    #[arg(short = 'p', long = "partition", allow_negative_numbers = true)]
    pub partition: Option<i32>,
    /// Message delimiter (escapes: \n \t \xHH)
    #[arg(short = 'D', long = "delimiter", default_value = "\\n")]
    pub delimiter: String,
    /// Key delimiter: split each record at its first occurrence into key and value
    #[arg(short = 'K', long = "key-delimiter")]
    pub key_delimiter: Option<String>,
    /// Fixed key for messages without one
    #[arg(short = 'k', long = "key")]
    pub key: Option<String>,
    /// Header name=value for every message (repeatable)
    #[arg(short = 'H', long = "header")]
    pub headers: Vec<String>,
    /// Read the single FILE argument as delimited records (like stdin)
    #[arg(short = 'l', long = "line-mode")]
    pub line_mode: bool,
    /// Files: each is one message (or, with -l, the records)
    pub files: Vec<PathBuf>,
    /// Compression codec: none, gzip, snappy, lz4, zstd
    #[arg(short = 'z', long = "compression")]
    pub compression: Option<String>,
    /// Stop after this many messages
    #[arg(short = 'c', long = "count")]
    pub count: Option<u64>,
    /// With -K: empty key or value parts become NULL
    #[arg(short = 'Z', long = "null-empty")]
    pub null_empty: bool,
    /// With -X transactional.id: commit a transaction every N messages [default: one
    /// transaction per input file, or for all of stdin]
    #[arg(long = "txn-size", value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub txn_size: Option<u64>,
    /// No informational output
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
}

/// Split `buf` at `delim`, keeping a trailing partial record in `rest`.
fn split_records(buf: Bytes, delim: &[u8], out: &mut Vec<Bytes>) -> Bytes {
    let mut start = 0;
    let mut i = 0;
    while i + delim.len() <= buf.len() {
        if buf[i] == delim[0] && &buf[i..i + delim.len()] == delim {
            if i > start {
                out.push(buf.slice(start..i));
            }
            i += delim.len();
            start = i;
        } else {
            i += 1;
        }
    }
    buf.slice(start..)
}

/// Read delimited records on a blocking thread, in chunks.
fn spawn_reader(
    source: Box<dyn Read + Send>,
    delim: Vec<u8>,
) -> mpsc::Receiver<std::io::Result<Vec<Bytes>>> {
    let (tx, rx) = mpsc::channel(8);
    std::thread::spawn(move || {
        let mut source = source;
        let mut carry = Bytes::new();
        loop {
            let mut buf = BytesMut::with_capacity(carry.len() + (1 << 20));
            buf.extend_from_slice(&carry);
            let start = buf.len();
            buf.resize(start + (1 << 20), 0);
            let n = match source.read(&mut buf[start..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            };
            buf.truncate(start + n);
            let mut records = Vec::new();
            if n == 0 {
                if !buf.is_empty() {
                    records.push(buf.freeze());
                }
                let _ = tx.blocking_send(Ok(records));
                return;
            }
            carry = split_records(buf.freeze(), &delim, &mut records);
            if !records.is_empty() && tx.blocking_send(Ok(records)).is_err() {
                return;
            }
        }
    });
    rx
}

pub async fn run(conn: &super::Connect, args: ProduceArgs) -> anyhow::Result<u8> {
    let props = conn.props.clone();
    let bootstrap = conn.bootstrap();
    let config = props.producer_config(args.compression.as_deref())?;
    let delim = parse_delimiter(&args.delimiter);
    if delim.is_empty() {
        bail!("Message delimiter -D must not be empty when producing");
    }
    let key_delim = args.key_delimiter.as_deref().map(parse_delimiter);
    let mut headers = Vec::new();
    for h in &args.headers {
        match h.split_once('=') {
            Some(("", _)) => bail!("Expected -H \"name=value..\" or -H \"name\""),
            Some((n, v)) => {
                headers.push((n.to_string(), Some(Bytes::copy_from_slice(v.as_bytes()))))
            }
            None if h.is_empty() => bail!("Expected -H \"name=value..\" or -H \"name\""),
            None => headers.push((h.clone(), None)),
        }
    }
    if args.line_mode && args.files.len() > 1 {
        bail!("Only one file allowed for line mode (-l)");
    }
    let transactional = config.transactional_id.is_some();
    if args.txn_size.is_some() && !transactional {
        return Err(super::UsageError(crate::node::ConfigError::Flag(
            "--txn-size needs a transactional producer: add -X transactional.id=ID".into(),
        ))
        .into());
    }
    let client = Client::connect(bootstrap, props.client_config(true)?).await?;
    let producer = Arc::new(Producer::new(client, config).await?);
    let mut txn = Transactions {
        producer: producer.clone(),
        enabled: transactional,
        size: args.txn_size,
        in_txn: 0,
        committed: 0,
    };
    let fixed_key = args
        .key
        .as_ref()
        .map(|k| Bytes::copy_from_slice(k.as_bytes()));
    let started = Instant::now();
    let mut sent: u64 = 0;
    let limit = args.count.unwrap_or(u64::MAX);

    let make = |record: Bytes| -> Message {
        let (key, value) = match &key_delim {
            Some(kd) if !kd.is_empty() => {
                match record.windows(kd.len()).position(|w| w == kd.as_slice()) {
                    Some(at) => {
                        let k = record.slice(..at);
                        let v = record.slice(at + kd.len()..);
                        let k = if args.null_empty && k.is_empty() {
                            None
                        } else {
                            Some(k)
                        };
                        let v = if args.null_empty && v.is_empty() {
                            None
                        } else {
                            Some(v)
                        };
                        (k.or_else(|| fixed_key.clone()), v)
                    }
                    None => (fixed_key.clone(), Some(record)),
                }
            }
            _ => (fixed_key.clone(), Some(record)),
        };
        Message {
            topic: args.topic.clone(),
            partition: args.partition,
            key,
            value,
            headers: headers.clone(),
            timestamp: None,
        }
    };

    let mut bar: Option<indicatif::ProgressBar> = None;
    if !args.files.is_empty() && !args.line_mode {
        // Each file is one message.
        for path in &args.files {
            if sent >= limit {
                break;
            }
            let data = std::fs::read(path)
                .with_context(|| format!("Failed to open {}", path.display()))?;
            if data.is_empty() {
                continue;
            }
            let mut m = make(Bytes::new());
            m.value = Some(Bytes::from(data));
            m.key = fixed_key.clone();
            txn.before_send().await?;
            producer.send(m).await?;
            sent += 1;
            txn.after_send().await?;
            // One transaction per input file.
            if txn.size.is_none() {
                txn.commit().await?;
            }
        }
    } else {
        let source: Box<dyn Read + Send> = match args.files.first() {
            Some(path) => Box::new(
                std::fs::File::open(path)
                    .with_context(|| format!("Failed to open {}", path.display()))?,
            ),
            None => Box::new(std::io::stdin()),
        };
        // A progress bar for a file read on a terminal (bytes and messages/s).
        let file_len = args
            .files
            .first()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| m.len());
        bar = match file_len {
            Some(len) if !args.quiet && std::io::stderr().is_terminal() => {
                let bar = indicatif::ProgressBar::new(len);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:30} {bytes}/{total_bytes} {msg} ({eta})",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                Some(bar)
            }
            _ => None,
        };
        let mut rx = spawn_reader(source, delim.clone());
        'read: while let Some(chunk) = rx.recv().await {
            let chunk = chunk.context("Unable to read message")?;
            if let Some(bar) = &bar {
                let bytes: usize = chunk.iter().map(|r| r.len() + delim.len()).sum();
                bar.inc(bytes as u64);
                let rate = sent as f64 / started.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(format!("{sent} messages, {rate:.0} msg/s"));
            }
            for record in chunk {
                if record.is_empty() {
                    continue;
                }
                if sent >= limit {
                    break 'read;
                }
                txn.before_send().await?;
                producer.send(make(record)).await?;
                sent += 1;
                txn.after_send().await?;
            }
        }
    }
    txn.commit().await?;
    let report = producer.flush().await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    if !args.quiet {
        tracing::info!(
            delivered = report.delivered,
            failed = report.failed,
            transactions = txn.committed,
            msgs_per_sec = (report.delivered as f64 / secs.max(1e-9)) as u64,
            "produce finished"
        );
    }
    if report.failed > 0 {
        bail!(
            "{} of {} messages could not be delivered to {}: {}",
            report.failed,
            sent,
            args.topic,
            report.errors.join("; ")
        );
    }
    Ok(0)
}

/// Transaction boundaries of a `kw produce -X transactional.id=...` run: open one
/// before the first message, commit every `size` messages and at the end.
struct Transactions {
    producer: Arc<Producer>,
    enabled: bool,
    size: Option<u64>,
    /// Messages sent in the open transaction (0: none open).
    in_txn: u64,
    committed: u64,
}

impl Transactions {
    async fn before_send(&mut self) -> anyhow::Result<()> {
        if self.enabled && self.in_txn == 0 {
            self.producer.begin_transaction().await?;
        }
        Ok(())
    }

    async fn after_send(&mut self) -> anyhow::Result<()> {
        if !self.enabled {
            return Ok(());
        }
        self.in_txn += 1;
        if self.size.is_some_and(|n| self.in_txn >= n) {
            self.commit().await?;
        }
        Ok(())
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        if self.enabled && self.in_txn > 0 {
            self.producer
                .commit_transaction()
                .await
                .context("Failed to commit the transaction")?;
            self.in_txn = 0;
            self.committed += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_single_and_multi_byte_delimiters() {
        let mut out = Vec::new();
        let rest = split_records(Bytes::from_static(b"a\nbb\n\nccc"), b"\n", &mut out);
        assert_eq!(
            out,
            vec![Bytes::from_static(b"a"), Bytes::from_static(b"bb")]
        );
        assert_eq!(rest, Bytes::from_static(b"ccc"));
        let mut out = Vec::new();
        let rest = split_records(Bytes::from_static(b"x||y||"), b"||", &mut out);
        assert_eq!(out.len(), 2);
        assert!(rest.is_empty());
    }
}
