"""catalog/observability.yaml plans offline with the real provider: one
delivery stream per sink, every source and destination kind, and the plan
says what the catalog asked for (read through `terraform show -json`)."""

from __future__ import annotations

import json

import pytest

from streamgen import pipeline, runner

pytestmark = pytest.mark.terraform

ROOT = "domains/observability"
ACCOUNT = "111111111111"
DATA_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000d001"
BUCKET = "arn:aws:s3:::dev-observability-111111111111-eu-west-1"
CLUSTER = "arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
TOPIC = "arn:aws:kafka:eu-west-1:111111111111:topic/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/observability.audit"
STREAM = "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-observability-app-logs"
SINKS = [
    "alerts-webhook", "app-logs-datadog", "app-logs-lake", "app-logs-search", "app-logs-splunk",
    "audit-elastic", "audit-parquet", "audit-search", "audit-warehouse", "client-events",
]


@pytest.fixture(scope="module")
def plan(repo, tmp_path_factory) -> dict:
    pipeline.generate(repo, "dev")  # builds the Lambda packages the plan reads
    [result] = runner.plan_environment(repo, "dev", roots=[ROOT], offline=True, work_dir=tmp_path_factory.mktemp("plan"))
    assert result.ok, (result.error, result.diagnostics)
    return result.plan


def changes(plan: dict, rtype: str) -> dict[str, dict]:
    return {c["address"]: c["change"]["after"] for c in plan["resource_changes"] if c["type"] == rtype}


def one(plan: dict, rtype: str, sink: str) -> dict:
    found = [after for address, after in changes(plan, rtype).items() if f'module.sink_{sink}.' in address]
    assert len(found) == 1, (rtype, sink, list(changes(plan, rtype)))
    return found[0]


def stream(plan: dict, sink: str) -> dict:
    return one(plan, "aws_kinesis_firehose_delivery_stream", sink)


def statements(plan: dict, sink: str) -> dict[str, dict]:
    policy = json.loads(one(plan, "aws_iam_role_policy", sink)["policy"])
    return {s["Sid"]: s for s in policy["Statement"]}


def listed(value) -> list:
    return value if isinstance(value, list) else [value]


def params(processor: dict) -> dict[str, str]:
    return {p["parameter_name"]: p["parameter_value"] for p in processor["parameters"]}


def test_one_protected_stream_with_its_own_role_per_sink(plan):
    streams = changes(plan, "aws_kinesis_firehose_delivery_stream")
    assert sorted(a.split(".")[1].removeprefix("sink_") for a in streams) == SINKS
    assert all(".this[0]" in a for a in streams)  # prevent_destroy declaration
    roles = {a: r["name"] for a, r in changes(plan, "aws_iam_role").items() if "module.sink_" in a}
    assert sorted(roles.values()) == sorted(f"dev-observability-{s}-firehose" for s in SINKS)


def test_every_destination_logs_errors_to_its_own_streams(plan):
    config_of = {
        "extended_s3": "extended_s3_configuration", "opensearch": "opensearch_configuration",
        "opensearchserverless": "opensearchserverless_configuration", "redshift": "redshift_configuration",
        "http_endpoint": "http_endpoint_configuration", "splunk": "splunk_configuration",
    }
    seen = set()
    for sink in SINKS:
        after = stream(plan, sink)
        seen.add(after["destination"])
        [config] = after[config_of[after["destination"]]]
        [logging] = config["cloudwatch_logging_options"]
        assert logging == {
            "enabled": True,
            "log_group_name": f"/aws/kinesisfirehose/dev-observability-{sink}",
            "log_stream_name": "DestinationDelivery",
        }
        for backup in config.get("s3_configuration", []) + config.get("s3_backup_configuration", []):
            assert backup["cloudwatch_logging_options"][0]["log_stream_name"] == "BackupDelivery"
            assert backup["kms_key_arn"] == DATA_KEY and backup["bucket_arn"] == BUCKET
        group = one(plan, "aws_cloudwatch_log_group", sink)
        assert group["retention_in_days"] == 365 and group["kms_key_id"].endswith("00000000l001")
        assert statements(plan, sink)["ErrorLogging"]["Resource"] == [
            f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/kinesisfirehose/dev-observability-{sink}:log-stream:DestinationDelivery",
            f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/kinesisfirehose/dev-observability-{sink}:log-stream:BackupDelivery",
        ]
    assert seen == set(config_of)


def test_sse_exactly_where_the_source_allows_it(plan):
    for sink in SINKS:
        after = stream(plan, sink)
        direct_put = not after["kinesis_source_configuration"] and not after["msk_source_configuration"]
        expected = [{"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": DATA_KEY}] if direct_put else []
        assert after["server_side_encryption"] == expected, sink
    assert [s for s in SINKS if not stream(plan, s)["server_side_encryption"]] != SINKS  # some are Direct PUT


