"""Checks that need the whole catalog: references, uniqueness, final names, quotas.

Each check is a small generator of problems; ``check`` runs them all so a
user sees every problem of a merge request at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from . import firehose_checks, firehose_decisions, firehose_prefix, limits, logging_checks, msk_checks, osis_checks
from .errors import Problem
from .index import CatalogIndex, Entry
from .load import Loaded, field_path
from .naming import Namer, name_problem
from .spec.sinks import sink_tag, sink_topics
from .decisions import kinesis_shards
from .workspace import Workspace
from .yamlsrc import Document, Loc


def problem(doc: Document, loc: Loc, message: str, severity: str = "error") -> Problem:
    path, shown = field_path(doc.data, loc)
    return Problem(doc.display, doc.line(path), shown, message, severity)


def namer_for(loaded: Loaded) -> Namer:
    env = loaded.env
    return Namer(env.name_prefix, env.account_id, env.region)


def check(loaded: Loaded, ws: Workspace) -> list[Problem]:
    index = CatalogIndex(loaded)
    namer = namer_for(loaded)
    from . import streaming_checks  # imports this module

    found: list[Problem] = []
    for rule in (
        _environment,
        _domain_files,
        _duplicates,
        _topic_refs,
        _msk_cluster_refs,
        _sink_sources,
        _transform_refs,
        _final_names,
        _overrides,
        _shard_quota,
        _s3_prefix_overlap,
        *osis_checks.RULES,
        *firehose_checks.RULES,
        logging_checks.check,
        *streaming_checks.RULES,
        *msk_checks.RULES,
    ):
        found.extend(rule(loaded, index, namer, ws))
    return found


def _environment(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    env, doc = loaded.env, loaded.env_doc
    # KMS keys are regional: a stream or bucket cannot use another Region's key
    for purpose in ("data", "logs"):
        arn = getattr(env.kms, purpose)
        if arn and arn.split(":")[3] != env.region:
            yield problem(doc, ("kms", purpose), f"key is in {arn.split(':')[3]}, but the environment is in {env.region}")
    for name, value in (("access log bucket", namer.shared_bucket("access-logs")),):
        message = name_problem("S3 bucket", value)
        if message:
            yield problem(doc, ("name_prefix",), f"{name}: {message}")


def _domain_files(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    seen: dict[str, Document] = {}
    env_tag_keys = set(loaded.env.tags)
    for domain in loaded.domains:
        doc, name = domain.doc, domain.spec.domain
        if domain.doc.path.stem != name:
            yield problem(doc, ("domain",), f"domain '{name}' must be declared in catalog/{name}.yaml")
        if name in seen:
            yield problem(doc, ("domain",), f"domain '{name}' is also declared in {seen[name].display}")
        seen.setdefault(name, doc)
        for key in sorted(set(domain.spec.tags) & env_tag_keys):
            yield problem(doc, ("tags", key), f"'{key}' is a mandatory tag set by env.yaml; a domain cannot change it")
        message = name_problem("S3 bucket", namer.bucket(name))
        if message:
            yield problem(doc, ("domain",), message)


def _duplicates(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in index.duplicates:
        first = index.entries[entry.section][(entry.domain.spec.domain, entry.spec.name)]
        yield problem(
            entry.domain.doc,
            entry.loc + ("name",),
            f"'{entry.spec.name}' is declared twice in {entry.section} (first at line {first.line})",
        )


def _topic_refs(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in index.all("sinks"):
        for loc, ref in sink_topics(entry.spec):
            if index.get("topics", entry.domain.spec.domain, ref) is None:
                yield problem(entry.domain.doc, entry.loc + loc, f"no topic '{ref}' in the catalog{_known(index, 'topics', entry)}")


def _msk_cluster_refs(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    clusters = loaded.env.msk_clusters
    for entry in index.all("topics"):
        if entry.spec.platform == "msk" and entry.spec.cluster not in clusters:
            known = ", ".join(sorted(clusters)) or "none declared"
            yield problem(
                entry.domain.doc,
                entry.loc + ("cluster",),
                f"no MSK cluster '{entry.spec.cluster}' in env.yaml msk_clusters ({known})",
            )


# Sink kinds (kind/via) and the topic platforms they can read.
SINK_SOURCES: dict[str, set[str]] = {
    "s3/firehose": {"kinesis"},
    "opensearch/ingestion": {"kinesis", "msk"},
}
SINK_SOURCES["s3/firehose"] = {"kinesis", "msk"}
SINK_SOURCES["opensearch/firehose"] = {"kinesis", "msk"}
SINK_SOURCES["redshift/firehose"] = {"kinesis", "msk"}
SINK_SOURCES["http/firehose"] = {"kinesis", "msk"}
SINK_SOURCES["glue/streaming"] = {"kinesis", "msk"}
SINK_SOURCES["redshift/streaming"] = {"kinesis", "msk"}


def _sink_sources(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in index.all("sinks"):
        tag = sink_tag(entry.spec)
        for loc, ref in sink_topics(entry.spec):
            topic = index.get("topics", entry.domain.spec.domain, ref)
            if topic is None or tag not in SINK_SOURCES:
                continue
            if topic.spec.platform not in SINK_SOURCES[tag]:
                readable = " or ".join(sorted(SINK_SOURCES[tag]))
                yield problem(
                    entry.domain.doc,
                    entry.loc + loc,
                    f"'{ref}' is a {topic.spec.platform} topic; {tag} sinks read {readable} topics",
                )


def _transform_refs(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in index.all("transforms"):
        folder = ws.lambda_src_dir / entry.spec.source
        if not (folder / "app.py").is_file():
            available = sorted(p.parent.name for p in ws.lambda_src_dir.glob("*/app.py"))
            yield problem(
                entry.domain.doc,
                entry.loc + ("source",),
                f"lambda_src/{entry.spec.source}/app.py does not exist (available: {', '.join(available) or 'none'})",
            )
    for entry in index.all("sinks"):
        use = getattr(entry.spec, "transform", None)
        if use is not None and (entry.domain.spec.domain, use.name) not in index.entries["transforms"]:
            yield problem(
                entry.domain.doc,
                entry.loc + ("transform",),
                f"no transform '{use.name}' in this domain{_known(index, 'transforms', entry)}",
            )


def _known(index: CatalogIndex, section: str, entry: Entry[Any]) -> str:
    names = sorted(n for (d, n) in index.entries[section] if d == entry.domain.spec.domain)
    return f" (this domain has: {', '.join(names)})" if names else ""


def _final_names(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in index.all("topics"):
        domain = entry.domain.spec.domain
        if entry.spec.platform == "msk":
            kafka_name = namer.kafka_topic(domain, entry.spec.name)
            message = name_problem("Kafka topic", kafka_name)
        else:
            message = name_problem("Kinesis stream", namer.stream(domain, entry.spec.name))
        if message:
            yield problem(entry.domain.doc, entry.loc + ("name",), message)
    for entry in index.all("transforms"):
        domain, name = entry.domain.spec.domain, entry.spec.name
        for what, value in (("Lambda function", namer.function(domain, name)), ("IAM role", namer.role(domain, name, "lambda"))):
            message = name_problem(what, value)
            if message:
                yield problem(entry.domain.doc, entry.loc + ("name",), message)
    for entry in index.all("sinks"):
        if sink_tag(entry.spec) in ("opensearch/ingestion", "glue/streaming", "redshift/streaming"):
            continue  # no delivery stream; osis_checks / streaming_checks check their names
        domain, name = entry.domain.spec.domain, entry.spec.name
        for what, value in (
            ("Firehose delivery stream", namer.delivery_stream(domain, name)),
            ("IAM role", namer.role(domain, name, "firehose")),
        ):
            message = name_problem(what, value)
            if message:
                yield problem(entry.domain.doc, entry.loc + ("name",), message)


def _overrides(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    doc = loaded.env_doc
    for section in ("topics", "sinks"):
        for key in getattr(loaded.env.overrides, section):
            domain, _, name = key.partition("/")
            if (domain, name) not in index.entries[section]:
                yield problem(doc, ("overrides", section, key), f"no {section[:-1]} '{key}' in the catalog")
    for key, override in loaded.env.overrides.topics.items():
        entry = index.entries["topics"].get(tuple(key.split("/", 1)))  # type: ignore[arg-type]
        if entry is None:
            continue
        if entry.spec.platform != "kinesis":
            yield problem(doc, ("overrides", "topics", key), "topic overrides size Kinesis streams; this is an MSK topic")
            continue
        mode = override.mode or entry.spec.mode or loaded.env.defaults.kinesis.mode
        if override.shards is not None and mode == "on_demand":
            yield problem(doc, ("overrides", "topics", key, "shards"), "on_demand streams take no shard count")


def _shard_quota(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    total, single = 0, False
    for entry in index.all("topics"):
        if entry.spec.platform != "kinesis":
            continue
        sizing = kinesis_shards(entry.spec, loaded.env, entry.qualified)
        if sizing.shards is None:
            continue
        total += sizing.shards
        if sizing.shards > loaded.env.quotas.kinesis_shards:
            single = True
            yield problem(
                entry.domain.doc,
                entry.loc + (("throughput",) if entry.spec.throughput else ("name",)),
                f"needs {sizing.shards} shards ({sizing.note}); the account quota is "
                f"{loaded.env.quotas.kinesis_shards} (raise quotas.kinesis_shards after AWS raises it)",
            )
    if total > loaded.env.quotas.kinesis_shards and not single:
        yield problem(
            loaded.env_doc,
            ("quotas",),
            f"provisioned streams need {total} shards in total; the account quota is {loaded.env.quotas.kinesis_shards}",
        )


def _s3_prefix_overlap(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """Two sinks writing under the same static prefix would mix (and share IAM scope)."""
    by_bucket: dict[str, list[tuple[str, Entry[Any], str]]] = defaultdict(list)
    for entry in firehose_checks.firehose_sinks(index):
        for location in firehose_decisions.locations(entry.spec):
            for field, value in ((location.field, location.prefix), (location.error_field, location.error_prefix)):
                if value is not None:
                    by_bucket[entry.domain.spec.domain].append((field, entry, firehose_prefix.static_part(value)))
    for claims in by_bucket.values():
        for i, j in _prefix_pairs([static for _, _, static in claims]):
            field_a, entry_a, static_a = claims[i]
            field_b, entry_b, static_b = claims[j]
            if entry_a is not entry_b:
                yield problem(
                    entry_b.domain.doc,
                    entry_b.loc + field_b,
                    f"'{static_b}' overlaps sink '{entry_a.spec.name}' {'.'.join(field_a)} '{static_a}' in the same bucket; "
                    "give each sink its own folder",
                )


def _prefix_pairs(prefixes: list[str]) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, where one prefix starts with the other,
    in the order a nested loop would find them.

    Sorted, every string that starts with ``p`` follows ``p`` directly, so a
    stack of the prefixes still open finds all pairs in O(n log n + pairs)
    instead of comparing every pair (a domain may have thousands of sinks).
    """
    pairs: list[tuple[int, int]] = []
    open_: list[int] = []
    for j in sorted(range(len(prefixes)), key=lambda k: (prefixes[k], k)):
        current = prefixes[j]
        while open_ and not current.startswith(prefixes[open_[-1]]):
            open_.pop()
        pairs.extend((min(i, j), max(i, j)) for i in open_)
        open_.append(j)
    return sorted(pairs)
