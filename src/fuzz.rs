//! The fuzz targets' entry points (`fuzz/`, libFuzzer) and their regression tests
//! (`tests/fuzz_regressions.rs`, stable): each takes arbitrary bytes and must
//! return, never panic or abort, whatever they are. Not used by kw itself; kept in
//! the library so a crash found by the fuzzer replays in the ordinary `cargo test`.

use std::time::Duration;

use bytes::Bytes;
use kafka_protocol::messages::{ApiKey, RequestKind, ResponseHeader, ResponseKind};
use kafka_protocol::protocol::{decode_request_header_from_buffer, Decodable};

use crate::node::{Flags, Node, NodeConfig};
use crate::protocol::{batch, frame, records, versions};

/// A directory of this process's own, removed when dropped (`tempfile` is only a
/// dev-dependency of kw).
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn new(under: &std::path::Path) -> std::io::Result<ScratchDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = under.join(format!("kw-fuzz-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(ScratchDir(path))
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// APIs whose handlers change cluster metadata (create or delete topics and
/// partitions): fuzzed through decoding only, or the fuzzer's node would spend its
/// time creating thousands of partition directories.
const DECODE_ONLY: &[ApiKey] = &[
    ApiKey::CreateTopics,
    ApiKey::DeleteTopics,
    ApiKey::CreatePartitions,
];

/// Decode a request frame (header and body) as the broker does, for every key and
/// version in the input, advertised or not.
pub fn request_decode(data: &[u8]) {
    let Ok(prefix) = frame::peek_request_prefix(data) else {
        return;
    };
    let Ok(key) = ApiKey::try_from(prefix.api_key) else {
        return;
    };
    let mut buf = Bytes::copy_from_slice(data);
    if decode_request_header_from_buffer(&mut buf).is_ok() {
        let _ = RequestKind::decode(key, &mut buf, prefix.api_version);
    }
}

/// A single in-process node on a free port, whose dispatch a request input runs
/// through, as a connection's would.
pub struct RequestHarness {
    runtime: tokio::runtime::Runtime,
    node: Option<Node>,
    _dir: ScratchDir,
}

impl RequestHarness {
    pub fn new() -> RequestHarness {
        let dir = ScratchDir::new(&std::env::temp_dir()).expect("a scratch directory");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let config = NodeConfig::from_flags(&Flags {
            listen: Some("127.0.0.1:0".into()),
            data_dir: Some(dir.path().join("node-1")),
            config: vec![
                "group.initial.rebalance.delay.ms=0".into(),
                "auto.create.topics.enable=false".into(),
                // ACLs on, the fuzzer's (anonymous) session a super user: the ACL
                // APIs and every check run, and nothing is refused.
                "authorizer.class.name=kw".into(),
                "super.users=User:ANONYMOUS".into(),
            ],
            ..Flags::default()
        })
        .expect("valid settings");
        let node = runtime
            .block_on(Node::start(config))
            .expect("the node starts");
        // One topic to produce to and fetch from.
        let _ = runtime.block_on(node.broker().controller.create_topic(
            crate::controller::NewTopic {
                name: "fuzz".into(),
                partitions: 2,
                replication_factor: 1,
                assignments: None,
                configs: Default::default(),
            },
            false,
        ));
        RequestHarness {
            runtime,
            node: Some(node),
            _dir: dir,
        }
    }

    /// Run one request frame (without its length prefix) through dispatch. A
    /// request that waits (long-poll fetch, join) is given up after a few ms.
    pub fn run(&self, data: &[u8]) {
        let node = self.node.as_ref().expect("running");
        let decode_only = frame::peek_request_prefix(data)
            .ok()
            .and_then(|p| ApiKey::try_from(p.api_key).ok())
            .is_some_and(|k| DECODE_ONLY.contains(&k));
        if decode_only {
            request_decode(data);
            return;
        }
        let frame = Bytes::copy_from_slice(data);
        self.runtime.block_on(async {
            let _ = tokio::time::timeout(
                Duration::from_millis(20),
                crate::broker::dispatch::handle(
                    node.broker(),
                    &crate::broker::Session::plaintext("/fuzz"),
                    frame,
                ),
            )
            .await;
        });
    }
}

impl Default for RequestHarness {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for RequestHarness {
    fn drop(&mut self) {
        if let Some(node) = self.node.take() {
            self.runtime.block_on(node.shutdown());
        }
    }
}

/// A response as the client library decodes it: `[api key: i16][version: i16]`,
/// then the response header and body. Fetch responses also have their records
/// decoded as the consumer does.
pub fn response(data: &[u8]) {
    if data.len() < 4 {
        return;
    }
    let key = i16::from_be_bytes([data[0], data[1]]);
    let version = i16::from_be_bytes([data[2], data[3]]);
    let Ok(key) = ApiKey::try_from(key) else {
        return;
    };
    // The client only ever decodes versions it asked for.
    if !versions::range(key).is_some_and(|(lo, hi)| (lo..=hi).contains(&version)) {
        return;
    }
    let mut buf = Bytes::copy_from_slice(&data[4..]);
    if ResponseHeader::decode(&mut buf, key.response_header_version(version)).is_err() {
        return;
    }
    if let Ok(ResponseKind::Fetch(resp)) = ResponseKind::decode(key, &mut buf, version) {
        for t in resp.responses {
            for p in t.partitions {
                if let Some(r) = p.records {
                    let aborted: Vec<(i64, i64)> = p
                        .aborted_transactions
                        .iter()
                        .flatten()
                        .map(|a| (a.producer_id.0, a.first_offset))
                        .collect();
                    let _ = crate::client::consumer::decode_records(
                        &std::sync::Arc::from("t"),
                        p.partition_index,
                        1,
                        0,
                        r,
                        &aborted,
                    );
                }
            }
        }
    }
}

/// Record batches as the broker validates them on produce and the consumer
/// decodes them.
pub fn record_batch(data: &[u8]) {
    let _ = batch::validate_batches(data);
    for (pos, h) in batch::BatchIter::new(data, 0).flatten() {
        let _ = (h.next_offset(), h.last_sequence());
        let _ = batch::txn_marker(&data[pos..], &h);
        let mut one = Bytes::copy_from_slice(&data[pos..pos + h.total_len()]);
        let _ = records::decode_batches(&mut one);
    }
    let mut all = Bytes::copy_from_slice(data);
    let _ = records::decode_batches(&mut all);
}

/// What the coordinators read back from their internal topics and parse out of
/// batches and groups: a transaction state record and a group record (key and
/// value split at the length in the first byte), a transaction marker, and a
/// consumer-protocol subscription.
pub fn coordinator_records(data: &[u8]) {
    let rest = data.get(1..).unwrap_or_default();
    let split = data.first().map_or(0, |b| *b as usize).min(rest.len());
    let (k, v) = rest.split_at(split);
    let (key, value) = (Bytes::copy_from_slice(k), Bytes::copy_from_slice(v));
    let _ = crate::txn::records::TxnRecord::decode(key.clone(), Some(value.clone()));
    let _ = crate::txn::records::TxnRecord::decode(key.clone(), None);
    let _ = crate::group::records::GroupRecord::decode(key, Some(value));
    let _ = crate::group::state::subscription_topics(data);
    if let Ok(h) = batch::BatchHeader::parse(data, 0) {
        let _ = batch::txn_marker(data, &h);
    }
}

/// What a peer sends during authentication and what kw parses of it: SCRAM's
/// client-first and client-final messages (the first byte splits the input into
/// the two) on the server, server-first and server-final on the client, PLAIN's
/// message, a JAAS configuration and the subject of a client certificate.
pub fn sasl(data: &[u8]) {
    use crate::security::scram::{self, Mechanism, ScramClient, ScramServer};
    let rest = data.get(1..).unwrap_or_default();
    let split = data.first().map_or(0, |b| *b as usize).min(rest.len());
    let (first, last) = rest.split_at(split);
    for m in Mechanism::ALL {
        let stored = scram::credential_from_salted(m, b"salt", b"salted", scram::MIN_ITERATIONS);
        let mut server = ScramServer::new(m);
        let _ = server.first(first, |_| Some(stored.clone()));
        let _ = server.finish(last);
        let mut client = ScramClient::new(m, "fuzz", "pw");
        // Only answers that ask for few iterations: the client's PBKDF2 is not the
        // target here (its bound is tested in scram.rs).
        if !std::str::from_utf8(first).is_ok_and(|t| t.contains(",i=") && !t.contains(",i=4096")) {
            let _ = client.respond(first);
        }
        let _ = client.verify(last);
    }
    let _ = scram::parse_plain(data);
    let _ = crate::security::jaas::JaasConfig::parse(&String::from_utf8_lossy(data));
    let _ = crate::security::tls::certificate_principal(
        &tokio_rustls::rustls::pki_types::CertificateDer::from(data),
    );
}

/// A directory whose segment files hold arbitrary bytes: open (recovery), read from
/// several offsets, look up timestamps, truncate. The first two input bytes say
/// where the bytes split into an older and the active segment.
pub fn segment(data: &[u8]) {
    use crate::storage::{LogConfig, PartitionLog};
    if data.len() < 2 {
        return;
    }
    let split = (u16::from_be_bytes([data[0], data[1]]) as usize).min(data.len() - 2);
    let (old, active) = data[2..].split_at(split);
    let base = std::env::temp_dir();
    let shm = std::path::Path::new("/dev/shm");
    let Ok(dir) = ScratchDir::new(if shm.is_dir() { shm } else { &base }) else {
        return;
    };
    let second_base = old.len() as i64; // any base above the first's offsets
    let _ = std::fs::write(dir.path().join(format!("{:020}.log", 0)), old);
    let _ = std::fs::write(dir.path().join(format!("{second_base:020}.log")), active);
    let config = LogConfig {
        index_interval_bytes: 64,
        ..LogConfig::default()
    };
    let Ok(mut log) = PartitionLog::open(dir.path(), config, &mut |_, _| {}) else {
        return;
    };
    let (start, end) = (log.log_start_offset(), log.log_end_offset());
    for offset in [
        start,
        start + 1,
        (start + end) / 2,
        end.saturating_sub(1),
        end,
    ] {
        if let Ok(plan) = log.prepare_read(offset, 1 << 16, i64::MAX) {
            let _ = plan.read();
        }
    }
    let lookup = log.time_lookup();
    let _ = lookup.max_timestamp();
    let _ = lookup.offset_for_timestamp(0);
    let _ = log.truncate_to((start + end) / 2);
}

/// kcat `-f` format strings and `-D`/`-K` delimiters: parse, then render a message.
pub fn format(data: &[u8]) {
    use crate::format::{parse_delimiter, Header, MessageView, Template, TimestampType};
    let text = String::from_utf8_lossy(data);
    let _ = parse_delimiter(&text);
    let Ok(t) = Template::parse(&text) else {
        return;
    };
    let headers = [Header {
        key: b"h",
        value: Some(b"v"),
    }];
    let msg = MessageView {
        topic: "t",
        partition: 3,
        offset: 42,
        timestamp: Some((TimestampType::Create, 1_700_000_000_000)),
        broker: 1,
        key: Some(b"key"),
        value: None,
        headers: &headers,
    };
    let mut out = Vec::new();
    t.render(&msg, true, &mut out);
    let _ = t.leading_literal();
}

fn lines(data: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(data)
        .split('\n')
        .map(str::to_string)
        .collect()
}

/// `-X` client properties, one per line, as every client subcommand reads them.
pub fn props(data: &[u8]) {
    let Ok(p) = crate::cli::props::Props::parse(&lines(data)) else {
        return;
    };
    let _ = p.client_config(false);
    let _ = p.producer_config(None);
    let _ = p.consumer_config();
}

/// `kw serve --config` settings, one per line.
pub fn config(data: &[u8]) {
    let flags = Flags {
        config: lines(data),
        ..Flags::default()
    };
    if let Ok(c) = NodeConfig::from_flags(&flags) {
        let _ = (c.warnings(), c.topic_defaults(), c.described());
    }
}

/// Seed inputs for every target: well-formed requests of every advertised API at
/// every version, responses likewise, record batches in every codec, segments,
/// and typical format strings, properties and settings. `tests/fuzz_regressions.rs`
/// writes them to `fuzz/seeds/<target>/` (with `KW_WRITE_SEEDS=1`) and checks that
/// the committed ones are current.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    use bytes::BytesMut;
    use kafka_protocol::messages::*;
    use kafka_protocol::protocol::{Encodable, HeaderVersion, Request, StrBytes};
    use kafka_protocol::records::Compression;

    let sb = |s: &str| StrBytes::from_string(s.to_string());
    let topic = |s: &str| TopicName(sb(s));
    let batch = |compression: Compression, n: usize| -> Bytes {
        let records: Vec<_> = (0..n)
            .map(|i| {
                (
                    Some(Bytes::from(format!("k{i}"))),
                    Some(Bytes::from(format!("{{\"n\": {i}}}"))),
                )
            })
            .collect();
        records::encode_batch(&records, &[("h", b"v")], 1_700_000_000_000, compression)
            .expect("sample batch encodes")
    };
    let mut out: Vec<(&'static str, String, Vec<u8>)> = Vec::new();

    // Requests: header + body, as dispatch sees a frame.
    fn request<R: Request + Encodable>(
        out: &mut Vec<(&'static str, String, Vec<u8>)>,
        name: &str,
        req: &R,
    ) {
        let key = ApiKey::try_from(R::KEY).expect("a known key");
        let (lo, hi) = versions::range(key).expect("an advertised API");
        for v in lo..=hi {
            let mut buf = BytesMut::new();
            let header = RequestHeader::default()
                .with_request_api_key(R::KEY)
                .with_request_api_version(v)
                .with_correlation_id(7)
                .with_client_id(Some(StrBytes::from_static_str("fuzz")));
            if header.encode(&mut buf, R::header_version(v)).is_err()
                || req.encode(&mut buf, v).is_err()
            {
                continue;
            }
            out.push(("request", format!("{name}-v{v}"), buf.to_vec()));
        }
    }
    let records = batch(Compression::None, 3);
    request(&mut out, "api-versions", &ApiVersionsRequest::default());
    request(
        &mut out,
        "metadata",
        &MetadataRequest::default().with_topics(Some(vec![
            metadata_request::MetadataRequestTopic::default().with_name(Some(topic("fuzz"))),
        ])),
    );
    request(
        &mut out,
        "produce",
        &ProduceRequest::default()
            .with_acks(-1)
            .with_timeout_ms(1000)
            .with_topic_data(vec![produce_request::TopicProduceData::default()
                .with_name(topic("fuzz"))
                .with_partition_data(vec![
                    produce_request::PartitionProduceData::default()
                        .with_index(0)
                        .with_records(Some(records.clone())),
                ])]),
    );
    request(
        &mut out,
        "fetch",
        &FetchRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_max_wait_ms(0)
            .with_max_bytes(1 << 20)
            .with_topics(vec![fetch_request::FetchTopic::default()
                .with_topic(topic("fuzz"))
                .with_partitions(vec![fetch_request::FetchPartition::default()
                    .with_partition(0)
                    .with_partition_max_bytes(1 << 20)])]),
    );
    request(
        &mut out,
        "list-offsets",
        &ListOffsetsRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_topics(vec![list_offsets_request::ListOffsetsTopic::default()
                .with_name(topic("fuzz"))
                .with_partitions(vec![
                    list_offsets_request::ListOffsetsPartition::default()
                        .with_partition_index(0)
                        .with_timestamp(-1),
                ])]),
    );
    request(
        &mut out,
        "offset-for-leader-epoch",
        &OffsetForLeaderEpochRequest::default().with_topics(vec![
            offset_for_leader_epoch_request::OffsetForLeaderTopic::default()
                .with_topic(topic("fuzz"))
                .with_partitions(vec![
                    offset_for_leader_epoch_request::OffsetForLeaderPartition::default()
                        .with_partition(0),
                ]),
        ]),
    );
    request(
        &mut out,
        "create-topics",
        &CreateTopicsRequest::default().with_topics(vec![
            create_topics_request::CreatableTopic::default()
                .with_name(topic("new"))
                .with_num_partitions(3)
                .with_replication_factor(1),
        ]),
    );
    request(
        &mut out,
        "delete-topics",
        &DeleteTopicsRequest::default().with_topic_names(vec![topic("gone")]),
    );
    request(
        &mut out,
        "create-partitions",
        &CreatePartitionsRequest::default().with_topics(vec![
            create_partitions_request::CreatePartitionsTopic::default()
                .with_name(topic("fuzz"))
                .with_count(3),
        ]),
    );
    request(
        &mut out,
        "describe-configs",
        &DescribeConfigsRequest::default().with_resources(vec![
            describe_configs_request::DescribeConfigsResource::default()
                .with_resource_type(2)
                .with_resource_name(sb("fuzz")),
        ]),
    );
    request(
        &mut out,
        "init-producer-id",
        &InitProducerIdRequest::default(),
    );
    request(
        &mut out,
        "find-coordinator",
        &FindCoordinatorRequest::default()
            .with_key(sb("g"))
            .with_coordinator_keys(vec![sb("g")]),
    );
    let group = GroupId(sb("g"));
    request(
        &mut out,
        "join-group",
        &JoinGroupRequest::default()
            .with_group_id(group.clone())
            .with_session_timeout_ms(10_000)
            .with_rebalance_timeout_ms(10_000)
            .with_protocol_type(sb("consumer"))
            .with_protocols(vec![join_group_request::JoinGroupRequestProtocol::default(
            )
            .with_name(sb("range"))
            .with_metadata(Bytes::from_static(&[
                0, 1, 0, 0, 0, 1, 0, 4, b'f', b'u', b'z', b'z', 0, 0, 0, 0,
            ]))]),
    );
    request(
        &mut out,
        "sync-group",
        &SyncGroupRequest::default().with_group_id(group.clone()),
    );
    request(
        &mut out,
        "heartbeat",
        &HeartbeatRequest::default().with_group_id(group.clone()),
    );
    request(
        &mut out,
        "leave-group",
        &LeaveGroupRequest::default().with_group_id(group.clone()),
    );
    request(
        &mut out,
        "offset-commit",
        &OffsetCommitRequest::default()
            .with_group_id(group.clone())
            .with_generation_id_or_member_epoch(-1)
            .with_topics(vec![
                offset_commit_request::OffsetCommitRequestTopic::default()
                    .with_name(topic("fuzz"))
                    .with_partitions(vec![
                        offset_commit_request::OffsetCommitRequestPartition::default()
                            .with_committed_offset(1),
                    ]),
            ]),
    );
    request(
        &mut out,
        "offset-fetch",
        &OffsetFetchRequest::default().with_group_id(group.clone()),
    );
    request(
        &mut out,
        "describe-groups",
        &DescribeGroupsRequest::default().with_groups(vec![group.clone()]),
    );
    request(&mut out, "list-groups", &ListGroupsRequest::default());
    request(
        &mut out,
        "describe-cluster",
        &DescribeClusterRequest::default().with_include_fenced_brokers(true),
    );
    request(
        &mut out,
        "delete-groups",
        &DeleteGroupsRequest::default().with_groups_names(vec![group.clone()]),
    );
    // Transactions, configs, records and group offsets.
    let tid = TransactionalId(sb("fuzz-txn"));
    request(
        &mut out,
        "init-producer-id-txn",
        &InitProducerIdRequest::default()
            .with_transactional_id(Some(tid.clone()))
            .with_transaction_timeout_ms(60_000)
            .with_producer_id(ProducerId(-1))
            .with_producer_epoch(-1),
    );
    request(
        &mut out,
        "add-partitions-to-txn",
        &AddPartitionsToTxnRequest::default()
            .with_v3_and_below_transactional_id(tid.clone())
            .with_v3_and_below_producer_id(ProducerId(0))
            .with_v3_and_below_topics(vec![
                add_partitions_to_txn_request::AddPartitionsToTxnTopic::default()
                    .with_name(topic("fuzz"))
                    .with_partitions(vec![0, 1]),
            ]),
    );
    request(
        &mut out,
        "add-offsets-to-txn",
        &AddOffsetsToTxnRequest::default()
            .with_transactional_id(tid.clone())
            .with_group_id(group.clone()),
    );
    request(
        &mut out,
        "end-txn",
        &EndTxnRequest::default()
            .with_transactional_id(tid.clone())
            .with_committed(true),
    );
    request(
        &mut out,
        "txn-offset-commit",
        &TxnOffsetCommitRequest::default()
            .with_transactional_id(tid.clone())
            .with_group_id(group.clone())
            .with_generation_id(-1)
            .with_topics(vec![
                txn_offset_commit_request::TxnOffsetCommitRequestTopic::default()
                    .with_name(topic("fuzz"))
                    .with_partitions(vec![
                        txn_offset_commit_request::TxnOffsetCommitRequestPartition::default()
                            .with_committed_offset(1),
                    ]),
            ]),
    );
    request(
        &mut out,
        "write-txn-markers",
        &WriteTxnMarkersRequest::default().with_markers(vec![
            write_txn_markers_request::WritableTxnMarker::default()
                .with_producer_id(ProducerId(9))
                .with_transaction_result(false)
                .with_topics(vec![
                    write_txn_markers_request::WritableTxnMarkerTopic::default()
                        .with_name(topic("fuzz"))
                        .with_partition_indexes(vec![0]),
                ]),
        ]),
    );
    request(
        &mut out,
        "describe-transactions",
        &DescribeTransactionsRequest::default().with_transactional_ids(vec![tid]),
    );
    request(
        &mut out,
        "list-transactions",
        &ListTransactionsRequest::default()
            .with_state_filters(vec![sb("Ongoing")])
            .with_duration_filter(-1),
    );
    request(
        &mut out,
        "describe-producers",
        &DescribeProducersRequest::default().with_topics(vec![
            describe_producers_request::TopicRequest::default()
                .with_name(topic("fuzz"))
                .with_partition_indexes(vec![0]),
        ]),
    );
    request(
        &mut out,
        "alter-configs",
        &AlterConfigsRequest::default().with_resources(vec![
            alter_configs_request::AlterConfigsResource::default()
                .with_resource_type(2)
                .with_resource_name(sb("fuzz"))
                .with_configs(vec![alter_configs_request::AlterableConfig::default()
                    .with_name(sb("retention.ms"))
                    .with_value(Some(sb("60000")))]),
        ]),
    );
    request(
        &mut out,
        "incremental-alter-configs",
        &IncrementalAlterConfigsRequest::default().with_resources(vec![
            incremental_alter_configs_request::AlterConfigsResource::default()
                .with_resource_type(4)
                .with_resource_name(sb("1"))
                .with_configs(vec![
                    incremental_alter_configs_request::AlterableConfig::default()
                        .with_name(sb("log.cleanup.policy"))
                        .with_config_operation(2)
                        .with_value(Some(sb("compact"))),
                ]),
        ]),
    );
    request(
        &mut out,
        "delete-records",
        &DeleteRecordsRequest::default()
            .with_timeout_ms(100)
            .with_topics(vec![delete_records_request::DeleteRecordsTopic::default()
                .with_name(topic("fuzz"))
                .with_partitions(vec![
                    delete_records_request::DeleteRecordsPartition::default().with_offset(-1),
                ])]),
    );
    request(
        &mut out,
        "offset-delete",
        &OffsetDeleteRequest::default()
            .with_group_id(group)
            .with_topics(vec![
                offset_delete_request::OffsetDeleteRequestTopic::default()
                    .with_name(topic("fuzz"))
                    .with_partitions(vec![
                        offset_delete_request::OffsetDeleteRequestPartition::default(),
                    ]),
            ]),
    );

    request(
        &mut out,
        "sasl-handshake",
        &SaslHandshakeRequest::default().with_mechanism(sb("SCRAM-SHA-512")),
    );
    request(
        &mut out,
        "sasl-authenticate",
        &SaslAuthenticateRequest::default().with_auth_bytes(Bytes::from_static(b"n,,n=fuzz,r=abc")),
    );
    request(
        &mut out,
        "describe-user-scram-credentials",
        &DescribeUserScramCredentialsRequest::default().with_users(Some(vec![
            describe_user_scram_credentials_request::UserName::default().with_name(sb("fuzz")),
        ])),
    );
    request(
        &mut out,
        "alter-user-scram-credentials",
        &AlterUserScramCredentialsRequest::default()
            .with_upsertions(vec![
                alter_user_scram_credentials_request::ScramCredentialUpsertion::default()
                    .with_name(sb("fuzz"))
                    .with_mechanism(1)
                    .with_iterations(4096)
                    .with_salt(Bytes::from_static(b"salt"))
                    .with_salted_password(Bytes::from_static(b"salted")),
            ])
            .with_deletions(vec![
                alter_user_scram_credentials_request::ScramCredentialDeletion::default()
                    .with_name(sb("other"))
                    .with_mechanism(2),
            ]),
    );

    request(
        &mut out,
        "create-acls",
        &CreateAclsRequest::default().with_creations(vec![
            create_acls_request::AclCreation::default()
                .with_resource_type(2)
                .with_resource_name(sb("fuzz"))
                .with_resource_pattern_type(4)
                .with_principal(sb("User:alice"))
                .with_host(sb("*"))
                .with_operation(3)
                .with_permission_type(3),
        ]),
    );
    request(
        &mut out,
        "describe-acls",
        &DescribeAclsRequest::default()
            .with_resource_type_filter(1)
            .with_pattern_type_filter(2)
            .with_resource_name_filter(Some(sb("fuzz")))
            .with_operation(1)
            .with_permission_type(1),
    );
    request(
        &mut out,
        "delete-acls",
        &DeleteAclsRequest::default().with_filters(vec![
            delete_acls_request::DeleteAclsFilter::default()
                .with_resource_type_filter(2)
                .with_pattern_type_filter(1)
                .with_principal_filter(Some(sb("User:alice")))
                .with_operation(1)
                .with_permission_type(1),
        ]),
    );

    // Responses: [key][version] + header + body, as the client decodes them.
    fn response<R: Encodable + HeaderVersion>(
        out: &mut Vec<(&'static str, String, Vec<u8>)>,
        name: &str,
        key: ApiKey,
        resp: &R,
    ) {
        let (lo, hi) = versions::range(key).expect("an advertised API");
        for v in lo..=hi {
            let mut buf = BytesMut::new();
            buf.extend_from_slice(&(key as i16).to_be_bytes());
            buf.extend_from_slice(&v.to_be_bytes());
            let header = ResponseHeader::default().with_correlation_id(7);
            if header
                .encode(&mut buf, key.response_header_version(v))
                .is_err()
                || resp.encode(&mut buf, v).is_err()
            {
                continue;
            }
            out.push(("response", format!("{name}-v{v}"), buf.to_vec()));
        }
    }
    response(
        &mut out,
        "api-versions",
        ApiKey::ApiVersions,
        &ApiVersionsResponse::default().with_api_keys(vec![
            api_versions_response::ApiVersion::default()
                .with_api_key(1)
                .with_max_version(12),
        ]),
    );
    response(
        &mut out,
        "metadata",
        ApiKey::Metadata,
        &MetadataResponse::default()
            .with_brokers(vec![metadata_response::MetadataResponseBroker::default()
                .with_node_id(BrokerId(1))
                .with_host(sb("127.0.0.1"))
                .with_port(9092)])
            .with_topics(vec![metadata_response::MetadataResponseTopic::default()
                .with_name(Some(topic("fuzz")))
                .with_partitions(vec![
                    metadata_response::MetadataResponsePartition::default()
                        .with_leader_id(BrokerId(1))
                        .with_replica_nodes(vec![BrokerId(1)])
                        .with_isr_nodes(vec![BrokerId(1)]),
                ])]),
    );
    for (name, c) in [
        ("fetch", Compression::None),
        ("fetch-gzip", Compression::Gzip),
        ("fetch-snappy", Compression::Snappy),
        ("fetch-lz4", Compression::Lz4),
        ("fetch-zstd", Compression::Zstd),
    ] {
        response(
            &mut out,
            name,
            ApiKey::Fetch,
            &FetchResponse::default().with_responses(vec![
                fetch_response::FetchableTopicResponse::default()
                    .with_topic(topic("fuzz"))
                    .with_partitions(vec![fetch_response::PartitionData::default()
                        .with_high_watermark(3)
                        .with_records(Some(batch(c, 3)))]),
            ]),
        );
    }
    response(
        &mut out,
        "produce",
        ApiKey::Produce,
        &ProduceResponse::default().with_responses(vec![
            produce_response::TopicProduceResponse::default()
                .with_name(topic("fuzz"))
                .with_partition_responses(vec![
                    produce_response::PartitionProduceResponse::default().with_base_offset(5),
                ]),
        ]),
    );
    response(
        &mut out,
        "list-offsets",
        ApiKey::ListOffsets,
        &ListOffsetsResponse::default().with_topics(vec![
            list_offsets_response::ListOffsetsTopicResponse::default()
                .with_name(topic("fuzz"))
                .with_partitions(vec![
                    list_offsets_response::ListOffsetsPartitionResponse::default().with_offset(3),
                ]),
        ]),
    );
    response(
        &mut out,
        "find-coordinator",
        ApiKey::FindCoordinator,
        &FindCoordinatorResponse::default().with_host(sb("127.0.0.1")),
    );
    response(
        &mut out,
        "join-group",
        ApiKey::JoinGroup,
        &JoinGroupResponse::default(),
    );
    response(
        &mut out,
        "describe-groups",
        ApiKey::DescribeGroups,
        &DescribeGroupsResponse::default(),
    );
    response(
        &mut out,
        "offset-fetch",
        ApiKey::OffsetFetch,
        &OffsetFetchResponse::default(),
    );
    response(
        &mut out,
        "describe-configs",
        ApiKey::DescribeConfigs,
        &DescribeConfigsResponse::default(),
    );
    response(
        &mut out,
        "create-topics",
        ApiKey::CreateTopics,
        &CreateTopicsResponse::default(),
    );

    // Record batches and segments.
    for (name, c) in [
        ("none", Compression::None),
        ("gzip", Compression::Gzip),
        ("snappy", Compression::Snappy),
        ("lz4", Compression::Lz4),
        ("zstd", Compression::Zstd),
    ] {
        out.push(("record_batch", name.into(), batch(c, 4).to_vec()));
    }
    let mut two = batch(Compression::None, 2).to_vec();
    let mut next = batch(Compression::None, 3).to_vec();
    batch::set_base_offset(&mut next, 2);
    two.extend_from_slice(&next);
    out.push(("record_batch", "two-batches".into(), two.clone()));
    let mut seg = (two.len() as u16 / 2).to_be_bytes().to_vec();
    seg.extend_from_slice(&two);
    out.push(("segment", "two-batches".into(), seg));
    let mut seg = (0u16).to_be_bytes().to_vec();
    seg.extend_from_slice(&two);
    out.push(("segment", "active-only".into(), seg));

    // What the coordinators read back: [key length] key value.
    let record = |key: Bytes, value: Option<Bytes>| -> Vec<u8> {
        let mut v = vec![key.len().min(255) as u8];
        v.extend_from_slice(&key);
        v.extend_from_slice(value.as_deref().unwrap_or_default());
        v
    };
    let meta = crate::txn::state::TxnMetadata {
        transactional_id: "t".into(),
        producer_id: 7,
        producer_epoch: 1,
        last_producer_epoch: -1,
        timeout_ms: 60_000,
        state: crate::txn::state::TxnState::Ongoing,
        partitions: [crate::protocol::TopicPartition::new("fuzz", 0)].into(),
        start_ms: 1,
        last_update_ms: 2,
    };
    let (k, v) = crate::txn::records::TxnRecord {
        transactional_id: "t".into(),
        value: Some(meta),
    }
    .encode();
    out.push(("coordinator_records", "txn-state".into(), record(k, v)));
    let (k, v) = crate::group::records::GroupRecord::Offset {
        group: "g".into(),
        topic: "fuzz".into(),
        partition: 0,
        value: Some(crate::group::state::CommittedOffset {
            offset: 3,
            leader_epoch: 0,
            metadata: String::new(),
            commit_timestamp: 1,
        }),
    }
    .encode();
    out.push(("coordinator_records", "group-offset".into(), record(k, v)));
    let marker = records::encode_txn_marker(7, 1, true, 3, 1).expect("a marker encodes");
    out.push(("coordinator_records", "marker".into(), marker.to_vec()));
    let mut sub = vec![0u8, 1, 0, 0, 0, 2, 0, 1, b'a', 0, 4];
    sub.extend_from_slice(b"fuzz");
    out.push(("coordinator_records", "subscription".into(), sub));
    let split = |a: &[u8], b: &[u8]| {
        let mut v = vec![a.len() as u8];
        v.extend_from_slice(a);
        v.extend_from_slice(b);
        v
    };
    out.push((
        "sasl",
        "scram-client-messages".into(),
        split(b"n,,n=fuzz,r=abcdef", b"c=biws,r=abcdefXYZ,p=AAAA"),
    ));
    out.push((
        "sasl",
        "scram-server-messages".into(),
        split(b"r=abcdefXYZ,s=c2FsdA==,i=4096", b"v=AAAA"),
    ));
    out.push(("sasl", "plain".into(), b"\0alice\0alice-secret".to_vec()));
    out.push((
        "sasl",
        "jaas".into(),
        br#"org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b" user_a="b";"#.to_vec(),
    ));

    // Text inputs.
    for (i, f) in [
        "%s\\n",
        "%t [%p] at offset %o: key %k: %s\\n",
        "%K%k%S%s%T%h\\t%o\\n",
        "Part-%p => %k:%s\\n",
        "%R%s",
        "\\x01\\t%%\\n",
    ]
    .iter()
    .enumerate()
    {
        out.push(("format", format!("{i}"), f.as_bytes().to_vec()));
    }
    for (i, p) in [
        "acks=all\nlinger.ms=5\nbatch.size=1000000",
        "compression.type=lz4\nenable.idempotence=false\npartitioner=murmur2_random",
        "auto.offset.reset=earliest\nfetch.wait.max.ms=100\ngroup.id=g",
        "topic.acks=1\nclient.id=kw",
    ]
    .iter()
    .enumerate()
    {
        out.push(("props", format!("{i}"), p.as_bytes().to_vec()));
    }
    for (i, c) in [
        "num.partitions=6\nlog.retention.hours=1",
        "min.insync.replicas=2\nbroker.session.timeout.ms=9000\nbroker.heartbeat.interval.ms=2000",
        "log.cleanup.policy=compact,delete\nnum.io.threads=8",
        "queued.max.request.bytes=-1\nconnections.max.idle.ms=1000",
    ]
    .iter()
    .enumerate()
    {
        out.push(("config", format!("{i}"), c.as_bytes().to_vec()));
    }
    out
}
