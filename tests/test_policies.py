"""Our checkov policies (policies/checks) against their fixtures (policies/fixtures).

The fixtures are one Terraform root: resources named
``sg_aws_<n>_pass_<case>`` must pass policy SG_AWS_<n>, ``..._fail_...`` must
fail it. The root is validated and planned offline with the real provider,
then one checkov run scans its HCL and its plan JSON, loading the policies
the way ``streamgen scan`` does (``--external-checks-dir``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from streamgen import scan, terraform

from support import REPO

pytestmark = pytest.mark.terraform

FIXTURE_TAGS = {"Environment": "fixture", "CostCenter": "0000"}  # as in policies/fixtures/providers.tf
NAME = re.compile(r"^sg_aws_(\d+)_(pass|fail)_")
CHECKS_DIR = REPO / "policies" / "checks"


@pytest.fixture(scope="module")
def staged(repo, tmp_path_factory):
    """The fixtures root, validated and planned (plan.json written beside it)."""
    root = terraform.stage(repo, REPO / "policies" / "fixtures", tmp_path_factory.mktemp("policies"))
    root.init()
    validation = root.validate()
    assert validation["valid"], validation["diagnostics"]
    (root.path / "plan.json").write_text(json.dumps(root.plan_json()))
    return root


@pytest.fixture(scope="module")
def checkov_run(repo, staged):
    out = staged.path.parent / "checkov"
    command = [
        *scan.checkov_command(),
        "-d", str(staged.path),
        "--framework", "terraform", "terraform_plan",
        "--external-checks-dir", str(CHECKS_DIR),
        "--check", ",".join(scan.policy_ids(repo)),
        "--download-external-modules", "false",
        "--skip-download",
        "-o", "json",
        "--output-file-path", str(out),
    ]
    result = subprocess.run(command, env=scan.checkov_environment(FIXTURE_TAGS), capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    data = json.loads((out / "results_json.json").read_text())
    return (data if isinstance(data, list) else [data]), result.stdout + result.stderr


@pytest.fixture(scope="module")
def verdicts(checkov_run):
    """(policy id, fixture resource name) -> {framework: passed|failed}."""
    reports, _ = checkov_run
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for report in reports:
        for key in ("passed_checks", "failed_checks", "skipped_checks"):
            for item in report["results"][key]:
                name = item["resource"].split(".")[-1].split("[")[0]
                match = NAME.match(name)
                if match and item["check_id"] == f"SG_AWS_{match.group(1)}":
                    found[(item["check_id"], name)][report["check_type"]] = key.split("_")[0]
    return dict(found)


def test_policies_load_and_run_without_errors(checkov_run):
    _, log = checkov_run
    assert "Traceback" not in log
    assert "Cannot load external check" not in log
    assert "Failed to parse check" not in log


def test_every_policy_fails_a_failing_fixture_and_passes_a_passing_one(repo, verdicts):
    """In the plan scan (concrete values): each policy has both outcomes."""
    for policy in scan.policy_ids(repo):
        plan = {name: v.get("terraform_plan") for (pid, name), v in verdicts.items() if pid == policy}
        passing = [n for n, status in plan.items() if "_pass_" in n and status == "passed"]
        failing = [n for n, status in plan.items() if "_fail_" in n and status == "failed"]
        assert passing and failing, f"{policy}: needs a passing and a failing fixture, got {plan}"


def test_every_fixture_gets_the_verdict_its_name_says(verdicts):
    wrong = {
        key: frameworks
        for key, frameworks in verdicts.items()
        if any(status != ("passed" if "_pass_" in key[1] else "failed") for status in frameworks.values())
    }
    assert wrong == {}


def test_every_named_fixture_was_judged_by_the_plan_scan(staged, verdicts):
    declared = set()
    for path in (REPO / "policies" / "fixtures").glob("SG_AWS_*.tf"):
        declared.update(re.findall(r'^resource "[a-z0-9_]+" "(sg_aws_\d+_(?:pass|fail)_[a-z0-9_]+)"', path.read_text(), re.M))
        # every fixture file holds only its own policy's cases
        policy = path.stem.lower()
        assert all(n.startswith(policy + "_") for n in re.findall(r'"(sg_aws_\d+_(?:pass|fail)_[a-z0-9_]+)"', path.read_text())), path
    judged = {name for (_, name), v in verdicts.items() if "terraform_plan" in v}
    assert declared - judged == set()


def test_hcl_scan_agrees_where_it_can_see_the_values(verdicts):
    """Policies answer "unknown" on unresolved HCL; where they answer, it matches the plan."""
    both = {k: v for k, v in verdicts.items() if {"terraform", "terraform_plan"} <= set(v)}
    assert len(both) >= 40
    assert all(v["terraform"] == v["terraform_plan"] for v in both.values())


def test_taggable_types_match_the_provider_schema(staged):
    result = subprocess.run(
        [staged.tf.binary, "providers", "schema", "-json"], cwd=staged.path, env=staged.tf.env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"]
    taggable = sorted(t for t, s in schema.items() if "tags_all" in s["block"].get("attributes", {}))
    listed = [line for line in (CHECKS_DIR / "taggable_aws_resources.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert listed == taggable


# --- policy logic without checkov (fast) ---------------------------------------


@pytest.fixture(scope="module")
def policy_modules():
    sys.path.insert(0, str(CHECKS_DIR))
    try:
        import sg_iam
        import sg_secrets

        yield sg_iam, sg_secrets
    finally:
        sys.path.remove(str(CHECKS_DIR))


@pytest.mark.parametrize(
    "resource, broad",
    [
        ("*", True),
        ("arn:aws:kms:eu-west-1:111111111111:key/*", True),
        ("arn:aws:s3:::*/*", True),
        ("arn:aws:kinesis:eu-west-1:111111111111:stream/*", True),
        ("arn:aws:s3:::dev-payments-111111111111-eu-west-1/orders/*", False),
        ("arn:aws:kafka:eu-west-1:111111111111:topic/dev-main/7c8e/*", False),
        ("arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/x:*", False),
    ],
)
def test_wildcard_resources(policy_modules, resource, broad):
    sg_iam, _ = policy_modules
    assert sg_iam.is_wildcard_resource(resource) is broad


@pytest.mark.parametrize(
    "action, data",
    [("s3:GetObject", True), ("S3:get*", True), ("kms:GenerateDataKey*", True), ("es:ESHttp*", True),
     ("aoss:*", True), ("*", True), ("ec2:DescribeSubnets", False), ("kinesis:DescribeStreamSummary", False),
     ("kafka-cluster:Connect", False)],
)
def test_data_actions(policy_modules, action, data):
    sg_iam, _ = policy_modules
    assert bool(sg_iam.data_actions(action)) is data


def test_secret_findings_follow_references_and_nesting(policy_modules):
    _, sg_secrets = policy_modules
    body = {
        "pipeline": {"source": {"kafka": {"authentication": {"sasl": {"plaintext": {"username": "svc", "password": "x"}}}}}},
        "extension": {"aws": {"secrets": {"creds": {"secret_id": "dev/creds", "region": "eu-west-1"}}}},
        "other": {"password": "${{aws_secrets:creds:password}}", "token_file": "/var/run/token"},
    }
    assert sg_secrets.findings(body, "body") == ["body.pipeline.source.kafka.authentication.sasl.plaintext.password"]
