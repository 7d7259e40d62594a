"""Redshift streaming-ingestion SQL: exact text for every sink shape, quoting,
type mapping, and injection attempts."""

from __future__ import annotations

import pytest

from streamgen import hive_types, redshift_sql as rs

ROLE = "arn:aws:iam::111111111111:role/dev-shop-wg-analytics-redshift"
CLUSTER = "arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"


def col(name: str, type_: str, path: str | None = None) -> rs.ViewColumn:
    return rs.ViewColumn(name, hive_types.parse(type_), tuple((path or name).split(".")))


def test_kinesis_external_schema():
    assert rs.external_schema_kinesis("shop_kinesis", ROLE) == (
        'CREATE EXTERNAL SCHEMA IF NOT EXISTS "shop_kinesis"\n'
        "FROM KINESIS\n"
        f"IAM_ROLE '{ROLE}';\n"
    )


def test_msk_external_schema():
    assert rs.external_schema_msk("shop_msk_main", ROLE, CLUSTER) == (
        'CREATE EXTERNAL SCHEMA IF NOT EXISTS "shop_msk_main"\n'
        "FROM MSK\n"
        f"IAM_ROLE '{ROLE}'\n"
        "AUTHENTICATION iam\n"
        f"CLUSTER_ARN '{CLUSTER}';\n"
    )


def test_local_schema():
    assert rs.local_schema("shop") == 'CREATE SCHEMA IF NOT EXISTS "shop";\n'


def test_kinesis_view_with_typed_columns():
    ddl = rs.view_definition(
        "shop",
        "orders_live",
        "kinesis",
        "shop_kinesis",
        "dev-shop-orders",
        [
            col("order_id", "bigint", "order.id"),
            col("amount", "decimal(12,2)"),
            col("status", "varchar(16)"),
            col("paid", "boolean"),
            col("created_at", "timestamp", "createdAt"),
            col("day", "date"),
            col("items", "array<struct<sku:string,qty:int>>"),
            col("flags", "map<string,boolean>", "meta.Flags"),
            col("tiny", "tinyint"),
        ],
        auto_refresh=True,
    )
    assert ddl == "\n".join(
        [
            'CREATE MATERIALIZED VIEW "shop"."orders_live"',
            "AUTO REFRESH YES",
            "AS SELECT",
            '  "approximate_arrival_timestamp",',
            '  "partition_key",',
            '  "shard_id",',
            '  "sequence_number",',
            '  "refresh_time",',
            '  JSON_PARSE("kinesis_data") AS "payload",',
            '  CAST("payload"."order"."id" AS BIGINT) AS "order_id",',
            '  CAST("payload"."amount" AS DECIMAL(12,2)) AS "amount",',
            '  CAST("payload"."status" AS VARCHAR(64)) AS "status",',
            '  CAST("payload"."paid" AS BOOLEAN) AS "paid",',
            # keys with capitals are matched exactly by JSON_EXTRACT_PATH_TEXT
            """  CAST(JSON_EXTRACT_PATH_TEXT(FROM_VARBYTE("kinesis_data", 'utf-8'), 'createdAt', TRUE) AS TIMESTAMP) AS "created_at",""",
            '  CAST(CAST("payload"."day" AS VARCHAR(64)) AS DATE) AS "day",',
            '  "payload"."items" AS "items",',
            """  CASE WHEN CAN_JSON_PARSE(JSON_EXTRACT_PATH_TEXT(FROM_VARBYTE("kinesis_data", 'utf-8'), 'meta', 'Flags', TRUE))"""
            """ THEN JSON_PARSE(JSON_EXTRACT_PATH_TEXT(FROM_VARBYTE("kinesis_data", 'utf-8'), 'meta', 'Flags', TRUE)) END AS "flags",""",
            '  CAST("payload"."tiny" AS SMALLINT) AS "tiny"',
            'FROM "shop_kinesis"."dev-shop-orders"',
            'WHERE CAN_JSON_PARSE("kinesis_data")',
        ]
    )


