"""Identity policies never allow data actions on every resource.

A data action reads or writes the records themselves (objects, stream
records, Kafka data, documents, decrypted bytes, function invocations).
Granting one on ``*`` gives a role every stream, bucket or key of the account;
the platform grants them on concrete ARNs only. Control-plane calls without
resource-level permissions (``ec2:Describe*``, ``xray:PutTraceSegments``)
may use ``*``.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, as_list, attr, blocks

# Concrete action names (lower case); statement actions may be globs ("s3:Get*").
DATA_ACTIONS = tuple(
    a.lower()
    for a in (
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:PutObject", "s3:DeleteObject",
        "s3:DeleteObjectVersion", "s3:RestoreObject", "s3:ReplicateObject",
        "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:SubscribeToShard", "kinesis:PutRecord",
        "kinesis:PutRecords",
        "firehose:PutRecord", "firehose:PutRecordBatch",
        "kafka-cluster:ReadData", "kafka-cluster:WriteData", "kafka-cluster:WriteDataIdempotently",
        "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpPatch", "es:ESHttpDelete",
        "aoss:APIAccessAll", "aoss:DashboardsAccessAll", "aoss:ReadDocument", "aoss:WriteDocument",
        "lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:InvokeAsync",
        "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
        "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
        "secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters",
        "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sns:Publish",
        "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents",
        "glue:GetPartitions", "glue:BatchCreatePartition",
        "redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement", "redshift-data:GetStatementResult",
        "redshift:GetClusterCredentials", "redshift-serverless:GetCredentials",
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem",
        "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
    )
)
# After "arn:partition:service:region:account:", a resource part made only of
# wildcards (optionally behind a resource type: "stream/*", "key/*", "*/*").
_WILDCARD_RESOURCE = re.compile(r"^([A-Za-z-]+[/:])?[*/:]+$")


def data_actions(action: str) -> list[str]:
    pattern = action.lower()
    return [a for a in DATA_ACTIONS if fnmatchcase(a, pattern)]


def is_wildcard_resource(resource: str) -> bool:
    if resource == "*":
        return True
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and bool(_WILDCARD_RESOURCE.match(parts[5]))


def statement_problems(statement: dict[str, Any]) -> list[str]:
    if str(statement.get("Effect", "Allow")) != "Allow":
        return []
    if "NotResource" in statement:
        resources = ["*"]  # everything but a few: as broad as "*"
    else:
        resources = [str(r) for r in as_list(statement.get("Resource"))]
    broad = sorted(r for r in resources if is_wildcard_resource(r))
    if not broad:
        return []
    if "NotAction" in statement:
        excluded = [a.lower() for a in as_list(statement["NotAction"])]
        granted = [a for a in DATA_ACTIONS if not any(fnmatchcase(a, e) for e in excluded)]
        actions = [f"NotAction {statement['NotAction']}"] if granted else []
    else:
        actions = sorted({str(a) for a in as_list(statement.get("Action")) if data_actions(str(a))})
    if not actions:
        return []
    sid = statement.get("Sid") or "(no Sid)"
    return [f"statement {sid}: {', '.join(actions)} on {', '.join(broad)}"]


def document_problems(document: Any) -> list[str]:
    if isinstance(document, str):
        document = json.loads(document)
    problems = []
    for statement in as_list(document.get("Statement") if isinstance(document, dict) else None):
        if isinstance(statement, dict):
            problems += statement_problems(statement)
    return problems


class NoDataActionsOnWildcard(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_151",
            "IAM policies never allow data actions (objects, records, Kafka data, decrypt, invoke ...) on '*'",
            ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"),
            CheckCategories.IAM,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        if self.entity_type == "aws_iam_role":
            documents = [attr(b, "policy") for b in blocks(conf, "inline_policy")]
        else:
            documents = [attr(conf, "policy")]
        problems = []
        for document in documents:
            if document in (None, ""):
                continue
            try:
                problems += document_problems(document)
            except (json.JSONDecodeError, TypeError):
                return self.fail("policy is not a JSON policy document")
        if problems:
            return self.fail("; ".join(problems))
        return True


check = NoDataActionsOnWildcard()
