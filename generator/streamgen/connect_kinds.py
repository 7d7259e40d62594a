"""What each MSK Connect connector kind becomes: class, direction, required keys,
defaults and the configuration streamgen manages.

The final connector configuration is ``defaults | catalog config | managed``:
defaults can be overridden in the catalog's ``config:``, managed keys cannot
(checks refuse them), and every key in ``required`` is present. Authentication
to the cluster is never part of it: MSK Connect connects with IAM over TLS.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .spec import connectors as spec

IAM_CLIENT = {
    "security.protocol": "SASL_SSL",
    "sasl.mechanism": "AWS_MSK_IAM",
    "sasl.jaas.config": "software.amazon.msk.auth.iam.IAMLoginModule required;",
    "sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
}
STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter"
JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter"
GLUE_AVRO_CONVERTER = "com.amazonaws.services.schemaregistry.kafkaconnect.AWSKafkaAvroConverter"

# Keys nobody sets in the catalog: authentication and TLS towards the cluster
# (MSK Connect uses IAM), and the config provider (the module adds it).
_FORBIDDEN = re.compile(
    r"^((producer|consumer|admin)\.override\.|schema\.history\.internal\.(producer|consumer)\.)?"
    r"(security\.protocol|sasl\..*|ssl\..*)$|^config\.providers(\..*)?$|^config\.action\.reload$"
)


def forbidden_key(key: str) -> bool:
    return bool(_FORBIDDEN.match(key))


@dataclass(frozen=True)
class Inputs:
    """Resolved values a kind's configuration is built from."""

    spec: Any
    full_name: str
    domain: str
    region: str
    bootstrap_servers: str
    read_topics: list[str]  # Kafka names, in catalog order
    write_topics: dict[str, str]  # source table (or "" for a query) -> Kafka name
    dead_letter_topic: str | None
    tasks_max: int
    secret_names: dict[str, str]  # env.yaml secret key -> secret name
    bucket: str | None = None
    bucket_kms_key_arn: str | None = None
    s3_prefix: str | None = None
    opensearch_endpoint: str | None = None
    event_bus_arn: str | None = None

    def secret(self, ref: spec.SecretRef) -> str:
        return f"${{secretsmanager:{self.secret_names[ref.secret]}:{ref.key}}}"


@dataclass(frozen=True)
class Kind:
    name: str
    direction: str  # sink | source
    connector_class: str | None  # None: the catalog gives it (custom)
    required: tuple[str, ...]
    defaults: dict[str, str] = field(default_factory=dict)
    build: Callable[[Inputs], dict[str, str]] = lambda inputs: {}
    internal_topics: Callable[[Inputs], list[str]] = lambda inputs: []
    consumer_groups: Callable[[Inputs], list[str]] = lambda inputs: []


def _converters(value: str, registry: str | None, region: str) -> dict[str, str]:
    out = {"key.converter": STRING_CONVERTER}
    if value == "avro-glue":
        out |= {
            "value.converter": GLUE_AVRO_CONVERTER,
            "value.converter.region": region,
            "value.converter.registry.name": registry or "",
            "value.converter.avroRecordType": "GENERIC_RECORD",
            "value.converter.schemaAutoRegistrationEnabled": "false",
        }
    else:
        out |= {"value.converter": JSON_CONVERTER, "value.converter.schemas.enable": str(value == "json-with-schema").lower()}
    return out


def _sink_common(inputs: Inputs) -> dict[str, str]:
    out = {"topics": ",".join(inputs.read_topics)}
    if inputs.dead_letter_topic:
        out |= {
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": inputs.dead_letter_topic,
            "errors.deadletterqueue.context.headers.enable": "true",
        }
    else:
        out["errors.tolerance"] = "none"
    return out


