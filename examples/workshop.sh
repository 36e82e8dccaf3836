#!/usr/bin/env bash
# The "Kafka scalability and failover" workshop (shared/workshop/scalability-and-failover.md)
# with kw on one machine, step by step. Each step says what it does, runs it, checks what
# it should show and prints it. Press Enter between steps, or pass --yes (or run without
# a terminal) to go straight through.
#
#   examples/workshop.sh [--yes] [--port PORT] [--keep]
#
# Uses `kw` from PATH, or $KW. The group members are real kcat when kcat is installed
# (or $KCAT names it), `kw consume -G` otherwise or with KCAT= (empty). Runs a
# three-node cluster on free ports under a temporary directory that is removed at the
# end (unless --keep).
set -euo pipefail

KW=${KW:-$(command -v kw || echo "$(cd "$(dirname "$0")/.." && pwd)/target/release/kw")}
[ -x "$KW" ] || { echo "kw not found: cargo build --release, or set KW=/path/to/kw"; exit 1; }
KCAT=${KCAT-$(command -v kcat || true)}
YES=0; KEEP=0
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --yes|-y) YES=1 ;;
    --keep) KEEP=1 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
  shift
done
[ -t 0 ] || YES=1
# Client ports P1..P3 (the workshop's 9092-9094) and quorum ports, all free ones.
P1=$(free_port); P2=$(free_port); P3=$(free_port)
VOTERS="1@127.0.0.1:$(free_port),2@127.0.0.1:$(free_port),3@127.0.0.1:$(free_port)"
B=127.0.0.1:$P1,127.0.0.1:$P2,127.0.0.1:$P3
WORK=$(mktemp -d)
CLIENTS=(); NODES=()
stop_all() { # pid... : SIGTERM, up to 10 s to exit, then SIGKILL
  [ $# -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  for _ in $(seq 1 100); do
    local alive=""
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && return 0
    sleep 0.1
  done
  kill -9 "$@" 2>/dev/null || true
}
cleanup() {
  # Clients first, while the brokers can still take their goodbyes (a consumer
  # closing with no broker left may wait forever), then the brokers.
  stop_all "${CLIENTS[@]}"
  stop_all "${NODES[@]}"
  wait 2>/dev/null || true
  [ $KEEP = 1 ] && echo "(kept $WORK)" || rm -rf "$WORK"
}
trap cleanup EXIT

STEP=0
step() { STEP=$((STEP+1)); printf '\n\033[1m== Step %d: %s\033[0m\n' "$STEP" "$*"; }
pause() { [ $YES = 1 ] || read -r -p "   (Enter to continue) " _; }
ok() { echo "   OK: $*"; echo "STEP $STEP OK"; }
fail() { echo "   FAILED: $*"; echo "STEP $STEP FAILED"; exit 1; }
kw() { "$KW" -b "$B" "$@"; }
wait_for() { # seconds description command...
  local secs=$1 what=$2; shift 2
  for _ in $(seq 1 $((secs * 10))); do "$@" && return 0; sleep 0.1; done
  fail "timed out after ${secs}s waiting until $what"
}
bg() { # name command... : run in the background, stdout to $WORK/name.out, stderr to .err
  local name=$1; shift
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  case $name in node*) NODES+=($!) ;; *) CLIENTS+=($!) ;; esac
  eval "PID_$name=$!"
}
assignment_is() { # want name... : true when the members' partition counts, joined, equal want
  local want=$1 got=""; shift
  for m in "$@"; do got="$got$(assigned "$m")"; done
  [ "$got" = "$want" ]
}
has_lines() { [ -s "$1" ]; }
assigned() { # name -> number of partitions in the member's last rebalance line
  local line
  line=$(grep ' rebalanced (memberid ' "$WORK/$1.err" | tail -1 || true)
  case "$line" in *"assigned: "*) echo "${line#*assigned: }" | tr ',' '\n' | grep -c '\[' ;; *) echo 0 ;; esac
}

