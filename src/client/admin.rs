//! Admin calls: create, delete and grow topics, describe configs. Each returns the
//! broker's error as a `client::Error::Server` with Kafka's message when there is one.

use std::collections::BTreeMap;
use std::time::Duration;

use kafka_protocol::messages::create_partitions_request::CreatePartitionsTopic;
use kafka_protocol::messages::create_topics_request::{CreatableTopic, CreatableTopicConfig};
use kafka_protocol::messages::delete_topics_request::DeleteTopicState;
use kafka_protocol::messages::describe_configs_request::DescribeConfigsResource;
use kafka_protocol::messages::incremental_alter_configs_request::{
    AlterConfigsResource, AlterableConfig,
};
use kafka_protocol::messages::{
    ApiKey, CreatePartitionsRequest, CreateTopicsRequest, DeleteTopicsRequest,
    DescribeConfigsRequest, IncrementalAlterConfigsRequest, TopicName,
};

use super::cluster::Client;
use super::{Error, Result};
use crate::protocol::sb;

/// A failed admin call with the broker's own message (e.g. "Topic 'x' already exists.").
fn server_error(code: i16, message: Option<&str>, context: String) -> Option<Error> {
    let err = Error::server(code, context)?;
    match (err, message) {
        (Error::Server { code, .. }, Some(m)) if !m.is_empty() => Some(Error::Server {
            code,
            message: m.to_string(),
        }),
        (e, _) => Some(e),
    }
}

pub struct NewTopicSpec {
    pub name: String,
    /// -1 = broker default
    pub partitions: i32,
    /// -1 = broker default
    pub replication_factor: i16,
    pub configs: BTreeMap<String, String>,
}

pub async fn create_topic(client: &Client, spec: &NewTopicSpec, timeout: Duration) -> Result<()> {
    let conn = client.any_connection().await?;
    let req = CreateTopicsRequest::default()
        .with_timeout_ms(timeout.as_millis() as i32)
        .with_topics(vec![CreatableTopic::default()
            .with_name(TopicName(sb(spec.name.clone())))
            .with_num_partitions(spec.partitions)
            .with_replication_factor(spec.replication_factor)
            .with_configs(
                spec.configs
                    .iter()
                    .map(|(k, v)| {
                        CreatableTopicConfig::default()
                            .with_name(sb(k.clone()))
                            .with_value(Some(sb(v.clone())))
                    })
                    .collect(),
            )]);
    let resp = conn.send(&req).await?;
    for t in resp.topics {
        if let Some(e) = server_error(
            t.error_code,
            t.error_message.as_deref(),
            format!("creating topic {}", spec.name),
        ) {
            return Err(e);
        }
    }
    client.invalidate(&spec.name);
    Ok(())
}

pub async fn delete_topic(client: &Client, name: &str, timeout: Duration) -> Result<()> {
    let conn = client.any_connection().await?;
    let version = conn.version_for(ApiKey::DeleteTopics).unwrap_or(1);
    let mut req = DeleteTopicsRequest::default().with_timeout_ms(timeout.as_millis() as i32);
    if version >= 6 {
        req.topics = vec![DeleteTopicState::default().with_name(Some(TopicName(sb(name))))];
    } else {
        req.topic_names = vec![TopicName(sb(name))];
    }
    let resp = conn.send(&req).await?;
    for r in resp.responses {
        if r.error_code == 3 {
            return Err(Error::Server {
                code: kafka_protocol::error::ResponseError::UnknownTopicOrPartition,
                message: format!("Topic '{name}' does not exist as expected"),
            });
        }
        if let Some(e) = server_error(
            r.error_code,
            r.error_message.as_deref(),
            format!("deleting topic {name}"),
        ) {
            return Err(e);
        }
    }
    client.invalidate(name);
    Ok(())
}

pub async fn create_partitions(
    client: &Client,
    name: &str,
    total: i32,
    timeout: Duration,
) -> Result<()> {
    let conn = client.any_connection().await?;
    let req = CreatePartitionsRequest::default()
        .with_timeout_ms(timeout.as_millis() as i32)
        .with_topics(vec![CreatePartitionsTopic::default()
            .with_name(TopicName(sb(name)))
            .with_count(total)]);
    let resp = conn.send(&req).await?;
    for r in resp.results {
        if let Some(e) = server_error(
            r.error_code,
            r.error_message.as_deref(),
            format!("adding partitions to {name}"),
        ) {
            return Err(e);
        }
    }
    client.invalidate(name);
    Ok(())
}

