"""Values the platform decides when the catalog is silent.

Precedence everywhere: env.yaml ``overrides`` > catalog > env.yaml
``defaults`` > built-in default. Checks and the resolver both call these, so
what is validated is exactly what is generated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from . import limits
from .spec.catalog import KinesisTopic
from .spec.env import Buffering, Environment

# Firehose's S3 defaults are 5 MB / 300 s; larger objects are cheaper to query.
_BUILTIN_BUFFERING = Buffering(size_mb=64, interval_s=300)


@dataclass(frozen=True)
class KinesisSizing:
    mode: str  # on_demand | provisioned
    shards: int | None
    retention_hours: int
    note: str  # how the shard count was decided, for the generated comment


def shards_for(write_mb_per_s: float, write_records_per_s: int | None, read_consumers: int) -> int:
    """Shards needed for a load: 1 MB/s and 1,000 records/s in, 2 MB/s out per shard."""
    need_in_bytes = write_mb_per_s / limits.KINESIS_SHARD_MB_IN
    need_in_records = (write_records_per_s or 0) / limits.KINESIS_SHARD_RECORDS_IN
    need_out = write_mb_per_s * read_consumers / limits.KINESIS_SHARD_MB_OUT
    return max(1, math.ceil(max(need_in_bytes, need_in_records, need_out) - 1e-9))


def kinesis_shards(topic: KinesisTopic, env: Environment, qualified: str) -> KinesisSizing:
    override = env.overrides.topics.get(qualified)
    defaults = env.defaults.kinesis
    mode = (override and override.mode) or topic.mode or defaults.mode
    retention = (override and override.retention_hours) or topic.retention_hours or defaults.retention_hours
    if mode == "on_demand":
        return KinesisSizing(mode, None, retention, "on-demand capacity")
    if override and override.shards:
        return KinesisSizing(mode, override.shards, retention, f"env.yaml override for {qualified}")
    if topic.shards:
        return KinesisSizing(mode, topic.shards, retention, "set in the catalog")
    if topic.throughput:
        t = topic.throughput
        shards = shards_for(t.write_mb_per_s, t.write_records_per_s, t.read_consumers)
        records = f", {t.write_records_per_s} records/s" if t.write_records_per_s else ""
        note = f"derived from {t.write_mb_per_s:g} MB/s{records} in, {t.read_consumers} consumer(s)"
        return KinesisSizing(mode, shards, retention, note)
    return KinesisSizing(mode, defaults.shards, retention, "environment default")


def s3_prefixes(sink: Any) -> tuple[str, str]:
    """The prefix and error prefix a sink uses; the defaults keep sinks apart."""
    date = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}"
    # dynamic partitions come first: one folder per key value, dated below it
    dynamic = getattr(sink, "dynamic_partitioning", None)
    keys = "".join(f"{k}={dynamic.expression(k)}/" for k in (*dynamic.keys, *dynamic.lambda_keys)) if dynamic else ""
    prefix = sink.prefix or f"{sink.name}/data/{keys}{date}/hour=!{{timestamp:HH}}/"
    error = sink.error_prefix or f"{sink.name}/errors/!{{firehose:error-output-type}}/{date}/"
    return prefix, error


def firehose_buffering(sink: Any, env: Environment, qualified: str) -> tuple[int, int]:
    """(size MB, interval s) for a delivery stream."""
    override = env.overrides.sinks.get(qualified)
    layers = [
        override.buffering if override else None,
        sink.buffering,
        env.defaults.firehose.buffering,
        _BUILTIN_BUFFERING,
    ]
    size = next(b.size_mb for b in layers if b is not None and b.size_mb is not None)
    interval = next(b.interval_s for b in layers if b is not None and b.interval_s is not None)
    return size, interval


# Firehose's own defaults for a Lambda processor: parameters equal to these are
# left out, because AWS does not return them and the provider would show a diff.
PROCESSOR_DEFAULTS = {"BufferSizeInMBs": "1", "BufferIntervalInSeconds": "60", "NumberOfRetries": "3"}


def processor_parameters(use: Any) -> list[tuple[str, str]]:
    """Non-default Lambda processor parameters, in the order AWS returns them."""
    wanted = [
        ("BufferSizeInMBs", None if use.buffer_size_mb is None else f"{use.buffer_size_mb:g}"),
        ("BufferIntervalInSeconds", None if use.buffer_interval_s is None else str(use.buffer_interval_s)),
    ]
    return [(k, v) for k, v in wanted if v is not None and v != PROCESSOR_DEFAULTS[k]]


def kafka_replication_factor(topic: Any, cluster_type: str, broker_count: int | None) -> int | None:
    """Replication factor of an MSK topic: the catalog's, else 3 capped by the brokers.

    None on serverless clusters, where MSK fixes it (and the Kafka root writes 3).
    """
    if cluster_type == "serverless":
        return None
    return topic.replication_factor or min(3, broker_count or 3)
