"""Apply, re-plan and destroy generated roots against the local AWS API.

Each root is staged (``streamgen.terraform.stage``) with the emulator
override, planned once to learn its resource addresses, then applied with
``-target`` on every address whose resource type the emulator supports; the
idempotence plan and the destroy use the same targets. Excluded types are
planned (the first plan validates them with the real provider) but never
applied.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from streamgen import terraform
from streamgen.workspace import Workspace

# Resources a terraform run may take at once; moto's server is threaded, the
# machine has 2 cores shared with other runs.
PARALLELISM = 6
TIMEOUT_S = 600


_FLAGS = {
    "plan": ("-no-color", "-input=false"),
    "apply": ("-no-color", "-input=false"),
    "destroy": ("-no-color", "-input=false"),
    "show": ("-no-color",),
}


class TerraformFailed(AssertionError):
    pass


@dataclass
class RootRun:
    name: str
    staged: terraform.StagedRoot
    planned: dict[str, str] = field(default_factory=dict)  # address -> resource type
    excluded: dict[str, str] = field(default_factory=dict)  # address -> resource type
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def targets(self) -> list[str]:
        return [f"-target={a}" for a in sorted(self.planned) if a not in self.excluded]

    def run(self, step: str, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = subprocess.run(
            [self.staged.tf.binary, *args, *_FLAGS.get(args[0], ())],
            cwd=self.staged.path,
            env={**os.environ, **self.staged.tf.env},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        self.timings[step] = round(time.monotonic() - started, 1)
        if result.returncode not in ok:
            raise TerraformFailed(f"{self.name}: terraform {step} exited {result.returncode}\n{_errors(result)}")
        return result

    def plan_addresses(self, excluded_types: dict[str, str]) -> None:
        """Plan everything (the excluded types too), record what to target."""
        self.run("plan", "plan", "-refresh=false", "-out=all.tfplan")
        shown = self.run("show", "show", "-json", "all.tfplan")
        for change in json.loads(shown.stdout).get("resource_changes", []):
            if change["mode"] == "managed":
                self.planned[change["address"]] = change["type"]
        self.excluded = {a: t for a, t in self.planned.items() if t in excluded_types}

    def apply(self) -> None:
        self.run("apply", "apply", "-auto-approve", f"-parallelism={PARALLELISM}", *self.targets)

    def changes(self) -> list[str]:
        """Addresses a fresh plan would change (empty: idempotent)."""
        result = self.run("replan", "plan", "-detailed-exitcode", "-out=again.tfplan", *self.targets, ok=(0, 2))
        if result.returncode == 0:
            return []
        shown = json.loads(self.run("show-replan", "show", "-json", "again.tfplan").stdout)
        return [
            f"{c['address']}: {'/'.join(c['change']['actions'])}"
            for c in shown.get("resource_changes", [])
            if c["change"]["actions"] != ["no-op"]
        ]

    def destroy(self) -> None:
        self.run("destroy", "destroy", "-auto-approve", f"-parallelism={PARALLELISM}", *self.targets)

    def state(self) -> list[str]:
        return self.run("state", "state", "list", ok=(0, 1)).stdout.split()


def stage_root(ws: Workspace, generated: Path, root: str, scratch: Path, endpoint: str, caller_role_arn: str) -> RootRun:
    source = generated / root
    override = terraform.emulator_override_for(source, endpoint, caller_role_arn=caller_role_arn)
    staged = terraform.stage(ws, source, scratch, overrides={"emulator_override.tf": override})
    staged.init()
    return RootRun(root, staged)


def _errors(result: subprocess.CompletedProcess[str]) -> str:
    text = result.stderr or result.stdout
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-60:])
