//! ListOffsets (earliest, latest, max timestamp, offset for a time) and
//! OffsetForLeaderEpoch (end offset of an epoch, for KIP-320 clients).

use kafka_protocol::messages::list_offsets_response::{
    ListOffsetsPartitionResponse, ListOffsetsTopicResponse,
};
use kafka_protocol::messages::offset_for_leader_epoch_response::{
    EpochEndOffset, OffsetForLeaderTopicResult,
};
use kafka_protocol::messages::{
    ListOffsetsRequest, ListOffsetsResponse, OffsetForLeaderEpochRequest,
    OffsetForLeaderEpochResponse,
};

use crate::broker::{Broker, Session};
use crate::protocol::error_code::ResponseError;
use crate::security::acl::Operation;

fn missing_code(broker: &Broker, topic: &str, partition: i32) -> i16 {
    if broker
        .controller
        .image()
        .partition(topic, partition)
        .is_some()
    {
        ResponseError::NotLeaderOrFollower.code()
    } else {
        ResponseError::UnknownTopicOrPartition.code()
    }
}

pub fn handle(
    broker: &Broker,
    version: i16,
    req: ListOffsetsRequest,
    session: &Session,
) -> ListOffsetsResponse {
    let denied = broker.denied_topics(
        session,
        Operation::Describe,
        req.topics.iter().map(|t| t.name.0.as_str()),
    );
    // isolation_level exists from v2 on: 1 = read_committed, whose latest offset is
    // the last stable offset.
    let read_committed = version >= 2 && req.isolation_level == 1;
    let topics = req
        .topics
        .into_iter()
        .map(|t| {
            let name = t.name.0.to_string();
            let partitions = t
                .partitions
                .iter()
                .map(|p| {
                    let r = ListOffsetsPartitionResponse::default()
                        .with_partition_index(p.partition_index)
                        .with_timestamp(-1)
                        .with_offset(-1);
                    match broker.replicas.get(&name, p.partition_index) {
                        _ if denied.contains(&name) => {
                            r.with_error_code(ResponseError::TopicAuthorizationFailed.code())
                        }
                        None => r.with_error_code(missing_code(broker, &name, p.partition_index)),
                        Some(part) => match part.list_offset(
                            p.timestamp,
                            p.current_leader_epoch,
                            read_committed,
                        ) {
                            Ok((offset, ts)) => {
                                let r = r.with_offset(offset).with_timestamp(ts);
                                // leader_epoch exists from v4 on.
                                if version >= 4 {
                                    r.with_leader_epoch(part.leader_epoch())
                                } else {
                                    r
                                }
                            }
                            Err(e) => r.with_error_code(e.code().code()),
                        },
                    }
                })
                .collect();
            ListOffsetsTopicResponse::default()
                .with_name(t.name)
                .with_partitions(partitions)
        })
        .collect();
    ListOffsetsResponse::default().with_topics(topics)
}

pub fn offset_for_leader_epoch(
    broker: &Broker,
    req: OffsetForLeaderEpochRequest,
    session: &Session,
) -> OffsetForLeaderEpochResponse {
    // Brokers (CLUSTER_ACTION) or clients with DESCRIBE on the topic.
    let denied = if broker.allowed_on_cluster(session, Operation::ClusterAction) {
        Default::default()
    } else {
        broker.denied_topics(
            session,
            Operation::Describe,
            req.topics.iter().map(|t| t.topic.0.as_str()),
        )
    };
    let topics = req
        .topics
        .into_iter()
        .map(|t| {
            let name = t.topic.0.to_string();
            let partitions = t
                .partitions
                .iter()
                .map(|p| {
                    let r = EpochEndOffset::default()
                        .with_partition(p.partition)
                        .with_leader_epoch(-1)
                        .with_end_offset(-1);
                    match broker.replicas.get(&name, p.partition) {
                        _ if denied.contains(&name) => {
                            r.with_error_code(ResponseError::TopicAuthorizationFailed.code())
                        }
                        None => r.with_error_code(missing_code(broker, &name, p.partition)),
                        Some(part) => {
                            let current = part.leader_epoch();
                            if p.current_leader_epoch >= 0 && p.current_leader_epoch < current {
                                return r.with_error_code(ResponseError::FencedLeaderEpoch.code());
                            }
                            if p.current_leader_epoch > current {
                                return r.with_error_code(ResponseError::UnknownLeaderEpoch.code());
                            }
                            match part.end_offset_for_epoch(p.leader_epoch) {
                                Ok((epoch, end)) => r.with_leader_epoch(epoch).with_end_offset(end),
                                Err(e) => r.with_error_code(e.code().code()),
                            }
                        }
                    }
                })
                .collect();
            OffsetForLeaderTopicResult::default()
                .with_topic(t.topic)
                .with_partitions(partitions)
        })
        .collect();
    OffsetForLeaderEpochResponse::default().with_topics(topics)
}
