//! `kw groups`: list, describe, delete consumer groups and reset their offsets, in
//! the layout of Apache Kafka's `kafka-consumer-groups`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::bail;
use clap::{Args, Subcommand};

use crate::client::consumer::list_offset;
use crate::client::group_member::{GroupMember, MemberConfig};
use crate::client::groups_admin::{self, GroupInfo};
use crate::client::Client;
use crate::protocol::TopicPartition;

#[derive(Debug, Args)]
pub struct GroupsArgs {
    #[command(subcommand)]
    pub action: GroupsAction,
}

#[derive(Debug, Subcommand)]
pub enum GroupsAction {
    /// List group ids (with --state: a table with each group's state)
    List {
        #[arg(long)]
        state: bool,
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: super::OutputFormat,
    },
    /// Offsets and lag per partition (default), members (--members) or state (--state)
    #[command(
        after_help = "Examples:\n  kw groups describe purchases-group\n  kw groups describe purchases-group --members"
    )]
    Describe {
        group: String,
        #[arg(long, conflicts_with = "state")]
        members: bool,
        #[arg(long)]
        state: bool,
        /// Output format (json carries members, assignments and offsets at once)
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: super::OutputFormat,
    },
    /// Delete an empty group and its committed offsets
    Delete { group: String },
    /// Delete a group's committed offsets of a topic (kafka-consumer-groups --delete-offsets)
    #[command(
        name = "delete-offsets",
        after_help = "Examples:\n  kw groups delete-offsets purchases-group --topic demo.purchases\n  kw groups delete-offsets purchases-group --topic demo.purchases:0,1"
    )]
    DeleteOffsets {
        group: String,
        /// TOPIC or TOPIC:P,P,... (repeatable) [default partitions: all]
        #[arg(long = "topic", required = true)]
        topics: Vec<String>,
    },
    /// Move an inactive group's committed offsets (dry run unless --execute)
    #[command(
        name = "reset-offsets",
        after_help = "Example:\n  kw groups reset-offsets purchases-group --topic demo.purchases --to-earliest --execute"
    )]
    ResetOffsets {
        group: String,
        #[arg(long)]
        topic: String,
        #[arg(long, group = "to")]
        to_earliest: bool,
        #[arg(long, group = "to")]
        to_latest: bool,
        #[arg(long, group = "to", value_name = "OFFSET")]
        to_offset: Option<i64>,
        /// Commit the new offsets (without it, only show them)
        #[arg(long)]
        execute: bool,
    },
}

fn pad(s: &str, w: usize) -> String {
    format!("{s:<w$}")
}

fn width(min: usize, items: impl Iterator<Item = usize>) -> usize {
    items.fold(min, usize::max)
}

