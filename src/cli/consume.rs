//! `kw consume`: kcat -C. Reads partitions of one topic from a start offset and
//! prints each message with a kcat format string (-f) or as JSON (-J); end-of-
//! partition lines go to stderr.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{anyhow, bail};
use clap::Args;

use super::consume_group::GroupConsume;
use super::printer::{parse_offsets, Printer};
use super::shutdown_signal;
use crate::client::consumer::{resolve, Consumer, Event, StartOffset};
use crate::client::group_member::{GroupMember, MemberConfig};
use crate::client::Client;
use crate::protocol::TopicPartition;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  kw consume -t demo.purchases -o end -q -f 'Part-%p => %k:%s\\n'\n  kw consume -G purchases-group demo.purchases -f 'Part-%p => %k:%s\\n'\n  kw consume -t demo -o beginning -e -J\n  kw consume -t demo -p 0 -o -10 -e      # the last 10 messages of partition 0\n\nFormat tokens: %t topic, %p partition, %o offset, %k key, %s value, %K key length, %S value length,\n%T timestamp (ms), %h headers, %R value length (binary), %% percent; escapes \\n \\t \\r \\xHH."
)]
pub struct ConsumeArgs {
    /// Topic to read (without -G)
    #[arg(short = 't', long = "topic", required_unless_present = "group")]
    pub topic: Option<String>,
    /// Join this consumer group and read the TOPICS given as arguments (kcat -G)
    #[arg(short = 'G', long = "group", value_name = "GROUP")]
    pub group: Option<String>,
    /// Topics to subscribe to with -G
    #[arg(requires = "group")]
    pub topics: Vec<String>,
    /// Only this partition (repeatable) [default: all]
    #[arg(short = 'p', long = "partition")]
    pub partitions: Vec<i32>,
    /// Start: beginning, end, stored, N, -N (N before the end), s@MS (first at or after a time); e@MS stops at a time
    #[arg(short = 'o', long = "offset", allow_hyphen_values = true)]
    pub offsets: Vec<String>,
    /// Exit when the end of every partition is reached
    #[arg(short = 'e', long = "exit")]
    pub exit_at_end: bool,
    /// Exit after this many messages
    #[arg(short = 'c', long = "count")]
    pub count: Option<u64>,
    /// Output format (kcat -f tokens)
    #[arg(short = 'f', long = "format")]
    pub format: Option<String>,
    /// One JSON object per message (kcat -J envelope)
    #[arg(short = 'J', long = "json")]
    pub json: bool,
    /// Message delimiter for the default format
    #[arg(short = 'D', long = "delimiter", default_value = "\\n")]
    pub delimiter: String,
    /// Key delimiter: print key, this, then value
    #[arg(short = 'K', long = "key-delimiter")]
    pub key_delimiter: Option<String>,
    /// Print NULL for null (or empty) keys and values
    #[arg(short = 'Z', long = "null-empty")]
    pub null_empty: bool,
    /// Flush stdout after every message
    #[arg(short = 'u', long = "unbuffered")]
    pub unbuffered: bool,
    /// No informational lines on stderr
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
}

