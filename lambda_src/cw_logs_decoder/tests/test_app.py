"""The CloudWatch Logs decoder: real-shaped payloads, the 6 MB response limit
with re-ingestion (boto3 against moto), retries, and garbage input."""

from __future__ import annotations

import base64
import functools
import gzip
import json
import random
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
STREAM = "dev-logs-shop-checkout"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{STREAM}"
DELIVERY = "dev-logs-shop-checkout"
DELIVERY_ARN = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{DELIVERY}"
LIMIT = 6_291_456


# --- payloads as CloudWatch Logs sends them ---------------------------------------


def cwl(events: list[dict[str, Any]], *, kind: str = "DATA_MESSAGE", group: str = "/aws/lambda/checkout", stream: str = "2024/05/01/[$LATEST]ab12") -> dict[str, Any]:
    return {
        "messageType": kind,
        "owner": "333333333333",
        "logGroup": group,
        "logStream": stream,
        "subscriptionFilters": ["dev-shop-checkout"],
        "logEvents": events,
    }


def events(n: int, size: int = 60, seed: int = 0, start: int = 1714564800000) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "id": str(37_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000 + seed * 100_000 + i),
            "timestamp": start + i,
            "message": ('GET "/x" {a:1}, ' + rng.randbytes(size // 2 + 1).hex())[:size],  # quotes: escaping is exercised
        }
        for i in range(n)
    ]


def b64gz(document: Any) -> str:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode("utf-8")
    return base64.b64encode(gzip.compress(raw)).decode("ascii")


def firehose_event(datas: list[str], *, kinesis: bool = True) -> dict[str, Any]:
    event: dict[str, Any] = {
        "invocationId": "b6f5d3d2-0000-4000-8000-000000000001",
        "deliveryStreamArn": DELIVERY_ARN,
        "region": REGION,
        "records": [],
    }
    if kinesis:
        event["sourceKinesisStreamArn"] = STREAM_ARN
    for i, data in enumerate(datas):
        record: dict[str, Any] = {"recordId": f"{i:056d}", "approximateArrivalTimestamp": 1714564800000, "data": data}
        if kinesis:
            record["kinesisRecordMetadata"] = {
                "shardId": "shardId-000000000000",
                "partitionKey": f"key-{i % 3}",
                "approximateArrivalTimestamp": 1714564800000,
                "sequenceNumber": f"{i:056d}",
                "subsequenceNumber": 0,
            }
        event["records"].append(record)
    return event


def run(app, event: dict[str, Any], client: Any = None, **options: Any) -> dict[str, Any]:
    settings_ = app.Settings(**options)

    def factory(service: str, region: str) -> Any:
        if client is None:
            raise AssertionError(f"unexpected re-ingestion to {service}")
        return client

    return app.process(app.KinesisFirehoseEvent(event), settings_, client_factory=factory, sleep=lambda s: None)


def results(response: dict[str, Any]) -> list[str]:
    return [r["result"] for r in response["records"]]


def lines(record: dict[str, Any]) -> list[str]:
    return base64.b64decode(record["data"]).decode("utf-8").splitlines()


# --- decoding ---------------------------------------------------------------------


def test_data_message_becomes_enriched_json_lines(app):
    payload = cwl([{"id": "1", "timestamp": 1714564800000, "message": 'GET /orders "ok"'}, {"id": "2", "timestamp": 1714564800001, "message": "héllo\nworld"}])
    response = run(app, firehose_event([b64gz(payload)]), static_fields=(("environment", "dev"), ("source", "shop/checkout")))
    [record] = response["records"]
    assert record["result"] == "Ok" and record["recordId"] == "0" * 56
    parsed = [json.loads(line) for line in lines(record)]
    assert parsed == [
        {"timestamp": 1714564800000, "id": "1", "message": 'GET /orders "ok"', "log_group": "/aws/lambda/checkout",
         "log_stream": "2024/05/01/[$LATEST]ab12", "account_id": "333333333333", "subscription_filters": ["dev-shop-checkout"],
         "environment": "dev", "source": "shop/checkout"},
        {"timestamp": 1714564800001, "id": "2", "message": "héllo\nworld", "log_group": "/aws/lambda/checkout",
         "log_stream": "2024/05/01/[$LATEST]ab12", "account_id": "333333333333", "subscription_filters": ["dev-shop-checkout"],
         "environment": "dev", "source": "shop/checkout"},
    ]
    # one object per line: a newline inside a message stays escaped
    assert base64.b64decode(record["data"]).count(b"\n") == 2


