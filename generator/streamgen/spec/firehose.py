"""Firehose sinks: where records come from, where they go, what happens between.

Every Firehose sink reads one source (a Kinesis stream or MSK topic of the
catalog, or Direct PUT) and delivers to one destination kind (S3,
OpenSearch, Redshift, HTTP endpoint). The pieces all kinds share (source,
transform, buffering, S3 backup, retries) are defined once here; each kind
adds its destination fields. Rules that need env.yaml or the whole catalog
(targets, secrets, final buffer sizes) live in :mod:`streamgen.firehose_checks`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from .. import firehose_prefix, limits
from ..secrets import plaintext_secret_keys
from .base import FieldError, Spec, pattern_type
from .env import Buffering
from .names import TopicRef
from .schema import RecordSchema
from .sink_base import SinkBase, TransformRef

Compression = Literal["GZIP", "UNCOMPRESSED", "Snappy", "ZIP", "HADOOP_SNAPPY"]
FileExtension = pattern_type(
    r"\.[0-9a-z!\-_.*'()]{1,127}", "must start with '.' and use lowercase letters, digits or !-_.*'()"
)
SecretArn = pattern_type(
    r"arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+",
    "must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)",
)
RetrySeconds = Annotated[int, Field(ge=limits.FIREHOSE_RETRY_SECONDS[0], le=limits.FIREHOSE_RETRY_SECONDS[1])]
HttpsUrl = pattern_type(r"https://[A-Za-z0-9.-]+(:\d{1,5})?(/[^\s]*)?", "must be an https:// URL")
PartitionKey = pattern_type(r"[A-Za-z0-9_]{1,64}", "must be 1-64 letters, digits or '_'")
TargetKey = pattern_type(r"[a-z][a-z0-9-]{0,62}", "must be a name from env.yaml (lowercase letters, digits, '-')")

PLAINTEXT_HINT = "store it in Secrets Manager and set secret_arn to the secret's ARN"


def _timestamp(value: Any) -> Any:
    # YAML turns an unquoted 2024-05-01T00:00:00Z into a datetime; a quoted one stays text
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value!r} is not an RFC 3339 timestamp like 2024-05-01T00:00:00Z") from None
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("needs a time zone, e.g. 2024-05-01T00:00:00Z")
    return value


ReadFrom = Annotated[datetime, BeforeValidator(_timestamp), Field(strict=False)]


def _prefix_checker(*, error_prefix: bool) -> Any:
    def check(value: str) -> str:
        found = firehose_prefix.problems(value, error_prefix=error_prefix)
        if found:
            raise ValueError("; ".join(found))
        return value

    return check


# Prefixes of backup, staging and failed-record locations (never dynamic partitions).
PlainPrefix = Annotated[str, Field(min_length=1), AfterValidator(_prefix_checker(error_prefix=False))]
ErrorPrefix = Annotated[str, Field(min_length=1), AfterValidator(_prefix_checker(error_prefix=True))]


class MskRead(Spec):
    """How the delivery stream reads an MSK topic (IAM authentication)."""

    connectivity: Literal["private", "public"] = "private"
    """private: the cluster's multi-VPC private connectivity (its cluster policy must let firehose.amazonaws.com
    create VPC connections); public: the public bootstrap brokers (provisioned clusters with public access)."""
    read_from: ReadFrom | None = None
    """Start at this time (RFC 3339 with a zone, e.g. 2024-05-01T00:00:00Z); default: when the stream becomes active."""

    @property
    def read_from_utc(self) -> str | None:
        if self.read_from is None:
            return None
        return self.read_from.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class S3Backup(Spec):
    """A copy in the domain's bucket (SSE-KMS with the data key)."""

    prefix: PlainPrefix | None = None
    """Key prefix; default '<sink>/backup/year=.../'."""
    error_prefix: ErrorPrefix | None = None
    """Prefix for records that could not be written; default '<sink>/backup-errors/...'."""
    compression: Compression = "GZIP"


