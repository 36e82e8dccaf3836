//! Group records in `__consumer_offsets`, in Apache Kafka's layout: offset commits
//! (key version 1, value version 3) and group metadata (key version 2, value
//! version 3). A null value is a tombstone. Pure byte encoding.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::state::{CommittedOffset, Group, StoredGroup, StoredMember};

#[derive(Debug, Clone, PartialEq)]
pub enum GroupRecord {
    Offset {
        group: String,
        topic: String,
        partition: i32,
        /// None = tombstone (offset deleted)
        value: Option<CommittedOffset>,
    },
    Metadata {
        group: String,
        /// None = tombstone (group deleted)
        value: Option<GroupMetadataValue>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupMetadataValue {
    pub protocol_type: String,
    pub generation_id: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub state_timestamp: i64,
    /// (member id, instance id, client id, host, rebalance ms, session ms, subscription, assignment)
    pub members: Vec<MemberValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberValue {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub rebalance_timeout_ms: i32,
    pub session_timeout_ms: i32,
    pub subscription: Bytes,
    pub assignment: Bytes,
}

impl GroupMetadataValue {
    /// The group as the state machine restores it.
    pub fn into_stored(self) -> StoredGroup {
        let ms = |v: i32| std::time::Duration::from_millis(v.max(0) as u64);
        StoredGroup {
            protocol_type: self.protocol_type,
            generation_id: self.generation_id,
            protocol: self.protocol,
            leader: self.leader,
            members: self
                .members
                .into_iter()
                .map(|m| StoredMember {
                    member_id: m.member_id,
                    group_instance_id: m.group_instance_id,
                    client_id: m.client_id,
                    client_host: m.client_host,
                    session_timeout: ms(m.session_timeout_ms),
                    rebalance_timeout: ms(m.rebalance_timeout_ms),
                    subscription: m.subscription,
                    assignment: m.assignment,
                })
                .collect(),
        }
    }
}

fn put_str(b: &mut BytesMut, s: &str) {
    b.put_i16(s.len() as i16);
    b.put_slice(s.as_bytes());
}

fn put_opt_str(b: &mut BytesMut, s: Option<&str>) {
    match s {
        Some(s) => put_str(b, s),
        None => b.put_i16(-1),
    }
}

fn put_bytes(b: &mut BytesMut, v: &[u8]) {
    b.put_i32(v.len() as i32);
    b.put_slice(v);
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("malformed group record: {0}")]
pub struct DecodeError(&'static str);

fn get_str(b: &mut Bytes) -> Result<Option<String>, DecodeError> {
    if b.remaining() < 2 {
        return Err(DecodeError("short string length"));
    }
    let n = b.get_i16();
    if n < 0 {
        return Ok(None);
    }
    if b.remaining() < n as usize {
        return Err(DecodeError("short string"));
    }
    let s = b.split_to(n as usize);
    Ok(Some(String::from_utf8_lossy(&s).into_owned()))
}

fn get_bytes(b: &mut Bytes) -> Result<Bytes, DecodeError> {
    if b.remaining() < 4 {
        return Err(DecodeError("short bytes length"));
    }
    let n = b.get_i32();
    if n < 0 {
        return Ok(Bytes::new());
    }
    if b.remaining() < n as usize {
        return Err(DecodeError("short bytes"));
    }
    Ok(b.split_to(n as usize))
}

fn need(b: &Bytes, n: usize) -> Result<(), DecodeError> {
    if b.remaining() < n {
        Err(DecodeError("truncated value"))
    } else {
        Ok(())
    }
}

impl GroupRecord {
    /// (key, value) bytes as stored.
    pub fn encode(&self) -> (Bytes, Option<Bytes>) {
        match self {
            GroupRecord::Offset {
                group,
                topic,
                partition,
                value,
            } => {
                let mut k = BytesMut::new();
                k.put_i16(1);
                put_str(&mut k, group);
                put_str(&mut k, topic);
                k.put_i32(*partition);
                let v = value.as_ref().map(|o| {
                    let mut v = BytesMut::new();
                    v.put_i16(3);
                    v.put_i64(o.offset);
                    v.put_i32(o.leader_epoch);
                    put_str(&mut v, &o.metadata);
                    v.put_i64(o.commit_timestamp);
                    v.freeze()
                });
                (k.freeze(), v)
            }
            GroupRecord::Metadata { group, value } => {
                let mut k = BytesMut::new();
                k.put_i16(2);
                put_str(&mut k, group);
                let v = value.as_ref().map(|g| {
                    let mut v = BytesMut::new();
                    v.put_i16(3);
                    put_str(&mut v, &g.protocol_type);
                    v.put_i32(g.generation_id);
                    put_opt_str(&mut v, g.protocol.as_deref());
                    put_opt_str(&mut v, g.leader.as_deref());
                    v.put_i64(g.state_timestamp);
                    v.put_i32(g.members.len() as i32);
                    for m in &g.members {
                        put_str(&mut v, &m.member_id);
                        put_opt_str(&mut v, m.group_instance_id.as_deref());
                        put_str(&mut v, &m.client_id);
                        put_str(&mut v, &m.client_host);
                        v.put_i32(m.rebalance_timeout_ms);
                        v.put_i32(m.session_timeout_ms);
                        put_bytes(&mut v, &m.subscription);
                        put_bytes(&mut v, &m.assignment);
                    }
                    v.freeze()
                });
                (k.freeze(), v)
            }
        }
    }

    pub fn decode(key: Bytes, value: Option<Bytes>) -> Result<GroupRecord, DecodeError> {
        let mut k = key;
        need(&k, 2)?;
        let version = k.get_i16();
        let group = get_str(&mut k)?.ok_or(DecodeError("null group"))?;
        match version {
            0 | 1 => {
                let topic = get_str(&mut k)?.ok_or(DecodeError("null topic"))?;
                need(&k, 4)?;
                let partition = k.get_i32();
                let value = match value {
                    None => None,
                    Some(mut v) => {
                        need(&v, 2)?;
                        let vv = v.get_i16();
                        need(&v, 8)?;
                        let offset = v.get_i64();
                        let leader_epoch = if vv >= 3 {
                            need(&v, 4)?;
                            v.get_i32()
                        } else {
                            -1
                        };
                        let metadata = get_str(&mut v)?.unwrap_or_default();
                        need(&v, 8)?;
                        let commit_timestamp = v.get_i64();
                        Some(CommittedOffset {
                            offset,
                            leader_epoch,
                            metadata,
                            commit_timestamp,
                        })
                    }
                };
                Ok(GroupRecord::Offset {
                    group,
                    topic,
                    partition,
                    value,
                })
            }
            2 => {
                let value = match value {
                    None => None,
                    Some(mut v) => {
                        need(&v, 2)?;
                        let _version = v.get_i16();
                        let protocol_type = get_str(&mut v)?.unwrap_or_default();
                        need(&v, 4)?;
                        let generation_id = v.get_i32();
                        let protocol = get_str(&mut v)?;
                        let leader = get_str(&mut v)?;
                        need(&v, 12)?;
                        let state_timestamp = v.get_i64();
                        let n = v.get_i32().max(0) as usize;
                        let mut members = Vec::with_capacity(n.min(1024));
                        for _ in 0..n {
                            let member_id = get_str(&mut v)?.unwrap_or_default();
                            let group_instance_id = get_str(&mut v)?;
                            let client_id = get_str(&mut v)?.unwrap_or_default();
                            let client_host = get_str(&mut v)?.unwrap_or_default();
                            need(&v, 8)?;
                            let rebalance_timeout_ms = v.get_i32();
                            let session_timeout_ms = v.get_i32();
                            let subscription = get_bytes(&mut v)?;
                            let assignment = get_bytes(&mut v)?;
                            members.push(MemberValue {
                                member_id,
                                group_instance_id,
                                client_id,
                                client_host,
                                rebalance_timeout_ms,
                                session_timeout_ms,
                                subscription,
                                assignment,
                            });
                        }
                        Some(GroupMetadataValue {
                            protocol_type,
                            generation_id,
                            protocol,
                            leader,
                            state_timestamp,
                            members,
                        })
                    }
                };
                Ok(GroupRecord::Metadata { group, value })
            }
            _ => Err(DecodeError("unknown key version")),
        }
    }

    /// The metadata record describing `g` as it is now.
    pub fn metadata_of(g: &Group, now_ms: i64) -> GroupRecord {
        let protocol = g.protocol.clone().unwrap_or_default();
        GroupRecord::Metadata {
            group: g.group_id.clone(),
            value: Some(GroupMetadataValue {
                protocol_type: g.protocol_type.clone().unwrap_or_default(),
                generation_id: g.generation_id,
                protocol: g.protocol.clone(),
                leader: g.leader.clone(),
                state_timestamp: now_ms,
                members: g
                    .members
                    .values()
                    .map(|m| MemberValue {
                        member_id: m.member_id.clone(),
                        group_instance_id: m.group_instance_id.clone(),
                        client_id: m.client_id.clone(),
                        client_host: m.client_host.clone(),
                        rebalance_timeout_ms: m.rebalance_timeout.as_millis() as i32,
                        session_timeout_ms: m.session_timeout.as_millis() as i32,
                        subscription: m
                            .protocols
                            .iter()
                            .find(|(n, _)| *n == protocol)
                            .map(|(_, b)| b.clone())
                            .unwrap_or_default(),
                        assignment: m.assignment.clone(),
                    })
                    .collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_and_metadata_records_roundtrip() {
        let recs = vec![
            GroupRecord::Offset {
                group: "g".into(),
                topic: "t".into(),
                partition: 3,
                value: Some(CommittedOffset {
                    offset: 42,
                    leader_epoch: 1,
                    metadata: "m".into(),
                    commit_timestamp: 7,
                }),
            },
            GroupRecord::Offset {
                group: "g".into(),
                topic: "t".into(),
                partition: 3,
                value: None,
            },
            GroupRecord::Metadata {
                group: "g".into(),
                value: Some(GroupMetadataValue {
                    protocol_type: "consumer".into(),
                    generation_id: 5,
                    protocol: Some("range".into()),
                    leader: None,
                    state_timestamp: 9,
                    members: vec![MemberValue {
                        member_id: "m1".into(),
                        group_instance_id: None,
                        client_id: "c".into(),
                        client_host: "/h".into(),
                        rebalance_timeout_ms: 1,
                        session_timeout_ms: 2,
                        subscription: Bytes::from_static(b"s"),
                        assignment: Bytes::from_static(b"a"),
                    }],
                }),
            },
        ];
        for r in recs {
            let (k, v) = r.encode();
            assert_eq!(GroupRecord::decode(k, v).unwrap(), r);
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(GroupRecord::decode(Bytes::from_static(&[0, 1, 0]), None).is_err());
        assert!(GroupRecord::decode(Bytes::from_static(&[0, 9, 0, 0]), None).is_err());
        let (k, _) = GroupRecord::Metadata {
            group: "g".into(),
            value: None,
        }
        .encode();
        assert!(GroupRecord::decode(k, Some(Bytes::from_static(&[0, 3, 0]))).is_err());
    }
}
