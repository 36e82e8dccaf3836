#!/usr/bin/env bash
# Replication benchmark: a single node (RF 1) against a three-node cluster (RF 3), both
# with a confluent-kafka producer at acks=all sending MESSAGES x 100 bytes to 6
# partitions. Reports msg/s, MB/s, p50/p99 produce latency (librdkafka's per-message
# latency), the nodes' CPU seconds, and the failover time: from kill -9 of a partition
# leader to the first acks=all produce (issued after the kill) acknowledged on it, and
# each node's peak RSS.
# Usage: bench/replicated.sh [MESSAGES]   (default 1,000,000)
# Needs: a virtualenv with confluent-kafka at .venv (scripts/test.sh makes one).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
PY=${KW_PYTHON:-.venv/bin/python}
[ -x "$PY" ] || { echo "no python with confluent-kafka at $PY: run ./scripts/test.sh once"; exit 1; }

cargo build --release --locked --quiet
KW=$PWD/target/release/kw
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_of() { awk '{print ($14+$15)/100}' "/proc/$1/stat" 2>/dev/null || echo 0; }
wait_brokers() { # bootstrap count
  for _ in $(seq 1 300); do
    [ "$("$KW" -b "$1" metadata 2>/dev/null | grep -c '^  broker ')" = "$2" ] && return 0
    sleep 0.1
  done
  echo "brokers did not come up"; exit 1
}

# The producer: N messages, acks=all, latency percentiles from librdkafka's own clock.
cat >"$WORK/produce.py" <<'PY'
import sys, time
from confluent_kafka import Producer
b, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rate = int(sys.argv[4]) if len(sys.argv) > 4 else 0   # messages/s, 0 = as fast as possible
p = Producer({"bootstrap.servers": b, "acks": "all", "linger.ms": 5,
              "queue.buffering.max.messages": 1000000, "enable.idempotence": True})
val = b"y" * 100
lat = []
failed = 0
warm = int(sys.argv[5]) if len(sys.argv) > 5 else 0   # leading messages left out of the latency
seen = 0
def cb(err, msg):
    global failed, seen
    seen += 1
    if err is not None:
        failed += 1
    elif seen > warm:
        lat.append(msg.latency())
t0 = time.time()
for i in range(n):
    if rate:
        # Paced: latency without the backlog of a flood.
        while time.time() < t0 + i / rate:
            p.poll(0.0005)
    while True:
        try:
            p.produce(topic, val, callback=cb)
            break
        except BufferError:
            p.poll(0.01)
    if i % 10000 == 0:
        p.poll(0)
p.flush()
dt = time.time() - t0
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
print(f"{n / dt:.0f} {n * 100 / dt / 1e6:.1f} {pct(0.5):.1f} {pct(0.99):.1f} {dt:.2f} {failed}")
PY

# Paced acks=all writer to one partition, for the failover time.
cat >"$WORK/failover.py" <<'PY'
import sys, time, signal
from confluent_kafka import Producer
b, topic, part, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
running = True
signal.signal(signal.SIGTERM, lambda *_: globals().update(running=False))
f = open(out, "a", buffering=1)
p = Producer({"bootstrap.servers": b, "acks": "all", "linger.ms": 0, "message.timeout.ms": 60000,
              "retry.backoff.ms": 50, "retry.backoff.max.ms": 200, "reconnect.backoff.max.ms": 200,
              "topic.metadata.refresh.interval.ms": 500})
def cb(err, msg):
    if err is None:
        f.write(f"{msg.value().decode()} {time.time_ns()} {msg.offset()}\n")
while running:
    p.produce(topic, str(time.time_ns()).encode(), partition=part, callback=cb)
    p.poll(0.005)
p.flush(30)
PY

run_producer() { # label bootstrap topic pids...
  local label=$1 b=$2 topic=$3; shift 3
  local c0=0 c1=0
  for p in "$@"; do c0=$(echo "$c0 + $(cpu_of "$p")" | bc); done
  read -r rate mbs p50 p99 secs failed < <("$PY" "$WORK/produce.py" "$b" "$topic" "$N")
  # (flooding: the latency includes the wait in the producer's own queue)
  for p in "$@"; do c1=$(echo "$c1 + $(cpu_of "$p")" | bc); done
  printf '%-34s %9d msgs %7.2f s %9.0f msg/s %6.1f MB/s  p50 %6.1f ms  p99 %6.1f ms  broker CPU %.2f s  failed %d\n' \
    "$label" "$N" "$secs" "$rate" "$mbs" "$p50" "$p99" "$(echo "$c1 - $c0" | bc)" "$failed"
  echo "$rate"
}

