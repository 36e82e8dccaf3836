//! One TCP connection to one broker: requests are pipelined (many in flight, matched
//! to responses by correlation id); when the socket fails every waiter gets the error
//! (the connection is poisoned, never silently reused).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::{ApiKey, ApiVersionsRequest, RequestHeader, ResponseHeader};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use super::{Error, Result};
use crate::protocol::frame::{finish_frame, start_frame};
use crate::protocol::{sb, versions};

/// Largest response accepted from a broker.
const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

type Waiter = oneshot::Sender<Result<Bytes>>;

struct Shared {
    pending: Mutex<HashMap<i32, Waiter>>,
    closed: AtomicBool,
}

impl Shared {
    fn poison(&self, err: Error) {
        self.closed.store(true, Ordering::SeqCst);
        let waiters: Vec<Waiter> = self
            .pending
            .lock()
            .expect("pending lock poisoned")
            .drain()
            .map(|(_, w)| w)
            .collect();
        for w in waiters {
            let _ = w.send(Err(err.clone()));
        }
    }
}

/// Read a response body of `size` bytes; the buffer grows as bytes arrive, so a
/// length prefix alone (from a buggy or hostile broker) allocates nothing.
async fn read_frame_body(
    rd: &mut tokio::net::tcp::OwnedReadHalf,
    size: usize,
) -> std::result::Result<Bytes, String> {
    const CHUNK: usize = 256 * 1024;
    let mut buf = BytesMut::with_capacity(size.min(CHUNK));
    while buf.len() < size {
        if buf.capacity() == buf.len() {
            buf.reserve(buf.len().clamp(4096, CHUNK).min(size - buf.len()));
        }
        let want = (size - buf.len()) as u64;
        match (&mut *rd).take(want).read_buf(&mut buf).await {
            Ok(0) => {
                return Err(format!(
                    "connection closed mid-response ({} of {size} bytes)",
                    buf.len()
                ))
            }
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(buf.freeze())
}

pub struct Connection {
    pub addr: String,
    client_id: String,
    writer: tokio::sync::Mutex<OwnedWriteHalf>,
    shared: Arc<Shared>,
    next_correlation_id: AtomicI32,
    /// The broker's advertised (min, max) per API key.
    broker_versions: HashMap<i16, (i16, i16)>,
    request_timeout: Duration,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Connection {
    /// Connect and negotiate API versions.
    pub async fn connect(
        addr: &str,
        client_id: &str,
        timeout: Duration,
    ) -> Result<Arc<Connection>> {
        let stream = tokio::time::timeout(timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| Error::Connect {
                addr: addr.to_string(),
                reason: format!("no answer within {} ms", timeout.as_millis()),
            })?
            .map_err(|e| Error::Connect {
                addr: addr.to_string(),
                reason: e.to_string(),
            })?;
        let _ = stream.set_nodelay(true);
        let (mut rd, wr) = stream.into_split();
        let shared = Arc::new(Shared {
            pending: Mutex::new(HashMap::new()),
            closed: AtomicBool::new(false),
        });
        let reader_shared = shared.clone();
        let reader_addr = addr.to_string();
        let reader = tokio::spawn(async move {
            let err = loop {
                let size = match rd.read_i32().await {
                    Ok(s) if s >= 4 && (s as usize) <= MAX_RESPONSE_BYTES => s as usize,
                    Ok(s) => break format!("bad response size {s}"),
                    Err(e) => break e.to_string(),
                };
                let buf = match read_frame_body(&mut rd, size).await {
                    Ok(b) => b,
                    Err(e) => break e,
                };
                let cid = i32::from_be_bytes(buf[..4].try_into().expect("4 bytes"));
                let waiter = reader_shared
                    .pending
                    .lock()
                    .expect("pending lock poisoned")
                    .remove(&cid);
                match waiter {
                    Some(w) => {
                        let _ = w.send(Ok(buf));
                    }
                    None => break format!("response with unknown correlation id {cid}"),
                }
            };
            reader_shared.poison(Error::Disconnected {
                addr: reader_addr,
                reason: err,
            });
        });
        let mut conn = Connection {
            addr: addr.to_string(),
            client_id: client_id.to_string(),
            writer: tokio::sync::Mutex::new(wr),
            shared,
            next_correlation_id: AtomicI32::new(1),
            broker_versions: HashMap::new(),
            request_timeout: timeout.max(Duration::from_secs(30)),
            reader,
        };
        conn.broker_versions = conn.negotiate(timeout).await?;
        Ok(Arc::new(conn))
    }

    async fn negotiate(&self, timeout: Duration) -> Result<HashMap<i16, (i16, i16)>> {
        let req = ApiVersionsRequest::default()
            .with_client_software_name(sb("kw"))
            .with_client_software_version(sb(env!("CARGO_PKG_VERSION")));
        let mut resp = self.send_versioned(&req, 3, timeout).await?;
        if resp.error_code != 0 {
            // An older broker: it lists what it speaks in a v0 answer.
            resp = self
                .send_versioned(&ApiVersionsRequest::default(), 0, timeout)
                .await?;
        }
        if resp.error_code != 0 {
            return Err(Error::Protocol {
                addr: self.addr.clone(),
                reason: format!("ApiVersions failed with error {}", resp.error_code),
            });
        }
        Ok(resp
            .api_keys
            .iter()
            .map(|k| (k.api_key, (k.min_version, k.max_version)))
            .collect())
    }

    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::SeqCst)
    }

    /// The version to use for `key`: the highest both sides speak.
    pub fn version_for(&self, key: ApiKey) -> Option<i16> {
        let (our_lo, our_hi) = versions::range(key)?;
        let (their_lo, their_hi) = *self.broker_versions.get(&(key as i16))?;
        let v = our_hi.min(their_hi);
        (v >= our_lo.max(their_lo)).then_some(v)
    }

    /// Send a request at the best common version and wait for its response.
    pub async fn send<R: Request>(&self, req: &R) -> Result<R::Response> {
        let key = ApiKey::try_from(R::KEY)
            .map_err(|_| Error::Other(format!("unknown api key {}", R::KEY)))?;
        let version = self.version_for(key).ok_or_else(|| Error::Unsupported {
            addr: self.addr.clone(),
            api: format!("{key:?}"),
        })?;
        self.send_versioned(req, version, self.request_timeout)
            .await
    }

    pub async fn send_versioned<R: Request>(
        &self,
        req: &R,
        version: i16,
        timeout: Duration,
    ) -> Result<R::Response> {
        let (cid, frame) = self.encode(req, version)?;
        let (tx, rx) = oneshot::channel();
        self.shared
            .pending
            .lock()
            .expect("pending lock poisoned")
            .insert(cid, tx);
        if let Err(e) = self.write(&frame).await {
            self.shared
                .pending
                .lock()
                .expect("pending lock poisoned")
                .remove(&cid);
            return Err(e);
        }
        let body = match tokio::time::timeout(timeout, rx).await {
            Err(_) => {
                self.shared
                    .pending
                    .lock()
                    .expect("pending lock poisoned")
                    .remove(&cid);
                return Err(Error::Timeout {
                    addr: self.addr.clone(),
                    ms: timeout.as_millis() as u64,
                });
            }
            Ok(Err(_)) => {
                return Err(Error::Disconnected {
                    addr: self.addr.clone(),
                    reason: "connection closed".into(),
                })
            }
            Ok(Ok(r)) => r?,
        };
        self.decode::<R>(body, version)
    }

    /// Send a request that gets no response (produce with acks=0).
    pub async fn send_oneway<R: Request>(&self, req: &R) -> Result<()> {
        let key = ApiKey::try_from(R::KEY)
            .map_err(|_| Error::Other(format!("unknown api key {}", R::KEY)))?;
        let version = self.version_for(key).ok_or_else(|| Error::Unsupported {
            addr: self.addr.clone(),
            api: format!("{key:?}"),
        })?;
        let (_, frame) = self.encode(req, version)?;
        self.write(&frame).await
    }

    fn encode<R: Request>(&self, req: &R, version: i16) -> Result<(i32, Bytes)> {
        let cid = self.next_correlation_id.fetch_add(1, Ordering::Relaxed);
        let mut buf = BytesMut::with_capacity(128);
        let at = start_frame(&mut buf);
        let header = RequestHeader::default()
            .with_request_api_key(R::KEY)
            .with_request_api_version(version)
            .with_correlation_id(cid)
            .with_client_id(Some(sb(self.client_id.clone())));
        let proto = |e: anyhow::Error| Error::Protocol {
            addr: self.addr.clone(),
            reason: format!("{e:#}"),
        };
        header
            .encode(&mut buf, R::header_version(version))
            .map_err(proto)?;
        req.encode(&mut buf, version).map_err(proto)?;
        Ok((cid, finish_frame(&mut buf, at)))
    }

    fn decode<R: Request>(&self, mut body: Bytes, version: i16) -> Result<R::Response> {
        let api = ApiKey::try_from(R::KEY)
            .map_or_else(|_| format!("API {}", R::KEY), |k| format!("{k:?}"));
        let proto = |e: anyhow::Error| Error::Protocol {
            addr: self.addr.clone(),
            reason: format!("cannot decode its {api} v{version} response: {e:#}"),
        };
        ResponseHeader::decode(&mut body, R::Response::header_version(version)).map_err(proto)?;
        R::Response::decode(&mut body, version).map_err(proto)
    }

    async fn write(&self, frame: &[u8]) -> Result<()> {
        if self.is_closed() {
            return Err(Error::Disconnected {
                addr: self.addr.clone(),
                reason: "connection closed".into(),
            });
        }
        let mut w = self.writer.lock().await;
        w.write_all(frame).await.map_err(|e| {
            let err = Error::Disconnected {
                addr: self.addr.clone(),
                reason: e.to_string(),
            };
            self.shared.poison(err.clone());
            err
        })
    }
}
