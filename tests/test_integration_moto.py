"""Terratest-style integration test of the example environment against moto.

moto's server runs on 127.0.0.1 (a free port); every provider's endpoints
point at it (``streamgen.terraform.emulator_override``) and nothing else is
contacted. The example catalog is generated for a test copy of env.yaml whose
keys, networks and MSK clusters exist in moto (``localaws.prepare_environment``)
and with ``allow_destroy: true``. Then, in dependency order (``shared`` first:
domain buckets log to its access-log bucket): plan -> apply -> verify with boto3
that each resource carries the generated settings -> plan again (no changes)
-> push records through the data path -> destroy -> nothing left.

What moto cannot create is planned (the real provider validates it) but
excluded from apply by resource type (EXCLUDED, reasons asserted and printed);
``kafka/*`` roots are not run at all (EXCLUDED_ROOTS).
"""

from __future__ import annotations

import base64
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy import RootRun, stage_root
from localaws import Aws, moto_server, prepare_environment, role_arn
from streamgen import pipeline, terraform
from streamgen.model import Resolved, Root
from support import make_sandbox

pytestmark = [pytest.mark.terraform, pytest.mark.integration]

# Resource types planned but not applied, and why (moto 5.2.5, AWS provider 5.100.0).
EXCLUDED: dict[str, str] = {
    "aws_mskconnect_connector": "moto has no MSK Connect (kafkaconnect) API",
    "aws_mskconnect_custom_plugin": "moto has no MSK Connect (kafkaconnect) API",
    "aws_mskconnect_worker_configuration": "moto has no MSK Connect (kafkaconnect) API",
    "aws_redshift_cluster_iam_roles": "moto does not implement Redshift ModifyClusterIamRoles",
    "aws_glue_connection": "moto has no Glue DeleteConnection (destroy fails) and returns no ConnectionType",
    "aws_opensearchserverless_access_policy": "moto does not implement OpenSearch Serverless CreateAccessPolicy",
    "aws_cloudwatch_log_subscription_filter": (
        "moto reads a cross-account CloudWatch Logs destination ARN as a log group ARN and "
        "answers ResourceNotFound (no destination support in PutSubscriptionFilter)"
    ),
    "aws_redshiftdata_statement": (
        "moto answers Redshift Data ExecuteStatement with CreatedAt as a string; the provider's SDK "
        "expects epoch seconds and fails to decode it (and moto runs no SQL)"
    ),
    "aws_s3_bucket_lifecycle_configuration": (
        "the provider's post-create waiter never sees moto's lifecycle rules as equal "
        "(getmoto/moto#9729: rules with abort_incomplete_multipart_upload); 3-minute timeout per bucket"
    ),
}
FIREHOSE_DESTINATIONS_MOTO_LACKS = {
    "opensearch": "moto's Firehose has no Amazon OpenSearch Service destination (only the legacy Elasticsearch one)",
    "opensearchserverless": "moto's Firehose has no OpenSearch Serverless destination",
}
EXCLUDED_INSTANCES = "aws_kinesis_firehose_delivery_stream by destination: " + "; ".join(
    f"{k}: {v}" for k, v in FIREHOSE_DESTINATIONS_MOTO_LACKS.items()
)


def exclusion(kind: str, planned: dict[str, Any]) -> str | None:
    """Why moto cannot take this resource (None: apply it)."""
    if kind in EXCLUDED:
        return EXCLUDED[kind]
    if kind == "aws_kinesis_firehose_delivery_stream":
        return FIREHOSE_DESTINATIONS_MOTO_LACKS.get(planned.get("destination"))
    return None


# Diffs the emulator causes on the second plan, by (resource type, attribute); an
# update touching anything else fails the idempotence test.
MOTO_ONLY_DIFFS: dict[tuple[str, str], str] = {
    ("aws_lambda_function", "logging_config"): "moto does not store Lambda LoggingConfig (JSON logs to our log group)",
    ("aws_glue_job", "execution_class"): "moto reports ExecutionClass STANDARD for jobs that set none (streaming jobs have no class)",
    # moto's SecurityGroupRule.description reads only the CIDR range's description
    ("aws_vpc_security_group_ingress_rule", "description"): "moto drops the description of rules whose source is a security group",
    ("aws_vpc_security_group_egress_rule", "description"): "moto drops the description of rules whose target is a security group",
}
# Whole roots not run.
EXCLUDED_ROOTS = {
    "kafka/*": "Mongey/kafka provider: talks to the Kafka brokers themselves (no emulator), not in the offline mirror",
}