def _backup_shorthand(value: Any) -> Any:
    # `backup: true` enables the backup with its defaults
    if value is True:
        return {}
    return value


BackupRef = Annotated[S3Backup, BeforeValidator(_backup_shorthand, json_schema_input_type=bool | S3Backup)]


class DeliveryBackup(S3Backup):
    """What goes to the domain's bucket besides the destination."""

    mode: Literal["failed", "all"] = "failed"
    """failed: only what the destination rejected after retries; all: every record, too."""


def _delivery_backup_shorthand(value: Any) -> Any:
    # `backup: all` is short for `backup: {mode: all}`
    return {"mode": value} if isinstance(value, str) else value


DeliveryBackupRef = Annotated[
    DeliveryBackup, BeforeValidator(_delivery_backup_shorthand, json_schema_input_type=str | DeliveryBackup)
]


class FirehoseSink(SinkBase):
    """Fields of every sink delivered by Firehose."""

    topic: TopicRef | None = None
    """Topic to read: a Kinesis stream or MSK topic, 'name' in this domain or 'domain/name'. Omit with direct_put."""
    direct_put: bool = False
    """No topic: producers write with PutRecord/PutRecordBatch; records are encrypted with the data key."""
    msk: MskRead | None = None
    """Options for reading an MSK topic (connectivity, start time)."""
    transform: TransformRef | None = None
    """Transform (Lambda processor) applied before delivery; for MSK topics it receives kafkaRecordValue."""
    buffering: Buffering | None = None
    """Default from env.yaml defaults.firehose.buffering, capped to what the destination accepts."""

    @model_validator(mode="before")
    @classmethod
    def _no_plaintext_secret(cls, data: Any) -> Any:
        # Name a pasted key or password for what it is, not as an "unknown field".
        if isinstance(data, dict):
            known = {f.alias or n for n, f in cls.model_fields.items()}
            leaked = [k for k in plaintext_secret_keys({k: v for k, v in data.items() if k not in known})]
            if leaked:
                raise FieldError(leaked[0], f"looks like a plaintext secret; {PLAINTEXT_HINT}")
        return data

    @model_validator(mode="after")
    def _source(self) -> "FirehoseSink":
        if self.direct_put and self.topic is not None:
            raise FieldError("direct_put", "a sink either reads a topic or takes Direct PUT, not both")
        if not self.direct_put and self.topic is None:
            raise FieldError("topic", "name the topic to read, or set direct_put: true")
        if self.msk is not None and self.topic is None:
            raise FieldError("msk", "msk options need an MSK topic")
        return self


class DynamicPartitioning(Spec):
    """S3 objects grouped by values of each record (partition keys in the prefix)."""

    keys: dict[PartitionKey, Annotated[str, Field(min_length=1, max_length=512, pattern=r"^[^\n]+$")]] = {}
    """jq metadata extraction: partition key -> jq expression over the JSON record, e.g. {customer: .customer.id}."""
    lambda_keys: list[PartitionKey] = []
    """Keys the transform returns in each record's metadata.partitionKeys."""
    retry_duration_s: RetrySeconds | None = None
    """How long Firehose retries a failed S3 delivery (0-7,200 s; Firehose default 300 s)."""
    append_newline: bool = True
    """Append a newline to each record, so objects are JSON lines."""
    deaggregate_json: bool = False
    """Split records that hold several concatenated JSON objects before partitioning."""

    @model_validator(mode="after")
    def _some_key(self) -> "DynamicPartitioning":
        if not self.keys and not self.lambda_keys:
            raise FieldError("keys", "name at least one partition key (keys for jq, lambda_keys for the transform)")
        if len(set(self.lambda_keys)) != len(self.lambda_keys):
            raise FieldError("lambda_keys", "contains duplicates")
        return self

    @property
    def query(self) -> str | None:
        """The MetadataExtractionQuery: a jq object of the keys, in catalog order."""
        if not self.keys:
            return None
        return "{" + ",".join(f"{k}:{v}" for k, v in self.keys.items()) + "}"

    def expression(self, key: str) -> str:
        namespace = "partitionKeyFromQuery" if key in self.keys else "partitionKeyFromLambda"
        return f"!{{{namespace}:{key}}}"


