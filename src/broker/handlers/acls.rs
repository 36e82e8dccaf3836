//! CreateAcls, DescribeAcls and DeleteAcls: ACLs live in the metadata log, so
//! every node authorizes alike. As Kafka: ALTER (create, delete) or DESCRIBE
//! (describe) on the cluster first, then SECURITY_DISABLED when no authorizer is
//! configured; bad entries get INVALID_REQUEST with Kafka's messages.

use kafka_protocol::messages::create_acls_response::AclCreationResult;
use kafka_protocol::messages::delete_acls_response::{
    DeleteAclsFilterResult, DeleteAclsMatchingAcl,
};
use kafka_protocol::messages::describe_acls_response::{AclDescription, DescribeAclsResource};
use kafka_protocol::messages::*;

use crate::broker::{Broker, Session};
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;
use crate::security::acl::{
    AclBinding, AclFilter, Operation, PatternFilter, PatternType, Permission, ResourceType,
    CLUSTER_NAME,
};

/// Why the call as a whole is refused, if it is.
fn gate(
    broker: &Broker,
    session: &Session,
    op: Operation,
) -> Option<(ResponseError, &'static str)> {
    if !broker.allowed_on_cluster(session, op) {
        return Some((
            ResponseError::ClusterAuthorizationFailed,
            "Cluster authorization failed.",
        ));
    }
    if !broker.authorizer_on() {
        return Some((
            ResponseError::SecurityDisabled,
            "No Authorizer is configured.",
        ));
    }
    None
}

/// A binding from CreateAcls' fields, or Kafka's complaint about it.
fn binding(c: &create_acls_request::AclCreation) -> Result<AclBinding, &'static str> {
    let resource_type = ResourceType::from_code(c.resource_type).ok_or("Invalid resource type")?;
    let pattern = PatternType::from_code(c.resource_pattern_type)
        .ok_or("Invalid pattern type: only LITERAL and PREFIXED can be created")?;
    let operation = Operation::from_code(c.operation).ok_or("Invalid operation")?;
    let permission = Permission::from_code(c.permission_type).ok_or("Invalid permission type")?;
    let name = c.resource_name.to_string();
    if name.is_empty() {
        return Err("Invalid empty resource name");
    }
    if resource_type == ResourceType::Cluster && name != CLUSTER_NAME {
        return Err("The only valid name for the CLUSTER resource is kafka-cluster");
    }
    let principal = c.principal.to_string();
    if !principal
        .split_once(':')
        .is_some_and(|(t, n)| !t.is_empty() && !n.is_empty())
    {
        return Err("Invalid principal: expected Type:name, e.g. User:alice");
    }
    if c.host.is_empty() {
        return Err("Invalid empty host");
    }
    Ok(AclBinding {
        resource_type,
        name,
        pattern,
        principal,
        host: c.host.to_string(),
        operation,
        permission,
    })
}

pub async fn create(
    broker: &Broker,
    req: CreateAclsRequest,
    session: &Session,
) -> CreateAclsResponse {
    let result = |code: ResponseError, msg: Option<String>| {
        AclCreationResult::default()
            .with_error_code(code.code())
            .with_error_message(msg.map(sb))
    };
    if let Some((code, msg)) = gate(broker, session, Operation::Alter) {
        return CreateAclsResponse::default().with_results(
            req.creations
                .iter()
                .map(|_| result(code, Some(msg.to_string())))
                .collect(),
        );
    }
    let parsed: Vec<Result<AclBinding, &str>> = req.creations.iter().map(binding).collect();
    let good: Vec<AclBinding> = parsed
        .iter()
        .filter_map(|b| b.as_ref().ok().cloned())
        .collect();
    let committed = if good.is_empty() {
        Ok(())
    } else {
        broker
            .controller
            .create_acls(good)
            .await
            .map(|_| ())
            .map_err(|e| (e.code(), e.to_string()))
    };
    let results = parsed
        .into_iter()
        .map(|b| match (b, &committed) {
            (Err(why), _) => result(ResponseError::InvalidRequest, Some(why.to_string())),
            (Ok(_), Ok(())) => AclCreationResult::default(),
            (Ok(_), Err((code, msg))) => result(*code, Some(msg.clone())),
        })
        .collect();
    CreateAclsResponse::default().with_results(results)
}

/// A DescribeAcls/DeleteAcls filter from its wire fields.
fn filter(
    resource_type: i8,
    name: Option<String>,
    pattern: i8,
    principal: Option<String>,
    host: Option<String>,
    operation: i8,
    permission: i8,
) -> Result<AclFilter, &'static str> {
    const ANY: i8 = 1;
    const MATCH: i8 = 2;
    Ok(AclFilter {
        resource_type: match resource_type {
            ANY => None,
            c => Some(ResourceType::from_code(c).ok_or("Invalid resource type filter")?),
        },
        name,
        pattern: match pattern {
            ANY => PatternFilter::Any,
            MATCH => PatternFilter::Match,
            c => PatternFilter::Exactly(
                PatternType::from_code(c).ok_or("Invalid pattern type filter")?,
            ),
        },
        principal,
        host,
        operation: match operation {
            ANY => None,
            c => Some(Operation::from_code(c).ok_or("Invalid operation filter")?),
        },
        permission: match permission {
            ANY => None,
            c => Some(Permission::from_code(c).ok_or("Invalid permission type filter")?),
        },
    })
}

