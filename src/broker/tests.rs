//! Every advertised API at every advertised version goes through dispatch and comes
//! back as a response the crate decodes: a response field set outside its versions
//! (which the crate refuses to encode, closing the connection) fails here.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, Request};

use super::{dispatch, Broker, BrokerSettings, Session};
use crate::group::Coordinator;
use crate::protocol::batch::tests::make_batch;
use crate::protocol::frame::{finish_frame, start_frame};
use crate::protocol::{sb, versions};
use crate::replication::ReplicaManager;

async fn broker(dir: &std::path::Path) -> Arc<Broker> {
    let config = BrokerSettings::default();
    let controller = crate::controller::tests::single(dir).await;
    let replicas = ReplicaManager::new(1, dir, Default::default());
    replicas.start(controller.clone()).await;
    let groups = Coordinator::new(1, Default::default(), controller.clone(), replicas.clone());
    let txns =
        crate::txn::Coordinator::new(1, Default::default(), controller.clone(), replicas.clone());
    Broker::new(config, controller, replicas, groups, txns)
}

fn frame<R: Request>(req: &R, version: i16) -> Option<Bytes> {
    let mut buf = BytesMut::new();
    let at = start_frame(&mut buf);
    RequestHeader::default()
        .with_request_api_key(R::KEY)
        .with_request_api_version(version)
        .with_correlation_id(7)
        .with_client_id(Some(sb("test")))
        .encode(&mut buf, R::header_version(version))
        .ok()?;
    req.encode(&mut buf, version).ok()?;
    let f = finish_frame(&mut buf, at);
    Some(f.slice(4..))
}

async fn roundtrip<R: Request>(b: &Broker, req: R) -> usize {
    let key = ApiKey::try_from(R::KEY).unwrap();
    let (lo, hi) = versions::range(key).unwrap();
    let mut checked = 0;
    for v in lo..=hi {
        let Some(f) = frame(&req, v) else { continue };
        let resp = dispatch::handle(b, &Session::plaintext("/127.0.0.1"), f)
            .await
            .unwrap_or_else(|e| panic!("{key:?} v{v}: {e}"))
            .unwrap_or_else(|| panic!("{key:?} v{v}: no response"));
        let mut body = resp.slice(4..);
        let h = ResponseHeader::decode(&mut body, R::Response::header_version(v)).unwrap();
        assert_eq!(h.correlation_id, 7);
        R::Response::decode(&mut body, v)
            .unwrap_or_else(|e| panic!("{key:?} v{v} response: {e:#}"));
        checked += 1;
    }
    checked
}

fn topic(name: &str) -> TopicName {
    TopicName(sb(name))
}

