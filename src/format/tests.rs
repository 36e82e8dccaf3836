use super::*;

fn msg<'a>(
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
    headers: &'a [Header<'a>],
) -> MessageView<'a> {
    MessageView {
        topic: "t2",
        partition: 0,
        offset: 1,
        timestamp: Some((TimestampType::Create, 1795468068505)),
        broker: 1,
        key,
        value,
        headers,
    }
}

fn render(fmt: &str, m: &MessageView, z: bool) -> Vec<u8> {
    let mut out = Vec::new();
    Template::parse(fmt).unwrap().render(m, z, &mut out);
    out
}

#[test]
fn workshop_format() {
    let m = MessageView {
        partition: 2,
        ..msg(Some(b"SF05"), Some(b"{\"a\": 1}"), &[])
    };
    assert_eq!(
        render("Part-%p => %k:%s\\n", &m, false),
        b"Part-2 => SF05:{\"a\": 1}\n"
    );
}

#[test]
fn every_token() {
    let h = [
        Header {
            key: b"h1",
            value: Some(b"a"),
        },
        Header {
            key: b"h2",
            value: None,
        },
        Header {
            key: b"h3",
            value: Some(b""),
        },
    ];
    let m = msg(Some(b"k"), Some(b"vv"), &h);
    assert_eq!(
        render("%t|%p|%o|%k|%s|%K|%S|%T|%h|%%", &m, false),
        b"t2|0|1|k|vv|1|2|1795468068505|h1=a,h2=NULL,h3=|%"
    );
    assert_eq!(render("%R", &m, false), vec![0, 0, 0, 2]);
    let none = MessageView {
        timestamp: None,
        ..msg(None, None, &[])
    };
    assert_eq!(
        render("%K %S %T [%k][%s] %R", &none, false),
        b"-1 -1 -1 [][] \xff\xff\xff\xff"
    );
    assert_eq!(render("[%k][%s]", &none, true), b"[NULL][NULL]");
    let empty = msg(Some(b""), Some(b""), &[]);
    assert_eq!(render("%K %S [%k][%s]", &empty, true), b"0 0 [NULL][NULL]");
}

#[test]
fn format_errors() {
    assert_eq!(
        Template::parse("%c"),
        Err(FormatError::UnsupportedFormatter('c'))
    );
    assert_eq!(Template::parse("abc%"), Err(FormatError::EmptyFormatter));
    assert_eq!(
        Template::parse(&"%p".repeat(129)),
        Err(FormatError::TooMany)
    );
}

#[test]
fn backslash_escapes_like_kcat() {
    let m = msg(None, Some(b"v"), &[]);
    let cases: &[(&str, &[u8])] = &[
        ("\\n\\t\\r", b"\n\t\r"),
        ("\\x41", b"A"),
        ("\\x0A", b"\n"),
        ("\\x4142", b"B"),
        ("\\xff", b"ff"),
        ("\\xZ", b"Z"),
        ("\\101", b"e"),
        ("\\0101", b"A"),
        ("\\0x41", b"A"),
        ("\\\\", b"\\"),
        ("\\q", b"q"),
        ("a\\", b"a\\"),
    ];
    for (fmt, want) in cases {
        assert_eq!(&render(fmt, &m, false), want, "format {fmt:?}");
    }
    assert_eq!(render("a\\%s", &m, false), b"a\\v");
}

#[test]
fn delimiters() {
    assert_eq!(parse_delimiter("\\n"), b"\n");
    assert_eq!(parse_delimiter("\\t|"), b"\t|");
    // Hex is greedy; the low byte is kept: \x41B = 0x41B -> 0x1B.
    assert_eq!(parse_delimiter("\\x41B"), vec![0x1b]);
    assert_eq!(parse_delimiter("\\r"), b"\\r");
    assert_eq!(parse_delimiter("\\x00"), b"");
    assert_eq!(parse_delimiter(":"), b":");
    let t = Template::default_for(b"\n", Some(b":")).unwrap();
    let mut out = Vec::new();
    t.render(&msg(None, Some(b"v"), &[]), false, &mut out);
    assert_eq!(out, b":v\n");
    // '\r' typed as two chars in -D still yields CR through the format parser.
    let t = Template::default_for(&parse_delimiter("\\r"), None).unwrap();
    let mut out = Vec::new();
    t.render(&msg(None, Some(b"v"), &[]), false, &mut out);
    assert_eq!(out, b"v\r");
}

