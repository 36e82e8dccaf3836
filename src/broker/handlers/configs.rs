//! Configs: DescribeConfigs (every topic config with its value, source and
//! synonyms; this broker's settings with their dynamic overrides), AlterConfigs
//! (replace a resource's dynamic configs) and IncrementalAlterConfigs (SET,
//! DELETE, APPEND, SUBTRACT), for topics and for brokers: one broker ("N") or the
//! cluster-wide default (""). Dynamic broker configs are the broker-level
//! defaults of topic configs (`log.retention.ms`, `min.insync.replicas`, ...).

use std::collections::BTreeMap;

use kafka_protocol::messages::describe_configs_response::{
    DescribeConfigsResourceResult, DescribeConfigsResult, DescribeConfigsSynonym,
};
use kafka_protocol::messages::{
    alter_configs_response, incremental_alter_configs_response, AlterConfigsRequest,
    AlterConfigsResponse, DescribeConfigsRequest, DescribeConfigsResponse,
    IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse,
};

use crate::broker::{Broker, Session};
use crate::controller::image::{RESOURCE_BROKER, RESOURCE_TOPIC};
use crate::controller::topic_config::{
    self, effective_with_source, topic_config_of_broker_key, Kind, Source, TOPIC_CONFIGS,
};
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;
use crate::security::acl::Operation;

const SOURCE_DEFAULT: i8 = Source::Default as i8;

fn entry(
    name: &str,
    value: Option<&str>,
    source: i8,
    config_type: i8,
    read_only: bool,
    version: i16,
) -> DescribeConfigsResourceResult {
    let e = DescribeConfigsResourceResult::default()
        .with_name(sb(name))
        .with_value(value.map(sb))
        .with_read_only(read_only)
        .with_config_source(source);
    // config_type exists from v3 on.
    if version >= 3 {
        e.with_config_type(config_type)
    } else {
        e
    }
}

fn synonym(name: &str, value: &str, source: Source) -> DescribeConfigsSynonym {
    DescribeConfigsSynonym::default()
        .with_name(sb(name))
        .with_value(Some(sb(value)))
        .with_source(source as i8)
}

/// A failure of one resource: (code, message).
type Failure = (ResponseError, String);

/// Whether the session may do `op` (DESCRIBE_CONFIGS or ALTER_CONFIGS) to a
/// resource's configs; the error for it when not.
fn authorize(
    broker: &Broker,
    session: &Session,
    op: Operation,
    resource_type: i8,
    name: &str,
) -> Result<(), (ResponseError, String)> {
    let ok = match resource_type {
        RESOURCE_TOPIC => broker.allowed_on_topic(session, op, name),
        _ => broker.allowed_on_cluster(session, op),
    };
    match (ok, resource_type) {
        (true, _) => Ok(()),
        (false, RESOURCE_TOPIC) => Err((
            ResponseError::TopicAuthorizationFailed,
            format!("Authorization failed for topic {name}."),
        )),
        (false, _) => Err((
            ResponseError::ClusterAuthorizationFailed,
            "Cluster authorization failed.".into(),
        )),
    }
}

