"""Transactions (KIP-98) with confluent-kafka (librdkafka) against kw.

usage:
  txn_clients.py BOOTSTRAP basic TOPIC_A TOPIC_B
      transactional producer across two topics and several partitions, with
      send_offsets_to_transaction, commit and abort; read_committed sees each
      committed message once and no aborted one, read_uncommitted sees both and no
      control records; the group's offsets are the ones sent in the transaction.
  txn_clients.py BOOTSTRAP zombie TOPIC
      a second producer with the same transactional.id fences the first.
  txn_clients.py BOOTSTRAP hang TOPIC TXN_ID
      open a transaction, write to TOPIC, print OPEN and wait to be killed.
  txn_clients.py BOOTSTRAP ctp IN OUT GROUP TXN_ID COUNT
      consume-transform-produce: copy IN to OUT as out-<value> in transactions of up
      to 50 messages, offsets committed in the transaction; survives coordinator
      and leader failover by aborting and rewinding, or re-creating the producer
      when fenced. Prints progress lines "processed N"; exits 0 once COUNT input
      messages are committed.
  txn_clients.py BOOTSTRAP read_committed TOPIC
      print every value a read_committed consumer sees, one per line, then exit.
Exit 0 on success; any failure raises with a clear message.
"""
import sys
import time
import uuid

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient

bootstrap, mode = sys.argv[1], sys.argv[2]
args = sys.argv[3:]


def partitions_of(topic):
    md = AdminClient({"bootstrap.servers": bootstrap}).list_topics(topic, timeout=10)
    return sorted(md.topics[topic].partitions)


def read_all(topic, isolation, settle=3.0, deadline=60.0):
    """Every (partition, offset, value) a consumer with `isolation` reads; stops
    once nothing new arrives for `settle` seconds after reaching the end."""
    c = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"reader-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "isolation.level": isolation,
            "enable.partition.eof": True,
        }
    )
    parts = partitions_of(topic)
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
    out, eof, last_new = [], set(), time.time()
    stop = time.time() + deadline
    while time.time() < stop:
        msgs = c.consume(500, timeout=0.5)
        for m in msgs:
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    eof.add(m.partition())
                    continue
                raise KafkaException(m.error())
            out.append((m.partition(), m.offset(), m.value().decode()))
            last_new = time.time()
        if len(eof) == len(parts) and time.time() - last_new > settle:
            break
    c.close()
    return out


def basic(topic_a, topic_b):
    group = f"txn-group-{uuid.uuid4().hex[:6]}"
    p = Producer({"bootstrap.servers": bootstrap, "transactional.id": f"basic-{uuid.uuid4().hex[:6]}"})
    p.init_transactions(30)
    # A consumer whose position the transaction commits.
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    committed, aborted = set(), set()
    for round_no in range(6):
        commit = round_no % 3 != 1
        p.begin_transaction()
        for i in range(40):
            value = f"r{round_no}-{i}"
            topic = topic_a if i % 2 == 0 else topic_b
            p.produce(topic, key=f"k{i}", value=value)
            (committed if commit else aborted).add(value)
        # The offsets of "what was consumed": partition 0 of topic_a at 10 * round.
        offsets = [TopicPartition(topic_a, 0, 10 * (round_no + 1))]
        p.send_offsets_to_transaction(offsets, c.consumer_group_metadata(), 30)
        if commit:
            p.commit_transaction(30)
        else:
            p.flush(30)
            p.abort_transaction(30)
    c.close()
    for topic in (topic_a, topic_b):
        rc = read_all(topic, "read_committed")
        values = [v for _, _, v in rc]
        assert len(values) == len(set(values)), f"{topic}: a committed message read twice"
        want = {v for v in committed if int(v.split("-")[1]) % 2 == (0 if topic == topic_a else 1)}
        assert set(values) == want, f"{topic}: read_committed read {len(values)}, want {len(want)}; aborted seen: {sorted(set(values) & aborted)[:5]}"
        ru = read_all(topic, "read_uncommitted")
        all_values = [v for _, _, v in ru]
        want_all = {v for v in committed | aborted if int(v.split("-")[1]) % 2 == (0 if topic == topic_a else 1)}
        assert set(all_values) == want_all and len(all_values) == len(want_all), f"{topic}: read_uncommitted read {len(all_values)}, want {len(want_all)}"
        # Control records take offsets but are never delivered: per partition the
        # offsets read have gaps where markers are.
        by_part = {}
        for part, off, _ in ru:
            by_part.setdefault(part, []).append(off)
        gaps = sum(1 for offs in by_part.values() for a, b in zip(offs, offs[1:]) if b > a + 1)
        assert gaps > 0, f"{topic}: no offset gaps, so markers were delivered or missing"
    # The last committed round's offsets (round 5 -> 60) are the group's.
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    got = c.committed([TopicPartition(topic_a, 0)], timeout=10)[0].offset
    c.close()
    assert got == 60, f"offset committed in the transaction: {got}, want 60"
    print(f"basic ok: {len(committed)} committed, {len(aborted)} aborted")


