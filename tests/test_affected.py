"""`streamgen affected`: the roots a change touches, in a throwaway git repository
holding the example catalog and env.yaml with its own copies of modules/ and
lambda_src/ (so those can change too)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from streamgen import affected
from support import REPO, Sandbox

ALL_ROOTS = [
    "domains/analytics", "domains/clickstream", "domains/inventory", "domains/observability",
    "domains/payments", "domains/search", "kafka/analytics", "kafka/inventory", "kafka/observability",
    "kafka/search", "logging", "shared",
]


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout


@pytest.fixture(scope="module")
def gitrepo(tmp_path_factory) -> Sandbox:
    root = tmp_path_factory.mktemp("affected") / "repo"
    root.mkdir()
    for folder in ("catalog", "modules", "lambda_src"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns(".terraform*", "__pycache__", ".pytest_cache"))
    (root / "environments" / "dev").mkdir(parents=True)
    shutil.copy(REPO / "environments" / "dev" / "env.yaml", root / "environments" / "dev" / "env.yaml")
    # stands in for the generator package: a change there affects every root
    (root / "generator" / "streamgen").mkdir(parents=True)
    (root / "generator" / "streamgen" / "render.py").write_text("# the generator\n")
    (root / ".cache").mkdir()
    (root / ".cache" / "wheels").symlink_to(REPO / ".cache" / "wheels", target_is_directory=True)
    (root / ".gitignore").write_text(".cache/\n.build/\n.work/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return Sandbox(root)


@pytest.fixture
def repo_at_base(gitrepo: Sandbox):
    yield gitrepo
    git(gitrepo.root, "checkout", "-q", "--", ".")
    git(gitrepo.root, "clean", "-fdq")


def edit(sandbox: Sandbox, rel: str, old: str, new: str) -> None:
    path = sandbox.root / rel
    text = path.read_text()
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1))


def roots(sandbox: Sandbox) -> dict[str, list[str]]:
    return affected.affected(sandbox.ws, "dev", "main").roots


def test_nothing_changed_nothing_affected(repo_at_base):
    result = repo_at_base.run("affected", "--base", "main")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_one_domain_yaml_affects_only_that_domain(repo_at_base):
    edit(repo_at_base, "catalog/payments.yaml", "retention_hours: 168", "retention_hours: 72")
    assert roots(repo_at_base) == {"domains/payments": ["generated topics.tf changed"]}
    result = repo_at_base.run("affected", "--base", "main")
    assert result.out == "domains/payments\n"


def test_module_change_affects_the_roots_calling_it(repo_at_base):
    with (repo_at_base.root / "modules" / "glue-streaming-job" / "main.tf").open("a") as handle:
        handle.write("\n# a change to the module\n")
    assert roots(repo_at_base) == {"domains/analytics": ["modules/glue-streaming-job changed"]}


def test_module_documentation_and_examples_affect_nothing(repo_at_base):
    module = repo_at_base.root / "modules" / "glue-streaming-job"
    with (module / "README.md").open("a") as handle:
        handle.write("\nMore words.\n")
    (module / "examples" / "extra").mkdir(parents=True)
    (module / "examples" / "extra" / "main.tf").write_text("# an example\n")
    assert roots(repo_at_base) == {}


def test_env_change_affects_shared_and_its_dependents(repo_at_base):
    # the main MSK cluster: shared's cluster policy, the domains' client
    # policies and the Kafka roots' providers; central logging does not use it
    edit(repo_at_base, "environments/dev/env.yaml", "4e5f-2\n", "4e5f-3\n")
    found = roots(repo_at_base)
    assert sorted(found) == [r for r in ALL_ROOTS if r != "logging"]
    assert found["shared"] == ["generated msk.tf, redshift_access.tf changed"]


def test_lambda_source_change_affects_the_roots_packaging_it(repo_at_base):
    with (repo_at_base.root / "lambda_src" / "cw_logs_decoder" / "app.py").open("a") as handle:
        handle.write("\n# a change to the decoder\n")
    found = roots(repo_at_base)
    assert list(found) == ["logging"]
    assert "lambda_src/cw_logs_decoder changed" in found["logging"]


def test_lambda_tests_do_not_change_the_package(repo_at_base):
    tests = repo_at_base.root / "lambda_src" / "cw_logs_decoder" / "tests"
    (tests / "test_more.py").write_text("def test_nothing():\n    pass\n")
    assert roots(repo_at_base) == {}


def test_generator_change_affects_every_root(repo_at_base):
    with (repo_at_base.root / "generator" / "streamgen" / "render.py").open("a") as handle:
        handle.write("# changed\n")
    found = roots(repo_at_base)
    assert sorted(found) == ALL_ROOTS
    assert all(reasons == ["generator changed"] for reasons in found.values())


def test_removed_domain_is_reported_apart(repo_at_base):
    (repo_at_base.root / "catalog" / "search.yaml").unlink()
    change = affected.affected(repo_at_base.ws, "dev", "main")
    assert change.removed == ["domains/search", "kafka/search"]
    # shared held the MSK cluster policy grant of the search pipeline
    assert sorted(change.roots) == ["shared"]
    data = json.loads(repo_at_base.run("affected", "--base", "main", "--json").out)
    assert (data["removed"], [r["root"] for r in data["roots"]]) == (["domains/search", "kafka/search"], ["shared"])
    text = repo_at_base.run("affected", "--base", "main")
    assert text.out == "shared\n"
    assert text.err_lines == [
        "domains/search: removed since main (needs a destroy)",
        "kafka/search: removed since main (needs a destroy)",
    ]


def test_new_domain_is_a_new_root(repo_at_base):
    repo_at_base.write("catalog/billing.yaml", """
        domain: billing
        owner: billing@example.com
        topics:
          - name: invoices
            description: Issued invoices
            throughput: {write_mb_per_s: 0.5, write_records_per_s: 100}
        """)
    assert roots(repo_at_base) == {"domains/billing": ["new root"]}


def test_json_output_lists_reasons(repo_at_base):
    edit(repo_at_base, "catalog/payments.yaml", "retention_hours: 168", "retention_hours: 72")
    result = repo_at_base.run("affected", "--base", "main", "--json")
    assert result.code == 0
    assert json.loads(result.out) == {
        "env": "dev",
        "base": "main",
        "roots": [{"root": "domains/payments", "reasons": ["generated topics.tf changed"]}],
        "removed": [],
    }


def test_unknown_revision_fails_with_gits_message(repo_at_base):
    result = repo_at_base.run("affected", "--base", "no-such-branch")
    assert result.code == 1
    assert result.err == f"affected: 'no-such-branch' is not a commit of the repository at {repo_at_base.root}\n"


def test_invalid_working_tree_is_an_input_error(repo_at_base):
    edit(repo_at_base, "catalog/payments.yaml", "retention_hours: 168", "retention_hours: -1")
    result = repo_at_base.run("affected", "--base", "main")
    assert result.code == 2
    assert result.err_lines[0].startswith("catalog/payments.yaml:")


def test_plan_of_affected_roots_with_nothing_affected_plans_nothing(repo_at_base):
    subprocess.run([str(Path(REPO / ".venv" / "bin" / "streamgen")), "--repo", str(repo_at_base.root), "generate"], check=True, capture_output=True)
    result = repo_at_base.run("plan", "--offline", "--affected-from", "HEAD")
    assert result.code == 0, result.err
    assert "no root of dev is affected by the change from HEAD; nothing to plan" in result.out


def test_modules_are_found_through_a_linked_modules_folder(example_sandbox):
    from streamgen import pipeline

    generated = pipeline.generate(example_sandbox.ws, "dev", build=False)
    prefix = "environments/dev/generated/domains/analytics/"
    files = {p[len(prefix):]: t for p, t in generated.files.items() if p.startswith(prefix)}
    used = affected._modules_used(example_sandbox.ws, example_sandbox.ws.generated_dir("dev") / "domains/analytics", files)
    assert (example_sandbox.root / "modules").is_symlink()
    assert {"glue-streaming-job", "s3-bucket", "kinesis-stream"} <= used