def test_raw_output_is_the_messages_one_per_line(app):
    payload = cwl([{"id": "1", "timestamp": 1, "message": "START RequestId: 42"}, {"id": "2", "timestamp": 2, "message": "naïve ✓"}])
    [record] = run(app, firehose_event([b64gz(payload)]), output="raw")["records"]
    assert base64.b64decode(record["data"]) == "START RequestId: 42\nnaïve ✓\n".encode("utf-8")


def test_control_messages_and_empty_data_messages_are_dropped(app):
    control = {"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "",
               "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": 1, "message": "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."}]}
    response = run(app, firehose_event([b64gz(control), b64gz(cwl([]))]))
    assert results(response) == ["Dropped", "Dropped"]
    assert all(r["data"] == "" for r in response["records"])


MALFORMED = {
    "not base64": "this is not base64!",
    "base64, not gzip": base64.b64encode(b"plain text").decode(),
    "gzip, not JSON": b64gz(b"\x00\x01 not json"),
    "truncated gzip": base64.b64encode(gzip.compress(json.dumps(cwl(events(3))).encode())[:-12]).decode(),
    "JSON array": b64gz([1, 2, 3]),
    "unknown message type": b64gz(cwl(events(2), kind="SOMETHING_ELSE")),
    "logEvents not a list": b64gz({**cwl([]), "logEvents": {"a": 1}}),
    "event without message": b64gz(cwl([{"id": "1", "timestamp": 1}])),
    "message not a string": b64gz(cwl([{"id": "1", "timestamp": 1, "message": {"nested": True}}])),
    "timestamp not a number": b64gz(cwl([{"id": "1", "timestamp": "yesterday", "message": "x"}])),
    "log group missing": b64gz({k: v for k, v in cwl(events(1)).items() if k != "logGroup"}),
    "deeply nested JSON": b64gz(b"[" * 100_000 + b"]" * 100_000),
    "empty": "",
}


