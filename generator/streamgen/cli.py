"""``streamgen``: the command line.

Exit codes (stable, for pipelines):
  0  success
  1  the check failed: generated files out of date, terraform reported an
     error, or a plan gate / scan blocked the change
  2  the input is invalid (catalog or env.yaml): one line per problem,
     ``file:line: field: message``; nothing was written
  3  a tool streamgen needs is missing (Graphviz ``dot``, boto3)

Human output uses colours only on a terminal (``NO_COLOR`` turns them off);
``--json`` prints one JSON document on stdout for pipelines.
"""

from __future__ import annotations

import argparse
import os
import json
import sys
import time
from collections import Counter
from pathlib import Path

from . import affected, cli_tools, console, gencache, pipeline, plangate, runner, scan, terraform, writer
from .errors import Problem, SpecError
from .plansummary import PlanSummary, summarize
from .workspace import Workspace

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
EXIT_TOOL = cli_tools.EXIT_TOOL

EXIT_CODES = """exit codes:
  0  success
  1  a check failed: generated or schema files out of date, terraform error,
     scan findings or a blocked plan
  2  invalid input (catalog, env.yaml, arguments): file:line: field: message;
     nothing was written
  3  a required tool is missing (Graphviz dot, boto3)"""


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
    if args.json:
        console.emit_json({"env": args.env, "valid": True, "summary": _counts(validated),
                           "problems": [vars(p) for p in validated.warnings]})
        return EXIT_OK
    print(f"{args.env}: {console.paint('valid', 'green')} ({_counts(validated)})")
    return EXIT_OK