/// The `--describe` offsets table (kafka-consumer-groups layout).
pub fn render_offsets(g: &GroupInfo, log_end: &HashMap<TopicPartition, i64>) -> String {
    struct Row {
        tp: TopicPartition,
        current: String,
        end: String,
        lag: String,
        consumer: String,
        host: String,
        client: String,
    }
    let mut rows = Vec::new();
    let mut owned = BTreeSet::new();
    let mut members: Vec<_> = g
        .members
        .iter()
        .filter(|m| !m.assignment.is_empty())
        .collect();
    members.sort_by(|a, b| {
        b.assignment
            .len()
            .cmp(&a.assignment.len())
            .then(a.member_id.cmp(&b.member_id))
    });
    let row = |tp: &TopicPartition, consumer: &str, host: &str, client: &str| {
        let current = g.committed.get(tp).copied();
        let end = log_end.get(tp).copied();
        Row {
            tp: tp.clone(),
            current: current.map_or("-".into(), |c| c.to_string()),
            end: end.map_or("-".into(), |e| e.to_string()),
            lag: match (current, end) {
                (Some(c), Some(e)) => (e - c).max(0).to_string(),
                _ => "-".into(),
            },
            consumer: consumer.to_string(),
            host: host.to_string(),
            client: client.to_string(),
        }
    };
    for m in members {
        let mut tps = m.assignment.clone();
        tps.sort();
        for tp in tps {
            owned.insert(tp.clone());
            rows.push(row(&tp, &m.member_id, &m.client_host, &m.client_id));
        }
    }
    let mut rest: Vec<&TopicPartition> = g
        .committed
        .keys()
        .filter(|tp| !owned.contains(*tp))
        .collect();
    rest.sort();
    for tp in rest {
        rows.push(row(tp, "-", "-", "-"));
    }
    if rows.is_empty() {
        return String::new();
    }
    let gw = width(15, std::iter::once(g.group_id.len()));
    let tw = width(15, rows.iter().map(|r| r.tp.topic.len()));
    let cw = width(15, rows.iter().map(|r| r.consumer.len()));
    let hw = width(15, rows.iter().map(|r| r.host.len()));
    let mut out = String::from("\n");
    out.push_str(&format!(
        "{} {} {} {} {} {} {} {} CLIENT-ID\n",
        pad("GROUP", gw),
        pad("TOPIC", tw),
        pad("PARTITION", 10),
        pad("CURRENT-OFFSET", 15),
        pad("LOG-END-OFFSET", 15),
        pad("LAG", 15),
        pad("CONSUMER-ID", cw),
        pad("HOST", hw)
    ));
    for r in rows {
        out.push_str(&format!(
            "{} {} {} {} {} {} {} {} {}\n",
            pad(&g.group_id, gw),
            pad(&r.tp.topic, tw),
            pad(&r.tp.partition.to_string(), 10),
            pad(&r.current, 15),
            pad(&r.end, 15),
            pad(&r.lag, 15),
            pad(&r.consumer, cw),
            pad(&r.host, hw),
            r.client
        ));
    }
    out
}

fn render_members(g: &GroupInfo) -> String {
    let gw = width(15, std::iter::once(g.group_id.len()));
    let cw = width(15, g.members.iter().map(|m| m.member_id.len()));
    let hw = width(15, g.members.iter().map(|m| m.client_host.len()));
    let lw = width(15, g.members.iter().map(|m| m.client_id.len()));
    let mut out = format!(
        "\n{} {} {} {} {} \n",
        pad("GROUP", gw),
        pad("CONSUMER-ID", cw),
        pad("HOST", hw),
        pad("CLIENT-ID", lw),
        pad("#PARTITIONS", 15)
    );
    for m in &g.members {
        out.push_str(&format!(
            "{} {} {} {} {} \n",
            pad(&g.group_id, gw),
            pad(&m.member_id, cw),
            pad(&m.client_host, hw),
            pad(&m.client_id, lw),
            pad(&m.assignment.len().to_string(), 15)
        ));
    }
    out
}

fn render_state(g: &GroupInfo) -> String {
    let coord = format!("{}  ({})", g.coordinator.1, g.coordinator.0);
    let w = width(25, std::iter::once(coord.len()));
    format!(
        "\n{} {} {} {} #MEMBERS\n{} {} {} {} {}\n",
        pad("GROUP", w),
        pad("COORDINATOR (ID)", 25),
        pad("ASSIGNMENT-STRATEGY", 20),
        pad("STATE", 15),
        pad(&g.group_id, w),
        pad(&coord, 25),
        pad(&g.protocol, 20),
        pad(&g.state, 15),
        g.members.len()
    )
}

async fn log_end_offsets(
    client: &Client,
    tps: impl Iterator<Item = TopicPartition>,
) -> HashMap<TopicPartition, i64> {
    let mut out = HashMap::new();
    for tp in tps {
        if let Ok(o) = list_offset(client, &tp, -1).await {
            out.insert(tp, o);
        }
    }
    out
}

