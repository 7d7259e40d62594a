"""``log_sources`` of a domain file: CloudWatch Logs to centralise.

A log source names log groups in one application account (from env.yaml
``accounts``) and how their events are filtered and decoded. streamgen
subscribes the groups to a destination of their own in the logging account
(env.yaml ``central_logging``), which feeds a Kinesis stream, a Firehose
delivery stream into the central bucket, and an Athena table.

Decoding, per source:

- ``native`` (default without enrichment): Firehose's own ``Decompression``
  and ``CloudWatchLogProcessing`` processors write the raw messages, one per
  line; no Lambda.
- ``lambda``: the decoder in ``lambda_src/cw_logs_decoder`` writes enriched
  JSON lines (the event with its log group, stream and account, plus
  ``fields``) or, with ``output: raw``, the messages.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from .. import limits
from .base import FieldError, Spec, pattern_type
from .env import AccountName, Buffering, StreamMode
from .names import Region, ResourceName
from .schema import ColumnName, RecordSchema

LogGroupName = pattern_type(
    r"[.\-_/#A-Za-z0-9]{1,512}",
    "must be a log group name: 1-512 letters, digits, '.', '-', '_', '/' or '#' (the name, not its ARN)",
)
DecodeMode = Literal["native", "lambda"]
OutputFormat = Literal["raw", "json"]

# What the decoder writes on every JSON line, and the table's partition column.
RESERVED_FIELDS = ("timestamp", "id", "message", "log_group", "log_stream", "account_id", "subscription_filters", "dt")


def filter_pattern_problem(pattern: str) -> str | None:
    """A structural problem of a CloudWatch Logs filter pattern, or None.

    Checks what can be checked without AWS: the length limit, and that
    quotes, ``%regex%`` and ``{}``/``[]`` groups are closed. The full grammar
    is left to CloudWatch Logs.
    """
    if len(pattern) > limits.LOG_FILTER_PATTERN_MAX:
        return f"is {len(pattern)} characters; CloudWatch Logs allows {limits.LOG_FILTER_PATTERN_MAX}"
    closing = {"{": "}", "[": "]"}
    stack: list[str] = []
    quote: str | None = None  # '"' or '%' while inside a quoted string or a regex
    escaped = False
    for char in pattern:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
            continue
        if char in ('"', "%"):
            quote = char
        elif char in closing:
            stack.append(closing[char])
        elif char in ("}", "]"):
            if not stack or stack.pop() != char:
                return f"has an unexpected '{char}'"
    if quote:
        return "has an unterminated quoted string" if quote == '"' else "has an unterminated %regex%"
    if stack:
        return f"is missing a closing '{stack[-1]}'"
    return None


def _filter_pattern(value: str) -> str:
    found = filter_pattern_problem(value)
    if found:
        raise ValueError(found)
    return value


FilterPattern = Annotated[str, AfterValidator(_filter_pattern), Field(json_schema_extra={"maxLength": limits.LOG_FILTER_PATTERN_MAX})]
FieldValue = Annotated[str, Field(max_length=256)]


class LogStreamSizing(Spec):
    """The Kinesis stream between the destination and Firehose; defaults from env.yaml defaults.kinesis."""

    mode: StreamMode | None = None
    shards: Annotated[int, Field(ge=1, le=limits.KINESIS_DEFAULT_SHARD_QUOTA)] | None = None
    retention_hours: Annotated[int, Field(ge=limits.KINESIS_RETENTION_HOURS[0], le=limits.KINESIS_RETENTION_HOURS[1])] | None = None

    @model_validator(mode="after")
    def _shards(self) -> "LogStreamSizing":
        if self.shards is not None and self.mode == "on_demand":
            raise FieldError("shards", "on_demand streams scale by themselves and take no shard count")
        return self


class LogSource(Spec):
    """Log groups of one application account, centralised into the logging account."""

    name: ResourceName
    account: AccountName
    """Key of the application account in env.yaml ``accounts``."""
    region: Region | None = None
    """Region of the log groups; default the environment's. Must be the destination's Region."""
    log_groups: Annotated[list[LogGroupName], Field(min_length=1, max_length=100)]
    """Existing log groups of the account (names, not ARNs)."""
    filter_pattern: FilterPattern = ""
    """CloudWatch Logs filter pattern (at most 1024 characters); empty sends every event."""
    decode: DecodeMode | None = None
    """native (Firehose processors) or lambda (the decoder); default: lambda for JSON output, else native."""
    output: OutputFormat | None = None
    """raw messages, one per line, or json (enriched lines, needs decode: lambda); default: json with decode lambda or fields, else raw."""
    fields: Annotated[dict[ColumnName, FieldValue], Field(max_length=20)] = {}
    """Constant fields added to every JSON line (and table columns), e.g. {service: checkout}."""
    schema_: RecordSchema | None = Field(default=None, alias="schema")
    """Columns of the messages when they are JSON (raw output); without it the table has one 'message' column."""
    stream: LogStreamSizing | None = None
    buffering: Buffering | None = None
    """Firehose delivery buffering; default from env.yaml defaults.firehose.buffering."""
    description: str | None = None
    allow_destroy: bool = False
    """Let the plan gate accept deleting or replacing this source's stream and delivery stream."""

    model_config = Spec.model_config | {"populate_by_name": True}

    @field_validator("log_groups")
    @classmethod
    def _unique_groups(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for name in value:
            if name in seen:
                raise ValueError(f"'{name}' is listed twice")
            seen.add(name)
        return value

    @field_validator("fields")
    @classmethod
    def _reserved(cls, value: dict[str, str]) -> dict[str, str]:
        taken = sorted(set(value) & set(RESERVED_FIELDS))
        if taken:
            raise ValueError(f"{', '.join(taken)}: reserved for what the decoder writes ({', '.join(RESERVED_FIELDS)})")
        return value

    @property
    def output_format(self) -> str:
        if self.output is not None:
            return self.output
        return "json" if (self.decode == "lambda" or self.fields) else "raw"

    @property
    def decode_mode(self) -> str:
        if self.decode is not None:
            return self.decode
        return "lambda" if self.output_format == "json" else "native"

    @model_validator(mode="after")
    def _decoding(self) -> "LogSource":
        if self.decode == "native" and self.output == "json":
            raise FieldError("output", "enriched JSON needs the decoder Lambda (decode: lambda); native decoding writes the raw messages")
        if self.decode == "native" and self.fields:
            raise FieldError("fields", "fields are added by the decoder Lambda; native decoding cannot enrich (use decode: lambda)")
        if self.output == "raw" and self.fields:
            raise FieldError("fields", "fields enrich JSON lines; with output: raw the messages are written as they are")
        if self.schema_ is not None and self.output_format == "json":
            raise FieldError("schema", "the JSON output has a fixed layout (timestamp, id, message, log_group, ...); schema describes raw JSON messages")
        if self.schema_ is not None and not self.schema_.columns:
            raise FieldError("schema", "list the columns of the messages (a registry reference cannot describe log lines)")
        return self
