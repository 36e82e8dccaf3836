//! TLS for listeners and clients through rustls (ring as the crypto provider):
//! certificates and keys from PEM files or PEM text under Kafka's and librdkafka's
//! settings, client certificates (mTLS) and the principal they name, and handshake
//! failures turned into one sentence that says what to fix.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_rustls::rustls;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::CryptoProvider;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use tokio_rustls::rustls::{
    AlertDescription, CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

pub use tokio_rustls::{TlsAcceptor, TlsConnector};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {what} {path}: {source}")]
    Read {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("{what} holds no PEM certificate")]
    NoCertificate { what: String },
    #[error("{what} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")]
    NoKey { what: String },
    #[error("{what} holds an encrypted private key, which kw cannot read: decrypt it first (openssl pkey -in KEY -out PLAIN_KEY)")]
    EncryptedKey { what: String },
    #[error("{0}")]
    Config(String),
}

/// `ssl.client.auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    #[default]
    None,
    Requested,
    Required,
}

impl std::str::FromStr for ClientAuth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(ClientAuth::None),
            "requested" => Ok(ClientAuth::Requested),
            "required" => Ok(ClientAuth::Required),
            _ => Err(format!("'{s}' is not none, requested or required")),
        }
    }
}

/// Where a PEM item comes from: a file (`*.location`) or the PEM text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pem {
    File(PathBuf),
    Text(String),
}

impl Pem {
    fn bytes(&self, what: &'static str) -> Result<Vec<u8>, TlsError> {
        match self {
            Pem::File(path) => std::fs::read(path).map_err(|source| TlsError::Read {
                what,
                path: path.clone(),
                source,
            }),
            Pem::Text(text) => Ok(text.as_bytes().to_vec()),
        }
    }

    fn describe(&self, what: &str) -> String {
        match self {
            Pem::File(p) => format!("{what} {}", p.display()),
            Pem::Text(_) => what.to_string(),
        }
    }
}

fn certificates(pem: &Pem, what: &'static str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = pem.bytes(what)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            what: pem.describe(what),
        });
    }
    Ok(certs)
}

fn private_key(pem: &Pem, what: &'static str) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bytes = pem.bytes(what)?;
    match PrivateKeyDer::from_pem_slice(&bytes) {
        Ok(k) => Ok(k),
        Err(_) if String::from_utf8_lossy(&bytes).contains("ENCRYPTED PRIVATE KEY") => {
            Err(TlsError::EncryptedKey {
                what: pem.describe(what),
            })
        }
        Err(_) => Err(TlsError::NoKey {
            what: pem.describe(what),
        }),
    }
}

/// ring, not aws-lc-rs: it builds with a plain C compiler (no cmake) on every
/// machine kw targets. rustls marks it deprecated for lacking post-quantum key
/// exchange, which Kafka clients do not offer today either.
#[allow(deprecated)]
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots(certs: Vec<CertificateDer<'static>>, what: &str) -> Result<RootCertStore, TlsError> {
    let mut store = RootCertStore::empty();
    let (added, _ignored) = store.add_parsable_certificates(certs);
    if added == 0 {
        return Err(TlsError::Config(format!(
            "{what} holds no usable CA certificate"
        )));
    }
    Ok(store)
}

/// A listener's TLS settings (Kafka's `ssl.*` broker configs).
#[derive(Debug, Clone, Default)]
pub struct ServerTls {
    /// The certificate chain, leaf first: `ssl.keystore.location` (with the key in
    /// the same file) or `ssl.keystore.certificate.chain`.
    pub chain: Option<Pem>,
    /// `ssl.keystore.location` again, or `ssl.keystore.key`.
    pub key: Option<Pem>,
    /// CAs that sign client certificates: `ssl.truststore.location` or
    /// `ssl.truststore.certificates`.
    pub trust: Option<Pem>,
    pub client_auth: ClientAuth,
}

