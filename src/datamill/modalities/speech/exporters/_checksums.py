"""Streaming sha256 checksums of the files an exporter wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datamill.core.hashing import sha256_file

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["checksum_files", "sha256_file"]


def checksum_files(out_dir: Path, relative_paths: Iterable[str]) -> dict[str, str]:
    """Hash files below ``out_dir``.

    Args:
        out_dir: The exporter's output folder.
        relative_paths: POSIX paths relative to ``out_dir``.

    Returns:
        A mapping of each relative path to its hex sha256, in the order given.
    """
    return {rel: sha256_file(out_dir / rel) for rel in relative_paths}
