"""`streamgen scan` on the example environment: checkov on the generated HCL and
on every root's plan, with our policies, offline, zero failed checks, every
skip listed with its reason, JUnit and SARIF reports. This is the scan CI runs.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from streamgen import pipeline, runner, scan, skips
from streamgen.scan import Finding

pytestmark = pytest.mark.terraform

# Any network attempt fails fast and loudly through this proxy (nothing listens on port 9).
DEAD_PROXY = "http://127.0.0.1:9"
NETWORK_ERRORS = ("Traceback", "ProxyError", "Max retries exceeded", "ConnectionError", "NewConnectionError",
                  "Failed to establish", "getaddrinfo", "urlopen error")


@pytest.fixture(scope="module")
def report(repo, tmp_path_factory):
    tags = dict(pipeline.generate(repo, "dev").resolved.tags)  # builds the Lambda packages plans read
    mp = pytest.MonkeyPatch()
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        mp.setenv(var, DEAD_PROXY)
    mp.delenv("NO_PROXY", raising=False)
    mp.delenv("no_proxy", raising=False)
    try:
        return scan.run(repo, "dev", tags, work_dir=tmp_path_factory.mktemp("scan"))
    finally:
        mp.undo()


def test_example_environment_passes_with_zero_failed_checks(report):
    assert report.failed == [], "\n".join(f"{f.check_id} {f.resource} {f.details}" for f in report.failed)
    assert report.problems == []
    assert report.ok
    assert {r.scan for r in report.runs} == {"hcl", "plan"}
    assert report.count("hcl", "passed") > 100 and report.count("plan", "passed") > 100


def test_checkov_ran_offline_with_a_clean_log(report):
    for run in report.runs:
        log = run.log.read_text()
        assert [e for e in NETWORK_ERRORS if e in log] == [], log[-2000:]


def test_our_policies_judged_the_plans(report, repo):
    judged = {f.check_id for f in report.findings if f.scan == "plan" and f.check_id.startswith("SG_")}
    # the example has no MSK Connect, Glue jobs, Redshift workgroups or subscription filters (yet)
    assert judged >= {"SG_AWS_101", "SG_AWS_102", "SG_AWS_121", "SG_AWS_131", "SG_AWS_132", "SG_AWS_133",
                      "SG_AWS_151", "SG_AWS_161", "SG_AWS_162", "SG_AWS_163", "SG_AWS_164", "SG_AWS_165",
                      "SG_AWS_166", "SG_AWS_171", "SG_AWS_172", "SG_AWS_181"}
    tagged = [f for f in report.findings if f.check_id == "SG_AWS_181"]
    assert len(tagged) >= 20 and all(f.status == "passed" for f in tagged)
    assert report.policies == len(scan.policy_ids(repo)) >= 20


def test_every_skip_in_use_is_a_module_comment_with_a_reason(report):
    assert report.used, "the example uses documented skips"
    for used in report.used:
        assert used.skip.file.startswith("modules/") and used.skip.block, used.skip
        assert len(used.skip.reason) > 20, used.skip
    in_use = {(u.skip.check_id, u.skip.block) for u in report.used}
    assert ("CKV_AWS_116", "aws_lambda_function.this") in in_use
    assert ("CKV_AWS_145", "aws_s3_bucket.this") in in_use
    skipped = [f for f in report.findings if f.status == "skipped"]
    assert skipped and all(f.reason and f.reason != skips.NO_REASON for f in skipped)


def test_summary_lists_every_skip_with_its_reason(report, repo):
    text = "\n".join(scan.render(report, repo))
    assert "skips in use (" in text
    for used in report.used:
        assert f"{used.skip.check_id:<12} {used.skip.where}" in text
        assert used.skip.reason in text
    assert text.splitlines()[-1].startswith("scan passed: 0 failed checks, 0 skip problems")


def test_reports_are_junit_and_sarif(report):
    sarif = json.loads(report.reports["sarif"].read_text())
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) == 2
    assert all(run["tool"]["driver"]["name"].lower() == "checkov" for run in sarif["runs"])
    junit = ET.parse(report.reports["junit"]).getroot()
    assert junit.tag == "testsuites"
    names = [suite.get("name", "") for suite in junit.iter("testsuite")]
    assert any(n.startswith("hcl: ") for n in names) and any(n.startswith("plan: ") for n in names)
    assert sum(int(s.get("failures", 0)) for s in junit.iter("testsuite")) == 0
    findings = json.loads(report.reports["json"].read_text())
    assert len(findings) == len(report.findings)


def test_plans_are_reused_when_nothing_changed(repo, report, tmp_path):
    work = report.runs[0].log.parents[2]  # <work>/reports/dev/hcl.log
    stamps = sorted((work / "plans" / "dev").glob("*.sha256"))
    # kafka/* roots have no plan (their provider is not in the offline mirror): the report says why
    assert set(report.unplanned) == {r for r in runner.generated_roots(repo, "dev") if r.startswith("kafka/")}
    assert all("not in the provider mirror" in why for why in report.unplanned.values())
    assert len(stamps) == len(runner.generated_roots(repo, "dev")) - len(report.unplanned)
    before = {p: p.stat().st_mtime_ns for p in (work / "plans" / "dev").glob("*.json")}
    plans, unplanned = scan.ensure_plans(repo, "dev", work)  # no terraform run: every fingerprint matches
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert set(plans) | set(unplanned) == set(runner.generated_roots(repo, "dev"))


# --- skip rules, without checkov ------------------------------------------------


def test_a_skip_without_reason_or_outside_a_block_is_a_problem(tmp_path):
    module = tmp_path / "modules" / "m"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(
        'resource "aws_s3_bucket" "this" {\n'
        "  # checkov:skip=CKV_AWS_18\n"
        '  bucket = "${split("{", var.x)[0]}" # checkov:skip=CKV_AWS_21:versioned elsewhere\n'
        "}\n"
        "# checkov:skip=CKV_AWS_144:not in a block\n"
    )
    generated = tmp_path / "environments" / "dev" / "generated"
    generated.mkdir(parents=True)
    (generated / "main.tf").write_text('module "x" {\n  # checkov:skip=CKV_AWS_1:reason\n}\n')
    declared = skips.scan_tree(tmp_path / "modules", tmp_path)
    assert [(s.check_id, s.line, s.block, s.reason) for s in declared] == [
        ("CKV_AWS_18", 2, "aws_s3_bucket.this", ""),
        ("CKV_AWS_21", 3, "aws_s3_bucket.this", "versioned elsewhere"),
        ("CKV_AWS_144", 5, None, "not in a block"),
    ]
    assert skips.problems(declared, skips.scan_tree(generated, tmp_path)) == [
        "modules/m/main.tf:2: checkov:skip=CKV_AWS_18 has no reason; write checkov:skip=CKV_AWS_18:<why the check "
        "does not apply here>",
        "modules/m/main.tf:5: checkov:skip=CKV_AWS_144 is outside a resource block, where checkov ignores it; put it "
        "inside the block of the resource it exempts",
        "environments/dev/generated/main.tf:2: checkov:skip=CKV_AWS_1 in generated code; skips belong in the module "
        "source, next to the resource",
    ]


def test_a_plan_skip_borrowed_from_another_modules_resource_is_a_problem():
    """checkov's plan enrichment matches skips by type.name only: a skip written
    in module a must not silently exempt module b's resource of the same name."""
    declared = [skips.Skip("CKV_AWS_158", "reason enough for a", "modules/a/main.tf", 3, "aws_cloudwatch_log_group.this")]
    finding = Finding("plan", "CKV_AWS_158", "name", "skipped", "module.sink_x.aws_cloudwatch_log_group.this",
                      "domains/payments", "modules/a/main.tf", 1, "reason enough for a")
    modules = {("domains/payments", "sink_x"): "modules/b"}
    used, problems = scan._match_skips([finding], declared, modules)
    assert used == []
    assert len(problems) == 1 and problems[0].startswith(
        "CKV_AWS_158 was skipped for module.sink_x.aws_cloudwatch_log_group.this (domains/payments, plan scan)"
    )
    used, problems = scan._match_skips([finding], declared, {("domains/payments", "sink_x"): "modules/a"})
    assert problems == [] and [u.skip for u in used] == declared
