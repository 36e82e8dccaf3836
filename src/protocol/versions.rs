//! The one table of API versions kw speaks, as broker (advertised in ApiVersions)
//! and as client (upper bound when picking a version to send).
//!
//! Ranges are the intersection of what the `kafka-protocol` structs can encode and
//! decode and what kw implements. Minimums follow the crate (see
//! shared/reference/protocol-coverage.md); group APIs start at 0 because librdkafka
//! disables its balanced consumer unless version 0 is in range.

use kafka_protocol::messages::ApiKey;

/// (api key, min version, max version)
pub const SUPPORTED: &[(ApiKey, i16, i16)] = &[
    (ApiKey::Produce, 3, 9),
    (ApiKey::Fetch, 4, 12),
    (ApiKey::ListOffsets, 1, 7),
    (ApiKey::Metadata, 0, 12),
    (ApiKey::ApiVersions, 0, 4),
    (ApiKey::CreateTopics, 2, 7),
    (ApiKey::DeleteTopics, 1, 6),
    (ApiKey::DescribeConfigs, 1, 4),
    (ApiKey::InitProducerId, 0, 4),
    (ApiKey::OffsetForLeaderEpoch, 2, 4),
    (ApiKey::CreatePartitions, 0, 3),
    (ApiKey::FindCoordinator, 0, 4),
    (ApiKey::JoinGroup, 0, 7),
    (ApiKey::SyncGroup, 0, 5),
    (ApiKey::Heartbeat, 0, 4),
    (ApiKey::LeaveGroup, 0, 4),
    (ApiKey::OffsetCommit, 2, 8),
    (ApiKey::OffsetFetch, 1, 8),
    (ApiKey::DescribeGroups, 0, 5),
    (ApiKey::ListGroups, 0, 4),
    (ApiKey::DeleteGroups, 0, 2),
    (ApiKey::DescribeCluster, 0, 2),
    // Transactions. AddPartitionsToTxn v4+ is broker-to-broker verification
    // (KIP-890) and EndTxn v5 bumps epochs per transaction; neither is served.
    (ApiKey::AddPartitionsToTxn, 0, 3),
    (ApiKey::AddOffsetsToTxn, 0, 3),
    (ApiKey::EndTxn, 0, 3),
    (ApiKey::TxnOffsetCommit, 0, 3),
    (ApiKey::WriteTxnMarkers, 1, 1),
    (ApiKey::DescribeTransactions, 0, 0),
    (ApiKey::ListTransactions, 0, 1),
    (ApiKey::DescribeProducers, 0, 0),
    (ApiKey::AlterConfigs, 0, 2),
    (ApiKey::IncrementalAlterConfigs, 0, 1),
    (ApiKey::DeleteRecords, 0, 2),
    (ApiKey::OffsetDelete, 0, 0),
    // SASL (KIP-152). After a v0 handshake the SASL tokens come as bare frames;
    // librdkafka also needs v0 in range to believe the broker speaks SASL at all.
    (ApiKey::SaslHandshake, 0, 1),
    (ApiKey::SaslAuthenticate, 0, 2),
    (ApiKey::DescribeUserScramCredentials, 0, 0),
    (ApiKey::AlterUserScramCredentials, 0, 0),
    // ACLs (KIP-11); v0 only knew literal patterns and Kafka 4 dropped it.
    (ApiKey::DescribeAcls, 1, 3),
    (ApiKey::CreateAcls, 1, 3),
    (ApiKey::DeleteAcls, 1, 3),
];

/// The advertised range for `key`, if kw serves it.
pub fn range(key: ApiKey) -> Option<(i16, i16)> {
    SUPPORTED
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|&(_, lo, hi)| (lo, hi))
}

