"""Transactional producer for the fault tests: transactions of 5 numbered messages
("t<n>"), every third one aborted, riding out faults (a fenced or failed producer is
replaced, an abortable error aborts). After each transaction whose outcome it knows
it writes "commit n1 n2 ..." or "abort n1 n2 ..." to LOG_FILE; a transaction whose
commit failed half-way is written as "unknown ...". Stops on SIGTERM.

usage: fault_txn_writer.py BOOTSTRAP TOPIC LOG_FILE
"""
import signal
import sys
import time

from confluent_kafka import KafkaException, Producer

bootstrap, topic, log_path = sys.argv[1:4]
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
log = open(log_path, "a", buffering=1)


def new_producer():
    while running:
        try:
            p = Producer({
                "bootstrap.servers": bootstrap,
                "transactional.id": "fault-txn",
                "transaction.timeout.ms": 60000,
                "message.timeout.ms": 60000,
                "topic.metadata.refresh.interval.ms": 1000,
            })
            p.init_transactions(60)
            return p
        except KafkaException as e:
            print(f"init failed: {e}", file=sys.stderr, flush=True)
            time.sleep(1)
    return None


p = new_producer()
n = 0
txn = 0
while running and p is not None:
    values = [f"t{n + i}" for i in range(5)]
    n += 5
    txn += 1
    commit = txn % 3 != 0
    outcome = "unknown"
    try:
        p.begin_transaction()
        for v in values:
            p.produce(topic, key=v, value=v)
        if commit:
            p.commit_transaction(60)
            outcome = "commit"
        else:
            p.flush(60)
            p.abort_transaction(60)
            outcome = "abort"
    except KafkaException as e:
        err = e.args[0]
        print(f"transaction failed: {err}", file=sys.stderr, flush=True)
        aborted = False
        if err.txn_requires_abort():
            try:
                p.abort_transaction(60)
                outcome, aborted = "abort", True
            except KafkaException:
                pass
        if not aborted:
            # Whatever this transaction became, a new producer with the same id
            # finishes it (fencing aborts it unless its commit was prepared).
            p = new_producer()
    log.write(f"{outcome} {' '.join(values)}\n")
    time.sleep(0.2)
log.close()
