//! `kw consume -G GROUP TOPIC...`: kcat's balanced consumer. Joins the group, prints
//! kcat's rebalance lines, consumes its assigned partitions, commits (every
//! auto.commit.interval.ms and on revoke/exit) and leaves on Ctrl-C or SIGTERM so the
//! other members rebalance at once.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{anyhow, bail};

use super::printer::{parse_offsets, Printer};
use super::props::Props;
use super::shutdown_signal;
use crate::client::assignor::Assignor;
use crate::client::consumer::{Consumer, Event, StartOffset};
use crate::client::group_member::{GroupMember, Heartbeat, MemberConfig};
use crate::client::Client;
use crate::protocol::TopicPartition;

fn list(tps: &[TopicPartition]) -> String {
    tps.iter()
        .map(|tp| format!("{} [{}]", tp.topic, tp.partition))
        .collect::<Vec<_>>()
        .join(", ")
}

enum Next {
    Rejoin,
    Exit,
}

/// What `kw consume -G` was asked for.
pub struct GroupConsume {
    pub group: String,
    pub topics: Vec<String>,
    /// `-o` as given (the reset position when nothing is committed).
    pub offsets: Vec<String>,
    pub printer: Printer,
    /// `-c`
    pub count: Option<u64>,
    /// `-e`
    pub exit_at_end: bool,
}

