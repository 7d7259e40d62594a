"""Validate-time change safety: changes AWS makes by replacing a stateful
resource, and removals of protected ones, are refused against the last
generated record (environments/<env>/generated/stateful.json) unless the
catalog allowed them already in that generation."""

from __future__ import annotations

import json

import pytest

from support import Sandbox

RECORD = "environments/dev/generated/stateful.json"
LEDGER = "  - name: ledger\n    platform: msk\n    cluster: main\n    partitions: 12\n\ntransforms:\n"
LAKE = "  - name: page-views-lake\n    kind: s3\n    topic: page-views\n"


@pytest.fixture
def generated(example_sandbox: Sandbox) -> Sandbox:
    payments = example_sandbox.root / "catalog" / "payments.yaml"
    payments.write_text(payments.read_text().replace("transforms:\n", LEDGER))
    assert example_sandbox.run("generate").code == 0
    return example_sandbox


def edit(sandbox: Sandbox, rel: str, old: str, new: str) -> None:
    path = sandbox.root / rel
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def record(sandbox: Sandbox) -> dict:
    return json.loads((sandbox.root / RECORD).read_text())["resources"]


def test_record_lists_stateful_resources_with_owner_and_immutable_attributes(generated):
    resources = record(generated)
    assert {
        "domains/clickstream/bucket_data",
        "domains/clickstream/sink_page-views-lake",
        "domains/clickstream/topic_page-views",
        "domains/payments/sink_orders-archive",
        "domains/payments/topic_orders",
        "kafka/payments/topic_ledger",
        "shared/bucket_access_logs",
    } <= set(resources)
    assert all(key.split("/")[-1].startswith(("topic_", "sink_", "bucket_", "iceberg_", "log_stream_", "log_delivery_")) for key in resources)
    assert resources["domains/payments/topic_orders"] == {
        "allow_destroy": False,
        "entry": "payments/orders",
        "field": "topics[orders]",
        "kind": "topic",
        "never_decreases": {},
        "origin": "catalog/payments.yaml:7",
        "replaced_when_changed": {"stream name": "dev-payments-orders"},
    }
    assert resources["kafka/payments/topic_ledger"]["never_decreases"] == {"partition count": 12}


def test_decreasing_kafka_partitions_is_refused_and_growing_is_fine(generated):
    edit(generated, "catalog/payments.yaml", "partitions: 12", "partitions: 6")
    before = generated.snapshot()
    result = generated.run("generate")
    assert result.code == 2
    assert result.err_lines == [
        "catalog/payments.yaml:19: topics[ledger].partitions: the partition count would decrease from 12 to 6; it can "
        "only grow in place, so the topic would be replaced, losing its data. Set allow_destroy: true on it (generate "
        "and apply), then make this change",
        "1 problem found; nothing was written",
    ]
    assert generated.snapshot() == before
    edit(generated, "catalog/payments.yaml", "partitions: 6", "partitions: 24")
    assert generated.run("generate").code == 0
    assert record(generated)["kafka/payments/topic_ledger"]["never_decreases"] == {"partition count": 24}


def test_changing_a_sinks_source_replaces_its_delivery_stream(generated):
    edit(generated, "catalog/clickstream.yaml", LAKE, LAKE.replace("topic: page-views", "topic: payments/orders"))
    result = generated.run("validate")
    assert result.code == 2
    assert result.err_lines == [
        "catalog/clickstream.yaml:13: sinks[page-views-lake].topic: the source would change from "
        "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-clickstream-page-views to "
        "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-payments-orders; AWS replaces the sink for that, losing "
        "its data. Set allow_destroy: true on it (generate and apply), then make this change",
        "1 problem found; nothing was written",
    ]


