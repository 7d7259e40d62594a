"""``kind: opensearch, via: ingestion``: an OpenSearch Ingestion (OSIS) pipeline.

The pipeline reads up to four topics of one platform (Kafka topics of one MSK
cluster, or Kinesis streams), runs the declared processors and indexes the
records into an OpenSearch domain or serverless collection from env.yaml.
Records it cannot index go to the domain's S3 bucket (dead-letter queue).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from .. import limits, osis_index
from ..secrets import plaintext_secret_keys
from .base import FieldError, Spec, pattern_type
from .env import IngestionUnits
from .names import ResourceName, TopicRef

# A record field: 'order_id', 'customer.id' or '@timestamp' (dots separate levels).
FieldPath = pattern_type(
    r"[A-Za-z_@][A-Za-z0-9_@-]*(?:\.[A-Za-z_@][A-Za-z0-9_@-]*)*",
    "must be a field name, with '.' between nested levels (e.g. 'customer.id')",
)
KafkaGroupId = pattern_type(r"[a-zA-Z0-9._-]{1,255}", "must be 1-255 letters, digits, '.', '_' or '-'")
TargetName = pattern_type(r"[a-z][a-z0-9-]{0,62}", "must be a name from env.yaml opensearch (lowercase letters, digits, '-')")
TimeZone = pattern_type(r"[A-Za-z]+(?:/[A-Za-z0-9_+-]+)*|[+-]\d{2}:\d{2}", "must be an IANA time zone such as 'Europe/Berlin'")
Scalar = Annotated[str | int | float | bool, Field(union_mode="left_to_right")]


class DateProcessor(Spec):
    """Sets the event time (``@timestamp`` by default) from a field or the arrival time."""

    key: FieldPath | None = None
    """Field holding the time."""
    patterns: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=10)] = []
    """Java DateTimeFormatter patterns, or epoch_second / epoch_milli / epoch_nano."""
    from_time_received: bool = False
    """Use the time the pipeline received the record instead of a field."""
    destination: FieldPath = "@timestamp"
    source_timezone: TimeZone | None = None
    """Zone of times without an offset; default UTC."""

    @model_validator(mode="after")
    def _source(self) -> "DateProcessor":
        if self.from_time_received and self.key is not None:
            raise FieldError("key", "set either key (with patterns) or from_time_received, not both")
        if not self.from_time_received and self.key is None:
            raise FieldError("key", "required: the field holding the time (or from_time_received: true)")
        if self.key is not None and not self.patterns:
            raise FieldError("patterns", "list the formats of the time, e.g. [epoch_milli] or [\"yyyy-MM-dd'T'HH:mm:ssX\"]")
        if self.from_time_received and self.patterns:
            raise FieldError("patterns", "patterns describe a key; from_time_received takes none")
        return self


class ParseJsonProcessor(Spec):
    """Parses a JSON string field (e.g. a plaintext record) into the event."""

    source: FieldPath = "message"
    """Field with the JSON text; plaintext records arrive in 'message'."""
    destination: FieldPath | None = None
    """Where to put the parsed object; default: the event root."""
    pointer: Annotated[str, Field(pattern=r"^/[A-Za-z0-9_@/.-]*$")] | None = None
    """JSON pointer to parse only part of the document."""


class DeleteEntriesProcessor(Spec):
    """Drops fields (secrets, bulky internals) before indexing."""

    with_keys: Annotated[list[FieldPath], Field(min_length=1, max_length=100)]

    @field_validator("with_keys")
    @classmethod
    def _unique(cls, keys: list[str]) -> list[str]:
        if len(set(keys)) != len(keys):
            raise ValueError("contains duplicates")
        return keys


class AddEntriesProcessor(Spec):
    """Adds constant fields (origin, environment, ...) to every event."""

    entries: Annotated[dict[FieldPath, Scalar], Field(min_length=1, max_length=50)]
    """Field -> value. Never a secret: the values are indexed and readable by everyone with index access."""
    overwrite_if_key_exists: bool = False

    @model_validator(mode="after")
    def _no_secrets(self) -> "AddEntriesProcessor":
        leaked = plaintext_secret_keys(self.entries)
        if leaked:
            raise FieldError(
                "entries",
                f"{', '.join(leaked)} looks like a plaintext secret; a pipeline body is readable by everyone "
                "who can describe the pipeline, and the value would be indexed: drop it",
            )
        return self


PROCESSORS = ("add_entries", "date", "delete_entries", "parse_json")


class ProcessorStep(Spec):
    """One processor, named by its key: ``- date: {...}``."""

    add_entries: AddEntriesProcessor | None = None
    date: DateProcessor | None = None
    delete_entries: DeleteEntriesProcessor | None = None
    parse_json: ParseJsonProcessor | None = None

    model_config = Spec.model_config | {"json_schema_extra": {"minProperties": 1, "maxProperties": 1}}

    @model_validator(mode="before")
    @classmethod
    def _one_processor(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for key in data:
            if key not in PROCESSORS:
                raise FieldError(str(key), f"unknown processor '{key}' (supported: {', '.join(PROCESSORS)})")
        if len(data) != 1:
            raise ValueError(f"a step names exactly one processor; this one names {len(data)} ({', '.join(data)})")
        # `- parse_json:` with no options means the defaults
        return {key: ({} if value is None else value) for key, value in data.items()}

    @property
    def name(self) -> str:
        return next(p for p in PROCESSORS if getattr(self, p) is not None)

    @property
    def options(self) -> Any:
        return getattr(self, self.name)


class KafkaConsumer(Spec):
    """Kafka consumer tuning (MSK topics only)."""

    group_id: KafkaGroupId | None = None
    """Consumer group; default: the pipeline name (IAM is scoped to this group)."""
    workers: Annotated[int, Field(ge=limits.OSIS_KAFKA_WORKERS[0], le=limits.OSIS_KAFKA_WORKERS[1])] | None = None
    """Consumer threads per topic and OCU (Data Prepper default 2)."""
    max_poll_records: Annotated[int, Field(ge=1, le=10_000)] | None = None
    """Records per poll (Kafka max.poll.records; default 500)."""
    fetch_max_wait_ms: Annotated[int, Field(ge=1, le=60_000)] | None = None
    """Longest wait of a fetch for fetch.min.bytes (default 500 ms)."""
    session_timeout_s: Annotated[int, Field(ge=6, le=1800)] | None = None
    """Time without heartbeats before the group rebalances (default 45 s)."""


class KinesisConsumer(Spec):
    """Kinesis consumer tuning (Kinesis topics only)."""

    consumer_strategy: Literal["fan-out", "polling"] = "fan-out"
    """fan-out: enhanced fan-out, the pipeline's own 2 MB/s per shard; polling: shares read throughput."""


