"""Lookup of catalog entries by domain and name, shared by checks and resolver."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .load import Domain, Loaded
from .yamlsrc import Loc

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    domain: Domain
    section: str  # "topics" | "sinks" | "transforms" | "log_sources" | "connectors"
    position: int
    spec: T

    @property
    def loc(self) -> Loc:
        return (self.section, self.position)

    @property
    def line(self) -> int:
        return self.domain.doc.line(self.loc)

    @property
    def qualified(self) -> str:
        return f"{self.domain.spec.domain}/{getattr(self.spec, 'name')}"


def split_ref(domain: str, ref: str) -> tuple[str, str]:
    """'orders' in payments -> ('payments', 'orders'); 'a/b' -> ('a', 'b')."""
    if "/" in ref:
        owner, _, name = ref.partition("/")
        return owner, name
    return domain, ref


class CatalogIndex:
    def __init__(self, loaded: Loaded):
        self.domains = {d.spec.domain: d for d in loaded.domains}
        self.entries: dict[str, dict[tuple[str, str], Entry[Any]]] = {
            "topics": {},
            "transforms": {},
            "sinks": {},
            "log_sources": {},
            "connectors": {},
        }
        self.duplicates: list[Entry[Any]] = []
        self._sorted: dict[str, list[Entry[Any]]] = {}
        for domain in loaded.domains:
            for section, table in self.entries.items():
                for position, spec in enumerate(getattr(domain.spec, section)):
                    key = (domain.spec.domain, spec.name)
                    entry = Entry(domain, section, position, spec)
                    if key in table:
                        self.duplicates.append(entry)
                    else:
                        table[key] = entry

    def all(self, section: str) -> list[Entry[Any]]:
        # every whole-catalog rule walks the sections: sort each once
        if section not in self._sorted:
            self._sorted[section] = sorted(self.entries[section].values(), key=lambda e: (e.domain.spec.domain, e.spec.name))
        return list(self._sorted[section])

    def get(self, section: str, domain: str, ref: str) -> Entry[Any] | None:
        return self.entries[section].get(split_ref(domain, ref))
