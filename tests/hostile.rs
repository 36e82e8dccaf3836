//! #11: nothing a client (or a broker) sends takes kw down. A real `kw serve` gets
//! a catalogue of hostile frames and thousands of seeded mutations of well-formed
//! requests, each on its own connection, and must stay up with its data intact;
//! forty connections announcing 100 MiB frames must not raise its memory; and kw's
//! client subcommands against a fake broker answering hostile responses must end
//! with one sentence and exit 1, never abort.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use common::{kcat, run_with_timeout, wait_until, Node};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::{Decodable, Encodable, StrBytes};

/// A length-prefixed frame.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut f = (body.len() as i32).to_be_bytes().to_vec();
    f.extend_from_slice(body);
    f
}

/// A request header v1 (non-flexible): key, version, correlation id, client id.
fn header_v1(key: i16, version: i16) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&key.to_be_bytes());
    h.extend_from_slice(&version.to_be_bytes());
    h.extend_from_slice(&7i32.to_be_bytes());
    h.extend_from_slice(&(-1i16).to_be_bytes());
    h
}

/// A request header v2 (flexible): v1 plus a tagged-field count.
fn header_v2(key: i16, version: i16, tags: &[u8]) -> Vec<u8> {
    let mut h = header_v1(key, version);
    h.extend_from_slice(tags);
    h
}

/// Send `bytes` on a fresh connection; whatever comes back within `wait`.
fn send(addr: &str, bytes: &[u8], wait: Duration) -> Vec<u8> {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return Vec::new();
    };
    s.set_read_timeout(Some(wait)).unwrap();
    let _ = s.write_all(bytes);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    let start = Instant::now();
    while start.elapsed() < wait {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    buf
}

