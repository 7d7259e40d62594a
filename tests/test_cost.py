"""`streamgen cost`: expected values computed here by hand from the price table."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from support import REPO
from test_scaffold import ENV

CATALOG = """
domain: shop
owner: team-shop
topics:
  - name: orders
    mode: provisioned
    throughput: {write_mb_per_s: 2.5, write_records_per_s: 2000, read_consumers: 2}
    retention_hours: 200
  - name: clicks
    mode: on_demand
    throughput: {write_mb_per_s: 1, write_records_per_s: 100, read_consumers: 3}
    retention_hours: 48
sinks:
  - name: orders-lake
    kind: s3
    topic: orders
  - name: beacons
    kind: s3
    direct_put: true
"""


@pytest.fixture
def shop(sandbox):
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", CATALOG)
    shutil.copytree(REPO / "pricing", sandbox.root / "pricing")
    return sandbox


@pytest.fixture
def prices():
    return yaml.safe_load((REPO / "pricing" / "eu-west-1.yaml").read_text())


def test_price_table_is_dated_and_sourced(prices):
    assert prices["region"] == "eu-west-1" and prices["currency"] == "USD"
    assert str(prices["as_of"]) >= "2026-01-01"
    for service in ("kinesis", "firehose", "opensearch_ingestion", "msk_connect", "glue"):
        assert prices[service]["source"].startswith("https://aws.amazon.com/")


def test_estimate_per_resource_and_domain(shop, prices):
    result = shop.run("cost", "--json")
    assert result.code == 0, result.err
    est = json.loads(result.out)
    k, f, h = prices["kinesis"], prices["firehose"], 730
    month_s = 3600 * h

    # orders: 2.5 MB/s, 2,000 rec/s, 2 readers -> max(2.5/1, 2000/1000, 2.5*2/2) = 2.5 -> 3 shards
    orders = (
        3 * h * k["provisioned_shard_hour"]
        + 3 * h * k["extended_retention_shard_hour"]  # 200 h > 24 h
        + 2000 * month_s / 1e6 * k["put_payload_units_per_million"]  # 1.28 KB records: one 25 KB unit each
        + 2.5 * 3600 * (200 - 168) / 1024 * k["long_term_retention_gb_month"]  # the part kept beyond 7 days
    )
    clicks = (
        h * k["on_demand_stream_hour"]
        + 1 * month_s / 1024 * k["on_demand_data_in_gb"]
        + 1 * month_s / 1024 * 3 * k["on_demand_data_out_gb"]
        + 1 * 3600 * (48 - 24) / 1024 * k["on_demand_extended_retention_gb_month"]
    )
    # Firehose bills records rounded up to 5 KB: 1.28 KB -> 5 KB
    lake = 2000 * month_s * 5 / 1024 / 1024 * f["ingestion_gb"]

    by_name = {r["resource"]: r for r in est["resources"]}
    assert set(by_name) == {"dev-shop-orders", "dev-shop-clicks", "dev-shop-orders-lake", "dev-shop-beacons"}
    assert by_name["dev-shop-orders"]["service"] == "Kinesis Data Streams (3 shards)"
    assert by_name["dev-shop-orders"]["monthly"] == pytest.approx(orders, abs=0.01)
    assert by_name["dev-shop-clicks"]["monthly"] == pytest.approx(clicks, abs=0.01)
    assert by_name["dev-shop-orders-lake"]["monthly"] == pytest.approx(lake, abs=0.01)
    assert by_name["dev-shop-beacons"]["monthly"] == 0
    assert by_name["dev-shop-beacons"]["notes"] == ["no volume known (Direct PUT): ingestion not priced"]
    assert est["domains"] == {"shop": pytest.approx(orders + clicks + lake, abs=0.02)}
    assert est["total_monthly"] == pytest.approx(orders + clicks + lake, abs=0.02)
    assert est["prices_as_of"] == str(prices["as_of"]) and est["region"] == "eu-west-1"


def test_text_output_names_date_region_and_totals(shop):
    result = shop.run("cost", "--detail")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("dev (eu-west-1): estimated monthly cost in USD, 730 h/month,\nlist prices as of ")
    assert "(pricing/eu-west-1.yaml)" in out
    assert "shard-hours: 2,190.00 shard-hour x 0.015 = 32.85" in out
    assert "  total " in out and "not included: Lambda" in out


def test_under_provisioned_stream_is_flagged(shop):
    # shards and throughput are exclusive in the catalog; an env.yaml override is how this happens
    env = ENV + "overrides:\n  topics:\n    shop/orders: {shards: 1}\n"
    shop.write("environments/dev/env.yaml", env)
    est = json.loads(shop.run("cost", "--json").out)
    orders = next(r for r in est["resources"] if r["resource"] == "dev-shop-orders")
    assert "declared throughput needs 3 shards, 1 configured: writes will be throttled" in orders["notes"]


def test_missing_price_table_is_invalid_input(shop):
    shutil.rmtree(shop.root / "pricing")
    result = shop.run("cost")
    assert result.code == 2
    assert result.err_lines[0].startswith("pricing/eu-west-1.yaml: no price table for eu-west-1")
