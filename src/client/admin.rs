//! Admin calls: create, delete and grow topics, describe configs. Each returns the
//! broker's error as a `client::Error::Server` with Kafka's message when there is one.

use std::collections::BTreeMap;
use std::time::Duration;

use kafka_protocol::messages::create_partitions_request::CreatePartitionsTopic;
use kafka_protocol::messages::create_topics_request::{CreatableTopic, CreatableTopicConfig};
use kafka_protocol::messages::delete_topics_request::DeleteTopicState;
use kafka_protocol::messages::describe_configs_request::DescribeConfigsResource;
use kafka_protocol::messages::incremental_alter_configs_request::{
    AlterConfigsResource, AlterableConfig,
};
use kafka_protocol::messages::{
    ApiKey, CreatePartitionsRequest, CreateTopicsRequest, DeleteTopicsRequest,
    DescribeConfigsRequest, IncrementalAlterConfigsRequest, TopicName,
};

use super::cluster::Client;
use super::{Error, Result};
use crate::protocol::sb;

/// A failed admin call with the broker's own message (e.g. "Topic 'x' already exists.").
fn server_error(code: i16, message: Option<&str>, context: String) -> Option<Error> {
    let err = Error::server(code, context)?;
    match (err, message) {
        (Error::Server { code, .. }, Some(m)) if !m.is_empty() => Some(Error::Server {
            code,
            message: m.to_string(),
        }),
        (e, _) => Some(e),
    }
}

pub struct NewTopicSpec {
    pub name: String,
    /// -1 = broker default
    pub partitions: i32,
    /// -1 = broker default
    pub replication_factor: i16,
    pub configs: BTreeMap<String, String>,
}

pub async fn create_topic(client: &Client, spec: &NewTopicSpec, timeout: Duration) -> Result<()> {
    let conn = client.any_connection().await?;
    let req = CreateTopicsRequest::default()
        .with_timeout_ms(timeout.as_millis() as i32)
        .with_topics(vec![CreatableTopic::default()
            .with_name(TopicName(sb(spec.name.clone())))
            .with_num_partitions(spec.partitions)
            .with_replication_factor(spec.replication_factor)
            .with_configs(
                spec.configs
                    .iter()
                    .map(|(k, v)| {
                        CreatableTopicConfig::default()
                            .with_name(sb(k.clone()))
                            .with_value(Some(sb(v.clone())))
                    })
                    .collect(),
            )]);
    let resp = conn.send(&req).await?;
    for t in resp.topics {
        if let Some(e) = server_error(
            t.error_code,
            t.error_message.as_deref(),
            format!("creating topic {}", spec.name),
        ) {
            return Err(e);
        }
    }
    client.invalidate(&spec.name);
    Ok(())
}

pub async fn delete_topic(client: &Client, name: &str, timeout: Duration) -> Result<()> {
    let conn = client.any_connection().await?;
    let version = conn.version_for(ApiKey::DeleteTopics).unwrap_or(1);
    let mut req = DeleteTopicsRequest::default().with_timeout_ms(timeout.as_millis() as i32);
    if version >= 6 {
        req.topics = vec![DeleteTopicState::default().with_name(Some(TopicName(sb(name))))];
    } else {
        req.topic_names = vec![TopicName(sb(name))];
    }
    let resp = conn.send(&req).await?;
    for r in resp.responses {
        if r.error_code == 3 {
            return Err(Error::Server {
                code: kafka_protocol::error::ResponseError::UnknownTopicOrPartition,
                message: format!("Topic '{name}' does not exist as expected"),
            });
        }
        if let Some(e) = server_error(
            r.error_code,
            r.error_message.as_deref(),
            format!("deleting topic {name}"),
        ) {
            return Err(e);
        }
    }
    client.invalidate(name);
    Ok(())
}

pub async fn create_partitions(
    client: &Client,
    name: &str,
    total: i32,
    timeout: Duration,
) -> Result<()> {
    let conn = client.any_connection().await?;
    let req = CreatePartitionsRequest::default()
        .with_timeout_ms(timeout.as_millis() as i32)
        .with_topics(vec![CreatePartitionsTopic::default()
            .with_name(TopicName(sb(name)))
            .with_count(total)]);
    let resp = conn.send(&req).await?;
    for r in resp.results {
        if let Some(e) = server_error(
            r.error_code,
            r.error_message.as_deref(),
            format!("adding partitions to {name}"),
        ) {
            return Err(e);
        }
    }
    client.invalidate(name);
    Ok(())
}

