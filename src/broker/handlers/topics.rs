//! CreateTopics, DeleteTopics, CreatePartitions, and auto-creation. Decisions are
//! the controller's; the handler fills in broker defaults and waits (bounded) until
//! this node has applied the change, so a client that creates a topic can use it at
//! once.

use std::collections::BTreeMap;
use std::time::Duration;

use kafka_protocol::messages::create_partitions_response::CreatePartitionsTopicResult;
use kafka_protocol::messages::create_topics_response::{
    CreatableTopicConfigs, CreatableTopicResult,
};
use kafka_protocol::messages::delete_topics_response::DeletableTopicResult;
use kafka_protocol::messages::{
    CreatePartitionsRequest, CreatePartitionsResponse, CreateTopicsRequest, CreateTopicsResponse,
    DeleteRecordsRequest, DeleteRecordsResponse, DeleteTopicsRequest, DeleteTopicsResponse,
    TopicName,
};
use tracing::debug;

use crate::broker::{Broker, Session};
use crate::controller::{self, NewTopic};
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;
use crate::security::acl::Operation;

/// How long a create/delete waits for this node to apply the metadata change.
const APPLY_WAIT: Duration = Duration::from_secs(10);

/// Create `name` with the broker defaults. True if this call created it.
pub async fn auto_create(broker: &Broker, name: &str) -> bool {
    if name.starts_with("__") || controller::validate_topic_name(name).is_err() {
        return false;
    }
    let t = NewTopic {
        name: name.to_string(),
        partitions: broker.config.num_partitions,
        replication_factor: broker.config.default_replication_factor,
        assignments: None,
        configs: BTreeMap::new(),
    };
    match broker.controller.create_topic(t, false).await {
        Ok(offset) => {
            broker.replicas.wait_applied(offset, APPLY_WAIT).await;
            true
        }
        // Created meanwhile by another request or node: just as good.
        Err(controller::Error::TopicExists(_)) => true,
        Err(e) => {
            debug!(topic = name, error = %e, "auto-create failed");
            false
        }
    }
}

pub async fn create(
    broker: &Broker,
    version: i16,
    req: CreateTopicsRequest,
    session: &Session,
) -> CreateTopicsResponse {
    let mut results = Vec::with_capacity(req.topics.len());
    let on_cluster = broker.allowed_on_cluster(session, Operation::Create);
    let mut last_offset = 0;
    for t in req.topics {
        let name = t.name.0.to_string();
        let configs: BTreeMap<String, String> = t
            .configs
            .iter()
            .filter_map(|c| {
                c.value
                    .as_ref()
                    .map(|v| (c.name.to_string(), v.to_string()))
            })
            .collect();
        // Explicit assignments name their partitions; they must be 0..n, once each.
        let mut indexed: Vec<(i32, Vec<i32>)> = t
            .assignments
            .iter()
            .map(|a| {
                (
                    a.partition_index,
                    a.broker_ids.iter().map(|b| b.0).collect(),
                )
            })
            .collect();
        indexed.sort_by_key(|(i, _)| *i);
        let consecutive = indexed
            .iter()
            .enumerate()
            .all(|(n, (i, _))| *i as i64 == n as i64);
        let assignments: Vec<Vec<i32>> = indexed.into_iter().map(|(_, r)| r).collect();
        let refuse = |code: ResponseError, message: &str| {
            CreatableTopicResult::default()
                .with_name(t.name.clone())
                .with_error_code(code.code())
                .with_error_message(Some(sb(message)))
        };
        if !on_cluster && !broker.allowed_on_topic(session, Operation::Create, &name) {
            results.push(refuse(
                ResponseError::TopicAuthorizationFailed,
                "Authorization failed.",
            ));
            continue;
        }
        if !assignments.is_empty() && (t.num_partitions != -1 || t.replication_factor != -1) {
            results.push(refuse(
                ResponseError::InvalidRequest,
                "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.",
            ));
            continue;
        }
        if !consecutive {
            results.push(refuse(
                ResponseError::InvalidReplicaAssignment,
                "Partitions should be a consecutive 0-based integer sequence.",
            ));
            continue;
        }
        let partitions = if t.num_partitions == -1 {
            if assignments.is_empty() {
                broker.config.num_partitions
            } else {
                assignments.len() as i32
            }
        } else {
            t.num_partitions
        };
        let rf = if t.replication_factor == -1 {
            assignments
                .first()
                .map_or(broker.config.default_replication_factor, |a| a.len() as i32)
        } else {
            t.replication_factor as i32
        };
        let new = NewTopic {
            name: name.clone(),
            partitions,
            replication_factor: rf,
            assignments: Some(assignments),
            configs: configs.clone(),
        };
        let mut result = CreatableTopicResult::default().with_name(TopicName(sb(name.clone())));
        match broker.controller.create_topic(new, req.validate_only).await {
            Ok(offset) => {
                last_offset = last_offset.max(offset);
                if let Some(img) = broker.controller.image().topic(&name) {
                    if version >= 7 {
                        result.topic_id = img.topic_id;
                    }
                }
                if version >= 5 {
                    result.num_partitions = partitions;
                    result.replication_factor = rf as i16;
                    result.configs = Some(
                        configs
                            .iter()
                            .map(|(k, v)| {
                                CreatableTopicConfigs::default()
                                    .with_name(sb(k.clone()))
                                    .with_value(Some(sb(v.clone())))
                                    .with_config_source(1)
                            })
                            .collect(),
                    );
                }
            }
            Err(e) => {
                result.error_code = e.code().code();
                result.error_message = Some(sb(e.to_string()));
            }
        }
        results.push(result);
    }
    if last_offset > 0 {
        broker.replicas.wait_applied(last_offset, APPLY_WAIT).await;
    }
    CreateTopicsResponse::default().with_topics(results)
}

