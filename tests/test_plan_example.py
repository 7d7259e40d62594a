"""The example environment plans offline with the real provider; the plan says
what the catalog asked for (read through `terraform show -json`)."""

from __future__ import annotations

import json

import pytest

from streamgen import pipeline, runner

pytestmark = pytest.mark.terraform

ACCOUNT = "111111111111"
DATA_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000d001"
LOGS_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000l001"
# planned once by their own test module, which checks the same properties
PLANNED_ELSEWHERE = {"domains/observability"}
MANDATORY_TAGS = {"Environment": "dev", "CostCenter": "4711", "ManagedBy": "streamgen", "DataClassification": "internal"}


@pytest.fixture(scope="module")
def plans(repo, tmp_path_factory) -> dict[str, dict]:
    pipeline.generate(repo, "dev")  # builds the Lambda packages the plan reads
    roots = [r for r in runner.generated_roots(repo, "dev") if r not in PLANNED_ELSEWHERE]
    results = runner.plan_environment(repo, "dev", roots=roots, offline=True, work_dir=tmp_path_factory.mktemp("plan"))
    failed = {r.root: (r.error, r.diagnostics) for r in results if not r.ok}
    assert not failed, failed
    return {r.root: r.plan for r in results}


def changes(plan: dict, rtype: str) -> dict[str, dict]:
    return {c["address"]: c["change"]["after"] for c in plan["resource_changes"] if c["type"] == rtype}


def one(plan: dict, rtype: str, fragment: str) -> dict:
    found = [after for address, after in changes(plan, rtype).items() if fragment in address]
    assert len(found) == 1, (rtype, fragment, list(changes(plan, rtype)))
    return found[0]


def policy_of(plan: dict, module: str) -> dict:
    return json.loads(one(plan, "aws_iam_role_policy", module)["policy"])


def test_all_roots_plan_and_only_create(plans):
    assert sorted(plans) == ["domains/clickstream", "domains/payments", "domains/search", "shared"]
    for root, plan in plans.items():
        actions = {tuple(c["change"]["actions"]) for c in plan["resource_changes"]}
        assert actions == {("create",)}, root


def test_streams_are_encrypted_and_sized(plans):
    orders = one(plans["domains/payments"], "aws_kinesis_stream", "topic_orders")
    assert orders["name"] == "dev-payments-orders"
    assert orders["encryption_type"] == "KMS" and orders["kms_key_id"] == DATA_KEY
    assert orders["shard_count"] == 2  # 1.5 MB/s with 2 consumers -> 2 shards
    assert orders["retention_period"] == 168
    assert orders["stream_mode_details"] == [{"stream_mode": "PROVISIONED"}]
    events = one(plans["domains/payments"], "aws_kinesis_stream", "topic_payment-events")
    assert events["stream_mode_details"] == [{"stream_mode": "ON_DEMAND"}] and events["shard_count"] is None
    views = one(plans["domains/clickstream"], "aws_kinesis_stream", "topic_page-views")
    assert views["shard_count"] == 2 and views["retention_period"] == 48  # env.yaml override


def test_protected_resources_use_the_protected_declaration(plans):
    for plan in plans.values():
        for change in plan["resource_changes"]:
            if change["type"] in ("aws_kinesis_stream", "aws_s3_bucket", "aws_kinesis_firehose_delivery_stream"):
                assert ".this[0]" in change["address"], change["address"]


def test_firehose_delivers_to_s3_as_declared(plans):
    archive = one(plans["domains/payments"], "aws_kinesis_firehose_delivery_stream", "sink_orders-archive")
    assert archive["destination"] == "extended_s3"
    assert archive["kinesis_source_configuration"][0]["kinesis_stream_arn"] == (
        "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-payments-orders"
    )
    assert archive["server_side_encryption"] == []  # AWS forbids SSE with a Kinesis source
    s3 = archive["extended_s3_configuration"][0]
    assert s3["bucket_arn"] == "arn:aws:s3:::dev-payments-111111111111-eu-west-1"
    assert s3["prefix"].startswith("orders-archive/data/year=!{timestamp:yyyy}/")
    assert s3["error_output_prefix"].startswith("orders-archive/errors/!{firehose:error-output-type}/")
    assert (s3["buffering_size"], s3["buffering_interval"]) == (128, 600)
    assert s3["compression_format"] == "GZIP" and s3["kms_key_arn"] == DATA_KEY
    assert s3["cloudwatch_logging_options"][0]["enabled"] is True
    processors = s3["processing_configuration"][0]["processors"][0]
    assert processors["type"] == "Lambda"
    # parameters are a set in the provider; only non-default ones are sent
    assert sorted((p["parameter_name"], p["parameter_value"]) for p in processors["parameters"]) == [
        ("BufferIntervalInSeconds", "120"),
        ("BufferSizeInMBs", "3"),
        ("LambdaArn", "arn:aws:lambda:eu-west-1:111111111111:function:dev-payments-normalize-json:$LATEST"),
    ]
    raw = one(plans["domains/payments"], "aws_kinesis_firehose_delivery_stream", "sink_payment-events-raw")
    s3 = raw["extended_s3_configuration"][0]
    assert (s3["compression_format"], s3["file_extension"]) == ("UNCOMPRESSED", ".json")
    assert (s3["buffering_size"], s3["buffering_interval"]) == (64, 300)  # env.yaml defaults
    assert s3["processing_configuration"] == []


