//! The replication work a node does on its own, as tasks of the replica manager:
//! ISR changes (shrink after `replica.lag.time.max.ms`, expansion as soon as a
//! follower catches up) committed through the controller, high-watermark
//! checkpoints, and retention. The decisions are `isr`'s and the partition's; these
//! loops only drive them, and keep file I/O on blocking threads.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::manager::ReplicaManager;
use crate::controller::Controller;

pub(super) fn spawn(
    manager: Arc<ReplicaManager>,
    controller: Arc<Controller>,
) -> Vec<JoinHandle<()>> {
    let s = manager.settings.clone();
    vec![
        tokio::spawn(isr_loop(
            manager.clone(),
            controller,
            s.replica_lag_time_max,
        )),
        tokio::spawn(every_blocking(
            manager.clone(),
            s.high_watermark_checkpoint_interval,
            checkpoint_all,
        )),
        tokio::spawn(every_blocking(
            manager,
            s.retention_check_interval,
            apply_retention,
        )),
    ]
}

/// Leaders ask the controller for the ISR their followers' positions call for:
/// every half lag window (shrink), and at once when a follower catches up (expand).
async fn isr_loop(manager: Arc<ReplicaManager>, controller: Arc<Controller>, max_lag: Duration) {
    let mut tick = tokio::time::interval((max_lag / 2).max(Duration::from_millis(250)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = manager.isr_wakeup.notified() => {}
        }
        for p in manager.all() {
            let Some(change) = p.propose_isr_change(max_lag) else {
                continue;
            };
            info!(partition = %p.tp, isr = ?change.isr, leader_epoch = change.leader_epoch, "asking the controller for an ISR change");
            if let Err(e) = controller
                .alter_isr(&p.tp.topic, p.tp.partition, change.leader_epoch, change.isr)
                .await
            {
                warn!(partition = %p.tp, error = %e, "ISR change not committed");
                p.isr_change_failed();
            }
        }
    }
}

/// Run `work` over the manager on a blocking thread every `every` (first after one
/// full interval): it does file I/O.
async fn every_blocking(manager: Arc<ReplicaManager>, every: Duration, work: fn(&ReplicaManager)) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let m = manager.clone();
        let _ = tokio::task::spawn_blocking(move || work(&m)).await;
    }
}

/// Checkpoint every partition's high watermark, so a restarted replica does not
/// take its unreplicated tail for committed data.
fn checkpoint_all(manager: &ReplicaManager) {
    for p in manager.all() {
        if let Err(e) = p.checkpoint_high_watermark() {
            warn!(partition = %p.tp, error = %e, "cannot checkpoint the high watermark");
        }
    }
}

/// Delete whole segments past `retention.ms` / `retention.bytes`.
fn apply_retention(manager: &ReplicaManager) {
    let now_ms = crate::protocol::now_ms();
    for p in manager.all() {
        match p.apply_retention(now_ms) {
            Ok(0) => {}
            Ok(n) => info!(partition = %p.tp, segments = n, "retention deleted segments"),
            Err(e) => warn!(partition = %p.tp, error = %e, "retention failed"),
        }
    }
}
