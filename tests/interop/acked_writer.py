"""Produce numbered messages with acks=all until told to stop or the broker goes away;
append every acknowledged number to ACKED_FILE (flushed at once).

usage: acked_writer.py BOOTSTRAP TOPIC ACKED_FILE
"""
import signal
import sys
import time

from confluent_kafka import Producer

bootstrap, topic, acked_path = sys.argv[1:4]
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
acked = open(acked_path, "a", buffering=1)
p = Producer({
    "bootstrap.servers": bootstrap,
    "acks": "all",
    "enable.idempotence": True,
    "linger.ms": 2,
    "message.timeout.ms": 4000,
})


def cb(err, msg):
    if err is None:
        acked.write(msg.value().decode() + "\n")


i = 0
deadline = time.time() + 60
while running and time.time() < deadline:
    try:
        p.produce(topic, value=str(i).encode(), callback=cb)
        i += 1
    except BufferError:
        pass
    p.poll(0.001 if i % 100 == 0 else 0)
p.flush(10)
acked.close()
