"""Glue streaming and Redshift streaming sinks: bad specs get exact
`file:line: field: message` lines (exit 2, nothing written); warnings and the
serverless role hand-over behave as documented."""

from __future__ import annotations

import pytest

from streamgen import pipeline
from support import ENV_BASE

ENV = ENV_BASE + """msk_clusters:
  main:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2
    bootstrap_brokers_iam: [b-1.example.kafka.eu-west-1.amazonaws.com:9098]
redshift:
  workgroups:
    analytics:
      workgroup: dev-analytics
      namespace: dev-analytics
      namespace_arn: arn:aws:redshift-serverless:eu-west-1:111111111111:namespace/3f4e5d6c-0000-4000-8000-00000000ab01
      admin_secret_arn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/redshift/analytics-AbCdEf
      iam_role_arns: [arn:aws:iam::111111111111:role/dev-shop-wg-analytics-redshift]
  clusters:
    warehouse:
      cluster_identifier: dev-warehouse
      arn: arn:aws:redshift:eu-west-1:111111111111:cluster:dev-warehouse
      endpoint: dev-warehouse.abc123xyz.eu-west-1.redshift.amazonaws.com:5439
"""

TOPICS = """domain: shop
owner: team-shop
topics:
  - name: orders
    schema:
      columns:
        - {name: order_id, type: bigint}
        - {name: payload_bytes, type: binary}
        - {name: created_at, type: timestamp}
        - {name: shard_id, type: string}
  - name: clicks
    platform: msk
    cluster: main
    schema:
      columns:
        - {name: url, type: string}
        - {name: at, type: timestamp}
  - name: raw
sinks:
"""
# line numbers: the first sink starts at line 20 of the catalog


def write(sandbox, sinks: str, env: str = ENV) -> None:
    sandbox.write("environments/dev/env.yaml", env)
    sandbox.write("catalog/shop.yaml", TOPICS + sinks)


GOOD_SINKS = """  - name: clicks-lake
    kind: glue
    topic: clicks
    partition_by: [event_date]
    event_time: at
  - name: orders-iceberg
    kind: glue
    topic: orders
    format: iceberg
    worker_type: G.025X
  - name: clicks-live
    kind: redshift
    topic: clicks
    workgroup: analytics
  - name: orders-live
    kind: redshift
    topic: orders
    workgroup: analytics
    columns: [order_id, created_at]
"""


def test_good_sinks_are_valid(sandbox):
    write(sandbox, GOOD_SINKS)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 0, result.err
    # one view per stream is AWS advice, not a rule: both topics are read once here
    assert result.err == ""


