//! `kw topics`: create, delete, list, describe and alter topics, printing what
//! Apache Kafka's `kafka-topics` prints (describe in the pre-3.8 layout).

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::client::admin::{self, NewTopicSpec};
use crate::format::{render_topic_describe, TopicDescription};

const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Args)]
pub struct TopicsArgs {
    #[command(subcommand)]
    pub action: TopicsAction,
}

#[derive(Debug, Subcommand)]
pub enum TopicsAction {
    /// Create a topic
    #[command(
        after_help = "Example:\n  kw topics create demo.purchases --partitions 6 --replication-factor 3 --config retention.ms=86400000"
    )]
    Create {
        /// Topic name
        name: String,
        /// Number of partitions [default: the broker's num.partitions]
        #[arg(long, short = 'p')]
        partitions: Option<i32>,
        /// Replicas per partition [default: the broker's default.replication.factor]
        #[arg(long, short = 'r')]
        replication_factor: Option<i16>,
        /// Succeed quietly if the topic exists
        #[arg(long)]
        if_not_exists: bool,
        /// Topic config by its Kafka name, e.g. --config retention.ms=60000 (repeatable)
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
    },
    /// Delete a topic and its data
    Delete {
        name: String,
        /// Succeed quietly if the topic does not exist
        #[arg(long)]
        if_exists: bool,
    },
    /// List topic names, sorted
    List {
        /// Leave out internal topics such as __consumer_offsets
        #[arg(long)]
        exclude_internal: bool,
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: super::OutputFormat,
    },
    /// Show partitions, leaders, replicas and in-sync replicas
    #[command(after_help = "Example:\n  kw topics describe demo.purchases")]
    Describe {
        /// Topics to describe [default: all]
        names: Vec<String>,
        #[arg(long)]
        exclude_internal: bool,
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: super::OutputFormat,
    },
    /// Delete records before an offset (kafka-delete-records): the log start moves up
    #[command(
        name = "delete-records",
        after_help = "Examples:\n  kw topics delete-records demo.purchases --partition 0 --offset 100\n  kw topics delete-records demo.purchases --offset -1          # everything so far\n  kw topics delete-records --offset-json-file offsets.json    # kafka-delete-records' file"
    )]
    DeleteRecords {
        /// Topic [default: the topics of --offset-json-file]
        #[arg(required_unless_present = "offset_json_file")]
        name: Option<String>,
        /// Only this partition [default: every partition]
        #[arg(long, short = 'p')]
        partition: Option<i32>,
        /// New log start offset (-1: the high watermark, i.e. everything written)
        #[arg(
            long,
            allow_negative_numbers = true,
            required_unless_present = "offset_json_file"
        )]
        offset: Option<i64>,
        /// kafka-delete-records' JSON: {"partitions":[{"topic":"t","partition":0,"offset":3}],"version":1}
        #[arg(long, value_name = "FILE", conflicts_with_all = ["name", "partition", "offset"])]
        offset_json_file: Option<std::path::PathBuf>,
    },
    /// Add partitions, or set and delete topic configs
    #[command(
        after_help = "Examples:\n  kw topics alter demo.purchases --partitions 12\n  kw topics alter demo.purchases --config retention.ms=3600000 --delete-config segment.ms"
    )]
    Alter {
        name: String,
        /// Grow the topic to this many partitions
        #[arg(long, short = 'p')]
        partitions: Option<i32>,
        /// Set a topic config by its Kafka name (repeatable)
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
        /// Remove a topic config override, back to the broker's default (repeatable)
        #[arg(long = "delete-config", value_name = "KEY")]
        delete_config: Vec<String>,
    },
}

