"""Kafka topic-level configuration: the keys streamgen accepts and their values.

A curated list of the topic configs of Apache Kafka 3.x (the ``Topic Configs``
section of the Kafka documentation) that make sense per topic on MSK. Broker
internals (``message.format.version``, throttled-replica lists, ``flush.*``
tuning Kafka itself discourages) are left out on purpose: a typo or an
unsupported key fails validation instead of failing at apply time, or worse,
being silently ignored.

Values arrive from YAML as int, float, bool or str; :func:`problem` checks
them and :func:`text` renders the string Kafka expects.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

LONG_MAX = 2**63 - 1
INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class ConfigKey:
    kind: str  # int | long | double | bool | enum | list
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    note: str = ""


def _int(minimum: int, maximum: int = INT_MAX, note: str = "") -> ConfigKey:
    return ConfigKey("int", minimum, maximum, note=note)


def _long(minimum: int, note: str = "") -> ConfigKey:
    return ConfigKey("long", minimum, LONG_MAX, note=note)


TOPIC_CONFIGS: dict[str, ConfigKey] = {
    "cleanup.policy": ConfigKey("list", choices=("compact", "delete")),
    "compression.type": ConfigKey("enum", choices=("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer")),
    "delete.retention.ms": _long(0),
    "file.delete.delay.ms": _long(0),
    "index.interval.bytes": _int(0),
    "local.retention.bytes": _long(-2, "-2: same as retention.bytes (tiered storage)"),
    "local.retention.ms": _long(-2, "-2: same as retention.ms (tiered storage)"),
    "max.compaction.lag.ms": _long(1),
    "max.message.bytes": _int(0),
    "message.downconversion.enable": ConfigKey("bool"),
    "message.timestamp.after.max.ms": _long(0),
    "message.timestamp.before.max.ms": _long(0),
    "message.timestamp.difference.max.ms": _long(0),
    "message.timestamp.type": ConfigKey("enum", choices=("CreateTime", "LogAppendTime")),
    "min.cleanable.dirty.ratio": ConfigKey("double", 0.0, 1.0),
    "min.compaction.lag.ms": _long(0),
    "min.insync.replicas": _int(1),
    "preallocate": ConfigKey("bool"),
    "remote.storage.enable": ConfigKey("bool"),
    "retention.bytes": _long(-1, "-1: no size limit"),
    "retention.ms": _long(-1, "-1: keep forever"),
    "segment.bytes": _int(14),
    "segment.index.bytes": _int(4),
    "segment.jitter.ms": _long(0),
    "segment.ms": _long(1),
    "unclean.leader.election.enable": ConfigKey("bool"),
}

# MSK Serverless lets clients set only these topic configs.
SERVERLESS_TOPIC_CONFIGS = frozenset(
    {
        "cleanup.policy",
        "compression.type",
        "max.message.bytes",
        "message.timestamp.difference.max.ms",
        "message.timestamp.type",
        "retention.bytes",
        "retention.ms",
    }
)


def unknown_key_message(key: str) -> str:
    close = difflib.get_close_matches(key, TOPIC_CONFIGS, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown Kafka topic config '{key}'{hint} (streamgen accepts the topic configs listed in kafka_configs.py)"


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _as_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _check_number(spec: ConfigKey, value: object, parse: Callable[[object], float | int | None], what: str) -> str | None:
    number = parse(value)
    if number is None:
        return f"{value!r} is not {what}"
    if spec.minimum is not None and number < spec.minimum:
        extra = f" ({spec.note})" if spec.note else ""
        return f"{number} is below the minimum {spec.minimum:g}{extra}"
    if spec.maximum is not None and number > spec.maximum:
        return f"{number} is above the maximum {spec.maximum:g}"
    return None


def problem(key: str, value: object) -> str | None:
    """Why ``value`` is not valid for topic config ``key`` (None when it is)."""
    spec = TOPIC_CONFIGS.get(key)
    if spec is None:
        return unknown_key_message(key)
    if spec.kind in ("int", "long"):
        return _check_number(spec, value, _as_int, "an integer")
    if spec.kind == "double":
        return _check_number(spec, value, _as_float, "a number")
    if spec.kind == "bool":
        if isinstance(value, bool) or (isinstance(value, str) and value in ("true", "false")):
            return None
        return f"{value!r} is not true or false"
    if not isinstance(value, str):
        return f"{value!r} must be one of {', '.join(spec.choices)}"
    if spec.kind == "enum":
        return None if value in spec.choices else f"'{value}' must be one of {', '.join(spec.choices)}"
    parts = [p.strip() for p in value.split(",")]
    bad = [p for p in parts if p not in spec.choices]
    if bad or len(set(parts)) != len(parts):
        return f"'{value}' must be {' or '.join(spec.choices)}, or both separated by ','"
    return None


def text(value: object) -> str:
    """The string Kafka expects (``true``, not ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and "," in value:
        return ",".join(p.strip() for p in value.split(","))
    return str(value)
