"""Every kind of bad input: one line per problem, `file:line: field: message`,
exit code 2, no traceback, and nothing written."""

from __future__ import annotations

import pytest
from support import ENV_BASE

ENV = ENV_BASE

GOOD = """
domain: shop
owner: team-shop
topics:
  - name: orders
    shards: 2
transforms:
  - name: clean
    source: json_transform
sinks:
  - name: orders-lake
    kind: s3
    topic: orders
    transform: clean
"""


def write(sandbox, catalog: str | None = GOOD, env: str = ENV, name: str = "shop") -> None:
    sandbox.write("environments/dev/env.yaml", env)
    if catalog is not None:
        sandbox.write(f"catalog/{name}.yaml", catalog)


def run_validate(sandbox, catalog: str | None = GOOD, env: str = ENV, name: str = "shop"):
    write(sandbox, catalog, env, name)
    return sandbox.run("validate", "--env", "dev")


def test_good_catalog_is_valid(sandbox):
    result = run_validate(sandbox)
    assert result.code == 0, result.err
    assert "valid (1 domain, 1 topic, 1 sink, 1 transform)" in result.out


# (id, catalog text, expected stderr lines before the count line)
BAD_CATALOGS = [
    (
        "malformed-yaml",
        "domain: shop\nowner: x\ntopics:\n  - name: [orders\n",
        ["catalog/shop.yaml:5: invalid YAML: while parsing a flow sequence: did not find expected ',' or ']'"],
    ),
    (
        "not-a-mapping",
        "- just\n- a list\n",
        ["catalog/shop.yaml:1: file must contain a YAML mapping"],
    ),
    (
        "unknown-field-with-suggestion",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    retention_hour: 48\n",
        ["catalog/shop.yaml:5: topics[orders].retention_hour: unknown field; did you mean 'retention_hours'?"],
    ),
    (
        "wrong-type",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    shards: two\n",
        ["catalog/shop.yaml:5: topics[orders].shards: Input should be a valid integer"],
    ),
    (
        "retention-below-aws-minimum",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    retention_hours: 12\n",
        ["catalog/shop.yaml:5: topics[orders].retention_hours: Input should be greater than or equal to 24"],
    ),
    (
        "retention-above-aws-maximum",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    retention_hours: 9000\n",
        ["catalog/shop.yaml:5: topics[orders].retention_hours: Input should be less than or equal to 8760"],
    ),
    (
        "zero-shards",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    shards: 0\n",
        ["catalog/shop.yaml:5: topics[orders].shards: Input should be greater than or equal to 1"],
    ),
    (
        "bad-stream-name",
        "domain: shop\nowner: x\ntopics:\n  - name: my orders\n",
        ["catalog/shop.yaml:4: topics[my orders].name: 'my orders' must be 1-128 characters of letters, digits, '_', '.' and '-'"],
    ),
    (
        "shards-on-on-demand",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    mode: on_demand\n    shards: 3\n",
        ["catalog/shop.yaml:6: topics[orders].shards: on_demand streams scale by themselves and take no shard count"],
    ),
    (
        "unknown-platform",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    platform: pulsar\n",
        ["catalog/shop.yaml:5: topics[orders].platform: must be one of 'kinesis'"],
    ),
    (
        "missing-required-field",
        "domain: shop\ntopics:\n  - name: orders\n",
        ["catalog/shop.yaml:1: owner: required field is missing"],
    ),
    (
        "sink-topic-does-not-exist",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: lake\n    kind: s3\n    topic: order\n",
        ["catalog/shop.yaml:8: sinks[lake].topic: no topic 'order' in the catalog"],
    ),
    (
        "cross-domain-topic-does-not-exist",
        "domain: shop\nowner: x\nsinks:\n  - name: lake\n    kind: s3\n    topic: billing/invoices\n",
        ["catalog/shop.yaml:6: sinks[lake].topic: no topic 'billing/invoices' in the catalog"],
    ),
    (
        "transform-not-declared",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: lake\n    kind: s3\n    topic: orders\n    transform: clean\n",
        ["catalog/shop.yaml:9: sinks[lake].transform: no transform 'clean' in this domain"],
    ),
    (
        "transform-source-missing-in-lambda-src",
        "domain: shop\nowner: x\ntransforms:\n  - name: clean\n    source: no_such_function\n",
        ["catalog/shop.yaml:5: transforms[clean].source: lambda_src/no_such_function/app.py does not exist (available: cw_logs_decoder, json_transform"],
    ),
    (
        "unknown-sink-kind",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: lake\n    kind: s4\n    topic: orders\n",
        ["catalog/shop.yaml:7: sinks[lake].kind: kind/via must be one of: s3 (via: firehose)"],
    ),
    (
        "unknown-via-for-a-known-kind",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: lake\n    kind: s3\n    via: glue\n    topic: orders\n",
        ["catalog/shop.yaml:8: sinks[lake].via: kind/via must be one of: s3 (via: firehose)"],
    ),
    (
        "buffering-out-of-range",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: lake\n    kind: s3\n    topic: orders\n    buffering:\n      size_mb: 200\n      interval_s: 30\n",
        [
            "catalog/shop.yaml:10: sinks[lake].buffering.size_mb: Input should be less than or equal to 128",
            "catalog/shop.yaml:11: sinks[lake].buffering.interval_s: Input should be greater than or equal to 60",
        ],
    ),
    (
        "error-output-type-in-main-prefix",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: lake\n    kind: s3\n    topic: orders\n    prefix: data/!{firehose:error-output-type}/\n",
        ["catalog/shop.yaml:9: sinks[lake].prefix: !{firehose:error-output-type} is only allowed in the error prefix"],
    ),
    (
        "unknown-prefix-namespace",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: lake\n    kind: s3\n    topic: orders\n    error_prefix: err/!{time:yyyy}/\n",
        ["catalog/shop.yaml:9: sinks[lake].error_prefix: !{time:yyyy}: unknown namespace 'time'"],
    ),
    (
        "duplicate-topic-names",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n  - name: orders\n",
        ["catalog/shop.yaml:5: topics[orders].name: 'orders' is declared twice in topics (first at line 4)"],
    ),
    (
        "duplicate-yaml-key",
        "domain: shop\nowner: x\nowner: y\n",
        ["catalog/shop.yaml:3: owner: duplicate key 'owner'"],
    ),
    (
        "domain-does-not-match-file",
        "domain: other\nowner: x\n",
        ["catalog/shop.yaml:1: domain: domain 'other' must be declared in catalog/other.yaml"],
    ),
    (
        "final-name-too-long",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: " + "a" * 60 + "\n    kind: s3\n    topic: orders\n",
        [
            "catalog/shop.yaml:6: sinks[" + "a" * 60 + "].name: Firehose delivery stream name 'dev-shop-" + "a" * 60 + "' is 69 characters; AWS allows 64",
            "catalog/shop.yaml:6: sinks[" + "a" * 60 + "].name: IAM role name 'dev-shop-" + "a" * 60 + "-firehose' is 78 characters; AWS allows 64",
        ],
    ),
    (
        "plaintext-secret-in-transform-environment",
        "domain: shop\nowner: x\ntransforms:\n  - name: clean\n    source: json_transform\n    environment:\n      API_TOKEN: hunter2\n",
        ["catalog/shop.yaml:6: transforms[clean].environment: API_TOKEN looks like a plaintext secret; store it in Secrets Manager"],
    ),
    (
        "overlapping-s3-prefixes",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\nsinks:\n  - name: a\n    kind: s3\n    topic: orders\n    prefix: data/\n  - name: b\n    kind: s3\n    topic: orders\n    prefix: data/b/\n",
        ["catalog/shop.yaml:13: sinks[b].prefix: 'data/b/' overlaps sink 'a' prefix 'data/' in the same bucket"],
    ),
    (
        "msk-topic-on-undeclared-cluster",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    platform: msk\n    cluster: main\n",
        ["catalog/shop.yaml:6: topics[orders].cluster: no MSK cluster 'main' in env.yaml msk_clusters (none declared)"],
    ),
    (
        "unknown-column-type",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    schema:\n      columns:\n        - {name: id, type: bigint}\n        - {name: amount, type: money}\n",
        ["catalog/shop.yaml:8: topics[orders].schema.columns[amount].type: unknown type 'money'"],
    ),
    (
        "malformed-complex-column-type",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    schema:\n      columns:\n        - {name: tags, type: 'map<array<string>,int>'}\n",
        ["catalog/shop.yaml:7: topics[orders].schema.columns[tags].type: map keys must be primitive"],
    ),
    (
        "shard-quota-exceeded-by-throughput",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    mode: provisioned\n    throughput:\n      write_mb_per_s: 900\n",
        ["catalog/shop.yaml:6: topics[orders].throughput: needs 900 shards (derived from 900 MB/s in, 1 consumer(s)); the account quota is 500"],
    ),
]


