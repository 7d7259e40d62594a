# Per-record logic of streamgen's Glue streaming jobs: pure Python, no Spark.
#
# The generated job script embeds this module verbatim (so the job ships as one
# file) and calls it from Spark with mapPartitions; the tests import it
# directly. Keep it dependency-free and compatible with Python 3.10 (Glue 4.0).
#
# Spark's JSON source hands each record over as its top-level fields, every one
# typed STRING: a JSON string arrives unquoted, any other value as its JSON text
# ('12', 'true', '{"id": 1}'), a missing or null field as None. A record that is
# not JSON arrives with every field None and its text in `_corrupt_record`.
# `spark_fields` reproduces that hand-over for local runs and tests.

import base64
import datetime
import decimal
import json
import math
import re

CORRUPT_RECORD = "_corrupt_record"
ARRIVAL_FIELD = "__src_timestamp"  # added by the Glue source option addRecordTimestamp
EVENT_DATE = "event_date"

_INT_RANGES = {
    "tinyint": (-(2**7), 2**7 - 1),
    "smallint": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_STRINGS = ("string", "varchar", "char")
_MISSING = object()
_ISO_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?"
)


class BadValue(ValueError):
    """A value that does not fit its column's declared type."""


def spark_fields(raw, roots):
    """What Spark's JSON source (schema: each root STRING) yields for one raw record."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else raw
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        fields = {root: None for root in roots}
        fields[CORRUPT_RECORD] = text
        return fields
    fields = {CORRUPT_RECORD: None}
    for root in roots:
        value = data.get(root)
        if value is None:
            fields[root] = None
        elif isinstance(value, str):
            fields[root] = value
        else:
            fields[root] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return fields


def _json_value(text, spec):
    """A root field's text as the JSON value it was (strings stay strings)."""
    if spec[0] in _STRINGS:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text  # it was a JSON string, e.g. a date


def extract(fields, path, spec):
    """The value at ``path`` (a list of keys), or _MISSING."""
    text = fields.get(path[0])
    if text is None:
        return _MISSING
    if len(path) == 1:
        return _json_value(text, spec)
    try:
        node = json.loads(text)
    except ValueError:
        return _MISSING
    for key in path[1:]:
        if not isinstance(node, dict) or node.get(key) is None:
            return _MISSING
        node = node[key]
    return node


def _integer(value, kind):
    if isinstance(value, bool):
        raise BadValue(f"{value!r} is a boolean, not {kind}")
    if isinstance(value, float):
        if not value.is_integer():
            raise BadValue(f"{value!r} is not a whole number")
        value = int(value)
    elif isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise BadValue(f"{value!r} is not {kind}") from None
    elif not isinstance(value, int):
        raise BadValue(f"{type(value).__name__} is not {kind}")
    low, high = _INT_RANGES[kind]
    if not low <= value <= high:
        raise BadValue(f"{value} is out of range for {kind}")
    return value


def _float(value, kind):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadValue(f"{value!r} is not {kind}")
    try:
        result = float(value)
    except ValueError:
        raise BadValue(f"{value!r} is not {kind}") from None
    if math.isnan(result) or math.isinf(result):
        raise BadValue(f"{value!r} is not a finite number")
    return result


def _decimal(value, precision, scale):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadValue(f"{value!r} is not a decimal")
    try:
        number = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        raise BadValue(f"{value!r} is not a decimal") from None
    if not number.is_finite():
        raise BadValue(f"{value!r} is not a finite decimal")
    quantum = decimal.Decimal(1).scaleb(-scale)
    rounded = number.quantize(quantum, rounding=decimal.ROUND_HALF_EVEN)
    if rounded != number:
        raise BadValue(f"{value!r} has more than {scale} decimal places")
    if len(rounded.as_tuple().digits) > precision and rounded != 0:
        raise BadValue(f"{value!r} does not fit decimal({precision},{scale})")
    return rounded


def _boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise BadValue(f"{value!r} is not a boolean")


def _string(value, limit):
    if isinstance(value, (dict, list)):
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = value if isinstance(value, str) else json.dumps(value)
    if limit is not None and len(text) > limit:
        raise BadValue(f"{len(text)} characters is longer than {limit}")
    return text


def _epoch(number):
    # seconds or milliseconds since 1970: values past 1e11 are milliseconds (year 5138 in seconds)
    seconds = number / 1000 if abs(number) >= 1e11 else number
    try:
        return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    except OverflowError:
        raise BadValue(f"{number!r} is out of range for a timestamp") from None


