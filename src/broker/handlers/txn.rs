//! Transactions: AddPartitionsToTxn, AddOffsetsToTxn and EndTxn (to the
//! transaction coordinator), TxnOffsetCommit (to the group coordinator),
//! WriteTxnMarkers (partition leaders write the markers), and the views
//! DescribeTransactions, ListTransactions and DescribeProducers. InitProducerId
//! with a transactional id is in `producer_id.rs`.

use std::time::Duration;

use kafka_protocol::messages::add_partitions_to_txn_response::{
    AddPartitionsToTxnPartitionResult, AddPartitionsToTxnTopicResult,
};
use kafka_protocol::messages::describe_producers_response::{
    PartitionResponse, ProducerState, TopicResponse,
};
use kafka_protocol::messages::describe_transactions_response::{TopicData, TransactionState};
use kafka_protocol::messages::list_transactions_response::TransactionState as ListedTransaction;
use kafka_protocol::messages::txn_offset_commit_response::{
    TxnOffsetCommitResponsePartition, TxnOffsetCommitResponseTopic,
};
use kafka_protocol::messages::write_txn_markers_response::{
    WritableTxnMarkerPartitionResult, WritableTxnMarkerResult, WritableTxnMarkerTopicResult,
};
use kafka_protocol::messages::*;
use tokio::time::Instant;
use tracing::debug;

use crate::broker::{Broker, Session};
use crate::protocol::error_code::ResponseError;
use crate::protocol::{is_internal_topic, sb, TopicPartition, OFFSETS_TOPIC};
use crate::replication::partition::blocking;
use crate::security::acl::Operation;

/// How long a marker waits for the in-sync replicas before its partition answers
/// REQUEST_TIMED_OUT (the coordinator retries).
const MARKER_REPLICATION_TIMEOUT: Duration = Duration::from_secs(10);

/// Kafka answers PRODUCER_FENCED as INVALID_PRODUCER_EPOCH to request versions
/// older than `since` (clients that predate KIP-588).
fn fenced_as(code: ResponseError, version: i16, since: i16) -> i16 {
    if code == ResponseError::ProducerFenced && version < since {
        ResponseError::InvalidProducerEpoch.code()
    } else {
        code.code()
    }
}

pub async fn add_partitions(
    broker: &Broker,
    version: i16,
    req: AddPartitionsToTxnRequest,
    session: &Session,
) -> AddPartitionsToTxnResponse {
    // v0-3: one transaction per request (v4+ is broker-to-broker and not served).
    let image = broker.controller.image();
    // WRITE on the transactional id, then on every topic: a denied topic fails the
    // request, the other partitions are not attempted.
    let txn_denied = !broker.allowed_on_txn(
        session,
        Operation::Write,
        req.v3_and_below_transactional_id.as_str(),
    );
    // As Kafka: an internal topic is never authorized here, whatever the ACLs
    // (offsets join a transaction through AddOffsetsToTxn).
    let mut denied = broker.denied_topics(
        session,
        Operation::Write,
        req.v3_and_below_topics
            .iter()
            .map(|t| t.name.0.as_str())
            .filter(|n| !is_internal_topic(n)),
    );
    denied.extend(
        req.v3_and_below_topics
            .iter()
            .map(|t| t.name.0.as_str())
            .filter(|n| is_internal_topic(n))
            .map(str::to_string),
    );
    let mut wanted = Vec::new();
    let mut any_unknown = false;
    for t in &req.v3_and_below_topics {
        for p in &t.partitions {
            let tp = TopicPartition::new(t.name.0.as_str(), *p);
            any_unknown |= image.partition(&tp.topic, tp.partition).is_none();
            wanted.push(tp);
        }
    }
    // As Kafka: an unknown partition fails the request; the others are not tried.
    let outcome = if txn_denied {
        Some(Err(ResponseError::TransactionalIdAuthorizationFailed))
    } else if any_unknown || !denied.is_empty() {
        None
    } else {
        Some(
            broker
                .txns
                .add_partitions(
                    req.v3_and_below_transactional_id.as_str(),
                    req.v3_and_below_producer_id.0,
                    req.v3_and_below_producer_epoch,
                    &wanted,
                )
                .await,
        )
    };
    let code_for = |tp: &TopicPartition| match &outcome {
        None if denied.contains(&tp.topic) => ResponseError::TopicAuthorizationFailed.code(),
        None if image.partition(&tp.topic, tp.partition).is_none() => {
            ResponseError::UnknownTopicOrPartition.code()
        }
        None => ResponseError::OperationNotAttempted.code(),
        Some(Ok(())) => 0,
        Some(Err(e)) => fenced_as(*e, version, 2),
    };
    let results = req
        .v3_and_below_topics
        .iter()
        .map(|t| {
            AddPartitionsToTxnTopicResult::default()
                .with_name(t.name.clone())
                .with_results_by_partition(
                    t.partitions
                        .iter()
                        .map(|p| {
                            AddPartitionsToTxnPartitionResult::default()
                                .with_partition_index(*p)
                                .with_partition_error_code(code_for(&TopicPartition::new(
                                    t.name.0.as_str(),
                                    *p,
                                )))
                        })
                        .collect(),
                )
        })
        .collect();
    AddPartitionsToTxnResponse::default().with_results_by_topic_v3_and_below(results)
}

