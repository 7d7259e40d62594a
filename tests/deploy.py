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
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from streamgen import terraform
from streamgen.workspace import Workspace

# Resources a terraform run may take at once; moto's server is threaded, the
# machine has 2 cores shared with other runs.
PARALLELISM = 6
TIMEOUT_S = 600


_FLAGS = {
    "plan": ("-input=false",),
    "apply": ("-no-color", "-input=false"),
    "destroy": ("-no-color", "-input=false"),
    "show": ("-no-color",),
    "graph": (),
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
    reasons: dict[str, str] = field(default_factory=dict)  # excluded address -> why

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

    def plan_addresses(self, exclusions: Callable[[str, dict], str | None]) -> None:
        """Plan everything (the excluded types too) and decide what to target.

        ``exclusions(type, planned values)`` says why a resource cannot be
        applied (None: it can). Whatever depends on an excluded resource (per
        ``terraform graph``) is excluded too: ``-target`` would pull the
        excluded one back in.
        """
        self.run("plan", "plan", "-refresh=false", "-out=all.tfplan")
        shown = json.loads(self.run("show", "show", "-json", "all.tfplan").stdout)
        why: dict[str, str] = {}
        for change in shown.get("resource_changes", []):
            if change["mode"] != "managed":
                continue
            self.planned[change["address"]] = change["type"]
            reason = exclusions(change["type"], change["change"].get("after") or {})
            if reason:
                why[change["address"]] = reason
        depends = _graph(self.run("graph", "graph").stdout)
        blocked = {_config_address(a) for a in why}
        for address in self.planned:
            if address in why:
                continue
            culprit = _reaches(_config_address(address), blocked, depends)
            if culprit:
                why[address] = f"depends on {culprit}"
        self.excluded = {a: self.planned[a] for a in why}
        self.reasons = why

    def apply(self) -> None:
        self.run("apply", "apply", "-auto-approve", f"-parallelism={PARALLELISM}", *self.targets)

    def changes(self, moto_only: dict[tuple[str, str], str]) -> list[str]:
        """What a fresh plan would change (empty: idempotent).

        ``moto_only``: (resource type, attribute) -> why the emulator, not the
        configuration, causes that diff; an update touching only such
        attributes is not reported, anything else is.
        """
        result = self.run("replan", "plan", "-detailed-exitcode", "-out=again.tfplan", *self.targets, ok=(0, 2))
        if result.returncode == 0:
            return []
        shown = json.loads(self.run("show", "show", "-json", "again.tfplan").stdout)
        found = []
        for change in shown.get("resource_changes", []):
            actions = change["change"]["actions"]
            if actions == ["no-op"]:
                continue
            attributes = _changed_attributes(change["change"]) if actions == ["update"] else {"*"}
            left = sorted(a for a in attributes if (change["type"], a) not in moto_only)
            if left:
                found.append(f"{change['address']}: {'/'.join(actions)} {', '.join(left)}")
        return found

    def destroy(self) -> None:
        self.run("destroy", "destroy", "-auto-approve", f"-parallelism={PARALLELISM}", *self.targets)

    def state(self) -> list[str]:
        """Managed resources left in the state (data sources are re-read, not owned)."""
        listed = self.run("state", "state", "list", ok=(0, 1)).stdout.split()
        return [a for a in listed if not (a.startswith("data.") or ".data." in a)]


def stage_root(ws: Workspace, generated: Path, root: str, scratch: Path, endpoint: str, caller_role_arn: str) -> RootRun:
    source = generated / root
    override = terraform.emulator_override_for(source, endpoint, caller_role_arn=caller_role_arn)
    staged = terraform.stage(ws, source, scratch, overrides={"emulator_override.tf": override})
    staged.init()
    return RootRun(root, staged)


_INDEX = re.compile(r"\[[^\]]*\]")
_EDGE = re.compile(r'^\s*"([^"]+)"\s*->\s*"([^"]+)"', re.MULTILINE)


def _config_address(address: str) -> str:
    """module.a["x"].aws_b.c[0] -> module.a.aws_b.c (the graph's node names)."""
    return _INDEX.sub("", address)


def _graph(dot: str) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for node, dependency in _EDGE.findall(dot):
        edges.setdefault(node, set()).add(dependency)
    return edges


def _reaches(node: str, targets: set[str], edges: dict[str, set[str]]) -> str | None:
    seen, todo = set(), [node]
    while todo:
        current = todo.pop()
        for dependency in edges.get(current, ()):
            if dependency in targets:
                return dependency
            if dependency not in seen:
                seen.add(dependency)
                todo.append(dependency)
    return None


def _changed_attributes(change: dict) -> set[str]:
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    return {k for k in before.keys() | after.keys() | unknown.keys() if before.get(k) != after.get(k) or unknown.get(k) is True}


def _planned_changes(stream: str) -> list[dict]:
    """The ``planned_change`` messages of ``terraform plan -json`` (machine-readable UI)."""
    messages = [json.loads(line) for line in stream.splitlines() if line.startswith("{")]
    return [m["change"] for m in messages if m.get("type") == "planned_change"]


def _errors(result: subprocess.CompletedProcess[str]) -> str:
    found = []
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            message = json.loads(line)
            diagnostic = message.get("diagnostic", {})
            if diagnostic.get("severity") == "error":
                found.append(f"{diagnostic.get('address', '')}: {diagnostic['summary']}: {diagnostic.get('detail', '')}")
    if not found:
        found = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()][-60:]
    return "\n".join(found)
