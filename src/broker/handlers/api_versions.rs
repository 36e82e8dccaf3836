//! ApiVersions: the advertised table. The response carries no tagged fields (no
//! features): librdkafka before 2.2 misparses a non-empty tag section here.

use kafka_protocol::messages::api_versions_response::ApiVersion;
use kafka_protocol::messages::ApiVersionsResponse;

use crate::protocol::versions::SUPPORTED;

pub fn handle() -> ApiVersionsResponse {
    ApiVersionsResponse::default().with_api_keys(
        SUPPORTED
            .iter()
            .map(|&(key, lo, hi)| {
                ApiVersion::default()
                    .with_api_key(key as i16)
                    .with_min_version(lo)
                    .with_max_version(hi)
            })
            .collect(),
    )
}
