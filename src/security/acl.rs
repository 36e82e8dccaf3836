//! Kafka's ACL model, decided as Kafka's StandardAuthorizer decides: ACL bindings
//! (resource pattern + principal, host, operation, allow or deny), the filters of
//! DescribeAcls and DeleteAcls, and `authorize`. Pure and table-tested: the
//! bindings come from the metadata image, the request from the broker.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The one name of the cluster resource.
pub const CLUSTER_NAME: &str = "kafka-cluster";
/// The literal resource name that matches every resource of its type.
pub const WILDCARD: &str = "*";

macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $text:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The wire code.
            pub fn code(self) -> i8 {
                match self { $($name::$variant => $code,)* }
            }

            pub fn from_code(code: i8) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            /// Kafka's upper-case name (`DESCRIBE_CONFIGS`), as its tools print it.
            pub fn upper(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// Kafka's CLI parsing: `DescribeConfigs`, `describeconfigs`, `DESCRIBE_CONFIGS`.
            pub fn parse(text: &str) -> Option<$name> {
                let norm = |s: &str| s.replace('_', "").to_ascii_lowercase();
                let wanted = norm(text.trim());
                $name::ALL.iter().copied().find(|v| norm(v.upper()) == wanted)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.upper())
            }
        }
    };
}

codes! {
    /// What an ACL protects (ANY, 1, exists only in filters).
    ResourceType {
        Topic = 2, "TOPIC";
        Group = 3, "GROUP";
        Cluster = 4, "CLUSTER";
        TransactionalId = 5, "TRANSACTIONAL_ID";
        DelegationToken = 6, "DELEGATION_TOKEN";
        User = 7, "USER";
    }
}

codes! {
    /// How an ACL's resource name matches (ANY and MATCH exist only in filters).
    PatternType {
        Literal = 3, "LITERAL";
        Prefixed = 4, "PREFIXED";
    }
}

codes! {
    /// What an ACL allows or denies (ANY, 1, exists only in filters).
    Operation {
        All = 2, "ALL";
        Read = 3, "READ";
        Write = 4, "WRITE";
        Create = 5, "CREATE";
        Delete = 6, "DELETE";
        Alter = 7, "ALTER";
        Describe = 8, "DESCRIBE";
        ClusterAction = 9, "CLUSTER_ACTION";
        DescribeConfigs = 10, "DESCRIBE_CONFIGS";
        AlterConfigs = 11, "ALTER_CONFIGS";
        IdempotentWrite = 12, "IDEMPOTENT_WRITE";
        CreateTokens = 13, "CREATE_TOKENS";
        DescribeTokens = 14, "DESCRIBE_TOKENS";
    }
}

codes! {
    Permission {
        Deny = 2, "DENY";
        Allow = 3, "ALLOW";
    }
}

impl ResourceType {
    /// The operations Kafka supports on this type (besides ALL).
    pub fn operations(self) -> &'static [Operation] {
        use Operation::*;
        match self {
            ResourceType::Topic => &[
                Read,
                Write,
                Create,
                Describe,
                Delete,
                Alter,
                DescribeConfigs,
                AlterConfigs,
            ],
            ResourceType::Group => &[Read, Describe, Delete],
            ResourceType::Cluster => &[
                Create,
                ClusterAction,
                DescribeConfigs,
                AlterConfigs,
                IdempotentWrite,
                Alter,
                Describe,
            ],
            ResourceType::TransactionalId => &[Describe, Write],
            ResourceType::DelegationToken => &[Describe],
            ResourceType::User => &[CreateTokens, DescribeTokens],
        }
    }
}

/// One ACL: a resource pattern and an access control entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AclBinding {
    pub resource_type: ResourceType,
    pub name: String,
    pub pattern: PatternType,
    /// `User:alice`, or `User:*` for every principal.
    pub principal: String,
    /// An IP address, or `*`.
    pub host: String,
    pub operation: Operation,
    pub permission: Permission,
}

impl AclBinding {
    /// Whether this ACL's pattern covers resource `name` of its type.
    fn covers(&self, name: &str) -> bool {
        match self.pattern {
            PatternType::Literal => self.name == name || self.name == WILDCARD,
            PatternType::Prefixed => name.starts_with(&self.name),
        }
    }