pub async fn add_offsets(
    broker: &Broker,
    version: i16,
    req: AddOffsetsToTxnRequest,
    session: &Session,
) -> AddOffsetsToTxnResponse {
    if !broker.allowed_on_txn(session, Operation::Write, req.transactional_id.as_str()) {
        return AddOffsetsToTxnResponse::default()
            .with_error_code(ResponseError::TransactionalIdAuthorizationFailed.code());
    }
    if !broker.allowed_on_group(session, Operation::Read, req.group_id.as_str()) {
        return AddOffsetsToTxnResponse::default()
            .with_error_code(ResponseError::GroupAuthorizationFailed.code());
    }
    let tp = broker.txns.offsets_partition_of(req.group_id.as_str());
    let code = match broker
        .txns
        .add_partitions(
            req.transactional_id.as_str(),
            req.producer_id.0,
            req.producer_epoch,
            &[tp],
        )
        .await
    {
        Ok(()) => 0,
        Err(e) => fenced_as(e, version, 2),
    };
    AddOffsetsToTxnResponse::default().with_error_code(code)
}

pub async fn end_txn(
    broker: &Broker,
    version: i16,
    req: EndTxnRequest,
    session: &Session,
) -> EndTxnResponse {
    if !broker.allowed_on_txn(session, Operation::Write, req.transactional_id.as_str()) {
        return EndTxnResponse::default()
            .with_error_code(ResponseError::TransactionalIdAuthorizationFailed.code());
    }
    let code = match broker
        .txns
        .end_txn(
            req.transactional_id.as_str(),
            req.producer_id.0,
            req.producer_epoch,
            req.committed,
        )
        .await
    {
        Ok(()) => 0,
        Err(e) => fenced_as(e, version, 2),
    };
    EndTxnResponse::default().with_error_code(code)
}

