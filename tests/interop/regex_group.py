"""A consumer group subscribed by regex (confluent-kafka) sees topics created,
grown and deleted after it joined, and rebalances each time.

usage: regex_group.py BOOTSTRAP PREFIX range|cooperative-sticky
Prints each step; exit 0 on success, raises with a clear message otherwise.
"""
import sys
import time

from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient, NewPartitions, NewTopic

bootstrap, prefix, strategy = sys.argv[1], sys.argv[2], sys.argv[3]
admin = AdminClient({"bootstrap.servers": bootstrap})


def consumer(i):
    c = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"{prefix}-group",
            "client.id": f"member-{i}",
            "partition.assignment.strategy": strategy,
            "topic.metadata.refresh.interval.ms": 1000,
            "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 500,
            "enable.auto.commit": False,
        }
    )
    c.subscribe([f"^{prefix}\\..*"])
    return c


members = [consumer(0), consumer(1)]


def assigned():
    out = set()
    for c in members:
        out |= {(tp.topic, tp.partition) for tp in c.assignment()}
    return out


def wait_for(want, what):
    deadline = time.time() + 60
    while time.time() < deadline:
        for c in members:
            c.poll(0.1)
        got = assigned()
        sizes = [len(c.assignment()) for c in members]
        if got == want and sum(sizes) == len(want):
            print(f"{what}: {sorted(got)} split {sizes}", flush=True)
            return
    raise AssertionError(f"{what}: assigned {sorted(assigned())}, want {sorted(want)}")


def wait(futures):
    for f in futures.values():
        f.result(30)


x, y = f"{prefix}.x", f"{prefix}.y"
wait(admin.create_topics([NewTopic(x, 2, 1)]))
wait_for({(x, 0), (x, 1)}, "joined")
wait(admin.create_topics([NewTopic(y, 2, 1)]))
wait_for({(x, 0), (x, 1), (y, 0), (y, 1)}, "a new topic")
wait(admin.create_partitions([NewPartitions(y, 3)]))
wait_for({(x, 0), (x, 1), (y, 0), (y, 1), (y, 2)}, "new partitions")
wait(admin.delete_topics([x]))
wait_for({(y, 0), (y, 1), (y, 2)}, "a deleted topic")
for c in members:
    c.close()
print("regex ok")