BAD = [
    (
        "glue-worker-type",
        "  - name: lake\n    kind: glue\n    topic: orders\n    worker_type: G.3X\n",
        ["catalog/shop.yaml:23: sinks[lake].worker_type: Input should be 'G.025X', 'G.1X' or 'G.2X'"],
    ),
    (
        "glue-window-zero",
        "  - name: lake\n    kind: glue\n    topic: orders\n    window_size_s: 0\n",
        ["catalog/shop.yaml:23: sinks[lake].window_size_s: Input should be greater than or equal to 1"],
    ),
    (
        "glue-version",
        "  - name: lake\n    kind: glue\n    topic: orders\n    glue_version: '3.0'\n",
        ["catalog/shop.yaml:23: sinks[lake].glue_version: Input should be '4.0' or '5.0'"],
    ),
    (
        "glue-without-columns",
        "  - name: lake\n    kind: glue\n    topic: raw\n",
        [
            "catalog/shop.yaml:22: sinks[lake].topic: glue sinks need the topic's declared columns: topic 'raw' has no "
            "schema.columns (they type the table and the job's casts)"
        ],
    ),
    (
        "glue-partition-unknown",
        "  - name: lake\n    kind: glue\n    topic: orders\n    partition_by: [country, event_date]\n",
        ["catalog/shop.yaml:23: sinks[lake].partition_by[0]: no column 'country' in topic 'orders' "
         "(declared: order_id, payload_bytes, created_at, shard_id; or 'event_date')"],
    ),
    (
        "glue-event-time-not-a-time",
        "  - name: lake\n    kind: glue\n    topic: orders\n    event_time: order_id\n",
        ["catalog/shop.yaml:23: sinks[lake].event_time: 'order_id' is bigint; event_time must be a timestamp or date column"],
    ),
    (
        "glue-event-time-unused",
        "  - name: lake\n    kind: glue\n    topic: orders\n    partition_by: [order_id]\n    event_time: created_at\n",
        ["catalog/shop.yaml:24: sinks[lake].event_time: event_time sets the derived event_date partition, which this sink "
         "does not use (parquet with 'event_date' in partition_by)"],
    ),
    (
        "glue-iceberg-partitioned",
        "  - name: lake\n    kind: glue\n    topic: orders\n    format: iceberg\n    partition_by: [order_id]\n",
        ["catalog/shop.yaml:24: sinks[lake].partition_by: Iceberg tables are created unpartitioned by the Glue catalog; "
         "partition_by applies to parquet"],
    ),
    (
        "glue-required-unknown",
        "  - name: lake\n    kind: glue\n    topic: orders\n    required: [id]\n",
        ["catalog/shop.yaml:23: sinks[lake].required[0]: no column 'id' in topic 'orders' "
         "(declared: order_id, payload_bytes, created_at, shard_id)"],
    ),
    (
        "glue-bad-checkpoint",
        "  - name: lake\n    kind: glue\n    topic: orders\n    checkpoint_location: /tmp/x\n",
        ["catalog/shop.yaml:23: sinks[lake].checkpoint_location: '/tmp/x' must be an s3:// location (bucket and optional prefix, no spaces)"],
    ),
    (
        "redshift-view-with-a-quote",
        "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n    view: 'clicks\"; DROP TABLE users; --'\n",
        ["catalog/shop.yaml:24: sinks[live].view: 'clicks\"; DROP TABLE users; --' must be 1-127 lowercase letters, "
         "digits or '_', not starting with a digit (a Redshift identifier)"],
    ),
    (
        "redshift-schema-with-a-quote",
        "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n    schema: \"web'x\"\n",
        ["catalog/shop.yaml:24: sinks[live].schema: \"web'x\" must be 1-127 lowercase letters, digits or '_', "
         "not starting with a digit (a Redshift identifier)"],
    ),
    (
        "redshift-column-type-redshift-lacks",
        "  - name: live\n    kind: redshift\n    topic: orders\n    workgroup: analytics\n    columns: [order_id, payload_bytes]\n",
        ["catalog/shop.yaml:8: topics[orders].schema.columns[payload_bytes].type: Redshift has no column type for binary "
         "values read from JSON (VARBYTE cannot be cast from a JSON value); declare the column as string to keep the "
         "base64 text (a redshift sink reads this topic; or leave the column out of the sink's columns)"],
    ),
    (
        "redshift-metadata-collision",
        "  - name: live\n    kind: redshift\n    topic: orders\n    workgroup: analytics\n    columns: [order_id, shard_id]\n",
        ["catalog/shop.yaml:24: sinks[live].columns: column 'shard_id' would collide with the view's own 'shard_id' "
         "column (metadata of the stream); leave it out with columns: [...]"],
    ),
    (
        "redshift-both-targets",
        "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n    cluster: warehouse\n",
        ["catalog/shop.yaml:23: sinks[live].workgroup: set exactly one of workgroup (serverless) or cluster (provisioned)"],
    ),
    (
        "redshift-unknown-workgroup",
        "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: marketing\n",
        ["catalog/shop.yaml:23: sinks[live].workgroup: no Redshift workgroup 'marketing' in env.yaml redshift.workgroups (analytics)"],
    ),
    (
        "redshift-cluster-without-credentials",
        "  - name: live\n    kind: redshift\n    topic: clicks\n    cluster: warehouse\n",
        ["catalog/shop.yaml:23: sinks[live].cluster: cluster 'warehouse' has neither admin_secret_arn nor db_user in "
         "env.yaml; the Data API needs one to run the view SQL"],
    ),
    (
        "redshift-unknown-column",
        "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n    columns: [url, referrer]\n",
        ["catalog/shop.yaml:24: sinks[live].columns[1]: no column 'referrer' in topic 'clicks' (declared: url, at)"],
    ),
    (
        "redshift-duplicate-view",
        "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n"
        "  - name: live2\n    kind: redshift\n    topic: raw\n    workgroup: analytics\n    view: live\n",
        ["catalog/shop.yaml:28: sinks[live2].view: view shop.live in workgroup analytics is also created by sink shop/live"],
    ),
]