pub async fn run(bootstrap: &str, args: GroupConsume, props: Props) -> anyhow::Result<u8> {
    let group = args.group.clone();
    if args.topics.is_empty() {
        bail!("Failed to subscribe to 0 topics: give the topics after the group, e.g. kw consume -G {group} demo.purchases");
    }
    let spec = parse_offsets(&args.offsets)?;
    if spec.stop_timestamp.is_some() || matches!(spec.start, StartOffset::Timestamp(_)) {
        bail!("-o ..@ timestamps can't be used with -G mode");
    }
    let explicit_start = !args.offsets.is_empty() && !spec.stored;
    let reset = if explicit_start {
        spec.start
    } else if props.consumer_config()?.reset_to_earliest {
        StartOffset::Beginning
    } else {
        StartOffset::End
    };
    let ms = |name: &str, default: u64| -> anyhow::Result<Duration> {
        Ok(Duration::from_millis(match props.get(name) {
            Some(v) => v.parse().map_err(|_| {
                anyhow!("Invalid value \"{v}\" for configuration property \"{name}\"")
            })?,
            None => default,
        }))
    };
    let member_config = MemberConfig {
        session_timeout: ms("session.timeout.ms", 45_000)?,
        heartbeat_interval: ms("heartbeat.interval.ms", 3_000)?,
        rebalance_timeout: Duration::from_secs(300),
        assignors: match props.get("partition.assignment.strategy") {
            Some(s) => Assignor::parse_list(s).map_err(|e| anyhow!(e))?,
            None => vec![Assignor::Range, Assignor::RoundRobin],
        },
    };
    let commit_every = ms("auto.commit.interval.ms", 5_000)?;
    let auto_commit = props.get("enable.auto.commit") != Some("false");
    let mut printer = args.printer;
    let mut client_config = props.client_config(false)?;
    if props.get("client.id").is_none() {
        client_config.client_id = "kw".into();
    }
    let client = Client::connect(bootstrap, client_config).await?;
    for t in &args.topics {
        client.topic(t).await.map_err(|e| {
            anyhow!("Topic {t} [-1] error: Subscribed topic not available: {t}: {e}")
        })?;
    }
    let mut member = GroupMember::new(
        client.clone(),
        &group,
        args.topics.clone(),
        member_config.clone(),
    );
    let limit = args.count.unwrap_or(u64::MAX);
    let signal = shutdown_signal();
    tokio::pin!(signal);
    printer.info("Waiting for group rebalance");
    loop {
        let assignment = tokio::select! {
            a = member.join() => a?,
            _ = &mut signal => { let _ = member.leave().await; return Ok(0); }
        };
        let cooperative = member.protocol == "cooperative-sticky";
        if cooperative {
            // KIP-429: only the difference moves; a revoke is followed by a rejoin so the
            // leader can hand the partitions to their new owner.
            let revoked: Vec<TopicPartition> = member
                .owned
                .iter()
                .filter(|tp| !assignment.contains(tp))
                .cloned()
                .collect();
            let added: Vec<TopicPartition> = assignment
                .iter()
                .filter(|tp| !member.owned.contains(tp))
                .cloned()
                .collect();
            if !revoked.is_empty() {
                printer.info(&format!(
                    "Group {group} rebalanced: incremental revoke of {} partition(s) (memberid {}, COOPERATIVE rebalance protocol): {}",
                    revoked.len(),
                    member.member_id,
                    list(&revoked)
                ));
            }
            if !added.is_empty() {
                printer.info(&format!(
                    "Group {group} rebalanced: incremental assignment of {} partition(s) (memberid {}, COOPERATIVE rebalance protocol): {}",
                    added.len(),
                    member.member_id,
                    list(&added)
                ));
            }
            member.owned = assignment.clone();
            if !revoked.is_empty() {
                continue;
            }
        } else {
            printer.info(&format!(
                "Group {group} rebalanced (memberid {}): assigned: {}",
                member.member_id,
                list(&assignment)
            ));
            member.owned = assignment.clone();
        }
        let consumer_config = props.consumer_config()?;
        let offsets = member
            .start_offsets(&assignment, reset, consumer_config.read_committed)
            .await?;
        let mut consumer = Consumer::with_offsets(client.clone(), offsets, consumer_config);
        let mut positions: HashMap<TopicPartition, i64> = HashMap::new();
        let mut at_eof: HashSet<TopicPartition> = HashSet::new();
        let mut heartbeat = tokio::time::interval(member_config.heartbeat_interval);
        heartbeat.tick().await;
        let mut commit_tick = tokio::time::interval(commit_every);
        commit_tick.tick().await;
        let next = loop {
            tokio::select! {
                e = consumer.next(), if !assignment.is_empty() => {
                    let Some(e) = e else { break Next::Rejoin };
                    match e {
                        Event::Records(records) => {
                            for r in &records {
                                printer.print(r)?;
                                let tp = TopicPartition::new(r.topic.to_string(), r.partition);
                                at_eof.remove(&tp);
                                positions.insert(tp, r.offset + 1);
                                if printer.printed >= limit {
                                    break;
                                }
                            }
                            printer.flush()?;
                            if printer.printed >= limit {
                                break Next::Exit;
                            }
                        }
                        Event::Eof { tp, offset } => {
                            at_eof.insert(tp.clone());
                            positions.entry(tp.clone()).or_insert(offset);
                            let all = args.exit_at_end && at_eof.len() == assignment.len();
                            printer.info(&format!(
                                "Reached end of topic {} [{}] at offset {}{}",
                                tp.topic, tp.partition, offset, if all { ": exiting" } else { "" }
                            ));
                            if all {
                                break Next::Exit;
                            }
                        }
                        Event::Error(e) => return Err(e.into()),
                    }
                }
                _ = heartbeat.tick() => {
                    if member.heartbeat().await? == Heartbeat::Rejoin {
                        break Next::Rejoin;
                    }
                }
                _ = commit_tick.tick(), if auto_commit => {
                    // A failed periodic commit is retried at the next tick or on revoke.
                    let _ = member.commit(&positions).await;
                }
                _ = &mut signal => break Next::Exit,
            }
        };
        drop(consumer);
        if auto_commit {
            let _ = member.commit(&positions).await;
        }
        let exiting = matches!(next, Next::Exit);
        if !cooperative {
            printer.info(&format!(
                "Group {group} rebalanced (memberid {}): revoked: {}",
                member.member_id,
                list(&assignment)
            ));
            member.owned.clear();
        } else if exiting && !assignment.is_empty() {
            printer.info(&format!(
                "Group {group} rebalanced: incremental revoke of {} partition(s) (memberid {}, COOPERATIVE rebalance protocol): {}",
                assignment.len(),
                member.member_id,
                list(&assignment)
            ));
        }
        if exiting {
            printer.flush()?;
            let _ = member.leave().await;
            return Ok(0);
        }
    }
}
