//! `kw metadata`: what `kcat -L` prints (or `-J` JSON).

use clap::Args;

use kafka_protocol::messages::metadata_response::MetadataResponseTopic;

use crate::format::{
    render_metadata_json, render_metadata_text, BrokerInfo, ClusterInfo, PartitionInfo, TopicInfo,
};
use crate::protocol::error_code::describe;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  kw metadata\n  kw metadata -t demo.purchases -J | jq .")]
pub struct MetadataArgs {
    /// Only this topic
    #[arg(short = 't', long = "topic")]
    pub topic: Option<String>,
    /// JSON output (as kcat -L -J)
    #[arg(short = 'J', long = "json")]
    pub json: bool,
    /// Output format (`json` is the same as -J)
    #[arg(long, short = 'o', value_enum, default_value = "text")]
    pub output: super::OutputFormat,
}

/// A metadata response's partitions as the listings show them, sorted by id.
pub fn partition_infos(t: &MetadataResponseTopic) -> Vec<PartitionInfo> {
    let mut out: Vec<PartitionInfo> = t
        .partitions
        .iter()
        .map(|p| PartitionInfo {
            partition: p.partition_index,
            leader: p.leader_id.0,
            replicas: p.replica_nodes.iter().map(|b| b.0).collect(),
            isr: p.isr_nodes.iter().map(|b| b.0).collect(),
            error: (p.error_code != 0).then(|| describe(p.error_code)),
        })
        .collect();
    out.sort_by_key(|p| p.partition);
    out
}

pub async fn run(conn: &super::Connect, args: MetadataArgs) -> anyhow::Result<u8> {
    let client = conn.client(false).await?;
    let conn = client.any_connection().await?;
    let topics = args.topic.clone().map(|t| vec![t]);
    let meta = client.metadata(topics.as_deref()).await?;
    let origin = meta
        .brokers
        .iter()
        .find(|b| format!("{}:{}", b.host, b.port) == conn.addr)
        .map(|b| b.node_id.0)
        .unwrap_or(-1);
    let origin_name = if origin >= 0 {
        format!("{}/{}", conn.addr, origin)
    } else {
        format!("{}/bootstrap", conn.addr)
    };
    let info = ClusterInfo {
        originating_broker_id: origin,
        originating_broker_name: origin_name,
        controller_id: meta.controller_id.0,
        brokers: meta
            .brokers
            .iter()
            .map(|b| BrokerInfo {
                id: b.node_id.0,
                host: b.host.to_string(),
                port: b.port,
            })
            .collect(),
        topics: meta
            .topics
            .iter()
            .map(|t| TopicInfo {
                name: t.name.as_ref().map(|n| n.to_string()).unwrap_or_default(),
                error: (t.error_code != 0).then(|| describe(t.error_code)),
                partitions: partition_infos(t),
            })
            .collect(),
    };
    if args.json || args.output == super::OutputFormat::Json {
        print!("{}", render_metadata_json(&info, args.topic.as_deref()));
    } else {
        print!("{}", render_metadata_text(&info, args.topic.as_deref()));
    }
    Ok(0)
}
