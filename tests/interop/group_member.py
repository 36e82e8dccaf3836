"""A consumer-group member using a real Python client, for mixed-group tests.

usage: group_member.py confluent|kafka-python BOOTSTRAP GROUP TOPIC
Prints `ASSIGNED p,p,...` after every rebalance and `p|offset|value` per message
(flushed), until SIGTERM/SIGINT; then closes (commit + leave group).
"""
import signal
import sys

kind, bootstrap, group, topic = sys.argv[1:5]
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if kind == "confluent":
    from confluent_kafka import Consumer

    c = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 500,
        "partition.assignment.strategy": "range,roundrobin",
    })

    def on_assign(consumer, partitions):
        say("ASSIGNED " + ",".join(str(p.partition) for p in partitions))

    c.subscribe([topic], on_assign=on_assign)
    while running:
        m = c.poll(0.2)
        if m is None or m.error():
            continue
        say(f"{m.partition()}|{m.offset()}|{m.value().decode()}")
    c.close()
else:
    from kafka import KafkaConsumer
    from kafka.consumer.subscription_state import ConsumerRebalanceListener

    c = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
    )

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            pass

        def on_partitions_assigned(self, assigned):
            say("ASSIGNED " + ",".join(str(p.partition) for p in assigned))

    c.subscribe([topic], listener=Listener())
    while running:
        for batch in c.poll(timeout_ms=200).values():
            for m in batch:
                say(f"{m.partition}|{m.offset}|{m.value.decode()}")
    c.close()
