//! Produce: validate and append each partition's batches through its leader replica;
//! acks=all waits (bounded by `timeout_ms`) for the high watermark to pass them.
//! acks=0 gets no response at all, as in Kafka.

use std::time::Duration;

use kafka_protocol::messages::produce_response::{PartitionProduceResponse, TopicProduceResponse};
use kafka_protocol::messages::{ProduceRequest, ProduceResponse};
use tokio::time::Instant;
use tracing::{debug, warn};

use super::topics::auto_create;
use crate::broker::{Broker, Session};
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;
use crate::replication::partition::blocking;
use crate::security::acl::Operation;

pub async fn handle(
    broker: &Broker,
    version: i16,
    req: ProduceRequest,
    session: &Session,
) -> Option<ProduceResponse> {
    let peer = session.host.as_str();
    let acks = req.acks;
    // Authorization: WRITE on the transactional id for transactional batches, then
    // WRITE on each topic.
    // As Kafka, transactional batches need a transactional id even without an
    // authorizer: a transaction no coordinator knows would hold the last stable
    // offset back for ever.
    let transactional = req.topic_data.iter().any(|t| {
        t.partition_data.iter().any(|p| {
            p.records.as_deref().is_some_and(|r| {
                crate::protocol::batch::BatchIter::new(r, 0)
                    .any(|b| b.is_ok_and(|(_, h)| h.is_transactional()))
            })
        })
    });
    let txn_denied = match req.transactional_id.as_ref() {
        Some(id) => !broker.allowed_on_txn(session, Operation::Write, id),
        None => transactional,
    };
    let denied = broker.denied_topics(
        session,
        Operation::Write,
        req.topic_data.iter().map(|t| t.name.0.as_str()),
    );
    let deadline = Instant::now() + Duration::from_millis(req.timeout_ms.max(0) as u64);
    // Append to every partition first, then wait for replication of all of them
    // together, so a request's latency is one replication round trip, not one per
    // partition.
    let mut appended = Vec::with_capacity(req.topic_data.len());
    let in_contact = broker.controller.in_contact();
    for t in req.topic_data {
        let name = t.name.0.to_string();
        let mut parts = Vec::with_capacity(t.partition_data.len());
        for p in t.partition_data {
            let resp = PartitionProduceResponse::default().with_index(p.index);
            if txn_denied {
                parts.push(Err(error(
                    resp,
                    ResponseError::TransactionalIdAuthorizationFailed,
                    None,
                    version,
                )));
                continue;
            }
            if denied.contains(&name) {
                parts.push(Err(error(
                    resp,
                    ResponseError::TopicAuthorizationFailed,
                    None,
                    version,
                )));
                continue;
            }
            if crate::protocol::is_internal_topic(&name) {
                // As Kafka: only the broker itself writes its internal topics.
                warn!(client = peer, topic = %name, "refusing a Produce to an internal topic");
                parts.push(Err(error(
                    resp,
                    ResponseError::InvalidTopicException,
                    Some(format!("Cannot append to internal topic {name}")),
                    version,
                )));
                continue;
            }
            let outcome = match broker.replicas.get(&name, p.index) {
                // Cut off from the cluster: its leaderships are likely gone (see
                // Controller::in_contact).
                Some(_) if !in_contact => Err(error(
                    resp,
                    ResponseError::NotLeaderOrFollower,
                    Some("this broker has lost contact with the controller".into()),
                    version,
                )),
                None => {
                    let image = broker.controller.image();
                    let code = if crate::controller::validate_topic_name(&name).is_err() {
                        ResponseError::InvalidTopicException
                    } else if image.partition(&name, p.index).is_some() {
                        ResponseError::NotLeaderOrFollower
                    } else {
                        // Creating needs CREATE, as through Metadata; WRITE is not enough.
                        if image.topic(&name).is_none()
                            && broker.config.auto_create_topics
                            && broker.may_create_topic(session, &name)
                        {
                            auto_create(broker, &name).await;
                        }
                        ResponseError::UnknownTopicOrPartition
                    };
                    Err(error(resp, code, None, version))
                }
                Some(part) => {
                    let records = p.records.unwrap_or_default();
                    match part.append_as_leader(&records, acks) {
                        Ok(info) => Ok((resp, part, info)),
                        Err(e) => {
                            if matches!(e, crate::replication::partition::Error::Batch(_)) {
                                // Hostile or broken input: worth one line.
                                warn!(client = peer, partition = %part.tp, error = %e, "refusing a Produce");
                            } else {
                                debug!(partition = %part.tp, error = %e, "produce failed");
                            }
                            Err(error(resp, e.code(), Some(e.to_string()), version))
                        }
                    }
                }
            };
            parts.push(outcome);
        }
        appended.push((t.name, parts));
    }
    let mut topics = Vec::with_capacity(appended.len());
    for (name, parts) in appended {
        let mut out = Vec::with_capacity(parts.len());
        for outcome in parts {
            out.push(match outcome {
                Err(resp) => resp,
                Ok((resp, part, info)) => {
                    let flushed = if info.flush.is_empty() {
                        Ok(())
                    } else {
                        // flush.messages: durable here before it is acknowledged.
                        let flush = info.flush;
                        blocking(move || Ok(flush.run()?)).await
                    };
                    let replicated = match flushed {
                        Err(e) => Err(e),
                        Ok(()) if acks == -1 => {
                            part.wait_for_high_watermark(info.next_offset, deadline)
                                .await
                        }
                        Ok(()) => Ok(()),
                    };
                    match replicated {
                        Ok(()) => {
                            let r = resp
                                .with_base_offset(info.base_offset)
                                .with_log_append_time_ms(info.log_append_time_ms);
                            if version >= 5 {
                                r.with_log_start_offset(info.log_start_offset)
                            } else {
                                r
                            }
                        }
                        Err(e) => {
                            debug!(partition = %part.tp, error = %e, "produce not replicated");
                            error(resp, e.code(), Some(e.to_string()), version)
                        }
                    }
                }
            });
        }
        topics.push(
            TopicProduceResponse::default()
                .with_name(name)
                .with_partition_responses(out),
        );
    }
    if acks == 0 {
        return None;
    }
    Some(ProduceResponse::default().with_responses(topics))
}

fn error(
    r: PartitionProduceResponse,
    code: ResponseError,
    msg: Option<String>,
    version: i16,
) -> PartitionProduceResponse {
    let r = r
        .with_error_code(code.code())
        .with_base_offset(-1)
        .with_log_append_time_ms(-1)
        .with_log_start_offset(-1);
    // error_message exists from v8 on; setting it for older versions cannot be encoded.
    if version >= 8 {
        r.with_error_message(msg.map(sb))
    } else {
        r
    }
}
