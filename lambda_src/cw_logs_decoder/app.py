"""Firehose record processor for CloudWatch Logs subscription data.

CloudWatch Logs delivers log events to a subscription (here: a log destination
feeding a Kinesis stream, read by Firehose) as base64, gzip-compressed JSON::

    {"messageType": "DATA_MESSAGE", "owner": "123456789012",
     "logGroup": "/aws/lambda/checkout", "logStream": "2024/05/01/[$LATEST]ab12",
     "subscriptionFilters": ["dev-shop-checkout"],
     "logEvents": [{"id": "3795...", "timestamp": 1714564800000, "message": "..."}]}

Per record (every input ``recordId`` appears in the response exactly once):

- ``CONTROL_MESSAGE`` (CloudWatch Logs checking that the destination is
  reachable) and a data message without events -> ``Dropped``;
- ``DATA_MESSAGE`` -> ``Ok`` with one line per log event, newline-delimited:
  ``OUTPUT_FORMAT=json`` (default) writes a JSON object per event with its
  metadata (``timestamp``, ``id``, ``message``, ``log_group``, ``log_stream``,
  ``account_id``, ``subscription_filters`` and the ``STATIC_FIELDS``);
  ``OUTPUT_FORMAT=raw`` writes the messages as they are;
- anything else (not base64, not gzip, not JSON, wrong shape, unknown message
  type) -> ``ProcessingFailed``: Firehose keeps the original record under the
  error prefix. No input makes the handler raise.

Lambda responses are limited to 6 MB (6,291,456 bytes) and decoded logs are
typically 5-10 times their compressed size. As in the AWS blueprint
(kinesis-firehose-cloudwatch-logs-processor), records that do not fit are
put back into the source - ``PutRecords`` to the source Kinesis stream, or
``PutRecordBatch`` to a Direct PUT delivery stream - and returned as
``Dropped``; Firehose reads them again in a later batch. Differences from the
blueprint:

- once the response is full, the remaining records are re-ingested without
  being decoded first (the blueprint decodes them and throws the result away);
- the response size is counted exactly, against the real limit;
- re-ingestion batches respect the APIs' byte limits as well as the
  500-record limit, retry only the failed entries with backoff, and a record
  that still cannot be re-ingested becomes ``ProcessingFailed`` (its original
  goes to the error prefix) instead of failing the whole batch;
- a record too large to return even alone is split into two CloudWatch Logs
  payloads with half the events each, both re-ingested (as the blueprint
  does); a single event that is too large becomes ``ProcessingFailed``.

Settings (environment variables):

- ``OUTPUT_FORMAT``: ``json`` (default) or ``raw``;
- ``STATIC_FIELDS``: JSON object of string fields added to every JSON line
  (e.g. ``{"source": "checkout", "environment": "dev"}``);
- ``REINGEST_MAX_ATTEMPTS``: attempts per re-ingestion batch (default 6).
"""

from __future__ import annotations

import binascii
import gzip
import json
import os
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _quote  # C implementation: escapes and quotes a str
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import KinesisFirehoseEvent, event_source
from aws_lambda_powertools.utilities.data_classes.cloud_watch_logs_event import CloudWatchLogsDecodedData
from aws_lambda_powertools.utilities.data_classes.kinesis_firehose_event import (
    KinesisFirehoseDataTransformationRecord,
    KinesisFirehoseDataTransformationResponse,
    KinesisFirehoseRecord,
)

logger = Logger()

RESPONSE_LIMIT_BYTES = 6_291_456  # Lambda's limit for a synchronous response
_ENVELOPE_BYTES = 1024  # '{"records": [' ... ']}' plus headroom for the runtime's serializer
_RESULTS = ("Ok", "Dropped", "ProcessingFailed")
# '{"recordId": "<id>", "result": "<r>", "data": "<b64>"}' plus the ', ' before
# it, minus the record id's quotes (counted with the escaped id).
_ENTRY_OVERHEAD = len(json.dumps({"recordId": "", "result": "", "data": ""})) + 2 - 2
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024  # refuse gzip bombs; CloudWatch Logs payloads are ~1 MB of events

# Re-ingestion API limits: (records per call, bytes per call, bytes per record)
KINESIS_LIMITS = (500, 5 * 1024 * 1024, 1024 * 1024)
FIREHOSE_LIMITS = (500, 4 * 1024 * 1024, 1000 * 1024)

BUILTIN_FIELDS = ("timestamp", "id", "message", "log_group", "log_stream", "account_id", "subscription_filters")


