"""Central logging: catalog log sources -> the ``logging`` root.

One root holds both sides, so a single apply creates each destination before
the subscription filters that point at it: its default provider is the
logging account; each application account is a provider alias (deploy role
from env.yaml). Per log source, in the logging account: a Kinesis stream, a
CloudWatch Logs destination writing into it (policy: only the source's
account may subscribe), a Firehose delivery stream into the central bucket
(native CloudWatch Logs processors, or the decoder Lambda), and an Athena
table with projected daily partitions; in the application account: one
subscription filter per log group.
"""

from __future__ import annotations

import json
from typing import Any

from ..central_logging import DECODER_SOURCE, JSON_COLUMNS, PARTITION, ROOT, LoggingNames, provider_alias
from ..index import Entry
from ..load import Loaded
from ..model import (
    Bucket,
    Column,
    Function,
    GlueDatabase,
    GlueTable,
    LogDelivery,
    LogDestination,
    LogSubscription,
    Origin,
    Provider,
    Root,
    Stream,
)
from ..naming import tf_id
from .context import Context

SHARED_TAGS = {"Purpose": "central-logging"}
# Decoded CloudWatch Logs data is 5-10 times its compressed size: half a
# megabyte of input per invocation keeps most responses under Lambda's 6 MB
# (the decoder re-ingests what does not fit).
DECODER_BUFFER_MB = "0.5"
DECODER_MIN_MEMORY_MB = 512  # CPU scales with memory; decoding is CPU-bound
# Athena partition projection: no crawler, no MSCK REPAIR; days outside the
# range are not queried.
PROJECTION_RANGE = "NOW-3YEARS,NOW"


def lambda_sources(loaded: Loaded) -> set[str]:
    """The decoder is built only when a log source uses it."""
    uses = any(s.decode_mode == "lambda" for d in loaded.domains for s in d.spec.log_sources)
    return {DECODER_SOURCE} if uses else set()


def central_logging(ctx: Context) -> None:
    sources = ctx.index.all("log_sources")
    if not sources:
        return
    env, env_doc = ctx.env, ctx.loaded.env_doc
    setup = env.central_logging
    assert setup is not None  # checks require it
    account = env.accounts[setup.account]
    assert account.kms is not None
    names = LoggingNames.of(env)
    used = sorted({e.spec.account for e in sources})
    root = Root(
        ROOT,
        f"Central logging: destinations in the logging account '{setup.account}' ({account.account_id}), "
        "subscription filters in the application accounts.",
        sorted({env_doc.display, *(e.domain.doc.display for e in sources)}),
        provider=Provider(None, account.account_id, account.deploy_role_arn, "deploy_role_arn"),
        provider_aliases=[
            Provider(provider_alias(name), env.accounts[name].account_id, env.accounts[name].deploy_role_arn, f"deploy_role_arn_{provider_alias(name)}")
            for name in used
        ],
    )
    ctx.roots[ROOT] = root
    origin = Origin(env_doc.display, env_doc.line(("central_logging",)))
    data_key = account.kms.data
    logs_key = account.kms.logs or account.kms.data

    # S3 server access logs must go to a bucket of the same account: reuse the
    # environment's when the logging account is the environment's own.
    if account.account_id == env.account_id:
        access_logs = ctx.namer.shared_bucket("access-logs")
    else:
        access_logs = names.access_log_bucket
        root.buckets.append(_bucket(names, "access-logs", access_logs, None, None, origin))
    bucket = _bucket(names, "logs", names.bucket, data_key, access_logs, origin)
    root.buckets.append(bucket)
    database = GlueDatabase(
        domain="central-logging",
        name="central-logs",
        tf_id=tf_id("glue_database"),
        root=ROOT,
        origin=origin,
        tags=SHARED_TAGS,
        database_name=names.glue_database,
        description="Centralised CloudWatch Logs, one table per log source (managed by streamgen)",
    )
    root.glue_databases.append(database)

    for entry in sources:
        _source(ctx, root, entry, names, bucket, database, data_key, logs_key)


def _bucket(names: LoggingNames, name: str, bucket: str, key: str | None, access_logs: str | None, origin: Origin) -> Bucket:
    return Bucket(
        domain="",
        name=name,
        tf_id=tf_id("bucket", name.replace("-", "_")),
        root=ROOT,
        origin=origin,
        tags={**SHARED_TAGS, "Purpose": "s3-access-logs"} if key is None else SHARED_TAGS,
        bucket=bucket,
        arn=names.namer.bucket_arn(bucket),
        kms_key_arn=key,
        access_log_bucket=access_logs,
        protected=True,
        purpose="access-logs" if key is None else "data",
    )


