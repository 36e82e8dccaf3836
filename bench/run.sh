#!/usr/bin/env bash
# Single-node throughput benchmark: 1,000,000 messages of 100 bytes into a 6-partition
# topic with kcat -P -l and with a confluent-kafka producer (acks=all, linger.ms=5),
# read back with kcat -C -e and kw consume -e. Prints msg/s, MB/s, the broker's CPU
# seconds per phase, idle and peak RSS. Usage: bench/run.sh [MESSAGES]
# Needs: kcat, a virtualenv with confluent-kafka at .venv (scripts/test.sh makes one).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
PY=${KW_PYTHON:-.venv/bin/python}
command -v kcat >/dev/null || { echo "kcat is missing: run ./scripts/test.sh once (it installs kcat)"; exit 1; }
[ -x "$PY" ] || { echo "no python with confluent-kafka at $PY: run ./scripts/test.sh once"; exit 1; }

cargo build --release --locked --quiet
KW=$PWD/target/release/kw
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
B=127.0.0.1:$PORT
"$KW" serve --listen "$B" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do "$KW" -b "$B" metadata >/dev/null 2>&1 && break; sleep 0.1; done

cpu() { awk '{print ($14+$15)/100}' "/proc/$PID/stat"; }   # utime+stime in seconds (USER_HZ=100)
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$PID/status"; }
hwm_kb() { awk '/^VmHWM/{print $2}' "/proc/$PID/status"; }
now() { date +%s.%N; }
report() { # name count seconds cpu_seconds
  awk -v n="$1" -v c="$2" -v s="$3" -v cpu="$4" 'BEGIN{printf "%-34s %9d msgs %7.2f s %10.0f msg/s %7.1f MB/s  broker CPU %.2f s (%.2f s per 1M)\n", n, c, s, c/s, c*100/s/1e6, cpu, cpu*1e6/c}'
}

sleep 1
echo "idle RSS: $(rss_kb) kB"
python3 - "$N" >"$WORK/msgs.txt" <<'PY'
import sys
n = int(sys.argv[1])
pad = "x" * 90
out = sys.stdout
for i in range(n):
    out.write(f"{i:09d}{pad}\n")   # 99 chars + newline: 100-byte records
PY

"$KW" -b "$B" topics create bench.kcat --partitions 6 --replication-factor 1 >/dev/null
"$KW" -b "$B" topics create bench.py --partitions 6 --replication-factor 1 >/dev/null

c0=$(cpu); t0=$(now)
kcat -b "$B" -P -t bench.kcat -l "$WORK/msgs.txt" -X linger.ms=5 -X queue.buffering.max.messages=1000000
t1=$(now); c1=$(cpu)
report "produce kcat -P -l" "$N" "$(echo "$t1 - $t0" | bc)" "$(echo "$c1 - $c0" | bc)"

c0=$(cpu); t0=$(now)
"$PY" - "$B" "$N" <<'PY'
import sys
from confluent_kafka import Producer
b, n = sys.argv[1], int(sys.argv[2])
p = Producer({"bootstrap.servers": b, "acks": "all", "linger.ms": 5, "queue.buffering.max.messages": 1000000})
val = b"y" * 100
failed = 0
def cb(err, msg):
    global failed
    if err is not None:
        failed += 1
for i in range(n):
    while True:
        try:
            p.produce("bench.py", val, callback=cb)
            break
        except BufferError:
            p.poll(0.01)
    if i % 10000 == 0:
        p.poll(0)
p.flush()
if failed:
    sys.exit(f"{failed} deliveries failed")
PY
t1=$(now); c1=$(cpu)
report "produce confluent-kafka acks=all" "$N" "$(echo "$t1 - $t0" | bc)" "$(echo "$c1 - $c0" | bc)"

c0=$(cpu); t0=$(now)
got=$(kcat -b "$B" -C -t bench.kcat -o beginning -e -q -f '%o\n' | wc -l)
t1=$(now); c1=$(cpu)
report "consume kcat -C -e" "$got" "$(echo "$t1 - $t0" | bc)" "$(echo "$c1 - $c0" | bc)"

c0=$(cpu); t0=$(now)
got=$("$KW" -b "$B" consume -t bench.kcat -o beginning -e -q -f '%o\n' | wc -l)
t1=$(now); c1=$(cpu)
report "consume kw consume -e" "$got" "$(echo "$t1 - $t0" | bc)" "$(echo "$c1 - $c0" | bc)"

c0=$(cpu); t0=$(now)
"$KW" -b "$B" produce -t bench.kcat -l "$WORK/msgs.txt" -q
t1=$(now); c1=$(cpu)
report "produce kw produce -l" "$N" "$(echo "$t1 - $t0" | bc)" "$(echo "$c1 - $c0" | bc)"

c0=$(cpu); t0=$(now)
"$KW" -b "$B" simulate-sales --create-topics --partitions 6 --max --transactions 200000 --seed 1 -q
t1=$(now); c1=$(cpu)
purchases=$("$KW" -b "$B" consume -t demo.purchases -o beginning -e -q -f '%o\n' | wc -l)
report "simulate-sales --max (purchases)" "$purchases" "$(echo "$t1 - $t0" | bc)" "$(echo "$c1 - $c0" | bc)"

echo "peak RSS: $(hwm_kb) kB"
/usr/bin/time -f "kcat -C CPU: %U s user, %S s sys, %e s wall" kcat -b "$B" -C -t bench.kcat -o beginning -e -q -f '%o\n' >/dev/null