def test_msk_view_without_columns_keeps_metadata_and_payload():
    ddl = rs.view_definition("web", "clicks", "msk", "shop_msk_main", "shop.clicks", [], auto_refresh=False)
    assert ddl == "\n".join(
        [
            'CREATE MATERIALIZED VIEW "web"."clicks"',
            "AUTO REFRESH NO",
            "AS SELECT",
            '  "kafka_partition",',
            '  "kafka_offset",',
            '  "kafka_timestamp_type",',
            '  "kafka_timestamp",',
            '  "kafka_key",',
            '  "kafka_headers",',
            '  "refresh_time",',
            '  JSON_PARSE("kafka_value") AS "payload"',
            'FROM "shop_msk_main"."shop.clicks"',
            'WHERE CAN_JSON_PARSE("kafka_value")',
        ]
    )


def test_msk_uppercase_key_reads_kafka_value():
    assert rs.extraction(col("user_id", "bigint", "User.Id"), "msk") == (
        """CAST(JSON_EXTRACT_PATH_TEXT(FROM_VARBYTE("kafka_value", 'utf-8'), 'User', 'Id', TRUE) AS BIGINT)"""
    )


def test_call_passes_the_definition_as_a_quoted_literal():
    ddl = rs.view_definition("shop", "v", "kinesis", "shop_kinesis", "dev-shop-s", [col("c", "timestamp", "C")], True)
    call = rs.call_ensure_view("shop", "shop", "v", ddl, allow_replace=False)
    assert call.startswith('CALL "shop"."streamgen_ensure_view"(\n  \'shop\',\n  \'v\',\n')
    assert f"  '{rs.definition_sha256(ddl)}',\n" in call
    assert "''utf-8''" in call and "''C''" in call  # quotes inside the definition are doubled
    assert call.endswith("',\n  FALSE\n);\n")
    assert rs.call_ensure_view("shop", "shop", "v", ddl, allow_replace=True).endswith("  TRUE\n);\n")
    # the literal decodes back to the exact definition
    value, rest = read_literal(call[call.index("'CREATE"):])
    assert value == ddl and rest == ",\n  FALSE\n);\n"


def test_procedure_is_idempotent_and_guards_rebuilds():
    sql = rs.ensure_view_procedure("shop")
    assert sql.startswith('CREATE OR REPLACE PROCEDURE "shop"."streamgen_ensure_view"(')
    assert "NONATOMIC" in sql
    assert 'CREATE TABLE IF NOT EXISTS "shop"."streamgen_views"' in sql
    assert "IF v_present > 0 AND v_recorded = p_sha256 THEN\n    RETURN;" in sql
    assert "IF NOT p_allow_replace THEN\n      RAISE EXCEPTION" in sql
    assert "EXECUTE 'DROP MATERIALIZED VIEW ' || QUOTE_IDENT(p_schema) || '.' || QUOTE_IDENT(p_view);" in sql
    assert sql.rstrip().endswith("$$ LANGUAGE plpgsql;")


def test_definition_hash_is_stable():
    ddl = rs.view_definition("s", "v", "kinesis", "e", "stream", [col("a", "int")], True)
    assert rs.definition_sha256(ddl) == rs.definition_sha256(
        rs.view_definition("s", "v", "kinesis", "e", "stream", [col("a", "int")], True)
    )
    assert rs.definition_sha256(ddl) != rs.definition_sha256(ddl.replace("INTEGER", "BIGINT"))


@pytest.mark.parametrize(
    ("hive", "redshift"),
    [
        ("boolean", "BOOLEAN"),
        ("tinyint", "SMALLINT"),
        ("smallint", "SMALLINT"),
        ("int", "INTEGER"),
        ("bigint", "BIGINT"),
        ("float", "REAL"),
        ("double", "DOUBLE PRECISION"),
        ("decimal(38,9)", "DECIMAL(38,9)"),
        ("decimal", "DECIMAL(10,0)"),
        ("string", "VARCHAR(65535)"),
        ("varchar(10)", "VARCHAR(40)"),  # characters -> UTF-8 bytes
        ("varchar(65535)", "VARCHAR(65535)"),
        ("char(3)", "VARCHAR(12)"),
        ("date", "DATE"),
        ("timestamp", "TIMESTAMP"),
        ("array<int>", "SUPER"),
        ("map<string,int>", "SUPER"),
        ("struct<a:int>", "SUPER"),
    ],
)
def test_type_mapping(hive, redshift):
    assert rs.redshift_type(hive_types.parse(hive)) == redshift


