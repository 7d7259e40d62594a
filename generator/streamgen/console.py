"""Terminal output conventions shared by every command.

- Colours only when the stream is a terminal and ``NO_COLOR`` is unset
  (https://no-color.org); ``FORCE_COLOR`` turns them on for CI logs that
  render ANSI.
- Progress lines (long terraform runs) go to stderr and only on a terminal,
  so pipes and ``--json`` output stay clean.
- ``--json`` output is one JSON document on stdout, keys sorted.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO

_CODES = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "bold": "1", "dim": "2"}


def is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def colour_enabled(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_tty(stream) and os.environ.get("TERM") != "dumb"


def paint(text: str, colour: str, stream: TextIO | None = None) -> str:
    """``text`` in ``colour`` when ``stream`` (default stdout) shows colours."""
    if not colour_enabled(stream or sys.stdout):
        return text
    return f"\033[{_CODES[colour]}m{text}\033[0m"


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


class Progress:
    """``[3/9] domains/payments ok 12.1 s`` lines on stderr, terminals only."""

    def __init__(self, total: int, label: str = "", stream: TextIO | None = None):
        self.total, self.done, self.label = total, 0, label
        self.stream = stream or sys.stderr
        self.enabled = is_tty(self.stream)

    def step(self, item: str, status: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        width = len(str(self.total))
        colour = {"ok": "green", "FAILED": "red", "skipped": "yellow"}.get(status.split(" ")[0], "dim")
        shown = paint(status, colour, self.stream) if status else ""
        self.stream.write(f"\r\033[K[{self.done:>{width}}/{self.total}] {self.label}{item} {shown}\n")
        self.stream.flush()