pub async fn delete(
    broker: &Broker,
    version: i16,
    req: DeleteTopicsRequest,
    session: &Session,
) -> DeleteTopicsResponse {
    let on_cluster = broker.allowed_on_cluster(session, Operation::Delete);
    // v6 names topics in `topics` (by name or id); older versions in `topic_names`.
    let targets: Vec<(Option<String>, uuid::Uuid)> = if version >= 6 {
        req.topics
            .iter()
            .map(|t| (t.name.as_ref().map(|n| n.0.to_string()), t.topic_id))
            .collect()
    } else {
        req.topic_names
            .iter()
            .map(|n| (Some(n.0.to_string()), uuid::Uuid::nil()))
            .collect()
    };
    let mut results = Vec::with_capacity(targets.len());
    let mut last_offset = 0;
    for (name, id) in targets {
        let image = broker.controller.image();
        let resolved = match &name {
            Some(n) => image.topic(n).map(|t| (t.name.clone(), t.topic_id)),
            None => image.topic_by_id(id).map(|t| (t.name.clone(), t.topic_id)),
        };
        let mut r =
            DeletableTopicResult::default().with_name(name.clone().map(|n| TopicName(sb(n))));
        if version >= 6 {
            r.topic_id = id;
        }
        // DELETE on the cluster, or DESCRIBE and DELETE on the topic.
        let topic_name = resolved.as_ref().map(|(n, _)| n.clone()).or(name.clone());
        let may = on_cluster
            || topic_name.as_deref().is_some_and(|n| {
                broker.allowed_on_topic(session, Operation::Describe, n)
                    && broker.allowed_on_topic(session, Operation::Delete, n)
            });
        // As Kafka: an unknown id is UNKNOWN_TOPIC_ID; an unknown name is
        // UNKNOWN_TOPIC_OR_PARTITION to those who may describe it, and refused to
        // the others, so that no one learns which names exist.
        let describable =
            |n: &str| on_cluster || broker.allowed_on_topic(session, Operation::Describe, n);
        match resolved {
            None => {
                let (code, message) = match name.as_deref() {
                    None => (
                        ResponseError::UnknownTopicId,
                        "This server does not host this topic ID.",
                    ),
                    Some(n) if describable(n) => (
                        ResponseError::UnknownTopicOrPartition,
                        "This server does not host this topic-partition.",
                    ),
                    Some(_) => (
                        ResponseError::TopicAuthorizationFailed,
                        "Authorization failed.",
                    ),
                };
                r.error_code = code.code();
                r.error_message = Some(sb(message));
            }
            Some(_) if !may => {
                r.error_code = ResponseError::TopicAuthorizationFailed.code();
                r.error_message = Some(sb("Authorization failed."));
            }
            Some((n, _)) if n.starts_with("__") => {
                r.error_code = ResponseError::InvalidTopicException.code();
                r.error_message = Some(sb(format!("Internal topic {n} cannot be deleted")));
            }
            Some((n, topic_id)) => {
                r.name = Some(TopicName(sb(n.clone())));
                if version >= 6 {
                    r.topic_id = topic_id;
                }
                match broker.controller.delete_topic(&n).await {
                    Ok(offset) => last_offset = last_offset.max(offset),
                    Err(e) => {
                        r.error_code = e.code().code();
                        r.error_message = Some(sb(e.to_string()));
                    }
                }
            }
        }
        if version < 5 {
            r.error_message = None;
        }
        results.push(r);
    }
    if last_offset > 0 {
        broker.replicas.wait_applied(last_offset, APPLY_WAIT).await;
    }
    DeleteTopicsResponse::default().with_responses(results)
}

