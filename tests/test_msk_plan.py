"""The inventory domain (MSK Connect connectors, Kafka client policies) plans offline
with the real provider; the plan JSON shows capacity, IAM auth and TLS, log
delivery, plugins and role scoping as the catalog asked."""

from __future__ import annotations

import json

import pytest

from streamgen import pipeline, runner

pytestmark = pytest.mark.terraform

ACCOUNT = "111111111111"
CLUSTER = "arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
TOPIC = "arn:aws:kafka:eu-west-1:111111111111:topic/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/"
GROUP = "arn:aws:kafka:eu-west-1:111111111111:group/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/"
DATA_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000d001"
LOGS_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000l001"
CONNECTORS = ["partner-webhook", "products-cdc", "shipments-poll", "stock-alert-events", "stock-archive", "stock-search", "warehouses-cdc"]


@pytest.fixture(scope="module")
def plan(repo, tmp_path_factory) -> dict:
    pipeline.generate(repo, "dev")
    [result] = runner.plan_environment(repo, "dev", roots=["domains/inventory"], work_dir=tmp_path_factory.mktemp("plan"))
    assert result.ok, (result.error, result.diagnostics)
    return result.plan


def by_module(plan: dict, rtype: str) -> dict[str, dict]:
    out = {}
    for change in plan["resource_changes"]:
        if change["type"] == rtype:
            module = change["address"].split(".")[1]
            out[module] = change["change"]["after"]
    return out


def connector(plan: dict, name: str) -> dict:
    return by_module(plan, "aws_mskconnect_connector")[f"connector_{name}"]


def role_policy(plan: dict, name: str) -> dict[str, dict]:
    policy = json.loads(by_module(plan, "aws_iam_role_policy")[f"connector_{name}"]["policy"])
    return {s["Sid"]: s for s in policy["Statement"]}


def resources(statement: dict) -> list[str]:
    r = statement["Resource"]
    return sorted(r if isinstance(r, list) else [r])


def actions(statement: dict) -> list[str]:
    a = statement["Action"]
    return sorted(a if isinstance(a, list) else [a])


MANDATORY_TAGS = {"Environment": "dev", "CostCenter": "4711", "ManagedBy": "streamgen", "DataClassification": "internal"}


def test_every_taggable_resource_carries_the_mandatory_and_domain_tags(plan):
    for change in plan["resource_changes"]:
        after = change["change"]["after"]
        if "tags_all" in after:
            assert (MANDATORY_TAGS | {"Domain": "inventory"}).items() <= after["tags_all"].items(), change["address"]


def test_only_creates(plan):
    assert {tuple(c["change"]["actions"]) for c in plan["resource_changes"]} == {("create",)}
    assert sorted(by_module(plan, "aws_mskconnect_connector")) == [f"connector_{n}" for n in CONNECTORS]


def test_every_connector_uses_iam_over_tls_in_the_cluster_vpc(plan):
    for name in CONNECTORS:
        after = connector(plan, name)
        assert after["name"] == f"dev-inventory-{name}"
        assert after["kafka_cluster_client_authentication"] == [{"authentication_type": "IAM"}], name
        assert after["kafka_cluster_encryption_in_transit"] == [{"encryption_type": "TLS"}], name
        cluster = after["kafka_cluster"][0]["apache_kafka_cluster"][0]
        assert all(b.endswith(":9098") for b in cluster["bootstrap_servers"].split(",")), name
        assert cluster["vpc"][0]["security_groups"] == ["sg-0a1b2c3d4e5f60010"]
        assert len(cluster["vpc"][0]["subnets"]) == 3
        assert after["kafkaconnect_version"] == "3.7.x"


