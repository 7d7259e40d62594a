"""OpenSearch Ingestion sinks without Terraform: bad specs get exact errors,
the pipeline body checker rejects what the service would, sizing follows the
partitions, and every generated body passes the checker."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from streamgen import osis_body, osis_index, pipeline
from support import ENV_BASE

ENV = ENV_BASE + """msk_clusters:
  main:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2
    broker_count: 3
    bootstrap_brokers_iam: [b-1.example.kafka.eu-west-1.amazonaws.com:9098]
  other:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-other/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-3
    bootstrap_brokers_iam: [b-1.other.kafka.eu-west-1.amazonaws.com:9098]
  nimbus:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-nimbus/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-4
    type: serverless
    bootstrap_brokers_iam: [boot-x.c1.kafka-serverless.eu-west-1.amazonaws.com:9098]
opensearch:
  domains:
    logs:
      arn: arn:aws:es:eu-west-1:111111111111:domain/dev-logs
      endpoint: https://vpc-dev-logs-abc.eu-west-1.es.amazonaws.com
      vpc: true
  collections:
    events:
      arn: arn:aws:aoss:eu-west-1:111111111111:collection/a1b2c3d4e5f6g7h8i9j0
      name: dev-events
      endpoint: https://a1b2c3d4e5f6g7h8i9j0.eu-west-1.aoss.amazonaws.com
"""

TOPICS = """\
domain: shop
owner: team-shop
topics:
  - {name: a, platform: msk, cluster: main, partitions: 12}
  - {name: b, platform: msk, cluster: main}
  - {name: c, platform: msk, cluster: main}
  - {name: d, platform: msk, cluster: main}
  - {name: e, platform: msk, cluster: main}
  - {name: o, platform: msk, cluster: other}
  - {name: n, platform: msk, cluster: nimbus}
  - {name: R, platform: msk, cluster: main}
  - {name: k, mode: provisioned, shards: 5}
  - {name: od, mode: on_demand}
  - name: typed
    platform: msk
    cluster: main
    schema:
      columns: [{name: order_id, type: string}, {name: customer, type: "struct<id:string>"}]
  - name: avro
    platform: msk
    cluster: main
    schema: {registry: {registry: reg, schema_name: orders}}
  - name: kavro
    schema: {registry: {registry: reg, schema_name: clicks}}
