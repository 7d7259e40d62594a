"""``checkov:skip`` comments: where they are, what they skip, and why.

A skip is allowed only in module sources (``modules/``), inside the resource
block it applies to, with a reason: ``# checkov:skip=CKV_AWS_116:<why>``. The
scan lists every skip in use and fails on a skip without a reason, a skip
outside a resource block or outside ``modules/`` (generated roots never carry
skips: a reviewer reads them where the resource is written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# checkov's own syntax (checkov/common/comment/enum.py), ids may be a comma list
SKIP = re.compile(r"(checkov:skip=|bridgecrew:skip=|cortex:skip=) *([A-Za-z_\d-]+(?:,[A-Za-z_\d-]+)*)?(:[^\n]*)?")
_BLOCK = re.compile(r'^\s*(resource|data|module)\s+"([^"]+)"(?:\s+"([^"]+)")?\s*\{')
NO_REASON = "No comment provided"  # what checkov reports for a skip without a reason


@dataclass(frozen=True)
class Skip:
    check_id: str
    reason: str
    file: str  # repository-relative
    line: int
    block: str | None  # "aws_s3_bucket.this" (data: "data.x.y", module: "module.x"); None outside a block

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def parse(text: str, file: str) -> list[Skip]:
    """Every skip comment of one Terraform file, with its enclosing block."""
    found: list[Skip] = []
    depth = 0
    block: str | None = None
    for number, (line, braces, comment) in enumerate(_lex(text), start=1):
        if depth == 0:
            opened = _BLOCK.match(line)
            if opened:
                kind, first, second = opened.groups()
                block = {"resource": f"{first}.{second}", "data": f"data.{first}.{second}", "module": f"module.{first}"}[kind]
        if comment:
            for match in SKIP.finditer(comment):
                ids = (match.group(2) or "").split(",")
                reason = (match.group(3) or "")[1:].strip().removesuffix("*/").strip()
                for check_id in filter(None, ids):
                    found.append(Skip(check_id, reason, file, number, block if depth > 0 else None))
        depth += braces
        if depth <= 0:
            depth, block = 0, None
    return found


def _lex(text: str) -> list[tuple[str, int, str]]:
    """Per line: (line, net code braces, comment text).

    Knows enough HCL to keep braces and comment markers inside strings,
    nested ``${...}`` templates, block comments and heredocs apart.
    """
    out = []
    stack: list[str] = []  # "str" | "tpl" (a ${ } inside a string, counting braces) | "blk" (/* */)
    tpl_depth: list[int] = []
    heredoc: str | None = None
    for line in text.splitlines():
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            out.append((line, 0, ""))
            continue
        braces, comment, i = 0, "", 0
        while i < len(line):
            c, two = line[i], line[i:i + 2]
            top = stack[-1] if stack else "code"
            if top == "blk":
                comment += c
                if two == "*/":
                    comment += "/"
                    stack.pop()
                    i += 1
            elif top == "str":
                if c == "\\":
                    i += 1
                elif two in ("${", "%{"):
                    stack.append("tpl")
                    tpl_depth.append(0)
                    i += 1
                elif c == '"':
                    stack.pop()
            else:  # code or template
                if c == '"':
                    stack.append("str")
                elif c == "#" or two == "//":
                    comment += line[i:]
                    break
                elif two == "/*":
                    stack.append("blk")
                    comment += two
                    i += 1
                elif top == "tpl" and c == "{":
                    tpl_depth[-1] += 1
                elif top == "tpl" and c == "}":
                    if tpl_depth[-1] == 0:
                        stack.pop()
                        tpl_depth.pop()
                    else:
                        tpl_depth[-1] -= 1
                elif top == "code" and c == "{":
                    braces += 1
                elif top == "code" and c == "}":
                    braces -= 1
                elif top == "code" and two == "<<":
                    marker = re.match(r"<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$", line[i:])
                    if marker:
                        heredoc = marker.group(1)
                        break
            i += 1
        if stack and stack[-1] == "str":  # strings end with their line; recover from odd input
            stack.clear()
            tpl_depth.clear()
        out.append((line, braces, comment))
    return out


def scan_tree(root: Path, base: Path) -> list[Skip]:
    """Skips in every .tf file under ``root`` (paths relative to ``base``)."""
    found = []
    for path in sorted(root.rglob("*.tf")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue  # .terraform and other tool folders
        found += parse(path.read_text(encoding="utf-8"), path.relative_to(base).as_posix())
    return found


def problems(module_skips: list[Skip], generated_skips: list[Skip]) -> list[str]:
    """What makes a skip unacceptable, one message per skip."""
    out = []
    for skip in module_skips:
        if not skip.reason or skip.reason == NO_REASON:
            out.append(f"{skip.where}: checkov:skip={skip.check_id} has no reason; write "
                       f"checkov:skip={skip.check_id}:<why the check does not apply here>")
        if skip.block is None:
            out.append(f"{skip.where}: checkov:skip={skip.check_id} is outside a resource block, where checkov "
                       "ignores it; put it inside the block of the resource it exempts")
    for skip in generated_skips:
        out.append(f"{skip.where}: checkov:skip={skip.check_id} in generated code; skips belong in the module "
                   "source, next to the resource")
    return out
