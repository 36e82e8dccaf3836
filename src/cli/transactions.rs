//! `kw transactions`: list and describe transactions and a partition's producers,
//! in the layouts of Apache Kafka's `kafka-transactions` (columns padded to their
//! widest cell, each cell followed by a tab).

use clap::{Args, Subcommand};

use crate::client::txn_admin;
use crate::protocol::TopicPartition;

#[derive(Debug, Args)]
pub struct TransactionsArgs {
    #[command(subcommand)]
    pub action: TransactionsAction,
}

#[derive(Debug, Subcommand)]
pub enum TransactionsAction {
    /// Every transactional id, its coordinator, producer id and state
    #[command(
        after_help = "Examples:\n  kw transactions list\n  kw transactions list --state Ongoing"
    )]
    List {
        /// Only transactions in this state (Empty, Ongoing, PrepareCommit,
        /// PrepareAbort, CompleteCommit, CompleteAbort; repeatable)
        #[arg(long = "state", value_name = "STATE")]
        states: Vec<String>,
    },
    /// One transactional id: producer, epoch, state, timeout, open transaction
    #[command(after_help = "Example:\n  kw transactions describe --transactional-id etl-1")]
    Describe {
        #[arg(long = "transactional-id", value_name = "ID")]
        transactional_id: String,
    },
    /// The producers a partition's leader knows, with their open transactions
    #[command(
        name = "describe-producers",
        after_help = "Example:\n  kw transactions describe-producers --topic demo.purchases --partition 0"
    )]
    DescribeProducers {
        #[arg(long)]
        topic: String,
        #[arg(long)]
        partition: i32,
    },
}

/// kafka-transactions' table: every cell left-aligned to its column's width and
/// followed by a tab, the header first.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .fold(h.len(), usize::max)
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        for (cell, w) in cells.zip(&widths) {
            out.push_str(&format!("{cell:<w$}\t"));
        }
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for r in rows {
        line(&mut r.iter().map(String::as_str));
    }
    out
}

fn optional(v: i64) -> String {
    if v < 0 {
        "None".into()
    } else {
        v.to_string()
    }
}

pub fn render_list(list: &[txn_admin::ListedTransaction]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                t.transactional_id.clone(),
                t.coordinator.to_string(),
                t.producer_id.to_string(),
                t.state.clone(),
            ]
        })
        .collect();
    table(
        &[
            "TransactionalId",
            "Coordinator",
            "ProducerId",
            "TransactionState",
        ],
        &rows,
    )
}

pub fn render_describe(d: &txn_admin::TransactionDescription, now_ms: i64) -> String {
    let duration = if d.start_time_ms < 0 {
        "None".to_string()
    } else {
        (now_ms - d.start_time_ms).max(0).to_string()
    };
    let partitions: Vec<String> = d.partitions.iter().map(|tp| tp.to_string()).collect();
    table(
        &[
            "CoordinatorId",
            "TransactionalId",
            "ProducerId",
            "ProducerEpoch",
            "TransactionState",
            "TransactionTimeoutMs",
            "CurrentTransactionStartTimeMs",
            "TransactionDurationMs",
            "TopicPartitions",
        ],
        &[vec![
            d.coordinator.to_string(),
            d.transactional_id.clone(),
            d.producer_id.to_string(),
            d.producer_epoch.to_string(),
            d.state.clone(),
            d.timeout_ms.to_string(),
            optional(d.start_time_ms),
            duration,
            partitions.join(","),
        ]],
    )
}

pub fn render_producers(list: &[txn_admin::ProducerDescription]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            vec![
                p.producer_id.to_string(),
                p.producer_epoch.to_string(),
                p.coordinator_epoch.max(-1).to_string(),
                p.last_sequence.to_string(),
                p.last_timestamp.to_string(),
                optional(p.current_txn_start_offset),
            ]
        })
        .collect();
    table(
        &[
            "ProducerId",
            "ProducerEpoch",
            "LatestCoordinatorEpoch",
            "LastSequence",
            "LastTimestamp",
            "CurrentTransactionStartOffset",
        ],
        &rows,
    )
}

pub async fn run(conn: &super::Connect, args: TransactionsArgs) -> anyhow::Result<u8> {
    let client = conn.client(false).await?;
    match args.action {
        TransactionsAction::List { states } => {
            let list = txn_admin::list_transactions(&client, &states).await?;
            print!("{}", render_list(&list));
        }
        TransactionsAction::Describe { transactional_id } => {
            let d = txn_admin::describe_transaction(&client, &transactional_id).await?;
            print!("{}", render_describe(&d, crate::protocol::now_ms()));
        }
        TransactionsAction::DescribeProducers { topic, partition } => {
            let list =
                txn_admin::describe_producers(&client, &TopicPartition::new(topic, partition))
                    .await?;
            print!("{}", render_producers(&list));
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_transactions_layouts() {
        let list = render_list(&[
            txn_admin::ListedTransaction {
                transactional_id: "etl-1".into(),
                coordinator: 2,
                producer_id: 4001,
                state: "Ongoing".into(),
            },
            txn_admin::ListedTransaction {
                transactional_id: "a-much-longer-id".into(),
                coordinator: 1,
                producer_id: 7,
                state: "CompleteCommit".into(),
            },
        ]);
        assert_eq!(
            list,
            "TransactionalId \tCoordinator\tProducerId\tTransactionState\t\n\
             etl-1           \t2          \t4001      \tOngoing         \t\n\
             a-much-longer-id\t1          \t7         \tCompleteCommit  \t\n"
        );
        let d = render_describe(
            &txn_admin::TransactionDescription {
                coordinator: 1,
                transactional_id: "etl-1".into(),
                producer_id: 4001,
                producer_epoch: 3,
                state: "Ongoing".into(),
                timeout_ms: 60000,
                start_time_ms: 1000,
                partitions: vec![TopicPartition::new("a", 0), TopicPartition::new("b", 2)],
            },
            1500,
        );
        let lines: Vec<Vec<&str>> = d
            .lines()
            .map(|l| l.split('\t').map(str::trim_end).collect())
            .collect();
        assert_eq!(lines[0][6], "CurrentTransactionStartTimeMs");
        assert_eq!(
            lines[1],
            vec!["1", "etl-1", "4001", "3", "Ongoing", "60000", "1000", "500", "a-0,b-2", ""]
        );
        let idle = render_producers(&[txn_admin::ProducerDescription {
            producer_id: 9,
            producer_epoch: 0,
            coordinator_epoch: -1,
            last_sequence: 41,
            last_timestamp: 123,
            current_txn_start_offset: -1,
        }]);
        assert!(idle.lines().nth(1).unwrap().contains("None"), "{idle}");
    }
}
