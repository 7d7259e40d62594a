"""The resolved model: every decision made, every name and ARN final.

The resolver builds it from validated specs; templates read it and nothing
else. A value that appears in generated Terraform is a field here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Where a resource was declared (for comments and plan-gate messages)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Component:
    """Something one module call creates."""

    domain: str
    name: str
    tf_id: str
    root: str
    origin: Origin
    tags: dict[str, str]


@dataclass(frozen=True)
class Stream(Component):
    full_name: str
    arn: str
    mode: str  # ON_DEMAND | PROVISIONED (the provider's spelling)
    shards: int | None
    retention_hours: int
    kms_key_arn: str
    protected: bool
    sizing_note: str
    columns: list[Column]


@dataclass(frozen=True)
class MskCluster:
    """An MSK cluster from env.yaml, with the parts IAM ARNs are built from."""

    key: str  # name in env.yaml msk_clusters
    arn: str
    cluster_name: str
    cluster_uuid: str
    type: str  # provisioned | serverless
    bootstrap_brokers: list[str]
    broker_count: int | None
    subnet_ids: list[str]
    security_group_ids: list[str]
    kafka_version: str | None = None

    def topic_arn(self, topic: str) -> str:
        return self._child("topic", topic)

    def group_arn(self, group: str) -> str:
        return self._child("group", group)

    def _child(self, kind: str, name: str) -> str:
        base = self.arn.split(":cluster/")[0]
        return f"{base}:{kind}/{self.cluster_name}/{self.cluster_uuid}/{name}"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Glue/Hive syntax, normalised
    comment: str | None
    path: str  # dotted path in the JSON record


@dataclass(frozen=True)
class KafkaTopic(Component):
    """An MSK topic. Its Kafka name is '<domain>.<name>'."""

    kafka_name: str
    arn: str
    cluster: MskCluster
    partitions: int
    replication_factor: int | None  # None on serverless clusters
    configs: dict[str, str]
    columns: list[Column]
    protected: bool


@dataclass(frozen=True)
class Bucket(Component):
    bucket: str
    arn: str
    kms_key_arn: str | None
    access_log_bucket: str | None
    protected: bool
    purpose: str  # "data" | "access-logs"


@dataclass(frozen=True)
class GlueDatabase(Component):
    database_name: str
    description: str


@dataclass(frozen=True)
class GlueTable(Component):
    """A Glue Data Catalog table over S3 data (Athena, format conversion, Glue jobs)."""

    database: GlueDatabase
    table_name: str
    description: str
    columns: list[Column]
    partition_keys: list[Column]
    location: str  # s3://bucket/prefix/
    format: str  # json | parquet | orc
    compression: str | None
    parameters: dict[str, str]


@dataclass(frozen=True)
class Function(Component):
    full_name: str
    arn: str
    role_name: str
    source: str  # lambda_src/<source>
    package_file: str  # relative to the repository root
    package_sha256: str
    memory_mb: int
    timeout_s: int
    reserved_concurrency: int
    environment: dict[str, str]
    kms_key_arn: str
    logs_kms_key_arn: str
    log_retention_days: int
    subnet_ids: list[str]
    security_group_ids: list[str]


@dataclass(frozen=True)
class Processor:
    """One Firehose record processor (Lambda or native)."""

    type: str  # Lambda | MetadataExtraction | AppendDelimiterToRecord | RecordDeAggregation ...
    # only the parameters that differ from Firehose defaults, in a fixed order
    parameters: list[tuple[str, str]]
    function: Function | None = None  # a Lambda processor's function (LambdaArn is added when rendering)


@dataclass(frozen=True)
class MskSource:
    topic: KafkaTopic
    connectivity: str  # PRIVATE | PUBLIC
    read_from_timestamp: str | None  # RFC 3339, UTC


@dataclass(frozen=True)
class S3Location:
    """A prefix of a bucket a delivery stream writes to (destination, backup or staging)."""

    bucket: Bucket
    prefix: str
    error_prefix: str | None
    compression: str
    kms_key_arn: str
    buffer_size_mb: int | None = None  # None: Firehose's defaults (backups)
    buffer_interval_s: int | None = None


@dataclass(frozen=True)
class FormatConversion:
    output: str  # parquet | orc
    compression: str
    deserializer: str  # openx | hive
    timestamp_formats: list[str]
    column_to_json_key: dict[str, str]  # OpenX: columns whose JSON key differs
    table: GlueTable


@dataclass(frozen=True)
class ExtendedS3:
    file_extension: str | None
    backup: S3Location | None  # the source records, as received
    dynamic_partitioning: bool
    dynamic_partitioning_retry_s: int | None
    conversion: FormatConversion | None


@dataclass(frozen=True)
class OpenSearchTarget:
    domain_arn: str
    index: str
    rotation: str  # NoRotation | OneHour | OneDay | OneWeek | OneMonth
    document_id_format: str | None  # FIREHOSE_DEFAULT | NO_DOCUMENT_ID
    retry_s: int | None
    backup_mode: str  # FailedDocumentsOnly | AllDocuments
    vpc_id: str | None  # a VPC domain: reached through these subnets and groups
    subnet_ids: list[str]
    security_group_ids: list[str]


@dataclass(frozen=True)
class ServerlessTarget:
    collection_arn: str
    collection_name: str
    endpoint: str
    index: str
    retry_s: int | None
    backup_mode: str
    access_policy_name: str


@dataclass(frozen=True)
class RedshiftTarget:
    jdbc_url: str
    target_arn: str  # cluster or namespace, for documentation
    table: str
    columns: list[str]
    copy_options: str
    secret_arn: str
    retry_s: int | None
    backup: S3Location | None
    # COPY maps JSON to columns with this JSONPaths file (from the topic's schema paths)
    jsonpaths_key: str | None = None
    jsonpaths: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HttpTarget:
    provider: str  # splunk | datadog | elastic | generic
    url: str
    name: str
    secret_arn: str | None
    content_encoding: str
    attributes: dict[str, str]
    retry_s: int | None
    backup_mode: str  # http: FailedDataOnly | AllData; splunk: FailedEventsOnly | AllEvents
    splunk_event_type: str | None  # Raw | Event
    splunk_ack_timeout_s: int | None


@dataclass(frozen=True)
class DeliveryStream(Component):
    """A Firehose delivery stream: one source, one destination, its own role."""

    full_name: str
    arn: str
    role_name: str
    kinesis_source: Stream | None  # both None: Direct PUT
    msk_source: MskSource | None
    destination: str  # extended_s3 | opensearch | opensearchserverless | redshift | http_endpoint | splunk
    s3: S3Location  # the destination for extended_s3; backup or staging otherwise
    buffer_size_mb: int
    buffer_interval_s: int
    processors: list[Processor]
    extended_s3: ExtendedS3 | None
    opensearch: OpenSearchTarget | None
    serverless: ServerlessTarget | None
    redshift: RedshiftTarget | None
    http: HttpTarget | None
    sse_kms_key_arn: str | None  # Direct PUT only: AWS refuses SSE with a stream or topic source
    secrets_kms_key_arn: str | None
    logs_kms_key_arn: str
    log_retention_days: int
    protected: bool

    @property
    def source_label(self) -> str:
        if self.kinesis_source is not None:
            return self.kinesis_source.full_name
        if self.msk_source is not None:
            return f"MSK {self.msk_source.topic.cluster.cluster_name}/{self.msk_source.topic.kafka_name}"
        return "Direct PUT"

    @property
    def target_label(self) -> str:
        if self.opensearch is not None:
            return f"OpenSearch {self.opensearch.domain_arn.rsplit('/', 1)[1]}/{self.opensearch.index}"
        if self.serverless is not None:
            return f"OpenSearch Serverless {self.serverless.collection_name}/{self.serverless.index}"
        if self.redshift is not None:
            return f"Redshift {self.redshift.jdbc_url.rsplit('/', 1)[1]}.{self.redshift.table}"
        if self.http is not None:
            return f"{self.http.provider} {self.http.url}"
        return f"s3://{self.s3.bucket.bucket}/{self.s3.prefix}"


@dataclass(frozen=True)
class IngestionPipeline(Component):
    """An OpenSearch Ingestion pipeline with its role, log group and (collections) data access policy."""

    full_name: str
    arn: str
    role_name: str
    role_arn: str
    source: str  # kafka | kinesis
    source_summary: str  # for the generated comment
    cluster_arn: str | None
    topic_arns: list[str]  # Kafka topics or Kinesis streams
    group_arns: list[str]
    glue_registry_arns: list[str]
    glue_schema_arns: list[str]
    stream_kms_key_arns: list[str]
    enhanced_fan_out: bool
    target_kind: str  # domain | collection
    target_arn: str
    collection_name: str | None
    network_policy_name: str | None
    index_patterns: list[str]
    bucket: Bucket  # dead-letter queue
    dlq_prefix: str
    min_units: int
    max_units: int
    sizing_note: str
    body: str  # Data Prepper YAML
    kms_key_arn: str
    logs_kms_key_arn: str
    log_retention_days: int
    subnet_ids: list[str]
    security_group_ids: list[str]
    persistent_buffer: bool


@dataclass(frozen=True)
class ClusterPolicyGrant:
    """One statement of an MSK cluster policy: a service principal's actions on the cluster."""

    sid: str
    service: str
    actions: tuple[str, ...]
    consumers: list[str]  # 'domain/sink' of every pipeline that needs it (appended while resolving)