pub async fn run(conn: &super::Connect, args: TopicsArgs) -> anyhow::Result<u8> {
    let client = conn.client(false).await?;
    match args.action {
        TopicsAction::Create {
            name,
            partitions,
            replication_factor,
            if_not_exists,
            config,
        } => {
            let mut configs = BTreeMap::new();
            for c in &config {
                let (k, v) = c.split_once('=').with_context(|| {
                    format!("Invalid topic config '{c}': all configs to be added must be in the format \"key=val\".")
                })?;
                configs.insert(k.trim().to_string(), v.trim().to_string());
            }
            let spec = NewTopicSpec {
                name: name.clone(),
                partitions: partitions.unwrap_or(-1),
                replication_factor: replication_factor.unwrap_or(-1),
                configs,
            };
            match admin::create_topic(&client, &spec, ADMIN_TIMEOUT).await {
                Ok(()) => println!("Created topic {name}."),
                Err(crate::client::Error::Server { code, .. })
                    if if_not_exists
                        && code == kafka_protocol::error::ResponseError::TopicAlreadyExists => {}
                Err(e) => return Err(e.into()),
            }
        }
        TopicsAction::Delete { name, if_exists } => {
            match admin::delete_topic(&client, &name, ADMIN_TIMEOUT).await {
                Ok(()) => {}
                Err(crate::client::Error::Server { code, .. })
                    if if_exists
                        && code
                            == kafka_protocol::error::ResponseError::UnknownTopicOrPartition => {}
                Err(e) => return Err(e.into()),
            }
        }
        TopicsAction::List {
            exclude_internal,
            output,
        } => {
            let meta = client.metadata(None).await?;
            let mut names: Vec<String> = meta
                .topics
                .iter()
                .filter(|t| !(exclude_internal && t.is_internal))
                .filter_map(|t| t.name.as_ref().map(|n| n.to_string()))
                .collect();
            names.sort();
            if output == super::OutputFormat::Json {
                println!("{}", serde_json::to_string(&names)?);
                return Ok(0);
            }
            for n in names {
                println!("{n}");
            }
        }
        TopicsAction::Describe {
            names,
            exclude_internal,
            output,
        } => {
            let meta = if names.is_empty() {
                client.metadata(None).await?
            } else {
                client.metadata(Some(&names)).await?
            };
            let mut out = String::new();
            let mut json = Vec::new();
            for t in &meta.topics {
                let Some(name) = t.name.as_ref().map(|n| n.to_string()) else {
                    continue;
                };
                if t.error_code != 0 {
                    anyhow::bail!("Topic '{name}' does not exist as expected");
                }
                if exclude_internal && t.is_internal {
                    continue;
                }
                let configs = admin::describe_topic_configs(&client, &name)
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|c| !c.is_default)
                    .filter_map(|c| c.value.map(|v| (c.name, v)))
                    .collect();
                let partitions = super::metadata::partition_infos(t);
                let topic_id = if t.topic_id.is_nil() {
                    String::new()
                } else {
                    crate::format::uuid_to_base64(t.topic_id)
                };
                let d = TopicDescription {
                    name,
                    topic_id,
                    configs,
                    partitions,
                };
                if output == super::OutputFormat::Json {
                    json.push(serde_json::json!({
                        "topic": d.name,
                        "topic_id": d.topic_id,
                        "partition_count": d.partitions.len(),
                        "replication_factor": d.partitions.first().map_or(0, |p| p.replicas.len()),
                        "configs": d.configs.iter().cloned().collect::<std::collections::BTreeMap<String, String>>(),
                        "partitions": d.partitions.iter().map(|p| serde_json::json!({
                            "partition": p.partition,
                            "leader": p.leader,
                            "replicas": p.replicas,
                            "isr": p.isr,
                        })).collect::<Vec<_>>(),
                    }));
                } else {
                    out.push_str(&render_topic_describe(&d));
                }
            }
            if output == super::OutputFormat::Json {
                println!("{}", serde_json::Value::Array(json));
            } else {
                print!("{out}");
            }
        }
        TopicsAction::DeleteRecords {
            name,
            partition,
            offset,
            offset_json_file,
        } => {
            let wanted = match offset_json_file {
                Some(path) => parse_delete_records_json(
                    &std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                )?,
                None => {
                    let name = name.expect("clap requires a topic");
                    let offset = offset.expect("clap requires an offset");
                    let partitions: Vec<i32> = match partition {
                        Some(p) => vec![p],
                        None => (0..client.topic(&name).await?.partitions.len() as i32).collect(),
                    };
                    partitions
                        .into_iter()
                        .map(|p| {
                            (
                                crate::protocol::TopicPartition::new(name.clone(), p),
                                offset,
                            )
                        })
                        .collect()
                }
            };
            println!("Executing records delete operation");
            let results = admin::delete_records(&client, &wanted, ADMIN_TIMEOUT).await?;
            println!("Records delete operation completed:");
            let mut failed = false;
            for (tp, r) in results {
                match r {
                    Ok(low) => println!("partition: {tp}\tlow_watermark: {low}"),
                    Err(e) => {
                        failed = true;
                        println!("partition: {tp}\terror: {e}");
                    }
                }
            }
            if failed {
                return Ok(1);
            }
        }
        TopicsAction::Alter {
            name,
            partitions,
            config,
            delete_config,
        } => {
            if partitions.is_none() && config.is_empty() && delete_config.is_empty() {
                return Err(super::UsageError(crate::node::ConfigError::Flag(
                    "kw topics alter needs --partitions, --config or --delete-config".into(),
                ))
                .into());
            }
            if let Some(partitions) = partitions {
                admin::create_partitions(&client, &name, partitions, ADMIN_TIMEOUT).await?;
            }
            if !config.is_empty() || !delete_config.is_empty() {
                let mut changes = Vec::new();
                for c in &config {
                    let (k, v) = c.split_once('=').with_context(|| {
                        format!("Invalid topic config '{c}': all configs to be added must be in the format \"key=val\".")
                    })?;
                    changes.push((k.trim().to_string(), Some(v.trim().to_string())));
                }
                changes.extend(delete_config.iter().map(|k| (k.trim().to_string(), None)));
                admin::alter_topic_configs(&client, &name, &changes).await?;
                println!("Completed updating config for topic {name}.");
            }
        }
    }
    Ok(0)
}