@pytest.mark.parametrize("data", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_records_fail_alone(app, data):
    good = b64gz(cwl(events(2)))
    response = run(app, firehose_event([good, data, good]))
    assert results(response) == ["Ok", "ProcessingFailed", "Ok"]


def test_gzip_bomb_is_refused(app, monkeypatch):
    monkeypatch.setattr(app, "MAX_DECOMPRESSED_BYTES", 1024 * 1024)
    bomb = base64.b64encode(gzip.compress(b" " * (2 * 1024 * 1024))).decode()
    assert results(run(app, firehose_event([bomb]))) == ["ProcessingFailed"]


def test_concatenated_gzip_members_are_read(app):
    document = json.dumps(cwl(events(4))).encode()
    two_members = gzip.compress(document[:50]) + gzip.compress(document[50:])
    [record] = run(app, firehose_event([base64.b64encode(two_members).decode()]), output="raw")["records"]
    assert record["result"] == "Ok" and len(lines(record)) == 4


def test_settings_from_the_environment(app):
    s = app.Settings.from_environment({"OUTPUT_FORMAT": "RAW", "STATIC_FIELDS": '{"source": "a", "message": "reserved", "n": 1}', "REINGEST_MAX_ATTEMPTS": "3"})
    assert (s.output, s.static_fields, s.max_attempts) == ("raw", (("source", "a"),), 3)
    fallback = app.Settings.from_environment({"OUTPUT_FORMAT": "xml", "STATIC_FIELDS": "[1]", "REINGEST_MAX_ATTEMPTS": "many"})
    assert (fallback.output, fallback.static_fields, fallback.max_attempts) == ("json", (), 6)


def test_handler_reads_the_environment(app, monkeypatch):
    monkeypatch.setattr(app, "_SETTINGS", None)
    monkeypatch.setenv("OUTPUT_FORMAT", "raw")
    monkeypatch.setenv("STATIC_FIELDS", "{}")
    payload = cwl([{"id": "1", "timestamp": 1, "message": "hello"}])
    response = app.handler(firehose_event([b64gz(payload)]), None)
    assert base64.b64decode(response["records"][0]["data"]) == b"hello\n"
    monkeypatch.setattr(app, "_SETTINGS", None)


# --- the 6 MB limit and re-ingestion ----------------------------------------------


@functools.cache
def big_batch(records: int = 40, per_record: int = 50, size: int = 3000) -> list[dict[str, Any]]:
    """~150 KB of output per record: 40 records make ~8 MB base64, more than one response holds."""
    return [cwl(events(per_record, size, seed=i), stream=f"stream-{i}") for i in range(records)]


@functools.cache
def big_datas() -> tuple[str, ...]:
    return tuple(b64gz(d) for d in big_batch())


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


def read_stream(client: Any) -> list[dict[str, Any]]:
    shards = client.list_shards(StreamName=STREAM)["Shards"]
    out = []
    for shard in shards:
        iterator = client.get_shard_iterator(StreamName=STREAM, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = client.get_records(ShardIterator=iterator, Limit=1000)
            out += page["Records"]
            iterator = page.get("NextShardIterator") if page["Records"] else None
    return out


def test_overflow_is_reingested_into_the_source_stream(app, aws):
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    documents = big_batch()
    event = firehose_event(list(big_datas()))
    response = run(app, event, client=kinesis, output="raw")

    body = json.dumps(response)
    assert len(body) <= LIMIT
    assert [r["recordId"] for r in response["records"]] == [r["recordId"] for r in event["records"]]
    outcome = results(response)
    ok = outcome.count("Ok")
    # Records are returned in order until the response is full, then re-ingested.
    assert 0 < ok < len(documents) and outcome == ["Ok"] * ok + ["Dropped"] * (len(documents) - ok)
    # Packed tightly: one more record would not have fitted.
    next_entry = len(json.dumps(response["records"][0])) + 2
    assert len(body) + next_entry > LIMIT - 1024
    for record, document in zip(response["records"][:ok], documents):
        assert lines(record) == [e["message"] for e in document["logEvents"]]
    stored = read_stream(kinesis)
    assert [r["Data"] for r in stored] == [base64.b64decode(r["data"]) for r in event["records"][ok:]]
    assert [r["PartitionKey"] for r in stored] == [f"key-{i % 3}" for i in range(ok, len(documents))]


def test_overflow_of_a_direct_put_stream_goes_back_to_the_delivery_stream(app, aws):
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="central-logs-test", CreateBucketConfiguration={"LocationConstraint": REGION})
    firehose = boto3.client("firehose", region_name=REGION)
    firehose.create_delivery_stream(
        DeliveryStreamName=DELIVERY,
        ExtendedS3DestinationConfiguration={"RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose", "BucketARN": "arn:aws:s3:::central-logs-test", "Prefix": "raw/"},
    )
    event = firehose_event(list(big_datas()), kinesis=False)
    response = run(app, event, client=firehose)
    assert len(json.dumps(response)) <= LIMIT
    ok = results(response).count("Ok")
    assert results(response)[ok:] == ["Dropped"] * (len(event["records"]) - ok)
    objects = s3.list_objects_v2(Bucket="central-logs-test", Prefix="raw/")["Contents"]
    stored = b"".join(s3.get_object(Bucket="central-logs-test", Key=o["Key"])["Body"].read() for o in sorted(objects, key=lambda o: o["LastModified"]))
    assert stored == b"".join(base64.b64decode(r["data"]) for r in event["records"][ok:])


def test_a_record_too_large_to_return_is_split_in_halves(app, aws):
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    # ~5 MB of (compressible, like real logs) messages, ~6.8 MB base64: cannot be returned
    huge = cwl([{**e, "message": e["message"][:40] * 2000} for e in events(64, 40, seed=7)])
    small = cwl(events(3))
    response = run(app, firehose_event([b64gz(huge), b64gz(small)]), client=kinesis, output="raw")
    assert results(response) == ["Dropped", "Ok"]
    halves = [json.loads(gzip.decompress(r["Data"])) for r in read_stream(kinesis)]
    assert [len(h["logEvents"]) for h in halves] == [32, 32]
    assert halves[0]["logEvents"] + halves[1]["logEvents"] == huge["logEvents"]
    assert all({k: v for k, v in h.items() if k != "logEvents"} == {k: v for k, v in huge.items() if k != "logEvents"} for h in halves)
    # a half fits once it comes back
    again = run(app, firehose_event([b64gz(halves[0])]), output="raw")
    assert results(again) == ["Ok"]


def test_a_single_event_too_large_to_return_fails_alone(app):
    huge = cwl(events(1, 5_000_000))
    response = run(app, firehose_event([b64gz(huge), b64gz(cwl(events(1)))]), output="raw")
    assert results(response) == ["ProcessingFailed", "Ok"]


class FlakyKinesis:
    """Fails chosen entries for the first attempts, or raises, like a throttled stream."""

    def __init__(self, fail_first: int = 0, raise_first: int = 0, always_fail: set[bytes] | None = None):
        self.fail_first, self.raise_first, self.always_fail = fail_first, raise_first, always_fail or set()
        self.calls: list[list[dict[str, Any]]] = []
        self.stored: list[bytes] = []

    def put_records(self, StreamName: str, Records: list[dict[str, Any]]) -> dict[str, Any]:
        assert StreamName == STREAM
        self.calls.append(Records)
        if len(self.calls) <= self.raise_first:
            raise RuntimeError("ProvisionedThroughputExceededException")
        out = []
        for i, record in enumerate(Records):
            if record["Data"] in self.always_fail or (len(self.calls) <= self.raise_first + self.fail_first and i % 2 == 0):
                out.append({"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "slow down"})
            else:
                self.stored.append(record["Data"])
                out.append({"SequenceNumber": str(len(self.stored)), "ShardId": "shardId-000000000000"})
        return {"FailedRecordCount": sum("ErrorCode" in r for r in out), "Records": out}


def test_failed_entries_are_retried_until_stored(app):
    event = firehose_event(list(big_datas()))
    client = FlakyKinesis(fail_first=2, raise_first=1)
    response = run(app, event, client=client, output="raw")
    ok = results(response).count("Ok")
    assert results(response)[ok:] == ["Dropped"] * (len(event["records"]) - ok)
    assert sorted(client.stored) == sorted(base64.b64decode(r["data"]) for r in event["records"][ok:])
    assert len(client.calls) == 4  # raised once, two partial failures, then the rest
    assert len(client.calls[3]) < len(client.calls[1])  # only the failed entries are sent again


def test_records_that_cannot_be_reingested_fail_instead_of_the_batch(app):
    event = firehose_event(list(big_datas()))
    stuck = base64.b64decode(event["records"][-1]["data"])
    client = FlakyKinesis(always_fail={stuck})
    response = run(app, event, client=client, output="raw", max_attempts=4)
    assert results(response)[-1] == "ProcessingFailed"  # Firehose keeps the original under the error prefix
    assert results(response)[-2] == "Dropped"
    assert len(client.calls) == 4


def test_reingestion_respects_the_api_limits(app):
    target = app.Target("kinesis", STREAM, REGION)
    items = [(i, {"Data": b"x" * 20_000, "PartitionKey": "k"}) for i in range(600)]
    batches = app._batches(target, items)
    assert [len(b) for b in batches] == [262, 262, 76]  # 5 MiB per call before 500 records
    small = [(i, {"Data": b"x", "PartitionKey": "k"}) for i in range(1200)]
    assert [len(b) for b in app._batches(target, small)] == [500, 500, 200]
    firehose = app.Target("firehose", DELIVERY, REGION)
    assert max(sum(len(e["Data"]) for _, e in b) for b in app._batches(firehose, [(i, {"Data": b"x" * 100_000}) for i in range(100)])) <= 4 * 1024 * 1024


# --- garbage in, a valid response out ---------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
cwl_like = st.fixed_dictionaries(
    {"messageType": st.sampled_from(["DATA_MESSAGE", "CONTROL_MESSAGE", "OTHER"]) | json_values},
    optional={
        "owner": st.text(max_size=12) | json_values,
        "logGroup": st.text(max_size=12) | json_values,
        "logStream": st.text(max_size=12) | json_values,
        "subscriptionFilters": st.lists(st.text(max_size=8), max_size=2) | json_values,
        "logEvents": st.lists(
            st.fixed_dictionaries({}, optional={"id": st.text(max_size=8) | json_values, "timestamp": st.integers() | json_values, "message": st.text(max_size=40) | json_values}),
            max_size=5,
        )
        | json_values,
    },
)
payloads = st.one_of(
    st.text(max_size=60),  # anything at all
    st.binary(max_size=60).map(lambda b: base64.b64encode(b).decode()),  # base64 of junk
    st.binary(max_size=60).map(lambda b: base64.b64encode(gzip.compress(b)).decode()),  # gzip of junk
    json_values.map(lambda v: b64gz(json.dumps(v).encode())),  # gzip of any JSON
    cwl_like.map(lambda d: b64gz(json.dumps(d).encode())),  # gzip of almost-CloudWatch-Logs
    st.none(),
    st.integers(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(datas=st.lists(payloads, max_size=8), output=st.sampled_from(["json", "raw"]), kinesis=st.booleans())
def test_garbage_never_escapes_and_every_record_is_answered_once(app, datas, output, kinesis):
    event = firehose_event(datas, kinesis=kinesis)  # type: ignore[arg-type]
    response = run(app, event, output=output)
    ids = [r["recordId"] for r in response["records"]]
    assert ids == [r["recordId"] for r in event["records"]]
    for record in response["records"]:
        assert record["result"] in ("Ok", "Dropped", "ProcessingFailed")
        if record["result"] == "Ok":
            text = base64.b64decode(record["data"], validate=True).decode("utf-8")
            assert text.endswith("\n")
            if output == "json":
                assert all(isinstance(json.loads(line), dict) for line in text.splitlines())
        else:
            assert record["data"] == ""
    assert len(json.dumps(response)) <= LIMIT


def test_requirements_are_pinned_to_the_dev_environment():
    """The tests exercise the function with the library versions it ships with."""
    from importlib.metadata import version
    from pathlib import Path

    pins = [line.split("==") for line in (Path(__file__).parents[1] / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert pins and all(version(name) == pinned for name, pinned in pins)
