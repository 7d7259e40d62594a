"""`streamgen new`: a commented block in the right place, the file otherwise untouched,
the catalog valid afterwards, and nothing half-written when it is not."""

from __future__ import annotations

import json

import pytest

from streamgen import pipeline, scaffold
from support import ENV_BASE

ENV = ENV_BASE

SHOP = """\
# yaml-language-server: $schema=../schema/catalog.schema.json
domain: shop   # the team's own comment
owner: team-shop

topics:
  # Orders, one event per state change.
  - name: orders
    shards: 2

# Sinks below: keep them sorted by name, please.
sinks:
  - name: orders-lake
    kind: s3
    topic: orders     # trailing comment
"""


@pytest.fixture
def shop(sandbox):
    sandbox.write("environments/dev/env.yaml", ENV)
    (sandbox.root / "catalog" / "shop.yaml").write_text(SHOP)
    return sandbox


def _spec(sandbox, domain="shop"):
    loaded = pipeline.validate(sandbox.ws, "dev").loaded
    return next(d.spec for d in loaded.domains if d.spec.domain == domain)


def test_new_topic_lands_at_the_end_of_topics_and_keeps_everything_else(shop):
    result = shop.run("new", "topic", "--domain", "shop", "--name", "refunds", "--description", "Refunds: issued")
    assert result.code == 0, result.err
    text = (shop.root / "catalog" / "shop.yaml").read_text()
    lines = text.splitlines(keepends=True)
    original = SHOP.splitlines(keepends=True)
    # the original lines, in order, with only new lines between them
    assert "".join(lines[:8]) == "".join(original[:8])
    assert "".join(lines[-6:]) == "".join(original[-6:])
    added = "".join(lines[8:-6])
    assert added.startswith("\n  - name: refunds\n    description: \"Refunds: issued\"\n")
    assert "# Peak load" in added
    spec = _spec(shop)
    assert [t.name for t in spec.topics] == ["orders", "refunds"]
    refunds = spec.topics[1]
    assert refunds.description == "Refunds: issued" and refunds.throughput.write_mb_per_s == 1 and refunds.retention_hours == 24


def test_new_sink_and_its_topic_generate(shop):
    assert shop.run("new", "topic", "--domain", "shop", "--name", "refunds").code == 0
    result = shop.run("new", "sink", "--domain", "shop", "--name", "refunds-lake", "--topic", "refunds")
    assert result.code == 0, result.err
    assert [s.name for s in _spec(shop).sinks] == ["orders-lake", "refunds-lake"]
    generated = pipeline.generate(shop.ws, "dev", build=False)
    names = {f.full_name for r in generated.resolved.roots for f in r.firehoses}
    assert "dev-shop-refunds-lake" in names


def test_new_domain_file_is_created_with_the_schema_line(shop):
    result = shop.run("new", "topic", "--domain", "loyalty", "--owner", "team-loyalty@example.com", "--name", "points", "--json")
    assert result.code == 0, result.err
    out = json.loads(result.out)
    assert out["created"] is True and out["file"] == "catalog/loyalty.yaml"
    text = (shop.root / "catalog" / "loyalty.yaml").read_text()
    assert text.startswith(scaffold.SCHEMA_LINE + "\ndomain: loyalty\nowner: team-loyalty@example.com\n\ntopics:\n  - name: points\n")
    assert _spec(shop, "loyalty").topics[0].name == "points"


def test_invalid_result_restores_the_file_byte_for_byte(shop):
    before = (shop.root / "catalog" / "shop.yaml").read_bytes()
    result = shop.run("new", "sink", "--domain", "shop", "--name", "lost", "--topic", "nope")
    assert result.code == 2
    assert result.err_lines == [
        "catalog/shop.yaml:18: sinks[lost].topic: no topic 'nope' in the catalog (this domain has: orders)",
        "the new sink does not validate; catalog/shop.yaml was left as it was",
    ]
    assert (shop.root / "catalog" / "shop.yaml").read_bytes() == before
    assert sorted(p.name for p in (shop.root / "catalog").iterdir()) == ["shop.yaml"]  # no temp file left


def test_duplicate_name_is_refused_and_rolled_back(shop):
    before = (shop.root / "catalog" / "shop.yaml").read_bytes()
    result = shop.run("new", "topic", "--domain", "shop", "--name", "orders")
    assert result.code == 2 and "orders" in result.err
    assert (shop.root / "catalog" / "shop.yaml").read_bytes() == before


def test_new_domain_without_owner_writes_nothing(shop):
    result = shop.run("new", "topic", "--domain", "loyalty", "--name", "points")
    assert result.code == 2
    assert result.err_lines == [
        "streamgen new topic: --owner: catalog/loyalty.yaml does not exist yet; a new domain needs its owning team; nothing was written"
    ]
    assert not (shop.root / "catalog" / "loyalty.yaml").exists()


def test_insert_opens_an_empty_flow_list_and_adds_a_missing_section():
    text = "domain: shop\nowner: x\ntopics: []   # none yet\n"
    out = scaffold.insert(text, "topics", ["- name: a"])
    assert out == "domain: shop\nowner: x\ntopics:\n  - name: a\n"
    out = scaffold.insert("domain: shop\nowner: x", "sinks", ["- name: s", "  kind: s3"])
    assert out == "domain: shop\nowner: x\n\nsinks:\n  - name: s\n    kind: s3\n"


def test_insert_follows_the_files_item_indentation():
    text = "domain: shop\ntopics:\n- name: a\n    # trailing comment of a\n\n# about sinks\nsinks: []\n"
    out = scaffold.insert(text, "topics", ["- name: b"])
    assert out == "domain: shop\ntopics:\n- name: a\n    # trailing comment of a\n\n- name: b\n\n# about sinks\nsinks: []\n"


def test_every_scaffold_kind_validates_in_the_example_catalog(example_sandbox):
    sb = example_sandbox
    runs = [
        ("topic", "payments", "refunds", []),
        ("topic", "inventory", "reorders", ["--kind", "msk"]),
        ("sink", "payments", "refunds-lake", ["--topic", "refunds"]),
        ("sink", "search", "refunds-search", ["--kind", "opensearch", "--topic", "inventory/reorders"]),
        ("sink", "observability", "refunds-hook", ["--kind", "http", "--topic", "payments/refunds",
                                                    "--url", "https://hooks.example.com/in",
                                                    "--secret-arn", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:hook-Ab12Cd"]),
        ("connector", "inventory", "reorders-archive", ["--topic", "reorders"]),
        ("connector", "inventory", "reorders-events", ["--kind", "eventbridge-sink", "--topic", "reorders"]),
    ]
    for what, domain, name, extra in runs:
        result = sb.run("new", what, "--domain", domain, "--name", name, *extra)
        assert result.code == 0, (what, name, result.err)
    loaded = pipeline.validate(sb.ws, "dev").loaded
    names = {(d.spec.domain, item.name) for d in loaded.domains for item in [*d.spec.topics, *d.spec.sinks, *d.spec.connectors]}
    assert {(d, n) for _, d, n, _ in runs} <= names