pub fn describe(
    broker: &Broker,
    version: i16,
    req: DescribeConfigsRequest,
    session: &Session,
) -> DescribeConfigsResponse {
    let image = broker.controller.image();
    let me = broker.config.node_id.to_string();
    let defaults = image.broker_defaults(broker.config.node_id, &broker.config.topic_defaults);
    let synonyms = version >= 1 && req.include_synonyms;
    let results = req
        .resources
        .into_iter()
        .map(|res| {
            let wanted = |name: &str| {
                res.configuration_keys
                    .as_ref()
                    .is_none_or(|keys| keys.iter().any(|k| k.as_str() == name))
            };
            let out = DescribeConfigsResult::default()
                .with_resource_type(res.resource_type)
                .with_resource_name(res.resource_name.clone());
            let fail = |code: ResponseError, msg: String| {
                DescribeConfigsResult::default()
                    .with_resource_type(res.resource_type)
                    .with_resource_name(res.resource_name.clone())
                    .with_error_code(code.code())
                    .with_error_message(Some(sb(msg)))
            };
            if let Err((code, msg)) = authorize(broker, session, Operation::DescribeConfigs, res.resource_type, res.resource_name.as_str()) {
                return fail(code, msg);
            }
            match res.resource_type {
                RESOURCE_TOPIC => match image.topic(res.resource_name.as_str()) {
                    None => fail(
                        ResponseError::UnknownTopicOrPartition,
                        format!("The topic '{}' does not exist.", res.resource_name.as_str()),
                    ),
                    Some(t) => {
                        let configs = TOPIC_CONFIGS
                            .iter()
                            .filter(|d| wanted(d.name))
                            .map(|d| {
                                let (value, source) = effective_with_source(&t.configs, &defaults, d.name)
                                    .unwrap_or((d.default, Source::Default));
                                let mut e = entry(d.name, Some(value), source as i8, d.kind.config_type(), false, version);
                                if synonyms {
                                    let broker_name = d.broker_synonym.unwrap_or(d.name);
                                    let mut list = Vec::new();
                                    if let Some(v) = t.configs.get(d.name) {
                                        list.push(synonym(d.name, v, Source::Topic));
                                    }
                                    for (layer, src) in [
                                        (&defaults.per_broker, Source::DynamicBroker),
                                        (&defaults.cluster, Source::DynamicDefaultBroker),
                                        (&defaults.static_, Source::StaticBroker),
                                    ] {
                                        if let Some(v) = layer.get(d.name) {
                                            list.push(synonym(broker_name, v, src));
                                        }
                                    }
                                    list.push(synonym(broker_name, d.default, Source::Default));
                                    e.synonyms = list;
                                }
                                e
                            })
                            .collect();
                        out.with_configs(configs)
                    }
                },
                RESOURCE_BROKER => {
                    let name = res.resource_name.as_str();
                    let dynamic = |n: &str| image.broker_configs.get(n);
                    if name.is_empty() {
                        // The cluster-wide default level: only what is set there.
                        let configs = dynamic("")
                            .into_iter()
                            .flatten()
                            .filter(|(k, _)| wanted(k))
                            .map(|(k, v)| {
                                entry(k, Some(v), Source::DynamicDefaultBroker as i8, broker_config_type(broker, k), false, version)
                            })
                            .collect();
                        return out.with_configs(configs);
                    }
                    if name != me {
                        return fail(
                            ResponseError::InvalidRequest,
                            format!("Unexpected broker id, expected {me} or empty string, but received {name}"),
                        );
                    }
                    let mine = dynamic(&me);
                    let cluster = dynamic("");
                    let mut configs: Vec<DescribeConfigsResourceResult> = broker
                        .config
                        .described
                        .iter()
                        .filter(|c| wanted(&c.name))
                        .map(|c| {
                            let is_dynamic = topic_config_of_broker_key(&c.name).is_some();
                            let (value, source) = match (
                                mine.and_then(|m| m.get(&c.name)),
                                cluster.and_then(|m| m.get(&c.name)),
                            ) {
                                (Some(v), _) => (Some(v.clone()), Source::DynamicBroker as i8),
                                (None, Some(v)) => (Some(v.clone()), Source::DynamicDefaultBroker as i8),
                                _ if c.is_static => (c.value.clone(), Source::StaticBroker as i8),
                                _ => (c.value.clone(), SOURCE_DEFAULT),
                            };
                            let mut e = entry(&c.name, value.as_deref(), source, c.config_type, !is_dynamic, version);
                            if c.is_sensitive {
                                e.value = None;
                                e.is_sensitive = true;
                            }
                            e
                        })
                        .collect();
                    // Dynamic keys kw has no static setting for: topic defaults kw
                    // does not act on, with their values, and custom keys (Kafka
                    // keeps them), whose unknown type makes them sensitive.
                    for (layer, source) in [(mine, Source::DynamicBroker), (cluster, Source::DynamicDefaultBroker)] {
                        for (k, v) in layer.into_iter().flatten() {
                            let known = broker.config.described.iter().any(|c| &c.name == k)
                                || configs.iter().any(|e| e.name.as_str() == k);
                            if known || !wanted(k) {
                                continue;
                            }
                            configs.push(match dynamic_kind(k) {
                                Some(kind) => entry(k, Some(v), source as i8, kind.config_type(), false, version),
                                None => {
                                    let mut e = entry(k, None, source as i8, 0, false, version);
                                    e.is_sensitive = true;
                                    e
                                }
                            });
                        }
                    }
                    out.with_configs(configs)
                }
                other => fail(ResponseError::InvalidRequest, format!("Unsupported resource type {other}")),
            }
        })
        .collect();
    DescribeConfigsResponse::default().with_results(results)
}