/// Set (`Some`) or delete (`None`) a topic's dynamic configs with
/// IncrementalAlterConfigs, as `kafka-configs --alter` does.
pub async fn alter_topic_configs(
    client: &Client,
    topic: &str,
    changes: &[(String, Option<String>)],
) -> Result<()> {
    let conn = client.any_connection().await?;
    let req = IncrementalAlterConfigsRequest::default().with_resources(vec![
        AlterConfigsResource::default()
            .with_resource_type(2)
            .with_resource_name(sb(topic))
            .with_configs(
                changes
                    .iter()
                    .map(|(k, v)| {
                        AlterableConfig::default()
                            .with_name(sb(k.clone()))
                            .with_config_operation(if v.is_some() { 0 } else { 1 })
                            .with_value(v.clone().map(sb))
                    })
                    .collect(),
            ),
    ]);
    let resp = conn.send(&req).await?;
    for r in resp.responses {
        if let Some(e) = server_error(
            r.error_code,
            r.error_message.as_deref(),
            format!("altering configs of {topic}"),
        ) {
            return Err(e);
        }
    }
    Ok(())
}

/// One config entry as DescribeConfigs reports it.
#[derive(Debug, Clone)]
pub struct ConfigEntry {
    pub name: String,
    pub value: Option<String>,
    /// True when the value is Kafka's built-in default.
    pub is_default: bool,
}

pub async fn describe_topic_configs(client: &Client, topic: &str) -> Result<Vec<ConfigEntry>> {
    let conn = client.any_connection().await?;
    let req =
        DescribeConfigsRequest::default().with_resources(vec![DescribeConfigsResource::default()
            .with_resource_type(2)
            .with_resource_name(sb(topic))
            .with_configuration_keys(None)]);
    let resp = conn.send(&req).await?;
    let mut out = Vec::new();
    for r in resp.results {
        if let Some(e) = server_error(
            r.error_code,
            r.error_message.as_deref(),
            format!("describing configs of {topic}"),
        ) {
            return Err(e);
        }
        for c in r.configs {
            out.push(ConfigEntry {
                name: c.name.to_string(),
                value: c.value.map(|v| v.to_string()),
                // DEFAULT_CONFIG (5); v0 used is_default, which kw does not speak.
                is_default: c.config_source == 5,
            });
        }
    }
    Ok(out)
}

/// DeleteRecords: move each partition's log start to its offset (-1: the high
/// watermark), one request per leader. The low watermark of each partition, or its
/// error.
pub async fn delete_records(
    client: &Client,
    offsets: &[(crate::protocol::TopicPartition, i64)],
    timeout: Duration,
) -> Result<
    Vec<(
        crate::protocol::TopicPartition,
        std::result::Result<i64, Error>,
    )>,