def cmd_generate(args: argparse.Namespace, ws: Workspace) -> int:
    started = time.perf_counter()
    if args.check:  # CI never trusts the cache: it renders and compares
        generated = pipeline.generate(ws, args.env, build=False)
        warnings, files, roots, cached = generated.warnings, len(generated.files), len(generated.resolved.roots), False
        result = writer.write(ws, args.env, generated.files, check=True)
    else:  # unchanged inputs since the last run: nothing rendered (gencache)
        outcome = gencache.generate(ws, args.env, use_cache=not args.no_cache)
        warnings, files, roots, cached, result = outcome.warnings, outcome.files, outcome.roots, outcome.cached, outcome.result
    _print_problems(warnings)
    elapsed = time.perf_counter() - started
    if args.json:
        console.emit_json({
            "env": args.env, "check": args.check, "files": files,
            "out_of_date": bool(args.check and result.out_of_date),
            "changed": list(result.written), "removed": list(result.removed),
        })
        return EXIT_FAILED if args.check and result.out_of_date else EXIT_OK
    if args.check:
        if result.out_of_date:
            print(f"{args.env}: generated files are out of date; run `streamgen generate --env {args.env}`:", file=sys.stderr)
            for path in result.written:
                print(f"  changed: {path}", file=sys.stderr)
            for path in result.removed:
                print(f"  stale:   {path}", file=sys.stderr)
            return EXIT_FAILED
        print(f"{args.env}: {files} generated files are current")
        return EXIT_OK
    print(
        f"{args.env}: {files} files in {roots} roots; "
        f"{len(result.written)} written, {len(result.unchanged)} unchanged, {len(result.removed)} stale removed "
        f"({elapsed:.2f} s{', inputs unchanged since the last run' if cached else ''})"
    )
    for path in result.written:
        print(f"  wrote   {path}")
    for path in result.removed:
        print(f"  removed {path}")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace, ws: Workspace) -> int:
    # --json: stdout carries only the JSON document; progress goes to stderr (terminals only)
    say = (lambda *a, **k: None) if args.json else print
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
    say(f"terraform fmt -check: ok ({len(generated.files)} files)")
    roots = args.root or None
    if args.affected_from:
        change = affected.affected(ws, args.env, args.affected_from)
        roots = sorted(set(roots or []) | set(change.sorted_roots()))
        for root in change.removed:
            print(f"{root}: removed since {args.affected_from}; destroy it with its last configuration", file=sys.stderr)
        if not roots:
            say(f"no root of {args.env} is affected by the change from {args.affected_from}; nothing to plan")
            return EXIT_OK
    mode = "offline" if args.offline else "with your AWS credentials"
    say(f"planning {len(roots or runner.generated_roots(ws, args.env))} roots of {args.env} ({mode}) ...", flush=True)

    bar = console.Progress(len(roots or runner.generated_roots(ws, args.env)))

    def progress(result: runner.RootResult) -> None:
        status = "FAILED" if not result.ok else ("skipped" if result.skipped else "ok")
        if args.json:
            bar.step(result.root, f"{status} {result.seconds:.1f} s")
            return
        shown = console.paint(f"{status:<7}", {"ok": "green", "FAILED": "red"}.get(status, "yellow"))
        say(f"  {result.root:<32} {shown} {result.seconds:5.1f} s", flush=True)

    started = time.perf_counter()
    results = runner.plan_environment(ws, args.env, roots=roots, offline=args.offline, jobs=args.jobs, progress=progress)
    failed = [r for r in results if not r.ok]
    for result in failed:
        print(f"\n{result.root}: {result.error}", file=sys.stderr)
        for line in result.diagnostics:
            print(f"  {line}", file=sys.stderr)
    for result in results:
        if result.ok and result.skipped:
            say(f"\n{result.root}: skipped: {result.skipped}")
    total = PlanSummary()
    say(f"\n{'root':<32} {'add':>5} {'change':>7} {'replace':>8} {'destroy':>8}")
    for result in results:
        if result.plan is None:
            continue
        counts = summarize(result.plan).counts()
        total.add(result.plan)
        say(f"{result.root:<32} {counts['create']:>5} {counts['update']:>7} {counts['replace']:>8} {counts['delete']:>8}")
    counts = total.counts()
    say(f"{'total':<32} {counts['create']:>5} {counts['update']:>7} {counts['replace']:>8} {counts['delete']:>8}")
    if total.created_by_type:
        say("\nresources to add by type:")
        for kind, n in sorted(total.created_by_type.items(), key=lambda kv: (-kv[1], kv[0])):
            say(f"  {n:>4}  {kind}")
    say(f"\nplan JSON: {ws.rel(ws.work_dir / 'plans' / args.env)}/  ({time.perf_counter() - started:.1f} s)")
    if args.offline:
        scan.remember_plans(ws, args.env, results)  # the scan reuses these plans
    gated = [(r.root, r.plan) for r in results if r.plan is not None]
    blocked = _plan_gate(gated, say=say)
    if args.json:
        console.emit_json({
            "env": args.env,
            "offline": args.offline,
            "ok": not failed and not blocked,
            "roots": [
                {
                    "root": r.root,
                    "ok": r.ok,
                    "skipped": r.skipped or None,
                    "seconds": round(r.seconds, 1),
                    "error": None if r.ok else r.error,
                    "counts": summarize(r.plan).counts() if r.plan is not None else None,
                }
                for r in results
            ],
            "total": total.counts(),
            "created_by_type": dict(sorted(total.created_by_type.items())),
            "plan_dir": ws.rel(ws.work_dir / "plans" / args.env),
            "plan_gate": {"blocked": blocked, "verdicts": _gate_json(gated)},
        })
    return EXIT_FAILED if failed or blocked else EXIT_OK


def _gate_json(plans: list[tuple[str, dict]]) -> list[dict]:
    return [{"plan": label, **vars(v)} for label, plan in plans for v in plangate.check_plan(plan)]


def _plan_gate(plans: list[tuple[str, dict]], say=print) -> int:
    """Print the plan gate's verdicts; the number of blocked changes."""
    say("\nplan gate (deletes and replacements of stateful resources):")
    blocked = 0
    for label, plan in plans:
        verdicts = plangate.check_plan(plan)
        blocked += sum(1 for v in verdicts if not v.allowed)
        for line in plangate.report(label, verdicts):
            say(f"  {line}")
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
    say = (lambda *a, **k: None) if args.json else print
    blocked = _plan_gate(plans, say=say)
    if args.json:
        console.emit_json({"blocked": blocked, "verdicts": _gate_json(plans)})
    return EXIT_FAILED if blocked else EXIT_OK