def test_firehose_role_is_scoped_to_concrete_arns(plans):
    policy = policy_of(plans["domains/payments"], "sink_orders-archive")
    statements = {s["Sid"]: s for s in policy["Statement"]}
    bucket = "arn:aws:s3:::dev-payments-111111111111-eu-west-1"
    assert statements["S3Bucket"]["Resource"] == bucket
    assert sorted(statements["S3Objects"]["Resource"]) == [
        f"{bucket}/orders-archive/data/year=*",
        f"{bucket}/orders-archive/errors/*",
    ]
    assert statements["ReadSourceStream"]["Resource"] == "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-payments-orders"
    assert statements["DecryptSourceStream"]["Condition"]["StringEquals"]["kms:ViaService"] == "kinesis.eu-west-1.amazonaws.com"
    assert statements["S3Encryption"]["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    assert sorted(statements["InvokeProcessor"]["Resource"]) == [
        "arn:aws:lambda:eu-west-1:111111111111:function:dev-payments-normalize-json",
        "arn:aws:lambda:eu-west-1:111111111111:function:dev-payments-normalize-json:*",
    ]
    assert statements["ErrorLogging"]["Resource"] == [
        "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/kinesisfirehose/dev-payments-orders-archive:log-stream:DestinationDelivery",
        "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/kinesisfirehose/dev-payments-orders-archive:log-stream:BackupDelivery",
    ]
    trust = json.loads(one(plans["domains/payments"], "aws_iam_role", "sink_orders-archive")["assume_role_policy"])
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"sts:ExternalId": ACCOUNT}}


AOSS_SECURITY_POLICY = {"aoss:CreateSecurityPolicy", "aoss:GetSecurityPolicy", "aoss:UpdateSecurityPolicy"}


def test_no_data_action_on_a_wildcard_resource(plans):
    # "*" is only acceptable for actions without resource-level permissions
    allowed_on_star = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "ec2:DescribeNetworkInterfaces",
                       "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"}
    for root, plan in plans.items():
        for address, after in changes(plan, "aws_iam_role_policy").items():
            for statement in json.loads(after["policy"])["Statement"]:
                resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                if "*" in resources:
                    # aoss security policies have no ARN; a condition must name the collection
                    scoped = set(actions) <= AOSS_SECURITY_POLICY and "aoss:collection" in json.dumps(statement.get("Condition"))
                    assert set(actions) <= allowed_on_star or scoped, (address, statement)


def test_lambda_is_encrypted_traced_capped_and_in_the_vpc(plans):
    function = one(plans["domains/payments"], "aws_lambda_function", "transform_normalize-json")
    assert function["function_name"] == "dev-payments-normalize-json"
    assert function["runtime"] == "python3.12" and function["handler"] == "app.handler"
    assert function["kms_key_arn"] == DATA_KEY
    assert function["tracing_config"] == [{"mode": "Active"}]
    assert function["reserved_concurrent_executions"] == 10
    assert (function["memory_size"], function["timeout"]) == (512, 120)
    assert function["vpc_config"][0]["subnet_ids"] == [
        "subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]
    assert function["environment"][0]["variables"]["REQUIRED_FIELDS"] == "order_id,status"
    log_group = one(plans["domains/payments"], "aws_cloudwatch_log_group", "transform_normalize-json")
    assert (log_group["kms_key_id"], log_group["retention_in_days"]) == (LOGS_KEY, 365)


def test_buckets_are_private_encrypted_versioned_and_tls_only(plans):
    plan = plans["domains/payments"]
    block = one(plan, "aws_s3_bucket_public_access_block", "bucket_data")
    assert all(block[k] for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    sse = one(plan, "aws_s3_bucket_server_side_encryption_configuration", "bucket_data")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0] == {"sse_algorithm": "aws:kms", "kms_master_key_id": DATA_KEY}
    assert one(plan, "aws_s3_bucket_versioning", "bucket_data")["versioning_configuration"][0]["status"] == "Enabled"
    policy = json.loads(one(plan, "aws_s3_bucket_policy", "bucket_data")["policy"])
    deny = [s for s in policy["Statement"] if s["Sid"] == "DenyInsecureTransport"][0]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    logging = one(plan, "aws_s3_bucket_logging", "bucket_data")
    assert logging["target_bucket"] == "dev-access-logs-111111111111-eu-west-1"
    access_logs = one(plans["shared"], "aws_s3_bucket_server_side_encryption_configuration", "bucket_access_logs")
    assert access_logs["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "AES256"


def test_every_taggable_resource_carries_the_mandatory_tags(plans):
    for root, plan in plans.items():
        for change in plan["resource_changes"]:
            after = change["change"]["after"]
            if "tags_all" in after:
                assert MANDATORY_TAGS.items() <= after["tags_all"].items(), change["address"]