def test_allow_destroy_must_be_in_force_before_the_replacing_change(generated):
    new = LAKE.replace("topic: page-views", "topic: payments/orders") + "    allow_destroy: true\n"
    edit(generated, "catalog/clickstream.yaml", LAKE, new)
    result = generated.run("validate")
    assert result.code == 2
    assert result.err_lines[0].endswith(
        "allow_destroy: true is new in this change; generate and apply it on its own first, then make this change"
    )
    # the flag alone first, then the change
    edit(generated, "catalog/clickstream.yaml", new, LAKE + "    allow_destroy: true\n")
    assert generated.run("generate").code == 0
    assert record(generated)["domains/clickstream/sink_page-views-lake"]["allow_destroy"] is True
    edit(generated, "catalog/clickstream.yaml", LAKE + "    allow_destroy: true\n", new)
    assert generated.run("generate").code == 0


def test_removing_a_protected_sink_is_refused_until_it_allowed_destroy(generated):
    edit(generated, "catalog/clickstream.yaml", LAKE, "")
    result = generated.run("generate")
    assert result.code == 2
    assert result.err_lines == [
        "catalog/clickstream.yaml:13: sinks[page-views-lake]: sink clickstream/page-views-lake was removed or "
        "renamed, which destroys it and its data; it is protected: restore it, set allow_destroy: true and apply, "
        "then remove it (declared at line 13 when last generated)",
        "1 problem found; nothing was written",
    ]
    edit(generated, "catalog/clickstream.yaml", "sinks:\n", "sinks:\n" + LAKE + "    allow_destroy: true\n")
    assert generated.run("generate").code == 0
    edit(generated, "catalog/clickstream.yaml", LAKE + "    allow_destroy: true\n", "")
    assert generated.run("generate").code == 0
    assert "domains/clickstream/sink_page-views-lake" not in record(generated)


def test_a_new_name_prefix_would_replace_every_stream_bucket_and_delivery_stream(generated):
    edit(generated, "environments/dev/env.yaml", "name_prefix: dev", "name_prefix: qa")
    result = generated.run("validate")
    assert result.code == 2
    # every name the prefix derives (streams, buckets, delivery streams, their Kinesis sources) is reported,
    # and nothing else is (Kafka topic names, the MSK cluster and the Iceberg table carry no prefix)
    changing = {
        str(value)
        for key, entry in record(generated).items()
        if not key.startswith("kafka/")
        for value in entry["replaced_when_changed"].values()
        if str(value).startswith("dev-") or ":stream/dev-" in str(value)
    }
    errors = [line for line in result.err_lines[:-1] if ": warning: " not in line]
    assert len(changing) > 30 and all(any(value in line for line in errors) for value in changing)
    assert all(any(f"from {value} to" in line for value in changing) for line in errors)
    assert (
        "catalog/payments.yaml:7: topics[orders]: the stream name would change from dev-payments-orders to "
        "qa-payments-orders; AWS replaces the topic for that, losing its data. Set allow_destroy: true on it "
        "(generate and apply), then make this change"
    ) in result.err_lines
    assert (
        "environments/dev/env.yaml:1: bucket: the bucket name would change from dev-access-logs-111111111111-eu-west-1 "
        "to qa-access-logs-111111111111-eu-west-1; AWS replaces the bucket for that, losing its data. A bucket has no "
        "allow_destroy: keep what names it, or retire it by hand (empty it, remove it from the Terraform state) and "
        "delete its record from stateful.json in this change"
    ) in result.err_lines


def test_removing_a_domain_file_would_orphan_its_resources(generated):
    (generated.root / "catalog" / "clickstream.yaml").unlink()
    env = generated.root / "environments" / "dev" / "env.yaml"
    env.write_text(env.read_text().split("# Dev is small")[0])  # the override names a clickstream topic
    result = generated.run("validate")
    assert result.code == 2
    assert result.err_lines[0] == (
        "catalog/clickstream.yaml:2: bucket: bucket clickstream/data would stay deployed but unmanaged: its whole root "
        "domains/clickstream was removed. Remove the domain's entries first (keep its file; allow_destroy: true where "
        "protected) so the plan destroys them, then remove the file (declared at line 2 when last generated)"
    )
    assert result.err_lines[-1] == "4 problems found; nothing was written"


def test_generate_check_reports_a_stale_record(generated):
    edit(generated, "catalog/payments.yaml", "partitions: 12", "partitions: 24")
    result = generated.run("generate", "--check")
    assert result.code == 1
    assert f"  changed: {RECORD}" in result.err_lines
