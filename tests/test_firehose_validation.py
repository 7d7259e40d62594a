"""Bad Firehose sinks: one exact `file:line: field: message` per problem, exit 2, nothing written."""

from __future__ import annotations

import pytest
from support import ENV_BASE

ENV = ENV_BASE + """msk_clusters:
  main:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2
    broker_count: 3
    bootstrap_brokers_iam: [b-1.example.kafka.eu-west-1.amazonaws.com:9098]
  lite:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-lite/0c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-s1
    type: serverless
    bootstrap_brokers_iam: [boot-abc.c1.kafka-serverless.eu-west-1.amazonaws.com:9098]
opensearch:
  domains:
    logs:
      arn: arn:aws:es:eu-west-1:111111111111:domain/dev-logs
      endpoint: https://vpc-dev-logs-abc.eu-west-1.es.amazonaws.com
      vpc: true
    search:
      arn: arn:aws:es:eu-west-1:111111111111:domain/dev-search
      endpoint: https://search-dev-search-abc.eu-west-1.es.amazonaws.com
  collections:
    events:
      arn: arn:aws:aoss:eu-west-1:111111111111:collection/a1b2c3d4e5f6g7h8i9j0
      name: dev-events
      endpoint: https://a1b2c3d4e5f6g7h8i9j0.eu-west-1.aoss.amazonaws.com
redshift:
  clusters:
    warehouse:
      cluster_identifier: dev-warehouse
      arn: arn:aws:redshift:eu-west-1:111111111111:cluster:dev-warehouse
      endpoint: dev-warehouse.abc.eu-west-1.redshift.amazonaws.com:5439
      database: warehouse
  workgroups:
    analytics:
      workgroup: dev-analytics
      namespace: dev-analytics
      namespace_arn: arn:aws:redshift-serverless:eu-west-1:111111111111:namespace/3f4e5d6c-0000-4000-8000-00000000ab01
      admin_secret_arn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/redshift/analytics-AbCdEf
"""

HEAD = """\
domain: shop
owner: x
topics:
  - name: orders
    shards: 1
  - name: audit
    platform: msk
    cluster: main
  - name: typed
    shards: 1
    schema:
      columns:
        - {name: id, type: bigint}
        - {name: city, type: string, path: address.city}
transforms:
  - name: clean
    source: json_transform
sinks:
"""
SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/x-AbCdEf"


def sink(body: str) -> str:
    """A catalog whose only sink is ``body`` (its first line at line 19)."""
    return HEAD + "  - " + body.strip().replace("\n", "\n    ") + "\n"


