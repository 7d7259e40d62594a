"""The one-way flow: load -> check -> build packages -> resolve -> render.

Every entry point (CLI commands, tests, benchmarks) goes through these two
functions, so they all see the same validation and the same output.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import changesafety, checks, lambda_build, load, render, resolve
from .errors import Problem, SpecError
from .model import Resolved
from .workspace import Workspace


@dataclass(frozen=True)
class Validated:
    loaded: load.Loaded
    warnings: list[Problem]


@dataclass(frozen=True)
class Generated:
    resolved: Resolved
    files: dict[str, str]  # repository-relative path -> content
    warnings: list[Problem]


def validate(ws: Workspace, env: str) -> Validated:
    """Load and check everything; raise SpecError listing every problem."""
    loaded, problems = load.load(ws, env)
    if loaded is not None:
        problems = problems + checks.check(loaded, ws)
    if loaded is not None and not any(p.severity == "error" for p in problems):
        problems = problems + _change_safety(ws, env, loaded)
    errors = [p for p in problems if p.severity == "error"]
    if errors or loaded is None:
        raise SpecError(problems)
    return Validated(loaded, [p for p in problems if p.severity != "error"])


def generate(ws: Workspace, env: str, *, build: bool = True, validated: Validated | None = None) -> Generated:
    """Validate, package the Lambda sources, resolve and render (no files written).

    ``build=False`` computes package hashes without writing zips (``--check``);
    ``validated`` skips validation already done (benchmarks time the stages).
    """
    validated = validated or validate(ws, env)
    try:
        packages = lambda_build.build(ws, resolve.lambda_sources(validated.loaded), write=build)
    except lambda_build.BuildError as exc:
        raise SpecError(exc.problems) from None
    resolved = resolve.resolve(validated.loaded, packages)
    return Generated(resolved, render.render(resolved, ws), validated.warnings)


def _change_safety(ws: Workspace, env: str, loaded: load.Loaded) -> list[Problem]:
    """Changes that would replace or remove stateful resources (see changesafety)."""
    record = ws.root / changesafety.record_path(env)
    if not record.is_file():
        return []
    # Names, ARNs and sizes do not depend on Lambda package contents.
    packages = {s: lambda_build.Package(s, "", "") for s in resolve.lambda_sources(loaded)}
    return changesafety.check(resolve.resolve(loaded, packages), record.read_text(encoding="utf-8"))
