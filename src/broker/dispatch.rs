//! Routes one request frame to its handler by API key and encodes the answer.
//! Unknown keys, unsupported versions (other than ApiVersions, which answers
//! UNSUPPORTED_VERSION as Kafka does) and undecodable bodies close the connection.

use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::api_versions_response::ApiVersion;
use kafka_protocol::messages::{
    ApiKey, ApiVersionsResponse, HeartbeatResponse, JoinGroupResponse, LeaveGroupResponse,
    RequestHeader, RequestKind, ResponseHeader, ResponseKind, SyncGroupResponse,
};
use kafka_protocol::protocol::{decode_request_header_from_buffer, Encodable};
use tracing::{debug, Instrument};

use super::handlers;
use super::handlers::groups;
use super::{Broker, Session};
use crate::protocol::error_code::ResponseError;
use crate::protocol::frame::{finish_frame, peek_request_prefix, start_frame};
use crate::protocol::versions;
use crate::security::acl::Operation;

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error("{0}")]
    Frame(#[from] crate::protocol::frame::FrameError),
    #[error("unknown API key {0}")]
    UnknownApiKey(i16),
    #[error("unsupported version {version} of {key:?}")]
    UnsupportedVersion { key: ApiKey, version: i16 },
    #[error("cannot decode {key:?} v{version}: {reason}")]
    Decode {
        key: ApiKey,
        version: i16,
        reason: String,
    },
    #[error("cannot encode response to {key:?} v{version}: {reason}")]
    Encode {
        key: ApiKey,
        version: i16,
        reason: String,
    },
    #[error("{0:?} is not served by this broker")]
    NotServed(ApiKey),
}

/// Handle one request frame. `Ok(None)` means the request expects no response
/// (produce with acks=0).
pub async fn handle(
    broker: &Broker,
    session: &Session,
    frame: Bytes,
) -> Result<Option<Bytes>, DispatchError> {
    let (key, version, header, request) = match decode(frame)? {
        Decoded::Request(r) => *r,
        Decoded::Answer(bytes) => return Ok(Some(bytes)),
    };
    let client_id = header
        .client_id
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let span = tracing::debug_span!("request", api = ?key, version, correlation_id = header.correlation_id, client_id);
    let response = route(broker, key, request, version, &client_id, session)
        .instrument(span)
        .await?;
    let Some(response) = response else {
        return Ok(None);
    };
    encode(key, version, header.correlation_id, &response).map(Some)
}

/// A request frame, decoded; or the answer already (an ApiVersions version this
/// broker does not know).
pub(super) enum Decoded {
    Request(Box<(ApiKey, i16, RequestHeader, RequestKind)>),
    Answer(Bytes),
}

pub(super) fn decode(mut frame: Bytes) -> Result<Decoded, DispatchError> {
    let prefix = peek_request_prefix(&frame)?;
    let key = ApiKey::try_from(prefix.api_key)
        .map_err(|_| DispatchError::UnknownApiKey(prefix.api_key))?;
    let version = prefix.api_version;
    if !versions::is_supported(key, version) {
        if key == ApiKey::ApiVersions {
            return Ok(Decoded::Answer(unsupported_api_versions(
                prefix.correlation_id,
            )?));
        }
        return Err(DispatchError::UnsupportedVersion { key, version });
    }
    let header =
        decode_request_header_from_buffer(&mut frame).map_err(|e| DispatchError::Decode {
            key,
            version,
            reason: format!("{e:#}"),
        })?;
    let request =
        RequestKind::decode(key, &mut frame, version).map_err(|e| DispatchError::Decode {
            key,
            version,
            reason: format!("{e:#}"),
        })?;
    Ok(Decoded::Request(Box::new((key, version, header, request))))
}

