"""The example environment plans offline with the real provider; the plan says
what the catalog asked for (read through `terraform show -json`)."""

from __future__ import annotations

import json

import pytest

from streamgen import pipeline, runner
from support import cross_root_references

pytestmark = pytest.mark.terraform

ACCOUNT = "111111111111"
DATA_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000d001"
LOGS_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000l001"
# planned once by their own test module, which checks the same properties
PLANNED_ELSEWHERE = {"domains/observability", "domains/analytics", "domains/inventory"}
MANDATORY_TAGS = {"Environment": "dev", "CostCenter": "4711", "ManagedBy": "streamgen", "DataClassification": "internal"}


@pytest.fixture(scope="module")
def plans(repo, tmp_path_factory) -> dict[str, dict]:
    pipeline.generate(repo, "dev")  # builds the Lambda packages the plan reads
    roots = [r for r in runner.generated_roots(repo, "dev") if r not in PLANNED_ELSEWHERE]
    results = runner.plan_environment(repo, "dev", roots=roots, offline=True, work_dir=tmp_path_factory.mktemp("plan"))
    failed = {r.root: (r.error, r.diagnostics) for r in results if not r.ok}
    assert not failed, failed
    # Kafka roots (Mongey/kafka provider) are validated at most, never planned offline
    skipped = {r.root for r in results if r.plan is None}
    assert all(root.startswith("kafka/") for root in skipped), skipped
    return {r.root: r.plan for r in results if r.plan is not None}


def changes(plan: dict, rtype: str) -> dict[str, dict]:
    return {c["address"]: c["change"]["after"] for c in plan["resource_changes"] if c["type"] == rtype}


def one(plan: dict, rtype: str, fragment: str) -> dict:
    found = [after for address, after in changes(plan, rtype).items() if fragment in address]
    assert len(found) == 1, (rtype, fragment, list(changes(plan, rtype)))
    return found[0]


def policy_of(plan: dict, module: str) -> dict:
    return json.loads(one(plan, "aws_iam_role_policy", module)["policy"])


def test_all_roots_plan_and_only_create(plans):
    assert sorted(plans) == ["domains/clickstream", "domains/payments", "domains/search", "logging", "shared"]
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


# --- central logging (root "logging": logging account 222222222222) ----------------

LOGGING_KEY = "arn:aws:kms:eu-west-1:222222222222:key/5c1e2f4a-0000-4000-8000-00000000d002"
LOGGING_LOGS_KEY = "arn:aws:kms:eu-west-1:222222222222:key/5c1e2f4a-0000-4000-8000-00000000l002"
LOG_BUCKET = "dev-logs-222222222222-eu-west-1"
SOURCES = {  # log source -> (application account, provider alias, decoded by Lambda)
    "checkout-api": ("444444444444", "aws.shop_backend", True),
    "web-access": ("333333333333", "aws.shop_web", False),
    "web-errors": ("333333333333", "aws.shop_web", False),
}


def module_resource(plan: dict, module: str, address: str) -> dict:
    """A resource's configuration inside a module call (provider, expressions)."""
    call = plan["configuration"]["root_module"]["module_calls"][module]["module"]
    return next(r for r in call["resources"] if r["address"] == address)


def test_log_destinations_admit_only_their_source_account_in_the_organization(plans):
    plan = plans["logging"]
    for name, (account, _, _) in SOURCES.items():
        destination = one(plan, "aws_cloudwatch_log_destination", f"log_destination_storefront_{name}")
        assert destination["name"] == f"dev-logs-storefront-{name}"
        assert destination["target_arn"] == f"arn:aws:kinesis:eu-west-1:222222222222:stream/dev-logs-storefront-{name}"
        policy = json.loads(one(plan, "aws_cloudwatch_log_destination_policy", f"log_destination_storefront_{name}")["access_policy"])
        assert policy["Statement"] == [{
            "Sid": "SubscribeFromSourceAccounts",
            "Effect": "Allow",
            "Action": "logs:PutSubscriptionFilter",
            "Principal": {"AWS": account},
            "Resource": f"arn:aws:logs:eu-west-1:222222222222:destination:dev-logs-storefront-{name}",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        }]


