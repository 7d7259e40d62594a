"""Sink kinds. A sink reads one topic and delivers it to a target.

``kind`` names the target; ``via`` names the engine where a target can be
reached several ways (OpenSearch through Firehose or OpenSearch Ingestion).
Each kind is its own model, joined in the ``Sink`` union at the bottom.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from .. import firehose_prefix, limits
from .base import FieldError, Spec, pattern_type, tagged_union
from .env import Buffering
from .names import ResourceName, TopicRef

Compression = Literal["GZIP", "UNCOMPRESSED", "Snappy", "ZIP", "HADOOP_SNAPPY"]
FileExtension = pattern_type(
    r"\.[0-9a-z!\-_.*'()]{1,127}", "must start with '.' and use lowercase letters, digits or !-_.*'()"
)


class TransformUse(Spec):
    """A transform with Firehose processor tuning."""

    name: ResourceName
    buffer_size_mb: Annotated[
        float, Field(ge=limits.FIREHOSE_PROCESSOR_BUFFER_MB[0], le=limits.FIREHOSE_PROCESSOR_BUFFER_MB[1])
    ] | None = None
    """Data handed to one Lambda invocation (0.2-3 MB; Firehose default 1 MB)."""
    buffer_interval_s: Annotated[
        int, Field(ge=limits.FIREHOSE_PROCESSOR_BUFFER_SECONDS[0], le=limits.FIREHOSE_PROCESSOR_BUFFER_SECONDS[1])
    ] | None = None
    """Longest wait before invoking (60-900 s; Firehose default 60 s)."""


def _transform_shorthand(value: Any) -> Any:
    # `transform: normalize` is short for `transform: {name: normalize}`
    return {"name": value} if isinstance(value, str) else value


TransformRef = Annotated[
    TransformUse, BeforeValidator(_transform_shorthand, json_schema_input_type=str | TransformUse)
]


class SinkBase(Spec):
    name: ResourceName
    topic: TopicRef
    """Topic to read: 'name' in this domain or 'domain/name'."""
    description: str | None = None
    allow_destroy: bool = False
    """Let the plan gate accept deleting or replacing this sink's stateful resources."""


class S3Sink(SinkBase):
    """Firehose delivery stream into the domain's S3 bucket."""

    kind: Literal["s3"]
    via: Literal["firehose"] = "firehose"
    transform: TransformRef | None = None
    """Transform (Lambda processor) applied before delivery."""
    buffering: Buffering | None = None
    """Default from env.yaml defaults.firehose.buffering."""
    prefix: Annotated[str, Field(min_length=1)] | None = None
    """S3 key prefix; default '<sink>/data/!{timestamp:yyyy/MM/dd}/'."""
    error_prefix: Annotated[str, Field(min_length=1)] | None = None
    """Prefix for failed records; default '<sink>/errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/'."""
    compression: Compression = "GZIP"
    file_extension: FileExtension | None = None

    @model_validator(mode="after")
    def _prefixes(self) -> "S3Sink":
        for field, value, is_error in (("prefix", self.prefix, False), ("error_prefix", self.error_prefix, True)):
            if value is None:
                continue
            found = firehose_prefix.problems(value, error_prefix=is_error)
            if found:
                raise FieldError(field, "; ".join(found))
        return self


# Own module; it re-declares the common fields (it reads up to 4 topics) so it
# does not import this module back.
from .opensearch_ingestion import OpenSearchIngestionSink  # noqa: E402

# The engine used when a sink does not say `via`.
DEFAULT_VIA = {"s3": "firehose"}

# "<kind>/<via>" -> model. Each sink kind registers here.
SINK_KINDS: dict[str, type[SinkBase]] = {
    "s3/firehose": S3Sink,
    "opensearch/ingestion": OpenSearchIngestionSink,  # type: ignore[dict-item]
}


def sink_topics(sink: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(field loc within the sink, topic ref) of every topic a sink reads."""
    topics = getattr(sink, "topics", None)
    if topics:
        return [(("topics", i), ref) for i, ref in enumerate(topics)]
    topic = getattr(sink, "topic", None)
    return [(("topic",), topic)] if topic is not None else []


def sink_tag(value: Any) -> str | None:
    """'<kind>/<via>' of a raw or validated sink (via defaulted per kind)."""
    get = value.get if isinstance(value, dict) else lambda key, default=None: getattr(value, key, default)
    kind, via = get("kind"), get("via")
    if not isinstance(kind, str):
        return None
    via = via or DEFAULT_VIA.get(kind)
    return f"{kind}/{via}"


def _choices() -> str:
    kinds: dict[str, list[str]] = {}
    for tag in SINK_KINDS:
        kind, via = tag.split("/")
        kinds.setdefault(kind, []).append(via)
    return "; ".join(f"{kind} (via: {' or '.join(vias)})" for kind, vias in kinds.items())


Sink = tagged_union("kind", SINK_KINDS, pick=sink_tag, message=f"kind/via must be one of: {_choices()}")
