"""Checks of Firehose sinks that need env.yaml or the whole catalog.

Single-model rules (prefix syntax, either/or fields) live in
:mod:`streamgen.spec.firehose`; here: sources, targets and secrets named in
env.yaml, the final buffer sizes (after env.yaml overrides), and the columns
format conversion takes from the topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import firehose_decisions as fd
from . import firehose_prefix, limits
from .errors import Problem
from .index import CatalogIndex, Entry
from .load import Loaded, field_path
from .naming import Namer
from .spec.firehose import FirehoseSink
from .workspace import Workspace
from .yamlsrc import Document, Loc

_DESTINATION_LABEL = {
    "s3": "S3",
    "opensearch": "OpenSearch",
    "redshift": "Redshift (S3 staging)",
    "http": "an HTTP endpoint",
    "splunk": "Splunk",
}


def _problem(doc: Document, loc: Loc, message: str) -> Problem:
    path, shown = field_path(doc.data, loc)
    return Problem(doc.display, doc.line(path), shown, message, "error")


def firehose_sinks(index: CatalogIndex) -> list[Entry[Any]]:
    return [e for e in index.all("sinks") if isinstance(e.spec, FirehoseSink)]


def _topic(index: CatalogIndex, entry: Entry[Any]) -> Entry[Any] | None:
    if entry.spec.topic is None:
        return None
    return index.get("topics", entry.domain.spec.domain, entry.spec.topic)


def _sources(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in firehose_sinks(index):
        topic, options = _topic(index, entry), entry.spec.msk
        if topic is None or options is None:
            continue
        doc = entry.domain.doc
        if topic.spec.platform != "msk":
            yield _problem(doc, entry.loc + ("msk",), f"'{entry.spec.topic}' is a {topic.spec.platform} topic; msk options apply to MSK topics")
            continue
        cluster = loaded.env.msk_clusters.get(topic.spec.cluster)
        if options.connectivity == "public" and cluster is not None and cluster.type == "serverless":
            yield _problem(
                doc,
                entry.loc + ("msk", "connectivity"),
                f"MSK cluster '{topic.spec.cluster}' is serverless; serverless clusters have no public brokers",
            )


def _buffering(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    env = loaded.env
    for entry in firehose_sinks(index):
        sink = entry.spec
        choice = fd.buffering(sink, env, entry.qualified)
        destination = fd.destination(sink)
        max_mb, max_s = limits.FIREHOSE_DESTINATION_BUFFER[destination]
        label = _DESTINATION_LABEL[destination]
        large = fd.needs_large_buffer(sink)
        for attr, value, origin, problem_text in (
            ("size_mb", choice.size_mb, choice.size_from, f"{label} takes at most {max_mb} MB" if choice.size_mb > max_mb else None),
            ("interval_s", choice.interval_s, choice.interval_from, f"{label} takes at most {max_s} s" if choice.interval_s > max_s else None),
            (
                "size_mb",
                choice.size_mb,
                choice.size_from,
                f"{large} needs buffers of at least {limits.FIREHOSE_CONVERSION_MIN_BUFFER_MB} MB"
                if large and choice.size_mb < limits.FIREHOSE_CONVERSION_MIN_BUFFER_MB
                else None,
            ),
        ):
            if problem_text is None:
                continue
            if origin == "override":
                yield _problem(loaded.env_doc, ("overrides", "sinks", entry.qualified, "buffering", attr), f"{value}: {problem_text}")
            else:
                yield _problem(entry.domain.doc, entry.loc + ("buffering", attr), problem_text)


def columns_for(index: CatalogIndex, entry: Entry[Any]) -> list[Any]:
    """The declared columns of the records a sink reads (topic schema, or the sink's own for Direct PUT)."""
    schema = getattr(entry.spec, "schema_", None)
    if schema is None:
        topic = _topic(index, entry)
        schema = topic.spec.schema_ if topic is not None else None
    return list(schema.columns) if schema is not None else []


def table_root(prefix: str) -> str:
    """The last whole folder before the first expression: where a table over the data starts."""
    static = firehose_prefix.static_part(prefix)
    return static[: static.rfind("/") + 1]


def partition_folders(prefix: str) -> list[str]:
    """Hive-style folder names (``name=!{...}``) below the table root: the table's partition keys."""
    rest = prefix[len(table_root(prefix)) :]
    return [m.group(1) for m in re.finditer(r"(?:^|/)([a-z_][a-z0-9_]*)=!\{", rest)]


def _conversion(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in firehose_sinks(index):
        sink = entry.spec
        if getattr(sink, "format_conversion", None) is None:
            continue
        doc, loc = entry.domain.doc, entry.loc + ("format_conversion",)
        columns = columns_for(index, entry)
        if not columns:
            if sink.direct_put:
                yield _problem(doc, loc, "needs the record columns for its Glue table; declare schema.columns on the sink")
            elif _topic(index, entry) is not None:
                yield _problem(
                    doc,
                    loc,
                    f"topic '{sink.topic}' declares no schema.columns; format conversion needs them for its Glue table",
                )
            continue
        renamed = [c.name for c in columns if c.path is not None and c.path != c.name and "." not in c.path]
        if renamed and sink.format_conversion.deserializer == "hive":
            yield _problem(
                doc,
                loc + ("deserializer",),
                f"the hive deserializer cannot map JSON keys to columns ({', '.join(renamed)} "
                f"{'has' if len(renamed) == 1 else 'have'} a path); use openx",
            )
        for column in columns:
            if column.path is not None and "." in column.path:
                yield _problem(
                    doc,
                    loc,
                    f"column '{column.name}' reads nested path '{column.path}'; conversion maps top-level JSON keys "
                    "(declare a struct column instead)",
                )
        names = {c.name for c in columns}
        prefix = fd.locations(sink)[0].prefix
        for folder in partition_folders(prefix):
            if folder in names:
                yield _problem(
                    doc,
                    entry.loc + ("prefix",) if sink.prefix else loc,
                    f"partition folder '{folder}=' has the name of a column; Glue tables cannot have both",
                )


def _region_of(arn: str) -> str:
    return arn.split(":")[3]


def _targets(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    env = loaded.env
    for entry in firehose_sinks(index):
        sink, doc = entry.spec, entry.domain.doc
        if sink.kind == "opensearch":
            for field, table, where in (
                ("opensearch_domain", env.opensearch.domains, "opensearch.domains"),
                ("collection", env.opensearch.collections, "opensearch.collections"),
            ):
                key = getattr(sink, field)
                if key is not None and key not in table:
                    known = ", ".join(sorted(table)) or "none declared"
                    what = "OpenSearch domain" if field == "opensearch_domain" else "OpenSearch Serverless collection"
                    yield _problem(doc, entry.loc + (field,), f"no {what} '{key}' in env.yaml {where} ({known})")
        elif sink.kind == "redshift":
            for field, table, where in (
                ("cluster", env.redshift.clusters, "redshift.clusters"),
                ("workgroup", env.redshift.workgroups, "redshift.workgroups"),
            ):
                key = getattr(sink, field)
                if key is not None and key not in table:
                    known = ", ".join(sorted(table)) or "none declared"
                    yield _problem(doc, entry.loc + (field,), f"no Redshift target '{key}' in env.yaml {where} ({known})")
                elif key is not None and fd.redshift_secret(sink, env) is None:
                    yield _problem(
                        doc,
                        entry.loc + (field,),
                        f"no credentials: set secret_arn, or admin_secret_arn of env.yaml {where}.{key} "
                        "(a Secrets Manager secret, never a password)",
                    )
        secret = getattr(sink, "secret_arn", None)
        if secret is not None and _region_of(secret) != env.region:
            yield _problem(
                doc, entry.loc + ("secret_arn",), f"secret is in {_region_of(secret)}, but the environment is in {env.region}"
            )


def _lambda_keys(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """json_transform returns the partition keys its PARTITION_KEYS variable lists."""
    for entry in firehose_sinks(index):
        dynamic = getattr(entry.spec, "dynamic_partitioning", None)
        use = entry.spec.transform
        if dynamic is None or not dynamic.lambda_keys or use is None:
            continue
        transform = index.entries["transforms"].get((entry.domain.spec.domain, use.name))
        if transform is None or transform.spec.source != "json_transform":
            continue
        returned = [k.strip() for k in transform.spec.environment.get("PARTITION_KEYS", "").split(",") if k.strip()]
        missing = [k for k in dynamic.lambda_keys if k not in returned]
        if missing:
            yield _problem(
                entry.domain.doc,
                entry.loc + ("dynamic_partitioning", "lambda_keys"),
                f"transform '{use.name}' returns the keys in its PARTITION_KEYS environment variable "
                f"({', '.join(returned) or 'none'}); add {', '.join(missing)}",
            )


RULES = (_sources, _buffering, _conversion, _targets, _lambda_keys)
