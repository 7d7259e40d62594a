"""Benchmark: generator speed and plan cost as the catalog grows.

Synthetic catalogs (``synthetic.py``: N topics, each with an S3 sink, ten
topics per domain) of 10, 100, 1,000 and 5,000 topics are generated, each
size in a fresh Python process so that one size's caches and memory do not
flatter the next. Per size it prints:

- load+validate: ``pipeline.validate`` (YAML -> models -> whole-catalog checks)
- render+write: Lambda packages, resolve, render, write the files
- files and bytes written, peak memory (max RSS of the process, interpreter
  and imports included), time per topic (validate + generate)
- unchanged regenerate: a second fresh process runs the same generation over
  the written tree; it must write no file and leave every mtime as it was.

Times exclude the interpreter start and the imports (printed separately:
they do not grow with the catalog). Each figure is the best of ``--repeat``
runs (default 3): the machine is shared, and the minimum is the run least
disturbed by other processes; the CPU seconds of that run are printed too.

Plan cost: domain ``team0000`` is generated once inside the 1,000-topic
catalog and once alone (a catalog with only that domain); each root is staged,
initialised and planned offline with the real provider, ``PLAN_RUNS`` times
each, interleaved, and the best plan times are compared. One domain's plan
must not grow with the catalog: the root holds only that domain's resources,
and references to other roots are literal values, not remote-state reads.

Targets (PASS/FAIL, exit 1 on any FAIL): 1,000 topics validate+generate
< 3 s; 5,000 topics <= 6x the time of 1,000; unchanged regenerate of 1,000
topics < 1 s writing no file; plan of one domain in the 1,000-topic catalog
within 1.5x of the same domain alone.

Usage: ``python benchmarks/scale_bench.py [--sizes 10,100,1000,5000] [--no-plan]``
(``make bench`` runs it with the defaults).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

ENV = "dev"
PLAN_DOMAIN = "team0000"
PLAN_RUNS = 3
TARGET_1000_S = 3.0
TARGET_GROWTH = 6.0
TARGET_REGEN_S = 1.0
TARGET_PLAN_RATIO = 1.5


# --- child processes -------------------------------------------------------------


def _peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child_generate(repo: Path, use_cache: bool = True) -> dict:
    """One `streamgen generate` (what the CLI runs), timed by stage, in its own process."""
    started = time.perf_counter()
    from streamgen import gencache
    from streamgen.workspace import Workspace

    imported, cpu = time.perf_counter(), time.process_time()
    timings: dict[str, float] = {}
    outcome = gencache.generate(Workspace(repo), ENV, use_cache=use_cache, timings=timings)
    cpu = time.process_time() - cpu
    written = set(outcome.result.written)
    base = repo / "environments" / ENV / "generated"
    return {
        "import_s": imported - started,
        # the input fingerprint is part of loading the inputs
        "validate_s": timings.get("check", 0.0) + timings.get("validate", 0.0),
        "generate_s": timings.get("generate", 0.0),
        "cpu_s": cpu,
        "cached": outcome.cached,
        "files": outcome.files,
        "written": len(written),
        "bytes": sum((repo / rel).stat().st_size for rel in written),
        "roots": outcome.roots,
        "peak_rss_mib": _peak_rss_mib(),
        "generated_dir": str(base),
    }


def _child(mode: str, repo: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, f"--child-{mode}", str(repo)],
        capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} of {repo} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _mtimes(repo: Path) -> dict[str, int]:
    base = repo / "environments" / ENV / "generated"
    return {p.relative_to(base).as_posix(): p.stat().st_mtime_ns for p in base.rglob("*") if p.is_file()}


# --- measurements ------------------------------------------------------------------


def _fresh(repo: Path) -> None:
    """Back to a never-generated repository: no output, no cache record."""
    for path in (repo / "environments" / ENV / "generated", repo / ".cache"):
        shutil.rmtree(path, ignore_errors=True)


def _best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["validate_s"] + r["generate_s"])


def measure_size(workdir: Path, topics: int, repeat: int) -> dict:
    """Best of ``repeat`` runs of each kind (the machine is shared: the minimum
    is the figure least disturbed by other processes)."""
    repo = synthetic.write_repo(workdir / f"t{topics}", topics)
    runs = []
    for _ in range(repeat):
        _fresh(repo)
        runs.append(_child("generate", repo))
    first = _best(runs)
    first.update(topics=topics, repo=repo, total_s=first["validate_s"] + first["generate_s"])
    # regenerate without changes: as `streamgen generate` runs (input
    # fingerprint unchanged -> nothing rendered), and with --no-cache (full
    # render, compared file by file); neither may write or touch a file
    for label, mode in (("regen", "generate"), ("full", "generate-nocache")):
        runs, touched = [], []
        for _ in range(repeat):
            before = _mtimes(repo)
            time.sleep(0.01)  # a rewrite would carry a later mtime
            runs.append(_child(mode, repo))
            after = _mtimes(repo)
            touched += sorted(p for p in after if before.get(p) != after[p]) + sorted(set(before) - set(after))
        again = _best(runs)
        first[f"{label}_s"] = again["validate_s"] + again["generate_s"]
        first[f"{label}_cached"] = all(r["cached"] for r in runs)
        first[f"{label}_written"] = sum(r["written"] for r in runs)
        first[f"{label}_touched"] = touched
    return first


def _staged(repo: Path, root: str, scratch: Path):
    from streamgen import terraform
    from streamgen.workspace import Workspace

    ws = Workspace(repo)
    source = ws.generated_dir(ENV) / root
    overrides = {"streamgen_offline_override.tf": terraform.offline_override_for(source)}
    staged = terraform.stage(ws, source, scratch, overrides=overrides)
    staged.init()
    return staged


def measure_plan(workdir: Path, big_repo: Path) -> dict:
    alone = synthetic.write_repo(workdir / "alone", synthetic_topics := 10)
    _child("generate", alone)
    root = f"domains/{PLAN_DOMAIN}"
    staged = {"big": _staged(big_repo, root, workdir / "scratch-big"), "alone": _staged(alone, root, workdir / "scratch-alone")}
    best = {"big": float("inf"), "alone": float("inf")}
    resources = {}
    # interleaved, so that both see the same phases of the machine's load
    for _ in range(PLAN_RUNS):
        for label, tf in staged.items():
            started = time.perf_counter()
            plan = tf.plan_json()
            best[label] = min(best[label], time.perf_counter() - started)
            resources[label] = len(plan.get("resource_changes", []))
    return {
        "root": root,
        "topics_alone": synthetic_topics,
        "big_s": best["big"],
        "alone_s": best["alone"],
        "big_resources": resources["big"],
        "alone_resources": resources["alone"],
        "ratio": best["big"] / best["alone"],
        "identical": _root_files(big_repo, root) == _root_files(alone, root),
    }


def _root_files(repo: Path, root: str) -> dict[str, bytes]:
    base = repo / "environments" / ENV / "generated" / root
    return {p.name: p.read_bytes() for p in sorted(base.iterdir()) if p.is_file()}


# --- report ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000,5000", help="comma-separated topic counts")
    parser.add_argument("--no-plan", action="store_true", help="skip the terraform plan-cost comparison")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is reported (default 3)")
    parser.add_argument("--child-generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-generate-nocache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_generate:
        print(json.dumps(child_generate(args.child_generate)))
        return 0
    if args.child_generate_nocache:
        print(json.dumps(child_generate(args.child_generate_nocache, use_cache=False)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"scale benchmark: synthetic catalogs (each topic with an S3 sink, {10} topics per domain), "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    rows: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="streamgen-bench-") as tmp:
        workdir = Path(tmp)
        header = (f"{'topics':>7} {'roots':>6} {'validate':>9} {'render+write':>13} {'total':>7} {'files':>6} "
                  f"{'MiB written':>11} {'peak RSS':>9} {'ms/topic':>9} {'cpu':>6} {'regen':>7} {'regen --no-cache':>16} {'regen writes':>12}")
        print(header)
        for topics in sizes:
            row = rows[topics] = measure_size(workdir, topics, args.repeat)
            writes = sum(row[f"{k}_written"] + len(row[f"{k}_touched"]) for k in ("regen", "full"))
            print(f"{topics:>7} {row['roots']:>6} {row['validate_s']:>8.2f}s {row['generate_s']:>12.2f}s "
                  f"{row['total_s']:>6.2f}s {row['written']:>6} {row['bytes'] / 2**20:>11.2f} "
                  f"{row['peak_rss_mib']:>6.0f}MiB {1000 * row['total_s'] / topics:>9.2f} {row['cpu_s']:>5.2f}s "
                  f"{row['regen_s']:>6.2f}s {row['full_s']:>15.2f}s {writes:>12}", flush=True)
        imports = sorted(r["import_s"] for r in rows.values())
        print(f"(best of {args.repeat} fresh processes per cell; cpu: CPU seconds of the best total run; "
              f"imports, not included: {imports[len(imports) // 2]:.2f} s per process)")

        checks: list[tuple[str, bool, str]] = []
        if 1000 in rows:
            r = rows[1000]
            checks.append(("1,000 topics validate+generate < 3 s", r["total_s"] < TARGET_1000_S, f"{r['total_s']:.2f} s"))
            checks.append((
                "unchanged regenerate (1,000) < 1 s, no file written, mtimes untouched",
                r["regen_s"] < TARGET_REGEN_S and r["regen_cached"] and r["regen_written"] == 0 and not r["regen_touched"],
                f"{r['regen_s']:.2f} s, {r['regen_written']} written, {len(r['regen_touched'])} mtimes changed",
            ))
        if 1000 in rows and 5000 in rows:
            ratio = rows[5000]["total_s"] / rows[1000]["total_s"]
            checks.append(("5,000 topics <= 6x the time of 1,000", ratio <= TARGET_GROWTH, f"{ratio:.2f}x"))
        for topics, r in rows.items():
            for k in ("regen", "full"):
                if r[f"{k}_written"] or r[f"{k}_touched"]:
                    checks.append((f"unchanged {k} regenerate ({topics}) writes no file", False, f"{r[f'{k}_written']} written"))

        if not args.no_plan and 1000 in rows:
            print(f"\nplan cost: offline `terraform plan` of domains/{PLAN_DOMAIN}, best of {PLAN_RUNS} interleaved runs (init excluded)", flush=True)
            p = measure_plan(workdir, rows[1000]["repo"])
            print(f"  in the 1,000-topic catalog: {p['big_s']:.2f} s ({p['big_resources']} resources)")
            print(f"  the domain alone:           {p['alone_s']:.2f} s ({p['alone_resources']} resources)")
            print(f"  ratio {p['ratio']:.2f}x; root files identical in both: {'yes' if p['identical'] else 'no'}")
            checks.append(("one domain's plan in 1,000 topics within 1.5x of alone", p["ratio"] <= TARGET_PLAN_RATIO, f"{p['ratio']:.2f}x"))

    print()
    for name, ok, figure in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {figure}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
