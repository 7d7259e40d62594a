"""Glue jobs run with a security configuration that encrypts everything with KMS."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, attr, block

# block -> (mode attribute, required mode)
ENCRYPTION = {
    "s3_encryption": ("s3_encryption_mode", "SSE-KMS"),
    "cloudwatch_encryption": ("cloudwatch_encryption_mode", "SSE-KMS"),
    "job_bookmarks_encryption": ("job_bookmarks_encryption_mode", "CSE-KMS"),
}


class GlueJobSecurityConfiguration(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_141",
            "Glue jobs run with a security configuration",
            ("aws_glue_job",),
            CheckCategories.ENCRYPTION,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        if not attr(conf, "security_configuration"):
            return self.fail("security_configuration is not set: S3 output, logs and bookmarks are not KMS-encrypted")
        return True


class GlueSecurityConfigurationKms(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_142",
            "Glue security configurations encrypt S3 data, CloudWatch logs and job bookmarks with KMS",
            ("aws_glue_security_configuration",),
            CheckCategories.ENCRYPTION,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        config = block(conf, "encryption_configuration")
        for name, (mode_attr, wanted) in ENCRYPTION.items():
            settings = block(config, name) if config else None
            mode = attr(settings, mode_attr, "DISABLED")
            if mode != wanted:
                return self.fail(f"encryption_configuration.{name}.{mode_attr} is {mode}, must be {wanted}")
            if not attr(settings, "kms_key_arn"):
                return self.fail(f"encryption_configuration.{name}.kms_key_arn is missing")
        return True


check_job = GlueJobSecurityConfiguration()
check_config = GlueSecurityConfigurationKms()