@pytest.mark.parametrize("catalog, expected", [pytest.param(c, e, id=i) for i, c, e in BAD_CATALOGS])
def test_bad_catalog(sandbox, catalog, expected):
    write(sandbox, catalog)
    before = sandbox.snapshot()
    result = sandbox.run("generate", "--env", "dev")
    assert result.code == 2
    assert "Traceback" not in result.err
    problems = result.err_lines[:-1]
    assert len(problems) == len(expected), result.err
    for line, want in zip(problems, expected):
        assert line.startswith(want), f"\n got: {line}\nwant: {want}"
    assert result.err_lines[-1].endswith("found; nothing was written")
    assert sandbox.snapshot() == before


BAD_ENVS = [
    ("account-id-not-quoted", ("account_id: \"111111111111\"", "account_id: 111111111111"), "environments/dev/env.yaml:2: account_id: Input should be a valid string"),
    ("bad-region", ("region: eu-west-1", "region: europe"), "environments/dev/env.yaml:3: region: 'europe' is not an AWS Region name"),
    ("env-name-mismatch", ("name: dev", "name: prod"), "environments/dev/env.yaml:1: name: 'prod' must equal the folder name 'dev'"),
    ("kms-key-other-region", ("kms:eu-west-1", "kms:us-east-1"), "environments/dev/env.yaml:14: kms.data: key is in us-east-1, but the environment is in eu-west-1"),
    ("kms-alias-instead-of-key", ("key/00000000-0000-0000-0000-000000000001", "alias/data"), "environments/dev/env.yaml:14: kms.data: 'arn:aws:kms:eu-west-1:111111111111:alias/data' must be a KMS key ARN"),
    ("log-retention-not-allowed", ("kms:\n", "logging:\n  retention_days: 10\nkms:\n"), "environments/dev/env.yaml:14: logging.retention_days: 10 is not a CloudWatch Logs retention"),
    ("no-subnets", ("subnet_ids: [subnet-0a1b2c3d4e5f60001]", "subnet_ids: []"), "environments/dev/env.yaml:11: network.subnet_ids: List should have at least 1 item"),
    ("override-unknown-topic", ("kms:\n", "overrides:\n  topics:\n    shop/nope: {shards: 2}\nkms:\n"), "environments/dev/env.yaml:15: overrides.topics.shop/nope: no topic 'shop/nope' in the catalog"),
    ("domain-overrides-mandatory-tag", None, "catalog/shop.yaml:4: tags.Environment: 'Environment' is a mandatory tag set by env.yaml"),
]


