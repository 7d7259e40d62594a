"""Each function's tests load its app.py under a unique module name.

Every function's entry module is called ``app``; loading them by path keeps
several functions' tests in one pytest session without import clashes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


def load_app(folder: Path):
    name = f"lambda_src_{folder.name}_app"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, folder / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(request):
    """The app module of the function whose tests/ folder holds the test."""
    return load_app(Path(request.node.fspath).parent.parent)