@dataclass(frozen=True)
class Settings:
    output: str = "json"  # json | raw
    static_fields: tuple[tuple[str, str], ...] = ()
    max_attempts: int = 6
    backoff_base_s: float = 0.1

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        output = env.get("OUTPUT_FORMAT", "json").strip().lower()
        if output not in ("json", "raw"):
            logger.warning("unknown OUTPUT_FORMAT, using json", extra={"value": output})
            output = "json"
        fields: list[tuple[str, str]] = []
        text = env.get("STATIC_FIELDS", "").strip()
        if text:
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict):
                logger.warning("STATIC_FIELDS is not a JSON object; ignored")
                parsed = {}
            for key, value in sorted(parsed.items()):
                if key in BUILTIN_FIELDS or not isinstance(value, str):
                    logger.warning("static field ignored (reserved name or not a string)", extra={"field": key})
                    continue
                fields.append((key, value))
        try:
            attempts = max(1, int(env.get("REINGEST_MAX_ATTEMPTS", "6")))
        except ValueError:
            attempts = 6
        return cls(output=output, static_fields=tuple(fields), max_attempts=attempts)

    @property
    def static_json(self) -> str:
        """The static fields as a JSON fragment (',"k":"v"...'), built once."""
        return "".join(f",{_quote(k)}:{_quote(v)}" for k, v in self.static_fields)


class Malformed(Exception):
    """The record is not a CloudWatch Logs subscription payload."""


def gunzip(data: bytes) -> bytes:
    """Decompress a gzip payload (all members), refusing more than MAX_DECOMPRESSED_BYTES."""
    out: list[bytes] = []
    total = 0
    while data:
        inflater = zlib.decompressobj(31)  # 31: gzip header and trailer, CRC checked by zlib
        try:
            chunk = inflater.decompress(data, MAX_DECOMPRESSED_BYTES - total + 1)
        except zlib.error as exc:
            raise Malformed(f"not gzip: {exc}") from None
        total += len(chunk)
        if total > MAX_DECOMPRESSED_BYTES or inflater.unconsumed_tail:
            raise Malformed("decompresses to more than the allowed size")
        if not inflater.eof:
            raise Malformed("truncated gzip data")
        out.append(chunk)
        data = inflater.unused_data.lstrip(b"\x00")  # gzip allows concatenated members
    if not out:
        raise Malformed("empty record")
    return out[0] if len(out) == 1 else b"".join(out)


def parse(b64: Any) -> dict[str, Any]:
    """base64 -> gunzip -> JSON object."""
    if not isinstance(b64, str):
        raise Malformed("record has no base64 data")
    try:
        compressed = binascii.a2b_base64(b64, strict_mode=True)
    except (binascii.Error, ValueError):
        raise Malformed("data is not base64") from None
    try:
        document = json.loads(gunzip(compressed))
    except (ValueError, UnicodeDecodeError):
        raise Malformed("payload is not JSON") from None
    if not isinstance(document, dict):
        raise Malformed("payload is not a JSON object")
    return document


def render(document: dict[str, Any], settings: Settings) -> bytes:
    """The newline-delimited output of a DATA_MESSAGE (one line per event)."""
    events = document["logEvents"]
    if settings.output == "raw":
        # str.join type-checks every message; the trailing "" ends the last
        # line without another copy of the text
        messages = [event["message"] for event in events]
        messages.append("")
        return "\n".join(messages).encode("utf-8", "replace")
    data = CloudWatchLogsDecodedData(document)
    # The per-record metadata is serialized once and shared by every line;
    # each event costs one format operation with C-level string escaping.
    filters = data.subscription_filters
    if not isinstance(filters, list):
        raise TypeError("subscriptionFilters is not a list")
    suffix = (
        f",\"log_group\":{_quote(data.log_group)},\"log_stream\":{_quote(data.log_stream)}"
        f",\"account_id\":{_quote(data.owner)},\"subscription_filters\":[{','.join(map(_quote, filters))}]"
        f"{settings.static_json}}}\n"
    )
    lines = [
        '{"timestamp":%d,"id":%s,"message":%s%s' % (_timestamp(event["timestamp"]), _quote(event["id"]), _quote(event["message"]), suffix)
        for event in events
    ]
    return "".join(lines).encode("ascii")  # _quote escapes everything outside ASCII


def _timestamp(value: Any) -> int:
    if type(value) is int:  # the common case, no further checks
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("timestamp is not a number")
    return int(value)


@dataclass
class Outcome:
    """What happens to one input record."""

    record: KinesisFirehoseRecord
    result: str
    data: str = ""
    reingest: list[bytes] = field(default_factory=list)  # payloads to put back into the source


