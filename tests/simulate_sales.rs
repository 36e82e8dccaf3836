//! `kw simulate-sales` against a real node, read back with the real kcat.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{kcat, run_ok, Node};

const PURCHASE_FIELDS: [&str; 10] = [
    "transaction_time",
    "transaction_id",
    "product_id",
    "price",
    "quantity",
    "is_member",
    "member_discount",
    "add_supplements",
    "supplement_price",
    "total_purchase",
];

/// Keys of a flat JSON object in the order they appear in the text.
fn key_order(json: &str) -> Vec<String> {
    json.trim_start_matches('{')
        .split(", \"")
        .map(|part| {
            part.trim_start_matches('"')
                .split('"')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn seeded_stream_has_the_original_format_and_librdkafka_partitioning() {
    let node = Node::start_single();
    let out = node
        .kw()
        .args([
            "simulate-sales",
            "--create-topics",
            "--partitions",
            "6",
            "--max",
            "--transactions",
            "2000",
            "--seed",
            "5",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |topic: &str| -> Vec<(i32, String, String)> {
        let out = run_ok(
            kcat().args([
                "-b",
                &node.bootstrap(),
                "-C",
                "-t",
                topic,
                "-o",
                "beginning",
                "-e",
                "-q",
                "-f",
                "%p\\t%k\\t%s\\n",
            ]),
            None,
            Duration::from_secs(60),
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.splitn(3, '\t').collect();
                (f[0].parse().unwrap(), f[1].to_string(), f[2].to_string())
            })
            .collect()
    };
    let products = read("demo.products");
    assert_eq!(products.len(), 27);
    let purchases = read("demo.purchases");
    assert!(purchases.len() > 2500, "{} line items", purchases.len());
    let mut key_partitions: BTreeMap<String, i32> = BTreeMap::new();
    for (p, key, value) in &purchases {
        assert_eq!(key_order(value), PURCHASE_FIELDS, "{value}");
        let v: serde_json::Value = serde_json::from_str(value).unwrap();
        assert_eq!(v["product_id"].as_str(), Some(key.as_str()));
        assert!(v["transaction_id"].as_str().unwrap().parse::<u64>().is_ok());
        assert!(v["quantity"].is_i64() && v["is_member"].is_boolean() && v["price"].is_f64());
        let q = v["quantity"].as_f64().unwrap();
        let total = (q
            * (v["price"].as_f64().unwrap() + v["supplement_price"].as_f64().unwrap())
            * (1.0 - v["member_discount"].as_f64().unwrap())
            * 100.0)
            .round()
            / 100.0;
        assert_eq!(v["total_purchase"].as_f64().unwrap(), total, "{value}");
        assert_eq!(
            *p,
            (crc32fast::hash(key.as_bytes()) % 6) as i32,
            "librdkafka's consistent_random for {key}"
        );
        assert_eq!(*key_partitions.entry(key.clone()).or_insert(*p), *p);
    }
    assert_eq!(
        key_partitions.get("SF05"),
        Some(&2),
        "the workshop's SF05 on partition 2"
    );
    for (_, _, value) in read("demo.inventories") {
        let v: serde_json::Value = serde_json::from_str(&value).unwrap();
        let e = v["existing_level"].as_i64().unwrap();
        assert!((8..=10).contains(&e), "{value}");
        assert_eq!(v["new_level"].as_i64().unwrap(), e + 15);
    }
}

#[test]
fn same_seed_same_messages_apart_from_timestamps() {
    let run = || {
        let out = assert_cmd::Command::new(common::kw_bin())
            .args([
                "simulate-sales",
                "--dry-run",
                "--seed",
                "11",
                "--transactions",
                "300",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let (head, json) = l.split_once(':').unwrap();
                let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
                let o = v.as_object_mut().unwrap();
                o.remove("transaction_time");
                o.remove("event_time");
                format!("{head}:{v}")
            })
            .collect::<Vec<_>>()
    };
    let a = run();
    assert!(a.len() > 300);
    assert_eq!(a, run());
}

#[test]
fn unreachable_broker_is_a_clear_error() {
    let port = common::free_port();
    let out = assert_cmd::Command::new(common::kw_bin())
        .args([
            "-b",
            &format!("127.0.0.1:{port}"),
            "simulate-sales",
            "--transactions",
            "1",
        ])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
}
