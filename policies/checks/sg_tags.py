"""Every taggable resource carries the environment's mandatory tags.

The tags come from ``environments/<env>/env.yaml`` (``tags``): ``streamgen
scan`` passes them in ``STREAMGEN_MANDATORY_TAGS`` (a JSON object). Generated
roots apply them through the provider's ``default_tags``, which only the plan
shows (``tags_all``), so this policy judges plan JSON; in the HCL scan it has
no opinion. Which resource types are taggable comes from the AWS provider
schema (``taggable_aws_resources.txt``: types with a ``tags_all`` attribute).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, Unresolved, is_plan, plain_map

ENV_VAR = "STREAMGEN_MANDATORY_TAGS"
TAGGABLE_FILE = Path(__file__).with_name("taggable_aws_resources.txt")


@cache
def taggable_types() -> frozenset[str]:
    lines = TAGGABLE_FILE.read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def mandatory_tags() -> dict[str, str] | None:
    raw = os.environ.get(ENV_VAR)
    if not raw:
        return None
    tags = json.loads(raw)
    if not isinstance(tags, dict):
        raise ValueError(f"{ENV_VAR} must be a JSON object of tag keys to values")
    return {str(k): str(v) for k, v in tags.items()}


class MandatoryTags(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_181",
            "Taggable resources carry the environment's mandatory tags (env.yaml tags, checked on tags_all)",
            ("aws_*",),
            CheckCategories.CONVENTION,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        required = mandatory_tags()
        if required is None or not is_plan(conf) or self.entity_type not in taggable_types():
            raise Unresolved("tags_all")  # no env given, HCL scan, or not taggable: no opinion
        actual = plain_map(conf.get("tags_all"))
        missing = sorted(k for k in required if k not in actual)
        wrong = sorted(k for k in required if k in actual and str(actual[k]) != required[k])
        if missing or wrong:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if wrong:
                parts.append(", ".join(f"{k}={actual[k]!r} (want {required[k]!r})" for k in wrong))
            return self.fail("tags_all: " + "; ".join(parts))
        return True


check = MandatoryTags()
