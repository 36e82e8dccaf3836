//! InitProducerId: an idempotent producer gets a fresh id from the controller; a
//! transactional one is answered by its transaction coordinator.

use kafka_protocol::messages::{InitProducerIdRequest, InitProducerIdResponse, ProducerId};
use tracing::warn;

use crate::broker::{Broker, Session};
use crate::protocol::error_code::ResponseError;
use crate::security::acl::Operation;

pub async fn handle(
    broker: &Broker,
    version: i16,
    req: InitProducerIdRequest,
    session: &Session,
) -> InitProducerIdResponse {
    let resp = InitProducerIdResponse::default();
    let refuse = |code: ResponseError| {
        resp.clone()
            .with_error_code(code.code())
            .with_producer_id(ProducerId(-1))
            .with_producer_epoch(-1)
    };
    // A transactional producer needs WRITE on its id; an idempotent one
    // IDEMPOTENT_WRITE on the cluster or WRITE on some topic (Kafka 2.8+).
    match &req.transactional_id {
        Some(tid) if !broker.allowed_on_txn(session, Operation::Write, tid) => {
            return refuse(ResponseError::TransactionalIdAuthorizationFailed)
        }
        None if !broker.allowed_on_cluster(session, Operation::IdempotentWrite)
            && !broker.allowed_on_any_topic(session, Operation::Write) =>
        {
            return refuse(ResponseError::ClusterAuthorizationFailed)
        }
        _ => {}
    }
    if let Some(tid) = &req.transactional_id {
        // The producer id and epoch it already has exist from v3 on (KIP-360).
        let (pid, epoch) = if version >= 3 {
            (req.producer_id.0, req.producer_epoch)
        } else {
            (-1, -1)
        };
        // An empty id, or a producer id without an epoch (or the reverse), is
        // malformed.
        let answer = if tid.is_empty() || (pid < 0) != (epoch < 0) {
            Err(ResponseError::InvalidRequest)
        } else {
            broker
                .txns
                .init_producer_id(tid.as_str(), req.transaction_timeout_ms, pid, epoch)
                .await
        };
        return match answer {
            Ok((pid, epoch)) => resp
                .with_producer_id(ProducerId(pid))
                .with_producer_epoch(epoch),
            Err(e) => {
                // Clients before v4 know PRODUCER_FENCED as INVALID_PRODUCER_EPOCH.
                let code = if e == ResponseError::ProducerFenced && version < 4 {
                    ResponseError::InvalidProducerEpoch
                } else {
                    e
                };
                resp.with_error_code(code.code())
                    .with_producer_id(ProducerId(-1))
                    .with_producer_epoch(-1)
            }
        };
    }
    // KIP-360: a producer that already has an id asks for an epoch bump.
    if req.producer_id.0 >= 0 && req.producer_epoch >= 0 && req.producer_epoch < i16::MAX - 1 {
        return resp
            .with_producer_id(req.producer_id)
            .with_producer_epoch(req.producer_epoch + 1);
    }
    match broker.controller.allocate_producer_id().await {
        Ok(id) => resp.with_producer_id(ProducerId(id)).with_producer_epoch(0),
        Err(e) => {
            warn!(error = %e, "cannot allocate a producer id");
            resp.with_error_code(ResponseError::CoordinatorNotAvailable.code())
                .with_producer_id(ProducerId(-1))
                .with_producer_epoch(-1)
        }
    }
}
