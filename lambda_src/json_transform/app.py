"""Firehose record transform: validate and normalise JSON records.

Contract (Firehose data transformation): every input ``recordId`` appears in
the response exactly once, with ``Ok``, ``Dropped`` or ``ProcessingFailed``.

Per record:

- empty or whitespace-only payload -> ``Dropped`` (nothing to deliver);
- not UTF-8, not JSON, not a JSON object, or missing a required field ->
  ``ProcessingFailed`` (Firehose writes it under the error prefix, where it
  can be inspected and replayed);
- otherwise ``Ok`` with the normalised object as one line of compact JSON
  (newline-delimited, so Athena and Glue read the objects directly).

Normalisation, configured by environment variables:

- ``REQUIRED_FIELDS``: comma-separated top-level keys that must be present;
- ``KEY_CASE``: ``snake`` converts keys (recursively) to snake_case,
  ``unchanged`` (default) keeps them;
- ``DROP_NULLS``: ``true`` (default) removes keys whose value is null;
- ``ARRIVAL_FIELD``: name of a field to add with the record's arrival time
  (ISO 8601, UTC); empty disables it (default ``_arrival_time``);
- ``PARTITION_KEYS``: comma-separated top-level keys of the normalised object
  returned as ``metadata.partitionKeys`` for Firehose dynamic partitioning
  (``!{partitionKeyFromLambda:key}``); a record without a scalar value for
  one of them is ``ProcessingFailed``.

The payload is ``data`` for Direct PUT and Kinesis sources and
``kafkaRecordValue`` for MSK sources. A response must stay under Lambda's
6 MB limit: records that would push it over are returned
``ProcessingFailed`` (Firehose keeps their original data under the error
prefix) instead of failing the whole batch.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from datetime import datetime, timezone
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import KinesisFirehoseEvent, event_source
from aws_lambda_powertools.utilities.data_classes.kinesis_firehose_event import (
    KinesisFirehoseDataTransformationRecord,
    KinesisFirehoseDataTransformationRecordMetadata,
    KinesisFirehoseDataTransformationResponse,
)

logger = Logger()

RESPONSE_LIMIT_BYTES = 6_291_456  # Lambda synchronous response limit
_ENVELOPE_BYTES = 1024  # '{"records": [...]}' and a safety margin
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class Settings:
    def __init__(self, environ: dict[str, str] | None = None):
        env = os.environ if environ is None else environ
        self.required = [f.strip() for f in env.get("REQUIRED_FIELDS", "").split(",") if f.strip()]
        self.snake_case = env.get("KEY_CASE", "unchanged").lower() == "snake"
        self.drop_nulls = env.get("DROP_NULLS", "true").lower() == "true"
        self.arrival_field = env.get("ARRIVAL_FIELD", "_arrival_time").strip()
        self.partition_keys = [k.strip() for k in env.get("PARTITION_KEYS", "").split(",") if k.strip()]


def snake(key: str) -> str:
    return _CAMEL.sub("_", key).replace("-", "_").replace(" ", "_").lower()


def normalise(value: Any, settings: Settings) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if item is None and settings.drop_nulls:
                continue
            out[snake(key) if settings.snake_case else key] = normalise(item, settings)
        return out
    if isinstance(value, list):
        return [normalise(item, settings) for item in value]
    return value


def payload_of(record: dict[str, Any]) -> str:
    """Base64 payload: ``data``, or ``kafkaRecordValue`` for MSK sources."""
    value = record.get("data")
    if value is None:
        value = record.get("kafkaRecordValue", "")
    return value


def partition_value(value: Any) -> str | None:
    """A partition key value as Firehose wants it (a string), or None if unusable."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)) and str(value) != "":
        return str(value)
    return None


def transform(record: dict[str, Any], settings: Settings) -> tuple[str, str, dict[str, str] | None]:
    """(result, base64 data, partition keys) for one input record."""
    original = payload_of(record)
    try:
        raw = base64.b64decode(original, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return "ProcessingFailed", original if isinstance(original, str) else "", None
    if not raw.strip():
        return "Dropped", original, None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "ProcessingFailed", original, None
    if not isinstance(document, dict):
        return "ProcessingFailed", original, None
    missing = [f for f in settings.required if f not in document or document[f] is None]
    if missing:
        return "ProcessingFailed", original, None
    result = normalise(document, settings)
    arrival = record.get("approximateArrivalTimestamp")
    if settings.arrival_field and isinstance(arrival, (int, float)):
        stamp = datetime.fromtimestamp(arrival / 1000, tz=timezone.utc)
        result[settings.arrival_field] = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    keys = None
    if settings.partition_keys:
        keys = {k: partition_value(result.get(k)) for k in settings.partition_keys}
        if any(v is None for v in keys.values()):
            return "ProcessingFailed", original, None
    line = json.dumps(result, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n"
    return "Ok", base64.b64encode(line.encode("utf-8")).decode("ascii"), keys


def _entry_size(record_id: str, result: str, data: str, keys: dict[str, str] | None = None) -> int:
    """Bytes one record adds to the serialized response (with its ', ' separator)."""
    entry: dict[str, Any] = {"recordId": record_id, "result": result, "data": data}
    if keys:
        entry["metadata"] = {"partitionKeys": keys}
    return len(json.dumps(entry)) + 2


def process(event: KinesisFirehoseEvent, settings: Settings) -> dict[str, Any]:
    records = list(event.records)
    # Every record must appear in the response, so the room for data is what
    # is left after the smallest possible entry of each record.
    floor = {r.record_id: _entry_size(r.record_id, "ProcessingFailed", "") for r in records}
    room = RESPONSE_LIMIT_BYTES - _ENVELOPE_BYTES - sum(floor.values())
    response = KinesisFirehoseDataTransformationResponse()
    counts = {"Ok": 0, "Dropped": 0, "ProcessingFailed": 0, "overflow": 0}
    for record in records:
        try:
            result, data, keys = transform(record.raw_event, settings)
        except Exception:  # never fail the whole batch for one record
            logger.exception("unexpected error transforming a record")
            result, data, keys = "ProcessingFailed", "", None
        extra = _entry_size(record.record_id, result, data, keys) - floor[record.record_id]
        if extra > room:
            # Over the 6 MB response limit: fail the record without data.
            # Firehose keeps the original of a failed record (error prefix).
            counts["overflow"] += result == "Ok"
            result, data, keys, extra = "ProcessingFailed", "", None, 0
        room -= extra
        counts[result] += 1
        metadata = KinesisFirehoseDataTransformationRecordMetadata(partition_keys=keys) if keys else None
        response.add_record(
            KinesisFirehoseDataTransformationRecord(record_id=record.record_id, result=result, data=data, metadata=metadata)
        )
    logger.info("transformed batch", extra={"counts": counts})
    return response.asdict()


@event_source(data_class=KinesisFirehoseEvent)
def handler(event: KinesisFirehoseEvent, context: Any) -> dict[str, Any]:
    return process(event, Settings())
