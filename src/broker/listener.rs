//! Accepts TCP connections on one listener (bounded by `max.connections` over all
//! listeners), completes the TLS handshake on TLS listeners, and starts one task
//! per connection; the connection tasks belong to the listener task and stop when
//! it is aborted.

use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tracing::{debug, info, warn};

use super::connection;
use super::{Broker, Session};
use crate::security::tls::{self, TlsAcceptor};
use crate::security::{Principal, SecurityProtocol};

/// One listener as the broker serves it.
pub struct ListenerSpec {
    /// Upper case (`PLAINTEXT`, `SSL`, `INTERNAL`, ...).
    pub name: Arc<str>,
    pub protocol: SecurityProtocol,
    /// Set exactly when the protocol uses TLS.
    pub tls: Option<TlsAcceptor>,
}

/// Serve connections on `listener` until the task is dropped. `permits`
/// (max.connections) is shared by the node's client listeners; a separate
/// inter-broker listener has its own.
pub async fn run(
    listener: TcpListener,
    spec: Arc<ListenerSpec>,
    broker: Arc<Broker>,
    permits: Arc<Semaphore>,
) {
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
        let spec = spec.clone();
        connections.spawn(async move {
            debug!(connection = id, %peer, listener = %spec.name, "accepted");
            accept(stream, peer, id, broker, spec).await;
            drop(permit);
        });
    }
}

async fn accept(
    stream: TcpStream,
    peer: std::net::SocketAddr,
    id: u64,
    broker: Arc<Broker>,
    spec: Arc<ListenerSpec>,
) {
    let session = Session {
        // Kafka reports client hosts as Java prints an InetAddress.
        host: format!("/{}", crate::security::acl::java_host_address(peer.ip())),
        listener: spec.name.clone(),
        principal: Principal::anonymous(),
    };
    let Some(acceptor) = &spec.tls else {
        let (rd, wr) = stream.into_split();
        let sasl = spec.protocol.uses_sasl();
        connection::serve(rd, wr, peer, id, broker, session, sasl).await;
        return;
    };
    // A peer that never finishes its handshake is dropped like an idle one.
    let idle = broker.config.connections_max_idle;
    let tls = match tokio::time::timeout(idle, acceptor.accept(stream)).await {
        Err(_) => {
            debug!(%peer, "TLS handshake timed out");
            return;
        }
        Ok(Err(e)) => {
            info!(%peer, listener = %spec.name, "TLS handshake failed: {}", tls::explain_server_handshake(&e));
            return;
        }
        Ok(Ok(s)) => s,
    };
    let mut session = session;
    if let Some(cert) = tls.get_ref().1.peer_certificates().and_then(|c| c.first()) {
        match tls::certificate_principal(cert) {
            Some(name) => session.principal = Principal::user(&name),
            None => {
                warn!(%peer, "closing connection: cannot read the subject of its certificate");
                return;
            }
        }
    }
    debug!(%peer, principal = %session.principal, "TLS established");
    let (rd, wr) = tokio::io::split(tls);
    let sasl = spec.protocol.uses_sasl();
    connection::serve(rd, wr, peer, id, broker, session, sasl).await;
}
