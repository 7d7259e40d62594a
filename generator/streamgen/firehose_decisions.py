"""What a Firehose sink gets when the catalog is silent.

Same precedence as :mod:`streamgen.decisions`: env.yaml ``overrides`` >
catalog > env.yaml ``defaults`` > built-in. Checks and the resolver both call
these, so what is validated is exactly what is generated.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from . import decisions, limits
from .spec.env import Environment

DATE_FOLDERS = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}"
ERROR_FOLDERS = "!{firehose:error-output-type}/" + DATE_FOLDERS


def destination(sink: Any) -> str:
    """Key of :data:`limits.FIREHOSE_DESTINATION_BUFFER` for a sink."""
    if sink.kind == "http":
        return "splunk" if sink.provider == "splunk" else "http"
    return str(sink.kind)


def needs_large_buffer(sink: Any) -> str | None:
    """The feature that needs >= 64 MB buffers (conversion, dynamic partitioning), if any."""
    for field in ("format_conversion", "dynamic_partitioning"):
        if getattr(sink, field, None) is not None:
            return field
    return None


@dataclass(frozen=True)
class BufferChoice:
    size_mb: int
    interval_s: int
    size_from: str  # "override" | "catalog" | "default"
    interval_from: str


def buffering(sink: Any, env: Environment, qualified: str) -> BufferChoice:
    """Buffering hints; defaults are fitted to the destination (Splunk takes 5 MB at most,
    conversion needs 64 MB), explicit values are kept as written (and checked)."""
    max_mb, max_s = limits.FIREHOSE_DESTINATION_BUFFER[destination(sink)]
    min_mb = limits.FIREHOSE_CONVERSION_MIN_BUFFER_MB if needs_large_buffer(sink) else 1
    override = env.overrides.sinks.get(qualified)
    explicit = [("override", override.buffering if override else None), ("catalog", sink.buffering)]
    defaults = [env.defaults.firehose.buffering, decisions._BUILTIN_BUFFERING]

    def pick(attr: str, low: int, high: int) -> tuple[int, str]:
        for origin, layer in explicit:
            if layer is not None and getattr(layer, attr) is not None:
                return getattr(layer, attr), origin
        value = next(getattr(b, attr) for b in defaults if getattr(b, attr) is not None)
        return max(low, min(value, high)), "default"

    size, size_from = pick("size_mb", min_mb, max_mb)
    interval, interval_from = pick("interval_s", limits.FIREHOSE_BUFFER_SECONDS[0], max_s)
    return BufferChoice(size, interval, size_from, interval_from)


@dataclass(frozen=True)
class Location:
    """A place in the domain's bucket a delivery stream writes to."""

    purpose: str  # data | backup | staging
    field: tuple[str, ...]  # catalog field that sets the prefix (for error messages)
    prefix: str
    error_field: tuple[str, ...] | None
    error_prefix: str | None
    compression: str


def data_compression(sink: Any) -> str:
    if sink.compression is not None:
        return str(sink.compression)
    return "UNCOMPRESSED" if sink.format_conversion is not None else "GZIP"


def _backup(sink: Any, backup: Any, purpose: str = "backup") -> Location:
    return Location(
        purpose,
        ("backup", "prefix"),
        backup.prefix or f"{sink.name}/{purpose}/{DATE_FOLDERS}/",
        ("backup", "error_prefix"),
        backup.error_prefix or f"{sink.name}/{purpose}-errors/{ERROR_FOLDERS}/",
        backup.compression,
    )


def locations(sink: Any) -> list[Location]:
    """Every prefix of the domain bucket the sink writes to, destination first."""
    kind = sink.kind
    if kind == "s3":
        prefix, error_prefix = decisions.s3_prefixes(sink)
        out = [Location("data", ("prefix",), prefix, ("error_prefix",), error_prefix, data_compression(sink))]
        if sink.backup is not None:
            out.append(_backup(sink, sink.backup))
        return out
    if kind == "redshift":
        staging = Location(
            "staging",
            ("staging_prefix",),
            sink.staging_prefix or f"{sink.name}/staging/{DATE_FOLDERS}/",
            None,
            f"{sink.name}/staging-errors/{ERROR_FOLDERS}/",
            # COPY must be told the staged objects are compressed
            "GZIP" if re.search(r"\bgzip\b", redshift_copy_options(sink), re.IGNORECASE) else "UNCOMPRESSED",
        )
        return [staging] + ([_backup(sink, sink.backup)] if sink.backup is not None else [])
    # opensearch, http: the bucket receives failed (or all) records
    return [_backup(sink, sink.backup)]


# --- processors -------------------------------------------------------------

