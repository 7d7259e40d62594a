"""The example's Glue streaming jobs and Redshift streaming ingestion plan
offline with the real provider; the plan says what the catalog asked for."""

from __future__ import annotations

import hashlib
import json

import pytest

from streamgen import runner
from support import REPO

pytestmark = pytest.mark.terraform

ACCOUNT = "111111111111"
DATA_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000d001"
LOGS_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5c1e2f4a-0000-4000-8000-00000000l001"
BUCKET = "dev-analytics-111111111111-eu-west-1"
CLUSTER = "dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
ROOT = REPO / "environments/dev/generated/domains/analytics"


@pytest.fixture(scope="module")
def plans(repo, tmp_path_factory) -> dict[str, dict]:
    # test_plan_example.py leaves domains/analytics to this module (PLANNED_ELSEWHERE)
    results = runner.plan_environment(
        repo, "dev", roots=["domains/analytics", "shared"], offline=True, work_dir=tmp_path_factory.mktemp("plan")
    )
    failed = {r.root: (r.error, r.diagnostics) for r in results if not r.ok}
    assert not failed, failed
    return {r.root: r.plan for r in results}


@pytest.fixture(scope="module")
def analytics(plans) -> dict:
    return plans["domains/analytics"]


def changes(plan: dict, rtype: str) -> dict[str, dict]:
    return {c["address"]: c["change"] for c in plan["resource_changes"] if c["type"] == rtype}


def one(plan: dict, rtype: str, fragment: str) -> dict:
    found = [change for address, change in changes(plan, rtype).items() if fragment in address]
    assert len(found) == 1, (rtype, fragment, list(changes(plan, rtype)))
    return found[0]


def after(plan: dict, rtype: str, fragment: str) -> dict:
    return one(plan, rtype, fragment)["after"]


def statements(policy: str) -> dict[str, dict]:
    return {s["Sid"]: s for s in json.loads(policy)["Statement"]}


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_everything_is_created(plans):
    for root, plan in plans.items():
        assert {tuple(c["change"]["actions"]) for c in plan["resource_changes"]} == {("create",)}, root


def test_msk_job_to_parquet(analytics):
    change = one(analytics, "aws_glue_job", "glue_sessions-lake")
    job = change["after"]
    assert job["command"] == [
        {"name": "gluestreaming", "python_version": "3", "script_location": f"s3://{BUCKET}/sessions-lake/script/job.py"}
    ]
    assert (job["glue_version"], job["worker_type"], job["number_of_workers"]) == ("4.0", "G.1X", 2)
    assert "timeout" not in job and change["after_unknown"]["timeout"] is True  # never set: runs until stopped
    assert job["security_configuration"] == "dev-analytics-sessions-lake"
    assert job["connections"] == ["dev-analytics-sessions-lake-msk"]
    assert job["execution_property"] == [{"max_concurrent_runs": 1}]
    args = job["default_arguments"]
    assert args["--window_size"] == "60 seconds"
    assert args["--checkpoint_location"] == f"s3://{BUCKET}/sessions-lake/checkpoint/"
    assert args["--output_path"] == f"s3://{BUCKET}/sessions-lake/data/"
    assert args["--error_path"] == f"s3://{BUCKET}/sessions-lake/errors/"
    assert (args["--database"], args["--table"]) == ("dev_analytics", "sessions_lake")
    assert (args["--topic"], args["--connection_name"]) == ("analytics.sessions", "dev-analytics-sessions-lake-msk")
    assert args["--starting_position"] == "earliest"
    assert args["--enable-continuous-cloudwatch-log"] == "true" and args["--enable-metrics"] == "true"
    assert args["--continuous-log-logGroup"] == "/aws-glue/jobs/dev-analytics-sessions-lake"
    script = (ROOT / "glue/dev-analytics-sessions-lake.py").read_bytes()
    assert args["--script_sha256"] == hashlib.sha256(script).hexdigest()
    assert "--datalake-formats" not in args


