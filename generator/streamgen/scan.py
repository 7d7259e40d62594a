"""``streamgen scan``: checkov over an environment, offline, with our policies.

Two checkov runs, side by side (checkov is slow to start; these are the
fewest runs that cover everything):

- **HCL**: ``-d environments/<env>/generated`` with the local modules
  resolved (module variables filled in from the generated calls). checkov
  builds one graph for the directory, so graph checks report a module
  resource with the same address in several roots once (several ``-d``
  in one run reuse the first root's definitions, a checkov bug); the plan
  run judges every root separately;
- **plan**: ``-f`` every root's plan JSON (``terraform show -json``), with
  ``--repo-root-for-plan-enrichment modules`` so the ``checkov:skip``
  comments in module sources apply to plan results too. Plan values are
  concrete (default tags, policy documents, computed ARNs), so this run is
  the authoritative one for our policies.

Both load ``policies/checks`` (``--external-checks-dir``) and write JSON,
JUnit XML and SARIF; the scan merges them into one JUnit file and one SARIF
file under ``.work/reports/<env>/``. checkov runs with ``BC_SKIP_MAPPING``,
``--skip-download`` and no update check: nothing leaves the machine.

Plans are reused when ``streamgen plan`` (or an earlier scan) planned the
same generated files and modules; otherwise the stale roots are planned
offline first.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import runner, skips
from .workspace import Workspace

POLICIES_DIR = "policies/checks"
TAGS_ENV = "STREAMGEN_MANDATORY_TAGS"  # read by policies/checks/sg_tags.py


class ScanError(Exception):
    """The scan could not run (plan failed, checkov crashed)."""


@dataclass(frozen=True)
class Finding:
    scan: str  # "hcl" | "plan"
    check_id: str
    check_name: str
    status: str  # "passed" | "failed" | "skipped"
    resource: str  # address as checkov reports it
    root: str  # generated root ("domains/payments")
    file: str  # repository-relative: module source, or the plan file when checkov could not map it
    line: int
    reason: str = ""  # suppress comment of a skip
    details: tuple[str, ...] = ()

    @property
    def raw_id(self) -> str:
        """type.name without modules and indexes (how checkov matches skips in plans)."""
        parts = [p for p in self.resource.split(".")]
        while parts and parts[0] == "module":
            parts = parts[2:]
        return ".".join(parts[:2]).split("[")[0] if len(parts) >= 2 else self.resource


@dataclass
class ScanRun:
    scan: str
    seconds: float
    summary: dict[str, int]
    log: Path


@dataclass
class UsedSkip:
    skip: skips.Skip
    resources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # scan -> resources


@dataclass
class ScanReport:
    env: str
    runs: list[ScanRun]
    findings: list[Finding]
    used: list[UsedSkip]
    unused: list[skips.Skip]
    problems: list[str]  # skips without reason, misplaced or misapplied skips
    reports: dict[str, Path]
    seconds: float
    policies: int
    checkov_version: str
    unplanned: dict[str, str] = field(default_factory=dict)  # root -> why it has no plan to scan

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.problems

    def count(self, scan: str, status: str) -> int:
        return sum(1 for f in self.findings if f.scan == scan and f.status == status)


# --- plans -------------------------------------------------------------------


def _fingerprint(ws: Workspace, env: str, root: str) -> str:
    """Everything a root's plan depends on: its generated files and every module."""
    digest = hashlib.sha256()
    root_dir = ws.generated_dir(env) / root
    files = sorted(p for p in root_dir.iterdir() if p.is_file())
    files += sorted(p for p in ws.modules_dir.rglob("*") if p.is_file() and ".terraform" not in p.parts)
    for path in files:
        digest.update(ws.rel(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def plan_file(work_dir: Path, env: str, root: str) -> Path:
    return work_dir / "plans" / env / f"{root.replace('/', '__')}.json"


def remember_plans(ws: Workspace, env: str, results: list[runner.RootResult], work_dir: Path | None = None) -> None:
    """Record what the plans of ``results`` were made from (reused by the scan)."""
    work = work_dir or ws.work_dir
    for result in results:
        if result.ok and result.plan_file is not None:
            plan_file(work, env, result.root).with_suffix(".sha256").write_text(_fingerprint(ws, env, result.root) + "\n")


def ensure_plans(
    ws: Workspace, env: str, work_dir: Path | None = None, progress: Any = None
) -> tuple[dict[str, Path], dict[str, str]]:
    """Plan JSON of every plannable root, planning (offline) the roots whose plan is
    stale; and the roots that have no plan, with the runner's reason (their HCL is
    still scanned)."""
    work = work_dir or ws.work_dir
    roots = runner.generated_roots(ws, env)
    stale = []
    for root in roots:
        stamp = plan_file(work, env, root).with_suffix(".sha256")
        if not (plan_file(work, env, root).is_file() and stamp.is_file() and stamp.read_text().strip() == _fingerprint(ws, env, root)):
            stale.append(root)
    unplanned: dict[str, str] = {}
    if stale:
        results = runner.plan_environment(ws, env, roots=stale, offline=True, work_dir=work, progress=progress)
        failed = [r for r in results if not r.ok]
        if failed:
            raise ScanError("; ".join(f"{r.root}: {r.error}" for r in failed))
        remember_plans(ws, env, results, work)
        unplanned = {r.root: r.skipped for r in results if r.plan_file is None}
    plans = {root: plan_file(work, env, root) for root in roots if root not in unplanned}
    return plans, unplanned


# --- checkov -----------------------------------------------------------------


def checkov_command() -> list[str]:
    script = Path(sys.executable).with_name("checkov")
    if script.is_file():
        return [str(script)]
    found = shutil.which("checkov")
    if not found:
        raise ScanError("checkov is not installed (make venv installs it)")
    return [found]


def checkov_environment(mandatory_tags: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_API_KEY", "PRISMA_"))}
    env.update({
        "BC_SKIP_MAPPING": "TRUE",  # no download of guideline mappings at start-up
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE",  # no PyPI version check
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "FALSE",
        "LOG_LEVEL": env.get("LOG_LEVEL", "WARNING"),
        TAGS_ENV: json.dumps(mandatory_tags, sort_keys=True),
    })
    return env


def _common_args(ws: Workspace, out_dir: Path) -> list[str]:
    return [
        "--external-checks-dir", str(ws.root / POLICIES_DIR),
        "--download-external-modules", "false",
        "--skip-download",
        "--compact",
        "-o", "json", "-o", "junitxml", "-o", "sarif",
        "--output-file-path", str(out_dir),
    ]


def _results(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, list) else [data]


def _line(finding: dict[str, Any]) -> int:
    lines = finding.get("file_line_range") or [0]
    return int(lines[0] or 0)


def _findings(ws: Workspace, scan: str, reports: list[dict[str, Any]], plans: dict[str, Path], scanned: Path) -> list[Finding]:
    by_plan = {p.resolve(): root for root, p in plans.items()}
    out = []
    for report in reports:
        for key, status in (("passed_checks", "passed"), ("failed_checks", "failed"), ("skipped_checks", "skipped")):
            for item in report.get("results", {}).get(key, []):
                if scan == "hcl":
                    path = Path(item["file_abs_path"]).resolve()
                    file = ws.rel(path)
                    caller = item.get("caller_file_path")  # the root's file calling the module
                    if caller:
                        root = Path(caller.lstrip("/")).parent.as_posix()
                    elif path.is_relative_to(scanned.resolve()):
                        root = path.parent.relative_to(scanned.resolve()).as_posix()
                    else:
                        root = ""  # graph checks on module resources name no caller
                else:
                    plan = Path(item["file_abs_path"]).resolve()
                    root = by_plan.get(plan, plan.stem)
                    path = item.get("file_path", "")
                    # enriched results point into modules/ (relative to it); others at the plan
                    file = ws.rel(ws.modules_dir / path) if not path.endswith(".json") else ws.rel(plan)
                result = item.get("check_result") or {}
                out.append(Finding(
                    scan=scan,
                    check_id=item["check_id"],
                    check_name=item.get("check_name", ""),
                    status=status,
                    resource=item.get("resource", ""),
                    root=root,
                    file=file,
                    line=_line(item),
                    reason=str(result.get("suppress_comment") or ""),
                    details=tuple(item.get("details") or ()),
                ))
    return sorted(out, key=lambda f: (f.scan, f.root, f.resource, f.check_id, f.status))


def _module_sources(ws: Workspace, env: str, plans: dict[str, Path]) -> dict[tuple[str, str], str]:
    """(root, module call name) -> module directory (repository-relative), from the plans."""
    out = {}
    for root, path in plans.items():
        calls = json.loads(path.read_text(encoding="utf-8")).get("configuration", {}).get("root_module", {}).get("module_calls", {})
        for name, call in calls.items():
            source = str(call.get("source", ""))
            if source.startswith("."):
                out[(root, name)] = ws.rel((ws.generated_dir(env) / root / source).resolve())
    return out


def _match_skips(
    findings: list[Finding], declared: list[skips.Skip], modules: dict[tuple[str, str], str]
) -> tuple[list[UsedSkip], list[str]]:
    """Skips in use, each tied to the comment that caused it; problems for any other."""
    index = {(s.check_id, s.file, s.block): s for s in declared}
    used: dict[skips.Skip, UsedSkip] = {}
    problems = []
    for f in findings:
        if f.status != "skipped":
            continue
        if f.scan == "hcl":
            skip = index.get((f.check_id, f.file, f.raw_id))
        else:
            call = f.resource.split(".")[1] if f.resource.startswith("module.") else ""
            module_dir = modules.get((f.root, call.split("[")[0]), "")
            candidates = [s for s in declared if s.check_id == f.check_id and s.block == f.raw_id and s.file.startswith(module_dir + "/")]
            skip = candidates[0] if module_dir and candidates else None
        if skip is None:
            problems.append(
                f"{f.check_id} was skipped for {f.resource} ({f.root}, {f.scan} scan) by a comment that is not in "
                f"that resource's block ({f.file}:{f.line}); checkov matches plan skips by type and name only, so "
                "rename one of the colliding resources or give the skip its own resource"
            )
            continue
        used.setdefault(skip, UsedSkip(skip)).resources[f.scan].add(f"{f.root}: {f.resource}" if f.root else f.resource)
    return sorted(used.values(), key=lambda u: (u.skip.file, u.skip.line, u.skip.check_id)), problems


def _merge_sarif(paths: list[Path], target: Path) -> None:
    merged: dict[str, Any] | None = None
    for path in paths:
        if not path.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if merged is None:
            merged = data
        else:
            merged.setdefault("runs", []).extend(data.get("runs", []))
    target.write_text(json.dumps(merged or {"version": "2.1.0", "runs": []}, indent=2) + "\n")


def _merge_junit(paths: dict[str, Path], target: Path) -> None:
    merged = ET.Element("testsuites", name="streamgen scan")
    for scan, path in paths.items():
        if not path.is_file():
            continue
        root = ET.parse(path).getroot()
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        for suite in suites:
            suite.set("name", f"{scan}: {suite.get('name', '')}")
            merged.append(suite)
    ET.ElementTree(merged).write(target, encoding="utf-8", xml_declaration=True)


def policy_ids(ws: Workspace) -> list[str]:
    """Ids of the policies in policies/checks (Python checks and YAML definitions)."""
    ids = set()
    for path in (ws.root / POLICIES_DIR).iterdir():
        if path.suffix == ".py":
            ids.update(re.findall(r'^\s*"(SG_[A-Z]+_\d+)",\s*$', path.read_text(), re.M))
        elif path.suffix in (".yaml", ".yml"):
            ids.update(re.findall(r"^\s*id:\s*(SG_[A-Z]+_\d+)\s*$", path.read_text(), re.M))
    return sorted(ids)


def run(ws: Workspace, env: str, mandatory_tags: dict[str, str], *, work_dir: Path | None = None, progress: Any = None) -> ScanReport:
    """Plan what is stale, run both checkov scans in parallel, collect everything."""
    started = time.monotonic()
    work = work_dir or ws.work_dir
    plans, unplanned = ensure_plans(ws, env, work, progress)
    out = work / "reports" / env
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    generated = ws.generated_dir(env)
    commands = {
        "hcl": ["-d", str(generated), "--framework", "terraform"],
        "plan": [
            *[arg for p in plans.values() for arg in ("-f", str(p))],
            "--framework", "terraform_plan",
            "--repo-root-for-plan-enrichment", str(ws.modules_dir),
        ],
    }
    environment = checkov_environment(mandatory_tags)
    processes = {}
    for scan, args in commands.items():
        (out / scan).mkdir()
        log = (out / f"{scan}.log").open("w")
        cmd = [*checkov_command(), *args, *_common_args(ws, out / scan)]
        processes[scan] = (subprocess.Popen(cmd, cwd=ws.root, env=environment, stdout=log, stderr=subprocess.STDOUT), time.monotonic(), log)
    runs, findings, version = [], [], ""
    for scan, (process, begun, log) in processes.items():
        code = process.wait()
        log.close()
        seconds = time.monotonic() - begun
        reports = _results(out / scan / "results_json.json")
        if code not in (0, 1) or not reports:
            tail = "\n".join((out / f"{scan}.log").read_text().splitlines()[-15:])
            raise ScanError(f"checkov ({scan} scan) exited with {code}; log {ws.rel(out / f'{scan}.log')}:\n{tail}")
        summary: dict[str, int] = defaultdict(int)
        for report in reports:
            for k in ("passed", "failed", "skipped", "parsing_errors"):
                summary[k] += int(report.get("summary", {}).get(k, 0))
            version = report.get("summary", {}).get("checkov_version", version)
        runs.append(ScanRun(scan, seconds, dict(summary), out / f"{scan}.log"))
        findings += _findings(ws, scan, reports, plans, generated)
    declared = skips.scan_tree(ws.modules_dir, ws.root)
    in_generated = skips.scan_tree(generated, ws.root)
    used, problems = _match_skips(findings, declared, _module_sources(ws, env, plans))
    problems = skips.problems(declared, in_generated) + problems
    for run_ in runs:
        if run_.summary.get("parsing_errors"):
            problems.append(f"checkov could not parse {run_.summary['parsing_errors']} file(s) in the {run_.scan} scan; see {ws.rel(run_.log)}")
    in_use = {u.skip for u in used}
    unused = [s for s in declared if s not in in_use and "/examples/" not in s.file]
    reports_out = {"sarif": out / "checkov.sarif", "junit": out / "checkov.junit.xml"}
    _merge_sarif([out / s / "results_sarif.sarif" for s in commands], reports_out["sarif"])
    _merge_junit({s: out / s / "results_junitxml.xml" for s in commands}, reports_out["junit"])
    reports_out["json"] = out / "findings.json"
    reports_out["json"].write_text(json.dumps([f.__dict__ | {"details": list(f.details)} for f in findings], indent=1) + "\n")
    return ScanReport(
        env=env,
        runs=runs,
        findings=findings,
        used=used,
        unused=unused,
        problems=problems,
        reports=reports_out,
        seconds=time.monotonic() - started,
        policies=len(policy_ids(ws)),
        checkov_version=version,
        unplanned=unplanned,
    )


def render(report: ScanReport, ws: Workspace) -> list[str]:
    """The CLI summary."""
    lines = [f"checkov {report.checkov_version} with {report.policies} streamgen policies ({ws.rel(ws.root / POLICIES_DIR)})", ""]
    lines.append(f"{'scan':<34} {'passed':>7} {'failed':>7} {'skipped':>8} {'seconds':>8}")
    labels = {"hcl": "HCL, modules resolved (terraform)", "plan": "plan JSON (terraform_plan)"}
    for r in report.runs:
        lines.append(f"{labels[r.scan]:<34} {report.count(r.scan, 'passed'):>7} {report.count(r.scan, 'failed'):>7} "
                     f"{report.count(r.scan, 'skipped'):>8} {r.seconds:>8.1f}")
    for root, why in sorted(report.unplanned.items()):
        lines.append(f"  {root}: HCL scan only, no plan ({why})")
    lines.append("")
    lines.append(f"skips in use ({len(report.used)}), each written in the module source with its reason:")
    for u in report.used:
        counts = ", ".join(f"{scan} {len(res)}" for scan, res in sorted(u.resources.items()))
        lines.append(f"  {u.skip.check_id:<12} {u.skip.where}  {u.skip.block}  ({counts} resources)")
        lines.append(f"               {u.skip.reason or '(no reason)'}")
    if report.unused:
        lines.append(f"skips not triggered in this environment ({len(report.unused)}):")
        for s in report.unused:
            lines.append(f"  {s.check_id:<12} {s.where}  {s.block}: {s.reason or '(no reason)'}")
    if report.failed:
        lines.append("")
        lines.append(f"FAILED checks ({len(report.failed)}):")
        for f in report.failed:
            lines.append(f"  {f.check_id:<12} {f.scan:<4} {f.root}: {f.resource}  ({f.file}:{f.line})")
            lines.append(f"               {f.check_name}")
            for detail in f.details:
                lines.append(f"               {detail}")
    if report.problems:
        lines.append("")
        lines.append(f"skip problems ({len(report.problems)}):")
        lines += [f"  {p}" for p in report.problems]
    lines.append("")
    lines.append("reports: " + ", ".join(ws.rel(p) for p in report.reports.values()))
    verdict = "passed" if report.ok else "FAILED"
    lines.append(f"scan {verdict}: {len(report.failed)} failed checks, {len(report.problems)} skip problems ({report.seconds:.1f} s)")
    return lines
