"""``environments/<env>/env.yaml``: where and how a catalog is deployed.

The environment owns everything that exists outside the catalog (account,
network, KMS keys, state bucket) and the per-environment knobs (defaults and
overrides for sizing and retention). Values that a Terraform data source would
look up are given here instead, so plans work offline and are reviewable.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from .. import limits
from .base import FieldError, Spec, pattern_type
from .msk_connect import MskConnectSettings
from .names import (
    AccountId,
    KmsKeyArn,
    QualifiedName,
    Region,
    RoleArn,
    S3BucketName,
    SecurityGroupId,
    SubnetId,
    TagKey,
    TagValue,
    VpcId,
)

EnvName = pattern_type(r"[a-z][a-z0-9-]{0,15}", "must be 1-16 lowercase letters, digits or '-'")
NamePrefix = pattern_type(
    r"[a-z][a-z0-9-]{0,11}", "must be 1-12 lowercase letters, digits or '-', starting with a letter"
)
StreamMode = Literal["on_demand", "provisioned"]


def _retention_days(value: int) -> int:
    if value not in limits.LOG_RETENTION_DAYS:
        allowed = ", ".join(str(v) for v in limits.LOG_RETENTION_DAYS)
        raise ValueError(f"{value} is not a CloudWatch Logs retention; use one of {allowed}")
    return value


LogRetentionDays = Annotated[
    int, AfterValidator(_retention_days), Field(json_schema_extra={"enum": list(limits.LOG_RETENTION_DAYS)})
]


class StateBackend(Spec):
    """S3 backend holding one state file per generated root."""

    bucket: S3BucketName
    """State bucket (created outside streamgen)."""
    region: Region | None = None
    """Region of the state bucket; defaults to the environment's Region."""
    key_prefix: Annotated[str, Field(pattern=r"^[a-zA-Z0-9!_.*'()/-]*$", max_length=256)] = "streamgen/"
    """Prefix of every state key: ``<key_prefix><env>/<root>/terraform.tfstate``."""
    kms_key_arn: KmsKeyArn | None = None
    """Customer managed key for the state objects (recommended)."""
    use_lockfile: bool = True
    """S3-native state locking (Terraform >= 1.10)."""
    dynamodb_table: str | None = None
    """Legacy DynamoDB lock table, for older pipelines."""


class Network(Spec):
    """The VPC that VPC-attached resources (Lambda, VPC destinations) use."""

    vpc_id: VpcId
    subnet_ids: Annotated[list[SubnetId], Field(min_length=1, max_length=16)]
    """Private subnets, ideally one per Availability Zone."""
    security_group_ids: Annotated[list[SecurityGroupId], Field(min_length=1, max_length=5)]

    @field_validator("subnet_ids", "security_group_ids")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("contains duplicates")
        return value


class KmsKeys(Spec):
    """Customer managed KMS keys; every data store and log group is encrypted."""

    data: KmsKeyArn
    """Streams, buckets, delivery streams, Lambda environment variables."""
    logs: KmsKeyArn | None = None
    """CloudWatch Logs log groups; defaults to ``data``. Its key policy must allow logs.<region>.amazonaws.com."""
    secrets: KmsKeyArn | None = None
    """Key of the Secrets Manager secrets that sinks read (access keys, database users); none: the AWS managed key."""


class Logging(Spec):
    retention_days: LogRetentionDays = 365
    """Retention of every log group streamgen creates."""


class KinesisDefaults(Spec):
    mode: StreamMode = "on_demand"
    shards: Annotated[int, Field(ge=1, le=limits.KINESIS_DEFAULT_SHARD_QUOTA)] = 1
    """Shard count for provisioned streams that neither set shards nor throughput."""
    retention_hours: Annotated[int, Field(ge=limits.KINESIS_RETENTION_HOURS[0], le=limits.KINESIS_RETENTION_HOURS[1])] = 24


class Buffering(Spec):
    """Firehose buffering hints: delivery happens when either is reached."""

    size_mb: Annotated[int, Field(ge=limits.FIREHOSE_BUFFER_MB[0], le=limits.FIREHOSE_BUFFER_MB[1])] | None = None
    interval_s: Annotated[int, Field(ge=limits.FIREHOSE_BUFFER_SECONDS[0], le=limits.FIREHOSE_BUFFER_SECONDS[1])] | None = None


class IngestionUnits(Spec):
    """OpenSearch Ingestion capacity in OCUs; the pipeline scales between min and max."""

    min: Annotated[int, Field(ge=limits.OSIS_UNITS[0], le=limits.OSIS_UNITS[1])] | None = None
    """Capacity the pipeline never scales below (1-96)."""
    max: Annotated[int, Field(ge=limits.OSIS_UNITS[0], le=limits.OSIS_UNITS[1])] | None = None
    """Capacity cap (1-96); default: the partition (or shard) count of the busiest topic, at most 96."""

    @model_validator(mode="after")
    def _ordered(self) -> "IngestionUnits":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise FieldError("min", f"min ({self.min}) is above max ({self.max})")
        return self