#[tokio::test]
async fn every_api_version_answers_with_a_decodable_response() {
    let dir = tempfile::tempdir().unwrap();
    let b = broker(dir.path()).await;
    let mut n = 0;
    n += roundtrip(&b, ApiVersionsRequest::default()).await;
    n += roundtrip(
        &b,
        CreateTopicsRequest::default().with_topics(vec![
            create_topics_request::CreatableTopic::default()
                .with_name(topic("t"))
                .with_num_partitions(2)
                .with_replication_factor(1),
        ]),
    )
    .await;
    n += roundtrip(
        &b,
        MetadataRequest::default().with_topics(Some(vec![
            metadata_request::MetadataRequestTopic::default().with_name(Some(topic("t"))),
            metadata_request::MetadataRequestTopic::default().with_name(Some(topic("missing"))),
        ])),
    )
    .await;
    let records = Bytes::from(make_batch(3, -1, -1));
    n += roundtrip(
        &b,
        ProduceRequest::default()
            .with_acks(-1)
            .with_timeout_ms(1000)
            .with_topic_data(vec![produce_request::TopicProduceData::default()
                .with_name(topic("t"))
                .with_partition_data(vec![
                    produce_request::PartitionProduceData::default()
                        .with_index(0)
                        .with_records(Some(records.clone())),
                    produce_request::PartitionProduceData::default()
                        .with_index(9)
                        .with_records(Some(records)),
                ])]),
    )
    .await;
    n += roundtrip(
        &b,
        FetchRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_max_wait_ms(0)
            .with_max_bytes(1 << 20)
            .with_topics(vec![fetch_request::FetchTopic::default()
                .with_topic(topic("t"))
                .with_partitions(vec![
                    fetch_request::FetchPartition::default()
                        .with_partition(0)
                        .with_partition_max_bytes(1 << 20),
                    fetch_request::FetchPartition::default()
                        .with_partition(1)
                        .with_fetch_offset(99)
                        .with_partition_max_bytes(1 << 20),
                ])]),
    )
    .await;
    n += roundtrip(
        &b,
        ListOffsetsRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_topics(vec![list_offsets_request::ListOffsetsTopic::default()
                .with_name(topic("t"))
                .with_partitions(vec![
                    list_offsets_request::ListOffsetsPartition::default()
                        .with_partition_index(0)
                        .with_timestamp(-1),
                ])]),
    )
    .await;
    n += roundtrip(
        &b,
        OffsetForLeaderEpochRequest::default().with_topics(vec![
            offset_for_leader_epoch_request::OffsetForLeaderTopic::default()
                .with_topic(topic("t"))
                .with_partitions(vec![
                    offset_for_leader_epoch_request::OffsetForLeaderPartition::default()
                        .with_partition(0)
                        .with_leader_epoch(0),
                ]),
        ]),
    )
    .await;
    n += roundtrip(
        &b,
        DescribeConfigsRequest::default().with_resources(vec![
            describe_configs_request::DescribeConfigsResource::default()
                .with_resource_type(2)
                .with_resource_name(sb("t")),
            describe_configs_request::DescribeConfigsResource::default()
                .with_resource_type(2)
                .with_resource_name(sb("missing")),
        ]),
    )
    .await;
    n += roundtrip(
        &b,
        InitProducerIdRequest::default().with_transaction_timeout_ms(1000),
    )
    .await;
    n += roundtrip(
        &b,
        CreatePartitionsRequest::default().with_topics(vec![
            create_partitions_request::CreatePartitionsTopic::default()
                .with_name(topic("t"))
                .with_count(1),
        ]),
    )
    .await;
    n += roundtrip(
        &b,
        DeleteTopicsRequest::default().with_topic_names(vec![topic("missing")]),
    )
    .await;
    let group = GroupId(sb("g"));
    n += roundtrip(
        &b,
        FindCoordinatorRequest::default()
            .with_key(sb("g"))
            .with_coordinator_keys(vec![sb("g")]),
    )
    .await;
    // An unknown member id: answered at once (UNKNOWN_MEMBER_ID) without parking.
    n += roundtrip(
        &b,
        JoinGroupRequest::default()
            .with_group_id(group.clone())
            .with_session_timeout_ms(10_000)
            .with_rebalance_timeout_ms(10_000)
            .with_member_id(sb("ghost"))
            .with_protocol_type(sb("consumer"))
            .with_protocols(vec![join_group_request::JoinGroupRequestProtocol::default(
            )
            .with_name(sb("range"))]),
    )
    .await;
    n += roundtrip(
        &b,
        SyncGroupRequest::default()
            .with_group_id(group.clone())
            .with_member_id(sb("ghost")),
    )
    .await;
    n += roundtrip(
        &b,
        HeartbeatRequest::default()
            .with_group_id(group.clone())
            .with_member_id(sb("ghost")),
    )
    .await;
    n += roundtrip(
        &b,
        LeaveGroupRequest::default()
            .with_group_id(group.clone())
            .with_member_id(sb("ghost"))
            .with_members(vec![
                leave_group_request::MemberIdentity::default().with_member_id(sb("ghost"))
            ]),
    )
    .await;
    n += roundtrip(
        &b,
        OffsetCommitRequest::default()
            .with_group_id(group.clone())
            .with_generation_id_or_member_epoch(-1)
            .with_topics(vec![
                offset_commit_request::OffsetCommitRequestTopic::default()
                    .with_name(topic("t"))
                    .with_partitions(vec![
                        offset_commit_request::OffsetCommitRequestPartition::default()
                            .with_partition_index(0)
                            .with_committed_offset(2),
                    ]),
            ]),
    )
    .await;
    n += roundtrip(
        &b,
        OffsetFetchRequest::default()
            .with_group_id(group.clone())
            .with_topics(Some(vec![
                offset_fetch_request::OffsetFetchRequestTopic::default()
                    .with_name(topic("t"))
                    .with_partition_indexes(vec![0, 1]),
            ]))
            .with_groups(vec![
                offset_fetch_request::OffsetFetchRequestGroup::default()
                    .with_group_id(group.clone())
                    .with_topics(None),
            ]),
    )
    .await;
    n += roundtrip(
        &b,
        DescribeGroupsRequest::default().with_groups(vec![group.clone(), GroupId(sb("none"))]),
    )
    .await;
    n += roundtrip(&b, ListGroupsRequest::default()).await;
    n += roundtrip(
        &b,
        DeleteGroupsRequest::default().with_groups_names(vec![GroupId(sb("none"))]),
    )
    .await;
    n += roundtrip(
        &b,
        DescribeClusterRequest::default().with_include_fenced_brokers(true),
    )
    .await;
    assert!(n > 100, "only {n} api/version pairs checked");
}

