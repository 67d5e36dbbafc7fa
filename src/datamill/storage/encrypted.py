"""Encryption at rest for the blob store.

:class:`EncryptingBlobStore` wraps a :class:`~datamill.storage.blobstore.BlobStore`: every blob is
written as an AES-256-GCM chunked stream (``compliance.crypto``) under the store's data key, and
still addressed by the sha256 of its *plaintext* (so deduplication and every recorded
``Item.sha256`` keep working). The digest is bound into each chunk's associated data, so a
ciphertext moved under another name does not decrypt. Reading with another data key (another
master key, another database) raises ``DecryptionError``.

Blobs written before encryption was switched on are plaintext; they are still served, but only
after their sha256 matched their name.

Callers that need a path (``local_path``: checks, delivery, media) get a decrypted copy in a
private cache folder (0700, under ``home/plain-cache``), written atomically and only once every
chunk authenticated; :meth:`EncryptingBlobStore.purge_cache` empties it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from datamill.compliance.crypto import DataKey, DecryptionError, decrypt_file, encrypt_file
from datamill.storage.blobstore import BlobStore, sha256_file

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from datamill.config import Settings

__all__ = ["EncryptingBlobStore", "encrypting_if_configured"]

_STREAM_MAGIC = b"DMS1"


class EncryptingBlobStore(BlobStore):
    """A BlobStore whose stored bytes are ciphertext; the interface is BlobStore's."""

    def __init__(
        self, inner: BlobStore, key: DataKey | Callable[[], DataKey], cache_dir: Path
    ) -> None:
        # No super().__init__: the inner store owns the filesystem; we reuse its handles.
        self.inner = inner
        self.root = inner.root
        self.fs, self._base = inner.fs, inner._base
        self.local = inner.local
        self.multipart_chunk_bytes = inner.multipart_chunk_bytes
        self._cache_dir = inner._cache_dir
        self._made = inner._made
        self._key_or_loader = key
        self._dk: DataKey | None = key if isinstance(key, DataKey) else None
        self._plain_cache = Path(cache_dir)

    @property
    def cache_dir(self) -> Path:
        """Where decrypted copies are kept for readers that need a file path (0700)."""
        return self._plain_cache

    @property
    def data_key(self) -> DataKey:
        if self._dk is None:
            loader = self._key_or_loader
            assert callable(loader)
            self._dk = loader()
        return self._dk

    def _key(self, digest: str) -> str:
        return self.inner._key(digest)

    def exists(self, digest: str) -> bool:
        return self.inner.exists(digest)

    def put_file(self, path: Path, digest: str | None = None) -> str:
        digest = digest or sha256_file(path)
        if self.inner.exists(digest):
            return digest
        fd, tmp = tempfile.mkstemp(prefix=".enc-", dir=self._tmp_dir())
        os.close(fd)
        try:
            encrypt_file(self.data_key, path, tmp, context=digest)
            self.inner.put_file(Path(tmp), digest)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return digest

    def _tmp_dir(self) -> str:
        self.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return str(self.cache_dir)

    def _is_encrypted(self, digest: str) -> bool:
        with self.inner.open(digest) as fh:
            return fh.read(4) == _STREAM_MAGIC

    def local_path(self, digest: str) -> Path:
        """A decrypted copy of the blob (cached; authenticated before it appears)."""
        target = self.cache_dir / "sha256" / digest[:2] / digest
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.cache_dir, 0o700)
        if self._is_encrypted(digest):
            fd, src = tempfile.mkstemp(prefix=".raw-", dir=self._tmp_dir())
            os.close(fd)
            try:
                with self.inner.open(digest) as fin, open(src, "wb") as fout:
                    shutil.copyfileobj(fin, fout)
                decrypt_file(self.data_key, src, target, context=digest)
            finally:
                Path(src).unlink(missing_ok=True)
        else:
            self._copy_legacy(digest, target)
        return target

    def _copy_legacy(self, digest: str, target: Path) -> None:
        """A blob stored before encryption: served only when its content matches its name."""
        fd, tmp = tempfile.mkstemp(prefix=".plain-", dir=target.parent)
        os.close(fd)
        try:
            h = hashlib.sha256()
            with self.inner.open(digest) as fin, open(tmp, "wb") as fout:
                for chunk in iter(lambda: fin.read(1 << 20), b""):
                    h.update(chunk)
                    fout.write(chunk)
            if h.hexdigest() != digest:
                raise DecryptionError(
                    "the stored blob is neither encrypted nor matches its sha256", sha256=digest
                )
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def size(self, digest: str) -> int:
        """The plaintext size (the stored ciphertext is larger)."""
        return self.local_path(digest).stat().st_size

    def signed_url(
        self, digest: str, expires_s: int = 900, *, content_type: str | None = None
    ) -> str | None:
        """Never a URL: the store holds ciphertext, so the app serves the decrypted copy."""
        return None

    def open(self, digest: str) -> BinaryIO:
        """The plaintext, read from the decrypted copy."""
        return self.local_path(digest).open("rb")

    def read_raw(self, digest: str) -> bytes:
        """The stored (encrypted) bytes, as they lie on disk."""
        with self.inner.open(digest) as fh:
            return fh.read()

    def purge_cache(self) -> int:
        """Delete every decrypted copy; returns how many files were removed."""
        n = 0
        root = self.cache_dir / "sha256"
        if root.exists():
            n = sum(1 for p in root.rglob("*") if p.is_file())
            shutil.rmtree(root)
        return n


def encrypting_if_configured(
    blobs: BlobStore, settings: Settings, sessions: sessionmaker[Session]
) -> BlobStore:
    """``blobs`` wrapped in an :class:`EncryptingBlobStore` when a master key is configured.

    The data key is loaded (or created) from ``project_keys`` on first use, in its own
    transaction, so building the runtime never touches the database.
    """
    from datamill.compliance.keystore import BLOB_SCOPE, data_key, master_key_from_settings

    master = master_key_from_settings(settings)
    if master is None:
        return blobs

    def load() -> DataKey:
        from sqlalchemy.exc import IntegrityError

        from datamill.db.session import session_scope

        try:
            with session_scope(sessions) as s:
                return data_key(s, master, BLOB_SCOPE)
        except IntegrityError:  # another process created it first: read theirs
            with session_scope(sessions) as s:
                return data_key(s, master, BLOB_SCOPE)

    return EncryptingBlobStore(blobs, load, settings.home.resolve() / "plain-cache")
