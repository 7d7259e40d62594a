"""``connectors:`` in a domain file: MSK Connect connectors.

Connectors are not sinks: a sink connector reads MSK topics and delivers them
(S3, OpenSearch, EventBridge); a source connector writes MSK topics from a
database (Debezium CDC, JDBC). Each kind is its own model; what a kind turns
into (class, plugin, required keys, defaults) lives in
:mod:`streamgen.connect_kinds`.

Passwords never appear here: a connector names a secret declared in env.yaml
(``password: {secret: <key>}``), and the worker reads it from Secrets Manager
at runtime through the config provider.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from .. import limits
from ..secrets import is_reference
from .base import FieldError, Spec, pattern_type, tagged_union
from .msk_connect import Key
from .names import ResourceName, TopicRef

Mcu = Literal[limits.MSK_CONNECT_MCU]  # type: ignore[valid-type]
Workers = Annotated[int, Field(ge=limits.MSK_CONNECT_WORKERS[0], le=limits.MSK_CONNECT_WORKERS[1])]
CpuPercent = Annotated[int, Field(ge=1, le=100)]
PropertyKey = pattern_type(r"[a-zA-Z][a-zA-Z0-9._-]{0,254}", "must be a Kafka Connect property name")
PropertyValue = Annotated[str | int | float | bool, Field(union_mode="left_to_right")]
Hostname = pattern_type(r"[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?", "must be a host name")
Port = Annotated[int, Field(ge=1, le=65535)]
DbUser = pattern_type(r"[a-zA-Z_][a-zA-Z0-9_$@.-]{0,62}", "must be a database user name")
JavaClass = pattern_type(r"[a-zA-Z_$][\w$]*(\.[a-zA-Z_$][\w$]*)+", "must be a fully qualified Java class name")


class Autoscaling(Spec):
    """Workers added and removed by CPU utilisation (MSK Connect then also sets tasks.max)."""

    mcu_per_worker: Mcu = 1
    """MSK Connect units per worker: 1, 2, 4 or 8 (1 MCU = 1 vCPU, 4 GiB)."""
    min_workers: Workers = 1
    max_workers: Workers = 2
    scale_in_cpu_percent: CpuPercent = 20
    """Remove a worker below this CPU utilisation."""
    scale_out_cpu_percent: CpuPercent = 80
    """Add a worker above this CPU utilisation."""

    @model_validator(mode="after")
    def _ranges(self) -> "Autoscaling":
        if self.min_workers > self.max_workers:
            raise FieldError("min_workers", f"{self.min_workers} is above max_workers {self.max_workers}")
        if self.scale_in_cpu_percent >= self.scale_out_cpu_percent:
            raise FieldError(
                "scale_in_cpu_percent",
                f"{self.scale_in_cpu_percent} must be below scale_out_cpu_percent {self.scale_out_cpu_percent}",
            )
        return self


class Provisioned(Spec):
    """A fixed number of workers."""

    mcu_per_worker: Mcu = 1
    """MSK Connect units per worker: 1, 2, 4 or 8."""
    workers: Workers = 1


class Capacity(Spec):
    """Either autoscaling or provisioned; neither means autoscaling with its defaults."""

    autoscaling: Autoscaling | None = None
    provisioned: Provisioned | None = None

    @model_validator(mode="after")
    def _one(self) -> "Capacity":
        if self.autoscaling is not None and self.provisioned is not None:
            raise FieldError("provisioned", "set either autoscaling or provisioned, not both")
        return self


class SecretRef(Spec):
    """A value read at runtime from a Secrets Manager secret declared in env.yaml."""

    secret: Key
    """Key of the secret in env.yaml msk_connect.secrets."""
    key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,128}$")] = "password"
    """Field of the secret's JSON document."""


