"""Central logging: bad specs get exact errors; the resolved model and the
generated Terraform say what the catalog asked for; offline overrides follow
the providers a root declares."""

from __future__ import annotations

import pytest

from streamgen import pipeline, terraform
from streamgen.spec.logging import filter_pattern_problem
from support import ENV_BASE

ENV = ENV_BASE + """accounts:
  logging:
    account_id: "222222222222"
    deploy_role_arn: arn:aws:iam::222222222222:role/deploy
    kms:
      data: arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000002
  web:
    account_id: "333333333333"
    deploy_role_arn: arn:aws:iam::333333333333:role/deploy
central_logging:
  account: logging
"""

GOOD = """
domain: shop
owner: team-shop
log_sources:
  - name: app
    account: web
    log_groups: [/aws/lambda/app]
"""


def write(sandbox, catalog: str = GOOD, env: str = ENV, name: str = "shop") -> None:
    sandbox.write("environments/dev/env.yaml", env)
    sandbox.write(f"catalog/{name}.yaml", catalog)


def problems(sandbox, catalog: str = GOOD, env: str = ENV) -> list[str]:
    write(sandbox, catalog, env)
    before = sandbox.snapshot()
    result = sandbox.run("generate", "--env", "dev")
    assert result.code == 2, result.out
    assert "Traceback" not in result.err
    assert result.err_lines[-1].endswith("found; nothing was written")
    assert sandbox.snapshot() == before
    return result.err_lines[:-1]


def source(extra: str, name: str = "app", account: str = "web") -> str:
    return f"domain: shop\nowner: x\nlog_sources:\n  - name: {name}\n    account: {account}\n    log_groups: [/aws/lambda/app]\n{extra}"


def test_good_log_source_is_valid(sandbox):
    write(sandbox)
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 0, result.err
    assert "1 log source)" in result.out


