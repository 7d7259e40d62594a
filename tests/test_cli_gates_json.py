"""`plan-check --json`: the plan gate's verdicts as one JSON document, exit 1 when blocked."""

from __future__ import annotations

import json

from streamgen import plangate


def _plan(allow_destroy: bool) -> dict:
    # a stream removed from the catalog: deployed ownership says whether that was allowed
    owner = {"kind": "stream", "entry": "shop/orders", "origin": "catalog/shop.yaml:4", "allow_destroy": allow_destroy}
    return {
        "resource_changes": [{
            "address": "module.stream_orders.aws_kinesis_stream.this[0]", "mode": "managed",
            "type": "aws_kinesis_stream", "change": {"actions": ["delete"]},
        }],
        "output_changes": {plangate.OUTPUT: {"before": {"stream_orders": owner}, "after": {}}},
    }


def test_plan_check_json(sandbox, tmp_path):
    blocked, allowed = tmp_path / "blocked.json", tmp_path / "allowed.json"
    blocked.write_text(json.dumps(_plan(False)))
    allowed.write_text(json.dumps(_plan(True)))

    result = sandbox.run("plan-check", "--json", str(blocked))
    assert result.code == 1
    out = json.loads(result.out)  # only the document on stdout
    assert out["blocked"] == 1
    [verdict] = out["verdicts"]
    assert (verdict["address"], verdict["action"], verdict["allowed"]) == ("module.stream_orders.aws_kinesis_stream.this[0]", "delete", False)
    assert "removed from the catalog while protected" in verdict["reason"]

    result = sandbox.run("plan-check", "--json", str(allowed))
    assert result.code == 0 and json.loads(result.out)["blocked"] == 0

    missing = sandbox.run("plan-check", str(tmp_path / "nope.json"))
    assert missing.code == 2