@dataclass(frozen=True)
class MskClusterPolicy(Component):
    """The one resource policy of an env.yaml MSK cluster, aggregated over every consumer."""

    cluster: MskCluster
    grants: dict[str, ClusterPolicyGrant]  # by sid

    def grant(self, sid: str, service: str, actions: tuple[str, ...], consumer: str) -> None:
        found = self.grants.setdefault(sid, ClusterPolicyGrant(sid, service, actions, []))
        assert (found.service, found.actions) == (service, actions), sid
        found.consumers.append(consumer)


@dataclass(frozen=True)
class Provider:
    """An AWS provider configuration of a root: the default one, or an alias per other account."""

    alias: str | None
    account_id: str
    role_arn: str | None
    role_local: str  # the local holding role_arn (an offline plan sets it to null)


@dataclass(frozen=True)
class LogDestination(Component):
    """A CloudWatch Logs destination in the logging account, with its stream and role."""

    full_name: str
    arn: str
    role_name: str
    stream: Stream
    source_account_ids: list[str]
    organization_id: str | None


@dataclass(frozen=True)
class LogDelivery(Component):
    """Firehose from a log source's stream to the central bucket, decoding on the way."""

    full_name: str
    arn: str
    role_name: str
    account_id: str
    stream: Stream
    bucket: Bucket
    prefix: str
    error_prefix: str
    buffer_size_mb: int
    buffer_interval_s: int
    decoder: Function | None  # None: Firehose's native CloudWatch Logs processors
    decoder_buffer_mb: str | None  # Lambda processor BufferSizeInMBs, when not Firehose's default
    kms_key_arn: str
    logs_kms_key_arn: str
    log_retention_days: int
    protected: bool


