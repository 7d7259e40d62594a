"""YAML loading keeps the line of every key and item, and refuses what YAML hides."""

from __future__ import annotations

from pathlib import Path

from streamgen import yamlsrc


def parse(text: str):
    return yamlsrc.parse(text, Path("f.yaml"), "f.yaml")


def test_lines_of_keys_and_list_items():
    doc, problems = parse("domain: a\ntopics:\n  - name: x\n    shards: 2\n  - name: y\n")
    assert problems == []
    assert doc.data == {"domain": "a", "topics": [{"name": "x", "shards": 2}, {"name": "y"}]}
    assert doc.line(("domain",)) == 1
    assert doc.line(("topics", 0)) == 3
    assert doc.line(("topics", 0, "shards")) == 4
    assert doc.line(("topics", 1, "name")) == 5
    # a missing key falls back to its nearest existing parent
    assert doc.line(("topics", 1, "retention_hours")) == 5


def test_duplicate_key_is_reported_with_its_line():
    doc, problems = parse("a: 1\nb: 2\na: 3\n")
    assert [str(p) for p in problems] == ["f.yaml:3: a: duplicate key 'a'"]


def test_merge_keys_explicit_value_wins():
    doc, problems = parse("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n")
    assert problems == []
    assert doc.data["item"] == {"x": 1, "y": 3}


def test_syntax_error_names_the_line():
    doc, problems = parse("a: 1\nb: [1, 2\nc: 3\n")
    assert doc is None
    assert len(problems) == 1 and problems[0].file == "f.yaml"
    assert problems[0].line in (2, 3) and problems[0].message.startswith("invalid YAML:")


def test_tab_indentation_is_a_syntax_error():
    doc, problems = parse("a:\n\t- 1\n")
    assert doc is None and problems[0].line == 2


def test_empty_file_is_an_empty_document():
    doc, problems = parse("")
    assert problems == [] and doc.data is None


def test_not_utf8(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: \xff\n")
    doc, problems = yamlsrc.load(path, "x.yaml")
    assert doc is None and "not UTF-8" in problems[0].message