def decode(record: KinesisFirehoseRecord, settings: Settings) -> tuple[str, bytes, dict[str, Any] | None]:
    """(result, output bytes, parsed document) for one record; never raises."""
    try:
        document = parse(record.get("data"))
        kind = document.get("messageType")
        if kind == "CONTROL_MESSAGE":
            return "Dropped", b"", None
        if kind != "DATA_MESSAGE":
            return "ProcessingFailed", b"", None
        if not isinstance(document.get("logEvents"), list):
            return "ProcessingFailed", b"", None
        if not document["logEvents"]:
            return "Dropped", b"", None
        return "Ok", render(document, settings), document
    except Malformed:
        return "ProcessingFailed", b"", None
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeError, RecursionError):
        return "ProcessingFailed", b"", None  # valid JSON, not the CloudWatch Logs shape
    except Exception:  # never fail the whole batch for one record
        logger.exception("unexpected error decoding a record", extra={"recordId": record.get("recordId")})
        return "ProcessingFailed", b"", None


def split(document: dict[str, Any]) -> list[bytes]:
    """Two gzip payloads with half the log events each (as CloudWatch Logs would send them)."""
    events = document["logEvents"]
    middle = len(events) // 2
    halves = ({**document, "logEvents": events[:middle]}, {**document, "logEvents": events[middle:]})
    return [gzip.compress(json.dumps(half, separators=(",", ":")).encode("utf-8"), compresslevel=6) for half in halves]


def _entry_size(record_id: Any, result: str, data_len: int) -> int:
    """Bytes one record adds to the serialized response."""
    quoted = _quote(record_id) if isinstance(record_id, str) else json.dumps(record_id)
    return _ENTRY_OVERHEAD + len(quoted) + len(result) + data_len


