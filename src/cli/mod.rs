//! Command-line interface: the clap definitions (one file per subcommand) and the
//! `run` that turns validated arguments into calls on `client` (the toolbox) or
//! `node` (`kw serve`). Data goes to stdout, logs and kcat-style `%` lines to
//! stderr. Nothing below depends on it; it must not reach into the broker's parts
//! (`broker`, `replication`, `group`, `controller`, `storage`) directly.

pub mod acls;
pub mod cluster;
pub mod console;
pub mod consume;
pub mod consume_group;
pub mod generate;
pub mod groups;
pub mod metadata;
pub mod printer;
pub mod produce;
pub mod props;
pub mod serve;
pub mod simulate_sales;
pub mod topics;
pub mod transactions;
pub mod users;

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::client::Client;

/// Kafka-compatible broker and kcat-style toolbox in one binary.
#[derive(Debug, Parser)]
#[command(name = "kw", version, about, propagate_version = true)]
pub struct Cli {
    /// Bootstrap broker(s), host:port[,host:port...]
    #[arg(
        short = 'b',
        long = "bootstrap-server",
        global = true,
        env = "KAFKA_BOOTSTRAP_SERVERS",
        hide_env_values = true,
        default_value = "localhost:9092",
        value_name = "BROKERS"
    )]
    pub bootstrap: String,

    /// Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1
    /// (repeatable; wins over the configuration file)
    #[arg(short = 'X', value_name = "KEY=VALUE", global = true)]
    pub props: Vec<String>,

    /// Client properties from FILE, one property=value per line (kcat's -F)
    /// [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]
    #[arg(short = 'F', value_name = "FILE", global = true)]
    pub kcat_config: Option<PathBuf>,

    /// More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a broker node
    Serve(serve::ServeArgs),
    /// Create, delete, list and describe topics
    Topics(topics::TopicsArgs),
    /// Produce messages from stdin or files (like kcat -P)
    Produce(produce::ProduceArgs),
    /// Consume messages (like kcat -C)
    Consume(consume::ConsumeArgs),
    /// Show brokers, topics and partitions (like kcat -L)
    Metadata(metadata::MetadataArgs),
    /// List, describe, delete consumer groups and reset their offsets
    Groups(groups::GroupsArgs),
    /// Stream the workshop's sales data (products, purchases, restocks)
    SimulateSales(simulate_sales::SimulateArgs),
    /// List and describe transactions and a partition's producers (like kafka-transactions)
    Transactions(transactions::TransactionsArgs),
    /// Add, list and remove ACLs (like kafka-acls)
    Acls(acls::AclsArgs),
    /// Add, delete and list users' SCRAM credentials (like kafka-configs --entity-type users)
    Users(users::UsersArgs),
    /// Run a local cluster in the background (up, status, stop, start, down)
    Cluster(cluster::ClusterArgs),
    /// Serve the web console for a cluster (topics, groups, brokers, timeline)
    Console(console::ConsoleArgs),
    /// Write shell completions or man pages (for packagers)
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
}

/// `--output` of commands that can print JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Quiet by default (warnings only); `-v` adds levels; RUST_LOG overrides.
pub fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    // openraft reports every unreachable peer loudly; during a broker failover that
    // is expected, so it speaks only from -vv on.
    let raft = if verbose >= 2 { level } else { "off" };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("kw={level},openraft={raft},warn")));
    // Colours only on a terminal: a log file (kw cluster's kw.log) stays plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Where a client subcommand connects, and how: `-b`, `-X` and `-F`.
pub struct Connect {
    bootstrap: String,
    pub props: props::Props,
}

impl Connect {
    /// The bootstrap list: `-X bootstrap.servers` wins over `-b`, as in kcat.
    pub fn bootstrap(&self) -> &str {
        self.props.bootstrap(&self.bootstrap)
    }

    /// A client of the cluster with the properties' connection settings.
    pub async fn client(&self, allow_auto_create: bool) -> anyhow::Result<Arc<Client>> {
        Ok(Client::connect(
            self.bootstrap(),
            self.props.client_config(allow_auto_create)?,
        )
        .await?)
    }
}

/// Run the chosen subcommand; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    let connect = || -> anyhow::Result<Connect> {
        Ok(Connect {
            bootstrap: cli.bootstrap.clone(),
            props: props::Props::load(&cli.props, cli.kcat_config.as_deref())?,
        })
    };
    match cli.command {
        Command::Serve(args) => {
            if !cli.props.is_empty() || cli.kcat_config.is_some() {
                return Err(UsageError(crate::node::ConfigError::Flag(
                    "kw serve takes broker settings with --config KEY=VALUE (or --config-file), not -X or -F".into(),
                ))
                .into());
            }
            serve::run(args).await
        }
        Command::Topics(args) => topics::run(&connect()?, args).await,
        Command::Produce(args) => produce::run(&connect()?, args).await,
        Command::Consume(args) => consume::run(&connect()?, args).await,
        Command::Metadata(args) => metadata::run(&connect()?, args).await,
        Command::Groups(args) => groups::run(&connect()?, args).await,
        Command::SimulateSales(args) => simulate_sales::run(&connect()?, args).await,
        Command::Transactions(args) => transactions::run(&connect()?, args).await,
        Command::Users(args) => users::run(&connect()?, args).await,
        Command::Acls(args) => acls::run(&connect()?, args).await,
        Command::Generate(args) => generate::run(args),
        Command::Cluster(args) => cluster::run(args).await,
        Command::Console(args) => console::run(&connect()?, args).await,
    }
}

/// A mistake in the command line (a flag or setting that cannot be used): `main`
/// prints it as one sentence and exits with 2, as clap does for its own errors.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct UsageError(#[from] pub crate::node::ConfigError);

/// Exit code 2 for usage errors, 1 for everything else.
pub fn exit_code_of(e: &anyhow::Error) -> u8 {
    if e.chain().any(|c| c.is::<UsageError>()) {
        2
    } else {
        1
    }
}

/// True when the error is a closed stdout (e.g. `kw consume | head`): not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Wait for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(t) => t,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
