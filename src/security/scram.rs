//! SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, as Kafka speaks it: no channel
//! binding, no SASLprep, the `tokenauth` extension refused) for both ends, and
//! SASL/PLAIN's message. Pure: the server is handed a credential lookup, the
//! client its password; every message from the peer is parsed defensively (a
//! bad one is an error, never a panic).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::rand::SecureRandom;
use ring::{digest, hmac, pbkdf2};

/// Kafka's bounds on iterations (ScramMechanism.minIterations/maxIterations).
pub const MIN_ITERATIONS: i32 = 4096;
pub const MAX_ITERATIONS: i32 = 16384;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mechanism {
    Sha256,
    Sha512,
}

impl Mechanism {
    pub const ALL: [Mechanism; 2] = [Mechanism::Sha256, Mechanism::Sha512];

    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Sha256 => "SCRAM-SHA-256",
            Mechanism::Sha512 => "SCRAM-SHA-512",
        }
    }

    /// KIP-554's numbering: 1 SCRAM-SHA-256, 2 SCRAM-SHA-512.
    pub fn code(self) -> i8 {
        match self {
            Mechanism::Sha256 => 1,
            Mechanism::Sha512 => 2,
        }
    }

    pub fn from_code(code: i8) -> Option<Mechanism> {
        Mechanism::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn from_name(name: &str) -> Option<Mechanism> {
        Mechanism::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name.trim()))
    }

    fn hmac(self) -> hmac::Algorithm {
        match self {
            Mechanism::Sha256 => hmac::HMAC_SHA256,
            Mechanism::Sha512 => hmac::HMAC_SHA512,
        }
    }

    fn digest(self) -> &'static digest::Algorithm {
        match self {
            Mechanism::Sha256 => &digest::SHA256,
            Mechanism::Sha512 => &digest::SHA512,
        }
    }

    fn pbkdf2(self) -> pbkdf2::Algorithm {
        match self {
            Mechanism::Sha256 => pbkdf2::PBKDF2_HMAC_SHA256,
            Mechanism::Sha512 => pbkdf2::PBKDF2_HMAC_SHA512,
        }
    }

    fn len(self) -> usize {
        self.digest().output_len()
    }
}

/// What the server keeps of a password: never the password itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub salt: Vec<u8>,
    pub stored_key: Vec<u8>,
    pub server_key: Vec<u8>,
    pub iterations: i32,
}

/// The keys would let anyone who reads them log in as the user: never printed.
impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScramError {
    /// A malformed or unexpected message (the peer is told nothing more).
    #[error("invalid SCRAM message: {0}")]
    Malformed(&'static str),
    /// Unknown user or wrong password: the same answer for both.
    #[error("invalid credentials")]
    BadCredentials,
    #[error("the {0} extension is not supported")]
    Extension(String),
    #[error("the server's signature does not match: it does not know the password")]
    BadServer,
    #[error("iterations out of range")]
    Iterations,
}

fn hmac_of(m: Mechanism, key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(m.hmac(), key), data)
        .as_ref()
        .to_vec()
}

fn hash(m: Mechanism, data: &[u8]) -> Vec<u8> {
    digest::digest(m.digest(), data).as_ref().to_vec()
}

/// Equal without an early exit.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Hi(password, salt, i): PBKDF2 with the mechanism's HMAC.
pub fn salted_password(m: Mechanism, password: &str, salt: &[u8], iterations: i32) -> Vec<u8> {
    let mut out = vec![0u8; m.len()];
    let n = std::num::NonZeroU32::new(iterations.max(1) as u32).expect("at least 1");
    pbkdf2::derive(m.pbkdf2(), n, salt, password.as_bytes(), &mut out);
    out
}

/// The stored credential for a salted password (what AlterUserScramCredentials
/// sends, the client having done the PBKDF2).
pub fn credential_from_salted(
    m: Mechanism,
    salt: &[u8],
    salted: &[u8],
    iterations: i32,
) -> Credential {
    let client_key = hmac_of(m, salted, b"Client Key");
    Credential {
        salt: salt.to_vec(),
        stored_key: hash(m, &client_key),
        server_key: hmac_of(m, salted, b"Server Key"),
        iterations,
    }
}

/// Random bytes from the system's generator.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut buf)
        .expect("the system random generator works");
    buf
}

