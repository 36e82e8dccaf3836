"""kafka-python against kw: KafkaProducer (acks=all), KafkaConsumer with assign(),
KafkaAdminClient create/list/delete. Exit 0 on success.

usage: kafka_python_clients.py BOOTSTRAP TOPIC COUNT
"""
import json
import sys
import time
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.time() + 60

p = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
futures = [p.send(topic, key=f"k{i % 10}".encode(), value=f"v{i}".encode()) for i in range(count)]
p.flush(30)
for f in futures:
    f.get(timeout=10)
p.close()

c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, consumer_timeout_ms=2000)
parts = [TopicPartition(topic, p) for p in sorted(c.partitions_for_topic(topic))]
c.assign(parts)
c.seek_to_beginning(*parts)
seen = set()
while len(seen) < count and time.time() < deadline:
    for batch in c.poll(timeout_ms=1000).values():
        for m in batch:
            seen.add(m.value.decode())
c.close()
assert seen == {f"v{i}" for i in range(count)}, f"read {len(seen)} of {count}"

a = KafkaAdminClient(bootstrap_servers=bootstrap)
name = f"kp-{uuid.uuid4().hex[:8]}"
a.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)])
assert name in a.list_topics(), "created topic listed"
try:
    a.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)])
    raise AssertionError("creating an existing topic must fail")
except TopicAlreadyExistsError:
    pass
a.delete_topics([name])
while time.time() < deadline and name in a.list_topics():
    time.sleep(0.2)
assert name not in a.list_topics(), "deleted topic gone"
a.close()
print(json.dumps({"client": "kafka-python", "produced": count, "consumed": len(seen)}))
