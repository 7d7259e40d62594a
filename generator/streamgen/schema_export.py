"""JSON Schema of the catalog and env files, and the reference docs built from it.

The Pydantic models are the single source: ``streamgen schema`` writes
``schema/catalog.schema.json`` and ``schema/env.schema.json`` (editors use
them through the ``# yaml-language-server: $schema=...`` line at the top of
each file) and ``docs/catalog.md`` (every field with type, default, limits
and description). Tests fail when a committed file is not current.
"""

from __future__ import annotations

import json
from typing import Any

from .spec.catalog import DomainFile
from .spec.env import Environment
from .workspace import Workspace

SCHEMAS = {
    "schema/catalog.schema.json": (DomainFile, "streamgen catalog domain file (catalog/<domain>.yaml)"),
    "schema/env.schema.json": (Environment, "streamgen environment file (environments/<env>/env.yaml)"),
}
DOCS = "docs/catalog.md"


def _anchor(pattern: str) -> str:
    return pattern if pattern.startswith("^") and pattern.endswith("$") else f"^(?:{pattern})$"


def _loosen(node: Any) -> Any:
    """Adapt Pydantic's schema to what editors check.

    - ``oneOf`` -> ``anyOf``: the unions pick a member by ``kind``/``platform``
      (with defaults), which JSON Schema cannot express exactly; ``oneOf``
      would flag valid blocks that match two members.
    - Patterns are anchored: the models match whole values, JSON Schema
      ``pattern`` matches anywhere.
    - Maps with constrained keys reject other keys, like the models.
    """
    if isinstance(node, list):
        return [_loosen(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "oneOf":
            out["anyOf"] = _loosen(value)
        elif key == "pattern" and isinstance(value, str):
            out[key] = _anchor(value)
        elif key == "patternProperties" and isinstance(value, dict):
            out[key] = {_anchor(k): _loosen(v) for k, v in value.items()}
            if "additionalProperties" not in node:
                out["additionalProperties"] = False
        else:
            out[key] = _loosen(value)
    return out


def json_schema(model: type, title: str) -> dict[str, Any]:
    schema = _loosen(model.model_json_schema(by_alias=True, mode="validation"))
    schema.pop("title", None)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}


def render_schemas() -> dict[str, str]:
    return {
        path: json.dumps(json_schema(model, title), indent=2, sort_keys=True) + "\n"
        for path, (model, title) in SCHEMAS.items()
    }


# --- docs/catalog.md -------------------------------------------------------


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[1]


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = _ref_name(prop["$ref"])
        return f"[{name}](#{name.lower()})"
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    if "enum" in prop:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in prop["enum"])
    for key in ("anyOf", "oneOf"):
        if key in prop:
            parts = [_type(p) for p in prop[key]]
            return " \\| ".join(dict.fromkeys(p for p in parts if p != "null")) + (" \\| null" if "null" in parts else "")
    kind = prop.get("type")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if kind == "object":
        if prop.get("patternProperties"):
            keys, values = next(iter(prop["patternProperties"].items()))
            return f"map `{keys.replace('|', '¦')}` → {_type(values)}"
        values = prop.get("additionalProperties")
        if isinstance(values, dict) and values:
            keys = prop.get("propertyNames", {})
            key = f"`{keys['pattern']}`" if "pattern" in keys else "string"
            return f"map {key} → {_type(values)}"
        return "object"
    return kind or "any"


_LIMITS = [
    ("minimum", "≥ {}"),
    ("exclusiveMinimum", "> {}"),
    ("maximum", "≤ {}"),
    ("exclusiveMaximum", "< {}"),
    ("minLength", "length ≥ {}"),
    ("maxLength", "length ≤ {}"),
    ("minItems", "items ≥ {}"),
    ("maxItems", "items ≤ {}"),
    ("pattern", "pattern `{}`"),
    ("format", "format {}"),
]


def _limits(prop: dict[str, Any]) -> str:
    found: list[str] = []

    def visit(p: dict[str, Any]) -> None:
        for key, template in _LIMITS:
            if key in p:
                found.append(template.format(str(p[key]).replace("|", "\\|")))
        for key in ("anyOf", "oneOf"):
            for member in p.get(key, []):
                visit(member)
        if p.get("type") == "array" and isinstance(p.get("items"), dict):
            for key, template in _LIMITS:
                if key in p["items"]:
                    found.append("each " + template.format(str(p["items"][key]).replace("|", "\\|")))

    visit(prop)
    return "; ".join(dict.fromkeys(found))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _model_section(name: str, schema: dict[str, Any], lines: list[str]) -> None:
    lines += [f"### {name}", ""]
    if schema.get("description"):
        lines += [_cell(schema["description"]), ""]
    props = schema.get("properties", {})
    if not props:
        if "anyOf" in schema or "oneOf" in schema:
            lines += [f"One of: {_type(schema)}", ""]
        return
    required = set(schema.get("required", []))
    lines += ["| field | type | default | limits | description |", "|---|---|---|---|---|"]
    for field, prop in props.items():
        default = "*required*" if field in required else (f"`{json.dumps(prop['default'])}`" if "default" in prop else "")
        lines.append(
            f"| `{field}` | {_type(prop)} | {default} | {_limits(prop)} | {_cell(prop.get('description', ''))} |"
        )
    lines.append("")


def render_docs() -> str:
    lines = [
        "<!-- Code generated by `streamgen schema` from the Pydantic models in generator/streamgen/spec/. DO NOT EDIT. -->",
        "# Catalog and environment reference",
        "",
        "Every field of `catalog/<domain>.yaml` and `environments/<env>/env.yaml`, with its type,",
        "default, limits and description. Unknown fields are errors. Editors that understand",
        "`# yaml-language-server: $schema=...` (VS Code with the YAML extension, IntelliJ, Neovim",
        "with yamlls) complete and check these files while you type, from `schema/*.schema.json`.",
        "",
        "Limits here are the per-field ones; rules that span fields or files (references, final",
        "AWS names, quotas) are checked by `streamgen validate`.",
        "",
    ]
    seen: set[str] = set()
    for path, (model, title) in SCHEMAS.items():
        schema = json_schema(model, title)
        lines += [f"## {title}", "", f"JSON Schema: [`{path}`](../{path})", ""]
        _model_section(model.__name__, schema, lines)
        # models both files use are documented once, under the catalog
        for name in sorted(set(schema.get("$defs", {})) - seen):
            _model_section(name, schema["$defs"][name], lines)
        seen |= set(schema.get("$defs", {}))
    return "\n".join(lines).rstrip("\n") + "\n"


def render_all() -> dict[str, str]:
    return {**render_schemas(), DOCS: render_docs()}


def stale(ws: Workspace) -> list[str]:
    """Committed schema/doc files that differ from the models."""
    return [path for path, text in render_all().items() if _read(ws, path) != text]


def write(ws: Workspace) -> list[str]:
    written = []
    for path, text in render_all().items():
        if _read(ws, path) != text:
            target = ws.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            written.append(path)
    return written


def _read(ws: Workspace, path: str) -> str | None:
    target = ws.root / path
    return target.read_text() if target.is_file() else None
