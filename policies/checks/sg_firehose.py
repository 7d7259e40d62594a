"""Firehose delivery streams: encryption where the source allows it, error logging."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, attr, block, blocks

# destination -> the block configuring it
DESTINATION_BLOCKS = {
    "extended_s3": "extended_s3_configuration",
    "redshift": "redshift_configuration",
    "opensearch": "opensearch_configuration",
    "opensearchserverless": "opensearchserverless_configuration",
    "elasticsearch": "elasticsearch_configuration",
    "splunk": "splunk_configuration",
    "http_endpoint": "http_endpoint_configuration",
    "iceberg": "iceberg_configuration",
    "snowflake": "snowflake_configuration",
}
SOURCE_BLOCKS = ("kinesis_source_configuration", "msk_source_configuration")


class FirehoseEncryptedWhereAllowed(StreamgenCheck):
    """checkov's CKV_AWS_240/241 demand SSE on every stream, but AWS rejects
    server-side encryption on streams reading a Kinesis stream or an MSK
    topic (records stay encrypted by the source). This check demands SSE with
    a customer managed key exactly where AWS allows it: Direct PUT."""

    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_101",
            "Firehose streams with a Direct PUT source are encrypted with a customer managed KMS key",
            ("aws_kinesis_firehose_delivery_stream",),
            CheckCategories.ENCRYPTION,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        if any(blocks(conf, name) for name in SOURCE_BLOCKS):
            return True  # Kinesis or MSK source: AWS forbids SSE here
        sse = block(conf, "server_side_encryption")
        if sse is None or attr(sse, "enabled") is not True:
            return self.fail("Direct PUT stream without server_side_encryption { enabled = true }")
        if attr(sse, "key_type") != "CUSTOMER_MANAGED_CMK" or not attr(sse, "key_arn"):
            return self.fail("server_side_encryption must use key_type CUSTOMER_MANAGED_CMK with the environment's key_arn")
        return True


class FirehoseErrorLogging(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_102",
            "Firehose streams log delivery errors to CloudWatch Logs",
            ("aws_kinesis_firehose_delivery_stream",),
            CheckCategories.LOGGING,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        destination = attr(conf, "destination")
        name = DESTINATION_BLOCKS.get(destination)
        if name is None:
            return self.fail(f"unknown destination {destination!r}")
        config = block(conf, name)
        if config is None:
            return self.fail(f"{name} is missing")
        logging = block(config, "cloudwatch_logging_options")
        if logging is None or attr(logging, "enabled") is not True:
            return self.fail(f"{name}.cloudwatch_logging_options.enabled must be true")
        if not attr(logging, "log_group_name") or not attr(logging, "log_stream_name"):
            return self.fail(f"{name}.cloudwatch_logging_options needs log_group_name and log_stream_name")
        return True


check_sse = FirehoseEncryptedWhereAllowed()
check_logging = FirehoseErrorLogging()
