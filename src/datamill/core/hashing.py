"""Content hashes of files: the one chunked sha256 every exporter, import and store uses."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["sha256_file"]

_CHUNK_BYTES = 1 << 20


def sha256_file(path: Path, chunk_bytes: int = _CHUNK_BYTES) -> str:
    """The lowercase hex sha256 of ``path``, read in ``chunk_bytes`` pieces (memory stays bounded
    whatever the file size)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()
