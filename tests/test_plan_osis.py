"""The search domain's OpenSearch Ingestion pipelines plan offline; the plan
JSON carries the generated Data Prepper body, which is parsed and checked
here together with the role, log group, data access and MSK cluster policies."""

from __future__ import annotations

import json

import pytest
import yaml

from streamgen import osis_body, pipeline, runner

pytestmark = pytest.mark.terraform

ACCOUNT = "111111111111"
DATA_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000d001"
LOGS_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000l001"
CLUSTER = "arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
TOPIC = "arn:aws:kafka:eu-west-1:111111111111:topic/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/"
GROUP = "arn:aws:kafka:eu-west-1:111111111111:group/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/"
COLLECTION = "arn:aws:aoss:eu-west-1:111111111111:collection/a1b2c3d4e5f6g7h8i9j0"
BUCKET = "dev-search-111111111111-eu-west-1"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]


def role(sink: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/dev-search-{sink}-osis"


@pytest.fixture(scope="module")
def plans(repo, tmp_path_factory) -> dict[str, dict]:
    pipeline.generate(repo, "dev", build=False)
    results = runner.plan_environment(
        repo, "dev", roots=["domains/search", "shared"], offline=True, work_dir=tmp_path_factory.mktemp("plan")
    )
    failed = {r.root: (r.error, r.diagnostics) for r in results if not r.ok}
    assert not failed, failed
    return {r.root: r.plan for r in results}


def after(plan: dict, rtype: str, sink: str) -> dict:
    found = [
        c["change"]["after"] for c in plan["resource_changes"]
        if c["type"] == rtype and f"module.ingestion_{sink}." in c["address"]
    ]
    assert len(found) == 1, (rtype, sink)
    return found[0]


@pytest.fixture(scope="module")
def search(plans) -> dict:
    return plans["domains/search"]


def body(search: dict, sink: str) -> dict:
    return yaml.safe_load(after(search, "aws_osis_pipeline", sink)["pipeline_configuration_body"])[sink]


def statements(search: dict, sink: str) -> dict[str, dict]:
    policy = json.loads(after(search, "aws_iam_role_policy", sink)["policy"])
    return {s["Sid"]: s for s in policy["Statement"]}


def as_list(value) -> list:
    return sorted(value) if isinstance(value, list) else [value]


def test_only_creates_and_every_body_passes_the_checker(search):
    assert {tuple(c["change"]["actions"]) for c in search["resource_changes"]} == {("create",)}
    pipelines = [c["change"]["after"] for c in search["resource_changes"] if c["type"] == "aws_osis_pipeline"]
    assert sorted(p["pipeline_name"] for p in pipelines) == [
        "dev-search-audit-to-search", "dev-search-events-to-aoss", "dev-search-orders-to-logs", "dev-search-queries-to-aoss",
    ]
    for p in pipelines:
        assert osis_body.problems(p["pipeline_configuration_body"], p["min_units"], p["max_units"]) == [], p["pipeline_name"]


def test_pipelines_run_in_the_vpc_encrypted_and_logging(search):
    for sink in ("orders-to-logs", "audit-to-search", "events-to-aoss", "queries-to-aoss"):
        p = after(search, "aws_osis_pipeline", sink)
        assert p["vpc_options"] == [{"subnet_ids": SUBNETS, "security_group_ids": ["sg-0a1b2c3d4e5f60010"], "vpc_endpoint_management": "SERVICE"}]
        assert p["encryption_at_rest_options"] == [{"kms_key_arn": DATA_KEY}]
        assert p["buffer_options"] == [{"persistent_buffer_enabled": False}]
        log_group = f"/aws/vendedlogs/OpenSearchIngestion/dev-search-{sink}/audit-logs"
        assert p["log_publishing_options"] == [{"is_logging_enabled": True, "cloudwatch_log_destination": [{"log_group": log_group}]}]
        logs = after(search, "aws_cloudwatch_log_group", sink)
        assert (logs["name"], logs["retention_in_days"], logs["kms_key_id"]) == (log_group, 365, LOGS_KEY)
        trust = json.loads(after(search, "aws_iam_role", sink)["assume_role_policy"])["Statement"][0]
        assert trust["Principal"] == {"Service": "osis-pipelines.amazonaws.com"}
        assert trust["Condition"] == {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": f"arn:aws:osis:eu-west-1:{ACCOUNT}:pipeline/dev-search-{sink}"},
        }


def test_units_are_sized_from_partitions_and_the_catalog(search):
    units = {s: (after(search, "aws_osis_pipeline", s)["min_units"], after(search, "aws_osis_pipeline", s)["max_units"])
             for s in ("orders-to-logs", "audit-to-search", "events-to-aoss", "queries-to-aoss")}
    # 12 partitions; max partitions of two topics with a catalog min; 6 partitions; 3 shards
    assert units == {"orders-to-logs": (1, 12), "audit-to-search": (2, 12), "events-to-aoss": (1, 6), "queries-to-aoss": (1, 3)}


def test_msk_to_domain_body(search):
    b = body(search, "orders-to-logs")
    kafka = b["source"]["kafka"]
    assert kafka["acknowledgments"] is True
    assert kafka["topics"] == [{
        "name": "search.orders", "group_id": "dev-search-orders-to-logs", "serde_format": "json",
        "auto_offset_reset": "earliest", "workers": 2, "consumer_max_poll_records": 1000,
    }]
    assert kafka["aws"] == {"region": "eu-west-1", "sts_role_arn": role("orders-to-logs"), "msk": {"arn": CLUSTER}}
    assert b["processor"] == [
        {"date": {"match": [{"key": "updated_at", "patterns": ["epoch_milli"]}], "destination": "@timestamp"}},
        {"delete_entries": {"with_keys": ["internal_note"]}},
        {"add_entries": {"entries": [
            {"key": "source_system", "value": "checkout", "overwrite_if_key_exists": False},
            {"key": "pipeline", "value": "orders-to-logs", "overwrite_if_key_exists": False},
        ]}},
    ]
    [sink] = b["sink"]
    opensearch = sink["opensearch"]
    assert opensearch["hosts"] == ["https://vpc-dev-logs-abcdefghijklmnop.eu-west-1.es.amazonaws.com"]
    assert opensearch["index"] == "orders-%{yyyy.MM.dd}"
    assert opensearch["document_id"] == "${/order_id}"
    assert opensearch["max_retries"] == 16
    assert opensearch["aws"] == {"region": "eu-west-1", "sts_role_arn": role("orders-to-logs")}
    assert opensearch["dlq"] == {"s3": {
        "bucket": BUCKET, "key_path_prefix": "orders-to-logs/dlq/%{yyyy}/%{MM}/%{dd}/",
        "region": "eu-west-1", "sts_role_arn": role("orders-to-logs"),
    }}


def test_multi_topic_body_indexes_per_topic(search):
    b = body(search, "audit-to-search")
    assert [t["name"] for t in b["source"]["kafka"]["topics"]] == ["search.orders", "search.order-audit"]
    assert {t["auto_offset_reset"] for t in b["source"]["kafka"]["topics"]} == {"latest"}
    assert b["sink"][0]["opensearch"]["index"] == '${getMetadata("kafka_topic")}-%{yyyy.MM}'
    assert "processor" not in b


def test_registry_topic_to_collection_body(search):
    b = body(search, "events-to-aoss")
    kafka = b["source"]["kafka"]
    assert kafka["schema"] == {"type": "aws_glue"}
    assert "serde_format" not in kafka["topics"][0]
    opensearch = b["sink"][0]["opensearch"]
    assert opensearch["hosts"] == ["https://a1b2c3d4e5f6g7h8i9j0.eu-west-1.aoss.amazonaws.com"]
    assert opensearch["aws"] == {
        "region": "eu-west-1", "sts_role_arn": role("events-to-aoss"), "serverless": True,
        "serverless_options": {"network_policy_name": "dev-events-network"},
    }


def test_kinesis_to_collection_body(search):
    b = body(search, "queries-to-aoss")
    kinesis = b["source"]["kinesis"]
    assert kinesis["streams"] == [{"stream_name": "dev-search-queries", "initial_position": "EARLIEST"}]
    assert kinesis["codec"] == {"newline": {}} and kinesis["consumer_strategy"] == "polling"
    assert kinesis["aws"] == {"region": "eu-west-1", "sts_role_arn": role("queries-to-aoss")}
    assert b["processor"] == [
        {"parse_json": {"source": "message"}},
        {"date": {"from_time_received": True, "destination": "@timestamp"}},
    ]
    assert b["sink"][0]["opensearch"]["index"] == "queries-%{yyyy.MM.dd}"


def test_kafka_role_reads_exactly_its_cluster_topics_and_group(search):
    s = statements(search, "orders-to-logs")
    assert s["MskCluster"]["Resource"] == CLUSTER
    assert as_list(s["ReadTopics"]["Resource"]) == [TOPIC + "search.orders"]
    assert as_list(s["ConsumerGroups"]["Resource"]) == [GROUP + "dev-search-orders-to-logs"]
    assert s["DescribeDomain"]["Resource"] == "arn:aws:es:eu-west-1:111111111111:domain/dev-logs"
    assert s["WriteDomain"]["Resource"] == "arn:aws:es:eu-west-1:111111111111:domain/dev-logs/*"
    assert "es:ESHttpDelete" not in s["WriteDomain"]["Action"]
    assert s["WriteDeadLetters"]["Resource"] == f"arn:aws:s3:::{BUCKET}/orders-to-logs/dlq/*"
    assert s["EncryptDeadLetters"]["Resource"] == DATA_KEY
    assert s["EncryptDeadLetters"]["Condition"]["StringEquals"] == {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
    assert not {"SchemaRegistry", "ReadStreams", "WriteCollection", "BufferEncryption"} & set(s)
    audit = statements(search, "audit-to-search")
    assert as_list(audit["ReadTopics"]["Resource"]) == [TOPIC + "search.order-audit", TOPIC + "search.orders"]


def test_collection_roles_and_data_access_policies(search):
    s = statements(search, "events-to-aoss")
    assert as_list(s["SchemaRegistry"]["Resource"]) == [
        "arn:aws:glue:eu-west-1:111111111111:registry/dev-streaming",
        "arn:aws:glue:eu-west-1:111111111111:schema/dev-streaming/search.order-events",
    ]
    assert s["WriteCollection"]["Resource"] == COLLECTION
    assert s["CollectionNetworkPolicy"]["Resource"] == "*"
    assert s["CollectionNetworkPolicy"]["Condition"] == {"StringEquals": {"aoss:collection": "dev-events"}}
    access = after(search, "aws_opensearchserverless_access_policy", "events-to-aoss")
    assert (access["name"], access["type"]) == ("dev-search-events-to-aoss", "data")
    [rule_set] = json.loads(access["policy"])
    assert rule_set["Principal"] == [role("events-to-aoss")]
    assert rule_set["Rules"] == [{
        "ResourceType": "index", "Resource": ["index/dev-events/order-events"],
        "Permission": ["aoss:CreateIndex", "aoss:DescribeIndex", "aoss:UpdateIndex", "aoss:WriteDocument"],
    }]
    queries = json.loads(after(search, "aws_opensearchserverless_access_policy", "queries-to-aoss")["policy"])
    assert queries[0]["Rules"][0]["Resource"] == ["index/dev-events/queries-*"]
    k = statements(search, "queries-to-aoss")
    assert k["ReadStreams"]["Resource"] == "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-search-queries"
    assert k["DecryptStreams"]["Resource"] == DATA_KEY
    assert "EnhancedFanOut" not in k  # polling consumers register nothing


def test_msk_cluster_policy_lets_the_service_connect(plans):
    [policy] = [c["change"]["after"] for c in plans["shared"]["resource_changes"] if c["type"] == "aws_msk_cluster_policy"]
    assert policy["cluster_arn"] == CLUSTER
    # one policy per cluster, merged over its consumers (Firehose MSK sources add their own statement)
    statement = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}["OpenSearchIngestionVpcConnection"]
    assert statement["Principal"] == {"Service": "osis-pipelines.amazonaws.com"}
    assert sorted(statement["Action"]) == ["kafka:CreateVpcConnection", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"]
    assert statement["Resource"] == CLUSTER
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
