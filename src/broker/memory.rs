//! The node-wide budget of request bytes read and not yet answered
//! (`queued.max.request.bytes`). Unlike a fair semaphore, a request waiting for a
//! large reservation does not hold up smaller ones behind it: a few connections
//! announcing huge frames must not stop everyone else's small requests (Kafka's
//! memory pool is not fair either). Pure bookkeeping: no I/O.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

pub struct RequestMemory {
    capacity: usize,
    used: Mutex<usize>,
    released: Notify,
}

/// Bytes reserved from a [`RequestMemory`]; given back when dropped.
pub struct Reservation {
    pool: Arc<RequestMemory>,
    bytes: usize,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        *self.pool.used.lock().expect("memory lock poisoned") -= self.bytes;
        self.pool.released.notify_waiters();
    }
}

impl RequestMemory {
    pub fn new(capacity: usize) -> Arc<RequestMemory> {
        Arc::new(RequestMemory {
            capacity,
            used: Mutex::new(0),
            released: Notify::new(),
        })
    }

    fn try_reserve(self: &Arc<Self>, bytes: usize) -> Option<Reservation> {
        let mut used = self.used.lock().expect("memory lock poisoned");
        (*used + bytes <= self.capacity).then(|| {
            *used += bytes;
            Reservation {
                pool: self.clone(),
                bytes,
            }
        })
    }

    /// Wait until `bytes` fit (at most the capacity; larger asks are capped to it,
    /// since the frame size limit already bounds them).
    pub async fn reserve(self: &Arc<Self>, bytes: usize) -> Reservation {
        let bytes = bytes.min(self.capacity);
        loop {
            // Register for a release before looking, so none is missed.
            let released = self.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            if let Some(r) = self.try_reserve(bytes) {
                return r;
            }
            released.await;
        }
    }

    pub fn used(&self) -> usize {
        *self.used.lock().expect("memory lock poisoned")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_large_waiter_does_not_block_small_ones() {
        let pool = RequestMemory::new(100);
        let a = pool.reserve(60).await;
        let big = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.reserve(90).await })
        };
        tokio::task::yield_now().await;
        // 40 bytes are free: a small request gets them although the big one waits.
        let small = tokio::time::timeout(Duration::from_secs(1), pool.reserve(30))
            .await
            .expect("not blocked behind the large waiter");
        assert_eq!(pool.used(), 90);
        drop(small);
        assert!(!big.is_finished());
        drop(a);
        let big = tokio::time::timeout(Duration::from_secs(1), big)
            .await
            .expect("woken by the releases")
            .unwrap();
        assert_eq!(pool.used(), 90);
        drop(big);
        assert_eq!(pool.used(), 0);
    }
}