BAD_SOURCES = [
    (
        "log-source-in-another-region",
        source("    region: us-east-1\n"),
        ["catalog/shop.yaml:7: log_sources[app].region: log groups in us-east-1 cannot use the destination in eu-west-1: "
         "CloudWatch Logs destinations and subscription filters must share a Region"],
    ),
    (
        "unknown-account",
        source("", account="shop-web"),
        ["catalog/shop.yaml:5: log_sources[app].account: no account 'shop-web' in env.yaml accounts (logging, web)"],
    ),
    (
        "filter-pattern-too-long",
        source("    filter_pattern: '" + "ERROR " * 171 + "'\n"),
        ["catalog/shop.yaml:7: log_sources[app].filter_pattern: is 1026 characters; CloudWatch Logs allows 1024"],
    ),
    (
        "filter-pattern-unbalanced",
        source("    filter_pattern: '{ $.level = \"ERROR\" '\n"),
        ["catalog/shop.yaml:7: log_sources[app].filter_pattern: is missing a closing '}'"],
    ),
    (
        "unknown-decode-mode",
        source("    decode: firehose\n"),
        ["catalog/shop.yaml:7: log_sources[app].decode: Input should be 'native' or 'lambda'"],
    ),
    (
        "unknown-output-format",
        source("    output: parquet\n"),
        ["catalog/shop.yaml:7: log_sources[app].output: Input should be 'raw' or 'json'"],
    ),
    (
        "enriched-json-with-native-decoding",
        source("    decode: native\n    output: json\n"),
        ["catalog/shop.yaml:8: log_sources[app].output: enriched JSON needs the decoder Lambda (decode: lambda); native decoding writes the raw messages"],
    ),
    (
        "fields-with-native-decoding",
        source("    decode: native\n    fields: {service: app}\n"),
        ["catalog/shop.yaml:8: log_sources[app].fields: fields are added by the decoder Lambda; native decoding cannot enrich (use decode: lambda)"],
    ),
    (
        "fields-with-raw-output",
        source("    decode: lambda\n    output: raw\n    fields: {service: app}\n"),
        ["catalog/shop.yaml:9: log_sources[app].fields: fields enrich JSON lines; with output: raw the messages are written as they are"],
    ),
    (
        "field-name-reserved",
        source("    fields: {message: x, service: app}\n"),
        ["catalog/shop.yaml:7: log_sources[app].fields: message: reserved for what the decoder writes"],
    ),
    (
        "schema-with-json-output",
        source("    output: json\n    schema:\n      columns: [{name: level, type: string}]\n"),
        ["catalog/shop.yaml:8: log_sources[app].schema: the JSON output has a fixed layout"],
    ),
    (
        "log-group-arn-instead-of-name",
        "domain: shop\nowner: x\nlog_sources:\n  - name: app\n    account: web\n    log_groups: ['arn:aws:logs:eu-west-1:333333333333:log-group:/aws/lambda/app']\n",
        ["catalog/shop.yaml:6: log_sources[app].log_groups[0]: 'arn:aws:logs:eu-west-1:333333333333:log-group:/aws/lambda/app' must be a log group name"],
    ),
    (
        "log-group-listed-twice",
        "domain: shop\nowner: x\nlog_sources:\n  - name: app\n    account: web\n    log_groups: [/a, /a]\n",
        ["catalog/shop.yaml:6: log_sources[app].log_groups: '/a' is listed twice"],
    ),
    (
        "no-log-groups",
        "domain: shop\nowner: x\nlog_sources:\n  - name: app\n    account: web\n    log_groups: []\n",
        ["catalog/shop.yaml:6: log_sources[app].log_groups: List should have at least 1 item"],
    ),
    (
        "third-subscription-filter-on-a-log-group",
        source("", name="a") + source("", name="b").split("log_sources:\n")[1] + source("", name="c").split("log_sources:\n")[1],
        ["catalog/shop.yaml:12: log_sources[c].log_groups[0]: log group '/aws/lambda/app' of account 'web' is already subscribed by shop/a, shop/b; "
         "CloudWatch Logs allows 2 subscription filters per log group"],
    ),
    (
        "duplicate-log-source",
        source("") + source("").split("log_sources:\n")[1],
        ["catalog/shop.yaml:7: log_sources[app].name: 'app' is declared twice in log_sources (first at line 4)"],
    ),
    (
        "final-name-too-long",
        source("    decode: lambda\n", name="a" * 44),
        ["catalog/shop.yaml:4: log_sources[" + "a" * 44 + "].name: IAM role name 'dev-logs-shop-" + "a" * 44 + "-decoder' is 66 characters; AWS allows 64",
         "catalog/shop.yaml:4: log_sources[" + "a" * 44 + "].name: IAM role name 'dev-logs-shop-" + "a" * 44 + "-firehose' is 67 characters; AWS allows 64",
         "catalog/shop.yaml:4: log_sources[" + "a" * 44 + "].name: Lambda function name 'dev-logs-shop-" + "a" * 44 + "-decoder' is 66 characters; AWS allows 64"],
    ),
    (
        "shards-on-an-on-demand-stream",
        source("    stream: {mode: on_demand, shards: 2}\n"),
        ["catalog/shop.yaml:7: log_sources[app].stream.shards: on_demand streams scale by themselves and take no shard count"],
    ),
    (
        "unknown-field",
        source("    filter: ERROR\n"),
        ["catalog/shop.yaml:7: log_sources[app].filter: unknown field"],
    ),
]


@pytest.mark.parametrize("catalog, expected", [pytest.param(c, e, id=i) for i, c, e in BAD_SOURCES])
def test_bad_log_source(sandbox, catalog, expected):
    found = problems(sandbox, catalog)
    assert len(found) == len(expected), found
    for line, want in zip(found, expected):
        assert line.startswith(want), f"\n got: {line}\nwant: {want}"


