"""Editor schema and reference docs: current, and they accept what streamgen accepts."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from streamgen import schema_export
from support import REPO


def _json_data(path):
    # YAML timestamps (read_from) are strings for an editor; JSON has no dates
    data = yaml.safe_load(path.read_text())
    return json.loads(json.dumps(data, default=lambda v: v.isoformat().replace("+00:00", "Z")))


def test_committed_schema_and_docs_are_current(repo):
    assert schema_export.stale(repo) == [], "run `streamgen schema` and commit the result"


def test_every_file_points_at_the_schema(repo):
    for path in sorted((REPO / "catalog").glob("*.yaml")):
        assert path.read_text().splitlines()[0] == "# yaml-language-server: $schema=../schema/catalog.schema.json", path
    env = REPO / "environments" / "dev" / "env.yaml"
    assert env.read_text().splitlines()[0] == "# yaml-language-server: $schema=../../schema/env.schema.json"


@pytest.fixture(scope="module")
def validators():
    load = lambda rel: jsonschema.Draft202012Validator(json.loads((REPO / rel).read_text()))  # noqa: E731
    return load("schema/catalog.schema.json"), load("schema/env.schema.json")


def test_example_files_validate_against_the_schema(validators):
    catalog, env = validators
    for path in sorted((REPO / "catalog").glob("*.yaml")):
        errors = [f"{list(e.path)}: {e.message}" for e in catalog.iter_errors(_json_data(path))]
        assert errors == [], path
    assert [e.message for e in env.iter_errors(_json_data(REPO / "environments/dev/env.yaml"))] == []


@pytest.mark.parametrize(
    "edit, path",
    [
        ({"topics": [{"name": "orders", "shardz": 2}]}, ["topics", 0]),  # unknown key (extra="forbid")
        ({"topics": [{"name": "orders", "retention_hours": 5}]}, ["topics", 0]),  # below the minimum
        ({"topics": [{"name": "Orders!"}]}, ["topics", 0]),  # pattern anchored: whole value must match
        ({"tags": {"bad key!": "x"}}, ["tags"]),  # constrained map keys
        ({"sinks": [{"name": "s", "kind": "ftp", "topic": "orders"}]}, ["sinks", 0]),
    ],
)
def test_schema_flags_what_validation_rejects(validators, edit, path):
    catalog, _ = validators
    data = {"domain": "shop", "owner": "team", **edit}
    errors = list(catalog.iter_errors(data))
    assert errors, edit
    assert any(list(e.path)[: len(path)] == path for e in errors)


def test_docs_list_fields_with_type_default_and_limits(repo):
    docs = (REPO / "docs" / "catalog.md").read_text()
    # KinesisTopic.retention_hours: int, optional, 24..8760, with its docstring-less row
    row = next(line for line in docs.splitlines() if line.startswith("| `retention_hours` |"))
    assert "integer" in row and "≥ 24" in row and "≤ 8760" in row and "`null`" in row
    row = next(line for line in docs.splitlines() if line.startswith("| `write_mb_per_s` |"))
    assert "*required*" in row and "> 0" in row and "Peak ingest in MB/s." in row
    assert "### KinesisTopic" in docs and "A Kinesis data stream, encrypted with the environment's KMS key." in docs


def test_schema_command_check_and_write(example_sandbox):
    sb = example_sandbox
    assert sb.run("schema", "--check").code == 1  # the sandbox has no schema/ yet
    result = sb.run("schema")
    assert result.code == 0 and "wrote" in result.out
    assert (sb.root / "schema" / "catalog.schema.json").read_text() == (REPO / "schema" / "catalog.schema.json").read_text()
    checked = sb.run("schema", "--check", "--json")
    assert checked.code == 0 and json.loads(checked.out) == {"current": True, "stale": []}