def test_capacity_follows_the_catalog(plan):
    archive = connector(plan, "stock-archive")["capacity"][0]
    assert archive["provisioned_capacity"] == []
    assert archive["autoscaling"] == [{
        "mcu_count": 2, "min_worker_count": 1, "max_worker_count": 4,
        "scale_in_policy": [{"cpu_utilization_percentage": 25}],
        "scale_out_policy": [{"cpu_utilization_percentage": 75}],
    }]
    search = connector(plan, "stock-search")["capacity"][0]
    assert search["autoscaling"] == []
    assert search["provisioned_capacity"] == [{"mcu_count": 1, "worker_count": 2}]
    events = connector(plan, "stock-alert-events")["capacity"][0]["autoscaling"][0]
    assert (events["mcu_count"], events["min_worker_count"], events["max_worker_count"]) == (1, 1, 2)  # defaults


def test_worker_logs_go_to_an_encrypted_log_group_with_retention(plan):
    groups = by_module(plan, "aws_cloudwatch_log_group")
    for name in CONNECTORS:
        delivery = connector(plan, name)["log_delivery"][0]["worker_log_delivery"][0]
        assert delivery["cloudwatch_logs"] == [{"enabled": True, "log_group": f"/aws/mskconnect/dev-inventory-{name}"}]
        group = groups[f"connector_{name}"]
        assert (group["name"], group["kms_key_id"], group["retention_in_days"]) == (
            f"/aws/mskconnect/dev-inventory-{name}", LOGS_KEY, 365)


def test_plugins_come_from_env_yaml_one_per_kind(plan):
    plugins = by_module(plan, "aws_mskconnect_custom_plugin")
    assert len(plugins) == 7
    s3 = plugins["connect_plugin_confluent-s3-sink"]
    assert (s3["name"], s3["content_type"]) == ("dev-inventory-confluent-s3-sink", "ZIP")
    assert s3["location"] == [{"s3": [{
        "bucket_arn": "arn:aws:s3:::acme-msk-plugins-111111111111",
        "file_key": "confluentinc-kafka-connect-s3-10.5.17.zip",
        "object_version": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
    }]}]
    assert plugins["connect_plugin_eventbridge-sink"]["content_type"] == "JAR"
    # each connector runs exactly one plugin (its ARN is known after apply)
    for name in CONNECTORS:
        assert len(connector(plan, name)["plugin"]) == 1


def test_worker_configuration_adds_config_provider_and_stable_offsets(plan):
    workers = by_module(plan, "aws_mskconnect_worker_configuration")
    cdc = workers["connector_products-cdc"]["properties_file_content"].splitlines()
    assert "config.providers=secretsmanager" in cdc
    assert "config.providers.secretsmanager.class=com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider" in cdc
    assert "config.providers.secretsmanager.param.region=eu-west-1" in cdc
    assert "offset.storage.topic=__amazon_msk_connect_offsets_dev-inventory-products-cdc" in cdc
    archive = workers["connector_stock-archive"]["properties_file_content"]
    assert "config.providers" not in archive and "offset.storage.topic" not in archive  # no secret, a sink
    assert workers["connector_stock-archive"]["name"].startswith("dev-inventory-stock-archive-")
    config = connector(plan, "products-cdc")["connector_configuration"]
    assert config["database.password"] == "${secretsmanager:dev/inventory/mysql-debezium:password}"
    assert config["config.action.reload"] == "none"
    assert "config.action.reload" not in connector(plan, "stock-archive")["connector_configuration"]