pub async fn run(conn: &super::Connect, args: GroupsArgs) -> anyhow::Result<u8> {
    let client = conn.client(false).await?;
    match args.action {
        GroupsAction::List { state, output } => {
            let groups = groups_admin::list_groups(&client).await?;
            if output == super::OutputFormat::Json {
                let v: Vec<serde_json::Value> = groups
                    .iter()
                    .map(|g| serde_json::json!({"group": g.group_id, "state": g.state, "protocol_type": g.protocol_type}))
                    .collect();
                println!("{}", serde_json::Value::Array(v));
                return Ok(0);
            }
            if state {
                let w = width(15, groups.iter().map(|g| g.group_id.len())) + 10;
                println!("{} {:<20}", pad("GROUP", w), "STATE");
                for g in groups {
                    println!("{} {:<20}", pad(&g.group_id, w), g.state);
                }
            } else {
                for g in groups {
                    println!("{}", g.group_id);
                }
            }
        }
        GroupsAction::Describe {
            group,
            members,
            state,
            output,
        } => {
            let g = groups_admin::describe_group(&client, &group).await?;
            if g.state == "Dead" {
                bail!("Consumer group '{group}' does not exist.");
            }
            if output == super::OutputFormat::Json {
                let tps: BTreeSet<TopicPartition> = g
                    .members
                    .iter()
                    .flat_map(|m| m.assignment.iter().cloned())
                    .chain(g.committed.keys().cloned())
                    .collect();
                let ends = log_end_offsets(&client, tps.iter().cloned()).await;
                let owner = |tp: &TopicPartition| {
                    g.members
                        .iter()
                        .find(|m| m.assignment.contains(tp))
                        .map(|m| m.member_id.clone())
                };
                let v = serde_json::json!({
                    "group": g.group_id,
                    "state": g.state,
                    "protocol": g.protocol,
                    "coordinator": {"id": g.coordinator.0, "address": g.coordinator.1},
                    "members": g.members.iter().map(|m| serde_json::json!({
                        "member_id": m.member_id,
                        "group_instance_id": m.group_instance_id,
                        "client_id": m.client_id,
                        "host": m.client_host,
                        "partitions": m.assignment.iter().map(|tp| serde_json::json!({"topic": tp.topic, "partition": tp.partition})).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                    "offsets": tps.iter().map(|tp| {
                        let current = g.committed.get(tp).copied();
                        let end = ends.get(tp).copied();
                        serde_json::json!({
                            "topic": tp.topic,
                            "partition": tp.partition,
                            "current_offset": current,
                            "log_end_offset": end,
                            "lag": current.zip(end).map(|(c, e)| (e - c).max(0)),
                            "member_id": owner(tp),
                        })
                    }).collect::<Vec<_>>(),
                });
                println!("{v}");
                return Ok(0);
            }
            match g.state.as_str() {
                "Empty" => eprintln!("\nConsumer group '{group}' has no active members."),
                "PreparingRebalance" | "CompletingRebalance" => {
                    eprintln!("\nWarning: Consumer group '{group}' is rebalancing.")
                }
                _ => {}
            }
            if state {
                print!("{}", render_state(&g));
            } else if members {
                print!("{}", render_members(&g));
            } else {
                let tps: BTreeSet<TopicPartition> = g
                    .members
                    .iter()
                    .flat_map(|m| m.assignment.iter().cloned())
                    .chain(g.committed.keys().cloned())
                    .collect();
                let ends = log_end_offsets(&client, tps.into_iter()).await;
                print!("{}", render_offsets(&g, &ends));
            }
        }
        GroupsAction::Delete { group } => {
            groups_admin::delete_group(&client, &group).await?;
            println!("Deletion of requested consumer groups ('{group}') was successful.");
        }
        GroupsAction::DeleteOffsets { group, topics } => {
            let mut partitions = Vec::new();
            let mut names = Vec::new();
            for spec in &topics {
                let (topic, parts) = match spec.split_once(':') {
                    Some((t, ps)) => {
                        let ps = ps
                            .split(',')
                            .map(|p| p.trim().parse::<i32>())
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|_| {
                                super::UsageError(crate::node::ConfigError::Flag(format!(
                                    "'{spec}' is not TOPIC or TOPIC:PARTITION,PARTITION,..."
                                )))
                            })?;
                        (t.to_string(), ps)
                    }
                    None => {
                        let n = client.topic(spec).await?.partitions.len() as i32;
                        (spec.clone(), (0..n).collect())
                    }
                };
                names.push(topic.clone());
                partitions.extend(
                    parts
                        .into_iter()
                        .map(|p| TopicPartition::new(topic.clone(), p)),
                );
            }
            let results = match groups_admin::delete_group_offsets(&client, &group, &partitions)
                .await
            {
                Err(crate::client::Error::Server {
                    code: kafka_protocol::error::ResponseError::GroupIdNotFound,
                    ..
                }) => {
                    println!("\nError: '{group}' does not exist.");
                    return Ok(1);
                }
                Err(crate::client::Error::Server {
                    code: kafka_protocol::error::ResponseError::NonEmptyGroup,
                    ..
                }) => {
                    println!("\nError: Deleting offsets of a consumer group '{group}' is forbidden if the group is not empty.");
                    return Ok(1);
                }
                other => other?,
            };
            let failed = results.iter().any(|(_, e)| e.is_some());
            if failed {
                println!(
                    "\nError: Encounter some partition level error, see the follow-up details:"
                );
            } else {
                println!(
                    "Request succeed for deleting offsets with topic {} group {group}",
                    names.join(", ")
                );
            }
            println!("\n{:<30} {:<15} {:<15}", "TOPIC", "PARTITION", "STATUS");
            for (tp, e) in &results {
                let status = match e {
                    None => "Successful".to_string(),
                    Some(e) => format!("Error: {e}"),
                };
                println!("{:<30} {:<15} {:<15}", tp.topic, tp.partition, status);
            }
            return Ok(failed as u8);
        }
        GroupsAction::ResetOffsets {
            group,
            topic,
            to_earliest,
            to_latest,
            to_offset,
            execute,
        } => {
            let g = groups_admin::describe_group(&client, &group).await?;
            if g.state != "Empty" && g.state != "Dead" {
                bail!(
                    "Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.",
                    g.state
                );
            }
            if !(to_earliest || to_latest || to_offset.is_some()) {
                bail!("choose one of --to-earliest, --to-latest, --to-offset N");
            }
            let meta = client.topic(&topic).await?;
            // Two offset lookups per partition: on a terminal, show how far along.
            let bar = {
                use std::io::IsTerminal;
                std::io::stderr().is_terminal().then(|| {
                    let b = indicatif::ProgressBar::new(meta.partitions.len() as u64);
                    b.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{bar:30} {pos}/{len} partitions planned",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                    b
                })
            };
            let mut plan: BTreeMap<TopicPartition, i64> = BTreeMap::new();
            for p in &meta.partitions {
                if let Some(b) = &bar {
                    b.inc(1);
                }
                let tp = TopicPartition::new(topic.clone(), p.partition);
                let earliest = list_offset(&client, &tp, -2).await?;
                let latest = list_offset(&client, &tp, -1).await?;
                let target = match to_offset {
                    Some(o) => o.clamp(earliest, latest),
                    None if to_earliest => earliest,
                    None => latest,
                };
                plan.insert(tp, target);
            }
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            if !execute {
                eprintln!("WARN: No action will be performed as the --execute option is missing. Add --execute to reset the offsets.");
            }
            println!(
                "\n{:<30} {:<30} {:<10} {:<15}",
                "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"
            );
            for (tp, o) in &plan {
                println!(
                    "{:<30} {:<30} {:<10} {:<15}",
                    group, tp.topic, tp.partition, o
                );
            }
            if execute {
                let mut member = GroupMember::new(
                    client.clone(),
                    &group,
                    vec![topic.clone()],
                    MemberConfig::default(),
                );
                member.commit(&plan.into_iter().collect()).await?;
            }
        }
    }
    Ok(0)
}
