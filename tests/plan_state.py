"""A Terraform state made from a plan, for offline "plan again after a change" tests.

Nothing can be applied offline (and moto has no MSK Connect), so a prior state
is built instead: every resource of ``planned_values`` with its planned
attributes, and the values only known after apply (ids, ARNs, revisions)
filled with placeholders of the right type from the provider schema. The same
placeholder is used everywhere, so a reference (connector -> role ARN) agrees
with its target. :func:`converge` then plans against that state with
``-refresh=false`` (no AWS call) until the plan is a no-op, which proves the
state is faithful before the real change is planned.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

# ARN-shaped: providers validate ARNs that reach them through references
PLACEHOLDER = "arn:aws:placeholder:eu-west-1:111111111111:known-after-apply"
PLAIN_PLACEHOLDER = "known-after-apply"  # ids: some must not look like ARNs (aws_iam_role.id is its name)


class Root:
    """A staged, initialised root that is planned repeatedly against a local state."""

    def __init__(self, path: Path, binary: str, env: dict[str, str], keepalive: object = None):
        self.path, self.binary, self.env = path, binary, env
        self.keepalive = keepalive
        self._schemas: dict[str, Any] | None = None

    def run(self, *args: str) -> str:
        result = subprocess.run([self.binary, *args], cwd=self.path, env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            raise AssertionError(f"terraform {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def plan(self) -> dict[str, Any]:
        """plan -refresh=false (reads nothing from AWS) and its JSON."""
        self.run("plan", "-refresh=false", "-input=false", "-no-color", "-out=streamgen.tfplan")
        return json.loads(self.run("show", "-json", "streamgen.tfplan"))

    def schemas(self) -> dict[str, Any]:
        if self._schemas is None:
            data = json.loads(self.run("providers", "schema", "-json"))
            self._schemas = {}
            for provider in data.get("provider_schemas", {}).values():
                self._schemas.update(provider.get("resource_schemas", {}))
        return self._schemas

    def write_state(self, plan: dict[str, Any], serial: int) -> None:
        state = state_from_plan(plan, self.schemas(), serial)
        (self.path / "terraform.tfstate").write_text(json.dumps(state, indent=1))

    def converge(self, rounds: int = 4) -> dict[str, Any]:
        """Plan, store the planned values as state, re-plan until nothing changes."""
        plan = self.plan()
        for serial in range(1, rounds + 1):
            self.write_state(plan, serial)
            plan = self.plan()
            if not changes(plan):
                return plan
        raise AssertionError(f"state did not converge: {changes(plan)}")


def changes(plan: dict[str, Any]) -> dict[str, list[str]]:
    """Addresses whose planned actions are not no-op."""
    return {
        c["address"]: c["change"]["actions"]
        for c in plan.get("resource_changes", [])
        if c["change"]["actions"] != ["no-op"]
    }


def _resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(module.get("resources", []))
    for child in module.get("child_modules", []):
        found += _resources(child)
    return found


def _fill_type(cty: Any, name: str = "") -> Any:
    if cty == "string":
        return PLAIN_PLACEHOLDER if name == "id" else PLACEHOLDER
    if cty == "number":
        return 1
    if cty == "bool":
        return False
    if cty == "dynamic":
        return PLACEHOLDER
    kind = cty[0]
    if kind in ("list", "set"):
        return []
    if kind == "map":
        return {}
    if kind == "object":
        return {k: _fill_type(v) for k, v in cty[1].items()}
    return None


def _fill(values: Any, unknown: Any, block: dict[str, Any] | None) -> Any:
    """Put placeholders where ``unknown`` (after_unknown) says a value is unknown."""
    if unknown is True:
        return None  # the caller fills it with its type
    if isinstance(unknown, dict) and isinstance(values, dict):
        attributes = (block or {}).get("attributes", {})
        blocks = (block or {}).get("block_types", {})
        out = dict(values)
        for key, sub in unknown.items():
            if sub is True:
                if key in attributes:
                    out[key] = _fill_type(attributes[key]["type"], key) if "type" in attributes[key] else PLACEHOLDER
                elif key in blocks:
                    out[key] = []
                else:
                    out[key] = PLACEHOLDER
            elif key in values:
                nested = blocks.get(key, {}).get("block")
                out[key] = _fill(values[key], sub, nested)
        return out
    if isinstance(unknown, list) and isinstance(values, list):
        return [_fill(v, u, block) for v, u in zip(values, unknown)] + values[len(unknown):]
    return values


def _complete(values: dict[str, Any], block: dict[str, Any]) -> dict[str, Any]:
    """Every schema attribute present (null when absent), nested blocks included."""
    out = dict(values)
    for name in block.get("attributes", {}):
        out.setdefault(name, None)
    for name, nested in block.get("block_types", {}).items():
        mode = nested["nesting_mode"]
        current = out.get(name)
        if mode == "single":
            out[name] = None if current is None else _complete(current, nested["block"])
        elif current is None:
            out[name] = []
        else:
            out[name] = [_complete(item, nested["block"]) for item in current]
    return out


def state_from_plan(plan: dict[str, Any], schemas: dict[str, Any], serial: int) -> dict[str, Any]:
    unknown = {c["address"]: c["change"].get("after_unknown", {}) for c in plan.get("resource_changes", [])}
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    for resource in _resources(plan["planned_values"]["root_module"]):
        if resource["mode"] != "managed":
            continue
        address = resource["address"]
        module = address.rsplit(f"{resource['type']}.{resource['name']}", 1)[0].rstrip(".")
        schema = schemas.get(resource["type"], {}).get("block", {})
        values = _fill(resource.get("values", {}), unknown.get(address, {}), schema)
        if resource["type"] == "terraform_data":
            # input/output are dynamically typed: state stores value and type
            typed = {"value": values.get("input"), "type": "string"}
            values = {"id": PLAIN_PLACEHOLDER, "input": typed, "output": typed, "triggers_replace": None}
        else:
            values = _complete(values, schema)
        provider = resource["provider_name"]
        key = (module, resource["type"], resource["name"])
        entry = grouped.setdefault(
            key,
            {
                **({"module": module} if module else {}),
                "mode": "managed",
                "type": resource["type"],
                "name": resource["name"],
                "provider": f'provider["{provider}"]',
                "instances": [],
            },
        )
        instance = {"schema_version": resource.get("schema_version", 0), "attributes": values, "sensitive_attributes": []}
        if "index" in resource:
            instance["index_key"] = resource["index"]
        entry["instances"].append(instance)
    return {
        "version": 4,
        "terraform_version": plan.get("terraform_version", "1.11.4"),
        "serial": serial,
        "lineage": str(uuid.UUID(int=0)),
        "outputs": {},
        "resources": list(grouped.values()),
        "check_results": None,
    }