#[test]
fn json_envelopes_match_kcat() {
    let mut out = Vec::new();
    let m = MessageView {
        offset: 0,
        ..msg(Some(b"k1"), Some(b"v1"), &[])
    };
    render_json(&m, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"topic":"t2","partition":0,"offset":0,"tstype":"create","ts":1795468068505,"broker":1,"key":"k1","payload":"v1"}"#
    );
    let h = [
        Header {
            key: b"a",
            value: Some(b"1"),
        },
        Header {
            key: b"a",
            value: Some(b"2"),
        },
    ];
    let mut out = Vec::new();
    let m = MessageView {
        offset: 4,
        ..msg(Some(b"fixed"), Some(b"x"), &h)
    };
    render_json(&m, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"topic":"t2","partition":0,"offset":4,"tstype":"create","ts":1795468068505,"broker":1,"headers":["a","1","a","2"],"key":"fixed","payload":"x"}"#
    );
    let mut out = Vec::new();
    let m = MessageView {
        timestamp: None,
        ..msg(None, Some(b"a\x1f\x7f\x08\x0c\r/b"), &[])
    };
    render_json(&m, &mut out);
    assert_eq!(
        out,
        b"{\"topic\":\"t2\",\"partition\":0,\"offset\":1,\"broker\":1,\"key\":null,\"payload\":\"a\\u001F\x7f\\b\\f\\r/b\"}".to_vec()
    );
    let t = Template::parse("--\\n%s").unwrap();
    assert_eq!(t.leading_literal(), b"--\n");
}

fn cluster() -> ClusterInfo {
    let p = |partition, leader| PartitionInfo {
        partition,
        leader,
        replicas: vec![1, 2, 3],
        isr: vec![1, 2, 3],
        error: None,
    };
    ClusterInfo {
        originating_broker_id: 1,
        originating_broker_name: "127.0.0.1:33625/1".into(),
        controller_id: 0,
        brokers: vec![
            BrokerInfo {
                id: 1,
                host: "127.0.0.1".into(),
                port: 33625,
            },
            BrokerInfo {
                id: 2,
                host: "127.0.0.1".into(),
                port: 43201,
            },
            BrokerInfo {
                id: 3,
                host: "127.0.0.1".into(),
                port: 42167,
            },
        ],
        topics: vec![TopicInfo {
            name: "_host".into(),
            error: None,
            partitions: vec![p(1, 3), p(0, 3), p(2, 1), p(3, 1)],
        }],
    }
}

#[test]
fn metadata_listing_matches_kcat() {
    let want = "Metadata for all topics (from broker 1: 127.0.0.1:33625/1):\n 3 brokers:\n  broker 1 at 127.0.0.1:33625\n  broker 2 at 127.0.0.1:43201\n  broker 3 at 127.0.0.1:42167\n 1 topics:\n  topic \"_host\" with 4 partitions:\n    partition 0, leader 3, replicas: 1,2,3, isrs: 1,2,3\n    partition 1, leader 3, replicas: 1,2,3, isrs: 1,2,3\n    partition 2, leader 1, replicas: 1,2,3, isrs: 1,2,3\n    partition 3, leader 1, replicas: 1,2,3, isrs: 1,2,3\n";
    assert_eq!(render_metadata_text(&cluster(), None), want);
    let mut c = cluster();
    c.controller_id = 2;
    assert!(
        render_metadata_text(&c, Some("_host")).starts_with("Metadata for _host (from broker 1")
    );
    assert!(render_metadata_text(&c, None).contains("  broker 2 at 127.0.0.1:43201 (controller)\n"));
    let json = render_metadata_json(&cluster(), None);
    assert!(json.starts_with(r#"{"originating_broker":{"id":1,"name":"127.0.0.1:33625/1"},"query":{"topic":"*"},"controllerid":0,"brokers":[{"id":1,"name":"127.0.0.1:33625"},"#));
    assert!(json.contains(r#"{"partition":0,"leader":3,"replicas":[{"id":1},{"id":2},{"id":3}],"isrs":[{"id":1},{"id":2},{"id":3}]}"#));
    assert!(json.ends_with("]}]}"));
}

#[test]
fn topic_describe_layout() {
    let p = |partition, leader: i32, replicas: Vec<i32>, isr: Vec<i32>| PartitionInfo {
        partition,
        leader,
        replicas,
        isr,
        error: None,
    };
    let t = TopicDescription {
        name: "orders".into(),
        topic_id: "4Yk0c9uNQn6mO3yq1Xb2Zg".into(),
        configs: vec![
            ("min.insync.replicas".into(), "2".into()),
            ("segment.bytes".into(), "1073741824".into()),
        ],
        partitions: vec![
            p(2, 3, vec![3, 1, 2], vec![3, 1]),
            p(0, 1, vec![1, 2, 3], vec![1, 2, 3]),
            p(1, -1, vec![2, 3, 1], vec![]),
        ],
    };
    assert_eq!(
        render_topic_describe(&t),
        "Topic: orders\tTopicId: 4Yk0c9uNQn6mO3yq1Xb2Zg\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2,segment.bytes=1073741824\n\
         \tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\n\
         \tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: \n\
         \tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1,2\tIsr: 3,1\n"
    );
    let empty = TopicDescription {
        name: "x".into(),
        topic_id: String::new(),
        configs: vec![],
        partitions: vec![p(0, 1, vec![1], vec![1])],
    };
    assert!(render_topic_describe(&empty)
        .starts_with("Topic: x\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n"));
}

#[test]
fn uuids_print_as_kafka_prints_them() {
    use uuid::Uuid;
    assert_eq!(uuid_to_base64(Uuid::from_u128(0)), "AAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(
        uuid_to_base64(Uuid::from_u128(u128::MAX)),
        "_____________________w"
    );
}