ParquetCompression = Literal["SNAPPY", "GZIP", "UNCOMPRESSED"]
OrcCompression = Literal["SNAPPY", "ZLIB", "NONE"]


class FormatConversion(Spec):
    """JSON records -> Parquet or ORC, with the columns of a Glue table streamgen creates."""

    to: Literal["parquet", "orc"]
    compression: Literal["SNAPPY", "GZIP", "ZLIB", "UNCOMPRESSED", "NONE"] = "SNAPPY"
    """Parquet: SNAPPY, GZIP or UNCOMPRESSED; ORC: SNAPPY, ZLIB or NONE."""
    deserializer: Literal["openx", "hive"] = "openx"
    """openx: OpenX JSON SerDe (columns may map other JSON keys); hive: Hive JSON SerDe (timestamp_formats)."""
    timestamp_formats: list[Annotated[str, Field(min_length=1)]] = []
    """Hive SerDe only: Joda-Time patterns (or 'millis') to parse timestamps."""

    @model_validator(mode="after")
    def _combination(self) -> "FormatConversion":
        allowed = {"parquet": ("SNAPPY", "GZIP", "UNCOMPRESSED"), "orc": ("SNAPPY", "ZLIB", "NONE")}[self.to]
        if self.compression not in allowed:
            raise FieldError("compression", f"{self.to} takes {', '.join(allowed)}")
        if self.timestamp_formats and self.deserializer != "hive":
            raise FieldError("timestamp_formats", "only the hive deserializer takes timestamp_formats")
        return self


class S3Sink(FirehoseSink):
    """Firehose delivery stream into the domain's S3 bucket (extended S3 destination)."""

    kind: Literal["s3"]
    via: Literal["firehose"] = "firehose"
    prefix: Annotated[str, Field(min_length=1)] | None = None
    """S3 key prefix; default '<sink>/data/[<key>=!{partitionKey...}/]year=!{timestamp:yyyy}/.../hour=!{timestamp:HH}/'."""
    error_prefix: Annotated[str, Field(min_length=1)] | None = None
    """Prefix for failed records; default '<sink>/errors/!{firehose:error-output-type}/year=.../'."""
    compression: Compression | None = None
    """Default GZIP; UNCOMPRESSED with format_conversion (the serializer compresses)."""
    file_extension: FileExtension | None = None
    """Default: Firehose's (.gz for GZIP); '.parquet' or '.orc' with format_conversion."""
    backup: BackupRef | None = None
    """Also keep the source records as received (before transform and conversion)."""
    dynamic_partitioning: DynamicPartitioning | None = None
    format_conversion: FormatConversion | None = None
    schema_: RecordSchema | None = Field(default=None, alias="schema")
    """Columns of Direct PUT records (sinks reading a topic use the topic's schema)."""

    model_config = FirehoseSink.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _prefixes(self) -> "S3Sink":
        dynamic = self.dynamic_partitioning
        for field, value, is_error in (("prefix", self.prefix, False), ("error_prefix", self.error_prefix, True)):
            if value is None:
                continue
            found = firehose_prefix.problems(value, error_prefix=is_error, dynamic_partitioning=dynamic is not None)
            if not found and dynamic is not None and not is_error:
                found = _partition_key_use(value, dynamic)
            if found:
                raise FieldError(field, "; ".join(found))
        if dynamic is not None and dynamic.lambda_keys and self.transform is None:
            raise FieldError("dynamic_partitioning", "lambda_keys need a transform that returns them")
        if self.format_conversion is not None and self.compression not in (None, "UNCOMPRESSED"):
            raise FieldError(
                "compression", "with format_conversion the serializer compresses; set format_conversion.compression instead"
            )
        if self.schema_ is not None and not self.direct_put:
            raise FieldError("schema", "a sink reading a topic uses the topic's schema; declare it there")
        return self


