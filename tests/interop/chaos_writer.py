"""Idempotent acks=all producer of a numbered stream, paced at about RATE messages/s,
riding out broker failures (long message timeout). Every acknowledged number is
written to ACKED_FILE as "number partition offset"; every failed delivery is counted
and printed on stderr. Stops on SIGTERM, flushing what is in flight.

usage: chaos_writer.py BOOTSTRAP TOPIC ACKED_FILE RATE
"""
import signal
import sys
import time

from confluent_kafka import Producer

bootstrap, topic, acked_path, rate = sys.argv[1:5]
rate = int(rate)
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
acked = open(acked_path, "a", buffering=1)
failed = 0
p = Producer({
    "bootstrap.servers": bootstrap,
    "acks": "all",
    "enable.idempotence": True,
    "linger.ms": 5,
    "message.timeout.ms": 120000,
    "retry.backoff.ms": 100,
    "reconnect.backoff.max.ms": 500,
    "topic.metadata.refresh.interval.ms": 1000,
})


def cb(err, msg):
    global failed
    if err is None:
        acked.write(f"{msg.value().decode()} {msg.partition()} {msg.offset()}\n")
    else:
        failed += 1
        print(f"delivery failed: {err}", file=sys.stderr, flush=True)


i = 0
start = time.time()
while running:
    # Pace: never more than `rate` per second since the start.
    due = int((time.time() - start) * rate)
    while i < due:
        try:
            p.produce(topic, value=str(i).encode(), callback=cb)
            i += 1
        except BufferError:
            break
    p.poll(0.01)
left = p.flush(150)
acked.close()
print(f"produced {i} failed {failed} unflushed {left}", file=sys.stderr, flush=True)
sys.exit(1 if failed or left else 0)
