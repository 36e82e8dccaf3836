#!/usr/bin/env bash
# Console benchmark: one node with TOPICS topics x 6 partitions and NGROUPS groups
# (each with offsets committed on 3 topics). Reports the time of a full snapshot
# (median of 10), the time Chromium takes to show the whole topic list, and the
# node's CPU with the console refreshing at its default interval against idle.
# Usage: bench/console.sh [TOPICS] [NGROUPS]   (default 1000 200)
# Needs what scripts/test.sh installs: the .venv with confluent-kafka, node with
# tests/console's playwright-core, Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
TOPICS=${1:-1000}
NGROUPS=${2:-200}
PY=${KW_PYTHON:-.venv/bin/python}
[ -x "$PY" ] || { echo "no python with confluent-kafka at $PY: run ./scripts/test.sh once"; exit 1; }
[ -d tests/console/node_modules/playwright-core ] || { echo "playwright-core missing: run ./scripts/test.sh once"; exit 1; }

cargo build --release --locked --quiet
KW=$PWD/target/release/kw
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_of() { awk '{print ($14+$15)/100}' "/proc/$1/stat"; }

P=$(free_port); B=127.0.0.1:$P
"$KW" serve --listen "$B" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 &
NODE=$!; PIDS+=($NODE)
for _ in $(seq 1 100); do "$KW" -b "$B" metadata >/dev/null 2>&1 && break; sleep 0.1; done

"$PY" - "$B" "$TOPICS" "$NGROUPS" <<'PY'
import sys
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
b, n, groups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
admin = AdminClient({"bootstrap.servers": b})
for start in range(0, n, 100):
    fs = admin.create_topics([NewTopic(f"bench.{i:04}", 6, 1) for i in range(start, min(n, start + 100))])
    for f in fs.values():
        f.result()
for g in range(groups):
    c = Consumer({"bootstrap.servers": b, "group.id": f"group.{g:03}", "enable.auto.commit": False})
    c.commit(offsets=[TopicPartition(f"bench.{(g * 3 + k) % n:04}", 0, 0) for k in range(3)], asynchronous=False)
    c.close()
PY
echo "cluster: $TOPICS topics x 6 partitions, $NGROUPS groups"

# Idle CPU of the node, then with the console at its default refresh.
c0=$(cpu_of $NODE); sleep 30; c1=$(cpu_of $NODE)
idle=$(echo "($c1 - $c0) / 30 * 100" | bc -l)
CP=$(free_port)
"$KW" -b "$B" console --listen "127.0.0.1:$CP" >"$WORK/console.log" 2>&1 &
CONSOLE=$!; PIDS+=($CONSOLE)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$CP/api/status" >/dev/null 2>&1 && break; sleep 0.1; done
sleep 5
c0=$(cpu_of $NODE); cc0=$(cpu_of $CONSOLE); sleep 60; c1=$(cpu_of $NODE); cc1=$(cpu_of $CONSOLE)
with=$(echo "($c1 - $c0) / 60 * 100" | bc -l)
console_cpu=$(echo "($cc1 - $cc0) / 60 * 100" | bc -l)
printf 'node CPU: idle %.2f %% of a core, with the console refreshing every 1.5 s %.2f %% (console itself %.1f %%)\n' "$idle" "$with" "$console_cpu"

snaps=()
for _ in $(seq 1 10); do
  snaps+=("$(curl -s "http://127.0.0.1:$CP/api/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["snapshot_ms"])')")
  sleep 1.5
done
median=$(printf '%s\n' "${snaps[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "full snapshot: median ${median} ms (samples: ${snaps[*]})"
bytes=$(curl -s "http://127.0.0.1:$CP/api/topics" | wc -c)
echo "/api/topics: $bytes bytes"

ms=$(printf '%s\n' \
  "{\"op\":\"goto\",\"url\":\"http://127.0.0.1:$CP/\"}" \
  "{\"op\":\"wait\",\"js\":\"document.querySelectorAll('#topics tbody tr').length === $TOPICS && performance.now()\",\"timeout_ms\":60000}" \
  '{"op":"close"}' | KW_CHROMIUM=/usr/bin/chromium node tests/console/driver.mjs | sed -n 2p | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["value"]))')
echo "topic list in Chromium: $ms ms from navigation to $TOPICS rows"
