"""The JSON transform on real-shaped Firehose events (Kinesis, Direct PUT, MSK)."""

from __future__ import annotations

import base64
import json

import pytest


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def kinesis_event(*payloads: str | bytes) -> dict:
    """Shaped like the event Firehose sends for a Kinesis-stream source."""
    return {
        "invocationId": "00540a87-5050-496a-84e4-e7d92bbaf5e2",
        "deliveryStreamArn": "arn:aws:firehose:eu-west-1:111111111111:deliverystream/dev-payments-orders-archive",
        "sourceKinesisStreamArn": "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-payments-orders",
        "region": "eu-west-1",
        "records": [
            {
                "recordId": f"49546986683135544286507457936321625675700192471156785154{i:04d}",
                "approximateArrivalTimestamp": 1700000000123 + i,
                "data": b64(p),
                "kinesisRecordMetadata": {
                    "shardId": "shardId-000000000000",
                    "partitionKey": "4d1ad2b9-24f8-4b9d-a088-76e9947c317a",
                    "approximateArrivalTimestamp": "2023-11-14T22:13:20.123Z",
                    "sequenceNumber": "49546986683135544286507457936321625675700192471156785154",
                    "subsequenceNumber": "",
                },
            }
            for i, p in enumerate(payloads)
        ],
    }


def msk_event(*payloads: str) -> dict:
    """Shaped like the event Firehose sends for an MSK source (kafkaRecordValue)."""
    return {
        "invocationId": "a8b2e7d4-0000-4c8a-9f55-000000000001",
        "deliveryStreamArn": "arn:aws:firehose:eu-west-1:111111111111:deliverystream/dev-kafka-sink",
        "sourceMSKArn": "arn:aws:kafka:eu-west-1:111111111111:cluster/dev/1a2b3c4d-1",
        "region": "eu-west-1",
        "records": [
            {
                "recordId": f"msk-{i}",
                "approximateArrivalTimestamp": 1700000000000,
                "kafkaRecordValue": b64(p),
                "mskRecordMetadata": {"offset": str(i), "partitionId": "0", "approximateArrivalTimestamp": 1700000000000},
            }
            for i, p in enumerate(payloads)
        ],
    }


def decode(record: dict) -> dict:
    return json.loads(base64.b64decode(record["data"]))


@pytest.fixture
def env(monkeypatch):
    for key in ("REQUIRED_FIELDS", "KEY_CASE", "DROP_NULLS", "ARRIVAL_FIELD", "PARTITION_KEYS"):
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


def test_valid_object_is_normalised_to_one_json_line(app, env):
    env.setenv("KEY_CASE", "snake")
    event = kinesis_event('{"orderId": 7, "customerName": "Ann", "note": null, "items": [{"SKUCode": "x"}]}')
    out = app.handler(event, None)
    [record] = out["records"]
    assert record["result"] == "Ok"
    raw = base64.b64decode(record["data"]).decode()
    assert raw.endswith("\n") and raw.count("\n") == 1
    assert json.loads(raw) == {
        "order_id": 7,
        "customer_name": "Ann",
        "items": [{"sku_code": "x"}],
        "_arrival_time": "2023-11-14T22:13:20.123Z",
    }


def test_keys_unchanged_and_nulls_kept_when_configured(app, env):
    env.setenv("DROP_NULLS", "false")
    env.setenv("ARRIVAL_FIELD", "")
    out = app.handler(kinesis_event('{"orderId": 1, "note": null}'), None)
    assert decode(out["records"][0]) == {"orderId": 1, "note": None}


@pytest.mark.parametrize(
    "payload, result",
    [
        ("", "Dropped"),
        ("   \n", "Dropped"),
        ("not json", "ProcessingFailed"),
        ("[1, 2]", "ProcessingFailed"),
        ('"a string"', "ProcessingFailed"),
        (b"\xff\xfe{}", "ProcessingFailed"),
        ('{"a": 1}', "Ok"),
    ],
)
def test_each_bad_record_gets_its_own_result(app, env, payload, result):
    out = app.handler(kinesis_event(payload), None)
    assert [r["result"] for r in out["records"]] == [result]


def test_missing_required_field_fails_only_that_record(app, env):
    env.setenv("REQUIRED_FIELDS", "order_id, amount")
    out = app.handler(kinesis_event('{"order_id": 1, "amount": 2}', '{"order_id": 1}', '{"order_id": 1, "amount": null}'), None)
    assert [r["result"] for r in out["records"]] == ["Ok", "ProcessingFailed", "ProcessingFailed"]


def test_every_record_id_exactly_once_in_order(app, env):
    payloads = ['{"n": %d}' % i if i % 3 else "garbage" for i in range(250)]
    event = kinesis_event(*payloads)
    out = app.handler(event, None)
    assert [r["recordId"] for r in out["records"]] == [r["recordId"] for r in event["records"]]


def test_invalid_base64_is_processing_failed(app, env):
    event = kinesis_event("{}")
    event["records"][0]["data"] = "%%% not base64"
    assert app.handler(event, None)["records"][0]["result"] == "ProcessingFailed"


def test_msk_source_reads_kafka_record_value(app, env):
    out = app.handler(msk_event('{"a": 1}', "nope"), None)
    assert [r["result"] for r in out["records"]] == ["Ok", "ProcessingFailed"]
    assert decode(out["records"][0])["a"] == 1


def test_response_stays_under_the_lambda_limit(app, env):
    # ~5.5 MB in; normalisation adds an arrival field to every record, so the
    # naive response would exceed 6 MB. Overflowing records must fail, not the batch.
    big = '{"k": "%s"}' % ("x" * 4000)
    event = kinesis_event(*[big] * 1400)
    out = app.handler(event, None)
    size = len(json.dumps(out))
    assert size < app.RESPONSE_LIMIT_BYTES
    results = [r["result"] for r in out["records"]]
    assert len(results) == 1400
    assert results.count("Ok") > 1000
    assert "ProcessingFailed" in results
    assert results.index("ProcessingFailed") > results.count("Ok") - 1  # failures only at the tail


def test_partition_keys_are_returned_for_dynamic_partitioning(app, env):
    env.setenv("KEY_CASE", "snake")
    env.setenv("PARTITION_KEYS", "tenant_id, region")
    out = app.handler(
        kinesis_event(
            '{"tenantId": "acme", "region": "eu", "n": 1}',
            '{"tenantId": 42, "region": "us"}',
            '{"tenantId": "acme"}',  # region missing
            '{"tenantId": {"nested": 1}, "region": "eu"}',  # not a scalar
        ),
        None,
    )
    results = [r["result"] for r in out["records"]]
    assert results == ["Ok", "Ok", "ProcessingFailed", "ProcessingFailed"]
    assert out["records"][0]["metadata"] == {"partitionKeys": {"tenant_id": "acme", "region": "eu"}}
    assert out["records"][1]["metadata"] == {"partitionKeys": {"tenant_id": "42", "region": "us"}}
    assert "metadata" not in out["records"][2]


def test_no_metadata_without_partition_keys(app, env):
    out = app.handler(kinesis_event('{"a": 1}'), None)
    assert "metadata" not in out["records"][0]


def test_partition_keys_count_towards_the_response_limit(app, env):
    env.setenv("PARTITION_KEYS", "k")
    big = '{"k": "%s"}' % ("x" * 4000)
    out = app.handler(kinesis_event(*[big] * 1400), None)
    assert len(json.dumps(out)) < app.RESPONSE_LIMIT_BYTES
    assert "ProcessingFailed" in [r["result"] for r in out["records"]]
