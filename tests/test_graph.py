"""`streamgen graph`: the example environment's topology as Mermaid, DOT and images."""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from streamgen import graph
from streamgen.cli_tools import resolved_model


@pytest.fixture(scope="module")
def example_graph(repo):
    _, resolved = resolved_model(repo, "dev")
    return graph.build(resolved)


@pytest.fixture(scope="module")
def mermaid(example_graph):
    return graph.mermaid(example_graph)


def _parse(text: str):
    nodes, edges, groups = {}, [], []
    for line in text.splitlines():
        if m := re.fullmatch(r'  subgraph (\w+)\["(.*)"\]', line):
            groups.append(m.group(2))
        elif m := re.fullmatch(r"    (\w+)[\[\(\{/]+\"(.*)\"[\]\)\}/]+", line):
            nodes[m.group(1)] = m.group(2)
        elif m := re.fullmatch(r"  (\w+) (-->|-\.->)(?:\|(.*)\|)? (\w+)", line):
            edges.append((m.group(1), m.group(2), m.group(3) or "", m.group(4)))
    return nodes, edges, groups


def test_mermaid_has_every_domain_and_only_defined_nodes(mermaid):
    assert mermaid.startswith("flowchart LR\n")
    nodes, edges, groups = _parse(mermaid)
    assert groups == [f"domain {d}" for d in ("analytics", "clickstream", "inventory", "observability", "payments", "search", "storefront")] + ["shared targets"]
    assert edges and all(src in nodes and dst in nodes for src, _, _, dst in edges)
    # every node is classed, so it gets its colour
    classed = {i for line in mermaid.splitlines() if line.startswith("  class ") for i in line.split()[1].split(",")}
    assert classed == set(nodes)


def test_mermaid_follows_data_from_source_to_destination(mermaid):
    nodes, edges, _ = _parse(mermaid)
    flows = {(s, a, label, d) for s, a, label, d in edges}
    # topic -> Firehose -> the domain bucket, with its Lambda transform attached
    assert nodes["topic_dev_payments_orders"] == "Kinesis dev-payments-orders (2 shards)"
    assert ("topic_dev_payments_orders", "-->", "", "sink_dev_payments_orders_archive") in flows
    assert ("transform_dev_payments_normalize_json", "-.->", "transform", "sink_dev_payments_orders_archive") in flows
    assert ("sink_dev_payments_orders_archive", "-->", "orders-archive/…", "destination_s3_dev_payments_111111111111_eu_west_1") in flows
    # a cross-domain reader
    assert ("topic_dev_payments_orders", "-->", "", "sink_dev_clickstream_orders_for_funnel") in flows
    # CDC: database -> source connector -> MSK topic
    assert ("source_dev_inventory_products_cdc", "-->", "", "topic_main_inventory_products_cdc") in flows
    assert any(d == "source_dev_inventory_products_cdc" and nodes[s] == "database catalog" for s, _, _, d in edges)
    # Redshift streaming ingestion: the view reads its topic
    assert ("topic_main_analytics_sessions", "-->", "", "sink_redshift_cluster_warehouse_sessions_live") in flows
    # central logging: log group -> stream (subscription filter)
    assert any(label == "subscription filter" and nodes[s].startswith("log group /aws/lambda/storefront-checkout") for s, _, label, _ in edges)
    # OpenSearch Ingestion into the env's domain, sized in OCUs
    pipe = next(i for i, label in nodes.items() if label.startswith("OpenSearch Ingestion dev-search-orders-to-logs"))
    assert nodes[pipe].endswith("OCU)")
    assert any(s == pipe and nodes[d] == "OpenSearch domain dev-logs" for s, _, _, d in edges)


def test_dot_is_deterministic_and_renders(example_graph, tmp_path):
    source = graph.dot(example_graph)
    assert source == graph.dot(example_graph)
    assert source.startswith('digraph "dev" {') and "rankdir=LR;" in source
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot is not installed (apt-get install graphviz)")
    png = tmp_path / "dev.png"
    graph.render_image(source, png, "png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000


def test_cli_graph_formats(example_sandbox, tmp_path):
    sb = example_sandbox
    out = sb.run("graph")
    assert out.code == 0 and out.out.startswith("flowchart LR")
    js = json.loads(sb.run("graph", "--json").out)
    assert {"nodes", "edges", "env"} <= set(js) and any(n["kind"] == "transform" for n in js["nodes"])
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot is not installed")
    svg = tmp_path / "g.svg"
    result = sb.run("graph", "--format", "svg", "-o", str(svg))
    assert result.code == 0, result.err
    text = html.unescape(svg.read_text())  # Graphviz writes '-' as &#45;
    assert "<svg" in text and "Kinesis dev-payments-orders (2 shards)" in text


def test_missing_graphviz_is_exit_3(example_sandbox, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = example_sandbox.run("graph", "--format", "png")
    assert result.code == 3 and "apt-get install graphviz" in result.err
