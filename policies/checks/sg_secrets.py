"""No plaintext secret in connector configuration, pipeline bodies, function
environments, Glue arguments or Firehose destinations.

"Secret-looking" is defined once, in ``streamgen.secrets`` (the catalog
validation uses the same rules): a literal value under a key such as
``password``, ``token`` or ``api.key``. References to Secrets Manager or SSM
(ARNs, ``${secretsmanager:...}``, Data Prepper ``${{aws_secrets:...}}``) are
fine.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, Unresolved, attr, block, plain_map
from streamgen.secrets import SECRET_KEY, is_reference

# Keys that name or locate a secret rather than hold one (secret_id, token_file,
# config.providers.secretsmanager.class ...).
_IDENTIFIER_KEY = re.compile(r"(?i)([._-](id|arn|name|ref|file|path|region|class|type|provider|providers))$|^config\.providers\.")
# password=... inside a value (JAAS configuration strings)
_INLINE_PASSWORD = re.compile(r"""(?i)password\s*=\s*["']?(?!\$\{)([^"'\s;]+)""")

# Firehose destination settings that hold a credential: Secrets Manager
# (secrets_manager_configuration) is the only acceptable way to pass it.
FIREHOSE_CREDENTIALS = {
    "http_endpoint_configuration": ("access_key",),
    "splunk_configuration": ("hec_token",),
    "redshift_configuration": ("password",),
    "snowflake_configuration": ("private_key", "key_passphrase"),
}


def findings(values: dict[str, Any], where: str) -> list[str]:
    """Dotted paths of plaintext secrets in a (possibly nested) mapping."""
    found = []
    for key, value in sorted(values.items(), key=lambda kv: str(kv[0])):
        path = f"{where}.{key}" if where else str(key)
        if isinstance(value, dict):
            found += findings(value, path)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    found += findings(item, f"{path}[{i}]")
        elif isinstance(value, str):
            if value.strip() and not is_reference(value) and SECRET_KEY.search(str(key)) and not _IDENTIFIER_KEY.search(str(key)):
                found.append(path)
            elif _INLINE_PASSWORD.search(value):
                found.append(f"{path} (inline password=)")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if SECRET_KEY.search(str(key)) and not _IDENTIFIER_KEY.search(str(key)):
                found.append(path)
    return found


class NoPlaintextSecrets(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_121",
            "No plaintext secret in connector configuration, pipeline bodies, function environments or Glue arguments",
            (
                "aws_mskconnect_connector",
                "aws_osis_pipeline",
                "aws_lambda_function",
                "aws_glue_job",
                "aws_glue_connection",
                "aws_kinesis_firehose_delivery_stream",
            ),
            CheckCategories.SECRETS,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        found: list[str] = []
        if self.entity_type == "aws_mskconnect_connector":
            found += findings(self._map(conf, "connector_configuration"), "connector_configuration")
        elif self.entity_type == "aws_osis_pipeline":
            found += findings(self._pipeline_body(conf), "pipeline_configuration_body")
        elif self.entity_type == "aws_lambda_function":
            environment = block(conf, "environment")
            found += findings(self._map(environment or {}, "variables"), "environment.variables")
        elif self.entity_type == "aws_glue_job":
            for name in ("default_arguments", "non_overridable_arguments"):
                found += findings(self._map(conf, name), name)
        elif self.entity_type == "aws_glue_connection":
            found += findings(self._map(conf, "connection_properties"), "connection_properties")
        elif self.entity_type == "aws_kinesis_firehose_delivery_stream":
            for name, fields in FIREHOSE_CREDENTIALS.items():
                config = block(conf, name)
                for field in fields:
                    if config is not None and attr(config, field):
                        found.append(f"{name}.{field} (use secrets_manager_configuration)")
        if found:
            return self.fail("plaintext secret in " + ", ".join(found))
        return True

    @staticmethod
    def _map(conf: dict[str, Any], name: str) -> dict[str, Any]:
        raw = attr(conf, name)  # raises Unresolved for an HCL expression
        values = plain_map(raw) if isinstance(raw, dict) else {}
        for key, value in values.items():
            attr({key: [value]}, key)  # raises Unresolved for HCL expressions
        return values

    @staticmethod
    def _pipeline_body(conf: dict[str, Any]) -> dict[str, Any]:
        body = attr(conf, "pipeline_configuration_body")
        if isinstance(body, dict):  # checkov may have parsed it already
            return body
        if not isinstance(body, str):
            return {}
        try:
            parsed = yaml.safe_load(body)
        except yaml.YAMLError:
            raise Unresolved("pipeline_configuration_body") from None  # e.g. a templatefile() left unrendered
        return parsed if isinstance(parsed, dict) else {}


check = NoPlaintextSecrets()
