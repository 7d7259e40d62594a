"""Resolvers for what every domain has: topics, transforms, buckets, MSK clusters."""

from __future__ import annotations

from typing import Any

from .. import decisions
from ..index import Entry
from ..model import Bucket, Column, Function, GlueDatabase, GlueTable, KafkaTopic, MskCluster, Origin, Stream
from ..naming import tf_id
from .context import SHARED_ROOT, Context, domain_root


def columns(topic: Any) -> list[Column]:
    schema = topic.schema_
    if schema is None:
        return []
    return [Column(c.name, c.type, c.comment, c.path or c.name) for c in schema.columns]


def msk_clusters(ctx: Context) -> None:
    network = ctx.env.network
    for key, spec in sorted(ctx.env.msk_clusters.items()):
        name, uuid = spec.arn.split(":cluster/")[1].split("/", 1)
        ctx.msk_clusters[key] = MskCluster(
            key=key,
            arn=spec.arn,
            cluster_name=name,
            cluster_uuid=uuid,
            type=spec.type,
            bootstrap_brokers=list(spec.bootstrap_brokers_iam),
            broker_count=spec.broker_count,
            subnet_ids=list(spec.subnet_ids or network.subnet_ids),
            security_group_ids=list(spec.security_group_ids or network.security_group_ids),
            kafka_version=spec.kafka_version,
        )


def stream(ctx: Context, entry: Entry[Any]) -> Stream:
    topic, domain = entry.spec, entry.domain.spec.domain
    sizing = decisions.kinesis_shards(topic, ctx.env, entry.qualified)
    name = ctx.namer.stream(domain, topic.name)
    return Stream(
        domain=domain,
        name=topic.name,
        tf_id=tf_id("topic", topic.name),
        root=domain_root(domain),
        origin=ctx.origin(entry),
        tags=ctx.tags(entry),
        full_name=name,
        arn=ctx.namer.stream_arn(name),
        mode=sizing.mode.upper(),
        shards=sizing.shards,
        retention_hours=sizing.retention_hours,
        kms_key_arn=ctx.data_key,
        protected=not topic.allow_destroy,
        sizing_note=sizing.note,
        columns=columns(topic),
    )


def kafka_topic(ctx: Context, entry: Entry[Any]) -> KafkaTopic:
    topic, domain = entry.spec, entry.domain.spec.domain
    cluster = ctx.msk_clusters[topic.cluster]
    kafka_name = ctx.namer.kafka_topic(domain, topic.name)
    replication = decisions.kafka_replication_factor(topic, cluster.type, cluster.broker_count)
    return KafkaTopic(
        domain=domain,
        name=topic.name,
        tf_id=tf_id("topic", topic.name),
        root=f"kafka/{domain}",
        origin=ctx.origin(entry),
        tags=ctx.tags(entry),
        kafka_name=kafka_name,
        arn=cluster.topic_arn(kafka_name),
        cluster=cluster,
        partitions=topic.partitions,
        replication_factor=replication,
        configs={k: _config_text(v) for k, v in sorted(topic.configs.items())},
        columns=columns(topic),
        protected=not topic.allow_destroy,
    )


def _config_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def function(ctx: Context, entry: Entry[Any]) -> Function:
    spec, domain = entry.spec, entry.domain.spec.domain
    defaults = ctx.env.defaults.lambda_
    name = ctx.namer.function(domain, spec.name)
    package = ctx.packages[spec.source]
    return Function(
        domain=domain,
        name=spec.name,
        tf_id=tf_id("transform", spec.name),
        root=domain_root(domain),
        origin=ctx.origin(entry),
        tags=ctx.tags(entry),
        full_name=name,
        arn=ctx.namer.function_arn(name),
        role_name=ctx.namer.role(domain, spec.name, "lambda"),
        source=spec.source,
        package_file=package.file,
        package_sha256=package.sha256,
        memory_mb=spec.memory_mb or defaults.memory_mb,
        timeout_s=spec.timeout_s or defaults.timeout_s,
        reserved_concurrency=defaults.reserved_concurrency,
        environment=dict(sorted(spec.environment.items())),
        kms_key_arn=ctx.data_key,
        logs_kms_key_arn=ctx.logs_key,
        log_retention_days=ctx.env.logging.retention_days,
        subnet_ids=list(ctx.env.network.subnet_ids),
        security_group_ids=list(ctx.env.network.security_group_ids),
    )


def access_log_bucket(ctx: Context) -> Bucket:
    name = ctx.namer.shared_bucket("access-logs")
    return Bucket(
        domain="",
        name="access-logs",
        tf_id=tf_id("bucket", "access_logs"),
        root=SHARED_ROOT,
        origin=Origin(ctx.loaded.env_doc.display, 1),
        tags={"Purpose": "s3-access-logs"},
        bucket=name,
        arn=ctx.namer.bucket_arn(name),
        kms_key_arn=None,  # S3 server access logging cannot deliver to SSE-KMS buckets
        access_log_bucket=None,
        protected=True,
        purpose="access-logs",
    )


def data_bucket(ctx: Context, entry: Entry[Any]) -> Bucket:
    """The domain's data bucket, created on first use by a sink."""
    domain = entry.domain.spec.domain
    if domain not in ctx.buckets:
        name = ctx.namer.bucket(domain)
        bucket = Bucket(
            domain=domain,
            name="data",
            tf_id=tf_id("bucket", "data"),
            root=domain_root(domain),
            origin=Origin(entry.domain.doc.display, entry.domain.doc.line(("domain",))),
            tags=ctx.tags(entry),
            bucket=name,
            arn=ctx.namer.bucket_arn(name),
            kms_key_arn=ctx.data_key,
            access_log_bucket=ctx.namer.shared_bucket("access-logs"),
            protected=True,
            purpose="data",
        )
        ctx.buckets[domain] = bucket
        ctx.add(bucket, "buckets")
    return ctx.buckets[domain]


def glue_database(ctx: Context, entry: Entry[Any]) -> GlueDatabase:
    """The domain's Glue database, created on first use by a table."""
    domain = entry.domain.spec.domain
    if domain not in ctx.glue_databases:
        database = GlueDatabase(
            domain=domain,
            name="catalog",
            tf_id=tf_id("glue_database"),
            root=domain_root(domain),
            origin=Origin(entry.domain.doc.display, entry.domain.doc.line(("domain",))),
            tags=ctx.tags(entry),
            database_name=ctx.namer.glue_database(domain),
            description=f"Tables of the {domain} domain (managed by streamgen)",
        )
        ctx.glue_databases[domain] = database
        ctx.add(database, "glue_databases")
    return ctx.glue_databases[domain]


def glue_table(
    ctx: Context,
    entry: Entry[Any],
    *,
    name: str,
    description: str,
    columns: list[Column],
    location: str,
    format: str,
    partition_keys: list[Column] | None = None,
    compression: str | None = None,
    parameters: dict[str, str] | None = None,
) -> GlueTable:
    """A table in the domain's database; ``name`` is made Glue-safe."""
    table_name = ctx.namer.glue_table(name)
    table = GlueTable(
        domain=entry.domain.spec.domain,
        name=name,
        tf_id=tf_id("table", table_name),
        root=domain_root(entry.domain.spec.domain),
        origin=ctx.origin(entry),
        tags=ctx.tags(entry),
        database=glue_database(ctx, entry),
        table_name=table_name,
        description=description,
        columns=columns,
        partition_keys=partition_keys or [],
        location=location,
        format=format,
        compression=compression,
        parameters=dict(sorted((parameters or {}).items())),
    )
    ctx.add(table, "glue_tables")
    return table
