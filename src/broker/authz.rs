//! Authorization of requests (`authorizer.class.name` set): the session's
//! principal and host against the ACLs of the metadata image, with
//! `super.users` and `allow.everyone.if.no.acl.found`, as Kafka's
//! StandardAuthorizer decides (`security::acl`). Without an authorizer every
//! request is allowed. Handlers ask before they act and answer Kafka's
//! *_AUTHORIZATION_FAILED where Kafka does.

use std::collections::HashSet;

use super::{Broker, Session};
use crate::security::acl::{Authorizer, Operation, Request, ResourceType, CLUSTER_NAME};

impl Broker {
    /// Whether an authorizer is configured (the ACL APIs answer SECURITY_DISABLED
    /// without one).
    pub fn authorizer_on(&self) -> bool {
        self.config.authz.is_some()
    }

    /// May the session do `operation` to the resource?
    pub fn allowed(
        &self,
        session: &Session,
        operation: Operation,
        resource_type: ResourceType,
        name: &str,
    ) -> bool {
        let Some(z) = &self.config.authz else {
            return true;
        };
        let image = self.controller.image();
        Authorizer {
            acls: &image.acls,
            super_users: &z.super_users,
            allow_if_no_acl: z.allow_if_no_acl,
        }
        .authorize(&Request {
            principal: &session.principal.0,
            host: session.host.trim_start_matches('/'),
            operation,
            resource_type,
            name,
        })
    }

    pub fn allowed_on_cluster(&self, session: &Session, operation: Operation) -> bool {
        self.allowed(session, operation, ResourceType::Cluster, CLUSTER_NAME)
    }

    pub fn allowed_on_topic(&self, session: &Session, operation: Operation, topic: &str) -> bool {
        self.allowed(session, operation, ResourceType::Topic, topic)
    }

    /// Kafka's rule for creating a topic: CREATE on the cluster or on the topic.
    pub fn may_create_topic(&self, session: &Session, topic: &str) -> bool {
        self.allowed_on_cluster(session, Operation::Create)
            || self.allowed_on_topic(session, Operation::Create, topic)
    }

    pub fn allowed_on_group(&self, session: &Session, operation: Operation, group: &str) -> bool {
        self.allowed(session, operation, ResourceType::Group, group)
    }

    pub fn allowed_on_txn(&self, session: &Session, operation: Operation, id: &str) -> bool {
        self.allowed(session, operation, ResourceType::TransactionalId, id)
    }

    /// The topics of `names` the session may not do `operation` to.
    pub fn denied_topics<'a>(
        &self,
        session: &Session,
        operation: Operation,
        names: impl IntoIterator<Item = &'a str>,
    ) -> HashSet<String> {
        if self.config.authz.is_none() {
            return HashSet::new();
        }
        names
            .into_iter()
            .filter(|n| !self.allowed_on_topic(session, operation, n))
            .map(String::from)
            .collect()
    }

    /// Kafka's "WRITE on any topic" for idempotent producers without
    /// IDEMPOTENT_WRITE on the cluster.
    pub fn allowed_on_any_topic(&self, session: &Session, operation: Operation) -> bool {
        let Some(z) = &self.config.authz else {
            return true;
        };
        let image = self.controller.image();
        Authorizer {
            acls: &image.acls,
            super_users: &z.super_users,
            allow_if_no_acl: z.allow_if_no_acl,
        }
        .any_allowed(
            &session.principal.0,
            session.host.trim_start_matches('/'),
            operation,
            ResourceType::Topic,
        )
    }

    /// Authorized operations as a bit field (Metadata, DescribeGroups, DescribeCluster).
    pub fn authorized_bits(
        &self,
        session: &Session,
        resource_type: ResourceType,
        name: &str,
    ) -> i32 {
        let allow_all = crate::broker::config::AuthzSettings::default();
        let z = self.config.authz.as_ref();
        let image = self.controller.image();
        Authorizer {
            acls: if z.is_some() { &image.acls } else { &[] },
            super_users: &z.unwrap_or(&allow_all).super_users,
            allow_if_no_acl: z.is_none_or(|z| z.allow_if_no_acl),
        }
        .allowed_bits(
            &session.principal.0,
            session.host.trim_start_matches('/'),
            resource_type,
            name,
        )
    }
}
