"""``kind: redshift`` (``via: streaming``): Redshift streaming ingestion.

A materialized view in a Redshift Serverless workgroup or a provisioned
cluster (both declared in env.yaml) reads a Kinesis stream or an MSK topic
directly; Redshift refreshes it. The view keeps the stream's metadata columns
and the record as SUPER (``payload``), and extracts the topic's declared
columns into typed columns.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .base import FieldError, pattern_type
from .schema import ColumnName
from .sinks import SinkBase

# Redshift identifiers as streamgen writes them: lowercase, so they mean the
# same with or without enable_case_sensitive_identifier, and never need more
# than the double quotes they are always written in.
RedshiftIdentifier = pattern_type(
    r"[a-z_][a-z0-9_]{0,126}",
    "must be 1-127 lowercase letters, digits or '_', not starting with a digit (a Redshift identifier)",
)
TargetKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")]


class RedshiftStreamingSink(SinkBase):
    """A materialized view fed by Redshift streaming ingestion."""

    kind: Literal["redshift"]
    via: Literal["streaming"] = "streaming"
    workgroup: TargetKey | None = None
    """Redshift Serverless workgroup: a key of env.yaml redshift.workgroups."""
    cluster: TargetKey | None = None
    """Provisioned cluster: a key of env.yaml redshift.clusters."""
    view: RedshiftIdentifier | None = None
    """Materialized view name; default: the sink name with '-' as '_'."""
    schema_: RedshiftIdentifier | None = Field(default=None, alias="schema")
    """Local schema of the view; default: the domain name with '-' as '_'."""
    columns: list[ColumnName] | None = None
    """Declared topic columns to extract; default: all of them (none: metadata and payload only)."""
    auto_refresh: bool = True
    """AUTO REFRESH YES: Redshift refreshes the view as data arrives."""

    model_config = SinkBase.model_config | {"populate_by_name": True}

    @field_validator("columns")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("lists a column twice")
        return value

    @model_validator(mode="after")
    def _target(self) -> "RedshiftStreamingSink":
        if (self.workgroup is None) == (self.cluster is None):
            raise FieldError("workgroup", "set exactly one of workgroup (serverless) or cluster (provisioned)")
        return self

    @property
    def target(self) -> tuple[Literal["workgroup", "cluster"], str]:
        if self.workgroup is not None:
            return "workgroup", self.workgroup
        assert self.cluster is not None
        return "cluster", self.cluster
