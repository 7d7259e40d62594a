"""The plan gate: no silent delete or replace of a stateful resource.

Reads ``terraform show -json`` plans. A resource change whose actions include
``delete`` (a deletion or a replacement) on a stateful type is allowed only
when the catalog entry owning it allows destroying it, both in what is
deployed and in what is planned:

- the owner comes from the root output ``stateful_resources`` (module id ->
  catalog entry, ``allow_destroy``), rendered from the catalog by
  ``streamgen generate``. The plan carries the planned value and the
  deployed one (``output_changes``: ``after`` and ``before``), so a plan file
  is enough to judge it;
- deployed and planned must both say ``allow_destroy: true``: the flag is
  applied on its own before the destructive change (like AWS deletion
  protection). An entry removed from the catalog is judged by the deployed
  value alone. Without a deployed value (a state written before this output
  existed) the planned value decides.

Stateful resources also carry ``prevent_destroy`` (twin declarations, see
``modules/kinesis-stream/README.md``); the gate covers what that cannot:
removed entries (no configuration, no lifecycle) and stateful types without
the twin pattern (Glue tables, Redshift materialized views, pipelines with a
persistent buffer), which take ``allow_destroy`` from the catalog entry that
declared them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUTPUT = "stateful_resources"

# Resource types whose replacement or deletion loses data, and what is lost.
STATEFUL_TYPES = {
    "aws_kinesis_stream": "the records in the stream",
    "kafka_topic": "the records in the topic",
    "aws_s3_bucket": "the objects in the bucket",
    "aws_kinesis_firehose_delivery_stream": "the records it is buffering",
    "aws_glue_catalog_table": "the table definition and partitions queries and format conversion rely on",
    "aws_redshiftdata_statement": "the materialized view and the records it ingested",
    "aws_osis_pipeline": "the data in its persistent buffer",
    "aws_mskconnect_connector": "its committed offsets (a new connector re-reads or skips records)",
}


def _holds_data(change: dict[str, Any]) -> bool:
    """Types that are stateful only in some configurations."""
    if change.get("type") == "aws_osis_pipeline":  # only a persistent buffer holds records
        before = change.get("change", {}).get("before") or {}
        return any(b.get("persistent_buffer_enabled") for b in before.get("buffer_options") or [])
    return True

_MODULE = re.compile(r'^module\.([^.\[]+)')


@dataclass(frozen=True)
class Verdict:
    address: str
    type: str
    action: str  # "delete" | "replace"
    allowed: bool
    reason: str


def _actions(change: dict[str, Any]) -> str | None:
    actions = change.get("change", {}).get("actions") or []
    if "delete" not in actions:
        return None
    return "replace" if "create" in actions else "delete"


def ownership(plan: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(planned, deployed) ``stateful_resources`` maps; None when absent.

    ``output_changes`` holds both: ``before`` is the value in the state (what
    the last apply recorded; ``prior_state`` would show the new value), ``after``
    the planned one.
    """
    change = (plan.get("output_changes") or {}).get(OUTPUT) or {}
    planned = change.get("after")
    if planned is None:
        planned = (((plan.get("planned_values") or {}).get("outputs") or {}).get(OUTPUT) or {}).get("value")
    deployed = change.get("before")
    return (planned if isinstance(planned, dict) else None), (deployed if isinstance(deployed, dict) else None)


def _describe(owner: dict[str, Any]) -> str:
    return f"{owner.get('kind', 'resource')} {owner.get('entry', '?')} ({owner.get('origin', '?')})"


def _why_replaced(change: dict[str, Any]) -> str:
    paths = change.get("change", {}).get("replace_paths") or []
    names = sorted({".".join(str(p) for p in path if not isinstance(p, int)) for path in paths if path})
    return f"; replaced because AWS cannot change {', '.join(names)} in place" if names else ""


def judge(change: dict[str, Any], planned: dict[str, Any] | None, deployed: dict[str, Any] | None) -> Verdict:
    address, rtype = change["address"], change["type"]
    action = _actions(change) or "delete"
    lost = STATEFUL_TYPES.get(rtype, "its data")
    match = _MODULE.match(address)
    module = match.group(1) if match else None
    now = (planned or {}).get(module) if module else None
    before = (deployed or {}).get(module) if module else None
    cause = _why_replaced(change) if action == "replace" else ""
    if now is None and before is None:
        return Verdict(address, rtype, action, False, (
            f"not owned by any catalog entry (no '{module or address}' in output {OUTPUT}), so nothing can "
            f"allow losing {lost}{cause}"
        ))
    if now is None:  # removed from the catalog: what is deployed decides
        assert before is not None
        if before.get("allow_destroy") is True:
            return Verdict(address, rtype, action, True, f"{_describe(before)} was removed; it allowed destruction (allow_destroy: true is applied){cause}")
        return Verdict(address, rtype, action, False, (
            f"{_describe(before)} was removed from the catalog while protected, losing {lost}: restore it, set "
            f"allow_destroy: true and apply, then remove it{cause}"
        ))
    if now.get("allow_destroy") is not True:
        return Verdict(address, rtype, action, False, (
            f"{_describe(now)} is protected, and this {action} would lose {lost}: set allow_destroy: true on it "
            f"and apply that first to accept it{cause}"
        ))
    if before is not None and before.get("allow_destroy") is not True:
        return Verdict(address, rtype, action, False, (
            f"{_describe(now)} sets allow_destroy: true in this same change, but the deployed configuration still "
            f"protects it: apply the flag on its own first, then this change (it would lose {lost}){cause}"
        ))
    return Verdict(address, rtype, action, True, f"{_describe(now)} has allow_destroy: true{cause}")


def check_plan(plan: dict[str, Any]) -> list[Verdict]:
    """A verdict for every delete or replace of a stateful resource in the plan."""
    planned, deployed = ownership(plan)
    verdicts = []
    for change in plan.get("resource_changes") or []:
        if change.get("mode") != "managed" or change.get("type") not in STATEFUL_TYPES:
            continue
        if _actions(change) is None or not _holds_data(change):
            continue
        verdicts.append(judge(change, planned, deployed))
    return sorted(verdicts, key=lambda v: v.address)


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def report(label: str, verdicts: list[Verdict]) -> list[str]:
    """Lines describing one plan's verdicts."""
    if not verdicts:
        return [f"{label}: no stateful resource is deleted or replaced"]
    lines = [f"{label}:"]
    for v in verdicts:
        status = "allowed" if v.allowed else "BLOCKED"
        lines.append(f"  {status:<8} {v.action:<8} {v.address}")
        lines.append(f"           {v.reason}")
    return lines
