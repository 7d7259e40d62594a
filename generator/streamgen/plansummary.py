"""Summaries of `terraform show -json` plans."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def action_of(change: dict[str, Any]) -> str:
    actions = change["change"]["actions"]
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    if actions == ["no-op"] or actions == ["read"]:
        return "no-op"
    return actions[0]  # create | update | delete


@dataclass
class PlanSummary:
    by_action: Counter[str] = field(default_factory=Counter)
    created_by_type: Counter[str] = field(default_factory=Counter)

    def add(self, plan: dict[str, Any]) -> "PlanSummary":
        for change in plan.get("resource_changes", []):
            if change.get("mode") != "managed":
                continue
            action = action_of(change)
            self.by_action[action] += 1
            if action == "create":
                self.created_by_type[change["type"]] += 1
        return self

    @property
    def add_count(self) -> int:
        return self.by_action["create"]

    def counts(self) -> dict[str, int]:
        return {k: self.by_action[k] for k in ("create", "update", "replace", "delete")}


def summarize(plan: dict[str, Any]) -> PlanSummary:
    return PlanSummary().add(plan)