def test_every_script_argument_is_passed(analytics):
    for job in ("sessions-lake", "checkout-iceberg"):
        args = after(analytics, "aws_glue_job", f"glue_{job}")["default_arguments"]
        namespace: dict = {}
        exec(compile((ROOT / f"glue/dev-analytics-{job}.py").read_text(), job, "exec"), namespace)
        missing = [a for a in namespace["ARGUMENTS"] if a != "JOB_NAME" and f"--{a}" not in args]
        assert not missing, (job, missing)


def test_kinesis_job_to_iceberg(analytics):
    job = after(analytics, "aws_glue_job", "glue_checkout-iceberg")
    assert (job["glue_version"], job["worker_type"], job["number_of_workers"]) == ("5.0", "G.025X", 2)
    assert job["connections"] == []
    args = job["default_arguments"]
    assert args["--stream_arn"] == "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-analytics-checkout-events"
    assert args["--window_size"] == "100 seconds"
    assert args["--datalake-formats"] == "iceberg"
    conf = args["--conf"].split(" --conf ")
    assert "spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog" in conf
    assert f"spark.sql.catalog.glue_catalog.warehouse=s3://{BUCKET}/checkout-iceberg/data/" in conf
    assert f"spark.sql.catalog.glue_catalog.s3.sse.key={DATA_KEY}" in conf
    table = after(analytics, "aws_glue_catalog_table", "iceberg_checkout_iceberg")
    assert table["open_table_format_input"] == [{"iceberg_input": [{"metadata_operation": "CREATE", "version": "2"}]}]
    assert table["table_type"] == "EXTERNAL_TABLE"
    columns = {c["name"]: c["type"] for c in table["storage_descriptor"][0]["columns"]}
    assert columns["currency"] == "string" and columns["amount"] == "decimal(12,2)"
    protected = [a for a in changes(analytics, "aws_glue_catalog_table") if "iceberg_checkout_iceberg" in a]
    assert protected == ["module.iceberg_checkout_iceberg.aws_glue_catalog_table.this[0]"]


def test_parquet_table_partitions(analytics):
    table = after(analytics, "aws_glue_catalog_table", "table_sessions_lake")
    assert [(k["name"], k["type"]) for k in table["partition_keys"]] == [("event_date", "date"), ("country", "varchar(2)")]
    assert table["storage_descriptor"][0]["location"] == f"s3://{BUCKET}/sessions-lake/data/"
    assert "MapredParquetInputFormat" in table["storage_descriptor"][0]["input_format"]


def test_kafka_connection_uses_iam_and_tls(analytics):
    connection = after(analytics, "aws_glue_connection", "glue_sessions-lake")
    assert connection["connection_type"] == "KAFKA"
    assert connection["connection_properties"] == {
        "KAFKA_BOOTSTRAP_SERVERS": ",".join(
            f"b-{n}.devmain.abc123.c2.kafka.eu-west-1.amazonaws.com:9098" for n in (1, 2, 3)
        ),
        "KAFKA_SASL_MECHANISM": "AWS_MSK_IAM",
        "KAFKA_SSL_ENABLED": "true",
    }
    network = connection["physical_connection_requirements"][0]
    assert network["subnet_id"] == "subnet-0a1b2c3d4e5f60001"


def test_connection_security_group_references_itself(analytics):
    module = analytics["configuration"]["root_module"]["module_calls"]["glue_sessions-lake"]["module"]
    rules = {r["address"]: r["expressions"] for r in module["resources"] if r["type"].startswith("aws_vpc_security_group_")}
    for address in ("aws_vpc_security_group_ingress_rule.self", "aws_vpc_security_group_egress_rule.self"):
        assert "aws_security_group.glue[0].id" in rules[address]["referenced_security_group_id"]["references"]
        assert (rules[address]["from_port"]["constant_value"], rules[address]["to_port"]["constant_value"]) == (0, 65535)
    group = after(analytics, "aws_security_group", "glue_sessions-lake")
    assert group["vpc_id"] == "vpc-0a1b2c3d4e5f60718"


