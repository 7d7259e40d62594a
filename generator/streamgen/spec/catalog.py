"""``catalog/<domain>.yaml``: what one owning team declares.

A domain file lists topics (streams), transforms (Lambda functions from
``lambda_src/``) and sinks (each reads one topic and delivers it somewhere).
Per-kind sink models live in :mod:`streamgen.spec.sinks`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .. import limits
from ..secrets import plaintext_secret_keys
from .base import FieldError, Spec, pattern_type, tagged_union
from .connectors import Connector
from .env import StreamMode
from .names import DomainName, ResourceName, TagKey, TagValue, TopicName
from .schema import RecordSchema
from .logging import LogSource
from .sinks import Sink

EnvVarName = pattern_type(r"[a-zA-Z][a-zA-Z0-9_]{0,127}", "must be a valid environment variable name")
LambdaSource = pattern_type(
    r"[a-z][a-z0-9_]{0,62}", "must name a folder of lambda_src/ (lowercase letters, digits, '_')"
)


class Throughput(Spec):
    """Expected load; the resolver sizes the stream from it."""

    write_mb_per_s: Annotated[float, Field(gt=0, le=10_000)]
    """Peak ingest in MB/s."""
    write_records_per_s: Annotated[int, Field(gt=0)] | None = None
    """Peak ingest in records/s."""
    read_consumers: Annotated[int, Field(ge=1, le=20)] = 1
    """Consumers reading every record with shared throughput (2 MB/s per shard in total)."""


class KinesisTopic(Spec):
    """A Kinesis data stream, encrypted with the environment's KMS key."""

    name: TopicName
    platform: Literal["kinesis"] = "kinesis"
    description: str | None = None
    mode: StreamMode | None = None
    """on_demand or provisioned; default from env.yaml."""
    shards: Annotated[int, Field(ge=1, le=limits.KINESIS_DEFAULT_SHARD_QUOTA)] | None = None
    """Provisioned shard count; mutually exclusive with throughput."""
    throughput: Throughput | None = None
    """Expected load; provisioned streams derive their shard count from it."""
    retention_hours: Annotated[
        int, Field(ge=limits.KINESIS_RETENTION_HOURS[0], le=limits.KINESIS_RETENTION_HOURS[1])
    ] | None = None
    schema_: RecordSchema | None = Field(default=None, alias="schema")
    """Columns of the JSON records (used by format conversion, Glue and Redshift sinks)."""
    allow_destroy: bool = False
    """Let the plan gate accept deleting or replacing this stream (its data is lost)."""

    model_config = Spec.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _sizing(self) -> "KinesisTopic":
        if self.shards is not None and self.throughput is not None:
            raise FieldError("shards", "set either shards or throughput, not both")
        if self.shards is not None and self.mode == "on_demand":
            raise FieldError("shards", "on_demand streams scale by themselves and take no shard count")
        return self


KafkaTopicName = pattern_type(
    r"[a-zA-Z0-9._-]{1,249}", "must be 1-249 characters of letters, digits, '.', '_' and '-' (Kafka topic rules)"
)
KafkaConfigValue = Annotated[str | int | float | bool, Field(union_mode="left_to_right")]


class MskTopic(Spec):
    """A Kafka topic on an MSK cluster from env.yaml; its Kafka name is '<domain>.<name>'."""

    name: KafkaTopicName
    platform: Literal["msk"]
    cluster: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")]
    """Key of the cluster in env.yaml msk_clusters."""
    description: str | None = None
    partitions: Annotated[int, Field(ge=1, le=10_000)] = 6
    replication_factor: Annotated[int, Field(ge=1, le=32)] | None = None
    """Default: 3, or the broker count when smaller (serverless: managed by AWS)."""
    configs: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9.]*$")], KafkaConfigValue] = {}
    """Topic configuration, e.g. retention.ms, cleanup.policy, min.insync.replicas."""
    throughput: Throughput | None = None
    schema_: RecordSchema | None = Field(default=None, alias="schema")
    allow_destroy: bool = False
    """Let the plan gate accept deleting or replacing this topic (its data is lost)."""

    model_config = Spec.model_config | {"populate_by_name": True}


Topic = tagged_union("platform", {"kinesis": KinesisTopic, "msk": MskTopic}, default="kinesis")


class Transform(Spec):
    """A Lambda function built from ``lambda_src/<source>`` (Firehose record processor)."""

    name: ResourceName
    source: LambdaSource
    """Folder under lambda_src/ holding app.py (handler ``app.handler``)."""
    description: str | None = None
    memory_mb: Annotated[int, Field(ge=limits.LAMBDA_MEMORY_MB[0], le=limits.LAMBDA_MEMORY_MB[1])] | None = None
    timeout_s: Annotated[int, Field(ge=1, le=limits.FIREHOSE_LAMBDA_TIMEOUT_MAX)] | None = None
    """At most 300 s: Firehose waits 5 minutes for a transform."""
    environment: dict[EnvVarName, Annotated[str, Field(max_length=4096)]] = {}
    """Plain configuration only; secrets belong in Secrets Manager (pass the ARN)."""

    @model_validator(mode="after")
    def _no_secrets(self) -> "Transform":
        leaked = plaintext_secret_keys(self.environment)
        if leaked:
            raise FieldError(
                "environment",
                f"{', '.join(leaked)} looks like a plaintext secret; store it in Secrets Manager "
                "and pass the secret ARN instead",
            )
        return self


class DomainFile(Spec):
    """One team's streaming resources."""

    domain: DomainName
    """Must equal the file name: catalog/<domain>.yaml."""
    owner: Annotated[str, Field(min_length=1, max_length=256)]
    """Team or contact; becomes the Owner tag."""
    description: str | None = None
    tags: dict[TagKey, TagValue] = {}
    """Extra tags for this domain's resources (the environment's tags always apply)."""
    topics: list[Topic] = []
    transforms: list[Transform] = []
    sinks: list[Sink] = []
    log_sources: list[LogSource] = []
    """CloudWatch log groups of application accounts to centralise (see env.yaml central_logging)."""
    connectors: list[Connector] = []
    """MSK Connect connectors: sinks reading MSK topics, sources (CDC, JDBC) writing them."""