# 1. Single node, RF 1: the baseline.
P=$(free_port)
"$KW" serve --listen "127.0.0.1:$P" --data-dir "$WORK/single" >"$WORK/single.log" 2>&1 &
SINGLE=$!; PIDS+=($SINGLE)
wait_brokers "127.0.0.1:$P" 1
"$KW" -b "127.0.0.1:$P" topics create bench --partitions 6 --replication-factor 1 >/dev/null
single=$(run_producer "single node, RF 1, acks=all" "127.0.0.1:$P" bench "$SINGLE" | tee /dev/stderr | tail -1)
kill "$SINGLE"; wait "$SINGLE" 2>/dev/null || true

# 2. Three nodes, RF 3.
P1=$(free_port); P2=$(free_port); P3=$(free_port)
VOTERS="1@127.0.0.1:$(free_port),2@127.0.0.1:$(free_port),3@127.0.0.1:$(free_port)"
B=127.0.0.1:$P1,127.0.0.1:$P2,127.0.0.1:$P3
declare -A NODE_PID
start_node() { # n port
  "$KW" serve --node "$1" --voters "$VOTERS" --listen "127.0.0.1:$2" --data-dir "$WORK/node-$1" >>"$WORK/node-$1.log" 2>&1 &
  NODE_PID[$1]=$!; PIDS+=($!)
}
start_node 1 "$P1"; start_node 2 "$P2"; start_node 3 "$P3"
wait_brokers "$B" 3
"$KW" -b "$B" topics create bench --partitions 6 --replication-factor 3 >/dev/null
rf3=$(run_producer "three nodes, RF 3, acks=all" "$B" bench "${NODE_PID[1]}" "${NODE_PID[2]}" "${NODE_PID[3]}" | tee /dev/stderr | tail -1)
echo "RF 3 / RF 1 throughput: $(echo "scale=2; $rf3 / $single" | bc)"
for n in 1 2 3; do
  echo "node $n peak RSS: $(awk '/^VmHWM/{print $2}' "/proc/${NODE_PID[$n]}/status") kB"
done
read -r rate mbs p50 p99 secs failed < <("$PY" "$WORK/produce.py" "$B" bench 22000 2000 2000)
echo "three nodes, RF 3, acks=all, paced 2000 msg/s (after 1 s of warm-up): p50 $p50 ms, p99 $p99 ms (failed $failed)"

# 3. Failover: kill -9 the leader of partition 0 while a paced writer produces to it.
leader=$("$KW" -b "$B" topics describe bench | awk -F'\t' '/Partition: 0\t/ {sub("Leader: ","",$4); print $4}')
"$PY" "$WORK/failover.py" "$B" bench 0 "$WORK/acks.txt" &
WRITER=$!; PIDS+=($WRITER)
sleep 3
kill_ns=$(date +%s%N)
kill -9 "${NODE_PID[$leader]}"
# Wait for acknowledgements produced after the kill.
for _ in $(seq 1 300); do
  [ -n "$(awk -v k="$kill_ns" '$1 >= k {print; exit}' "$WORK/acks.txt")" ] && break
  sleep 0.1
done
sleep 1
kill "$WRITER"; wait "$WRITER" 2>/dev/null || true
before=$(awk -v k="$kill_ns" '$1 < k' "$WORK/acks.txt" | wc -l)
echo "failover writer: $before acks before the kill, $(wc -l <"$WORK/acks.txt") in all"
new_leader=$("$KW" -b "$B" topics describe bench | awk -F'\t' '/Partition: 0\t/ {sub("Leader: ","",$4); print $4}')
# Count only what the new leader acknowledged: acks of records in batches of a leader
# epoch newer than the one the killed leader wrote (batch headers: base offset at 0,
# partition leader epoch at 12), so an acknowledgement of the dying leader that
# reached the client after the kill cannot count.
first=$(python3 - "$WORK/node-$new_leader/bench-0" "$WORK/acks.txt" "$kill_ns" <<'PY'
import glob, os, struct, sys
part, acks, kill = sys.argv[1], sys.argv[2], int(sys.argv[3])
batches = []
for seg in sorted(glob.glob(os.path.join(part, "*.log"))):
    data = open(seg, "rb").read()
    pos = 0
    while pos + 61 <= len(data):
        base, length, epoch = struct.unpack(">qii", data[pos:pos + 16])
        batches.append((base, epoch))
        pos += 12 + length
rows = [l.split() for l in open(acks)]
rows = [(int(v), int(t), int(o)) for v, t, o in rows]
before = [o for v, t, o in rows if v < kill]
def epoch_of(offset):
    e = None
    for base, ep in batches:
        if base <= offset:
            e = ep
    return e
old = epoch_of(max(before)) if before else -1
start = min((b for b, ep in batches if ep > old), default=None)
firsts = [t for v, t, o in rows if v >= kill and start is not None and o >= start]
print((min(firsts) - kill) // 1_000_000 if firsts else "")
PY
)
if [ -n "${first:-}" ]; then
  printf 'failover: kill -9 of node %s (leader of bench-0) to the first acks=all produce acknowledged by node %s (a newer leader epoch): %d ms\n' \
    "$leader" "$new_leader" "$first"
else
  echo "failover: no produce acknowledged by the new leader within 30 s after the kill"
fi