@dataclass(frozen=True)
class LogSubscription(Component):
    """Subscription filters of one log source, in its application account."""

    filter_name: str
    account_id: str
    provider_alias: str
    log_groups: list[str]
    filter_pattern: str
    destination: LogDestination


@dataclass(frozen=True)
class GlueIcebergTable(Component):
    """An Iceberg table in the Glue Data Catalog (created by Glue, then written by a job)."""

    database: GlueDatabase
    table_name: str
    description: str
    columns: list[Column]  # Iceberg types (int/string for tinyint/smallint/char/varchar)
    location: str
    protected: bool


@dataclass(frozen=True)
class GlueKafkaSource:
    """How a Glue job reaches an MSK topic: the connection's network and IAM scope."""

    topic: KafkaTopic
    group_arn: str
    vpc_id: str
    subnet_id: str
    security_group_ids: list[str]


@dataclass(frozen=True)
class GlueStreamingJob(Component):
    full_name: str
    arn: str
    role_name: str
    description: str
    glue_version: str
    worker_type: str
    workers: int
    window_size_s: int
    starting_position: str
    format: str  # parquet | iceberg
    source: Stream | KafkaTopic
    kafka: GlueKafkaSource | None
    bucket: Bucket
    data_prefix: str
    error_prefix: str
    temp_prefix: str
    checkpoint_location: str
    script_key: str
    script_file: str  # relative to the root directory
    script: Any  # glue_script.ScriptSpec, rendered by render.py
    table: Any  # GlueTable (parquet) or GlueIcebergTable
    kms_key_arn: str
    logs_kms_key_arn: str
    log_retention_days: int


