//! The classic consumer-group state machine (Kafka's GroupCoordinator rules), pure:
//! time comes in as an argument and every decision comes back as a value, so the
//! coordinator runtime only stores waiters and delivers answers.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use bytes::Bytes;
use kafka_protocol::error::ResponseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl GroupState {
    /// The name DescribeGroups and ListGroups report.
    pub fn name(&self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Member {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub session_timeout: Duration,
    pub rebalance_timeout: Duration,
    /// (protocol name, subscription metadata), in the member's preference order.
    pub protocols: Vec<(String, Bytes)>,
    pub assignment: Bytes,
    pub awaiting_join: bool,
    pub awaiting_sync: bool,
    pub last_heartbeat: Instant,
}

impl Member {
    fn metadata_for(&self, protocol: &str) -> Bytes {
        self.protocols
            .iter()
            .find(|(n, _)| n == protocol)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }
}

/// A JoinGroup request, decoded.
#[derive(Debug, Clone)]
pub struct JoinArgs {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub session_timeout: Duration,
    pub rebalance_timeout: Duration,
    pub protocol_type: String,
    pub protocols: Vec<(String, Bytes)>,
    /// JoinGroup v4+: an unknown member first gets MEMBER_ID_REQUIRED (KIP-394).
    pub require_known_member_id: bool,
}

/// What one member is told when the join phase ends (or at once on an error).
#[derive(Debug, Clone, PartialEq)]
pub struct JoinOutcome {
    pub error: i16,
    pub member_id: String,
    pub generation_id: i32,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub leader: String,
    /// Only the leader gets the members and their subscriptions.
    pub members: Vec<(String, Option<String>, Bytes)>,
}

impl JoinOutcome {
    fn error(code: ResponseError, member_id: &str) -> JoinOutcome {
        JoinOutcome {
            error: code.code(),
            member_id: member_id.to_string(),
            generation_id: -1,
            protocol_type: None,
            protocol_name: None,
            leader: String::new(),
            members: Vec::new(),
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum JoinDecision {
    /// Answer now.
    Respond(JoinOutcome),
    /// Park the request until the join phase completes.
    Wait { member_id: String },
}

#[derive(Debug, PartialEq)]
pub enum SyncDecision {
    Respond {
        error: i16,
        assignment: Bytes,
    },
    Wait,
    /// The leader's assignment arrived: answer every waiting member.
    Complete(Vec<(String, Bytes)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedOffset {
    pub offset: i64,
    pub leader_epoch: i32,
    pub metadata: String,
    pub commit_timestamp: i64,
}

/// Group settings from the broker config.
#[derive(Debug, Clone)]
pub struct GroupConfig {
    pub initial_rebalance_delay: Duration,
    pub min_session_timeout: Duration,
    pub max_session_timeout: Duration,
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            initial_rebalance_delay: Duration::from_millis(3000),
            min_session_timeout: Duration::from_millis(6000),
            max_session_timeout: Duration::from_millis(1_800_000),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub group_id: String,
    pub state: GroupState,
    pub protocol_type: Option<String>,
    pub protocol: Option<String>,
    pub generation_id: i32,
    pub leader: Option<String>,
    pub members: BTreeMap<String, Member>,
    /// Member ids handed out with MEMBER_ID_REQUIRED, not yet joined.
    pub pending: BTreeSet<String>,
    /// The join phase may not complete before this (initial rebalance delay).
    join_not_before: Option<Instant>,
    /// The join phase completes at this point whoever has rejoined.
    join_deadline: Option<Instant>,
    pub offsets: BTreeMap<(String, i32), CommittedOffset>,
}

impl Group {
    pub fn new(group_id: &str) -> Group {
        Group {
            group_id: group_id.to_string(),
            state: GroupState::Empty,
            protocol_type: None,
            protocol: None,
            generation_id: 0,
            leader: None,
            members: BTreeMap::new(),
            pending: BTreeSet::new(),
            join_not_before: None,
            join_deadline: None,
            offsets: BTreeMap::new(),
        }
    }

    fn prepare_rebalance(&mut self, now: Instant, config: &GroupConfig) {
        let max_rebalance = self
            .members
            .values()
            .map(|m| m.rebalance_timeout)
            .max()
            .unwrap_or(Duration::from_secs(60));
        if self.state == GroupState::Empty {
            // Let a burst of new members arrive together (group.initial.rebalance.delay.ms).
            self.join_not_before = Some(now + config.initial_rebalance_delay);
        } else {
            self.join_not_before = None;
        }
        self.join_deadline = Some(now + max_rebalance);
        self.state = GroupState::PreparingRebalance;
        for m in self.members.values_mut() {
            m.awaiting_sync = false;
        }
    }

    /// Handle a JoinGroup. `new_member_id` is used when the member has no id yet.
    pub fn join(
        &mut self,
        args: JoinArgs,
        new_member_id: String,
        now: Instant,
        config: &GroupConfig,
    ) -> JoinDecision {
        if self.state == GroupState::Dead {
            return JoinDecision::Respond(JoinOutcome::error(
                ResponseError::CoordinatorNotAvailable,
                &args.member_id,
            ));
        }
        if args.session_timeout < config.min_session_timeout
            || args.session_timeout > config.max_session_timeout
        {
            return JoinDecision::Respond(JoinOutcome::error(
                ResponseError::InvalidSessionTimeout,
                &args.member_id,
            ));
        }
        if args.protocol_type.is_empty() || args.protocols.is_empty() {
            return JoinDecision::Respond(JoinOutcome::error(
                ResponseError::InconsistentGroupProtocol,
                &args.member_id,
            ));
        }
        if !self.members.is_empty() {
            let same_type = self.protocol_type.as_deref() == Some(args.protocol_type.as_str());
            let shared = args.protocols.iter().any(|(n, _)| {
                self.members
                    .values()
                    .all(|m| m.protocols.iter().any(|(mn, _)| mn == n))
            });
            let only_member = self.members.len() == 1 && self.members.contains_key(&args.member_id);
            if !only_member && (!same_type || !shared) {
                return JoinDecision::Respond(JoinOutcome::error(
                    ResponseError::InconsistentGroupProtocol,
                    &args.member_id,
                ));
            }
        }
        let mut member_id = args.member_id.clone();
        // KIP-345 static membership: a known group.instance.id rejoining with no member
        // id takes over its old identity (and partitions) without a rebalance.
        if let Some(instance) = args
            .group_instance_id
            .as_deref()
            .filter(|_| member_id.is_empty())
        {
            let old = self
                .members
                .values()
                .find(|m| m.group_instance_id.as_deref() == Some(instance))
                .map(|m| m.member_id.clone());
            if let Some(old) = old {
                let mut m = self.members.remove(&old).expect("found above");
                m.member_id = new_member_id.clone();
                m.last_heartbeat = now;
                if self.leader.as_deref() == Some(old.as_str()) {
                    self.leader = Some(new_member_id.clone());
                }
                self.members.insert(new_member_id.clone(), m);
                if matches!(
                    self.state,
                    GroupState::Stable | GroupState::CompletingRebalance
                ) && self.members[&new_member_id].protocols == args.protocols
                {
                    return JoinDecision::Respond(self.outcome_for(&new_member_id));
                }
                member_id = new_member_id.clone();
            }
        }
        if member_id.is_empty() {
            member_id = new_member_id;
            if args.require_known_member_id {
                self.pending.insert(member_id.clone());
                let mut out = JoinOutcome::error(ResponseError::MemberIdRequired, &member_id);
                out.member_id = member_id;
                return JoinDecision::Respond(out);
            }
        } else if !self.members.contains_key(&member_id) && !self.pending.contains(&member_id) {
            return JoinDecision::Respond(JoinOutcome::error(
                ResponseError::UnknownMemberId,
                &member_id,
            ));
        }
        self.pending.remove(&member_id);
        let protocols_changed = self
            .members
            .get(&member_id)
            .is_none_or(|m| m.protocols != args.protocols);
        let is_new = !self.members.contains_key(&member_id);
        let member = self
            .members
            .entry(member_id.clone())
            .or_insert_with(|| Member {
                member_id: member_id.clone(),
                group_instance_id: args.group_instance_id.clone(),
                client_id: args.client_id.clone(),
                client_host: args.client_host.clone(),
                session_timeout: args.session_timeout,
                rebalance_timeout: args.rebalance_timeout,
                protocols: args.protocols.clone(),
                assignment: Bytes::new(),
                awaiting_join: false,
                awaiting_sync: false,
                last_heartbeat: now,
            });
        member.protocols = args.protocols;
        member.session_timeout = args.session_timeout;
        member.rebalance_timeout = args.rebalance_timeout;
        member.last_heartbeat = now;
        if self.protocol_type.is_none() || self.members.len() == 1 {
            self.protocol_type = Some(args.protocol_type.clone());
        }
        match self.state {
            GroupState::PreparingRebalance => {
                if is_new && self.join_not_before.is_some() {
                    // Each newcomer during the initial delay extends it (bounded by the deadline).
                    self.join_not_before = Some(now + config.initial_rebalance_delay);
                }
            }
            GroupState::CompletingRebalance | GroupState::Stable
                if !is_new && !protocols_changed && self.leader.as_deref() != Some(&member_id) =>
            {
                // A follower re-joining with nothing new gets the current generation back.
                return JoinDecision::Respond(self.outcome_for(&member_id));
            }
            _ => self.prepare_rebalance(now, config),
        }
        if let Some(m) = self.members.get_mut(&member_id) {
            m.awaiting_join = true;
        }
        JoinDecision::Wait { member_id }
    }

    fn outcome_for(&self, member_id: &str) -> JoinOutcome {
        let protocol = self.protocol.clone().unwrap_or_default();
        let is_leader = self.leader.as_deref() == Some(member_id);
        JoinOutcome {
            error: 0,
            member_id: member_id.to_string(),
            generation_id: self.generation_id,
            protocol_type: self.protocol_type.clone(),
            protocol_name: self.protocol.clone(),
            leader: self.leader.clone().unwrap_or_default(),
            members: if is_leader {
                self.members
                    .values()
                    .map(|m| {
                        (
                            m.member_id.clone(),
                            m.group_instance_id.clone(),
                            m.metadata_for(&protocol),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The protocol every member supports that most members prefer.
    fn select_protocol(&self) -> Option<String> {
        let first = self.members.values().next()?;
        let candidates: Vec<&String> = first
            .protocols
            .iter()
            .map(|(n, _)| n)
            .filter(|n| {
                self.members
                    .values()
                    .all(|m| m.protocols.iter().any(|(mn, _)| mn == *n))
            })
            .collect();
        let mut best: Option<(&String, usize)> = None;
        for c in &candidates {
            let votes = self
                .members
                .values()
                .filter(|m| {
                    m.protocols
                        .iter()
                        .map(|(n, _)| n)
                        .find(|n| candidates.contains(n))
                        == Some(*c)
                })
                .count();
            if best.is_none_or(|(_, v)| votes > v) {
                best = Some((c, votes));
            }
        }
        best.map(|(c, _)| c.clone())
    }

    /// End the join phase if it can end now: every member has rejoined (after the
    /// initial delay), or the rebalance timeout passed (stragglers are removed).
    /// Returns the answers for the members that were waiting.
    pub fn try_complete_join(&mut self, now: Instant) -> Option<Vec<JoinOutcome>> {
        if self.state != GroupState::PreparingRebalance {
            return None;
        }
        if self.join_not_before.is_some_and(|t| now < t) {
            return None;
        }
        let all_joined = self.members.values().all(|m| m.awaiting_join);
        let expired = self.join_deadline.is_some_and(|t| now >= t);
        if !all_joined && !expired {
            return None;
        }
        self.members.retain(|_, m| m.awaiting_join);
        self.join_not_before = None;
        self.join_deadline = None;
        self.generation_id += 1;
        if self.members.is_empty() {
            self.state = GroupState::Empty;
            self.protocol = None;
            self.leader = None;
            return Some(Vec::new());
        }
        self.protocol = self.select_protocol();
        if self
            .leader
            .as_ref()
            .is_none_or(|l| !self.members.contains_key(l))
        {
            self.leader = self.members.keys().next().cloned();
        }
        self.state = GroupState::CompletingRebalance;
        let ids: Vec<String> = self.members.keys().cloned().collect();
        let outcomes = ids.iter().map(|id| self.outcome_for(id)).collect();
        for m in self.members.values_mut() {
            m.awaiting_join = false;
            m.assignment = Bytes::new();
            m.last_heartbeat = now;
        }
        Some(outcomes)
    }

    fn check_member(&self, member_id: &str, generation_id: i32) -> Result<(), ResponseError> {
        if !self.members.contains_key(member_id) {
            return Err(ResponseError::UnknownMemberId);
        }
        if generation_id != self.generation_id {
            return Err(ResponseError::IllegalGeneration);
        }
        Ok(())
    }

    /// Topics the members subscribe to (consumer protocol), for OffsetDelete: a
    /// topic in use keeps its offsets.
    pub fn subscribed_topics(&self) -> std::collections::BTreeSet<String> {
        let protocol = self.protocol.clone().unwrap_or_default();
        self.members
            .values()
            .flat_map(|m| {
                m.protocols
                    .iter()
                    .filter(|(name, _)| *name == protocol)
                    .flat_map(|(_, meta)| subscription_topics(meta))
            })
            .collect()
    }

    /// TxnOffsetCommit (Kafka's validateOffsetCommit for transactional commits):
    /// without member information (v0-2, or a producer outside any group) the
    /// commit is taken; with it the member and generation must match. There is no
    /// rebalance check: the transaction decides.
    pub fn check_txn_commit(
        &self,
        member_id: &str,
        generation_id: i32,
    ) -> Result<(), ResponseError> {
        if generation_id < 0 && member_id.is_empty() {
            return Ok(());
        }
        self.check_member(member_id, generation_id)
    }

    /// Handle a SyncGroup; `assignments` is the leader's (empty for followers).
    pub fn sync(
        &mut self,
        member_id: &str,
        generation_id: i32,
        assignments: Vec<(String, Bytes)>,
        now: Instant,
    ) -> SyncDecision {
        let err = |e: ResponseError| SyncDecision::Respond {
            error: e.code(),
            assignment: Bytes::new(),
        };
        if let Err(e) = self.check_member(member_id, generation_id) {
            return err(e);
        }
        match self.state {
            GroupState::PreparingRebalance => err(ResponseError::RebalanceInProgress),
            GroupState::Stable => SyncDecision::Respond {
                error: 0,
                assignment: self.members[member_id].assignment.clone(),
            },
            GroupState::CompletingRebalance => {
                if let Some(m) = self.members.get_mut(member_id) {
                    m.awaiting_sync = true;
                    m.last_heartbeat = now;
                }
                if self.leader.as_deref() != Some(member_id) {
                    return SyncDecision::Wait;
                }
                for m in self.members.values_mut() {
                    m.assignment = Bytes::new();
                }
                for (id, a) in assignments {
                    if let Some(m) = self.members.get_mut(&id) {
                        m.assignment = a;
                    }
                }
                self.state = GroupState::Stable;
                let out = self
                    .members
                    .values_mut()
                    .filter(|m| m.awaiting_sync)
                    .map(|m| {
                        m.awaiting_sync = false;
                        (m.member_id.clone(), m.assignment.clone())
                    })
                    .collect();
                SyncDecision::Complete(out)
            }
            GroupState::Empty | GroupState::Dead => err(ResponseError::UnknownMemberId),
        }
    }

    pub fn heartbeat(&mut self, member_id: &str, generation_id: i32, now: Instant) -> i16 {
        if let Err(e) = self.check_member(member_id, generation_id) {
            return e.code();
        }
        if let Some(m) = self.members.get_mut(member_id) {
            m.last_heartbeat = now;
        }
        match self.state {
            GroupState::Stable => 0,
            _ => ResponseError::RebalanceInProgress.code(),
        }
    }

    /// Remove a member (LeaveGroup or session expiry) and rebalance the rest.
    pub fn remove_member(&mut self, member_id: &str, now: Instant, config: &GroupConfig) -> bool {
        if self.members.remove(member_id).is_none() {
            return self.pending.remove(member_id);
        }
        if self.leader.as_deref() == Some(member_id) {
            self.leader = None;
        }
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                if self.members.is_empty() {
                    self.generation_id += 1;
                    self.state = GroupState::Empty;
                    self.protocol = None;
                } else {
                    self.prepare_rebalance(now, config);
                }
            }
            _ => {}
        }
        true
    }

    /// Members whose session expired. Members parked in a join are kept (they are
    /// waiting on us, not silent).
    pub fn expired_members(&self, now: Instant) -> Vec<String> {
        self.members
            .values()
            .filter(|m| {
                !m.awaiting_join && now.duration_since(m.last_heartbeat) > m.session_timeout
            })
            .map(|m| m.member_id.clone())
            .collect()
    }

    /// May this member commit offsets now? Generation -1 with an empty member id is
    /// a "simple" commit, allowed when the group has no members.
    pub fn check_commit(
        &mut self,
        member_id: &str,
        generation_id: i32,
        now: Instant,
    ) -> Result<(), ResponseError> {
        if generation_id < 0 && member_id.is_empty() {
            return if self.members.is_empty() {
                Ok(())
            } else {
                Err(ResponseError::UnknownMemberId)
            };
        }
        self.check_member(member_id, generation_id)?;
        if self.state == GroupState::CompletingRebalance {
            return Err(ResponseError::RebalanceInProgress);
        }
        if let Some(m) = self.members.get_mut(member_id) {
            m.last_heartbeat = now;
        }
        Ok(())
    }
}

/// A member as the group's last metadata record holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub session_timeout: Duration,
    pub rebalance_timeout: Duration,
    pub subscription: Bytes,
    pub assignment: Bytes,
}

/// A group as its last metadata record in `__consumer_offsets` holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredGroup {
    pub protocol_type: String,
    pub generation_id: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub members: Vec<StoredMember>,
}

impl Group {
    /// Take the group over as its last metadata record left it, as Kafka's
    /// coordinator does when it loads a partition after a failover: the members
    /// keep their ids, generation and assignments and go on heartbeating without a
    /// rebalance; their sessions start now, so members that are gone expire.
    /// Committed offsets are untouched.
    pub fn restore(&mut self, stored: StoredGroup, now: Instant) {
        self.protocol_type = (!stored.protocol_type.is_empty()).then_some(stored.protocol_type);
        self.generation_id = stored.generation_id;
        self.pending.clear();
        self.join_not_before = None;
        self.join_deadline = None;
        self.members.clear();
        // A record without a protocol (an empty group) has no one to restore.
        let Some(protocol) = stored.protocol.filter(|_| !stored.members.is_empty()) else {
            self.state = GroupState::Empty;
            self.protocol = None;
            self.leader = None;
            return;
        };
        for m in stored.members {
            self.members.insert(
                m.member_id.clone(),
                Member {
                    member_id: m.member_id,
                    group_instance_id: m.group_instance_id,
                    client_id: m.client_id,
                    client_host: m.client_host,
                    session_timeout: m.session_timeout,
                    rebalance_timeout: m.rebalance_timeout,
                    protocols: vec![(protocol.clone(), m.subscription)],
                    assignment: m.assignment,
                    awaiting_join: false,
                    awaiting_sync: false,
                    last_heartbeat: now,
                },
            );
        }
        self.leader = stored.leader.filter(|l| self.members.contains_key(l));
        self.protocol = Some(protocol);
        self.state = GroupState::Stable;
    }
}

/// The topics of a consumer-protocol subscription (version, then an array of
/// int16-prefixed names). Every length is checked against the bytes there; a
/// malformed subscription names nothing.
pub fn subscription_topics(meta: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let read = |at: usize, n: usize| meta.get(at..at.checked_add(n)?);
    let Some(count) = read(2, 4).map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]])) else {
        return out;
    };
    let mut at = 6usize;
    for _ in 0..count.max(0) {
        let Some(len) = read(at, 2).map(|b| i16::from_be_bytes([b[0], b[1]])) else {
            break;
        };
        let Some(name) = usize::try_from(len).ok().and_then(|n| read(at + 2, n)) else {
            break;
        };
        out.push(String::from_utf8_lossy(name).into_owned());
        at += 2 + name.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> GroupConfig {
        GroupConfig {
            initial_rebalance_delay: Duration::from_millis(100),
            ..GroupConfig::default()
        }
    }

    fn args(member: &str, proto: &str) -> JoinArgs {
        JoinArgs {
            member_id: member.to_string(),
            group_instance_id: None,
            client_id: "c".into(),
            client_host: "/127.0.0.1".into(),
            session_timeout: Duration::from_secs(10),
            rebalance_timeout: Duration::from_secs(30),
            protocol_type: "consumer".into(),
            protocols: vec![(proto.to_string(), Bytes::from_static(b"meta"))],
            require_known_member_id: true,
        }
    }

    /// Join with the MEMBER_ID_REQUIRED round trip; returns the member id.
    fn join_new(g: &mut Group, id: &str, now: Instant) -> String {
        match g.join(args("", "range"), id.to_string(), now, &cfg()) {
            JoinDecision::Respond(o) => assert_eq!(o.error, ResponseError::MemberIdRequired.code()),
            d => panic!("{d:?}"),
        }
        assert_eq!(
            g.join(args(id, "range"), "unused".into(), now, &cfg()),
            JoinDecision::Wait {
                member_id: id.into()
            }
        );
        id.to_string()
    }

    #[test]
    fn first_members_wait_for_the_initial_delay_then_get_one_generation() {
        let t0 = Instant::now();
        let mut g = Group::new("g");
        let a = join_new(&mut g, "a", t0);
        let b = join_new(&mut g, "b", t0 + Duration::from_millis(50));
        assert_eq!(g.state, GroupState::PreparingRebalance);
        assert!(
            g.try_complete_join(t0 + Duration::from_millis(100))
                .is_none(),
            "delay extended by b"
        );
        let out = g
            .try_complete_join(t0 + Duration::from_millis(200))
            .unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(g.generation_id, 1);
        assert_eq!(g.state, GroupState::CompletingRebalance);
        let leader = out.iter().find(|o| o.member_id == o.leader).unwrap();
        assert_eq!(leader.members.len(), 2);
        assert!(out
            .iter()
            .filter(|o| o.member_id != o.leader)
            .all(|o| o.members.is_empty()));
        // Follower syncs first and waits; the leader's assignment completes both.
        let follower = if leader.member_id == a { &b } else { &a };
        assert_eq!(g.sync(follower, 1, vec![], t0), SyncDecision::Wait);
        let assignments = vec![
            (a.clone(), Bytes::from_static(b"A")),
            (b.clone(), Bytes::from_static(b"B")),
        ];
        match g.sync(&leader.member_id.clone(), 1, assignments, t0) {
            SyncDecision::Complete(v) => assert_eq!(v.len(), 2),
            d => panic!("{d:?}"),
        }
        assert_eq!(g.state, GroupState::Stable);
        assert_eq!(g.heartbeat(&a, 1, t0), 0);
    }

    fn stored(members: &[&str], generation_id: i32) -> StoredGroup {
        StoredGroup {
            protocol_type: "consumer".into(),
            generation_id,
            protocol: (!members.is_empty()).then(|| "range".to_string()),
            leader: members.first().map(|m| m.to_string()),
            members: members
                .iter()
                .map(|m| StoredMember {
                    member_id: m.to_string(),
                    group_instance_id: None,
                    client_id: "c".into(),
                    client_host: "/127.0.0.1".into(),
                    session_timeout: Duration::from_secs(10),
                    rebalance_timeout: Duration::from_secs(30),
                    subscription: Bytes::from_static(b"meta"),
                    assignment: Bytes::copy_from_slice(m.as_bytes()),
                })
                .collect(),
        }
    }

    #[test]
    fn a_restored_group_goes_on_without_a_rebalance() {
        let t0 = Instant::now();
        // (members in the record, generation, member asking, its generation, heartbeat answer)
        let cases: &[(&[&str], i32, &str, i32, i16)] = &[
            (&["a", "b"], 7, "a", 7, 0),
            (&["a", "b"], 7, "b", 7, 0),
            (
                &["a", "b"],
                7,
                "a",
                6,
                ResponseError::IllegalGeneration.code(),
            ),
            (
                &["a", "b"],
                7,
                "c",
                7,
                ResponseError::UnknownMemberId.code(),
            ),
            (&[], 8, "a", 8, ResponseError::UnknownMemberId.code()),
        ];
        for &(members, generation, who, their_generation, want) in cases {
            let mut g = Group::new("g");
            // Whatever was in memory before the load is replaced.
            join_new(&mut g, "old", t0);
            g.restore(stored(members, generation), t0);
            assert_eq!(g.generation_id, generation);
            assert_eq!(
                g.heartbeat(who, their_generation, t0),
                want,
                "{members:?} {who}"
            );
            if members.is_empty() {
                assert_eq!(g.state, GroupState::Empty);
                assert!(g.members.is_empty() && g.pending.is_empty());
                continue;
            }
            assert_eq!(g.state, GroupState::Stable);
            assert_eq!(g.leader.as_deref(), Some(members[0]));
            assert_eq!(g.protocol.as_deref(), Some("range"));
            // A member rejoining with its id keeps it and gets its assignment back
            // from the leader's next sync.
            assert_eq!(g.members[who_or_first(members, who)].assignment.len(), 1);
            assert_eq!(g.check_commit(members[0], generation, t0), Ok(()));
            // Members that never come back expire after their session.
            assert!(g.expired_members(t0 + Duration::from_secs(5)).is_empty());
            assert_eq!(
                g.expired_members(t0 + Duration::from_secs(11)).len(),
                members.len()
            );
        }
    }

    fn who_or_first<'a>(members: &[&'a str], who: &'a str) -> &'a str {
        if members.contains(&who) {
            who
        } else {
            members[0]
        }
    }

    #[test]
    fn errors_for_stale_and_unknown_members() {
        let t0 = Instant::now();
        let mut g = Group::new("g");
        let a = join_new(&mut g, "a", t0);
        g.try_complete_join(t0 + Duration::from_secs(1)).unwrap();
        assert_eq!(
            g.heartbeat("nobody", 1, t0),
            ResponseError::UnknownMemberId.code()
        );
        assert_eq!(
            g.heartbeat(&a, 0, t0),
            ResponseError::IllegalGeneration.code()
        );
        assert_eq!(
            g.check_commit(&a, 0, t0),
            Err(ResponseError::IllegalGeneration)
        );
        assert_eq!(
            g.check_commit(&a, 1, t0),
            Err(ResponseError::RebalanceInProgress)
        );
        match g.join(args("ghost", "range"), "x".into(), t0, &cfg()) {
            JoinDecision::Respond(o) => assert_eq!(o.error, ResponseError::UnknownMemberId.code()),
            d => panic!("{d:?}"),
        }
        let mut bad = args("", "range");
        bad.session_timeout = Duration::from_millis(10);
        match g.join(bad, "y".into(), t0, &cfg()) {
            JoinDecision::Respond(o) => {
                assert_eq!(o.error, ResponseError::InvalidSessionTimeout.code())
            }
            d => panic!("{d:?}"),
        }
        let mut other = args("", "roundrobin");
        other.require_known_member_id = false;
        match g.join(other, "z".into(), t0, &cfg()) {
            JoinDecision::Respond(o) => {
                assert_eq!(o.error, ResponseError::InconsistentGroupProtocol.code())
            }
            d => panic!("{d:?}"),
        }
    }

    #[test]
    fn leave_and_expiry_rebalance_the_rest() {
        let t0 = Instant::now();
        let mut g = Group::new("g");
        let a = join_new(&mut g, "a", t0);
        let b = join_new(&mut g, "b", t0);
        g.try_complete_join(t0 + Duration::from_secs(1)).unwrap();
        let leader = g.leader.clone().unwrap();
        g.sync(&leader, 1, vec![], t0);
        assert_eq!(g.state, GroupState::Stable);
        assert!(g.remove_member(&b, t0, &cfg()));
        assert_eq!(g.state, GroupState::PreparingRebalance);
        assert_eq!(
            g.heartbeat(&a, 1, t0),
            ResponseError::RebalanceInProgress.code()
        );
        assert_eq!(
            g.join(args(&a, "range"), "-".into(), t0, &cfg()),
            JoinDecision::Wait {
                member_id: a.clone()
            }
        );
        let out = g.try_complete_join(t0).unwrap();
        assert_eq!((out.len(), g.generation_id), (1, 2));
        assert_eq!(g.leader.as_deref(), Some(a.as_str()));
        // Silence past the session timeout expires the member.
        let later = t0 + Duration::from_secs(11);
        assert_eq!(g.expired_members(later), vec![a.clone()]);
        g.remove_member(&a, later, &cfg());
        assert_eq!(g.state, GroupState::Empty);
        assert_eq!(g.check_commit("", -1, later), Ok(()));
    }

    #[test]
    fn a_static_member_that_restarts_keeps_its_place_without_a_rebalance() {
        let t0 = Instant::now();
        let mut g = Group::new("g");
        let mut s = args("", "range");
        s.group_instance_id = Some("host-1".into());
        s.require_known_member_id = false;
        assert!(matches!(
            g.join(s.clone(), "first".into(), t0, &cfg()),
            JoinDecision::Wait { .. }
        ));
        let b = join_new(&mut g, "b", t0);
        g.try_complete_join(t0 + Duration::from_secs(1)).unwrap();
        let leader = g.leader.clone().unwrap();
        g.sync(
            &leader,
            1,
            vec![("first".into(), Bytes::from_static(b"P"))],
            t0,
        );
        assert_eq!(g.state, GroupState::Stable);
        // The process restarts: same instance id, no member id.
        match g.join(s, "second".into(), t0, &cfg()) {
            JoinDecision::Respond(o) => assert_eq!(
                (o.error, o.generation_id, o.member_id.as_str()),
                (0, 1, "second")
            ),
            d => panic!("{d:?}"),
        }
        assert_eq!(g.state, GroupState::Stable, "no rebalance");
        assert!(!g.members.contains_key("first"));
        assert_eq!(g.members["second"].assignment, Bytes::from_static(b"P"));
        assert_eq!(g.heartbeat("second", 1, t0), 0);
        assert_eq!(g.heartbeat(&b, 1, t0), 0);
    }

    #[test]
    fn a_straggler_is_dropped_at_the_rebalance_deadline() {
        let t0 = Instant::now();
        let mut g = Group::new("g");
        let a = join_new(&mut g, "a", t0);
        let b = join_new(&mut g, "b", t0);
        g.try_complete_join(t0 + Duration::from_secs(1)).unwrap();
        let leader = g.leader.clone().unwrap();
        g.sync(&leader, 1, vec![], t0);
        // A new member triggers a rebalance; b never rejoins.
        let c = join_new(&mut g, "c", t0);
        g.join(args(&a, "range"), "-".into(), t0, &cfg());
        assert!(g.try_complete_join(t0 + Duration::from_secs(5)).is_none());
        let out = g.try_complete_join(t0 + Duration::from_secs(31)).unwrap();
        let ids: Vec<&str> = out.iter().map(|o| o.member_id.as_str()).collect();
        assert_eq!(ids, vec![a.as_str(), c.as_str()]);
        assert!(!g.members.contains_key(&b));
    }
}
