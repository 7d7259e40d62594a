"""Deterministic Lambda packages from ``lambda_src/<name>/``.

Same sources -> same bytes, on any checkout: files are sorted, every entry has
the same timestamp and mode, and entries are stored uncompressed so the bytes
do not depend on the zlib build. Dependencies come from the function's own
``requirements.txt`` (every line pinned ``name==version``), as the wheels from
PyPI, unpacked as published.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .workspace import Workspace

BUILDER_VERSION = "1"  # bump when the package layout changes
PYTHON_VERSION = "3.12"  # the Lambda runtime the modules deploy (python3.12)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_SKIP_DIRS = {"tests", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache"}
_SKIP_FILES = re.compile(r"(requirements.*\.txt|.*\.pyc|conftest\.py|\.DS_Store)$")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")


@dataclass(frozen=True)
class Package:
    source: str
    file: str  # relative to the repository root
    sha256: str


class BuildError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _source_files(folder: Path) -> list[tuple[str, Path]]:
    files = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part in _SKIP_DIRS for part in rel.parts[:-1]) or path.is_dir():
            continue
        if rel.parts[0] in _SKIP_DIRS or _SKIP_FILES.match(rel.name):
            continue
        files.append((rel.as_posix(), path))
    return sorted(files)


def affects_package(rel: str) -> bool:
    """Whether a file (relative to ``lambda_src/<name>/``) changes the package:
    its sources and its pinned requirements, not its tests or caches."""
    parts = rel.split("/")
    if any(part in _SKIP_DIRS for part in parts[:-1]) or parts[0] in _SKIP_DIRS:
        return False
    return parts[-1].startswith("requirements") or not _SKIP_FILES.match(parts[-1])


def requirements(folder: Path, display: str) -> tuple[list[tuple[str, str]], list[Problem]]:
    path = folder / "requirements.txt"
    if not path.is_file():
        return [], []
    pins, problems = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _PIN.match(line)
        if not match:
            problems.append(
                Problem(display, number, "requirements.txt", f"'{line}' must be pinned as name==version (reproducible packages)")
            )
            continue
        pins.append((match.group(1), match.group(2)))
    return pins, problems


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _wheel(cache: Path, name: str, version: str) -> Path:
    """The wheel for one pin, downloaded once into the shared cache."""
    cache.mkdir(parents=True, exist_ok=True)

    def find() -> Path | None:
        # wheel file names: {distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl
        matches = sorted(
            p for p in cache.glob("*.whl")
            if _normalise(p.name.split("-")[0]) == _normalise(name) and p.name.split("-")[1] == version
        )
        return matches[0] if matches else None

    found = find()
    if found:
        return found
    # Lambda runs Linux x86_64 CPython: fetch that platform's wheel, never an
    # sdist. Download into a private folder and move into the shared cache, so
    # parallel builds never read a half-written wheel.
    staging = cache / f".download-{os.getpid()}-{threading.get_ident()}"
    staging.mkdir(exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
        "--platform", "manylinux2014_x86_64", "--implementation", "cp",
        "--python-version", PYTHON_VERSION, "--dest", str(staging), f"{name}=={version}",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True)
        for wheel in staging.glob("*.whl"):
            os.replace(wheel, cache / wheel.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    found = find()
    if result.returncode != 0 or found is None:
        raise RuntimeError(f"cannot download {name}=={version}: {result.stderr.strip()[-500:]}")
    return found


def _entries(ws: Workspace, source: str, pins: list[tuple[str, str]]) -> list[tuple[str, bytes]]:
    folder = ws.lambda_src_dir / source
    entries: dict[str, bytes] = {}
    for name, version in pins:
        with zipfile.ZipFile(_wheel(ws.cache_dir / "wheels", name, version)) as wheel:
            for info in wheel.infolist():
                if info.is_dir() or info.filename.endswith(".dist-info/RECORD"):
                    continue
                entries[info.filename] = wheel.read(info)
    for rel, path in _source_files(folder):
        entries[rel] = path.read_bytes()  # the function's own code wins over a dependency's file
    return sorted(entries.items())


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.create_system = 3  # unix, so the mode below is honoured
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _fingerprint(ws: Workspace, source: str, pins: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256(f"{BUILDER_VERSION}\n{pins}\n".encode())
    for rel, path in _source_files(ws.lambda_src_dir / source):
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build(ws: Workspace, sources: set[str], *, write: bool = True) -> dict[str, Package]:
    """Package each source; reuse a previous build when nothing changed."""
    problems: list[Problem] = []
    packages: dict[str, Package] = {}
    out_dir = ws.build_dir / "lambda"
    index_dir = ws.cache_dir / "lambda-index"
    for source in sorted(sources):
        folder = ws.lambda_src_dir / source
        pins, found = requirements(folder, ws.rel(folder / "requirements.txt"))
        problems += found
        if found:
            continue
        fingerprint = _fingerprint(ws, source, pins)
        remembered = index_dir / f"{fingerprint}.json"
        if remembered.is_file():
            known = json.loads(remembered.read_text())
            if not write or (ws.root / known["file"]).is_file():
                packages[source] = Package(source, known["file"], known["sha256"])
                continue
        try:
            data = _zip(_entries(ws, source, pins))
        except RuntimeError as exc:
            problems.append(Problem(ws.rel(folder / "requirements.txt"), 0, "", str(exc)))
            continue
        sha = hashlib.sha256(data).hexdigest()
        target = out_dir / f"{source}-{sha[:16]}.zip"
        package = Package(source, ws.rel(target), sha)
        packages[source] = package
        if write:
            _write_atomic(target, data)
            for stale in out_dir.glob(f"{source}-*.zip"):
                if stale != target:
                    stale.unlink()
            index_dir.mkdir(parents=True, exist_ok=True)
            _write_atomic(remembered, json.dumps({"file": package.file, "sha256": sha}).encode())
    if problems:
        raise BuildError(problems)
    return packages


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
