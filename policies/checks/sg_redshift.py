"""Redshift Serverless workgroups are reachable only from inside the VPC."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, attr


class RedshiftServerlessNotPublic(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_191",
            "Redshift Serverless workgroups are not publicly accessible",
            ("aws_redshiftserverless_workgroup",),
            CheckCategories.NETWORKING,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        if attr(conf, "publicly_accessible", False) is not False:
            return self.fail("publicly_accessible must be false")
        return True


check = RedshiftServerlessNotPublic()