    /// kafka-acls' `ResourcePattern(resourceType=TOPIC, name=t, patternType=LITERAL)`.
    pub fn pattern_text(&self) -> String {
        format!(
            "ResourcePattern(resourceType={}, name={}, patternType={})",
            self.resource_type, self.name, self.pattern
        )
    }

    /// kafka-acls' `(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)`.
    pub fn entry_text(&self) -> String {
        format!(
            "(principal={}, host={}, operation={}, permissionType={})",
            self.principal, self.host, self.operation, self.permission
        )
    }
}

/// How a filter matches resource patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternFilter {
    /// Any pattern type, the name equal (if given).
    Any,
    /// Every ACL that applies to the named resource (literal, `*`, prefixes).
    Match,
    Exactly(PatternType),
}

/// A DescribeAcls / DeleteAcls filter: None matches anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclFilter {
    pub resource_type: Option<ResourceType>,
    pub name: Option<String>,
    pub pattern: PatternFilter,
    pub principal: Option<String>,
    pub host: Option<String>,
    pub operation: Option<Operation>,
    pub permission: Option<Permission>,
}

impl AclFilter {
    pub fn any() -> AclFilter {
        AclFilter {
            resource_type: None,
            name: None,
            pattern: PatternFilter::Any,
            principal: None,
            host: None,
            operation: None,
            permission: None,
        }
    }

    pub fn matches(&self, b: &AclBinding) -> bool {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        let pattern_ok = match (self.pattern, &self.name) {
            (PatternFilter::Any, name) => eq(name, &b.name),
            (PatternFilter::Match, None) => true,
            (PatternFilter::Match, Some(n)) => b.covers(n),
            (PatternFilter::Exactly(p), name) => p == b.pattern && eq(name, &b.name),
        };
        self.resource_type.is_none_or(|t| t == b.resource_type)
            && pattern_ok
            && eq(&self.principal, &b.principal)
            && eq(&self.host, &b.host)
            && self.operation.is_none_or(|o| o == b.operation)
            && self.permission.is_none_or(|p| p == b.permission)
    }
}

/// Whether an ACL's operation grants (or for DENY, refuses) `wanted`: ALL covers
/// everything; ALLOW of READ, WRITE, DELETE or ALTER implies DESCRIBE and ALLOW
/// of ALTER_CONFIGS implies DESCRIBE_CONFIGS; a DENY covers only its operation.
fn grants(acl: Operation, permission: Permission, wanted: Operation) -> bool {
    use Operation::*;
    if acl == All || acl == wanted {
        return true;
    }
    permission == Permission::Allow
        && match wanted {
            Describe => matches!(acl, Read | Write | Delete | Alter),
            DescribeConfigs => acl == AlterConfigs,
            _ => false,
        }
}

/// What is asked: who, from where, to do what to which resource.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub principal: &'a str,
    /// The client's IP address as text.
    pub host: &'a str,
    pub operation: Operation,
    pub resource_type: ResourceType,
    pub name: &'a str,
}

/// The authorizer's settings and the ACLs in force.
pub struct Authorizer<'a> {
    pub acls: &'a [AclBinding],
    /// `super.users`: allowed everything.
    pub super_users: &'a [String],
    /// `allow.everyone.if.no.acl.found`.
    pub allow_if_no_acl: bool,
}

