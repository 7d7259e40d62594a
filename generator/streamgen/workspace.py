"""Where things live in a streamgen repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def catalog_dir(self) -> Path:
        return self.root / "catalog"

    @property
    def environments_dir(self) -> Path:
        return self.root / "environments"

    @property
    def modules_dir(self) -> Path:
        return self.root / "modules"

    @property
    def lambda_src_dir(self) -> Path:
        return self.root / "lambda_src"

    @property
    def build_dir(self) -> Path:
        """Build artefacts (Lambda packages); never committed."""
        return self.root / ".build"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    @property
    def work_dir(self) -> Path:
        """Scratch space for terraform runs (staged roots, plans, reports)."""
        return self.root / ".work"

    def env_dir(self, env: str) -> Path:
        return self.environments_dir / env

    def env_file(self, env: str) -> Path:
        return self.env_dir(env) / "env.yaml"

    def generated_dir(self, env: str) -> Path:
        return self.env_dir(env) / "generated"

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    @classmethod
    def find(cls, start: Path | None = None) -> "Workspace":
        """The nearest ancestor holding both catalog/ and environments/."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "catalog").is_dir() and (candidate / "environments").is_dir():
                return cls(candidate)
        return cls(here)
