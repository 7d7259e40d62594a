"""Load and validate: YAML files -> Pydantic models, problems with file:line.

This stage checks each file on its own (types, ranges, unknown keys). Checks
that need the whole catalog live in :mod:`streamgen.checks`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from . import yamlsrc
from .errors import Problem
from .spec.base import FieldError
from .spec.catalog import DomainFile
from .spec.env import Environment
from .spec.sinks import SINK_KINDS
from .workspace import Workspace
from .yamlsrc import Document, Loc


@dataclass(frozen=True)
class Domain:
    spec: DomainFile
    doc: Document


@dataclass(frozen=True)
class Loaded:
    env: Environment
    env_doc: Document
    domains: tuple[Domain, ...]

    @property
    def documents(self) -> tuple[Document, ...]:
        return (self.env_doc, *(d.doc for d in self.domains))


def catalog_files(ws: Workspace) -> list:
    return sorted(p for p in ws.catalog_dir.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def field_path(data: Any, loc: Loc) -> tuple[Loc, str]:
    """Map a Pydantic loc onto the data: drop union tags, name list items.

    Returns the data path (for the line lookup) and a readable field such as
    ``sinks[orders-archive].buffering.size_mb``.
    """
    path: list[Any] = []
    shown = ""
    node = data
    for position, part in enumerate(loc):
        if part == "[key]":  # Pydantic's marker for an invalid dict key: the key itself is the field
            continue
        last = position == len(loc) - 1
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            item = node[part]
            label = item.get("name") if isinstance(item, dict) else None
            shown += f"[{label}]" if isinstance(label, str) else f"[{part}]"
            path.append(part)
            node = item
        elif isinstance(node, dict) and part in node:
            shown += f".{part}" if shown else str(part)
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and last:
            # a required key the data lacks: name it, point at its parent's line
            shown += f".{part}" if shown else str(part)
        # anything else is a union member tag Pydantic inserts ('s3', 'kinesis')
    return tuple(path), shown


@cache
def _all_models() -> tuple[type[BaseModel], ...]:
    """Every model reachable from the two file models."""
    seen: dict[type[BaseModel], None] = {}

    def visit(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp not in seen:
                seen[tp] = None
                for field in tp.model_fields.values():
                    visit(field.annotation)
            return
        for arg in getattr(tp, "__args__", ()) or ():
            visit(arg)

    visit(DomainFile)
    visit(Environment)
    return tuple(seen)


@cache
def _field_vocabulary() -> tuple[str, ...]:
    """Known field names, to suggest a fix for a misspelt key."""
    names = set()
    for model in _all_models():
        for name, field in model.model_fields.items():
            names.add(field.alias or name)
    return tuple(sorted(names))


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        close = difflib.get_close_matches(key, _field_vocabulary(), n=1, cutoff=0.75)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field{hint}"
    if kind == "missing":
        return "required field is missing"
    return error["msg"]


def _blamed_tag_field(data: Any, loc: Loc, field: str) -> str:
    """For a sink whose kind is known but whose via is not, blame ``via``."""
    path, _ = field_path(data, loc)
    node = data
    for part in path:
        node = node[part]
    if field == "kind" and isinstance(node, dict) and "via" in node:
        if any(tag.startswith(f"{node.get('kind')}/") for tag in SINK_KINDS):
            return "via"
    return field


def validation_problems(exc: ValidationError, doc: Document) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        ctx = error.get("ctx") or {}
        if isinstance(ctx.get("error"), FieldError):
            loc = loc + (ctx["error"].field,)
        elif error["type"] == "invalid_tag":
            loc = loc + (_blamed_tag_field(doc.data, loc, ctx.get("field", "")),)
        path, shown = field_path(doc.data, loc)
        problems.append(Problem(doc.display, doc.line(path), shown, _message(error)))
    return problems


def _validate(model: type[BaseModel], doc: Document) -> tuple[Any, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, [Problem(doc.display, 1, "", "file must contain a YAML mapping")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_problems(exc, doc)


def load(ws: Workspace, env_name: str) -> tuple[Loaded | None, list[Problem]]:
    """Read env.yaml and every catalog file; validate each against its model."""
    problems: list[Problem] = []
    env_path = ws.env_file(env_name)
    env_display = ws.rel(env_path)
    if not env_path.is_file():
        known = sorted(p.parent.name for p in ws.environments_dir.glob("*/env.yaml"))
        return None, [Problem(env_display, 0, "", f"no such environment file (environments: {', '.join(known) or 'none'})")]
    env_doc, found = yamlsrc.load(env_path, env_display)
    problems += found
    env = None
    if env_doc is not None:
        env, found = _validate(Environment, env_doc)
        problems += found
        if env is not None and env.name != env_name:
            problems.append(
                Problem(env_display, env_doc.line(("name",)), "name", f"'{env.name}' must equal the folder name '{env_name}'")
            )

    domains: list[Domain] = []
    files = catalog_files(ws)
    if not files:
        problems.append(Problem(ws.rel(ws.catalog_dir), 0, "", "catalog folder has no .yaml files"))
    for path in files:
        display = ws.rel(path)
        doc, found = yamlsrc.load(path, display)
        problems += found
        if doc is None:
            continue
        spec, found = _validate(DomainFile, doc)
        problems += found
        if spec is not None:
            domains.append(Domain(spec, doc))

    if env is None or env_doc is None or problems:
        return None, problems
    return Loaded(env, env_doc, tuple(domains)), problems
