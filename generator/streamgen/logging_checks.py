"""Checks for central logging that need env.yaml and the whole catalog.

env.yaml: the logging account exists and has keys in its own account and the
environment's Region; deploy roles belong to their accounts; no account is
declared twice. Catalog: every log source names a known account, is in the
destination's Region, keeps within two subscription filters per log group,
and all its final names fit AWS's limits and stay unique.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from . import limits
from .central_logging import LoggingNames
from .errors import Problem
from .index import CatalogIndex, Entry
from .load import Loaded
from .naming import Namer, name_problem


def check(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Any) -> Iterator[Problem]:
    from .checks import problem  # checks imports this module

    yield from _accounts(loaded, problem)
    sources = index.all("log_sources")
    if not sources:
        return
    env = loaded.env
    setup = env.central_logging
    if setup is None:
        for doc in sorted({e.domain.doc.display: e.domain.doc for e in sources}.values(), key=lambda d: d.display):
            yield problem(doc, ("log_sources",), "env.yaml has no central_logging section: log sources need a logging account")
        return
    known = ", ".join(sorted(env.accounts)) or "none declared"
    for entry in sources:
        spec, doc = entry.spec, entry.domain.doc
        if spec.account not in env.accounts:
            yield problem(doc, entry.loc + ("account",), f"no account '{spec.account}' in env.yaml accounts ({known})")
        region = spec.region or env.region
        if region != env.region:
            yield problem(
                doc,
                entry.loc + ("region",),
                f"log groups in {region} cannot use the destination in {env.region}: CloudWatch Logs destinations "
                "and subscription filters must share a Region (centralise them from an environment in that Region)",
            )
    yield from _filters_per_group(sources, problem)
    if setup.account in env.accounts:
        yield from _names(loaded, sources, problem)


def _accounts(loaded: Loaded, problem: Any) -> Iterator[Problem]:
    env, doc = loaded.env, loaded.env_doc
    seen: dict[str, str] = {}
    for name, account in env.accounts.items():
        if account.account_id in seen:
            yield problem(doc, ("accounts", name, "account_id"), f"account {account.account_id} is also declared as '{seen[account.account_id]}'")
        seen.setdefault(account.account_id, name)
        role_account = account.deploy_role_arn.split(":")[4]
        if role_account != account.account_id:
            yield problem(doc, ("accounts", name, "deploy_role_arn"), f"role is in account {role_account}, not in {account.account_id}")
        for purpose in ("data", "logs"):
            arn = getattr(account.kms, purpose) if account.kms else None
            if not arn:
                continue
            key_region, key_account = arn.split(":")[3:5]
            if key_region != env.region:
                yield problem(doc, ("accounts", name, "kms", purpose), f"key is in {key_region}, but the environment is in {env.region}")
            if key_account != account.account_id:
                yield problem(doc, ("accounts", name, "kms", purpose), f"key belongs to account {key_account}, not to {account.account_id}")
    setup = env.central_logging
    if setup is None:
        return
    if setup.account not in env.accounts:
        known = ", ".join(sorted(env.accounts)) or "none declared"
        yield problem(doc, ("central_logging", "account"), f"no account '{setup.account}' in accounts ({known})")
    elif env.accounts[setup.account].kms is None:
        yield problem(
            doc,
            ("accounts", setup.account),
            "the central logging account needs kms (keys in that account encrypt its streams, bucket and log groups)",
        )


def _filters_per_group(sources: list[Entry[Any]], problem: Any) -> Iterator[Problem]:
    """CloudWatch Logs allows two subscription filters per log group."""
    claims: dict[tuple[str, str], list[Entry[Any]]] = defaultdict(list)
    for entry in sources:
        for position, group in enumerate(entry.spec.log_groups):
            owners = claims[(entry.spec.account, group)]
            owners.append(entry)
            if len(owners) > limits.LOG_SUBSCRIPTION_FILTERS_PER_GROUP:
                first = ", ".join(e.qualified for e in owners[:-1])
                yield problem(
                    entry.domain.doc,
                    entry.loc + ("log_groups", position),
                    f"log group '{group}' of account '{entry.spec.account}' is already subscribed by {first}; "
                    f"CloudWatch Logs allows {limits.LOG_SUBSCRIPTION_FILTERS_PER_GROUP} subscription filters per log group",
                )


def _names(loaded: Loaded, sources: list[Entry[Any]], problem: Any) -> Iterator[Problem]:
    names = LoggingNames.of(loaded.env)
    taken: dict[tuple[str, str], str] = {}
    for entry in sources:
        domain, source = entry.domain.spec.domain, entry.spec.name
        final = names.source(domain, source)
        wanted = [
            ("Kinesis stream", final.stream),
            ("Firehose delivery stream", final.delivery_stream),
            ("IAM role", final.destination_role),
            ("IAM role", final.delivery_role),
        ]
        if entry.spec.decode_mode == "lambda":
            wanted += [("Lambda function", final.function), ("IAM role", final.function_role)]
        for what, value in wanted:
            message = name_problem(what, value)
            if message:
                yield problem(entry.domain.doc, entry.loc + ("name",), message)
        for what, value in (("name", final.stream), ("Glue table", final.table)):
            other = taken.setdefault((what, value), entry.qualified)
            if other != entry.qualified:
                yield problem(
                    entry.domain.doc,
                    entry.loc + ("name",),
                    f"log source {entry.qualified} and {other} both become '{value}'; rename one of them",
                )