def test_kinesis_stream_with_jq_dynamic_partitioning(plan):
    after = stream(plan, "app-logs-lake")
    assert after["kinesis_source_configuration"][0]["kinesis_stream_arn"] == STREAM
    [s3] = after["extended_s3_configuration"]
    assert s3["prefix"].startswith(
        "app-logs-lake/data/service=!{partitionKeyFromQuery:service}/level=!{partitionKeyFromQuery:level}/year="
    )
    assert s3["dynamic_partitioning_configuration"] == [{"enabled": True, "retry_duration": 600}]
    assert (s3["buffering_size"], s3["compression_format"]) == (128, "GZIP")
    processors = s3["processing_configuration"][0]["processors"]
    assert [p["type"] for p in processors] == ["Lambda", "MetadataExtraction", "AppendDelimiterToRecord"]
    assert params(processors[1]) == {"MetadataExtractionQuery": "{service:.service,level:.level}", "JsonParsingEngine": "JQ-1.6"}
    assert params(processors[0]) == {
        "LambdaArn": "arn:aws:lambda:eu-west-1:111111111111:function:dev-observability-normalize-logs:$LATEST"
    }


def test_msk_topic_to_parquet_with_a_generated_glue_table(plan):
    after = stream(plan, "audit-parquet")
    [source] = after["msk_source_configuration"]
    assert (source["msk_cluster_arn"], source["topic_name"]) == (CLUSTER, "observability.audit")
    assert source["read_from_timestamp"] == "2024-06-01T00:00:00Z"
    assert source["authentication_configuration"][0]["connectivity"] == "PRIVATE"
    [s3] = after["extended_s3_configuration"]
    assert (s3["compression_format"], s3["file_extension"], s3["buffering_size"]) == ("UNCOMPRESSED", ".parquet", 64)
    [conversion] = s3["data_format_conversion_configuration"]
    assert conversion["output_format_configuration"][0]["serializer"][0]["parquet_ser_de"][0]["compression"] == "SNAPPY"
    openx = conversion["input_format_configuration"][0]["deserializer"][0]["open_x_json_ser_de"][0]
    assert openx["column_to_json_key_mappings"] == {"event_id": "eventId", "occurred_at": "occurredAt"}
    schema = conversion["schema_configuration"][0]
    assert (schema["database_name"], schema["table_name"], schema["catalog_id"]) == ("dev_observability", "audit_parquet", ACCOUNT)
    assert s3["s3_backup_mode"] == "Enabled"
    assert s3["s3_backup_configuration"][0]["prefix"] == "audit-parquet/backup/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"

    table = [t for a, t in changes(plan, "aws_glue_catalog_table").items() if "table_audit_parquet" in a][0]
    storage = table["storage_descriptor"][0]
    assert storage["location"] == "s3://dev-observability-111111111111-eu-west-1/audit-parquet/data/"
    assert storage["ser_de_info"][0]["serialization_library"] == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert [(c["name"], c["type"]) for c in storage["columns"]][:2] == [("event_id", "string"), ("occurred_at", "timestamp")]
    assert [k["name"] for k in table["partition_keys"]] == ["year", "month", "day", "hour"]
    assert table["parameters"]["projection.enabled"] == "true"  # Athena needs no crawler
    assert table["parameters"]["classification"] == "parquet"

    rules = statements(plan, "audit-parquet")
    assert rules["ReadSourceCluster"]["Resource"] == CLUSTER
    assert rules["ReadSourceTopic"]["Resource"] == TOPIC
    assert rules["SourceConsumerGroup"]["Resource"] == CLUSTER.replace(":cluster/", ":group/") + "/*"
    assert sorted(listed(rules["ReadConversionSchema"]["Resource"])) == [
        f"arn:aws:glue:eu-west-1:{ACCOUNT}:catalog",
        f"arn:aws:glue:eu-west-1:{ACCOUNT}:database/dev_observability",
        f"arn:aws:glue:eu-west-1:{ACCOUNT}:table/dev_observability/audit_parquet",
    ]
    assert sorted(listed(rules["S3Objects"]["Resource"])) == [
        f"{BUCKET}/audit-parquet/backup-errors/*",
        f"{BUCKET}/audit-parquet/backup/year=*",
        f"{BUCKET}/audit-parquet/data/year=*",
        f"{BUCKET}/audit-parquet/errors/*",
    ]
    assert "ReadSourceStream" not in rules and "DecryptSourceStream" not in rules