pub async fn txn_offset_commit(
    broker: &Broker,
    version: i16,
    req: TxnOffsetCommitRequest,
    session: &Session,
) -> TxnOffsetCommitResponse {
    // WRITE on the transactional id and READ on the group, or every partition
    // fails (the response has no other place for the error); then, as Kafka, a
    // topic without READ gets TOPIC_AUTHORIZATION_FAILED and the rest is committed.
    let refused_all =
        if !broker.allowed_on_txn(session, Operation::Write, req.transactional_id.as_str()) {
            Some(ResponseError::TransactionalIdAuthorizationFailed)
        } else if !broker.allowed_on_group(session, Operation::Read, req.group_id.as_str()) {
            Some(ResponseError::GroupAuthorizationFailed)
        } else {
            None
        };
    let denied = broker.denied_topics(
        session,
        Operation::Read,
        req.topics.iter().map(|t| t.name.as_str()),
    );
    if let Some(refused) = refused_all {
        let topics = req
            .topics
            .iter()
            .map(|t| {
                let code = refused.code();
                TxnOffsetCommitResponseTopic::default()
                    .with_name(t.name.clone())
                    .with_partitions(
                        t.partitions
                            .iter()
                            .map(|p| {
                                TxnOffsetCommitResponsePartition::default()
                                    .with_partition_index(p.partition_index)
                                    .with_error_code(code)
                            })
                            .collect(),
                    )
            })
            .collect();
        return TxnOffsetCommitResponse::default().with_topics(topics);
    }
    let image = broker.controller.image();
    let exists = |topic: &str, partition: i32| {
        !denied.contains(topic) && image.partition(topic, partition).is_some()
    };
    let mut flat = Vec::new();
    for t in &req.topics {
        for p in &t.partitions {
            if exists(t.name.as_str(), p.partition_index) {
                flat.push((
                    t.name.to_string(),
                    p.partition_index,
                    p.committed_offset,
                    p.committed_leader_epoch,
                    p.committed_metadata
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                ));
            }
        }
    }
    // v3 carries the member, so a zombie of an older generation is refused.
    let (member_id, generation_id) = if version >= 3 {
        (req.member_id.to_string(), req.generation_id)
    } else {
        (String::new(), -1)
    };
    let codes = if flat.is_empty() {
        Vec::new()
    } else {
        broker
            .groups
            .txn_commit(
                req.group_id.as_str(),
                req.producer_id.0,
                req.producer_epoch,
                &member_id,
                generation_id,
                flat,
            )
            .await
    };
    let mut codes = codes.into_iter();
    let topics = req
        .topics
        .iter()
        .map(|t| {
            TxnOffsetCommitResponseTopic::default()
                .with_name(t.name.clone())
                .with_partitions(
                    t.partitions
                        .iter()
                        .map(|p| {
                            let mut code = if denied.contains(t.name.as_str()) {
                                ResponseError::TopicAuthorizationFailed.code()
                            } else if exists(t.name.as_str(), p.partition_index) {
                                codes.next().unwrap_or(0)
                            } else {
                                ResponseError::UnknownTopicOrPartition.code()
                            };
                            // Clients before v2 do not know LOAD_IN_PROGRESS here.
                            if version < 2
                                && code == ResponseError::CoordinatorLoadInProgress.code()
                            {
                                code = ResponseError::CoordinatorNotAvailable.code();
                            }
                            TxnOffsetCommitResponsePartition::default()
                                .with_partition_index(p.partition_index)
                                .with_error_code(code)
                        })
                        .collect(),
                )
        })
        .collect();
    TxnOffsetCommitResponse::default().with_topics(topics)
}

