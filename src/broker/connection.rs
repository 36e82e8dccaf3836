//! One client connection: a reader task reads frames ahead (pipelining), and the
//! connection task answers them strictly in request order, as the protocol requires.
//! Any framing or decoding problem closes this connection only.
//!
//! Memory a peer can make this node hold is bounded:
//! - a frame longer than `socket.request.max.bytes` closes the connection;
//! - a frame's buffer grows as its bytes arrive, never from the length prefix alone;
//! - before a frame is read, its announced size is reserved against the node-wide
//!   `queued.max.request.bytes` and against this connection's own budget (one
//!   maximum-size request), and released once it is answered; so queued requests
//!   are counted in bytes, not only in frames ([`READ_AHEAD`] frames at most);
//! - a connection that sends nothing for `connections.max.idle.ms`, between
//!   requests or in the middle of one, is closed.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tracing::{debug, info, info_span, warn, Instrument};

use super::dispatch;
use super::memory::Reservation;
use super::sasl::{self, Authenticator, Step};
use super::{Broker, Session};
use crate::protocol::frame;

/// Requests read ahead of the one being answered.
pub const READ_AHEAD: usize = 16;

/// How long a connection whose authentication failed is kept before it closes.
const FAILED_AUTHENTICATION_DELAY: Duration = Duration::from_millis(100);
/// Largest frame before authentication (Kafka's `sasl.server.max.receive.size`).
const SASL_MAX_RECEIVE_BYTES: usize = 512 * 1024;

/// How much a frame's buffer grows per read at most (it doubles up to this).
const READ_CHUNK_BYTES: usize = 64 * 1024;

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A request frame with the memory it is counted against; released when dropped.
struct Queued {
    frame: Bytes,
    _reserved: (Option<Reservation>, OwnedSemaphorePermit),
}

#[derive(Debug)]
enum ReadEnd {
    /// The peer closed the connection between requests.
    Closed,
    Idle,
    /// A reason to warn about.
    Refused(String),
}

/// Read one frame's body of `size` bytes, growing the buffer as bytes arrive.
async fn read_body<R: AsyncRead + Unpin>(
    rd: &mut R,
    size: usize,
    idle: Duration,
) -> Result<Bytes, ReadEnd> {
    let mut buf = BytesMut::with_capacity(size.min(READ_CHUNK_BYTES));
    while buf.len() < size {
        if buf.capacity() == buf.len() {
            let grow = buf
                .len()
                .clamp(4096, READ_CHUNK_BYTES)
                .min(size - buf.len());
            buf.reserve(grow);
        }
        let want = (size - buf.len()) as u64;
        let n = match tokio::time::timeout(idle, (&mut *rd).take(want).read_buf(&mut buf)).await {
            Err(_) => return Err(ReadEnd::Idle),
            Ok(Err(e)) => return Err(ReadEnd::Refused(format!("read failed mid-frame: {e}"))),
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            return Err(ReadEnd::Refused(format!(
                "connection closed mid-frame ({} of {size} bytes)",
                buf.len()
            )));
        }
    }
    Ok(buf.freeze())
}

/// Read frames ahead until the peer goes, misbehaves or idles.
async fn read_frames<R: AsyncRead + Unpin>(
    mut rd: R,
    tx: mpsc::Sender<Queued>,
    broker: Arc<Broker>,
    budget: Arc<Semaphore>,
    authenticated: Arc<AtomicBool>,
) -> ReadEnd {
    let idle = broker.config.connections_max_idle;
    loop {
        let size = match tokio::time::timeout(idle, rd.read_i32()).await {
            Err(_) => return ReadEnd::Idle,
            Ok(Err(_)) => return ReadEnd::Closed,
            Ok(Ok(s)) => s,
        };
        // Before authentication a frame is a SASL message: small, as Kafka's
        // sasl.server.max.receive.size, and kept out of the node's request pool so
        // that unauthenticated peers cannot hold it.
        let pre_auth = !authenticated.load(Ordering::Acquire);
        let max = if pre_auth {
            broker
                .config
                .socket_request_max_bytes
                .min(SASL_MAX_RECEIVE_BYTES)
        } else {
            broker.config.socket_request_max_bytes
        };
        let size = match frame::check_frame_size(size, max) {
            Ok(s) => s,
            // A TLS ClientHello read as a length: 0x16 (handshake), 0x03 (version).
            Err(_) if size >> 24 == 0x16 && (size >> 16) & 0xff == 3 => {
                return ReadEnd::Refused(
                    "a TLS handshake on a listener without TLS (is the client's security.protocol SSL?)".into(),
                )
            }
            Err(e) if pre_auth => {
                return ReadEnd::Refused(format!("{e} before authentication (sasl.server.max.receive.size)"))
            }
            Err(e) => return ReadEnd::Refused(format!("{e} (socket.request.max.bytes)")),
        };
        // Reserve before reading: a frame only starts once all of it fits, so every
        // started frame can finish and release its bytes (no two half-read frames
        // can wait on each other).
        let permits = size.max(1) as u32;
        let own = match budget.clone().acquire_many_owned(permits).await {
            Ok(p) => p,
            Err(_) => return ReadEnd::Closed,
        };
        let node = match &broker.request_memory {
            Some(pool) if !pre_auth => Some(pool.reserve(size).await),
            _ => None,
        };
        let frame = match read_body(&mut rd, size, idle).await {
            Ok(f) => f,
            Err(e) => return e,
        };
        let queued = Queued {
            frame,
            _reserved: (node, own),
        };
        if tx.send(queued).await.is_err() {
            return ReadEnd::Closed;
        }
    }
}

