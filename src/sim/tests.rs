use std::collections::HashMap;

use super::*;

/// 2024-08-25 13:22:09.418604 UTC in microseconds.
const T: i64 = 1_724_592_129_418_604;

#[test]
fn timestamps_and_floats_print_like_python() {
    assert_eq!(format_timestamp(T), "2024-08-25 13:22:09.418604");
    assert_eq!(
        format_timestamp(T - 418_604),
        "2024-08-25 13:22:09",
        "zero microseconds lose the fraction"
    );
    assert_eq!(format_timestamp(0), "1970-01-01 00:00:00");
    assert_eq!(
        format_timestamp(951_782_400_000_001),
        "2000-02-29 00:00:00.000001"
    );
    assert_eq!(py_float(0.0), "0.0");
    assert_eq!(py_float(20.2), "20.2");
    assert_eq!(py_float(4.99), "4.99");
    assert_eq!(py_float(1.5), "1.5");
    assert_eq!(py_float(0.1), "0.1");
}

#[test]
fn product_messages_match_the_original_byte_for_byte() {
    let mut sim = Simulator::new(Catalog::embedded(), SimConfig::default(), Some(1));
    let msgs = sim.product_messages(T);
    assert_eq!(msgs.len(), 27);
    assert_eq!(msgs[0].key, "CS01");
    assert_eq!(
        msgs[0].value,
        r#"{"event_time": "2024-08-25 13:22:09.418604", "product_id": "CS01", "category": "Classic Smoothies", "item": "Sunrise Sunset", "size": "24 oz.", "cogs": 1.5, "price": 4.99, "inventory_level": 75, "contains_fruit": true, "contains_veggies": false, "contains_nuts": false, "contains_caffeine": false, "propensity_to_buy": 3}"#
    );
    let cs08 = msgs.iter().find(|m| m.key == "CS08").unwrap();
    assert!(
        cs08.value.contains(r#""item": "Rockin\u2019 Raspberry""#),
        "{}",
        cs08.value
    );
    let sc04 = msgs.iter().find(|m| m.key == "SC04").unwrap();
    assert!(sc04.value.ends_with(r#""cogs": 2.7, "price": 5.99, "inventory_level": 35, "contains_fruit": false, "contains_veggies": true, "contains_nuts": true, "contains_caffeine": true, "propensity_to_buy": 152}"#));
}

#[test]
// 6.28 is a price total here, not an approximation of tau.
#[allow(clippy::approx_constant)]
fn every_total_in_the_reference_table() {
    // (price, supplement, member) -> totals for quantity 1, 2, 3
    let table: &[(f64, f64, bool, [f64; 3])] = &[
        (4.99, 0.0, false, [4.99, 9.98, 14.97]),
        (4.99, 0.0, true, [4.49, 8.98, 13.47]),
        (4.99, 1.99, false, [6.98, 13.96, 20.94]),
        (4.99, 1.99, true, [6.28, 12.56, 18.85]),
        (5.49, 0.0, false, [5.49, 10.98, 16.47]),
        (5.49, 0.0, true, [4.94, 9.88, 14.82]),
        (5.49, 1.99, false, [7.48, 14.96, 22.44]),
        (5.49, 1.99, true, [6.73, 13.46, 20.2]),
        (5.99, 0.0, false, [5.99, 11.98, 17.97]),
        (5.99, 0.0, true, [5.39, 10.78, 16.17]),
        (5.99, 1.99, false, [7.98, 15.96, 23.94]),
        (5.99, 1.99, true, [7.18, 14.36, 21.55]),
    ];
    for (price, supp, member, totals) in table {
        for (q, want) in totals.iter().enumerate() {
            let d = if *member { 0.1 } else { 0.0 };
            assert_eq!(
                round2(round2_input(q as i64 + 1, *price, *supp, d)),
                *want,
                "{price} {supp} {member} q{}",
                q + 1
            );
        }
    }
    assert_eq!(py_float(round2(round2_input(1, 5.49, 1.99, 0.1))), "6.73");
}

fn run(seed: u64, transactions: usize) -> Vec<SimMessage> {
    let mut sim = Simulator::new(Catalog::embedded(), SimConfig::default(), Some(seed));
    (0..transactions)
        .flat_map(|i| sim.next_transaction(T + i as i64 * 1_000_000))
        .collect()
}

#[test]
fn purchases_follow_the_rules() {
    let msgs = run(7, 5000);
    let mut restocks = 0;
    for m in &msgs {
        let v: serde_json::Value = serde_json::from_str(&m.value).unwrap();
        match m.stream {
            Stream::Purchases => {
                assert_eq!(v["product_id"], m.key.as_str());
                let price = v["price"].as_f64().unwrap();
                let q = v["quantity"].as_i64().unwrap();
                let supp = v["supplement_price"].as_f64().unwrap();
                let d = v["member_discount"].as_f64().unwrap();
                assert_eq!(
                    v["total_purchase"].as_f64().unwrap(),
                    round2(round2_input(q, price, supp, d))
                );
                assert_eq!(v["is_member"].as_bool().unwrap(), d > 0.0);
                assert_eq!(v["add_supplements"].as_bool().unwrap(), supp > 0.0);
                let id = v["transaction_id"].as_str().unwrap();
                assert!(id.parse::<u64>().unwrap() < 1 << 63);
            }
            Stream::Inventories => {
                restocks += 1;
                let e = v["existing_level"].as_i64().unwrap();
                assert!((8..=10).contains(&e), "{}", m.value);
                assert_eq!(v["new_level"].as_i64().unwrap(), e + 15);
                assert_eq!(v["stock_quantity"].as_i64().unwrap(), 15);
            }
            Stream::Products => unreachable!(),
        }
    }
    assert!(restocks > 0);
}

#[test]
fn a_seed_reproduces_the_stream_apart_from_timestamps() {
    let strip = |msgs: Vec<SimMessage>| -> Vec<(String, String)> {
        msgs.into_iter()
            .map(|m| {
                let mut v: serde_json::Value = serde_json::from_str(&m.value).unwrap();
                v.as_object_mut().unwrap().remove("transaction_time");
                (m.key, v.to_string())
            })
            .collect()
    };
    assert_eq!(strip(run(42, 300)), strip(run(42, 300)));
    assert_ne!(strip(run(42, 300)), strip(run(43, 300)));
}

#[test]
fn frequencies_match_the_reference_within_tolerance() {
    let msgs = run(99, 70_000);
    let purchases: Vec<serde_json::Value> = msgs
        .iter()
        .filter(|m| m.stream == Stream::Purchases)
        .map(|m| serde_json::from_str(&m.value).unwrap())
        .collect();
    let n = purchases.len() as f64;
    assert!(n > 100_000.0, "{n} line items");
    // Product probabilities: count of scale points / 198 (reference table).
    let expected: &[(&str, f64)] = &[
        ("CS01", 2.0),
        ("CS02", 6.0),
        ("CS03", 6.0),
        ("CS04", 6.0),
        ("CS05", 9.0),
        ("CS06", 6.0),
        ("CS07", 9.0),
        ("CS08", 14.0),
        ("CS09", 10.0),
        ("CS10", 6.0),
        ("CS11", 4.0),
        ("SF01", 3.0),
        ("SF02", 5.0),
        ("SF03", 5.0),
        ("SF04", 6.0),
        ("SF05", 9.0),
        ("SF06", 9.0),
        ("SF07", 12.0),
        ("SC01", 9.0),
        ("SC02", 3.0),
        ("SC03", 6.0),
        ("SC04", 11.0),
        ("SC05", 8.0),
        ("IS01", 8.0),
        ("IS02", 12.0),
        ("IS03", 10.0),
        ("IS04", 4.0),
    ];
    let mut counts: HashMap<String, f64> = HashMap::new();
    for p in &purchases {
        *counts
            .entry(p["product_id"].as_str().unwrap().to_string())
            .or_default() += 1.0;
    }
    // Five standard deviations: a correct generator essentially never fails.
    let check = |what: &str, got: f64, p: f64| {
        let sd = (n * p * (1.0 - p)).sqrt();
        assert!(
            (got - n * p).abs() < 5.0 * sd,
            "{what}: got {got}, expected {:.0} ± {:.0}",
            n * p,
            5.0 * sd
        );
    };
    for (id, points) in expected {
        check(id, counts.get(*id).copied().unwrap_or(0.0), points / 198.0);
    }
    let q = |k: i64| {
        purchases
            .iter()
            .filter(|p| p["quantity"].as_i64() == Some(k))
            .count() as f64
    };
    check("quantity 1", q(1), 24.0 / 30.0);
    check("quantity 2", q(2), 5.0 / 30.0);
    check("quantity 3", q(3), 1.0 / 30.0);
    let supp = |prefix: &str| {
        let of: Vec<&serde_json::Value> = purchases
            .iter()
            .filter(|p| p["product_id"].as_str().unwrap().starts_with(prefix))
            .collect();
        (
            of.iter().filter(|p| p["add_supplements"] == true).count() as f64 / of.len() as f64,
            of.len() as f64,
        )
    };
    for (prefix, rate) in [("SF", 0.5), ("SC", 0.5), ("CS", 0.2), ("IS", 0.2)] {
        let (got, m) = supp(prefix);
        let sd = (rate * (1.0 - rate) / m).sqrt();
        assert!(
            (got - rate).abs() < 5.0 * sd,
            "supplements for {prefix}: {got}"
        );
    }
    let tx: HashMap<&str, bool> = purchases
        .iter()
        .map(|p| {
            (
                p["transaction_id"].as_str().unwrap(),
                p["is_member"].as_bool().unwrap(),
            )
        })
        .collect();
    let members = tx.values().filter(|m| **m).count() as f64;
    let t = tx.len() as f64;
    let sd = (t * 0.3 * 0.7).sqrt();
    assert!(
        (members - 0.3 * t).abs() < 5.0 * sd,
        "members {members} of {t}"
    );
    let items_per_tx = n / t;
    assert!(
        (items_per_tx - 1.45).abs() < 0.02,
        "{items_per_tx} items per transaction"
    );
}

#[test]
fn catalog_errors() {
    assert_eq!(Catalog::parse("header\n").unwrap_err(), CatalogError::Empty);
    assert!(Catalog::parse("h\nCS01,a,b\n").is_err());
    assert_eq!(Catalog::embedded().products.len(), 27);
}
