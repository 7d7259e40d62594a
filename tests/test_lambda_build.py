"""Lambda packages are byte-for-byte reproducible and contain exactly what they should."""

from __future__ import annotations

import os
import shutil
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from streamgen import lambda_build
from streamgen.workspace import Workspace

from support import REPO


def checkout(tmp_path: Path, name: str, mtime: int) -> Workspace:
    root = tmp_path / name
    shutil.copytree(REPO / "lambda_src" / "json_transform", root / "lambda_src" / "json_transform",
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    (root / ".cache").mkdir()
    (root / ".cache" / "wheels").symlink_to(REPO / ".cache" / "wheels", target_is_directory=True)
    for path in (root / "lambda_src").rglob("*"):
        os.utime(path, (mtime, mtime))
    return Workspace(root)


def test_package_is_identical_across_checkouts(tmp_path):
    (REPO / ".cache" / "wheels").mkdir(parents=True, exist_ok=True)
    a = lambda_build.build(checkout(tmp_path, "a", 1_000_000), {"json_transform"})["json_transform"]
    b = lambda_build.build(checkout(tmp_path, "b", 1_700_000_000), {"json_transform"})["json_transform"]
    assert a.sha256 == b.sha256
    assert a.file == b.file == f".build/lambda/json_transform-{a.sha256[:16]}.zip"
    assert (tmp_path / "a" / a.file).read_bytes() == (tmp_path / "b" / b.file).read_bytes()


def test_package_layout(tmp_path):
    ws = checkout(tmp_path, "c", 5)
    package = lambda_build.build(ws, {"json_transform"})["json_transform"]
    with zipfile.ZipFile(ws.root / package.file) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert "app.py" in names
    assert "aws_lambda_powertools/__init__.py" in names
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n or n.endswith("RECORD")]
    assert "requirements.txt" not in names
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_unchanged_sources_reuse_the_package(tmp_path):
    ws = checkout(tmp_path, "d", 5)
    first = lambda_build.build(ws, {"json_transform"})["json_transform"]
    stamp = (ws.root / first.file).stat().st_mtime_ns
    again = lambda_build.build(ws, {"json_transform"})["json_transform"]
    assert again == first and (ws.root / first.file).stat().st_mtime_ns == stamp


def test_code_change_changes_the_package(tmp_path):
    ws = checkout(tmp_path, "e", 5)
    first = lambda_build.build(ws, {"json_transform"})["json_transform"]
    app = ws.lambda_src_dir / "json_transform" / "app.py"
    app.write_text(app.read_text() + "\n# changed\n")
    second = lambda_build.build(ws, {"json_transform"})["json_transform"]
    assert second.sha256 != first.sha256
    assert not (ws.root / first.file).exists()  # the stale package is pruned


def test_unpinned_requirement_is_refused(tmp_path):
    ws = checkout(tmp_path, "f", 5)
    (ws.lambda_src_dir / "json_transform" / "requirements.txt").write_text("requests>=2\n")
    with pytest.raises(lambda_build.BuildError) as error:
        lambda_build.build(ws, {"json_transform"})
    assert str(error.value) == (
        "lambda_src/json_transform/requirements.txt:1: requirements.txt: "
        "'requests>=2' must be pinned as name==version (reproducible packages)"
    )


def test_function_pins_match_the_dev_environment():
    """The tests exercise the function with the library versions it ships with."""
    pins, _ = lambda_build.requirements(REPO / "lambda_src" / "json_transform", "x")
    for name, pinned in pins:
        assert version(name) == pinned, name