/// Set (`Some`) or delete (`None`) a topic's dynamic configs with
/// IncrementalAlterConfigs, as `kafka-configs --alter` does.
pub async fn alter_topic_configs(
    client: &Client,
    topic: &str,
    changes: &[(String, Option<String>)],
) -> Result<()> {
    let conn = client.any_connection().await?;
    let req = IncrementalAlterConfigsRequest::default().with_resources(vec![
        AlterConfigsResource::default()
            .with_resource_type(2)
            .with_resource_name(sb(topic))
            .with_configs(
                changes
                    .iter()
                    .map(|(k, v)| {
                        AlterableConfig::default()
                            .with_name(sb(k.clone()))
                            .with_config_operation(if v.is_some() { 0 } else { 1 })
                            .with_value(v.clone().map(sb))
                    })
                    .collect(),
            ),
    ]);
    let resp = conn.send(&req).await?;
    for r in resp.responses {
        if let Some(e) = server_error(
            r.error_code,
            r.error_message.as_deref(),
            format!("altering configs of {topic}"),
        ) {
            return Err(e);
        }
    }
    Ok(())
}

/// One config entry as DescribeConfigs reports it.
#[derive(Debug, Clone)]
pub struct ConfigEntry {
    pub name: String,
    pub value: Option<String>,
    /// True when the value is Kafka's built-in default.
    pub is_default: bool,
}

pub async fn describe_topic_configs(client: &Client, topic: &str) -> Result<Vec<ConfigEntry>> {
    let conn = client.any_connection().await?;
    let req =
        DescribeConfigsRequest::default().with_resources(vec![DescribeConfigsResource::default()
            .with_resource_type(2)
            .with_resource_name(sb(topic))
            .with_configuration_keys(None)]);
    let resp = conn.send(&req).await?;
    let mut out = Vec::new();
    for r in resp.results {
        if let Some(e) = server_error(
            r.error_code,
            r.error_message.as_deref(),
            format!("describing configs of {topic}"),
        ) {
            return Err(e);
        }
        for c in r.configs {
            out.push(ConfigEntry {
                name: c.name.to_string(),
                value: c.value.map(|v| v.to_string()),
                // DEFAULT_CONFIG (5); v0 used is_default, which kw does not speak.
                is_default: c.config_source == 5,
            });
        }
    }
    Ok(out)
}

/// DeleteRecords: move each partition's log start to its offset (-1: the high
/// watermark), one request per leader. The low watermark of each partition, or its
/// error.
pub async fn delete_records(
    client: &Client,
    offsets: &[(crate::protocol::TopicPartition, i64)],
    timeout: Duration,
) -> Result<
    Vec<(
        crate::protocol::TopicPartition,
        std::result::Result<i64, Error>,
    )>,
> {
    use kafka_protocol::messages::delete_records_request::{
        DeleteRecordsPartition, DeleteRecordsTopic,
    };
    use kafka_protocol::messages::DeleteRecordsRequest;
    let topics: Vec<String> = offsets.iter().map(|(tp, _)| tp.topic.clone()).collect();
    client.refresh(&topics).await?;
    let mut by_leader: BTreeMap<i32, Vec<(crate::protocol::TopicPartition, i64)>> = BTreeMap::new();
    let mut out = Vec::new();
    for (tp, offset) in offsets {
        match client.cached_leader(tp) {
            Some(l) => by_leader.entry(l).or_default().push((tp.clone(), *offset)),
            None => out.push((
                tp.clone(),
                Err(Error::Other(format!(
                    "{tp} does not exist or has no leader"
                ))),
            )),
        }
    }
    for (leader, items) in by_leader {
        let mut grouped: BTreeMap<&str, Vec<DeleteRecordsPartition>> = BTreeMap::new();
        for (tp, offset) in &items {
            grouped.entry(&tp.topic).or_default().push(
                DeleteRecordsPartition::default()
                    .with_partition_index(tp.partition)
                    .with_offset(*offset),
            );
        }
        let req = DeleteRecordsRequest::default()
            .with_timeout_ms(timeout.as_millis() as i32)
            .with_topics(
                grouped
                    .into_iter()
                    .map(|(t, ps)| {
                        DeleteRecordsTopic::default()
                            .with_name(TopicName(sb(t)))
                            .with_partitions(ps)
                    })
                    .collect(),
            );
        let resp = client.broker(leader).await?.send(&req).await?;
        for t in resp.topics {
            for p in t.partitions {
                let tp = crate::protocol::TopicPartition::new(t.name.0.as_str(), p.partition_index);
                let r = match Error::server(p.error_code, format!("deleting records of {tp}")) {
                    None => Ok(p.low_watermark),
                    Some(e) => Err(e),
                };
                out.push((tp, r));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