def test_direct_put_with_lambda_partition_keys_to_orc(plan):
    after = stream(plan, "client-events")
    [s3] = after["extended_s3_configuration"]
    assert s3["prefix"] == "client-events/data/tenant_id=!{partitionKeyFromLambda:tenant}/dt=!{timestamp:yyyy-MM-dd}/"
    assert s3["dynamic_partitioning_configuration"][0]["enabled"] is True
    assert s3["data_format_conversion_configuration"][0]["output_format_configuration"][0]["serializer"][0]["orc_ser_de"][0]["compression"] == "ZLIB"
    processors = s3["processing_configuration"][0]["processors"]
    assert [p["type"] for p in processors] == ["RecordDeAggregation", "Lambda"]
    assert params(processors[1])["BufferSizeInMBs"] == "3"
    table = [t for a, t in changes(plan, "aws_glue_catalog_table").items() if "table_client_events" in a][0]
    assert [k["name"] for k in table["partition_keys"]] == ["tenant_id", "dt"]
    assert (table["parameters"]["projection.tenant_id.type"], table["parameters"]["projection.dt.type"]) == ("injected", "date")
    tenant = [t for a, t in changes(plan, "aws_lambda_function").items() if "transform_tag-tenant" in a][0]
    assert tenant["environment"][0]["variables"]["PARTITION_KEYS"] == "tenant"


def test_opensearch_domain_in_the_vpc(plan):
    after = stream(plan, "app-logs-search")
    [config] = after["opensearch_configuration"]
    assert (config["domain_arn"], config["index_name"], config["index_rotation_period"]) == (
        "arn:aws:es:eu-west-1:111111111111:domain/dev-logs", "app-logs", "OneDay")
    assert (config["retry_duration"], config["s3_backup_mode"]) == (900, "AllDocuments")
    vpc = config["vpc_config"][0]
    assert sorted(vpc["subnet_ids"]) == ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]
    assert vpc["security_group_ids"] == ["sg-0a1b2c3d4e5f60010"]
    assert config["s3_configuration"][0]["prefix"].startswith("app-logs-search/backup/")
    rules = statements(plan, "app-logs-search")
    assert rules["DescribeDomain"]["Resource"] == "arn:aws:es:eu-west-1:111111111111:domain/dev-logs"
    assert "arn:aws:es:eu-west-1:111111111111:domain/dev-logs/app-logs*/_stats" in rules["ReadClusterState"]["Resource"]
    assert "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0a1b2c3d4e5f60001" in rules["CreateNetworkInterfaces"]["Resource"]
    assert rules["ManageNetworkInterfaces"]["Condition"] == {
        "StringEquals": {"ec2:Vpc": "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-0a1b2c3d4e5f60718"}
    }


def test_opensearch_serverless_collection_admits_the_role(plan):
    after = stream(plan, "audit-search")
    [config] = after["opensearchserverless_configuration"]
    assert (config["collection_endpoint"], config["index_name"]) == ("https://a1b2c3d4e5f6g7h8i9j0.eu-west-1.aoss.amazonaws.com", "audit")
    assert (config["buffering_size"], config["buffering_interval"]) == (5, 60)
    policy = one(plan, "aws_opensearchserverless_access_policy", "audit-search")
    assert (policy["type"], len(policy["name"]) <= 32) == ("data", True)
    [rule] = json.loads(policy["policy"])
    assert rule["Principal"] == [f"arn:aws:iam::{ACCOUNT}:role/dev-observability-audit-search-firehose"]
    assert rule["Rules"][0]["Resource"] == ["index/dev-events/audit"]
    assert "aoss:WriteDocument" in rule["Rules"][0]["Permission"]
    assert statements(plan, "audit-search")["WriteCollection"]["Resource"] == (
        "arn:aws:aoss:eu-west-1:111111111111:collection/a1b2c3d4e5f6g7h8i9j0")