def _timestamp(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if isinstance(value, bool):
        raise BadValue(f"{value!r} is not a timestamp")
    if isinstance(value, (int, float)):
        return _epoch(value)
    if not isinstance(value, str):
        raise BadValue(f"{type(value).__name__} is not a timestamp")
    match = _ISO_TIMESTAMP.fullmatch(value.strip())
    if not match:
        raise BadValue(f"{value!r} is not an ISO-8601 timestamp")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    try:
        result = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro)
    except ValueError as exc:
        raise BadValue(f"{value!r}: {exc}") from None
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        result -= sign * offset  # to UTC
    return result


def _date(value):
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise BadValue(f"{value!r}: {exc}") from None
    return _timestamp(value).date()


def _binary(value):
    if not isinstance(value, str):
        raise BadValue(f"{type(value).__name__} is not base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise BadValue(f"{value[:40]!r} is not base64") from None


def convert(value, spec):
    """A JSON value as the Python value Spark expects for the declared type."""
    kind = spec[0]
    if value is None:
        return None
    if kind in _INT_RANGES:
        return _integer(value, kind)
    if kind in ("float", "double"):
        return _float(value, kind)
    if kind == "decimal":
        return _decimal(value, spec[1], spec[2])
    if kind == "boolean":
        return _boolean(value)
    if kind == "string":
        return _string(value, None)
    if kind in ("varchar", "char"):
        return _string(value, spec[1])
    if kind == "timestamp":
        return _timestamp(value)
    if kind == "date":
        return _date(value)
    if kind == "binary":
        return _binary(value)
    if kind == "array":
        if not isinstance(value, list):
            raise BadValue(f"{type(value).__name__} is not an array")
        return [convert(item, spec[1]) for item in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise BadValue(f"{type(value).__name__} is not an object")
        return {convert(key, spec[1]): convert(item, spec[2]) for key, item in value.items()}
    if kind == "struct":
        if not isinstance(value, dict):
            raise BadValue(f"{type(value).__name__} is not an object")
        return {name: convert(value.get(name), field) for name, field in spec[1]}
    raise BadValue(f"unsupported type {kind}")


def event_date(row, event_time, arrival):
    """The partition date: the event time column when set and present, else the arrival time (UTC)."""
    value = row.get(event_time) if event_time else None
    if value is None:
        value = arrival
    if value is None:
        return datetime.datetime.now(datetime.timezone.utc).date()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return _timestamp(value).date()
    except BadValue:
        return datetime.datetime.now(datetime.timezone.utc).date()


def transform(fields, columns, required=(), event_time=None, with_event_date=False):
    """One record -> (row, None) when it fits the declared columns, else (None, reason).

    ``columns`` holds {"name", "path" (list of keys), "type" (spec)}; the row
    maps every column name to its converted value (None when absent).
    """
    corrupt = fields.get(CORRUPT_RECORD)
    if corrupt is not None:
        return None, "not a JSON object"
    row = {}
    present = False
    for column in columns:
        value = extract(fields, column["path"], column["type"])
        if value is _MISSING:
            row[column["name"]] = None
            continue
        present = True
        try:
            row[column["name"]] = convert(value, column["type"])
        except BadValue as exc:
            return None, f"{column['name']}: {exc}"
    if not present:
        return None, "no declared field present (not a JSON object, or an empty one)"
    missing = [name for name in required if row.get(name) is None]
    if missing:
        return None, f"required field(s) missing: {', '.join(missing)}"
    if with_event_date:
        row[EVENT_DATE] = event_date(row, event_time, fields.get(ARRIVAL_FIELD))
    return row, None


def error_line(fields, reason, batch_id):
    """The JSON line written to the error prefix for a rejected record."""
    record = fields.get(CORRUPT_RECORD)
    if record is None:
        record = {k: v for k, v in fields.items() if k not in (CORRUPT_RECORD, ARRIVAL_FIELD) and v is not None}
    return json.dumps(
        {"error": reason, "batch_id": batch_id, "record": record, "arrival": str(fields.get(ARRIVAL_FIELD))},
        ensure_ascii=False,
        sort_keys=True,
    )


def transform_partition(rows, columns, required, event_time, with_event_date, output_order, batch_id):
    """mapPartitions body: yields ("ok", tuple in output order) or ("error", JSON line)."""
    for fields in rows:
        row, reason = transform(fields, columns, required, event_time, with_event_date)
        if row is None:
            yield "error", error_line(fields, reason, batch_id)
        else:
            yield "ok", tuple(row[name] for name in output_order)