def test_cloudwatch_logs_role_writes_only_its_stream(plans):
    plan = plans["logging"]
    trust = json.loads(one(plan, "aws_iam_role", "log_destination_storefront_web-access")["assume_role_policy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "logs.amazonaws.com"}
    assert sorted(trust["Condition"]["StringLike"]["aws:SourceArn"]) == [
        "arn:aws:logs:eu-west-1:222222222222:*", "arn:aws:logs:eu-west-1:333333333333:*"]
    statements = {s["Sid"]: s for s in policy_of(plan, "log_destination_storefront_web-access")["Statement"]}
    assert statements["PutIntoStream"]["Resource"] == "arn:aws:kinesis:eu-west-1:222222222222:stream/dev-logs-storefront-web-access"
    assert statements["EncryptForStream"]["Resource"] == LOGGING_KEY
    assert statements["EncryptForStream"]["Condition"] == {"StringEquals": {"kms:ViaService": "kinesis.eu-west-1.amazonaws.com"}}


def test_subscription_filters_live_in_the_application_accounts(plans):
    plan = plans["logging"]
    filters = changes(plan, "aws_cloudwatch_log_subscription_filter")
    assert sorted(f["log_group_name"] for f in filters.values()) == [
        "/aws/apigateway/storefront-access", "/aws/lambda/storefront-checkout",
        "/aws/lambda/storefront-payment-callback", "/ecs/storefront-web"]
    checkout = one(plan, "aws_cloudwatch_log_subscription_filter", "storefront-checkout\"]")
    assert checkout["filter_pattern"] == '{ $.level = "ERROR" || $.level = "WARN" }'
    assert checkout["destination_arn"] == "arn:aws:logs:eu-west-1:222222222222:destination:dev-logs-storefront-checkout-api"
    errors = one(plan, "aws_cloudwatch_log_subscription_filter", "/ecs/storefront-web")
    assert errors["filter_pattern"] == "[ip, ident, user, timestamp, request, status_code = 5*, size]"
    providers = plan["configuration"]["provider_config"]
    for name, (account, alias, _) in SOURCES.items():
        resource = module_resource(plan, f"log_subscription_storefront_{name}", "aws_cloudwatch_log_subscription_filter.this")
        assert resource["provider_config_key"] == alias
        assert providers[alias]["alias"] == alias.split(".")[1]
    # everything else is created with the logging account's (default) provider
    destination = module_resource(plan, "log_destination_storefront_web-access", "aws_cloudwatch_log_destination.this")
    assert destination["provider_config_key"] == "aws"


def test_log_streams_are_encrypted_with_the_logging_accounts_key(plans):
    plan = plans["logging"]
    for name in SOURCES:
        stream = one(plan, "aws_kinesis_stream", f"log_stream_storefront_{name}")
        assert stream["encryption_type"] == "KMS" and stream["kms_key_id"] == LOGGING_KEY
    assert one(plan, "aws_kinesis_stream", "log_stream_storefront_web-errors")["stream_mode_details"] == [{"stream_mode": "ON_DEMAND"}]
    assert one(plan, "aws_kinesis_stream", "log_stream_storefront_web-access")["shard_count"] == 1


def test_log_delivery_decodes_natively_or_with_the_decoder(plans):
    plan = plans["logging"]
    for name, (_, _, uses_lambda) in SOURCES.items():
        delivery = one(plan, "aws_kinesis_firehose_delivery_stream", f"log_delivery_storefront_{name}")
        assert delivery["kinesis_source_configuration"][0]["kinesis_stream_arn"].endswith(f":stream/dev-logs-storefront-{name}")
        s3 = delivery["extended_s3_configuration"][0]
        assert s3["bucket_arn"] == f"arn:aws:s3:::{LOG_BUCKET}" and s3["kms_key_arn"] == LOGGING_KEY
        assert s3["prefix"] == f"storefront/{name}/data/dt=!{{timestamp:yyyy-MM-dd}}/"
        assert s3["error_output_prefix"] == f"storefront/{name}/errors/!{{firehose:error-output-type}}/dt=!{{timestamp:yyyy-MM-dd}}/"
        assert s3["cloudwatch_logging_options"][0]["enabled"] is True
        processors = [
            (p["type"], sorted((q["parameter_name"], q["parameter_value"]) for q in p["parameters"]))
            for p in s3["processing_configuration"][0]["processors"]
        ]
        if uses_lambda:
            assert processors == [("Lambda", [
                ("BufferSizeInMBs", "0.5"),
                ("LambdaArn", f"arn:aws:lambda:eu-west-1:222222222222:function:dev-logs-storefront-{name}-decoder:$LATEST"),
            ])]
        else:
            assert processors == [
                ("Decompression", [("CompressionFormat", "GZIP")]),
                ("CloudWatchLogProcessing", [("DataMessageExtraction", "true")]),
                ("AppendDelimiterToRecord", []),
            ]
    objects = {s["Sid"]: s for s in policy_of(plan, "log_delivery_storefront_web-access")["Statement"]}["S3Objects"]["Resource"]
    assert sorted(objects) == [f"arn:aws:s3:::{LOG_BUCKET}/storefront/web-access/data/dt=*", f"arn:aws:s3:::{LOG_BUCKET}/storefront/web-access/errors/*"]


def test_decoder_may_only_reingest_into_its_source_stream(plans):
    plan = plans["logging"]
    function = one(plan, "aws_lambda_function", "log_decoder_storefront_checkout-api")
    assert function["function_name"] == "dev-logs-storefront-checkout-api-decoder"
    assert function["kms_key_arn"] == LOGGING_KEY and function["memory_size"] == 512
    assert function["environment"][0]["variables"] == {
        "OUTPUT_FORMAT": "json", "STATIC_FIELDS": '{"service":"checkout","tier":"backend"}',
        "POWERTOOLS_SERVICE_NAME": "dev-logs-storefront-checkout-api-decoder"}
    assert function["vpc_config"][0]["subnet_ids"] == ["subnet-0b1c2d3e4f5a60001", "subnet-0b1c2d3e4f5a60002"]
    statements = {s["Sid"]: s for s in policy_of(plan, "log_decoder_storefront_checkout-api")["Statement"]}
    assert statements["ReingestIntoSourceStream"]["Action"] == "kinesis:PutRecords"
    assert statements["ReingestIntoSourceStream"]["Resource"] == "arn:aws:kinesis:eu-west-1:222222222222:stream/dev-logs-storefront-checkout-api"
    assert statements["EncryptForSourceStream"]["Resource"] == LOGGING_KEY
    assert statements["EncryptForSourceStream"]["Condition"] == {"StringEquals": {"kms:ViaService": "kinesis.eu-west-1.amazonaws.com"}}
    log_group = one(plan, "aws_cloudwatch_log_group", "log_decoder_storefront_checkout-api")
    assert (log_group["kms_key_id"], log_group["retention_in_days"]) == (LOGGING_LOGS_KEY, 365)
    assert not changes(plan, "aws_lambda_function").keys() - {a for a in changes(plan, "aws_lambda_function") if "checkout-api" in a}


def test_log_bucket_is_in_the_logging_account_with_its_own_access_logs(plans):
    plan = plans["logging"]
    bucket = one(plan, "aws_s3_bucket", "bucket_logs")
    assert bucket["bucket"] == LOG_BUCKET
    sse = one(plan, "aws_s3_bucket_server_side_encryption_configuration", "bucket_logs")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0] == {"sse_algorithm": "aws:kms", "kms_master_key_id": LOGGING_KEY}
    assert one(plan, "aws_s3_bucket_logging", "bucket_logs")["target_bucket"] == "dev-access-logs-222222222222-eu-west-1"
    assert one(plan, "aws_s3_bucket", "bucket_access_logs")["bucket"] == "dev-access-logs-222222222222-eu-west-1"


def test_log_tables_describe_what_is_delivered(plans):
    plan = plans["logging"]
    assert one(plan, "aws_glue_catalog_database", "glue_database")["name"] == "dev_central_logs"
    tables = {t["name"]: t for t in changes(plan, "aws_glue_catalog_table").values()}
    assert sorted(tables) == ["storefront_checkout_api", "storefront_web_access", "storefront_web_errors"]

    def columns(table: str) -> list[tuple[str, str]]:
        return [(c["name"], c["type"]) for c in tables[table]["storage_descriptor"][0]["columns"]]

    assert columns("storefront_checkout_api") == [
        ("timestamp", "bigint"), ("id", "string"), ("message", "string"), ("log_group", "string"), ("log_stream", "string"),
        ("account_id", "string"), ("subscription_filters", "array<string>"), ("service", "string"), ("tier", "string")]
    assert columns("storefront_web_access")[:2] == [("request_id", "string"), ("ip", "string")]
    assert columns("storefront_web_errors") == [("message", "string")]
    serde = tables["storefront_web_errors"]["storage_descriptor"][0]["ser_de_info"][0]
    assert serde["serialization_library"] == "org.apache.hadoop.hive.serde2.RegexSerDe"
    assert tables["storefront_web_access"]["storage_descriptor"][0]["ser_de_info"][0]["serialization_library"] == "org.openx.data.jsonserde.JsonSerDe"
    checkout = tables["storefront_checkout_api"]
    assert checkout["storage_descriptor"][0]["location"] == f"s3://{LOG_BUCKET}/storefront/checkout-api/data/"
    assert [(k["name"], k["type"]) for k in checkout["partition_keys"]] == [("dt", "string")]
    assert checkout["parameters"]["projection.dt.type"] == "date"
    assert checkout["parameters"]["storage.location.template"] == f"s3://{LOG_BUCKET}/storefront/checkout-api/data/dt=${{dt}}/"


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*map(_strings, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(_strings, value)) if value else set()
    return set()


def test_cross_root_literals_are_what_the_producing_root_plans(repo, plans):
    """A root names another root's resource literally (no remote state): the
    literal must be a value the producing root's plan creates or outputs."""
    refs = [r for r in cross_root_references(pipeline.generate(repo, "dev", build=False)) if r.producer in plans]
    assert {r.producer for r in refs} >= {"shared", "domains/payments"}
    for producer in {r.producer for r in refs}:
        plan = plans[producer]
        planned = _strings({k: v.get("value") for k, v in plan["planned_values"].get("outputs", {}).items()})
        planned |= _strings([c["change"]["after"] for c in plan["resource_changes"]])
        missing = [r for r in refs if r.producer == producer and r.value not in planned]
        assert not missing, missing