/// A client's address as Kafka's authorizer sees it (Java's
/// `InetAddress.getHostAddress`): an IPv4-mapped IPv6 address as plain IPv4 (a
/// dual-stack listener), IPv6 as eight uncompressed hex groups, so that ACL hosts
/// written for Kafka match.
pub fn java_host_address(ip: std::net::IpAddr) -> String {
    match ip.to_canonical() {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => v6
            .segments()
            .iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

impl Authorizer<'_> {
    pub fn authorize(&self, r: &Request) -> bool {
        if self.super_users.iter().any(|s| s == r.principal) {
            return true;
        }
        let mut any_acl = false;
        let mut allowed = false;
        for acl in self
            .acls
            .iter()
            .filter(|a| a.resource_type == r.resource_type && a.covers(r.name))
        {
            any_acl = true;
            let applies = (acl.principal == r.principal || acl.principal == "User:*")
                && (acl.host == WILDCARD || acl.host == r.host)
                && grants(acl.operation, acl.permission, r.operation);
            if !applies {
                continue;
            }
            match acl.permission {
                // Deny wins.
                Permission::Deny => return false,
                Permission::Allow => allowed = true,
            }
        }
        allowed || (!any_acl && self.allow_if_no_acl)
    }

    /// Kafka's `authorizeByResourceType`: whether `operation` is allowed on some
    /// resource of `resource_type` (InitProducerId's "WRITE on any topic"). No
    /// implied operations here, and a `*` DENY closes it.
    pub fn any_allowed(
        &self,
        principal: &str,
        host: &str,
        operation: Operation,
        resource_type: ResourceType,
    ) -> bool {
        let probe = Request {
            principal,
            host,
            operation,
            resource_type,
            name: "hardcode",
        };
        if self.authorize(&probe) {
            return true;
        }
        let mine: Vec<&AclBinding> = self
            .acls
            .iter()
            .filter(|a| {
                a.resource_type == resource_type
                    && (a.principal == principal || a.principal == "User:*")
                    && (a.host == WILDCARD || a.host == host)
                    && (a.operation == operation || a.operation == Operation::All)
            })
            .collect();
        let denied = |a: &AclBinding| {
            mine.iter().any(|d| {
                d.permission == Permission::Deny
                    && match d.pattern {
                        PatternType::Literal => {
                            d.name == WILDCARD
                                || (a.pattern == PatternType::Literal && d.name == a.name)
                        }
                        PatternType::Prefixed => a.name.starts_with(&d.name),
                    }
            })
        };
        mine.iter()
            .any(|a| a.permission == Permission::Allow && !denied(a))
    }

    /// The bit field of allowed operations on a resource (authorized operations in
    /// Metadata and DescribeGroups).
    pub fn allowed_bits(
        &self,
        principal: &str,
        host: &str,
        resource_type: ResourceType,
        name: &str,
    ) -> i32 {
        resource_type
            .operations()
            .iter()
            .filter(|op| {
                self.authorize(&Request {
                    principal,
                    host,
                    operation: **op,
                    resource_type,
                    name,
                })
            })
            .fold(0, |bits, op| bits | (1 << op.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hosts_are_written_as_java_writes_them() {
        let cases = [
            ("10.0.0.5", "10.0.0.5"),
            ("::ffff:10.0.0.5", "10.0.0.5"),
            ("::1", "0:0:0:0:0:0:0:1"),
            ("fe80::1:abcd", "fe80:0:0:0:0:0:1:abcd"),
            ("2001:db8::ff00:42:8329", "2001:db8:0:0:0:ff00:42:8329"),
        ];
        for (ip, want) in cases {
            assert_eq!(java_host_address(ip.parse().unwrap()), want, "{ip}");
        }
    }
    use Operation::*;
    use Permission::*;
    use ResourceType::*;

    fn acl(
        rt: ResourceType,
        name: &str,
        pattern: PatternType,
        principal: &str,
        op: Operation,
        perm: Permission,
    ) -> AclBinding {
        AclBinding {
            resource_type: rt,
            name: name.into(),
            pattern,
            principal: principal.into(),
            host: "*".into(),
            operation: op,
            permission: perm,
        }
    }

    fn lit(
        rt: ResourceType,
        name: &str,
        principal: &str,
        op: Operation,
        perm: Permission,
    ) -> AclBinding {
        acl(rt, name, PatternType::Literal, principal, op, perm)
    }

    #[test]
    fn decisions_follow_kafkas_standard_authorizer() {
        let acls = vec![
            lit(Topic, "orders", "User:alice", Read, Allow),
            acl(
                Topic,
                "logs-",
                PatternType::Prefixed,
                "User:alice",
                Write,
                Allow,
            ),
            lit(Topic, "logs-secret", "User:alice", Write, Deny),
            lit(Topic, "*", "User:bob", Describe, Allow),
            lit(Group, "g", "User:*", Read, Allow),
            lit(Topic, "audit", "User:alice", All, Deny),
            lit(Topic, "audit", "User:alice", Read, Allow),
            lit(Topic, "public", "User:carol", Alter, Allow),
            lit(Topic, "hosts", "User:dave", Read, Allow),
        ];
        let mut from_one_host = lit(Topic, "hosts", "User:erin", Read, Allow);
        from_one_host.host = "10.0.0.1".into();
        let mut acls = acls;
        acls.push(from_one_host);
        let supers = vec!["User:admin".to_string()];
        let strict = Authorizer {
            acls: &acls,
            super_users: &supers,
            allow_if_no_acl: false,
        };
        let open = Authorizer {
            acls: &acls,
            super_users: &supers,
            allow_if_no_acl: true,
        };
        // (principal, host, op, type, name, strict, allow-everyone)
        let table: &[(&str, &str, Operation, ResourceType, &str, bool, bool)] = &[
            ("User:alice", "1.2.3.4", Read, Topic, "orders", true, true),
            // READ implies DESCRIBE; not WRITE.
            (
                "User:alice",
                "1.2.3.4",
                Describe,
                Topic,
                "orders",
                true,
                true,
            ),
            (
                "User:alice",
                "1.2.3.4",
                Write,
                Topic,
                "orders",
                false,
                false,
            ),
            // Someone else: an ACL exists on orders, so even allow-everyone denies.
            ("User:bob", "1.2.3.4", Read, Topic, "orders", false, false),
            // The wildcard gives bob DESCRIBE on every topic.
            (
                "User:bob", "1.2.3.4", Describe, Topic, "anything", true, true,
            ),
            // Prefixed allow, literal deny wins.
            (
                "User:alice",
                "1.2.3.4",
                Write,
                Topic,
                "logs-app",
                true,
                true,
            ),
            (
                "User:alice",
                "1.2.3.4",
                Write,
                Topic,
                "logs-secret",
                false,
                false,
            ),
            // DENY ALL wins over ALLOW READ.
            ("User:alice", "1.2.3.4", Read, Topic, "audit", false, false),
            // User:* matches any principal.
            ("User:zed", "1.2.3.4", Read, Group, "g", true, true),
            // No ACL at all on this group: only allow-everyone lets it through.
            ("User:zed", "1.2.3.4", Read, Group, "other", false, true),
            // ALTER implies DESCRIBE, not DESCRIBE_CONFIGS.
            (
                "User:carol",
                "1.2.3.4",
                Describe,
                Topic,
                "public",
                true,
                true,
            ),
            (
                "User:carol",
                "1.2.3.4",
                DescribeConfigs,
                Topic,
                "public",
                false,
                false,
            ),
            // Hosts.
            ("User:erin", "10.0.0.1", Read, Topic, "hosts", true, true),
            ("User:erin", "10.0.0.2", Read, Topic, "hosts", false, false),
            // Super users: everything, also against a DENY.
            ("User:admin", "1.2.3.4", Read, Topic, "audit", true, true),
            (
                "User:admin",
                "1.2.3.4",
                Alter,
                Cluster,
                CLUSTER_NAME,
                true,
                true,
            ),
            // Case matters in principals.
            (
                "user:admin",
                "1.2.3.4",
                Alter,
                Cluster,
                CLUSTER_NAME,
                false,
                true,
            ),
        ];
        for &(principal, host, operation, resource_type, name, want_strict, want_open) in table {
            let r = Request {
                principal,
                host,
                operation,
                resource_type,
                name,
            };
            assert_eq!(strict.authorize(&r), want_strict, "strict {r:?}");
            assert_eq!(open.authorize(&r), want_open, "allow-everyone {r:?}");
        }
    }

    #[test]
    fn a_deny_of_read_does_not_deny_describe() {
        let acls = vec![
            lit(Topic, "t", "User:a", Read, Deny),
            lit(Topic, "t", "User:a", Describe, Allow),
        ];
        let z = Authorizer {
            acls: &acls,
            super_users: &[],
            allow_if_no_acl: false,
        };
        let r = |operation| Request {
            principal: "User:a",
            host: "h",
            operation,
            resource_type: Topic,
            name: "t",
        };
        assert!(!z.authorize(&r(Read)));
        assert!(z.authorize(&r(Describe)));
    }

    #[test]
    fn write_on_any_topic_for_idempotent_producers() {
        let z = |acls: &[AclBinding]| {
            Authorizer {
                acls,
                super_users: &[],
                allow_if_no_acl: false,
            }
            .any_allowed("User:a", "h", Write, Topic)
        };
        assert!(!z(&[]));
        assert!(z(&[lit(Topic, "t", "User:a", Write, Allow)]));
        assert!(z(&[acl(
            Topic,
            "p-",
            PatternType::Prefixed,
            "User:a",
            Write,
            Allow
        )]));
        // Implied operations do not count here.
        assert!(!z(&[lit(Topic, "t", "User:a", Read, Allow)]));
        // Denied where it is allowed, or everywhere.
        assert!(!z(&[
            lit(Topic, "t", "User:a", Write, Allow),
            lit(Topic, "t", "User:a", Write, Deny)
        ]));
        assert!(!z(&[
            lit(Topic, "t", "User:a", Write, Allow),
            lit(Topic, "*", "User:a", Write, Deny)
        ]));
        assert!(!z(&[
            lit(Topic, "t", "User:a", Write, Allow),
            acl(Topic, "t", PatternType::Prefixed, "User:a", Write, Deny)
        ]));
    }

    #[test]
    fn filters_match_as_describe_and_delete_acls_do() {
        let a = lit(Topic, "orders", "User:alice", Read, Allow);
        let p = acl(
            Topic,
            "ord",
            PatternType::Prefixed,
            "User:alice",
            Read,
            Allow,
        );
        let w = lit(Topic, "*", "User:*", Describe, Allow);
        let all = [&a, &p, &w];
        let count = |f: &AclFilter| all.iter().filter(|b| f.matches(b)).count();
        assert_eq!(count(&AclFilter::any()), 3);
        let named = |pattern| AclFilter {
            name: Some("orders".into()),
            pattern,
            ..AclFilter::any()
        };
        assert_eq!(count(&named(PatternFilter::Any)), 1);
        assert_eq!(count(&named(PatternFilter::Match)), 3);
        assert_eq!(
            count(&named(PatternFilter::Exactly(PatternType::Prefixed))),
            0
        );
        assert_eq!(
            count(&AclFilter {
                principal: Some("User:*".into()),
                ..AclFilter::any()
            }),
            1
        );
        assert_eq!(
            count(&AclFilter {
                operation: Some(Read),
                ..AclFilter::any()
            }),
            2
        );
        assert_eq!(
            count(&AclFilter {
                resource_type: Some(Group),
                ..AclFilter::any()
            }),
            0
        );
    }

    #[test]
    fn names_parse_as_kafka_acls_takes_them() {
        assert_eq!(Operation::parse("DescribeConfigs"), Some(DescribeConfigs));
        assert_eq!(Operation::parse("describeconfigs"), Some(DescribeConfigs));
        assert_eq!(Operation::parse("IdempotentWrite"), Some(IdempotentWrite));
        assert_eq!(Operation::parse("Bogus"), None);
        assert_eq!(
            ResourceType::parse("TransactionalId"),
            Some(TransactionalId)
        );
        for op in Operation::ALL {
            assert_eq!(Operation::from_code(op.code()), Some(*op));
        }
        assert_eq!(Operation::from_code(1), None);
        let b = lit(Topic, "t", "User:alice", Read, Allow);
        assert_eq!(
            b.pattern_text(),
            "ResourcePattern(resourceType=TOPIC, name=t, patternType=LITERAL)"
        );
        assert_eq!(
            b.entry_text(),
            "(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)"
        );
        let everything = Authorizer {
            acls: &[],
            super_users: &[],
            allow_if_no_acl: true,
        };
        assert_eq!(everything.allowed_bits("User:a", "h", Topic, "t"), 3576);
        assert_eq!(
            everything.allowed_bits("User:a", "h", Cluster, CLUSTER_NAME),
            8096
        );
        assert_eq!(everything.allowed_bits("User:a", "h", Group, "g"), 328);
    }
}
