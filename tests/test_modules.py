"""Every module's example validates with the real AWS provider; twin blocks stay twins."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import hcl2
import pytest

from streamgen import terraform
from streamgen.workspace import Workspace

from support import REPO

MODULES = sorted(p.name for p in (REPO / "modules").iterdir() if (p / "main.tf").is_file())
pytestmark = pytest.mark.terraform


def validate_example(module: str, scratch: Path) -> tuple[str, dict]:
    copy = scratch / module
    examples = sorted(p for p in (copy / "examples").iterdir() if p.is_dir())
    assert examples, f"{module} has no example"
    results = {}
    for example in examples:
        import tftest

        tf = tftest.TerraformTest(str(example), binary=terraform.binary(), env=terraform.environment(Workspace(REPO)))
        with terraform.init_lock(Workspace(REPO)):
            tf.setup(upgrade=False)
        staged = terraform.StagedRoot(example.name, example, tf)
        results[example.name] = staged.validate()
    return module, results


@pytest.fixture(scope="module")
def validations(tmp_path_factory) -> dict[str, dict]:
    scratch = tmp_path_factory.mktemp("modules") / "modules"
    # all modules first: an example may use a sibling module (../../../x)
    shutil.copytree(REPO / "modules", scratch, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(lambda m: validate_example(m, scratch), MODULES))


@pytest.mark.parametrize("module", MODULES)
def test_module_example_validates(validations, module):
    for example, result in validations[module].items():
        assert result["valid"], (example, result["diagnostics"])
        assert result["warning_count"] == 0, (example, result["diagnostics"])


@pytest.mark.parametrize("module", MODULES)
def test_module_follows_the_layout(module):
    folder = REPO / "modules" / module
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
        assert (folder / name).is_file(), f"{module}/{name}"
    variables = hcl2.loads((folder / "variables.tf").read_text())["variable"]
    for variable in variables:
        (name, body), = variable.items()
        assert body.get("description"), f"{module}: variable {name} has no description"
        assert body.get("type"), f"{module}: variable {name} has no type"
    outputs = hcl2.loads((folder / "outputs.tf").read_text())["output"]
    for output in outputs:
        (name, body), = output.items()
        assert body.get("description"), f"{module}: output {name} has no description"


def _without(body: dict, *keys: str) -> dict:
    return {k: v for k, v in body.items() if k not in keys}


@pytest.mark.parametrize("module", MODULES)
def test_protected_and_unprotected_declarations_are_twins(module):
    """prevent_destroy cannot be a variable, so stateful resources are declared
    twice; the copies must differ only in count and lifecycle."""
    parsed = hcl2.loads((REPO / "modules" / module / "main.tf").read_text())
    by_type: dict[str, dict[str, dict]] = {}
    for resource in parsed.get("resource", []):
        for rtype, named in resource.items():
            for name, body in named.items():
                by_type.setdefault(rtype, {})[name] = body
    for rtype, named in by_type.items():
        if "unprotected" not in named:
            continue
        this, twin = named["this"], named["unprotected"]
        assert this["lifecycle"][0]["prevent_destroy"] == [True]
        assert "prevent_destroy" not in str(twin.get("lifecycle", ""))
        # apart from prevent_destroy, lifecycle (preconditions ...) must match too
        this_rest = [_without(this["lifecycle"][0], "prevent_destroy")]
        assert (this_rest if this_rest != [{}] else None) == twin.get("lifecycle"), f"{module}: {rtype} lifecycles differ"
        strip = ("count", "lifecycle", "__start_line__", "__end_line__")
        assert _without(this, *strip) == _without(twin, *strip), f"{module}: {rtype} twins differ"


def test_terraform_fmt_is_clean_everywhere(repo):
    assert terraform.fmt_check([repo.modules_dir, repo.environments_dir]) == []
