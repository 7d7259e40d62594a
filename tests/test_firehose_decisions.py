"""What Firehose sinks get when the catalog is silent, and the values derived from it."""

from __future__ import annotations

import pytest

from streamgen import decisions, firehose_decisions as fd
from streamgen.firehose_checks import partition_folders, table_root
from streamgen.spec.env import Environment
from streamgen.spec.firehose import HttpSink, OpenSearchSink, RedshiftFirehoseSink, S3Sink

SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/x-AbCdEf"


def environment(**extra) -> Environment:
    return Environment.model_validate(
        {
            "name": "dev",
            "account_id": "111111111111",
            "region": "eu-west-1",
            "name_prefix": "dev",
            "tags": {"Environment": "dev"},
            "state": {"bucket": "state-bucket-111111111111"},
            "network": {
                "vpc_id": "vpc-0a1b2c3d4e5f60718",
                "subnet_ids": ["subnet-0a1b2c3d4e5f60001"],
                "security_group_ids": ["sg-0a1b2c3d4e5f60010"],
            },
            "kms": {"data": "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001"},
            "redshift": {
                "clusters": {
                    "warehouse": {
                        "cluster_identifier": "dev-warehouse",
                        "arn": "arn:aws:redshift:eu-west-1:111111111111:cluster:dev-warehouse",
                        "endpoint": "dev-warehouse.abc.eu-west-1.redshift.amazonaws.com:5439",
                        "database": "warehouse",
                    }
                },
                "workgroups": {
                    "analytics": {
                        "workgroup": "dev-analytics",
                        "namespace": "dev-analytics",
                        "namespace_arn": "arn:aws:redshift-serverless:eu-west-1:111111111111:namespace/3f4e5d6c-0000",
                        "database": "analytics",
                        "admin_secret_arn": SECRET,
                    }
                },
            },
            **extra,
        }
    )


def s3(**fields) -> S3Sink:
    return S3Sink.model_validate({"name": "lake", "kind": "s3", "topic": "orders", **fields})


def splunk(**fields) -> HttpSink:
    return HttpSink.model_validate(
        {"name": "hec", "kind": "http", "provider": "splunk", "topic": "t", "url": "https://h.example.com", "secret_arn": SECRET, **fields}
    )


def test_defaults_are_fitted_to_the_destination():
    env = environment()  # defaults: 64 MB / 300 s
    assert fd.buffering(splunk(), env, "shop/hec") == fd.BufferChoice(5, 60, "default", "default")
    os_sink = OpenSearchSink.model_validate({"name": "o", "kind": "opensearch", "topic": "t", "collection": "c", "index": "i"})
    assert (fd.buffering(os_sink, env, "shop/o").size_mb, fd.buffering(os_sink, env, "shop/o").interval_s) == (64, 300)


def test_conversion_raises_a_small_default_but_keeps_an_explicit_value():
    env = environment(defaults={"firehose": {"buffering": {"size_mb": 8, "interval_s": 120}}})
    converted = s3(format_conversion={"to": "parquet"})
    assert fd.buffering(converted, env, "shop/lake") == fd.BufferChoice(64, 120, "default", "default")
    explicit = s3(format_conversion={"to": "parquet"}, buffering={"size_mb": 16})
    assert fd.buffering(explicit, env, "shop/lake") == fd.BufferChoice(16, 120, "catalog", "default")  # checks reject it
    assert fd.buffering(s3(), env, "shop/lake").size_mb == 8


def test_env_override_wins_over_the_catalog():
    env = environment(overrides={"sinks": {"shop/lake": {"buffering": {"size_mb": 100}}}})
    assert fd.buffering(s3(buffering={"size_mb": 10, "interval_s": 900}), env, "shop/lake") == fd.BufferChoice(100, 900, "override", "catalog")


def test_dynamic_partitioning_prefix_puts_keys_before_the_date():
    sink = s3(dynamic_partitioning={"keys": {"service": ".svc", "level": ".lvl"}})
    prefix, error = decisions.s3_prefixes(sink)
    assert prefix == (
        "lake/data/service=!{partitionKeyFromQuery:service}/level=!{partitionKeyFromQuery:level}/"
        "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
    )
    assert error.startswith("lake/errors/!{firehose:error-output-type}/")
    assert sink.dynamic_partitioning.query == "{service:.svc,level:.lvl}"