/// The node answers an ApiVersions request on a new connection (one whole
/// response frame within 5 s).
fn answers(addr: &str) -> bool {
    let body = header_v1(18, 0);
    let Ok(mut s) = TcpStream::connect(addr) else {
        return false;
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    if s.write_all(&framed(&body)).is_err() {
        return false;
    }
    let mut len = [0u8; 4];
    if s.read_exact(&mut len).is_err() {
        return false;
    }
    let mut resp = vec![0u8; i32::from_be_bytes(len).clamp(0, 1 << 20) as usize];
    s.read_exact(&mut resp).is_ok() && resp.len() > 8
}

fn kcat_lists(node: &Node) -> bool {
    let out = run_with_timeout(
        kcat().args(["-b", &node.bootstrap(), "-L", "-m", "5"]),
        None,
        Duration::from_secs(20),
    );
    out.status.success() && String::from_utf8_lossy(&out.stdout).contains("broker 1")
}

fn consume_values(node: &Node, topic: &str) -> Vec<String> {
    node.consume_lines(topic, "%s\n")
}

/// `n` records ("value-0", ...) in one batch, as a producer sends them.
fn batch_of(n: usize, prefix: &str) -> Bytes {
    let records: Vec<_> = (0..n)
        .map(|i| (None, Some(Bytes::from(format!("{prefix}-{i}")))))
        .collect();
    kw::protocol::records::encode_batch(
        &records,
        &[],
        1_700_000_000_000,
        kafka_protocol::records::Compression::None,
    )
    .unwrap()
}

/// A record batch of `n` records whose header then claims `claimed` records.
fn lying_batch(n: usize, claimed: i32) -> Vec<u8> {
    let mut b = batch_of(n, "lie").to_vec();
    b[23..27].copy_from_slice(&(claimed - 1).to_be_bytes());
    b[57..61].copy_from_slice(&claimed.to_be_bytes());
    let crc = crc32c::crc32c(&b[21..]);
    b[17..21].copy_from_slice(&crc.to_be_bytes());
    b
}

fn produce_v3(topic: &str, records: &[u8]) -> Vec<u8> {
    let req = ProduceRequest::default()
        .with_acks(1)
        .with_timeout_ms(1000)
        .with_topic_data(vec![produce_request::TopicProduceData::default()
            .with_name(TopicName(StrBytes::from_string(topic.into())))
            .with_partition_data(vec![
                produce_request::PartitionProduceData::default()
                    .with_index(0)
                    .with_records(Some(Bytes::copy_from_slice(records))),
            ])]);
    let mut body = header_v1(0, 3);
    let mut b = BytesMut::new();
    req.encode(&mut b, 3).unwrap();
    body.extend_from_slice(&b);
    framed(&body)
}

/// The hostile-frame catalogue: (what, frame bytes with their length prefix).
fn catalogue() -> Vec<(&'static str, Vec<u8>)> {
    let huge = i32::MAX.to_be_bytes();
    let huge_varint = [0xff, 0xff, 0xff, 0xff, 0x0f];
    let mut cases: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let mut with = |what, mut head: Vec<u8>, tail: &[u8]| {
        head.extend_from_slice(tail);
        cases.push((what, framed(&head)));
    };
    // The 14 bytes: Metadata v1 whose topics array claims 2^31-1 elements.
    with("Metadata v1, topics count 2^31-1", header_v1(3, 1), &huge);
    with("Metadata v0, topics count 2^31-1", header_v1(3, 0), &huge);
    with(
        "Metadata v9 (flexible), compact topics count 2^32-1",
        header_v2(3, 9, &[0]),
        &huge_varint,
    );
    with(
        "Metadata v12, compact count 2^32-1",
        header_v2(3, 12, &[0]),
        &huge_varint,
    );
    with(
        "flexible header with 2^32-1 tagged fields",
        header_v2(3, 9, &huge_varint),
        &[],
    );
    with(
        "flexible header, one tag of 2^32-1 bytes",
        header_v2(3, 9, &[1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        &[],
    );
    // Produce v3: transactional id null, acks, timeout, then the topics array.
    let produce_head = |v: i16| {
        let mut h = header_v1(0, v);
        h.extend_from_slice(&(-1i16).to_be_bytes());
        h.extend_from_slice(&1i16.to_be_bytes());
        h.extend_from_slice(&1000i32.to_be_bytes());
        h
    };
    with("Produce v3, topics count 2^31-1", produce_head(3), &huge);
    let mut nested = produce_head(3);
    nested.extend_from_slice(&1i32.to_be_bytes());
    nested.extend_from_slice(&1i16.to_be_bytes());
    nested.push(b't');
    with(
        "Produce v3, one topic with 2^31-1 partitions",
        nested.clone(),
        &huge,
    );
    let mut records = nested.clone();
    records.extend_from_slice(&1i32.to_be_bytes());
    records.extend_from_slice(&0i32.to_be_bytes());
    with(
        "Produce v3, records of 2^31-1 bytes",
        records.clone(),
        &huge,
    );
    with(
        "Produce v3, records of -7 bytes",
        records,
        &(-7i32).to_be_bytes(),
    );
    with(
        "Produce v3, topic name of 32767 bytes",
        produce_head(3),
        &[0, 0, 0, 1, 0x7f, 0xff, b'x'],
    );
    with(
        "Produce v3, topic name of -5 bytes",
        produce_head(3),
        &[0, 0, 0, 1, 0xff, 0xfb],
    );
    with(
        "Produce v9 (flexible), compact topics 2^32-1",
        {
            let mut h = header_v2(0, 9, &[0]);
            h.push(0); // null compact transactional id
            h.extend_from_slice(&1i16.to_be_bytes());
            h.extend_from_slice(&1000i32.to_be_bytes());
            h
        },
        &huge_varint,
    );
    // Fetch v4: replica, max wait, min bytes, max bytes, isolation, topics.
    let mut fetch = header_v1(1, 4);
    fetch.extend_from_slice(&(-1i32).to_be_bytes());
    fetch.extend_from_slice(&100i32.to_be_bytes());
    fetch.extend_from_slice(&1i32.to_be_bytes());
    fetch.extend_from_slice(&(1i32 << 20).to_be_bytes());
    fetch.push(0);
    with("Fetch v4, topics count 2^31-1", fetch.clone(), &huge);
    let mut fetch_nested = fetch.clone();
    fetch_nested.extend_from_slice(&1i32.to_be_bytes());
    fetch_nested.extend_from_slice(&1i16.to_be_bytes());
    fetch_nested.push(b't');
    with(
        "Fetch v4, one topic with 2^31-1 partitions",
        fetch_nested,
        &huge,
    );
    with(
        "Fetch v12 (flexible), compact topics 2^32-1",
        {
            let mut h = header_v2(1, 12, &[0]);
            h.extend_from_slice(&(-1i32).to_be_bytes());
            h.extend_from_slice(&100i32.to_be_bytes());
            h.extend_from_slice(&1i32.to_be_bytes());
            h.extend_from_slice(&(1i32 << 20).to_be_bytes());
            h.push(0);
            h.extend_from_slice(&0i32.to_be_bytes());
            h.extend_from_slice(&(-1i32).to_be_bytes());
            h
        },
        &huge_varint,
    );
    with(
        "CreateTopics v2, topics count 2^31-1",
        header_v1(19, 2),
        &huge,
    );
    with(
        "CreateTopics v2, one topic with 2^31-1 assignments",
        header_v1(19, 2),
        &{
            let mut b = 1i32.to_be_bytes().to_vec();
            b.extend_from_slice(&1i16.to_be_bytes());
            b.push(b'x');
            b.extend_from_slice(&1i32.to_be_bytes());
            b.extend_from_slice(&1i16.to_be_bytes());
            b.extend_from_slice(&huge);
            b
        },
    );
    with("OffsetCommit v2, topics count 2^31-1", header_v1(8, 2), &{
        let mut b = 1i16.to_be_bytes().to_vec();
        b.push(b'g');
        b.extend_from_slice(&(-1i32).to_be_bytes());
        b.extend_from_slice(&0i16.to_be_bytes());
        b.extend_from_slice(&(-1i64).to_be_bytes());
        b.extend_from_slice(&huge);
        b
    });
    with("JoinGroup v0, protocols count 2^31-1", header_v1(11, 0), &{
        let mut b = 1i16.to_be_bytes().to_vec();
        b.push(b'g');
        b.extend_from_slice(&6000i32.to_be_bytes());
        b.extend_from_slice(&0i16.to_be_bytes());
        b.extend_from_slice(&8i16.to_be_bytes());
        b.extend_from_slice(b"consumer");
        b.extend_from_slice(&huge);
        b
    });
    with(
        "DescribeGroups v0, groups count -2",
        header_v1(15, 0),
        &(-2i32).to_be_bytes(),
    );
    with("ListOffsets v1, topics count 2^31-1", header_v1(2, 1), &{
        let mut b = (-1i32).to_be_bytes().to_vec();
        b.extend_from_slice(&huge);
        b
    });
    with("unknown API key 32000", header_v1(32000, 0), &[]);
    with("Produce v99 (unsupported)", header_v1(0, 99), &[0; 16]);
    with(
        "ApiVersions v99 (answered with UNSUPPORTED_VERSION)",
        header_v1(18, 99),
        &[],
    );
    with("header only, no body", header_v1(3, 5)[..6].to_vec(), &[]);
    // Frames cut short or lying about their length.
    cases.push(("length -1", (-1i32).to_be_bytes().to_vec()));
    cases.push(("length 2^31-1, nothing sent", huge.to_vec()));
    cases.push(("length 100, 10 bytes, hang up", {
        let mut f = 100i32.to_be_bytes().to_vec();
        f.extend_from_slice(&header_v1(3, 1)[..10]);
        f
    }));
    cases.push(("length 0", 0i32.to_be_bytes().to_vec()));
    cases.push(("three bytes of a length", vec![0, 0, 1]));
    cases.push((
        "a valid-CRC batch claiming 2^31-1 records",
        produce_v3("victim", &lying_batch(2, i32::MAX)),
    ));
    cases.push((
        "a valid-CRC batch claiming fewer records than it holds",
        produce_v3("victim", &lying_batch(5, 2)),
    ));
    cases
}

/// Small seeded generator (xorshift64*): the mutations are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random mutation of a well-formed request body.
fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut m = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        if m.is_empty() {
            m.push(0);
        }
        let at = rng.below(m.len());
        match rng.below(6) {
            0 => m[at] ^= 1 << rng.below(8),
            1 => m[at] = [0x00, 0xff, 0x7f, 0x80][rng.below(4)],
            2 => {
                // An extreme 32-bit value where a count or length may sit.
                let v = [i32::MAX, -1, i32::MIN, 0x7fff, 1 << 24][rng.below(5)];
                for (i, b) in v.to_be_bytes().iter().enumerate() {
                    if at + i < m.len() {
                        m[at + i] = *b;
                    }
                }
            }
            3 => {
                m.truncate(at);
            }
            4 => {
                let n = rng.below(8);
                for _ in 0..n {
                    m.insert(at, rng.next() as u8);
                }
            }
            _ => {
                let n = rng.below(16).min(m.len() - at);
                m.drain(at..at + n);
            }
        }
    }
    // Keep off the topic-admin APIs: a mutated CreateTopics could legitimately
    // create thousands of partitions and only slow the test down.
    if m.len() >= 2 && [19u8, 20, 37].contains(&m[1]) && m[0] == 0 {
        m[1] = 3;
    }
    m
}

#[test]
fn hostile_frames_and_mutations_never_take_the_node_down() {
    let node = Node::start_with(&["--config", "group.initial.rebalance.delay.ms=0"]);
    node.create_topic("fuzz", 2);
    node.create_topic("victim", 1);
    let before: Vec<String> = (0..50).map(|i| format!("before-{i}")).collect();
    node.produce_lines("victim", &(before.join("\n") + "\n"), &[]);
    let addr = node.bootstrap();

    // 1. The catalogue, each case on its own connection.
    for (what, bytes) in catalogue() {
        let reply = send(&addr, &bytes, Duration::from_millis(300));
        assert!(answers(&addr), "the node stopped answering after: {what}");
        if what.starts_with("a valid-CRC batch") {
            // Answered with CORRUPT_MESSAGE, nothing appended.
            assert!(reply.len() > 8, "{what}: no answer");
            let mut body = Bytes::copy_from_slice(&reply[8..]);
            let resp = ProduceResponse::decode(&mut body, 3).expect("a produce response");
            let code = resp.responses[0].partition_responses[0].error_code;
            assert_eq!(code, 2, "{what}: CORRUPT_MESSAGE");
        }
        if what.starts_with("ApiVersions v99") {
            assert!(reply.len() > 8, "{what}: Kafka answers it");
        }
    }
    assert!(kcat_lists(&node), "kcat -L after the catalogue");
    let log = std::fs::read_to_string(&node.log_path).unwrap();
    assert!(
        log.contains("cannot decode Metadata v1"),
        "a warning names the API:\n{log}"
    );
    assert!(
        log.contains("peer=127.0.0.1:"),
        "a warning names the peer:\n{log}"
    );
    assert!(
        log.contains("refusing a Produce") && log.contains("invalid records"),
        "{log}"
    );

    // 2. Seeded mutations of every well-formed request kw serves.
    let seeds: Vec<Vec<u8>> = kw::fuzz::seeds()
        .into_iter()
        .filter(|(t, name, _)| {
            *t == "request" && !name.starts_with("create-") && !name.starts_with("delete-topics")
        })
        .map(|(_, _, b)| b)
        .collect();
    assert!(seeds.len() > 80);
    let mut rng = Rng(0x6b77_2d66_757a_7a31);
    let rounds = 3000;
    for i in 0..rounds {
        let base = &seeds[rng.below(seeds.len())];
        let m = mutate(&mut rng, base);
        send(&addr, &framed(&m), Duration::from_millis(30));
        if i % 250 == 249 {
            assert!(
                answers(&addr),
                "the node stopped answering after mutation {i}"
            );
        }
    }
    assert!(kcat_lists(&node), "kcat -L after {rounds} mutations");
    // What was produced before the attack reads back intact, in order.
    let got = consume_values(&node, "victim");
    assert_eq!(&got[..before.len()], &before[..]);
    let log = std::fs::read_to_string(&node.log_path).unwrap();
    assert!(!log.contains("panicked"), "{log}");
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The bound README.md documents for this case.
const FORTY_HUGE_FRAMES_RSS_BOUND_KB: u64 = 16 * 1024;

#[test]
fn forty_connections_announcing_100_mib_frames_hold_little_memory() {
    let node = Node::start_single();
    node.create_topic("t", 1);
    let pid = node.pid().unwrap();
    let addr = node.bootstrap();
    assert!(answers(&addr));
    let before = rss_kb(pid);
    let mut conns = Vec::new();
    for _ in 0..40 {
        let mut s = TcpStream::connect(&addr).unwrap();
        let mut f = (100i32 << 20).to_be_bytes().to_vec();
        f.extend_from_slice(&header_v1(0, 3));
        f.resize(4 + 1024, 0x55);
        s.write_all(&f).unwrap();
        conns.push(s);
    }
    // Everyone else is served meanwhile, also with a megabyte-sized produce.
    assert!(answers(&addr));
    let big = "x".repeat(900_000);
    node.produce_lines("t", &format!("{big}\n"), &[]);
    let during = rss_kb(pid);
    assert!(
        during < before + FORTY_HUGE_FRAMES_RSS_BOUND_KB,
        "RSS grew from {before} kB to {during} kB with 40 x 100 MiB announced"
    );
    drop(conns);
    wait_until(Duration::from_secs(10), "the node still answers", || {
        answers(&addr)
    });
}

#[test]
fn idle_and_stalled_connections_are_closed() {
    let node = Node::start_with(&["--config", "connections.max.idle.ms=300"]);
    let addr = node.bootstrap();
    for (what, bytes) in [
        ("idle, nothing sent", Vec::new()),
        ("stalled mid-frame", {
            let mut f = 100i32.to_be_bytes().to_vec();
            f.extend_from_slice(&header_v1(3, 1));
            f
        }),
    ] {
        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(&bytes).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let start = Instant::now();
        let mut buf = [0u8; 16];
        let n = s.read(&mut buf).unwrap_or(usize::MAX);
        assert_eq!(n, 0, "{what}: the node closed the connection");
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{what}: closed in time"
        );
    }
    assert!(answers(&addr));
}

#[test]
fn clients_cannot_write_into_internal_topics() {
    let node = Node::start_single();
    // A group commit creates __consumer_offsets.
    node.create_topic("t", 1);
    node.produce_lines("t", "a\n", &[]);
    node.kw_ok(&[
        "consume",
        "-t",
        "t",
        "-X",
        "group.id=g",
        "-o",
        "beginning",
        "-e",
        "-q",
    ]);
    let out = node
        .kw()
        .args([
            "produce",
            "-t",
            "__consumer_offsets",
            "-p",
            "0",
            "-X",
            "message.timeout.ms=5000",
        ])
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Topic name is invalid"), "{err}");
    // kcat (librdkafka) is told the same.
    let out = run_with_timeout(
        kcat().args([
            "-b",
            &node.bootstrap(),
            "-P",
            "-t",
            "__consumer_offsets",
            "-p",
            "0",
            "-X",
            "message.timeout.ms=5000",
        ]),
        Some(b"x\n"),
        Duration::from_secs(30),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid") || err.contains("Invalid"),
        "kcat: {err}"
    );
}

// ---------------------------------------------------------------------------
// kw's clients against a fake broker with hostile answers.

type Answer = fn(key: ApiKey, version: i16, addr: &str) -> Option<Vec<u8>>;

/// A broker on a local socket: answers ApiVersions with kw's own table, and every
/// other request with `answer` (raw response body bytes), or closes the connection.
struct FakeBroker {
    addr: String,
}

impl FakeBroker {
    fn start(answer: Answer) -> FakeBroker {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let a = addr.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let a = a.clone();
                std::thread::spawn(move || serve_fake(&mut conn, answer, &a));
            }
        });
        FakeBroker { addr }
    }
}

