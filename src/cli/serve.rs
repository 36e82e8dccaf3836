//! `kw serve`: flags -> [`NodeConfig`] -> [`Node::start`] -> wait for Ctrl-C or
//! SIGTERM -> [`Node::shutdown`]. Everything about the node itself is in `node`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::shutdown_signal;
use crate::node::config::describe_voters;
use crate::node::{Flags, Node, NodeConfig};

const EXAMPLES: &str = "Examples:\n  kw serve                                  single node on 127.0.0.1:9092, data in ./kw-data/node-1\n  kw serve --node 1    (and --node 2, --node 3 in other terminals)\n                                            the local three-node cluster on ports 9092, 9093, 9094\n  kw serve --config num.partitions=6        Kafka broker configs by their Kafka names\n  kw serve --listen 0.0.0.0:9092 --advertise myhost:9092\n  kw serve --node 2 --voters 1@h1:19092,2@h2:19092,3@h3:19092 --listen 0.0.0.0:9092 --advertise h2:9092";

/// `kw serve --help`: the examples, then every broker setting with its default and
/// what it accepts, from the one table in `node::config`.
fn long_help() -> String {
    let mut out = format!(
        "{EXAMPLES}\n\nBroker settings (--config KEY=VALUE, Kafka's names; default in brackets):\n"
    );
    let values: std::collections::BTreeMap<_, _> = crate::node::Settings::default()
        .values()
        .into_iter()
        .collect();
    for info in crate::node::Settings::TABLE {
        let default = values
            .get(info.key)
            .cloned()
            .flatten()
            .unwrap_or_else(|| "unset".into());
        out.push_str(&format!(
            "  {} [{default}]\n      {} Accepts {}.\n",
            info.key,
            info.doc.trim(),
            info.kind.expected()
        ));
    }
    out.push_str("\nAccepted and ignored (a warning says what to do instead):\n  ");
    out.push_str(
        &crate::node::config::IGNORED
            .iter()
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", "),
    );
    out
}

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES, after_long_help = long_help())]
pub struct ServeArgs {
    /// Node id, making this node a member of a cluster. Without --voters, node N of
    /// the local three-node cluster listens on 127.0.0.1:(9091+N) for clients and
    /// 127.0.0.1:(19091+N) for the metadata quorum. Without --node, kw serve runs alone.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
    pub node: Option<i32>,
    /// The metadata quorum: every voter as ID@HOST:PORT, comma-separated (their
    /// internal quorum addresses) [default: 1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094]
    #[arg(long, value_name = "ID@HOST:PORT,...", requires = "node")]
    pub voters: Option<String>,
    /// Address to listen on for clients [default: 127.0.0.1:(9091+node)]
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: Option<String>,
    /// Address clients are told to connect to [default: the listen address]
    #[arg(long, value_name = "HOST:PORT")]
    pub advertise: Option<String>,
    /// Data directory [default: ./kw-data/node-N]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Broker setting by its Kafka name, e.g. --config num.partitions=6 (repeatable;
    /// `kw serve --help` lists every one with its default and range)
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
    /// Broker settings from a Java properties file, as Kafka's server.properties
    /// (--config wins); keeps secrets such as ssl.keystore.key off the command line
    #[arg(long, value_name = "FILE")]
    pub config_file: Option<PathBuf>,
}

impl ServeArgs {
    /// The flags, with the properties file's settings before --config's.
    pub fn flags(&self) -> Result<Flags, crate::node::ConfigError> {
        let mut config = match &self.config_file {
            Some(path) => crate::node::config::parse_properties(
                &std::fs::read_to_string(path).map_err(|e| {
                    crate::node::ConfigError::Flag(format!(
                        "cannot read --config-file {}: {e}",
                        path.display()
                    ))
                })?,
            ),
            None => Vec::new(),
        };
        config.extend(self.config.iter().cloned());
        Ok(Flags {
            node: self.node,
            voters: self.voters.clone(),
            listen: self.listen.clone(),
            advertise: self.advertise.clone(),
            data_dir: self.data_dir.clone(),
            config,
        })
    }
}

pub async fn run(args: ServeArgs) -> anyhow::Result<u8> {
    // A bad flag or setting is a usage error: one sentence, exit 2, nothing bound
    // or written.
    let flags = args.flags().map_err(super::UsageError::from)?;
    let config = NodeConfig::from_flags(&flags).map_err(super::UsageError::from)?;
    let node_id = config.node_id;
    let voters = config.voters.clone();
    let start = Node::start(config);
    tokio::pin!(start);
    let mut said = false;
    let node = loop {
        tokio::select! {
            node = &mut start => break node?,
            _ = tokio::time::sleep(Duration::from_secs(2)), if !said => {
                said = true;
                if let Some(v) = &voters {
                    eprintln!(
                        "kw: node {node_id} waiting for a metadata quorum (a majority of voters {}); start the other nodes",
                        describe_voters(v)
                    );
                }
            }
            _ = shutdown_signal() => {
                eprintln!("kw: node {node_id} stopped before the quorum formed");
                return Ok(0);
            }
        }
    };
    let listeners = node.listeners();
    let on = if listeners.len() == 1 {
        node.client_addr().to_string()
    } else {
        listeners.join(", ")
    };
    eprintln!(
        "kw: node {node_id} serving Kafka on {on} (advertised as {}), data in {}",
        node.advertised(),
        node.data_dir().display()
    );
    shutdown_signal().await;
    node.shutdown().await;
    eprintln!("kw: node {node_id} stopped");
    Ok(0)
}