def zombie(topic):
    tid = f"zombie-{uuid.uuid4().hex[:6]}"
    first = Producer({"bootstrap.servers": bootstrap, "transactional.id": tid})
    first.init_transactions(30)
    first.begin_transaction()
    first.produce(topic, value="from-the-zombie")
    first.flush(30)
    second = Producer({"bootstrap.servers": bootstrap, "transactional.id": tid})
    # Fences the first and aborts its open transaction.
    second.init_transactions(60)
    try:
        first.commit_transaction(30)
        raise AssertionError("the fenced producer committed")
    except KafkaException as e:
        err = e.args[0]
        assert err.fatal() or err.code() in (KafkaError._FENCED, KafkaError.PRODUCER_FENCED, KafkaError.INVALID_PRODUCER_EPOCH), f"unexpected error for the zombie: {err}"
        print(f"zombie fenced: {err.name()}")
    second.begin_transaction()
    second.produce(topic, value="from-the-new-producer")
    second.commit_transaction(30)
    values = [v for _, _, v in read_all(topic, "read_committed")]
    assert values == ["from-the-new-producer"], f"read_committed saw {values}"
    print("zombie ok")


def hang(topic, tid):
    p = Producer({"bootstrap.servers": bootstrap, "transactional.id": tid, "transaction.timeout.ms": 3000})
    p.init_transactions(30)
    p.begin_transaction()
    for i in range(10):
        p.produce(topic, value=f"left-open-{i}")
    p.flush(30)
    print("OPEN", flush=True)
    time.sleep(600)


def ctp(topic_in, topic_out, group, tid, count):
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 10000,
        }
    )
    consumer.subscribe([topic_in])

    def new_producer():
        p = Producer({"bootstrap.servers": bootstrap, "transactional.id": tid, "transaction.timeout.ms": 30000})
        p.init_transactions(120)
        return p

    def rewind():
        # Back to what the last committed transaction recorded.
        assignment = consumer.assignment()
        if assignment:
            for tp in consumer.committed(assignment, timeout=30):
                consumer.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))

    producer = new_producer()
    processed = 0
    deadline = time.time() + 240
    while time.time() < deadline:
        msgs = [m for m in consumer.consume(50, timeout=1.0) if not m.error()]
        if not msgs:
            committed = consumer.committed(consumer.assignment(), timeout=30) if consumer.assignment() else []
            done = sum(max(tp.offset, 0) for tp in committed)
            if done >= count:
                print(f"done {done}", flush=True)
                return
            continue
        try:
            producer.begin_transaction()
            for m in msgs:
                producer.produce(topic_out, key=m.key(), value=b"out-" + m.value())
            producer.send_offsets_to_transaction(consumer.position(consumer.assignment()), consumer.consumer_group_metadata(), 60)
            producer.commit_transaction(60)
            processed += len(msgs)
            print(f"processed {processed}", flush=True)
        except KafkaException as e:
            err = e.args[0]
            print(f"transaction failed: {err}", flush=True)
            if err.txn_requires_abort():
                try:
                    producer.abort_transaction(60)
                except KafkaException as e2:
                    print(f"abort failed: {e2}", flush=True)
                    producer = new_producer()
            elif err.retriable():
                # The commit's outcome is unknown: retry it, as the client asks.
                try:
                    producer.commit_transaction(60)
                    processed += len(msgs)
                    print(f"processed {processed}", flush=True)
                    continue
                except KafkaException as e2:
                    print(f"commit retry failed: {e2}", flush=True)
                    try:
                        producer.abort_transaction(60)
                    except KafkaException:
                        producer = new_producer()
            else:
                producer = new_producer()
            rewind()
    raise AssertionError(f"ctp did not finish: {processed} processed")


def read_committed(topic):
    for _, _, v in read_all(topic, "read_committed", settle=2.0):
        print(v)


if mode == "basic":
    basic(*args)
elif mode == "zombie":
    zombie(*args)
elif mode == "hang":
    hang(*args)
elif mode == "ctp":
    ctp(args[0], args[1], args[2], args[3], int(args[4]))
elif mode == "read_committed":
    read_committed(*args)
else:
    raise SystemExit(f"unknown mode {mode}")
