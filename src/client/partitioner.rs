//! Placeholder until the full partitioner lands (same API).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partitioner {
    ConsistentRandom,
    Consistent,
    Random,
    Murmur2,
    Murmur2Random,
    Fnv1a,
    Fnv1aRandom,
}
impl std::str::FromStr for Partitioner {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "consistent_random" => Self::ConsistentRandom,
            "consistent" => Self::Consistent,
            "random" => Self::Random,
            "murmur2" => Self::Murmur2,
            "murmur2_random" => Self::Murmur2Random,
            "fnv1a" => Self::Fnv1a,
            "fnv1a_random" => Self::Fnv1aRandom,
            o => return Err(format!("unknown partitioner {o}")),
        })
    }
}
impl Partitioner {
    pub fn partition(
        &self,
        key: Option<&[u8]>,
        partition_count: i32,
        random: &mut impl FnMut(i32) -> i32,
    ) -> i32 {
        match key {
            Some(k) if !k.is_empty() => (crc32fast::hash(k) % partition_count as u32) as i32,
            _ => random(partition_count),
        }
    }
}
