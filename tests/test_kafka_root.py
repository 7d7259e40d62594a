"""The kafka/<domain> root (Mongey/kafka provider): checked by parsing its HCL, since
the provider is not in the offline mirror; `terraform validate` runs when the
provider can be installed here, and is skipped with the reason otherwise."""

from __future__ import annotations

import hcl2
import pytest

from streamgen import runner, terraform
from support import REPO

ROOT = REPO / "environments" / "dev" / "generated" / "kafka" / "inventory"
KAFKA = "registry.terraform.io/mongey/kafka"


# checkov pulls in bc-python-hcl2, which installs the same `hcl2` module but
# wraps every attribute value in a list; accept both layouts.
WRAPPED = hcl2.loads("a = 1")["a"] == [1]


def parsed(name: str) -> dict:
    return hcl2.loads((ROOT / name).read_text())


def attr(body: dict, key: str):
    return body[key][0] if WRAPPED else body[key]


def attrs(body: dict) -> dict:
    return {k: attr(body, k) for k in body if not k.startswith("__")}


@pytest.fixture(scope="module")
def topics() -> dict[str, dict]:
    found = {}
    for block in parsed("topics.tf")["resource"]:
        for name, body in block["kafka_topic"].items():
            found[name] = attrs({k: v for k, v in body.items() if k != "lifecycle"})
            if "lifecycle" in body:
                found[name]["lifecycle"] = [attrs(b) for b in body["lifecycle"]]
    return found


def test_root_requires_only_the_kafka_provider_and_keeps_state_in_s3():
    (block,) = parsed("terraform.tf")["terraform"]
    (providers,) = block["required_providers"]
    assert attrs(providers) == {"kafka": {"source": "Mongey/kafka", "version": "0.12.1"}}
    backend = attrs(block["backend"][0]["s3"])
    assert backend["key"] == "streamgen/dev/kafka/inventory/terraform.tfstate"
    assert backend["encrypt"] is True and backend["use_lockfile"] is True
    assert terraform.required_providers(ROOT) == [KAFKA]


def test_providers_use_iam_over_tls_per_cluster():
    providers = {attr(p["kafka"], "alias"): attrs(p["kafka"]) for p in parsed("providers.tf")["provider"]}
    assert sorted(providers) == ["events", "main"]
    for alias, provider in providers.items():
        assert provider["tls_enabled"] is True
        assert provider["sasl_mechanism"] == "aws-iam"
        assert provider["sasl_aws_region"] == "eu-west-1"
        assert provider["sasl_aws_role_arn"] == "${local.deploy_role_arn}"
        assert all(b.endswith(":9098") for b in provider["bootstrap_servers"]), alias
        assert "skip_tls_verify" not in provider and "sasl_password" not in provider
    assert len(providers["main"]["bootstrap_servers"]) == 3
    assert providers["main"]["kafka_version"] == "3.6.0"
    assert "kafka_version" not in providers["events"]


def test_topics_are_named_sized_and_configured_as_declared(topics):
    stock = topics["topic_stock-levels"]
    assert stock["provider"] == "${kafka.main}"
    assert (stock["name"], stock["partitions"], stock["replication_factor"]) == ("inventory.stock-levels", 12, 3)
    assert stock["config"] == {"cleanup.policy": "compact", "min.compaction.lag.ms": "60000", "min.insync.replicas": "2"}
    scans = topics["topic_scans"]
    assert scans["provider"] == "${kafka.events}"
    assert (scans["replication_factor"], scans["config"]) == (3, {"retention.ms": "86400000"})  # serverless: fixed 3
    assert sorted(t["name"] for t in topics.values()) == [
        "inventory.connect-dlq", "inventory.products.cdc", "inventory.scans", "inventory.shipments",
        "inventory.stock-alerts", "inventory.stock-levels", "inventory.warehouses.cdc",
    ]
    assert all(isinstance(v, str) for t in topics.values() for v in t.get("config", {}).values())


def test_topics_are_protected_unless_the_catalog_allows_deletion(topics):
    protected = {name for name, t in topics.items() if t.get("lifecycle") == [{"prevent_destroy": True}]}
    assert set(topics) - protected == {"topic_connect-dlq"}  # allow_destroy: true in the catalog
    assert "lifecycle" not in topics["topic_connect-dlq"]


def test_plan_skips_the_root_with_the_reason_when_the_provider_is_missing(repo, tmp_path):
    [result] = runner.plan_environment(repo, "dev", roots=["kafka/inventory"], work_dir=tmp_path)
    assert result.ok
    reason = terraform.provider_unavailable(KAFKA)
    if reason is None:
        assert result.skipped.startswith("validated; not planned offline"), result.skipped
    else:
        assert result.skipped == reason and result.plan is None
        assert KAFKA in reason


@pytest.mark.terraform
def test_terraform_validate_when_the_provider_can_be_installed(repo, tmp_path):
    reason = terraform.provider_unavailable(KAFKA)
    if reason is not None:
        pytest.skip(f"terraform validate of kafka/inventory skipped: {reason}")
    staged = terraform.stage(repo, ROOT, tmp_path, overrides={runner.OFFLINE_OVERRIDE_NAME: terraform.offline_override_for(ROOT)})
    staged.init()
    result = staged.validate()
    assert result["valid"], result["diagnostics"]
