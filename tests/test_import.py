"""`streamgen import` against moto: create resources, import them, and the catalog
that comes out validates and generates the same resources (names and settings)."""

from __future__ import annotations

import ipaddress
import json
import urllib.request
from urllib.parse import urlparse

import boto3
import pytest
from moto.server import ThreadedMotoServer

from streamgen import pipeline
from test_scaffold import ENV

ROLE = "arn:aws:iam::111111111111:role/importer-test"
BUCKET = "dev-shop-111111111111-eu-west-1"  # the domain bucket streamgen names
TEST_ENV = ENV + """opensearch:
  domains:
    logs:
      arn: arn:aws:es:eu-west-1:111111111111:domain/dev-logs
      endpoint: https://search-dev-logs-abc123.eu-west-1.es.amazonaws.com
"""
PIPELINE_BODY = """version: "2"
orders-pipeline:
  source:
    kinesis_data_streams:
      streams:
        - stream_name: dev-shop-orders
  sink:
    - opensearch:
        hosts: ["https://search-dev-logs-abc123.eu-west-1.es.amazonaws.com"]
        index: orders-%{yyyy.MM.dd}
        aws:
          sts_role_arn: arn:aws:iam::111111111111:role/importer-test
          region: eu-west-1
"""


def _loopback(url: str) -> str:
    """Tests talk to moto only: refuse anything but a loopback endpoint."""
    host = urlparse(url).hostname or ""
    assert ipaddress.ip_address(host).is_loopback, f"tests must not call {url}"
    return url


@pytest.fixture(scope="module")
def moto_url():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield _loopback(f"http://{host}:{port}")
    server.stop()