fn broker_config_type(broker: &Broker, key: &str) -> i8 {
    broker
        .config
        .described
        .iter()
        .find(|c| c.name == key)
        .map_or(0, |c| c.config_type)
}

/// The kind of a broker key that may change at run time (a topic default).
fn dynamic_kind(key: &str) -> Option<Kind> {
    topic_config_of_broker_key(key)
        .and_then(topic_config::definition)
        .map(|d| d.kind)
}

/// Check a broker resource's name and its new dynamic configs as Kafka's broker
/// does before forwarding them: a known key that cannot change at run time or a
/// bad value is INVALID_REQUEST; unknown keys are kept (Kafka allows custom ones).
fn check_broker_configs(
    broker: &Broker,
    name: &str,
    configs: &BTreeMap<String, String>,
) -> Result<(), Failure> {
    if !name.is_empty() {
        let id: i32 = name.parse().map_err(|_| {
            (
                ResponseError::InvalidRequest,
                format!("Node id must be an integer, but it is: {name}"),
            )
        })?;
        if id != broker.config.node_id {
            return Err((
                ResponseError::InvalidRequest,
                format!(
                    "Unexpected broker id, expected {}, but received {name}",
                    broker.config.node_id
                ),
            ));
        }
    }
    let read_only: Vec<&str> = configs
        .keys()
        .filter(|k| dynamic_kind(k).is_none())
        .filter(|k| broker.config.described.iter().any(|c| &c.name == *k))
        .map(String::as_str)
        .collect();
    if !read_only.is_empty() {
        return Err((
            ResponseError::InvalidRequest,
            format!(
                "Cannot update these configs dynamically: Set({})",
                read_only.join(", ")
            ),
        ));
    }
    for (k, v) in configs {
        if let Some(kind) = dynamic_kind(k) {
            topic_config::check(kind, v).map_err(|reason| {
                (
                    ResponseError::InvalidRequest,
                    format!("Invalid value {v} for configuration {k}: {reason}"),
                )
            })?;
        }
    }
    Ok(())
}

/// Commit a resource's new dynamic config set.
async fn apply(
    broker: &Broker,
    resource_type: i8,
    name: &str,
    configs: BTreeMap<String, String>,
    validate_only: bool,
) -> Result<(), Failure> {
    match resource_type {
        RESOURCE_TOPIC => {
            if name.is_empty() {
                return Err((
                    ResponseError::InvalidRequest,
                    "Default topic resources are not allowed.".into(),
                ));
            }
        }
        RESOURCE_BROKER => check_broker_configs(broker, name, &configs)?,
        other => {
            return Err((
                ResponseError::InvalidRequest,
                format!("Unknown resource type {other}"),
            ))
        }
    }
    broker
        .controller
        .alter_configs(resource_type, name, configs, validate_only)
        .await
        .map(|_| ())
        .map_err(|e| match e {
            crate::controller::Error::UnknownTopic(t) => (
                ResponseError::UnknownTopicOrPartition,
                format!("The topic '{t}' does not exist."),
            ),
            e => (e.code(), e.to_string()),
        })
}

/// The dynamic configs a resource has now.
fn current(broker: &Broker, resource_type: i8, name: &str) -> BTreeMap<String, String> {
    let image = broker.controller.image();
    match resource_type {
        RESOURCE_TOPIC => image
            .topic(name)
            .map(|t| t.configs.clone())
            .unwrap_or_default(),
        _ => image.broker_configs.get(name).cloned().unwrap_or_default(),
    }
}

