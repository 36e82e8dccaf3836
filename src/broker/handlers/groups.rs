//! Group APIs (classic protocol): FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
//! LeaveGroup, OffsetCommit, OffsetFetch, DescribeGroups, ListGroups, DeleteGroups.
//! Translation only; the rules live in `group`.

use std::time::Duration;

use kafka_protocol::messages::delete_groups_response::DeletableGroupResult;
use kafka_protocol::messages::describe_groups_response::{DescribedGroup, DescribedGroupMember};
use kafka_protocol::messages::find_coordinator_response::Coordinator as WireCoordinator;
use kafka_protocol::messages::join_group_response::JoinGroupResponseMember;
use kafka_protocol::messages::leave_group_response::MemberResponse;
use kafka_protocol::messages::list_groups_response::ListedGroup;
use kafka_protocol::messages::offset_commit_response::{
    OffsetCommitResponsePartition, OffsetCommitResponseTopic,
};
use kafka_protocol::messages::offset_fetch_response::{
    OffsetFetchResponseGroup, OffsetFetchResponsePartition, OffsetFetchResponsePartitions,
    OffsetFetchResponseTopic, OffsetFetchResponseTopics,
};
use kafka_protocol::messages::*;

use crate::broker::{Broker, Session};
use crate::group::coordinator::OffsetEntry;
use crate::group::state::JoinArgs;
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;
use crate::security::acl::{Operation, ResourceType};

pub async fn find_coordinator(
    broker: &Broker,
    version: i16,
    req: FindCoordinatorRequest,
    session: &Session,
) -> FindCoordinatorResponse {
    let listener = &*session.listener;
    let keys: Vec<String> = if version >= 4 {
        req.coordinator_keys.iter().map(|k| k.to_string()).collect()
    } else {
        vec![req.key.to_string()]
    };
    let mut coordinators = Vec::new();
    for key in &keys {
        let mut c = WireCoordinator::default()
            .with_key(sb(key.clone()))
            .with_node_id(BrokerId(-1));
        // key_type 0 is a group, 1 a transactional id; DESCRIBE on it is needed.
        let found = match req.key_type {
            0 if !broker.allowed_on_group(session, Operation::Describe, key) => {
                Err(ResponseError::GroupAuthorizationFailed)
            }
            1 if !broker.allowed_on_txn(session, Operation::Describe, key) => {
                Err(ResponseError::TransactionalIdAuthorizationFailed)
            }
            0 => broker.groups.find_coordinator(key).await,
            1 => broker.txns.find_coordinator(key).await,
            _ => Err(ResponseError::InvalidRequest),
        };
        // The coordinator as the client reaches it: on the listener it came in on.
        let image = broker.controller.image();
        let found = found.and_then(|(node, _, _)| {
            image
                .brokers
                .get(&node)
                .and_then(|b| b.endpoint(listener))
                .map(|(host, port)| (node, host.to_string(), port))
                .ok_or(ResponseError::CoordinatorNotAvailable)
        });
        match found {
            Ok((node, host, port)) => {
                c.node_id = BrokerId(node);
                c.host = sb(host);
                c.port = port;
            }
            Err(e) => c.error_code = e.code(),
        }
        coordinators.push(c);
    }
    if version >= 4 {
        return FindCoordinatorResponse::default().with_coordinators(coordinators);
    }
    let c = coordinators.pop().unwrap_or_default();
    let mut r = FindCoordinatorResponse::default()
        .with_error_code(c.error_code)
        .with_node_id(c.node_id)
        .with_host(c.host)
        .with_port(c.port);
    if version >= 1 {
        r.error_message = c.error_message;
    }
    r
}