def test_binary_has_no_redshift_column_type():
    with pytest.raises(rs.UnsupportedType, match="declare the column as string"):
        rs.redshift_type(hive_types.parse("binary"))


# --- quoting and injection ------------------------------------------------------


def test_identifiers_are_double_quoted_with_quotes_doubled():
    assert rs.ident("orders") == '"orders"'
    assert rs.ident('a"b') == '"a""b"'
    assert rs.ident('x"; DROP TABLE t; --') == '"x""; DROP TABLE t; --"'


def test_literals_are_single_quoted_with_quotes_doubled():
    assert rs.literal("it's") == "'it''s'"
    assert rs.literal("x'); DROP TABLE t; --") == "'x''); DROP TABLE t; --'"


@pytest.mark.parametrize("bad", ["a\\", "\\'; DROP TABLE t; --", "nul\x00", "bell\x07"])
def test_literals_refuse_backslashes_and_control_characters(bad):
    with pytest.raises(ValueError):
        rs.literal(bad)


@pytest.mark.parametrize("bad", ["", "x" * 128, "new\nline", "nul\x00"])
def test_identifiers_refuse_empty_long_and_control_characters(bad):
    with pytest.raises(ValueError):
        rs.ident(bad)


def test_injection_in_names_stays_inside_quotes():
    # the spec refuses such names (test_glue_redshift_validation); the SQL layer quotes even so
    view = 'v"; DROP TABLE users; --'
    ddl = rs.view_definition("s", view, "kinesis", "e", "stream'; DROP TABLE x; --", [], True)
    assert ddl.splitlines()[0] == 'CREATE MATERIALIZED VIEW "s"."v""; DROP TABLE users; --"'
    assert 'FROM "e"."stream\'; DROP TABLE x; --"' in ddl
    call = rs.call_ensure_view("s", "s", view, ddl, False)
    # read the fourth literal as Redshift would: it ends exactly where the definition ends
    start = call.index("'CREATE MATERIALIZED VIEW")
    value, rest = read_literal(call[start:])
    assert value == ddl
    assert rest == ",\n  FALSE\n);\n"


def read_literal(text: str) -> tuple[str, str]:
    """Parse an SQL string literal at the start of text: (value, what follows)."""
    assert text[0] == "'"
    out, i = [], 1
    while True:
        if text[i] == "'":
            if text[i + 1 : i + 2] == "'":
                out.append("'")
                i += 2
                continue
            return "".join(out), text[i + 1 :]
        out.append(text[i])
        i += 1


def test_templates_refuse_unquoted_values():
    with pytest.raises(TypeError, match="unquoted value"):
        rs._render("local_schema.sql.j2", schema="shop; DROP TABLE t")


def test_statements_survive_the_provider_drift_bugs():
    """#25775 (IAM_ROLE missing from the read-back SQL) and #37301 (statements
    expire): arguments are ignored after creation, a fingerprint replaces."""
    import hcl2

    from support import REPO

    main = hcl2.loads((REPO / "modules/redshift-streaming-sql/main.tf").read_text())
    resources = {f"{t}.{n}": body for r in main["resource"] for t, named in r.items() for n, body in named.items()}
    for kind in ("schema", "procedure", "external", "view"):
        lifecycle = resources[f"aws_redshiftdata_statement.{kind}"]["lifecycle"][0]
        ignored = {item.strip("${}") for item in lifecycle["ignore_changes"][0]}
        assert {"sql", "workgroup_name", "cluster_identifier", "secret_arn", "database"} <= ignored, kind
        [trigger] = lifecycle["replace_triggered_by"][0]
        assert trigger.startswith(f"${{terraform_data.{kind}"), kind
        assert "triggers_replace" in resources[f"terraform_data.{kind}"], kind
