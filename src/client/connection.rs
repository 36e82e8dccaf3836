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
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use super::{Error, Result};
use crate::protocol::frame::{finish_frame, start_frame};
use crate::protocol::{sb, versions};
use crate::security::scram::{self, Mechanism, ScramClient};
use crate::security::tls::{self, TlsConnector};
use crate::security::{Secret, SecurityProtocol};

/// How a client reaches brokers: `security.protocol` and what it needs.
#[derive(Clone, Default)]
pub struct Security {
    pub protocol: SecurityProtocol,
    /// Set when the protocol uses TLS.
    pub tls: Option<Arc<tokio_rustls::rustls::ClientConfig>>,
    /// Set when the protocol uses SASL.
    pub sasl: Option<SaslConfig>,
}

/// `sasl.mechanism`, `sasl.username`, `sasl.password`.
#[derive(Clone, Debug)]
pub struct SaslConfig {
    pub mechanism: String,
    pub username: String,
    pub password: Secret,
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Security")
            .field("protocol", &self.protocol)
            .field("tls", &self.tls.is_some())
            .field("sasl", &self.sasl)
            .finish()
    }
}

type Reader = Box<dyn AsyncRead + Send + Unpin>;
type Writer = Box<dyn AsyncWrite + Send + Unpin>;

/// Largest response accepted from a broker.
const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

type Waiter = oneshot::Sender<Result<Bytes>>;

struct Shared {
    pending: Mutex<HashMap<i32, Waiter>>,
    closed: AtomicBool,
    /// Why the connection closed, for requests sent after it did.
    error: Mutex<Option<Error>>,
}

