"""Change safety at validate time: refuse changes AWS can only make by
replacing a stateful resource (losing its data), unless the catalog allows it.

Every generation records its stateful resources in
``environments/<env>/generated/stateful.json`` (committed with the rest of the
generated files): which catalog entry owns each one, whether that entry allows
destroying it, and the attributes AWS cannot change in place. The next
``validate``/``generate`` compares the catalog with that record:

- an attribute in ``REPLACED_WHEN_CHANGED`` changed (a stream renamed by a new
  name prefix, a delivery stream reading another topic, a Kafka topic's
  replication factor) or one in ``NEVER_DECREASES`` went down (Kafka
  partitions): error, unless the entry said ``allow_destroy: true`` already in
  the previous generation and still does;
- a protected entry disappeared (removed or renamed): error, unless the record
  says it allowed destruction when last generated.

Destroying protected data therefore takes two changes, like AWS's own deletion
protection: first ``allow_destroy: true`` alone (generate, apply), then the
removal or the replacing change. The plan gate applies the same rule to the
deployed state.

The record's ``allow_destroy`` also reaches Terraform as the root output
``stateful_resources``, which the plan gate (:mod:`streamgen.plangate`) reads
from the plan, for what is really deployed.

Kinds register what AWS replaces them for in :data:`REPLACED_WHEN_CHANGED`
and :data:`NEVER_DECREASES` (by resolved-model class name). Components with a
``protected`` attribute are recorded even when their kind registers nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from .errors import Problem
from .model import Component, Resolved

RECORD_NAME = "stateful.json"
FORMAT = 1

# class name -> [(attribute path on the component, or a function of it; what it is; catalog field or None)]
Spec = tuple[str | Callable[[Any], Any], str, str | None]


def _firehose_source(c: Any) -> str:
    if c.kinesis_source is not None:
        return c.kinesis_source.arn
    if c.msk_source is not None:
        return c.msk_source.topic.arn
    return "Direct PUT"


def _opensearch_vpc(attr: str) -> Callable[[Any], Any]:
    def value(c: Any) -> Any:
        target = c.opensearch
        return sorted(getattr(target, attr)) if target is not None and target.vpc_id else None

    return value


REPLACED_WHEN_CHANGED: dict[str, list[Spec]] = {
    "Stream": [("full_name", "stream name", None)],
    "KafkaTopic": [
        ("kafka_name", "Kafka topic name", None),
        ("cluster.arn", "MSK cluster", "cluster"),
        ("replication_factor", "replication factor", "replication_factor"),
    ],
    "Bucket": [("bucket", "bucket name", None)],
    # Firehose: name, destination, source and an OpenSearch VPC's network are ForceNew
    "DeliveryStream": [
        ("full_name", "delivery stream name", None),
        ("destination", "destination type", "kind"),
        (_firehose_source, "source", "topic"),
        (_opensearch_vpc("subnet_ids"), "OpenSearch VPC subnets", None),
        (_opensearch_vpc("security_group_ids"), "OpenSearch VPC security groups", None),
    ],
}
NEVER_DECREASES: dict[str, list[Spec]] = {
    "KafkaTopic": [("partitions", "partition count", "partitions")],
}
# kind label and catalog list, from the module-name prefix (naming.tf_id)
_KINDS = {"topic": ("topic", "topics"), "sink": ("sink", "sinks"), "ingestion": ("sink", "sinks"), "bucket": ("bucket", None)}


def record_path(env: str) -> str:
    return f"environments/{env}/generated/{RECORD_NAME}"


@dataclass(frozen=True)
class Tracked:
    """One stateful component as recorded."""

    key: str  # "<root>/<module id>"
    kind: str
    entry: str  # "domain/name"
    origin: str  # "file:line"
    field: str  # catalog location, "topics[orders]"
    allow_destroy: bool
    replaced_when_changed: dict[str, Any]
    never_decreases: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "entry": self.entry,
            "origin": self.origin,
            "field": self.field,
            "allow_destroy": self.allow_destroy,
            "replaced_when_changed": self.replaced_when_changed,
            "never_decreases": self.never_decreases,
        }

    @classmethod
    def from_json(cls, key: str, data: dict[str, Any]) -> "Tracked":
        return cls(
            key,
            str(data.get("kind", "resource")),
            str(data.get("entry", key)),
            str(data.get("origin", "")),
            str(data.get("field", "")),
            bool(data.get("allow_destroy", False)),
            dict(data.get("replaced_when_changed") or {}),
            dict(data.get("never_decreases") or {}),
        )


def _value(component: Any, path: str | Callable[[Any], Any]) -> Any:
    if callable(path):
        return path(component)
    value = component
    for part in path.split("."):
        value = getattr(value, part)
    return value


def kind_of(component: Component) -> tuple[str, str]:
    """(kind label, catalog location) of a component."""
    prefix = component.tf_id.split("_", 1)[0]
    label, collection = _KINDS.get(prefix, (prefix, None))
    field = f"{collection}[{component.name}]" if collection else label
    return label, field


def stateful_components(resolved: Resolved) -> list[Component]:
    found: dict[tuple[str, str], Component] = {}
    for root in resolved.roots:
        for component in root.protected:
            found[(component.root, component.tf_id)] = component
    for topic in resolved.kafka_topics:  # rendered in their own roots
        found.setdefault((topic.root, topic.tf_id), topic)
    return [found[k] for k in sorted(found)]


def track(component: Component) -> Tracked:
    kind, field = kind_of(component)
    cls = type(component).__name__
    entry = f"{component.domain}/{component.name}" if component.domain else component.name
    return Tracked(
        key=f"{component.root}/{component.tf_id}",
        kind=kind,
        entry=entry,
        origin=str(component.origin),
        field=field,
        allow_destroy=not getattr(component, "protected", True),
        replaced_when_changed={label: _value(component, path) for path, label, _ in REPLACED_WHEN_CHANGED.get(cls, [])},
        never_decreases={label: _value(component, path) for path, label, _ in NEVER_DECREASES.get(cls, [])},
    )


def tracked(resolved: Resolved) -> dict[str, Tracked]:
    return {t.key: t for t in map(track, stateful_components(resolved))}


def render_record(resolved: Resolved) -> str:
    """The text of ``stateful.json`` (deterministic)."""
    data = {
        "_comment": (
            f"Code generated by streamgen for environment {resolved.env}; DO NOT EDIT. Stateful resources as last "
            "generated: validate/generate refuse changes that would replace or remove them unless the catalog "
            "allows it (see docs/architecture.md, Change safety)."
        ),
        "format": FORMAT,
        "resources": {key: t.to_json() for key, t in sorted(tracked(resolved).items())},
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_record(text: str) -> dict[str, Tracked]:
    data = json.loads(text)
    if data.get("format") != FORMAT:
        return {}
    return {key: Tracked.from_json(key, value) for key, value in (data.get("resources") or {}).items()}


def _location(origin: str) -> tuple[str, int]:
    file, _, line = origin.rpartition(":")
    return (file, int(line)) if file and line.isdigit() else (origin, 0)


def _field_label(resolved_cls_fields: list[Spec], label: str, base: str) -> str:
    for _, known, catalog_field in resolved_cls_fields:
        if known == label and catalog_field:
            return f"{base}.{catalog_field}"
    return base


def compare(
    previous: dict[str, Tracked], current: dict[str, Tracked], classes: dict[str, str], roots: set[str]
) -> list[Problem]:
    """Problems for changes the previous record does not allow.

    ``classes`` maps a current key to its model class name (to name catalog
    fields); ``roots`` are the roots generated now.
    """
    problems = []
    for key, old in sorted(previous.items()):
        new = current.get(key)
        if new is None:
            file, line = _location(old.origin)
            declared = f" (declared at line {line} when last generated)" if line else ""
            root = key.rsplit("/", 1)[0]
            if root not in roots:
                # No plan ever runs for a vanished root: nothing is destroyed, it is orphaned.
                problems.append(Problem(file, line, old.field, (
                    f"{old.kind} {old.entry} would stay deployed but unmanaged: its whole root {root} was removed. "
                    "Remove the domain's entries first (keep its file; allow_destroy: true where protected) so the "
                    f"plan destroys them, then remove the file{declared}"
                )))
                continue
            if old.allow_destroy:
                continue
            what = "was removed or renamed, which destroys it and its data"
            if "[" in old.field:
                remedy = "restore it, set allow_destroy: true and apply, then remove it"
            else:
                remedy = (f"a {old.kind} has no allow_destroy: retire it by hand (empty it, remove it from the "
                          f"Terraform state) and delete its record from {RECORD_NAME} in this change")
            problems.append(Problem(file, line, old.field, f"{old.kind} {old.entry} {what}; it is protected: {remedy}{declared}"))
            continue
        if old.allow_destroy and new.allow_destroy:
            continue
        file, line = _location(new.origin)
        if "[" not in new.field:  # not a catalog entry: nothing to set
            remedy = (f"A {new.kind} has no allow_destroy: keep what names it, or retire it by hand (empty it, remove "
                      f"it from the Terraform state) and delete its record from {RECORD_NAME} in this change")
        elif new.allow_destroy:  # set in this very change: it must be in force (applied) first
            remedy = ("allow_destroy: true is new in this change; generate and apply it on its own first, "
                      "then make this change")
        else:
            remedy = "Set allow_destroy: true on it (generate and apply), then make this change"
        specs = REPLACED_WHEN_CHANGED.get(classes.get(key, ""), [])
        for label, before in sorted(old.replaced_when_changed.items()):
            after = new.replaced_when_changed.get(label, before)
            if after != before:
                problems.append(Problem(
                    file, line, _field_label(specs, label, new.field),
                    f"the {label} would change from {before} to {after}; AWS replaces the {new.kind} for that, "
                    f"losing its data. {remedy}",
                ))
        monotonic = NEVER_DECREASES.get(classes.get(key, ""), [])
        for label, before in sorted(old.never_decreases.items()):
            after = new.never_decreases.get(label, before)
            if isinstance(before, (int, float)) and isinstance(after, (int, float)) and after < before:
                problems.append(Problem(
                    file, line, _field_label(monotonic, label, new.field),
                    f"the {label} would decrease from {before} to {after}; it can only grow in place, so the "
                    f"{new.kind} would be replaced, losing its data. {remedy}",
                ))
    return problems


def check(resolved: Resolved, previous_text: str | None) -> list[Problem]:
    """Compare a resolved model with the last generated record (None: first generation)."""
    if not previous_text:
        return []
    try:
        previous = load_record(previous_text)
    except (json.JSONDecodeError, AttributeError):
        return [Problem(record_path(resolved.env), 0, "", "is not valid JSON; restore it from version control")]
    components = stateful_components(resolved)
    classes = {f"{c.root}/{c.tf_id}": type(c).__name__ for c in components}
    roots = {root.path for root in resolved.roots} | {c.root for c in components}
    return compare(previous, tracked(resolved), classes, roots)


def output_value(components: list[Component], entry_allows_destroy: dict[str, bool]) -> dict[str, dict[str, Any]]:
    """The ``stateful_resources`` root output: module id -> owner and allow_destroy.

    Every module is listed: a twin-protected component decides by its own
    flag; the others (Glue tables, pipelines ...) by the catalog entry that
    declared them (same origin); environment-level ones are never destroyable.
    """
    out = {}
    for component in sorted(components, key=lambda c: c.tf_id):
        kind, _ = kind_of(component)
        protected = getattr(component, "protected", None)
        allowed = (not protected) if protected is not None else entry_allows_destroy.get(str(component.origin), False)
        out[component.tf_id] = {
            "kind": kind,
            "entry": f"{component.domain}/{component.name}" if component.domain else component.name,
            "origin": str(component.origin),
            "allow_destroy": allowed,
        }
    return out