def _partition_key_use(prefix: str, dynamic: DynamicPartitioning) -> list[str]:
    """A dynamic-partitioning prefix must use exactly the declared keys."""
    found = []
    used = firehose_prefix.partition_keys(prefix)
    declared = {("query", k) for k in dynamic.keys} | {("lambda", k) for k in dynamic.lambda_keys}
    for source, key in sorted(used - declared):
        where = "keys" if source == "query" else "lambda_keys"
        namespace = "partitionKeyFromQuery" if source == "query" else "partitionKeyFromLambda"
        found.append(f"!{{{namespace}:{key}}}: '{key}' is not in dynamic_partitioning.{where}")
    for source, key in sorted(declared - used):
        namespace = "partitionKeyFromQuery" if source == "query" else "partitionKeyFromLambda"
        found.append(f"does not use partition key '{key}' (add !{{{namespace}:{key}}})")
    return found


IndexName = pattern_type(
    r"[a-z0-9][a-z0-9._-]{0,79}",
    "must be 1-80 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (OpenSearch index rules)",
)


class OpenSearchSink(FirehoseSink):
    """Firehose delivery into an OpenSearch Service domain or Serverless collection from env.yaml."""

    kind: Literal["opensearch"]
    via: Literal["firehose"] = "firehose"
    opensearch_domain: TargetKey | None = None
    """Key of env.yaml opensearch.domains (a VPC domain is reached through the environment's subnets)."""
    collection: TargetKey | None = None
    """Key of env.yaml opensearch.collections (OpenSearch Serverless)."""
    index: IndexName
    index_rotation: Literal["none", "hour", "day", "week", "month"] = "none"
    """Append the date to the index name (domains only)."""
    document_id: Literal["firehose", "none"] | None = None
    """firehose: Firehose generates document ids (default); none: OpenSearch does (domains only)."""
    retry_duration_s: RetrySeconds | None = None
    """How long Firehose retries before backing up to S3 (0-7,200 s; Firehose default 300 s)."""
    backup: DeliveryBackupRef = DeliveryBackup()
    """Documents OpenSearch rejected (or all documents) go to the domain's bucket."""

    @model_validator(mode="after")
    def _target(self) -> "OpenSearchSink":
        if (self.opensearch_domain is None) == (self.collection is None):
            raise FieldError("opensearch_domain", "name either opensearch_domain or collection")
        if self.collection is not None:
            if self.index_rotation != "none":
                raise FieldError("index_rotation", "OpenSearch Serverless collections do not rotate indexes")
            if self.document_id is not None:
                raise FieldError("document_id", "OpenSearch Serverless collections always assign document ids")
        return self


RedshiftTable = pattern_type(
    r"(?:[a-z_][a-z0-9_$]{0,126}\.)?[a-z_][a-z0-9_$]{0,126}", "must be 'table' or 'schema.table' (lowercase)"
)
_COPY_CREDENTIALS = ("credentials", "access_key_id", "secret_access_key", "session_token", "iam_role", "master_symmetric_key")


