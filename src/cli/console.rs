//! `kw console`: the web console for any Kafka cluster (kw, Apache Kafka,
//! Redpanda), served until Ctrl-C.

use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::console::{serve, ConsoleConfig};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  kw console                                 the cluster on localhost:9092, at http://127.0.0.1:8080\n  kw -b kafka1:9092,kafka2:9092 console --listen 0.0.0.0:8081\n  curl -s localhost:8080/api/topics | jq ."
)]
pub struct ConsoleArgs {
    /// Address to serve the console on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub listen: String,
    /// How often the console takes a snapshot of the cluster and open pages update
    #[arg(long, default_value_t = 1500, value_name = "MS",
          value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub refresh_ms: u64,
}

pub async fn run(conn: &super::Connect, args: ConsoleArgs) -> anyhow::Result<u8> {
    let bootstrap = conn.bootstrap();
    let security = conn.props.security()?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (choose another with --listen)",
                args.listen
            )
        })?;
    let addr = listener
        .local_addr()
        .context("reading the console address")?;
    eprintln!("kw: console for {bootstrap} at http://{addr}/");
    let config = ConsoleConfig {
        bootstrap: bootstrap.to_string(),
        listen: addr.to_string(),
        refresh: Duration::from_millis(args.refresh_ms),
        security,
    };
    tokio::select! {
        r = serve(config, listener) => r?,
        _ = super::shutdown_signal() => {}
    }
    Ok(0)
}