def test_processors_in_application_order_with_only_non_default_parameters():
    sink = s3(
        transform={"name": "clean", "buffer_size_mb": 1, "buffer_interval_s": 120},
        dynamic_partitioning={"keys": {"k": ".k"}, "deaggregate_json": True},
    )
    steps = [(p.type, p.parameters) for p in fd.processors(sink)]
    assert steps == [
        ("RecordDeAggregation", [("SubRecordType", "JSON")]),
        ("Lambda", [("BufferIntervalInSeconds", "120")]),  # 1 MB is Firehose's default: left out
        ("MetadataExtraction", [("MetadataExtractionQuery", "{k:.k}"), ("JsonParsingEngine", "JQ-1.6")]),
        ("AppendDelimiterToRecord", []),
    ]
    converted = s3(dynamic_partitioning={"keys": {"k": ".k"}}, format_conversion={"to": "orc"}, prefix="d/k=!{partitionKeyFromQuery:k}/")
    assert [p.type for p in fd.processors(converted)] == ["MetadataExtraction"]  # rows need no newline


def test_locations_per_kind():
    lake = fd.locations(s3(backup=True, format_conversion={"to": "parquet"}))
    assert [(l.purpose, l.compression) for l in lake] == [("data", "UNCOMPRESSED"), ("backup", "GZIP")]
    assert lake[1].prefix == "lake/backup/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
    warehouse = RedshiftFirehoseSink.model_validate(
        {"name": "w", "kind": "redshift", "via": "firehose", "topic": "t", "cluster": "c", "table": "t", "copy_options": "JSON 'auto'"}
    )
    [staging] = fd.locations(warehouse)
    assert (staging.purpose, staging.field, staging.compression) == ("staging", ("staging_prefix",), "UNCOMPRESSED")
    assert fd.locations(splunk(backup="all"))[0].field == ("backup", "prefix")


def test_redshift_targets_and_credentials():
    env = environment()
    cluster = RedshiftFirehoseSink.model_validate({"name": "w", "kind": "redshift", "via": "firehose", "topic": "t", "cluster": "warehouse", "table": "t"})
    workgroup = cluster.model_copy(update={"cluster": None, "workgroup": "analytics"})
    assert fd.redshift_jdbc_url(cluster, env) == "jdbc:redshift://dev-warehouse.abc.eu-west-1.redshift.amazonaws.com:5439/warehouse"
    assert fd.redshift_jdbc_url(workgroup, env) == (
        "jdbc:redshift://dev-analytics.111111111111.eu-west-1.redshift-serverless.amazonaws.com:5439/analytics"
    )
    assert fd.redshift_secret(cluster, env) is None  # the cluster has no admin secret: checks report it
    assert fd.redshift_secret(workgroup, env) == SECRET
    assert fd.redshift_copy_options(cluster) == "FORMAT AS JSON 'auto' GZIP"
    assert fd.redshift_copy_options(cluster, "s3://b/w/copy/jsonpaths.json") == "FORMAT AS JSON 's3://b/w/copy/jsonpaths.json' GZIP"
    assert fd.redshift_jsonpaths_key(cluster) == "w/copy/jsonpaths.json"


def test_serverless_policy_names_fit_32_characters():
    assert fd.serverless_policy_name("dev-shop-search") == "dev-shop-search"
    long_a, long_b = (fd.serverless_policy_name(f"dev-observability-audit-search-{x}") for x in ("a", "b"))
    assert len(long_a) <= 32 and len(long_b) <= 32 and long_a != long_b
    assert long_a == fd.serverless_policy_name("dev-observability-audit-search-a")  # deterministic


@pytest.mark.parametrize(
    "prefix, root, folders",
    [
        ("a/data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/", "a/data/", ["year", "month"]),
        ("a/data/t=!{partitionKeyFromLambda:tenant}/dt=!{timestamp:yyyy-MM-dd}/", "a/data/", ["t", "dt"]),
        ("a/data/!{timestamp:yyyy/MM/dd}/", "a/data/", []),
        ("a/fixed=1/", "a/fixed=1/", []),
    ],
)
def test_table_root_and_partition_folders(prefix, root, folders):
    assert table_root(prefix) == root
    assert partition_folders(prefix) == folders


def test_partition_projection_makes_tables_queryable_without_crawlers():
    hourly = "a/data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
    params = fd.partition_projection(hourly, "a/data/")
    assert params["projection.enabled"] == "true"
    assert (params["projection.year.type"], params["projection.year.range"]) == ("date", "NOW-10YEARS,NOW")
    assert (params["projection.month.type"], params["projection.month.range"], params["projection.month.digits"]) == ("integer", "1,12", "2")
    assert params["projection.hour.range"] == "0,23"
    tenants = fd.partition_projection("a/t=!{partitionKeyFromLambda:tenant}/dt=!{timestamp:yyyy-MM-dd-HH}/", "a/")
    assert tenants["projection.t.type"] == "injected"
    assert (tenants["projection.dt.format"], tenants["projection.dt.interval.unit"]) == ("yyyy-MM-dd-HH", "HOURS")
    # a folder that is not one name=!{...} expression: no projection (partitions must be added)
    assert fd.partition_projection("a/!{timestamp:yyyy}/", "a/") == {}
    assert fd.partition_projection("a/d=!{timestamp:yyyy}-x/", "a/") == {}
