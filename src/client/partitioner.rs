//! Partitioners with librdkafka's names and placement, so kw puts a key on the
//! same partition as kcat (`consistent_random`, CRC-32) or the Java client
//! (`murmur2_random`). Pure.

use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partitioner {
    /// CRC-32 of the key; NULL or empty key: random. librdkafka's default.
    ConsistentRandom,
    /// CRC-32 of the key, also for NULL/empty keys.
    Consistent,
    Random,
    /// Java's murmur2 of the key (NULL key: murmur2 of nothing).
    Murmur2,
    /// Java's murmur2; NULL key: random. The Java client's placement.
    Murmur2Random,
    Fnv1a,
    Fnv1aRandom,
}

impl FromStr for Partitioner {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "consistent_random" => Partitioner::ConsistentRandom,
            "consistent" => Partitioner::Consistent,
            "random" => Partitioner::Random,
            "murmur2" => Partitioner::Murmur2,
            "murmur2_random" => Partitioner::Murmur2Random,
            "fnv1a" => Partitioner::Fnv1a,
            "fnv1a_random" => Partitioner::Fnv1aRandom,
            other => return Err(format!("unknown partitioner '{other}'")),
        })
    }
}

/// The Kafka Java client's murmur2 (seed 0x9747b28c).
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    let mut h: u32 = SEED ^ len as u32;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= (tail[2] as u32) << 16;
    }
    if tail.len() >= 2 {
        h ^= (tail[1] as u32) << 8;
    }
    if !tail.is_empty() {
        h ^= tail[0] as u32;
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

fn fnv1a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

impl Partitioner {
    /// The partition for `key` among `partition_count`; `random(n)` draws 0..n.
    pub fn partition(
        &self,
        key: Option<&[u8]>,
        partition_count: i32,
        random: &mut impl FnMut(i32) -> i32,
    ) -> i32 {
        let n = partition_count.max(1);
        let crc = |k: &[u8]| (crc32fast::hash(k) % n as u32) as i32;
        let mm = |k: &[u8]| (murmur2(k) & 0x7fff_ffff) % n;
        let fnv = |k: &[u8]| (fnv1a(k) % n as u32) as i32;
        match (self, key) {
            (Partitioner::ConsistentRandom, Some(k)) if !k.is_empty() => crc(k),
            (Partitioner::ConsistentRandom, _) => random(n),
            (Partitioner::Consistent, k) => crc(k.unwrap_or_default()),
            (Partitioner::Random, _) => random(n),
            (Partitioner::Murmur2, k) => mm(k.unwrap_or_default()),
            (Partitioner::Murmur2Random, Some(k)) => mm(k),
            (Partitioner::Murmur2Random, None) => random(n),
            (Partitioner::Fnv1a, k) => fnv(k.unwrap_or_default()),
            (Partitioner::Fnv1aRandom, Some(k)) => fnv(k),
            (Partitioner::Fnv1aRandom, None) => random(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(p: Partitioner, key: &str, n: i32) -> i32 {
        p.partition(Some(key.as_bytes()), n, &mut |_| {
            panic!("no randomness for a keyed message")
        })
    }

    #[test]
    fn crc32_places_the_workshop_keys_like_kcat() {
        assert_eq!(part(Partitioner::ConsistentRandom, "SF05", 6), 2);
        assert_eq!(part(Partitioner::ConsistentRandom, "IS02", 6), 5);
        // kafka-cli.md: crc32 with 4 partitions: a:3 b:1 c:3 d:0 user1:1 order-42:2
        for (k, p) in [
            ("a", 3),
            ("b", 1),
            ("c", 3),
            ("d", 0),
            ("user1", 1),
            ("order-42", 2),
        ] {
            assert_eq!(part(Partitioner::ConsistentRandom, k, 4), p, "{k}");
        }
    }

    #[test]
    fn murmur2_matches_the_java_client() {
        // kafka-cli.md: murmur2 with 4 partitions: a:0 b:0 c:2 d:1 user1:2 order-42:0
        for (k, p) in [
            ("a", 0),
            ("b", 0),
            ("c", 2),
            ("d", 1),
            ("user1", 2),
            ("order-42", 0),
        ] {
            assert_eq!(part(Partitioner::Murmur2Random, k, 4), p, "{k}");
        }
        // Test vectors of the Java client's UtilsTest.
        assert_eq!(murmur2(b"21"), -973932308);
        assert_eq!(murmur2(b"foobar"), -790332482);
        assert_eq!(murmur2(b"a-little-bit-long-string"), -985981536);
        assert_eq!(murmur2(b"a-little-bit-longer-string"), -1486304829);
        assert_eq!(
            murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"),
            -58897971
        );
        assert_eq!(murmur2(b"abc"), 479470107);
    }

    #[test]
    fn null_and_empty_keys() {
        let mut calls = 0;
        let mut rnd = |n: i32| {
            calls += 1;
            n - 1
        };
        assert_eq!(
            Partitioner::ConsistentRandom.partition(None, 6, &mut rnd),
            5
        );
        assert_eq!(
            Partitioner::ConsistentRandom.partition(Some(b""), 6, &mut rnd),
            5
        );
        assert_eq!(Partitioner::Consistent.partition(Some(b""), 6, &mut rnd), 0);
        assert_eq!(Partitioner::Murmur2Random.partition(None, 6, &mut rnd), 5);
        assert_eq!(calls, 3);
        assert!("bogus".parse::<Partitioner>().is_err());
        assert_eq!(
            "murmur2_random".parse::<Partitioner>(),
            Ok(Partitioner::Murmur2Random)
        );
    }
}
