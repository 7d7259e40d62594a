"""``kind: glue``: an AWS Glue streaming ETL job reading one topic.

The job reads a Kinesis stream or an MSK topic (IAM auth, TLS), casts the
topic's declared columns and writes Parquet files (a Glue table, partitioned)
or an Iceberg table into the domain's bucket. Records that are not JSON or do
not fit the declared types go to an error prefix instead of the table.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .. import limits
from .base import FieldError, pattern_type
from .schema import ColumnName
from .sinks import SinkBase

WorkerType = Literal["G.025X", "G.1X", "G.2X"]
GlueVersion = Literal["4.0", "5.0"]
S3Location = pattern_type(
    r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[a-zA-Z0-9!_.*'()/=-]*)?",
    "must be an s3:// location (bucket and optional prefix, no spaces)",
)

# The partition that the job derives from the event time (or arrival time).
EVENT_DATE = "event_date"


class GlueStreamingSink(SinkBase):
    """A Glue streaming job: topic -> Parquet (Glue table) or Iceberg table in the domain's bucket."""

    kind: Literal["glue"]
    via: Literal["streaming"] = "streaming"
    format: Literal["parquet", "iceberg"] = "parquet"
    """parquet: files under '<sink>/data/' with a Glue table; iceberg: an Iceberg table (format v2) there."""
    partition_by: Annotated[list[ColumnName], Field(min_length=1, max_length=limits.GLUE_PARTITION_KEYS_MAX)] | None = None
    """Parquet partition columns: declared (primitive) columns and/or 'event_date'; default ['event_date']."""
    event_time: ColumnName | None = None
    """Declared timestamp or date column that sets event_date; default: the time the record reached the topic."""
    required: list[ColumnName] = []
    """Columns a record must carry (non-null) to be written; others become null when absent."""
    window_size_s: Annotated[int, Field(ge=limits.GLUE_WINDOW_SECONDS[0], le=limits.GLUE_WINDOW_SECONDS[1])] | None = None
    """Micro-batch window in seconds; default 100 (Glue's default)."""
    checkpoint_location: S3Location | None = None
    """Where Spark keeps its checkpoints; default s3://<domain bucket>/<sink>/checkpoint/."""
    starting_position: Literal["earliest", "latest"] = "latest"
    """Where a job without a checkpoint starts reading (later runs resume from the checkpoint)."""
    worker_type: WorkerType | None = None
    """G.025X (low-volume streams), G.1X or G.2X; default G.1X."""
    workers: Annotated[int, Field(ge=limits.GLUE_WORKERS[0], le=limits.GLUE_WORKERS[1])] | None = None
    """Number of workers; default 2."""
    glue_version: GlueVersion | None = None
    """Glue runtime; default 4.0."""

    @field_validator("partition_by", "required")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("lists a column twice")
        return value

    @model_validator(mode="after")
    def _layout(self) -> "GlueStreamingSink":
        if self.format == "iceberg" and self.partition_by is not None:
            raise FieldError(
                "partition_by",
                "Iceberg tables are created unpartitioned by the Glue catalog; partition_by applies to parquet",
            )
        return self
