//! Accepts TCP connections (bounded by `max.connections`) and starts one task each;
//! the connection tasks belong to the listener task and stop when it is aborted.

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tracing::{debug, warn};

use super::connection;
use super::Broker;

/// Serve connections on `listener` until the task is dropped.
pub async fn run(listener: TcpListener, broker: Arc<Broker>) {
    let permits = Arc::new(Semaphore::new(broker.config.max_connections));
    let mut next_id: u64 = 0;
    let mut connections = tokio::task::JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let permit = match permits.clone().acquire_owned().await {
            Ok(p) => p,
            Err(_) => return,
        };
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // Typically EMFILE: back off briefly instead of spinning.
                warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        next_id += 1;
        let id = next_id;
        let broker = broker.clone();
        connections.spawn(async move {
            debug!(connection = id, %peer, "accepted");
            connection::serve(stream, peer, id, broker).await;
            drop(permit);
        });
    }
}
