"""Firehose sinks."""

from __future__ import annotations

from typing import Any

from .. import decisions
from ..index import Entry
from ..model import FirehoseToS3, Processor, Stream
from ..naming import tf_id
from . import core
from .context import Context, domain_root


def s3_sink(ctx: Context, entry: Entry[Any]) -> None:
    sink, domain = entry.spec, entry.domain.spec.domain
    source = ctx.topic_of(entry)
    assert isinstance(source, Stream)  # checks refuse other sources for now
    prefix, error_prefix = decisions.s3_prefixes(sink)
    size, interval = decisions.firehose_buffering(sink, ctx.env, entry.qualified)
    processor = None
    if sink.transform is not None:
        function = ctx.function(domain, sink.transform.name)
        processor = Processor(function, decisions.processor_parameters(sink.transform))
    name = ctx.namer.delivery_stream(domain, sink.name)
    ctx.add(
        FirehoseToS3(
            domain=domain,
            name=sink.name,
            tf_id=tf_id("sink", sink.name),
            root=domain_root(domain),
            origin=ctx.origin(entry),
            tags=ctx.tags(entry),
            full_name=name,
            arn=ctx.namer.delivery_stream_arn(name),
            role_name=ctx.namer.role(domain, sink.name, "firehose"),
            source_stream=source,
            bucket=core.data_bucket(ctx, entry),
            prefix=prefix,
            error_prefix=error_prefix,
            compression=sink.compression,
            file_extension=sink.file_extension,
            buffer_size_mb=size,
            buffer_interval_s=interval,
            processor=processor,
            kms_key_arn=ctx.data_key,
            logs_kms_key_arn=ctx.logs_key,
            log_retention_days=ctx.env.logging.retention_days,
            protected=not sink.allow_destroy,
        ),
        "firehoses",
    )