async fn route(
    broker: &Broker,
    key: ApiKey,
    request: RequestKind,
    version: i16,
    client_id: &str,
    session: &Session,
) -> Result<Option<ResponseKind>, DispatchError> {
    use RequestKind as R;
    let peer = session.host.as_str();
    // Group membership needs READ on the group (a top-level error otherwise).
    let member_denied = |group: &str| !broker.allowed_on_group(session, Operation::Read, group);
    let group_refused = ResponseError::GroupAuthorizationFailed.code();
    let resp = match request {
        R::ApiVersions(_) => ResponseKind::ApiVersions(handlers::api_versions::handle()),
        R::Metadata(r) => {
            ResponseKind::Metadata(handlers::metadata::handle(broker, version, r, session).await)
        }
        R::Produce(r) => match handlers::produce::handle(broker, version, r, session).await {
            Some(resp) => ResponseKind::Produce(resp),
            None => return Ok(None),
        },
        R::Fetch(r) => {
            ResponseKind::Fetch(handlers::fetch::handle(broker, version, r, session).await)
        }
        R::ListOffsets(r) => {
            ResponseKind::ListOffsets(handlers::list_offsets::handle(broker, version, r, session))
        }
        R::OffsetForLeaderEpoch(r) => ResponseKind::OffsetForLeaderEpoch(
            handlers::list_offsets::offset_for_leader_epoch(broker, r, session),
        ),
        R::CreateTopics(r) => {
            ResponseKind::CreateTopics(handlers::topics::create(broker, version, r, session).await)
        }
        R::DeleteTopics(r) => {
            ResponseKind::DeleteTopics(handlers::topics::delete(broker, version, r, session).await)
        }
        R::CreatePartitions(r) => ResponseKind::CreatePartitions(
            handlers::topics::create_partitions(broker, r, session).await,
        ),
        R::DeleteRecords(r) => {
            ResponseKind::DeleteRecords(handlers::topics::delete_records(broker, r, session).await)
        }
        R::OffsetDelete(r) => {
            ResponseKind::OffsetDelete(groups::offset_delete(broker, r, session).await)
        }
        R::DescribeCluster(r) => ResponseKind::DescribeCluster(
            handlers::metadata::describe_cluster(broker, version, r, session).await,
        ),
        R::DescribeConfigs(r) => {
            ResponseKind::DescribeConfigs(handlers::configs::describe(broker, version, r, session))
        }
        R::AlterConfigs(r) => {
            ResponseKind::AlterConfigs(handlers::configs::alter(broker, r, session).await)
        }
        R::IncrementalAlterConfigs(r) => ResponseKind::IncrementalAlterConfigs(
            handlers::configs::incremental_alter(broker, r, session).await,
        ),
        R::InitProducerId(r) => ResponseKind::InitProducerId(
            handlers::producer_id::handle(broker, version, r, session).await,
        ),
        R::AddPartitionsToTxn(r) => ResponseKind::AddPartitionsToTxn(
            handlers::txn::add_partitions(broker, version, r, session).await,
        ),
        R::AddOffsetsToTxn(r) => ResponseKind::AddOffsetsToTxn(
            handlers::txn::add_offsets(broker, version, r, session).await,
        ),
        R::EndTxn(r) => {
            ResponseKind::EndTxn(handlers::txn::end_txn(broker, version, r, session).await)
        }
        R::TxnOffsetCommit(r) => ResponseKind::TxnOffsetCommit(
            handlers::txn::txn_offset_commit(broker, version, r, session).await,
        ),
        R::WriteTxnMarkers(r) => {
            ResponseKind::WriteTxnMarkers(handlers::txn::write_markers(broker, r, session).await)
        }
        R::DescribeTransactions(r) => ResponseKind::DescribeTransactions(
            handlers::txn::describe_transactions(broker, r, session).await,
        ),
        R::ListTransactions(r) => ResponseKind::ListTransactions(handlers::txn::list_transactions(
            broker, version, r, session,
        )),
        R::DescribeProducers(r) => {
            ResponseKind::DescribeProducers(handlers::txn::describe_producers(broker, r, session))
        }
        R::FindCoordinator(r) => ResponseKind::FindCoordinator(
            groups::find_coordinator(broker, version, r, session).await,
        ),
        R::JoinGroup(r) if member_denied(r.group_id.as_str()) => {
            ResponseKind::JoinGroup(JoinGroupResponse::default().with_error_code(group_refused))
        }
        R::SyncGroup(r) if member_denied(r.group_id.as_str()) => {
            ResponseKind::SyncGroup(SyncGroupResponse::default().with_error_code(group_refused))
        }
        R::Heartbeat(r) if member_denied(r.group_id.as_str()) => {
            ResponseKind::Heartbeat(HeartbeatResponse::default().with_error_code(group_refused))
        }
        R::LeaveGroup(r) if member_denied(r.group_id.as_str()) => {
            ResponseKind::LeaveGroup(LeaveGroupResponse::default().with_error_code(group_refused))
        }
        R::CreateAcls(r) => {
            ResponseKind::CreateAcls(handlers::acls::create(broker, r, session).await)
        }
        R::DescribeAcls(r) => {
            ResponseKind::DescribeAcls(handlers::acls::describe(broker, r, session))
        }
        R::DeleteAcls(r) => {
            ResponseKind::DeleteAcls(handlers::acls::delete(broker, r, session).await)
        }
        R::JoinGroup(r) => {
            ResponseKind::JoinGroup(groups::join_group(broker, version, r, client_id, peer).await)
        }
        R::SyncGroup(r) => ResponseKind::SyncGroup(groups::sync_group(broker, version, r).await),
        R::Heartbeat(r) => ResponseKind::Heartbeat(groups::heartbeat(broker, r)),
        R::LeaveGroup(r) => ResponseKind::LeaveGroup(groups::leave_group(broker, version, r).await),
        R::OffsetCommit(r) => {
            ResponseKind::OffsetCommit(groups::offset_commit(broker, r, session).await)
        }
        R::OffsetFetch(r) => {
            ResponseKind::OffsetFetch(groups::offset_fetch(broker, version, r, session))
        }
        R::DescribeGroups(r) => {
            ResponseKind::DescribeGroups(groups::describe_groups(broker, version, r, session))
        }
        R::ListGroups(r) => {
            ResponseKind::ListGroups(groups::list_groups(broker, version, r, session))
        }
        R::DeleteGroups(r) => {
            ResponseKind::DeleteGroups(groups::delete_groups(broker, r, session).await)
        }
        // Authenticated already, or a listener without SASL (as Kafka answers).
        R::SaslHandshake(_) => ResponseKind::SaslHandshake(
            kafka_protocol::messages::SaslHandshakeResponse::default()
                .with_error_code(ResponseError::IllegalSaslState.code()),
        ),
        R::SaslAuthenticate(_) => ResponseKind::SaslAuthenticate(
            kafka_protocol::messages::SaslAuthenticateResponse::default()
                .with_error_code(ResponseError::IllegalSaslState.code())
                .with_error_message(Some(crate::protocol::sb(
                    "SaslAuthenticate request received after successful authentication",
                ))),
        ),
        R::DescribeUserScramCredentials(r) => ResponseKind::DescribeUserScramCredentials(
            handlers::scram::describe(broker, r, session),
        ),
        R::AlterUserScramCredentials(r) => ResponseKind::AlterUserScramCredentials(
            handlers::scram::alter(broker, r, session).await,
        ),
        // The version table already filters keys kw does not serve; this arm only
        // catches a key added to the table without a route.
        _ => {
            debug!(api = ?key, "not served");
            return Err(DispatchError::NotServed(key));
        }
    };
    Ok(Some(resp))
}