/// WriteTxnMarkers: append each marker through the partition's leader replica and
/// answer once the in-sync replicas have it; a marker in `__consumer_offsets`
/// also ends the transaction's pending offset commits there.
pub async fn write_markers(
    broker: &Broker,
    req: WriteTxnMarkersRequest,
    session: &Session,
) -> WriteTxnMarkersResponse {
    // Only brokers write markers: ALTER or CLUSTER_ACTION on the cluster.
    let allowed = broker.allowed_on_cluster(session, Operation::Alter)
        || broker.allowed_on_cluster(session, Operation::ClusterAction);
    let deadline = Instant::now() + MARKER_REPLICATION_TIMEOUT;
    // Append every marker first, then wait for replication of all together.
    let mut appended = Vec::new();
    for m in &req.markers {
        let mut topics = Vec::new();
        for t in &m.topics {
            let mut parts = Vec::new();
            for p in &t.partition_indexes {
                let outcome = match broker.replicas.get(t.name.as_str(), *p) {
                    _ if !allowed => Err(ResponseError::ClusterAuthorizationFailed),
                    None => Err(ResponseError::UnknownTopicOrPartition),
                    Some(part) => match part.append_marker(
                        m.producer_id.0,
                        m.producer_epoch,
                        m.transaction_result,
                        m.coordinator_epoch,
                    ) {
                        Ok(info) => Ok((part, info)),
                        Err(e) => {
                            debug!(partition = %part.tp, error = %e, "marker refused");
                            Err(e.code())
                        }
                    },
                };
                parts.push((*p, outcome));
            }
            topics.push((t.name.clone(), parts));
        }
        appended.push((m.producer_id, m.transaction_result, topics));
    }
    let mut markers = Vec::with_capacity(appended.len());
    for (producer_id, commit, topics) in appended {
        let mut out_topics = Vec::with_capacity(topics.len());
        for (name, parts) in topics {
            let mut out = Vec::with_capacity(parts.len());
            for (index, outcome) in parts {
                let code = match outcome {
                    Err(code) => code.code(),
                    Ok((part, mut info)) => {
                        let flush = std::mem::take(&mut info.flush);
                        let flushed = if flush.is_empty() {
                            Ok(())
                        } else {
                            blocking(move || Ok(flush.run()?)).await
                        };
                        let replicated = match flushed {
                            Ok(()) => {
                                part.wait_for_high_watermark(info.next_offset, deadline)
                                    .await
                            }
                            Err(e) => Err(e),
                        };
                        match replicated {
                            Ok(()) => {
                                if name.as_str() == OFFSETS_TOPIC {
                                    broker.groups.complete_txn(index, producer_id.0, commit);
                                }
                                0
                            }
                            Err(e) => e.code().code(),
                        }
                    }
                };
                out.push(
                    WritableTxnMarkerPartitionResult::default()
                        .with_partition_index(index)
                        .with_error_code(code),
                );
            }
            out_topics.push(
                WritableTxnMarkerTopicResult::default()
                    .with_name(name)
                    .with_partitions(out),
            );
        }
        markers.push(
            WritableTxnMarkerResult::default()
                .with_producer_id(producer_id)
                .with_topics(out_topics),
        );
    }
    WriteTxnMarkersResponse::default().with_markers(markers)
}

pub async fn describe_transactions(
    broker: &Broker,
    req: DescribeTransactionsRequest,
    session: &Session,
) -> DescribeTransactionsResponse {
    let mut states = Vec::with_capacity(req.transactional_ids.len());
    for id in &req.transactional_ids {
        let state = {
            let base = TransactionState::default()
                .with_transactional_id(id.clone())
                .with_producer_id(ProducerId(-1))
                .with_producer_epoch(-1)
                .with_transaction_start_time_ms(-1);
            if !broker.allowed_on_txn(session, Operation::Describe, id.as_str()) {
                states.push(
                    base.with_error_code(ResponseError::TransactionalIdAuthorizationFailed.code()),
                );
                continue;
            }
            match broker.txns.describe(id.as_str()).await {
                Err(e) => base.with_error_code(e.code()),
                Ok(m) => {
                    let mut topics: Vec<TopicData> = Vec::new();
                    // As Kafka: topics the caller may not describe are left out.
                    for tp in m.partitions.iter().filter(|tp| {
                        broker.allowed_on_topic(session, Operation::Describe, &tp.topic)
                    }) {
                        match topics.last_mut() {
                            Some(t) if t.topic.0.as_str() == tp.topic => {
                                t.partitions.push(tp.partition)
                            }
                            _ => topics.push(
                                TopicData::default()
                                    .with_topic(TopicName(sb(tp.topic.clone())))
                                    .with_partitions(vec![tp.partition]),
                            ),
                        }
                    }
                    base.with_transaction_state(sb(m.state.name()))
                        .with_transaction_timeout_ms(m.timeout_ms)
                        .with_transaction_start_time_ms(m.start_ms)
                        .with_producer_id(ProducerId(m.producer_id))
                        .with_producer_epoch(m.producer_epoch)
                        .with_topics(topics)
                }
            }
        };
        states.push(state);
    }
    DescribeTransactionsResponse::default().with_transaction_states(states)
}

