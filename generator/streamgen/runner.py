"""Run terraform over an environment's generated roots, in parallel.

Used by ``streamgen plan``; the tests use :mod:`streamgen.terraform` directly
with their own scratch directories.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import terraform
from .workspace import Workspace

OFFLINE_OVERRIDE_NAME = "streamgen_offline_override.tf"


@dataclass
class RootResult:
    root: str
    ok: bool
    seconds: float
    plan: dict[str, Any] | None = None
    plan_file: Path | None = None
    error: str = ""
    diagnostics: list[str] = field(default_factory=list)
    skipped: str = ""  # why the root was not (fully) run, e.g. a provider that cannot be installed


def generated_roots(ws: Workspace, env: str) -> list[str]:
    """Root paths (relative to generated/) of an environment, sorted."""
    base = ws.generated_dir(env)
    if not base.is_dir():
        return []
    return sorted(p.parent.relative_to(base).as_posix() for p in base.rglob("terraform.tf"))


def _run_root(ws: Workspace, env: str, root: str, scratch: Path, offline: bool, out_dir: Path) -> RootResult:
    started = time.monotonic()
    source = ws.generated_dir(env) / root
    providers = terraform.required_providers(source)
    missing = [reason for p in providers if (reason := terraform.provider_unavailable(p))]
    if missing:
        return RootResult(root, True, time.monotonic() - started, skipped="; ".join(missing))
    overrides = {OFFLINE_OVERRIDE_NAME: terraform.offline_override_for(source)} if offline else {}
    try:
        staged = terraform.stage(ws, source, scratch, overrides=overrides)
        staged.init()
        validation = staged.validate()
        diagnostics = [
            f"{d['severity']}: {d['summary']}" + (f" ({d['range']['filename']}:{d['range']['start']['line']})" if d.get("range") else "")
            for d in validation.get("diagnostics", [])
        ]
        if not validation.get("valid"):
            return RootResult(root, False, time.monotonic() - started, error="terraform validate failed", diagnostics=diagnostics)
        if offline and not terraform.offline_plannable(providers):
            others = ", ".join(p for p in providers if p != terraform.AWS_PROVIDER)
            reason = f"validated; not planned offline ({others} reads its service's state while planning)"
            return RootResult(root, True, time.monotonic() - started, diagnostics=diagnostics, skipped=reason)
        plan = staged.plan_json()
    except Exception as exc:  # tftest raises its own error type with terraform's stderr
        return RootResult(root, False, time.monotonic() - started, error=_terraform_message(exc))
    out = out_dir / f"{root.replace('/', '__')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(plan, indent=1, sort_keys=True))
    return RootResult(root, True, time.monotonic() - started, plan=plan, plan_file=out, diagnostics=diagnostics)


def _terraform_message(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.lstrip().startswith(("Error", "│ Error"))]
    return "\n".join(errors or lines[-8:])


def plan_environment(
    ws: Workspace,
    env: str,
    *,
    roots: list[str] | None = None,
    offline: bool = True,
    jobs: int | None = None,
    progress: Callable[[RootResult], None] | None = None,
    work_dir: Path | None = None,
) -> list[RootResult]:
    """init + validate + plan every root; plan JSON saved under <work_dir>/plans/<env>/."""
    selected = roots or generated_roots(ws, env)
    work = work_dir or ws.work_dir
    scratch = terraform.scratch_dir(work, f"plan-{env}")
    out_dir = work / "plans" / env
    workers = max(1, min(len(selected), jobs or os.cpu_count() or 2))
    results: list[RootResult] = []
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_run_root, ws, env, root, scratch, offline, out_dir) for root in selected]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                if progress:
                    progress(result)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return sorted(results, key=lambda r: r.root)