impl ServerTls {
    /// The rustls configuration; every file is read and checked here, once.
    pub fn config(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let chain = self.chain.as_ref().ok_or_else(|| {
            TlsError::Config("a TLS listener needs ssl.keystore.location (or ssl.keystore.certificate.chain and ssl.keystore.key)".into())
        })?;
        let key = self.key.as_ref().unwrap_or(chain);
        let chain = certificates(chain, "ssl.keystore")?;
        let key = private_key(key, "ssl.keystore")?;
        let builder = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?;
        let builder = match (self.client_auth, &self.trust) {
            (ClientAuth::None, _) => builder.with_no_client_auth(),
            (_, None) => {
                return Err(TlsError::Config(
                    "ssl.client.auth needs ssl.truststore.location (the CAs that sign client certificates)".into(),
                ))
            }
            (auth, Some(trust)) => {
                let store = roots(
                    certificates(trust, "ssl.truststore")?,
                    &trust.describe("ssl.truststore"),
                )?;
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(store),
                    provider(),
                );
                let verifier = if auth == ClientAuth::Requested {
                    verifier.allow_unauthenticated()
                } else {
                    verifier
                };
                builder.with_client_cert_verifier(
                    verifier
                        .build()
                        .map_err(|e| TlsError::Config(format!("ssl.truststore: {e}")))?,
                )
            }
        };
        let config = builder
            .with_single_cert(chain, key)
            .map_err(|e| TlsError::Config(format!("ssl.keystore: {e}")))?;
        Ok(Arc::new(config))
    }
}

/// A client's TLS settings (librdkafka's `ssl.*` properties).
#[derive(Debug, Clone)]
pub struct ClientTls {
    /// `ssl.ca.location` / `ssl.ca.pem`; None: the system's CA bundle.
    pub ca: Option<Pem>,
    /// `ssl.certificate.location` / `ssl.certificate.pem`.
    pub certificate: Option<Pem>,
    /// `ssl.key.location` / `ssl.key.pem`.
    pub key: Option<Pem>,
    /// `enable.ssl.certificate.verification`.
    pub verify_certificate: bool,
    /// `ssl.endpoint.identification.algorithm=https` (librdkafka's default).
    pub verify_hostname: bool,
}

impl Default for ClientTls {
    fn default() -> Self {
        ClientTls {
            ca: None,
            certificate: None,
            key: None,
            verify_certificate: true,
            verify_hostname: true,
        }
    }
}

/// The system's CA bundle, where the common distributions keep it.
fn system_roots() -> Vec<CertificateDer<'static>> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("SSL_CERT_FILE")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.extend(
        [
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/cert.pem",
        ]
        .iter()
        .map(PathBuf::from),
    );
    candidates
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|bytes| {
            CertificateDer::pem_slice_iter(&bytes)
                .filter_map(Result::ok)
                .collect::<Vec<_>>()
        })
        .find(|certs| !certs.is_empty())
        .unwrap_or_default()
}

impl ClientTls {
    pub fn config(&self) -> Result<Arc<rustls::ClientConfig>, TlsError> {
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?;
        let builder = if !self.verify_certificate {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAny(provider())))
        } else {
            let store = match &self.ca {
                Some(ca) => roots(certificates(ca, "ssl.ca")?, &ca.describe("ssl.ca"))?,
                None => {
                    let mut store = RootCertStore::empty();
                    store.add_parsable_certificates(system_roots());
                    store
                }
            };
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(store),
                provider(),
            )
            .build()
            .map_err(|e| TlsError::Config(format!("ssl.ca: {e}")))?;
            if self.verify_hostname {
                builder.with_webpki_verifier(webpki)
            } else {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(AnyName(webpki)))
            }
        };
        let config = match (&self.certificate, &self.key) {
            (None, None) => builder.with_no_client_auth(),
            (Some(cert), key) => {
                let key = key.as_ref().unwrap_or(cert);
                builder
                    .with_client_auth_cert(
                        certificates(cert, "ssl.certificate")?,
                        private_key(key, "ssl.key")?,
                    )
                    .map_err(|e| TlsError::Config(format!("ssl.certificate/ssl.key: {e}")))?
            }
            (None, Some(_)) => {
                return Err(TlsError::Config(
                    "ssl.key.location needs ssl.certificate.location".into(),
                ))
            }
        };
        Ok(Arc::new(config))
    }
}

/// `enable.ssl.certificate.verification=false`: any certificate is accepted, but
/// the handshake's signatures are still checked against it.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `ssl.endpoint.identification.algorithm=none`: the chain is verified, the host
/// name is not.
#[derive(Debug)]
struct AnyName(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The name to verify a broker's certificate against: its host or IP address.
pub fn server_name(host: &str) -> Result<ServerName<'static>, TlsError> {
    ServerName::try_from(host.trim_matches(|c| c == '[' || c == ']').to_string())
        .map_err(|_| TlsError::Config(format!("'{host}' is not a host name TLS can verify")))
}