def cmd_scan(args: argparse.Namespace, ws: Workspace) -> int:
    generated = pipeline.generate(ws, args.env, build=True)
    stale = writer.write(ws, args.env, generated.files, check=True).out_of_date
    if stale:
        print(f"generated files are out of date ({len(stale)}); run `streamgen generate --env {args.env}` first", file=sys.stderr)
        return EXIT_FAILED
    tags = dict(generated.resolved.tags)
    say = (lambda *a, **k: None) if args.json else print
    bar = console.Progress(len(runner.generated_roots(ws, args.env)), "planned ")

    def progress(result: runner.RootResult) -> None:
        if args.json:
            bar.step(result.root, "ok" if result.ok else "FAILED")
            return
        print(f"  planned {result.root:<32} {'ok' if result.ok else 'FAILED'} {result.seconds:5.1f} s", flush=True)

    say(f"scanning {args.env}: checkov on the generated HCL and on the plan of every root ...", flush=True)
    try:
        report = scan.run(ws, args.env, tags, progress=progress)
    except scan.ScanError as exc:
        print(f"scan: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for line in scan.render(report, ws):
        say(line)
    if args.json:
        console.emit_json({
            "env": args.env,
            "ok": report.ok,
            "failed": [vars(f) for f in report.failed],
            "problems": report.problems,
            "counts": {f"{k}_{st}": report.count(k, st) for k in ("hcl", "plan") for st in ("passed", "failed", "skipped")},
            "reports": {k: ws.rel(v) for k, v in report.reports.items()},
            "unplanned": report.unplanned,
        })
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_affected(args: argparse.Namespace, ws: Workspace) -> int:
    change = affected.affected(ws, args.env, args.base)
    if args.json:
        print(json.dumps(change.as_json(), indent=2))
        return EXIT_OK
    for root in change.sorted_roots():
        print(root)
    for root in change.removed:
        print(f"{root}: removed since {args.base} (needs a destroy)", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="streamgen",
        description="Streaming ingestion on AWS as code: YAML catalog -> validated model -> Terraform.",
        epilog="start here: streamgen validate, then streamgen new topic --help\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repo", type=Path, default=None, help="repository root (default: nearest folder with catalog/ and environments/)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def env_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--env", default="dev", help="environment under environments/ (default: dev)")

    def json_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")

    p = sub.add_parser("validate", help="check the catalog and env.yaml; print every problem as file:line: field: message")
    env_arg(p)
    json_arg(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("generate", help="write environments/<env>/generated/ from the catalog")
    env_arg(p)
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 and list files that are out of date (for CI)")
    p.add_argument("--no-cache", action="store_true", help="render even when no input changed since the last run (see gencache)")
    json_arg(p)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("plan", help="terraform fmt -check, init, validate and plan every generated root, in parallel")
    env_arg(p)
    p.add_argument("--offline", action="store_true", help="dummy credentials and a local backend: no AWS account needed")
    p.add_argument("--root", action="append", help="plan only this root (repeatable), e.g. domains/payments")
    p.add_argument("--jobs", type=int, default=None, help="roots planned at once (default: number of CPUs)")
    p.add_argument("--affected-from", metavar="REF", help="plan only the roots the change from this git revision touches (see `affected`)")
    json_arg(p)
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("plan-check", help="the plan gate: fail on deleting or replacing stateful resources the catalog does not allow")
    p.add_argument("plans", nargs="+", type=Path, metavar="PLAN_JSON", help="`terraform show -json` output")
    json_arg(p)
    p.set_defaults(func=cmd_plan_check)

    p = sub.add_parser("scan", help="checkov and policies/ on the generated Terraform and every root's plan; JUnit and SARIF reports")
    env_arg(p)
    json_arg(p)
    p.set_defaults(func=cmd_scan)
    p = sub.add_parser("affected", help="list the roots a change touches since a git revision (one per line, for pipelines)")
    env_arg(p)
    p.add_argument("--base", required=True, metavar="REF", help="git revision to compare the working tree with, e.g. origin/main")
    p.add_argument("--json", action="store_true", help="print JSON: roots with the reasons, and removed roots")
    p.set_defaults(func=cmd_affected)

    cli_tools.register(sub, env_arg)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ws = Workspace(args.repo.resolve()) if args.repo else Workspace.find()
    try:
        return args.func(args, ws)
    except SpecError as exc:
        if getattr(args, "json", False):
            console.emit_json({"valid": False, "problems": [vars(p) for p in exc.problems]})
        _print_problems(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        print(f"{errors} problem{'s' * (errors != 1)} found; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except affected.GitError as exc:
        print(f"affected: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except terraform.TerraformError as exc:
        print(f"terraform: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # `streamgen graph | head`: the reader left, not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (the interpreter flushes stdout at exit)
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
