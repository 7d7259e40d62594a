"""The HCL emitter writes what `terraform fmt` would write."""

from __future__ import annotations

import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streamgen import hcl


def fmt(text: str) -> str:
    result = subprocess.run(["terraform", "fmt", "-"], input=text, capture_output=True, text=True, check=True)
    return result.stdout


def block(items) -> str:
    return 'module "x" {\n  source = "./m"\n\n' + hcl.attrs(items) + "\n}\n"


def test_strings_are_escaped_for_hcl():
    assert hcl.value('a"b\\c\n') == '"a\\"b\\\\c\\n"'
    assert hcl.value("${var.x} %{if}") == '"$${var.x} %%{if}"'
    assert hcl.value(hcl.Expr("module.a.arn")) == "module.a.arn"


def test_alignment_groups_match_terraform_fmt():
    text = block(
        [
            ("name", "a"),
            ("shard_count", 2),
            ("tags", {"A": "1", "LongerKey": "2", "with space": "3"}),
            ("list", ["x", "y"]),
            ("objects", [{"name": "a", "value": "1"}]),
            hcl.BLANK,
            ("flag", True),
            ("nothing", None),
        ]
    )
    assert fmt(text) == text


keys = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
scalars = st.one_of(
    st.none().map(lambda _: hcl.Expr("null")),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(keys, values), max_size=6, unique_by=lambda kv: kv[0]))
def test_any_structure_is_fmt_canonical(items):
    text = block(items)
    assert fmt(text) == text
