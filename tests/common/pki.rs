//! A test certificate authority in a temporary directory: broker certificates
//! (good, expired, for another host), client certificates, and a second CA that
//! nobody trusts. PEM files, as Kafka's and librdkafka's settings read them.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair,
};

pub struct Pki {
    dir: tempfile::TempDir,
    ca: Certificate,
    ca_key: KeyPair,
    name: String,
}

impl Pki {
    pub fn new(name: &str) -> Pki {
        let dir = tempfile::tempdir().expect("temp dir");
        let ca_key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, name);
        let ca = params.self_signed(&ca_key).expect("CA certificate");
        let pki = Pki {
            dir,
            ca,
            ca_key,
            name: name.to_string(),
        };
        std::fs::write(pki.ca_path(), pki.ca.pem()).expect("write CA");
        pki
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The CA's certificate (what clients and brokers trust).
    pub fn ca_path(&self) -> PathBuf {
        self.dir.path().join(format!("{}-ca.pem", self.name))
    }

    fn issue(&self, cn: &str, sans: &[&str], expired: bool) -> (Certificate, KeyPair) {
        let key = KeyPair::generate().expect("key");
        let mut params =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .expect("params");
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::OrganizationName, "kw tests");
        params.distinguished_name.push(DnType::CommonName, cn);
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let cert = params
            .signed_by(&key, &self.ca, &self.ca_key)
            .expect("sign");
        (cert, key)
    }

    /// A broker's key and certificate chain in one PEM file
    /// (`ssl.keystore.location` with `ssl.keystore.type=PEM`).
    pub fn broker(&self, file: &str, sans: &[&str], expired: bool) -> PathBuf {
        let (cert, key) = self.issue(file, sans, expired);
        let path = self.dir.path().join(format!("{file}.pem"));
        std::fs::write(
            &path,
            format!("{}{}{}", key.serialize_pem(), cert.pem(), self.ca.pem()),
        )
        .expect("write keystore");
        path
    }

    /// A client certificate and its key in two files (`ssl.certificate.location`,
    /// `ssl.key.location`); its subject is `CN=<cn>,O=kw tests`.
    pub fn client(&self, cn: &str) -> (PathBuf, PathBuf) {
        let (cert, key) = self.issue(cn, &[], false);
        let cert_path = self.dir.path().join(format!("{cn}-cert.pem"));
        let key_path = self.dir.path().join(format!("{cn}-key.pem"));
        std::fs::write(&cert_path, cert.pem()).expect("write cert");
        std::fs::write(&key_path, key.serialize_pem()).expect("write key");
        (cert_path, key_path)
    }
}