fn serve_fake(conn: &mut TcpStream, answer: Answer, addr: &str) {
    loop {
        let mut len = [0u8; 4];
        if conn.read_exact(&mut len).is_err() {
            return;
        }
        let mut frame = vec![0u8; i32::from_be_bytes(len).clamp(0, 1 << 20) as usize];
        if conn.read_exact(&mut frame).is_err() || frame.len() < 8 {
            return;
        }
        let key = i16::from_be_bytes([frame[0], frame[1]]);
        let version = i16::from_be_bytes([frame[2], frame[3]]);
        let Ok(key) = ApiKey::try_from(key) else {
            return;
        };
        let body = if key == ApiKey::ApiVersions {
            let keys = kw::protocol::versions::SUPPORTED
                .iter()
                .map(|(k, lo, hi)| {
                    api_versions_response::ApiVersion::default()
                        .with_api_key(*k as i16)
                        .with_min_version(*lo)
                        .with_max_version(*hi)
                })
                .collect();
            encode(&ApiVersionsResponse::default().with_api_keys(keys), version)
        } else {
            match answer(key, version, addr) {
                Some(b) => b,
                None => return,
            }
        };
        let mut out = BytesMut::new();
        out.put_i32(0);
        // ApiVersions responses always use header v0 (KIP-511).
        ResponseHeader::default()
            .with_correlation_id(i32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]))
            .encode(&mut out, key.response_header_version(version))
            .unwrap();
        out.extend_from_slice(&body);
        let n = (out.len() - 4) as i32;
        out[..4].copy_from_slice(&n.to_be_bytes());
        if conn.write_all(&out).is_err() {
            return;
        }
    }
}