pub async fn join_group(
    broker: &Broker,
    version: i16,
    req: JoinGroupRequest,
    client_id: &str,
    client_host: &str,
) -> JoinGroupResponse {
    // v0 had no rebalance timeout: it equals the session timeout.
    let rebalance_ms = if version >= 1 {
        req.rebalance_timeout_ms
    } else {
        req.session_timeout_ms
    };
    let args = JoinArgs {
        member_id: req.member_id.to_string(),
        group_instance_id: req.group_instance_id.as_ref().map(|s| s.to_string()),
        client_id: client_id.to_string(),
        client_host: client_host.to_string(),
        session_timeout: Duration::from_millis(req.session_timeout_ms.max(0) as u64),
        rebalance_timeout: Duration::from_millis(rebalance_ms.max(0) as u64),
        protocol_type: req.protocol_type.to_string(),
        protocols: req
            .protocols
            .iter()
            .map(|p| (p.name.to_string(), p.metadata.clone()))
            .collect(),
        require_known_member_id: version >= 4 && req.group_instance_id.is_none(),
    };
    let o = broker.groups.join(req.group_id.as_str(), args).await;
    let mut r = JoinGroupResponse::default()
        .with_error_code(o.error)
        .with_generation_id(o.generation_id)
        .with_protocol_name(Some(sb(o.protocol_name.clone().unwrap_or_default())))
        .with_leader(sb(o.leader.clone()))
        .with_member_id(sb(o.member_id.clone()))
        .with_members(
            o.members
                .iter()
                .map(|(id, inst, meta)| {
                    let m = JoinGroupResponseMember::default()
                        .with_member_id(sb(id.clone()))
                        .with_metadata(meta.clone());
                    if version >= 5 {
                        m.with_group_instance_id(inst.clone().map(sb))
                    } else {
                        m
                    }
                })
                .collect(),
        );
    if version >= 7 {
        r.protocol_type = o.protocol_type.map(sb);
        r.protocol_name = o.protocol_name.map(sb);
    }
    r
}

pub async fn sync_group(broker: &Broker, version: i16, req: SyncGroupRequest) -> SyncGroupResponse {
    let assignments = req
        .assignments
        .iter()
        .map(|a| (a.member_id.to_string(), a.assignment.clone()))
        .collect();
    let (error, assignment) = broker
        .groups
        .sync(
            req.group_id.as_str(),
            req.member_id.as_str(),
            req.generation_id,
            assignments,
        )
        .await;
    let r = SyncGroupResponse::default()
        .with_error_code(error)
        .with_assignment(assignment);
    if version >= 5 {
        r.with_protocol_type(req.protocol_type)
            .with_protocol_name(req.protocol_name)
    } else {
        r
    }
}

pub fn heartbeat(broker: &Broker, req: HeartbeatRequest) -> HeartbeatResponse {
    HeartbeatResponse::default().with_error_code(broker.groups.heartbeat(
        req.group_id.as_str(),
        req.member_id.as_str(),
        req.generation_id,
    ))
}

pub async fn leave_group(
    broker: &Broker,
    version: i16,
    req: LeaveGroupRequest,
) -> LeaveGroupResponse {
    let ids: Vec<String> = if version >= 3 {
        req.members
            .iter()
            .map(|m| m.member_id.to_string())
            .collect()
    } else {
        vec![req.member_id.to_string()]
    };
    match broker.groups.leave(req.group_id.as_str(), &ids).await {
        Err(e) => LeaveGroupResponse::default().with_error_code(e.code()),
        Ok(codes) => {
            if version >= 3 {
                LeaveGroupResponse::default().with_members(
                    ids.iter()
                        .zip(codes)
                        .map(|(id, c)| {
                            MemberResponse::default()
                                .with_member_id(sb(id.clone()))
                                .with_error_code(c)
                        })
                        .collect(),
                )
            } else {
                LeaveGroupResponse::default().with_error_code(codes.first().copied().unwrap_or(0))
            }
        }
    }
}

pub async fn offset_commit(
    broker: &Broker,
    req: OffsetCommitRequest,
    session: &Session,
) -> OffsetCommitResponse {
    // READ on the group (its error goes on every partition), then on each topic.
    let group_denied = !broker.allowed_on_group(session, Operation::Read, req.group_id.as_str());
    let denied = broker.denied_topics(
        session,
        Operation::Read,
        req.topics.iter().map(|t| t.name.as_str()),
    );
    // As Kafka: a partition that does not exist gets UNKNOWN_TOPIC_OR_PARTITION and
    // nothing is stored for it; the others are committed.
    let image = broker.controller.image();
    let exists = |topic: &str, partition: i32| image.partition(topic, partition).is_some();
    let refused = |topic: &str| -> Option<ResponseError> {
        if group_denied {
            Some(ResponseError::GroupAuthorizationFailed)
        } else if denied.contains(topic) {
            Some(ResponseError::TopicAuthorizationFailed)
        } else {
            None
        }
    };
    let mut flat = Vec::new();
    for t in &req.topics {
        for p in &t.partitions {
            if !exists(t.name.as_str(), p.partition_index) || refused(t.name.as_str()).is_some() {
                continue;
            }
            flat.push((
                t.name.to_string(),
                p.partition_index,
                p.committed_offset,
                p.committed_leader_epoch,
                p.committed_metadata
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            ));
        }
    }
    // As Kafka: with nothing left to commit the coordinator is not asked, so a
    // refused request neither creates the group nor counts as a member's heartbeat.
    let codes = if flat.is_empty() {
        Vec::new()
    } else {
        broker
            .groups
            .commit(
                req.group_id.as_str(),
                req.member_id.as_str(),
                req.generation_id_or_member_epoch,
                flat,
            )
            .await
    };
    let mut codes = codes.into_iter();
    let topics = req
        .topics
        .iter()
        .map(|t| {
            OffsetCommitResponseTopic::default()
                .with_name(t.name.clone())
                .with_partitions(
                    t.partitions
                        .iter()
                        .map(|p| {
                            let code = if let Some(e) = refused(t.name.as_str()) {
                                e.code()
                            } else if exists(t.name.as_str(), p.partition_index) {
                                codes.next().unwrap_or(0)
                            } else {
                                ResponseError::UnknownTopicOrPartition.code()
                            };
                            OffsetCommitResponsePartition::default()
                                .with_partition_index(p.partition_index)
                                .with_error_code(code)
                        })
                        .collect(),
                )
        })
        .collect();
    OffsetCommitResponse::default().with_topics(topics)
}