def java_regex_literal(text: str) -> str:
    """``text`` as a Java regex matching exactly it ('-' needs no escape)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", text)


def _routes(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """RegexRouter transforms sending each source topic to its catalog topic."""
    out: dict[str, str] = {}
    names = []
    for i, (pattern, target) in enumerate(pairs):
        name = f"route{i}"
        names.append(name)
        out |= {
            f"transforms.{name}.type": "org.apache.kafka.connect.transforms.RegexRouter",
            f"transforms.{name}.regex": pattern,
            f"transforms.{name}.replacement": target,
        }
    if names:
        out["transforms"] = ",".join(names)
    return out


# --- sinks ---------------------------------------------------------------------------

_S3_FORMATS = {
    "json": "io.confluent.connect.s3.format.json.JsonFormat",
    "avro": "io.confluent.connect.s3.format.avro.AvroFormat",
    "parquet": "io.confluent.connect.s3.format.parquet.ParquetFormat",
}
_TIME_PARTITIONS = {
    "hourly": ("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", "3600000"),
    "daily": ("'year'=YYYY/'month'=MM/'day'=dd", "86400000"),
}


def _s3(inputs: Inputs) -> dict[str, str]:
    s: spec.S3SinkConnector = inputs.spec
    out = _sink_common(inputs) | _converters(s.value_converter, s.schema_registry, inputs.region)
    out |= {
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "s3.bucket.name": inputs.bucket or "",
        "s3.region": inputs.region,
        "topics.dir": inputs.s3_prefix or "",
        "format.class": _S3_FORMATS[s.format],
        "flush.size": str(s.flush_size),
        "s3.ssea.name": "aws:kms",
        "s3.sse.kms.key.id": inputs.bucket_kms_key_arn or "",
    }
    compression = s.compression or ("gzip" if s.format == "json" else "snappy")
    if s.format == "json":
        out["s3.compression.type"] = compression
    elif s.format == "parquet":
        out["parquet.codec"] = compression
    else:
        out["avro.codec"] = "null" if compression == "none" else ("deflate" if compression == "gzip" else "snappy")
    if s.partitioner == "default":
        out["partitioner.class"] = "io.confluent.connect.storage.partitioner.DefaultPartitioner"
    elif s.partitioner == "field":
        out["partitioner.class"] = "io.confluent.connect.storage.partitioner.FieldPartitioner"
        out["partition.field.name"] = s.partition_field or ""
    else:
        path, duration = _TIME_PARTITIONS[s.partitioner]
        out |= {
            "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
            "path.format": path,
            "partition.duration.ms": duration,
            "timestamp.extractor": "Record",
        }
    if s.rotate_interval_ms is not None:
        out["rotate.interval.ms"] = str(s.rotate_interval_ms)
    return out


def _opensearch(inputs: Inputs) -> dict[str, str]:
    s: spec.OpenSearchSinkConnector = inputs.spec
    by_key = s.document_id == "record-key"
    endpoint = (inputs.opensearch_endpoint or "").rstrip("/")
    if endpoint.count(":") < 2:  # no port given: HTTPS
        endpoint += ":443"
    out = _sink_common(inputs) | _converters("json", None, inputs.region)
    out |= {
        "connector.class": "io.aiven.kafka.connect.opensearch.OpensearchSinkConnector",
        "connection.url": endpoint,
        "connection.username": s.username,
        "connection.password": inputs.secret(s.password),
        "key.ignore": str(not by_key).lower(),
        "schema.ignore": "true",
        "batch.size": str(s.batch_size),
        "index.write.method": "upsert" if by_key else "insert",
        "behavior.on.null.values": "delete" if by_key else "ignore",
    }
    if s.index:
        out |= _routes([(".*", s.index)])
    return out


def _eventbridge(inputs: Inputs) -> dict[str, str]:
    s: spec.EventBridgeSinkConnector = inputs.spec
    out = _sink_common(inputs) | _converters("json", None, inputs.region)
    out |= {
        "connector.class": "software.amazon.event.kafkaconnector.EventBridgeSinkConnector",
        "aws.eventbridge.connector.id": inputs.full_name,
        "aws.eventbridge.eventbus.arn": inputs.event_bus_arn or "",
        "aws.eventbridge.region": inputs.region,
        "aws.eventbridge.detail.types": s.detail_type or "kafka-connect-${topic}",
    }
    return out


def _sink_group(inputs: Inputs) -> list[str]:
    # Sink offsets live in this consumer group; the stable connector name keeps
    # them across a replacement.
    return [f"connect-{inputs.full_name}"]


# --- sources -------------------------------------------------------------------------


def _debezium_common(inputs: Inputs, db: Any) -> dict[str, str]:
    prefix = logical_name(inputs)
    tables = sorted(inputs.write_topics)
    out = {
        "database.hostname": db.hostname,
        "database.port": str(db.port),
        "database.user": db.user,
        "database.password": inputs.secret(db.password),
        "topic.prefix": prefix,
        "table.include.list": ",".join(tables),
        "snapshot.mode": inputs.spec.snapshot_mode,
        "key.converter": JSON_CONVERTER,
        "key.converter.schemas.enable": "false",
        "value.converter": JSON_CONVERTER,
        "value.converter.schemas.enable": "false",
    }
    # Debezium names topics '<prefix>.<schema>.<table>'; route each to its catalog topic.
    out |= _routes([(java_regex_literal(f"{prefix}.{table}"), inputs.write_topics[table]) for table in tables])
    return out


def logical_name(inputs: Inputs) -> str:
    """Debezium's topic.prefix (also the key of its offsets): stable per connector."""
    return f"{inputs.domain}.{inputs.spec.name}"


