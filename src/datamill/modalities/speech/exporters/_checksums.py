"""Streaming sha256 checksums of the files an exporter wrote."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["checksum_files", "sha256_file"]

_CHUNK_BYTES = 1 << 20


def sha256_file(path: Path, chunk_bytes: int = _CHUNK_BYTES) -> str:
    """Return the hex sha256 of ``path``, read in chunks of ``chunk_bytes``.

    Args:
        path: File to hash.
        chunk_bytes: Read size; memory use is bounded by it, whatever the file size.

    Returns:
        The lowercase hexadecimal digest.
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_files(out_dir: Path, relative_paths: Iterable[str]) -> dict[str, str]:
    """Hash files below ``out_dir``.

    Args:
        out_dir: The exporter's output folder.
        relative_paths: POSIX paths relative to ``out_dir``.

    Returns:
        A mapping of each relative path to its hex sha256, in the order given.
    """
    return {rel: sha256_file(out_dir / rel) for rel in relative_paths}
