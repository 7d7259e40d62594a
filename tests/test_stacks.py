"""Stacks: the environment is split into roots with their own state, wired by
literal values (no remote state, no data source that calls AWS)."""

from __future__ import annotations

import re

import pytest

from streamgen import pipeline
from support import cross_root_references, root_texts


@pytest.fixture(scope="module")
def generated(repo):
    return pipeline.generate(repo, "dev", build=False)


def test_each_root_has_its_own_locked_encrypted_state(generated):
    keys = {}
    for root in generated.resolved.roots:
        text = generated.files[f"environments/dev/generated/{root.path}/terraform.tf"]
        backend = text[text.index('backend "s3" {'):]
        backend = backend[: backend.index("}")]
        keys[root.path] = re.findall(r'^\s*key\s*=\s*"([^"]+)"', backend, re.MULTILINE)
        assert keys[root.path] == [f"streamgen/dev/{root.path}/terraform.tfstate"], root.path
        assert re.search(r"^\s*encrypt\s*=\s*true$", backend, re.MULTILINE), root.path
        assert re.search(r"^\s*(use_lockfile\s*=\s*true|dynamodb_table\s*=)", backend, re.MULTILINE), root.path
    assert len({k[0] for k in keys.values()}) == len(keys) > 2


def test_roots_read_nothing_from_other_states_or_aws(generated):
    for root, text in root_texts(generated).items():
        assert "terraform_remote_state" not in text, root
        assert not re.search(r'^\s*data\s+"', text, re.MULTILINE), root


def test_cross_root_references_name_what_the_producer_creates_and_outputs(generated):
    texts = root_texts(generated)
    refs = cross_root_references(generated)
    # the example has them: the shared access-log bucket, streams read across domains
    assert {(r.consumer, r.producer) for r in refs} >= {
        ("domains/payments", "shared"), ("domains/clickstream", "domains/payments"), ("shared", "domains/analytics"),
    }
    for ref in refs:
        producer = texts[ref.producer]
        assert f'module "{ref.tf_id}"' in producer, ref
        assert re.search(rf"= module\.{re.escape(ref.tf_id)}\.", producer), f"{ref.producer} does not output {ref.tf_id}"
