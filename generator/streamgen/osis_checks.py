"""Whole-catalog checks of OpenSearch Ingestion sinks (``kind: opensearch, via: ingestion``).

References (topics of one platform and cluster, an env.yaml target), sizing,
final names, and finally the generated pipeline body itself: every sink that
passes the other checks is drafted exactly as it will be generated and the
body is checked the way OpenSearch Ingestion would (:mod:`streamgen.osis_body`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import decisions, firehose_prefix, osis_body, osis_index, osis_plan
from .errors import Problem
from .index import CatalogIndex, Entry
from .load import Loaded, field_path
from .naming import Namer, name_problem
from .spec.sinks import sink_tag
from .workspace import Workspace
from .yamlsrc import Document, Loc

TAG = "opensearch/ingestion"
_PLATFORM = {"msk": "an MSK topic", "kinesis": "a Kinesis topic"}


def _problem(doc: Document, loc: Loc, message: str, severity: str = "error") -> Problem:
    path, shown = field_path(doc.data, loc)
    return Problem(doc.display, doc.line(path), shown, message, severity)


def _sinks(index: CatalogIndex) -> list[Entry[Any]]:
    return [e for e in index.all("sinks") if sink_tag(e.spec) == TAG]


def _topic_locs(sink: Any) -> list[Loc]:
    return [("topics", i) for i in range(len(sink.topics))] if sink.topics else [("topic",)]


def reference_problems(loaded: Loaded, index: CatalogIndex, entry: Entry[Any]) -> list[Problem]:
    """What keeps this sink from being drafted (missing topics are reported by checks._topic_refs)."""
    sink, doc, domain, env = entry.spec, entry.domain.doc, entry.domain.spec.domain, loaded.env
    here = entry.loc
    found: list[Problem] = []
    topics = [(loc, ref, index.get("topics", domain, ref)) for loc, ref in zip(_topic_locs(sink), sink.topic_refs)]
    if any(t is None for _, _, t in topics):
        return [Problem(doc.display, 0, "", "unresolved topic", "skip")]
    first_loc, first_ref, first = topics[0]
    for loc, ref, topic in topics[1:]:
        if topic.spec.platform != first.spec.platform:
            found.append(_problem(doc, here + loc, f"'{ref}' is {_PLATFORM[topic.spec.platform]} but '{first_ref}' is "
                                  f"{_PLATFORM[first.spec.platform]}; a pipeline reads one platform (split the sink)"))
        elif topic.spec.platform == "msk" and topic.spec.cluster != first.spec.cluster:
            found.append(_problem(doc, here + loc, f"'{ref}' is on MSK cluster '{topic.spec.cluster}' but '{first_ref}' "
                                  f"is on '{first.spec.cluster}'; a pipeline reads one cluster (split the sink)"))
    platform = first.spec.platform
    if platform == "msk":
        cluster = env.msk_clusters.get(first.spec.cluster)
        if cluster is None:
            found.append(Problem(doc.display, 0, "", "unknown cluster", "skip"))  # checks._msk_cluster_refs says it
        elif cluster.type == "serverless":
            found.append(_problem(doc, here + first_loc, f"'{first_ref}' is on MSK Serverless cluster '{first.spec.cluster}'; "
                                  "OpenSearch Ingestion reads provisioned MSK clusters only"))
        with_registry = [ref for _, ref, t in topics if t.spec.schema_ and t.spec.schema_.registry]
        if with_registry and len(with_registry) != len(topics):
            loc = next(loc for loc, ref, _ in topics if ref not in with_registry)
            ref = next(ref for _, ref, _ in topics if ref not in with_registry)
            found.append(_problem(doc, here + loc, f"'{with_registry[0]}' is decoded by the Glue Schema Registry but '{ref}' "
                                  "is not; the registry is set per pipeline (split the sink)"))
        if with_registry and "record_format" in sink.model_fields_set:
            found.append(_problem(doc, here + ("record_format",), "the Glue Schema Registry decodes these records; "
                                  "record_format does not apply"))
        if sink.kinesis is not None:
            found.append(_problem(doc, here + ("kinesis",), "kinesis options tune Kinesis consumers; these are MSK topics (use consumer)"))
    else:
        for loc, ref, topic in topics:
            if topic.spec.schema_ and topic.spec.schema_.registry:
                found.append(_problem(doc, here + loc, f"'{ref}' is decoded by the Glue Schema Registry; "
                                      "the kinesis source cannot read registry-encoded records"))
        if sink.consumer is not None:
            found.append(_problem(doc, here + ("consumer",), "consumer tunes Kafka consumers; these are Kinesis topics (use kinesis)"))
    if sink.domain is not None and sink.domain not in env.opensearch.domains:
        known = ", ".join(sorted(env.opensearch.domains)) or "none declared"
        found.append(_problem(doc, here + ("domain",), f"no OpenSearch domain '{sink.domain}' in env.yaml opensearch.domains ({known})"))
    if sink.collection is not None and sink.collection not in env.opensearch.collections:
        known = ", ".join(sorted(env.opensearch.collections)) or "none declared"
        found.append(_problem(doc, here + ("collection",), f"no OpenSearch Serverless collection '{sink.collection}' "
                              f"in env.yaml opensearch.collections ({known})"))
    return found


def _pipelines(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    env = loaded.env
    for entry in _sinks(index):
        sink, doc, domain = entry.spec, entry.domain.doc, entry.domain.spec.domain
        blocking = reference_problems(loaded, index, entry)
        yield from (p for p in blocking if p.severity != "skip")
        for what, value in (
            ("OpenSearch Ingestion pipeline", namer.pipeline(domain, sink.name)),
            ("IAM role", namer.role(domain, sink.name, "osis")),
        ):
            message = name_problem(what, value)
            if message:
                yield _problem(doc, entry.loc + ("name",), message)
        if sink.persistent_buffer:
            yield _problem(doc, entry.loc + ("persistent_buffer",), "AWS documents persistent buffering for push-based "
                           "sources; Kafka and Kinesis keep unread records themselves, so check the pipeline accepts it", "warning")
        if blocking:
            continue
        topics = [osis_plan.source_topic(env, namer, index.get("topics", domain, ref)) for ref in sink.topic_refs]
        yield from _index_and_fields(entry, topics)
        sized = osis_plan.units(sink, env, entry.qualified, topics)
        if sized.problem:
            override = env.overrides.sinks.get(entry.qualified)
            if sink.units is not None:
                yield _problem(doc, entry.loc + ("units",), sized.problem[1])
            elif override is not None:
                yield _problem(loaded.env_doc, ("overrides", "sinks", entry.qualified, "units"), sized.problem[1])
            continue
        draft = osis_plan.draft(env, namer, index, entry)
        for message in osis_body.problems(draft.body, draft.min_units, draft.max_units):
            yield _problem(doc, entry.loc + ("name",), f"generated pipeline body: {message}")


def _index_and_fields(entry: Entry[Any], topics: list[osis_plan.SourceTopic]) -> Iterator[Problem]:
    sink, doc = entry.spec, entry.domain.doc
    parts, _ = osis_index.parse(sink.index)
    if osis_index.uses_topic(parts):
        for t in topics:
            if t.final_name != t.final_name.lower():
                yield _problem(doc, entry.loc + ("index",), f"{{topic}} becomes '{t.final_name}' for '{t.qualified}', "
                               "but index names are lowercase")
    # the document id must exist in the declared records (unless a step reshapes them)
    if sink.document_id and not any(step.name == "parse_json" for step in sink.processors):
        added = {k for step in sink.processors if step.name == "add_entries" for k in step.options.entries}
        for t in topics:
            if not t.columns or sink.document_id in added:
                continue
            if not any(sink.document_id == c or sink.document_id.startswith(c + ".") for c in t.columns):
                yield _problem(doc, entry.loc + ("document_id",), f"'{sink.document_id}' is not a column of topic "
                               f"'{t.qualified}' (columns: {', '.join(t.columns)})")


def _overrides(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for key, override in loaded.env.overrides.sinks.items():
        entry = index.entries["sinks"].get(tuple(key.split("/", 1)))  # type: ignore[arg-type]
        if entry is None:
            continue  # checks._overrides reports it
        ingestion = sink_tag(entry.spec) == TAG
        if override.units is not None and not ingestion:
            yield _problem(loaded.env_doc, ("overrides", "sinks", key, "units"), "units size OpenSearch Ingestion sinks; "
                           f"'{key}' is a {sink_tag(entry.spec)} sink")
        if override.buffering is not None and ingestion:
            yield _problem(loaded.env_doc, ("overrides", "sinks", key, "buffering"), "buffering tunes Firehose sinks; "
                           f"'{key}' is an OpenSearch Ingestion sink (size it with units)")


def _dlq_overlap(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """The DLQ prefix '<sink>/dlq/' shares the domain bucket with S3 sinks' prefixes."""
    for entry in _sinks(index):
        dlq = f"{entry.spec.name}/dlq/"
        for other in index.all("sinks"):
            if other.domain is not entry.domain or getattr(other.spec, "kind", None) != "s3":
                continue
            for field, value in zip(("prefix", "error_prefix"), decisions.s3_prefixes(other.spec)):
                static = firehose_prefix.static_part(value)
                if static.startswith(dlq) or dlq.startswith(static):
                    yield _problem(entry.domain.doc, other.loc + (field,), f"'{static}' overlaps the dead-letter "
                                   f"prefix '{dlq}' of sink '{entry.spec.name}' in the same bucket; give each sink its own folder")


RULES = (_pipelines, _overrides, _dlq_overlap)
