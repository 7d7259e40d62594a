"""Connector kinds: what each becomes (class, required keys, routing, secrets), from
the example catalog's inventory domain, without terraform."""

from __future__ import annotations

import re

import pytest

from streamgen import connect_kinds, kafka_configs, pipeline
from streamgen.model import Connector
from streamgen.secrets import SECRET_KEY


@pytest.fixture(scope="module")
def connectors(repo) -> dict[str, Connector]:
    resolved = pipeline.generate(repo, "dev", build=False).resolved
    return {c.name: c for root in resolved.roots for c in root.connectors}


def test_every_kind_is_in_the_example(connectors):
    assert {c.kind for c in connectors.values()} == set(connect_kinds.KINDS)


@pytest.mark.parametrize("kind", sorted(k for k in connect_kinds.KINDS if k != "custom"))
def test_kind_sets_its_class_and_required_keys(connectors, kind):
    [connector] = [c for c in connectors.values() if c.kind == kind]
    info = connect_kinds.KINDS[kind]
    config = connector.configuration
    assert config["connector.class"] == info.connector_class
    assert set(info.required) <= set(config), set(info.required) - set(config)
    assert all(isinstance(v, str) and v != "" for v in config.values()), config
    assert config["tasks.max"] == str(connector.tasks_max)


def test_passwords_are_config_provider_references_only(connectors):
    for connector in connectors.values():
        for key, value in connector.configuration.items():
            if SECRET_KEY.search(key) or key.endswith(".authorization"):
                assert re.fullmatch(r"\$\{secretsmanager:[^:}]+:[^}]+\}", value), (connector.name, key, value)
        referenced = {name for v in connector.configuration.values() for name, _ in connect_kinds.secret_references(v)}
        assert referenced == {s.name for s in connector.secrets}, connector.name


def test_no_connector_configures_cluster_authentication(connectors):
    # MSK Connect connects with IAM over TLS; only Debezium's own schema-history
    # clients carry IAM settings, and only those
    for connector in connectors.values():
        for key, value in connector.configuration.items():
            if re.search(r"(^|\.)(security\.protocol|sasl\.)", key):
                assert key.startswith("schema.history.internal."), (connector.name, key)
                assert value in connect_kinds.IAM_CLIENT.values(), (key, value)


def test_s3_sink_writes_its_folder_with_kms_and_hourly_layout(connectors):
    config = connectors["stock-archive"].configuration
    assert config["topics"] == "inventory.stock-levels,inventory.shipments"
    assert config["s3.bucket.name"] == "dev-inventory-111111111111-eu-west-1"
    assert config["topics.dir"] == "stock-archive"
    assert (config["s3.ssea.name"], config["s3.sse.kms.key.id"]) == (
        "aws:kms", "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000d001")
    assert config["partitioner.class"].endswith("TimeBasedPartitioner")
    assert config["path.format"] == "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH"
    assert (config["flush.size"], config["rotate.interval.ms"], config["s3.compression.type"]) == ("5000", "600000", "gzip")
    assert config["errors.deadletterqueue.topic.name"] == "inventory.connect-dlq"
    assert config["errors.tolerance"] == "all"
    # one task per partition read (12 + 6), whatever the capacity
    assert config["tasks.max"] == "18"


def test_sources_route_each_table_to_its_catalog_topic(connectors):
    mysql = connectors["products-cdc"].configuration
    assert mysql["topic.prefix"] == "inventory.products-cdc"
    assert mysql["table.include.list"] == "catalog.products"
    assert mysql["transforms"] == "route0"
    pattern = mysql["transforms.route0.regex"]
    assert re.fullmatch(pattern, "inventory.products-cdc.catalog.products")
    assert not re.fullmatch(pattern, "inventory.products-cdcXcatalog.products")  # dots are literal
    assert mysql["transforms.route0.replacement"] == "inventory.products.cdc"
    assert mysql["schema.history.internal.kafka.topic"] == "_inventory.products-cdc.schema-history"
    assert connectors["products-cdc"].internal_topics == ["_inventory.products-cdc.schema-history"]
    jdbc = connectors["shipments-poll"].configuration
    assert re.fullmatch(jdbc["transforms.route0.regex"], jdbc["topic.prefix"] + "shipments")
    assert jdbc["transforms.route0.replacement"] == "inventory.shipments"
    postgres = connectors["warehouses-cdc"].configuration
    assert (postgres["plugin.name"], postgres["slot.name"]) == ("pgoutput", "dev_inventory_warehouses_cdc")


def test_offsets_survive_replacement(connectors):
    for connector in connectors.values():
        if connector.direction == "source":
            assert connector.offset_storage_topic == f"__amazon_msk_connect_offsets_{connector.full_name}"
            assert connector.consumer_groups == connector.internal_topics  # Debezium history group only
        else:
            assert connector.offset_storage_topic is None
            assert connector.consumer_groups == [f"connect-{connector.full_name}"]


def test_catalog_config_overrides_defaults_but_not_managed_keys(connectors):
    webhook = connectors["partner-webhook"].configuration
    assert webhook["batch.max.size"] == "100" and webhook["batching.enabled"] == "true"
    assert webhook["topics"] == "inventory.stock-alerts"


@pytest.mark.parametrize(
    "key, forbidden",
    [
        ("security.protocol", True),
        ("consumer.override.sasl.jaas.config", True),
        ("producer.override.ssl.truststore.location", True),
        ("config.providers", True),
        ("config.action.reload", True),
        ("consumer.override.auto.offset.reset", False),
        ("s3.part.size", False),
    ],
)
def test_forbidden_keys(key, forbidden):
    assert connect_kinds.forbidden_key(key) is forbidden


@pytest.mark.parametrize(
    "key, value, problem",
    [
        ("cleanup.policy", "compact,delete", None),
        ("cleanup.policy", "delete, compact", None),
        ("cleanup.policy", "compact,compact", "must be compact or delete"),
        ("retention.ms", -1, None),
        ("retention.ms", "604800000", None),
        ("retention.ms", 1.5, "is not an integer"),
        ("min.cleanable.dirty.ratio", 0.5, None),
        ("min.cleanable.dirty.ratio", 2, "above the maximum 1"),
        ("message.timestamp.type", "LogAppendTime", None),
        ("unclean.leader.election.enable", False, None),
        ("min.insync.replicas", 0, "below the minimum 1"),
        ("segment.ms", True, "is not an integer"),
    ],
)
def test_topic_config_values(key, value, problem):
    found = kafka_configs.problem(key, value)
    assert (found is None) if problem is None else (problem in (found or "")), found
