"""A consumer-group member for the fault tests: reads TOPIC in GROUP and writes
every record it reads to OUT_FILE as "read partition offset value", and every
offset commit the group coordinator accepted as "commit partition offset". Commits
synchronously every 200 records and every second. Stops on SIGTERM.

usage: fault_reader.py BOOTSTRAP TOPIC GROUP OUT_FILE [ISOLATION]
"""
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaException

bootstrap, topic, group, out_path = sys.argv[1:5]
isolation = sys.argv[5] if len(sys.argv) > 5 else "read_uncommitted"
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
out = open(out_path, "a", buffering=1)
c = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "enable.auto.commit": False,
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 10000,
    "heartbeat.interval.ms": 1000,
    "topic.metadata.refresh.interval.ms": 1000,
    "isolation.level": isolation,
})
c.subscribe([topic])
since_commit, last_commit = 0, time.time()


def commit():
    global since_commit, last_commit
    since_commit, last_commit = 0, time.time()
    try:
        for tp in c.commit(asynchronous=False) or []:
            if tp.error is None and tp.offset >= 0:
                out.write(f"commit {tp.partition} {tp.offset} {time.time_ns()}\n")
    except KafkaException as e:
        # Rebalances and coordinator moves: the next commit goes on.
        print(f"commit failed: {e}", file=sys.stderr, flush=True)


while running:
    for m in c.consume(200, timeout=0.2):
        if m.error():
            continue
        out.write(f"read {m.partition()} {m.offset()} {m.value().decode().split(' ')[0]}\n")
        since_commit += 1
    if since_commit and (since_commit >= 200 or time.time() - last_commit > 1):
        commit()
c.close()
out.close()
