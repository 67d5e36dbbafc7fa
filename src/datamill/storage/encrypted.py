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
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import event

from datamill.compliance.crypto import (
    DataKey,
    DecryptionError,
    MasterKey,
    decrypt_file,
    encrypt_file,
    stream_key_id,
)
from datamill.storage.blobstore import BLOB_FILE_MODE, BlobStore, sha256_file

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from datamill.config import Settings

__all__ = ["EncryptingBlobStore", "encrypting_if_configured"]

_STREAM_MAGIC = b"DMS1"
_HEX = frozenset("0123456789abcdef")


class EncryptingBlobStore(BlobStore):
    """A BlobStore whose stored bytes are ciphertext; the interface is BlobStore's."""

    reads_ranges = False  # a range of ciphertext is not the blob's bytes

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
        self.max_fetch_bytes = inner.max_fetch_bytes
        self._made = inner._made
        self._key_or_loader = key
        self._dk: DataKey | None = key if isinstance(key, DataKey) else None
        self._plain_cache = Path(cache_dir)
        self.master: MasterKey | None = None  # set by encrypting_if_configured

    def load_key(self, session: Session) -> DataKey:
        """The data key, read (or created) in the caller's transaction: for services that hold
        a session already (on SQLite a second writer would wait for it)."""
        if self._dk is None:
            from datamill.compliance.keystore import BLOB_SCOPE, data_key

            if self.master is None:
                return self.data_key
            self._dk = data_key(session, self.master, BLOB_SCOPE)
        return self._dk

    @property
    def cache_dir(self) -> Path:
        """The private (0700) folder of decrypted copies."""
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
        with self.inner.open_stored(digest) as fh:
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
                with self.inner.open_stored(digest) as fin, open(src, "wb") as fout:
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
            with self.inner.open_stored(digest) as fin, open(tmp, "wb") as fout:
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
        with self.inner.open_stored(digest) as fh:
            return fh.read()

    def digests(self) -> list[str]:
        """Every stored blob's name (sha256), sorted; temporary names are skipped."""
        base = f"{self._base}/sha256"
        if self.local:
            root = Path(base)
            names = [p.name for p in root.glob("*/*")] if root.exists() else []
        else:
            names = [str(k).rsplit("/", 1)[-1] for k in self.fs.find(base)]
        return sorted(n for n in names if len(n) == 64 and all(c in _HEX for c in n))

    def encrypt_in_place(self, digest: str) -> str:
        """Encrypt one blob stored before encryption was switched on.

        Returns ``"encrypted"``, ``"already"`` (stored encrypted under this data key) or
        ``"mismatch"`` (plaintext that does not hash to its name: left untouched). A blob
        encrypted under another data key raises ``DecryptionError``. The ciphertext is
        decrypted and compared before it replaces the plaintext, in one atomic rename, so an
        interrupted run leaves every blob readable and a re-run carries on.
        """
        if self._is_encrypted(digest):
            with self.inner.open_stored(digest) as fh:
                key_id = stream_key_id(fh)
            if key_id != self.data_key.key_id:
                raise DecryptionError(
                    "blob is encrypted under another data key (wrong master key or database?)",
                    sha256=digest, key_id=key_id)
            return "already"
        work = Path(tempfile.mkdtemp(prefix=".encx-", dir=self._tmp_dir()))
        try:
            plain, enc, check = work / "plain", work / "enc", work / "check"
            h = hashlib.sha256()
            with self.inner.open_stored(digest) as fin, plain.open("wb") as fout:
                for chunk in iter(lambda: fin.read(1 << 20), b""):
                    h.update(chunk)
                    fout.write(chunk)
            if h.hexdigest() != digest:
                return "mismatch"
            encrypt_file(self.data_key, plain, enc, context=digest)
            decrypt_file(self.data_key, enc, check, context=digest)
            if sha256_file(check) != digest:  # pragma: no cover - AES-GCM authenticated it
                raise DecryptionError("encryption round trip failed", sha256=digest)
            key = self.inner._key(digest)
            if self.local:
                tmp = f"{key}.tmp-enc"
                shutil.copyfile(enc, tmp)
                os.chmod(tmp, BLOB_FILE_MODE)
                os.replace(tmp, key)
            else:
                self.fs.put_file(str(enc), key)
                if self.inner._cache_dir is not None:
                    (self.inner._cache_dir / digest[:2] / digest).unlink(missing_ok=True)
            return "encrypted"
        finally:
            shutil.rmtree(work, ignore_errors=True)

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

    Building the runtime never touches the database. The data key is read (or created, in its
    own committed transaction) as the engine's first connection is made, before any transaction begins, so a service
    that writes or reads blobs inside its write transaction never has to open a second one: on
    SQLite that one would queue behind the writer lock its own caller holds (a deadlock), and
    a key created inside the caller's transaction would vanish with a rollback while blobs
    encrypted under it stay. Should that early load fail (tables not created yet, a wrong master
    key), the next transaction tries again and the blob calls raise the error themselves.
    """
    from datamill.compliance.keystore import (
        BLOB_SCOPE,
        data_key,
        master_key_from_settings,
        stored_data_key,
    )

    master = master_key_from_settings(settings)
    if master is None:
        return blobs

    def load() -> DataKey:
        from sqlalchemy.exc import IntegrityError

        from datamill.db.session import reads_first, session_scope

        with sessions() as s, reads_first(s):  # no writer lock while the key exists already
            found = stored_data_key(s, master, BLOB_SCOPE)
        if found is not None:
            return found
        try:
            with session_scope(sessions) as s:
                return data_key(s, master, BLOB_SCOPE)
        except IntegrityError:  # another process created it first: read theirs
            with session_scope(sessions) as s:
                return data_key(s, master, BLOB_SCOPE)

    store = EncryptingBlobStore(blobs, load, settings.home.resolve() / "plain-cache")
    store.master = master
    engine = sessions.kw.get("bind")
    if engine is not None:
        _load_before_first_begin(engine, store)
    return store


def _load_before_first_begin(engine: Engine, store: EncryptingBlobStore) -> None:
    loading = threading.local()  # the load's own transactions must not load again

    def before_begin(_conn: Any) -> None:
        if store._dk is not None or getattr(loading, "on", False):
            return
        loading.on = True
        try:
            store.data_key  # noqa: B018 - loads and caches the key
        except Exception:  # noqa: BLE001, S110 - see encrypting_if_configured
            pass
        finally:
            loading.on = False

    # a connection is made (checked out) before its transaction begins, so before the writer lock
    # is taken ("begin" listeners would run after session.py's, which takes it)
    event.listen(engine, "engine_connect", before_begin)
