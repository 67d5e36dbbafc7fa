"""File-name helpers for loops over 100k names, where building a ``Path`` per name costs more
than the rest of the row."""

from __future__ import annotations

from pathlib import PurePosixPath

__all__ = ["suffix"]


def suffix(filename: str) -> str:
    """``PurePosixPath(filename).suffix``, without building a path for a plain file name."""
    if "/" in filename:
        return PurePosixPath(filename).suffix
    i = filename.rfind(".")
    return filename[i:] if 0 < i < len(filename) - 1 else ""