/// Whether the broker serves `key` at `version`.
pub fn is_supported(key: ApiKey, version: i16) -> bool {
    matches!(range(key), Some((lo, hi)) if version >= lo && version <= hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::*;
    use kafka_protocol::protocol::Message;

    fn crate_range(key: ApiKey) -> (i16, i16) {
        let r = match key {
            ApiKey::Produce => ProduceRequest::VERSIONS,
            ApiKey::Fetch => FetchRequest::VERSIONS,
            ApiKey::ListOffsets => ListOffsetsRequest::VERSIONS,
            ApiKey::Metadata => MetadataRequest::VERSIONS,
            ApiKey::ApiVersions => ApiVersionsRequest::VERSIONS,
            ApiKey::CreateTopics => CreateTopicsRequest::VERSIONS,
            ApiKey::DeleteTopics => DeleteTopicsRequest::VERSIONS,
            ApiKey::DescribeConfigs => DescribeConfigsRequest::VERSIONS,
            ApiKey::InitProducerId => InitProducerIdRequest::VERSIONS,
            ApiKey::OffsetForLeaderEpoch => OffsetForLeaderEpochRequest::VERSIONS,
            ApiKey::CreatePartitions => CreatePartitionsRequest::VERSIONS,
            ApiKey::FindCoordinator => FindCoordinatorRequest::VERSIONS,
            ApiKey::JoinGroup => JoinGroupRequest::VERSIONS,
            ApiKey::SyncGroup => SyncGroupRequest::VERSIONS,
            ApiKey::Heartbeat => HeartbeatRequest::VERSIONS,
            ApiKey::LeaveGroup => LeaveGroupRequest::VERSIONS,
            ApiKey::OffsetCommit => OffsetCommitRequest::VERSIONS,
            ApiKey::OffsetFetch => OffsetFetchRequest::VERSIONS,
            ApiKey::DescribeGroups => DescribeGroupsRequest::VERSIONS,
            ApiKey::ListGroups => ListGroupsRequest::VERSIONS,
            ApiKey::DeleteGroups => DeleteGroupsRequest::VERSIONS,
            ApiKey::DescribeCluster => DescribeClusterRequest::VERSIONS,
            ApiKey::AddPartitionsToTxn => AddPartitionsToTxnRequest::VERSIONS,
            ApiKey::AddOffsetsToTxn => AddOffsetsToTxnRequest::VERSIONS,
            ApiKey::EndTxn => EndTxnRequest::VERSIONS,
            ApiKey::TxnOffsetCommit => TxnOffsetCommitRequest::VERSIONS,
            ApiKey::WriteTxnMarkers => WriteTxnMarkersRequest::VERSIONS,
            ApiKey::DescribeTransactions => DescribeTransactionsRequest::VERSIONS,
            ApiKey::ListTransactions => ListTransactionsRequest::VERSIONS,
            ApiKey::DescribeProducers => DescribeProducersRequest::VERSIONS,
            ApiKey::AlterConfigs => AlterConfigsRequest::VERSIONS,
            ApiKey::IncrementalAlterConfigs => IncrementalAlterConfigsRequest::VERSIONS,
            ApiKey::DeleteRecords => DeleteRecordsRequest::VERSIONS,
            ApiKey::OffsetDelete => OffsetDeleteRequest::VERSIONS,
            ApiKey::SaslHandshake => SaslHandshakeRequest::VERSIONS,
            ApiKey::SaslAuthenticate => SaslAuthenticateRequest::VERSIONS,
            ApiKey::DescribeUserScramCredentials => DescribeUserScramCredentialsRequest::VERSIONS,
            ApiKey::AlterUserScramCredentials => AlterUserScramCredentialsRequest::VERSIONS,
            ApiKey::DescribeAcls => DescribeAclsRequest::VERSIONS,
            ApiKey::CreateAcls => CreateAclsRequest::VERSIONS,
            ApiKey::DeleteAcls => DeleteAclsRequest::VERSIONS,
            other => panic!("add {other:?} to the test"),
        };
        (r.min, r.max)
    }

    #[test]
    fn every_advertised_version_is_codable_by_the_crate() {
        for &(key, lo, hi) in SUPPORTED {
            let (clo, chi) = crate_range(key);
            assert!(
                lo >= clo && hi <= chi,
                "{key:?} {lo}..{hi} outside crate {clo}..{chi}"
            );
        }
    }

    #[test]
    fn kcat_needs_produce_3_and_fetch_4() {
        assert!(is_supported(ApiKey::Produce, 3));
        assert!(is_supported(ApiKey::Fetch, 4));
        assert!(!is_supported(ApiKey::Produce, 2));
    }
}
