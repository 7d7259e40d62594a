"""``msk_connect:`` in env.yaml: what MSK Connect connectors of an environment use.

Custom plugins (the connector ZIP/JAR in S3), the Secrets Manager secrets
connectors may read through the config provider, EventBridge buses sinks may
write to, and the Kafka Connect version. Everything here exists outside the
catalog; connectors in domain files refer to it by key.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from .. import limits
from .base import FieldError, Spec, pattern_type
from .names import KmsKeyArn

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")]

# Connector kinds (spec.connectors); a plugin lists the kinds it provides.
ConnectorKind = Literal[
    "s3-sink",
    "opensearch-sink",
    "eventbridge-sink",
    "debezium-mysql",
    "debezium-postgresql",
    "jdbc-source",
    "custom",
]

S3BucketArn = pattern_type(
    r"arn:aws(?:-[a-z]+)*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
    "must be an S3 bucket ARN (arn:aws:s3:::<bucket>)",
)
SecretArn = pattern_type(
    r"arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}",
    "must be a Secrets Manager secret ARN with its 6-character suffix "
    "(arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf)",
)
EventBusArn = pattern_type(
    r"arn:aws(?:-[a-z]+)*:events:[a-z0-9-]+:\d{12}:event-bus/[A-Za-z0-9._/-]{1,256}",
    "must be an EventBridge event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)",
)


def _retention(value: int) -> int:
    if value not in limits.LOG_RETENTION_DAYS:
        allowed = ", ".join(str(v) for v in limits.LOG_RETENTION_DAYS)
        raise ValueError(f"{value} is not a CloudWatch Logs retention; use one of {allowed}")
    return value


class PluginLocation(Spec):
    """Where the plugin file lives (uploaded outside streamgen)."""

    bucket_arn: S3BucketArn
    file_key: Annotated[str, Field(min_length=1, max_length=1024)]
    """Object key of the ZIP or JAR."""
    object_version: Annotated[str, Field(min_length=1, max_length=1024)] | None = None
    """Pin an S3 object version (recommended: a new upload then needs a catalog change)."""


class ConnectPlugin(Spec):
    """An MSK Connect custom plugin: the connector's code, a ZIP or JAR in S3.

    Package the MSK IAM auth library (``aws-msk-iam-auth``) and the AWS config
    provider (``msk-config-providers``) with connectors that need them:
    Debezium's schema history client authenticates to the cluster itself, and
    database passwords are read from Secrets Manager at runtime.
    """

    kinds: list[ConnectorKind] = []
    """Connector kinds this plugin provides; a connector of that kind uses it unless it names another."""
    location: PluginLocation
    content_type: Literal["ZIP", "JAR"]
    description: Annotated[str, Field(max_length=1024)] | None = None

    @model_validator(mode="after")
    def _extension(self) -> "ConnectPlugin":
        suffix = self.location.file_key.rsplit(".", 1)[-1].upper()
        if suffix in ("ZIP", "JAR") and suffix != self.content_type:
            raise FieldError("content_type", f"the file is a .{suffix.lower()}; content_type must be {suffix}")
        if len(set(self.kinds)) != len(self.kinds):
            raise FieldError("kinds", "contains duplicates")
        return self


class ConnectSecret(Spec):
    """A Secrets Manager secret (JSON) connectors read through the config provider."""

    arn: SecretArn
    kms_key_arn: KmsKeyArn | None = None
    """Customer managed key of the secret; none means the AWS managed key."""

    @property
    def name(self) -> str:
        """The secret's name: what ``${secretsmanager:<name>:<key>}`` references use."""
        return self.arn.split(":secret:", 1)[1].rsplit("-", 1)[0]


class EventBus(Spec):
    """An existing EventBridge event bus."""

    arn: EventBusArn


class MskConnectSettings(Spec):
    """MSK Connect resources of the environment that connectors refer to by key."""

    kafka_connect_version: Literal[limits.MSK_CONNECT_VERSIONS] = "3.7.x"  # type: ignore[valid-type]
    """Apache Kafka Connect version of every connector."""
    plugins: dict[Key, ConnectPlugin] = {}
    """Custom plugins by key; connectors pick theirs by kind or with ``plugin:``."""
    secrets: dict[Key, ConnectSecret] = {}
    """Secrets (database passwords ...) by key; connectors refer to them as ``{secret: <key>}``."""
    event_buses: dict[Key, EventBus] = {}
    """EventBridge buses eventbridge-sink connectors may write to."""
    log_retention_days: Annotated[int, AfterValidator(_retention)] | None = None
    """Retention of the connectors' worker logs; default: logging.retention_days."""
    worker_quota: Annotated[int, Field(ge=1)] = limits.MSK_CONNECT_ACCOUNT_WORKERS
    """Workers across all connectors of the account and Region (soft quota; raise it after AWS raised it)."""
