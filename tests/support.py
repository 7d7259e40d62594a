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


# Fields that identify what a component creates; another root that needs the
# thing writes one of these literally (roots never read each other's state).
IDENTITY_FIELDS = ("arn", "bucket", "full_name", "function_name", "database_name", "role_arn")


@dataclass(frozen=True)
class CrossRef:
    consumer: str  # root that writes the literal
    producer: str  # root that creates the component
    tf_id: str
    value: str


def root_texts(generated) -> dict[str, str]:
    """Every root's generated files, concatenated (root path -> text)."""
    env = generated.resolved.env
    out = {}
    for root in generated.resolved.roots:
        prefix = f"environments/{env}/generated/{root.path}/"
        out[root.path] = "".join(t for p, t in sorted(generated.files.items()) if p.startswith(prefix))
    return out


def cross_root_references(generated) -> list[CrossRef]:
    """Literal uses of one root's components in another root's files."""
    texts = root_texts(generated)
    refs = set()
    for root in generated.resolved.roots:
        for component in root.components:
            for name in IDENTITY_FIELDS:
                value = getattr(component, name, None)
                if not isinstance(value, str) or len(value) < 8:
                    continue
                for other, text in texts.items():
                    if other != root.path and other.split("/")[0] != "kafka" and f'"{value}"' in text:
                        refs.add(CrossRef(other, root.path, component.tf_id, value))
    return sorted(refs, key=lambda r: (r.consumer, r.producer, r.tf_id, r.value))
