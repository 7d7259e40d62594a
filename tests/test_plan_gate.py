"""The plan gate on real offline plans.

A deployed state is crafted from the first plan's planned values (what an
apply would have recorded), then the changed catalog is planned against it,
so the gate judges genuine `terraform show -json` deletes and replacements.

Catalogs (one domain, topics orders and returns, sink archive):
  C0   everything protected                       -> state S0
  C0a  returns and archive allow_destroy: true     -> state S1 (flag applied)
  C1   returns removed                             (deletion)
  C2   archive reads returns, allow_destroy: true  (replacement: new source)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from streamgen import plangate, runner, terraform

from support import REPO, Sandbox, make_sandbox

pytestmark = pytest.mark.terraform

ROOT = "domains/shop"
CATALOG = """\
domain: shop
owner: team-shop@example.com
topics:
  - name: orders
  - name: returns{returns_extra}
sinks:
  - name: archive
    kind: s3
    topic: {archive_topic}{archive_extra}
"""
CATALOGS = {
    "C0": dict(returns_extra="", archive_topic="orders", archive_extra=""),
    "C0a": dict(returns_extra="\n    allow_destroy: true", archive_topic="orders", archive_extra="\n    allow_destroy: true"),
    "C2": dict(returns_extra="", archive_topic="returns", archive_extra="\n    allow_destroy: true"),
}
STREAM = "aws_kinesis_stream"
FIREHOSE = "aws_kinesis_firehose_delivery_stream"


def sandbox_with(tmp: Path, name: str, catalog: str | None) -> Sandbox:
    box = make_sandbox(tmp / name, with_example=False)
    env = (REPO / "environments" / "dev" / "env.yaml").read_text().split("# Dev is small")[0]
    box.write("environments/dev/env.yaml", env)
    box.write("catalog/shop.yaml", catalog if catalog is not None else "domain: shop\nowner: team-shop@example.com\n")
    result = box.run("generate")
    assert result.code == 0, result.err
    return box


def plan(box: Sandbox, scratch: Path, state: dict | None = None) -> tuple[dict, terraform.StagedRoot]:
    staged = terraform.stage(
        box.ws, box.ws.generated_dir("dev") / ROOT, scratch,
        overrides={runner.OFFLINE_OVERRIDE_NAME: terraform.OFFLINE_OVERRIDE},
    )
    if state is not None:
        (staged.path / "terraform.tfstate").write_text(json.dumps(state))
    staged.init()
    return staged.plan_json(), staged


def _cty(value: Any) -> Any:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return ["object", {k: _cty(v) for k, v in value.items()}]
    return ["tuple", [_cty(v) for v in value or []]]


def _placeholder(cty: Any, name: str, rtype: str, values: dict) -> Any:
    """A value for an attribute only known after apply (ARNs must parse)."""
    if name == "arn":
        if rtype == "aws_iam_role":
            return f"arn:aws:iam::111111111111:role/{values.get('name')}"
        return f"arn:aws:{rtype.split('_')[1]}:eu-west-1:111111111111:offline/{values.get('name', rtype)}"
    if name == "id":
        return str(values.get("name") or values.get("bucket") or f"offline-{rtype}")
    if cty == "string":
        return f"offline-{name}"
    if cty == "number":
        return 0
    if cty == "bool":
        return False
    if isinstance(cty, list) and cty[0] in ("list", "set"):
        return []
    if isinstance(cty, list) and cty[0] == "map":
        return {}
    return None


def _fill_roles(values: Any, unknown: Any, role_arn: str) -> None:
    """Nested role_arn values only known after apply are the module's role ARN
    (dynamic blocks leave no expression in the plan to resolve them by)."""
    if isinstance(values, list) and isinstance(unknown, list):
        for value, inner in zip(values, unknown):
            _fill_roles(value, inner, role_arn)
    elif isinstance(values, dict) and isinstance(unknown, dict):
        for key, inner in unknown.items():
            if inner is True and key == "role_arn":
                values[key] = role_arn
            else:
                _fill_roles(values.get(key), inner, role_arn)


def state_from_plan(planned: dict, schemas: dict[str, Any]) -> dict:
    """A v4 state holding every planned resource, as an apply would record it."""
    unknown = {c["address"]: (c["change"].get("after_unknown") or {}) for c in planned["resource_changes"]}
    grouped: dict[tuple, dict] = {}

    def walk(module: dict):
        yield from module.get("resources", [])
        for child in module.get("child_modules", []):
            yield from walk(child)

    resources = [r for r in walk(planned["planned_values"]["root_module"]) if r["mode"] == "managed"]
    roles = {  # module -> its role's ARN (the placeholder below), for nested role_arn values
        r["address"].split(".aws_iam_role.")[0]: _placeholder("string", "arn", r["type"], r["values"])
        for r in resources if r["type"] == "aws_iam_role"
    }
    for res in resources:
        schema = schemas[res["type"]]
        module = res["address"].split(f".{res['type']}.")[0] if res["address"].startswith("module.") else None
        attributes = dict(res["values"])
        for name, is_unknown in unknown[res["address"]].items():
            if is_unknown is True and name in schema["block"]["attributes"]:
                attributes[name] = _placeholder(schema["block"]["attributes"][name]["type"], name, res["type"], res["values"])
            elif isinstance(is_unknown, list) and module in roles:
                _fill_roles(attributes.get(name), is_unknown, roles[module])
        instance = {"schema_version": schema.get("version", 0), "attributes": attributes, "sensitive_attributes": []}
        if "index" in res:
            instance["index_key"] = res["index"]
        key = (module, res["type"], res["name"])
        entry = grouped.setdefault(key, {
            **({"module": module} if module else {}),
            "mode": "managed",
            "type": res["type"],
            "name": res["name"],
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [],
        })
        entry["instances"].append(instance)
    outputs = {
        name: {"value": out["value"], "type": _cty(out["value"])}
        for name, out in planned["planned_values"].get("outputs", {}).items()
        if name == plangate.OUTPUT
    }
    return {
        "version": 4,
        "terraform_version": planned["terraform_version"],
        "serial": 1,
        "lineage": str(uuid.uuid4()),
        "outputs": outputs,
        "resources": list(grouped.values()),
    }


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("gate")
    boxes = {name: sandbox_with(tmp, name, CATALOG.format(**values)) for name, values in CATALOGS.items()}
    # C1: returns removed. Its own sandbox holds no record of C0: the gate must
    # hold even when the validate-time check was bypassed.
    boxes["C1"] = sandbox_with(tmp, "C1", CATALOG.format(**CATALOGS["C0"]).replace("  - name: returns\n", ""))
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = dict(zip(("C0", "C0a"), pool.map(lambda n: plan(boxes[n], tmp / f"plan-{n}"), ("C0", "C0a"))))
    staged = first["C0"][1]
    schema_json = subprocess.run(
        [staged.tf.binary, "providers", "schema", "-json"], cwd=staged.path, env=staged.tf.env,
        capture_output=True, text=True, check=True,
    ).stdout
    schemas = json.loads(schema_json)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"]
    states = {"S0": state_from_plan(first["C0"][0], schemas), "S1": state_from_plan(first["C0a"][0], schemas)}
    runs = [("C1", "S0"), ("C1", "S1"), ("C2", "S0"), ("C2", "S1")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda r: plan(boxes[r[0]], tmp / f"plan-{r[0]}-{r[1]}", states[r[1]])[0], runs)
        out = {f"{c}/{s}": p for (c, s), p in zip(runs, results)}
    out["C0"] = first["C0"][0]
    files = tmp / "plans"
    files.mkdir()
    for name, data in out.items():
        (files / f"{name.replace('/', '-')}.json").write_text(json.dumps(data))
    out["_dir"] = files  # type: ignore[assignment]
    out["_box"] = boxes["C0"]  # type: ignore[assignment]
    return out


def verdicts(plan_json: dict) -> dict[tuple[str, str], plangate.Verdict]:
    return {(v.address, v.action): v for v in plangate.check_plan(plan_json)}


def test_first_plan_creates_only_and_carries_the_ownership_map(plans):
    assert plangate.check_plan(plans["C0"]) == []
    planned, deployed = plangate.ownership(plans["C0"])
    assert deployed is None
    assert planned["topic_returns"] == {
        "kind": "topic", "entry": "shop/returns", "origin": "catalog/shop.yaml:5", "allow_destroy": False,
    }


def test_gate_blocks_deleting_a_topic_removed_while_protected(plans):
    found = verdicts(plans["C1/S0"])
    assert list(found) == [(f"module.topic_returns.{STREAM}.this[0]", "delete")]
    verdict = found[(f"module.topic_returns.{STREAM}.this[0]", "delete")]
    assert not verdict.allowed
    assert verdict.reason == (
        "topic shop/returns (catalog/shop.yaml:5) was removed from the catalog while protected, losing the records "
        "in the stream: restore it, set allow_destroy: true and apply, then remove it"
    )


def test_gate_allows_deleting_a_topic_whose_allow_destroy_was_applied(plans):
    found = verdicts(plans["C1/S1"])
    assert list(found) == [(f"module.topic_returns.{STREAM}.unprotected[0]", "delete")]
    assert found[(f"module.topic_returns.{STREAM}.unprotected[0]", "delete")].allowed


def test_gate_blocks_a_replacement_while_the_deployed_config_protects_it(plans):
    found = verdicts(plans["C2/S0"])
    address = f"module.sink_archive.{FIREHOSE}.unprotected[0]"
    assert list(found) == [(address, "replace")]
    verdict = found[(address, "replace")]
    assert not verdict.allowed
    assert verdict.reason == (
        "sink shop/archive (catalog/shop.yaml:7) sets allow_destroy: true in this same change, but the deployed "
        "configuration still protects it: apply the flag on its own first, then this change (it would lose the "
        "records it is buffering); replaced because AWS cannot change kinesis_source_configuration.kinesis_stream_arn "
        "in place"
    )


def test_gate_allows_the_replacement_once_allow_destroy_is_applied(plans):
    found = verdicts(plans["C2/S1"])
    address = f"module.sink_archive.{FIREHOSE}.unprotected[0]"
    assert list(found) == [(address, "replace")]
    assert found[(address, "replace")].allowed


def test_plan_check_command_exits_1_on_blocked_and_0_on_allowed(plans):
    box: Sandbox = plans["_box"]
    blocked = box.run("plan-check", str(plans["_dir"] / "C1-S0.json"), str(plans["_dir"] / "C2-S1.json"))
    assert blocked.code == 1
    assert f"    BLOCKED  delete   module.topic_returns.{STREAM}.this[0]" in blocked.out.splitlines()
    assert f"    allowed  replace  module.sink_archive.{FIREHOSE}.unprotected[0]" in blocked.out.splitlines()
    assert blocked.err_lines == ["plan gate: 1 change would lose data the catalog does not allow losing"]
    allowed = box.run("plan-check", str(plans["_dir"] / "C1-S1.json"), str(plans["_dir"] / "C0.json"))
    assert allowed.code == 0, allowed.out
    assert "  C0.json: no stateful resource is deleted or replaced" in [
        line.replace(str(plans["_dir"]) + "/", "") for line in allowed.out.splitlines()
    ]


# --- judgement rules without terraform ------------------------------------------


def change(address: str, rtype: str, actions: list[str]) -> dict:
    return {"address": address, "type": rtype, "mode": "managed", "change": {"actions": actions}}


def test_a_stateful_resource_outside_any_catalog_entry_is_blocked():
    plan_json = {"resource_changes": [change("module.table_x.aws_glue_catalog_table.this", "aws_glue_catalog_table", ["delete", "create"])]}
    (verdict,) = plangate.check_plan(plan_json)
    assert (verdict.action, verdict.allowed) == ("replace", False)
    assert verdict.reason.startswith("not owned by any catalog entry (no 'table_x' in output stateful_resources)")


def test_non_stateful_changes_and_creates_are_not_judged():
    plan_json = {"resource_changes": [
        change("module.sink_a.aws_iam_role.this", "aws_iam_role", ["delete"]),
        change("module.topic_a.aws_kinesis_stream.this[0]", STREAM, ["create"]),
        change("module.topic_a.aws_kinesis_stream.this[0]", STREAM, ["update"]),
    ]}
    assert plangate.check_plan(plan_json) == []