start_node() { # n port
  bg "node$1" ${NODE_LOG:+env RUST_LOG=$NODE_LOG} "$KW" serve --node "$1" --voters "$VOTERS" --listen "127.0.0.1:$2" \
    --data-dir "$WORK/node-$1" --config group.initial.rebalance.delay.ms=1000 \
    --config leader.imbalance.check.interval.seconds=10
}
step "Start three brokers (instead of docker compose)"
echo "   kw serve --node 1 & kw serve --node 2 & kw serve --node 3    (here on free ports: $B)"
start_node 1 "$P1"; start_node 2 "$P2"; start_node 3 "$P3"
brokers_up() { [ "$(kw metadata 2>/dev/null | grep -c '^  broker ')" = 3 ]; }
wait_for 30 "three brokers answer" brokers_up
kw metadata | sed 's/^/   /'
ok "three brokers up: $B"
pause

step "(Re-)create the topics"
for t in demo.products demo.purchases demo.inventories; do
  echo "   kw topics delete $t --if-exists; kw topics create $t --partitions 6 --replication-factor 3 --if-not-exists"
  kw topics delete "$t" --if-exists
  kw topics create "$t" --partitions 6 --replication-factor 3 --if-not-exists >/dev/null
done
kw topics describe demo.purchases | sed 's/^/   /'
[ "$(kw topics list | grep -c '^demo\.')" = 3 ] || fail "three demo topics expected"
ok "demo.products, demo.purchases, demo.inventories with 6 partitions and 3 replicas each"
pause

step "One consumer from the end, and the sales simulator"
echo "   kw consume -t demo.purchases -o end -q -f 'Part-%p => %k:%s\\n'    (kcat -b $B -t demo.purchases -o end -q -f ... works too)"
bg c1 "$KW" -b "$B" consume -t demo.purchases -o end -q -u -f 'Part-%p => %k:%s\n'
sleep 1
echo "   kw simulate-sales --rate 5     (the original pauses 2-5 s between sales; --rate 5 makes 5 a second)"
bg sim1 "$KW" -b "$B" simulate-sales --rate 5 -q
wait_for 30 "the consumer prints purchases" grep -q '^Part-' "$WORK/c1.out"
head -3 "$WORK/c1.out" | cut -c1-150 | sed 's/^/   /'
ok "purchases arrive, keyed by product id"
pause

step "Two more independent consumers: each sees every message"
bg c2 "$KW" -b "$B" consume -t demo.purchases -o end -q -u -f 'Part-%p => %k:%s\n'
bg c3 "$KW" -b "$B" consume -t demo.purchases -o end -q -u -f 'Part-%p => %k:%s\n'
sleep 4
wait_for 30 "consumers 2 and 3 see new messages" has_lines "$WORK/c3.out"
last=$(tail -1 "$WORK/c2.out")
wait_for 10 "the same message reaches consumer 3" grep -qF -- "$last" "$WORK/c3.out"
echo "   consumer 2 and consumer 3 both printed: ${last:0:110}..."
kill "$PID_c1" "$PID_c2" "$PID_c3"
ok "without a group every consumer gets all messages (publish/subscribe)"
pause

member() { # name : one group member, kcat -G if there is a kcat
  if [ -n "$KCAT" ]; then
    bg "$1" "$KCAT" -b "$B" -G purchases-group demo.purchases -o end -u -f 'Part-%p => %k:%s\n' \
      -X heartbeat.interval.ms=1000 -X session.timeout.ms=6000
  else
    bg "$1" "$KW" -b "$B" consume -G purchases-group demo.purchases -o end -u -f 'Part-%p => %k:%s\n' \
      -X heartbeat.interval.ms=1000
  fi
}
step "Three consumers in one group share the partitions"
echo "   $([ -n "$KCAT" ] && echo kcat || echo kw consume) -b $B -G purchases-group demo.purchases -o end -f 'Part-%p => %k:%s\\n'   (x3)"
for m in g1 g2 g3; do member "$m"; done
wait_for 60 "each member holds 2 partitions" assignment_is 222 g1 g2 g3
grep -h ' rebalanced ' "$WORK"/g?.err | tail -3 | sed 's/^/   /'
kw groups describe purchases-group 2>/dev/null | sed 's/^/   /'
ok "2 + 2 + 2 partitions: the group spreads the load"
pause