/// A fresh salt and the credential for `password`.
pub fn new_credential(m: Mechanism, password: &str, iterations: i32) -> Credential {
    let salt = random_bytes(24);
    let salted = salted_password(m, password, &salt, iterations);
    credential_from_salted(m, &salt, &salted, iterations)
}

/// Whether `password` is the one `credential` was made from (PLAIN against the
/// SCRAM store).
pub fn password_matches(m: Mechanism, credential: &Credential, password: &str) -> bool {
    let salted = salted_password(m, password, &credential.salt, credential.iterations);
    same(
        &credential_from_salted(m, &credential.salt, &salted, credential.iterations).stored_key,
        &credential.stored_key,
    )
}

/// A printable nonce without commas.
fn nonce() -> String {
    B64.encode(random_bytes(24))
}

/// `a=v` attributes of a SCRAM message.
fn attributes(msg: &str) -> Vec<(char, &str)> {
    msg.split(',')
        .filter_map(|part| {
            let mut chars = part.chars();
            let key = chars.next()?;
            let rest = chars.as_str();
            rest.strip_prefix('=').map(|v| (key, v))
        })
        // Only the first few are ever read; a message of thousands is not kept.
        .take(8)
        .collect()
}

/// saslname's escapes: `=2C` is `,` and `=3D` is `=`; any other `=` is invalid.
fn unescape_name(name: &str) -> Result<String, ScramError> {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        let code = rest
            .get(i + 1..i + 3)
            .ok_or(ScramError::Malformed("bad escape in the user name"))?;
        out.push(match code {
            "2C" => ',',
            "3D" => '=',
            _ => return Err(ScramError::Malformed("bad escape in the user name")),
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

fn escape_name(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

enum ServerState {
    Initial,
    First {
        user: String,
        /// "n,[a=authzid]," as the client sent it: its client-final must bind it.
        gs2_header: String,
        client_first_bare: String,
        server_first: String,
        nonce: String,
        credential: Credential,
    },
    Done,
}

/// The server side of one SCRAM exchange.
pub struct ScramServer {
    mechanism: Mechanism,
    state: ServerState,
}

impl ScramServer {
    pub fn new(mechanism: Mechanism) -> ScramServer {
        ScramServer {
            mechanism,
            state: ServerState::Initial,
        }
    }

    /// The client-first message; returns server-first. `lookup` finds the user's
    /// credential for this mechanism.
    pub fn first(
        &mut self,
        msg: &[u8],
        lookup: impl FnOnce(&str) -> Option<Credential>,
    ) -> Result<Vec<u8>, ScramError> {
        if !matches!(self.state, ServerState::Initial) {
            return Err(ScramError::Malformed("a second client-first message"));
        }
        self.state = ServerState::Done;
        let msg = std::str::from_utf8(msg).map_err(|_| ScramError::Malformed("not UTF-8"))?;
        // gs2 header: only "n" (no channel binding), then an optional authzid.
        let (gs2, rest) = msg
            .split_once(',')
            .ok_or(ScramError::Malformed("no gs2 header"))?;
        if gs2 != "n" {
            return Err(ScramError::Malformed("channel binding is not supported"));
        }
        let (authzid, bare) = rest
            .split_once(',')
            .ok_or(ScramError::Malformed("no gs2 header"))?;
        let attrs = attributes(bare);
        let user = match attrs.first() {
            Some(('n', name)) => unescape_name(name)?,
            _ => return Err(ScramError::Malformed("no user name")),
        };
        let client_nonce = match attrs.get(1) {
            Some(('r', n)) if !n.is_empty() => n.to_string(),
            _ => return Err(ScramError::Malformed("no nonce")),
        };
        // Extensions: only Kafka's tokenauth exists, and kw has no delegation tokens.
        if bare.split(',').any(|p| p.starts_with("tokenauth=")) {
            return Err(ScramError::Extension(
                "tokenauth (delegation tokens)".into(),
            ));
        }
        match authzid.strip_prefix("a=") {
            None if authzid.is_empty() => {}
            None => return Err(ScramError::Malformed("a malformed authorization id")),
            Some(a) if unescape_name(a)? != user => {
                return Err(ScramError::Malformed(
                    "an authorization id other than the user",
                ))
            }
            Some(_) => {}
        }
        if user.is_empty() {
            return Err(ScramError::BadCredentials);
        }
        let credential = lookup(&user).ok_or(ScramError::BadCredentials)?;
        if credential.iterations < MIN_ITERATIONS {
            return Err(ScramError::Iterations);
        }
        let nonce = format!("{client_nonce}{}", self::nonce());
        let server_first = format!(
            "r={nonce},s={},i={}",
            B64.encode(&credential.salt),
            credential.iterations
        );
        self.state = ServerState::First {
            user,
            gs2_header: format!("n,{authzid},"),
            client_first_bare: bare.to_string(),
            server_first: server_first.clone(),
            nonce,
            credential,
        };
        Ok(server_first.into_bytes())
    }

    /// The client-final message; returns server-final and the authenticated user.
    pub fn finish(&mut self, msg: &[u8]) -> Result<(Vec<u8>, String), ScramError> {
        let ServerState::First {
            user,
            gs2_header,
            client_first_bare,
            server_first,
            nonce,
            credential,
        } = std::mem::replace(&mut self.state, ServerState::Done)
        else {
            return Err(ScramError::Malformed("client-final before client-first"));
        };
        let m = self.mechanism;
        let msg = std::str::from_utf8(msg).map_err(|_| ScramError::Malformed("not UTF-8"))?;
        let (without_proof, proof) = msg
            .rsplit_once(",p=")
            .ok_or(ScramError::Malformed("no proof"))?;
        let attrs = attributes(without_proof);
        match attrs.as_slice() {
            // RFC 5802: the channel binding repeats the gs2 header ("biws" for "n,,").
            [('c', c), ..] if *c != B64.encode(&gs2_header) => {
                return Err(ScramError::Malformed(
                    "the channel binding is not the gs2 header",
                ))
            }
            // Kafka accepts a nonce that ends with the server's: librdkafka sends
            // its own nonce in front of the combined one.
            [('c', _), ('r', r), ..] if r.ends_with(&nonce) => {}
            [('c', _), ('r', _), ..] => return Err(ScramError::Malformed("wrong nonce")),
            _ => return Err(ScramError::Malformed("no channel binding or nonce")),
        }
        let proof = B64
            .decode(proof)
            .map_err(|_| ScramError::Malformed("proof is not base64"))?;
        if proof.len() != m.len() {
            return Err(ScramError::BadCredentials);
        }
        let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
        let client_signature = hmac_of(m, &credential.stored_key, auth_message.as_bytes());
        let client_key: Vec<u8> = client_signature
            .iter()
            .zip(&proof)
            .map(|(a, b)| a ^ b)
            .collect();
        if !same(&hash(m, &client_key), &credential.stored_key) {
            return Err(ScramError::BadCredentials);
        }
        let server_signature = hmac_of(m, &credential.server_key, auth_message.as_bytes());
        Ok((
            format!("v={}", B64.encode(server_signature)).into_bytes(),
            user,
        ))
    }
}

/// The client side of one SCRAM exchange.
pub struct ScramClient {
    mechanism: Mechanism,
    password: String,
    client_first_bare: String,
    nonce: String,
    server_signature: Option<Vec<u8>>,
}

impl ScramClient {
    pub fn new(mechanism: Mechanism, user: &str, password: &str) -> ScramClient {
        let nonce = nonce();
        ScramClient {
            mechanism,
            password: password.to_string(),
            client_first_bare: format!("n={},r={nonce}", escape_name(user)),
            nonce,
            server_signature: None,
        }
    }

    pub fn first(&self) -> Vec<u8> {
        format!("n,,{}", self.client_first_bare).into_bytes()
    }

    /// Server-first in, client-final out.
    pub fn respond(&mut self, server_first: &[u8]) -> Result<Vec<u8>, ScramError> {
        let m = self.mechanism;
        let text =
            std::str::from_utf8(server_first).map_err(|_| ScramError::Malformed("not UTF-8"))?;
        let attrs = attributes(text);
        let (nonce, salt, iterations) = match attrs.as_slice() {
            [('r', r), ('s', s), ('i', i), ..] => (*r, *s, *i),
            _ => return Err(ScramError::Malformed("server-first lacks r, s or i")),
        };
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return Err(ScramError::Malformed(
                "the server's nonce does not extend ours",
            ));
        }
        let salt = B64
            .decode(salt)
            .map_err(|_| ScramError::Malformed("salt is not base64"))?;
        let iterations: i32 = iterations
            .parse()
            .map_err(|_| ScramError::Malformed("iterations are not a number"))?;
        // As Kafka's client: fewer than 4096 rounds would hand a hostile server a
        // proof cheap to crack, and Kafka never stores more than 16384 (more would
        // let a hostile server make the client spin).
        if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
            return Err(ScramError::Iterations);
        }
        let salted = salted_password(m, &self.password, &salt, iterations);
        let client_key = hmac_of(m, &salted, b"Client Key");
        let stored_key = hash(m, &client_key);
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{text},{without_proof}", self.client_first_bare);
        let client_signature = hmac_of(m, &stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&client_signature)
            .map(|(a, b)| a ^ b)
            .collect();
        let server_key = hmac_of(m, &salted, b"Server Key");
        self.server_signature = Some(hmac_of(m, &server_key, auth_message.as_bytes()));
        Ok(format!("{without_proof},p={}", B64.encode(proof)).into_bytes())
    }

    /// Server-final: the server proves it knew the password too.
    pub fn verify(&self, server_final: &[u8]) -> Result<(), ScramError> {
        let text =
            std::str::from_utf8(server_final).map_err(|_| ScramError::Malformed("not UTF-8"))?;
        let expected = self
            .server_signature
            .as_ref()
            .ok_or(ScramError::BadServer)?;
        match attributes(text).first() {
            Some(('v', v)) if B64.decode(v).is_ok_and(|sig| same(&sig, expected)) => Ok(()),
            Some(('e', _)) => Err(ScramError::BadCredentials),
            _ => Err(ScramError::BadServer),
        }
    }
}

/// SASL/PLAIN's message (RFC 4616): `authzid NUL user NUL password`. Kafka refuses
/// an authzid other than the user (kafka-python sends the user as authzid).
pub fn parse_plain(msg: &[u8]) -> Result<(String, String), &'static str> {
    let text = std::str::from_utf8(msg).map_err(|_| "Invalid SASL/PLAIN response: not UTF-8")?;
    let parts: Vec<&str> = text.split('\0').collect();
    let [authzid, user, password] = parts.as_slice() else {
        return Err("Invalid SASL/PLAIN response: expected 3 tokens");
    };
    if user.is_empty() {
        return Err("Authentication failed: username not specified");
    }
    if password.is_empty() {
        return Err("Authentication failed: password not specified");
    }
    if !authzid.is_empty() && authzid != user {
        return Err("Authentication failed: Client requested an authorization id that is different from username");
    }
    Ok((user.to_string(), password.to_string()))
}

/// SASL/PLAIN's message for `user` and `password`.
pub fn plain_message(user: &str, password: &str) -> Vec<u8> {
    format!("\0{user}\0{password}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(
        m: Mechanism,
        stored: &Credential,
        user: &str,
        password: &str,
    ) -> Result<String, ScramError> {
        let mut client = ScramClient::new(m, user, password);
        let mut server = ScramServer::new(m);
        let server_first =
            server.first(&client.first(), |u| (u == "alice").then(|| stored.clone()))?;
        let client_final = client.respond(&server_first)?;
        let (server_final, who) = server.finish(&client_final)?;
        client.verify(&server_final)?;
        Ok(who)
    }

    #[test]
    fn both_mechanisms_authenticate_the_right_password_only() {
        for m in Mechanism::ALL {
            let stored = new_credential(m, "alice-secret", 4096);
            assert_eq!(
                exchange(m, &stored, "alice", "alice-secret").unwrap(),
                "alice"
            );
            assert_eq!(
                exchange(m, &stored, "alice", "wrong"),
                Err(ScramError::BadCredentials)
            );
            assert_eq!(
                exchange(m, &stored, "bob", "alice-secret"),
                Err(ScramError::BadCredentials)
            );
            assert!(password_matches(m, &stored, "alice-secret"));
            assert!(!password_matches(m, &stored, "alice-secret2"));
        }
    }

    /// RFC 7677's SCRAM-SHA-256 example (user "user", password "pencil").
    #[test]
    fn the_rfc_7677_example_verifies() {
        let m = Mechanism::Sha256;
        let salt = B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let salted = salted_password(m, "pencil", &salt, 4096);
        let stored = credential_from_salted(m, &salt, &salted, 4096);
        let mut server = ScramServer::new(m);
        // The server's nonce is random, so only the client side of the example is
        // replayed: the client's proof for the RFC's exchange checks out.
        let client_first_bare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
        let server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let client_final = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        let auth = format!("{client_first_bare},{server_first},{client_final}");
        let client_key = hmac_of(m, &salted, b"Client Key");
        let signature = hmac_of(m, &stored.stored_key, auth.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&signature)
            .map(|(a, b)| a ^ b)
            .collect();
        assert_eq!(
            B64.encode(&proof),
            "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        let server_sig = hmac_of(m, &stored.server_key, auth.as_bytes());
        assert_eq!(
            B64.encode(server_sig),
            "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        );
        // And a server refuses a client-final that comes first.
        assert!(server.finish(b"c=biws,r=x,p=AAAA").is_err());
    }

    #[test]
    fn hostile_messages_are_errors() {
        let m = Mechanism::Sha512;
        let stored = new_credential(m, "pw", 4096);
        for bad in [
            &b""[..],
            b"\xff\xfe",
            b"y,,n=alice,r=abc",
            b"p=tls-unique,,n=alice,r=abc",
            b"n,,r=abc",
            b"n,,n=alice",
            b"n,,n=al=ZZice,r=abc",
            b"n,a=bob,n=alice,r=abc",
            b"n,,n=alice,r=abc,tokenauth=true",
            b"n,",
        ] {
            let mut s = ScramServer::new(m);
            assert!(s.first(bad, |_| Some(stored.clone())).is_err(), "{bad:?}");
        }
        let mut s = ScramServer::new(m);
        let first = s
            .first(b"n,,n=alice,r=abc", |_| Some(stored.clone()))
            .unwrap();
        let text = String::from_utf8(first).unwrap();
        assert!(text.starts_with("r=abc") && text.contains(",s=") && text.ends_with(",i=4096"));
        for bad in [
            &b"c=biws,r=abc,p=AAAA"[..],
            b"c=biws,p=",
            b"garbage",
            b"c=biws,r=abc",
        ] {
            let mut s2 = ScramServer::new(m);
            s2.first(b"n,,n=alice,r=abc", |_| Some(stored.clone()))
                .unwrap();
            assert!(s2.finish(bad).is_err(), "{bad:?}");
        }
        // A malformed authorization id, and a channel binding that is not the gs2
        // header, are refused.
        assert!(ScramServer::new(m)
            .first(b"n,xyz,n=alice,r=abc", |_| Some(stored.clone()))
            .is_err());
        let mut s3 = ScramServer::new(m);
        let first = s3
            .first(b"n,,n=alice,r=abc", |_| Some(stored.clone()))
            .unwrap();
        let server_nonce = String::from_utf8(first).unwrap()[2..]
            .split(',')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            s3.finish(format!("c=eSws,r={server_nonce},p=AAAA").as_bytes()),
            Err(ScramError::Malformed(
                "the channel binding is not the gs2 header"
            ))
        );
        // Too few iterations stored: refused.
        let weak = new_credential(m, "pw", 1000);
        assert_eq!(
            ScramServer::new(m).first(b"n,,n=alice,r=abc", |_| Some(weak.clone())),
            Err(ScramError::Iterations)
        );
        // A client refuses a server that does not extend its nonce or asks too much.
        let mut c = ScramClient::new(m, "alice", "pw");
        assert!(c.respond(b"r=other,s=AAAA,i=4096").is_err());
        let nonce = c.nonce.clone();
        for i in ["999999999", "16385", "4095", "1"] {
            assert_eq!(
                c.respond(format!("r={nonce}x,s=AAAA,i={i}").as_bytes()),
                Err(ScramError::Iterations),
                "i={i}"
            );
        }
        assert!(c
            .respond(format!("r={nonce}x,s=AAAA,i=999999999").as_bytes())
            .is_err());
        assert!(c.verify(b"v=AAAA").is_err());
    }

    #[test]
    fn names_escape_both_ways() {
        assert_eq!(escape_name("a,b=c"), "a=2Cb=3Dc");
        assert_eq!(unescape_name("a=2Cb=3Dc").unwrap(), "a,b=c");
        assert!(unescape_name("a=").is_err());
    }

    #[test]
    fn plain_messages() {
        assert_eq!(
            parse_plain(b"\0alice\0pw"),
            Ok(("alice".into(), "pw".into()))
        );
        assert_eq!(
            parse_plain(b"alice\0alice\0pw"),
            Ok(("alice".into(), "pw".into()))
        );
        assert!(parse_plain(b"bob\0alice\0pw").is_err());
        assert!(parse_plain(b"\0alice").is_err());
        assert!(parse_plain(b"\0\0pw").is_err());
        assert!(parse_plain(b"\0alice\0").is_err());
        assert_eq!(plain_message("alice", "pw"), b"\0alice\0pw");
    }
}
