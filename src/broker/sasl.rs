//! Authentication on SASL_PLAINTEXT and SASL_SSL listeners (KIP-152), before any
//! other request is served: ApiVersions (once), SaslHandshake v1, then
//! SaslAuthenticate rounds of PLAIN or SCRAM-SHA-256/512. Anything else, or a
//! failure, closes the connection (a failed login after Kafka's 100 ms delay,
//! with SASL_AUTHENTICATION_FAILED and Kafka's message first).

use bytes::Bytes;
use kafka_protocol::messages::{
    ApiKey, RequestKind, ResponseKind, SaslAuthenticateResponse, SaslHandshakeResponse,
};

use super::dispatch::{self, Decoded, DispatchError};
use super::handlers;
use super::Broker;
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;
use crate::security::scram::{self, Mechanism, ScramServer};
use crate::security::Principal;

/// What the connection does after one request frame.
pub enum Step {
    /// Answer and wait for the next frame.
    Continue(Bytes),
    /// Answer; the peer is now `Principal`.
    Done(Bytes, Principal),
    /// Answer if there is an answer, then close.
    Fail(Option<Bytes>, String),
}

enum State {
    Start,
    /// ApiVersions answered.
    Versions,
    /// After the handshake; `raw`: a v0 handshake, so SASL tokens come as bare
    /// length-prefixed frames, not SaslAuthenticate requests.
    Plain {
        raw: bool,
    },
    Scram {
        server: Box<ScramServer>,
        mechanism: Mechanism,
        started: bool,
        raw: bool,
    },
}

/// One round of a mechanism: a reply, and who the peer is once it is done.
enum Round {
    More(Vec<u8>),
    Done(Vec<u8>, Principal),
}

/// Feed one SASL token to the mechanism; an error is the message for the client.
async fn round(state: &mut State, broker: &Broker, token: &[u8]) -> Result<Round, String> {
    match state {
        State::Plain { .. } => {
            let (user, password) = scram::parse_plain(token).map_err(str::to_string)?;
            if !plain_ok(broker, &user, password).await {
                return Err("Authentication failed: Invalid username or password".into());
            }
            Ok(Round::Done(Vec::new(), Principal::user(&user)))
        }
        State::Scram {
            server,
            mechanism,
            started,
            ..
        } => {
            let m = *mechanism;
            // Every SCRAM failure gets Kafka's one message, whatever went wrong.
            let generic = || {
                format!("Authentication failed during authentication due to invalid credentials with SASL mechanism {}", m.name())
            };
            if !*started {
                *started = true;
                let image = broker.controller.image();
                let lookup = |user: &str| image.scram.get(user)?.get(&m.code()).cloned();
                server.first(token, lookup).map(Round::More).map_err(|e| {
                    tracing::debug!(error = %e, "SCRAM client-first refused");
                    generic()
                })
            } else {
                server
                    .finish(token)
                    .map(|(reply, user)| Round::Done(reply, Principal::user(&user)))
                    .map_err(|e| {
                        tracing::debug!(error = %e, "SCRAM client-final refused");
                        generic()
                    })
            }
        }
        _ => Err("no SASL mechanism was chosen".into()),
    }
}

/// A bare SASL token frame (after a v0 handshake).
fn raw_frame(token: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(4 + token.len());
    out.extend_from_slice(&(token.len() as u32).to_be_bytes());
    out.extend_from_slice(token);
    Bytes::from(out)
}

pub struct Authenticator {
    state: State,
}

impl Default for Authenticator {
    fn default() -> Self {
        Authenticator {
            state: State::Start,
        }
    }
}

fn respond(
    key: ApiKey,
    version: i16,
    correlation_id: i32,
    resp: ResponseKind,
) -> Result<Bytes, DispatchError> {
    dispatch::encode(key, version, correlation_id, &resp)
}

fn authenticate_response(
    version: i16,
    correlation_id: i32,
    bytes: Vec<u8>,
) -> Result<Bytes, DispatchError> {
    respond(
        ApiKey::SaslAuthenticate,
        version,
        correlation_id,
        ResponseKind::SaslAuthenticate(
            SaslAuthenticateResponse::default().with_auth_bytes(Bytes::from(bytes)),
        ),
    )
}

fn failed(version: i16, correlation_id: i32, message: String) -> Result<Step, DispatchError> {
    let resp = respond(
        ApiKey::SaslAuthenticate,
        version,
        correlation_id,
        ResponseKind::SaslAuthenticate(
            SaslAuthenticateResponse::default()
                .with_error_code(ResponseError::SaslAuthenticationFailed.code())
                .with_error_message(Some(sb(message.clone()))),
        ),
    )?;
    Ok(Step::Fail(Some(resp), message))
}

