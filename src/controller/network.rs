//! Quorum traffic between controller voters on their internal ports: openraft's
//! AppendEntries, Vote and InstallSnapshot, plus forwarding a metadata write to the
//! Raft leader. Frames are a 4-byte length and a JSON body; one request in flight per
//! connection (Raft sends few, small messages here). With [`QuorumTls`] every
//! connection is mutual TLS, so only holders of a certificate the truststore's CA
//! signed can append to the metadata log. Takes its TLS configurations ready-made:
//! it must not depend on how they are read (`security`).

use std::time::Duration;

use openraft::error::{
    InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable,
};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use openraft::BasicNode;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tracing::{debug, warn};

use super::raft::{MetadataRaft, NodeId, TypeConfig};
use super::records::MetadataRecord;

/// Largest quorum message accepted (metadata is small; this bounds a bad peer).
const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;
const RPC_TIMEOUT: Duration = Duration::from_secs(5);

/// Mutual TLS on the quorum port (`controller.listener.names` mapped to SSL): the
/// server requires a client certificate, the client verifies the server's.
pub struct QuorumTls {
    pub acceptor: tokio_rustls::TlsAcceptor,
    pub connector: tokio_rustls::TlsConnector,
}

/// How quorum connections are made: plain TCP, or mutual TLS.
pub type QuorumSecurity = Option<std::sync::Arc<QuorumTls>>;

trait Io: AsyncRead + AsyncWrite + Unpin + Send + Sync {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Sync> Io for T {}
type Stream = Box<dyn Io>;

async fn connect(addr: &str, security: &QuorumSecurity) -> std::io::Result<Stream> {
    let tcp = TcpStream::connect(addr).await?;
    let _ = tcp.set_nodelay(true);
    let Some(tls) = security else {
        return Ok(Box::new(tcp));
    };
    let host = addr
        .rsplit_once(':')
        .map_or(addr, |(h, _)| h)
        .trim_start_matches('[')
        .trim_end_matches(']');
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| std::io::Error::other(format!("quorum address {addr}: {e}")))?;
    Ok(Box::new(tls.connector.connect(name, tcp).await?))
}

#[derive(Serialize, Deserialize)]
enum Rpc {
    Append(AppendEntriesRequest<TypeConfig>),
    Vote(VoteRequest<NodeId>),
    Snapshot(InstallSnapshotRequest<TypeConfig>),
    /// Append a metadata record through this node (which must be the leader).
    Write(MetadataRecord),
    /// Broker `0` is alive (sent to the active controller).
    Heartbeat(i32),
}

#[derive(Serialize, Deserialize)]
enum Reply {
    Append(Result<AppendEntriesResponse<NodeId>, RaftError<NodeId>>),
    Vote(Result<VoteResponse<NodeId>, RaftError<NodeId>>),
    Snapshot(Result<InstallSnapshotResponse<NodeId>, RaftError<NodeId, InstallSnapshotError>>),
    /// The image version that includes the record, or why it was not written.
    Write(Result<u64, WriteError>),
    Heartbeat,
}

/// When each broker last heartbeated to this node. Only the active controller's
/// view matters; it fences brokers whose last heartbeat is too old.
#[derive(Default)]
pub struct Heartbeats(std::sync::Mutex<std::collections::HashMap<i32, tokio::time::Instant>>);

impl Heartbeats {
    pub fn record(&self, node_id: i32) {
        self.0
            .lock()
            .expect("heartbeats lock poisoned")
            .insert(node_id, tokio::time::Instant::now());
    }

    pub fn last(&self, node_id: i32) -> Option<tokio::time::Instant> {
        self.0
            .lock()
            .expect("heartbeats lock poisoned")
            .get(&node_id)
            .copied()
    }
}

/// Tells the active controller that a broker is alive, keeping one connection.
pub struct HeartbeatSender {
    conn: Option<Stream>,
    addr: String,
    security: QuorumSecurity,
}

impl HeartbeatSender {
    pub fn new(security: QuorumSecurity) -> HeartbeatSender {
        HeartbeatSender {
            conn: None,
            addr: String::new(),
            security,
        }
    }

    pub async fn send(&mut self, addr: &str, node_id: i32) -> std::io::Result<()> {
        if self.addr != addr {
            self.conn = None;
            self.addr = addr.to_string();
        }
        match call(
            &mut self.conn,
            addr,
            &self.security,
            &Rpc::Heartbeat(node_id),
        )
        .await
        {
            Ok(Reply::Heartbeat) => Ok(()),
            Ok(_) => Err(std::io::Error::other("unexpected reply to a heartbeat")),
            Err(e) => Err(e),
        }
    }
}

/// Why a forwarded metadata write failed.
#[derive(Debug, Clone, Serialize, Deserialize, thiserror::Error)]
pub enum WriteError {
    #[error("not the metadata leader (leader: {leader:?})")]
    NotLeader { leader: Option<(NodeId, String)> },
    #[error("no metadata quorum reachable: {0}")]
    Unavailable(String),
}

