"""``streamgen``: the command line.

Exit codes (stable, for pipelines):
  0  success
  1  the check failed: generated files out of date, terraform reported an
     error, or a plan gate / scan blocked the change
  2  the input is invalid (catalog or env.yaml): one line per problem,
     ``file:line: field: message``; nothing was written
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from . import pipeline, plangate, runner, scan, terraform, writer
from .errors import Problem, SpecError
from .plansummary import PlanSummary, summarize
from .workspace import Workspace

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _counts(validated: pipeline.Validated) -> str:
    domains = validated.loaded.domains
    totals = Counter()
    for d in domains:
        totals["topic"] += len(d.spec.topics)
        totals["sink"] += len(d.spec.sinks)
        totals["transform"] += len(d.spec.transforms)
        if d.spec.log_sources:
            totals["log source"] += len(d.spec.log_sources)
        if d.spec.connectors:
            totals["connector"] += len(d.spec.connectors)
    parts = [f"{len(domains)} domain{'s' * (len(domains) != 1)}"]
    parts += [f"{n} {k}{'s' * (n != 1)}" for k, n in totals.items()]
    return ", ".join(parts)


def cmd_validate(args: argparse.Namespace, ws: Workspace) -> int:
    validated = pipeline.validate(ws, args.env)
    _print_problems(validated.warnings)
    print(f"{args.env}: valid ({_counts(validated)})")
    return EXIT_OK


def cmd_generate(args: argparse.Namespace, ws: Workspace) -> int:
    started = time.perf_counter()
    generated = pipeline.generate(ws, args.env, build=not args.check)
    _print_problems(generated.warnings)
    result = writer.write(ws, args.env, generated.files, check=args.check)
    elapsed = time.perf_counter() - started
    if args.check:
        if result.out_of_date:
            print(f"{args.env}: generated files are out of date; run `streamgen generate --env {args.env}`:", file=sys.stderr)
            for path in result.written:
                print(f"  changed: {path}", file=sys.stderr)
            for path in result.removed:
                print(f"  stale:   {path}", file=sys.stderr)
            return EXIT_FAILED
        print(f"{args.env}: {len(generated.files)} generated files are current")
        return EXIT_OK
    print(
        f"{args.env}: {len(generated.files)} files in {len(generated.resolved.roots)} roots; "
        f"{len(result.written)} written, {len(result.unchanged)} unchanged, {len(result.removed)} stale removed "
        f"({elapsed:.2f} s)"
    )
    for path in result.written:
        print(f"  wrote   {path}")
    for path in result.removed:
        print(f"  removed {path}")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace, ws: Workspace) -> int:
    # Plans must describe the committed catalog: refuse stale generated files.
    generated = pipeline.generate(ws, args.env, build=True)
    stale = writer.write(ws, args.env, generated.files, check=True).out_of_date
    if stale:
        print(f"generated files are out of date ({len(stale)}); run `streamgen generate --env {args.env}` first", file=sys.stderr)
        return EXIT_FAILED
    unformatted = terraform.fmt_check([ws.generated_dir(args.env)])
    if unformatted:
        print("terraform fmt -check failed for:\n  " + "\n  ".join(unformatted), file=sys.stderr)
        return EXIT_FAILED
    print(f"terraform fmt -check: ok ({len(generated.files)} files)")
    roots = args.root or None
    mode = "offline" if args.offline else "with your AWS credentials"
    print(f"planning {len(roots or runner.generated_roots(ws, args.env))} roots of {args.env} ({mode}) ...", flush=True)

    def progress(result: runner.RootResult) -> None:
        status = "FAILED" if not result.ok else ("skipped" if result.skipped else "ok")
        print(f"  {result.root:<32} {status:<7} {result.seconds:5.1f} s", flush=True)

    started = time.perf_counter()
    results = runner.plan_environment(ws, args.env, roots=roots, offline=args.offline, jobs=args.jobs, progress=progress)
    failed = [r for r in results if not r.ok]
    for result in failed:
        print(f"\n{result.root}: {result.error}", file=sys.stderr)
        for line in result.diagnostics:
            print(f"  {line}", file=sys.stderr)
    for result in results:
        if result.ok and result.skipped:
            print(f"\n{result.root}: skipped: {result.skipped}")
    total = PlanSummary()
    print(f"\n{'root':<32} {'add':>5} {'change':>7} {'replace':>8} {'destroy':>8}")
    for result in results:
        if result.plan is None:
            continue
        counts = summarize(result.plan).counts()
        total.add(result.plan)
        print(f"{result.root:<32} {counts['create']:>5} {counts['update']:>7} {counts['replace']:>8} {counts['delete']:>8}")
    counts = total.counts()
    print(f"{'total':<32} {counts['create']:>5} {counts['update']:>7} {counts['replace']:>8} {counts['delete']:>8}")
    if total.created_by_type:
        print("\nresources to add by type:")
        for kind, n in sorted(total.created_by_type.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n:>4}  {kind}")
    print(f"\nplan JSON: {ws.rel(ws.work_dir / 'plans' / args.env)}/  ({time.perf_counter() - started:.1f} s)")
    if args.offline:
        scan.remember_plans(ws, args.env, results)  # the scan reuses these plans
    blocked = _plan_gate([(r.root, r.plan) for r in results if r.plan is not None])
    return EXIT_FAILED if failed or blocked else EXIT_OK


def _plan_gate(plans: list[tuple[str, dict]]) -> int:
    """Print the plan gate's verdicts; the number of blocked changes."""
    print("\nplan gate (deletes and replacements of stateful resources):")
    blocked = 0
    for label, plan in plans:
        verdicts = plangate.check_plan(plan)
        blocked += sum(1 for v in verdicts if not v.allowed)
        for line in plangate.report(label, verdicts):
            print(f"  {line}")
    if blocked:
        print(f"plan gate: {blocked} change{'s' * (blocked != 1)} would lose data the catalog does not allow losing", file=sys.stderr)
    return blocked