@dataclass(frozen=True)
class RedshiftRole:
    """One domain's streaming-ingestion role for one Redshift target."""

    domain: str
    role_name: str
    arn: str
    kinesis_streams: list[tuple[str, str]]  # (stream ARN, KMS key ARN), filled as sinks resolve
    msk_topics: list[tuple[str, str, str]]  # (cluster ARN, topic ARN, group ARN)


@dataclass(frozen=True)
class RedshiftAccess(Component):
    """The roles Redshift assumes to read streams, per target, in the shared root."""

    target_type: str  # workgroup | cluster
    target_key: str
    cluster_identifier: str | None
    namespace: str | None
    roles: dict[str, RedshiftRole]  # by domain
    keep_role_arns: list[str]


@dataclass(frozen=True)
class RedshiftView:
    sink: str
    schema: str
    view: str
    ddl: str  # CREATE MATERIALIZED VIEW ...
    statement: str  # the CALL that creates it when absent
    source_name: str  # stream or Kafka topic
    file: str  # statement file, relative to the root directory


@dataclass(frozen=True)
class RedshiftStatement:
    key: str
    sql: str
    file: str  # relative to the root directory


@dataclass(frozen=True)
class RedshiftStreamingSql(Component):
    """One domain's schemas and views in one Redshift target (Data API statements)."""

    target_type: str
    target_key: str
    workgroup_name: str | None
    cluster_identifier: str | None
    database: str
    secret_arn: str | None
    db_user: str | None
    role_arn: str
    schemas: dict[str, RedshiftStatement]
    procedure: RedshiftStatement
    external_schemas: dict[str, RedshiftStatement]
    views: dict[str, RedshiftView]


@dataclass(frozen=True)
class KafkaAccessPolicy(Component):
    """A managed IAM policy for Kafka clients (IAM auth): produce, consume or consumer groups."""

    policy_name: str
    description: str
    cluster: MskCluster
    read_topics: list[str]  # Kafka topic names
    write_topics: list[str]
    groups: list[str]  # consumer group names or prefixes ending in '*'
    purpose: str  # produce | consume | groups


@dataclass(frozen=True)
class ConnectPlugin(Component):
    """An MSK Connect custom plugin created from a ZIP/JAR in S3 (one per domain that uses it)."""

    key: str  # env.yaml msk_connect.plugins key
    plugin_name: str
    description: str
    content_type: str
    bucket_arn: str
    file_key: str
    object_version: str | None


@dataclass(frozen=True)
class ConnectorCapacity:
    mode: str  # autoscaling | provisioned
    mcu_per_worker: int
    min_workers: int  # provisioned: the worker count
    max_workers: int
    scale_in_cpu_percent: int | None
    scale_out_cpu_percent: int | None


@dataclass(frozen=True)
class ConnectSecretUse:
    key: str  # env.yaml msk_connect.secrets key
    name: str
    arn: str
    kms_key_arn: str | None


@dataclass(frozen=True)
class Connector(Component):
    """An MSK Connect connector with its worker configuration, role and log group."""

    full_name: str
    kind: str
    direction: str  # sink | source
    role_name: str
    plugin: ConnectPlugin
    cluster: MskCluster
    kafkaconnect_version: str
    capacity: ConnectorCapacity
    tasks_max: int
    configuration: dict[str, str]  # connector properties, sorted
    worker_properties: dict[str, str]  # without the ones the module manages
    read_topics: list[KafkaTopic]
    write_topics: list[KafkaTopic]
    internal_topics: list[str]  # topics the connector creates and owns (Debezium schema history)
    consumer_groups: list[str]
    offset_storage_topic: str | None  # sources: a stable offsets topic survives replacement
    s3_bucket: Bucket | None
    s3_prefix: str | None
    s3_kms_key_arn: str | None
    event_bus_arn: str | None
    glue_registry_arn: str | None
    secrets: list[ConnectSecretUse]
    logs_kms_key_arn: str
    log_retention_days: int
    summary: str  # one line for the generated comment