def _log_groups(resolved: Resolved) -> dict[str, list[str]]:
    """Log groups the catalog's log sources subscribe to, by env.yaml account name (applications own them)."""
    out: dict[str, set[str]] = {}
    for root in resolved.roots:
        for sub in root.log_subscriptions:
            out.setdefault(sub.provider_alias.replace("_", "-"), set()).update(sub.log_groups)
    return {k: sorted(v) for k, v in out.items()}


@dataclass
class Deployment:
    aws: Aws
    resolved: Resolved
    runs: dict[str, RootRun]
    env_account: str
    wall_s: dict[str, float]

    def account(self, root: Root) -> str:
        return root.provider.account_id if root.provider is not None else self.env_account

    def client(self, service: str, root: Root) -> Any:
        return self.aws.client(service, self.account(root))

    def roots(self) -> list[Root]:
        return [r for r in self.resolved.roots if r.path in self.runs]

    def applied(self, root: Root, address_prefix: str) -> bool:
        run = self.runs[root.path]
        return any(a.startswith(address_prefix) and a not in run.excluded for a in run.planned)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    started = time.monotonic()
    base = tmp_path_factory.mktemp("moto")
    sandbox = make_sandbox(base / "repo", with_example=True)
    env_file = sandbox.root / "environments" / "dev" / "env.yaml"
    env = yaml.safe_load(env_file.read_text())
    # the first resolution only lists the log groups the applications must own
    log_groups = _log_groups(pipeline.generate(sandbox.ws, "dev", build=False).resolved)
    with moto_server() as endpoint:
        aws = Aws(endpoint, env["region"])
        env_file.write_text(yaml.safe_dump(prepare_environment(aws, env, log_groups), sort_keys=False))
        assert sandbox.run("generate", "--env", "dev").code == 0
        resolved = pipeline.generate(sandbox.ws, "dev", build=False).resolved
        generated = sandbox.root / "environments" / "dev" / "generated"
        names = sorted((r.path for r in resolved.roots if r.kind == "aws"), key=lambda n: n != "shared")
        assert names[0] == "shared" and not [r for r in names if r.startswith("kafka/")]
        caller = role_arn(env["account_id"])
        scratch = terraform.scratch_dir(base, "roots")
        runs = {n: stage_root(sandbox.ws, generated, n, scratch, endpoint, caller) for n in names}
        wall: dict[str, float] = {}

        def up(run: RootRun) -> None:
            run.plan_addresses(exclusion)
            run.apply()

        t = time.monotonic()
        up(runs["shared"])  # the access-log bucket every other bucket logs to
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(up, [runs[n] for n in names[1:]]))
        wall["apply"] = round(time.monotonic() - t, 1)
        deployment = Deployment(aws, resolved, runs, env["account_id"], wall)
        yield deployment
        wall["total"] = round(time.monotonic() - started, 1)
        print(f"\nintegration wall time: {wall}")


def _tags(tag_list: list[dict[str, str]] | dict[str, str]) -> dict[str, str]:
    if isinstance(tag_list, dict):
        return tag_list
    return {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in tag_list}


def test_exclusions_are_explicit(deployment: Deployment):
    """Per resource type: instances applied, and excluded ones with the reason; printed for the report."""
    table: dict[str, dict[str, int]] = {}
    for run in deployment.runs.values():
        for address, kind in run.planned.items():
            outcome = run.reasons.get(address, "applied")
            if outcome.startswith("depends on "):
                outcome = "depends on an excluded resource"
            row = table.setdefault(kind, {})
            row[outcome] = row.get(outcome, 0) + 1
    print("\nresource type | outcome (instances)")
    for kind in sorted(table):
        print(f"{kind} | " + "; ".join(f"{why} ({n})" for why, n in sorted(table[kind].items())))
    for pattern, reason in EXCLUDED_ROOTS.items():
        print(f"root {pattern} | not run: {reason}")
    # every exclusion is still needed, and nothing else was excluded silently
    assert set(EXCLUDED) <= table.keys()
    reasons = {*EXCLUDED.values(), *FIREHOSE_DESTINATIONS_MOTO_LACKS.values(), "depends on an excluded resource", "applied"}
    assert {why for row in table.values() for why in row} <= reasons
    assert not [k for k in EXCLUDED if "applied" in table[k]]
    # most of the example is applied
    assert sum(row.get("applied", 0) for row in table.values()) > 3 * sum(
        n for row in table.values() for why, n in row.items() if why != "applied"
    )


