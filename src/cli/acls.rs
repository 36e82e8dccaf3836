//! `kw acls add|list|remove`: Kafka's ACLs with kafka-acls' flags and output
//! (`Adding ACLs for resource `ResourcePattern(...)`:` blocks), including its
//! `--producer` and `--consumer` shortcuts.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};

use crate::client::admin;
use crate::security::acl::{
    AclBinding, AclFilter, Operation, PatternFilter, PatternType, Permission, ResourceType,
    CLUSTER_NAME,
};

#[derive(Debug, Args)]
pub struct AclsArgs {
    #[command(subcommand)]
    pub action: AclsAction,
}

#[derive(Debug, Subcommand)]
pub enum AclsAction {
    /// Add ACLs (kafka-acls --add)
    #[command(
        after_help = "Examples:\n  kw acls add --allow-principal User:alice --operation Read --topic orders\n  kw acls add --allow-principal User:alice --consumer --topic orders --group billing\n  kw acls add --allow-principal User:bob --producer --topic logs- --resource-pattern-type prefixed"
    )]
    Add(Selection),
    /// List ACLs, per resource (kafka-acls --list)
    #[command(
        after_help = "Examples:\n  kw acls list\n  kw acls list --topic orders --resource-pattern-type match"
    )]
    List(Selection),
    /// Remove ACLs (kafka-acls --remove); asks first unless --force
    #[command(
        after_help = "Examples:\n  kw acls remove --allow-principal User:alice --operation Read --topic orders --force\n  kw acls remove --topic orders --force"
    )]
    Remove(Selection),
}

#[derive(Debug, Args)]
pub struct Selection {
    /// Topic (repeatable; '*' for every topic)
    #[arg(long = "topic", value_name = "TOPIC")]
    topics: Vec<String>,
    /// Consumer group (repeatable; '*' for every group)
    #[arg(long = "group", value_name = "GROUP")]
    groups: Vec<String>,
    /// The cluster resource
    #[arg(long)]
    cluster: bool,
    /// Transactional id (repeatable; '*' for every one)
    #[arg(long = "transactional-id", value_name = "ID")]
    transactional_ids: Vec<String>,
    /// literal or prefixed for add; also any or match for list and remove
    #[arg(long, value_name = "TYPE", default_value = "literal")]
    resource_pattern_type: String,
    /// Principal to allow, Type:name (repeatable)
    #[arg(long = "allow-principal", value_name = "PRINCIPAL")]
    allow_principals: Vec<String>,
    /// Principal to deny, Type:name (repeatable)
    #[arg(long = "deny-principal", value_name = "PRINCIPAL")]
    deny_principals: Vec<String>,
    /// Host the allow entries apply to [default: *]
    #[arg(long = "allow-host", value_name = "HOST")]
    allow_hosts: Vec<String>,
    /// Host the deny entries apply to [default: *]
    #[arg(long = "deny-host", value_name = "HOST")]
    deny_hosts: Vec<String>,
    /// Operation (repeatable): Read, Write, Create, Delete, Alter, Describe,
    /// ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All
    #[arg(long = "operation", value_name = "OPERATION")]
    operations: Vec<String>,
    /// Producer ACLs: WRITE, DESCRIBE and CREATE on the topics (and WRITE,
    /// DESCRIBE on the transactional ids; IDEMPOTENT_WRITE on the cluster with --idempotent)
    #[arg(long)]
    producer: bool,
    /// With --producer: IDEMPOTENT_WRITE on the cluster
    #[arg(long)]
    idempotent: bool,
    /// Consumer ACLs: READ and DESCRIBE on the topics, READ on the groups
    #[arg(long)]
    consumer: bool,
    /// Only entries of this principal (list)
    #[arg(long, value_name = "PRINCIPAL")]
    principal: Option<String>,
    /// Remove without asking
    #[arg(long)]
    force: bool,
}

/// The resource patterns named on the command line.
fn resources(s: &Selection) -> Vec<(ResourceType, String)> {
    let mut out: Vec<(ResourceType, String)> = Vec::new();
    out.extend(
        s.topics
            .iter()
            .map(|t| (ResourceType::Topic, t.trim().to_string())),
    );
    out.extend(
        s.groups
            .iter()
            .map(|g| (ResourceType::Group, g.trim().to_string())),
    );
    out.extend(
        s.transactional_ids
            .iter()
            .map(|t| (ResourceType::TransactionalId, t.clone())),
    );
    if s.cluster {
        out.push((ResourceType::Cluster, CLUSTER_NAME.to_string()));
    }
    out
}

