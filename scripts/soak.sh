#!/usr/bin/env bash
# Fault soak: the fault test of tests/faults.rs (three nodes in network namespaces
# of their own, an idempotent acks=all producer and a consumer group, rounds of
# partitions, one-way cuts, slow and lossy links, pauses, full disks and kill -9,
# then Jepsen-style checks) for ROUNDS rounds instead of CI's 10. Prints each round,
# the checker's summary and the recovery figures; exits non-zero on any loss or
# divergence. Needs root (namespaces, tmpfs), like scripts/test.sh.
# Usage: scripts/soak.sh [--rounds N]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=100
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "usage: scripts/soak.sh [--rounds N]"; exit 2 ;;
  esac
done
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import confluent_kafka' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install -q -r tests/interop/requirements.txt
fi
export KW_PYTHON=$PWD/.venv/bin/python
export KW_KCAT=$(command -v kcat || echo /usr/bin/kcat)
export KW_FAULT_ROUNDS=$ROUNDS
exec cargo test --locked --release --test faults mixed_faults -- --nocapture