/// The request's key/value pairs; a key given twice or a null value is refused.
fn pairs<'a>(
    items: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    null_allowed: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Option<String>)>, Failure> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut nulls = Vec::new();
    for (k, v) in items {
        if out.iter().any(|(seen, _)| seen == k) {
            return Err((
                ResponseError::InvalidRequest,
                "Error due to duplicate config keys".into(),
            ));
        }
        if v.is_none() && !null_allowed(k) {
            nulls.push(k.to_string());
        }
        out.push((k.to_string(), v.map(str::to_string)));
    }
    if !nulls.is_empty() {
        return Err((
            ResponseError::InvalidRequest,
            format!("Null value not supported for : {}", nulls.join(", ")),
        ));
    }
    Ok(out)
}

pub async fn alter(
    broker: &Broker,
    req: AlterConfigsRequest,
    session: &Session,
) -> AlterConfigsResponse {
    let mut responses = Vec::with_capacity(req.resources.len());
    for res in &req.resources {
        let name = res.resource_name.as_str();
        let outcome = async {
            authorize(
                broker,
                session,
                Operation::AlterConfigs,
                res.resource_type,
                name,
            )?;
            let items = pairs(
                res.configs
                    .iter()
                    .map(|c| (c.name.as_str(), c.value.as_ref().map(|v| v.as_str()))),
                |_| false,
            )?;
            // Legacy AlterConfigs replaces the whole dynamic set.
            let configs = items
                .into_iter()
                .map(|(k, v)| (k, v.unwrap_or_default()))
                .collect();
            apply(broker, res.resource_type, name, configs, req.validate_only).await
        }
        .await;
        let r = alter_configs_response::AlterConfigsResourceResponse::default()
            .with_resource_type(res.resource_type)
            .with_resource_name(res.resource_name.clone());
        responses.push(match outcome {
            Ok(()) => r,
            Err((code, msg)) => r
                .with_error_code(code.code())
                .with_error_message(Some(sb(msg))),
        });
    }
    AlterConfigsResponse::default().with_responses(responses)
}

const OP_SET: i8 = 0;
const OP_DELETE: i8 = 1;
const OP_APPEND: i8 = 2;
const OP_SUBTRACT: i8 = 3;

/// Whether `key` of a resource holds a list (APPEND and SUBTRACT work on lists).
fn list_default(resource_type: i8, key: &str) -> Option<&'static str> {
    let topic_key = if resource_type == RESOURCE_TOPIC {
        Some(key)
    } else {
        topic_config_of_broker_key(key)
    };
    let d = topic_config::definition(topic_key?)?;
    matches!(d.kind, Kind::List(_)).then_some(d.default)
}

/// Apply IncrementalAlterConfigs' operations to the current set.
fn incremental(
    resource_type: i8,
    mut configs: BTreeMap<String, String>,
    ops: &[(String, i8, Option<String>)],
) -> Result<BTreeMap<String, String>, Failure> {
    for (key, op, value) in ops {
        match *op {
            OP_SET => {
                configs.insert(key.clone(), value.clone().unwrap_or_default());
            }
            OP_DELETE => {
                configs.remove(key);
            }
            OP_APPEND | OP_SUBTRACT => {
                let verb = if *op == OP_APPEND {
                    "APPEND"
                } else {
                    "SUBTRACT"
                };
                let Some(default) = list_default(resource_type, key) else {
                    return Err((
                        ResponseError::InvalidConfig,
                        format!("Can't {verb} to key {key} because its type is not LIST."),
                    ));
                };
                let start = configs.get(key).map_or(default, |v| v.as_str());
                let mut items: Vec<String> = start
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                for item in value.as_deref().unwrap_or("").split(',').map(str::trim) {
                    if item.is_empty() {
                        continue;
                    }
                    if *op == OP_APPEND {
                        if !items.iter().any(|i| i == item) {
                            items.push(item.to_string());
                        }
                    } else {
                        items.retain(|i| i != item);
                    }
                }
                configs.insert(key.clone(), items.join(","));
            }
            other => {
                return Err((
                    ResponseError::InvalidRequest,
                    format!("Unknown config operation {other}"),
                ))
            }
        }
    }
    Ok(configs)
}

