"""Final AWS names and ARNs, derived from the environment and catalog names.

Every name and ARN is computed here, once, from values the catalog and
env.yaml give; the generated Terraform carries them as literals, so a plan
shows concrete IAM policies before anything exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import limits


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@dataclass(frozen=True)
class Namer:
    prefix: str
    account_id: str
    region: str

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    def name(self, domain: str, *parts: str) -> str:
        """``<prefix>-<domain>-<part>...``: the base of every per-domain name."""
        return "-".join((self.prefix, domain, *parts))

    # --- per-service names; the limit each must respect sits beside it ---
    def stream(self, domain: str, topic: str) -> str:
        return self.name(domain, topic)

    def delivery_stream(self, domain: str, sink: str) -> str:
        return self.name(domain, sink)

    def function(self, domain: str, transform: str) -> str:
        return self.name(domain, transform)

    def role(self, domain: str, name: str, service: str) -> str:
        return self.name(domain, name, service)

    def kafka_topic(self, domain: str, topic: str) -> str:
        """Kafka topic names are namespaced by domain (one cluster serves many)."""
        return f"{domain}.{topic}"

    def pipeline(self, domain: str, sink: str) -> str:
        """OpenSearch Ingestion pipeline names are short: 3-28 characters."""
        return self.name(domain, sink)

    def glue_database(self, domain: str) -> str:
        """Glue/Athena names allow lowercase letters, digits and '_' only."""
        return f"{self.prefix}_{domain}".replace("-", "_")

    @staticmethod
    def glue_table(name: str) -> str:
        return name.replace("-", "_").replace(".", "_").lower()

    def bucket(self, domain: str) -> str:
        return f"{self.prefix}-{domain}-{self.account_id}-{self.region}"

    def shared_bucket(self, purpose: str) -> str:
        return f"{self.prefix}-{purpose}-{self.account_id}-{self.region}"

    # --- ARNs ---
    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return ":".join(
            (
                "arn",
                self.partition,
                service,
                self.region if region else "",
                self.account_id if account else "",
                resource,
            )
        )

    def stream_arn(self, name: str) -> str:
        return self.arn("kinesis", f"stream/{name}")

    def delivery_stream_arn(self, name: str) -> str:
        return self.arn("firehose", f"deliverystream/{name}")

    def function_arn(self, name: str) -> str:
        return self.arn("lambda", f"function:{name}")

    def role_arn(self, name: str) -> str:
        return self.arn("iam", f"role/{name}", region=False)

    def bucket_arn(self, name: str) -> str:
        return self.arn("s3", name, region=False, account=False)

    def pipeline_arn(self, name: str) -> str:
        return self.arn("osis", f"pipeline/{name}")

    def log_group_arn(self, name: str) -> str:
        return self.arn("logs", f"log-group:{name}")


# (what, maximum length, allowed characters) for final names
NAME_RULES: dict[str, tuple[int, re.Pattern[str]]] = {
    "Kinesis stream": (limits.KINESIS_NAME_MAX, re.compile(r"[a-zA-Z0-9_.-]+")),
    "Firehose delivery stream": (limits.FIREHOSE_NAME_MAX, re.compile(r"[a-zA-Z0-9_.-]+")),
    "Lambda function": (limits.LAMBDA_NAME_MAX, re.compile(r"[a-zA-Z0-9_-]+")),
    "IAM role": (limits.IAM_ROLE_NAME_MAX, re.compile(r"[\w+=,.@-]+")),
    "S3 bucket": (limits.S3_BUCKET_NAME[1], re.compile(r"[a-z0-9][a-z0-9.-]+[a-z0-9]")),
    "Kafka topic": (limits.KAFKA_TOPIC_NAME_MAX, re.compile(r"[a-zA-Z0-9._-]+")),
    "OpenSearch Ingestion pipeline": (limits.OSIS_PIPELINE_NAME[1], re.compile(r"[a-z][a-z0-9-]{2,}")),
    "MSK Connect connector": (limits.MSK_CONNECT_NAME_MAX, re.compile(r"[0-9A-Za-z][0-9A-Za-z-]*")),
    "IAM policy": (limits.IAM_POLICY_NAME_MAX, re.compile(r"[\w+=,.@-]+")),
}


def name_problem(what: str, name: str) -> str | None:
    maximum, allowed = NAME_RULES[what]
    if len(name) > maximum:
        return f"{what} name '{name}' is {len(name)} characters; AWS allows {maximum} (shorten the name)"
    if not allowed.fullmatch(name):
        return f"{what} name '{name}' has characters AWS does not allow"
    return None


_TF_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def tf_id(kind: str, *parts: str) -> str:
    """A Terraform block label; '.' and other characters become _xNN_ so ids stay unique."""
    raw = "_".join((kind, *parts))
    return _TF_UNSAFE.sub(lambda m: f"_x{ord(m.group()):02x}_", raw)
