"""Helpers shared by streamgen's checkov policies (this file defines no check).

checkov hands a check the resource as a dict whose attribute values are
wrapped in lists and whose blocks are lists of dicts. The same check runs on
two shapes of input:

- the HCL scan (``--framework terraform``): module variables are resolved, but
  anything computed (another resource's attribute, a data source, a
  ``dynamic`` block's content) is still an expression string;
- the plan scan (``--framework terraform_plan``): every value Terraform knows
  at plan time is concrete.

A policy must never pass on a value it could not see: when an attribute is
still an expression it answers UNKNOWN (no result), and the plan scan, where
the value is concrete, decides.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# Expression strings left in an HCL scan: interpolations and references.
_REFERENCE = re.compile(r"\$\{|^(var|local|module|data|each|count|path|self)\.|^aws_[a-z0-9_]+\.[a-z_][a-z0-9_-]*(\[|\.|$)")


# Set while a plan-JSON resource is evaluated: its values are concrete, even
# when a string happens to contain "${" (e.g. Data Prepper secret references).
_PLAN: ContextVar[bool] = ContextVar("streamgen_plan", default=False)


class Unresolved(Exception):
    """An attribute the scan cannot see yet (HCL expression): answer UNKNOWN."""


def is_plan(conf: dict[str, Any]) -> bool:
    """True for resources read from plan JSON (they carry their planned actions)."""
    return "__change_actions__" in conf


def is_expression(value: Any) -> bool:
    return not _PLAN.get() and isinstance(value, str) and bool(_REFERENCE.search(value))


def _unwrap(value: Any) -> Any:
    # attributes come as [value]; an empty nested block as [[]] or []
    while isinstance(value, list) and len(value) == 1 and not isinstance(value[0], (str, int, float, bool)):
        value = value[0]
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def blocks(conf: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The nested blocks called ``name`` (empty when absent)."""
    if name in dynamic_block_names(conf) and not _PLAN.get():
        raise Unresolved(name)
    value = conf.get(name)
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    out = []
    for item in value:
        if isinstance(item, list):
            out.extend(i for i in item if isinstance(i, dict))
        elif isinstance(item, dict):
            out.append(item)
    return out


def block(conf: dict[str, Any], *path: str) -> dict[str, Any] | None:
    """The first block at ``path`` (``block(conf, "a", "b")`` is a { b { } })."""
    current: dict[str, Any] | None = conf
    for name in path:
        if current is None:
            return None
        found = blocks(current, name)
        current = found[0] if found else None
    return current


def attr(conf: dict[str, Any] | None, name: str, default: Any = None) -> Any:
    """A concrete attribute value; raises Unresolved for an HCL expression."""
    if conf is None or name not in conf:
        return default
    value = _unwrap(conf[name])
    if value is None:
        return default
    if is_expression(value) or (isinstance(value, list) and any(is_expression(v) for v in value)):
        raise Unresolved(name)
    return value


def dynamic_block_names(conf: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for item in conf.get("dynamic") or []:
        if isinstance(item, dict):
            names.update(item)
    return names


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def plain_map(value: Any) -> dict[str, Any]:
    """A map attribute (tags, environment variables) as {key: scalar}."""
    value = _unwrap(value)
    if not isinstance(value, dict):
        return {}
    out = {}
    for key, item in value.items():
        if key.startswith("__") or key in ("start_line", "end_line"):
            continue  # checkov's bookkeeping
        out[key] = _unwrap(item)
    return out


def evaluate(check: Any, conf: dict[str, Any]) -> CheckResult:
    """Run ``check.evaluate(conf)`` (returns bool); Unresolved -> UNKNOWN."""
    token = _PLAN.set(is_plan(conf))
    try:
        return CheckResult.PASSED if check.evaluate(conf) else CheckResult.FAILED
    except Unresolved:
        return CheckResult.UNKNOWN
    finally:
        _PLAN.reset(token)


class StreamgenCheck(BaseResourceCheck):
    """A resource check whose ``evaluate(conf) -> bool`` may raise Unresolved.

    ``fail(reason)`` records why (shown as checkov "Details") and returns False.
    """

    def __init__(self, id: str, name: str, resources: tuple[str, ...], category: CheckCategories) -> None:
        super().__init__(name=name, id=id, categories=[category], supported_resources=resources)

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        return evaluate(self, conf)

    def evaluate(self, conf: dict[str, Any]) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def fail(self, reason: str) -> bool:
        self.details.append(reason)
        return False
