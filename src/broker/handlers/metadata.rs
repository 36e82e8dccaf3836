//! Metadata: brokers, cluster id, controller and topics from the image; topic
//! auto-creation when the request and `auto.create.topics.enable` allow it.

use kafka_protocol::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_protocol::messages::{BrokerId, MetadataRequest, MetadataResponse, TopicName};
use uuid::Uuid;

use super::topics::auto_create;
use crate::broker::Broker;
use crate::controller::TopicImage;
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;

pub async fn handle(
    broker: &Broker,
    version: i16,
    req: MetadataRequest,
    listener: &str,
) -> MetadataResponse {
    let mut image = broker.controller.image();
    let allow_create = version < 4 || req.allow_auto_topic_creation;
    let requested: Option<Vec<(Option<String>, Uuid)>> = match req.topics {
        None => None,
        Some(ts) if ts.is_empty() && version == 0 => None,
        Some(ts) => Some(
            ts.into_iter()
                .map(|t| (t.name.map(|n| n.0.to_string()), t.topic_id))
                .collect(),
        ),
    };
    let mut created = Vec::new();
    if let Some(list) = &requested {
        let missing: Vec<&String> = list
            .iter()
            .filter_map(|(n, _)| n.as_ref())
            .filter(|n| !image.topics.contains_key(*n))
            .collect();
        if allow_create && broker.config.auto_create_topics && !missing.is_empty() {
            for name in missing {
                if auto_create(broker, name).await {
                    created.push(name.clone());
                }
            }
            image = broker.controller.image();
        }
    }
    let topics: Vec<MetadataResponseTopic> = match requested {
        None => image
            .topics
            .values()
            .map(|t| topic_entry(broker, version, t))
            .collect(),
        Some(list) => list
            .into_iter()
            .map(|(name, id)| {
                let found = match &name {
                    Some(n) => image.topic(n),
                    None => image.topic_by_id(id),
                };
                match found {
                    // Kafka answers a topic created by this very request with
                    // LEADER_NOT_AVAILABLE; clients retry and then see it whole.
                    Some(t) if created.contains(&t.name) => {
                        let mut e = topic_entry(broker, version, t);
                        e.error_code = ResponseError::LeaderNotAvailable.code();
                        e.partitions.clear();
                        e
                    }
                    Some(t) => topic_entry(broker, version, t),
                    None => {
                        // A name Kafka could never create is invalid, not unknown: a
                        // client stops asking at once instead of retrying.
                        let code = match &name {
                            Some(n) if crate::controller::validate_topic_name(n).is_err() => {
                                ResponseError::InvalidTopicException
                            }
                            Some(_) => ResponseError::UnknownTopicOrPartition,
                            None => ResponseError::UnknownTopicId,
                        };
                        MetadataResponseTopic::default()
                            .with_error_code(code.code())
                            .with_name(Some(TopicName(sb(name.unwrap_or_default()))))
                            .with_topic_id(if version >= 10 { id } else { Uuid::nil() })
                    }
                }
            })
            .collect(),
    };
    MetadataResponse::default()
        .with_brokers(
            image
                .brokers
                .values()
                // Kafka lists only live brokers, each by the listener the
                // client came in on.
                .filter(|b| !b.fenced)
                .filter_map(|b| {
                    let (host, port) = b.endpoint(listener)?;
                    Some(
                        MetadataResponseBroker::default()
                            .with_node_id(BrokerId(b.node_id))
                            .with_host(sb(host.to_string()))
                            .with_port(port),
                    )
                })
                .collect(),
        )
        .with_cluster_id(Some(sb(image.cluster_id.clone())))
        .with_controller_id(BrokerId(broker.controller.controller_id().await))
        .with_topics(topics)
}

/// Fields newer than `version` keep their defaults: the crate refuses to encode them.
fn topic_entry(broker: &Broker, version: i16, t: &TopicImage) -> MetadataResponseTopic {
    let image = broker.controller.image();
    // Cut off from the cluster, this broker's view of its own leaderships is stale:
    // it reports none, so clients ask other brokers (see Controller::in_contact).
    let stale_self = (!broker.controller.in_contact()).then_some(broker.config.node_id);
    let partitions = t
        .partitions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let offline: Vec<BrokerId> = p
                .replicas
                .iter()
                .filter(|r| image.brokers.get(r).is_none_or(|b| b.fenced))
                .map(|r| BrokerId(*r))
                .collect();
            let leader = if Some(p.leader) == stale_self {
                -1
            } else {
                p.leader
            };
            MetadataResponsePartition::default()
                .with_error_code(if leader < 0 {
                    ResponseError::LeaderNotAvailable.code()
                } else {
                    0
                })
                .with_partition_index(i as i32)
                .with_leader_id(BrokerId(leader))
                .with_leader_epoch(if version >= 7 { p.leader_epoch } else { -1 })
                .with_replica_nodes(p.replicas.iter().map(|r| BrokerId(*r)).collect())
                .with_isr_nodes(p.isr.iter().map(|r| BrokerId(*r)).collect())
                .with_offline_replicas(if version >= 5 { offline } else { Vec::new() })
        })
        .collect();
    MetadataResponseTopic::default()
        .with_name(Some(TopicName(sb(t.name.clone()))))
        .with_topic_id(if version >= 10 {
            t.topic_id
        } else {
            Uuid::nil()
        })
        .with_is_internal(t.is_internal())
        .with_partitions(partitions)
}

/// DescribeCluster (KIP-700): the brokers, cluster id and controller, as Metadata
/// has them; fenced brokers only when asked for (v1+). Controllers as endpoints
/// (endpoint type 2) are not listed separately: every kw node is both.
pub async fn describe_cluster(
    broker: &Broker,
    version: i16,
    req: kafka_protocol::messages::DescribeClusterRequest,
    listener: &str,
) -> kafka_protocol::messages::DescribeClusterResponse {
    use kafka_protocol::messages::describe_cluster_response::DescribeClusterBroker;
    use kafka_protocol::messages::DescribeClusterResponse;
    let image = broker.controller.image();
    let resp = DescribeClusterResponse::default()
        .with_cluster_id(sb(image.cluster_id.clone()))
        .with_controller_id(BrokerId(broker.controller.controller_id().await))
        // -2147483648: authorized operations were not asked for / are not computed.
        .with_cluster_authorized_operations(i32::MIN);
    if version >= 1 && req.endpoint_type == 2 {
        return resp
            .with_error_code(ResponseError::UnsupportedEndpointType.code())
            .with_error_message(Some(sb("kw lists its nodes as brokers (endpoint type 1)")));
    }
    let brokers = image
        .brokers
        .values()
        .filter(|b| !b.fenced || (version >= 2 && req.include_fenced_brokers))
        .filter_map(|b| {
            let (host, port) = b.endpoint(listener)?;
            let e = DescribeClusterBroker::default()
                .with_broker_id(BrokerId(b.node_id))
                .with_host(sb(host.to_string()))
                .with_port(port);
            Some(if version >= 2 {
                e.with_is_fenced(b.fenced)
            } else {
                e
            })
        })
        .collect();
    let resp = resp.with_brokers(brokers);
    if version >= 1 {
        resp.with_endpoint_type(1)
    } else {
        resp
    }
}
