"""Whole-catalog checks for Glue streaming and Redshift streaming sinks.

Run by :func:`streamgen.checks.check` after its own rules; each rule yields
problems with ``file:line: field: message``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from . import firehose_prefix, glue_records, limits, redshift_sql
from . import streaming_decisions as sd
from .checks import problem
from .decisions import s3_prefixes
from .errors import Problem
from .index import CatalogIndex, Entry
from .load import Loaded
from .naming import Namer, name_problem
from .spec.glue import EVENT_DATE
from .spec.sinks import sink_tag
from .workspace import Workspace

GLUE, REDSHIFT = "glue/streaming", "redshift/streaming"


def _sinks(index: CatalogIndex, tag: str) -> list[Entry[Any]]:
    return [e for e in index.all("sinks") if sink_tag(e.spec) == tag]


def _declared(topic: Entry[Any]) -> list[Any]:
    schema = topic.spec.schema_
    return list(schema.columns) if schema is not None else []


def _names(columns: list[Any]) -> str:
    return ", ".join(c.name for c in columns) or "none"


# --- Glue -----------------------------------------------------------------------


def _glue_sinks(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in _sinks(index, GLUE):
        sink, doc, domain = entry.spec, entry.domain.doc, entry.domain.spec.domain
        at = entry.loc
        for what, value in (("IAM role", namer.role(domain, sink.name, "glue")),):
            message = name_problem(what, value)
            if message:
                yield problem(doc, at + ("name",), message)
        topic = index.get("topics", domain, sink.topic)
        if topic is None:
            continue
        declared = _declared(topic)
        if not declared:
            registry = topic.spec.schema_ is not None and topic.spec.schema_.registry is not None
            yield problem(
                doc,
                at + ("topic",),
                f"glue sinks need the topic's declared columns: topic '{sink.topic}' "
                + (
                    "references a Schema Registry schema, which cannot type the table offline; declare schema.columns too"
                    if registry
                    else "has no schema.columns (they type the table and the job's casts)"
                ),
            )
            continue
        columns = {c.name: c for c in declared}
        for column in declared:
            root = sd.column_path(column)[0]
            if root in (glue_records.CORRUPT_RECORD, glue_records.ARRIVAL_FIELD):
                yield problem(
                    doc,
                    at + ("topic",),
                    f"column '{column.name}' reads the field '{root}', which the Glue job uses itself; rename the field",
                )
        keys = sd.glue_partition_keys(sink)
        for position, key in enumerate(sink.partition_by or []):
            if key == EVENT_DATE and key not in columns:
                continue
            if key not in columns:
                yield problem(
                    doc,
                    at + ("partition_by", position),
                    f"no column '{key}' in topic '{sink.topic}' (declared: {_names(declared)}; or 'event_date')",
                )
            elif sd.parsed_type(columns[key].type).is_complex:
                yield problem(doc, at + ("partition_by", position), f"partition columns must be primitive; '{key}' is {columns[key].type}")
        if keys and all(c.name in keys for c in declared):
            yield problem(doc, at + ("partition_by",), "at least one declared column must stay outside the partition columns")
        derived = EVENT_DATE in keys and EVENT_DATE not in columns
        if sink.event_time is not None:
            column = columns.get(sink.event_time)
            if column is None:
                yield problem(doc, at + ("event_time",), f"no column '{sink.event_time}' in topic '{sink.topic}' (declared: {_names(declared)})")
            elif sd.parsed_type(column.type).name not in ("timestamp", "date"):
                yield problem(doc, at + ("event_time",), f"'{sink.event_time}' is {column.type}; event_time must be a timestamp or date column")
            elif not derived:
                yield problem(
                    doc,
                    at + ("event_time",),
                    "event_time sets the derived event_date partition, which this sink does not use "
                    "(parquet with 'event_date' in partition_by)",
                )
        for position, name in enumerate(sink.required):
            if name not in columns:
                yield problem(doc, at + ("required", position), f"no column '{name}' in topic '{sink.topic}' (declared: {_names(declared)})")


def _glue_prefix_overlap(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """A job owns '<sink>/' in the domain bucket; Firehose sinks must stay out of it."""
    for entry in _sinks(index, GLUE):
        folder = f"{entry.spec.name}/"
        for other in index.all("sinks"):
            if other.domain is not entry.domain or getattr(other.spec, "kind", None) != "s3":
                continue
            for field, value in zip(("prefix", "error_prefix"), s3_prefixes(other.spec)):
                static = firehose_prefix.static_part(value)
                if static.startswith(folder) or folder.startswith(static):
                    yield problem(
                        entry.domain.doc,
                        entry.loc + ("name",),
                        f"the job's folder '{folder}' overlaps sink '{other.spec.name}' {field} '{static}' in the same bucket; "
                        "rename one of the sinks",
                    )


# --- Redshift ---------------------------------------------------------------------


def _redshift_sinks(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    env = loaded.env
    for entry in _sinks(index, REDSHIFT):
        sink, doc, domain = entry.spec, entry.domain.doc, entry.domain.spec.domain
        at = entry.loc
        kind, key = sink.target
        target = sd.redshift_target(env, sink)
        if target is None:
            known = ", ".join(sorted(getattr(env.redshift, f"{kind}s"))) or "none declared"
            yield problem(doc, at + (kind,), f"no Redshift {kind} '{key}' in env.yaml redshift.{kind}s ({known})")
            continue
        if kind == "cluster" and target.admin_secret_arn is None and getattr(target, "db_user", None) is None:
            yield problem(
                doc,
                at + (kind,),
                f"cluster '{key}' has neither admin_secret_arn nor db_user in env.yaml; the Data API needs one to run the view SQL",
            )
        message = name_problem("IAM role", sd.redshift_role_name(namer, domain, kind, key))
        if message:
            yield problem(doc, at + ("name",), message)
        topic = index.get("topics", domain, sink.topic)
        if topic is None:
            continue
        platform = topic.spec.platform
        source_name = (
            namer.kafka_topic(topic.domain.spec.domain, topic.spec.name)
            if platform == "msk"
            else namer.stream(topic.domain.spec.domain, topic.spec.name)
        )
        if len(source_name.encode("utf-8")) > limits.REDSHIFT_IDENTIFIER_MAX:
            yield problem(
                doc,
                at + ("topic",),
                f"'{source_name}' is {len(source_name)} characters; Redshift identifiers are at most "
                f"{limits.REDSHIFT_IDENTIFIER_MAX} (shorten the topic name)",
            )
            continue
        if source_name != source_name.lower():
            yield problem(
                doc,
                at + ("topic",),
                f"Redshift folds identifiers to lowercase, so '{source_name}' cannot be read by name; "
                "give the topic a lowercase name",
            )
        declared = _declared(topic)
        by_name = {c.name: c for c in declared}
        for position, name in enumerate(sink.columns or []):
            if name not in by_name:
                yield problem(doc, at + ("columns", position), f"no column '{name}' in topic '{sink.topic}' (declared: {_names(declared)})")
        chosen = [by_name[n] for n in sink.columns if n in by_name] if sink.columns is not None else declared
        reserved = redshift_sql.reserved_columns(platform)
        for column in chosen:
            if column.name in reserved:
                yield problem(
                    doc,
                    at + (("columns",) if sink.columns is not None else ("topic",)),
                    f"column '{column.name}' would collide with the view's own '{column.name}' column "
                    f"({'metadata of the stream' if column.name != redshift_sql.PAYLOAD_COLUMN else 'the parsed record'}); "
                    "leave it out with columns: [...]",
                )
            try:
                redshift_sql.redshift_type(sd.parsed_type(column.type))
            except redshift_sql.UnsupportedType as exc:
                position = declared.index(column)
                yield problem(
                    topic.domain.doc,
                    topic.loc + ("schema", "columns", position, "type"),
                    f"{exc} (a redshift sink reads this topic; or leave the column out of the sink's columns)",
                )


def _redshift_views(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """Unique views per target, one view per stream (AWS advice), definitions that fit CALL."""
    views: dict[tuple[Any, ...], Entry[Any]] = {}
    streams: dict[tuple[Any, ...], Entry[Any]] = {}
    for entry in _sinks(index, REDSHIFT):
        sink, domain = entry.spec, entry.domain.spec.domain
        if sd.redshift_target(loaded.env, sink) is None:
            continue
        schema, view = sd.redshift_schema(sink, domain), sd.redshift_view(sink)
        key = (*sink.target, schema, view)
        if key in views:
            first = views[key]
            yield problem(
                entry.domain.doc,
                entry.loc + ("view",),
                f"view {schema}.{view} in {sink.target[0]} {sink.target[1]} is also created by sink "
                f"{first.domain.spec.domain}/{first.spec.name}",
            )
        views.setdefault(key, entry)
        topic = index.get("topics", domain, sink.topic)
        if topic is None:
            continue
        source = (*sink.target, topic.domain.spec.domain, topic.spec.name)
        if source in streams:
            first = streams[source]
            yield problem(
                entry.domain.doc,
                entry.loc + ("topic",),
                f"sink {first.domain.spec.domain}/{first.spec.name} already reads this topic into {sink.target[0]} "
                f"{sink.target[1]}; AWS advises one streaming view per stream (build other views on that one)",
                severity="warning",
            )
        streams.setdefault(source, entry)
        yield from _definition_size(entry, topic, schema, view, namer)


def _definition_size(entry: Entry[Any], topic: Entry[Any], schema: str, view: str, namer: Namer) -> Iterator[Problem]:
    declared = _declared(topic)
    by_name = {c.name: c for c in declared}
    chosen = [by_name[n] for n in entry.spec.columns if n in by_name] if entry.spec.columns is not None else declared
    owner, platform = topic.domain.spec.domain, topic.spec.platform
    source = namer.kafka_topic(owner, topic.spec.name) if platform == "msk" else namer.stream(owner, topic.spec.name)
    external = sd.redshift_external_schema(entry.domain.spec.domain, platform, getattr(topic.spec, "cluster", None))
    try:
        columns = [redshift_sql.ViewColumn(c.name, sd.parsed_type(c.type), sd.column_path(c)) for c in chosen]
        ddl = redshift_sql.view_definition(schema, view, platform, external, source, columns, entry.spec.auto_refresh)
    except ValueError:
        return  # an unsupported type or a name Redshift cannot take, reported above
    size = len(ddl.encode("utf-8")) + ddl.count("'")
    if size > limits.REDSHIFT_LITERAL_MAX:
        yield problem(
            entry.domain.doc,
            entry.loc + ("columns",),
            f"the view definition is about {size} bytes; the view helper takes at most {limits.REDSHIFT_LITERAL_MAX} "
            "(select fewer columns with columns: [...])",
        )


def _redshift_targets(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """Role quota per target; workgroup roles the namespace's owner still has to associate."""
    env, doc = loaded.env, loaded.env_doc
    domains: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entry in _sinks(index, REDSHIFT):
        if sd.redshift_target(env, entry.spec) is not None:
            domains[entry.spec.target][entry.domain.spec.domain].append(entry.spec.name)
    for (kind, key), by_domain in sorted(domains.items()):
        target = sd.redshift_target_by_key(env, kind, key)
        assert target is not None
        where = ("redshift", f"{kind}s", key)
        roles = {namer.role_arn(sd.redshift_role_name(namer, d, kind, key)) for d in by_domain}
        total = len(roles | set(target.iam_role_arns))
        if total > limits.REDSHIFT_IAM_ROLES_PER_TARGET:
            yield problem(
                doc,
                where,
                f"{total} IAM roles would be associated ({len(roles)} for streaming ingestion); "
                f"Redshift allows {limits.REDSHIFT_IAM_ROLES_PER_TARGET}",
            )
        if kind != "workgroup":
            continue
        for domain, sinks in sorted(by_domain.items()):
            arn = namer.role_arn(sd.redshift_role_name(namer, domain, kind, key))
            if arn not in target.iam_role_arns:
                yield problem(
                    doc,
                    where + ("iam_role_arns",),
                    f"namespace '{target.namespace}' must have role {arn} associated before the views of "
                    f"{', '.join(f'{domain}/{s}' for s in sorted(sinks))} can be created: apply the shared root "
                    "(it creates the role), add the role to the namespace's iam_roles, then list it here; "
                    "until then those views are not generated",
                    severity="warning",
                )


RULES = (_glue_sinks, _glue_prefix_overlap, _redshift_sinks, _redshift_views, _redshift_targets)

__all__ = ["RULES"]