def schema_history_topic(inputs: Inputs) -> str:
    # starts with '_': never a catalog topic ('<domain>.<name>')
    return f"_{inputs.domain}.{inputs.spec.name}.schema-history"


def _mysql(inputs: Inputs) -> dict[str, str]:
    s: spec.DebeziumMySqlConnector = inputs.spec
    out = _debezium_common(inputs, s.database)
    history = schema_history_topic(inputs)
    out |= {
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "database.server.id": str(s.database.server_id or mysql_server_id(inputs.full_name)),
        "database.include.list": ",".join(sorted({t.split(".")[0] for t in inputs.write_topics})),
        "include.schema.changes": "false",
        "schema.history.internal.kafka.bootstrap.servers": inputs.bootstrap_servers,
        "schema.history.internal.kafka.topic": history,
        "schema.history.internal.consumer.group.id": history,
    }
    for client in ("producer", "consumer"):
        out |= {f"schema.history.internal.{client}.{k}": v for k, v in IAM_CLIENT.items()}
    return out


def mysql_server_id(full_name: str) -> int:
    """A stable server id per connector, away from the small ids replicas usually use."""
    return 100_000 + zlib.crc32(full_name.encode()) % 1_000_000_000


def _postgres(inputs: Inputs) -> dict[str, str]:
    s: spec.DebeziumPostgresConnector = inputs.spec
    safe = re.sub(r"[^a-z0-9_]", "_", inputs.full_name.lower())
    out = _debezium_common(inputs, s.database)
    out |= {
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "database.dbname": s.database.name,
        "plugin.name": "pgoutput",
        "slot.name": s.database.slot_name or safe[:63],
        "publication.name": s.database.publication_name or f"dbz_{safe}"[:63],
        "publication.autocreate.mode": "filtered",
    }
    return out


def _jdbc(inputs: Inputs) -> dict[str, str]:
    s: spec.JdbcSourceConnector = inputs.spec
    out = {
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
        "connection.url": s.connection.url,
        "connection.user": s.connection.user,
        "connection.password": inputs.secret(s.connection.password),
        "mode": s.mode,
        "poll.interval.ms": str(s.poll_interval_ms),
        "key.converter": STRING_CONVERTER,
        "value.converter": JSON_CONVERTER,
        "value.converter.schemas.enable": "false",
    }
    if s.incrementing_column:
        out["incrementing.column.name"] = s.incrementing_column
    if s.timestamp_column:
        out["timestamp.column.name"] = s.timestamp_column
    if s.query is not None:
        # query mode writes to exactly topic.prefix
        out |= {"query": s.query, "topic.prefix": inputs.write_topics[""]}
    else:
        tables = sorted(inputs.write_topics)
        prefix = f"{logical_name(inputs)}."
        out |= {"table.whitelist": ",".join(tables), "topic.prefix": prefix}
        out |= _routes([(java_regex_literal(f"{prefix}{table}"), inputs.write_topics[table]) for table in tables])
    return out


def _custom(inputs: Inputs) -> dict[str, str]:
    s: spec.CustomConnector = inputs.spec
    out = {"connector.class": s.connector_class}
    if inputs.read_topics:
        out |= _sink_common(inputs)
    return out


