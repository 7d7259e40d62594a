"""Firehose sinks: one delivery stream per sink, whatever its destination.

The source (Kinesis stream, MSK topic or Direct PUT), processors, buffering
and the S3 location(s) in the domain's bucket are resolved the same way for
every kind; each kind then fills its destination.
"""

from __future__ import annotations

from typing import Any

from .. import firehose_decisions as fd
from ..firehose_checks import columns_for, partition_folders, table_root
from ..index import Entry
from ..model import (
    Column,
    DeliveryStream,
    ExtendedS3,
    FormatConversion,
    HttpTarget,
    KafkaTopic,
    MskSource,
    OpenSearchTarget,
    Processor,
    RedshiftTarget,
    S3Location,
    ServerlessTarget,
    Stream,
)
from ..naming import tf_id
from . import core
from .context import Context, domain_root
from .osis import cluster_policy

# Private connectivity: Firehose builds a multi-VPC connection to the cluster,
# which the cluster's one resource policy must allow (merged in the shared root).
FIREHOSE_CLUSTER_GRANT = (
    "FirehoseVpcConnection",
    "firehose.amazonaws.com",
    ("kafka:CreateVpcConnection", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"),
)

_ROTATION = {"none": "NoRotation", "hour": "OneHour", "day": "OneDay", "week": "OneWeek", "month": "OneMonth"}
_HTTP_NAMES = {"datadog": "Datadog", "elastic": "Elastic"}


def _location(ctx: Context, entry: Entry[Any], location: fd.Location, buffer: tuple[int, int] | None = None) -> S3Location:
    return S3Location(
        bucket=core.data_bucket(ctx, entry),
        prefix=location.prefix,
        error_prefix=location.error_prefix,
        compression=location.compression,
        kms_key_arn=ctx.data_key,
        buffer_size_mb=buffer[0] if buffer else None,
        buffer_interval_s=buffer[1] if buffer else None,
    )


def _processors(ctx: Context, entry: Entry[Any]) -> list[Processor]:
    domain = entry.domain.spec.domain
    return [
        Processor(p.type, p.parameters, ctx.function(domain, p.transform.name) if p.transform is not None else None)
        for p in fd.processors(entry.spec)
    ]


def _source(ctx: Context, entry: Entry[Any]) -> tuple[Stream | None, MskSource | None]:
    if entry.spec.topic is None:
        return None, None
    topic = ctx.topic_of(entry)
    if isinstance(topic, KafkaTopic):
        options = entry.spec.msk
        connectivity = (options.connectivity if options else "private").upper()
        if connectivity == "PRIVATE":
            cluster_policy(ctx, topic.cluster).grant(*FIREHOSE_CLUSTER_GRANT, consumer=entry.qualified)
        return None, MskSource(
            topic=topic,
            connectivity=connectivity,
            read_from_timestamp=options.read_from_utc if options else None,
        )
    return topic, None


def delivery_stream(ctx: Context, entry: Entry[Any]) -> None:
    """Resolve any Firehose sink (registered for every '<kind>/firehose')."""
    sink, domain = entry.spec, entry.domain.spec.domain
    stream, msk = _source(ctx, entry)
    choice = fd.buffering(sink, ctx.env, entry.qualified)
    locations = fd.locations(sink)
    name = ctx.namer.delivery_stream(domain, sink.name)
    parts: dict[str, Any] = {"extended_s3": None, "opensearch": None, "serverless": None, "redshift": None, "http": None}

    if sink.kind == "s3":
        destination = "extended_s3"
        s3 = _location(ctx, entry, locations[0], (choice.size_mb, choice.interval_s))
        parts["extended_s3"] = _extended_s3(ctx, entry, locations)
    else:
        # the bucket holds failed/all records (module defaults), or Redshift's staging (the stream's buffering)
        staging = (choice.size_mb, choice.interval_s) if sink.kind == "redshift" else None
        s3 = _location(ctx, entry, locations[0], staging)
        if sink.kind == "opensearch":
            destination, parts["opensearch"], parts["serverless"] = _opensearch(ctx, sink, name)
        elif sink.kind == "redshift":
            destination = "redshift"
            parts["redshift"] = _redshift(ctx, entry, locations)
        else:
            destination = "splunk" if sink.provider == "splunk" else "http_endpoint"
            parts["http"] = _http(sink)

    ctx.add(
        DeliveryStream(
            domain=domain,
            name=sink.name,
            tf_id=tf_id("sink", sink.name),
            root=domain_root(domain),
            origin=ctx.origin(entry),
            tags=ctx.tags(entry),
            full_name=name,
            arn=ctx.namer.delivery_stream_arn(name),
            role_name=ctx.namer.role(domain, sink.name, "firehose"),
            kinesis_source=stream,
            msk_source=msk,
            destination=destination,
            s3=s3,
            buffer_size_mb=choice.size_mb,
            buffer_interval_s=choice.interval_s,
            processors=_processors(ctx, entry),
            sse_kms_key_arn=ctx.data_key if sink.direct_put else None,
            secrets_kms_key_arn=ctx.env.kms.secrets,
            logs_kms_key_arn=ctx.logs_key,
            log_retention_days=ctx.env.logging.retention_days,
            protected=not sink.allow_destroy,
            **parts,
        ),
        "firehoses",
    )


def _extended_s3(ctx: Context, entry: Entry[Any], locations: list[fd.Location]) -> ExtendedS3:
    sink = entry.spec
    backup = next((loc for loc in locations if loc.purpose == "backup"), None)
    conversion = sink.format_conversion
    extension = sink.file_extension
    if extension is None and conversion is not None:
        extension = f".{conversion.to}"
    dynamic = sink.dynamic_partitioning
    return ExtendedS3(
        file_extension=extension,
        backup=_location(ctx, entry, backup) if backup else None,
        dynamic_partitioning=dynamic is not None,
        dynamic_partitioning_retry_s=dynamic.retry_duration_s if dynamic else None,
        conversion=_conversion(ctx, entry, locations[0]) if conversion is not None else None,
    )


def _conversion(ctx: Context, entry: Entry[Any], data: fd.Location) -> FormatConversion:
    sink, spec = entry.spec, entry.spec.format_conversion
    columns = [Column(c.name, c.type, c.comment, c.path or c.name) for c in columns_for(ctx.index, entry)]
    bucket = core.data_bucket(ctx, entry)
    partitions = [Column(p, "string", "folder of the S3 prefix", p) for p in partition_folders(data.prefix)]
    table = core.glue_table(
        ctx,
        entry,
        name=sink.name,
        description=f"{spec.to} files of sink {entry.qualified} (written by Firehose)",
        columns=columns,
        location=f"s3://{bucket.bucket}/{table_root(data.prefix)}",
        format=spec.to,
        partition_keys=partitions,
        compression=spec.compression if spec.compression not in ("UNCOMPRESSED", "NONE") else None,
        parameters=fd.partition_projection(data.prefix, table_root(data.prefix)),
    )
    return FormatConversion(
        output=spec.to,
        compression=spec.compression,
        deserializer=spec.deserializer,
        timestamp_formats=list(spec.timestamp_formats),
        column_to_json_key={c.name: c.path for c in columns if c.path != c.name} if spec.deserializer == "openx" else {},
        table=table,
    )


def _opensearch(ctx: Context, sink: Any, stream_name: str) -> tuple[str, OpenSearchTarget | None, ServerlessTarget | None]:
    mode = "AllDocuments" if sink.backup.mode == "all" else "FailedDocumentsOnly"
    if sink.opensearch_domain is not None:
        target = ctx.env.opensearch.domains[sink.opensearch_domain]
        network = ctx.env.network
        return (
            "opensearch",
            OpenSearchTarget(
                domain_arn=target.arn,
                index=sink.index,
                rotation=_ROTATION[sink.index_rotation],
                document_id_format={"firehose": "FIREHOSE_DEFAULT", "none": "NO_DOCUMENT_ID", None: None}[sink.document_id],
                retry_s=sink.retry_duration_s,
                backup_mode=mode,
                vpc_id=network.vpc_id if target.vpc else None,
                subnet_ids=list(network.subnet_ids) if target.vpc else [],
                security_group_ids=list(network.security_group_ids) if target.vpc else [],
            ),
            None,
        )
    collection = ctx.env.opensearch.collections[sink.collection]
    return (
        "opensearchserverless",
        None,
        ServerlessTarget(
            collection_arn=collection.arn,
            collection_name=collection.name,
            endpoint=collection.endpoint.rstrip("/"),
            index=sink.index,
            retry_s=sink.retry_duration_s,
            backup_mode=mode,
            access_policy_name=fd.serverless_policy_name(stream_name),
        ),
    )


def _redshift(ctx: Context, entry: Entry[Any], locations: list[fd.Location]) -> RedshiftTarget:
    sink, env = entry.spec, ctx.env
    backup = next((loc for loc in locations if loc.purpose == "backup"), None)
    declared = columns_for(ctx.index, entry)
    jsonpaths_key, jsonpaths, jsonpaths_uri = None, [], None
    if sink.columns is not None:
        columns = list(sink.columns)
    else:
        columns = [c.name for c in declared]
        if declared and sink.copy_options is None:
            # schema paths may differ from column names (camelCase keys, nested values):
            # a JSONPaths file maps them by position, which JSON 'auto' cannot
            jsonpaths_key = fd.redshift_jsonpaths_key(sink)
            jsonpaths = [f"$.{c.path or c.name}" for c in declared]
            jsonpaths_uri = f"s3://{core.data_bucket(ctx, entry).bucket}/{jsonpaths_key}"
    target_arn = env.redshift.clusters[sink.cluster].arn if sink.cluster else env.redshift.workgroups[sink.workgroup].namespace_arn
    secret = fd.redshift_secret(sink, env)
    assert secret is not None  # checks demand one
    return RedshiftTarget(
        jdbc_url=fd.redshift_jdbc_url(sink, env),
        target_arn=target_arn,
        table=sink.table,
        columns=list(columns),
        copy_options=fd.redshift_copy_options(sink, jsonpaths_uri),
        secret_arn=secret,
        retry_s=sink.retry_duration_s,
        backup=_location(ctx, entry, backup) if backup else None,
        jsonpaths_key=jsonpaths_key,
        jsonpaths=jsonpaths,
    )


def _http(sink: Any) -> HttpTarget:
    splunk = sink.provider == "splunk"
    options = sink.splunk
    if splunk:
        mode = "AllEvents" if sink.backup.mode == "all" else "FailedEventsOnly"
    else:
        mode = "AllData" if sink.backup.mode == "all" else "FailedDataOnly"
    return HttpTarget(
        provider=sink.provider,
        url=sink.url,
        name=_HTTP_NAMES.get(sink.provider, sink.name),
        secret_arn=sink.secret_arn,
        content_encoding=sink.content_encoding or ("NONE" if sink.provider == "generic" else "GZIP"),
        attributes=dict(sorted(sink.attributes.items())),
        retry_s=sink.retry_duration_s,
        backup_mode=mode,
        splunk_event_type=("Event" if options and options.event_type == "event" else "Raw") if splunk else None,
        splunk_ack_timeout_s=options.ack_timeout_s if options else None,
    )
