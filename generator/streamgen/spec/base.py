"""Shared building blocks of the catalog and environment models.

Models are strict (no silent "5" -> 5 coercion), reject unknown keys, and are
frozen: the data flows one way, nothing downstream edits the spec.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Callable

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Tag


class Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
    )


def matching(pattern: str, explain: str) -> Callable[[str], str]:
    """A validator with a human message instead of Pydantic's raw regex."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} {explain}")
        return value

    return check


def pattern_type(pattern: str, explain: str) -> Any:
    """``str`` constrained by a regex; also exported as JSON Schema ``pattern``."""
    from pydantic import Field

    return Annotated[str, AfterValidator(matching(pattern, explain)), Field(json_schema_extra={"pattern": pattern})]


class FieldError(ValueError):
    """A model-level check that blames one field, so the error names its line."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def tagged_union(
    field: str,
    members: dict[str, type],
    default: str | None = None,
    pick: Callable[[Any], str | None] | None = None,
    message: str | None = None,
) -> Any:
    """A union selected by ``field`` (e.g. ``kind``) with a clear error for a bad tag.

    ``default`` lets files omit the field (a topic without ``platform`` is a
    Kinesis stream); ``pick`` computes the tag from several fields when one
    field is not enough (``kind`` plus ``via``).
    """

    def by_field(value: Any) -> str | None:
        if isinstance(value, dict):
            return value.get(field, default)
        return getattr(value, field, default)

    pick = pick or by_field

    choices = ", ".join(repr(t) for t in members)
    from typing import Union

    union = Union[tuple(Annotated[model, Tag(tag)] for tag, model in members.items())]  # type: ignore[valid-type]
    return Annotated[
        union,
        Discriminator(
            pick,
            custom_error_type="invalid_tag",
            custom_error_message=message or f"must be one of {choices}",
            custom_error_context={"field": field},
        ),
    ]
