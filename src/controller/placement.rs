//! Replica placement for new partitions. Pure.
//!
//! Like Kafka's rack-unaware assignment: replicas of consecutive partitions start on
//! consecutive brokers, so leaders (first replicas) rotate and each broker leads
//! about the same number of partitions.

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlacementError {
    #[error("Unable to replicate the partition {rf} time(s): The target replication factor of {rf} cannot be reached because only {brokers} broker(s) are registered.")]
    NotEnoughBrokers { rf: i32, brokers: usize },
    #[error("Replication factor must be larger than 0.")]
    BadReplicationFactor,
    #[error("Number of partitions must be larger than 0.")]
    BadPartitions,
}

/// Assign `partitions` partitions with `rf` replicas over `brokers` (sorted ids),
/// starting the rotation at `start_partition` (for partitions added later).
pub fn assign(
    partitions: i32,
    rf: i32,
    brokers: &[i32],
    start_partition: i32,
) -> Result<Vec<Vec<i32>>, PlacementError> {
    if partitions <= 0 {
        return Err(PlacementError::BadPartitions);
    }
    if rf <= 0 {
        return Err(PlacementError::BadReplicationFactor);
    }
    if rf as usize > brokers.len() {
        return Err(PlacementError::NotEnoughBrokers {
            rf,
            brokers: brokers.len(),
        });
    }
    let n = brokers.len();
    Ok((0..partitions)
        .map(|p| {
            let first = (start_partition + p) as usize % n;
            (0..rf as usize).map(|r| brokers[(first + r) % n]).collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaders_rotate_over_three_brokers() {
        let a = assign(6, 3, &[1, 2, 3], 0).unwrap();
        assert_eq!(a[0], vec![1, 2, 3]);
        assert_eq!(a[1], vec![2, 3, 1]);
        assert_eq!(a[2], vec![3, 1, 2]);
        for b in 1..=3 {
            assert_eq!(a.iter().filter(|r| r[0] == b).count(), 2);
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            assign(1, 3, &[1], 0),
            Err(PlacementError::NotEnoughBrokers { rf: 3, brokers: 1 })
        );
        assert!(assign(0, 1, &[1], 0).is_err());
        assert!(assign(1, 0, &[1], 0).is_err());
        assert_eq!(assign(2, 1, &[7], 0).unwrap(), vec![vec![7], vec![7]]);
    }
}
