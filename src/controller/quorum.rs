//! Starting a metadata quorum member: the Raft node with its log store and state
//! machine, and the internal port that serves quorum traffic. A node whose log is
//! empty proposes the initial membership (every voter does; Raft keeps the first).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use openraft::{BasicNode, Config, SnapshotPolicy};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::info;

use super::image::MetadataImage;
use super::network::{self, Heartbeats, Network, QuorumSecurity};
use super::raft::{LogStore, MetadataRaft, NodeId, StateMachine};

#[derive(Debug, thiserror::Error)]
pub enum QuorumError {
    #[error("cannot open the metadata log in {dir}: {source}")]
    Log {
        dir: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid quorum settings: {0}")]
    Config(String),
    #[error("the metadata quorum failed to start: {0}")]
    Raft(String),
}

/// Timing: a few seconds to fail over, as the workshop wants.
fn raft_config() -> Result<Arc<Config>, QuorumError> {
    let config = Config {
        cluster_name: "kw".into(),
        heartbeat_interval: 250,
        election_timeout_min: 1000,
        election_timeout_max: 2000,
        // The state machine rebuilds from the log on start; the metadata log stays small.
        snapshot_policy: SnapshotPolicy::Never,
        ..Default::default()
    };
    Ok(Arc::new(
        config
            .validate()
            .map_err(|e| QuorumError::Config(e.to_string()))?,
    ))
}

pub struct QuorumMember {
    pub raft: MetadataRaft,
    pub state_machine: StateMachine,
    pub heartbeats: Arc<Heartbeats>,
    pub security: QuorumSecurity,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for QuorumMember {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl QuorumMember {
    /// Start voter `node_id` with its data in `dir`, serving quorum traffic on
    /// `listener`. `voters` maps every voter id to its internal address.
    pub async fn start(
        node_id: NodeId,
        dir: &Path,
        listener: TcpListener,
        voters: &BTreeMap<NodeId, String>,
        security: QuorumSecurity,
        base: MetadataImage,
    ) -> Result<(QuorumMember, watch::Receiver<Arc<MetadataImage>>), QuorumError> {
        let log = LogStore::open(&dir.join("raft")).map_err(|source| QuorumError::Log {
            dir: dir.display().to_string(),
            source,
        })?;
        let (state_machine, images) = StateMachine::new(base);
        let raft = MetadataRaft::new(
            node_id,
            raft_config()?,
            Network(security.clone()),
            log,
            state_machine.clone(),
        )
        .await
        .map_err(|e| QuorumError::Raft(e.to_string()))?;
        let heartbeats = Arc::new(Heartbeats::default());
        let server = tokio::spawn(network::serve(
            listener,
            raft.clone(),
            heartbeats.clone(),
            security.clone(),
        ));
        let initialized = raft
            .is_initialized()
            .await
            .map_err(|e| QuorumError::Raft(e.to_string()))?;
        if initialized {
            // A data directory from another cluster (or from a lone `kw serve`) would
            // silently form a second quorum: refuse it.
            let stored: BTreeMap<NodeId, String> = {
                let metrics = raft.metrics();
                let m = metrics.borrow();
                m.membership_config
                    .membership()
                    .nodes()
                    .map(|(id, n)| (*id, n.addr.clone()))
                    .collect()
            };
            let same_ids = stored.keys().eq(voters.keys());
            // A lone node's quorum port is private and changes on every start.
            let same_addrs = voters.len() == 1 || stored == *voters;
            if !(stored.is_empty() || same_ids && same_addrs) {
                let _ = raft.shutdown().await;
                let show = |m: &BTreeMap<NodeId, String>| {
                    m.iter()
                        .map(|(id, a)| format!("{id}@{a}"))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                return Err(QuorumError::Config(format!(
                    "the metadata log in {} belongs to a cluster with voters {}, not {}; use another --data-dir (or delete this one)",
                    dir.display(),
                    show(&stored),
                    show(voters)
                )));
            }
        } else {
            let members: BTreeMap<NodeId, BasicNode> = voters
                .iter()
                .map(|(id, addr)| (*id, BasicNode { addr: addr.clone() }))
                .collect();
            // Several voters may propose at once; all but the first are refused harmlessly.
            if let Err(e) = raft.initialize(members).await {
                info!(error = %e, "metadata quorum already initialized elsewhere");
            }
        }
        Ok((
            QuorumMember {
                raft,
                state_machine,
                heartbeats,
                security,
                server,
            },
            images,
        ))
    }

    /// Stop serving quorum traffic (on shutdown, after Raft stopped).
    pub fn stop_serving(&self) {
        self.server.abort();
    }

    /// The current metadata leader, if one is known.
    pub async fn leader(&self) -> Option<NodeId> {
        self.raft.current_leader().await
    }

    /// The internal address of voter `id`, from the committed membership.
    pub fn voter_addr(&self, id: NodeId) -> Option<String> {
        let metrics = self.raft.metrics();
        let m = metrics.borrow();
        m.membership_config
            .membership()
            .get_node(&id)
            .map(|n| n.addr.clone())
    }

    pub async fn shutdown(self) {
        let _ = self.raft.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::controller::records::MetadataRecord;

    async fn wait_for<F: FnMut() -> bool>(what: &str, mut f: F) {
        let start = Instant::now();
        while !f() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting until {what}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn topic(name: &str) -> MetadataRecord {
        MetadataRecord::CreateTopic {
            name: name.into(),
            topic_id: uuid::Uuid::new_v4().to_string(),
            assignments: vec![vec![1, 2, 3]],
            configs: Default::default(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn three_voters_agree_fail_over_and_catch_up() {
        let tmp = tempfile::tempdir().unwrap();
        let mut listeners = BTreeMap::new();
        let mut voters = BTreeMap::new();
        for id in 1..=3u64 {
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            voters.insert(id, l.local_addr().unwrap().to_string());
            listeners.insert(id, l);
        }
        let mut members = BTreeMap::new();
        let mut images = BTreeMap::new();
        for (id, l) in std::mem::take(&mut listeners) {
            let (m, rx) = QuorumMember::start(
                id,
                &tmp.path().join(format!("n{id}")),
                l,
                &voters,
                None,
                MetadataImage::default(),
            )
            .await
            .unwrap();
            members.insert(id, m);
            images.insert(id, rx);
        }
        // A write through a follower is forwarded to the leader; every voter applies it.
        let mut leader = None;
        for _ in 0..200 {
            leader = members[&1].leader().await;
            if leader.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let leader = leader.expect("a leader is elected");
        let follower = (1..=3).find(|id| *id != leader).unwrap();
        network::write(&members[&follower].raft, &None, topic("a"))
            .await
            .unwrap();
        for rx in images.values() {
            let rx = rx.clone();
            wait_for("every voter has topic a", || {
                rx.borrow().topic("a").is_some()
            })
            .await;
        }
        // The leader goes away: the others elect a new one and keep accepting writes.
        let old = members.remove(&leader).unwrap();
        old.shutdown().await;
        let survivor = *members.keys().next().unwrap();
        network::write(&members[&survivor].raft, &None, topic("b"))
            .await
            .unwrap();
        for (id, rx) in &images {
            if *id == leader {
                continue;
            }
            let rx = rx.clone();
            wait_for("the survivors have topic b", || {
                rx.borrow().topic("b").is_some()
            })
            .await;
        }
        // The old leader restarts from its log and catches up.
        let l = TcpListener::bind(&voters[&leader]).await.unwrap();
        let (back, rx) = QuorumMember::start(
            leader,
            &tmp.path().join(format!("n{leader}")),
            l,
            &voters,
            None,
            MetadataImage::default(),
        )
        .await
        .unwrap();
        wait_for("the restarted voter has both topics", || {
            let img = rx.borrow();
            img.topic("a").is_some() && img.topic("b").is_some()
        })
        .await;
        back.shutdown().await;
        for (_, m) in members {
            m.shutdown().await;
        }
    }
}
