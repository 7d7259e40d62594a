"""YAML loading that remembers where every value came from.

PyYAML's composer (the C one when available: catalogs grow to thousands of
topics) gives nodes with marks; we build plain Python data from the nodes and
keep a map from each value's path to its 1-based line, so that a Pydantic
error location like ``("sinks", 2, "buffering", "size_mb")`` becomes a line.
Duplicate keys, which YAML libraries silently collapse, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

try:  # the C loader is ~10x faster; fall back when libyaml is missing
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the wheel
    _Base = yaml.SafeLoader

_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """The safe loader with implicit tag resolution memoised.

    Resolving a plain scalar's tag runs regular expressions in Python for
    every scalar the C parser reports; the answer depends only on the value
    (the resolvers are fixed), and catalogs repeat the same keys and values
    thousands of times.
    """

    _resolved: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not ScalarNode:
            return super().resolve(kind, value, implicit)
        memo = (value, implicit)
        found = self._resolved.get(memo)
        if found is None:
            found = self._resolved[memo] = super().resolve(kind, value, implicit)
            if len(self._resolved) > 100_000:  # bounded: a long-lived process parses many files
                self._resolved.clear()
        return found

_MERGE_TAG = "tag:yaml.org,2002:merge"
_NOT_SCALAR = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "omap", "pairs", "set", "merge")}

Loc = tuple[Any, ...]


@dataclass
class Document:
    """One YAML file: its data and the line of every key and list item."""

    path: Path
    display: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int:
        """Line of ``loc`` or of its nearest ancestor that exists in the file."""
        loc = tuple(loc)
        while loc:
            found = self.lines.get(loc)
            if found is not None:
                return found
            loc = loc[:-1]
        return self.lines.get((), 1)


class _Builder:
    def __init__(self, loader: Any, display: str):
        self.loader = loader
        self.display = display
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self._active: set[int] = set()
        # the registered constructor of each standard scalar tag (int, bool,
        # float, null, timestamp...): what construct_object would call, without
        # its alias bookkeeping, which scalars do not need
        self._scalar_constructors = {
            tag: fn for tag, fn in type(loader).yaml_constructors.items()
            if tag is not None and tag.startswith("tag:yaml.org,2002:") and tag not in _NOT_SCALAR
        }

    def build(self, node: Node, path: Loc) -> Any:
        if node.__class__ is ScalarNode:  # most nodes: no recursion, no bookkeeping
            if node.tag == _STR_TAG:
                return node.value
            constructor = self._scalar_constructors.get(node.tag)
            if constructor is not None:
                return constructor(self.loader, node)
            return self.loader.construct_object(node, deep=True)
        if id(node) in self._active:  # a recursive alias would never end
            self._problem(node, path, "recursive YAML alias is not allowed")
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                out = []
                for index, item in enumerate(node.value):
                    self.lines[path + (index,)] = item.start_mark.line + 1
                    out.append(self.build(item, path + (index,)))
                return out
            assert isinstance(node, ScalarNode)
            return self.loader.construct_object(node, deep=True)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: MappingNode, path: Loc) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = self.build(key_node, path)
            if isinstance(key, (dict, list)):
                self._problem(key_node, path, "a mapping key must be a plain value")
                continue
            if key in out:
                self._problem(key_node, path + (key,), f"duplicate key '{key}'")
                continue
            self.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, path + (key,))
        # `<<: *anchor` merges: explicit keys win, as the YAML merge spec says
        for merge in merges:
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                merged = self.build(source, path)
                if not isinstance(merged, dict):
                    self._problem(merge, path, "'<<' must merge a mapping")
                    continue
                for key, value in merged.items():
                    if key not in out:
                        out[key] = value
                        self.lines.setdefault(path + (key,), merge.start_mark.line + 1)
        return out

    def _problem(self, node: Node, path: Loc, message: str) -> None:
        self.problems.append(
            Problem(self.display, node.start_mark.line + 1, _dotted(path), message)
        )


def _dotted(path: Loc) -> str:
    return ".".join(str(p) for p in path)


def parse(text: str, path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text; on a syntax error return no document and the problem."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            reason = exc.problem or str(exc)
            if exc.context:
                reason = f"{exc.context}: {reason}"
            return None, [Problem(display, line, "", f"invalid YAML: {reason}")]
        except yaml.YAMLError as exc:
            return None, [Problem(display, 1, "", f"invalid YAML: {exc}")]
        if node is None:
            return Document(path, display, None, {(): 1}), []
        builder = _Builder(loader, display)
        builder.lines[()] = node.start_mark.line + 1
        try:
            data = builder.build(node, ())
        except yaml.YAMLError as exc:  # e.g. a bad !!timestamp value
            return None, [Problem(display, 1, "", f"invalid YAML: {exc}")]
        return Document(path, display, data, builder.lines), builder.problems
    finally:
        loader.dispose()


def load(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display, 1, "", f"file is not UTF-8: {exc.reason}")]
    except OSError as exc:
        return None, [Problem(display, 0, "", f"cannot read file: {exc.strerror}")]
    return parse(text, path, display)