fn encode<T: Encodable>(msg: &T, version: i16) -> Vec<u8> {
    let mut b = BytesMut::new();
    msg.encode(&mut b, version).unwrap();
    b.to_vec()
}

fn sb(s: &str) -> StrBytes {
    StrBytes::from_string(s.to_string())
}

/// Metadata: this fake as broker 1, leading topic `t` partition 0.
fn metadata(version: i16, addr: &str) -> Vec<u8> {
    let (host, port) = addr.rsplit_once(':').unwrap();
    encode(
        &MetadataResponse::default()
            .with_brokers(vec![metadata_response::MetadataResponseBroker::default()
                .with_node_id(BrokerId(1))
                .with_host(sb(host))
                .with_port(port.parse().unwrap())])
            .with_controller_id(BrokerId(1))
            .with_topics(vec![metadata_response::MetadataResponseTopic::default()
                .with_name(Some(TopicName(sb("t"))))
                .with_partitions(vec![
                    metadata_response::MetadataResponsePartition::default()
                        .with_leader_id(BrokerId(1))
                        .with_replica_nodes(vec![BrokerId(1)])
                        .with_isr_nodes(vec![BrokerId(1)]),
                ])]),
        version,
    )
}

fn list_offsets(version: i16) -> Vec<u8> {
    encode(
        &ListOffsetsResponse::default().with_topics(vec![
            list_offsets_response::ListOffsetsTopicResponse::default()
                .with_name(TopicName(sb("t")))
                .with_partitions(vec![
                    list_offsets_response::ListOffsetsPartitionResponse::default().with_offset(0),
                ]),
        ]),
        version,
    )
}

