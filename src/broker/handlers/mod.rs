//! One file per API family. Handlers check requests against the metadata image,
//! call one part per partition and build the response; per-partition failures become
//! per-partition error codes.

pub mod acls;
pub mod api_versions;
pub mod configs;
pub mod fetch;
pub mod groups;
pub mod list_offsets;
pub mod metadata;
pub mod produce;
pub mod producer_id;
pub mod scram;
pub mod topics;
pub mod txn;
