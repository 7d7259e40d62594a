"""The pipeline examples parse and run the gates in order: validate -> generate --check
-> plan -> scan -> plan-check, then post the plan summary; the pre-commit hooks exist."""

from __future__ import annotations

import yaml

from support import REPO
from streamgen.cli import build_parser

GATES = ["streamgen validate", "streamgen generate --env \"$STREAMGEN_ENV\" --check", "streamgen plan ", "streamgen scan", "streamgen plan-check"]


def _load(rel: str) -> dict:
    return yaml.safe_load((REPO / rel).read_text())


def _order(commands: list[str]) -> list[int]:
    return [next(i for i, c in enumerate(commands) if gate in c) for gate in GATES]


def test_github_workflow_runs_the_gates_in_order_and_comments():
    wf = _load("ci-examples/github-actions.yml")
    assert "pull_request" in wf[True]  # PyYAML reads the key `on` as True
    assert wf["permissions"]["pull-requests"] == "write"
    steps = wf["jobs"]["streamgen"]["steps"]
    runs = [s.get("run", "") for s in steps]
    order = _order(runs)
    assert order == sorted(order) and len(set(order)) == len(GATES)
    post = steps[-1]
    assert post["if"].startswith("always()") and "gh pr comment" in post["run"] and "plan.txt" in post["run"]
    assert "tee plan.txt" in runs[order[2]]
    assert "apt-get install -y --no-install-recommends graphviz" in "\n".join(runs)


def test_gitlab_ci_runs_the_gates_in_order_and_posts_a_note():
    ci = _load("ci-examples/gitlab-ci.yml")
    stages = ci["stages"]
    jobs = {name: job for name, job in ci.items() if isinstance(job, dict) and "script" in job}
    # commands in stage order (jobs of one stage in file order)
    commands = [line for stage in stages for job in jobs.values() if job["stage"] == stage for line in job["script"]]
    order = _order(commands)
    assert order == sorted(order) and len(set(order)) == len(GATES)
    assert ci["workflow"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    post = jobs["post-summary"]
    assert post["stage"] == "report" and post["when"] == "always"
    assert "merge_requests/$CI_MERGE_REQUEST_IID/notes" in "\n".join(post["script"])


def test_pre_commit_hooks():
    config = _load(".pre-commit-config.yaml")
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert {"terraform-fmt", "streamgen-generate-check", "streamgen-scan"} <= set(hooks)
    assert hooks["terraform-fmt"]["entry"].startswith("terraform fmt -check")
    assert hooks["streamgen-generate-check"]["entry"].endswith("generate --env dev --check")
    assert all(h["language"] == "system" and h["pass_filenames"] is False for h in hooks.values())


def test_examples_only_use_commands_the_cli_has():
    """Every `streamgen <command>` in the examples exists (a rename breaks this test, not a pipeline)."""
    import re

    known = set(build_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001
    text = "".join((REPO / p).read_text() for p in ("ci-examples/github-actions.yml", "ci-examples/gitlab-ci.yml", ".pre-commit-config.yaml"))
    used = set(re.findall(r"streamgen ([a-z][a-z-]*)", text))
    assert used <= known, used - known
