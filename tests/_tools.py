"""Test plumbing shared by the test packages."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def require_tool(what: str) -> None:
    """Skip on a developer machine without the tool; fail in CI, where setup must provide it."""
    if os.environ.get("CI"):
        pytest.fail(what)
    pytest.skip(what)


def require_module(name: str) -> ModuleType:
    """Import ``name``; without it, skip on a developer machine and fail in CI."""
    try:
        return importlib.import_module(name)
    except ImportError as err:
        require_tool(f"Python module {name} is not installed ({err})")
        raise  # unreachable: require_tool always raises
