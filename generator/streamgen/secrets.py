"""Spotting plaintext secrets in user-supplied key/value maps.

A catalog is reviewed and committed: a password in it is leaked. Values that
*refer* to a secret (a Secrets Manager ARN, an MSK Connect config-provider
reference, an SSM parameter, a Data Prepper ``${{aws_secrets:...}}``
reference) are fine; literal values under secret-looking
keys are not.
"""

from __future__ import annotations

import re

SECRET_KEY = re.compile(
    r"(?i)(pass(word|wd)?|secret|token|api[._-]?key|access[._-]?key|private[._-]?key|credential|auth[._-]?key)"
)
_REFERENCE = re.compile(
    r"^(arn:aws[a-z-]*:(secretsmanager|ssm):|\$\{(secretsmanager|ssm|secretManager):|\{\{resolve:|\$\{\{aws_secrets:)"
)


def is_reference(value: str) -> bool:
    return bool(_REFERENCE.match(value.strip()))


def plaintext_secret_keys(values: dict[str, object]) -> list[str]:
    """Keys whose value looks like a literal secret."""
    found = []
    for key, value in values.items():
        if not SECRET_KEY.search(str(key)):
            continue
        if isinstance(value, str) and (value == "" or is_reference(value)):
            continue
        if isinstance(value, bool):  # e.g. "password.required: true" is a flag, not a secret
            continue
        found.append(str(key))
    return found
