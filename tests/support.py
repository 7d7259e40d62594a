"""Helpers shared by the tests (sandboxes, CLI runs)."""

from __future__ import annotations

import contextlib
import io
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from streamgen import cli
from streamgen.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]

# The smallest valid env.yaml; validation tests append what their kind needs
# (their expected errors cite env.yaml lines, so this text must not change).
ENV_BASE = """
name: dev
account_id: "111111111111"
region: eu-west-1
name_prefix: dev
tags:
  Environment: dev
state:
  bucket: state-bucket-111111111111
network:
  vpc_id: vpc-0a1b2c3d4e5f60718
  subnet_ids: [subnet-0a1b2c3d4e5f60001]
  security_group_ids: [sg-0a1b2c3d4e5f60010]
kms:
  data: arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001
"""


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@dataclass
class Sandbox:
    """A throwaway repository: its own catalog and env, the real modules and lambda_src."""

    root: Path

    @property
    def ws(self) -> Workspace:
        return Workspace(self.root)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    def run(self, *args: str) -> Result:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["--repo", str(self.root), *args])
        return Result(code, out.getvalue(), err.getvalue())

    def snapshot(self) -> dict[str, bytes]:
        """Every file under environments/, to prove nothing was written."""
        base = self.root / "environments"
        return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


def make_sandbox(path: Path, *, with_example: bool) -> Sandbox:
    path.mkdir(parents=True, exist_ok=True)
    for shared in ("modules", "lambda_src"):
        (path / shared).symlink_to(REPO / shared, target_is_directory=True)
    # share downloaded wheels with the real repository (packages are rebuilt)
    (path / ".cache").mkdir()
    (path / ".cache" / "wheels").symlink_to(_wheel_cache(), target_is_directory=True)
    (path / "environments" / "dev").mkdir(parents=True)
    (path / "catalog").mkdir()
    if with_example:
        for item in (REPO / "catalog").glob("*.yaml"):
            shutil.copy(item, path / "catalog" / item.name)
        shutil.copy(REPO / "environments" / "dev" / "env.yaml", path / "environments" / "dev" / "env.yaml")
    return Sandbox(path)


def _wheel_cache() -> Path:
    cache = REPO / ".cache" / "wheels"
    cache.mkdir(parents=True, exist_ok=True)
    return cache
