"""Name and identifier types with the AWS rules they must follow.

Lengths of *final* names (after the environment prefix is added) are checked
by the resolver, which knows the prefix; these types check the characters.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import pattern_type

DomainName = Annotated[
    pattern_type(
        r"[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?",
        "must be 1-24 characters: lowercase letters, digits and '-', starting with a letter "
        "(it becomes part of bucket, role and function names)",
    ),
    Field(description="Owning domain/team; lowercase, becomes part of resource names."),
]

# Kinesis stream name rule; the MSK platform narrows it further.
TopicName = pattern_type(
    r"[a-zA-Z0-9_.-]{1,128}",
    "must be 1-128 characters of letters, digits, '_', '.' and '-'",
)

# Sinks, transforms and connectors end up in Lambda, IAM role, bucket-prefix and
# delivery-stream names; lowercase and '-' are valid in all of them.
ResourceName = pattern_type(
    r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?",
    "must be 1-64 characters: lowercase letters, digits and '-', not starting or ending with '-'",
)

# A topic reference: "orders" (same domain) or "payments/orders" (another domain).
TopicRef = pattern_type(
    r"(?:[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?/)?[a-zA-Z0-9_.-]{1,249}",
    "must be a topic name, or 'domain/topic' for another domain's topic",
)

# "domain/name" keys in env.yaml overrides.
QualifiedName = pattern_type(
    r"[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?/[a-zA-Z0-9_.-]{1,249}",
    "must be 'domain/name'",
)

AccountId = pattern_type(r"\d{12}", "must be a 12-digit AWS account id (quote it in YAML)")

Region = pattern_type(
    r"(?:af|ap|ca|cn|eu|il|me|mx|sa|us)(?:-gov|-iso[a-z]*)?-[a-z]+-\d",
    "is not an AWS Region name like 'eu-west-1'",
)

KmsKeyArn = pattern_type(
    r"arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+",
    "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); aliases cannot scope IAM",
)

RoleArn = pattern_type(
    r"arn:aws(?:-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}",
    "must be an IAM role ARN",
)

S3BucketName = pattern_type(
    r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
    "must be a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')",
)

VpcId = pattern_type(r"vpc-[0-9a-f]{8,17}", "must be a VPC id like 'vpc-0abc12345def67890'")
SubnetId = pattern_type(r"subnet-[0-9a-f]{8,17}", "must be a subnet id like 'subnet-0abc1234'")
SecurityGroupId = pattern_type(r"sg-[0-9a-f]{8,17}", "must be a security group id like 'sg-0abc1234'")

TagKey = pattern_type(
    r"[\w .:/=+\-@]{1,128}", "must be 1-128 characters of letters, digits, spaces and _.:/=+-@"
)
TagValue = pattern_type(
    r"[\w .:/=+\-@]{0,256}", "must be at most 256 characters of letters, digits, spaces and _.:/=+-@"
)
