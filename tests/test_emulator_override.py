"""The local-emulator override and ephemeral (allow_destroy) environments."""

from __future__ import annotations

import re

import pytest

from streamgen import terraform

ROOT_PROVIDERS = '''
locals {
  deploy_role_arn           = "arn:aws:iam::222222222222:role/streamgen-deploy"
  deploy_role_arn_shop_web  = null
}

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "shop_web"
  region = "eu-west-1"
}
'''


def test_every_provider_gets_every_endpoint_and_a_local_backend():
    text = terraform.emulator_override({"providers.tf": ROOT_PROVIDERS}, "http://127.0.0.1:40123")
    blocks = re.findall(r'^provider "aws" \{(.*?)^\}', text, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2 and 'alias = "shop_web"' in blocks[1]
    for block in blocks:
        for service in terraform.EMULATED_SERVICES:
            assert re.search(rf'^\s+{service}\s+= "http://127.0.0.1:40123"$', block, re.MULTILINE), service
        assert "skip_credentials_validation = true" in block and "s3_use_path_style           = true" in block
    assert 'backend "local" {}' in text
    assert "locals" not in text  # no role replaced unless asked


def test_null_deploy_roles_become_the_callers_role_others_stay(tmp_path):
    (tmp_path / "providers.tf").write_text(ROOT_PROVIDERS)
    text = terraform.emulator_override_for(tmp_path, "http://localhost:1", caller_role_arn="arn:aws:iam::111111111111:role/t")
    assert 'deploy_role_arn_shop_web = "arn:aws:iam::111111111111:role/t"' in text
    assert not re.search(r"^\s+deploy_role_arn\s+=", text, re.MULTILINE)  # the logging account's role is kept


@pytest.mark.parametrize("endpoint", ["http://10.0.0.5:5000", "https://kinesis.eu-west-1.amazonaws.com", "http://moto:5000"])
def test_only_loopback_endpoints(endpoint):
    with pytest.raises(terraform.TerraformError, match="not a loopback address"):
        terraform.emulator_override({"providers.tf": ROOT_PROVIDERS}, endpoint)


def test_allow_destroy_environment_protects_nothing(example_sandbox):
    env = example_sandbox.root / "environments" / "dev" / "env.yaml"
    env.write_text(env.read_text() + "\nallow_destroy: true\n")
    assert example_sandbox.run("generate").code == 0
    generated = example_sandbox.root / "environments" / "dev" / "generated"
    texts = {p.relative_to(generated).as_posix(): p.read_text() for p in generated.rglob("*.tf")}
    assert not [name for name, text in texts.items() if re.search(r"prevent_destroy\s+= true", text)]
    assert sum(len(re.findall(r"prevent_destroy\s+= false", t)) for t in texts.values()) >= 10
    # buckets (always protected otherwise) move to their unprotected declaration too
    assert (
        "from = module.bucket_data.aws_s3_bucket.this[0]\n  to   = module.bucket_data.aws_s3_bucket.unprotected[0]"
        in texts["domains/payments/moved.tf"]
    )