/// Serve one connection, already through its TLS handshake when there is one,
/// as its two halves.
pub async fn serve<R, W>(
    rd: R,
    wr: W,
    peer: SocketAddr,
    id: u64,
    broker: Arc<Broker>,
    session: Session,
    sasl: bool,
) where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send,
{
    let span = info_span!("connection", id, %peer);
    async move {
        let (tx, mut rx) = mpsc::channel::<Queued>(READ_AHEAD);
        // One maximum-size request, or several smaller ones, per connection.
        let budget = Arc::new(Semaphore::new(
            broker
                .config
                .socket_request_max_bytes
                .clamp(1, Semaphore::MAX_PERMITS),
        ));
        // Set once the reader stops: a request still waiting (a long-poll fetch, a
        // parked join) for a peer that is gone stops waiting.
        let (gone_tx, mut gone) = watch::channel(false);
        // A PLAINTEXT or SSL listener has nothing to authenticate.
        let authenticated = Arc::new(AtomicBool::new(!sasl));
        let reader = {
            let broker = broker.clone();
            let authenticated = authenticated.clone();
            tokio::spawn(
                async move {
                    let end = read_frames(rd, tx, broker, budget, authenticated).await;
                    let _ = gone_tx.send(true);
                    match end {
                        ReadEnd::Closed => debug!("peer closed the connection"),
                        ReadEnd::Idle => {
                            debug!("closing an idle connection (connections.max.idle.ms)")
                        }
                        // The peer is named here too: at the default level the
                        // connection's span is not printed.
                        ReadEnd::Refused(why) => warn!(%peer, "closing connection: {why}"),
                    }
                }
                .in_current_span(),
            )
        };
        // The reader goes with this task, also when it is aborted.
        let reader = AbortOnDrop(reader);
        let mut wr = BufWriter::with_capacity(64 * 1024, wr);
        let mut session = session;
        // On a SASL listener nothing but authentication is served until it succeeds.
        let mut auth = sasl.then(Authenticator::default);
        while let Some(request) = rx.recv().await {
            if let Some(a) = auth.as_mut() {
                let step = tokio::select! {
                    biased;
                    s = sasl::step(a, &broker, request.frame) => s,
                    _ = gone.wait_for(|g| *g) => break,
                };
                let answer = match step {
                    Step::Continue(resp) => resp,
                    Step::Done(resp, principal) => {
                        debug!(%principal, "authenticated");
                        session.principal = principal;
                        auth = None;
                        // Before the answer goes out: the client's next frame is
                        // read with the full size limit.
                        authenticated.store(true, Ordering::Release);
                        resp
                    }
                    Step::Fail(resp, why) => {
                        info!(%peer, "authentication failed: {why}");
                        // Kafka's connection.failed.authentication.delay.ms: the
                        // answer itself waits, so a password guesser waits for every
                        // wrong guess.
                        tokio::time::sleep(FAILED_AUTHENTICATION_DELAY).await;
                        if let Some(resp) = resp {
                            let _ = wr.write_all(&resp).await;
                            let _ = wr.flush().await;
                        }
                        break;
                    }
                };
                if wr.write_all(&answer).await.is_err() || wr.flush().await.is_err() {
                    break;
                }
                continue;
            }
            // Requests already read are still handled (an acks=0 produce lands), but
            // none waits for a peer that has gone.
            let outcome = tokio::select! {
                biased;
                r = dispatch::handle(&broker, &session, request.frame) => r,
                _ = gone.wait_for(|g| *g) => continue,
            };
            match outcome {
                Ok(Some(response)) => {
                    if wr.write_all(&response).await.is_err() {
                        break;
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    warn!(%peer, error = %e, "closing connection");
                    break;
                }
            }
            if rx.is_empty() && wr.flush().await.is_err() {
                break;
            }
        }
        let _ = wr.flush().await;
        drop(reader);
        debug!("connection closed");
    }
    .instrument(span)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_frame_buffer_grows_with_the_bytes_that_arrive() {
        let (mut client, mut server) = tokio::io::duplex(1 << 20);
        client.write_all(&[7u8; 1000]).await.unwrap();
        drop(client);
        // 100 MiB announced, 1000 bytes sent: an error, and no 100 MiB buffer.
        let e = read_body(&mut server, 100 << 20, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ReadEnd::Refused(m) if m.contains("1000 of 104857600")),
            "{e:?}"
        );
        let (mut client, mut server) = tokio::io::duplex(1 << 20);
        client.write_all(&[1u8; 300_000]).await.unwrap();
        let body = read_body(&mut server, 300_000, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(body.len(), 300_000);
    }

    #[tokio::test]
    async fn a_stalled_frame_times_out() {
        let (mut client, mut server) = tokio::io::duplex(1024);
        client.write_all(&[1u8; 10]).await.unwrap();
        let e = read_body(&mut server, 100, Duration::from_millis(50))
            .await
            .unwrap_err();
        assert!(matches!(e, ReadEnd::Idle));
        drop(client);
    }
}
