"""Values decided for Glue streaming and Redshift streaming sinks.

Checks and resolvers both call these, so what is validated is exactly what is
generated (the same rule as :mod:`streamgen.decisions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import hive_types
from .hive_types import HiveType
from .naming import Namer
from .spec.env import Environment, RedshiftCluster, RedshiftWorkgroup
from .spec.glue import EVENT_DATE

# --- Glue ---------------------------------------------------------------------

GLUE_DEFAULT_WORKER_TYPE = "G.1X"
GLUE_DEFAULT_WORKERS = 2
GLUE_DEFAULT_VERSION = "4.0"
GLUE_DEFAULT_WINDOW_SECONDS = 100  # Glue's own default


@dataclass(frozen=True)
class GluePrefixes:
    data: str
    errors: str
    temp: str
    script_key: str


def glue_prefixes(sink: Any) -> GluePrefixes:
    """Everything a job keeps in the domain bucket lives under '<sink>/'."""
    base = f"{sink.name}/"
    return GluePrefixes(f"{base}data/", f"{base}errors/", f"{base}tmp/", f"{base}script/job.py")


def glue_checkpoint(sink: Any, bucket: str) -> str:
    return sink.checkpoint_location or f"s3://{bucket}/{sink.name}/checkpoint/"


def glue_partition_keys(sink: Any) -> list[str]:
    if sink.format != "parquet":
        return []
    return list(sink.partition_by) if sink.partition_by is not None else [EVENT_DATE]


def glue_settings(sink: Any) -> tuple[str, int, str, int]:
    """(worker type, workers, Glue version, window seconds)."""
    return (
        sink.worker_type or GLUE_DEFAULT_WORKER_TYPE,
        sink.workers or GLUE_DEFAULT_WORKERS,
        sink.glue_version or GLUE_DEFAULT_VERSION,
        sink.window_size_s or GLUE_DEFAULT_WINDOW_SECONDS,
    )


def iceberg_type(t: HiveType) -> str:
    """Iceberg has no tinyint/smallint/char/varchar: the table uses int and string."""
    if t.name in ("tinyint", "smallint"):
        return "int"
    if t.name in ("char", "varchar"):
        return "string"
    if t.name == "array":
        return f"array<{iceberg_type(t.children[0])}>"
    if t.name == "map":
        return f"map<{iceberg_type(t.children[0])},{iceberg_type(t.children[1])}>"
    if t.name == "struct":
        return "struct<" + ",".join(f"{n}:{iceberg_type(f)}" for n, f in t.fields) + ">"
    return str(t)


def column_path(column: Any) -> tuple[str, ...]:
    return tuple((column.path or column.name).split("."))


def parsed_type(text: str) -> HiveType:
    return hive_types.parse(text)


# --- Redshift -----------------------------------------------------------------


def sql_name(name: str) -> str:
    """Catalog names ('-' allowed) as Redshift identifiers."""
    return name.replace("-", "_")


def redshift_view(sink: Any) -> str:
    return sink.view or sql_name(sink.name)


def redshift_schema(sink: Any, domain: str) -> str:
    return sink.schema_ or sql_name(domain)


def redshift_admin_schema(domain: str) -> str:
    """Schema holding the domain's view helper procedure and its bookkeeping table."""
    return sql_name(domain)


def redshift_external_schema(domain: str, platform: str, cluster_key: str | None) -> str:
    if platform == "kinesis":
        return f"{sql_name(domain)}_kinesis"
    return f"{sql_name(domain)}_msk_{sql_name(cluster_key or '')}"


def redshift_role_name(namer: Namer, domain: str, target_type: str, key: str) -> str:
    return namer.role(domain, f"{'wg' if target_type == 'workgroup' else 'cl'}-{key}", "redshift")


def redshift_target(env: Environment, sink: Any) -> RedshiftWorkgroup | RedshiftCluster | None:
    return redshift_target_by_key(env, *sink.target)


def redshift_role_associated(env: Environment, sink: Any, role_arn: str) -> bool:
    """Clusters: streamgen manages the association. Workgroups: the namespace's
    owner associates the role and lists it in env.yaml."""
    kind, _ = sink.target
    if kind == "cluster":
        return True
    target = redshift_target(env, sink)
    return target is not None and role_arn in target.iam_role_arns


def redshift_target_by_key(env: Environment, kind: str, key: str) -> RedshiftWorkgroup | RedshiftCluster | None:
    targets = env.redshift.workgroups if kind == "workgroup" else env.redshift.clusters
    return targets.get(key)
