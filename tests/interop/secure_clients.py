"""confluent-kafka and kafka-python over a secured listener: each produces 10
messages to TOPIC and then each reads all 20 back from the beginning. Prints one
line per step; exits 1 on any failure.

usage: secure_clients.py BOOTSTRAP TOPIC CA ssl CERT KEY
       secure_clients.py BOOTSTRAP TOPIC CA sasl_ssl MECHANISM USER PASSWORD
       secure_clients.py BOOTSTRAP TOPIC - sasl_plaintext MECHANISM USER PASSWORD
"""
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer
from kafka import KafkaConsumer, KafkaProducer

bootstrap, topic, ca, mode = sys.argv[1:5]
rest = sys.argv[5:]

if mode == "ssl":
    cert, key = rest
    confluent = {
        "security.protocol": "SSL",
        "ssl.ca.location": ca,
        "ssl.certificate.location": cert,
        "ssl.key.location": key,
    }
    kpython = {
        "security_protocol": "SSL",
        "ssl_cafile": ca,
        "ssl_certfile": cert,
        "ssl_keyfile": key,
        "ssl_check_hostname": True,
    }
else:
    mechanism, user, password = rest
    protocol = mode.upper()
    confluent = {
        "security.protocol": protocol,
        "sasl.mechanism": mechanism,
        "sasl.username": user,
        "sasl.password": password,
    }
    kpython = {
        "security_protocol": protocol,
        "sasl_mechanism": mechanism,
        "sasl_plain_username": user,
        "sasl_plain_password": password,
    }
    if protocol == "SASL_SSL":
        confluent["ssl.ca.location"] = ca
        kpython["ssl_cafile"] = ca
        kpython["ssl_check_hostname"] = True

p = Producer({"bootstrap.servers": bootstrap, **confluent})
for i in range(10):
    p.produce(topic, value=f"confluent-{i}".encode())
left = p.flush(30)
assert left == 0, f"confluent-kafka left {left} unflushed"
print("confluent-kafka produced 10", flush=True)

kp = KafkaProducer(bootstrap_servers=bootstrap, **kpython)
for i in range(10):
    kp.send(topic, f"kafka-python-{i}".encode()).get(timeout=30)
kp.close()
print("kafka-python produced 10", flush=True)

c = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": f"secure-{uuid.uuid4()}",
    "auto.offset.reset": "earliest",
    **confluent,
})
c.subscribe([topic])
seen = set()
deadline = time.time() + 60
while len(seen) < 20 and time.time() < deadline:
    m = c.poll(1.0)
    if m is not None and m.error() is None:
        seen.add(m.value().decode())
c.close()
assert len(seen) == 20, f"confluent-kafka read {sorted(seen)}"
print("confluent-kafka read 20", flush=True)

kc = KafkaConsumer(
    topic,
    bootstrap_servers=bootstrap,
    group_id=f"secure-{uuid.uuid4()}",
    auto_offset_reset="earliest",
    consumer_timeout_ms=20000,
    **kpython,
)
seen = set()
for m in kc:
    seen.add(m.value.decode())
    if len(seen) == 20:
        break
kc.close()
assert len(seen) == 20, f"kafka-python read {sorted(seen)}"
print("kafka-python read 20", flush=True)