/// With `-e` into a file or pipe and stderr on a terminal: a bar over the messages
/// between the start offsets and the current ends.
async fn progress_bar(
    client: &Client,
    starts: &HashMap<TopicPartition, i64>,
    quiet: bool,
) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() || std::io::stdout().is_terminal() {
        return None;
    }
    let mut total = 0u64;
    for (tp, start) in starts {
        let end = crate::client::consumer::list_offset(client, tp, -1)
            .await
            .ok()?;
        total += (end - start).max(0) as u64;
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {human_pos}/{human_len} messages, {elapsed} ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

pub async fn run(conn: &super::Connect, args: ConsumeArgs) -> anyhow::Result<u8> {
    let props = conn.props.clone();
    let bootstrap = conn.bootstrap();
    let mut printer = Printer::new(
        args.format.as_deref(),
        args.json,
        &args.delimiter,
        args.key_delimiter.as_deref(),
        args.null_empty,
        args.unbuffered,
        args.quiet,
    )?;
    if let Some(group) = args.group.clone() {
        let request = GroupConsume {
            group,
            topics: args.topics,
            offsets: args.offsets,
            printer,
            count: args.count,
            exit_at_end: args.exit_at_end,
        };
        return super::consume_group::run(bootstrap, request, props).await;
    }
    let spec = parse_offsets(&args.offsets)?;
    let topic_name = args.topic.clone().expect("clap requires -t without -G");
    let consumer_config = props.consumer_config()?;
    let client = Client::connect(bootstrap, props.client_config(false)?).await?;
    let topic = client.topic(&topic_name).await.map_err(|e| match e {
        crate::client::Error::Server { code, .. } => anyhow!(
            "Topic {} error: {}",
            topic_name,
            crate::protocol::error_code::describe(code.code())
        ),
        other => other.into(),
    })?;
    let count = topic.partitions.len() as i32;
    if count == 0 {
        bail!("Topic {} has no partitions", topic_name);
    }
    let partitions: Vec<i32> = if args.partitions.is_empty() {
        (0..count).collect()
    } else {
        for p in &args.partitions {
            if *p < 0 || *p >= count {
                bail!(
                    "Topic {} (with partitions 0..{}): partition {p} does not exist",
                    topic_name,
                    count - 1
                );
            }
        }
        args.partitions.clone()
    };
    let tps: Vec<TopicPartition> = partitions
        .iter()
        .map(|p| TopicPartition::new(topic_name.clone(), *p))
        .collect();
    // `-X group.id=G` without -G: like kcat -C, a simple consumer that reads the group's
    // committed offsets for `-o stored` and commits what it consumed (unless
    // enable.auto.commit=false), without joining the group.
    let mut committer = props.get("group.id").map(|g| {
        GroupMember::new(
            client.clone(),
            g,
            vec![topic_name.clone()],
            MemberConfig::default(),
        )
    });
    if spec.stored && committer.is_none() {
        bail!("-o stored needs a consumer group: use kw consume -G GROUP (or -X group.id=GROUP)");
    }
    let auto_commit = committer.is_some() && props.get("enable.auto.commit") != Some("false");
    let commit_every = match props.get("auto.commit.interval.ms") {
        Some(v) => Duration::from_millis(v.parse().map_err(|_| {
            anyhow!("Invalid value \"{v}\" for configuration property \"auto.commit.interval.ms\"")
        })?),
        None => Duration::from_secs(5),
    };
    let mut consumer = match committer.as_mut().filter(|_| spec.stored) {
        Some(member) => {
            let reset = if consumer_config.reset_to_earliest {
                StartOffset::Beginning
            } else {
                StartOffset::End
            };
            let offsets = member
                .start_offsets(&tps, reset, consumer_config.read_committed)
                .await?;
            Consumer::with_offsets(client, offsets, consumer_config)
        }
        None => {
            let mut offsets = HashMap::new();
            for tp in &tps {
                offsets.insert(
                    tp.clone(),
                    resolve(&client, tp, spec.start, consumer_config.read_committed).await?,
                );
            }
            if args.exit_at_end {
                printer.progress = progress_bar(&client, &offsets, args.quiet).await;
            }
            Consumer::with_offsets(client, offsets, consumer_config)
        }
    };
    let mut positions: HashMap<TopicPartition, i64> = HashMap::new();
    let mut commit_tick = tokio::time::interval(commit_every);
    commit_tick.tick().await;
    let limit = args.count.unwrap_or(u64::MAX);
    if limit == 0 {
        return Ok(0);
    }
    let mut running: HashSet<TopicPartition> = tps.into_iter().collect();
    let mut stopped_at: HashMap<TopicPartition, i64> = HashMap::new();
    let signal = shutdown_signal();
    tokio::pin!(signal);
    let outcome = 'consume: loop {
        let event = tokio::select! {
            e = consumer.next() => e,
            _ = commit_tick.tick(), if auto_commit => {
                if let Some(m) = committer.as_mut() {
                    // A failed periodic commit is retried at the next tick and on exit.
                    let _ = m.commit(&positions).await;
                }
                continue;
            }
            _ = &mut signal => break Ok(()),
        };
        let Some(event) = event else { break Ok(()) };
        match event {
            Event::Records(records) => {
                for r in &records {
                    let tp = TopicPartition::new(r.topic.to_string(), r.partition);
                    if !running.contains(&tp) {
                        continue;
                    }
                    if let Some(stop) = spec.stop_timestamp {
                        if r.timestamp >= stop {
                            running.remove(&tp);
                            consumer.pause(&tp);
                            stopped_at.insert(tp.clone(), r.offset);
                            let last = running.is_empty();
                            printer.info(&format!(
                                "Reached stop timestamp for topic {} [{}] at offset {}{}",
                                tp.topic,
                                tp.partition,
                                r.offset,
                                if last { ": exiting" } else { "" }
                            ));
                            continue;
                        }
                    }
                    printer.print(r)?;
                    if let Some(bar) = &printer.progress {
                        bar.inc(1);
                    }
                    positions.insert(tp, r.offset + 1);
                    if printer.printed >= limit {
                        break 'consume Ok(());
                    }
                }
                if running.is_empty() {
                    break Ok(());
                }
                printer.flush()?;
            }
            Event::Eof { tp, offset } => {
                if !running.contains(&tp) {
                    continue;
                }
                let exiting = args.exit_at_end && running.len() == 1;
                printer.info(&format!(
                    "Reached end of topic {} [{}] at offset {}{}",
                    tp.topic,
                    tp.partition,
                    offset,
                    if exiting { ": exiting" } else { "" }
                ));
                if args.exit_at_end {
                    running.remove(&tp);
                    consumer.pause(&tp);
                    if running.is_empty() {
                        break Ok(());
                    }
                }
            }
            Event::Error(e) => break Err(e),
        }
    };
    printer.flush()?;
    if let Some(bar) = printer.progress.take() {
        bar.finish_and_clear();
    }
    if auto_commit {
        if let Some(m) = committer.as_mut() {
            m.commit(&positions).await?;
        }
    }
    outcome?;
    Ok(0)
}