pub(super) fn encode(
    key: ApiKey,
    version: i16,
    correlation_id: i32,
    response: &ResponseKind,
) -> Result<Bytes, DispatchError> {
    let mut buf = BytesMut::with_capacity(256);
    let at = start_frame(&mut buf);
    let err = |e: anyhow::Error| DispatchError::Encode {
        key,
        version,
        reason: format!("{e:#}"),
    };
    ResponseHeader::default()
        .with_correlation_id(correlation_id)
        .encode(&mut buf, key.response_header_version(version))
        .map_err(err)?;
    response.encode(&mut buf, version).map_err(err)?;
    Ok(finish_frame(&mut buf, at))
}

/// Kafka's answer to an ApiVersions version it does not know: error 35 in a v0 body
/// listing the ApiVersions range, so the client retries with one it can use.
fn unsupported_api_versions(correlation_id: i32) -> Result<Bytes, DispatchError> {
    let (lo, hi) = versions::range(ApiKey::ApiVersions).expect("ApiVersions is always served");
    let resp = ApiVersionsResponse::default()
        .with_error_code(ResponseError::UnsupportedVersion.code())
        .with_api_keys(vec![ApiVersion::default()
            .with_api_key(ApiKey::ApiVersions as i16)
            .with_min_version(lo)
            .with_max_version(hi)]);
    encode(
        ApiKey::ApiVersions,
        0,
        correlation_id,
        &ResponseKind::ApiVersions(resp),
    )
}