def cmd_plan_check(args: argparse.Namespace, ws: Workspace) -> int:
    plans = []
    for path in args.plans:
        try:
            plans.append((ws.rel(path), plangate.load(path)))
        except (OSError, ValueError) as exc:
            print(f"{path}: cannot read plan JSON: {exc}", file=sys.stderr)
            return EXIT_INVALID
    return EXIT_FAILED if _plan_gate(plans) else EXIT_OK


def cmd_scan(args: argparse.Namespace, ws: Workspace) -> int:
    generated = pipeline.generate(ws, args.env, build=True)
    stale = writer.write(ws, args.env, generated.files, check=True).out_of_date
    if stale:
        print(f"generated files are out of date ({len(stale)}); run `streamgen generate --env {args.env}` first", file=sys.stderr)
        return EXIT_FAILED
    tags = dict(generated.resolved.tags)

    def progress(result: runner.RootResult) -> None:
        print(f"  planned {result.root:<32} {'ok' if result.ok else 'FAILED'} {result.seconds:5.1f} s", flush=True)

    print(f"scanning {args.env}: checkov on the generated HCL and on the plan of every root ...", flush=True)
    try:
        report = scan.run(ws, args.env, tags, progress=progress)
    except scan.ScanError as exc:
        print(f"scan: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for line in scan.render(report, ws):
        print(line)
    return EXIT_OK if report.ok else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="streamgen",
        description="Streaming ingestion on AWS as code: YAML catalog -> validated model -> Terraform.",
        epilog="Exit codes: 0 ok, 1 check failed (stale files, terraform error, plan gate, scan), 2 invalid catalog or env.yaml.",
    )
    parser.add_argument("--repo", type=Path, default=None, help="repository root (default: nearest folder with catalog/ and environments/)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def env_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--env", default="dev", help="environment under environments/ (default: dev)")

    p = sub.add_parser("validate", help="check the catalog and env.yaml; print every problem as file:line: field: message")
    env_arg(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("generate", help="write environments/<env>/generated/ from the catalog")
    env_arg(p)
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 and list files that are out of date (for CI)")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("plan", help="terraform fmt -check, init, validate and plan every generated root, in parallel")
    env_arg(p)
    p.add_argument("--offline", action="store_true", help="dummy credentials and a local backend: no AWS account needed")
    p.add_argument("--root", action="append", help="plan only this root (repeatable), e.g. domains/payments")
    p.add_argument("--jobs", type=int, default=None, help="roots planned at once (default: number of CPUs)")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("plan-check", help="the plan gate: fail on deleting or replacing stateful resources the catalog does not allow")
    p.add_argument("plans", nargs="+", type=Path, metavar="PLAN_JSON", help="`terraform show -json` output")
    p.set_defaults(func=cmd_plan_check)

    p = sub.add_parser("scan", help="checkov and policies/ on the generated Terraform and every root's plan; JUnit and SARIF reports")
    env_arg(p)
    p.set_defaults(func=cmd_scan)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ws = Workspace(args.repo.resolve()) if args.repo else Workspace.find()
    try:
        return args.func(args, ws)
    except SpecError as exc:
        _print_problems(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        print(f"{errors} problem{'s' * (errors != 1)} found; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except terraform.TerraformError as exc:
        print(f"terraform: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