class IngestionDefaults(Spec):
    min_units: Annotated[int, Field(ge=limits.OSIS_UNITS[0], le=limits.OSIS_UNITS[1])] = 1
    """Minimum OCUs of every OpenSearch Ingestion pipeline (a sink's units.min wins)."""


class FirehoseDefaults(Spec):
    buffering: Buffering = Buffering(size_mb=64, interval_s=300)


class LambdaDefaults(Spec):
    memory_mb: Annotated[int, Field(ge=limits.LAMBDA_MEMORY_MB[0], le=limits.LAMBDA_MEMORY_MB[1])] = 256
    timeout_s: Annotated[int, Field(ge=1, le=limits.FIREHOSE_LAMBDA_TIMEOUT_MAX)] = 60
    reserved_concurrency: Annotated[int, Field(ge=1, le=1000)] = 10
    """Caps what one transform can take from the account's concurrency pool."""


class Defaults(Spec):
    kinesis: KinesisDefaults = KinesisDefaults()
    firehose: FirehoseDefaults = FirehoseDefaults()
    lambda_: LambdaDefaults = Field(default=LambdaDefaults(), alias="lambda")
    ingestion: IngestionDefaults = IngestionDefaults()
    """OpenSearch Ingestion pipelines."""

    model_config = Spec.model_config | {"populate_by_name": True}


class TopicOverride(Spec):
    """Per-environment sizing of one topic (wins over the catalog)."""

    mode: StreamMode | None = None
    shards: Annotated[int, Field(ge=1, le=limits.KINESIS_DEFAULT_SHARD_QUOTA)] | None = None
    retention_hours: Annotated[int, Field(ge=limits.KINESIS_RETENTION_HOURS[0], le=limits.KINESIS_RETENTION_HOURS[1])] | None = None


class SinkOverride(Spec):
    """Per-environment tuning of one sink (wins over the catalog)."""

    buffering: Buffering | None = None
    units: IngestionUnits | None = None
    """OpenSearch Ingestion sinks: capacity in this environment."""


class Overrides(Spec):
    topics: dict[QualifiedName, TopicOverride] = {}
    """Keyed by ``domain/topic``."""
    sinks: dict[QualifiedName, SinkOverride] = {}
    """Keyed by ``domain/sink``."""


class Quotas(Spec):
    """Account quotas that are soft limits; raise them here after AWS raised them."""

    kinesis_shards: Annotated[int, Field(ge=1)] = limits.KINESIS_DEFAULT_SHARD_QUOTA
    """Shards across all provisioned streams of the account and Region."""


class TerraformSettings(Spec):
    required_version: str = ">= 1.10.0"
    aws_provider_version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")] = "5.100.0"
    """Exact provider version for generated roots (modules accept a range)."""
    kafka_provider_version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")] = "0.12.1"
    """Exact Mongey/kafka provider version for the kafka/<domain> roots (MSK topics)."""


MskClusterArn = pattern_type(
    r"arn:aws(?:-[a-z]+)*:kafka:[a-z0-9-]+:\d{12}:cluster/[a-zA-Z0-9-]{1,64}/[a-zA-Z0-9-]+",
    "must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)",
)
BrokerEndpoint = pattern_type(r"[a-zA-Z0-9.-]+:\d{2,5}", "must be host:port")


class MskCluster(Spec):
    """An existing MSK cluster that topics and connectors use (IAM auth, TLS)."""

    arn: MskClusterArn
    type: Literal["provisioned", "serverless"] = "provisioned"
    bootstrap_brokers_iam: Annotated[list[BrokerEndpoint], Field(min_length=1)]
    """Bootstrap brokers for IAM authentication (port 9098; serverless: the one endpoint)."""
    broker_count: Annotated[int, Field(ge=1, le=90)] | None = None
    """Brokers of a provisioned cluster (bounds the replication factor)."""
    kafka_version: Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+)*(\.x)?$")] | None = None
    subnet_ids: list[SubnetId] = []
    """Client subnets of the cluster; default: the environment's network."""
    security_group_ids: list[SecurityGroupId] = []
    """Security groups clients use to reach the brokers; default: the environment's."""


OpenSearchEndpoint = pattern_type(r"https://[a-zA-Z0-9.-]+(:\d+)?/?", "must be an https:// endpoint")


class OpenSearchDomain(Spec):
    """An existing OpenSearch Service domain."""

    arn: Annotated[str, Field(pattern=r"^arn:aws(?:-[a-z]+)*:es:[a-z0-9-]+:\d{12}:domain/[a-z][a-z0-9-]{2,27}$")]
    endpoint: OpenSearchEndpoint
    vpc: bool = False
    """True for a domain inside the VPC: deliveries use the environment's subnets and security groups."""


class OpenSearchCollection(Spec):
    """An existing OpenSearch Serverless collection."""

    arn: Annotated[str, Field(pattern=r"^arn:aws(?:-[a-z]+)*:aoss:[a-z0-9-]+:\d{12}:collection/[a-z0-9]{3,40}$")]
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{2,31}$")]
    endpoint: OpenSearchEndpoint
    network_policy_name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{2,31}$")] | None = None
    """Network policy of a VPC-access collection; OpenSearch Ingestion adds its endpoint to it."""


