//! The transaction state machine of one transactional id (Kafka's
//! TransactionMetadata and the coordinator's decisions): what InitProducerId,
//! AddPartitionsToTxn/AddOffsetsToTxn, EndTxn, marker completion and the timeout
//! sweep do to a transaction, or which error they get. Pure: the runtime in
//! `coordinator.rs` persists each new state before it takes effect and sends the
//! markers.

use std::collections::BTreeSet;

use kafka_protocol::error::ResponseError;

use crate::protocol::TopicPartition;

/// Kafka's transaction states, with the ids written to `__transaction_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TxnState {
    Empty = 0,
    Ongoing = 1,
    PrepareCommit = 2,
    PrepareAbort = 3,
    CompleteCommit = 4,
    CompleteAbort = 5,
    Dead = 6,
    PrepareEpochFence = 7,
}

impl TxnState {
    pub fn from_id(id: i8) -> Option<TxnState> {
        use TxnState::*;
        Some(match id {
            0 => Empty,
            1 => Ongoing,
            2 => PrepareCommit,
            3 => PrepareAbort,
            4 => CompleteCommit,
            5 => CompleteAbort,
            6 => Dead,
            7 => PrepareEpochFence,
            _ => return None,
        })
    }

    /// The name DescribeTransactions and ListTransactions use.
    pub fn name(self) -> &'static str {
        use TxnState::*;
        match self {
            Empty => "Empty",
            Ongoing => "Ongoing",
            PrepareCommit => "PrepareCommit",
            PrepareAbort => "PrepareAbort",
            CompleteCommit => "CompleteCommit",
            CompleteAbort => "CompleteAbort",
            Dead => "Dead",
            PrepareEpochFence => "PrepareEpochFence",
        }
    }

    pub fn from_name(name: &str) -> Option<TxnState> {
        (0..=7)
            .filter_map(TxnState::from_id)
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }

    /// Waiting for its markers to be written.
    pub fn is_preparing(self) -> bool {
        matches!(
            self,
            TxnState::PrepareCommit | TxnState::PrepareAbort | TxnState::PrepareEpochFence
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnMetadata {
    pub transactional_id: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// The epoch before the last bump, so that a producer retrying its
    /// InitProducerId gets the same answer (KIP-360). Kept in memory only, as Kafka's
    /// v0 records do; -1 when unknown, and after a fence.
    pub last_producer_epoch: i16,
    pub timeout_ms: i32,
    pub state: TxnState,
    pub partitions: BTreeSet<TopicPartition>,
    /// When the current transaction started; -1 when none is open.
    pub start_ms: i64,
    pub last_update_ms: i64,
}

/// The largest epoch handed out before a producer id is replaced (Kafka keeps
/// Short.MAX_VALUE for a fencing bump).
const EPOCH_MAX: i16 = i16::MAX - 1;

/// InitProducerId's request, as the state machine needs it.
#[derive(Debug, Clone, Copy)]
pub struct InitArgs {
    pub timeout_ms: i32,
    /// `transaction.max.timeout.ms`
    pub max_timeout_ms: i32,
    /// The producer id and epoch the client already has (v3+), -1 when none.
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub now_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitDecision {
    /// A fresh producer id is needed: decide again with one.
    NeedProducerId,
    /// Persist this state, then answer with its id and epoch.
    Write(TxnMetadata),
    /// Answer with this id and epoch; nothing changes (a retried request).
    Reply(i64, i16),
    /// The previous producer's transaction is still open: persist this
    /// (PrepareAbort under a bumped epoch, which fences that producer), write the
    /// abort markers, and answer CONCURRENT_TRANSACTIONS so the client retries.
    FenceAndAbort(TxnMetadata),
}

impl TxnMetadata {
    /// The epoch bump that fences the current producer (an open transaction is
    /// aborted under it); the previous epoch is forgotten, so the fenced producer
    /// cannot claim it.
    fn fenced(&self) -> TxnMetadata {
        let mut next = self.bumped(None).unwrap_or_else(|_| self.clone());
        next.last_producer_epoch = -1;
        next
    }

    /// A bumped copy: the same state with a new epoch (or a new producer id once
    /// the epochs are used up).
    fn bumped(&self, new_producer_id: Option<i64>) -> Result<TxnMetadata, i64> {
        let mut next = self.clone();
        if self.producer_epoch >= EPOCH_MAX {
            let Some(pid) = new_producer_id else {
                return Err(self.producer_id);
            };
            next.producer_id = pid;
            next.producer_epoch = 0;
            next.last_producer_epoch = -1;
        } else {
            next.producer_epoch = self.producer_epoch + 1;
            next.last_producer_epoch = self.producer_epoch;
        }
        Ok(next)
    }

    fn into_state(mut self, state: TxnState, now_ms: i64) -> TxnMetadata {
        self.state = state;
        self.last_update_ms = now_ms;
        if matches!(
            state,
            TxnState::Empty | TxnState::CompleteCommit | TxnState::CompleteAbort
        ) {
            self.partitions.clear();
            self.start_ms = -1;
        }
        self
    }
}

/// InitProducerId with a transactional id.
pub fn init_producer_id(
    current: Option<&TxnMetadata>,
    transactional_id: &str,
    args: &InitArgs,
    new_producer_id: Option<i64>,
) -> Result<InitDecision, ResponseError> {
    if args.timeout_ms <= 0 || args.timeout_ms > args.max_timeout_ms {
        return Err(ResponseError::InvalidTransactionTimeout);
    }
    let Some(m) = current else {
        let Some(pid) = new_producer_id else {
            return Ok(InitDecision::NeedProducerId);
        };
        return Ok(InitDecision::Write(TxnMetadata {
            transactional_id: transactional_id.to_string(),
            producer_id: pid,
            producer_epoch: 0,
            last_producer_epoch: -1,
            timeout_ms: args.timeout_ms,
            state: TxnState::Empty,
            partitions: BTreeSet::new(),
            start_ms: -1,
            last_update_ms: args.now_ms,
        }));
    };
    if args.producer_id >= 0 {
        // KIP-360: the client says which producer it is; only the current one, or
        // one that knows the previous epoch (a retry, or fenced by a timeout), may
        // re-initialise.
        let known = args.producer_id == m.producer_id
            && (args.producer_epoch == m.producer_epoch
                || (m.last_producer_epoch >= 0 && args.producer_epoch == m.last_producer_epoch));
        if !known {
            return Err(ResponseError::ProducerFenced);
        }
        if args.producer_epoch == m.last_producer_epoch
            && matches!(
                m.state,
                TxnState::Empty | TxnState::CompleteCommit | TxnState::CompleteAbort
            )
        {
            return Ok(InitDecision::Reply(m.producer_id, m.producer_epoch));
        }
    }
    match m.state {
        TxnState::PrepareCommit | TxnState::PrepareAbort | TxnState::PrepareEpochFence => {
            Err(ResponseError::ConcurrentTransactions)
        }
        TxnState::Ongoing => {
            // Fence the old producer and abort what it left open (Kafka's
            // PrepareEpochFence); its epoch may be exhausted, then the markers carry
            // the same epoch and the next init replaces the producer id.
            Ok(InitDecision::FenceAndAbort(
                m.fenced().into_state(TxnState::PrepareAbort, args.now_ms),
            ))
        }
        TxnState::Empty | TxnState::CompleteCommit | TxnState::CompleteAbort | TxnState::Dead => {
            match m.bumped(new_producer_id) {
                Err(_) => Ok(InitDecision::NeedProducerId),
                Ok(mut next) => {
                    next.timeout_ms = args.timeout_ms;
                    Ok(InitDecision::Write(
                        next.into_state(TxnState::Empty, args.now_ms),
                    ))
                }
            }
        }
    }
}

/// Which producer and epoch a request claims to be.
fn check_producer(
    current: Option<&TxnMetadata>,
    producer_id: i64,
    producer_epoch: i16,
) -> Result<&TxnMetadata, ResponseError> {
    let m = current.ok_or(ResponseError::InvalidProducerIdMapping)?;
    if m.producer_id != producer_id {
        return Err(ResponseError::InvalidProducerIdMapping);
    }
    if m.producer_epoch != producer_epoch {
        return Err(ResponseError::ProducerFenced);
    }
    Ok(m)
}

/// AddPartitionsToTxn / AddOffsetsToTxn: None when every partition is already in
/// the open transaction (nothing to write).
pub fn add_partitions(
    current: Option<&TxnMetadata>,
    producer_id: i64,
    producer_epoch: i16,
    partitions: &[TopicPartition],
    now_ms: i64,
) -> Result<Option<TxnMetadata>, ResponseError> {
    let m = check_producer(current, producer_id, producer_epoch)?;
    match m.state {
        TxnState::PrepareCommit | TxnState::PrepareAbort | TxnState::PrepareEpochFence => {
            return Err(ResponseError::ConcurrentTransactions)
        }
        TxnState::Dead => return Err(ResponseError::InvalidTxnState),
        TxnState::Ongoing if partitions.iter().all(|p| m.partitions.contains(p)) => {
            return Ok(None)
        }
        _ => {}
    }
    let mut next = m.clone();
    if m.state != TxnState::Ongoing {
        next.start_ms = now_ms;
    }
    next.partitions.extend(partitions.iter().cloned());
    next.state = TxnState::Ongoing;
    next.last_update_ms = now_ms;
    Ok(Some(next))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndDecision {
    /// Already ended this way (a retried EndTxn): answer success.
    Done,
    /// Persist this Prepare state, answer, then write the markers.
    Prepare(TxnMetadata),
}

/// EndTxn: commit (`commit`) or abort the open transaction.
pub fn end_txn(
    current: Option<&TxnMetadata>,
    producer_id: i64,
    producer_epoch: i16,
    commit: bool,
    now_ms: i64,
) -> Result<EndDecision, ResponseError> {
    let m = check_producer(current, producer_id, producer_epoch)?;
    use TxnState::*;
    match (m.state, commit) {
        (Ongoing, _) => Ok(EndDecision::Prepare(
            m.clone()
                .into_state(if commit { PrepareCommit } else { PrepareAbort }, now_ms),
        )),
        (CompleteCommit, true) | (CompleteAbort, false) => Ok(EndDecision::Done),
        (PrepareCommit, true) | (PrepareAbort, false) => Err(ResponseError::ConcurrentTransactions),
        (PrepareEpochFence, _) => Err(ResponseError::ConcurrentTransactions),
        _ => Err(ResponseError::InvalidTxnState),
    }
}

/// Every marker is written: the transaction is complete. None unless it is
/// preparing.
pub fn complete(m: &TxnMetadata, now_ms: i64) -> Option<TxnMetadata> {
    let state = match m.state {
        TxnState::PrepareCommit => TxnState::CompleteCommit,
        TxnState::PrepareAbort | TxnState::PrepareEpochFence => TxnState::CompleteAbort,
        _ => return None,
    };
    Some(m.clone().into_state(state, now_ms))
}

/// The timeout sweep: an open transaction older than its timeout is aborted under
/// a bumped epoch, so its producer cannot add to it any more.
pub fn expire(m: &TxnMetadata, now_ms: i64) -> Option<TxnMetadata> {
    if m.state != TxnState::Ongoing || now_ms < m.start_ms.saturating_add(m.timeout_ms as i64) {
        return None;
    }
    Some(m.fenced().into_state(TxnState::PrepareAbort, now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;

    fn args() -> InitArgs {
        InitArgs {
            timeout_ms: 60_000,
            max_timeout_ms: 900_000,
            producer_id: -1,
            producer_epoch: -1,
            now_ms: NOW,
        }
    }

    fn meta(state: TxnState, epoch: i16) -> TxnMetadata {
        TxnMetadata {
            transactional_id: "t".into(),
            producer_id: 42,
            producer_epoch: epoch,
            last_producer_epoch: epoch - 1,
            timeout_ms: 60_000,
            state,
            partitions: if state == TxnState::Empty || state == TxnState::CompleteCommit {
                BTreeSet::new()
            } else {
                [TopicPartition::new("a", 0)].into()
            },
            start_ms: 10,
            last_update_ms: 10,
        }
    }

    /// (state, epoch, outcome: the epoch written, None for a fence, or the error)
    type InitCase = (TxnState, i16, Result<Option<i16>, ResponseError>);
    /// (state, commit, outcome: the Prepare state written, None for done, or the error)
    type EndCase = (TxnState, bool, Result<Option<TxnState>, ResponseError>);

    #[test]
    fn init_producer_id_by_state() {
        use InitDecision as D;
        use TxnState::*;
        let first = init_producer_id(None, "t", &args(), None).unwrap();
        assert_eq!(first, D::NeedProducerId);
        match init_producer_id(None, "t", &args(), Some(7)).unwrap() {
            D::Write(m) => {
                assert_eq!((m.producer_id, m.producer_epoch, m.state), (7, 0, Empty))
            }
            other => panic!("{other:?}"),
        }
        let cases: &[InitCase] = &[
            (Empty, 3, Ok(Some(4))),
            (CompleteCommit, 3, Ok(Some(4))),
            (CompleteAbort, 3, Ok(Some(4))),
            (Ongoing, 3, Ok(None)),
            (PrepareCommit, 3, Err(ResponseError::ConcurrentTransactions)),
            (PrepareAbort, 3, Err(ResponseError::ConcurrentTransactions)),
            (
                PrepareEpochFence,
                3,
                Err(ResponseError::ConcurrentTransactions),
            ),
        ];
        for (state, epoch, want) in cases {
            let m = meta(*state, *epoch);
            let got = init_producer_id(Some(&m), "t", &args(), None);
            match (got, want) {
                (Ok(D::Write(n)), Ok(Some(e))) => {
                    assert_eq!(n.producer_epoch, *e, "{state:?}");
                    assert_eq!(n.state, Empty);
                    assert!(n.partitions.is_empty());
                }
                (Ok(D::FenceAndAbort(n)), Ok(None)) => {
                    assert_eq!(n.producer_epoch, epoch + 1, "fenced");
                    assert_eq!(n.state, PrepareAbort);
                    assert_eq!(n.partitions, m.partitions, "markers go to every partition");
                }
                (Err(code), Err(w)) => assert_eq!(code, *w, "{state:?}"),
                (got, want) => panic!("{state:?}: got {got:?}, want {want:?}"),
            }
        }
        // Exhausted epochs: a new producer id.
        let m = meta(CompleteCommit, EPOCH_MAX);
        assert_eq!(
            init_producer_id(Some(&m), "t", &args(), None).unwrap(),
            D::NeedProducerId
        );
        match init_producer_id(Some(&m), "t", &args(), Some(99)).unwrap() {
            D::Write(n) => assert_eq!((n.producer_id, n.producer_epoch), (99, 0)),
            other => panic!("{other:?}"),
        }
        // Bad timeouts.
        for t in [0, -1, 900_001] {
            let a = InitArgs {
                timeout_ms: t,
                ..args()
            };
            assert_eq!(
                init_producer_id(None, "t", &a, None),
                Err(ResponseError::InvalidTransactionTimeout)
            );
        }
    }

    #[test]
    fn init_with_a_known_producer_kip_360() {
        let m = meta(TxnState::Empty, 5);
        let with = |pid, epoch| InitArgs {
            producer_id: pid,
            producer_epoch: epoch,
            ..args()
        };
        // The current epoch bumps; the previous one is a retry of that bump.
        assert!(matches!(
            init_producer_id(Some(&m), "t", &with(42, 5), None),
            Ok(InitDecision::Write(n)) if n.producer_epoch == 6
        ));
        assert_eq!(
            init_producer_id(Some(&m), "t", &with(42, 4), None),
            Ok(InitDecision::Reply(42, 5))
        );
        assert_eq!(
            init_producer_id(Some(&m), "t", &with(42, 3), None),
            Err(ResponseError::ProducerFenced)
        );
        assert_eq!(
            init_producer_id(Some(&m), "t", &with(41, 5), None),
            Err(ResponseError::ProducerFenced)
        );
        // Fenced by a timeout (CompleteAbort at 6, the old epoch forgotten): the
        // producer at 5 stays fenced; a new one (no id) gets 7.
        let timed_out = TxnMetadata {
            state: TxnState::CompleteAbort,
            producer_epoch: 6,
            last_producer_epoch: -1,
            ..m
        };
        assert_eq!(
            init_producer_id(Some(&timed_out), "t", &with(42, 5), None),
            Err(ResponseError::ProducerFenced)
        );
        assert!(matches!(
            init_producer_id(Some(&timed_out), "t", &args(), None),
            Ok(InitDecision::Write(n)) if n.producer_epoch == 7
        ));
    }

    #[test]
    fn add_partitions_and_end_txn_by_state() {
        use TxnState::*;
        let tp = |p| TopicPartition::new("a", p);
        let empty = meta(Empty, 2);
        let next = add_partitions(Some(&empty), 42, 2, &[tp(0), tp(1)], NOW)
            .unwrap()
            .unwrap();
        assert_eq!(next.state, Ongoing);
        assert_eq!(next.start_ms, NOW);
        assert_eq!(next.partitions.len(), 2);
        assert_eq!(
            add_partitions(Some(&next), 42, 2, &[tp(1)], NOW + 5),
            Ok(None),
            "already in"
        );
        let more = add_partitions(Some(&next), 42, 2, &[tp(2)], NOW + 5)
            .unwrap()
            .unwrap();
        assert_eq!(more.start_ms, NOW, "the transaction's start stays");
        assert_eq!(
            add_partitions(None, 42, 2, &[tp(0)], NOW),
            Err(ResponseError::InvalidProducerIdMapping)
        );
        assert_eq!(
            add_partitions(Some(&next), 43, 2, &[tp(0)], NOW),
            Err(ResponseError::InvalidProducerIdMapping)
        );
        assert_eq!(
            add_partitions(Some(&next), 42, 1, &[tp(0)], NOW),
            Err(ResponseError::ProducerFenced)
        );
        assert_eq!(
            add_partitions(Some(&meta(PrepareCommit, 2)), 42, 2, &[tp(0)], NOW),
            Err(ResponseError::ConcurrentTransactions)
        );

        let cases: &[EndCase] = &[
            (Ongoing, true, Ok(Some(PrepareCommit))),
            (Ongoing, false, Ok(Some(PrepareAbort))),
            (CompleteCommit, true, Ok(None)),
            (CompleteAbort, false, Ok(None)),
            (CompleteCommit, false, Err(ResponseError::InvalidTxnState)),
            (CompleteAbort, true, Err(ResponseError::InvalidTxnState)),
            (
                PrepareCommit,
                true,
                Err(ResponseError::ConcurrentTransactions),
            ),
            (PrepareCommit, false, Err(ResponseError::InvalidTxnState)),
            (
                PrepareAbort,
                false,
                Err(ResponseError::ConcurrentTransactions),
            ),
            (Empty, true, Err(ResponseError::InvalidTxnState)),
        ];
        for (state, commit, want) in cases {
            let m = meta(*state, 2);
            let got = end_txn(Some(&m), 42, 2, *commit, NOW);
            match (got, want) {
                (Ok(EndDecision::Prepare(n)), Ok(Some(s))) => {
                    assert_eq!(n.state, *s);
                    assert_eq!(n.partitions, m.partitions);
                }
                (Ok(EndDecision::Done), Ok(None)) => {}
                (Err(e), Err(w)) => assert_eq!(e, *w, "{state:?} {commit}"),
                (got, want) => panic!("{state:?} {commit}: got {got:?}, want {want:?}"),
            }
        }
        assert_eq!(
            end_txn(Some(&meta(Ongoing, 2)), 42, 3, true, NOW),
            Err(ResponseError::ProducerFenced)
        );
    }

    #[test]
    fn completion_and_timeouts() {
        use TxnState::*;
        let prepared = meta(PrepareCommit, 2);
        let done = complete(&prepared, NOW).unwrap();
        assert_eq!(done.state, CompleteCommit);
        assert!(done.partitions.is_empty());
        assert_eq!(done.start_ms, -1);
        assert_eq!(
            complete(&meta(PrepareAbort, 2), NOW).unwrap().state,
            CompleteAbort
        );
        assert_eq!(complete(&meta(Ongoing, 2), NOW), None);

        let open = TxnMetadata {
            start_ms: NOW,
            ..meta(Ongoing, 2)
        };
        assert_eq!(expire(&open, NOW + 59_999), None);
        let aborted = expire(&open, NOW + 60_000).unwrap();
        assert_eq!(aborted.state, PrepareAbort);
        assert_eq!(
            aborted.producer_epoch, 3,
            "the timed-out producer is fenced"
        );
        assert_eq!(aborted.last_producer_epoch, -1);
        assert_eq!(expire(&meta(Empty, 2), NOW + 10_000_000), None);
    }

    #[test]
    fn state_names_round_trip() {
        for id in 0..=7 {
            let s = TxnState::from_id(id).unwrap();
            assert_eq!(s as i8, id);
            assert_eq!(TxnState::from_name(s.name()), Some(s));
        }
        assert_eq!(TxnState::from_id(8), None);
    }
}
