#!/usr/bin/env bash
# TLS+SASL cost: bench/run.sh's workload (MESSAGES records of 100 bytes, a 6-partition
# topic, one node) over a PLAINTEXT listener and over a SASL_SSL listener
# (SCRAM-SHA-512, TLS 1.3 through rustls) of the same node: kcat -P -l, a
# confluent-kafka producer (acks=all, linger.ms=5), kcat -C -e. Prints msg/s, MB/s,
# the broker's CPU seconds per million messages, and SASL_SSL as a share of
# PLAINTEXT. Usage: bench/security.sh [MESSAGES]
# Needs: kcat, openssl, a virtualenv with confluent-kafka at .venv (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
PY=${KW_PYTHON:-.venv/bin/python}
for tool in kcat openssl; do
  command -v $tool >/dev/null || { echo "$tool is missing: run ./scripts/test.sh once"; exit 1; }
done
[ -x "$PY" ] || { echo "no python with confluent-kafka at $PY: run ./scripts/test.sh once"; exit 1; }

cargo build --release --locked --quiet
KW=$PWD/target/release/kw
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PLAIN=127.0.0.1:$(free_port)
SECURE=127.0.0.1:$(free_port)

# A CA and a broker certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/ca.key" -out "$WORK/ca.pem" -days 2 -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$WORK/broker.key" -out "$WORK/broker.csr" -subj "/CN=broker" 2>/dev/null
printf "subjectAltName=IP:127.0.0.1\n" >"$WORK/san"
openssl x509 -req -in "$WORK/broker.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
  -out "$WORK/broker.pem" -days 2 -extfile "$WORK/san" 2>/dev/null
cat "$WORK/broker.key" "$WORK/broker.pem" >"$WORK/keystore.pem"
cat >"$WORK/server.properties" <<CONF
listeners=PLAINTEXT://$PLAIN,SASL_SSL://$SECURE
ssl.keystore.location=$WORK/keystore.pem
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="bench" password="bench-secret";
CONF
cat >"$WORK/client.conf" <<CONF
security.protocol=SASL_SSL
ssl.ca.location=$WORK/ca.pem
sasl.mechanism=SCRAM-SHA-512
sasl.username=bench
sasl.password=bench-secret
CONF

"$KW" serve --config-file "$WORK/server.properties" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do "$KW" -b "$PLAIN" metadata >/dev/null 2>&1 && break; sleep 0.1; done
for _ in $(seq 1 100); do "$KW" -b "$SECURE" -F "$WORK/client.conf" metadata >/dev/null 2>&1 && break; sleep 0.1; done

cpu() { awk '{print ($14+$15)/100}' "/proc/$PID/stat"; }
now() { date +%s.%N; }
declare -A RATE
measure() { # key label count command...
  local key=$1 label=$2 count=$3; shift 3
  local c0 t0 t1 c1
  c0=$(cpu); t0=$(now)
  "$@"
  t1=$(now); c1=$(cpu)
  RATE[$key]=$(awk -v c="$count" -v s="$(echo "$t1 - $t0" | bc)" 'BEGIN{printf "%.0f", c/s}')
  awk -v n="$label" -v c="$count" -v s="$(echo "$t1 - $t0" | bc)" -v cpu="$(echo "$c1 - $c0" | bc)" \
    'BEGIN{printf "%-44s %9d msgs %7.2f s %10.0f msg/s %7.1f MB/s  broker CPU %.2f s (%.2f s per 1M)\n", n, c, s, c/s, c*100/s/1e6, cpu, cpu*1e6/c}'
}

python3 - "$N" >"$WORK/msgs.txt" <<'PY'
import sys
pad = "x" * 90
out = sys.stdout
for i in range(int(sys.argv[1])):
    out.write(f"{i:09d}{pad}\n")
PY

producer() { # bootstrap topic [extra config as JSON]
  "$PY" - "$1" "$2" "$N" "${3:-{\}}" <<'PY'
import json, sys
from confluent_kafka import Producer
b, topic, n, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
p = Producer({"bootstrap.servers": b, "acks": "all", "linger.ms": 5,
              "queue.buffering.max.messages": 1000000, **extra})
val = b"y" * 100
failed = 0
def cb(err, msg):
    global failed
    if err is not None:
        failed += 1
for i in range(n):
    while True:
        try:
            p.produce(topic, val, callback=cb)
            break
        except BufferError:
            p.poll(0.01)
    if i % 10000 == 0:
        p.poll(0)
p.flush()
if failed:
    sys.exit(f"{failed} deliveries failed")
PY
}
consume() { # label key bootstrap topic kcat-args...
  local got
  got=$(kcat -b "$3" "${@:5}" -C -t "$4" -o beginning -e -q -f '%o\n' | wc -l)
  [ "$got" -eq "$N" ] || { echo "read $got of $N from $4"; exit 1; }
}
SASL_X=(-X security.protocol=SASL_SSL -X "ssl.ca.location=$WORK/ca.pem" -X sasl.mechanism=SCRAM-SHA-512 -X sasl.username=bench -X sasl.password=bench-secret)
SASL_JSON="{\"security.protocol\": \"SASL_SSL\", \"ssl.ca.location\": \"$WORK/ca.pem\", \"sasl.mechanism\": \"SCRAM-SHA-512\", \"sasl.username\": \"bench\", \"sasl.password\": \"bench-secret\"}"

for t in plain.kcat plain.py secure.kcat secure.py; do
  "$KW" -b "$PLAIN" topics create "bench.$t" --partitions 6 --replication-factor 1 >/dev/null
done
measure p_kcat "produce kcat -P -l, PLAINTEXT" "$N" \
  kcat -b "$PLAIN" -P -t bench.plain.kcat -l "$WORK/msgs.txt" -X linger.ms=5 -X queue.buffering.max.messages=1000000
measure s_kcat "produce kcat -P -l, SASL_SSL" "$N" \
  kcat -b "$SECURE" "${SASL_X[@]}" -P -t bench.secure.kcat -l "$WORK/msgs.txt" -X linger.ms=5 -X queue.buffering.max.messages=1000000
measure p_py "produce confluent-kafka acks=all, PLAINTEXT" "$N" producer "$PLAIN" bench.plain.py
measure s_py "produce confluent-kafka acks=all, SASL_SSL" "$N" producer "$SECURE" bench.secure.py "$SASL_JSON"
# kcat -C -e is bimodal (librdkafka sometimes waits one more fetch.wait.max.ms before it
# sees the end of a partition): three reads each, the best counts.
best() { # key label command...
  local key=$1 label=$2 top=0; shift 2
  for run in 1 2 3; do
    measure "$key" "$label (read $run)" "$N" "$@"
    [ "${RATE[$key]}" -gt "$top" ] && top=${RATE[$key]}
  done
  RATE[$key]=$top
}
best p_read "consume kcat -C -e, PLAINTEXT" consume x x "$PLAIN" bench.plain.kcat
best s_read "consume kcat -C -e, SASL_SSL" consume x x "$SECURE" bench.secure.kcat "${SASL_X[@]}"

echo
for pair in "kcat produce:kcat" "confluent-kafka produce:py" "kcat consume:read"; do
  label=${pair%%:*}; key=${pair##*:}
  p=${RATE[p_$key]}; s=${RATE[s_$key]}
  awk -v l="$label" -v p="$p" -v s="$s" 'BEGIN{printf "SASL_SSL / PLAINTEXT, %-26s %5.0f%%\n", l":", s*100/p}'
done