BAD_ENVS = [
    (
        "no-central-logging",
        ("central_logging:\n  account: logging\n", ""),
        "catalog/shop.yaml:3: log_sources: env.yaml has no central_logging section: log sources need a logging account",
    ),
    (
        "central-logging-account-unknown",
        ("  account: logging\n", "  account: logs\n"),
        "environments/dev/env.yaml:25: central_logging.account: no account 'logs' in accounts (logging, web)",
    ),
    (
        "logging-account-without-keys",
        ("    kms:\n      data: arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000002\n", ""),
        "environments/dev/env.yaml:16: accounts.logging: the central logging account needs kms",
    ),
    (
        "deploy-role-of-another-account",
        ("arn:aws:iam::333333333333:role/deploy", "arn:aws:iam::111111111111:role/deploy"),
        "environments/dev/env.yaml:23: accounts.web.deploy_role_arn: role is in account 111111111111, not in 333333333333",
    ),
    (
        "logging-key-of-another-account",
        ("kms:eu-west-1:222222222222:key", "kms:eu-west-1:111111111111:key"),
        "environments/dev/env.yaml:20: accounts.logging.kms.data: key belongs to account 111111111111, not to 222222222222",
    ),
    (
        "logging-key-in-another-region",
        ("kms:eu-west-1:222222222222:key", "kms:us-east-1:222222222222:key"),
        "environments/dev/env.yaml:20: accounts.logging.kms.data: key is in us-east-1, but the environment is in eu-west-1",
    ),
    (
        "same-account-twice",
        ('account_id: "333333333333"', 'account_id: "222222222222"'),
        "environments/dev/env.yaml:22: accounts.web.account_id: account 222222222222 is also declared as 'logging'",
    ),
    (
        "bad-organization-id",
        ("  account: logging\n", "  account: logging\n  organization_id: org-1\n"),
        "environments/dev/env.yaml:26: central_logging.organization_id: 'org-1' must be an AWS Organizations id",
    ),
    (
        "account-name-not-an-identifier",
        ("  web:\n", "  Web_Team:\n"),
        "environments/dev/env.yaml:21: accounts.Web_Team: 'Web_Team' must be 1-32 lowercase letters",
    ),
]


@pytest.mark.parametrize("edit, expected", [pytest.param(e, x, id=i) for i, e, x in BAD_ENVS])
def test_bad_logging_environment(sandbox, edit, expected):
    assert edit[0] in ENV
    found = problems(sandbox, GOOD, ENV.replace(edit[0], edit[1], 1))
    assert found[0].startswith(expected), found


def test_final_names_of_two_sources_must_not_collide(sandbox):
    write(sandbox, "domain: a-b\nowner: x\nlog_sources:\n  - name: c\n    account: web\n    log_groups: [/x]\n", name="a-b")
    sandbox.write("catalog/a.yaml", "domain: a\nowner: x\nlog_sources:\n  - name: b-c\n    account: web\n    log_groups: [/y]\n")
    result = sandbox.run("validate", "--env", "dev")
    assert result.code == 2
    assert result.err_lines[:-1] == [
        "catalog/a-b.yaml:4: log_sources[c].name: log source a-b/c and a/b-c both become 'a_b_c'; rename one of them",
        "catalog/a-b.yaml:4: log_sources[c].name: log source a-b/c and a/b-c both become 'dev-logs-a-b-c'; rename one of them",
    ]


@pytest.mark.parametrize(
    "pattern, problem",
    [
        ("", None),
        ('{ $.level = "ERROR" || $.latency > 500 }', None),
        ("[ip, user, status = 4*, size]", None),
        ("%ERROR [0-9]{3}%", None),  # braces inside a regex are not a group
        ('"a } in quotes"', None),
        ('{ $.a = "x" ', "is missing a closing '}'"),
        ("ERROR ]", "has an unexpected ']'"),
        ('{ $.a = "x }', "has an unterminated quoted string"),
        ("%abc", "has an unterminated %regex%"),
    ],
)
def test_filter_pattern_structure(pattern, problem):
    assert filter_pattern_problem(pattern) == problem