@pytest.mark.parametrize("edit, expected", [pytest.param(e, x, id=i) for i, e, x in BAD_ENVS])
def test_bad_environment(sandbox, edit, expected):
    env, catalog = ENV, GOOD
    if edit is None:
        catalog = GOOD.replace("owner: team-shop\n", "owner: team-shop\ntags:\n  Environment: prod\n")
    else:
        assert edit[0] in env
        env = env.replace(edit[0], edit[1], 1)
    result = run_validate(sandbox, catalog, env)
    assert result.code == 2, result.out
    assert result.err_lines[0].startswith(expected), result.err


def test_every_problem_is_reported_in_one_run(sandbox):
    catalog = "domain: shop\nowner: x\ntopics:\n  - name: orders\n    shards: 0\n  - name: a b\nsinks:\n  - name: lake\n    kind: s3\n    topic: orders\n    buffering: {size_mb: 0}\n"
    result = run_validate(sandbox, catalog)
    assert result.code == 2
    assert len(result.err_lines) == 4  # three problems and the count line
    assert result.err_lines[-1] == "3 problems found; nothing was written"


def test_generate_with_errors_writes_nothing(example_sandbox):
    assert example_sandbox.run("generate").code == 0
    before = example_sandbox.snapshot()
    catalog = example_sandbox.root / "catalog" / "payments.yaml"
    catalog.write_text(catalog.read_text().replace("retention_hours: 168", "retention_hours: 1"))
    result = example_sandbox.run("generate")
    assert result.code == 2
    assert "catalog/payments.yaml:13: topics[orders].retention_hours" in result.err
    assert example_sandbox.snapshot() == before


def test_missing_environment(sandbox):
    sandbox.write("catalog/shop.yaml", GOOD)
    result = sandbox.run("validate", "--env", "prod")
    assert result.code == 2
    assert result.err_lines[0] == "environments/prod/env.yaml: no such environment file (environments: none)"


MSK_ENV = ENV + """
msk_clusters:
  main:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2
    broker_count: 3
    bootstrap_brokers_iam: [b-1.example.kafka.eu-west-1.amazonaws.com:9098]
"""


def test_msk_topics_resolve_to_domain_namespaced_kafka_names(sandbox):
    from streamgen import pipeline

    write(sandbox, "domain: shop\nowner: x\ntopics:\n  - name: orders\n    platform: msk\n    cluster: main\n  - name: events\n", MSK_ENV)
    generated = pipeline.generate(sandbox.ws, "dev")
    [topic] = generated.resolved.kafka_topics
    assert topic.kafka_name == "shop.orders"
    assert topic.arn == "arn:aws:kafka:eu-west-1:111111111111:topic/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/shop.orders"
    assert topic.cluster.group_arn("g") == "arn:aws:kafka:eu-west-1:111111111111:group/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/g"
    assert (topic.partitions, topic.replication_factor) == (6, 3)


def test_topic_overrides_apply_to_kinesis_topics_only(sandbox):
    catalog = "domain: shop\nowner: x\ntopics:\n  - name: events\n    platform: msk\n    cluster: main\n"
    env = MSK_ENV + "overrides:\n  topics:\n    shop/events: {shards: 2}\n"
    result = run_validate(sandbox, catalog, env)
    assert result.code == 2
    assert result.err_lines[0].startswith("environments/dev/env.yaml:23: overrides.topics.shop/events: topic overrides size Kinesis streams")
