"""OpenSearch Ingestion pipelines: inside the VPC, encrypted with a KMS key, logging."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, attr, block


class OsisInVpc(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_131",
            "OpenSearch Ingestion pipelines run in a VPC (no public endpoint)",
            ("aws_osis_pipeline",),
            CheckCategories.NETWORKING,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        vpc = block(conf, "vpc_options")
        if vpc is None or not attr(vpc, "subnet_ids"):
            return self.fail("vpc_options with subnet_ids is missing: the pipeline endpoint would be public")
        return True


class OsisEncrypted(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_132",
            "OpenSearch Ingestion pipelines encrypt data at rest with a customer managed KMS key",
            ("aws_osis_pipeline",),
            CheckCategories.ENCRYPTION,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        if not attr(block(conf, "encryption_at_rest_options"), "kms_key_arn"):
            return self.fail("encryption_at_rest_options.kms_key_arn is missing (AWS-owned key)")
        return True


class OsisLogging(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_133",
            "OpenSearch Ingestion pipelines publish their logs to CloudWatch Logs",
            ("aws_osis_pipeline",),
            CheckCategories.LOGGING,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        options = block(conf, "log_publishing_options")
        if options is None or attr(options, "is_logging_enabled") is not True:
            return self.fail("log_publishing_options.is_logging_enabled must be true")
        if not attr(block(options, "cloudwatch_log_destination"), "log_group"):
            return self.fail("log_publishing_options.cloudwatch_log_destination.log_group is missing")
        return True


check_vpc = OsisInVpc()
check_kms = OsisEncrypted()
check_logging = OsisLogging()
