"""confluent-kafka against kw's ACLs (see tests/security.rs): alice may read topic
"allowed" in group "alice-group" and nothing else; admin is a super user; bob
has no ACL. Prints what each client was allowed or refused.

usage: acl_clients.py BOOTSTRAP
"""
import sys
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation,
                                   AclPermissionType, AdminClient, ResourcePatternType,
                                   ResourceType)

bootstrap = sys.argv[1]


def conf(user, mechanism="PLAIN"):
    return {
        "bootstrap.servers": bootstrap,
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": mechanism,
        "sasl.username": user,
        "sasl.password": f"{user}-secret",
    }


def read(topic, group, assign=False):
    c = Consumer({**conf("alice"), "group.id": group, "auto.offset.reset": "earliest",
                  "enable.auto.commit": False})
    if assign:
        # From the beginning, whatever the group committed before.
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    else:
        c.subscribe([topic])
    got, error = 0, None
    for _ in range(30):
        m = c.poll(1.0)
        if m is None:
            if got:
                break
            continue
        if m.error():
            error = m.error().name()
            break
        got += 1
        if got == 3:
            break
    c.close()
    return got, error


got, _ = read("allowed", "alice-group", assign=True)
print(f"alice read {got} from allowed", flush=True)
_, error = read("secret", "alice-group")
print(f"alice secret: {error}", flush=True)

p = Producer({**conf("alice"), "message.timeout.ms": 10000})
errors = []
p.produce("allowed", b"x", callback=lambda err, msg: errors.append(err))
p.flush(20)
print(f"alice produce: {errors[0].name() if errors and errors[0] else 'ok'}", flush=True)

admin = AdminClient(conf("admin", "SCRAM-SHA-512"))
acls = admin.describe_acls(AclBindingFilter(
    ResourceType.ANY, None, ResourcePatternType.ANY, None, None,
    AclOperation.ANY, AclPermissionType.ANY)).result(30)
print(f"admin sees {len(acls)} acls", flush=True)

bob = AdminClient(conf("bob"))
binding = AclBinding(ResourceType.TOPIC, "secret", ResourcePatternType.LITERAL,
                     "User:bob", "*", AclOperation.READ, AclPermissionType.ALLOW)
try:
    for f in bob.create_acls([binding]).values():
        f.result(30)
    print("bob create_acls: ok", flush=True)
except KafkaException as e:
    print(f"bob create_acls: {e.args[0].name()}", flush=True)

# Internal topics never join a transaction through AddPartitionsToTxn, not even
# for a super user (offsets go through AddOffsetsToTxn).
tx = Producer({**conf("admin", "SCRAM-SHA-512"), "transactional.id": "acl-internal",
               "message.timeout.ms": 10000})
tx.init_transactions(30)
tx.begin_transaction()
tx.produce("__consumer_offsets", b"x", partition=0)
try:
    tx.commit_transaction(30)
    print("admin txn to __consumer_offsets: ok", flush=True)
except KafkaException as e:
    print(f"admin txn to __consumer_offsets: {e.args[0].name()}", flush=True)
