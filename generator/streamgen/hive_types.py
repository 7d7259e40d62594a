"""Column types of a record schema, in Glue/Hive syntax.

One parser serves every consumer of a schema: the Glue table for Firehose
format conversion, Glue streaming jobs, and Redshift materialized views (which
map these types to their own). ``parse`` returns a small tree so callers can
map types without re-parsing strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PRIMITIVES = {
    "boolean", "tinyint", "smallint", "int", "bigint", "float", "double",
    "string", "date", "timestamp", "binary",
}
_PARAMETERISED = {"decimal": 2, "varchar": 1, "char": 1}  # name -> number of integer parameters
_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|\d+|[<>(),:])")
FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]{0,254}")


class TypeError_(ValueError):
    """A column type that is not valid Glue/Hive syntax."""


@dataclass(frozen=True)
class HiveType:
    name: str  # primitive name, or array | map | struct
    params: tuple[int, ...] = ()  # decimal(p, s), varchar(n)
    children: tuple["HiveType", ...] = ()  # array<T>, map<K, V>
    fields: tuple[tuple[str, "HiveType"], ...] = ()  # struct<name:T, ...>

    def __str__(self) -> str:
        if self.name == "array":
            return f"array<{self.children[0]}>"
        if self.name == "map":
            return f"map<{self.children[0]},{self.children[1]}>"
        if self.name == "struct":
            return "struct<" + ",".join(f"{n}:{t}" for n, t in self.fields) + ">"
        if self.params:
            return f"{self.name}({','.join(str(p) for p in self.params)})"
        return self.name

    @property
    def is_complex(self) -> bool:
        return self.name in ("array", "map", "struct")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens: list[str] = []
        pos = 0
        stripped = text.rstrip()
        while pos < len(stripped):
            match = _TOKEN.match(stripped, pos)
            if not match:
                raise TypeError_(f"unexpected character {stripped[pos]!r} in type '{text}'")
            self.tokens.append(match.group(1))
            pos = match.end()
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            want = f"'{expected}'" if expected else "more"
            raise TypeError_(f"expected {want} in type '{self.text}'")
        self.pos += 1
        return token

    def integer(self) -> int:
        token = self.take()
        if not token.isdigit():
            raise TypeError_(f"expected a number in type '{self.text}', got '{token}'")
        return int(token)

    def type_(self) -> HiveType:
        name = self.take().lower()
        if name == "array":
            self.take("<")
            element = self.type_()
            self.take(">")
            return HiveType("array", children=(element,))
        if name == "map":
            self.take("<")
            key = self.type_()
            if key.is_complex:
                raise TypeError_(f"map keys must be primitive in type '{self.text}'")
            self.take(",")
            value = self.type_()
            self.take(">")
            return HiveType("map", children=(key, value))
        if name == "struct":
            self.take("<")
            fields: list[tuple[str, HiveType]] = []
            while True:
                field = self.take().lower()
                if not FIELD_NAME.fullmatch(field):
                    raise TypeError_(f"bad struct field name '{field}' in type '{self.text}'")
                if field in dict(fields):
                    raise TypeError_(f"struct field '{field}' repeated in type '{self.text}'")
                self.take(":")
                fields.append((field, self.type_()))
                if self.peek() == ",":
                    self.take(",")
                    continue
                self.take(">")
                return HiveType("struct", fields=tuple(fields))
        if name in _PARAMETERISED:
            count = _PARAMETERISED[name]
            if self.peek() != "(":
                if name == "decimal":
                    return HiveType("decimal", (10, 0))  # Hive's default precision
                raise TypeError_(f"{name} needs a length, e.g. {name}(64)")
            self.take("(")
            params = [self.integer()]
            for _ in range(count - 1):
                self.take(",")
                params.append(self.integer())
            self.take(")")
            if name == "decimal" and not (1 <= params[0] <= 38 and 0 <= params[1] <= params[0]):
                raise TypeError_(f"decimal({params[0]},{params[1]}) needs 1 <= precision <= 38 and 0 <= scale <= precision")
            if name in ("varchar", "char") and not 1 <= params[0] <= 65535:
                raise TypeError_(f"{name} length must be 1-65535")
            return HiveType(name, tuple(params))
        if name in PRIMITIVES:
            return HiveType(name)
        raise TypeError_(
            f"unknown type '{name}' (use {', '.join(sorted(PRIMITIVES))}, decimal(p,s), varchar(n), "
            "char(n), array<T>, map<K,V> or struct<name:T,...>)"
        )


def parse(text: str) -> HiveType:
    parser = _Parser(text)
    result = parser.type_()
    if parser.peek() is not None:
        raise TypeError_(f"unexpected '{parser.peek()}' after the type in '{text}'")
    return result
