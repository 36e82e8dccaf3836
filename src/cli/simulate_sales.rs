//! `kw simulate-sales`: the workshop's sales stream (products, purchases, restocks),
//! faithful to the original by default, as fast as the cluster takes it on demand.
//! One long-lived idempotent producer; delivery failures are counted and fail the run.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use bytes::Bytes;
use clap::Args;

use super::shutdown_signal;
use crate::client::admin::{self, NewTopicSpec};
use crate::client::producer::{Message, Producer};
use crate::client::Client;
use crate::sim::{Catalog, SimConfig, SimMessage, Simulator, Stream};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  kw simulate-sales                                   the original: 5000 transactions, 2-5 s apart\n  kw simulate-sales --create-topics --partitions 6    create demo.products, demo.purchases, demo.inventories first\n  kw simulate-sales --rate 0 --transactions 100000    as fast as the cluster takes it\n  kw simulate-sales --seed 42 --dry-run --transactions 3"
)]
pub struct SimulateArgs {
    /// Number of transactions (1-3 purchase line items each)
    #[arg(long, default_value_t = 5000)]
    pub transactions: u64,
    /// Minimum pause between transactions, in seconds
    #[arg(long, default_value_t = 2)]
    pub min_delay: u64,
    /// Maximum pause between transactions, in seconds
    #[arg(long, default_value_t = 5)]
    pub max_delay: u64,
    /// Transactions per second instead of the pauses; 0 = as fast as possible
    #[arg(long)]
    pub rate: Option<f64>,
    /// As fast as possible (same as --rate 0)
    #[arg(long)]
    pub max: bool,
    /// Stop after this many seconds
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,
    /// Seed for a reproducible stream (same messages apart from timestamps)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Create the three topics if they are missing
    #[arg(long)]
    pub create_topics: bool,
    /// Partitions for --create-topics
    #[arg(long, default_value_t = 6)]
    pub partitions: i32,
    /// Replication factor for --create-topics [default: the broker's default]
    #[arg(long)]
    pub replication_factor: Option<i16>,
    /// Print the messages (topic key:value) instead of producing them
    #[arg(long)]
    pub dry_run: bool,
    #[arg(
        long,
        env = "KAFKA_TOPIC_PRODUCTS",
        hide_env_values = true,
        default_value = "demo.products"
    )]
    pub topic_products: String,
    #[arg(
        long,
        env = "KAFKA_TOPIC_PURCHASES",
        hide_env_values = true,
        default_value = "demo.purchases"
    )]
    pub topic_purchases: String,
    #[arg(
        long,
        env = "KAFKA_TOPIC_INVENTORIES",
        hide_env_values = true,
        default_value = "demo.inventories"
    )]
    pub topic_inventories: String,
    /// Product catalog CSV in the original's layout [default: the built-in one]
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<std::path::PathBuf>,
    /// No progress output
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
}

fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// Progress on stderr: an indicatif status line on a terminal, a plain summary
/// line every 5 s otherwise, nothing with -q.
struct Progress {
    started: Instant,
    last: Instant,
    sent: HashMap<Stream, u64>,
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            started: Instant::now(),
            last: Instant::now(),
            sent: HashMap::new(),
            bar,
            quiet,
        }
    }

    fn line(&self, failed: u64) -> String {
        let total: u64 = self.sent.values().sum();
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        format!(
            "products {}, purchases {}, inventories {} | {:.0} msg/s | delivery errors {}",
            self.sent.get(&Stream::Products).unwrap_or(&0),
            self.sent.get(&Stream::Purchases).unwrap_or(&0),
            self.sent.get(&Stream::Inventories).unwrap_or(&0),
            total as f64 / secs,
            failed
        )
    }

    fn tick(&mut self, failed: u64) {
        if self.quiet {
            return;
        }
        let every = if self.bar.is_some() {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        if self.last.elapsed() < every {
            return;
        }
        self.last = Instant::now();
        match &self.bar {
            Some(bar) => bar.set_message(self.line(failed)),
            None => eprintln!("% {}", self.line(failed)),
        }
    }

    fn finish(&self, summary: &str) {
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(bar) => bar.finish_with_message(summary.to_string()),
            None => eprintln!("% {summary}"),
        }
    }
}