@pytest.fixture
def account(moto_url, monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
                       "AWS_DEFAULT_REGION": "eu-west-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}.items():
        monkeypatch.setenv(key, value)
    # every test starts from an empty account
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).read()
    client = lambda name: boto3.client(name, region_name="eu-west-1", endpoint_url=moto_url)  # noqa: E731
    kinesis = client("kinesis")
    kinesis.create_stream(StreamName="dev-shop-orders", ShardCount=3)
    kinesis.increase_stream_retention_period(StreamName="dev-shop-orders", RetentionPeriodHours=48)
    kinesis.start_stream_encryption(StreamName="dev-shop-orders", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    kinesis.create_stream(StreamName="dev-shop-clicks", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    kinesis.create_stream(StreamName="legacy-stream", ShardCount=1)  # not named <prefix>-<domain>-*: ignored
    orders_arn = kinesis.describe_stream_summary(StreamName="dev-shop-orders")["StreamDescriptionSummary"]["StreamARN"]
    firehose = client("firehose")
    firehose.create_delivery_stream(
        DeliveryStreamName="dev-shop-orders-lake",
        DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": orders_arn, "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE,
            "BucketARN": f"arn:aws:s3:::{BUCKET}",
            "Prefix": "orders/data/",
            "ErrorOutputPrefix": "orders/errors/!{firehose:error-output-type}/",
            "BufferingHints": {"SizeInMBs": 96, "IntervalInSeconds": 120},
            "CompressionFormat": "GZIP",
            "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": [
                {"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:eu-west-1:111111111111:function:clean"}]}]},
        },
    )
    firehose.create_delivery_stream(
        DeliveryStreamName="dev-shop-beacons",
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::some-team-bucket",
                                            "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60}},
    )
    client("osis").create_pipeline(PipelineName="dev-shop-orders-search", MinUnits=1, MaxUnits=4, PipelineConfigurationBody=PIPELINE_BODY)
    client("glue").create_job(
        Name="dev-shop-sessions", Role=ROLE, Command={"Name": "gluestreaming", "ScriptLocation": "s3://scripts/sessions.py"},
        WorkerType="G.1X", NumberOfWorkers=2, GlueVersion="4.0",
    )
    client("glue").create_job(Name="dev-shop-nightly", Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/n.py"})
    return moto_url


@pytest.fixture
def imported(sandbox, account):
    sandbox.write("environments/dev/env.yaml", TEST_ENV)
    result = sandbox.run("import", "--domain", "shop", "--owner", "team-shop@example.com",
                         "--region", "eu-west-1", "--endpoint-url", account, "--json")
    assert result.code == 0, result.err
    return sandbox, json.loads(result.out)


def test_import_writes_a_catalog_that_validates(imported):
    sandbox, report = imported
    assert report["file"] == "catalog/shop.yaml"
    assert (report["topics"], report["sinks"]) == (2, 3)
    assert report["not_imported"] == [
        {"resource": "glue job dev-shop-sessions",
         "reason": "its script is custom code; streamgen generates the job from the topic's schema: "
                   "declare the topic's schema.columns and a `kind: glue` sink with these settings"},
    ]
    assert report["ignored"] == ["kinesis stream legacy-stream"]
    text = (sandbox.root / "catalog" / "shop.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/catalog.schema.json\n")
    assert "  # was delivering to s3://some-team-bucket; streamgen writes to the domain's bucket\n  - name: beacons\n" in text
    assert "  # had a Lambda processor: declare it under transforms: (lambda_src/) and reference it here\n  - name: orders-lake\n" in text
    # only the unencrypted stream is flagged
    assert text.count("was not encrypted") == 1
    assert "  # was not encrypted; streamgen encrypts it with the environment's KMS key (an in-place update)\n  - name: clicks\n" in text
    assert "#   settings: worker_type=G.1X, workers=2, glue_version=4.0, script=s3://scripts/sessions.py" in text
    pipeline.validate(sandbox.ws, "dev")  # raises on any problem


def test_import_round_trip_generates_the_same_resources(imported):
    sandbox, _ = imported
    resolved = pipeline.generate(sandbox.ws, "dev", build=False).resolved
    streams = {s.full_name: s for r in resolved.roots for s in r.streams}
    assert set(streams) == {"dev-shop-orders", "dev-shop-clicks"}
    assert (streams["dev-shop-orders"].mode, streams["dev-shop-orders"].shards, streams["dev-shop-orders"].retention_hours) == ("PROVISIONED", 3, 48)
    assert (streams["dev-shop-clicks"].mode, streams["dev-shop-clicks"].retention_hours) == ("ON_DEMAND", 24)
    firehoses = {f.full_name: f for r in resolved.roots for f in r.firehoses}
    assert set(firehoses) == {"dev-shop-orders-lake", "dev-shop-beacons"}
    lake = firehoses["dev-shop-orders-lake"]
    assert lake.kinesis_source.full_name == "dev-shop-orders"
    assert (lake.buffer_size_mb, lake.buffer_interval_s) == (96, 120)
    assert (lake.s3.bucket.bucket, lake.s3.prefix, lake.s3.error_prefix, lake.s3.compression) == (
        BUCKET, "orders/data/", "orders/errors/!{firehose:error-output-type}/", "GZIP")
    beacons = firehoses["dev-shop-beacons"]
    assert beacons.kinesis_source is None and beacons.msk_source is None  # Direct PUT
    assert (beacons.buffer_size_mb, beacons.buffer_interval_s) == (5, 60)
    pipes = {p.full_name: p for r in resolved.roots for p in r.ingestion_pipelines}
    assert set(pipes) == {"dev-shop-orders-search"}
    search = pipes["dev-shop-orders-search"]
    assert (search.min_units, search.max_units, search.target_arn) == (1, 4, "arn:aws:es:eu-west-1:111111111111:domain/dev-logs")
    assert search.topic_arns == [streams["dev-shop-orders"].arn]
    assert search.index_patterns == ["orders-*"]


def test_import_refuses_to_overwrite_and_can_print(sandbox, account):
    sandbox.write("environments/dev/env.yaml", TEST_ENV)
    sandbox.write("catalog/shop.yaml", "domain: shop\nowner: x\n")
    args = ("import", "--domain", "shop", "--owner", "team", "--endpoint-url", account)
    refused = sandbox.run(*args)
    assert refused.code == 2 and refused.err_lines == ["catalog/shop.yaml exists; pass --force to replace it or --output - to print the YAML"]
    assert (sandbox.root / "catalog" / "shop.yaml").read_text() == "domain: shop\nowner: x\n"
    printed = sandbox.run(*args, "--output", "-")
    assert printed.code == 0 and "  - name: orders\n    mode: provisioned\n    shards: 3\n    retention_hours: 48\n" in printed.out