/// (topic, partitions) asked for; None = all committed.
type Wanted = Option<Vec<(String, Vec<i32>)>>;
/// (partition, offset, leader epoch, metadata, error)
type Row = (i32, i64, i32, String, i16);

/// The rows asked for. With `unstable` (require_stable, v7+), a partition whose
/// offset a transaction has committed but not yet ended answers
/// UNSTABLE_OFFSET_COMMIT, so the consumer waits for the transaction.
fn select(
    entries: &[OffsetEntry],
    wanted: &Wanted,
    unstable: &[(String, i32)],
) -> Vec<(String, Vec<Row>)> {
    let mut out = select_committed(entries, wanted);
    for (t, rows) in &mut out {
        for row in rows.iter_mut() {
            if unstable.iter().any(|(ut, up)| ut == t && *up == row.0) {
                *row = (
                    row.0,
                    -1,
                    -1,
                    String::new(),
                    ResponseError::UnstableOffsetCommit.code(),
                );
            }
        }
    }
    out
}

fn select_committed(entries: &[OffsetEntry], wanted: &Wanted) -> Vec<(String, Vec<Row>)> {
    let lookup = |t: &str, p: i32| entries.iter().find(|e| e.topic == t && e.partition == p);
    match wanted {
        Some(list) => list
            .iter()
            .map(|(t, ps)| {
                (
                    t.clone(),
                    ps.iter()
                        .map(|p| match lookup(t, *p) {
                            Some(e) => (
                                *p,
                                e.offset.offset,
                                e.offset.leader_epoch,
                                e.offset.metadata.clone(),
                                0,
                            ),
                            None => (*p, -1, -1, String::new(), 0),
                        })
                        .collect(),
                )
            })
            .collect(),
        None => {
            let mut out: Vec<(String, Vec<Row>)> = Vec::new();
            for e in entries {
                let row = (
                    e.partition,
                    e.offset.offset,
                    e.offset.leader_epoch,
                    e.offset.metadata.clone(),
                    0,
                );
                match out.iter_mut().find(|(t, _)| *t == e.topic) {
                    Some((_, v)) => v.push(row),
                    None => out.push((e.topic.clone(), vec![row])),
                }
            }
            out
        }
    }
}

/// OffsetFetch's topic check: DESCRIBE on each topic; when all of a group's
/// topics are asked for, those it may not describe are left out.
fn described_only(
    broker: &Broker,
    session: &Session,
    rows: Vec<(String, Vec<Row>)>,
    all: bool,
) -> Vec<(String, Vec<Row>)> {
    rows.into_iter()
        .filter_map(|(t, ps)| {
            if broker.allowed_on_topic(session, Operation::Describe, &t) {
                Some((t, ps))
            } else if all {
                None
            } else {
                let code = ResponseError::TopicAuthorizationFailed.code();
                let ps = ps
                    .into_iter()
                    .map(|(p, ..)| (p, -1, -1, String::new(), code))
                    .collect();
                Some((t, ps))
            }
        })
        .collect()
}