#[tokio::test]
async fn fetch_and_produce_for_a_missing_topic_get_unknown_topic() {
    let dir = tempfile::tempdir().unwrap();
    let b = broker(dir.path()).await;
    let fetch = FetchRequest::default()
        .with_replica_id(BrokerId(-1))
        .with_max_wait_ms(0)
        .with_max_bytes(1 << 20)
        .with_topics(vec![fetch_request::FetchTopic::default()
            .with_topic(topic("nope"))
            .with_partitions(vec![
                fetch_request::FetchPartition::default().with_partition(0)
            ])]);
    let resp = dispatch::handle(
        &b,
        &Session::plaintext("/127.0.0.1"),
        frame(&fetch, 11).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let mut body = resp.slice(4..);
    ResponseHeader::decode(&mut body, 0).unwrap();
    let r = FetchResponse::decode(&mut body, 11).unwrap();
    assert_eq!(
        r.responses[0].partitions[0].error_code, 3,
        "UNKNOWN_TOPIC_OR_PARTITION"
    );
    assert!(
        b.controller.image().topic("nope").is_none(),
        "a fetch never creates a topic"
    );
}

#[tokio::test]
async fn malformed_frames_close_the_connection_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let b = broker(dir.path()).await;
    // Too short, unknown key, unsupported version, garbage body.
    for raw in [
        vec![0u8, 3],
        vec![0x7f, 0x7f, 0, 0, 0, 0, 0, 1],
        vec![0, 0, 0, 99, 0, 0, 0, 1, 0, 0],
        vec![0, 3, 0, 9, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0x01, 0x02],
    ] {
        assert!(
            dispatch::handle(&b, &Session::plaintext("/127.0.0.1"), Bytes::from(raw))
                .await
                .is_err()
        );
    }
    // ApiVersions at a version from the future is answered (error 35), not dropped.
    let mut raw = vec![0, 18, 0, 99, 0, 0, 0, 5];
    raw.extend_from_slice(&[0, 0]);
    let resp = dispatch::handle(&b, &Session::plaintext("/127.0.0.1"), Bytes::from(raw))
        .await
        .unwrap()
        .unwrap();
    let mut body = resp.slice(4..);
    let _ = ResponseHeader::decode(&mut body, 0).unwrap();
    let r = ApiVersionsResponse::decode(&mut body, 0).unwrap();
    assert_eq!(r.error_code, 35);
}

#[tokio::test]
async fn corrupt_batch_is_refused_and_log_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let b = broker(dir.path()).await;
    b.controller
        .create_topic(
            crate::controller::NewTopic {
                name: "c".into(),
                partitions: 1,
                replication_factor: 1,
                assignments: None,
                configs: Default::default(),
            },
            false,
        )
        .await
        .unwrap();
    let applied = b.controller.image().offset;
    assert!(
        b.replicas
            .wait_applied(applied, std::time::Duration::from_secs(5))
            .await
    );
    let mut batch = make_batch(2, -1, -1);
    let last = batch.len() - 1;
    batch[last] ^= 0xff;
    let req = ProduceRequest::default()
        .with_acks(1)
        .with_timeout_ms(1000)
        .with_topic_data(vec![produce_request::TopicProduceData::default()
            .with_name(topic("c"))
            .with_partition_data(vec![
                produce_request::PartitionProduceData::default()
                    .with_index(0)
                    .with_records(Some(Bytes::from(batch))),
            ])]);
    let resp = dispatch::handle(
        &b,
        &Session::plaintext("/127.0.0.1"),
        frame(&req, 7).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let mut body = resp.slice(4..);
    ResponseHeader::decode(&mut body, 0).unwrap();
    let r = ProduceResponse::decode(&mut body, 7).unwrap();
    assert_eq!(
        r.responses[0].partition_responses[0].error_code, 2,
        "CORRUPT_MESSAGE"
    );
    assert_eq!(b.replicas.get("c", 0).unwrap().log_end_offset(), 0);
}