# (id, sink body, expected stderr lines before the count line)
BAD_SINKS = [
    (
        "unknown-destination-field",
        "name: s\nkind: opensearch\ntopic: orders\nopensearch_domain: logs\nindex: o\nindex_rotate: day",
        ["catalog/shop.yaml:24: sinks[s].index_rotate: unknown field; did you mean 'index_rotation'?"],
    ),
    (
        "opensearch-buffer-over-100-mb",
        "name: s\nkind: opensearch\ntopic: orders\nopensearch_domain: logs\nindex: o\nbuffering: {size_mb: 120}",
        ["catalog/shop.yaml:24: sinks[s].buffering.size_mb: OpenSearch takes at most 100 MB"],
    ),
    (
        "splunk-buffer-interval-over-60-s",
        f"name: s\nkind: http\nprovider: splunk\ntopic: orders\nurl: https://hec.example.com\nsecret_arn: {SECRET}\nbuffering: {{interval_s: 300}}",
        ["catalog/shop.yaml:25: sinks[s].buffering.interval_s: Splunk takes at most 60 s"],
    ),
    (
        "buffer-out-of-the-api-range",
        "name: s\nkind: s3\ntopic: orders\nbuffering: {size_mb: 0}",
        ["catalog/shop.yaml:22: sinks[s].buffering.size_mb: Input should be greater than or equal to 1"],
    ),
    (
        "error-output-type-in-backup-prefix",
        "name: s\nkind: s3\ntopic: orders\nbackup: {prefix: 'raw/!{firehose:error-output-type}/'}",
        ["catalog/shop.yaml:22: sinks[s].backup.prefix: !{firehose:error-output-type} is only allowed in the error prefix"],
    ),
    (
        "conversion-from-a-topic-without-schema",
        "name: s\nkind: s3\ntopic: orders\nformat_conversion: {to: parquet}",
        ["catalog/shop.yaml:22: sinks[s].format_conversion: topic 'orders' declares no schema.columns; format conversion needs them for its Glue table"],
    ),
    (
        "conversion-of-direct-put-without-schema",
        "name: s\nkind: s3\ndirect_put: true\nformat_conversion: {to: orc}",
        ["catalog/shop.yaml:22: sinks[s].format_conversion: needs the record columns for its Glue table; declare schema.columns on the sink"],
    ),
    (
        "conversion-of-a-nested-json-path",
        "name: s\nkind: s3\ntopic: typed\nformat_conversion: {to: parquet}",
        ["catalog/shop.yaml:22: sinks[s].format_conversion: column 'city' reads nested path 'address.city'; conversion maps top-level JSON keys"],
    ),
    (
        "hive-deserializer-with-renamed-columns",
        "name: s\nkind: s3\ndirect_put: true\nschema:\n  columns: [{name: user_id, type: string, path: userId}]\nformat_conversion: {to: orc, deserializer: hive}",
        ["catalog/shop.yaml:24: sinks[s].format_conversion.deserializer: the hive deserializer cannot map JSON keys to columns (user_id has a path); use openx"],
    ),
    (
        "conversion-with-a-small-buffer",
        "name: s\nkind: s3\ntopic: typed\nformat_conversion: {to: parquet}\nbuffering: {size_mb: 32}",
        [
            "catalog/shop.yaml:22: sinks[s].format_conversion: column 'city' reads nested path",
            "catalog/shop.yaml:23: sinks[s].buffering.size_mb: format_conversion needs buffers of at least 64 MB",
        ],
    ),
    (
        "conversion-with-s3-compression",
        "name: s\nkind: s3\ntopic: typed\ncompression: GZIP\nformat_conversion: {to: parquet}",
        ["catalog/shop.yaml:22: sinks[s].compression: with format_conversion the serializer compresses; set format_conversion.compression instead"],
    ),
    (
        "orc-with-a-parquet-codec",
        "name: s\nkind: s3\ntopic: orders\nformat_conversion: {to: orc, compression: GZIP}",
        ["catalog/shop.yaml:22: sinks[s].format_conversion.compression: orc takes SNAPPY, ZLIB, NONE"],
    ),
    (
        "dynamic-partitioning-prefix-without-its-keys",
        "name: s\nkind: s3\ntopic: orders\nprefix: 'data/c=!{partitionKeyFromQuery:customer}/'\ndynamic_partitioning:\n  keys: {customer: .customer, level: .level}",
        ["catalog/shop.yaml:22: sinks[s].prefix: does not use partition key 'level' (add !{partitionKeyFromQuery:level})"],
    ),
    (
        "dynamic-partitioning-prefix-with-an-undeclared-key",
        "name: s\nkind: s3\ntopic: orders\nprefix: 'data/!{partitionKeyFromQuery:region}/!{partitionKeyFromQuery:customer}/'\ndynamic_partitioning:\n  keys: {customer: .customer}",
        ["catalog/shop.yaml:22: sinks[s].prefix: !{partitionKeyFromQuery:region}: 'region' is not in dynamic_partitioning.keys"],
    ),
    (
        "partition-key-without-dynamic-partitioning",
        "name: s\nkind: s3\ntopic: orders\nprefix: 'data/!{partitionKeyFromQuery:customer}/'",
        ["catalog/shop.yaml:22: sinks[s].prefix: !{partitionKeyFromQuery:customer} needs dynamic partitioning enabled on the sink"],
    ),
    (
        "dynamic-partitioning-with-a-small-buffer",
        "name: s\nkind: s3\ntopic: orders\nbuffering: {size_mb: 5}\ndynamic_partitioning:\n  keys: {customer: .customer}",
        ["catalog/shop.yaml:22: sinks[s].buffering.size_mb: dynamic_partitioning needs buffers of at least 64 MB"],
    ),
    (
        "lambda-keys-without-a-transform",
        "name: s\nkind: s3\ntopic: orders\ndynamic_partitioning: {lambda_keys: [tenant]}",
        ["catalog/shop.yaml:22: sinks[s].dynamic_partitioning: lambda_keys need a transform that returns them"],
    ),
    (
        "lambda-keys-the-transform-does-not-return",
        "name: s\nkind: s3\ntopic: orders\ntransform: clean\ndynamic_partitioning: {lambda_keys: [tenant]}",
        ["catalog/shop.yaml:23: sinks[s].dynamic_partitioning.lambda_keys: transform 'clean' returns the keys in its PARTITION_KEYS environment variable (none); add tenant"],
    ),
    (
        "opensearch-domain-not-in-env",
        "name: s\nkind: opensearch\ntopic: orders\nopensearch_domain: nope\nindex: o",
        ["catalog/shop.yaml:22: sinks[s].opensearch_domain: no OpenSearch domain 'nope' in env.yaml opensearch.domains (logs, search)"],
    ),
    (
        "opensearch-collection-not-in-env",
        "name: s\nkind: opensearch\ntopic: orders\ncollection: logs\nindex: o",
        ["catalog/shop.yaml:22: sinks[s].collection: no OpenSearch Serverless collection 'logs' in env.yaml opensearch.collections (events)"],
    ),
    (
        "opensearch-domain-and-collection",
        "name: s\nkind: opensearch\ntopic: orders\nopensearch_domain: logs\ncollection: events\nindex: o",
        ["catalog/shop.yaml:22: sinks[s].opensearch_domain: name either opensearch_domain or collection"],
    ),
    (
        "index-rotation-on-a-collection",
        "name: s\nkind: opensearch\ntopic: orders\ncollection: events\nindex: o\nindex_rotation: day",
        ["catalog/shop.yaml:24: sinks[s].index_rotation: OpenSearch Serverless collections do not rotate indexes"],
    ),
    (
        "retry-duration-over-two-hours",
        "name: s\nkind: opensearch\ntopic: orders\nopensearch_domain: search\nindex: o\nretry_duration_s: 7201",
        ["catalog/shop.yaml:24: sinks[s].retry_duration_s: Input should be less than or equal to 7200"],
    ),
    (
        "redshift-target-not-in-env",
        "name: s\nkind: redshift\nvia: firehose\ntopic: orders\ncluster: lake\ntable: public.orders",
        ["catalog/shop.yaml:23: sinks[s].cluster: no Redshift target 'lake' in env.yaml redshift.clusters (warehouse)"],
    ),
    (
        "redshift-without-credentials",
        "name: s\nkind: redshift\nvia: firehose\ntopic: orders\ncluster: warehouse\ntable: public.orders",
        ["catalog/shop.yaml:23: sinks[s].cluster: no credentials: set secret_arn, or admin_secret_arn of env.yaml redshift.clusters.warehouse"],
    ),
    (
        "redshift-plaintext-password",
        "name: s\nkind: redshift\nvia: firehose\ntopic: orders\nworkgroup: analytics\ntable: orders\npassword: hunter2",
        ["catalog/shop.yaml:25: sinks[s].password: looks like a plaintext secret; store it in Secrets Manager and set secret_arn to the secret's ARN"],
    ),
    (
        "redshift-credentials-in-copy-options",
        "name: s\nkind: redshift\nvia: firehose\ntopic: orders\nworkgroup: analytics\ntable: orders\ncopy_options: \"JSON 'auto' CREDENTIALS 'aws_access_key_id=AKIA'\"",
        ["catalog/shop.yaml:25: sinks[s].copy_options: must not carry credentials; Firehose supplies them from its role"],
    ),
    (
        "http-literal-access-key",
        "name: s\nkind: http\nprovider: datadog\ntopic: orders\nurl: https://intake.example.com/v1/input\naccess_key: 0123456789abcdef",
        ["catalog/shop.yaml:24: sinks[s].access_key: looks like a plaintext secret; store it in Secrets Manager and set secret_arn to the secret's ARN"],
    ),
    (
        "http-secret-arn-that-is-a-key",
        "name: s\nkind: http\nprovider: elastic\ntopic: orders\nurl: https://es.example.com\nsecret_arn: 0123456789abcdef",
        ["catalog/shop.yaml:24: sinks[s].secret_arn: '0123456789abcdef' must be a Secrets Manager secret ARN"],
    ),
    (
        "http-key-in-the-url",
        "name: s\nkind: http\nprovider: generic\ntopic: orders\nurl: https://hooks.example.com/in?api_key=0123456789abcdef",
        ["catalog/shop.yaml:23: sinks[s].url: carries credentials; store it in Secrets Manager and set secret_arn to the secret's ARN"],
    ),
    (
        "http-token-in-attributes",
        f"name: s\nkind: http\nprovider: datadog\ntopic: orders\nurl: https://intake.example.com\nsecret_arn: {SECRET}\nattributes: {{dd-token: abc}}",
        ["catalog/shop.yaml:25: sinks[s].attributes: dd-token looks like a plaintext secret"],
    ),
    (
        "datadog-without-a-secret",
        "name: s\nkind: http\nprovider: datadog\ntopic: orders\nurl: https://intake.example.com",
        ["catalog/shop.yaml:19: sinks[s].secret_arn: datadog needs its access key: the ARN of a Secrets Manager secret"],
    ),
    (
        "secret-in-another-region",
        "name: s\nkind: http\nprovider: elastic\ntopic: orders\nurl: https://es.example.com\nsecret_arn: arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf",
        ["catalog/shop.yaml:24: sinks[s].secret_arn: secret is in us-east-1, but the environment is in eu-west-1"],
    ),
    (
        "neither-topic-nor-direct-put",
        "name: s\nkind: s3",
        ["catalog/shop.yaml:19: sinks[s].topic: name the topic to read, or set direct_put: true"],
    ),
    (
        "topic-and-direct-put",
        "name: s\nkind: s3\ntopic: orders\ndirect_put: true",
        ["catalog/shop.yaml:22: sinks[s].direct_put: a sink either reads a topic or takes Direct PUT, not both"],
    ),
    (
        "msk-options-on-a-kinesis-topic",
        "name: s\nkind: s3\ntopic: orders\nmsk: {connectivity: public}",
        ["catalog/shop.yaml:22: sinks[s].msk: 'orders' is a kinesis topic; msk options apply to MSK topics"],
    ),
    (
        "msk-read-from-without-a-zone",
        "name: s\nkind: s3\ntopic: audit\nmsk: {read_from: '2024-06-01T00:00:00'}",
        ["catalog/shop.yaml:22: sinks[s].msk.read_from: needs a time zone, e.g. 2024-05-01T00:00:00Z"],
    ),
]