/// 2^31-1 elements claimed by the first array, with nothing behind it.
fn huge_array_after(prefix: &[u8], flexible: bool) -> Vec<u8> {
    let mut b = prefix.to_vec();
    if flexible {
        b.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
    } else {
        b.extend_from_slice(&i32::MAX.to_be_bytes());
    }
    b
}

fn one_line_failure(args: &[&str], addr: &str, stdin: Option<&[u8]>) -> String {
    let mut cmd = std::process::Command::new(common::kw_bin());
    cmd.args(["-b", addr]).args(args);
    let out = run_with_timeout(&mut cmd, stdin, Duration::from_secs(60));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "kw {args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one sentence: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "{err}"
    );
    err
}

#[test]
fn kw_ends_with_one_sentence_against_a_hostile_broker() {
    // Metadata whose brokers array claims 2^31-1 entries.
    let fake = FakeBroker::start(|key, v, _| match key {
        ApiKey::Metadata => Some(huge_array_after(
            if v >= 3 { &[0, 0, 0, 0] } else { &[] },
            v >= 9,
        )),
        _ => None,
    });
    let err = one_line_failure(&["metadata"], &fake.addr, None);
    assert!(err.contains(&fake.addr), "{err}");

    // Fetch answered with a huge responses array.
    let fake = FakeBroker::start(|key, v, addr| match key {
        ApiKey::Metadata => Some(metadata(v, addr)),
        ApiKey::ListOffsets => Some(list_offsets(v)),
        // throttle, error code, session id, then the responses array
        ApiKey::Fetch => Some(huge_array_after(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0], v >= 12)),
        _ => None,
    });
    let err = one_line_failure(
        &["consume", "-t", "t", "-o", "beginning", "-e"],
        &fake.addr,
        None,
    );
    assert!(err.contains("Fetch v") && err.contains(&fake.addr), "{err}");

    // Produce answered with garbage.
    let fake = FakeBroker::start(|key, v, addr| match key {
        ApiKey::Metadata => Some(metadata(v, addr)),
        ApiKey::InitProducerId => Some(encode(
            &InitProducerIdResponse::default().with_producer_id(ProducerId(1)),
            v,
        )),
        ApiKey::Produce => Some(huge_array_after(&[], v >= 9)),
        _ => None,
    });
    let err = one_line_failure(
        &["produce", "-t", "t", "-X", "message.timeout.ms=10000"],
        &fake.addr,
        Some(b"a\n"),
    );
    assert!(
        err.contains("Produce v") || err.contains("protocol error"),
        "{err}"
    );

    // A broker whose fetches keep failing: the consumer gives up after
    // socket.timeout.ms instead of retrying in silence.
    let fake = FakeBroker::start(|key, v, addr| match key {
        ApiKey::Metadata => Some(metadata(v, addr)),
        ApiKey::ListOffsets => Some(list_offsets(v)),
        ApiKey::Fetch => Some(encode(
            &FetchResponse::default().with_responses(vec![
                fetch_response::FetchableTopicResponse::default()
                    .with_topic(TopicName(sb("t")))
                    .with_partitions(vec![
                        fetch_response::PartitionData::default().with_error_code(6)
                    ]),
            ]),
            v,
        )),
        _ => None,
    });
    let start = Instant::now();
    let err = one_line_failure(
        &[
            "consume",
            "-t",
            "t",
            "-o",
            "beginning",
            "-e",
            "-X",
            "socket.timeout.ms=2000",
        ],
        &fake.addr,
        None,
    );
    assert!(
        err.contains("fetching t-0 from broker 1") && err.contains("Not leader"),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(30));
}

