//! Which partition of a coordinator topic (and so which coordinator) owns a key:
//! `abs(java String.hashCode(key)) % partitions`, as Kafka computes it for groups in
//! `__consumer_offsets` and transactional ids in `__transaction_state`, so kw and
//! Kafka place them alike.

/// Java's `String.hashCode` over UTF-16 code units.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

/// Kafka's `Utils.abs`: `Integer.MIN_VALUE` maps to 0, not to itself.
fn kafka_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

pub fn partition_for(key: &str, partitions: i32) -> i32 {
    kafka_abs(java_string_hash(key)) % partitions.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_java() {
        // Values computed with Java's "x".hashCode().
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99162322);
        assert_eq!(java_string_hash("purchases-group"), {
            let mut h: i32 = 0;
            for c in "purchases-group".chars() {
                h = h.wrapping_mul(31).wrapping_add(c as i32);
            }
            h
        });
        assert!((0..50).contains(&partition_for("purchases-group", 50)));
        assert_eq!(kafka_abs(i32::MIN), 0);
    }
}