impl Shared {
    fn poison(&self, err: Error) {
        self.error
            .lock()
            .expect("error lock poisoned")
            .get_or_insert_with(|| err.clone());
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

/// A socket error as the client reports it: TLS refusing something (with TLS
/// 1.3 a refused client certificate shows on the first read or write, after the
/// handshake seemed done) is a security error, anything else a lost connection.
fn io_error(addr: &str, e: &std::io::Error) -> Error {
    if tls::is_tls_error(e) {
        let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
        return Error::Security {
            addr: addr.to_string(),
            reason: format!(
                "TLS handshake failed: {}",
                tls::explain_client_handshake(e, host)
            ),
        };
    }
    disconnected(addr, e.to_string())
}

fn disconnected(addr: &str, reason: String) -> Error {
    Error::Disconnected {
        addr: addr.to_string(),
        reason,
    }
}

/// Read a response body of `size` bytes; the buffer grows as bytes arrive, so a
/// length prefix alone (from a buggy or hostile broker) allocates nothing.
async fn read_frame_body(rd: &mut Reader, size: usize) -> std::result::Result<Bytes, String> {
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
    writer: tokio::sync::Mutex<Writer>,
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
    /// Connect (through TLS when `security` says so) and negotiate API versions.
    pub async fn connect(
        addr: &str,
        client_id: &str,
        timeout: Duration,
        security: &Security,
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
        let (mut rd, wr): (Reader, Writer) = match (&security.tls, security.protocol.uses_tls()) {
            (Some(config), true) => {
                let refused = |reason: String| Error::Security {
                    addr: addr.to_string(),
                    reason,
                };
                let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
                let name = tls::server_name(host).map_err(|e| refused(e.to_string()))?;
                let handshake = TlsConnector::from(config.clone()).connect(name, stream);
                let stream = tokio::time::timeout(timeout, handshake)
                    .await
                    .map_err(|_| Error::Connect {
                        addr: addr.to_string(),
                        reason: format!(
                            "no TLS handshake within {} ms: is this a TLS listener?",
                            timeout.as_millis()
                        ),
                    })?
                    .map_err(|e| {
                        refused(format!(
                            "TLS handshake failed: {}",
                            tls::explain_client_handshake(&e, host)
                        ))
                    })?;
                let (rd, wr) = tokio::io::split(stream);
                (Box::new(rd), Box::new(wr))
            }
            (None, true) => {
                return Err(Error::Other(format!(
                    "security.protocol={} needs a TLS configuration",
                    security.protocol
                )))
            }
            _ => {
                let (rd, wr) = stream.into_split();
                (Box::new(rd), Box::new(wr))
            }
        };
        let shared = Arc::new(Shared {
            pending: Mutex::new(HashMap::new()),
            closed: AtomicBool::new(false),
            error: Mutex::new(None),
        });
        let reader_shared = shared.clone();
        let reader_addr = addr.to_string();
        let reader = tokio::spawn(async move {
            let err = loop {
                let size = match rd.read_i32().await {
                    Ok(s) if s >= 4 && (s as usize) <= MAX_RESPONSE_BYTES => s as usize,
                    // A TLS record read as a length: 0x15 (alert) or 0x16 (handshake),
                    // then 0x03, the TLS major version.
                    Ok(s) if (s >> 16) & 0xff == 3 && matches!(s >> 24, 0x15 | 0x16) => {
                        break Error::Security {
                            addr: reader_addr,
                            reason: "the broker answered in TLS: this is an SSL or SASL_SSL listener (set security.protocol)".into(),
                        };
                    }
                    Ok(s) => break disconnected(&reader_addr, format!("bad response size {s}")),
                    Err(e) => break io_error(&reader_addr, &e),
                };
                let buf = match read_frame_body(&mut rd, size).await {
                    Ok(b) => b,
                    Err(e) => break disconnected(&reader_addr, e),
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
                    None => {
                        break disconnected(
                            &reader_addr,
                            format!("response with unknown correlation id {cid}"),
                        )
                    }
                }
            };
            reader_shared.poison(err);
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
        conn.broker_versions = conn.negotiate(timeout).await.map_err(|e| match e {
            Error::Disconnected { addr, reason } if !security.protocol.uses_tls() => {
                Error::Disconnected {
                    addr,
                    reason: format!("{reason}; it closed the connection before answering ApiVersions (is it an SSL or SASL_SSL listener? see security.protocol)"),
                }
            }
            e => e,
        })?;
        if security.protocol.uses_sasl() {
            let sasl = security.sasl.as_ref().ok_or_else(|| {
                Error::Other(format!(
                    "security.protocol={} needs sasl.username and sasl.password",
                    security.protocol
                ))
            })?;
            conn.authenticate(sasl, timeout).await?;
        }
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

    /// SaslHandshake v1, then SaslAuthenticate rounds of PLAIN or SCRAM (KIP-152).
    async fn authenticate(&self, sasl: &SaslConfig, timeout: Duration) -> Result<()> {
        use kafka_protocol::messages::{SaslAuthenticateRequest, SaslHandshakeRequest};
        let refused = |reason: String| Error::Security {
            addr: self.addr.clone(),
            reason,
        };
        let handshake = self
            .send_versioned(
                &SaslHandshakeRequest::default().with_mechanism(sb(sasl.mechanism.clone())),
                1,
                timeout,
            )
            .await?;
        if handshake.error_code != 0 {
            let offered: Vec<String> = handshake.mechanisms.iter().map(|m| m.to_string()).collect();
            return Err(refused(format!(
                "the broker does not accept SASL mechanism {} (it offers {}; set sasl.mechanism)",
                sasl.mechanism,
                if offered.is_empty() {
                    "none".to_string()
                } else {
                    offered.join(", ")
                }
            )));
        }
        let version = self
            .version_for(ApiKey::SaslAuthenticate)
            .ok_or_else(|| refused("the broker does not speak SaslAuthenticate".into()))?;
        let round = |bytes: Vec<u8>| async move {
            let resp = self
                .send_versioned(
                    &SaslAuthenticateRequest::default().with_auth_bytes(Bytes::from(bytes)),
                    version,
                    timeout,
                )
                .await?;
            if resp.error_code != 0 {
                let msg = resp
                    .error_message
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| {
                        crate::protocol::error_code::describe(resp.error_code).to_string()
                    });
                return Err(refused(format!(
                    "authentication as {} ({}) failed: {msg}",
                    sasl.username, sasl.mechanism
                )));
            }
            Ok(resp.auth_bytes.to_vec())
        };
        match Mechanism::from_name(&sasl.mechanism) {
            Some(m) => {
                let mut client = ScramClient::new(m, &sasl.username, &sasl.password.0);
                let server_first = round(client.first()).await?;
                let client_final = client
                    .respond(&server_first)
                    .map_err(|e| refused(format!("SCRAM with the broker failed: {e}")))?;
                let server_final = round(client_final).await?;
                client
                    .verify(&server_final)
                    .map_err(|e| refused(format!("SCRAM with the broker failed: {e}")))
            }
            None if sasl.mechanism.eq_ignore_ascii_case("PLAIN") => {
                round(scram::plain_message(&sasl.username, &sasl.password.0)).await?;
                Ok(())
            }
            None => Err(refused(format!(
                "kw speaks SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, not {}",
                sasl.mechanism
            ))),
        }
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
            let why = self
                .shared
                .error
                .lock()
                .expect("error lock poisoned")
                .clone();
            return Err(why.unwrap_or_else(|| Error::Disconnected {
                addr: self.addr.clone(),
                reason: "connection closed".into(),
            }));
        }
        let mut w = self.writer.lock().await;
        // TLS may keep part of a record buffered until flushed (a no-op on TCP).
        let written = match w.write_all(frame).await {
            Ok(()) => w.flush().await,
            Err(e) => Err(e),
        };
        written.map_err(|e| {
            let err = io_error(&self.addr, &e);
            self.shared.poison(err.clone());
            err
        })
    }
}