class RedshiftFirehoseSink(FirehoseSink):
    """Firehose delivery into Redshift: records are staged in S3, then loaded with COPY."""

    kind: Literal["redshift"]
    via: Literal["firehose"]
    cluster: TargetKey | None = None
    """Key of env.yaml redshift.clusters."""
    workgroup: TargetKey | None = None
    """Key of env.yaml redshift.workgroups (Redshift Serverless)."""
    table: RedshiftTable
    """Target table; it must exist (create it with the database's migrations)."""
    columns: list[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_$]{0,126}$")]] | None = None
    """Columns COPY fills, in order; default: the topic's schema columns (or every column)."""
    copy_options: Annotated[str, Field(min_length=1, max_length=2048)] | None = None
    """COPY options; default "FORMAT AS JSON 'auto' GZIP". Firehose adds the credentials itself."""
    secret_arn: SecretArn | None = None
    """Secret with the database user's username and password; default: the target's admin_secret_arn."""
    retry_duration_s: RetrySeconds | None = None
    """How long Firehose retries a failed COPY (0-7,200 s; Firehose default 3,600 s)."""
    staging_prefix: PlainPrefix | None = None
    """Where records wait for COPY; default '<sink>/staging/'."""
    backup: BackupRef | None = None
    """Also keep the source records as received."""

    @model_validator(mode="after")
    def _target(self) -> "RedshiftFirehoseSink":
        if (self.cluster is None) == (self.workgroup is None):
            raise FieldError("cluster", "name either cluster or workgroup")
        if self.copy_options is not None:
            lowered = self.copy_options.lower()
            if any(word in lowered for word in _COPY_CREDENTIALS):
                raise FieldError("copy_options", "must not carry credentials; Firehose supplies them from its role")
        return self


class SplunkOptions(Spec):
    event_type: Literal["raw", "event"] = "raw"
    """HEC endpoint type."""
    ack_timeout_s: Annotated[int, Field(ge=180, le=600)] | None = None
    """How long Firehose waits for the HEC acknowledgement (180-600 s; default 180 s)."""


class HttpSink(FirehoseSink):
    """Firehose delivery to an HTTP endpoint: Splunk HEC, Datadog, Elastic or any endpoint of the Firehose HTTP spec."""

    kind: Literal["http"]
    via: Literal["firehose"] = "firehose"
    provider: Literal["splunk", "datadog", "elastic", "generic"]
    url: Annotated[HttpsUrl, Field(max_length=1000)]
    """Endpoint URL (Splunk: the HEC endpoint). Never put keys in it: use secret_arn."""
    secret_arn: SecretArn | None = None
    """Secret holding the access key ('api_key'; Splunk: 'hec_token'); required except for generic endpoints."""
    content_encoding: Literal["GZIP", "NONE"] | None = None
    """Request body encoding (not for Splunk); default GZIP for Datadog and Elastic, NONE for generic endpoints."""
    attributes: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,256}$")], Annotated[str, Field(max_length=1024)]] = {}
    """Common attributes sent with every request (not for Splunk); never credentials."""
    retry_duration_s: RetrySeconds | None = None
    """How long Firehose retries before backing up to S3 (0-7,200 s; Firehose default 300 s)."""
    backup: DeliveryBackupRef = DeliveryBackup()
    """Records the endpoint rejected (or all records) go to the domain's bucket."""
    splunk: SplunkOptions | None = None

    @model_validator(mode="after")
    def _endpoint(self) -> "HttpSink":
        if self.secret_arn is None and self.provider != "generic":
            raise FieldError("secret_arn", f"{self.provider} needs its access key: the ARN of a Secrets Manager secret")
        if "@" in self.url.split("/", 3)[2] or any(
            plaintext_secret_keys({part.split("=", 1)[0]: part.partition("=")[2]})
            for part in self.url.partition("?")[2].split("&")
            if part
        ):
            raise FieldError("url", f"carries credentials; {PLAINTEXT_HINT}")
        leaked = plaintext_secret_keys(self.attributes)
        if leaked:
            raise FieldError("attributes", f"{', '.join(leaked)} looks like a plaintext secret; {PLAINTEXT_HINT}")
        if self.provider == "splunk":
            if self.attributes:
                raise FieldError("attributes", "Splunk HEC takes no common attributes")
        elif self.splunk is not None:
            raise FieldError("splunk", "splunk options need provider: splunk")
        return self