def test_streams_are_encrypted_and_sized(deployment: Deployment):
    seen = 0
    for root in deployment.roots():
        kinesis = deployment.client("kinesis", root)
        for stream in [*root.streams, *root.log_streams]:
            summary = kinesis.describe_stream_summary(StreamName=stream.full_name)["StreamDescriptionSummary"]
            assert summary["StreamARN"] == stream.arn
            assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", stream.kms_key_arn)
            assert summary["RetentionPeriodHours"] == stream.retention_hours
            assert summary["StreamModeDetails"]["StreamMode"] == stream.mode
            if stream.mode == "PROVISIONED":
                assert summary["OpenShardCount"] == stream.shards
            seen += 1
    assert seen >= 5


def test_buckets_are_private_versioned_encrypted_and_logged(deployment: Deployment):
    seen = 0
    for root in deployment.roots():
        s3 = deployment.client("s3", root)
        for bucket in root.buckets:
            rule = s3.get_bucket_encryption(Bucket=bucket.bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
            default = rule["ApplyServerSideEncryptionByDefault"]
            if bucket.kms_key_arn is None:
                assert default["SSEAlgorithm"] == "AES256"  # access logs cannot be SSE-KMS
            else:
                assert (default["SSEAlgorithm"], default["KMSMasterKeyID"]) == ("aws:kms", bucket.kms_key_arn)
            assert s3.get_bucket_versioning(Bucket=bucket.bucket)["Status"] == "Enabled"
            block = s3.get_public_access_block(Bucket=bucket.bucket)["PublicAccessBlockConfiguration"]
            assert all(block.values()) and len(block) == 4
            policy = json.loads(s3.get_bucket_policy(Bucket=bucket.bucket)["Policy"])
            tls = [s for s in policy["Statement"] if s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s)]
            assert tls, f"{bucket.bucket}: no TLS-only statement"
            logging_ = s3.get_bucket_logging(Bucket=bucket.bucket).get("LoggingEnabled")
            if bucket.access_log_bucket is None:
                assert logging_ is None
            else:
                assert logging_["TargetBucket"] == bucket.access_log_bucket
            tags = _tags(s3.get_bucket_tagging(Bucket=bucket.bucket)["TagSet"])
            assert deployment.resolved.tags.items() <= tags.items()
            seen += 1
    assert seen >= 5


def _policy_documents(iam: Any, role: str) -> list[dict[str, Any]]:
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    docs = [iam.get_role_policy(RoleName=role, PolicyName=n)["PolicyDocument"] for n in names]
    return [json.loads(d) if isinstance(d, str) else d for d in docs]


def _data_actions_scoped(docs: list[dict[str, Any]]) -> None:
    for doc in docs:
        for statement in doc["Statement"]:
            resources = statement.get("Resource", [])
            resources = [resources] if isinstance(resources, str) else resources
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            data = [a for a in actions if a.split(":")[0] in ("s3", "kinesis", "firehose", "kms", "kafka-cluster")]
            assert not (data and "*" in resources), statement


def test_delivery_streams_carry_generated_settings(deployment: Deployment):
    seen = 0
    for root in deployment.roots():
        if not deployment.applied(root, "module.sink_") and not root.log_deliveries:
            continue
        firehose = deployment.client("firehose", root)
        iam = deployment.client("iam", root)
        for stream in [s for s in root.firehoses if s.destination == "extended_s3"] + list(root.log_deliveries):
            description = firehose.describe_delivery_stream(DeliveryStreamName=stream.full_name)["DeliveryStreamDescription"]
            assert description["DeliveryStreamARN"] == stream.arn
            source = getattr(stream, "kinesis_source", None) or getattr(stream, "stream", None)
            if source is not None:
                assert description["DeliveryStreamType"] == "KinesisStreamAsSource"
                assert description["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"] == source.arn
            destination = description["Destinations"][0]["ExtendedS3DestinationDescription"]
            location = stream.s3 if hasattr(stream, "s3") else None
            bucket = location.bucket if location else stream.bucket
            assert destination["BucketARN"] == bucket.arn
            assert destination["Prefix"] == (location.prefix if location else stream.prefix)
            assert destination["ErrorOutputPrefix"] == (location.error_prefix if location else stream.error_prefix)
            if location:
                assert destination["BufferingHints"] == {"SizeInMBs": stream.buffer_size_mb, "IntervalInSeconds": stream.buffer_interval_s}
                assert destination["CompressionFormat"] == location.compression
                assert destination["EncryptionConfiguration"]["KMSEncryptionConfig"]["AWSKMSKeyARN"] == location.kms_key_arn
                lambdas = [p for p in stream.processors if p.type == "Lambda"]
                if lambdas:
                    processors = destination["ProcessingConfiguration"]["Processors"]
                    assert "Lambda" in [p["Type"] for p in processors]
            assert destination["CloudWatchLoggingOptions"]["Enabled"] is True
            assert destination["RoleARN"].endswith(f":role/{stream.role_name}")
            docs = _policy_documents(iam, stream.role_name)
            assert bucket.arn in json.dumps(docs)
            _data_actions_scoped(docs)
            seen += 1
    assert seen >= 3