/// What Tansu 0.6 sends: a Fetch v12 response with tag 0 at the top level, which
/// v12 does not define (node_endpoints is tag 0 from v16 on). KIP-482: skip it.
#[test]
fn tagged_fields_a_version_does_not_define_are_skipped() {
    let fake = FakeBroker::start(|key, v, addr| match key {
        ApiKey::Metadata => Some(metadata(v, addr)),
        ApiKey::ListOffsets => Some(list_offsets(v)),
        ApiKey::Fetch => {
            let batch = batch_of(3, "tansu");
            let mut body = encode(
                &FetchResponse::default().with_responses(vec![
                    fetch_response::FetchableTopicResponse::default()
                        .with_topic(TopicName(sb("t")))
                        .with_partitions(vec![fetch_response::PartitionData::default()
                            .with_high_watermark(3)
                            .with_last_stable_offset(3)
                            .with_records(Some(batch))]),
                ]),
                v,
            );
            if v >= 12 {
                // Replace the empty top-level tag section with one tag 0 of 2 bytes.
                assert_eq!(body.pop(), Some(0));
                body.extend_from_slice(&[1, 0, 2, 0xab, 0xcd]);
            }
            Some(body)
        }
        _ => None,
    });
    let out = run_with_timeout(
        std::process::Command::new(common::kw_bin()).args([
            "-b",
            &fake.addr,
            "consume",
            "-t",
            "t",
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%s\n",
        ]),
        None,
        Duration::from_secs(30),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "tansu-0\ntansu-1\ntansu-2\n"
    );
}

