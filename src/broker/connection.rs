//! One client connection: a reader task reads frames ahead (pipelining), and the
//! connection task answers them strictly in request order, as the protocol requires.
//! Any framing or decoding problem closes this connection only.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tracing::{debug, info_span, warn, Instrument};

use super::dispatch;
use super::Broker;
use crate::protocol::frame;

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Requests read ahead of the one being answered.
const READ_AHEAD: usize = 16;

pub async fn serve(stream: TcpStream, peer: SocketAddr, id: u64, broker: Arc<Broker>) {
    let span = info_span!("connection", id, %peer);
    async move {
        let (mut rd, wr) = stream.into_split();
        let (tx, mut rx) = mpsc::channel::<Bytes>(READ_AHEAD);
        let max = broker.config.socket_request_max_bytes;
        let reader = tokio::spawn(
            async move {
                loop {
                    let size = match rd.read_i32().await {
                        Ok(s) => s,
                        Err(_) => return, // closed
                    };
                    let size = match frame::check_frame_size(size, max) {
                        Ok(s) => s,
                        Err(e) => {
                            warn!(error = %e, "closing connection: bad frame size (socket.request.max.bytes)");
                            return;
                        }
                    };
                    let mut buf = BytesMut::zeroed(size);
                    if rd.read_exact(&mut buf).await.is_err() {
                        debug!("connection closed mid-frame");
                        return;
                    }
                    if tx.send(buf.freeze()).await.is_err() {
                        return;
                    }
                }
            }
            .in_current_span(),
        );
        // The reader goes with this task, also when it is aborted.
        let reader = AbortOnDrop(reader);
        let mut wr = BufWriter::with_capacity(64 * 1024, wr);
        // Kafka reports client hosts as Java prints an InetAddress.
        let host = format!("/{}", peer.ip());
        while let Some(request) = rx.recv().await {
            match dispatch::handle(&broker, &host, request).await {
                Ok(Some(response)) => {
                    if wr.write_all(&response).await.is_err() {
                        break;
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    warn!(error = %e, "closing connection");
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