@pytest.mark.parametrize("sinks, expected", [pytest.param(s, e, id=i) for i, s, e in BAD])
def test_bad_sink(sandbox, sinks, expected):
    write(sandbox, sinks)
    before = sandbox.snapshot()
    result = sandbox.run("generate", "--env", "dev")
    assert result.code == 2, result.out
    assert "Traceback" not in result.err
    assert result.err_lines[:-1] == expected, result.err
    assert result.err_lines[-1].endswith("found; nothing was written")
    assert sandbox.snapshot() == before


def test_uppercase_stream_names_cannot_be_read_by_redshift(sandbox):
    catalog = (TOPICS + "  - name: live\n    kind: redshift\n    topic: Orders2\n    workgroup: analytics\n").replace(
        "  - name: raw\n", "  - name: raw\n  - name: Orders2\n"
    )
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", catalog)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 2
    assert result.err_lines[0] == (
        "catalog/shop.yaml:23: sinks[live].topic: Redshift folds identifiers to lowercase, so 'dev-shop-Orders2' cannot "
        "be read by name; give the topic a lowercase name"
    )


def test_second_view_of_one_stream_is_a_warning(sandbox):
    sinks = (
        "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n"
        "  - name: live-too\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n"
    )
    write(sandbox, sinks)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 0, result.err
    assert result.err_lines == [
        "catalog/shop.yaml:26: sinks[live-too].topic: warning: sink shop/live already reads this topic into workgroup "
        "analytics; AWS advises one streaming view per stream (build other views on that one)"
    ]


def test_workgroup_views_wait_for_the_namespace_owner(sandbox):
    """Serverless: the role is created (shared root) but views are generated
    only once env.yaml lists the role as associated with the namespace."""
    env = ENV.replace("      iam_role_arns: [arn:aws:iam::111111111111:role/dev-shop-wg-analytics-redshift]\n", "")
    write(sandbox, "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n", env)
    result = sandbox.run("generate", "--env", "dev")
    assert result.code == 0, result.err
    assert result.err_lines == [
        "environments/dev/env.yaml:21: redshift.workgroups.analytics.iam_role_arns: warning: namespace 'dev-analytics' "
        "must have role arn:aws:iam::111111111111:role/dev-shop-wg-analytics-redshift associated before the views of "
        "shop/live can be created: apply the shared root (it creates the role), add the role to the namespace's "
        "iam_roles, then list it here; until then those views are not generated"
    ]
    generated = sandbox.root / "environments/dev/generated"
    assert "dev-shop-wg-analytics-redshift" in (generated / "shared/redshift_access.tf").read_text()
    assert not (generated / "domains/shop/redshift.tf").exists()
    # once listed, the views appear
    write(sandbox, "  - name: live\n    kind: redshift\n    topic: clicks\n    workgroup: analytics\n")
    assert sandbox.run("generate", "--env", "dev").code == 0
    assert (generated / "domains/shop/redshift/workgroup-analytics/view-shop.live.sql").is_file()


def test_cluster_association_keeps_declared_roles(sandbox):
    env = ENV + "      db_user: streamgen\n      iam_role_arns: [arn:aws:iam::111111111111:role/keep-me]\n"
    write(sandbox, "  - name: live\n    kind: redshift\n    topic: clicks\n    cluster: warehouse\n", env)
    generated = pipeline.generate(sandbox.ws, "dev")
    [access] = [a for r in generated.resolved.roots for a in r.redshift_access]
    assert access.keep_role_arns == ["arn:aws:iam::111111111111:role/keep-me"]
    [sql] = [s for r in generated.resolved.roots for s in r.redshift_sql]
    assert (sql.cluster_identifier, sql.db_user, sql.secret_arn) == ("dev-warehouse", "streamgen", None)