fn pattern_filter(text: &str) -> anyhow::Result<PatternFilter> {
    Ok(match text.to_ascii_lowercase().as_str() {
        "literal" => PatternFilter::Exactly(PatternType::Literal),
        "prefixed" => PatternFilter::Exactly(PatternType::Prefixed),
        "any" => PatternFilter::Any,
        "match" => PatternFilter::Match,
        _ => bail!("--resource-pattern-type {text}: expected literal, prefixed, any or match"),
    })
}

fn principal(p: &str) -> anyhow::Result<String> {
    match p.split_once(':') {
        Some((t, n)) if !t.is_empty() && !n.is_empty() => Ok(p.to_string()),
        _ => bail!("{p} is not a principal (Type:name, e.g. User:alice)"),
    }
}

/// The ACLs `kw acls add` (or an exact `remove`) names, per resource pattern.
fn wanted(s: &Selection, pattern: PatternType) -> anyhow::Result<Vec<AclBinding>> {
    if (s.producer || s.consumer) && (!s.operations.is_empty() || !s.deny_principals.is_empty()) {
        bail!("--producer and --consumer cannot be combined with --operation or --deny-principal");
    }
    if s.consumer && (s.topics.is_empty() || s.groups.is_empty()) {
        bail!("--consumer needs --topic and --group");
    }
    if s.producer && s.topics.is_empty() {
        bail!("--producer needs --topic");
    }
    // (resource, operations) pairs.
    let mut per_resource: Vec<((ResourceType, String), Vec<Operation>)> = Vec::new();
    if s.producer || s.consumer {
        for t in &s.topics {
            let mut ops = Vec::new();
            if s.producer {
                ops.extend([Operation::Write, Operation::Describe, Operation::Create]);
            }
            if s.consumer {
                ops.extend([Operation::Read, Operation::Describe]);
            }
            ops.dedup();
            per_resource.push(((ResourceType::Topic, t.clone()), ops));
        }
        if s.consumer {
            for g in &s.groups {
                per_resource.push(((ResourceType::Group, g.clone()), vec![Operation::Read]));
            }
        }
        if s.producer {
            for id in &s.transactional_ids {
                per_resource.push((
                    (ResourceType::TransactionalId, id.clone()),
                    vec![Operation::Write, Operation::Describe],
                ));
            }
            if s.idempotent {
                per_resource.push((
                    (ResourceType::Cluster, CLUSTER_NAME.into()),
                    vec![Operation::IdempotentWrite],
                ));
            }
        }
    } else {
        let ops: Vec<Operation> = if s.operations.is_empty() {
            vec![Operation::All]
        } else {
            s.operations
                .iter()
                .map(|o| Operation::parse(o).ok_or_else(|| anyhow!("unknown operation {o}")))
                .collect::<anyhow::Result<_>>()?
        };
        for r in resources(s) {
            for op in &ops {
                if *op != Operation::All && !r.0.operations().contains(op) {
                    bail!(
                        "ResourceType {} only supports operations {}",
                        r.0,
                        r.0.operations()
                            .iter()
                            .chain([Operation::All].iter())
                            .map(|o| o.upper())
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                }
            }
            per_resource.push((r, ops.clone()));
        }
    }
    if per_resource.is_empty() {
        bail!("name a resource: --topic, --group, --cluster or --transactional-id");
    }
    let hosts = |given: &[String]| -> Vec<String> {
        if given.is_empty() {
            vec!["*".to_string()]
        } else {
            given.to_vec()
        }
    };
    let mut out = Vec::new();
    for ((resource_type, name), ops) in per_resource {
        for (principals, hosts, permission) in [
            (
                &s.allow_principals,
                hosts(&s.allow_hosts),
                Permission::Allow,
            ),
            (&s.deny_principals, hosts(&s.deny_hosts), Permission::Deny),
        ] {
            for p in principals {
                let p = principal(p)?;
                for h in &hosts {
                    for op in &ops {
                        out.push(AclBinding {
                            resource_type,
                            name: name.clone(),
                            pattern,
                            principal: p.clone(),
                            host: h.clone(),
                            operation: *op,
                            permission,
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// kafka-acls' block: "<title> `ResourcePattern(...)`: " then the entries.
fn print_block(title: &str, pattern: &str, entries: &[String]) {
    let tabbed: Vec<String> = entries.iter().map(|e| format!("\t{e}")).collect();
    println!("{title} `{pattern}`: \n {} \n", tabbed.join("\n"));
}

fn grouped(acls: &[AclBinding]) -> BTreeMap<(ResourceType, String, PatternType), Vec<String>> {
    let mut out: BTreeMap<(ResourceType, String, PatternType), Vec<String>> = BTreeMap::new();
    for a in acls {
        out.entry((a.resource_type, a.name.clone(), a.pattern))
            .or_default()
            .push(a.entry_text());
    }
    out
}

fn pattern_text(rt: ResourceType, name: &str, pattern: PatternType) -> String {
    format!("ResourcePattern(resourceType={rt}, name={name}, patternType={pattern})")
}

pub async fn run(conn: &super::Connect, args: AclsArgs) -> anyhow::Result<u8> {
    let client = conn.client(false).await?;
    match args.action {
        AclsAction::Add(s) => {
            let pattern = match pattern_filter(&s.resource_pattern_type)? {
                PatternFilter::Exactly(p) => p,
                _ => bail!(
                    "A '--resource-pattern-type' value of '{}' is not valid when adding acls.",
                    s.resource_pattern_type.to_uppercase()
                ),
            };
            if s.allow_principals.is_empty() && s.deny_principals.is_empty() {
                bail!("You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.");
            }
            let acls = wanted(&s, pattern)?;
            for ((rt, name, p), entries) in grouped(&acls) {
                print_block(
                    "Adding ACLs for resource",
                    &pattern_text(rt, &name, p),
                    &entries,
                );
            }
            for outcome in admin::create_acls(&client, &acls).await? {
                outcome?;
            }
        }
        AclsAction::List(s) => {
            let pattern = pattern_filter(&s.resource_pattern_type)?;
            let named = resources(&s);
            let filters: Vec<AclFilter> = if named.is_empty() {
                vec![AclFilter::any()]
            } else {
                named
                    .into_iter()
                    .map(|(rt, name)| AclFilter {
                        resource_type: Some(rt),
                        name: Some(name),
                        pattern,
                        ..AclFilter::any()
                    })
                    .collect()
            };
            let mut acls = Vec::new();
            for f in &filters {
                acls.extend(admin::describe_acls(&client, f).await?);
            }
            if let Some(p) = &s.principal {
                acls.retain(|a| &a.principal == p);
                println!("ACLs for principal `{p}`");
            }
            acls.sort();
            acls.dedup();
            for ((rt, name, p), entries) in grouped(&acls) {
                print_block(
                    "Current ACLs for resource",
                    &pattern_text(rt, &name, p),
                    &entries,
                );
            }
        }
        AclsAction::Remove(s) => {
            let pattern = pattern_filter(&s.resource_pattern_type)?;
            let named = resources(&s);
            if named.is_empty() {
                bail!("name a resource: --topic, --group, --cluster or --transactional-id");
            }
            // Without principals: every ACL of the resources; with them, exactly
            // the entries named.
            let filters: Vec<AclFilter> =
                if s.allow_principals.is_empty() && s.deny_principals.is_empty() {
                    named
                        .iter()
                        .map(|(rt, name)| AclFilter {
                            resource_type: Some(*rt),
                            name: Some(name.clone()),
                            pattern,
                            ..AclFilter::any()
                        })
                        .collect()
                } else {
                    let exact = match pattern {
                        PatternFilter::Exactly(p) => p,
                        _ => PatternType::Literal,
                    };
                    wanted(&s, exact)?
                        .into_iter()
                        .map(|b| AclFilter {
                            resource_type: Some(b.resource_type),
                            name: Some(b.name),
                            pattern,
                            principal: Some(b.principal),
                            host: Some(b.host),
                            operation: Some(b.operation),
                            permission: Some(b.permission),
                        })
                        .collect()
                };
            if !s.force {
                let what: Vec<String> = named
                    .iter()
                    .map(|(rt, n)| format!("`ResourcePattern(resourceType={rt}, name={n})`"))
                    .collect();
                eprint!(
                    "Are you sure you want to remove ACLs from resource filter {}? (y/n) ",
                    what.join(", ")
                );
                let _ = std::io::stderr().flush();
                let mut answer = String::new();
                std::io::stdin().lock().read_line(&mut answer)?;
                if !answer.trim().eq_ignore_ascii_case("y") {
                    return Ok(0);
                }
            }
            for outcome in admin::delete_acls(&client, &filters).await? {
                outcome?;
            }
        }
    }
    Ok(0)
}
