//! Transaction admin calls: ListTransactions (every broker answers for the
//! transactions it coordinates), DescribeTransactions (to the id's coordinator) and
//! DescribeProducers (to a partition's leader), as kafka-transactions uses them.

use kafka_protocol::messages::describe_producers_request::TopicRequest;
use kafka_protocol::messages::{
    DescribeProducersRequest, DescribeTransactionsRequest, ListTransactionsRequest, TopicName,
    TransactionalId,
};

use super::cluster::Client;
use super::groups_admin::{find_coordinator_of, CoordinatorKind};
use super::{Error, Result};
use crate::protocol::{sb, TopicPartition};

/// One transactional id as ListTransactions reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedTransaction {
    pub transactional_id: String,
    pub coordinator: i32,
    pub producer_id: i64,
    pub state: String,
}

/// One transactional id as DescribeTransactions reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionDescription {
    pub coordinator: i32,
    pub transactional_id: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub state: String,
    pub timeout_ms: i32,
    /// -1 when no transaction is open.
    pub start_time_ms: i64,
    pub partitions: Vec<TopicPartition>,
}

/// One producer of a partition as DescribeProducers reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerDescription {
    pub producer_id: i64,
    pub producer_epoch: i32,
    pub coordinator_epoch: i32,
    pub last_sequence: i32,
    pub last_timestamp: i64,
    /// -1 when it has no open transaction.
    pub current_txn_start_offset: i64,
}

/// Every transaction of the cluster, from every broker, sorted by id. `states`
/// filters by state name (Kafka's: Ongoing, CompleteCommit, ...).
pub async fn list_transactions(
    client: &Client,
    states: &[String],
) -> Result<Vec<ListedTransaction>> {
    client.refresh(&[]).await?;
    let mut out = Vec::new();
    for id in client.broker_ids() {
        let conn = client.broker(id).await?;
        let resp = conn
            .send(
                &ListTransactionsRequest::default()
                    .with_state_filters(states.iter().map(|s| sb(s.clone())).collect())
                    .with_duration_filter(-1),
            )
            .await?;
        if let Some(e) = Error::server(
            resp.error_code,
            format!("listing transactions on broker {id}"),
        ) {
            return Err(e);
        }
        out.extend(
            resp.transaction_states
                .into_iter()
                .map(|t| ListedTransaction {
                    transactional_id: t.transactional_id.to_string(),
                    coordinator: id,
                    producer_id: t.producer_id.0,
                    state: t.transaction_state.to_string(),
                }),
        );
    }
    out.sort_by(|a, b| a.transactional_id.cmp(&b.transactional_id));
    Ok(out)
}

pub async fn describe_transaction(
    client: &Client,
    transactional_id: &str,
) -> Result<TransactionDescription> {
    let (conn, coordinator, _) =
        find_coordinator_of(client, CoordinatorKind::Transaction, transactional_id).await?;
    let resp = conn
        .send(
            &DescribeTransactionsRequest::default()
                .with_transactional_ids(vec![TransactionalId(sb(transactional_id))]),
        )
        .await?;
    let t = resp
        .transaction_states
        .into_iter()
        .next()
        .ok_or_else(|| Error::Other("empty DescribeTransactions response".into()))?;
    if let Some(e) = Error::server(
        t.error_code,
        format!("describing transactional id {transactional_id}"),
    ) {
        return Err(e);
    }
    Ok(TransactionDescription {
        coordinator,
        transactional_id: t.transactional_id.to_string(),
        producer_id: t.producer_id.0,
        producer_epoch: t.producer_epoch,
        state: t.transaction_state.to_string(),
        timeout_ms: t.transaction_timeout_ms,
        start_time_ms: t.transaction_start_time_ms,
        partitions: t
            .topics
            .iter()
            .flat_map(|td| {
                td.partitions
                    .iter()
                    .map(|p| TopicPartition::new(td.topic.0.as_str(), *p))
            })
            .collect(),
    })
}

pub async fn describe_producers(
    client: &Client,
    tp: &TopicPartition,
) -> Result<Vec<ProducerDescription>> {
    client.refresh(std::slice::from_ref(&tp.topic)).await?;
    let leader = client
        .cached_leader(tp)
        .ok_or_else(|| Error::Other(format!("{tp} has no leader")))?;
    let conn = client.broker(leader).await?;
    let resp = conn
        .send(
            &DescribeProducersRequest::default().with_topics(vec![TopicRequest::default()
                .with_name(TopicName(sb(tp.topic.clone())))
                .with_partition_indexes(vec![tp.partition])]),
        )
        .await?;
    let p = resp
        .topics
        .into_iter()
        .flat_map(|t| t.partitions)
        .next()
        .ok_or_else(|| Error::Other("empty DescribeProducers response".into()))?;
    if let Some(e) = Error::server(p.error_code, format!("describing the producers of {tp}")) {
        return Err(e);
    }
    Ok(p.active_producers
        .into_iter()
        .map(|s| ProducerDescription {
            producer_id: s.producer_id.0,
            producer_epoch: s.producer_epoch,
            coordinator_epoch: s.coordinator_epoch,
            last_sequence: s.last_sequence,
            last_timestamp: s.last_timestamp,
            current_txn_start_offset: s.current_txn_start_offset,
        })
        .collect())
}
