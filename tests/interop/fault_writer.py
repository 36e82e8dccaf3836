"""Idempotent acks=all producer for the fault tests: a numbered stream paced at
about RATE messages/s, riding out faults (long message timeout). Every
acknowledgement is written to ACKED_FILE as "number partition offset produced_ns
acked_ns"; failed deliveries are counted on stderr. Stops on SIGTERM, flushing what
is in flight; exits 1 if anything failed or stayed unflushed.

usage: fault_writer.py BOOTSTRAP TOPIC ACKED_FILE RATE
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
    "message.timeout.ms": 300000,
    "request.timeout.ms": 10000,
    "retry.backoff.ms": 100,
    "retry.backoff.max.ms": 500,
    "reconnect.backoff.max.ms": 500,
    "topic.metadata.refresh.interval.ms": 1000,
})


def cb(err, msg):
    global failed
    if err is None:
        number, produced = msg.value().decode().split(" ")
        acked.write(f"{number} {msg.partition()} {msg.offset()} {produced} {time.time_ns()}\n")
    else:
        failed += 1
        print(f"delivery failed: {err}", file=sys.stderr, flush=True)


i = 0
start = time.time()
while running:
    due = int((time.time() - start) * rate)
    while i < due:
        try:
            p.produce(topic, key=str(i).encode(), value=f"{i} {time.time_ns()}".encode(), callback=cb)
            i += 1
        except BufferError:
            break
    p.poll(0.01)
left = p.flush(300)
acked.close()
print(f"produced {i} failed {failed} unflushed {left}", file=sys.stderr, flush=True)
sys.exit(1 if failed or left else 0)