async fn write_frame<T: Serialize>(stream: &mut Stream, msg: &T) -> std::io::Result<()> {
    let body = serde_json::to_vec(msg).map_err(std::io::Error::other)?;
    stream.write_all(&(body.len() as u32).to_be_bytes()).await?;
    stream.write_all(&body).await
}

async fn read_frame<T: for<'de> Deserialize<'de>>(stream: &mut Stream) -> std::io::Result<T> {
    let len = stream.read_u32().await? as usize;
    if len > MAX_FRAME_BYTES {
        return Err(std::io::Error::other(format!(
            "quorum frame of {len} bytes is too large"
        )));
    }
    // The buffer grows with the bytes that really arrive, not with what the length
    // claims.
    let mut buf = Vec::with_capacity(len.min(64 * 1024));
    stream.take(len as u64).read_to_end(&mut buf).await?;
    if buf.len() != len {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    serde_json::from_slice(&buf).map_err(std::io::Error::other)
}

/// Send one request to `addr` and wait for its reply. The connection is taken out
/// of `conn` for the call and put back only once its reply is read: a call
/// cancelled half-way (openraft times RPCs out by dropping them, and a stalled
/// network makes that common) closes the connection, instead of leaving a reply on
/// it that the next call would read as its own. Found by the fault tests: a stale
/// AppendEntries reply taken for a newer one let a leader count entries as
/// replicated that were not.
async fn call(
    conn: &mut Option<Stream>,
    addr: &str,
    security: &QuorumSecurity,
    rpc: &Rpc,
) -> std::io::Result<Reply> {
    let reused = conn.take();
    let attempt = async move {
        let mut s = match reused {
            Some(s) => s,
            None => connect(addr, security).await?,
        };
        write_frame(&mut s, rpc).await?;
        let reply = read_frame::<Reply>(&mut s).await?;
        Ok::<_, std::io::Error>((s, reply))
    };
    match tokio::time::timeout(RPC_TIMEOUT, attempt).await {
        Ok(Ok((s, reply))) => {
            *conn = Some(s);
            Ok(reply)
        }
        Ok(Err(e)) => Err(e),
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "quorum RPC timed out",
        )),
    }
}

/// Creates one client per peer voter.
pub struct Network(pub QuorumSecurity);

pub struct PeerClient {
    target: NodeId,
    addr: String,
    conn: Option<Stream>,
    security: QuorumSecurity,
}

impl RaftNetworkFactory<TypeConfig> for Network {
    type Network = PeerClient;

    async fn new_client(&mut self, target: NodeId, node: &BasicNode) -> PeerClient {
        PeerClient {
            target,
            addr: node.addr.clone(),
            conn: None,
            security: self.0.clone(),
        }
    }
}

fn unreachable<E: std::error::Error>(e: std::io::Error) -> RPCError<NodeId, BasicNode, E> {
    if e.kind() == std::io::ErrorKind::TimedOut {
        RPCError::Network(NetworkError::new(&e))
    } else {
        RPCError::Unreachable(Unreachable::new(&e))
    }
}

fn wrong_reply<E: std::error::Error>() -> RPCError<NodeId, BasicNode, E> {
    RPCError::Network(NetworkError::new(&std::io::Error::other(
        "unexpected reply kind",
    )))
}

impl RaftNetwork<TypeConfig> for PeerClient {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        _option: RPCOption,
    ) -> Result<AppendEntriesResponse<NodeId>, RPCError<NodeId, BasicNode, RaftError<NodeId>>> {
        match call(
            &mut self.conn,
            &self.addr,
            &self.security,
            &Rpc::Append(rpc),
        )
        .await
        .map_err(unreachable)?
        {
            Reply::Append(r) => {
                r.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e)))
            }
            _ => Err(wrong_reply()),
        }
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        _option: RPCOption,
    ) -> Result<
        InstallSnapshotResponse<NodeId>,
        RPCError<NodeId, BasicNode, RaftError<NodeId, InstallSnapshotError>>,
    > {
        match call(
            &mut self.conn,
            &self.addr,
            &self.security,
            &Rpc::Snapshot(rpc),
        )
        .await
        .map_err(unreachable)?
        {
            Reply::Snapshot(r) => {
                r.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e)))
            }
            _ => Err(wrong_reply()),
        }
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<NodeId>,
        _option: RPCOption,
    ) -> Result<VoteResponse<NodeId>, RPCError<NodeId, BasicNode, RaftError<NodeId>>> {
        match call(&mut self.conn, &self.addr, &self.security, &Rpc::Vote(rpc))
            .await
            .map_err(unreachable)?
        {
            Reply::Vote(r) => {
                r.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e)))
            }
            _ => Err(wrong_reply()),
        }
    }
}

