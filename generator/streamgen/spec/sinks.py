"""Sink kinds. A sink reads one topic and delivers it to a target.

``kind`` names the target; ``via`` names the engine where a target can be
reached several ways (OpenSearch through Firehose or OpenSearch Ingestion).
Each kind is its own model, joined in the ``Sink`` union at the bottom.
"""

from __future__ import annotations

from typing import Any

from .base import tagged_union
from .firehose import Compression, FileExtension, HttpSink, OpenSearchSink, RedshiftFirehoseSink, S3Sink
from .sink_base import SinkBase, TransformRef, TransformUse

__all__ = ["Compression", "FileExtension", "S3Sink", "SinkBase", "TransformRef", "TransformUse"]


# Own module; it re-declares the common fields (it reads up to 4 topics) so it
# does not import this module back.
from .opensearch_ingestion import OpenSearchIngestionSink  # noqa: E402
# Kinds in their own modules import SinkBase from here, so they come after it.
from .glue import GlueStreamingSink  # noqa: E402
from .redshift import RedshiftStreamingSink  # noqa: E402

# The engine used when a sink does not say `via`.
DEFAULT_VIA = {"s3": "firehose"}
DEFAULT_VIA["opensearch"] = "firehose"
DEFAULT_VIA["http"] = "firehose"
DEFAULT_VIA["glue"] = "streaming"
DEFAULT_VIA["redshift"] = "streaming"

# "<kind>/<via>" -> model. Each sink kind registers here.
SINK_KINDS: dict[str, type[SinkBase]] = {
    "s3/firehose": S3Sink,
    "opensearch/ingestion": OpenSearchIngestionSink,  # type: ignore[dict-item]
}
SINK_KINDS["opensearch/firehose"] = OpenSearchSink
SINK_KINDS["redshift/firehose"] = RedshiftFirehoseSink
SINK_KINDS["http/firehose"] = HttpSink
SINK_KINDS["glue/streaming"] = GlueStreamingSink
SINK_KINDS["redshift/streaming"] = RedshiftStreamingSink


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
