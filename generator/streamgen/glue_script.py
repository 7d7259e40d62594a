"""The PySpark script of a Glue streaming job, rendered from a template.

The script is one self-contained file: the per-record logic of
:mod:`streamgen.glue_records` (embedded verbatim), this job's columns and
types as constants, and the Spark/Glue wiring in ``main()``, which imports
Glue only when it runs, so tests and ``--dry-run`` need no Spark.
"""

from __future__ import annotations

import pprint
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2

from .hive_types import HiveType

RECORDS_MODULE = "glue_records.py"


def spark_type(t: HiveType) -> str:
    """Spark SQL DDL for a Glue/Hive type (varchar/char become STRING: Spark rows carry plain strings)."""
    if t.name in ("string", "varchar", "char"):
        return "STRING"
    if t.name == "int":
        return "INT"
    if t.name == "decimal":
        return f"DECIMAL({t.params[0]},{t.params[1]})"
    if t.name == "array":
        return f"ARRAY<{spark_type(t.children[0])}>"
    if t.name == "map":
        return f"MAP<{spark_type(t.children[0])},{spark_type(t.children[1])}>"
    if t.name == "struct":
        return "STRUCT<" + ",".join(f"`{n}`:{spark_type(f)}" for n, f in t.fields) + ">"
    return t.name.upper()


def runtime_type(t: HiveType) -> list[Any]:
    """The nested-list type spec glue_records.convert understands."""
    if t.name in ("decimal", "varchar", "char"):
        return [t.name, *t.params]
    if t.name == "array":
        return ["array", runtime_type(t.children[0])]
    if t.name == "map":
        return ["map", runtime_type(t.children[0]), runtime_type(t.children[1])]
    if t.name == "struct":
        return ["struct", [[n, runtime_type(f)] for n, f in t.fields]]
    return [t.name]


@dataclass(frozen=True)
class ScriptColumn:
    name: str
    type: HiveType
    path: tuple[str, ...]


@dataclass(frozen=True)
class ScriptSpec:
    job_name: str
    description: str  # one line: source -> target
    sources: list[str]  # files the job was generated from
    platform: str  # kinesis | msk
    format: str  # parquet | iceberg
    columns: list[ScriptColumn]
    required: list[str]
    event_time: str | None
    partition_keys: list[str]  # parquet only; may include event_date
    event_date: bool  # whether rows carry the derived event_date column

    @property
    def roots(self) -> list[str]:
        return sorted({c.path[0] for c in self.columns})

    @property
    def output_order(self) -> list[str]:
        names = [c.name for c in self.columns]
        return names + (["event_date"] if self.event_date else [])

    @property
    def arguments(self) -> list[str]:
        common = ["JOB_NAME", "window_size", "checkpoint_location", "output_path", "error_path", "database", "table", "starting_position"]
        return common + (["connection_name", "topic"] if self.platform == "msk" else ["stream_arn"])


def _literal(value: Any) -> str:
    return pprint.pformat(value, width=100, sort_dicts=False)


def _records_source() -> str:
    return resources.files("streamgen").joinpath(RECORDS_MODULE).read_text(encoding="utf-8").rstrip() + "\n"


_JINJA = jinja2.Environment(
    loader=jinja2.PackageLoader("streamgen", "templates/glue"),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,
)
_JINJA.filters["py"] = _literal


def render(spec: ScriptSpec) -> str:
    columns = [{"name": c.name, "path": list(c.path), "type": runtime_type(c.type)} for c in spec.columns]
    source_schema = ", ".join(f"`{root}` STRING" for root in spec.roots) + ", `_corrupt_record` STRING"
    output = [f"`{c.name}` {spark_type(c.type)}" for c in spec.columns]
    if spec.event_date:
        output.append("`event_date` DATE")
    return _JINJA.get_template("streaming_job.py.j2").render(
        spec=spec,
        records=_records_source(),
        columns=columns,
        source_schema=source_schema,
        output_schema=", ".join(output),
    )
