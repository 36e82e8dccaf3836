#!/usr/bin/env bash
# Transactions benchmark on three nodes (RF 3, 6 partitions): a confluent-kafka
# producer sends MESSAGES x 100 bytes idempotently (acks=all), then the same
# transactionally with 1,000 messages per transaction; then four producers share the
# same work, each with its own transactional id; then a confluent-kafka
# consumer reads everything with read_uncommitted and with read_committed. Prints
# msg/s, MB/s, the nodes' CPU seconds and the ratios the issue sets (transactional
# >= 0.5 of idempotent, read_committed >= 0.9 of read_uncommitted).
# Usage: bench/transactions.sh [MESSAGES]   (default 1,000,000)
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
cpu_all() { local c=0; for p in "${NODES[@]}"; do c=$(echo "$c + $(cpu_of "$p")" | bc); done; echo "$c"; }
wait_brokers() { # bootstrap count
  for _ in $(seq 1 300); do
    [ "$("$KW" -b "$1" metadata 2>/dev/null | grep -c '^  broker ')" = "$2" ] && return 0
    sleep 0.1
  done
  echo "brokers did not come up"; exit 1
}

cat >"$WORK/produce.py" <<'PY'
import os, sys, time
from confluent_kafka import Producer
b, topic, n, txn_size, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
conf = {"bootstrap.servers": b, "acks": "all", "linger.ms": 5, "enable.idempotence": True,
        "queue.buffering.max.messages": 1000000}
if txn_size:
    conf["transactional.id"] = f"bench-{os.getpid()}-{time.time_ns()}"
p = Producer(conf)
# Neither start-up counts: init_transactions, or (idempotent) the producer id, which
# librdkafka first asks for only on a 500 ms timer once a broker is up.
if txn_size:
    p.init_transactions(60)
else:
    p.produce(topic, b"warm-up")
    p.flush(60)
val = b"y" * 100
failed = 0
def cb(err, msg):
    global failed
    if err is not None:
        failed += 1
while time.time() < go:
    time.sleep(0.001)
t0 = time.time()
for i in range(n):
    if txn_size and i % txn_size == 0:
        if i:
            p.commit_transaction(60)
        p.begin_transaction()
    while True:
        try:
            p.produce(topic, val, callback=cb)
            break
        except BufferError:
            p.poll(0.01)
    if i % 10000 == 0:
        p.poll(0)
if txn_size:
    p.commit_transaction(60)
p.flush()
print(f"{t0} {time.time()} {n} {failed}")
PY

cat >"$WORK/consume.py" <<'PY'
import sys, time, uuid
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING, KafkaError
b, topic, n, isolation = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
c = Consumer({"bootstrap.servers": b, "group.id": str(uuid.uuid4()), "enable.auto.commit": False,
              "isolation.level": isolation, "fetch.wait.max.ms": 100})
c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(6)])
got = 0
t0 = time.time()
while got < n and time.time() - t0 < 300:
    for m in c.consume(10000, timeout=1.0):
        if not m.error():
            got += 1
dt = time.time() - t0
c.close()
print(f"{got / dt:.0f} {got * 100 / dt / 1e6:.1f} {dt:.2f} {got}")
PY

P1=$(free_port); P2=$(free_port); P3=$(free_port)
VOTERS="1@127.0.0.1:$(free_port),2@127.0.0.1:$(free_port),3@127.0.0.1:$(free_port)"
B=127.0.0.1:$P1,127.0.0.1:$P2,127.0.0.1:$P3
NODES=()
n=0
for P in "$P1" "$P2" "$P3"; do
  n=$((n + 1))
  "$KW" serve --node "$n" --voters "$VOTERS" --listen "127.0.0.1:$P" --data-dir "$WORK/node-$n" >>"$WORK/node-$n.log" 2>&1 &
  NODES+=($!); PIDS+=($!)
done
wait_brokers "$B" 3
for t in idem1 txn1 idem4 txn4; do
  "$KW" -b "$B" topics create "$t" --partitions 6 --replication-factor 3 >/dev/null
done

produce() { # label topic txn_size producers: the producers start together, N in all
  local c0 c1 go pids=() i
  go=$(python3 -c 'import time; print(time.time() + 5)')
  for i in $(seq 1 "$4"); do
    "$PY" "$WORK/produce.py" "$B" "$2" $((N / $4)) "$3" "$go" >"$WORK/produced.$i" &
    pids+=($!)
  done
  while [ "$(python3 -c "import time; print(int(time.time() < $go))")" = 1 ]; do sleep 0.05; done
  c0=$(cpu_all)
  wait "${pids[@]}"
  c1=$(cpu_all)
  read -r rate mbs secs failed < <(cat "$WORK"/produced.* | awk '
    NR == 1 { s = $1; e = $2 } { if ($1 < s) s = $1; if ($2 > e) e = $2; n += $3; f += $4 }
    END { printf "%.0f %.1f %.2f %d\n", n / (e - s), n * 100 / (e - s) / 1e6, e - s, f }')
  rm -f "$WORK"/produced.*
  printf '%-50s %9d msgs %7.2f s %9.0f msg/s %6.1f MB/s  brokers CPU %.2f s  failed %d\n' \
    "$1" "$N" "$secs" "$rate" "$mbs" "$(echo "$c1 - $c0" | bc)" "$failed" >&2
  echo "$rate"
}
consume() { # label topic isolation
  local c0 c1
  c0=$(cpu_all)
  read -r rate mbs secs got < <("$PY" "$WORK/consume.py" "$B" "$2" "$N" "$3")
  c1=$(cpu_all)
  printf '%-46s %9d msgs %7.2f s %9.0f msg/s %6.1f MB/s  brokers CPU %.2f s\n' \
    "$1" "$got" "$secs" "$rate" "$mbs" "$(echo "$c1 - $c0" | bc)" >&2
  echo "$rate"
}

for producers in 1 4; do
  idem=$(produce "idempotent, acks=all, RF 3, $producers producer(s)" "idem$producers" 0 "$producers")
  txn=$(produce "transactional, 1,000 per txn, RF 3, $producers producer(s)" "txn$producers" 1000 "$producers")
  echo "transactional / idempotent, $producers producer(s): $(echo "scale=2; $txn / $idem" | bc) (target >= 0.5)"
done
ru=$(consume "read_uncommitted (transactional topic)" txn1 read_uncommitted)
rc=$(consume "read_committed (transactional topic)" txn1 read_committed)
echo "read_committed / read_uncommitted: $(echo "scale=2; $rc / $ru" | bc) (target >= 0.9)"
for i in 0 1 2; do
  echo "node $((i + 1)) peak RSS: $(awk '/^VmHWM/{print $2}' "/proc/${NODES[$i]}/status") kB"
done