pub async fn create_partitions(
    broker: &Broker,
    req: CreatePartitionsRequest,
    session: &Session,
) -> CreatePartitionsResponse {
    let mut results = Vec::new();
    let mut last_offset = 0;
    for t in req.topics {
        let name = t.name.0.to_string();
        let mut r = CreatePartitionsTopicResult::default().with_name(t.name.clone());
        if !broker.allowed_on_topic(session, Operation::Alter, &name) {
            r.error_code = ResponseError::TopicAuthorizationFailed.code();
            r.error_message = Some(sb("The topic authorization is failed."));
            results.push(r);
            continue;
        }
        match broker
            .controller
            .create_partitions(&name, t.count, req.validate_only)
            .await
        {
            Ok(offset) => last_offset = last_offset.max(offset),
            Err(e) => {
                r.error_code = e.code().code();
                r.error_message = Some(sb(e.to_string()));
            }
        }
        results.push(r);
    }
    if last_offset > 0 {
        broker.replicas.wait_applied(last_offset, APPLY_WAIT).await;
    }
    CreatePartitionsResponse::default().with_results(results)
}

/// DeleteRecords: move each partition's log start up to the given offset (-1: the
/// high watermark) on its leader, then wait (up to `timeout_ms`) until every
/// in-sync replica has dropped the records; answers each partition's low watermark.
pub async fn delete_records(
    broker: &Broker,
    req: DeleteRecordsRequest,
    session: &Session,
) -> DeleteRecordsResponse {
    let denied = broker.denied_topics(
        session,
        Operation::Delete,
        req.topics.iter().map(|t| t.name.as_str()),
    );
    use kafka_protocol::messages::delete_records_response::{
        DeleteRecordsPartitionResult, DeleteRecordsTopicResult,
    };
    let deadline =
        tokio::time::Instant::now() + Duration::from_millis(req.timeout_ms.max(0) as u64);
    let image = broker.controller.image();
    let mut topics = Vec::with_capacity(req.topics.len());
    for t in &req.topics {
        let name = t.name.as_str();
        let mut partitions = Vec::with_capacity(t.partitions.len());
        for p in &t.partitions {
            let r = DeleteRecordsPartitionResult::default()
                .with_partition_index(p.partition_index)
                .with_low_watermark(-1);
            let outcome: Result<i64, ResponseError> = async {
                if denied.contains(name) {
                    return Err(ResponseError::TopicAuthorizationFailed);
                }
                if crate::protocol::is_internal_topic(name) {
                    return Err(ResponseError::InvalidTopicException);
                }
                let Some(part) = broker.replicas.get(name, p.partition_index) else {
                    return Err(if image.partition(name, p.partition_index).is_some() {
                        ResponseError::NotLeaderOrFollower
                    } else {
                        ResponseError::UnknownTopicOrPartition
                    });
                };
                // A compacted-only topic keeps its records (Kafka's policy check).
                let defaults =
                    image.broker_defaults(broker.config.node_id, &broker.config.topic_defaults);
                let policy = image
                    .topic(name)
                    .and_then(|t| {
                        controller::topic_config::effective(&t.configs, &defaults, "cleanup.policy")
                    })
                    .unwrap_or("delete");
                if !policy.split(',').any(|s| s.trim() == "delete") {
                    return Err(ResponseError::PolicyViolation);
                }
                let (reader, offset) = (part.clone(), p.offset);
                let start =
                    crate::replication::partition::blocking(move || reader.delete_records(offset))
                        .await
                        .map_err(|e| {
                            debug!(partition = %part.tp, error = %e, "delete records refused");
                            e.code()
                        })?;
                part.wait_for_low_watermark(start, deadline)
                    .await
                    .map_err(|e| e.code())
            }
            .await;
            partitions.push(match outcome {
                Ok(low) => r.with_low_watermark(low),
                Err(code) => r.with_error_code(code.code()),
            });
        }
        topics.push(
            DeleteRecordsTopicResult::default()
                .with_name(t.name.clone())
                .with_partitions(partitions),
        );
    }
    DeleteRecordsResponse::default().with_topics(topics)
}