pub async fn run(conn: &super::Connect, args: SimulateArgs) -> anyhow::Result<u8> {
    let bootstrap = conn.bootstrap();
    let catalog = match &args.catalog {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading catalog {}", path.display()))?;
            Catalog::parse(&text)?
        }
        None => Catalog::embedded(),
    };
    if args.min_delay > args.max_delay {
        bail!(
            "--min-delay {} is larger than --max-delay {}",
            args.min_delay,
            args.max_delay
        );
    }
    let config = SimConfig {
        min_sale_freq: args.min_delay,
        max_sale_freq: args.max_delay,
        ..SimConfig::default()
    };
    let rate = if args.max { Some(0.0) } else { args.rate };
    if rate.is_some_and(|r| r < 0.0 || !r.is_finite()) {
        bail!("--rate must be a number >= 0");
    }
    let mut sim = Simulator::new(catalog, config, args.seed);
    let topic_of = |s: Stream| match s {
        Stream::Products => args.topic_products.as_str(),
        Stream::Purchases => args.topic_purchases.as_str(),
        Stream::Inventories => args.topic_inventories.as_str(),
    };
    let deadline = args
        .duration
        .map(|d| Instant::now() + Duration::from_secs_f64(d.max(0.0)));
    let signal = shutdown_signal();
    tokio::pin!(signal);

    if args.dry_run {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        let mut emit = |msgs: Vec<SimMessage>| -> std::io::Result<()> {
            for m in msgs {
                writeln!(out, "{} {}:{}", topic_of(m.stream), m.key, m.value)?;
            }
            Ok(())
        };
        emit(sim.product_messages(now_micros()))?;
        for _ in 0..args.transactions {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            emit(sim.next_transaction(now_micros()))?;
        }
        out.flush()?;
        return Ok(0);
    }

    let props = conn.props.clone();
    let client = Client::connect(bootstrap, props.client_config(true)?).await?;
    if args.create_topics {
        for t in [
            &args.topic_products,
            &args.topic_purchases,
            &args.topic_inventories,
        ] {
            let spec = NewTopicSpec {
                name: t.clone(),
                partitions: args.partitions,
                replication_factor: args.replication_factor.unwrap_or(-1),
                configs: Default::default(),
            };
            match admin::create_topic(&client, &spec, Duration::from_secs(30)).await {
                Ok(()) => {}
                Err(crate::client::Error::Server {
                    code: kafka_protocol::error::ResponseError::TopicAlreadyExists,
                    ..
                }) => {}
                Err(e) => return Err(e).with_context(|| format!("creating topic {t}")),
            }
        }
    }
    let producer = Arc::new(Producer::new(client, props.producer_config(None)?).await?);
    let mut progress = Progress::new(args.quiet);
    let send = |m: SimMessage, producer: Arc<Producer>| {
        let topic = topic_of(m.stream).to_string();
        async move {
            producer
                .send(Message {
                    topic,
                    partition: None,
                    key: Some(Bytes::from(m.key)),
                    value: Some(Bytes::from(m.value)),
                    headers: Vec::new(),
                    timestamp: None,
                })
                .await
        }
    };
    let mut interrupted = false;
    for m in sim.product_messages(now_micros()) {
        *progress.sent.entry(m.stream).or_default() += 1;
        send(m, producer.clone()).await?;
    }
    let started = Instant::now();
    for i in 0..args.transactions {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        for m in sim.next_transaction(now_micros()) {
            *progress.sent.entry(m.stream).or_default() += 1;
            send(m, producer.clone()).await?;
        }
        progress.tick(producer.report().failed);
        let pause = match rate {
            Some(0.0) => None,
            Some(r) => {
                let due = started + Duration::from_secs_f64((i + 1) as f64 / r);
                Some(due.saturating_duration_since(Instant::now()))
            }
            // The original also pauses after its last transaction.
            None => Some(Duration::from_secs(sim.next_pause_secs())),
        };
        if let Some(p) = pause {
            let p = match deadline {
                Some(d) => p.min(d.saturating_duration_since(Instant::now())),
                None => p,
            };
            tokio::select! {
                _ = tokio::time::sleep(p) => {}
                _ = &mut signal => { interrupted = true; break; }
            }
        } else if i % 1024 == 0 {
            // Stay responsive to Ctrl-C at full speed.
            if futures_poll_signal(&mut signal).await {
                interrupted = true;
                break;
            }
        }
    }
    let report = producer.flush().await;
    progress.finish(&format!(
        "{}{} ({} delivered)",
        progress.line(report.failed),
        if interrupted { " | interrupted" } else { "" },
        report.delivered
    ));
    if report.failed > 0 {
        bail!(
            "{} messages could not be delivered: {}",
            report.failed,
            report.errors.join("; ")
        );
    }
    Ok(0)
}

/// Whether the shutdown signal has fired, without waiting.
async fn futures_poll_signal<F: std::future::Future + Unpin>(signal: &mut F) -> bool {
    tokio::select! {
        biased;
        _ = signal => true,
        _ = std::future::ready(()) => false,
    }
}