KINDS: dict[str, Kind] = {
    "s3-sink": Kind(
        "s3-sink",
        "sink",
        "io.confluent.connect.s3.S3SinkConnector",
        required=("connector.class", "topics", "s3.bucket.name", "s3.region", "format.class", "flush.size", "storage.class", "partitioner.class"),
        defaults={"schema.compatibility": "NONE", "behavior.on.null.values": "ignore", "locale": "en-US", "timezone": "UTC"},
        build=_s3,
        consumer_groups=_sink_group,
    ),
    "opensearch-sink": Kind(
        "opensearch-sink",
        "sink",
        "io.aiven.kafka.connect.opensearch.OpensearchSinkConnector",
        required=("connector.class", "topics", "connection.url", "connection.username", "connection.password"),
        defaults={"behavior.on.malformed.documents": "warn", "max.retries": "10", "retry.backoff.ms": "1000"},
        build=_opensearch,
        consumer_groups=_sink_group,
    ),
    "eventbridge-sink": Kind(
        "eventbridge-sink",
        "sink",
        "software.amazon.event.kafkaconnector.EventBridgeSinkConnector",
        required=("connector.class", "topics", "aws.eventbridge.connector.id", "aws.eventbridge.eventbus.arn", "aws.eventbridge.region"),
        defaults={"auto.offset.reset": "earliest"},
        build=_eventbridge,
        consumer_groups=_sink_group,
    ),
    "debezium-mysql": Kind(
        "debezium-mysql",
        "source",
        "io.debezium.connector.mysql.MySqlConnector",
        required=(
            "connector.class", "database.hostname", "database.port", "database.user", "database.password",
            "database.server.id", "topic.prefix", "schema.history.internal.kafka.bootstrap.servers",
            "schema.history.internal.kafka.topic",
        ),
        defaults={"decimal.handling.mode": "string", "tombstones.on.delete": "true"},
        build=_mysql,
        internal_topics=lambda inputs: [schema_history_topic(inputs)],
        consumer_groups=lambda inputs: [schema_history_topic(inputs)],
    ),
    "debezium-postgresql": Kind(
        "debezium-postgresql",
        "source",
        "io.debezium.connector.postgresql.PostgresConnector",
        required=(
            "connector.class", "database.hostname", "database.port", "database.user", "database.password",
            "database.dbname", "topic.prefix", "plugin.name", "slot.name",
        ),
        defaults={"decimal.handling.mode": "string", "tombstones.on.delete": "true"},
        build=_postgres,
    ),
    "jdbc-source": Kind(
        "jdbc-source",
        "source",
        "io.confluent.connect.jdbc.JdbcSourceConnector",
        required=("connector.class", "connection.url", "connection.user", "connection.password", "mode", "topic.prefix"),
        defaults={"numeric.mapping": "best_fit", "db.timezone": "UTC"},
        build=_jdbc,
    ),
    "custom": Kind(
        "custom",
        "sink",  # or source: see direction()
        None,
        required=("connector.class",),
        build=_custom,
        consumer_groups=lambda inputs: _sink_group(inputs) if inputs.read_topics else [],
    ),
}


def direction(connector: Any) -> str:
    if connector.kind == "custom":
        return "sink" if connector.reads else "source"
    return KINDS[connector.kind].direction


def managed_keys(inputs: Inputs) -> set[str]:
    """Keys the catalog's ``config:`` may not set for this connector."""
    return set(KINDS[inputs.spec.kind].build(inputs)) | {"tasks.max", "name"}


def configuration(inputs: Inputs, *, include_user: bool = True) -> dict[str, str]:
    """defaults | catalog config | managed keys (+ tasks.max), sorted by key."""
    kind = KINDS[inputs.spec.kind]
    managed = kind.build(inputs) | {"tasks.max": str(inputs.tasks_max)}
    user = {k: _text(v) for k, v in inputs.spec.config.items()} if include_user else {}
    merged = {**kind.defaults, **user, **managed}
    return dict(sorted(merged.items()))


def worker_properties(connector: Any) -> dict[str, str]:
    """Worker configuration (converters); the module adds the config provider and offsets topic."""
    base = {"key.converter": STRING_CONVERTER, "value.converter": STRING_CONVERTER}
    return dict(sorted({**base, **{k: _text(v) for k, v in connector.worker_properties.items()}}.items()))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Worker properties MSK Connect accepts in a custom worker configuration
# (converters and offset flushing); the rest is refused by the service.
WORKER_PROPERTY = re.compile(
    r"^(key|value|header)\.converter(\..+)?$|^offset\.flush\.(interval|timeout)\.ms$"
)


def secret_references(value: str) -> list[tuple[str, str]]:
    """``${secretsmanager:<name>:<field>}`` references in a config value: (name, field)."""
    return re.findall(r"\$\{secretsmanager:([^:}]+):([^}]+)\}", value)
