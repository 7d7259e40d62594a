"""``streamgen new topic|sink|connector``: add a commented, valid block to a domain file.

The block is inserted as text at the end of the right section (``topics:``,
``sinks:``, ``connectors:``) of ``catalog/<domain>.yaml``, so the team's own
comments and layout stay exactly as they were; the file is created (with the
editor-schema line) when the domain is new. The whole catalog is validated
afterwards and the file restored byte for byte when anything is wrong.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import pipeline
from .errors import Problem, SpecError
from .workspace import Workspace

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/catalog.schema.json"

SECTIONS = {"topic": "topics", "sink": "sinks", "connector": "connectors"}
TOPIC_PLATFORMS = ("kinesis", "msk")
SINK_KINDS = ("s3", "opensearch", "http")
CONNECTOR_KINDS = ("s3-sink", "eventbridge-sink")


@dataclass(frozen=True)
class Request:
    what: str  # topic | sink | connector
    domain: str
    name: str
    kind: str | None = None  # topic platform, sink kind, connector kind
    topic: str | None = None  # sinks: the topic read; connectors: comma-separated topics
    owner: str | None = None  # a new domain's owner
    cluster: str | None = None  # MSK topics
    target: str | None = None  # opensearch domain/collection, event bus
    url: str | None = None  # http sinks
    secret_arn: str | None = None  # http sinks
    description: str | None = None


@dataclass(frozen=True)
class Result:
    path: Path
    created: bool
    block: str


class ScaffoldError(Exception):
    """Bad command-line input (exit 2), before anything is written."""


def _quote(value: str) -> str:
    # plain scalars when YAML reads them back unchanged, JSON-style quotes otherwise
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _./@:-]*", value) and ": " not in value and not value.endswith(":") and value.lower() not in {"yes", "no", "true", "false", "null", "on", "off"}:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _c(code: str, comment: str) -> str:
    """A line with its comment aligned (column 32 of the item, like the examples)."""
    return f"{code:<30} # {comment}"


def _env_keys(ws: Workspace, env: str, *path: str) -> list[str]:
    """Keys of an env.yaml mapping (to offer real names as defaults)."""
    import yaml

    try:
        node = yaml.safe_load(ws.env_file(env).read_text()) or {}
    except (OSError, yaml.YAMLError):
        return []
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return list(node) if isinstance(node, dict) else []  # file order: the first is the usual choice


def block(req: Request, ws: Workspace, env: str) -> list[str]:
    """The list item, unindented (``- name: ...`` and its fields), with comments."""
    desc = [f"  description: {_quote(req.description)}"] if req.description else []
    if req.what == "topic":
        if (req.kind or "kinesis") == "kinesis":
            return [
                f"- name: {req.name}",
                *desc,
                "  # Peak load: provisioned streams derive their shards from it (1 MB/s and",
                "  # 1,000 records/s in, 2 MB/s out per shard); `streamgen cost` prices it.",
                "  throughput:",
                "    write_mb_per_s: 1",
                "    write_records_per_s: 1000",
                _c("    read_consumers: 1", "consumers reading every record (shared throughput)"),
                _c("  retention_hours: 24", "24-8760; beyond 24 h is billed per shard-hour or GB"),
            ]
        clusters = _env_keys(ws, env, "msk_clusters")
        cluster = req.cluster or (clusters[0] if clusters else None)
        if cluster is None:
            raise ScaffoldError("--cluster: env.yaml declares no msk_clusters")
        return [
            f"- name: {req.name}",
            "  platform: msk",
            _c(f"  cluster: {cluster}", "a key of env.yaml msk_clusters"),
            *desc,
            _c("  partitions: 6", "consumers of a group read at most one partition each"),
            "  throughput:",
            "    write_mb_per_s: 1",
            "  configs:",
            _c("    retention.ms: 604800000", "7 days"),
        ]
    if req.what == "sink":
        if not req.topic:
            raise ScaffoldError("--topic: a sink reads a topic ('name' or 'domain/name')")
        kind = req.kind or "s3"
        head = [f"- name: {req.name}", f"  kind: {kind}"]
        if kind == "s3":
            return [
                *head,
                f"  topic: {req.topic}",
                *desc,
                "  # Firehose -> the domain's bucket (KMS, versioned, TLS only), gzip JSON lines.",
                "  buffering:",
                _c("    size_mb: 64", "1-128"),
                _c("    interval_s: 300", "0-900"),
            ]
        if kind == "opensearch":
            domains = _env_keys(ws, env, "opensearch", "domains")
            target = req.target or (domains[0] if domains else None)
            if target is None:
                raise ScaffoldError("--target: env.yaml declares no opensearch domains")
            return [
                *head,
                _c("  via: ingestion", "OpenSearch Ingestion (Data Prepper); or firehose"),
                f"  topic: {req.topic}",
                _c(f"  domain: {target}", "a key of env.yaml opensearch.domains"),
                *desc,
                f"  index: {req.name}-%{{yyyy.MM.dd}}",
            ]
        if kind == "http":
            if not req.url or not req.secret_arn:
                raise ScaffoldError("--url and --secret-arn: an http sink needs its endpoint and the Secrets Manager ARN of its key")
            return [
                *head,
                _c("  provider: generic", "splunk | datadog | elastic | generic"),
                f"  topic: {req.topic}",
                *desc,
                f"  url: {_quote(req.url)}",
                _c(f"  secret_arn: {req.secret_arn}", "never the key itself"),
            ]
        raise ScaffoldError(f"--kind: scaffolds exist for {', '.join(SINK_KINDS)}; see docs/catalog.md for the others")
    if req.what == "connector":
        if not req.topic:
            raise ScaffoldError("--topic: a sink connector reads one or more MSK topics (comma-separated)")
        topics = ", ".join(t.strip() for t in req.topic.split(",") if t.strip())
        kind = req.kind or "s3-sink"
        capacity = [
            _c("  capacity:", "MSK Connect workers; `streamgen cost` prices them"),
            "    autoscaling: {mcu_per_worker: 1, min_workers: 1, max_workers: 2}",
        ]
        if kind == "s3-sink":
            return [
                f"- name: {req.name}",
                "  kind: s3-sink",
                f"  topics: [{topics}]",
                *desc,
                _c("  format: json", "json | avro | parquet"),
                _c("  partitioner: hourly", "default | hourly | daily | field"),
                *capacity,
            ]
        if kind == "eventbridge-sink":
            buses = _env_keys(ws, env, "msk_connect", "event_buses")
            bus = req.target or (buses[0] if buses else None)
            if bus is None:
                raise ScaffoldError("--target: env.yaml declares no msk_connect.event_buses")
            return [
                f"- name: {req.name}",
                "  kind: eventbridge-sink",
                f"  topics: [{topics}]",
                _c(f"  event_bus: {bus}", "a key of env.yaml msk_connect.event_buses"),
                *desc,
                *capacity,
            ]
        raise ScaffoldError(f"--kind: scaffolds exist for {', '.join(CONNECTOR_KINDS)}; see docs/catalog.md for the others")
    raise ScaffoldError(f"unknown item {req.what!r}")


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$")


def insert(text: str, section: str, item: list[str]) -> str:
    """``text`` with ``item`` appended to the top-level list ``section``.

    Only lines are added (and an empty flow list ``section: []`` opened); the
    rest of the file is kept byte for byte.
    """
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if (m := _TOP_KEY.match(line)) and m.group(1) == section), None)
    if start is None:
        indent = "  "
        body = [f"{indent}{line}\n" if line else "\n" for line in item]
        sep = [] if not lines or lines[-1].strip() == "" else ["\n"]
        return "".join(lines + sep + [f"{section}:\n"] + body)
    rest = _TOP_KEY.match(lines[start]).group(2)
    value = rest.split("#", 1)[0].strip()
    if value == "[]":
        lines[start] = f"{section}:\n"
    elif value:
        raise ScaffoldError(f"{section}: written in flow style ({value[:30]}); add the item by hand or use block style")
    # the section ends before the next top-level key (or the end of the file)
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    # ... but comments and blank lines right before that key belong to it
    while end > start + 1 and (lines[end - 1].strip() == "" or (lines[end - 1].startswith("#"))):
        end -= 1
    items = [line for line in lines[start + 1:end] if line.lstrip().startswith("- ")]
    indent = re.match(r"\s*", items[0]).group(0) if items else "  "
    body = [f"{indent}{line}\n" if line else "\n" for line in item]
    sep = ["\n"] if items else []
    return "".join(lines[:end] + sep + body + lines[end:])


def new_file(domain: str, owner: str, section: str, item: list[str]) -> str:
    head = f"{SCHEMA_LINE}\ndomain: {domain}\nowner: {_quote(owner)}\n"
    return insert(head, section, item)


def add(ws: Workspace, env: str, req: Request) -> tuple[Result, list[Problem]]:
    """Write the block, validate the whole catalog, restore on failure.

    Returns the result and the validation warnings; raises SpecError (file
    restored) or ScaffoldError (nothing written).
    """
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,31}", req.domain):
        raise ScaffoldError(f"--domain: {req.domain!r} must be lowercase letters, digits and '-' (the file catalog/<domain>.yaml)")
    path = ws.catalog_dir / f"{req.domain}.yaml"
    section = SECTIONS[req.what]
    item = block(req, ws, env)
    original = path.read_bytes() if path.exists() else None
    if original is None:
        if not req.owner:
            raise ScaffoldError(f"--owner: catalog/{req.domain}.yaml does not exist yet; a new domain needs its owning team")
        text = new_file(req.domain, req.owner, section, item)
    else:
        text = insert(original.decode(), section, item)
    _write_atomic(path, text)
    try:
        validated = pipeline.validate(ws, env)
    except BaseException:
        if original is None:
            path.unlink(missing_ok=True)
        else:
            _write_atomic(path, original.decode())
        raise
    return Result(path, original is None, "\n".join(item) + "\n"), validated.warnings


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.streamgen-new")
    tmp.write_text(text)
    os.replace(tmp, path)


__all__ = ["Request", "Result", "ScaffoldError", "SpecError", "add", "block", "insert"]