def _no_plaintext(value: Any) -> Any:
    if isinstance(value, str):
        if value and is_reference(value):
            raise ValueError(
                "write {secret: <key of env.yaml msk_connect.secrets>} instead of a reference string, "
                "so the connector's role can be scoped to that secret"
            )
        raise ValueError(
            "a plaintext password is not allowed: store it in Secrets Manager, declare the secret in "
            "env.yaml msk_connect.secrets and write {secret: <key>}"
        )
    return value


Password = Annotated[SecretRef, BeforeValidator(_no_plaintext, json_schema_input_type=SecretRef)]


class ConnectorBase(Spec):
    name: ResourceName
    description: Annotated[str, Field(max_length=1024)] | None = None
    plugin: Key | None = None
    """Key of the custom plugin in env.yaml msk_connect.plugins; default: the one that provides this kind."""
    capacity: Capacity = Capacity()
    tasks_max: Annotated[int, Field(ge=1, le=1000)] | None = None
    """Upper bound of tasks; default per kind: sinks one per partition read, CDC one, JDBC one per table."""
    config: dict[PropertyKey, PropertyValue] = {}
    """Extra connector properties, merged over the kind's defaults. Secrets only as
    ``${secretsmanager:<secret name>:<field>}`` of a secret declared in env.yaml."""
    worker_properties: dict[PropertyKey, PropertyValue] = {}
    """Worker configuration additions (converters, offset.flush.*); authentication is managed."""


class SinkConnectorBase(ConnectorBase):
    topics: Annotated[list[TopicRef], Field(min_length=1)]
    """MSK topics to read: 'name' in this domain or 'domain/name'."""
    dead_letter_topic: TopicRef | None = None
    """MSK topic for records that fail conversion or delivery; without it the connector stops on the first bad record."""

    @model_validator(mode="after")
    def _unique_topics(self) -> "SinkConnectorBase":
        if len(set(self.topics)) != len(self.topics):
            raise FieldError("topics", "contains duplicates")
        if self.dead_letter_topic is not None and self.dead_letter_topic in self.topics:
            raise FieldError("dead_letter_topic", "must not be one of the topics the connector reads")
        return self


ValueConverter = Literal["json", "json-with-schema", "avro-glue"]


class S3SinkConnector(SinkConnectorBase):
    """Confluent S3 sink: topics -> objects in the domain's data bucket (SSE-KMS)."""

    kind: Literal["s3-sink"]
    format: Literal["json", "avro", "parquet"] = "json"
    value_converter: ValueConverter = "json"
    """How record values are read: schemaless JSON, JSON with an embedded schema, or Avro from the Glue Schema Registry."""
    schema_registry: Annotated[str, Field(pattern=r"^[a-zA-Z0-9_.-]{1,255}$")] | None = None
    """Glue Schema Registry name (value_converter avro-glue)."""
    partitioner: Literal["default", "hourly", "daily", "field"] = "hourly"
    """Object layout below topics_dir/<topic>/: Kafka partition, record time (hour or day) or a record field."""
    partition_field: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.]{0,127}$")] | None = None
    """Record field for partitioner: field."""
    flush_size: Annotated[int, Field(ge=1, le=10_000_000)] = 1000
    """Records per object."""
    rotate_interval_ms: Annotated[int, Field(ge=1000)] | None = None
    """Close objects after this much record time even below flush_size (time-based partitioners)."""
    topics_dir: Annotated[str, Field(pattern=r"^[a-zA-Z0-9!_.*'()-]+(/[a-zA-Z0-9!_.*'()-]+)*$", max_length=512)] | None = None
    """Bucket prefix of this connector's objects; default: the connector's name."""
    compression: Literal["none", "gzip", "snappy"] | None = None
    """Default: gzip for JSON, snappy for Avro and Parquet."""

    @model_validator(mode="after")
    def _format(self) -> "S3SinkConnector":
        if self.format in ("avro", "parquet") and self.value_converter == "json":
            raise FieldError(
                "value_converter",
                f"{self.format} output needs records with a schema: use json-with-schema or avro-glue",
            )
        if self.value_converter == "avro-glue" and self.schema_registry is None:
            raise FieldError("schema_registry", "value_converter avro-glue needs the Glue Schema Registry name")
        if self.value_converter != "avro-glue" and self.schema_registry is not None:
            raise FieldError("schema_registry", "only used with value_converter avro-glue")
        if (self.partitioner == "field") != (self.partition_field is not None):
            field = "partition_field" if self.partition_field is not None else "partitioner"
            raise FieldError(field, "partitioner field and partition_field go together")
        if self.format == "json" and self.compression == "snappy":
            raise FieldError("compression", "JSON objects can be gzip or none")
        if self.rotate_interval_ms is not None and self.partitioner not in ("hourly", "daily"):
            raise FieldError("rotate_interval_ms", "needs a time-based partitioner (hourly or daily)")
        return self