pub async fn incremental_alter(
    broker: &Broker,
    req: IncrementalAlterConfigsRequest,
    session: &Session,
) -> IncrementalAlterConfigsResponse {
    let mut responses = Vec::with_capacity(req.resources.len());
    for res in &req.resources {
        let name = res.resource_name.as_str();
        let outcome = async {
            authorize(
                broker,
                session,
                Operation::AlterConfigs,
                res.resource_type,
                name,
            )?;
            let items = pairs(
                res.configs
                    .iter()
                    .map(|c| (c.name.as_str(), c.value.as_ref().map(|v| v.as_str()))),
                |k| {
                    res.configs
                        .iter()
                        .any(|c| c.name.as_str() == k && c.config_operation == OP_DELETE)
                },
            )?;
            let ops: Vec<(String, i8, Option<String>)> = items
                .into_iter()
                .zip(&res.configs)
                .map(|((k, v), c)| (k, c.config_operation, v))
                .collect();
            let configs = incremental(
                res.resource_type,
                current(broker, res.resource_type, name),
                &ops,
            )?;
            apply(broker, res.resource_type, name, configs, req.validate_only).await
        }
        .await;
        let r = incremental_alter_configs_response::AlterConfigsResourceResponse::default()
            .with_resource_type(res.resource_type)
            .with_resource_name(res.resource_name.clone());
        responses.push(match outcome {
            Ok(()) => r,
            Err((code, msg)) => r
                .with_error_code(code.code())
                .with_error_message(Some(sb(msg))),
        });
    }
    IncrementalAlterConfigsResponse::default().with_responses(responses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(list: &[(&str, i8, Option<&str>)]) -> Vec<(String, i8, Option<String>)> {
        list.iter()
            .map(|(k, o, v)| (k.to_string(), *o, v.map(String::from)))
            .collect()
    }

    #[test]
    fn incremental_operations() {
        let start: BTreeMap<String, String> =
            [("retention.ms".to_string(), "1000".to_string())].into();
        let out = incremental(
            RESOURCE_TOPIC,
            start.clone(),
            &ops(&[
                ("segment.ms", OP_SET, Some("5000")),
                ("retention.ms", OP_DELETE, None),
                ("cleanup.policy", OP_APPEND, Some("compact")),
            ]),
        )
        .unwrap();
        assert_eq!(out.get("segment.ms").map(String::as_str), Some("5000"));
        assert!(!out.contains_key("retention.ms"));
        assert_eq!(
            out.get("cleanup.policy").map(String::as_str),
            Some("delete,compact")
        );
        let out = incremental(
            RESOURCE_TOPIC,
            out,
            &ops(&[("cleanup.policy", OP_SUBTRACT, Some("delete"))]),
        )
        .unwrap();
        assert_eq!(
            out.get("cleanup.policy").map(String::as_str),
            Some("compact")
        );
        assert_eq!(
            incremental(
                RESOURCE_TOPIC,
                start.clone(),
                &ops(&[("retention.ms", OP_APPEND, Some("1"))])
            ),
            Err((
                ResponseError::InvalidConfig,
                "Can't APPEND to key retention.ms because its type is not LIST.".into()
            ))
        );
        // Broker keys: log.cleanup.policy is a list.
        let b = incremental(
            RESOURCE_BROKER,
            BTreeMap::new(),
            &ops(&[("log.cleanup.policy", OP_APPEND, Some("compact"))]),
        )
        .unwrap();
        assert_eq!(
            b.get("log.cleanup.policy").map(String::as_str),
            Some("delete,compact")
        );
    }

    #[test]
    fn duplicate_keys_and_nulls_are_refused() {
        let dup = pairs([("a", Some("1")), ("a", Some("2"))].into_iter(), |_| false);
        assert_eq!(dup.unwrap_err().0, ResponseError::InvalidRequest);
        let null = pairs([("a", None)].into_iter(), |_| false);
        assert_eq!(null.unwrap_err().1, "Null value not supported for : a");
        assert!(pairs([("a", None)].into_iter(), |_| true).is_ok());
    }
}
