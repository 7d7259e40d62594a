"""Generation: committed output current, deterministic, minimal writes, stale removal."""

from __future__ import annotations

import os

from streamgen import pipeline, writer
from streamgen.writer import GENERATED_MARK

from support import make_sandbox


def test_committed_generated_files_are_current(repo):
    """The example environment's generated Terraform is the golden output."""
    generated = pipeline.generate(repo, "dev")
    result = writer.write(repo, "dev", generated.files, check=True)
    assert result.out_of_date == [], "run `streamgen generate --env dev` and commit the result"
    assert len(generated.files) >= 15


def test_same_input_same_bytes_in_two_checkouts(tmp_path):
    one = make_sandbox(tmp_path / "one", with_example=True)
    two = make_sandbox(tmp_path / "two", with_example=True)
    assert one.run("generate").code == 0
    os.utime(two.root / "catalog" / "payments.yaml", (1, 1))  # mtimes must not matter
    assert two.run("generate").code == 0
    files_one, files_two = one.snapshot(), two.snapshot()
    assert files_one == files_two
    zips_one = sorted((one.root / ".build" / "lambda").glob("*.zip"))
    zips_two = sorted((two.root / ".build" / "lambda").glob("*.zip"))
    assert [z.name for z in zips_one] == [z.name for z in zips_two]
    assert [z.read_bytes() for z in zips_one] == [z.read_bytes() for z in zips_two]


def test_regenerating_unchanged_catalog_writes_nothing(example_sandbox):
    assert example_sandbox.run("generate").code == 0
    files = sorted((example_sandbox.root / "environments").rglob("*.tf"))
    stamps = {f: f.stat().st_mtime_ns for f in files}
    result = example_sandbox.run("generate")
    assert result.code == 0
    assert "0 written" in result.out
    assert {f: f.stat().st_mtime_ns for f in files} == stamps


def test_every_generated_file_has_the_header(repo):
    for path in repo.generated_dir("dev").rglob("*.tf"):
        first = path.read_text().splitlines()[0]
        assert first.startswith(GENERATED_MARK) and first.endswith("DO NOT EDIT."), path


def drop_clickstream(sandbox) -> None:
    """Remove the clickstream domain and the env.yaml override that names it.

    Change safety refuses to drop a domain that still owns stateful resources
    (tests/test_change_safety.py); these tests are about stale files, so the
    record of the last generation goes too.
    """
    (sandbox.root / "environments" / "dev" / "generated" / "stateful.json").unlink(missing_ok=True)
    (sandbox.root / "catalog" / "clickstream.yaml").unlink()
    env = sandbox.root / "environments" / "dev" / "env.yaml"
    text = env.read_text()
    env.write_text(text[: text.index("# Dev is small")])


def test_check_lists_changed_and_stale_files_and_exits_1(example_sandbox):
    assert example_sandbox.run("generate").code == 0
    drop_clickstream(example_sandbox)
    catalog = example_sandbox.root / "catalog" / "payments.yaml"
    catalog.write_text(catalog.read_text().replace("retention_hours: 72", "retention_hours: 96"))
    result = example_sandbox.run("generate", "--check")
    assert result.code == 1
    assert "changed: environments/dev/generated/domains/payments/topics.tf" in result.err
    assert "stale:   environments/dev/generated/domains/clickstream/sinks.tf" in result.err
    # --check wrote nothing
    assert (example_sandbox.root / "environments/dev/generated/domains/clickstream/sinks.tf").exists()


def test_stale_roots_are_removed_and_hand_written_files_kept(example_sandbox):
    assert example_sandbox.run("generate").code == 0
    root = example_sandbox.root / "environments/dev/generated/domains/clickstream"
    (root / "notes.md").write_text("hand-written\n")
    drop_clickstream(example_sandbox)
    result = example_sandbox.run("generate")
    assert result.code == 0
    assert "removed environments/dev/generated/domains/clickstream/topics.tf" in result.out
    assert sorted(p.name for p in root.iterdir()) == ["notes.md"]


def test_same_root_references_modules_other_roots_get_literals(repo):
    payments = (repo.generated_dir("dev") / "domains/payments/sinks.tf").read_text()
    clickstream = (repo.generated_dir("dev") / "domains/clickstream/sinks.tf").read_text()
    assert "stream_arn  = module.topic_orders.arn" in payments
    assert 'stream_arn  = "arn:aws:kinesis:eu-west-1:111111111111:stream/dev-payments-orders"' in clickstream


def test_moved_blocks_follow_allow_destroy(example_sandbox):
    catalog = example_sandbox.root / "catalog" / "payments.yaml"
    catalog.write_text(catalog.read_text().replace("  - name: payment-events\n", "  - name: payment-events\n    allow_destroy: true\n"))
    assert example_sandbox.run("generate").code == 0
    moved = (example_sandbox.root / "environments/dev/generated/domains/payments/moved.tf").read_text()
    assert (
        "from = module.topic_payment-events.aws_kinesis_stream.this[0]\n"
        "  to   = module.topic_payment-events.aws_kinesis_stream.unprotected[0]"
    ) in moved
    assert (
        "from = module.topic_orders.aws_kinesis_stream.unprotected[0]\n"
        "  to   = module.topic_orders.aws_kinesis_stream.this[0]"
    ) in moved
    topics = (example_sandbox.root / "environments/dev/generated/domains/payments/topics.tf").read_text()
    assert topics.count("prevent_destroy  = true") == 1 and "prevent_destroy  = false" in topics


def test_overrides_win_over_catalog_and_defaults(repo):
    topics = (repo.generated_dir("dev") / "domains/clickstream/topics.tf").read_text()
    # catalog throughput 4 MB/s would need 4 shards; env.yaml overrides to 2 and 48 h
    assert "shard_count      = 2" in topics
    assert "retention_period = 48" in topics
    assert "env.yaml override for clickstream/page-views" in topics


def test_no_dummy_credentials_in_generated_configuration(repo):
    for path in repo.generated_dir("dev").rglob("*.tf"):
        text = path.read_text()
        for forbidden in ("access_key", "secret_key", "skip_credentials_validation", 'backend "local"'):
            assert forbidden not in text, f"{forbidden} in {path}"