pub fn offset_fetch(
    broker: &Broker,
    version: i16,
    req: OffsetFetchRequest,
    session: &Session,
) -> OffsetFetchResponse {
    let group_ok = |g: &str| broker.allowed_on_group(session, Operation::Describe, g);
    let unstable = |group: &str| -> Vec<(String, i32)> {
        if version >= 7 && req.require_stable {
            broker.groups.unstable_partitions(group)
        } else {
            Vec::new()
        }
    };
    if version >= 8 {
        let groups = req
            .groups
            .iter()
            .map(|g| {
                let wanted: Wanted = g.topics.as_ref().map(|ts| {
                    ts.iter()
                        .map(|t| (t.name.to_string(), t.partition_indexes.clone()))
                        .collect()
                });
                let fetched = if group_ok(g.group_id.as_str()) {
                    broker.groups.fetch_offsets(g.group_id.as_str())
                } else {
                    Err(ResponseError::GroupAuthorizationFailed)
                };
                match fetched {
                    Err(e) => OffsetFetchResponseGroup::default()
                        .with_group_id(g.group_id.clone())
                        .with_error_code(e.code()),
                    Ok(entries) => OffsetFetchResponseGroup::default()
                        .with_group_id(g.group_id.clone())
                        .with_topics(
                            described_only(
                                broker,
                                session,
                                select(&entries, &wanted, &unstable(g.group_id.as_str())),
                                wanted.is_none(),
                            )
                            .into_iter()
                            .map(|(t, ps)| {
                                OffsetFetchResponseTopics::default()
                                    .with_name(TopicName(sb(t)))
                                    .with_partitions(
                                        ps.into_iter()
                                            .map(|(p, o, e, m, code)| {
                                                OffsetFetchResponsePartitions::default()
                                                    .with_partition_index(p)
                                                    .with_committed_offset(o)
                                                    .with_committed_leader_epoch(e)
                                                    .with_metadata(Some(sb(m)))
                                                    .with_error_code(code)
                                            })
                                            .collect(),
                                    )
                            })
                            .collect(),
                        ),
                }
            })
            .collect();
        return OffsetFetchResponse::default().with_groups(groups);
    }
    let wanted: Wanted = req.topics.as_ref().map(|ts| {
        ts.iter()
            .map(|t| (t.name.to_string(), t.partition_indexes.clone()))
            .collect()
    });
    let fetched = if group_ok(req.group_id.as_str()) {
        broker.groups.fetch_offsets(req.group_id.as_str())
    } else {
        Err(ResponseError::GroupAuthorizationFailed)
    };
    match fetched {
        Err(e) => {
            let r = OffsetFetchResponse::default();
            if version >= 2 {
                r.with_error_code(e.code())
            } else {
                // v0-1 have no top-level error: report it on every partition asked for.
                let topics = wanted
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(t, ps)| {
                        OffsetFetchResponseTopic::default()
                            .with_name(TopicName(sb(t)))
                            .with_partitions(
                                ps.into_iter()
                                    .map(|p| {
                                        OffsetFetchResponsePartition::default()
                                            .with_partition_index(p)
                                            .with_committed_offset(-1)
                                            .with_error_code(e.code())
                                    })
                                    .collect(),
                            )
                    })
                    .collect();
                r.with_topics(topics)
            }
        }
        Ok(entries) => OffsetFetchResponse::default().with_topics(
            described_only(
                broker,
                session,
                select(&entries, &wanted, &unstable(req.group_id.as_str())),
                wanted.is_none(),
            )
            .into_iter()
            .map(|(t, ps)| {
                OffsetFetchResponseTopic::default()
                    .with_name(TopicName(sb(t)))
                    .with_partitions(
                        ps.into_iter()
                            .map(|(p, o, e, m, code)| {
                                let r = OffsetFetchResponsePartition::default()
                                    .with_partition_index(p)
                                    .with_committed_offset(o)
                                    .with_metadata(Some(sb(m)))
                                    .with_error_code(code);
                                if version >= 5 {
                                    r.with_committed_leader_epoch(e)
                                } else {
                                    r
                                }
                            })
                            .collect(),
                    )
            })
            .collect(),
        ),
    }
}

pub fn describe_groups(
    broker: &Broker,
    version: i16,
    req: DescribeGroupsRequest,
    session: &Session,
) -> DescribeGroupsResponse {
    let with_ops = version >= 3 && req.include_authorized_operations;
    let groups = req
        .groups
        .iter()
        .map(|gid| {
            if !broker.allowed_on_group(session, Operation::Describe, gid.as_str()) {
                return Err(ResponseError::GroupAuthorizationFailed);
            }
            broker.groups.describe(gid.as_str())
        })
        .zip(req.groups.iter())
        .map(|(described, gid)| match described {
            Err(e) => DescribedGroup::default()
                .with_group_id(gid.clone())
                .with_error_code(e.code()),
            Ok(d) => DescribedGroup::default()
                .with_group_id(gid.clone())
                .with_authorized_operations(if with_ops {
                    broker.authorized_bits(session, ResourceType::Group, gid.as_str())
                } else {
                    i32::MIN
                })
                .with_group_state(sb(d.state))
                .with_protocol_type(sb(d.protocol_type))
                .with_protocol_data(sb(d.protocol))
                .with_members(
                    d.members
                        .into_iter()
                        .map(|m| {
                            let r = DescribedGroupMember::default()
                                .with_member_id(sb(m.member_id))
                                .with_client_id(sb(m.client_id))
                                .with_client_host(sb(m.client_host))
                                .with_member_metadata(m.metadata)
                                .with_member_assignment(m.assignment);
                            if version >= 4 {
                                r.with_group_instance_id(m.group_instance_id.map(sb))
                            } else {
                                r
                            }
                        })
                        .collect(),
                ),
        })
        .collect();
    DescribeGroupsResponse::default().with_groups(groups)
}