def _source(
    ctx: Context,
    root: Root,
    entry: Entry[Any],
    names: LoggingNames,
    bucket: Bucket,
    database: GlueDatabase,
    data_key: str,
    logs_key: str,
) -> None:
    env, spec, domain = ctx.env, entry.spec, entry.domain.spec.domain
    logging_account = env.accounts[env.central_logging.account]  # type: ignore[union-attr]
    app = env.accounts[spec.account]
    final = names.source(domain, spec.name)
    origin, tags = ctx.origin(entry), ctx.tags(entry)
    common = {"domain": domain, "name": spec.name, "root": ROOT, "origin": origin, "tags": tags}

    sizing = spec.stream
    defaults = env.defaults.kinesis
    mode = (sizing and sizing.mode) or defaults.mode
    shards = None if mode == "on_demand" else ((sizing and sizing.shards) or defaults.shards)
    stream = Stream(
        **common,
        tf_id=tf_id("log_stream", domain, spec.name),
        full_name=final.stream,
        arn=names.namer.stream_arn(final.stream),
        mode=mode.upper(),
        shards=shards,
        retention_hours=(sizing and sizing.retention_hours) or defaults.retention_hours,
        kms_key_arn=data_key,
        protected=not spec.allow_destroy,
        sizing_note="on-demand capacity" if shards is None else ("set in the catalog" if sizing and sizing.shards else "environment default"),
        columns=[],
    )
    root.log_streams.append(stream)

    destination = LogDestination(
        **common,
        tf_id=tf_id("log_destination", domain, spec.name),
        full_name=final.destination,
        arn=names.namer.arn("logs", f"destination:{final.destination}"),
        role_name=final.destination_role,
        stream=stream,
        source_account_ids=[app.account_id],
        organization_id=env.central_logging.organization_id,  # type: ignore[union-attr]
    )
    root.log_destinations.append(destination)

    decoder = None
    if spec.decode_mode == "lambda":
        lambdas = env.defaults.lambda_
        package = ctx.packages[DECODER_SOURCE]
        environment = {"OUTPUT_FORMAT": spec.output_format}
        if spec.fields:
            environment["STATIC_FIELDS"] = json.dumps(dict(sorted(spec.fields.items())), separators=(",", ":"))
        # the environment's own network serves when the logging account is the environment's
        network = logging_account.network or (env.network if logging_account.account_id == env.account_id else None)
        decoder = Function(
            **common,
            tf_id=tf_id("log_decoder", domain, spec.name),
            full_name=final.function,
            arn=names.namer.function_arn(final.function),
            role_name=final.function_role,
            source=DECODER_SOURCE,
            package_file=package.file,
            package_sha256=package.sha256,
            memory_mb=max(DECODER_MIN_MEMORY_MB, lambdas.memory_mb),
            timeout_s=lambdas.timeout_s,
            reserved_concurrency=lambdas.reserved_concurrency,
            environment=environment,
            kms_key_arn=data_key,
            logs_kms_key_arn=logs_key,
            log_retention_days=env.logging.retention_days,
            subnet_ids=list(network.subnet_ids) if network else [],
            security_group_ids=list(network.security_group_ids) if network else [],
        )
        root.log_decoders.append(decoder)

    prefix, error_prefix, folder = LoggingNames.prefixes(domain, spec.name)
    size, interval = _buffering(spec, env)
    root.log_deliveries.append(
        LogDelivery(
            **common,
            tf_id=tf_id("log_delivery", domain, spec.name),
            full_name=final.delivery_stream,
            arn=names.namer.delivery_stream_arn(final.delivery_stream),
            role_name=final.delivery_role,
            account_id=logging_account.account_id,
            stream=stream,
            bucket=bucket,
            prefix=prefix,
            error_prefix=error_prefix,
            buffer_size_mb=size,
            buffer_interval_s=interval,
            decoder=decoder,
            decoder_buffer_mb=DECODER_BUFFER_MB if decoder else None,
            kms_key_arn=data_key,
            logs_kms_key_arn=logs_key,
            log_retention_days=env.logging.retention_days,
            protected=not spec.allow_destroy,
        )
    )

    location = f"s3://{bucket.bucket}/{folder}"
    if spec.output_format == "json":
        columns = [Column(n, t, c, n) for n, t, c in JSON_COLUMNS]
        columns += [Column(k, "string", "constant field of this log source", k) for k in sorted(spec.fields)]
        table_format = "json"
    elif spec.schema_ is not None:
        columns = [Column(c.name, c.type, c.comment, c.path or c.name) for c in spec.schema_.columns]
        table_format = "json"
    else:
        columns = [Column("message", "string", "one log message per row", "message")]
        table_format = "lines"
    decoded = "the decoder Lambda" if decoder else "Firehose"
    root.glue_tables.append(
        GlueTable(
            **common,
            tf_id=tf_id("log_table", domain, spec.name),
            database=database,
            table_name=final.table,
            description=f"Log source {domain}/{spec.name}: {', '.join(spec.log_groups)} of account {spec.account}, decoded by {decoded}",
            columns=columns,
            partition_keys=[Column(PARTITION, "string", "delivery day (UTC), yyyy-MM-dd", PARTITION)],
            location=location,
            format=table_format,
            compression="GZIP",
            parameters=dict(
                sorted(
                    {
                        "projection.enabled": "true",
                        f"projection.{PARTITION}.type": "date",
                        f"projection.{PARTITION}.format": "yyyy-MM-dd",
                        f"projection.{PARTITION}.range": PROJECTION_RANGE,
                        f"projection.{PARTITION}.interval": "1",
                        f"projection.{PARTITION}.interval.unit": "DAYS",
                        "storage.location.template": f"{location}{PARTITION}=${{{PARTITION}}}/",
                    }.items()
                )
            ),
        )
    )

    root.log_subscriptions.append(
        LogSubscription(
            **common,
            tf_id=tf_id("log_subscription", domain, spec.name),
            filter_name=final.filter_name,
            account_id=app.account_id,
            provider_alias=provider_alias(spec.account),
            log_groups=list(spec.log_groups),
            filter_pattern=spec.filter_pattern,
            destination=destination,
        )
    )


def _buffering(spec: Any, env: Any) -> tuple[int, int]:
    layers = [spec.buffering, env.defaults.firehose.buffering]
    size = next((b.size_mb for b in layers if b is not None and b.size_mb is not None), 64)
    interval = next((b.interval_s for b in layers if b is not None and b.interval_s is not None), 300)
    return size, interval