def test_security_configuration_and_logs(analytics):
    config = after(analytics, "aws_glue_security_configuration", "glue_sessions-lake")["encryption_configuration"][0]
    assert config["s3_encryption"] == [{"s3_encryption_mode": "SSE-KMS", "kms_key_arn": DATA_KEY}]
    assert config["job_bookmarks_encryption"] == [{"job_bookmarks_encryption_mode": "CSE-KMS", "kms_key_arn": DATA_KEY}]
    assert config["cloudwatch_encryption"] == [{"cloudwatch_encryption_mode": "SSE-KMS", "kms_key_arn": LOGS_KEY}]
    groups = {
        c["after"]["name"]: c["after"]
        for a, c in changes(analytics, "aws_cloudwatch_log_group").items()
        if "glue_sessions-lake" in a
    }
    assert sorted(groups) == [
        "/aws-glue/jobs/dev-analytics-sessions-lake",
        "/aws-glue/jobs/dev-analytics-sessions-lake-role/dev-analytics-sessions-lake-glue/error",
        "/aws-glue/jobs/dev-analytics-sessions-lake-role/dev-analytics-sessions-lake-glue/output",
    ]
    assert {(g["kms_key_id"], g["retention_in_days"]) for g in groups.values()} == {(LOGS_KEY, 365)}
    script = after(analytics, "aws_s3_object", "glue_sessions-lake")
    assert (script["server_side_encryption"], script["kms_key_id"]) == ("aws:kms", DATA_KEY)