/// The principal a verified client certificate names (its subject, RFC 2253).
pub fn certificate_principal(cert: &CertificateDer<'_>) -> Option<String> {
    super::x509::subject_name(cert.as_ref())
}

/// What went wrong in a client's TLS handshake, as the end of the sentence
/// "TLS handshake with HOST:PORT failed: ...".
pub fn explain_client_handshake(e: &io::Error, host: &str) -> String {
    let tls = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::InvalidCertificate(c)) => match c {
            CertificateError::UnknownIssuer => "the broker's certificate is not signed by a CA kw trusts (set ssl.ca.location to the CA's PEM file)".into(),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => format!(
                "the broker's certificate is not valid for {host} (connect by a name it lists, or set ssl.endpoint.identification.algorithm=none)"
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => "the broker's certificate has expired".into(),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => "the broker's certificate is not valid yet".into(),
            other => format!("the broker's certificate was refused ({other:?})"),
        },
        Some(rustls::Error::AlertReceived(alert)) => match alert {
            AlertDescription::CertificateRequired | AlertDescription::HandshakeFailure => {
                "the broker requires a client certificate (set ssl.certificate.location and ssl.key.location)".into()
            }
            AlertDescription::UnknownCA | AlertDescription::BadCertificate => {
                "the broker does not trust kw's client certificate".into()
            }
            AlertDescription::CertificateExpired => "the broker says kw's client certificate has expired".into(),
            other => format!("the broker sent TLS alert {other:?}"),
        },
        Some(rustls::Error::InvalidMessage(_)) | Some(rustls::Error::InappropriateMessage { .. }) => {
            "the broker did not answer in TLS: is this a PLAINTEXT or SASL_PLAINTEXT listener?".into()
        }
        Some(other) => other.to_string(),
        None if matches!(
            e.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
        ) =>
        {
            "the broker closed the connection: is this a PLAINTEXT or SASL_PLAINTEXT listener?".into()
        }
        None => e.to_string(),
    }
}

/// Whether an I/O error is TLS refusing something (an alert, a bad certificate).
pub fn is_tls_error(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}

/// What went wrong in a listener's handshake with a client, for its log line.
pub fn explain_server_handshake(e: &io::Error) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidMessage(_)) => {
            "the client did not speak TLS (a PLAINTEXT client on a TLS listener?)".into()
        }
        Some(other) => other.to_string(),
        None => e.to_string(),
    }
}

/// Read a PEM file's certificates (for tests and diagnostics).
pub fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    certificates(&Pem::File(path.to_path_buf()), "certificate file")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ca() -> (rcgen::Certificate, rcgen::KeyPair) {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "kw test CA");
        (params.self_signed(&key).unwrap(), key)
    }

    #[test]
    fn a_client_certificate_names_its_subject_last_rdn_first() {
        let (ca, ca_key) = ca();
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["client".to_string()]).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CountryName, "US");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "kw, inc");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationalUnitName, "eng");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "alice");
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        assert_eq!(
            certificate_principal(cert.der()).as_deref(),
            Some("CN=alice,OU=eng,O=kw\\, inc,C=US")
        );
    }

    #[test]
    fn server_and_client_configs_load_from_pem() {
        let (ca, ca_key) = ca();
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        let both = format!("{}{}", key.serialize_pem(), cert.pem());
        let server = ServerTls {
            chain: Some(Pem::Text(both.clone())),
            key: None,
            trust: Some(Pem::Text(ca.pem())),
            client_auth: ClientAuth::Required,
        };
        server.config().unwrap();
        let missing = ServerTls {
            chain: Some(Pem::Text(cert.pem())),
            ..ServerTls::default()
        };
        assert!(matches!(missing.config(), Err(TlsError::NoKey { .. })));
        let encrypted = ServerTls {
            chain: Some(Pem::Text(cert.pem())),
            key: Some(Pem::Text(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n".into(),
            )),
            ..ServerTls::default()
        };
        assert!(matches!(
            encrypted.config(),
            Err(TlsError::EncryptedKey { .. })
        ));
        let client = ClientTls {
            ca: Some(Pem::Text(ca.pem())),
            certificate: Some(Pem::Text(both)),
            ..ClientTls::default()
        };
        client.config().unwrap();
        let bad = ClientTls {
            ca: Some(Pem::Text("not a pem".into())),
            ..ClientTls::default()
        };
        assert!(matches!(bad.config(), Err(TlsError::NoCertificate { .. })));
    }
}