def _b64_len(n: int) -> int:
    return 4 * ((n + 2) // 3)


def plan(event: KinesisFirehoseEvent, settings: Settings) -> list[Outcome]:
    """Decode records until the response is full; the rest go back to the source."""
    records = list(event.records)
    # Every record must appear in the response: reserve its smallest entry
    # first, then spend what is left on data.
    floors = [_entry_size(r.get("recordId"), "ProcessingFailed", 0) for r in records]
    capacity = RESPONSE_LIMIT_BYTES - _ENVELOPE_BYTES - sum(floors)
    room = capacity
    outcomes: list[Outcome] = []
    full = False
    for record, floor in zip(records, floors):
        if full:
            # Decoding would be wasted work: the result could not be returned.
            outcomes.append(Outcome(record, "Dropped", reingest=[_original(record)]))
            continue
        result, output, document = decode(record, settings)
        if result != "Ok":
            outcomes.append(Outcome(record, result))
            continue
        extra = _entry_size(record.record_id, "Ok", _b64_len(len(output))) - floor
        if extra <= room:
            room -= extra
            outcomes.append(Outcome(record, "Ok", binascii.b2a_base64(output, newline=False).decode("ascii")))
        elif extra > capacity:
            # Too large even for an empty response: halve it (the halves come
            # back through the source and are decoded, or halved again, later).
            assert document is not None
            if len(document["logEvents"]) > 1:
                outcomes.append(Outcome(record, "Dropped", reingest=split(document)))
            else:
                logger.warning("single log event too large to return", extra={"recordId": record.record_id, "bytes": len(output)})
                outcomes.append(Outcome(record, "ProcessingFailed"))
        else:
            full = True
            outcomes.append(Outcome(record, "Dropped", reingest=[_original(record)]))
    return outcomes


def _original(record: KinesisFirehoseRecord) -> bytes:
    try:
        return binascii.a2b_base64(record.get("data") or "")
    except (binascii.Error, ValueError):
        return b""


# --- re-ingestion ---------------------------------------------------------

ClientFactory = Callable[[str, str], Any]  # (service, region) -> boto3 client
_clients: dict[tuple[str, str], Any] = {}


def default_client(service: str, region: str) -> Any:
    """A boto3 client per service and Region, reused across invocations."""
    key = (service, region)
    if key not in _clients:
        import boto3  # provided by the Lambda runtime; imported only when needed
        from botocore.config import Config

        _clients[key] = boto3.client(service, region_name=region, config=Config(retries={"mode": "standard"}))
    return _clients[key]


@dataclass(frozen=True)
class Target:
    service: str  # kinesis | firehose
    name: str
    region: str

    @classmethod
    def of(cls, event: KinesisFirehoseEvent) -> "Target":
        source = event.source_kinesis_stream_arn
        arn = source or event.delivery_stream_arn
        region = arn.split(":")[3]
        name = arn.split("/", 1)[1]
        return cls("kinesis" if source else "firehose", name, region)

    @property
    def limits(self) -> tuple[int, int, int]:
        return KINESIS_LIMITS if self.service == "kinesis" else FIREHOSE_LIMITS


def _entries(target: Target, outcome: Outcome) -> list[dict[str, Any]]:
    if target.service == "kinesis":
        metadata = outcome.record.metadata
        # keep the original partition key: the record lands on the same shard
        key = metadata.partition_key if metadata is not None else outcome.record.record_id
        return [{"Data": payload, "PartitionKey": key} for payload in outcome.reingest]
    return [{"Data": payload} for payload in outcome.reingest]


def _size(target: Target, entry: dict[str, Any]) -> int:
    return len(entry["Data"]) + len(entry.get("PartitionKey", "").encode("utf-8"))


def _batches(target: Target, items: list[tuple[int, dict[str, Any]]]) -> list[list[tuple[int, dict[str, Any]]]]:
    max_records, max_bytes, _ = target.limits
    batches: list[list[tuple[int, dict[str, Any]]]] = []
    current: list[tuple[int, dict[str, Any]]] = []
    size = 0
    for item in items:
        n = _size(target, item[1])
        if current and (len(current) == max_records or size + n > max_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += n
    if current:
        batches.append(current)
    return batches


def _put(client: Any, target: Target, entries: list[dict[str, Any]]) -> list[str | None]:
    """One API call; the error code of each entry (None: stored)."""
    if target.service == "kinesis":
        response = client.put_records(StreamName=target.name, Records=entries)
        results = response.get("Records", [])
    else:
        response = client.put_record_batch(DeliveryStreamName=target.name, Records=entries)
        results = response.get("RequestResponses", [])
    codes: list[str | None] = [r.get("ErrorCode") or None for r in results]
    if len(codes) != len(entries):  # a malformed response: treat the call as failed
        return ["IncompleteResponse"] * len(entries)
    return codes


def reingest(
    target: Target,
    outcomes: list[Outcome],
    client: Any,
    settings: Settings,
    sleep: Callable[[float], None] = time.sleep,
) -> set[int]:
    """Put the outcomes' payloads back into the source; the indexes of outcomes that failed."""
    _, _, max_record = target.limits
    failed: set[int] = set()
    items: list[tuple[int, dict[str, Any]]] = []
    for index, outcome in enumerate(outcomes):
        entries = _entries(target, outcome)
        if not entries or any(not e["Data"] or len(e["Data"]) > max_record for e in entries):
            failed.add(index)  # cannot be stored as a record: let Firehose keep the original
            continue
        items += [(index, entry) for entry in entries]
    for batch in _batches(target, items):
        pending = batch
        for attempt in range(settings.max_attempts):
            if attempt:
                # full jitter: spread retries of concurrent invocations
                sleep(random.uniform(0, settings.backoff_base_s * 2 ** (attempt - 1)))
            try:
                codes = _put(client, target, [entry for _, entry in pending])
            except Exception as exc:  # throttling, network: retry the whole call
                logger.warning("re-ingestion call failed", extra={"error": str(exc), "attempt": attempt + 1})
                continue
            pending = [item for item, code in zip(pending, codes) if code is not None]
            if not pending:
                break
            logger.warning("re-ingestion entries failed", extra={"failed": len(pending), "attempt": attempt + 1, "codes": sorted(set(c for c in codes if c))})
        failed.update(index for index, _ in pending)
    return failed


def process(
    event: KinesisFirehoseEvent,
    settings: Settings,
    client_factory: ClientFactory = default_client,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    outcomes = plan(event, settings)
    if not outcomes:
        return {"records": []}  # Firehose never sends an empty batch; answer one anyway
    spilled = [o for o in outcomes if o.reingest]
    if spilled:
        try:
            target = Target.of(event)
            failed = reingest(target, spilled, client_factory(target.service, target.region), settings, sleep)
        except Exception:
            logger.exception("cannot re-ingest")
            failed = set(range(len(spilled)))
        for index in failed:
            # Not re-ingested: ProcessingFailed makes Firehose keep the original record.
            spilled[index].result = "ProcessingFailed"
        logger.info("re-ingested records", extra={"records": len(spilled) - len(failed), "failed": len(failed)})
    response = KinesisFirehoseDataTransformationResponse()
    counts = dict.fromkeys(_RESULTS, 0)
    for outcome in outcomes:
        counts[outcome.result] += 1
        data = outcome.data if outcome.result == "Ok" else ""
        response.add_record(KinesisFirehoseDataTransformationRecord(record_id=outcome.record.record_id, result=outcome.result, data=data))
    logger.info("decoded batch", extra={"counts": counts, "reingested": len(spilled)})
    return response.asdict()


_SETTINGS: Settings | None = None


@event_source(data_class=KinesisFirehoseEvent)
def handler(event: KinesisFirehoseEvent, context: Any) -> dict[str, Any]:
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = Settings.from_environment()
    return process(event, _SETTINGS)