pub fn list_transactions(
    broker: &Broker,
    version: i16,
    req: ListTransactionsRequest,
    session: &Session,
) -> ListTransactionsResponse {
    let known = |s: &str| crate::txn::state::TxnState::from_name(s).is_some();
    let states: Vec<String> = req
        .state_filters
        .iter()
        .map(|s| s.to_string())
        .filter(|s| known(s))
        .collect();
    let unknown: Vec<_> = req
        .state_filters
        .iter()
        .filter(|s| !known(s.as_str()))
        .cloned()
        .collect();
    let pids: Vec<i64> = req.producer_id_filters.iter().map(|p| p.0).collect();
    // duration_filter exists from v1 on; -1 means none.
    let min_duration = if version >= 1 {
        req.duration_filter
    } else {
        -1
    };
    // A filter that names only unknown states matches nothing.
    let listed = if !req.state_filters.is_empty() && states.is_empty() {
        Vec::new()
    } else {
        broker.txns.list(&states, &pids, min_duration)
    };
    ListTransactionsResponse::default()
        .with_unknown_state_filters(unknown)
        .with_transaction_states(
            listed
                .into_iter()
                .filter(|m| {
                    broker.allowed_on_txn(session, Operation::Describe, &m.transactional_id)
                })
                .map(|m| {
                    ListedTransaction::default()
                        .with_transactional_id(TransactionalId(sb(m.transactional_id)))
                        .with_producer_id(ProducerId(m.producer_id))
                        .with_transaction_state(sb(m.state.name()))
                })
                .collect(),
        )
}

pub fn describe_producers(
    broker: &Broker,
    req: DescribeProducersRequest,
    session: &Session,
) -> DescribeProducersResponse {
    let image = broker.controller.image();
    let denied = broker.denied_topics(
        session,
        Operation::Read,
        req.topics.iter().map(|t| t.name.as_str()),
    );
    let topics = req
        .topics
        .iter()
        .map(|t| {
            let partitions = t
                .partition_indexes
                .iter()
                .map(|p| {
                    let r = PartitionResponse::default().with_partition_index(*p);
                    let listed = match broker.replicas.get(t.name.as_str(), *p) {
                        _ if denied.contains(t.name.as_str()) => {
                            Err(ResponseError::TopicAuthorizationFailed)
                        }
                        None if image.partition(t.name.as_str(), *p).is_some() => {
                            Err(ResponseError::NotLeaderOrFollower)
                        }
                        None => Err(ResponseError::UnknownTopicOrPartition),
                        Some(part) => part.describe_producers().map_err(|e| e.code()),
                    };
                    match listed {
                        Err(e) => r.with_error_code(e.code()),
                        Ok(producers) => r.with_active_producers(
                            producers
                                .into_iter()
                                .map(|s| {
                                    ProducerState::default()
                                        .with_producer_id(ProducerId(s.producer_id))
                                        .with_producer_epoch(s.producer_epoch as i32)
                                        .with_last_sequence(s.last_sequence)
                                        .with_last_timestamp(s.last_timestamp)
                                        .with_coordinator_epoch(s.coordinator_epoch)
                                        .with_current_txn_start_offset(s.current_txn_start_offset)
                                })
                                .collect(),
                        ),
                    }
                })
                .collect();
            TopicResponse::default()
                .with_name(t.name.clone())
                .with_partitions(partitions)
        })
        .collect();
    DescribeProducersResponse::default().with_topics(topics)
}
