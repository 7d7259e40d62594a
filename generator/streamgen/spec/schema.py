"""Record schemas: the declared shape of a topic's JSON records.

Declared once on the topic and used by every consumer that needs columns:
Firehose format conversion (Glue table), Glue streaming jobs, Redshift
materialized views.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from .. import hive_types
from .base import Spec, pattern_type

ColumnName = pattern_type(
    r"[a-z_][a-z0-9_]{0,126}",
    "must be 1-127 lowercase letters, digits or '_', not starting with a digit (Glue and Redshift column rules)",
)


def _type(value: str) -> str:
    try:
        return str(hive_types.parse(value))
    except hive_types.TypeError_ as exc:
        raise ValueError(str(exc)) from None


ColumnType = Annotated[str, AfterValidator(_type), Field(examples=["string", "bigint", "decimal(12,2)", "array<string>"])]


class Column(Spec):
    name: ColumnName
    type: ColumnType
    """Glue/Hive type: string, bigint, double, boolean, timestamp, date, decimal(p,s), varchar(n), array<T>, map<K,V>, struct<...>."""
    comment: Annotated[str, Field(max_length=255)] | None = None
    path: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")] | None = None
    """Dotted path of the value in the JSON record; default: the column name."""


class SchemaRegistryRef(Spec):
    """A schema kept in the AWS Glue Schema Registry instead of in the catalog."""

    registry: Annotated[str, Field(pattern=r"^[a-zA-Z0-9-_$#.]{1,255}$")]
    schema_name: Annotated[str, Field(pattern=r"^[a-zA-Z0-9-_$#.]{1,255}$")]
    version: Annotated[int, Field(ge=1)] | None = None
    """Pinned version; none means the latest."""


class RecordSchema(Spec):
    """Columns of the topic's JSON records (or a Schema Registry reference)."""

    columns: Annotated[list[Column], Field(max_length=1000)] = []
    registry: SchemaRegistryRef | None = None

    @field_validator("columns")
    @classmethod
    def _unique(cls, columns: list[Column]) -> list[Column]:
        seen: set[str] = set()
        for column in columns:
            if column.name in seen:
                raise ValueError(f"column '{column.name}' is declared twice")
            seen.add(column.name)
        return columns
