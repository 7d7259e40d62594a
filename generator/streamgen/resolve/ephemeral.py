"""Ephemeral environments: nothing protected from destruction.

env.yaml ``allow_destroy: true`` (integration tests against a local AWS API,
preview environments) drops ``prevent_destroy`` from every stateful resource,
so ``terraform destroy`` can tear the environment down. The catalog's own
``allow_destroy`` flags still decide for every other environment.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..model import Root


def _unprotected(item: Any) -> Any:
    if dataclasses.is_dataclass(item) and getattr(item, "protected", None) is True:
        return dataclasses.replace(item, protected=False)
    return item


def unprotect(root: Root) -> Root:
    """The root with every protectable component (buckets too) unprotected."""
    for f in dataclasses.fields(root):
        value = getattr(root, f.name)
        if isinstance(value, list):
            setattr(root, f.name, [_unprotected(item) for item in value])
    return root