pub fn list_groups(
    broker: &Broker,
    version: i16,
    req: ListGroupsRequest,
    session: &Session,
) -> ListGroupsResponse {
    let filter: Vec<String> = req.states_filter.iter().map(|s| s.to_lowercase()).collect();
    // DESCRIBE on the cluster lists every group; otherwise those it may describe.
    let all = broker.allowed_on_cluster(session, Operation::Describe);
    let groups = broker
        .groups
        .list()
        .into_iter()
        .filter(|(_, _, state)| filter.is_empty() || filter.contains(&state.to_lowercase()))
        .filter(|(id, _, _)| all || broker.allowed_on_group(session, Operation::Describe, id))
        .map(|(id, pt, state)| {
            let mut g = ListedGroup::default()
                .with_group_id(GroupId(sb(id)))
                .with_protocol_type(sb(pt));
            if version >= 4 {
                g.group_state = sb(state);
            }
            if version >= 5 {
                g.group_type = sb("classic");
            }
            g
        })
        .collect();
    ListGroupsResponse::default().with_groups(groups)
}

pub async fn delete_groups(
    broker: &Broker,
    req: DeleteGroupsRequest,
    session: &Session,
) -> DeleteGroupsResponse {
    let mut results = Vec::new();
    for g in &req.groups_names {
        let code = if broker.allowed_on_group(session, Operation::Delete, g.as_str()) {
            broker.groups.delete(g.as_str()).await
        } else {
            ResponseError::GroupAuthorizationFailed.code()
        };
        results.push(
            DeletableGroupResult::default()
                .with_group_id(g.clone())
                .with_error_code(code),
        );
    }
    DeleteGroupsResponse::default().with_results(results)
}

/// OffsetDelete: partitions that do not exist get UNKNOWN_TOPIC_OR_PARTITION; the
/// others go to the group coordinator.
pub async fn offset_delete(
    broker: &Broker,
    req: OffsetDeleteRequest,
    session: &Session,
) -> OffsetDeleteResponse {
    use kafka_protocol::messages::offset_delete_response::{
        OffsetDeleteResponsePartition, OffsetDeleteResponseTopic,
    };
    if !broker.allowed_on_group(session, Operation::Delete, req.group_id.as_str()) {
        return OffsetDeleteResponse::default()
            .with_error_code(ResponseError::GroupAuthorizationFailed.code());
    }
    let denied = broker.denied_topics(
        session,
        Operation::Read,
        req.topics.iter().map(|t| t.name.as_str()),
    );
    let image = broker.controller.image();
    let exists = |t: &str, p: i32| image.partition(t, p).is_some();
    let wanted: Vec<(String, i32)> = req
        .topics
        .iter()
        .flat_map(|t| {
            t.partitions
                .iter()
                .map(|p| (t.name.to_string(), p.partition_index))
        })
        .filter(|(t, p)| exists(t, *p) && !denied.contains(t))
        .collect();
    let codes = match broker
        .groups
        .delete_offsets(req.group_id.as_str(), &wanted)
        .await
    {
        Err(e) => return OffsetDeleteResponse::default().with_error_code(e.code()),
        Ok(codes) => codes,
    };
    let mut codes = codes.into_iter();
    let topics = req
        .topics
        .iter()
        .map(|t| {
            OffsetDeleteResponseTopic::default()
                .with_name(t.name.clone())
                .with_partitions(
                    t.partitions
                        .iter()
                        .map(|p| {
                            let code = if denied.contains(t.name.as_str()) {
                                ResponseError::TopicAuthorizationFailed.code()
                            } else if exists(t.name.as_str(), p.partition_index) {
                                codes.next().unwrap_or(0)
                            } else {
                                ResponseError::UnknownTopicOrPartition.code()
                            };
                            OffsetDeleteResponsePartition::default()
                                .with_partition_index(p.partition_index)
                                .with_error_code(code)
                        })
                        .collect(),
                )
        })
        .collect();
    OffsetDeleteResponse::default().with_topics(topics)
}