def test_stale_scripts_and_sql_are_removed(sandbox):
    write(sandbox, GOOD_SINKS)
    assert sandbox.run("generate", "--env", "dev").code == 0
    shop = sandbox.root / "environments/dev/generated/domains/shop"
    assert (shop / "glue/dev-shop-clicks-lake.py").is_file()
    assert (shop / "redshift/workgroup-analytics/view-shop.clicks_live.sql").is_file()
    write(sandbox, "  - name: orders-iceberg\n    kind: glue\n    topic: orders\n    format: iceberg\n")
    result = sandbox.run("generate", "--env", "dev")
    assert result.code == 0, result.err
    assert not (shop / "glue/dev-shop-clicks-lake.py").exists()
    assert not (shop / "redshift").exists()
    assert sandbox.run("generate", "--env", "dev", "--check").code == 0


def test_registry_schemas_cannot_type_a_glue_table_but_feed_a_payload_view(sandbox):
    registry = "  - {name: raw, schema: {registry: {registry: shop, schema_name: orders, version: 3}}}\n"
    sandbox.write("environments/dev/env.yaml", ENV)
    sinks = "  - name: lake\n    kind: glue\n    topic: raw\n"
    sandbox.write("catalog/shop.yaml", TOPICS.replace("  - name: raw\n", registry) + sinks)
    result = sandbox.run("validate", "--env", "dev")
    assert result.err_lines[:-1] == [
        "catalog/shop.yaml:22: sinks[lake].topic: glue sinks need the topic's declared columns: topic 'raw' references "
        "a Schema Registry schema, which cannot type the table offline; declare schema.columns too"
    ]
    # a Redshift view needs no declared columns: stream metadata and the record as SUPER
    sinks = "  - name: live\n    kind: redshift\n    topic: raw\n    workgroup: analytics\n"
    sandbox.write("catalog/shop.yaml", TOPICS.replace("  - name: raw\n", registry) + sinks)
    [view] = [v for r in pipeline.generate(sandbox.ws, "dev").resolved.roots for s in r.redshift_sql for v in s.views.values()]
    assert 'JSON_PARSE("kinesis_data") AS "payload"\nFROM "shop_kinesis"."dev-shop-raw"' in view.ddl


def test_view_definitions_must_fit_the_helper(sandbox):
    # 700 columns with long JSON paths: the CREATE MATERIALIZED VIEW text passes 64 KiB
    columns = "".join(
        f"        - {{name: c{i}, type: string, path: {'Some_Very_Long_Key_Name_' * 3}{i}}}\n" for i in range(700)
    )
    catalog = (
        "domain: shop\nowner: x\ntopics:\n  - name: wide\n    schema:\n      columns:\n"
        + columns
        + "sinks:\n  - name: live\n    kind: redshift\n    topic: wide\n    workgroup: analytics\n"
    )
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", catalog)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 2
    [line] = result.err_lines[:-1]
    assert line.startswith("catalog/shop.yaml:708: sinks[live].columns: the view definition is about ")
    assert line.endswith("bytes; the view helper takes at most 65535 (select fewer columns with columns: [...])")


def test_long_stream_names_cannot_be_redshift_identifiers(sandbox):
    long = "t" * 119
    catalog = f"domain: shop\nowner: x\ntopics:\n  - name: {long}\nsinks:\n  - name: live\n    kind: redshift\n    topic: {long}\n    workgroup: analytics\n"
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", catalog)
    result = sandbox.run("validate", "--env", "dev")
    assert result.err_lines[:-1] == [
        f"catalog/shop.yaml:8: sinks[live].topic: 'dev-shop-{long}' is 128 characters; Redshift identifiers are at "
        "most 127 (shorten the topic name)"
    ]


def test_glue_job_fields_are_reserved(sandbox):
    catalog = TOPICS.replace("        - {name: at, type: timestamp}\n", "        - {name: raw_text, type: string, path: _corrupt_record}\n")
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", catalog + "  - name: lake\n    kind: glue\n    topic: clicks\n")
    result = sandbox.run("validate", "--env", "dev")
    assert result.err_lines[:-1] == [
        "catalog/shop.yaml:22: sinks[lake].topic: column 'raw_text' reads the field '_corrupt_record', which the Glue "
        "job uses itself; rename the field"
    ]
