"""Test plumbing shared by the test packages."""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from pathlib import Path
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


_PROCESS_FOLDERS: list[Path] = []


def process_folder(prefix: str) -> Path:
    """A new temporary folder for files a test process makes once and reuses (synthesised
    audio ...); :func:`remove_process_folders` (the session's end, ``tests/conftest.py``)
    removes it, so a test run leaves nothing behind in the temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _PROCESS_FOLDERS.append(folder)
    return folder


def remove_process_folders() -> None:
    """Remove every folder :func:`process_folder` made in this process."""
    while _PROCESS_FOLDERS:
        shutil.rmtree(_PROCESS_FOLDERS.pop(), ignore_errors=True)
