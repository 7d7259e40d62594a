"""Names and fixed layout of central logging, shared by checks and resolver.

Everything of a log source lives in the logging account under one base name,
``<prefix>-logs-<domain>-<source>``: the destination, the stream, the
delivery stream, the subscription filters; roles and the decoder add a
suffix. The bucket and Glue database are one per environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from .naming import Namer
from .spec.env import Environment

ROOT = "logging"
DECODER_SOURCE = "cw_logs_decoder"  # lambda_src/ folder of the decoder Lambda
# The decoder's JSON lines, as table columns (see lambda_src/cw_logs_decoder).
JSON_COLUMNS = (
    ("timestamp", "bigint", "event time, milliseconds since the epoch (from_unixtime(timestamp / 1000))"),
    ("id", "string", "CloudWatch Logs event id"),
    ("message", "string", "the log message"),
    ("log_group", "string", None),
    ("log_stream", "string", None),
    ("account_id", "string", "account that owns the log group"),
    ("subscription_filters", "array<string>", None),
)
PARTITION = "dt"  # one partition per delivery day, projected by Athena (no crawler)


@dataclass(frozen=True)
class SourceNames:
    base: str
    table: str

    @property
    def stream(self) -> str:
        return self.base

    @property
    def destination(self) -> str:
        return self.base

    @property
    def delivery_stream(self) -> str:
        return self.base

    @property
    def filter_name(self) -> str:
        return self.base

    @property
    def function(self) -> str:
        return f"{self.base}-decoder"

    @property
    def destination_role(self) -> str:
        return f"{self.base}-cwl"

    @property
    def delivery_role(self) -> str:
        return f"{self.base}-firehose"

    @property
    def function_role(self) -> str:
        return f"{self.base}-decoder"


@dataclass(frozen=True)
class LoggingNames:
    namer: Namer  # of the logging account

    @classmethod
    def of(cls, env: Environment) -> "LoggingNames":
        assert env.central_logging is not None
        account = env.accounts[env.central_logging.account]
        return cls(Namer(env.name_prefix, account.account_id, env.region))

    @property
    def bucket(self) -> str:
        return self.namer.shared_bucket("logs")

    @property
    def access_log_bucket(self) -> str:
        return self.namer.shared_bucket("access-logs")

    @property
    def glue_database(self) -> str:
        return f"{self.namer.prefix}_central_logs".replace("-", "_")

    def source(self, domain: str, name: str) -> SourceNames:
        return SourceNames(self.namer.name("logs", domain, name), Namer.glue_table(f"{domain}_{name}"))

    @staticmethod
    def prefixes(domain: str, name: str) -> tuple[str, str, str]:
        """(data prefix, error prefix, table folder) of a source in the bucket."""
        folder = f"{domain}/{name}/data/"
        return (
            f"{folder}{PARTITION}=!{{timestamp:yyyy-MM-dd}}/",
            f"{domain}/{name}/errors/!{{firehose:error-output-type}}/{PARTITION}=!{{timestamp:yyyy-MM-dd}}/",
            folder,
        )


def provider_alias(account: str) -> str:
    """Terraform provider alias of an env.yaml account name."""
    return account.replace("-", "_")