@pytest.mark.parametrize("body, expected", [pytest.param(b, e, id=i) for i, b, e in BAD_SINKS])
def test_bad_firehose_sink(sandbox, body, expected):
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", sink(body))
    before = sandbox.snapshot()
    result = sandbox.run("generate", "--env", "dev")
    assert result.code == 2, result.out
    assert "Traceback" not in result.err
    problems = result.err_lines[:-1]
    assert len(problems) == len(expected), result.err
    for line, want in zip(problems, expected):
        assert line.startswith(want), f"\n got: {line}\nwant: {want}"
    assert result.err_lines[-1].endswith("found; nothing was written")
    assert sandbox.snapshot() == before


def test_public_connectivity_to_a_serverless_cluster(sandbox):
    catalog = HEAD.replace("cluster: main", "cluster: lite") + "  - name: s\n    kind: s3\n    topic: audit\n    msk: {connectivity: public}\n"
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", catalog)
    result = sandbox.run("validate", "--env", "dev")
    assert result.err_lines[0] == (
        "catalog/shop.yaml:22: sinks[s].msk.connectivity: "
        "MSK cluster 'lite' is serverless; serverless clusters have no public brokers"
    )


def test_env_override_that_breaks_a_conversion_buffer_blames_env_yaml(sandbox):
    catalog = HEAD.replace("path: address.city", "path: city") + "  - name: s\n    kind: s3\n    topic: typed\n    format_conversion: {to: parquet}\n"
    sandbox.write("environments/dev/env.yaml", ENV + "overrides:\n  sinks:\n    shop/s:\n      buffering: {size_mb: 16}\n")
    sandbox.write("catalog/shop.yaml", catalog)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 2
    assert result.err_lines[0] == (
        "environments/dev/env.yaml:54: overrides.sinks.shop/s.buffering.size_mb: "
        "16: format_conversion needs buffers of at least 64 MB"
    )


