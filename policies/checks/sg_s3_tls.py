"""S3 bucket policies refuse every request that does not use TLS."""

from __future__ import annotations

import json
from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, as_list, attr


def denies_insecure_transport(statement: dict[str, Any]) -> bool:
    if statement.get("Effect") != "Deny":
        return False
    principal = statement.get("Principal")
    if principal not in ("*", {"AWS": "*"}, {"AWS": ["*"]}):
        return False
    actions = {str(a) for a in as_list(statement.get("Action"))}
    if not actions & {"s3:*", "*"}:
        return False
    condition = statement.get("Condition") or {}
    values = as_list((condition.get("Bool") or {}).get("aws:SecureTransport"))
    if [str(v).lower() for v in values] != ["false"]:
        return False
    resources = [str(r) for r in as_list(statement.get("Resource"))]
    # both the bucket and its objects
    return any(not r.endswith("/*") for r in resources) and any(r.endswith("/*") for r in resources)


class BucketPolicyRequiresTls(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_163",
            "S3 bucket policies deny every request made without TLS (aws:SecureTransport false, bucket and objects)",
            ("aws_s3_bucket_policy",),
            CheckCategories.NETWORKING,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        document = attr(conf, "policy")
        if isinstance(document, str):
            try:
                document = json.loads(document)
            except json.JSONDecodeError:
                return self.fail("policy is not a JSON policy document")
        statements = as_list(document.get("Statement")) if isinstance(document, dict) else []
        if not any(isinstance(s, dict) and denies_insecure_transport(s) for s in statements):
            return self.fail("no Deny statement for s3:* on the bucket and its objects when aws:SecureTransport is false")
        return True


check = BucketPolicyRequiresTls()
