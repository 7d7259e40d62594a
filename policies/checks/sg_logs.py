"""CloudWatch Logs: retention and KMS on every log group; subscription
filters deliver to one concrete destination."""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, attr

# A subscription filter can deliver to a Kinesis stream, a Firehose stream,
# a Lambda function or a (cross-account) log destination.
DESTINATION_ARN = re.compile(
    r"^arn:aws[a-z-]*:(kinesis:[a-z0-9-]+:\d{12}:stream/"
    r"|firehose:[a-z0-9-]+:\d{12}:deliverystream/"
    r"|lambda:[a-z0-9-]+:\d{12}:function:"
    r"|logs:[a-z0-9-]+:\d{12}:destination:)[^*?]+$"
)


class LogGroupRetention(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_171",
            "CloudWatch log groups have a finite retention",
            ("aws_cloudwatch_log_group",),
            CheckCategories.LOGGING,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        if not attr(conf, "retention_in_days", 0):
            return self.fail("retention_in_days is not set: logs are kept (and billed) forever")
        return True


class LogGroupKms(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_172",
            "CloudWatch log groups are encrypted with a customer managed KMS key",
            ("aws_cloudwatch_log_group",),
            CheckCategories.ENCRYPTION,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        if not attr(conf, "kms_key_id"):
            return self.fail("kms_key_id is not set")
        return True


class SubscriptionFilterDestination(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_173",
            "Log subscription filters deliver to one concrete stream, function or log destination ARN",
            ("aws_cloudwatch_log_subscription_filter",),
            CheckCategories.LOGGING,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        destination = attr(conf, "destination_arn", "")
        if not DESTINATION_ARN.match(str(destination)):
            return self.fail(f"destination_arn {destination!r} is not a concrete Kinesis, Firehose, Lambda or log destination ARN")
        role = attr(conf, "role_arn")
        if role is not None and "*" in str(role):
            return self.fail(f"role_arn {role!r} contains a wildcard")
        return True


check_retention = LogGroupRetention()
check_kms = LogGroupKms()
check_subscription = SubscriptionFilterDestination()