def test_redshift_copy_through_s3_with_a_secret(plan):
    after = stream(plan, "audit-warehouse")
    [config] = after["redshift_configuration"]
    assert config["cluster_jdbcurl"] == "jdbc:redshift://dev-warehouse.abc123xyz.eu-west-1.redshift.amazonaws.com:5439/warehouse"
    paths_key = "audit-warehouse/copy/jsonpaths.json"
    assert (config["data_table_name"], config["copy_options"]) == (
        "security.audit_events", f"FORMAT AS JSON 's3://dev-observability-111111111111-eu-west-1/{paths_key}' GZIP")
    assert config["data_table_columns"] == "event_id,occurred_at,actor,action,resource,outcome,details"
    # COPY maps the records' camelCase keys to the columns by position
    paths = one(plan, "aws_s3_object", "audit-warehouse")
    assert (paths["key"], paths["server_side_encryption"], paths["kms_key_id"]) == (paths_key, "aws:kms", DATA_KEY)
    assert json.loads(paths["content"])["jsonpaths"] == [
        "$.eventId", "$.occurredAt", "$.actor", "$.action", "$.resource", "$.outcome", "$.details"]
    assert statements(plan, "audit-warehouse")["ReadCopyJsonPaths"]["Resource"] == f"{BUCKET}/{paths_key}"
    assert (config["username"], config["password"]) == (None, None)
    secret = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/redshift/warehouse-GhIjKl"
    assert config["secrets_manager_configuration"][0]["secret_arn"] == secret
    assert config["secrets_manager_configuration"][0]["enabled"] is True
    staging = config["s3_configuration"][0]
    assert staging["prefix"].startswith("audit-warehouse/staging/") and staging["compression_format"] == "GZIP"
    assert (config["s3_backup_mode"], config["retry_duration"]) == ("Enabled", 7200)
    assert statements(plan, "audit-warehouse")["ReadDestinationSecret"]["Resource"] == secret


def test_http_endpoints_read_their_keys_from_secrets_manager(plan):
    splunk = stream(plan, "app-logs-splunk")["splunk_configuration"][0]
    assert (splunk["hec_endpoint"], splunk["hec_endpoint_type"], splunk["hec_acknowledgment_timeout"]) == (
        "https://http-inputs-firehose-acme.splunkcloud.com:443", "Event", 300)
    assert splunk["hec_token"] is None
    assert (splunk["buffering_size"], splunk["buffering_interval"]) == (5, 60)  # env default fitted to Splunk
    assert splunk["secrets_manager_configuration"][0]["secret_arn"].endswith(":secret:dev/observability/splunk-hec-Ab12Cd")

    datadog = stream(plan, "app-logs-datadog")["http_endpoint_configuration"][0]
    assert (datadog["name"], datadog["url"]) == ("Datadog", "https://aws-kinesis-http-intake.logs.datadoghq.eu/v1/input")
    assert datadog["access_key"] is None
    assert datadog["secrets_manager_configuration"][0]["secret_arn"].endswith(":secret:dev/observability/datadog-Ef34Gh")
    request = datadog["request_configuration"][0]
    assert request["content_encoding"] == "GZIP"
    assert {a["name"]: a["value"] for a in request["common_attributes"]} == {"env": "dev", "team": "observability"}
    assert (datadog["buffering_size"], datadog["buffering_interval"], datadog["s3_backup_mode"]) == (4, 60, "FailedDataOnly")

    elastic = stream(plan, "audit-elastic")
    assert elastic["msk_source_configuration"][0]["topic_name"] == "observability.audit"
    assert (elastic["http_endpoint_configuration"][0]["name"], elastic["http_endpoint_configuration"][0]["retry_duration"]) == ("Elastic", 3600)

    webhook = stream(plan, "alerts-webhook")["http_endpoint_configuration"][0]
    assert not webhook.get("secrets_manager_configuration") and webhook["access_key"] is None  # no key at all
    assert (webhook["request_configuration"][0]["content_encoding"], webhook["s3_backup_mode"]) == ("NONE", "AllData")
    assert "ReadDestinationSecret" not in statements(plan, "alerts-webhook")
    for sink in ("app-logs-splunk", "app-logs-datadog", "audit-elastic"):
        assert statements(plan, sink)["ReadDestinationSecret"]["Action"] == "secretsmanager:GetSecretValue"


def test_roles_never_use_a_wildcard_for_data_actions(plan):
    describe_only = {"ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets",
                     "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"}
    for sink in SINKS:
        for sid, rule in statements(plan, sink).items():
            if "*" in listed(rule["Resource"]):
                assert set(listed(rule["Action"])) <= describe_only, (sink, sid)
            for resource in listed(rule["Resource"]):
                assert resource == "*" or resource.count(":") >= 5 or resource.startswith("arn:aws:s3:::"), (sink, resource)
        trust = json.loads(one(plan, "aws_iam_role", sink)["assume_role_policy"])
        assert trust["Statement"][0]["Condition"] == {"StringEquals": {"sts:ExternalId": ACCOUNT}}


def test_every_taggable_resource_carries_the_mandatory_tags(plan):
    mandatory = {"Environment": "dev", "CostCenter": "4711", "ManagedBy": "streamgen", "DataClassification": "internal"}
    for change in plan["resource_changes"]:
        after = change["change"]["after"]
        if "tags_all" in after:
            assert mandatory.items() <= after["tags_all"].items(), change["address"]
            assert after["tags_all"].get("Domain") == "observability", change["address"]
