#!/usr/bin/env bash
# Consumer-group failover timing: three kcat -G members on a 6-partition topic; stop
# one with SIGINT (clean leave) and, separately, one with SIGKILL (crash), and report
# the time until every remaining member has printed its new "assigned:" line.
# Usage: bench/rebalance.sh [SESSION_TIMEOUT_MS]   (default 6000; librdkafka's is 45000)
set -euo pipefail
cd "$(dirname "$0")/.."
SESSION=${1:-6000}
command -v kcat >/dev/null || { echo "kcat is missing: run ./scripts/test.sh once"; exit 1; }
cargo build --release --locked --quiet
KW=$PWD/target/release/kw
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
B=127.0.0.1:$PORT
"$KW" serve --listen "$B" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 &
PIDS=($!)
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 100); do "$KW" -b "$B" metadata >/dev/null 2>&1 && break; sleep 0.1; done
"$KW" -b "$B" topics create bench.groups --partitions 6 --replication-factor 1 >/dev/null

now() { date +%s.%N; }
assigned_after() { # log t0 -> time of the first "assigned:" line after t0, or empty
  awk -v t0="$2" '$0 ~ /assigned:/ && $1 > t0 {print $1; exit}' "$1"
}
wait_assigned() { # t0 logs... -> seconds until every log has an assigned line after t0
  local t0=$1; shift
  for _ in $(seq 1 1200); do
    local last=0 ok=1
    for f in "$@"; do
      t=$(assigned_after "$f" "$t0"); if [ -z "$t" ]; then ok=0; break; fi
      last=$(echo "if ($t > $last) $t else $last" | bc)
    done
    if [ $ok = 1 ]; then echo "$last - $t0" | bc; return; fi
    sleep 0.05
  done
  echo "timeout"
}
# Rebalance lines are info lines on stderr; -f '' keeps stdout quiet.
member() { # name -> kcat -G in the background, stderr lines timestamped into $WORK/<name>.log; sets LAST_PID
  kcat -b "$B" -G bench bench.groups -X session.timeout.ms="$SESSION" -f '' >/dev/null \
    2> >(while IFS= read -r l; do echo "$(date +%s.%N) $l"; done >"$WORK/$1.log" 2>&1) &
  LAST_PID=$!
}
member a; A=$LAST_PID; member b; B1=$LAST_PID; member c; C=$LAST_PID; PIDS+=("$A" "$B1" "$C")
t0=$(now)
echo "initial join of 3 members: $(wait_assigned "$t0" "$WORK/a.log" "$WORK/b.log" "$WORK/c.log") s (includes group.initial.rebalance.delay.ms=3000)"
sleep 2
t0=$(now); kill -INT "$C"
echo "SIGINT one member -> others reassigned: $(wait_assigned "$t0" "$WORK/a.log" "$WORK/b.log") s"
sleep 2
t0=$(now); kill -9 "$B1"
echo "SIGKILL one member -> survivor reassigned: $(wait_assigned "$t0" "$WORK/a.log") s (session.timeout.ms=$SESSION)"
