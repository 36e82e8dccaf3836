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
    #[error("Number of partitions must be at most {MAX_PARTITIONS} (kw's limit per topic).")]
    TooManyPartitions,
    #[error("{0}")]
    BadAssignment(String),
}

/// Most partitions one topic may have: a request for more is refused before
/// anything is allocated for it.
pub const MAX_PARTITIONS: i32 = 10_000;

/// Check an explicit assignment (CreateTopics with replica lists): every partition
/// has the same number of distinct, registered brokers.
pub fn validate_assignment(assignment: &[Vec<i32>], brokers: &[i32]) -> Result<(), PlacementError> {
    let bad = |m: String| Err(PlacementError::BadAssignment(m));
    if assignment.len() > MAX_PARTITIONS as usize {
        return Err(PlacementError::TooManyPartitions);
    }
    let rf = assignment.first().map_or(0, |r| r.len());
    for (p, replicas) in assignment.iter().enumerate() {
        if replicas.is_empty() {
            return bad(format!("Partition {p} has an empty replica list."));
        }
        if replicas.len() != rf {
            return bad("All partitions must have the same number of replicas.".into());
        }
        for (i, r) in replicas.iter().enumerate() {
            if replicas[..i].contains(r) {
                return bad(format!(
                    "Duplicate brokers are not allowed in the replica assignment: {replicas:?}."
                ));
            }
            if !brokers.contains(r) {
                return bad(format!(
                    "Unknown broker {r} in the replica assignment of partition {p}."
                ));
            }
        }
    }
    Ok(())
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
    if partitions > MAX_PARTITIONS || start_partition > MAX_PARTITIONS - partitions {
        return Err(PlacementError::TooManyPartitions);
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
    fn hostile_counts_and_assignments_are_refused() {
        assert_eq!(
            assign(i32::MAX, 1, &[1], 0),
            Err(PlacementError::TooManyPartitions)
        );
        assert_eq!(
            assign(10, 1, &[1], i32::MAX - 5),
            Err(PlacementError::TooManyPartitions)
        );
        assert!(assign(MAX_PARTITIONS, 1, &[1], 0).is_ok());
        assert!(validate_assignment(&[vec![1, 2], vec![2, 1]], &[1, 2]).is_ok());
        for bad in [
            vec![vec![]],
            vec![vec![1, 1]],
            vec![vec![1], vec![1, 2]],
            vec![vec![7]],
        ] {
            assert!(
                matches!(
                    validate_assignment(&bad, &[1, 2]),
                    Err(PlacementError::BadAssignment(_))
                ),
                "{bad:?}"
            );
        }
    }

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