def test_role_trusts_only_this_connector(plan):
    trust = json.loads(by_module(plan, "aws_iam_role")["connector_stock-archive"]["assume_role_policy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "kafkaconnect.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:kafkaconnect:eu-west-1:{ACCOUNT}:connector/dev-inventory-stock-archive/*"},
    }


def test_s3_sink_role_is_scoped_to_its_topics_group_folder_and_key(plan):
    s = role_policy(plan, "stock-archive")
    assert resources(s["Cluster"]) == [CLUSTER]
    assert resources(s["ReadTopics"]) == [TOPIC + "inventory.shipments", TOPIC + "inventory.stock-levels"]
    assert actions(s["ReadTopics"]) == ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
    assert resources(s["WriteTopics"]) == [TOPIC + "inventory.connect-dlq"]  # dead-letter topic only
    assert resources(s["InternalTopics"]) == [TOPIC + "__amazon_msk_connect_*_dev-inventory-stock-archive_*"]
    assert resources(s["ConsumerGroups"]) == [
        GROUP + "__amazon_msk_connect_*_dev-inventory-stock-archive_*", GROUP + "connect-dev-inventory-stock-archive"]
    bucket = "arn:aws:s3:::dev-inventory-111111111111-eu-west-1"
    assert resources(s["S3Bucket"]) == [bucket]
    assert resources(s["S3Objects"]) == [f"{bucket}/stock-archive/*"]
    assert resources(s["S3Encryption"]) == [DATA_KEY]
    assert s["S3Encryption"]["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    assert not {"ReadSecrets", "PutEvents"} & set(s)


def test_source_and_target_roles_are_scoped(plan):
    cdc = role_policy(plan, "products-cdc")
    assert resources(cdc["WriteTopics"]) == [TOPIC + "inventory.products.cdc"]
    assert "ReadTopics" not in cdc
    assert resources(cdc["InternalTopics"]) == sorted([
        TOPIC + "__amazon_msk_connect_*_dev-inventory-products-cdc_*",
        TOPIC + "__amazon_msk_connect_offsets_dev-inventory-products-cdc",
        TOPIC + "_inventory.products-cdc.schema-history",
    ])
    assert resources(cdc["ReadSecrets"]) == ["arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/inventory/mysql-debezium-Ab12Cd"]
    assert cdc["DecryptSecrets"]["Condition"]["StringEquals"]["kms:ViaService"] == "secretsmanager.eu-west-1.amazonaws.com"
    events = role_policy(plan, "stock-alert-events")
    assert resources(events["PutEvents"]) == ["arn:aws:events:eu-west-1:111111111111:event-bus/dev-inventory"]
    assert actions(events["PutEvents"]) == ["events:PutEvents"]
    search = role_policy(plan, "stock-search")
    assert resources(search["ReadSecrets"]) == ["arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/opensearch/inventory-writer-Mn78Op"]
    assert "DecryptSecrets" not in search  # AWS managed key
    webhook = role_policy(plan, "partner-webhook")
    assert resources(webhook["ReadSecrets"]) == ["arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/inventory/partner-webhook-Qr90St"]


def test_no_iam_statement_allows_everything(plan):
    documents = [json.loads(a["policy"]) for a in by_module(plan, "aws_iam_role_policy").values()]
    documents += [json.loads(a["policy"]) for a in by_module(plan, "aws_iam_policy").values()]
    assert len(documents) == 7 + 14 + 2  # connector roles, produce/consume per topic, groups per cluster
    for document in documents:
        for statement in document["Statement"]:
            for resource in resources(statement):
                assert resource != "*" and not resource.endswith(":*"), statement
                assert not resource.endswith("/*/*"), statement


def test_client_policies_separate_produce_and_consume(plan):
    policies = by_module(plan, "aws_iam_policy")
    produce = json.loads(policies["kafka_produce_stock-levels"]["policy"])
    consume = json.loads(policies["kafka_consume_stock-levels"]["policy"])
    assert policies["kafka_produce_stock-levels"]["name"] == "dev-inventory-stock-levels-kafka-produce"
    p = {s["Sid"]: s for s in produce["Statement"]}
    c = {s["Sid"]: s for s in consume["Statement"]}
    assert set(p) == {"Connect", "WriteTopics"} and set(c) == {"Connect", "ReadTopics"}
    assert resources(p["WriteTopics"]) == resources(c["ReadTopics"]) == [TOPIC + "inventory.stock-levels"]
    assert "kafka-cluster:WriteDataIdempotently" in actions(p["Connect"])
    assert "kafka-cluster:WriteDataIdempotently" not in actions(c["Connect"])
    groups = json.loads(policies["kafka_groups_main"]["policy"])
    (statement,) = [s for s in groups["Statement"] if s["Sid"] == "ConsumerGroups"]
    assert resources(statement) == [GROUP + "inventory.*"]
    # the serverless cluster has its own ARNs
    scans = json.loads(policies["kafka_consume_scans"]["policy"])
    assert "cluster/dev-events/" in json.dumps(scans) and "dev-main" not in json.dumps(scans)
