"""confluent-kafka (librdkafka) against kw: idempotent acks=all producer, assign()
consumer, AdminClient. Exit 0 on success; any failure raises with a clear message.

usage: confluent_clients.py BOOTSTRAP TOPIC COUNT
"""
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.time() + 60


def produce():
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True, "linger.ms": 5})
    failures = []

    def cb(err, msg):
        if err is not None:
            failures.append(str(err))

    for i in range(count):
        while True:
            try:
                p.produce(topic, key=f"k{i % 10}", value=f"v{i}", callback=cb)
                break
            except BufferError:
                p.poll(0.05)
        if i % 1000 == 0:
            p.poll(0)
    left = p.flush(30)
    assert left == 0, f"{left} messages still undelivered after flush"
    assert not failures, f"delivery failures: {failures[:5]}"


def consume():
    md = AdminClient({"bootstrap.servers": bootstrap}).list_topics(topic, timeout=10)
    partitions = sorted(md.topics[topic].partitions)
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"interop-{uuid.uuid4()}", "enable.auto.commit": False})
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    seen, last = set(), {}
    while len(seen) < count and time.time() < deadline:
        for m in c.consume(1000, timeout=1.0):
            if m.error():
                raise KafkaException(m.error())
            assert last.get(m.partition(), -1) < m.offset(), "offsets must increase"
            last[m.partition()] = m.offset()
            seen.add(m.value().decode())
    c.close()
    assert seen == {f"v{i}" for i in range(count)}, f"read {len(seen)} of {count} distinct values"
    return len(partitions)


def admin():
    a = AdminClient({"bootstrap.servers": bootstrap})
    name = f"adm-{uuid.uuid4().hex[:8]}"
    for f in a.create_topics([NewTopic(name, num_partitions=3, replication_factor=1, config={"retention.ms": "3600000"})]).values():
        f.result(10)
    md = a.list_topics(timeout=10)
    assert name in md.topics and len(md.topics[name].partitions) == 3, "created topic listed with 3 partitions"
    res = ConfigResource(ConfigResource.Type.TOPIC, name)
    configs = a.describe_configs([res])[res].result(10)
    assert configs["retention.ms"].value == "3600000", configs["retention.ms"]
    assert configs["cleanup.policy"].value == "delete"
    try:
        for f in a.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)]).values():
            f.result(10)
        raise AssertionError("creating an existing topic must fail")
    except KafkaException as e:
        assert e.args[0].name() == "TOPIC_ALREADY_EXISTS", e
    for f in a.delete_topics([name]).values():
        f.result(10)
    while time.time() < deadline:
        if name not in a.list_topics(timeout=10).topics:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("deleted topic still listed")


produce()
n = consume()
admin()
print(json.dumps({"client": "confluent-kafka", "produced": count, "consumed": count, "partitions": n}))
