//! Fetch: consumers read up to the high watermark, followers (replica_id >= 0) up to
//! the log end. A fetch with data answers at once; an empty one waits for a
//! notification from its partitions, up to `max_wait_ms`.

use std::sync::Arc;
use std::time::Duration;

use kafka_protocol::messages::fetch_response::{
    AbortedTransaction, FetchableTopicResponse, PartitionData,
};
use kafka_protocol::messages::{FetchRequest, FetchResponse, ProducerId};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::broker::{Broker, Session};
use crate::protocol::error_code::ResponseError;
use crate::replication::ReadLimit;
use crate::security::acl::Operation;

/// Upper bound on what one partition contributes to a fetch, whatever the client
/// asks: reads are buffered in memory, so a huge `partition_max_bytes` must not
/// become a huge allocation.
const PARTITION_FETCH_BYTES_MAX: usize = 64 * 1024 * 1024;

pub async fn handle(
    broker: &Broker,
    version: i16,
    req: FetchRequest,
    session: &Session,
) -> FetchResponse {
    // Followers need CLUSTER_ACTION on the cluster; consumers READ on each topic.
    let denied = if req.replica_id.0 >= 0 {
        if broker.allowed_on_cluster(session, Operation::ClusterAction) {
            Default::default()
        } else {
            req.topics.iter().map(|t| t.topic.0.to_string()).collect()
        }
    } else {
        broker.denied_topics(
            session,
            Operation::Read,
            req.topics.iter().map(|t| t.topic.0.as_str()),
        )
    };
    // log_start_offset exists from v5 on.
    let with_start = version >= 5;
    let deadline = Instant::now() + Duration::from_millis(req.max_wait_ms.max(0) as u64);
    // isolation_level (v4+): 1 = read_committed, which reads up to the last stable
    // offset and gets the aborted transactions it may meet.
    let read_committed = req.replica_id.0 < 0 && req.isolation_level == 1;
    let limit = if req.replica_id.0 >= 0 {
        ReadLimit::LogEnd
    } else if read_committed {
        ReadLimit::LastStable
    } else {
        ReadLimit::HighWatermark
    };
    let min_bytes = req.min_bytes.max(0) as usize;
    // A broker cut off from the cluster serves no consumer (see Controller::in_contact).
    let refuse_consumers = req.replica_id.0 < 0 && !broker.controller.in_contact();
    // fetch.max.bytes caps what one response holds, whatever the client asks.
    let max_bytes = if req.max_bytes <= 0 {
        broker.config.fetch_max_bytes
    } else {
        (req.max_bytes as usize).min(broker.config.fetch_max_bytes)
    };
    let mut first_pass = true;
    loop {
        let notify = Arc::new(Notify::new());
        let mut total = 0usize;
        let mut any_error = false;
        let mut topics = Vec::with_capacity(req.topics.len());
        for t in &req.topics {
            let name = t.topic.0.as_str();
            let mut parts = Vec::with_capacity(t.partitions.len());
            for p in &t.partitions {
                // As Kafka: the aborted list is null unless the read is read_committed.
                let mut out = PartitionData::default()
                    .with_partition_index(p.partition)
                    .with_aborted_transactions(read_committed.then(Vec::new));
                match broker.replicas.get(name, p.partition) {
                    _ if denied.contains(name) => {
                        out.error_code = ResponseError::TopicAuthorizationFailed.code();
                        out.high_watermark = -1;
                        any_error = true;
                    }
                    Some(_) if refuse_consumers => {
                        out.error_code = ResponseError::NotLeaderOrFollower.code();
                        out.high_watermark = -1;
                        any_error = true;
                    }
                    None => {
                        let known = broker
                            .controller
                            .image()
                            .partition(name, p.partition)
                            .is_some();
                        out.error_code = if known {
                            ResponseError::NotLeaderOrFollower
                        } else {
                            ResponseError::UnknownTopicOrPartition
                        }
                        .code();
                        out.high_watermark = -1;
                        any_error = true;
                    }
                    Some(part) => {
                        part.add_waiter(&notify);
                        if first_pass && req.replica_id.0 >= 0 {
                            // A follower's fetch offset is its log end.
                            broker.replicas.follower_fetched(
                                &part,
                                req.replica_id.0,
                                p.fetch_offset,
                                p.log_start_offset,
                            );
                        }
                        let budget = if total >= max_bytes {
                            0
                        } else {
                            (p.partition_max_bytes.max(0) as usize)
                                .min(max_bytes - total)
                                .min(PARTITION_FETCH_BYTES_MAX)
                        };
                        if budget == 0 {
                            out.high_watermark = part.high_watermark();
                            out.last_stable_offset = part.last_stable_offset();
                            if with_start {
                                out.log_start_offset = part.log_start_offset();
                            }
                            out.records = Some(Default::default());
                        } else {
                            match part.read(p.fetch_offset, budget, limit, p.current_leader_epoch) {
                                Ok(data) => {
                                    total += data.records.len();
                                    out.high_watermark = data.high_watermark;
                                    out.last_stable_offset = data.last_stable_offset;
                                    if read_committed {
                                        out.aborted_transactions = Some(
                                            data.aborted
                                                .iter()
                                                .map(|a| {
                                                    AbortedTransaction::default()
                                                        .with_producer_id(ProducerId(a.producer_id))
                                                        .with_first_offset(a.first_offset)
                                                })
                                                .collect(),
                                        );
                                    }
                                    if with_start {
                                        out.log_start_offset = data.log_start_offset;
                                    }
                                    out.records = Some(data.records);
                                }
                                Err(e) => {
                                    any_error = true;
                                    out.error_code = e.code().code();
                                    out.high_watermark = part.high_watermark();
                                    out.last_stable_offset = part.last_stable_offset();
                                    if with_start {
                                        out.log_start_offset = part.log_start_offset();
                                    }
                                }
                            }
                        }
                    }
                }
                parts.push(out);
            }
            topics.push(
                FetchableTopicResponse::default()
                    .with_topic(t.topic.clone())
                    .with_topic_id(t.topic_id)
                    .with_partitions(parts),
            );
        }
        first_pass = false;
        let done = min_bytes == 0 || total >= min_bytes || any_error || req.topics.is_empty();
        if done || Instant::now() >= deadline {
            return FetchResponse::default().with_responses(topics);
        }
        if tokio::time::timeout_at(deadline, notify.notified())
            .await
            .is_err()
        {
            return FetchResponse::default().with_responses(topics);
        }
    }
}