step "Scale the producers: two more simulators"
bg sim2 "$KW" -b "$B" simulate-sales --rate 5 -q
bg sim3 "$KW" -b "$B" simulate-sales --rate 5 -q
before=$(cat "$WORK"/g?.out | wc -l); sleep 4; after=$(cat "$WORK"/g?.out | wc -l)
echo "   the group consumed $((after - before)) messages in 4 s with three simulators running"
[ $((after - before)) -gt 0 ] || fail "no messages consumed"
ok "more producers, more messages per consumer"
pause

step "Consumer failover: stop one member (Ctrl-C)"
kill -INT "$PID_g3"
wait_for 30 "the other two hold 3 partitions each" assignment_is 33 g1 g2
grep ' rebalanced ' "$WORK"/g1.err | tail -2 | sed 's/^/   /'
ok "the remaining members took over the leaver's partitions"
echo "   restarting the third member"
member g3b
wait_for 60 "back to 2/2/2" assignment_is 222 g1 g2 g3b
ok "back to two partitions each"
pause

leaders() { # the Leader column of demo.purchases, one line
  kw topics describe demo.purchases | awk -F'\t' '/Partition:/ {sub("Leader: ","",$4); printf "%s ", $4}'
}
isrs() { kw topics describe demo.purchases | awk -F'\t' '/Partition:/ {sub("Isr: ","",$6); printf "%s ", $6}'; }
no_leader_2() { ! leaders | grep -qw 2 && ! isrs | grep -q 2; }
all_in_sync() { [ "$(isrs | tr ' ' '\n' | grep -c '^[1-3],[1-3],[1-3]$')" = 6 ]; }
preferred() { [ "$(kw topics describe demo.purchases | awk -F'\t' '/Partition:/ {sub("Leader: ","",$4); sub("Replicas: ","",$5); split($5, r, ","); if ($4 == r[1]) n++} END {print n}')" = 6 ]; }
consumed() { cat "$WORK"/g1.out "$WORK"/g2.out "$WORK"/g3b.out 2>/dev/null | wc -l; }

step "Broker failover: kill -9 the second broker"
kw topics describe demo.purchases | sed 's/^/   /'
echo "   kill -9 <pid of node 2>     (docker stop kafka-2 in the workshop)"
kill -9 "$PID_node2"
t0=$(date +%s%N)
wait_for 30 "no partition is led by 2 and 2 left every ISR" no_leader_2
echo "   new leaders after $(( ($(date +%s%N) - t0) / 1000000 )) ms:"
kw topics describe demo.purchases | sed 's/^/   /'
before=$(consumed)
grown() { [ "$(consumed)" -gt "$((before + 10))" ]; }
wait_for 30 "the group keeps consuming" grown
ok "leaders moved to 1 and 3; producers and consumers carried on"
pause

step "Bring the broker back: it catches up, then gets its leaderships back"
echo "   kw serve --node 2     (docker start kafka-2)"
start_node 2 "$P2"
wait_for 60 "node 2 is back in every ISR" all_in_sync
kw topics describe demo.purchases | sed 's/^/   /'
echo "   in sync again; the preferred-leader election (leader.imbalance.check.interval.seconds=10) follows"
wait_for 60 "every partition is led by its first replica again" preferred
kw topics describe demo.purchases | sed 's/^/   /'
ok "node 2 leads its preferred partitions again"
pause

step "Stop the simulators (Ctrl-C): every sale was delivered through the failover"
for s in sim1 sim2 sim3; do
  pid=$(eval echo "\$PID_$s")
  kill -INT "$pid"
  rc=0; wait "$pid" || rc=$?
  [ "$rc" = 0 ] || fail "simulator $s reports undelivered messages (exit $rc): $(tail -2 "$WORK/$s.err")"
done
ok "three simulators, acks=all, no delivery failed"

printf '\nWorkshop finished.\n'
