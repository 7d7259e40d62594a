"""Sizing and defaults the platform decides."""

from __future__ import annotations

import pytest

from streamgen import decisions
from streamgen.spec.sinks import TransformUse


@pytest.mark.parametrize(
    "mb, records, consumers, shards",
    [
        (0.1, None, 1, 1),  # at least one
        (1.0, None, 1, 1),  # exactly one shard's write capacity
        (1.01, None, 1, 2),
        (0.5, 2500, 1, 3),  # records/s dominate: 1,000 per shard
        (1.5, None, 2, 2),  # 3 MB/s out over 2 MB/s per shard
        (2.0, None, 5, 5),  # 10 MB/s out
        (4.0, 5000, 1, 5),
    ],
)
def test_shards_for_load(mb, records, consumers, shards):
    assert decisions.shards_for(mb, records, consumers) == shards


def test_processor_parameters_leave_out_firehose_defaults():
    assert decisions.processor_parameters(TransformUse(name="t", buffer_size_mb=1, buffer_interval_s=60)) == []
    assert decisions.processor_parameters(TransformUse(name="t", buffer_size_mb=0.5, buffer_interval_s=60)) == [
        ("BufferSizeInMBs", "0.5")
    ]
    assert decisions.processor_parameters(TransformUse(name="t", buffer_size_mb=3.0, buffer_interval_s=900)) == [
        ("BufferSizeInMBs", "3"),
        ("BufferIntervalInSeconds", "900"),
    ]