pub fn describe(
    broker: &Broker,
    req: DescribeAclsRequest,
    session: &Session,
) -> DescribeAclsResponse {
    if let Some((code, msg)) = gate(broker, session, Operation::Describe) {
        let msg = if code == ResponseError::SecurityDisabled {
            "No Authorizer is configured on the broker"
        } else {
            msg
        };
        return DescribeAclsResponse::default()
            .with_error_code(code.code())
            .with_error_message(Some(sb(msg)));
    }
    let f = match filter(
        req.resource_type_filter,
        req.resource_name_filter.map(|s| s.to_string()),
        req.pattern_type_filter,
        req.principal_filter.map(|s| s.to_string()),
        req.host_filter.map(|s| s.to_string()),
        req.operation,
        req.permission_type,
    ) {
        Ok(f) => f,
        Err(why) => {
            return DescribeAclsResponse::default()
                .with_error_code(ResponseError::InvalidRequest.code())
                .with_error_message(Some(sb(why)))
        }
    };
    let image = broker.controller.image();
    // Grouped by resource pattern; the image keeps ACLs sorted, so this is too.
    let mut resources: Vec<DescribeAclsResource> = Vec::new();
    for b in image.acls.iter().filter(|b| f.matches(b)) {
        let entry = AclDescription::default()
            .with_principal(sb(b.principal.clone()))
            .with_host(sb(b.host.clone()))
            .with_operation(b.operation.code())
            .with_permission_type(b.permission.code());
        match resources.last_mut() {
            Some(r)
                if r.resource_type == b.resource_type.code()
                    && r.resource_name.as_str() == b.name
                    && r.pattern_type == b.pattern.code() =>
            {
                r.acls.push(entry)
            }
            _ => resources.push(
                DescribeAclsResource::default()
                    .with_resource_type(b.resource_type.code())
                    .with_resource_name(sb(b.name.clone()))
                    .with_pattern_type(b.pattern.code())
                    .with_acls(vec![entry]),
            ),
        }
    }
    DescribeAclsResponse::default().with_resources(resources)
}

pub async fn delete(
    broker: &Broker,
    req: DeleteAclsRequest,
    session: &Session,
) -> DeleteAclsResponse {
    let failed = |code: ResponseError, msg: &str| {
        DeleteAclsFilterResult::default()
            .with_error_code(code.code())
            .with_error_message(Some(sb(msg)))
    };
    if let Some((code, msg)) = gate(broker, session, Operation::Alter) {
        return DeleteAclsResponse::default()
            .with_filter_results(req.filters.iter().map(|_| failed(code, msg)).collect());
    }
    let image = broker.controller.image();
    let filters: Vec<Result<AclFilter, &str>> = req
        .filters
        .iter()
        .map(|f| {
            filter(
                f.resource_type_filter,
                f.resource_name_filter.as_ref().map(|s| s.to_string()),
                f.pattern_type_filter,
                f.principal_filter.as_ref().map(|s| s.to_string()),
                f.host_filter.as_ref().map(|s| s.to_string()),
                f.operation,
                f.permission_type,
            )
        })
        .collect();
    let matched: Vec<Vec<AclBinding>> = filters
        .iter()
        .map(|f| match f {
            Ok(f) => image
                .acls
                .iter()
                .filter(|b| f.matches(b))
                .cloned()
                .collect(),
            Err(_) => Vec::new(),
        })
        .collect();
    let mut doomed: Vec<AclBinding> = matched.iter().flatten().cloned().collect();
    doomed.sort();
    doomed.dedup();
    let committed = if doomed.is_empty() {
        Ok(())
    } else {
        broker
            .controller
            .delete_acls(doomed)
            .await
            .map(|_| ())
            .map_err(|e| (e.code(), e.to_string()))
    };
    let results = filters
        .into_iter()
        .zip(matched)
        .map(|(f, acls)| match (f, &committed) {
            (Err(why), _) => failed(ResponseError::InvalidRequest, why),
            (Ok(_), Err((code, msg))) => failed(*code, msg),
            (Ok(_), Ok(())) => DeleteAclsFilterResult::default().with_matching_acls(
                acls.into_iter()
                    .map(|b| {
                        DeleteAclsMatchingAcl::default()
                            .with_resource_type(b.resource_type.code())
                            .with_resource_name(sb(b.name))
                            .with_pattern_type(b.pattern.code())
                            .with_principal(sb(b.principal))
                            .with_host(sb(b.host))
                            .with_operation(b.operation.code())
                            .with_permission_type(b.permission.code())
                    })
                    .collect(),
            ),
        })
        .collect();
    DeleteAclsResponse::default().with_filter_results(results)
}