def test_overlapping_backup_prefix_is_reported(sandbox):
    catalog = sink("name: a\nkind: s3\ntopic: orders\nprefix: shared/\n") + "  - name: b\n    kind: opensearch\n    topic: orders\n    opensearch_domain: search\n    index: b\n    backup: {prefix: shared/b/}\n"
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", catalog)
    result = sandbox.run("validate", "--env", "dev")
    assert result.err_lines[0].startswith(
        "catalog/shop.yaml:28: sinks[b].backup.prefix: 'shared/b/' overlaps sink 'a' prefix 'shared/' in the same bucket"
    )


def test_a_valid_sink_of_every_kind_and_source(sandbox):
    catalog = HEAD.replace("path: address.city", "path: city") + f"""\
  - name: lake
    kind: s3
    topic: typed
    format_conversion: {{to: orc}}
  - name: kafka-lake
    kind: s3
    topic: audit
    msk: {{connectivity: private, read_from: 2024-06-01T00:00:00+02:00}}
  - name: search
    kind: opensearch
    direct_put: true
    collection: events
    index: orders
  - name: warehouse
    kind: redshift
    via: firehose
    topic: orders
    workgroup: analytics
    table: sales.orders
  - name: splunk
    kind: http
    provider: splunk
    topic: audit
    url: https://hec.example.com:443
    secret_arn: {SECRET}
"""
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", catalog)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 0, result.err
    assert "5 sinks" in result.out


def test_private_msk_sources_are_granted_in_the_cluster_policy(sandbox):
    from streamgen import pipeline

    catalog = HEAD + """\
  - name: private-lake
    kind: s3
    topic: audit
  - name: public-lake
    kind: s3
    topic: audit
    msk: {connectivity: public}
"""
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", catalog)
    generated = pipeline.generate(sandbox.ws, "dev", build=False)
    [shared] = [r for r in generated.resolved.roots if r.path == "shared"]
    [policy] = shared.msk_cluster_policies
    grant = policy.grants["FirehoseVpcConnection"]
    assert (grant.service, grant.consumers) == ("firehose.amazonaws.com", ["shop/private-lake"])  # public needs none
    assert "kafka:CreateVpcConnection" in grant.actions
    text = generated.files["environments/dev/generated/shared/msk.tf"]
    assert 'service = "firehose.amazonaws.com"' in text