# Not derived from sinks.SinkBase: that requires one `topic` (this kind reads up
# to four), and sinks.py imports this module to register it; the common fields
# (name, topic, description, allow_destroy) are declared here the same way.
class OpenSearchIngestionSink(Spec):
    """An OpenSearch Ingestion pipeline: topics -> processors -> OpenSearch index (DLQ to S3)."""

    name: ResourceName
    """Becomes the pipeline name '<prefix>-<domain>-<name>' (at most 28 characters)."""
    kind: Literal["opensearch"]
    via: Literal["ingestion"] = "ingestion"
    topic: TopicRef | None = None
    """Topic to read: 'name' in this domain or 'domain/name'; or list several in topics."""
    topics: list[TopicRef] = []
    """Up to 4 topics of one platform (Kafka topics of one MSK cluster, or Kinesis streams)."""
    description: str | None = None
    allow_destroy: bool = False
    """Accepted for symmetry with other sinks; a pipeline holds no data of its own."""
    domain: TargetName | None = None
    """OpenSearch domain to write to: a key of env.yaml opensearch.domains."""
    collection: TargetName | None = None
    """OpenSearch Serverless collection to write to: a key of env.yaml opensearch.collections."""
    index: Annotated[str, Field(min_length=1, max_length=300)]
    """Index name; {topic}, a %{yyyy.MM.dd} suffix and ${/field} placeholders, e.g. '{topic}-%{yyyy.MM.dd}'."""
    document_id: FieldPath | None = None
    """Field whose value becomes the document _id (upserts instead of duplicates on replay)."""
    record_format: Literal["json", "plaintext"] = "json"
    """json: records are JSON objects; plaintext: the record lands in 'message' (add a parse_json step)."""
    start_from: Literal["earliest", "latest"] = "earliest"
    """Where a new pipeline starts reading: the oldest retained record or only new ones."""
    consumer: KafkaConsumer | None = None
    kinesis: KinesisConsumer | None = None
    processors: Annotated[list[ProcessorStep], Field(max_length=limits.OSIS_MAX_PROCESSORS)] = []
    """Applied in order: date, parse_json, delete_entries, add_entries."""
    units: IngestionUnits | None = None
    """Capacity in OCUs; default min from env.yaml defaults.ingestion, max from the partition count."""
    persistent_buffer: bool = False
    """Keep in-flight data in a disk-based, multi-AZ buffer (encrypted with the environment's key)."""
    max_retries: Annotated[int, Field(ge=limits.OSIS_MIN_SINK_RETRIES, le=1000)] = limits.OSIS_MIN_SINK_RETRIES
    """Bulk retries before a document goes to the dead-letter queue (OpenSearch Ingestion requires >= 16)."""

    @field_validator("topics")
    @classmethod
    def _topic_limit(cls, topics: list[str]) -> list[str]:
        if len(topics) > limits.OSIS_MAX_TOPICS:
            raise ValueError(
                f"an OpenSearch Ingestion pipeline reads at most {limits.OSIS_MAX_TOPICS} topics; "
                f"{len(topics)} given (split them across sinks)"
            )
        duplicates = sorted({t for t in topics if topics.count(t) > 1})
        if duplicates:
            raise ValueError(f"'{duplicates[0]}' is listed twice")
        return topics

    @field_validator("index")
    @classmethod
    def _index(cls, index: str) -> str:
        _, problems = osis_index.parse(index)
        if problems:
            raise ValueError("; ".join(problems))
        return index

    @model_validator(mode="after")
    def _shape(self) -> "OpenSearchIngestionSink":
        if self.topic is not None and self.topics:
            raise FieldError("topics", "set either topic or topics, not both")
        if self.topic is None and not self.topics:
            raise FieldError("topic", "required field is missing (or list up to 4 in topics)")
        if self.domain is not None and self.collection is not None:
            raise FieldError("collection", "set either domain or collection, not both")
        if self.domain is None and self.collection is None:
            raise FieldError("domain", "required: the target, a domain or a collection from env.yaml opensearch")
        return self

    @property
    def topic_refs(self) -> list[str]:
        return [self.topic] if self.topic is not None else list(self.topics)