/// Append `record` through the local node, forwarding to the leader when this node
/// is not it. Returns the image version that includes the record.
pub async fn write(
    raft: &MetadataRaft,
    security: &QuorumSecurity,
    record: MetadataRecord,
) -> Result<u64, WriteError> {
    // Long enough to ride out an election (election timeout 1-2 s) and a retry or two.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while tokio::time::Instant::now() < deadline {
        match raft.client_write(record.clone()).await {
            Ok(resp) => return Ok(resp.data),
            Err(RaftError::APIError(openraft::error::ClientWriteError::ForwardToLeader(f))) => {
                let Some((id, node)) = f.leader_id.zip(f.leader_node) else {
                    // An election is under way: wait for a leader.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                };
                let mut conn = None;
                match call(&mut conn, &node.addr, security, &Rpc::Write(record.clone())).await {
                    Ok(Reply::Write(Ok(v))) => return Ok(v),
                    Ok(Reply::Write(Err(WriteError::NotLeader { .. }))) | Err(_) => {
                        debug!(leader = id, "forwarding a metadata write failed; retrying");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    Ok(Reply::Write(Err(e))) => return Err(e),
                    Ok(_) => return Err(WriteError::Unavailable("unexpected reply kind".into())),
                }
            }
            Err(e) => return Err(WriteError::Unavailable(e.to_string())),
        }
    }
    Err(WriteError::Unavailable(
        "no metadata leader elected within 15 s".into(),
    ))
}

/// Serve quorum traffic on `listener` until the task is dropped.
pub async fn serve(
    listener: TcpListener,
    raft: MetadataRaft,
    heartbeats: std::sync::Arc<Heartbeats>,
    security: QuorumSecurity,
) {
    // Peer connections belong to this task: they stop when it is aborted.
    let mut peers = tokio::task::JoinSet::new();
    loop {
        while peers.try_join_next().is_some() {}
        let Ok((tcp, peer)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let raft = raft.clone();
        let heartbeats = heartbeats.clone();
        let security = security.clone();
        peers.spawn(async move {
            let mut stream: Stream = match &security {
                None => Box::new(tcp),
                Some(tls) => {
                    match tokio::time::timeout(RPC_TIMEOUT, tls.acceptor.accept(tcp)).await {
                        Ok(Ok(s)) => Box::new(s),
                        Ok(Err(e)) => {
                            warn!(%peer, error = %e, "refused a quorum connection without a trusted client certificate");
                            return;
                        }
                        Err(_) => {
                            debug!(%peer, "quorum TLS handshake timed out");
                            return;
                        }
                    }
                }
            };
            loop {
                let rpc: Rpc = match read_frame(&mut stream).await {
                    Ok(r) => r,
                    Err(e) => {
                        debug!(%peer, error = %e, "quorum connection closed");
                        return;
                    }
                };
                let reply = match rpc {
                    Rpc::Heartbeat(node_id) => {
                        heartbeats.record(node_id);
                        Reply::Heartbeat
                    }
                    Rpc::Append(r) => Reply::Append(raft.append_entries(r).await),
                    Rpc::Vote(r) => Reply::Vote(raft.vote(r).await),
                    Rpc::Snapshot(r) => Reply::Snapshot(raft.install_snapshot(r).await),
                    Rpc::Write(rec) => Reply::Write(match raft.client_write(rec).await {
                        Ok(resp) => Ok(resp.data),
                        Err(RaftError::APIError(
                            openraft::error::ClientWriteError::ForwardToLeader(f),
                        )) => Err(WriteError::NotLeader {
                            leader: f.leader_id.zip(f.leader_node.map(|n| n.addr)),
                        }),
                        Err(e) => Err(WriteError::Unavailable(e.to_string())),
                    }),
                };
                if write_frame(&mut stream, &reply).await.is_err() {
                    return;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::net::TcpListener;

    /// A call cancelled while its reply is outstanding must not leave that reply for
    /// the next call: the next call goes over a new connection.
    #[tokio::test]
    async fn a_cancelled_call_never_hands_its_reply_to_the_next() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = connections.clone();
        tokio::spawn(async move {
            loop {
                let (s, _) = listener.accept().await.unwrap();
                let mut s: Stream = Box::new(s);
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    // Every reply comes late: after the first caller gave up.
                    while let Ok(rpc) = read_frame::<Rpc>(&mut s).await {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        let reply = match rpc {
                            Rpc::Heartbeat(_) => Reply::Heartbeat,
                            _ => Reply::Write(Ok(7)),
                        };
                        if write_frame(&mut s, &reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        let mut conn = None;
        let cancelled = tokio::time::timeout(
            Duration::from_millis(20),
            call(&mut conn, &addr, &None, &Rpc::Heartbeat(1)),
        )
        .await;
        assert!(cancelled.is_err(), "the first call is cut short");
        assert!(conn.is_none(), "its connection is not kept");
        let reply = call(
            &mut conn,
            &addr,
            &None,
            &Rpc::Write(MetadataRecord::Cluster {
                cluster_id: "c".into(),
            }),
        )
        .await
        .unwrap();
        assert!(
            matches!(reply, Reply::Write(Ok(7))),
            "the reply to this call, not the stale one"
        );
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert!(conn.is_some(), "a completed call keeps its connection");
    }
}