> {
    use kafka_protocol::messages::delete_records_request::{
        DeleteRecordsPartition, DeleteRecordsTopic,
    };
    use kafka_protocol::messages::DeleteRecordsRequest;
    let topics: Vec<String> = offsets.iter().map(|(tp, _)| tp.topic.clone()).collect();
    client.refresh(&topics).await?;
    let mut by_leader: BTreeMap<i32, Vec<(crate::protocol::TopicPartition, i64)>> = BTreeMap::new();
    let mut out = Vec::new();
    for (tp, offset) in offsets {
        match client.cached_leader(tp) {
            Some(l) => by_leader.entry(l).or_default().push((tp.clone(), *offset)),
            None => out.push((
                tp.clone(),
                Err(Error::Other(format!(
                    "{tp} does not exist or has no leader"
                ))),
            )),
        }
    }
    for (leader, items) in by_leader {
        let mut grouped: BTreeMap<&str, Vec<DeleteRecordsPartition>> = BTreeMap::new();
        for (tp, offset) in &items {
            grouped.entry(&tp.topic).or_default().push(
                DeleteRecordsPartition::default()
                    .with_partition_index(tp.partition)
                    .with_offset(*offset),
            );
        }
        let req = DeleteRecordsRequest::default()
            .with_timeout_ms(timeout.as_millis() as i32)
            .with_topics(
                grouped
                    .into_iter()
                    .map(|(t, ps)| {
                        DeleteRecordsTopic::default()
                            .with_name(TopicName(sb(t)))
                            .with_partitions(ps)
                    })
                    .collect(),
            );
        let resp = client.broker(leader).await?.send(&req).await?;
        for t in resp.topics {
            for p in t.partitions {
                let tp = crate::protocol::TopicPartition::new(t.name.0.as_str(), p.partition_index);
                let r = match Error::server(p.error_code, format!("deleting records of {tp}")) {
                    None => Ok(p.low_watermark),
                    Some(e) => Err(e),
                };
                out.push((tp, r));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// One user's SCRAM credentials as DescribeUserScramCredentials reports them:
/// (mechanism name, iterations), or the broker's error for that user.
pub type ScramDescription = (String, std::result::Result<Vec<(String, i32)>, Error>);

/// SCRAM credentials of `users` (all users when empty), per user.
pub async fn describe_scram(client: &Client, users: &[String]) -> Result<Vec<ScramDescription>> {
    use kafka_protocol::messages::describe_user_scram_credentials_request::UserName;
    use kafka_protocol::messages::DescribeUserScramCredentialsRequest;
    let conn = client.any_connection().await?;
    let req = DescribeUserScramCredentialsRequest::default().with_users(Some(
        users
            .iter()
            .map(|u| UserName::default().with_name(sb(u.clone())))
            .collect(),
    ));
    let resp = conn.send(&req).await?;
    if let Some(e) = server_error(
        resp.error_code,
        resp.error_message.as_deref(),
        "describing SCRAM credentials".into(),
    ) {
        return Err(e);
    }
    Ok(resp
        .results
        .into_iter()
        .map(|r| {
            let user = r.user.to_string();
            let outcome = match server_error(
                r.error_code,
                r.error_message.as_deref(),
                format!("describing the credentials of {user}"),
            ) {
                Some(e) => Err(e),
                None => Ok(r
                    .credential_infos
                    .iter()
                    .map(|c| {
                        let name = crate::security::scram::Mechanism::from_code(c.mechanism)
                            .map_or_else(
                                || format!("mechanism {}", c.mechanism),
                                |m| m.name().to_string(),
                            );
                        (name, c.iterations)
                    })
                    .collect()),
            };
            (user, outcome)
        })
        .collect())
}

/// A SCRAM credential to set: the password is salted and hashed here (PBKDF2), as
/// Kafka's clients do; the broker never sees it.
pub struct ScramUpsert {
    pub user: String,
    pub mechanism: crate::security::scram::Mechanism,
    pub password: crate::security::Secret,
    pub iterations: i32,
}

/// Set and delete SCRAM credentials; the outcome per user.
pub async fn alter_scram(
    client: &Client,
    upserts: &[ScramUpsert],
    deletions: &[(String, crate::security::scram::Mechanism)],
) -> Result<Vec<(String, std::result::Result<(), Error>)>> {
    use crate::security::scram;
    use kafka_protocol::messages::alter_user_scram_credentials_request::{
        ScramCredentialDeletion, ScramCredentialUpsertion,
    };
    use kafka_protocol::messages::AlterUserScramCredentialsRequest;
    let conn = client.any_connection().await?;
    let req = AlterUserScramCredentialsRequest::default()
        .with_deletions(
            deletions
                .iter()
                .map(|(u, m)| {
                    ScramCredentialDeletion::default()
                        .with_name(sb(u.clone()))
                        .with_mechanism(m.code())
                })
                .collect(),
        )
        .with_upsertions(
            upserts
                .iter()
                .map(|u| {
                    let salt = scram::random_bytes(32);
                    let salted =
                        scram::salted_password(u.mechanism, &u.password.0, &salt, u.iterations);
                    ScramCredentialUpsertion::default()
                        .with_name(sb(u.user.clone()))
                        .with_mechanism(u.mechanism.code())
                        .with_iterations(u.iterations)
                        .with_salt(bytes::Bytes::from(salt))
                        .with_salted_password(bytes::Bytes::from(salted))
                })
                .collect(),
        );
    let resp = conn.send(&req).await?;
    Ok(resp
        .results
        .into_iter()
        .map(|r| {
            let user = r.user.to_string();
            let outcome = match server_error(
                r.error_code,
                r.error_message.as_deref(),
                format!("altering the credentials of {user}"),
            ) {
                Some(e) => Err(e),
                None => Ok(()),
            };
            (user, outcome)
        })
        .collect())
}

fn acl_filter_fields(
    f: &crate::security::acl::AclFilter,
) -> (
    i8,
    Option<String>,
    i8,
    Option<String>,
    Option<String>,
    i8,
    i8,
) {
    use crate::security::acl::PatternFilter;
    const ANY: i8 = 1;
    (
        f.resource_type.map_or(ANY, |t| t.code()),
        f.name.clone(),
        match f.pattern {
            PatternFilter::Any => ANY,
            PatternFilter::Match => 2,
            PatternFilter::Exactly(p) => p.code(),
        },
        f.principal.clone(),
        f.host.clone(),
        f.operation.map_or(ANY, |o| o.code()),
        f.permission.map_or(ANY, |p| p.code()),
    )
}

fn binding_of(
    resource_type: i8,
    name: &str,
    pattern: i8,
    principal: &str,
    host: &str,
    operation: i8,
    permission: i8,
) -> Option<crate::security::acl::AclBinding> {
    use crate::security::acl::*;
    Some(AclBinding {
        resource_type: ResourceType::from_code(resource_type)?,
        name: name.to_string(),
        pattern: PatternType::from_code(pattern)?,
        principal: principal.to_string(),
        host: host.to_string(),
        operation: Operation::from_code(operation)?,
        permission: Permission::from_code(permission)?,
    })
}

/// Add ACLs; the outcome of each.
pub async fn create_acls(
    client: &Client,
    acls: &[crate::security::acl::AclBinding],
) -> Result<Vec<std::result::Result<(), Error>>> {
    use kafka_protocol::messages::create_acls_request::AclCreation;
    use kafka_protocol::messages::CreateAclsRequest;
    let conn = client.any_connection().await?;
    let req = CreateAclsRequest::default().with_creations(
        acls.iter()
            .map(|a| {
                AclCreation::default()
                    .with_resource_type(a.resource_type.code())
                    .with_resource_name(sb(a.name.clone()))
                    .with_resource_pattern_type(a.pattern.code())
                    .with_principal(sb(a.principal.clone()))
                    .with_host(sb(a.host.clone()))
                    .with_operation(a.operation.code())
                    .with_permission_type(a.permission.code())
            })
            .collect(),
    );
    let resp = conn.send(&req).await?;
    Ok(resp
        .results
        .into_iter()
        .map(|r| {
            match server_error(
                r.error_code,
                r.error_message.as_deref(),
                "adding ACLs".into(),
            ) {
                Some(e) => Err(e),
                None => Ok(()),
            }
        })
        .collect())
}

/// The ACLs a filter matches.
pub async fn describe_acls(
    client: &Client,
    filter: &crate::security::acl::AclFilter,
) -> Result<Vec<crate::security::acl::AclBinding>> {
    use kafka_protocol::messages::DescribeAclsRequest;
    let conn = client.any_connection().await?;
    let (rt, name, pattern, principal, host, op, perm) = acl_filter_fields(filter);
    let req = DescribeAclsRequest::default()
        .with_resource_type_filter(rt)
        .with_resource_name_filter(name.map(sb))
        .with_pattern_type_filter(pattern)
        .with_principal_filter(principal.map(sb))
        .with_host_filter(host.map(sb))
        .with_operation(op)
        .with_permission_type(perm);
    let resp = conn.send(&req).await?;
    if let Some(e) = server_error(
        resp.error_code,
        resp.error_message.as_deref(),
        "listing ACLs".into(),
    ) {
        return Err(e);
    }
    Ok(resp
        .resources
        .iter()
        .flat_map(|r| {
            r.acls.iter().filter_map(move |a| {
                binding_of(
                    r.resource_type,
                    r.resource_name.as_str(),
                    r.pattern_type,
                    a.principal.as_str(),
                    a.host.as_str(),
                    a.operation,
                    a.permission_type,
                )
            })
        })
        .collect())
}

/// Remove the ACLs each filter matches; what each removed.
pub async fn delete_acls(
    client: &Client,
    filters: &[crate::security::acl::AclFilter],
) -> Result<Vec<std::result::Result<Vec<crate::security::acl::AclBinding>, Error>>> {
    use kafka_protocol::messages::delete_acls_request::DeleteAclsFilter;
    use kafka_protocol::messages::DeleteAclsRequest;
    let conn = client.any_connection().await?;
    let req = DeleteAclsRequest::default().with_filters(
        filters
            .iter()
            .map(|f| {
                let (rt, name, pattern, principal, host, op, perm) = acl_filter_fields(f);
                DeleteAclsFilter::default()
                    .with_resource_type_filter(rt)
                    .with_resource_name_filter(name.map(sb))
                    .with_pattern_type_filter(pattern)
                    .with_principal_filter(principal.map(sb))
                    .with_host_filter(host.map(sb))
                    .with_operation(op)
                    .with_permission_type(perm)
            })
            .collect(),
    );
    let resp = conn.send(&req).await?;
    Ok(resp
        .filter_results
        .into_iter()
        .map(|r| {
            if let Some(e) = server_error(
                r.error_code,
                r.error_message.as_deref(),
                "removing ACLs".into(),
            ) {
                return Err(e);
            }
            Ok(r.matching_acls
                .iter()
                .filter_map(|a| {
                    binding_of(
                        a.resource_type,
                        a.resource_name.as_str(),
                        a.pattern_type,
                        a.principal.as_str(),
                        a.host.as_str(),
                        a.operation,
                        a.permission_type,
                    )
                })
                .collect())
        })
        .collect())
}