def test_functions_and_their_logs(deployment: Deployment):
    seen = 0
    for root in deployment.roots():
        lambda_ = deployment.client("lambda", root)
        logs = deployment.client("logs", root)
        for function in [*root.functions, *root.log_decoders]:
            config = lambda_.get_function_configuration(FunctionName=function.full_name)
            assert config["FunctionArn"] == function.arn
            assert (config["MemorySize"], config["Timeout"]) == (function.memory_mb, function.timeout_s)
            assert function.environment.items() <= config["Environment"]["Variables"].items()
            assert config["KMSKeyArn"] == function.kms_key_arn
            assert sorted(config.get("VpcConfig", {}).get("SubnetIds", [])) == sorted(function.subnet_ids)
            group = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{function.full_name}")["logGroups"][0]
            assert (group["retentionInDays"], group["kmsKeyId"]) == (function.log_retention_days, function.logs_kms_key_arn)
            _data_actions_scoped(_policy_documents(deployment.client("iam", root), function.role_name))
            seen += 1
    assert seen >= 2


def test_glue_catalog(deployment: Deployment):
    seen = 0
    for root in deployment.roots():
        glue = deployment.client("glue", root)
        for table in root.glue_tables:
            got = glue.get_table(DatabaseName=table.database.database_name, Name=table.table_name)["Table"]
            descriptor = got["StorageDescriptor"]
            assert descriptor["Location"] == table.location
            assert [(c["Name"], c["Type"]) for c in descriptor["Columns"]] == [(c.name, c.type) for c in table.columns]
            assert [(c["Name"], c["Type"]) for c in got.get("PartitionKeys", [])] == [(c.name, c.type) for c in table.partition_keys]
            seen += 1
    assert seen >= 3


def test_log_destinations_in_the_logging_account(deployment: Deployment):
    root = next(r for r in deployment.roots() if r.log_destinations)
    assert deployment.account(root) != deployment.env_account  # deployed through the logging account's role
    logs = deployment.client("logs", root)
    destinations = {d["destinationName"]: d for d in logs.describe_destinations()["destinations"]}
    for destination in root.log_destinations:
        got = destinations[destination.full_name]
        assert (got["arn"], got["targetArn"]) == (destination.arn, destination.stream.arn)
        assert got["roleArn"].endswith(f":role/{destination.role_name}")
        # only the application accounts of its log source may subscribe
        for account in destination.source_account_ids:
            assert account in got["accessPolicy"]
        docs = _policy_documents(deployment.client("iam", root), destination.role_name)
        assert destination.stream.arn in json.dumps(docs)
        _data_actions_scoped(docs)


def test_second_plan_shows_no_changes(deployment: Deployment):
    def changes(run: RootRun) -> list[str]:
        return run.changes(MOTO_ONLY_DIFFS)

    with ThreadPoolExecutor(max_workers=2) as pool:
        found = dict(zip(deployment.runs, pool.map(changes, deployment.runs.values())))
    left = {k: v for k, v in found.items() if v}
    assert left == {}, json.dumps(left, indent=1)


