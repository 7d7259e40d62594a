"""Firehose S3 custom prefixes: ``!{namespace:value}`` expressions.

AWS rejects a bad prefix only when the delivery stream is created; checking
here turns that into a validation error on the catalog line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import limits

_EXPR = re.compile(r"!\{([^{}]*)\}")
# Java DateTimeFormatter letters Firehose accepts, plus literal separators.
_TIMESTAMP_FORMAT = re.compile(r"[A-Za-z0-9/_.=\-' ]+")
_PARTITION_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")
_FIREHOSE_VALUES = {"random-string", "error-output-type"}
_SAFE_LITERAL = re.compile(r"[A-Za-z0-9!\-_.*'()/=]*")


@dataclass(frozen=True)
class Expression:
    namespace: str
    value: str


def expressions(prefix: str) -> list[Expression]:
    out = []
    for match in _EXPR.finditer(prefix):
        namespace, _, value = match.group(1).partition(":")
        out.append(Expression(namespace, value))
    return out


def static_part(prefix: str) -> str:
    """The fixed leading text, before the first expression: what IAM can scope to."""
    index = prefix.find("!{")
    return prefix if index < 0 else prefix[:index]


def partition_keys(prefix: str) -> set[tuple[str, str]]:
    """``(source, key)`` pairs used, source being 'query' or 'lambda'."""
    keys = set()
    for expr in expressions(prefix):
        if expr.namespace == "partitionKeyFromQuery":
            keys.add(("query", expr.value))
        elif expr.namespace == "partitionKeyFromLambda":
            keys.add(("lambda", expr.value))
    return keys


def problems(prefix: str, *, error_prefix: bool, dynamic_partitioning: bool = False) -> list[str]:
    """Everything wrong with one prefix, as messages (empty when valid)."""
    found: list[str] = []
    if len(prefix) > limits.FIREHOSE_PREFIX_MAX:
        found.append(f"is {len(prefix)} characters; Firehose allows {limits.FIREHOSE_PREFIX_MAX}")
    if prefix.startswith("/"):
        found.append("must not start with '/' (S3 keys would begin with an empty folder)")
    remainder = _EXPR.sub("", prefix)
    if "!{" in remainder or "}" in remainder:
        found.append("has an unterminated or nested '!{...}' expression")
    elif not _SAFE_LITERAL.fullmatch(remainder):
        found.append("literal text may only use letters, digits and !-_.*'()/=")
    for expr in expressions(prefix):
        shown = f"!{{{expr.namespace}:{expr.value}}}"
        if expr.namespace == "timestamp":
            if not expr.value or not _TIMESTAMP_FORMAT.fullmatch(expr.value):
                found.append(f"{shown}: needs a date pattern such as yyyy/MM/dd")
        elif expr.namespace == "firehose":
            if expr.value not in _FIREHOSE_VALUES:
                found.append(f"{shown}: firehose expressions are random-string and error-output-type")
            elif expr.value == "error-output-type" and not error_prefix:
                found.append(f"{shown} is only allowed in the error prefix")
        elif expr.namespace in ("partitionKeyFromQuery", "partitionKeyFromLambda"):
            if error_prefix:
                found.append(f"{shown}: partition keys are not allowed in the error prefix")
            elif not dynamic_partitioning:
                found.append(f"{shown} needs dynamic partitioning enabled on the sink")
            elif not _PARTITION_KEY.fullmatch(expr.value):
                found.append(f"{shown}: partition key names are 1-64 letters, digits or '_'")
        else:
            found.append(
                f"{shown}: unknown namespace '{expr.namespace}' (timestamp, firehose, "
                "partitionKeyFromQuery, partitionKeyFromLambda)"
            )
    return found
