"""Scale: correctness of the shortcuts that keep large catalogs fast
(the timings themselves are `make bench`, not tests)."""

from __future__ import annotations

import random

import pytest

from streamgen import checks, gencache, hcl
from streamgen.writer import GENERATED_MARK


def _nested_loop(prefixes: list[str]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(prefixes)
        for j, b in enumerate(prefixes[i + 1 :], start=i + 1)
        if a.startswith(b) or b.startswith(a)
    ]


def test_prefix_pairs_match_the_nested_loop():
    rng = random.Random(7)
    for _ in range(300):
        prefixes = ["".join(rng.choice("ab/") for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(0, 12))]
        assert checks._prefix_pairs(prefixes) == _nested_loop(prefixes), prefixes


@pytest.mark.parametrize("text", ["plain", 'a"b', "a\\b", "tab\there", "${var}", "%{if}", "$x %y", "é ü", "\x7f", "nl\n"])
def test_string_fast_path_quotes_like_json(text):
    import json

    assert hcl.string(text) == json.dumps(text, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


def _mtimes(sandbox) -> dict[str, int]:
    base = sandbox.root / "environments" / "dev" / "generated"
    return {p.relative_to(base).as_posix(): p.stat().st_mtime_ns for p in base.rglob("*") if p.is_file()}


def test_unchanged_regenerate_is_answered_by_the_cache_and_touches_nothing(example_sandbox):
    first = example_sandbox.run("generate")
    assert first.code == 0 and "inputs unchanged" not in first.out
    before = _mtimes(example_sandbox)
    again = example_sandbox.run("generate")
    assert again.code == 0, again.err
    assert "0 written" in again.out and "inputs unchanged since the last run" in again.out
    assert _mtimes(example_sandbox) == before
    # warnings of the catalog are printed again from the record
    assert again.err == first.err


def test_a_changed_input_is_regenerated(example_sandbox):
    example_sandbox.run("generate")
    catalog = example_sandbox.root / "catalog" / "payments.yaml"
    catalog.write_text(catalog.read_text().replace("retention_hours: 168", "retention_hours: 72", 1))
    result = example_sandbox.run("generate")
    assert "inputs unchanged" not in result.out
    assert "  wrote   environments/dev/generated/domains/payments/topics.tf" in result.out.splitlines()
    topics = (example_sandbox.root / "environments/dev/generated/domains/payments/topics.tf").read_text()
    assert "retention_period = 168" not in topics and "retention_period = 72" in topics


def test_edited_deleted_or_extra_generated_files_are_repaired(example_sandbox):
    example_sandbox.run("generate")
    base = example_sandbox.root / "environments" / "dev" / "generated"
    edited, deleted = base / "shared" / "storage.tf", base / "shared" / "outputs.tf"
    original = edited.read_text()
    edited.write_text(original + "# hand edit\n")
    deleted.unlink()
    stale = base / "domains" / "gone" / "topics.tf"
    stale.parent.mkdir(parents=True)
    stale.write_text(f"{GENERATED_MARK} from catalog/gone.yaml; DO NOT EDIT.\n")
    result = example_sandbox.run("generate")
    assert "inputs unchanged" not in result.out
    assert edited.read_text() == original and deleted.is_file() and not stale.exists()
    assert example_sandbox.run("generate", "--check").code == 0


def test_missing_lambda_package_is_rebuilt(example_sandbox):
    example_sandbox.run("generate")
    packages = sorted((example_sandbox.root / ".build" / "lambda").glob("*.zip"))
    assert packages
    packages[0].unlink()
    result = example_sandbox.run("generate")
    assert "inputs unchanged" not in result.out
    assert packages[0].is_file()


def test_no_cache_renders_anyway(example_sandbox):
    example_sandbox.run("generate")
    result = example_sandbox.run("generate", "--no-cache")
    assert result.code == 0 and "inputs unchanged" not in result.out and "0 written" in result.out


def test_fingerprint_covers_generator_env_folder_and_lambda_sources(example_sandbox, tmp_path, monkeypatch):
    ws = example_sandbox.ws
    start = gencache.fingerprint(ws, "dev")
    (example_sandbox.root / "environments" / "dev" / "generated").mkdir(exist_ok=True)
    (example_sandbox.root / "environments" / "dev" / "generated" / "x.tf").write_text("# output, not input\n")
    assert gencache.fingerprint(ws, "dev") == start
    (example_sandbox.root / "environments" / "dev" / "notes.yaml").write_text("a: 1\n")
    env_changed = gencache.fingerprint(ws, "dev")
    assert env_changed != start
    package = tmp_path / "streamgen"
    package.mkdir()
    (package / "render.py").write_text("# v1\n")
    monkeypatch.setattr(gencache, "_PACKAGE_DIR", package)
    generator_v1 = gencache.fingerprint(ws, "dev")
    (package / "render.py").write_text("# v2\n")
    assert gencache.fingerprint(ws, "dev") != generator_v1
    # lambda_src is a link to the real sources here: a copy that differs
    lambda_src = example_sandbox.root / "lambda_src"
    target = lambda_src.resolve()
    lambda_src.unlink()
    import shutil

    shutil.copytree(target, lambda_src, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    copied = gencache.fingerprint(ws, "dev")
    (lambda_src / "json_transform" / "app.py").write_text((lambda_src / "json_transform" / "app.py").read_text() + "\n# changed\n")
    assert gencache.fingerprint(ws, "dev") != copied
