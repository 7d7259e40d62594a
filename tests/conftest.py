"""Shared fixtures: the real repository, and sandboxes for bad-input tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamgen.workspace import Workspace
from support import REPO, Sandbox, make_sandbox


@pytest.fixture(scope="session")
def repo() -> Workspace:
    return Workspace(REPO)


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    """An empty sandbox (write your own env.yaml and catalog)."""
    return make_sandbox(tmp_path / "repo", with_example=False)


@pytest.fixture
def example_sandbox(tmp_path: Path) -> Sandbox:
    """A sandbox holding a copy of the example catalog and env.yaml."""
    return make_sandbox(tmp_path / "repo", with_example=True)