/// Whether `password` is `user`'s: PLAIN's users in `sasl.jaas.config`, then the
/// SCRAM credentials of the metadata log.
async fn plain_ok(broker: &Broker, user: &str, password: String) -> bool {
    if let Some(expected) = broker.config.sasl.plain_users.get(user) {
        // Compared in time independent of where they differ (lengths included).
        let (a, b) = (expected.0.as_bytes(), password.as_bytes());
        let longest = a.len().max(b.len());
        let diff = (0..longest).fold(u8::from(a.len() != b.len()), |acc, i| {
            acc | (a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0))
        });
        return diff == 0;
    }
    let image = broker.controller.image();
    // The strongest mechanism the user has.
    let Some((m, c)) = image.scram.get(user).and_then(|creds| {
        creds
            .iter()
            .next_back()
            .and_then(|(code, c)| Some((Mechanism::from_code(*code)?, c.clone())))
    }) else {
        return false;
    };
    // Thousands of PBKDF2 rounds: not on an async worker.
    tokio::task::spawn_blocking(move || scram::password_matches(m, &c, &password))
        .await
        .unwrap_or(false)
}

/// Handle one frame of a connection that has not authenticated yet.
pub async fn step(auth: &mut Authenticator, broker: &Broker, frame: Bytes) -> Step {
    match step_inner(auth, broker, frame).await {
        Ok(s) => s,
        Err(e) => Step::Fail(None, e.to_string()),
    }
}

async fn step_inner(
    auth: &mut Authenticator,
    broker: &Broker,
    frame: Bytes,
) -> Result<Step, DispatchError> {
    if matches!(
        auth.state,
        State::Plain { raw: true } | State::Scram { raw: true, .. }
    ) {
        // Failures close without an answer: v0 framing has no room for an error.
        return Ok(match round(&mut auth.state, broker, &frame).await {
            Ok(Round::More(reply)) => Step::Continue(raw_frame(&reply)),
            Ok(Round::Done(reply, who)) => Step::Done(raw_frame(&reply), who),
            Err(why) => Step::Fail(None, why),
        });
    }
    // Only ApiVersions, SaslHandshake and SaslAuthenticate come before
    // authentication: anything else closes the connection before it is decoded (a
    // decoded request can take far more memory than its frame).
    let key = crate::protocol::frame::peek_request_prefix(&frame)?.api_key;
    if ![
        ApiKey::ApiVersions as i16,
        ApiKey::SaslHandshake as i16,
        ApiKey::SaslAuthenticate as i16,
    ]
    .contains(&key)
    {
        return Ok(Step::Fail(
            None,
            format!("API key {key} before authentication"),
        ));
    }
    let (key, version, header, request) = match dispatch::decode(frame)? {
        // An ApiVersions version this broker does not know: the client retries.
        Decoded::Answer(bytes) => return Ok(Step::Continue(bytes)),
        Decoded::Request(r) => *r,
    };
    let cid = header.correlation_id;
    let enabled = &broker.config.sasl.mechanisms;
    let state = std::mem::replace(&mut auth.state, State::Start);
    match (state, request) {
        (State::Start, RequestKind::ApiVersions(_)) => {
            auth.state = State::Versions;
            let resp = handlers::api_versions::handle();
            Ok(Step::Continue(respond(
                key,
                version,
                cid,
                ResponseKind::ApiVersions(resp),
            )?))
        }
        (State::Start | State::Versions, RequestKind::SaslHandshake(r)) => {
            let wanted = r.mechanism.to_string();
            let resp = SaslHandshakeResponse::default()
                .with_mechanisms(enabled.iter().map(|m| sb(m.clone())).collect());
            if !enabled.contains(&wanted) {
                let resp = resp.with_error_code(ResponseError::UnsupportedSaslMechanism.code());
                return Ok(Step::Fail(
                    Some(respond(
                        key,
                        version,
                        cid,
                        ResponseKind::SaslHandshake(resp),
                    )?),
                    format!("unsupported SASL mechanism {wanted}"),
                ));
            }
            let raw = version == 0;
            auth.state = match Mechanism::from_name(&wanted) {
                Some(m) => State::Scram {
                    server: Box::new(ScramServer::new(m)),
                    mechanism: m,
                    started: false,
                    raw,
                },
                None => State::Plain { raw },
            };
            Ok(Step::Continue(respond(
                key,
                version,
                cid,
                ResponseKind::SaslHandshake(resp),
            )?))
        }
        (
            mut state @ (State::Plain { .. } | State::Scram { .. }),
            RequestKind::SaslAuthenticate(r),
        ) => match round(&mut state, broker, &r.auth_bytes).await {
            Ok(Round::More(reply)) => {
                auth.state = state;
                Ok(Step::Continue(authenticate_response(version, cid, reply)?))
            }
            Ok(Round::Done(reply, who)) => {
                Ok(Step::Done(authenticate_response(version, cid, reply)?, who))
            }
            Err(why) => failed(version, cid, why),
        },
        _ => Ok(Step::Fail(
            None,
            format!("unexpected {key:?} request during SASL authentication"),
        )),
    }
}