sinks:
"""


def catalog(sink: str) -> str:
    """The shared topics plus one sink (given without indentation)."""
    return TOPICS + textwrap.indent(textwrap.dedent(sink).strip("\n"), "    ").replace("    ", "  - ", 1) + "\n"


def write(sandbox, text: str, env: str = ENV) -> None:
    sandbox.write("environments/dev/env.yaml", env)
    sandbox.write("catalog/shop.yaml", text)


# (id, sink, expected stderr lines). Line numbers: the sink starts on line 26.
BAD_SINKS = [
    (
        "five-topics-in-one-pipeline",
        "name: s\nkind: opensearch\nvia: ingestion\ntopics: [a, b, c, d, e]\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:29: sinks[s].topics: an OpenSearch Ingestion pipeline reads at most 4 topics; 5 given (split them across sinks)"],
    ),
    (
        "97-ocus",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\nunits: {min: 1, max: 97}\n",
        ["catalog/shop.yaml:32: sinks[s].units.max: Input should be less than or equal to 96"],
    ),
    (
        "unknown-processor",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\nprocessors:\n  - date: {from_time_received: true}\n  - grok: {match: {message: ['%{COMMONAPACHELOG}']}}\n",
        ["catalog/shop.yaml:34: sinks[s].processors[1].grok: unknown processor 'grok' (supported: add_entries, date, delete_entries, parse_json)"],
    ),
    (
        "sink-without-index",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\n",
        ["catalog/shop.yaml:26: sinks[s].index: required field is missing"],
    ),
    (
        "target-not-in-env-yaml",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: nope\nindex: x\n",
        ["catalog/shop.yaml:30: sinks[s].domain: no OpenSearch domain 'nope' in env.yaml opensearch.domains (logs)"],
    ),
    (
        "collection-not-in-env-yaml",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ncollection: nope\nindex: x\n",
        ["catalog/shop.yaml:30: sinks[s].collection: no OpenSearch Serverless collection 'nope' in env.yaml opensearch.collections (events)"],
    ),
    (
        "plaintext-secret-in-processor-options",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\nprocessors:\n  - add_entries:\n      entries: {origin: shop, api_token: hunter2}\n",
        ["catalog/shop.yaml:34: sinks[s].processors[0].add_entries.entries: api_token looks like a plaintext secret; a pipeline body is readable by everyone who can describe the pipeline"],
    ),
    (
        "no-target",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\nindex: x\n",
        ["catalog/shop.yaml:26: sinks[s].domain: required: the target, a domain or a collection from env.yaml opensearch"],
    ),
    (
        "topic-and-topics",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ntopics: [b]\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:30: sinks[s].topics: set either topic or topics, not both"],
    ),
    (
        "min-above-max",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\nunits: {min: 8, max: 4}\n",
        ["catalog/shop.yaml:32: sinks[s].units.min: min (8) is above max (4)"],
    ),
    (
        "date-pattern-not-a-suffix",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: 'x-%{yyyy}-y'\n",
        ["catalog/shop.yaml:31: sinks[s].index: the %{date pattern} must end the index (Data Prepper allows it only as a suffix)"],
    ),
    (
        "date-pattern-finer-than-an-hour",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: 'x-%{yyyy.MM.dd.HH.mm}'\n",
        ["catalog/shop.yaml:31: sinks[s].index: %{yyyy.MM.dd.HH.mm}: use date letters no finer than an hour"],
    ),
    (
        "uppercase-index",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: Orders\n",
        ["catalog/shop.yaml:31: sinks[s].index: index names are lowercase letters, digits and . _ + -; 'O' is not allowed"],
    ),
    (
        "topic-placeholder-with-uppercase-kafka-name",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: R\ndomain: logs\nindex: '{topic}-%{yyyy.MM}'\n",
        ["catalog/shop.yaml:31: sinks[s].index: {topic} becomes 'shop.R' for 'shop/R', but index names are lowercase"],
    ),
    (
        "kinesis-and-msk-in-one-pipeline",
        "name: s\nkind: opensearch\nvia: ingestion\ntopics: [a, k]\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:29: sinks[s].topics[1]: 'k' is a Kinesis topic but 'a' is an MSK topic; a pipeline reads one platform (split the sink)"],
    ),
    (
        "two-clusters-in-one-pipeline",
        "name: s\nkind: opensearch\nvia: ingestion\ntopics: [a, o]\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:29: sinks[s].topics[1]: 'o' is on MSK cluster 'other' but 'a' is on 'main'; a pipeline reads one cluster (split the sink)"],
    ),
    (
        "msk-serverless-cluster",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: n\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:29: sinks[s].topic: 'n' is on MSK Serverless cluster 'nimbus'; OpenSearch Ingestion reads provisioned MSK clusters only"],
    ),
    (
        "topic-not-in-catalog",
        "name: s\nkind: opensearch\nvia: ingestion\ntopics: [a, zz]\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:29: sinks[s].topics[1]: no topic 'zz' in the catalog"],
    ),
    (
        "kafka-tuning-on-kinesis",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: k\ndomain: logs\nindex: x\nconsumer: {workers: 4}\n",
        ["catalog/shop.yaml:32: sinks[s].consumer: consumer tunes Kafka consumers; these are Kinesis topics (use kinesis)"],
    ),
    (
        "registry-on-kinesis",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: kavro\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:29: sinks[s].topic: 'kavro' is decoded by the Glue Schema Registry; the kinesis source cannot read registry-encoded records"],
    ),
    (
        "registry-and-plain-topics-in-one-pipeline",
        "name: s\nkind: opensearch\nvia: ingestion\ntopics: [avro, a]\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:29: sinks[s].topics[1]: 'avro' is decoded by the Glue Schema Registry but 'a' is not; the registry is set per pipeline"],
    ),
    (
        "document-id-not-a-column",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: typed\ndomain: logs\nindex: x\ndocument_id: orderid\n",
        ["catalog/shop.yaml:32: sinks[s].document_id: 'orderid' is not a column of topic 'shop/typed' (columns: order_id, customer)"],
    ),
    (
        "pipeline-name-too-long",
        "name: a-rather-long-sink-name\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\n",
        ["catalog/shop.yaml:26: sinks[a-rather-long-sink-name].name: OpenSearch Ingestion pipeline name 'dev-shop-a-rather-long-sink-name' is 32 characters; AWS allows 28"],
    ),
    (
        "date-without-patterns",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\nprocessors:\n  - date: {key: ts}\n",
        ["catalog/shop.yaml:33: sinks[s].processors[0].date.patterns: list the formats of the time"],
    ),
    (
        "two-processors-in-one-step",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\nprocessors:\n  - {parse_json: {}, delete_entries: {with_keys: [a]}}\n",
        ["catalog/shop.yaml:33: sinks[s].processors[0]: a step names exactly one processor; this one names 2"],
    ),
    (
        "retries-below-the-service-minimum",
        "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\nmax_retries: 3\n",
        ["catalog/shop.yaml:32: sinks[s].max_retries: Input should be greater than or equal to 16"],
    ),
]


@pytest.mark.parametrize("sink, expected", [pytest.param(s, e, id=i) for i, s, e in BAD_SINKS])
def test_bad_ingestion_sink(sandbox, sink, expected):
    write(sandbox, catalog(sink))
    before = sandbox.snapshot()
    result = sandbox.run("generate", "--env", "dev")
    assert result.code == 2, result.out
    assert "Traceback" not in result.err
    problems = result.err_lines[:-1]
    assert len(problems) == len(expected), result.err
    for line, want in zip(problems, expected):
        assert line.startswith(want), f"\n got: {line}\nwant: {want}"
    assert sandbox.snapshot() == before


GOOD = "name: s\nkind: opensearch\nvia: ingestion\ntopic: a\ndomain: logs\nindex: x\n"


def test_env_yaml_mistakes_name_the_env_line(sandbox):
    env = ENV + "defaults:\n  ingestion:\n    min_units: 2\noverrides:\n  sinks:\n    shop/s:\n      units: {max: 1}\n"
    write(sandbox, catalog(GOOD), env)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 2
    assert result.err_lines[0] == (
        "environments/dev/env.yaml:44: overrides.sinks.shop/s.units: min 2 (from the env.yaml defaults.ingestion) "
        "is above max 1 (from the env.yaml overrides)"
    )
    lake = "name: lake\nkind: s3\ntopic: k\nprefix: s/dlq/x/\n"
    env = ENV + "overrides:\n  sinks:\n    shop/lake:\n      units: {max: 2}\n    shop/s:\n      buffering: {size_mb: 5}\n"
    write(sandbox, catalog(GOOD) + "  - " + lake.replace("\n", "\n    ").rstrip() + "\n", env)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 2
    assert result.err_lines[:-1] == [
        "catalog/shop.yaml:35: sinks[lake].prefix: 's/dlq/x/' overlaps the dead-letter prefix 's/dlq/' of sink 's' "
        "in the same bucket; give each sink its own folder",
        "environments/dev/env.yaml:41: overrides.sinks.shop/lake.units: units size OpenSearch Ingestion sinks; "
        "'shop/lake' is a s3/firehose sink",
        "environments/dev/env.yaml:43: overrides.sinks.shop/s.buffering: buffering tunes Firehose sinks; "
        "'shop/s' is an OpenSearch Ingestion sink (size it with units)",
    ]


def generated(sandbox, sink: str, env: str = ENV):
    write(sandbox, catalog(sink), env)
    return pipeline.generate(sandbox.ws, "dev", build=False)


def only_pipeline(result):
    [p] = [p for root in result.resolved.roots for p in root.ingestion_pipelines]
    return p


@pytest.mark.parametrize(
    "topics, units, env_extra, expected",
    [
        ("topic: a", "", "", (1, 12, "min 1 from the env.yaml defaults.ingestion; max 12 for shop.a (12 partitions)")),
        ("topics: [a, b]", "", "", (1, 12, "min 1 from the env.yaml defaults.ingestion; max 12 for shop.a (12 partitions)")),
        ("topic: k", "", "", (1, 5, "min 1 from the env.yaml defaults.ingestion; max 5 for dev-shop-k (5 shards)")),
        ("topic: od", "", "", (1, 4, "min 1 from the env.yaml defaults.ingestion; max 4 for dev-shop-od (on-demand, sized for its initial 4 shards)")),
        ("topic: b", "units: {min: 2}\n", "", (2, 6, "min 2 from the catalog; max 6 for shop.b (6 partitions)")),
        ("topic: b", "units: {max: 3}\n", "defaults:\n  ingestion: {min_units: 2}\n", (2, 3, "min 2 from the env.yaml defaults.ingestion; max 3 from the catalog")),
        ("topic: b", "", "defaults:\n  ingestion: {min_units: 8}\n", (8, 8, "min 8 from the env.yaml defaults.ingestion; max raised to the minimum (max 6 for shop.b (6 partitions))")),
        ("topic: b", "units: {max: 3}\n", "overrides:\n  sinks:\n    shop/s: {units: {max: 40, min: 4}}\n", (4, 40, "min 4 from the env.yaml overrides; max 40 from the env.yaml overrides")),
    ],
    ids=["partitions", "busiest-topic", "shards", "on-demand", "catalog-min", "catalog-max", "env-min-raises-max", "env-override"],
)
def test_units_follow_partitions_and_overrides(sandbox, topics, units, env_extra, expected):
    sink = f"name: s\nkind: opensearch\nvia: ingestion\n{topics}\ndomain: logs\nindex: x\n{units}"
    p = only_pipeline(generated(sandbox, sink, ENV + env_extra))
    assert (p.min_units, p.max_units, p.sizing_note) == expected


def test_max_units_are_capped_at_96(sandbox):
    text = catalog(GOOD).replace("{name: a, platform: msk, cluster: main, partitions: 12}", "{name: a, platform: msk, cluster: main, partitions: 200}")
    write(sandbox, text)
    p = only_pipeline(pipeline.generate(sandbox.ws, "dev", build=False))
    assert (p.max_units, p.sizing_note.split("; ")[1]) == (96, "max 96 for shop.a (200 partitions, capped at 96)")


def test_persistent_buffer_is_rendered_and_warned_about(sandbox):
    result = generated(sandbox, GOOD + "persistent_buffer: true\n")
    [warning] = result.warnings
    assert str(warning).startswith("catalog/shop.yaml:32: sinks[s].persistent_buffer: warning: AWS documents persistent buffering for push-based sources")
    tf = result.files["environments/dev/generated/domains/shop/ingestion.tf"]
    assert "persistent_buffer_enabled = true" in tf


def test_kafka_body_carries_tuning_registry_and_processors(sandbox):
    sink = """\
        name: s
        kind: opensearch
        via: ingestion
        topic: avro
        collection: events
        index: 'orders-${customer.id}-%{yyyy.MM.dd}'
        document_id: order_id
        start_from: latest
        consumer: {group_id: shop-search, workers: 4, max_poll_records: 200, fetch_max_wait_ms: 250, session_timeout_s: 30}
        processors:
          - date: {key: meta.ts, patterns: ["yyyy-MM-dd'T'HH:mm:ssX"], source_timezone: Europe/Berlin}
          - delete_entries: {with_keys: [card.number]}
          - add_entries: {entries: {origin: shop, version: 2}, overwrite_if_key_exists: true}
    """
    p = only_pipeline(generated(sandbox, textwrap.dedent(sink)))
    body = yaml.safe_load(p.body)
    assert list(body) == ["version", "s"] and body["version"] == "2"
    kafka = body["s"]["source"]["kafka"]
    assert kafka["topics"] == [{
        "name": "shop.avro", "group_id": "shop-search", "auto_offset_reset": "latest", "workers": 4,
        "consumer_max_poll_records": 200, "fetch_max_wait": "250ms", "session_timeout": "30s",
    }]  # no serde_format: the registry decodes
    assert kafka["schema"] == {"type": "aws_glue"} and kafka["acknowledgments"] is True
    assert kafka["aws"] == {
        "region": "eu-west-1",
        "sts_role_arn": "arn:aws:iam::111111111111:role/dev-shop-s-osis",
        "msk": {"arn": "arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"},
    }
    assert body["s"]["processor"] == [
        {"date": {"match": [{"key": "meta/ts", "patterns": ["yyyy-MM-dd'T'HH:mm:ssX"]}], "destination": "@timestamp", "source_timezone": "Europe/Berlin"}},
        {"delete_entries": {"with_keys": ["card/number"]}},
        {"add_entries": {"entries": [
            {"key": "origin", "value": "shop", "overwrite_if_key_exists": True},
            {"key": "version", "value": 2, "overwrite_if_key_exists": True},
        ]}},
    ]
    sink_ = body["s"]["sink"][0]["opensearch"]
    assert sink_["index"] == "orders-${/customer/id}-%{yyyy.MM.dd}"
    assert sink_["document_id"] == "${/order_id}"
    assert sink_["aws"]["serverless"] is True and "serverless_options" not in sink_["aws"]
    assert p.group_arns == ["arn:aws:kafka:eu-west-1:111111111111:group/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/shop-search"]
    assert p.glue_schema_arns == ["arn:aws:glue:eu-west-1:111111111111:schema/reg/orders"]
    assert p.index_patterns == ["orders-*"]
    assert osis_body.problems(p.body, p.min_units, p.max_units) == []


def test_kinesis_body_reads_streams_with_the_chosen_codec(sandbox):
    sink = "name: s\nkind: opensearch\nvia: ingestion\ntopic: k\ndomain: logs\nindex: '{topic}'\n"
    p = only_pipeline(generated(sandbox, sink))
    kinesis = yaml.safe_load(p.body)["s"]["source"]["kinesis"]
    assert kinesis["streams"] == [{"stream_name": "dev-shop-k", "initial_position": "EARLIEST"}]
    assert kinesis["codec"] == {"ndjson": {}} and kinesis["consumer_strategy"] == "fan-out"
    assert yaml.safe_load(p.body)["s"]["sink"][0]["opensearch"]["index"] == '${getMetadata("kinesis_stream_name")}'
    assert p.index_patterns == ["dev-shop-k"] and p.enhanced_fan_out is True


def test_every_example_pipeline_body_passes_the_checker(repo):
    result = pipeline.generate(repo, "dev", build=False)
    pipelines = [p for root in result.resolved.roots for p in root.ingestion_pipelines]
    assert len(pipelines) >= 4
    assert {p.source for p in pipelines} == {"kafka", "kinesis"}
    assert {p.target_kind for p in pipelines} == {"domain", "collection"}
    for p in pipelines:
        assert osis_body.problems(p.body, p.min_units, p.max_units) == [], p.name


# --- the body checker on bodies the generator would never write ----------------

def body(**changes) -> str:
    base = {
        "version": "2",
        "p": {
            "source": {"kafka": {
                "topics": [{"name": "t", "group_id": "g", "serde_format": "json"}],
                "aws": {"region": "eu-west-1", "sts_role_arn": "arn:aws:iam::111111111111:role/r",
                        "msk": {"arn": "arn:aws:kafka:eu-west-1:111111111111:cluster/c/u-1"}},
            }},
            "sink": [{"opensearch": {
                "hosts": ["https://search-x.eu-west-1.es.amazonaws.com"], "index": "i", "max_retries": 16,
                "aws": {"region": "eu-west-1", "sts_role_arn": "arn:aws:iam::111111111111:role/r"},
                "dlq": {"s3": {"bucket": "b", "region": "eu-west-1", "sts_role_arn": "arn:aws:iam::111111111111:role/r"}},
            }}],
        },
    }
    for path, value in changes.items():
        node = base
        keys = path.split("__")
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is None:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return yaml.safe_dump(base)


def test_checker_accepts_the_reference_body():
    assert osis_body.problems(body(), 1, 4) == []


@pytest.mark.parametrize(
    "text, units, expected",
    [
        ("version: '2'\np: [unclosed\n", (1, 1), "pipeline body does not parse as YAML"),
        (body(version="1"), (1, 1), 'version must be the string "2"'),
        (body(p__source__kafka__topics__0__name="t" * 24_000), (1, 1), "pipeline body is 24"),
        (body(), (0, 97), "min_units 0 is outside 1-96"),
        (body(), (0, 97), "max_units 97 is outside 1-96"),
        (body(), (5, 4), "min_units 5 is above max_units 4"),
        (body(p__source__kafka__topics=[{"name": f"t{i}", "group_id": "g", "serde_format": "json"} for i in range(5)]), (1, 1),
         "p: source: kafka: 5 topics; a pipeline reads at most 4"),
        (body(p__source__kafka__topics=[{"name": "t", "serde_format": "json"}]), (1, 1), "p: source: kafka: topics[0].group_id is required"),
        (body(p__source__kafka__aws__msk=None), (1, 1), "p: source: kafka: aws.msk.arn must be an MSK cluster ARN"),
        (body(p__source__kafka__bootstrap_servers=["b:9092"]), (1, 1), "p: source: kafka: bootstrap_servers comes from aws.msk.arn; remove it"),
        (body(p__buffer={"bounded_blocking": {}}), (1, 1), "p: 'buffer' is managed by OpenSearch Ingestion and not allowed"),
        (body(p__processor=[{"grok": {}}]), (1, 1), "p: processor[0]: 'grok' is not a supported processor plugin"),
        (body(p__processor=[{"delete_entries": {}}]), (1, 1), "p: processor[0]: delete_entries: with_keys must list the keys to drop"),
        (body(p__sink__0__opensearch__index=None), (1, 1), "p: sink[0]: opensearch: index is required"),
        (body(p__sink__0__opensearch__username="admin"), (1, 1), "p: sink[0]: opensearch: 'username' is not supported by OpenSearch Ingestion"),
        (body(p__sink__0__opensearch__max_retries=3), (1, 1), "p: sink[0]: opensearch: max_retries must be at least 16 with a dlq"),
        (body(p__sink__0__opensearch__hosts=["https://abc.eu-west-1.aoss.amazonaws.com"]), (1, 1),
         "p: sink[0]: opensearch: a serverless collection endpoint needs aws.serverless: true"),
        (body(p__sink__0__opensearch__aws__sts_role_arn="arn:aws:iam::111111111111:role/other"), (1, 1),
         "every sts_role_arn must name the same role"),
        (body(p__processor=[{"add_entries": {"entries": [{"key": "db_password", "value": "hunter2"}]}}]), (1, 1),
         "p.processor[0].add_entries.entries[0].db_password: looks like a plaintext secret"),
    ],
    ids=[
        "does-not-parse", "version", "too-long", "min-units-range", "max-units-range", "min-above-max", "five-topics",
        "topic-without-group", "msk-arn-missing", "bootstrap-servers", "buffer-plugin", "unsupported-processor",
        "processor-missing-key", "index-missing", "unsupported-sink-option", "too-few-retries",
        "serverless-flag-missing", "two-roles", "plaintext-secret",
    ],
)
def test_checker_rejects(text, units, expected):
    found = osis_body.problems(text, *units)
    assert any(p.startswith(expected) for p in found), found


def test_secret_references_are_not_plaintext():
    text = body(p__processor=[{"add_entries": {"entries": [{"key": "api_token", "value": "${{aws_secrets:shop:token}}"}]}}])
    assert osis_body.problems(text, 1, 1) == []


@pytest.mark.parametrize(
    "template, source, topics, rendered, patterns",
    [
        ("orders", "kafka", ["shop.a"], "orders", ["orders"]),
        ("orders-%{yyyy.MM.dd}", "kafka", ["shop.a"], "orders-%{yyyy.MM.dd}", ["orders-*"]),
        ("{topic}-%{yyyy.MM}", "kafka", ["shop.a", "shop.b"], '${getMetadata("kafka_topic")}-%{yyyy.MM}', ["shop.a-*", "shop.b-*"]),
        ("{topic}", "kinesis", ["dev-s"], '${getMetadata("kinesis_stream_name")}', ["dev-s"]),
        ("x-${tenant}-%{yyyy}", "kafka", ["t"], "x-${/tenant}-%{yyyy}", ["x-*"]),
    ],
)
def test_index_templates(template, source, topics, rendered, patterns):
    parts, problems = osis_index.parse(template)
    assert problems == []
    assert osis_index.data_prepper(parts, source) == rendered
    assert osis_index.patterns(parts, topics) == patterns


def test_bodies_are_embedded_as_heredocs_with_literal_placeholders():
    from streamgen import hcl

    # a line that is just the marker would end the heredoc early: the marker changes
    text = 'version: "2"\np:\n  index: ${getMetadata("kafka_topic")}-%{yyyy}\n  note: |\n    EOT\n'
    rendered = hcl.attrs([("body", hcl.Heredoc(text))])
    assert rendered == (
        "  body = <<-EOT_\n"
        '    version: "2"\n'
        "    p:\n"
        '      index: $${getMetadata("kafka_topic")}-%%{yyyy}\n'
        "      note: |\n"
        "        EOT\n"
        "  EOT_"
    )