def test_records_flow_to_s3_through_the_generated_transform(deployment: Deployment, monkeypatch: pytest.MonkeyPatch):
    """Kinesis -> transform Lambda (in-process) -> Firehose -> S3.

    moto's Firehose does not read from Kinesis or invoke Lambda, so the test
    does both hops itself: it reads the records back from the generated
    stream, runs the generated transform's code with the function's generated
    environment on a Firehose transformation event, and puts the result into
    the delivery stream, which moto writes to S3 synchronously under the
    generated prefix's static part.
    """
    # the example's payments/orders-archive: Kinesis source, json_transform (REQUIRED_FIELDS order_id,status; KEY_CASE snake)
    root = next(r for r in deployment.roots() if r.path == "domains/payments")
    stream = next(s for s in root.firehoses if s.name == "orders-archive")
    function = next(p.function for p in stream.processors if p.type == "Lambda")
    kinesis, firehose, s3 = (deployment.client(s, root) for s in ("kinesis", "firehose", "s3"))

    # REQUIRED_FIELDS (order_id, status) are checked on the record as sent; KEY_CASE=snake renames the rest
    events = [{"order_id": f"o-{i}", "status": "PAID", "amountCents": 100 * i, "note": None} for i in range(3)]
    for event in events:
        kinesis.put_record(StreamName=stream.kinesis_source.full_name, Data=json.dumps(event).encode(), PartitionKey=event["order_id"])
    shard = kinesis.list_shards(StreamName=stream.kinesis_source.full_name)["Shards"]
    records = []
    for s in shard:
        iterator = kinesis.get_shard_iterator(StreamName=stream.kinesis_source.full_name, ShardId=s["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records += kinesis.get_records(ShardIterator=iterator, Limit=100)["Records"]
    assert sorted(json.loads(r["Data"])["order_id"] for r in records) == [e["order_id"] for e in events]

    for key, value in function.environment.items():
        monkeypatch.setenv(key, value)
    app = _load_lambda(Path(__file__).resolve().parents[1] / "lambda_src" / function.source / "app.py")
    event = {
        "invocationId": "integration",
        "deliveryStreamArn": stream.arn,
        "region": deployment.resolved.region,
        "records": [
            {"recordId": str(i), "approximateArrivalTimestamp": 0, "data": base64.b64encode(r["Data"]).decode()}
            for i, r in enumerate(records)
        ],
    }
    result = app.handler(event, None)
    assert [r["result"] for r in result["records"]] == ["Ok"] * len(records)
    out = [base64.b64decode(r["data"]) for r in result["records"]]
    firehose.put_record_batch(DeliveryStreamName=stream.full_name, Records=[{"Data": d} for d in out])

    static = stream.s3.prefix.split("!{")[0]
    objects = s3.list_objects_v2(Bucket=stream.s3.bucket.bucket, Prefix=static).get("Contents", [])
    assert len(objects) == 1
    body = s3.get_object(Bucket=stream.s3.bucket.bucket, Key=objects[0]["Key"])["Body"].read().decode()
    lines = [json.loads(line) for line in body.splitlines() if line]
    assert sorted((line["order_id"], line["amount_cents"]) for line in lines) == [(e["order_id"], e["amountCents"]) for e in events]
    assert all("note" not in line and "amountCents" not in line for line in lines)  # nulls dropped, keys snake_cased


def _load_lambda(path: Path) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"integration_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_destroy_leaves_nothing(deployment: Deployment):
    """Runs last: tears everything down and checks moto is empty again."""
    names = list(deployment.runs)
    # S3 (moto too) delivers server access logs and test objects: empty every bucket first, as a
    # teardown must (the modules keep force_destroy off: data is never deleted implicitly).
    # Logging goes off first, or the requests of the teardown itself land in the log buckets.
    for root in deployment.roots():
        s3 = deployment.client("s3", root)
        for bucket in root.buckets:
            s3.put_bucket_logging(Bucket=bucket.bucket, BucketLoggingStatus={})
    for root in deployment.roots():
        s3 = deployment.client("s3", root)
        for bucket in root.buckets:
            listed = s3.list_object_versions(Bucket=bucket.bucket)
            for item in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
                s3.delete_object(Bucket=bucket.bucket, Key=item["Key"], VersionId=item["VersionId"])
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda n: deployment.runs[n].destroy(), [n for n in names if n != "shared"]))
    deployment.runs["shared"].destroy()
    assert {n: r.state() for n, r in deployment.runs.items() if r.state()} == {}
    for root in deployment.roots():
        account = deployment.account(root)
        kinesis = deployment.aws.client("kinesis", account)
        assert not {s.full_name for s in [*root.streams, *root.log_streams]} & set(kinesis.list_streams()["StreamNames"])
        s3 = deployment.aws.client("s3", account)
        assert not {b.bucket for b in root.buckets} & {b["Name"] for b in s3.list_buckets()["Buckets"]}
        firehose = deployment.aws.client("firehose", account)
        assert not {f.full_name for f in [*root.firehoses, *root.log_deliveries]} & set(firehose.list_delivery_streams()["DeliveryStreamNames"])
        lambda_ = deployment.aws.client("lambda", account)
        assert not {f.full_name for f in [*root.functions, *root.log_decoders]} & {f["FunctionName"] for f in lambda_.list_functions()["Functions"]}
        glue = deployment.aws.client("glue", account)
        assert not {d.database_name for d in root.glue_databases} & {d["Name"] for d in glue.get_databases()["DatabaseList"]}
    # roles: only the test's own assumed-role sessions may remain
    for account in {deployment.account(r) for r in deployment.roots()}:
        iam = deployment.aws.client("iam", account)
        assert iam.list_roles()["Roles"] == []
