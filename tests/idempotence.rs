//! The idempotent producer contract, over the wire: a retried batch is acknowledged
//! with its original offset and stored once, a sequence gap is refused with
//! OUT_OF_ORDER_SEQUENCE_NUMBER, and both hold across a broker restart.

mod common;

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use common::Node;
use kafka_protocol::indexmap::IndexMap;
use kafka_protocol::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafka_protocol::messages::{InitProducerIdRequest, ProduceRequest, TopicName};
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::records::{
    Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};
use kw::client::Connection;

fn batch(pid: i64, epoch: i16, base_seq: i32, n: usize) -> Bytes {
    let records: Vec<Record> = (0..n)
        .map(|i| Record {
            transactional: false,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: -1,
            producer_id: pid,
            producer_epoch: epoch,
            timestamp_type: TimestampType::Creation,
            offset: i as i64,
            sequence: base_seq + i as i32,
            timestamp: 1_700_000_000_000,
            key: None,
            value: Some(Bytes::from(format!("s{}", base_seq + i as i32))),
            headers: IndexMap::new(),
        })
        .collect();
    let mut buf = BytesMut::new();
    RecordBatchEncoder::encode(
        &mut buf,
        records.iter(),
        &RecordEncodeOptions {
            version: 2,
            compression: Compression::None,
        },
    )
    .unwrap();
    buf.freeze()
}

async fn produce(conn: &Connection, records: Bytes) -> (i16, i64) {
    let req = ProduceRequest::default()
        .with_acks(-1)
        .with_timeout_ms(5000)
        .with_topic_data(vec![TopicProduceData::default()
            .with_name(TopicName(StrBytes::from_static_str("idem")))
            .with_partition_data(vec![PartitionProduceData::default()
                .with_index(0)
                .with_records(Some(records))])]);
    let resp = conn.send(&req).await.unwrap();
    let p = &resp.responses[0].partition_responses[0];
    (p.error_code, p.base_offset)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_batches_are_stored_once_and_gaps_refused_across_restart() {
    let mut node = Node::start_single();
    node.create_topic("idem", 1);
    let conn = Connection::connect(
        &node.bootstrap(),
        "idem-test",
        Duration::from_secs(5),
        &Default::default(),
    )
    .await
    .unwrap();
    let init = conn
        .send(
            &InitProducerIdRequest::default()
                .with_transactional_id(None)
                .with_transaction_timeout_ms(1000),
        )
        .await
        .unwrap();
    assert_eq!(init.error_code, 0);
    let (pid, epoch) = (init.producer_id.0, init.producer_epoch);
    assert!(pid >= 0);

    assert_eq!(produce(&conn, batch(pid, epoch, 0, 3)).await, (0, 0));
    assert_eq!(
        produce(&conn, batch(pid, epoch, 0, 3)).await,
        (0, 0),
        "retry answered with the original offset"
    );
    assert_eq!(produce(&conn, batch(pid, epoch, 3, 2)).await, (0, 3));
    assert_eq!(
        produce(&conn, batch(pid, epoch, 9, 1)).await.0,
        45,
        "OUT_OF_ORDER_SEQUENCE_NUMBER"
    );
    drop(conn);

    node.restart();
    let conn = Connection::connect(
        &node.bootstrap(),
        "idem-test",
        Duration::from_secs(5),
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        produce(&conn, batch(pid, epoch, 3, 2)).await,
        (0, 3),
        "dedup state rebuilt from the log"
    );
    assert_eq!(produce(&conn, batch(pid, epoch, 5, 1)).await, (0, 5));
    let values = node.kw_ok(&["consume", "-t", "idem", "-o", "beginning", "-e", "-q"]);
    assert_eq!(
        values, "s0\ns1\ns2\ns3\ns4\ns5\n",
        "each sequence stored exactly once"
    );
    // A new producer id never collides with the old one, also after a restart.
    let again = conn
        .send(
            &InitProducerIdRequest::default()
                .with_transactional_id(None)
                .with_transaction_timeout_ms(1000),
        )
        .await
        .unwrap();
    assert!(again.producer_id.0 > pid);
}
