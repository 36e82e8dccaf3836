//! TLS end to end: `kw serve` with Kafka's listener settings (PLAINTEXT and SSL
//! listeners, PEM keystore and truststore, ssl.client.auth), driven by kw, kcat,
//! confluent-kafka and kafka-python with client certificates; every refusal
//! (missing or untrusted client certificate, untrusted, expired or misnamed broker
//! certificate, TLS against plaintext and the reverse) is one sentence with exit 1
//! and leaves the node serving; three nodes replicate over TLS.

mod common;

use std::path::Path;
use std::time::Duration;

use common::pki::Pki;
use common::{free_port, kcat, kw_bin, python, run_ok, run_with_timeout, Cluster, Node};

fn script(name: &str) -> String {
    format!("{}/tests/interop/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn path(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

/// A single node with a PLAINTEXT and an SSL listener; returns it with the SSL port.
fn tls_node(pki: &Pki, keystore: &Path, extra: &[&str]) -> (Node, u16) {
    let plain = free_port();
    let ssl = free_port();
    let mut args: Vec<String> = [
        format!("listeners=PLAINTEXT://127.0.0.1:{plain},SSL://127.0.0.1:{ssl}"),
        format!("ssl.keystore.location={}", path(keystore)),
        format!("ssl.truststore.location={}", path(&pki.ca_path())),
    ]
    .iter()
    .flat_map(|c| ["--config".to_string(), c.clone()])
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    (Node::start_listeners(plain, &args), ssl)
}

/// `kw -b ADDR <args>` with `props` as -X; returns (exit code, stdout, stderr).
fn kw_with(addr: &str, props: &[String], args: &[&str]) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(kw_bin());
    cmd.args(["-b", addr]);
    for p in props {
        cmd.args(["-X", p]);
    }
    cmd.args(args).env_remove("KCAT_CONFIG");
    let out = run_with_timeout(&mut cmd, None, Duration::from_secs(60));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ssl_props(ca: &Path, client: Option<&(std::path::PathBuf, std::path::PathBuf)>) -> Vec<String> {
    let mut p = vec![
        "security.protocol=SSL".to_string(),
        format!("ssl.ca.location={}", path(ca)),
    ];
    if let Some((cert, key)) = client {
        p.push(format!("ssl.certificate.location={}", path(cert)));
        p.push(format!("ssl.key.location={}", path(key)));
    }
    p
}

/// A refusal: exit 1 and one line on stderr that says `says`.
fn refused(out: (i32, String, String), says: &str) {
    let (code, _, err) = out;
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(code, 1, "exit code, stderr: {err}");
    assert_eq!(lines.len(), 1, "one sentence: {err}");
    assert!(lines[0].contains(says), "expected '{says}' in: {err}");
}

#[test]
fn mutual_tls_with_kw_kcat_confluent_kafka_and_kafka_python() {
    let pki = Pki::new("kw-test");
    let keystore = pki.broker("broker", &["127.0.0.1", "localhost"], false);
    let (node, ssl) = tls_node(&pki, &keystore, &["--config", "ssl.client.auth=required"]);
    let addr = format!("127.0.0.1:{ssl}");
    let alice = pki.client("alice");
    let props = ssl_props(&pki.ca_path(), Some(&alice));

    // kw: create, produce, consume, all over TLS with a client certificate.
    let (code, _, err) = kw_with(
        &addr,
        &props,
        &["topics", "create", "secure", "--partitions", "2"],
    );
    assert_eq!(code, 0, "{err}");
    let mut produce = std::process::Command::new(kw_bin());
    produce.args(["-b", &addr]);
    for p in &props {
        produce.args(["-X", p]);
    }
    produce.args(["produce", "-t", "secure"]);
    run_ok(
        &mut produce,
        Some(b"one\ntwo\nthree\n"),
        Duration::from_secs(30),
    );
    let (code, out, err) = kw_with(
        &addr,
        &props,
        &["consume", "-t", "secure", "-o", "beginning", "-e", "-q"],
    );
    assert_eq!(code, 0, "{err}");
    let mut got: Vec<&str> = out.lines().collect();
    got.sort();
    assert_eq!(got, ["one", "three", "two"]);

    // Metadata over the SSL listener names the SSL endpoints.
    let (code, out, err) = kw_with(&addr, &props, &["metadata"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("127.0.0.1:{ssl}")), "{out}");
    assert!(!out.contains(&format!("127.0.0.1:{}", node.port)), "{out}");

    // The same settings from a kcat configuration file (-F).
    let conf = pki.dir().join("kcat.conf");
    std::fs::write(
        &conf,
        format!("# TLS to the test broker\n{}\n", props.join("\n")),
    )
    .unwrap();
    let (code, out, err) = kw_with(&addr, &[], &["-F", &path(&conf), "topics", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("secure"), "{out}");

    // kcat (librdkafka with OpenSSL) both ways.
    let mut k = kcat();
    k.args(["-b", &addr]);
    for p in &props {
        k.args(["-X", p]);
    }
    k.args(["-P", "-t", "secure"]);
    run_ok(&mut k, Some(b"from-kcat\n"), Duration::from_secs(30));
    let mut k = kcat();
    k.args(["-b", &addr]);
    for p in &props {
        k.args(["-X", p]);
    }
    k.args(["-C", "-t", "secure", "-o", "beginning", "-e", "-q"]);
    let out = run_ok(&mut k, None, Duration::from_secs(30));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.contains("from-kcat"));

    // confluent-kafka and kafka-python.
    let (cert, key) = &alice;
    let out = run_ok(
        python().args([
            &script("secure_clients.py"),
            &addr,
            "secure-python",
            &path(&pki.ca_path()),
            "ssl",
            &path(cert),
            &path(key),
        ]),
        None,
        Duration::from_secs(120),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("confluent-kafka read 20") && text.contains("kafka-python read 20"),
        "{text}"
    );
}

#[test]
fn refusals_are_one_sentence_and_the_node_keeps_serving() {
    let pki = Pki::new("kw-test");
    let stranger = Pki::new("stranger");
    let keystore = pki.broker("broker", &["127.0.0.1"], false);
    let (node, ssl) = tls_node(&pki, &keystore, &["--config", "ssl.client.auth=required"]);
    let tls = format!("127.0.0.1:{ssl}");
    let plain = node.bootstrap();
    let alice = pki.client("alice");
    let mallory = stranger.client("mallory");

    refused(
        kw_with(&tls, &ssl_props(&pki.ca_path(), None), &["topics", "list"]),
        "requires a client certificate",
    );
    refused(
        kw_with(
            &tls,
            &ssl_props(&stranger.ca_path(), Some(&alice)),
            &["topics", "list"],
        ),
        "not signed by a CA kw trusts",
    );
    refused(
        kw_with(
            &tls,
            &ssl_props(&pki.ca_path(), Some(&mallory)),
            &["topics", "list"],
        ),
        "does not trust kw's client certificate",
    );
    // TLS against the plaintext listener, and plaintext against the TLS one.
    refused(
        kw_with(
            &plain,
            &ssl_props(&pki.ca_path(), Some(&alice)),
            &["topics", "list"],
        ),
        "PLAINTEXT",
    );
    let (code, _, err) = kw_with(&tls, &[], &["topics", "list"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("SSL"), "{err}");
    // Bad settings on the client side: one sentence, before any connection.
    refused(
        kw_with(
            &tls,
            &["security.protocol=TLS".to_string()],
            &["topics", "list"],
        ),
        "security.protocol",
    );
    refused(
        kw_with(
            &tls,
            &[
                "security.protocol=SSL".into(),
                "ssl.ca.location=/nonexistent/ca.pem".into(),
            ],
            &["topics", "list"],
        ),
        "/nonexistent/ca.pem",
    );
    // kcat without a client certificate fails too; the node does not mind.
    let mut k = kcat();
    k.args(["-b", &tls, "-X", "security.protocol=SSL"])
        .args(["-X", &format!("ssl.ca.location={}", path(&pki.ca_path()))])
        .args(["-L", "-m", "5"]);
    let out = run_with_timeout(&mut k, None, Duration::from_secs(30));
    assert!(!out.status.success());

    // Still serving, both listeners.
    let (code, _, err) = kw_with(&plain, &[], &["metadata"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = kw_with(
        &tls,
        &ssl_props(&pki.ca_path(), Some(&alice)),
        &["metadata"],
    );
    assert_eq!(code, 0, "{err}");
    // A bad TLS setting on the broker: one sentence, exit 2, nothing bound.
    let out = run_with_timeout(
        std::process::Command::new(kw_bin()).args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{}", free_port()),
            "--config",
            "ssl.client.auth=sometimes",
        ]),
        None,
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ssl.client.auth"));
}

#[test]
fn expired_and_misnamed_broker_certificates_are_refused() {
    let pki = Pki::new("kw-test");
    let expired = pki.broker("expired", &["127.0.0.1"], true);
    let misnamed = pki.broker("misnamed", &["kafka.example.com"], false);
    let (_old, old_ssl) = tls_node(&pki, &expired, &[]);
    let (_other, other_ssl) = tls_node(&pki, &misnamed, &[]);
    let props = ssl_props(&pki.ca_path(), None);
    refused(
        kw_with(&format!("127.0.0.1:{old_ssl}"), &props, &["topics", "list"]),
        "expired",
    );
    let other = format!("127.0.0.1:{other_ssl}");
    refused(
        kw_with(&other, &props, &["topics", "list"]),
        "not valid for 127.0.0.1",
    );
    // librdkafka's switch for the host name check.
    let mut lax = props.clone();
    lax.push("ssl.endpoint.identification.algorithm=none".into());
    let (code, _, err) = kw_with(&other, &lax, &["topics", "list"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn three_nodes_replicate_over_tls() {
    let pki = Pki::new("kw-test");
    let keystore = pki.broker("broker", &["127.0.0.1"], false);
    let ssl_ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let c = Cluster::start_listeners(3, |id, port| {
        let ssl = ssl_ports[id as usize - 1];
        [
            format!("listeners=PLAINTEXT://127.0.0.1:{port},SSL://127.0.0.1:{ssl}"),
            "inter.broker.listener.name=SSL".to_string(),
            // The quorum port (in --voters) speaks mutual TLS too.
            "controller.listener.names=CONTROLLER".to_string(),
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,CONTROLLER:SSL".to_string(),
            format!("ssl.keystore.location={}", path(&keystore)),
            format!("ssl.truststore.location={}", path(&pki.ca_path())),
            "ssl.client.auth=required".to_string(),
        ]
        .iter()
        .flat_map(|c| ["--config".to_string(), c.clone()])
        .collect()
    });
    // min.insync.replicas=3: an acks=all write succeeds only once both followers,
    // fetching over TLS with the brokers' own certificates, have it.
    c.kw_ok(&[
        "topics",
        "create",
        "replicated",
        "--partitions",
        "3",
        "--replication-factor",
        "3",
        "--config",
        "min.insync.replicas=3",
    ]);
    let input: String = (0..300).map(|i| format!("m{i}\n")).collect();
    let mut produce = std::process::Command::new(kw_bin());
    produce.args([
        "-b",
        &c.bootstrap(),
        "produce",
        "-t",
        "replicated",
        "-X",
        "acks=all",
    ]);
    run_ok(
        &mut produce,
        Some(input.as_bytes()),
        Duration::from_secs(60),
    );
    common::wait_until(Duration::from_secs(30), "full ISR everywhere", || {
        c.describe("replicated").iter().all(|p| p.isr.len() == 3)
    });
    let alice = pki.client("alice");
    let tls = format!("127.0.0.1:{}", ssl_ports[1]);
    let (code, out, err) = kw_with(
        &tls,
        &ssl_props(&pki.ca_path(), Some(&alice)),
        &["consume", "-t", "replicated", "-o", "beginning", "-e", "-q"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 300);
    // A client without a certificate gets nothing from the quorum port, and the
    // node says why.
    let reply = c.nodes[0].plain_quorum_heartbeat();
    assert!(
        !String::from_utf8_lossy(&reply).contains("Heartbeat"),
        "{reply:?}"
    );
    common::wait_until(Duration::from_secs(10), "the refusal is logged", || {
        c.nodes[0]
            .log_tail(200)
            .contains("refused a quorum connection without a trusted client certificate")
    });
    c.kw_ok(&["topics", "create", "after-the-probe"]);
}

const JAAS: &str = r#"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-secret" user_admin="admin-secret";"#;

/// A node with PLAINTEXT, SASL_SSL and SASL_PLAINTEXT listeners; its JAAS
/// config (the first administrator) in a properties file, off the command line.
/// Returns it with the SASL_SSL and SASL_PLAINTEXT ports.
fn sasl_node(pki: &Pki) -> (Node, u16, u16) {
    let keystore = pki.broker("broker", &["127.0.0.1"], false);
    let (plain, sasl_ssl, sasl_plain) = (free_port(), free_port(), free_port());
    let props = pki.dir().join("server.properties");
    std::fs::write(
        &props,
        format!(
            "listeners=PLAINTEXT://127.0.0.1:{plain},SASL_SSL://127.0.0.1:{sasl_ssl},SASL_PLAINTEXT://127.0.0.1:{sasl_plain}\n\
             ssl.keystore.location={}\n{JAAS}\n",
            path(&keystore)
        ),
    )
    .unwrap();
    let node = Node::start_listeners(plain, &["--config-file".into(), path(&props)]);
    (node, sasl_ssl, sasl_plain)
}

fn sasl_props(ca: &Path, mechanism: &str, user: &str, password: &str) -> Vec<String> {
    vec![
        "security.protocol=SASL_SSL".into(),
        format!("ssl.ca.location={}", path(ca)),
        format!("sasl.mechanism={mechanism}"),
        format!("sasl.username={user}"),
        format!("sasl.password={password}"),
    ]
}

fn kw_stdin(addr: &str, props: &[String], args: &[&str], input: &str) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(kw_bin());
    cmd.args(["-b", addr]);
    for p in props {
        cmd.args(["-X", p]);
    }
    cmd.args(args).env_remove("KCAT_CONFIG");
    let out = run_with_timeout(&mut cmd, Some(input.as_bytes()), Duration::from_secs(60));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sasl_ssl_with_scram_and_plain_for_kw_kcat_confluent_kafka_and_kafka_python() {
    let pki = Pki::new("kw-test");
    let (node, sasl_ssl, sasl_plain) = sasl_node(&pki);
    let addr = format!("127.0.0.1:{sasl_ssl}");
    let ca = pki.ca_path();
    let admin = sasl_props(&ca, "SCRAM-SHA-512", "admin", "admin-secret");

    // The administrator from sasl.jaas.config adds alice (the password on stdin).
    let (code, out, err) = kw_stdin(
        &addr,
        &admin,
        &[
            "users",
            "add",
            "alice",
            "--mechanism",
            "SCRAM-SHA-256",
            "--mechanism",
            "SCRAM-SHA-512",
        ],
        "alice-secret\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "Completed updating config for user alice.");
    let (code, out, err) = kw_with(&addr, &admin, &["users", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=8192"),
        "{out}"
    );
    assert!(out.contains("user-principal 'admin'"), "{out}");

    for mechanism in ["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] {
        let topic = format!("sasl-{}", mechanism.to_lowercase());
        let alice = sasl_props(&ca, mechanism, "alice", "alice-secret");
        let (code, _, err) = kw_with(&addr, &alice, &["topics", "create", &topic]);
        assert_eq!(code, 0, "{mechanism}: {err}");
        let (code, _, err) = kw_stdin(&addr, &alice, &["produce", "-t", &topic], "k1\nk2\n");
        assert_eq!(code, 0, "{mechanism}: {err}");
        // kcat (librdkafka with Cyrus SASL and OpenSSL) reads and writes.
        let mut k = kcat();
        k.args(["-b", &addr]);
        for p in &alice {
            k.args(["-X", p]);
        }
        k.args(["-P", "-t", &topic]);
        run_ok(&mut k, Some(b"from-kcat\n"), Duration::from_secs(30));
        let mut k = kcat();
        k.args(["-b", &addr]);
        for p in &alice {
            k.args(["-X", p]);
        }
        k.args(["-C", "-t", &topic, "-o", "beginning", "-e", "-q"]);
        let out = run_ok(&mut k, None, Duration::from_secs(30));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            3,
            "{mechanism}"
        );
        let (code, out, err) = kw_with(
            &addr,
            &alice,
            &["consume", "-t", &topic, "-o", "beginning", "-e", "-q"],
        );
        assert_eq!(code, 0, "{mechanism}: {err}");
        assert_eq!(out.lines().count(), 3, "{mechanism}: {out}");
        // confluent-kafka and kafka-python.
        let out = run_ok(
            python().args([
                &script("secure_clients.py"),
                &addr,
                &format!("{topic}-python"),
                &path(&ca),
                "sasl_ssl",
                mechanism,
                "alice",
                "alice-secret",
            ]),
            None,
            Duration::from_secs(120),
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("kafka-python read 20"), "{mechanism}: {text}");
    }

    // SASL_PLAINTEXT too.
    let plain_props = vec![
        "security.protocol=SASL_PLAINTEXT".to_string(),
        "sasl.mechanism=SCRAM-SHA-256".into(),
        "sasl.username=alice".into(),
        "sasl.password=alice-secret".into(),
    ];
    let (code, out, err) = kw_with(
        &format!("127.0.0.1:{sasl_plain}"),
        &plain_props,
        &["topics", "list"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("sasl-plain"), "{out}");

    // confluent-kafka's AdminClient manages credentials too: bob, then kw logs in as bob.
    let out = run_ok(
        python().args([
            &script("scram_admin.py"),
            &addr,
            &path(&ca),
            "admin",
            "admin-secret",
            "bob",
            "bob-secret",
        ]),
        None,
        Duration::from_secs(60),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("bob SCRAM-SHA-256 iterations 4096"), "{text}");
    let (code, _, err) = kw_with(
        &addr,
        &sasl_props(&ca, "SCRAM-SHA-256", "bob", "bob-secret"),
        &["topics", "list"],
    );
    assert_eq!(code, 0, "{err}");

    // Refusals: one sentence, exit 1; the node keeps serving.
    refused(
        kw_with(
            &addr,
            &sasl_props(&ca, "SCRAM-SHA-512", "alice", "wrong"),
            &["topics", "list"],
        ),
        "invalid credentials with SASL mechanism SCRAM-SHA-512",
    );
    refused(
        kw_with(
            &addr,
            &sasl_props(&ca, "SCRAM-SHA-256", "mallory", "x"),
            &["topics", "list"],
        ),
        "authentication as mallory (SCRAM-SHA-256) failed",
    );
    refused(
        kw_with(
            &addr,
            &sasl_props(&ca, "PLAIN", "alice", "wrong"),
            &["topics", "list"],
        ),
        "Invalid username or password",
    );
    refused(
        kw_with(
            &addr,
            &sasl_props(&ca, "GSSAPI", "alice", "x"),
            &["topics", "list"],
        ),
        "sasl.mechanism=GSSAPI is not supported",
    );
    // Plaintext and TLS-only clients against the SASL_SSL listener.
    let (code, _, _) = kw_with(&addr, &[], &["topics", "list"]);
    assert_eq!(code, 1);
    let (code, _, err) = kw_with(&addr, &ssl_props(&ca, None), &["topics", "list"]);
    assert_eq!(code, 1, "{err}");
    // A wrong password never shows in kw's output or the broker's log.
    let log = std::fs::read_to_string(&node.log_path).unwrap();
    assert!(
        !log.contains("alice-secret") && !log.contains("admin-secret"),
        "a password in the log"
    );
    let (code, _, err) = kw_with(&node.bootstrap(), &[], &["metadata"]);
    assert_eq!(code, 0, "{err}");
}

/// What a peer that has not authenticated gets back from `frame`, until the
/// connection closes (None: still open after 10 s).
fn unauthenticated(addr: &str, frame: &[u8]) -> Option<Vec<u8>> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(frame).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Some(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return None
            }
            Err(_) => return Some(got),
        }
    }
}

/// As Kafka: before authentication a SASL listener takes frames up to 512 KiB
/// (sasl.server.max.receive.size) and nothing but ApiVersions, SaslHandshake and
/// SaslAuthenticate; anything else closes the connection at once, unanswered.
#[test]
fn unauthenticated_peers_get_small_frames_and_only_sasl() {
    let pki = Pki::new("kw-test");
    let (node, _, sasl_plain) = sasl_node(&pki);
    let addr = format!("127.0.0.1:{sasl_plain}");
    // A 1 MB frame announced: closed without waiting for its bytes.
    let closed = unauthenticated(&addr, &1_000_000i32.to_be_bytes());
    assert_eq!(closed, Some(Vec::new()), "closed at once, unanswered");
    // A Metadata v0 request (api key 3) before authenticating: closed, unanswered.
    let mut metadata = vec![0, 3, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 0];
    let mut frame = (metadata.len() as i32).to_be_bytes().to_vec();
    frame.append(&mut metadata);
    assert_eq!(unauthenticated(&addr, &frame), Some(Vec::new()));
    common::wait_until(Duration::from_secs(10), "both refusals logged", || {
        let log = node.log_tail(100);
        log.contains("before authentication (sasl.server.max.receive.size)")
            && log.contains("API key 3 before authentication")
    });
    // An authenticated client goes on as before.
    let admin = vec![
        "security.protocol=SASL_PLAINTEXT".to_string(),
        "sasl.mechanism=PLAIN".to_string(),
        "sasl.username=admin".to_string(),
        "sasl.password=admin-secret".to_string(),
    ];
    let (code, _, err) = kw_with(&addr, &admin, &["topics", "create", "after-refusals"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn three_nodes_replicate_over_sasl_ssl_with_scram() {
    let pki = Pki::new("kw-test");
    let keystore = pki.broker("broker", &["127.0.0.1"], false);
    let sasl_ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let dir = pki.dir().to_path_buf();
    let c = Cluster::start_listeners(3, |id, port| {
        let sasl = sasl_ports[id as usize - 1];
        let props = dir.join(format!("node-{id}.properties"));
        std::fs::write(
            &props,
            format!(
                "listeners=PLAINTEXT://127.0.0.1:{port},SASL_SSL://127.0.0.1:{sasl}\n\
                 inter.broker.listener.name=SASL_SSL\n\
                 sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512\n\
                 ssl.keystore.location={}\nssl.truststore.location={}\n{JAAS}\n",
                path(&keystore),
                path(&pki.ca_path())
            ),
        )
        .unwrap();
        vec!["--config-file".into(), path(&props)]
    });
    // Without controller.listener.names the quorum port is plain TCP (keep it on
    // a trusted network): the same probe gets an answer.
    let reply = c.nodes[0].plain_quorum_heartbeat();
    assert!(
        String::from_utf8_lossy(&reply).contains("Heartbeat"),
        "{reply:?}"
    );
    // min.insync.replicas=3: acks=all succeeds only once both followers, fetching
    // over SASL_SSL as the administrator, have every message.
    c.kw_ok(&[
        "topics",
        "create",
        "replicated",
        "--partitions",
        "3",
        "--replication-factor",
        "3",
        "--config",
        "min.insync.replicas=3",
    ]);
    let input: String = (0..300).map(|i| format!("m{i}\n")).collect();
    let mut produce = std::process::Command::new(kw_bin());
    produce.args([
        "-b",
        &c.bootstrap(),
        "produce",
        "-t",
        "replicated",
        "-X",
        "acks=all",
    ]);
    run_ok(
        &mut produce,
        Some(input.as_bytes()),
        Duration::from_secs(60),
    );
    common::wait_until(Duration::from_secs(30), "full ISR everywhere", || {
        c.describe("replicated").iter().all(|p| p.isr.len() == 3)
    });
    let (code, out, err) = kw_with(
        &format!("127.0.0.1:{}", sasl_ports[2]),
        &sasl_props(&pki.ca_path(), "SCRAM-SHA-512", "admin", "admin-secret"),
        &["consume", "-t", "replicated", "-o", "beginning", "-e", "-q"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 300);
}

/// A node with ACLs on: PLAINTEXT (anonymous) and SASL_PLAINTEXT listeners,
/// admin a super user, alice and bob PLAIN/SCRAM users from the JAAS config.
fn acl_node(dir: &Path) -> (Node, String) {
    let (plain, sasl) = (free_port(), free_port());
    let props = dir.join("acl.properties");
    std::fs::write(
        &props,
        format!(
            "listeners=PLAINTEXT://127.0.0.1:{plain},SASL_PLAINTEXT://127.0.0.1:{sasl}\n\
             authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n\
             super.users=User:admin\n\
             sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\" user_bob=\"bob-secret\";\n"
        ),
    )
    .unwrap();
    let node = Node::start_listeners(plain, &["--config-file".into(), path(&props)]);
    (node, format!("127.0.0.1:{sasl}"))
}

fn as_user(user: &str, mechanism: &str) -> Vec<String> {
    vec![
        "security.protocol=SASL_PLAINTEXT".into(),
        format!("sasl.mechanism={mechanism}"),
        format!("sasl.username={user}"),
        format!("sasl.password={user}-secret"),
    ]
}

#[test]
fn acls_allow_one_topic_and_group_refuse_the_rest_and_spare_super_users() {
    let dir = tempfile::tempdir().unwrap();
    let (node, addr) = acl_node(dir.path());
    let admin = as_user("admin", "SCRAM-SHA-512");
    let alice = as_user("alice", "PLAIN");
    for topic in ["allowed", "secret"] {
        let (code, _, err) = kw_with(&addr, &admin, &["topics", "create", topic]);
        assert_eq!(code, 0, "{err}");
        let (code, _, err) = kw_stdin(&addr, &admin, &["produce", "-t", topic], "m1\nm2\nm3\n");
        assert_eq!(code, 0, "{err}");
    }
    // kafka-acls' shortcut: READ and DESCRIBE on the topic, READ on the group.
    let (code, out, err) = kw_with(
        &addr,
        &admin,
        &[
            "acls",
            "add",
            "--allow-principal",
            "User:alice",
            "--consumer",
            "--topic",
            "allowed",
            "--group",
            "alice-group",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=allowed, patternType=LITERAL)`: \n \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)"),
        "{out}"
    );
    let (code, out, err) = kw_with(&addr, &admin, &["acls", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Current ACLs for resource `ResourcePattern(resourceType=GROUP, name=alice-group, patternType=LITERAL)`"), "{out}");

    // alice reads the one topic, with her group.
    let (code, out, err) = kw_with(
        &addr,
        &alice,
        &["consume", "-t", "allowed", "-o", "beginning", "-e", "-q"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 3);
    let (code, out, err) = kw_with(
        &addr,
        &alice,
        &[
            "consume",
            "-G",
            "alice-group",
            "allowed",
            "-o",
            "beginning",
            "-e",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 3);
    // ... but not the other topic, nor another group, nor writes.
    let (code, _, err) = kw_with(
        &addr,
        &alice,
        &["consume", "-t", "secret", "-o", "beginning", "-e", "-q"],
    );
    assert_eq!(code, 1);
    assert!(err.to_lowercase().contains("authoriz"), "{err}");
    let (code, _, err) = kw_with(
        &addr,
        &alice,
        &["consume", "-G", "other-group", "allowed", "-e", "-q"],
    );
    assert_eq!(code, 1);
    assert!(err.to_lowercase().contains("group authorization"), "{err}");
    let (code, _, err) = kw_stdin(&addr, &alice, &["produce", "-t", "allowed"], "nope\n");
    assert_eq!(code, 1, "{err}");
    // Metadata leaves out what she may not describe.
    let (code, out, err) = kw_with(&addr, &alice, &["topics", "list"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "allowed");
    // Admin operations need the cluster: refused, one sentence each.
    for args in [
        &["topics", "create", "mine"][..],
        &[
            "acls",
            "add",
            "--allow-principal",
            "User:alice",
            "--operation",
            "All",
            "--topic",
            "secret",
        ],
        &["users", "list"],
        &["topics", "delete", "allowed"],
    ] {
        let (code, _, err) = kw_with(&addr, &alice, args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.to_lowercase().contains("authoriz"), "{args:?}: {err}");
    }
    // An unknown topic: refused to her, unknown to the super user.
    let (code, _, err) = kw_with(&addr, &alice, &["topics", "delete", "nope"]);
    assert_eq!(code, 1);
    assert!(err.to_lowercase().contains("authoriz"), "{err}");
    let (code, _, err) = kw_with(&addr, &admin, &["topics", "delete", "nope"]);
    assert_eq!(code, 1);
    assert!(!err.to_lowercase().contains("authoriz"), "{err}");
    // WRITE alone creates no topic: producing to a new name needs CREATE.
    let (code, _, err) = kw_with(
        &addr,
        &admin,
        &[
            "acls",
            "add",
            "--allow-principal",
            "User:alice",
            "--operation",
            "Write",
            "--topic",
            "alice.",
            "--resource-pattern-type",
            "prefixed",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = kw_stdin(&addr, &alice, &["produce", "-t", "alice.new"], "m\n");
    assert_eq!(code, 1, "{err}");
    // A refused group commit leaves no group behind.
    let (code, out, err) = kw_with(&addr, &admin, &["topics", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("alice.new"), "{out}");
    let (code, out, err) = kw_with(&addr, &admin, &["groups", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("other-group"), "{out}");
    // Anonymous PLAINTEXT clients see nothing and may do nothing.
    let (code, out, _) = kw_with(&node.bootstrap(), &[], &["topics", "list"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "");

    // kcat as alice: one topic yes, the other no.
    let kcat_as = |topic: &str| {
        let mut k = kcat();
        k.args(["-b", &addr]);
        for p in &alice {
            k.args(["-X", p]);
        }
        k.args(["-C", "-t", topic, "-o", "beginning", "-e", "-q"]);
        run_with_timeout(&mut k, None, Duration::from_secs(30))
    };
    let ok = kcat_as("allowed");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&ok.stdout).lines().count(), 3);
    let denied = kcat_as("secret");
    assert!(!denied.status.success() || String::from_utf8_lossy(&denied.stdout).is_empty());

    // confluent-kafka: alice's consumer and producer, admin's AdminClient ACL calls.
    let out = run_ok(
        python().args([&script("acl_clients.py"), &addr]),
        None,
        Duration::from_secs(120),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "alice read 3 from allowed",
        "alice secret: TOPIC_AUTHORIZATION_FAILED",
        "alice produce: TOPIC_AUTHORIZATION_FAILED",
        "admin sees 4 acls",
        "bob create_acls: CLUSTER_AUTHORIZATION_FAILED",
        "admin txn to __consumer_offsets: TOPIC_AUTHORIZATION_FAILED",
    ] {
        assert!(text.contains(line), "missing '{line}' in:\n{text}");
    }

    // The super user is unaffected; removing the ACLs takes alice's access away.
    let (code, out, err) = kw_with(
        &addr,
        &admin,
        &["consume", "-t", "secret", "-o", "beginning", "-e", "-q"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 3);
    let (code, _, err) = kw_with(
        &addr,
        &admin,
        &["acls", "remove", "--topic", "allowed", "--force"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = kw_with(
        &addr,
        &alice,
        &["consume", "-t", "allowed", "-o", "beginning", "-e", "-q"],
    );
    assert_eq!(code, 1);
}
