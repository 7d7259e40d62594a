"""Glue streaming sinks: a job per sink, its table, and its script."""

from __future__ import annotations

from typing import Any

from .. import streaming_decisions as sd
from ..glue_script import ScriptColumn, ScriptSpec
from ..index import Entry
from ..model import Column, GlueIcebergTable, GlueKafkaSource, GlueStreamingJob, KafkaTopic, Stream
from ..naming import tf_id
from . import core
from .context import Context, domain_root

SCRIPT_DIR = "glue"


def _topic_entry(ctx: Context, entry: Entry[Any]) -> Entry[Any]:
    topic = ctx.index.get("topics", entry.domain.spec.domain, entry.spec.topic)
    assert topic is not None
    return topic


def glue_sink(ctx: Context, entry: Entry[Any]) -> None:
    sink, domain = entry.spec, entry.domain.spec.domain
    source = ctx.topic_of(entry)
    bucket = core.data_bucket(ctx, entry)
    prefixes = sd.glue_prefixes(sink)
    worker_type, workers, version, window = sd.glue_settings(sink)
    topic_entry = _topic_entry(ctx, entry)
    assert topic_entry.spec.schema_ is not None  # checks require declared columns
    declared = list(topic_entry.spec.schema_.columns)
    partition_keys = sd.glue_partition_keys(sink)
    event_date = sd.EVENT_DATE in partition_keys and all(c.name != sd.EVENT_DATE for c in declared)
    name = ctx.namer.name(domain, sink.name)
    location = f"s3://{bucket.bucket}/{prefixes.data}"
    table_name = ctx.namer.glue_table(sink.name)

    if sink.format == "iceberg":
        table: Any = GlueIcebergTable(
            domain=domain,
            name=sink.name,
            tf_id=tf_id("iceberg", table_name),
            root=domain_root(domain),
            origin=ctx.origin(entry),
            tags=ctx.tags(entry),
            database=core.glue_database(ctx, entry),
            table_name=table_name,
            description=f"Iceberg table written by Glue streaming job {name}",
            columns=[
                Column(c.name, sd.iceberg_type(sd.parsed_type(c.type)), c.comment, c.path or c.name) for c in declared
            ],
            location=location,
            protected=not sink.allow_destroy,
        )
        ctx.add(table, "glue_iceberg_tables")
    else:
        by_name = {c.name: c for c in declared}
        keys = [
            Column(sd.EVENT_DATE, "date", "Event date (UTC) of the record", sd.EVENT_DATE)
            if key == sd.EVENT_DATE and event_date
            else Column(key, by_name[key].type, by_name[key].comment, by_name[key].path or key)
            for key in partition_keys
        ]
        table = core.glue_table(
            ctx,
            entry,
            name=sink.name,
            description=f"Parquet files written by Glue streaming job {name}",
            columns=[Column(c.name, c.type, c.comment, c.path or c.name) for c in declared if c.name not in partition_keys],
            partition_keys=keys,
            location=location,
            format="parquet",
            compression="SNAPPY",
        )

    kafka = None
    if isinstance(source, KafkaTopic):
        cluster = source.cluster
        kafka = GlueKafkaSource(
            topic=source,
            # Spark's Kafka source names its consumer groups spark-kafka-source-<uuid>
            group_arn=cluster.group_arn("spark-kafka-source-*"),
            vpc_id=ctx.env.network.vpc_id,
            subnet_id=cluster.subnet_ids[0],
            security_group_ids=list(cluster.security_group_ids),
        )
        described = f"MSK topic {source.kafka_name}"
    else:
        assert isinstance(source, Stream)
        described = f"Kinesis stream {source.full_name}"

    # Output columns: parquet puts partition columns last (Hive layout); the
    # Iceberg writer matches columns by name.
    if sink.format == "parquet":
        ordered = [c for c in declared if c.name not in partition_keys] + [
            c for key in partition_keys for c in declared if c.name == key
        ]
    else:
        ordered = declared
    script = ScriptSpec(
        job_name=name,
        description=f"{described} -> {sink.format} {location}",
        sources=sorted({entry.domain.doc.display, topic_entry.domain.doc.display, ctx.loaded.env_doc.display}),
        platform="msk" if kafka else "kinesis",
        format=sink.format,
        columns=[
            ScriptColumn(
                c.name,
                sd.parsed_type(sd.iceberg_type(sd.parsed_type(c.type)) if sink.format == "iceberg" else c.type),
                sd.column_path(c),
            )
            for c in ordered
        ],
        required=list(sink.required),
        event_time=sink.event_time,
        partition_keys=partition_keys,
        event_date=event_date,
    )
    ctx.add(
        GlueStreamingJob(
            domain=domain,
            name=sink.name,
            tf_id=tf_id("glue", sink.name),
            root=domain_root(domain),
            origin=ctx.origin(entry),
            tags=ctx.tags(entry),
            full_name=name,
            arn=ctx.namer.arn("glue", f"job/{name}"),
            role_name=ctx.namer.role(domain, sink.name, "glue"),
            description=sink.description or f"Streaming: {described} -> {sink.format} table {table_name}",
            glue_version=version,
            worker_type=worker_type,
            workers=workers,
            window_size_s=window,
            starting_position=sink.starting_position,
            format=sink.format,
            source=source,
            kafka=kafka,
            bucket=bucket,
            data_prefix=prefixes.data,
            error_prefix=prefixes.errors,
            temp_prefix=prefixes.temp,
            checkpoint_location=sd.glue_checkpoint(sink, bucket.bucket),
            script_key=prefixes.script_key,
            script_file=f"{SCRIPT_DIR}/{name}.py",
            script=script,
            table=table,
            kms_key_arn=ctx.data_key,
            logs_kms_key_arn=ctx.logs_key,
            log_retention_days=ctx.env.logging.retention_days,
        ),
        "glue_jobs",
    )
