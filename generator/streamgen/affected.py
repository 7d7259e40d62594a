"""Which generated roots a change touches, for pipelines (``streamgen affected``).

A root is affected when, between a base git revision and the working tree:

- its generated files differ: the catalog and env.yaml of both sides are
  generated in memory by this generator and compared root by root (a change
  to one domain's YAML touches that domain's root; an env.yaml change touches
  ``shared`` and whichever roots read the changed values);
- a module it calls changed (``modules/<m>``, followed through the module's
  own local module calls); a module's README, ``examples/`` and ``tests/``
  do not deploy anything and are ignored;
- a Lambda source it packages changed (``lambda_src/<name>``; the package
  hash in the generated file changes too, this names the reason);
- the generator itself changed (``generator/``): every root, since the same
  catalog may now render differently.

Roots that exist at the base but no longer in the working tree are reported
separately (``removed``): they need a destroy, not a plan.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import lambda_build, pipeline
from .errors import SpecError
from .workspace import Workspace

# what the base checkout needs to be generated in memory
_BASE_INPUTS = ("catalog", "environments", "lambda_src")
_GENERATOR_DIR = "generator"
_MODULE_IGNORED = re.compile(r"^(README\.md|CHANGELOG\.md|examples/.*|tests/.*|.*\.md)$")
_MODULE_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.MULTILINE)
_PACKAGE = re.compile(r"\.build/lambda/([A-Za-z0-9_.-]+)-[0-9a-f]{16}\.zip")


class GitError(Exception):
    """git could not answer (not a repository, unknown revision)."""


@dataclass
class Affected:
    env: str
    base: str
    roots: dict[str, list[str]] = field(default_factory=dict)  # root -> reasons
    removed: list[str] = field(default_factory=list)  # roots only the base has

    def add(self, root: str, reason: str) -> None:
        reasons = self.roots.setdefault(root, [])
        if reason not in reasons:
            reasons.append(reason)

    def sorted_roots(self) -> list[str]:
        return sorted(self.roots)

    def as_json(self) -> dict:
        return {
            "env": self.env,
            "base": self.base,
            "roots": [{"root": r, "reasons": self.roots[r]} for r in self.sorted_roots()],
            "removed": sorted(self.removed),
        }


def _git(cwd: Path, *args: str, binary: bool = False) -> str | bytes:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=not binary)
    if result.returncode != 0:
        err = result.stderr if isinstance(result.stderr, str) else result.stderr.decode(errors="replace")
        raise GitError(f"git {' '.join(args)}: {err.strip() or 'failed'}")
    return result.stdout


def changed_paths(ws: Workspace, base: str, folders: tuple[str, ...]) -> list[str]:
    """Files under ``folders`` (relative to ``ws.root``) that differ between
    ``base`` and the working tree, tracked or untracked."""
    root = ws.root
    tracked = _git(root, "diff", "--name-only", "--no-renames", "--relative", base, "--", *folders)
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--", *folders)
    return sorted({line for line in (tracked + untracked).splitlines() if line})


def export_base(ws: Workspace, base: str, target: Path) -> Workspace:
    """The generator's inputs as of ``base``, extracted into ``target``."""
    prefix = str(_git(ws.root, "rev-parse", "--show-prefix")).strip()
    try:
        commit = str(_git(ws.root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")).strip()
    except GitError:
        raise GitError(f"'{base}' is not a commit of the repository at {ws.root}") from None
    present = set(str(_git(ws.root, "ls-tree", "--name-only", f"{commit}:{prefix}")).split())
    wanted = [p for p in _BASE_INPUTS if p in present]
    target.mkdir(parents=True, exist_ok=True)
    if wanted:
        data = _git(ws.root, "archive", "--format=tar", f"{commit}:{prefix}", *wanted, binary=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            if hasattr(tarfile, "tar_filter"):  # Python >= 3.11.4: refuse odd members
                archive.extractall(target, filter="tar")
            else:  # pragma: no cover - our own repository's archive
                archive.extractall(target)
    for folder in ("catalog", "environments"):
        (target / folder).mkdir(exist_ok=True)
    # module sources are written as paths relative to the root; the base
    # render needs the same layout (its modules' contents are compared via git)
    if not (target / "modules").exists():
        (target / "modules").symlink_to(ws.modules_dir.resolve(), target_is_directory=True)
    # content-addressed wheel and package caches, shared (read-only here)
    if ws.cache_dir.is_dir():
        (target / ".cache").symlink_to(ws.cache_dir.resolve(), target_is_directory=True)
    return Workspace(target)


def _by_root(env: str, roots: list[str], files: dict[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {root: {} for root in roots}
    # longest prefix first: "kafka/x" must not swallow "kafka/xy"
    prefixes = sorted(((f"environments/{env}/generated/{r}/", r) for r in roots), key=lambda p: -len(p[0]))
    for path, text in files.items():
        for prefix, root in prefixes:
            if path.startswith(prefix):
                out[root][path[len(prefix):]] = text
                break
    return out


def _modules_used(ws: Workspace, root_dir: Path, files: dict[str, str]) -> set[str]:
    """Names of the modules (``modules/<name>``) a root calls, transitively."""
    # modules/ may be a link (sandboxes): accept the path as written and as resolved
    bases = {Path(os.path.normpath(ws.modules_dir)), ws.modules_dir.resolve()}
    found: set[str] = set()
    pending: list[tuple[Path, str]] = [(root_dir, text) for name, text in files.items() if name.endswith(".tf")]
    while pending:
        directory, text = pending.pop()
        for source in _MODULE_SOURCE.findall(text):
            target = Path(os.path.normpath(directory / source))
            name = next((target.relative_to(b).parts[0] for b in bases if target.is_relative_to(b) and target != b), None)
            if name is None or name in found:
                continue
            found.add(name)
            module = ws.modules_dir / name
            pending += [(module, p.read_text(encoding="utf-8")) for p in sorted(module.glob("*.tf"))]
    return found


def affected(ws: Workspace, env: str, base: str) -> Affected:
    """Roots of ``env`` the change from ``base`` to the working tree touches.

    Raises SpecError when the working tree does not validate, GitError when
    ``base`` is not a revision of the repository.
    """
    result = Affected(env, base)
    head = pipeline.generate(ws, env, build=False)
    head_roots = sorted(root.path for root in head.resolved.roots)
    head_files = _by_root(env, head_roots, head.files)

    base_roots: list[str] = []
    base_files: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="streamgen-affected-") as tmp:
        base_ws = export_base(ws, base, Path(tmp) / "base")
        if base_ws.env_file(env).is_file():
            try:
                generated = pipeline.generate(base_ws, env, build=False)
            except SpecError:
                generated = None
            if generated is None:
                for root in head_roots:
                    result.add(root, f"{base} does not validate")
            else:
                base_roots = sorted(root.path for root in generated.resolved.roots)
                base_files = _by_root(env, base_roots, generated.files)
        else:
            for root in head_roots:
                result.add(root, f"environment {env} is new since {base}")

    for root in head_roots:
        if root not in base_files:
            if base_roots:
                result.add(root, "new root")
            continue
        before, after = base_files[root], head_files[root]
        changed = sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))
        if changed:
            result.add(root, "generated " + ", ".join(changed) + " changed")
    result.removed = [root for root in base_roots if root not in head_files]

    generator = changed_paths(ws, base, (_GENERATOR_DIR,)) if (ws.root / _GENERATOR_DIR).exists() else []
    if generator:
        for root in head_roots:
            result.add(root, "generator changed")

    modules: set[str] = set()
    lambdas: set[str] = set()
    for path in changed_paths(ws, base, ("modules", "lambda_src")):
        folder, _, rest = path.partition("/")
        name, _, inner = rest.partition("/")
        if folder == "modules" and inner and not _MODULE_IGNORED.match(inner):
            modules.add(name)
        elif folder == "lambda_src" and inner and lambda_build.affects_package(inner):
            lambdas.add(name)
    for root in head_roots:
        root_dir = Path(os.path.normpath(ws.generated_dir(env) / root))
        files = head_files[root]
        for name in sorted(_modules_used(ws, root_dir, files) & modules):
            result.add(root, f"modules/{name} changed")
        packaged = {m for text in files.values() for m in _PACKAGE.findall(text)}
        for name in sorted(packaged & lambdas):
            result.add(root, f"lambda_src/{name} changed")
    return result