/// Stored data is input too: a flipped bit in an old segment (never CRC-checked at
/// open) ends reads of that partition with CORRUPT_MESSAGE and a log line naming the
/// file, and every other partition is served as before.
#[test]
fn a_damaged_segment_fails_its_reads_and_nothing_else() {
    let node = Node::start_with(&["--config", "log.segment.bytes=4096"]);
    node.create_topic("damaged", 1);
    node.create_topic("healthy", 1);
    let lines: String = (0..400).map(|i| format!("message-{i:04}\n")).collect();
    for t in ["damaged", "healthy"] {
        node.produce_lines(t, &lines, &["-X", "linger.ms=0", "-X", "batch.size=2000"]);
    }
    let dir = node.data_dir.join("damaged-0");
    let mut segments: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    segments.sort();
    assert!(segments.len() >= 3, "several segments: {segments:?}");
    // Flip a bit inside the records of the first batch of the first segment.
    let first = &segments[0];
    let mut bytes = std::fs::read(first).unwrap();
    bytes[70] ^= 0x04;
    std::fs::write(first, &bytes).unwrap();
    let out = node
        .kw()
        .args(["consume", "-t", "damaged", "-o", "beginning", "-e", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Corrupt") || err.contains("CRC"), "{err}");
    // The rest of the partition, after the damaged segment, still reads.
    let tail = node.kw_ok(&[
        "consume", "-t", "damaged", "-o", "-5", "-e", "-q", "-f", "%s\n",
    ]);
    assert_eq!(tail.lines().count(), 5, "{tail}");
    assert_eq!(consume_values(&node, "healthy").len(), 400);
    let log = std::fs::read_to_string(&node.log_path).unwrap();
    assert!(
        log.contains("read failed")
            && log.contains("00000000000000000000.log")
            && log.contains("CRC"),
        "a line names the file and position:\n{log}"
    );
    assert!(answers(&node.bootstrap()));
}

/// max.connections bounds the clients' connections; once they are all taken a
/// separate inter-broker listener still accepts, as in Kafka (KIP-402), so other
/// brokers are not locked out by idle or hostile clients.
#[test]
fn max_connections_leave_the_inter_broker_listener_open() {
    let (client, internal) = (common::free_port(), common::free_port());
    let node = Node::start_listeners(
        client,
        &[
            "--config".to_string(),
            format!("listeners=PLAINTEXT://127.0.0.1:{client},INTERNAL://127.0.0.1:{internal}"),
            "--config".to_string(),
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT".to_string(),
            "--config".to_string(),
            "inter.broker.listener.name=INTERNAL".to_string(),
            "--config".to_string(),
            "max.connections=3".to_string(),
        ],
    );
    let client_addr = node.bootstrap();
    let internal_addr = format!("127.0.0.1:{internal}");
    // Three idle clients take every permit (the node accepts them: they stay).
    let idle: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(&client_addr).unwrap())
        .collect();
    wait_until(
        Duration::from_secs(30),
        "a fourth client is no longer served",
        || !answers(&client_addr),
    );
    // Several times: each listener holds one permit while it waits to accept.
    for _ in 0..3 {
        assert!(answers(&internal_addr), "the inter-broker listener serves");
    }
    drop(idle);
    wait_until(
        Duration::from_secs(30),
        "clients are served again once the idle ones go",
        || answers(&client_addr),
    );
}
