//! `kw topics`: create, delete, list, describe and alter topics, printing what
//! Apache Kafka's `kafka-topics` prints (describe in the pre-3.8 layout).

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::client::admin::{self, NewTopicSpec};
use crate::client::Client;
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
    /// Increase the number of partitions
    Alter {
        name: String,
        #[arg(long, short = 'p')]
        partitions: i32,
    },
}

pub async fn run(bootstrap: &str, args: TopicsArgs) -> anyhow::Result<u8> {
    let client = Client::connect(bootstrap, Default::default()).await?;
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
        TopicsAction::Alter { name, partitions } => {
            admin::create_partitions(&client, &name, partitions, ADMIN_TIMEOUT).await?;
        }
    }
    Ok(0)
}