def test_glue_roles_are_scoped(analytics):
    policy = statements(after(analytics, "aws_iam_role_policy", "glue_sessions-lake")["policy"])
    prefix = f"arn:aws:s3:::{BUCKET}/sessions-lake"
    assert sorted(as_list(policy["ReadWriteOwnPrefixes"]["Resource"])) == sorted(
        f"{prefix}/{p}/*" for p in ("checkpoint", "data", "errors", "tmp")
    )
    assert policy["ReadScript"]["Resource"] == f"{prefix}/script/job.py"
    assert policy["KafkaTopic"]["Resource"] == f"arn:aws:kafka:eu-west-1:{ACCOUNT}:topic/{CLUSTER}/analytics.sessions"
    assert policy["KafkaConsumerGroup"]["Resource"] == f"arn:aws:kafka:eu-west-1:{ACCOUNT}:group/{CLUSTER}/spark-kafka-source-*"
    assert policy["KafkaCluster"]["Resource"] == f"arn:aws:kafka:eu-west-1:{ACCOUNT}:cluster/{CLUSTER}"
    assert sorted(as_list(policy["CatalogTable"]["Resource"])) == [
        f"arn:aws:glue:eu-west-1:{ACCOUNT}:catalog",
        f"arn:aws:glue:eu-west-1:{ACCOUNT}:database/dev_analytics",
        f"arn:aws:glue:eu-west-1:{ACCOUNT}:table/dev_analytics/sessions_lake",
    ]
    assert policy["Metrics"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Glue"}}
    # '*' only where AWS has no resource-level permissions, and never for data
    wildcard = sorted(sid for sid, s in policy.items() if "*" in as_list(s["Resource"]))
    assert wildcard == ["DescribeNetwork", "Metrics"]
    assert policy["NetworkInterfaces"]["Condition"] == {
        "ArnEquals": {"ec2:Vpc": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60718"}
    }
    trust = json.loads(after(analytics, "aws_iam_role", "glue_sessions-lake")["assume_role_policy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "glue.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}

    kinesis = statements(after(analytics, "aws_iam_role_policy", "glue_checkout-iceberg")["policy"])
    assert kinesis["ReadSourceStream"]["Resource"] == f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/dev-analytics-checkout-events"
    assert kinesis["DecryptSourceStream"]["Condition"] == {"StringEquals": {"kms:ViaService": "kinesis.eu-west-1.amazonaws.com"}}
    assert "KafkaTopic" not in kinesis and "DescribeNetwork" not in kinesis


def test_keep_running_trigger(analytics):
    trigger = after(analytics, "aws_glue_trigger", "glue_sessions-lake")
    assert (trigger["type"], trigger["schedule"]) == ("SCHEDULED", "cron(0/10 * * * ? *)")
    assert trigger["actions"][0]["job_name"] == "dev-analytics-sessions-lake"


def test_redshift_statements_run_the_generated_sql(analytics):
    found = changes(analytics, "aws_redshiftdata_statement")
    assert len(found) == 9
    for address, change in found.items():
        statement = change["after"]
        folder = "workgroup-analytics" if "workgroup" in address else "cluster-warehouse"
        key = address.split("[")[1].strip('"]') if "[" in address else ""
        kind = address.split("aws_redshiftdata_statement.")[1].split("[")[0]
        name = {"schema": f"schema-{key}", "external": f"external-{key}", "view": f"view-{key}", "procedure": "procedure"}[kind]
        assert statement["sql"] == (ROOT / "redshift" / folder / f"{name}.sql").read_text(), address
        if folder == "workgroup-analytics":
            assert (statement["workgroup_name"], statement["cluster_identifier"], statement["database"]) == ("dev-analytics", None, "analytics")
        else:
            assert (statement["workgroup_name"], statement["cluster_identifier"], statement["database"]) == (None, "dev-warehouse", "warehouse")
        assert statement["secret_arn"].startswith(f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dev/redshift/")
    view = found['module.redshift_workgroup_analytics.aws_redshiftdata_statement.view["analytics.checkout_live"]']["after"]
    assert 'CALL "analytics"."streamgen_ensure_view"(' in view["sql"]
    assert 'FROM "analytics_kinesis"."dev-analytics-checkout-events"' in view["sql"]
    assert "AUTO REFRESH YES" in view["sql"] and 'CAN_JSON_PARSE("kinesis_data")' in view["sql"]
    external = found['module.redshift_cluster_warehouse.aws_redshiftdata_statement.external["analytics_msk_main"]']["after"]
    assert f"IAM_ROLE 'arn:aws:iam::{ACCOUNT}:role/dev-analytics-cl-warehouse-redshift'" in external["sql"]
    assert "AUTHENTICATION iam" in external["sql"]
    # one change-detection fingerprint per statement
    assert len(changes(analytics, "terraform_data")) == 9 + 2 + 2  # + target checks of the SQL and Glue modules


def test_redshift_roles_and_association(plans):
    shared = plans["shared"]
    workgroup = statements(after(shared, "aws_iam_role_policy", "redshift_workgroup_analytics")["policy"])
    assert sorted(as_list(workgroup["ReadStreams"]["Action"])) == sorted(
        f"kinesis:{a}" for a in ("DescribeStreamSummary", "GetShardIterator", "GetRecords", "ListShards", "DescribeStream")
    )
    assert workgroup["ReadStreams"]["Resource"] == f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/dev-analytics-checkout-events"
    assert workgroup["DecryptStreams"]["Condition"] == {"StringEquals": {"kms:ViaService": "kinesis.eu-west-1.amazonaws.com"}}
    trust = json.loads(after(shared, "aws_iam_role", "redshift_workgroup_analytics")["assume_role_policy"])["Statement"][0]
    assert sorted(as_list(trust["Principal"]["Service"])) == ["redshift-serverless.amazonaws.com", "redshift.amazonaws.com"]

    cluster = statements(after(shared, "aws_iam_role_policy", "redshift_cluster_warehouse")["policy"])
    assert cluster["KafkaTopics"]["Resource"] == f"arn:aws:kafka:eu-west-1:{ACCOUNT}:topic/{CLUSTER}/analytics.sessions"
    assert sorted(as_list(cluster["KafkaTopics"]["Action"])) == ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
    assert "kafka-cluster:Connect" in as_list(cluster["KafkaClusters"]["Action"])
    assert cluster["KafkaGroups"]["Resource"] == f"arn:aws:kafka:eu-west-1:{ACCOUNT}:group/{CLUSTER}/*"
    association = after(shared, "aws_redshift_cluster_iam_roles", "redshift_cluster_warehouse")
    assert association["cluster_identifier"] == "dev-warehouse"
    assert association["iam_role_arns"] == [
        f"arn:aws:iam::{ACCOUNT}:role/dev-analytics-cl-warehouse-redshift",
        f"arn:aws:iam::{ACCOUNT}:role/dev-warehouse-spectrum",
    ]
    # the serverless namespace is not touched: its owner associates the role
    assert not [a for a in changes(shared, "aws_redshift_cluster_iam_roles") if "workgroup" in a]
    assert not changes(shared, "aws_redshiftserverless_namespace")