# --- what is generated ------------------------------------------------------------


def test_resolved_model(repo):
    generated = pipeline.generate(repo, "dev", build=False)
    [root] = [r for r in generated.resolved.roots if r.path == "logging"]
    assert (root.provider.account_id, root.provider.role_arn) == ("222222222222", "arn:aws:iam::222222222222:role/streamgen-deploy")
    assert [(p.alias, p.account_id, p.role_local) for p in root.provider_aliases] == [
        ("shop_backend", "444444444444", "deploy_role_arn_shop_backend"),
        ("shop_web", "333333333333", "deploy_role_arn_shop_web"),
    ]
    by_name = {d.name: d for d in root.log_deliveries}
    assert by_name["web-access"].decoder is None and by_name["web-errors"].decoder is None
    decoder = by_name["checkout-api"].decoder
    assert decoder is not None and decoder.source == "cw_logs_decoder"
    assert decoder.environment == {"OUTPUT_FORMAT": "json", "STATIC_FIELDS": '{"service":"checkout","tier":"backend"}'}
    tables = {t.name: t for t in root.glue_tables}
    assert (tables["web-errors"].format, [c.name for c in tables["web-errors"].columns]) == ("lines", ["message"])
    assert tables["web-access"].format == "json" and tables["web-access"].columns[0].name == "request_id"
    assert [c.name for c in tables["checkout-api"].columns][-2:] == ["service", "tier"]
    # a domain that only declares log sources gets no empty root of its own
    assert "domains/storefront" not in [r.path for r in generated.resolved.roots]


def test_logging_in_the_environments_own_account_reuses_its_access_log_bucket_and_network(sandbox):
    env = ENV.replace('account_id: "222222222222"', 'account_id: "111111111111"').replace(
        "arn:aws:iam::222222222222:role/deploy", "arn:aws:iam::111111111111:role/deploy"
    ).replace("kms:eu-west-1:222222222222:key", "kms:eu-west-1:111111111111:key")
    write(sandbox, source("    decode: lambda\n"), env)
    resolved = pipeline.generate(sandbox.ws, "dev").resolved
    [root] = [r for r in resolved.roots if r.path == "logging"]
    assert [b.bucket for b in root.buckets] == ["dev-logs-111111111111-eu-west-1"]
    assert root.buckets[0].access_log_bucket == "dev-access-logs-111111111111-eu-west-1"  # the shared root's
    assert root.log_decoders[0].subnet_ids == ["subnet-0a1b2c3d4e5f60001"]


def test_the_generated_root_keeps_production_config_clean(repo):
    root = repo.generated_dir("dev") / "logging"
    providers = (root / "providers.tf").read_text()
    assert 'alias               = "shop_web"' in providers and 'allowed_account_ids = ["333333333333"]' in providers
    assert 'deploy_role_arn_shop_web     = "arn:aws:iam::333333333333:role/streamgen-deploy"' in providers
    logging = (root / "logging.tf").read_text()
    assert "providers = {\n    aws = aws.shop_backend\n  }" in logging


OVERRIDE_ALIAS = '''provider "aws" {
  alias = "shop_web"

  access_key                  = "offline-plan"'''


def test_offline_override_follows_the_declared_providers(repo):
    plain = terraform.offline_override_for(repo.generated_dir("dev") / "shared")
    assert plain == terraform.OFFLINE_OVERRIDE
    override = terraform.offline_override_for(repo.generated_dir("dev") / "logging")
    assert override.count('provider "aws" {') == 3
    assert OVERRIDE_ALIAS in override
    assert "  deploy_role_arn              = null\n  deploy_role_arn_shop_backend = null\n  deploy_role_arn_shop_web     = null\n" in override


def test_offline_override_of_hand_written_providers():
    text = 'provider "aws" {\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}\n'
    override = terraform.offline_override({"providers.tf": text})
    assert override.count('provider "aws" {') == 2 and 'alias = "us"' in override
    assert "locals" not in override  # nothing to null out