IndexName = pattern_type(
    r"[a-z0-9][a-z0-9._-]{0,254}",
    "must be a lowercase OpenSearch index name (letters, digits, '.', '_', '-')",
)


class OpenSearchSinkConnector(SinkConnectorBase):
    """Aiven OpenSearch sink into a domain from env.yaml (HTTPS, fine-grained access control user)."""

    kind: Literal["opensearch-sink"]
    domain: Key
    """Key of the domain in env.yaml opensearch.domains."""
    index: IndexName | None = None
    """Target index for every topic; default: an index per topic, named like the topic."""
    username: DbUser
    """Fine-grained access control user of the domain, mapped to a role limited to the connector's indices."""
    password: Password
    document_id: Literal["kafka-coordinates", "record-key"] = "kafka-coordinates"
    """Document ids from topic+partition+offset (append) or from the record key (upsert, deletes on tombstones)."""
    batch_size: Annotated[int, Field(ge=1, le=10_000)] = 500


class EventBridgeSinkConnector(SinkConnectorBase):
    """AWS EventBridge sink: each record becomes an event on a bus from env.yaml."""

    kind: Literal["eventbridge-sink"]
    event_bus: Key
    """Key of the bus in env.yaml msk_connect.event_buses."""
    detail_type: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    """Event detail-type; default 'kafka-connect-<topic>' (``${topic}`` is replaced)."""


TableName = pattern_type(
    r"[A-Za-z0-9_$]{1,64}\.[A-Za-z0-9_$]{1,64}",
    "must be '<database or schema>.<table>' (letters, digits, '_', '$')",
)


class MySqlDatabase(Spec):
    hostname: Hostname
    port: Port = 3306
    user: DbUser
    password: Password
    server_id: Annotated[int, Field(ge=1, le=2**32 - 1)] | None = None
    """Unique replica id towards MySQL; default derived from the connector's name."""


class PostgresDatabase(Spec):
    hostname: Hostname
    port: Port = 5432
    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")]
    """Database (dbname)."""
    user: DbUser
    password: Password
    slot_name: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,63}$")] | None = None
    """Logical replication slot; default derived from the connector's name."""
    publication_name: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")] | None = None


class DebeziumBase(ConnectorBase):
    tables: Annotated[dict[TableName, TopicRef], Field(min_length=1)]
    """Captured tables and the MSK topic each one's change events go to."""
    snapshot_mode: Literal["initial", "initial_only", "no_data", "when_needed"] = "initial"

    @model_validator(mode="after")
    def _distinct_topics(self) -> "DebeziumBase":
        if len(set(self.tables.values())) != len(self.tables):
            raise FieldError("tables", "each table needs its own topic (change events of one table share a topic)")
        return self


class DebeziumMySqlConnector(DebeziumBase):
    """Debezium MySQL CDC source (binlog); one task; schema history in a Kafka topic."""

    kind: Literal["debezium-mysql"]
    database: MySqlDatabase


