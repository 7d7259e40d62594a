"""Topology of an environment: sources -> topics -> sinks -> destinations.

Built from the resolved model (final names, defaults applied), so the picture
shows what would be deployed, not what the YAML literally says. Transforms
(Lambda record processors and log decoders) hang off the sink that calls
them. Rendered as Mermaid (merge-request descriptions render it) and as
Graphviz DOT, which ``dot`` turns into SVG or PNG.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .model import (
    Connector,
    DeliveryStream,
    GlueStreamingJob,
    IngestionPipeline,
    KafkaTopic,
    Resolved,
    Stream,
)

KINDS = ("source", "topic", "transform", "sink", "destination")
ENV_GROUP = "(environment)"


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str  # one of KINDS
    group: str  # the owning domain, or ENV_GROUP for shared targets


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str = ""
    dashed: bool = False  # "uses" (a transform), not data flow


@dataclass
class Graph:
    env: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def node(self, key: str, label: str, kind: str, group: str) -> str:
        node_id = _ident(f"{kind}_{key}")
        self.nodes.setdefault(node_id, Node(node_id, label, kind, group))
        return node_id

    def edge(self, src: str, dst: str, label: str = "", dashed: bool = False) -> None:
        edge = Edge(src, dst, label, dashed)
        if edge not in self.edges:
            self.edges.append(edge)

    def groups(self) -> dict[str, list[Node]]:
        out: dict[str, list[Node]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: (n.group, KINDS.index(n.kind), n.label)):
            out.setdefault(node.group, []).append(node)
        return dict(sorted(out.items(), key=lambda kv: (kv[0] == ENV_GROUP, kv[0])))

    def sorted_edges(self) -> list[Edge]:
        return sorted(self.edges, key=lambda e: (e.src, e.dst, e.label))


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def build(resolved: Resolved) -> Graph:
    g = Graph(resolved.env)
    topic_ids: dict[str, str] = {}  # ARN -> node id
    by_name: dict[str, str] = {}  # stream name or Kafka name -> node id (Redshift views name their source)

    def topic(t: Stream | KafkaTopic) -> str:
        if t.arn not in topic_ids:
            if isinstance(t, KafkaTopic):
                label = f"MSK {t.cluster.key}: {t.kafka_name}"
            else:
                shards = "on-demand" if t.mode == "ON_DEMAND" else f"{t.shards} shard{'s' * (t.shards != 1)}"
                label = f"Kinesis {t.full_name} ({shards})"
            key = f"{t.cluster.key}_{t.kafka_name}" if isinstance(t, KafkaTopic) else t.full_name
            topic_ids[t.arn] = g.node(key, label, "topic", t.domain)
            by_name[t.kafka_name if isinstance(t, KafkaTopic) else t.full_name] = topic_ids[t.arn]
        return topic_ids[t.arn]

    for t in resolved.kafka_topics:
        topic(t)
    for root in resolved.roots:
        for s in [*root.streams, *root.log_streams]:
            topic(s)

    def transform(sink_id: str, fn, domain: str) -> None:
        g.edge(g.node(fn.full_name, f"λ {fn.full_name}", "transform", domain), sink_id, "transform", dashed=True)

    for root in resolved.roots:
        for f in root.firehoses:
            _firehose(g, f, topic, transform)
        for p in root.ingestion_pipelines:
            _pipeline(g, p, topic_ids)
        for j in root.glue_jobs:
            _glue(g, j, topic)
        for sql in root.redshift_sql:
            dest = _redshift(g, sql.cluster_identifier or sql.workgroup_name or sql.target_key)
            for view in sql.views.values():
                sink = g.node(f"{sql.tf_id}_{view.sink}", f"Redshift view {view.schema}.{view.view}", "sink", sql.domain)
                if view.source_name in by_name:
                    g.edge(by_name[view.source_name], sink)
                g.edge(sink, dest, "streaming ingestion")
        for c in root.connectors:
            _connector(g, c, topic)
        for sub in root.log_subscriptions:
            stream_id = topic(sub.destination.stream)
            for group in sub.log_groups:
                src = g.node(f"{sub.account_id}_{group}", f"log group {group} ({sub.account_id})", "source", sub.domain)
                g.edge(src, stream_id, "subscription filter")
        for d in root.log_deliveries:
            sink = g.node(d.full_name, f"Firehose {d.full_name}", "sink", d.domain)
            g.edge(topic(d.stream), sink)
            if d.decoder is not None:
                transform(sink, d.decoder, d.domain)
            g.edge(sink, _bucket(g, d.bucket.bucket), d.prefix.split("/")[0] + "/…" if "/" in d.prefix else d.prefix)
    return g


def _bucket(g: Graph, bucket: str) -> str:
    return g.node(f"s3_{bucket}", f"S3 {bucket}", "destination", ENV_GROUP)


def _firehose(g: Graph, f: DeliveryStream, topic, transform) -> None:
    sink = g.node(f.full_name, f"Firehose {f.full_name}", "sink", f.domain)
    if f.kinesis_source is not None:
        g.edge(topic(f.kinesis_source), sink)
    elif f.msk_source is not None:
        g.edge(topic(f.msk_source.topic), sink)
    else:
        g.edge(g.node(f"directput_{f.full_name}", "producers (Direct PUT)", "source", f.domain), sink)
    for processor in f.processors:
        if processor.function is not None:
            transform(sink, processor.function, f.domain)
    if f.extended_s3 is not None:
        conversion = f.extended_s3.conversion
        label = f"{f.s3.prefix.split('/')[0]}/… {conversion.output}" if conversion else f.s3.prefix.split("/")[0] + "/…"
        g.edge(sink, _bucket(g, f.s3.bucket.bucket), label)
        return
    if f.opensearch is not None:
        name = f.opensearch.domain_arn.rsplit("/", 1)[1]
        g.edge(sink, _opensearch(g, name), f.opensearch.index)
    elif f.serverless is not None:
        g.edge(sink, _collection(g, f.serverless.collection_name), f.serverless.index)
    elif f.redshift is not None:
        g.edge(sink, _redshift(g, re.split(r"[:/]", f.redshift.target_arn)[-1]), f"COPY {f.redshift.table}")
    elif f.http is not None:
        host = f.http.url.split("//")[-1].split("/")[0].split(":")[0]
        g.edge(sink, g.node(f"http_{host}", f"{f.http.provider} {host}", "destination", ENV_GROUP))


def _opensearch(g: Graph, name: str) -> str:
    return g.node(f"os_{name}", f"OpenSearch domain {name}", "destination", ENV_GROUP)


def _collection(g: Graph, name: str) -> str:
    return g.node(f"aoss_{name}", f"OpenSearch Serverless {name}", "destination", ENV_GROUP)


def _redshift(g: Graph, name: str) -> str:
    return g.node(f"redshift_{name}", f"Redshift {name}", "destination", ENV_GROUP)


def _pipeline(g: Graph, p: IngestionPipeline, topic_ids: dict[str, str]) -> None:
    sink = g.node(p.full_name, f"OpenSearch Ingestion {p.full_name} ({p.min_units}-{p.max_units} OCU)", "sink", p.domain)
    for arn in p.topic_arns:
        if arn in topic_ids:
            g.edge(topic_ids[arn], sink)
    if p.target_kind == "collection":
        dest = _collection(g, p.collection_name or p.target_arn.rsplit("/", 1)[1])
    else:
        dest = _opensearch(g, p.target_arn.rsplit("/", 1)[1])
    g.edge(sink, dest, ", ".join(p.index_patterns))


def _glue(g: Graph, j: GlueStreamingJob, topic) -> None:
    sink = g.node(j.full_name, f"Glue job {j.full_name} ({j.workers}× {j.worker_type})", "sink", j.domain)
    g.edge(topic(j.source), sink)
    table = getattr(j.table, "table_name", "")
    g.edge(sink, _bucket(g, j.bucket.bucket), f"{j.format} {table}".strip())


def _connector(g: Graph, c: Connector, topic) -> None:
    node = g.node(c.full_name, f"MSK Connect {c.full_name} ({c.kind})", "sink" if c.direction == "sink" else "source", c.domain)
    if c.direction == "sink":
        for t in c.read_topics:
            g.edge(topic(t), node)
        if c.s3_bucket is not None:
            g.edge(node, _bucket(g, c.s3_bucket.bucket), c.s3_prefix or "")
        elif c.event_bus_arn:
            g.edge(node, g.node(c.event_bus_arn.rsplit("/", 1)[1], f"EventBridge {c.event_bus_arn.rsplit('/', 1)[1]}", "destination", ENV_GROUP))
        elif c.kind == "opensearch-sink":
            # endpoints look like https://search-<domain>-<id>.<region>.es.amazonaws.com
            host = c.configuration.get("connection.url", "").split("//")[-1]
            found = re.match(r"(?:search|vpc)-([^.]+)-[a-z0-9]+\.", host)
            g.edge(node, _opensearch(g, found.group(1) if found else host.split(".")[0] or "unknown"))
        else:
            g.edge(node, g.node(f"custom_{c.full_name}", f"{c.kind} target", "destination", c.domain))
        return
    host = c.configuration.get("database.hostname") or c.configuration.get("connection.url", "database")
    db = g.node(f"db_{host}", f"database {host.split('.')[0]}", "source", c.domain)
    g.edge(db, node)
    for t in c.write_topics:
        g.edge(node, topic(t))


# --- rendering --------------------------------------------------------------

_MERMAID_CLASSES = {
    "source": "fill:#e8f1fb,stroke:#3b73b9",
    "topic": "fill:#fff4dd,stroke:#d08b00",
    "transform": "fill:#f3e8fb,stroke:#8a3bb9",
    "sink": "fill:#e6f6ea,stroke:#2f8f46",
    "destination": "fill:#eeeeee,stroke:#555555",
}
_MERMAID_SHAPES = {
    "source": ('(["', '"])'),
    "topic": ('[("', '")]'),
    "transform": ('{{"', '"}}'),
    "sink": ('["', '"]'),
    "destination": ('[/"', '"/]'),
}


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def mermaid(g: Graph) -> str:
    lines = ["flowchart LR"]
    for group, nodes in g.groups().items():
        title = "shared targets" if group == ENV_GROUP else f"domain {group}"
        lines.append(f'  subgraph {_ident("grp_" + group)}["{title}"]')
        for n in nodes:
            left, right = _MERMAID_SHAPES[n.kind]
            lines.append(f"    {n.id}{left}{_mermaid_text(n.label)}{right}")
        lines.append("  end")
    for e in g.sorted_edges():
        arrow = "-.->" if e.dashed else "-->"
        label = f"|{_mermaid_text(e.label)}|" if e.label else ""
        lines.append(f"  {e.src} {arrow}{label} {e.dst}")
    for kind, style in _MERMAID_CLASSES.items():
        lines.append(f"  classDef {kind} {style}")
    for kind in KINDS:
        ids = sorted(n.id for n in g.nodes.values() if n.kind == kind)
        if ids:
            lines.append(f"  class {','.join(ids)} {kind}")
    return "\n".join(lines) + "\n"


_DOT_STYLE = {
    "source": 'shape=box, style="rounded,filled", fillcolor="#e8f1fb", color="#3b73b9"',
    "topic": 'shape=cylinder, style=filled, fillcolor="#fff4dd", color="#d08b00"',
    "transform": 'shape=hexagon, style=filled, fillcolor="#f3e8fb", color="#8a3bb9"',
    "sink": 'shape=box, style=filled, fillcolor="#e6f6ea", color="#2f8f46"',
    "destination": 'shape=folder, style=filled, fillcolor="#eeeeee", color="#555555"',
}


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot(g: Graph) -> str:
    lines = [
        f'digraph "{_dot_text(g.env)}" {{',
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", fontsize=11, nodesep=0.25, ranksep=0.6];',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9, color="#666666"];',
        f'  label="streamgen topology: {_dot_text(g.env)}"; labelloc=t;',
    ]
    for group, nodes in g.groups().items():
        title = "shared targets" if group == ENV_GROUP else f"domain {group}"
        lines.append(f"  subgraph cluster_{_ident(group)} {{")
        lines.append(f'    label="{_dot_text(title)}"; style="rounded,dashed"; color="#999999";')
        for n in nodes:
            lines.append(f'    {n.id} [label="{_dot_text(n.label)}", {_DOT_STYLE[n.kind]}];')
        lines.append("  }")
    for e in g.sorted_edges():
        attrs = [f'label="{_dot_text(e.label)}"'] if e.label else []
        if e.dashed:
            attrs += ["style=dashed", "arrowhead=none"]
        lines.append(f"  {e.src} -> {e.dst}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    lines.append("}")
    return "\n".join(lines) + "\n"


class GraphvizMissing(RuntimeError):
    pass


def render_image(dot_source: str, output: Path, fmt: str) -> None:
    """Render with Graphviz ``dot`` (Debian package ``graphviz``)."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing("Graphviz `dot` is not on the PATH; install it (Debian/Ubuntu: apt-get install graphviz)")
    output.parent.mkdir(parents=True, exist_ok=True)
    extra = ["-Gdpi=110"] if fmt == "png" else []
    result = subprocess.run([exe, f"-T{fmt}", *extra, "-o", str(output)], input=dot_source, text=True, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"dot failed: {result.stderr.strip()}")
