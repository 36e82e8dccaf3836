#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs kcat, Chromium and iproute2
# (Debian packages), playwright-core (npm) and a virtualenv with confluent-kafka and
# kafka-python, then runs cargo's tests. The fault tests (tests/faults.rs) need root
# for network namespaces and small tmpfs disks.
# Extra arguments go to `cargo test` (e.g. ./scripts/test.sh --test interop).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

step() { printf '\n==> %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
# The fault tests put nodes in network namespaces of their own (ip netns).
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export KW_KCAT=$(command -v kcat)
# The console tests drive the system's Chromium with playwright-core (no browser
# download); the package lock pins it.
if [ ! -d "$REPO/tests/console/node_modules/playwright-core" ]; then
  step "installing playwright-core (npm)"
  (cd "$REPO/tests/console" && npm ci --no-audit --no-fund --silent)
fi
export KW_NODE=$(command -v node)
export KW_CHROMIUM=/usr/bin/chromium

if [ ! -x "$REPO/.venv/bin/python" ] || ! "$REPO/.venv/bin/python" -c 'import confluent_kafka, kafka' 2>/dev/null; then
  step "creating .venv with the Python Kafka clients"
  python3 -m venv "$REPO/.venv"
  "$REPO/.venv/bin/pip" install -q -r "$REPO/tests/interop/requirements.txt"
fi
export KW_PYTHON=$REPO/.venv/bin/python

step "kcat: $("$KW_KCAT" -V 2>&1 | head -1)"
step "cargo test"
cargo test --locked --no-fail-fast "$@"