class DebeziumPostgresConnector(DebeziumBase):
    """Debezium PostgreSQL CDC source (pgoutput logical decoding); one task."""

    kind: Literal["debezium-postgresql"]
    database: PostgresDatabase


_USERINFO = re.compile(r"//[^/@?;]+:[^/@?;]*@")  # jdbc:mysql://user:secret@host
JdbcUrl = pattern_type(r"jdbc:[a-z0-9]+:[^\s]{1,2000}", "must be a JDBC URL (jdbc:<driver>:...)")


class JdbcConnection(Spec):
    url: JdbcUrl
    user: DbUser
    password: Password

    @model_validator(mode="after")
    def _no_password_in_url(self) -> "JdbcConnection":
        lowered = self.url.lower()
        if any(marker in lowered for marker in ("password=", "pwd=", "passwd=")) or _USERINFO.search(lowered):
            raise FieldError("url", "looks like it carries credentials; pass the password with password: {secret: <key>}")
        return self


class JdbcSourceConnector(ConnectorBase):
    """Confluent JDBC source: polls tables (or one query) into MSK topics."""

    kind: Literal["jdbc-source"]
    connection: JdbcConnection
    mode: Literal["bulk", "incrementing", "timestamp", "timestamp+incrementing"]
    incrementing_column: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$]{0,127}$")] | None = None
    timestamp_column: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$]{0,127}$")] | None = None
    poll_interval_ms: Annotated[int, Field(ge=100)] = 5000
    tables: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_$.]{1,128}$")], TopicRef] = {}
    """Tables and the MSK topic each one goes to."""
    query: Annotated[str, Field(min_length=1, max_length=10_000)] | None = None
    """One query instead of tables (then set topic)."""
    topic: TopicRef | None = None
    """MSK topic of the query's rows."""

    @model_validator(mode="after")
    def _shape(self) -> "JdbcSourceConnector":
        if self.query is None and not self.tables:
            raise FieldError("tables", "set tables, or query and topic")
        if self.query is not None and self.tables:
            raise FieldError("query", "set either tables or query, not both")
        if (self.query is None) != (self.topic is None):
            raise FieldError("topic", "query and topic go together")
        if self.tables and len(set(self.tables.values())) != len(self.tables):
            raise FieldError("tables", "each table needs its own topic")
        if "incrementing" in self.mode and self.incrementing_column is None:
            raise FieldError("incrementing_column", f"mode {self.mode} needs incrementing_column")
        if "timestamp" in self.mode and self.timestamp_column is None:
            raise FieldError("timestamp_column", f"mode {self.mode} needs timestamp_column")
        return self


class CustomConnector(ConnectorBase):
    """Any other connector: its class, its plugin and a raw configuration map."""

    kind: Literal["custom"]
    plugin: Key
    """Key of the custom plugin in env.yaml msk_connect.plugins (required)."""
    connector_class: JavaClass
    reads: list[TopicRef] = []
    """MSK topics it consumes (becomes 'topics'; the role may read them)."""
    writes: list[TopicRef] = []
    """MSK topics it produces to (the role may write them)."""

    @model_validator(mode="after")
    def _topics(self) -> "CustomConnector":
        if not self.reads and not self.writes:
            raise FieldError("reads", "a connector reads or writes at least one MSK topic")
        if self.reads and self.writes:
            raise FieldError("writes", "a connector is a sink (reads) or a source (writes), not both")
        return self


# kind -> model. Each connector kind registers here.
CONNECTOR_KINDS: dict[str, type[ConnectorBase]] = {
    "s3-sink": S3SinkConnector,
    "opensearch-sink": OpenSearchSinkConnector,
    "eventbridge-sink": EventBridgeSinkConnector,
    "debezium-mysql": DebeziumMySqlConnector,
    "debezium-postgresql": DebeziumPostgresConnector,
    "jdbc-source": JdbcSourceConnector,
    "custom": CustomConnector,
}

Connector = tagged_union("kind", CONNECTOR_KINDS)
