"""Python values -> HCL text in ``terraform fmt`` canonical layout.

Templates hand attribute lists to :func:`attrs`; it quotes and escapes values
and aligns ``=`` the way ``terraform fmt`` does (consecutive single-line
attributes form a group aligned to its longest key; a multi-line value stands
alone), so generated files pass ``terraform fmt -check`` as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INLINE_LIST_MAX = 100  # longer scalar lists go one item per line, for readable diffs

BLANK = ("", None)  # an attrs() item that becomes an empty line and ends a group


class Expr(str):
    """A raw HCL expression (``module.x.arn``, ``"${path.root}/..."``), emitted as is."""


class Heredoc(str):
    """Multi-line text (a YAML document) emitted as an indented ``<<-EOT`` heredoc."""


def heredoc(text: str, indent: int) -> str:
    marker = "EOT"
    while any(line.strip() == marker for line in text.splitlines()):
        marker += "_"
    # the same escapes as in quoted strings: interpolation markers become literal
    body = text.replace("${", "$${").replace("%{", "%%{")
    pad = " " * (indent + 2)
    lines = "".join(f"{pad}{line}\n" if line else "\n" for line in body.rstrip("\n").split("\n"))
    return f"<<-{marker}\n{lines}{' ' * indent}{marker}"


# what json.dumps would escape (quote, backslash, control characters) or HCL
# would interpolate; strings without any are quoted as they are (most of them)
_SPECIAL = re.compile(r'["\\\x00-\x1f]|[$%]\{')


def string(text: str) -> str:
    if not _SPECIAL.search(text):
        return f'"{text}"'
    out = json.dumps(text, ensure_ascii=False)
    # HCL interpolation markers must be escaped inside a literal string
    return out.replace("${", "$${").replace("%{", "%%{")


def key(name: str) -> str:
    found = _KEYS.get(name)
    if found is None:
        found = _KEYS[name] = name if _IDENT.fullmatch(name) else string(name)
    return found


_KEYS: dict[str, str] = {}  # attribute names repeat in every module call


def _scalar(value: Any) -> str | None:
    if value.__class__ is str:  # the common case first
        return string(value)
    if isinstance(value, Expr):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return string(value)
    return None


def value(obj: Any, indent: int = 0) -> str:
    """Render a value; ``indent`` is the column of the line that holds it."""
    if obj.__class__ is str:
        return string(obj)
    if isinstance(obj, Heredoc):
        return heredoc(obj, indent)
    scalar = _scalar(obj)
    if scalar is not None:
        return scalar
    pad = " " * (indent + 2)
    if isinstance(obj, Mapping):
        if not obj:
            return "{}"
        body = _lines([(str(k), v) for k, v in obj.items()], indent + 2)
        return "{\n" + body + "\n" + " " * indent + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        items = [_scalar(item) for item in obj]
        if all(item is not None for item in items):
            inline = "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
            if len(inline) <= _INLINE_LIST_MAX:
                return inline
        rendered = [value(item, indent + 2) for item in obj]
        return "[\n" + "".join(f"{pad}{item},\n" for item in rendered) + " " * indent + "]"
    raise TypeError(f"cannot render {type(obj).__name__} as HCL")


def _lines(items: Iterable[tuple[str, Any]], indent: int) -> str:
    """Attribute lines with fmt's alignment groups."""
    pad = " " * indent
    out: list[str] = []
    group: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in group), default=0)
        out.extend(f"{pad}{k.ljust(width)} = {v}" for k, v in group)
        group.clear()

    for name, val in items:
        if val is None and name == "":  # BLANK
            flush()
            out.append("")
            continue
        rendered = value(val, indent)
        if "\n" in rendered:
            flush()
            out.append(f"{pad}{key(name)} = {rendered}")
        else:
            group.append((key(name), rendered))
    flush()
    return "\n".join(out)


def attrs(items: Iterable[tuple[str, Any]], indent: int = 2) -> str:
    """Block attributes from (name, value) pairs; pairs whose value is None are left out."""
    kept = [(k, v) for k, v in items if v is not None or (k, v) == BLANK]
    # no blank line at the edges or twice in a row
    cleaned: list[tuple[str, Any]] = []
    for item in kept:
        if item == BLANK and (not cleaned or cleaned[-1] == BLANK):
            continue
        cleaned.append(item)
    while cleaned and cleaned[-1] == BLANK:
        cleaned.pop()
    return _lines(cleaned, indent)
