"""Blobs addressed by sha256, stored through fsspec (a local folder by default, S3 optional).

Writes go to a temporary name and are renamed into place, so a crash never leaves a half-written
blob under its final name; a blob that already exists is never rewritten.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

import fsspec
from fsspec.implementations.local import LocalFileSystem

__all__ = ["BlobStore", "sha256_file"]

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


class BlobStore:
    """Put and get bytes by content hash under ``root`` (a path or fsspec URL)."""

    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/")
        self.fs, self._base = fsspec.core.url_to_fs(self.root)
        self.fs.makedirs(self._base, exist_ok=True)
        self._made: set[str] = set()  # fan-out folders known to exist (saves a syscall per blob)

    def _key(self, digest: str) -> str:
        # One level of 256 folders, as git does: a second level made nearly every new blob
        # create a folder of its own (65,536 of them), which dominated import time.
        return f"{self._base}/sha256/{digest[:2]}/{digest}"

    def exists(self, digest: str) -> bool:
        if isinstance(self.fs, LocalFileSystem):
            return os.path.exists(self._key(digest))
        return bool(self.fs.exists(self._key(digest)))

    def put_file(self, path: Path, digest: str | None = None) -> str:
        """Store a local file; returns its sha256. A no-op when the blob already exists."""
        digest = digest or sha256_file(path)
        key = self._key(digest)
        if self.exists(digest):
            return digest
        folder = key.rsplit("/", 1)[0]
        if folder not in self._made:
            self.fs.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        tmp = f"{key}.tmp-{uuid.uuid4().hex}"
        if isinstance(self.fs, LocalFileSystem):
            # fsspec's local copy re-creates the parent folder on every call: 45 % of an import's
            # time in bench/import_items.py. Plain copy + atomic rename does the same job.
            shutil.copyfile(path, tmp)
            os.replace(tmp, key)
            return digest
        self.fs.put_file(str(path), tmp)
        self.fs.mv(tmp, key)
        return digest

    def open(self, digest: str) -> BinaryIO:
        fh: BinaryIO = self.fs.open(self._key(digest), "rb")
        return fh

    def local_path(self, digest: str) -> Path:
        """A local filesystem path for the blob (only for the local backend)."""
        if self.fs.protocol not in ("file", ("file", "local"), "local") and "file" not in (
            self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        ):
            raise RuntimeError("local_path is only available on a local blob store")
        return Path(self._key(digest))
