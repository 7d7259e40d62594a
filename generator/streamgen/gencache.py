"""Regenerating without changes: skip the work when no input changed.

``streamgen generate`` is deterministic: the same catalog, env folder, Lambda
sources and generator code give the same files. After a generation the
fingerprint of those inputs is recorded with a hash of every file written
(``.cache/generate/<env>.json``). The next run with the same fingerprint
checks that the files on disk still have exactly those hashes, that no stale
generated file appeared and that the Lambda packages exist; then it has
nothing to write and skips loading, validation and rendering (a large
catalog takes seconds to render, reading its files back takes milliseconds).

Anything else falls back to the full run: a changed or missing input, a
hand-edited or deleted generated file, another generator version. The
fingerprint covers everything the pipeline reads: ``catalog/*.y*ml``, the
environment folder (without ``generated/``), ``lambda_src/``, the generator
package itself (code and templates) and the versions of the libraries that
shape the output. ``generate --check`` (CI) never uses the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import load, pipeline, writer
from .errors import Problem
from .workspace import Workspace

CACHE_VERSION = "1"
_PACKAGE_DIR = Path(__file__).resolve().parent
_LIBRARIES = ("jinja2", "pydantic", "pydantic-core", "pyyaml")
_BUILD_ARTEFACT = re.compile(r"\.build/[A-Za-z0-9_./-]+\.zip")
_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".hypothesis", ".terraform"}


@dataclass
class Outcome:
    files: int
    roots: int
    result: writer.WriteResult
    warnings: list[Problem] = field(default_factory=list)
    cached: bool = False  # nothing changed: the cache answered, nothing was rendered


def _tree(digest: "hashlib._Hash", label: str, folder: Path, *, exclude: Path | None = None) -> None:
    if not folder.is_dir():
        digest.update(f"{label}: none\0".encode())
        return
    for directory, dirs, files in os.walk(folder):  # top-down: the pruning below applies
        here = Path(directory)
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and (exclude is None or here / d != exclude))
        for name in sorted(files):
            if name.endswith((".pyc", ".tmp")):
                continue
            path = here / name
            digest.update(f"{label}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")


def fingerprint(ws: Workspace, env: str) -> str:
    digest = hashlib.sha256(f"streamgen-gencache {CACHE_VERSION} {env} {sys.version_info[:2]}\0".encode())
    for library in _LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{library}=={version}\0".encode())
    _tree(digest, "generator", _PACKAGE_DIR)
    for path in load.catalog_files(ws):
        digest.update(f"catalog/{path.name}\0".encode() + path.read_bytes() + b"\0")
    _tree(digest, "env", ws.env_dir(env), exclude=ws.generated_dir(env))
    _tree(digest, "lambda_src", ws.lambda_src_dir)
    return digest.hexdigest()


def _record_path(ws: Workspace, env: str) -> Path:
    return ws.cache_dir / "generate" / f"{env}.json"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _still_current(ws: Workspace, env: str, record: dict) -> bool:
    root = ws.root.resolve()
    wanted: set[str] = set()
    for rel, sha in record["files"].items():
        path = root / rel
        try:
            if _sha(path.read_bytes()) != sha:
                return False
        except OSError:
            return False
        wanted.add(os.path.normpath(path))
    if writer.existing_generated(ws, env, skip=wanted):
        return False  # a generated file the generation would remove
    return all((root / package).is_file() for package in record["packages"])


def generate(ws: Workspace, env: str, *, use_cache: bool = True, timings: dict[str, float] | None = None) -> Outcome:
    """``generate`` + ``write``, answered from the cache when nothing changed.

    ``timings`` (benchmarks) receives seconds per stage: ``check`` (the
    fingerprint and, on a hit, the comparison), ``validate``, ``generate``
    (packages, resolve, render, write).
    """
    clock = {"start": time.perf_counter()}

    def lap(stage: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[stage] = now - clock["start"]
        clock["start"] = now

    key = fingerprint(ws, env)
    record_path = _record_path(ws, env)
    if use_cache:
        try:
            record = json.loads(record_path.read_text())
        except (OSError, ValueError):
            record = None
        if record and record.get("fingerprint") == key and _still_current(ws, env, record):
            result = writer.WriteResult(unchanged=sorted(record["files"]))
            warnings = [Problem(**w) for w in record["warnings"]]
            lap("check")
            return Outcome(len(record["files"]), record["roots"], result, warnings, cached=True)

    lap("check")
    validated = pipeline.validate(ws, env)
    lap("validate")
    generated = pipeline.generate(ws, env, build=True, validated=validated)
    result = writer.write(ws, env, generated.files)
    # build artefacts the generated files point at (Lambda packages): the fast
    # path must not skip rebuilding them after `make clean`
    packages = sorted({m for text in generated.files.values() for m in _BUILD_ARTEFACT.findall(text)})
    record = {
        "fingerprint": key,
        "roots": len(generated.resolved.roots),
        "files": {rel: _sha(text.encode("utf-8")) for rel, text in generated.files.items()},
        "packages": packages,
        "warnings": [vars(w) for w in generated.warnings],
    }
    record_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = record_path.with_name(f".{record_path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True))
    os.replace(tmp, record_path)
    lap("generate")
    return Outcome(len(generated.files), len(generated.resolved.roots), result, generated.warnings)
