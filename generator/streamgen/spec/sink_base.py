"""What every sink kind shares: its name, the topic it reads, transforms.

Kept apart from :mod:`streamgen.spec.sinks` (the registry) so per-kind
modules can derive from :class:`SinkBase` and the registry can import them.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .. import limits
from .base import Spec
from .names import ResourceName, TopicRef


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