@dataclass
class Root:
    """One generated Terraform root module, with its own state."""

    path: str  # "shared", "domains/payments"
    description: str
    sources: list[str]  # files it was generated from
    streams: list[Stream] = field(default_factory=list)
    buckets: list[Bucket] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    firehoses: list[DeliveryStream] = field(default_factory=list)
    glue_databases: list[GlueDatabase] = field(default_factory=list)
    glue_tables: list[GlueTable] = field(default_factory=list)
    ingestion_pipelines: list[IngestionPipeline] = field(default_factory=list)
    msk_cluster_policies: list[MskClusterPolicy] = field(default_factory=list)
    # A root in another account than the environment's: its default provider.
    provider: Provider | None = None
    provider_aliases: list[Provider] = field(default_factory=list)
    log_streams: list[Stream] = field(default_factory=list)
    log_decoders: list[Function] = field(default_factory=list)
    log_destinations: list[LogDestination] = field(default_factory=list)
    log_deliveries: list[LogDelivery] = field(default_factory=list)
    log_subscriptions: list[LogSubscription] = field(default_factory=list)
    glue_iceberg_tables: list[GlueIcebergTable] = field(default_factory=list)
    glue_jobs: list[GlueStreamingJob] = field(default_factory=list)
    redshift_access: list[RedshiftAccess] = field(default_factory=list)
    redshift_sql: list[RedshiftStreamingSql] = field(default_factory=list)
    kafka_access_policies: list[KafkaAccessPolicy] = field(default_factory=list)
    connect_plugins: list[ConnectPlugin] = field(default_factory=list)
    connectors: list[Connector] = field(default_factory=list)
    kind: str = "aws"  # aws | kafka (Mongey/kafka provider: topics only)
    kafka_topics: list[KafkaTopic] = field(default_factory=list)  # kafka roots only
    kafka_clusters: list[MskCluster] = field(default_factory=list)  # kafka roots: one provider alias each

    @property
    def components(self) -> list[Component]:
        return [
            *self.buckets,
            *self.streams,
            *self.functions,
            *self.firehoses,
            *self.glue_databases,
            *self.glue_tables,
            *self.ingestion_pipelines,
            *self.msk_cluster_policies,
            *self.log_streams,
            *self.log_decoders,
            *self.log_destinations,
            *self.log_deliveries,
            *self.log_subscriptions,
            *self.glue_iceberg_tables,
            *self.glue_jobs,
            *self.redshift_access,
            *self.redshift_sql,
            *self.kafka_access_policies,
            *self.connect_plugins,
            *self.connectors,
        ]

    @property
    def protected(self) -> list[Any]:
        return [c for c in self.components if getattr(c, "protected", None) is not None]


@dataclass(frozen=True)
class Backend:
    bucket: str
    region: str
    key_prefix: str
    kms_key_arn: str | None
    use_lockfile: bool
    dynamodb_table: str | None


@dataclass
class Resolved:
    env: str
    account_id: str
    region: str
    partition: str
    name_prefix: str
    tags: dict[str, str]
    assume_role_arn: str | None
    backend: Backend
    terraform_required_version: str
    aws_provider_version: str
    roots: list[Root]
    msk_clusters: dict[str, MskCluster] = field(default_factory=dict)
    kafka_topics: list[KafkaTopic] = field(default_factory=list)  # rendered by the Kafka root (issue 4)
    # allow_destroy of every catalog topic and sink, by origin ("file:line"): components
    # without a twin (Glue tables, pipelines) inherit it from the entry that declared them
    entry_allows_destroy: dict[str, bool] = field(default_factory=dict)
    kafka_provider_version: str = "0.12.1"  # Mongey/kafka, for kafka/<domain> roots