class OpenSearchTargets(Spec):
    domains: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")], OpenSearchDomain] = {}
    collections: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")], OpenSearchCollection] = {}


class RedshiftWorkgroup(Spec):
    """An existing Redshift Serverless workgroup and its namespace."""

    workgroup: Annotated[str, Field(pattern=r"^[a-z0-9-]{3,64}$")]
    namespace: Annotated[str, Field(pattern=r"^[a-z0-9-]{3,64}$")]
    namespace_arn: Annotated[str, Field(pattern=r"^arn:aws(?:-[a-z]+)*:redshift-serverless:[a-z0-9-]+:\d{12}:namespace/[a-z0-9-]+$")]
    database: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_$]{0,126}$")] = "dev"
    admin_secret_arn: Annotated[str, Field(pattern=r"^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$")] | None = None
    """Secrets Manager secret with database credentials (used by the Data API and Firehose COPY)."""
    iam_role_arns: list[RoleArn] = []
    """Roles the namespace's owner has associated with it (its iam_roles). Streaming-ingestion views are
    generated once the role streamgen creates for them is listed here (see docs/glue-redshift.md)."""


class RedshiftCluster(Spec):
    """An existing provisioned Redshift cluster."""

    cluster_identifier: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")]
    arn: Annotated[str, Field(pattern=r"^arn:aws(?:-[a-z]+)*:redshift:[a-z0-9-]+:\d{12}:cluster:[a-z][a-z0-9-]{0,62}$")]
    endpoint: BrokerEndpoint
    """host:port of the cluster endpoint."""
    database: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_$]{0,126}$")] = "dev"
    admin_secret_arn: Annotated[str, Field(pattern=r"^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$")] | None = None
    iam_role_arns: list[RoleArn] = []
    """Other roles associated with the cluster. streamgen manages the cluster's role list (it is one
    authoritative list in AWS): roles listed here are kept next to the streaming-ingestion roles."""
    db_user: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_$]{0,126}$")] | None = None
    """Database user for the Data API with temporary IAM credentials, when there is no admin_secret_arn."""


class RedshiftTargets(Spec):
    workgroups: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")], RedshiftWorkgroup] = {}
    clusters: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")], RedshiftCluster] = {}


AccountName = pattern_type(
    r"[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?",
    "must be 1-32 lowercase letters, digits or '-', starting with a letter (it names a Terraform provider alias)",
)
OrganizationId = pattern_type(r"o-[a-z0-9]{10,32}", "must be an AWS Organizations id like 'o-a1b2c3d4e5'")


class Account(Spec):
    """Another AWS account of the environment, in the environment's Region, deployed through its own role."""

    account_id: AccountId
    deploy_role_arn: RoleArn
    """Role the pipeline assumes in that account; generated roots get a provider (alias) per account."""
    kms: KmsKeys | None = None
    """Customer managed keys in that account (required for the central logging account)."""
    network: Network | None = None
    """Private subnets and security groups in that account for Lambda functions (none: outside a VPC)."""


class CentralLogging(Spec):
    """Where catalog log sources deliver: the logging account's destinations, streams, bucket and tables."""

    account: AccountName
    """Key of the logging account in ``accounts``."""
    organization_id: OrganizationId | None = None
    """When set, destination policies also require the subscribing account to be in this organization."""


class Environment(Spec):
    """One deployment target: an account and Region with its conventions."""

    name: EnvName
    """Must equal the folder name under environments/."""
    account_id: AccountId
    region: Region
    name_prefix: NamePrefix
    """Prepended to every resource name: ``<prefix>-<domain>-<name>``."""
    tags: Annotated[dict[TagKey, TagValue], Field(min_length=1, max_length=40)]
    """Mandatory tags, applied to every resource through the provider's default_tags."""
    assume_role_arn: RoleArn | None = None
    """Role the pipeline assumes to deploy; none means the caller's credentials."""
    state: StateBackend
    network: Network
    kms: KmsKeys
    logging: Logging = Logging()
    defaults: Defaults = Defaults()
    overrides: Overrides = Overrides()
    quotas: Quotas = Quotas()
    terraform: TerraformSettings = TerraformSettings()
    msk_clusters: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")], MskCluster] = {}
    """MSK clusters by the name topics use in ``cluster:``."""
    opensearch: OpenSearchTargets = OpenSearchTargets()
    """OpenSearch domains and serverless collections sinks can write to, by name."""
    redshift: RedshiftTargets = RedshiftTargets()
    """Redshift Serverless workgroups and provisioned clusters sinks can write to, by name."""
    accounts: dict[AccountName, Account] = {}
    """Other accounts by name (logging account, application accounts), all in this environment's Region."""
    central_logging: CentralLogging | None = None
    """The logging account that catalog ``log_sources`` deliver to."""
    msk_connect: MskConnectSettings = MskConnectSettings()
    """MSK Connect plugins, secrets and targets that connectors refer to by key."""
    allow_destroy: bool = False
    """Ephemeral environment (integration tests, previews): no stateful resource is protected
    from destruction, whatever the catalog's ``allow_destroy`` says. Leave false for anything
    holding data you need."""
