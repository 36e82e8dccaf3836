//! What `kw consume` and `kw consume -G` share: the `-o` offset options and the
//! printer that renders consumed messages (`-f`, `-J`, delimiters, counts) to
//! stdout. Uses `format` for the text; knows nothing of groups or fetching.

use std::io::Write;

use anyhow::anyhow;

use crate::client::consumer::{ConsumedRecord, StartOffset};
use crate::format::{parse_delimiter, render_json, Header, MessageView, Template, TimestampType};

/// Parsed `-o` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetSpec {
    pub start: StartOffset,
    pub stop_timestamp: Option<i64>,
    /// `-o stored`: the group's committed offsets (needs a group).
    pub stored: bool,
}

pub fn parse_offsets(specs: &[String]) -> anyhow::Result<OffsetSpec> {
    let mut out = OffsetSpec {
        start: StartOffset::Beginning,
        stop_timestamp: None,
        stored: false,
    };
    for s in specs {
        let s = s.trim();
        if let Some(ts) = s.strip_prefix("e@") {
            out.stop_timestamp = Some(
                ts.parse()
                    .map_err(|_| anyhow!("invalid stop timestamp in -o {s}"))?,
            );
            continue;
        }
        if s == "stored" {
            out.stored = true;
            continue;
        }
        out.stored = false;
        out.start = match s {
            "beginning" => StartOffset::Beginning,
            "end" => StartOffset::End,
            _ => {
                if let Some(ts) = s.strip_prefix("s@") {
                    StartOffset::Timestamp(
                        ts.parse()
                            .map_err(|_| anyhow!("invalid timestamp in -o {s}"))?,
                    )
                } else {
                    let n: i64 = s.parse().map_err(|_| {
                        anyhow!(
                            "invalid offset '{s}': use beginning, end, stored, N, -N, s@MS or e@MS"
                        )
                    })?;
                    if s.starts_with('-') {
                        StartOffset::Tail(-n)
                    } else {
                        StartOffset::At(n)
                    }
                }
            }
        };
    }
    Ok(out)
}

/// Output side of a consumer: format, counts, stop rules. Shared with `consume -G`.
pub struct Printer {
    template: Template,
    json: bool,
    separator: Vec<u8>,
    null_empty: bool,
    unbuffered: bool,
    pub quiet: bool,
    out: std::io::BufWriter<std::io::Stdout>,
    buf: Vec<u8>,
    pub printed: u64,
    /// A progress bar on stderr (`-e` into a file or pipe, on a terminal).
    pub progress: Option<indicatif::ProgressBar>,
}

impl Printer {
    pub fn new(
        format: Option<&str>,
        json: bool,
        delimiter: &str,
        key_delimiter: Option<&str>,
        null_empty: bool,
        unbuffered: bool,
        quiet: bool,
    ) -> anyhow::Result<Printer> {
        let delim = parse_delimiter(delimiter);
        let kd = key_delimiter.map(parse_delimiter);
        let template = match format {
            Some(f) => Template::parse(f)?,
            None => Template::default_for(&delim, kd.as_deref())?,
        };
        let separator = if format.is_some() {
            template.leading_literal()
        } else {
            delim
        };
        Ok(Printer {
            template,
            json,
            separator,
            null_empty,
            unbuffered,
            quiet,
            out: std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout()),
            buf: Vec::with_capacity(4096),
            printed: 0,
            progress: None,
        })
    }

    pub fn print(&mut self, r: &ConsumedRecord) -> std::io::Result<()> {
        let headers: Vec<Header> = r
            .headers
            .iter()
            .map(|(k, v)| Header {
                key: k,
                value: v.as_deref(),
            })
            .collect();
        let view = MessageView {
            topic: &r.topic,
            partition: r.partition,
            offset: r.offset,
            timestamp: (r.timestamp >= 0).then_some({
                (
                    match r.timestamp_type {
                        kafka_protocol::records::TimestampType::Creation => TimestampType::Create,
                        kafka_protocol::records::TimestampType::LogAppend => {
                            TimestampType::LogAppend
                        }
                    },
                    r.timestamp,
                )
            }),
            broker: r.broker,
            key: r.key.as_deref(),
            value: r.value.as_deref(),
            headers: &headers,
        };
        self.buf.clear();
        if self.json {
            render_json(&view, &mut self.buf);
            self.buf.extend_from_slice(&self.separator);
        } else {
            self.template.render(&view, self.null_empty, &mut self.buf);
        }
        self.out.write_all(&self.buf)?;
        self.printed += 1;
        if self.unbuffered {
            self.out.flush()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// A kcat `% ...` line on stderr, unless quiet.
    pub fn info(&mut self, line: &str) {
        if !self.quiet {
            // Data first, so a terminal shows messages before the status line.
            let _ = self.out.flush();
            match &self.progress {
                Some(bar) => bar.suspend(|| eprintln!("% {line}")),
                None => eprintln!("% {line}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(items: &[&str]) -> anyhow::Result<OffsetSpec> {
        parse_offsets(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn offset_specs() {
        assert_eq!(p(&[]).unwrap().start, StartOffset::Beginning);
        assert_eq!(p(&["end"]).unwrap().start, StartOffset::End);
        assert_eq!(p(&["42"]).unwrap().start, StartOffset::At(42));
        assert_eq!(p(&["-10"]).unwrap().start, StartOffset::Tail(10));
        assert_eq!(p(&["s@1000"]).unwrap().start, StartOffset::Timestamp(1000));
        let both = p(&["s@5", "e@9"]).unwrap();
        assert_eq!(
            (both.start, both.stop_timestamp),
            (StartOffset::Timestamp(5), Some(9))
        );
        assert!(
            p(&["stored"]).unwrap().stored,
            "needs a group, checked by the caller"
        );
        assert!(!p(&["stored", "end"]).unwrap().stored, "the last -o wins");
        assert!(p(&["bogus"]).is_err());
    }
}
