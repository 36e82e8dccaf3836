//! Writing a transaction's markers: WriteTxnMarkers to the leader of every
//! partition in it (this node included, over its own listener, as Kafka's marker
//! channel does), retried until each partition has its marker, the partition's
//! topic is gone, or this node stops coordinating the transaction.
//!
//! Talks to partition leaders through the shared client code; must not depend on
//! the broker or group modules.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::write_txn_markers_request::{
    WritableTxnMarker, WritableTxnMarkerTopic,
};
use kafka_protocol::messages::{ProducerId, TopicName, WriteTxnMarkersRequest};
use tracing::{debug, warn};

use crate::client::connection::Connection;
use crate::controller::Controller;
use crate::protocol::{sb, TopicPartition};

const RETRY_BACKOFF: Duration = Duration::from_millis(100);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// One transaction's end, as its markers say it.
#[derive(Debug, Clone, Copy)]
pub struct MarkerSpec {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub commit: bool,
    pub coordinator_epoch: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every partition has its marker (or no longer exists).
    Written,
    /// Stopped: this node no longer coordinates the transaction, or a partition
    /// says a newer coordinator or producer epoch already ended it.
    Abandoned,
}

pub struct MarkerWriter {
    controller: Arc<Controller>,
    security: crate::client::Security,
    connections: tokio::sync::Mutex<HashMap<i32, Arc<Connection>>>,
}

impl MarkerWriter {
    pub fn new(controller: Arc<Controller>, security: crate::client::Security) -> MarkerWriter {
        MarkerWriter {
            controller,
            security,
            connections: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    async fn connection(&self, broker: i32) -> Option<Arc<Connection>> {
        let mut conns = self.connections.lock().await;
        if let Some(c) = conns.get(&broker).filter(|c| !c.is_closed()) {
            return Some(c.clone());
        }
        let image = self.controller.image();
        let b = image.brokers.get(&broker)?;
        let addr = format!("{}:{}", b.host, b.port);
        match Connection::connect(&addr, "kw-txn-coordinator", CONNECT_TIMEOUT, &self.security)
            .await
        {
            Ok(c) => {
                conns.insert(broker, c.clone());
                Some(c)
            }
            Err(e) => {
                debug!(broker, error = %e, "cannot reach a partition leader for markers");
                None
            }
        }
    }

    /// Write `spec`'s marker to every partition in `partitions`; `still_mine` is
    /// asked before every round.
    pub async fn write(
        &self,
        spec: MarkerSpec,
        partitions: &BTreeSet<TopicPartition>,
        still_mine: &(dyn Fn() -> bool + Send + Sync),
    ) -> Outcome {
        let mut pending: BTreeSet<TopicPartition> = partitions.clone();
        while !pending.is_empty() {
            if !still_mine() {
                return Outcome::Abandoned;
            }
            let image = self.controller.image();
            let mut by_leader: HashMap<i32, Vec<TopicPartition>> = HashMap::new();
            for tp in &pending {
                match image.partition(&tp.topic, tp.partition) {
                    // Deleted since: nothing to mark.
                    None => {}
                    Some(p) if p.leader < 0 => {
                        by_leader.entry(-1).or_default().push(tp.clone());
                    }
                    Some(p) => by_leader.entry(p.leader).or_default().push(tp.clone()),
                }
            }
            pending.retain(|tp| image.partition(&tp.topic, tp.partition).is_some());
            let sends = by_leader
                .into_iter()
                .filter(|(leader, _)| *leader >= 0)
                .map(|(leader, tps)| async move {
                    let result = self.send(leader, spec, &tps).await;
                    (leader, tps, result)
                });
            for (leader, tps, result) in futures_util::future::join_all(sends).await {
                match result {
                    Err(()) => {
                        self.connections.lock().await.remove(&leader);
                    }
                    Ok(codes) => {
                        for (tp, code) in tps.iter().zip(codes) {
                            match ResponseError::try_from_code(code) {
                                None => {
                                    pending.remove(tp);
                                }
                                Some(
                                    ResponseError::InvalidProducerEpoch
                                    | ResponseError::TransactionCoordinatorFenced,
                                ) => {
                                    warn!(partition = %tp, producer_id = spec.producer_id, code, "a newer producer or coordinator epoch already ended this transaction; its markers are abandoned");
                                    return Outcome::Abandoned;
                                }
                                Some(
                                    ResponseError::UnsupportedForMessageFormat
                                    | ResponseError::UnsupportedVersion,
                                ) => {
                                    pending.remove(tp);
                                }
                                Some(e) => {
                                    debug!(partition = %tp, error = ?e, "marker not written yet; retrying");
                                }
                            }
                        }
                    }
                }
            }
            if !pending.is_empty() {
                tokio::time::sleep(RETRY_BACKOFF).await;
            }
        }
        Outcome::Written
    }

    /// One WriteTxnMarkers request; the error code of each partition in `tps`
    /// order, or Err when the leader could not be asked.
    async fn send(
        &self,
        leader: i32,
        spec: MarkerSpec,
        tps: &[TopicPartition],
    ) -> Result<Vec<i16>, ()> {
        let conn = self.connection(leader).await.ok_or(())?;
        let mut topics: Vec<WritableTxnMarkerTopic> = Vec::new();
        for tp in tps {
            match topics.last_mut() {
                Some(t) if t.name.0.as_str() == tp.topic => t.partition_indexes.push(tp.partition),
                _ => topics.push(
                    WritableTxnMarkerTopic::default()
                        .with_name(TopicName(sb(tp.topic.clone())))
                        .with_partition_indexes(vec![tp.partition]),
                ),
            }
        }
        let req =
            WriteTxnMarkersRequest::default().with_markers(vec![WritableTxnMarker::default()
                .with_producer_id(ProducerId(spec.producer_id))
                .with_producer_epoch(spec.producer_epoch)
                .with_transaction_result(spec.commit)
                .with_coordinator_epoch(spec.coordinator_epoch)
                .with_topics(topics)]);
        let resp = conn.send(&req).await.map_err(|e| {
            debug!(leader, error = %e, "WriteTxnMarkers failed");
        })?;
        let mut codes: HashMap<(String, i32), i16> = HashMap::new();
        for m in resp.markers {
            for t in m.topics {
                for p in t.partitions {
                    codes.insert((t.name.0.to_string(), p.partition_index), p.error_code);
                }
            }
        }
        Ok(tps
            .iter()
            .map(|tp| {
                codes
                    .get(&(tp.topic.clone(), tp.partition))
                    .copied()
                    .unwrap_or(ResponseError::UnknownServerError.code())
            })
            .collect())
    }
}