@dataclass(frozen=True)
class ProcessorChoice:
    type: str
    parameters: list[tuple[str, str]]  # non-default only, fixed order
    transform: Any = None  # the TransformUse of a Lambda processor (its ARN is added when rendering)


def processors(sink: Any) -> list[ProcessorChoice]:
    """Processors in the order Firehose applies them; only non-default parameters."""
    dynamic = getattr(sink, "dynamic_partitioning", None)
    out: list[ProcessorChoice] = []
    if dynamic is not None and dynamic.deaggregate_json:
        out.append(ProcessorChoice("RecordDeAggregation", [("SubRecordType", "JSON")]))
    if sink.transform is not None:
        out.append(ProcessorChoice("Lambda", decisions.processor_parameters(sink.transform), sink.transform))
    if dynamic is not None and dynamic.query is not None:
        out.append(
            ProcessorChoice(
                "MetadataExtraction",
                [("MetadataExtractionQuery", dynamic.query), ("JsonParsingEngine", "JQ-1.6")],
            )
        )
    # converted records are rows, not lines: no delimiter then
    if dynamic is not None and dynamic.append_newline and getattr(sink, "format_conversion", None) is None:
        out.append(ProcessorChoice("AppendDelimiterToRecord", []))
    return out


# --- Athena partition projection -------------------------------------------

_FIXED_RANGES = {"MM": ("1,12", "2"), "dd": ("1,31", "2"), "HH": ("0,23", "2")}
_HISTORY = "NOW-10YEARS,NOW"  # how far back Athena looks for dated partitions


def _date_unit(pattern: str) -> str:
    for letters, unit in (("m", "MINUTES"), ("H", "HOURS"), ("d", "DAYS"), ("M", "MONTHS")):
        if letters in pattern:
            return unit
    return "YEARS"


def partition_projection(prefix: str, root: str) -> dict[str, str]:
    """Athena partition projection for the Hive-style folders of a prefix below ``root``.

    Empty when a folder is not one ``name=!{...}`` expression: the table then
    needs its partitions added (MSCK REPAIR TABLE or a crawler).
    """
    params: dict[str, str] = {}
    for segment in filter(None, prefix[len(root) :].split("/")):
        match = re.fullmatch(r"([a-z_][a-z0-9_]*)=!\{([A-Za-z]+):([^{}]*)\}", segment)
        if match is None:
            return {}
        key, namespace, value = match.groups()
        base = f"projection.{key}"
        if namespace in ("partitionKeyFromQuery", "partitionKeyFromLambda"):
            params[f"{base}.type"] = "injected"  # queries must name the value
        elif namespace == "timestamp" and value in _FIXED_RANGES:
            params[f"{base}.type"] = "integer"
            params[f"{base}.range"], params[f"{base}.digits"] = _FIXED_RANGES[value]
        elif namespace == "timestamp":
            params[f"{base}.type"] = "date"
            params[f"{base}.format"] = value
            params[f"{base}.range"] = _HISTORY
            params[f"{base}.interval.unit"] = _date_unit(value)
        else:
            return {}
    return {"projection.enabled": "true", **params} if params else {}


# --- names and targets --------------------------------------------------------

def serverless_policy_name(full_name: str) -> str:
    """An OpenSearch Serverless access policy name (<= 32 characters, lowercase)."""
    limit = limits.FIREHOSE_SERVERLESS_POLICY_NAME_MAX
    name = full_name.lower()
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('-')}-{digest}"


def redshift_secret(sink: Any, env: Environment) -> str | None:
    if sink.secret_arn is not None:
        return str(sink.secret_arn)
    target = env.redshift.clusters.get(sink.cluster) if sink.cluster else env.redshift.workgroups.get(sink.workgroup)
    return target.admin_secret_arn if target is not None else None


def redshift_copy_options(sink: Any, jsonpaths_uri: str | None = None) -> str:
    """COPY options: the catalog's, or JSON mapped by a JSONPaths file (or by column name), GZIP-staged."""
    if sink.copy_options:
        return str(sink.copy_options)
    return f"FORMAT AS JSON '{jsonpaths_uri or 'auto'}' GZIP"


def redshift_jsonpaths_key(sink: Any) -> str:
    """Where the JSONPaths file of a sink's COPY lives in the domain's bucket."""
    return f"{sink.name}/copy/jsonpaths.json"


def redshift_jdbc_url(sink: Any, env: Environment) -> str:
    if sink.cluster is not None:
        target = env.redshift.clusters[sink.cluster]
        return f"jdbc:redshift://{target.endpoint}/{target.database}"
    workgroup = env.redshift.workgroups[sink.workgroup]
    host = f"{workgroup.workgroup}.{env.account_id}.{env.region}.redshift-serverless.amazonaws.com"
    return f"jdbc:redshift://{host}:5439/{workgroup.database}"
