"""CLI conventions: --json for pipelines, exit codes, colours only when asked for."""

from __future__ import annotations

import io
import json

import pytest

from streamgen import console
from streamgen.cli import build_parser
from test_scaffold import ENV

GOOD = "domain: shop\nowner: team-shop\ntopics:\n  - name: orders\n    shards: 2\n"


def test_help_teaches_commands_and_exit_codes(capsys):
    parser = build_parser()
    text = parser.format_help()
    for command in ("validate", "generate", "plan", "plan-check", "scan", "schema", "new", "graph", "cost", "import"):
        assert command in text
    assert "exit codes:\n  0  success\n  1  a check failed" in text
    assert "  2  invalid input" in text and "  3  a required tool is missing" in text


def test_validate_json(sandbox):
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", GOOD)
    result = sandbox.run("validate", "--json")
    assert result.code == 0
    assert json.loads(result.out) == {"env": "dev", "valid": True, "summary": "1 domain, 1 topic, 0 sinks, 0 transforms", "problems": []}


def test_invalid_input_json_lists_problems_and_exits_2(sandbox):
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", GOOD.replace("shards: 2", "shards: 0"))
    result = sandbox.run("validate", "--json")
    assert result.code == 2
    assert json.loads(result.out) == {
        "valid": False,
        "problems": [{"file": "catalog/shop.yaml", "line": 5, "field": "topics[orders].shards",
                      "message": "Input should be greater than or equal to 1", "severity": "error"}],
    }
    # humans still get the line on stderr
    assert result.err_lines[0] == "catalog/shop.yaml:5: topics[orders].shards: Input should be greater than or equal to 1"


def test_generate_check_json_reports_stale_files(sandbox):
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", GOOD)
    result = sandbox.run("generate", "--check", "--json")
    assert result.code == 1
    out = json.loads(result.out)
    assert out["out_of_date"] is True and "environments/dev/generated/domains/shop/topics.tf" in out["changed"]
    assert sandbox.run("generate").code == 0
    again = sandbox.run("generate", "--check", "--json")
    assert again.code == 0 and json.loads(again.out)["out_of_date"] is False


def test_no_colour_unless_a_terminal(sandbox, monkeypatch):
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", GOOD)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\033[" not in sandbox.run("validate").out  # captured output is not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\033[32mvalid\033[0m" in sandbox.run("validate").out
    monkeypatch.setenv("NO_COLOR", "1")  # NO_COLOR wins
    assert "\033[" not in sandbox.run("validate").out


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    pipe = io.StringIO()
    progress = console.Progress(2, stream=pipe)
    progress.step("shared", "ok 1.0 s")
    assert pipe.getvalue() == ""
    tty = _Tty()
    progress = console.Progress(12, stream=tty)
    progress.step("domains/payments", "ok 3.2 s")
    assert "[ 1/12] domains/payments" in tty.getvalue() and "ok 3.2 s" in tty.getvalue()


@pytest.mark.terraform
def test_plan_json_is_one_document_with_per_root_counts(sandbox):
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", GOOD)
    assert sandbox.run("generate").code == 0
    result = sandbox.run("plan", "--offline", "--json")
    assert result.code == 0, result.err
    out = json.loads(result.out)  # nothing but the JSON document on stdout
    assert out["ok"] is True and out["offline"] is True
    roots = {r["root"]: r for r in out["roots"]}
    assert set(roots) == {"shared", "domains/shop"}
    assert roots["domains/shop"]["counts"]["create"] > 0 and roots["domains/shop"]["error"] is None
    assert out["created_by_type"]["aws_kinesis_stream"] == 1
    assert out["total"]["create"] == sum(r["counts"]["create"] for r in out["roots"])