/// kafka-delete-records' offsets file: `{"partitions":[{"topic":"t","partition":0,
/// "offset":3}],"version":1}`.
fn parse_delete_records_json(
    text: &str,
) -> anyhow::Result<Vec<(crate::protocol::TopicPartition, i64)>> {
    let v: serde_json::Value =
        serde_json::from_str(text).context("the offsets file is not valid JSON")?;
    let parts = v["partitions"]
        .as_array()
        .context("the offsets file has no \"partitions\" array")?;
    let mut out: Vec<(crate::protocol::TopicPartition, i64)> = Vec::new();
    for p in parts {
        let (Some(topic), Some(partition), Some(offset)) = (
            p["topic"].as_str(),
            p["partition"].as_i64(),
            p["offset"].as_i64(),
        ) else {
            anyhow::bail!("each partition needs \"topic\", \"partition\" and \"offset\": {p}");
        };
        let tp = crate::protocol::TopicPartition::new(topic, partition as i32);
        if out.iter().any(|(seen, _)| *seen == tp) {
            anyhow::bail!("Offset json file contains duplicate topic partitions: {tp}");
        }
        out.push((tp, offset));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_delete_records_json() {
        let got = parse_delete_records_json(
            r#"{"partitions":[{"topic":"t","partition":0,"offset":3},{"topic":"u","partition":2,"offset":-1}],"version":1}"#,
        )
        .unwrap();
        assert_eq!(got[0], (crate::protocol::TopicPartition::new("t", 0), 3));
        assert_eq!(got[1].1, -1);
        assert!(parse_delete_records_json(r#"{"partitions":[{"topic":"t","partition":0,"offset":3},{"topic":"t","partition":0,"offset":4}]}"#)
            .unwrap_err()
            .to_string()
            .contains("duplicate"));
        assert!(parse_delete_records_json("{}").is_err());
    }
}
