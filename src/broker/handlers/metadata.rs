//! Metadata: brokers, cluster id, controller and topics from the image; topic
//! auto-creation when the request and `auto.create.topics.enable` allow it.

use kafka_protocol::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_protocol::messages::{BrokerId, MetadataRequest, MetadataResponse, TopicName};
use uuid::Uuid;

use super::topics::auto_create;
use crate::broker::{Broker, Session};
use crate::controller::TopicImage;
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;
use crate::security::acl::{Operation, ResourceType, CLUSTER_NAME};

pub async fn handle(
    broker: &Broker,
    version: i16,
    req: MetadataRequest,
    session: &Session,
) -> MetadataResponse {
    let listener = &*session.listener;
    let mut image = broker.controller.image();
    let allow_create = version < 4 || req.allow_auto_topic_creation;
    // Topics the principal may not describe: left out of a full listing, answered
    // TOPIC_AUTHORIZATION_FAILED when named (before looking whether they exist).
    let may_describe = |name: &str| broker.allowed_on_topic(session, Operation::Describe, name);
    let may_create = |name: &str| broker.may_create_topic(session, name);
    let with_ops = version >= 8 && req.include_topic_authorized_operations;
    let ops = |mut e: MetadataResponseTopic, name: &str| {
        if with_ops && e.error_code == 0 {
            e.topic_authorized_operations =
                broker.authorized_bits(session, ResourceType::Topic, name);
        }
        e
    };
    let denied_entry = |name: Option<String>, _id: Uuid| {
        MetadataResponseTopic::default()
            .with_error_code(ResponseError::TopicAuthorizationFailed.code())
            .with_name(name.map(|n| TopicName(sb(n))))
            .with_topic_id(Uuid::nil())
            .with_topic_authorized_operations(i32::MIN)
    };
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
            .filter(|n| !image.topics.contains_key(*n) && may_describe(n) && may_create(n))
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
            .filter(|t| may_describe(&t.name))
            .map(|t| ops(topic_entry(broker, version, t), &t.name))
            .collect(),
        Some(list) => list
            .into_iter()
            .map(|(name, id)| {
                if name.as_deref().is_some_and(|n| !may_describe(n)) {
                    return denied_entry(name, id);
                }
                let found = match &name {
                    Some(n) => image.topic(n),
                    None => image.topic_by_id(id),
                };
                if found.is_some_and(|t| !may_describe(&t.name)) {
                    return denied_entry(None, id);
                }
                match found {
                    // Kafka answers a topic created by this very request with
                    // LEADER_NOT_AVAILABLE; clients retry and then see it whole.
                    Some(t) if created.contains(&t.name) => {
                        let mut e = topic_entry(broker, version, t);
                        e.error_code = ResponseError::LeaderNotAvailable.code();
                        e.partitions.clear();
                        e
                    }
                    Some(t) => ops(topic_entry(broker, version, t), &t.name),
                    // Missing and not ours to create.
                    None if allow_create
                        && broker.config.auto_create_topics
                        && name.as_deref().is_some_and(|n| !may_create(n)) =>
                    {
                        denied_entry(name, id)
                    }
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
        .with_cluster_authorized_operations(
            // v8-10 only; 0 when asked for without DESCRIBE on the cluster.
            if (8..=10).contains(&version) && req.include_cluster_authorized_operations {
                if broker.allowed_on_cluster(session, Operation::Describe) {
                    broker.authorized_bits(session, ResourceType::Cluster, CLUSTER_NAME)
                } else {
                    0
                }
            } else {
                i32::MIN
            },
        )
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
    session: &Session,
) -> kafka_protocol::messages::DescribeClusterResponse {
    let listener = &*session.listener;
    use kafka_protocol::messages::describe_cluster_response::DescribeClusterBroker;
    use kafka_protocol::messages::DescribeClusterResponse;
    let image = broker.controller.image();
    let resp = DescribeClusterResponse::default()
        .with_cluster_id(sb(image.cluster_id.clone()))
        .with_controller_id(BrokerId(broker.controller.controller_id().await))
        // -2147483648: authorized operations were not asked for / are not computed.
        .with_cluster_authorized_operations(if !req.include_cluster_authorized_operations {
            i32::MIN
        } else if broker.allowed_on_cluster(session, Operation::Describe) {
            broker.authorized_bits(session, ResourceType::Cluster, CLUSTER_NAME)
        } else {
            0
        });
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
