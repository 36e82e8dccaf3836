"""Admin APIs with confluent-kafka's AdminClient and kafka-python's KafkaAdminClient
against kw: configs (describe, alter, incremental alter, for topics and brokers,
CreateTopics validation), DeleteRecords, group offsets (alter, delete), DeleteGroups.

usage: admin_clients.py BOOTSTRAP confluent|kafka-python
Exit 0 on success; any failure raises with a clear message.
"""
import sys
import time
import uuid

bootstrap, which = sys.argv[1], sys.argv[2]


def name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def produce(topic, n, partition=0):
    from confluent_kafka import Producer

    p = Producer({"bootstrap.servers": bootstrap})
    for i in range(n):
        p.produce(topic, value=f"v{i}", partition=partition)
    assert p.flush(30) == 0


def confluent():
    from confluent_kafka import (
        Consumer,
        ConsumerGroupTopicPartitions,
        KafkaException,
        TopicPartition,
    )
    from confluent_kafka.admin import (
        AdminClient,
        AlterConfigOpType,
        ConfigEntry,
        ConfigResource,
        ConfigSource,
        NewTopic,
    )

    a = AdminClient({"bootstrap.servers": bootstrap})

    def expect_error(futures, code_name, text=None):
        for f in futures.values():
            try:
                f.result(15)
            except KafkaException as e:
                err = e.args[0]
                assert err.name() == code_name, f"expected {code_name}, got {err}"
                if text:
                    assert text in err.str(), f"message {err.str()!r} lacks {text!r}"
                return
        raise AssertionError(f"expected {code_name}, the call succeeded")

    # CreateTopics: every Kafka topic config is accepted; a bad one is INVALID_CONFIG.
    t = name("cfg")
    for f in a.create_topics(
        [NewTopic(t, 2, 1, config={"retention.ms": "3600000", "min.compaction.lag.ms": "5", "preallocate": "true"})]
    ).values():
        f.result(15)
    expect_error(
        a.create_topics([NewTopic(name("bad"), 1, 1, config={"not.a.real.topic.config": "1"})]),
        "INVALID_CONFIG",
        "Unknown topic config name: not.a.real.topic.config",
    )
    expect_error(
        a.create_topics([NewTopic(name("bad"), 1, 1, config={"retention.ms": "soon"})]),
        "INVALID_CONFIG",
        "Invalid value soon for configuration retention.ms",
    )

    res = ConfigResource(ConfigResource.Type.TOPIC, t)

    def topic_configs():
        return a.describe_configs([res])[res].result(15)

    c = topic_configs()
    assert c["retention.ms"].value == "3600000" and c["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value
    assert c["segment.ms"].source == ConfigSource.DEFAULT_CONFIG.value and c["segment.ms"].is_default
    assert c["preallocate"].value == "true"

    # IncrementalAlterConfigs: SET, DELETE and APPEND on a list.
    inc = ConfigResource(
        ConfigResource.Type.TOPIC,
        t,
        incremental_configs=[
            ConfigEntry("segment.ms", "600000", incremental_operation=AlterConfigOpType.SET),
            ConfigEntry("retention.ms", None, incremental_operation=AlterConfigOpType.DELETE),
            ConfigEntry("cleanup.policy", "compact", incremental_operation=AlterConfigOpType.APPEND),
        ],
    )
    for f in a.incremental_alter_configs([inc]).values():
        f.result(15)
    c = topic_configs()
    assert c["segment.ms"].value == "600000", c["segment.ms"]
    assert c["retention.ms"].is_default, c["retention.ms"]
    assert c["cleanup.policy"].value == "delete,compact", c["cleanup.policy"]
    bad = ConfigResource(
        ConfigResource.Type.TOPIC,
        t,
        incremental_configs=[ConfigEntry("min.insync.replicas", "0", incremental_operation=AlterConfigOpType.SET)],
    )
    expect_error(a.incremental_alter_configs([bad]), "INVALID_CONFIG", "Value must be at least 1")
    missing = ConfigResource(
        ConfigResource.Type.TOPIC,
        name("missing"),
        incremental_configs=[ConfigEntry("segment.ms", "1000", incremental_operation=AlterConfigOpType.SET)],
    )
    expect_error(a.incremental_alter_configs([missing]), "UNKNOWN_TOPIC_OR_PART")

    # Legacy AlterConfigs replaces the whole set of overrides.
    legacy = ConfigResource(ConfigResource.Type.TOPIC, t, set_config={"max.message.bytes": "2000000"})
    for f in a.alter_configs([legacy]).values():
        f.result(15)
    c = topic_configs()
    assert c["max.message.bytes"].value == "2000000"
    assert c["segment.ms"].is_default and c["cleanup.policy"].value == "delete", "legacy alter replaced the set"

    # A dynamic per-broker config is the broker-level default topics inherit.
    md = a.list_topics(timeout=10)
    broker_id = str(sorted(md.brokers)[0])
    b = ConfigResource(
        ConfigResource.Type.BROKER,
        broker_id,
        incremental_configs=[ConfigEntry("log.retention.ms", "7200000", incremental_operation=AlterConfigOpType.SET)],
    )
    for f in a.incremental_alter_configs([b]).values():
        f.result(15)
    bres = ConfigResource(ConfigResource.Type.BROKER, broker_id)
    bc = a.describe_configs([bres])[bres].result(15)
    assert bc["log.retention.ms"].value == "7200000", bc["log.retention.ms"]
    assert bc["log.retention.ms"].source == ConfigSource.DYNAMIC_BROKER_CONFIG.value
    assert not bc["log.retention.ms"].is_read_only and bc["broker.heartbeat.interval.ms"].is_read_only
    c = topic_configs()
    assert c["retention.ms"].value == "7200000" and c["retention.ms"].source == ConfigSource.DYNAMIC_BROKER_CONFIG.value, c["retention.ms"]
    ro = ConfigResource(
        ConfigResource.Type.BROKER,
        broker_id,
        incremental_configs=[ConfigEntry("num.partitions", "4", incremental_operation=AlterConfigOpType.SET)],
    )
    expect_error(a.incremental_alter_configs([ro]), "INVALID_REQUEST", "Cannot update these configs dynamically")
    reset = ConfigResource(
        ConfigResource.Type.BROKER,
        broker_id,
        incremental_configs=[ConfigEntry("log.retention.ms", None, incremental_operation=AlterConfigOpType.DELETE)],
    )
    for f in a.incremental_alter_configs([reset]).values():
        f.result(15)
    assert topic_configs()["retention.ms"].is_default

    # DeleteRecords: the log start moves; beyond the high watermark is refused.
    d = name("del")
    for f in a.create_topics([NewTopic(d, 1, 1)]).values():
        f.result(15)
    produce(d, 10)
    out = a.delete_records([TopicPartition(d, 0, 4)])
    low = list(out.values())[0].result(15)
    assert low.low_watermark == 4, low
    expect_error(a.delete_records([TopicPartition(d, 0, 50)]), "OFFSET_OUT_OF_RANGE")
    c2 = Consumer({"bootstrap.servers": bootstrap, "group.id": name("g"), "enable.auto.commit": False})
    lo, hi = c2.get_watermark_offsets(TopicPartition(d, 0), timeout=10)
    assert (lo, hi) == (4, 10), (lo, hi)
    c2.close()

    # Group offsets: altering a group's offsets works while it has no members and
    # is refused (UNKNOWN_MEMBER_ID) while it has some; an emptied group is deleted.
    g = name("grp")
    r = a.alter_consumer_group_offsets([ConsumerGroupTopicPartitions(g, [TopicPartition(d, 0, 7)])])
    list(r.values())[0].result(15)
    member = Consumer({"bootstrap.servers": bootstrap, "group.id": g, "enable.auto.commit": False, "session.timeout.ms": 6000})
    member.subscribe([d])
    deadline = time.time() + 30
    while not member.assignment() and time.time() < deadline:
        member.poll(0.2)
    assert member.assignment(), "the member never got its assignment"
    r = a.alter_consumer_group_offsets([ConsumerGroupTopicPartitions(g, [TopicPartition(d, 0, 8)])])
    try:
        done = list(r.values())[0].result(15)
        errors = [tp.error for tp in done.topic_partitions if tp.error is not None]
        assert errors and errors[0].name() == "UNKNOWN_MEMBER_ID", f"altering the offsets of an active group must fail: {done}"
    except KafkaException as e:
        assert "UNKNOWN_MEMBER_ID" in str(e), e
    expect_error(a.delete_consumer_groups([g]), "NON_EMPTY_GROUP")
    member.close()
    for f in a.delete_consumer_groups([g]).values():
        f.result(15)
    expect_error(a.delete_consumer_groups([g]), "GROUP_ID_NOT_FOUND")
    print("confluent admin ok")


def kafka_python():
    from kafka import KafkaAdminClient, TopicPartition
    from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
    from kafka.errors import InvalidConfigurationError, OffsetOutOfRangeError
    from kafka.structs import OffsetAndMetadata

    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    t = name("kp-cfg")
    a.create_topics([NewTopic(t, 2, 1, topic_configs={"segment.ms": "3600000"})])
    try:
        a.create_topics([NewTopic(name("kp-bad"), 1, 1, topic_configs={"segment.bytes": "1"})])
        raise AssertionError("segment.bytes=1 must be refused")
    except InvalidConfigurationError as e:
        assert "Value must be at least 14" in str(e), e

    def topic_config(key):
        out = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t)], config_filter="all")
        entry = out["topic"][t].get(key)
        return entry["value"] if isinstance(entry, dict) else entry

    assert topic_config("segment.ms") == "3600000", topic_config("segment.ms")
    result = a.alter_configs([ConfigResource(ConfigResourceType.TOPIC, t, configs={"retention.ms": "120000"})])
    assert "OK" in str(result), result
    assert topic_config("retention.ms") == "120000", topic_config("retention.ms")
    assert topic_config("segment.ms") == "3600000", "an incremental alter keeps the other overrides"

    # DeleteRecords
    produce(t, 6, partition=1)
    out = a.delete_records({TopicPartition(t, 1): 2})
    assert list(out.values())[0]["low_watermark"] == 2, out
    try:
        a.delete_records({TopicPartition(t, 1): 100})
        raise AssertionError("beyond the high watermark must be refused")
    except OffsetOutOfRangeError:
        pass

    # Group offsets: alter, delete one partition's, delete the group.
    g = name("kp-grp")
    out = a.alter_group_offsets(g, {TopicPartition(t, 0): OffsetAndMetadata(0, "", -1), TopicPartition(t, 1): OffsetAndMetadata(3, "", -1)})
    assert all(e.__name__ == "NoError" for e in out.values()), out
    offsets = a.list_group_offsets({g: None})[g]
    assert offsets[TopicPartition(t, 1)].offset == 3, offsets
    errs = a.delete_group_offsets(g, [TopicPartition(t, 1)])
    assert all(e.__name__ == "NoError" for e in errs.values()), errs
    offsets = a.list_group_offsets({g: None})[g]
    assert TopicPartition(t, 1) not in offsets, offsets
    assert TopicPartition(t, 0) in offsets, offsets
    out = a.delete_groups([g])
    assert out == {g: "OK"}, out
    out = a.delete_groups([g])
    assert "GroupIdNotFound" in str(out[g]), out
    print("kafka-python admin ok")


if which == "confluent":
    confluent()
elif which == "kafka-python":
    kafka_python()
else:
    raise SystemExit(f"unknown client {which}")
