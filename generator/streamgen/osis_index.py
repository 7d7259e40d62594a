"""Index names of OpenSearch Ingestion sinks: the catalog's template language.

A catalog index is literal text with placeholders:

- ``{topic}``: the name of the topic the record came from (the Kafka topic
  '<domain>.<name>' or the Kinesis stream name), so one sink reading several
  topics writes one index per topic;
- ``%{yyyy.MM.dd}``: a Java date-time pattern of the UTC time, only as the
  suffix and never finer than an hour (Data Prepper's own rules);
- ``${/field}`` or ``${field.sub}``: a value of the record.

It becomes Data Prepper's index format (``{topic}`` turns into
``${getMetadata("kafka_topic")}`` or ``${getMetadata("kinesis_stream_name")}``),
and the static parts give the index patterns IAM and the serverless data
access policy are scoped to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import limits

_TOKEN = re.compile(r"\{topic\}|%\{[^{}]*\}|\$\{[^{}]*\}")
_FIELD = re.compile(r"/?[A-Za-z_@][A-Za-z0-9_@-]*(?:[./][A-Za-z_@][A-Za-z0-9_@-]*)*")
# Date-time letters at least an hour coarse; Data Prepper refuses m, s, S, A, n, N.
_DATE_PATTERN = re.compile(r"[yYuMLdDHkKhwWqQeEa.\-_]+")
_STATIC = re.compile(r"[a-z0-9._+-]*")
# Where the topic name comes from, per source plugin.
TOPIC_METADATA = {"kafka": "kafka_topic", "kinesis": "kinesis_stream_name"}


@dataclass(frozen=True)
class Part:
    kind: str  # text | topic | date | field
    value: str  # literal text, the date pattern, or the field as a JSON pointer


def parse(template: str) -> tuple[list[Part], list[str]]:
    """Split an index template into parts; the second item lists what is wrong."""
    parts: list[Part] = []
    problems: list[str] = []
    position = 0
    for match in _TOKEN.finditer(template):
        if match.start() > position:
            parts.append(Part("text", template[position : match.start()]))
        token = match.group()
        if token == "{topic}":
            parts.append(Part("topic", ""))
        elif token.startswith("%{"):
            parts.append(Part("date", token[2:-1]))
        else:
            inner = token[2:-1]
            if not _FIELD.fullmatch(inner):
                problems.append(f"'{token}': a field placeholder is ${{/path/to/field}} or ${{field.sub}}")
                inner = "invalid"
            pointer = inner if inner.startswith("/") else "/" + inner.replace(".", "/")
            parts.append(Part("field", pointer))
        position = match.end()
    if position < len(template):
        parts.append(Part("text", template[position:]))
    problems += _rules(template, parts)
    return parts, problems


def _rules(template: str, parts: list[Part]) -> list[str]:
    problems = []
    for part in parts:
        if part.kind != "text":
            continue
        if re.search(r"[{}$%]", part.value):
            problems.append(f"'{part.value}': placeholders are {{topic}}, %{{date pattern}} and ${{/field}}")
        elif not _STATIC.fullmatch(part.value):
            bad = "".join(sorted({c for c in part.value if not _STATIC.fullmatch(c)}))
            problems.append(
                f"index names are lowercase letters, digits and . _ + -; '{bad}' is not allowed"
            )
    dates = [p for p in parts if p.kind == "date"]
    if len(dates) > 1:
        problems.append("an index takes one %{date pattern} (Data Prepper allows only one)")
    if dates:
        if parts[-1].kind != "date":
            problems.append("the %{date pattern} must end the index (Data Prepper allows it only as a suffix)")
        if not _DATE_PATTERN.fullmatch(dates[0].value):
            problems.append(
                f"%{{{dates[0].value}}}: use date letters no finer than an hour (y, M, d, H, w, ...) and . _ -"
            )
    if parts and parts[0].kind == "text" and parts[0].value[:1] in ("-", "_", "+", "."):
        problems.append("an index name cannot start with '-', '_', '+' or '.'")
    if not parts:
        problems.append("index must not be empty")
    static = sum(len(p.value.encode()) for p in parts if p.kind == "text")
    if static > limits.OPENSEARCH_INDEX_NAME_MAX_BYTES:
        problems.append(f"index is longer than {limits.OPENSEARCH_INDEX_NAME_MAX_BYTES} bytes")
    return problems


def data_prepper(parts: list[Part], source: str) -> str:
    """The index option of Data Prepper's opensearch sink."""
    out = []
    for part in parts:
        if part.kind == "text":
            out.append(part.value)
        elif part.kind == "topic":
            out.append(f'${{getMetadata("{TOPIC_METADATA[source]}")}}')
        elif part.kind == "date":
            out.append(f"%{{{part.value}}}")
        else:
            out.append(f"${{{part.value}}}")
    return "".join(out)


def patterns(parts: list[Part], topic_names: list[str]) -> list[str]:
    """Index patterns the sink writes to: the static head of each index, then '*'.

    ``{topic}`` is known (one pattern per topic); a record field or the date
    ends the static head. Used to scope write permissions.
    """
    heads = [""]
    for part in parts:
        if part.kind == "text":
            heads = [h + part.value for h in heads]
        elif part.kind == "topic":
            heads = [h + t for h in heads for t in topic_names]
        else:
            return sorted({h + "*" for h in heads})
    return sorted(set(heads))


def uses_topic(parts: list[Part]) -> bool:
    return any(p.kind == "topic" for p in parts)
