"""Test plumbing shared by the test packages."""

from __future__ import annotations

import os

import pytest


def require_tool(what: str) -> None:
    """Skip on a developer machine without the tool; fail in CI, where setup must provide it."""
    if os.environ.get("CI"):
        pytest.fail(what)
    pytest.skip(what)
