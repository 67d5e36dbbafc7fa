"""Blobs addressed by sha256, stored through fsspec (a local folder by default, S3 optional).

Writes go to a temporary name and are renamed into place, so a crash never leaves a half-written
blob under its final name; a blob that already exists is never rewritten. On object storage
(``s3://bucket/prefix`` through s3fs, any S3-compatible endpoint) a blob is written straight to
its key — an object only becomes visible once its upload completes — and blobs larger than twice
``multipart_chunk_bytes`` go up as multipart uploads (a failed one is aborted). Re-running an
interrupted import therefore only uploads the blobs that are missing.

For media streaming, :meth:`BlobStore.signed_url` hands out a time-limited presigned GET URL on
object storage, so the browser fetches bytes from the store instead of through the app.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import fsspec
from fsspec.implementations.local import LocalFileSystem

from datamill.core.errors import DatamillError
from datamill.core.hashing import sha256_file

if TYPE_CHECKING:
    from datamill.config import Settings

__all__ = ["BLOB_DIR_MODE", "BLOB_FILE_MODE", "BlobEncryptedAtRest", "BlobMissing", "BlobStore", "BlobStoreUnavailable",
           "s3_options", "sha256_file"]

#: modes of the blobs and folders a local store creates: not readable by other users of the
#: machine (the service's group may read them, e.g. a backup job); existing ones are left as
#: they are
BLOB_FILE_MODE = 0o640
BLOB_DIR_MODE = 0o750

#: errors only a write can meet: the store is full, read-only, over a quota or a size limit
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG})


class BlobStoreUnavailable(DatamillError):
    """The blob store refuses to keep bytes (full, read-only, not writable, over a file-size
    limit). Not a bad file: the job stops, naming the store, with nothing stored half-way; once
    the store is fixed, running it again resumes."""

    code = "storage_unavailable"
    status = 503


class BlobEncryptedAtRest(DatamillError):
    """A blob stored encrypted (``storage.encrypted``) read without the master key: never
    handed out as content, since its bytes are ciphertext."""

    code = "master_key_missing"
    status = 503


class BlobMissing(DatamillError, FileNotFoundError):
    """A blob the database names is not in the store: the store's folder was lost, moved or
    replaced, or the process runs with another home (``DATAMILL_HOME``, ``DATAMILL_STORAGE_URL``)
    than the one that stored it. Still a ``FileNotFoundError`` for code that reads files."""

    code = "blob_missing"
    status = 503

    @classmethod
    def of_item(cls, digest: str, item_id: object = None,
                external_id: object = None) -> BlobMissing:
        """The error naming the item whose stored file (blob ``digest``) is missing."""
        named = "" if item_id is None else f"item {item_id}" + (
            f" ({external_id})" if external_id is not None else "")
        what = f"the stored file of {named}" if named else "a stored file"
        return cls(
            f"{what} (blob {digest[:12]}…) is missing from the blob store: restore the blob "
            "folder from a backup, or check that the server runs with this installation's "
            "DATAMILL_HOME (or DATAMILL_STORAGE_URL)",
            sha256=digest, **({} if item_id is None else {"item_id": item_id}))


#: how an encrypted blob starts (``compliance.crypto``'s stream format)
_SEALED_MAGIC = b"DMS1"


def _sealed(path: Path | str, digest: str) -> BlobEncryptedAtRest | None:
    """The error to raise when the file at ``path`` is ciphertext rather than blob ``digest``
    (it starts like an encrypted stream and does not hash to its name), else None."""
    with open(path, "rb") as fh:
        if fh.read(len(_SEALED_MAGIC)) != _SEALED_MAGIC:
            return None
    if sha256_file(Path(path)) == digest:  # a plaintext that merely starts the same way
        return None
    return BlobEncryptedAtRest(
        "this blob is encrypted at rest; set DATAMILL_MASTER_KEY_FILE (or DATAMILL_MASTER_KEY) "
        "to the key it was written with", sha256=digest)


def _unavailable(root: str, err: OSError) -> BlobStoreUnavailable:
    reason = err.strerror or str(err) or type(err).__name__
    fix = {errno.ENOSPC: "free space", errno.EDQUOT: "raise the quota",
           errno.EFBIG: "raise the file-size limit (ulimit -f)"}.get(err.errno or 0,
                                                                    "make it writable")
    return BlobStoreUnavailable(
        f"cannot store blobs in {root}: {reason} ({fix}, or point DATAMILL_STORAGE_URL "
        "elsewhere, then run the command again)", store=root)


def remote_errors() -> tuple[type[BaseException], ...]:
    """What an object store's client raises when the store cannot be used (OSError from
    s3fs; botocore's own errors for an endpoint that does not answer or bad keys)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # no S3 extra: fsspec's other stores raise OSError
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


def s3_options(settings: Settings) -> dict[str, Any]:
    """How to reach S3 with the settings' endpoint, region and keys (fsspec's ``s3fs``
    options; SigV4 presigned URLs: what S3 and its compatibles accept everywhere now)."""
    s3: dict[str, Any] = {"config_kwargs": {"signature_version": "s3v4"}}
    client: dict[str, Any] = {}
    if settings.s3_endpoint_url:
        client["endpoint_url"] = settings.s3_endpoint_url
    if settings.s3_region:
        client["region_name"] = settings.s3_region
    if client:
        s3["client_kwargs"] = client
    if settings.s3_access_key_id:
        s3["key"] = settings.s3_access_key_id
    if settings.s3_secret_access_key:
        s3["secret"] = settings.s3_secret_access_key
    return s3


class BlobStore:
    """Put and get bytes by content hash under ``root`` (a path or fsspec URL)."""

    def __init__(
        self, root: str, *, storage_options: dict[str, Any] | None = None,
        multipart_chunk_bytes: int = 8 * 1024 * 1024, cache_dir: Path | None = None,
        max_fetch_bytes: int | None = None, s3_options: dict[str, Any] | None = None,
    ) -> None:
        self.root = root.rstrip("/")
        #: how to reach S3 (the ``DATAMILL_S3_*`` endpoint, region and keys) for ``s3://``
        #: objects registered in place, whatever store the blobs are in
        self.s3_options = s3_options or {}
        self.fs, self._base = fsspec.core.url_to_fs(self.root, **(storage_options or {}))
        self.local = isinstance(self.fs, LocalFileSystem)
        self.multipart_chunk_bytes = multipart_chunk_bytes
        self._cache_dir = cache_dir
        #: most bytes of one remote object registered in place fetched into the cache
        #: (``Settings.max_remote_object_bytes``; None: no limit)
        self.max_fetch_bytes = max_fetch_bytes
        if self.local:
            try:
                os.makedirs(self._base, mode=BLOB_DIR_MODE, exist_ok=True)
            except OSError as err:
                raise _unavailable(self.root, err) from None
        self._made: set[str] = set()  # fan-out folders known to exist (saves a syscall per blob)

    @classmethod
    def from_settings(cls, settings: Settings) -> BlobStore:
        """The store ``storage_url`` names, with the S3 endpoint and keys from the settings."""
        url = settings.resolved_storage_url()
        s3 = s3_options(settings)
        return cls(
            url, storage_options=s3 if url.startswith(("s3://", "s3a://")) else {},
            multipart_chunk_bytes=settings.s3_multipart_chunk_bytes,
            cache_dir=settings.home / "blob-cache",
            max_fetch_bytes=settings.max_remote_object_bytes, s3_options=s3,
        )

    def _key(self, digest: str) -> str:
        # One level of 256 folders, as git does: a second level made nearly every new blob
        # create a folder of its own (65,536 of them), which dominated import time.
        return f"{self._base}/sha256/{digest[:2]}/{digest}"

    def exists(self, digest: str) -> bool:
        if self.local:
            return os.path.exists(self._key(digest))
        key = self._key(digest)
        with self._remote():
            self.fs.invalidate_cache(key)  # another writer may have stored it since we listed
            return bool(self.fs.exists(key))

    @contextmanager
    def _remote(self, source: Path | None = None, missing: str | None = None) -> Iterator[None]:
        """Object-store failures (no such bucket, endpoint down, keys refused) as
        :class:`BlobStoreUnavailable` naming the store; a local ``source`` file's own error
        stays that file's; reading blob ``missing``, its absence is :class:`BlobMissing`."""
        try:
            yield
        except remote_errors() as err:
            if missing is not None and isinstance(err, FileNotFoundError):
                raise BlobMissing.of_item(missing) from None
            if isinstance(err, OSError) and source is not None and err.filename in (
                    str(source), source):
                raise
            reason = (err.strerror if isinstance(err, OSError) else None) or str(err)
            raise BlobStoreUnavailable(
                f"cannot use the blob store {self.root}: {reason.splitlines()[0][:300]} (check "
                "DATAMILL_STORAGE_URL's bucket, DATAMILL_S3_ENDPOINT_URL and the S3 keys, then "
                "run the command again)", store=self.root) from None

    def put_file(self, path: Path, digest: str | None = None) -> str:
        """Store a local file; returns its sha256. A no-op when the blob already exists."""
        digest = digest or sha256_file(path)
        key = self._key(digest)
        if self.exists(digest):
            return digest
        if not self.local:
            # object stores publish a key only when its upload completes: no temp name needed
            protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
            extra = {"chunksize": self.multipart_chunk_bytes} if "s3" in protocols else {}
            with self._remote(source=path):
                self.fs.put_file(str(path), key, **extra)
            return digest
        folder = key.rsplit("/", 1)[0]
        tmp = f"{key}.tmp-{uuid.uuid4().hex}"
        try:
            if folder not in self._made:
                # one at a time: os.makedirs gives its mode to the last folder only
                os.makedirs(folder.rsplit("/", 1)[0], mode=BLOB_DIR_MODE, exist_ok=True)
                os.makedirs(folder, mode=BLOB_DIR_MODE, exist_ok=True)
                self._made.add(folder)
            # fsspec's local copy re-creates the parent folder on every call: 45 % of an
            # import's time in bench/import_items.py. Plain copy + atomic rename does the same.
            shutil.copyfile(path, tmp)
            os.chmod(tmp, BLOB_FILE_MODE)
            os.replace(tmp, key)
        except OSError as err:
            if os.path.lexists(tmp):
                os.unlink(tmp)  # a partial copy never stays behind
            if err.errno in _WRITE_ERRNOS or (
                    err.errno in (errno.EACCES, errno.EPERM)
                    and err.filename in (tmp, folder, key)):
                raise _unavailable(self.root, err) from None
            raise  # the source file's own problem: the caller names that file
        return digest

    def delete(self, digest: str) -> bool:
        """Remove a blob (retention of custom backups); False when it was not there."""
        if not self.exists(digest):
            return False
        self.fs.rm(self._key(digest))
        if not self.local and self._cache_dir is not None:
            (self._cache_dir / digest[:2] / digest).unlink(missing_ok=True)
        return True

    def open(self, digest: str) -> BinaryIO:
        """The blob's bytes; ``BlobEncryptedAtRest`` when they are ciphertext (no master key)."""
        fh = self.open_stored(digest)
        if fh.read(len(_SEALED_MAGIC)) != _SEALED_MAGIC:  # one open for the usual blob
            fh.seek(0)
            return fh
        fh.close()
        self.local_path(digest)  # verifies the hash: raises when it is ciphertext
        return self.open_stored(digest)

    def open_stored(self, digest: str) -> BinaryIO:
        """The bytes as stored, unchecked (ciphertext for an encrypted blob)."""
        try:
            fh: BinaryIO = self.fs.open(self._key(digest), "rb")
        except FileNotFoundError:
            raise BlobMissing.of_item(digest) from None
        return fh

    @property
    def cache_dir(self) -> Path:
        """Where remote bytes are fetched to for local reading."""
        return self._cache_dir or Path(tempfile.gettempdir()) / "datamill-blob-cache"

    def local_path(self, digest: str) -> Path:
        """A local filesystem path for the blob.

        On object storage the blob is downloaded once into a content-addressed cache folder
        (verified by hash, renamed into place), so checks and exports read a local file.
        """
        if self.local:
            path = Path(self._key(digest))
            try:
                sealed = _sealed(path, digest)
            except FileNotFoundError:
                raise BlobMissing.of_item(digest) from None
            if sealed is not None:
                raise sealed
            return path
        target = self.cache_dir / digest[:2] / digest
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{digest}.tmp-{uuid.uuid4().hex}")
        try:
            with self._remote(missing=digest):
                self.fs.get_file(self._key(digest), str(tmp))
            if sha256_file(tmp) != digest:
                if (sealed := _sealed(tmp, digest)) is not None:
                    raise sealed
                raise OSError(f"blob {digest} in {self.root} does not match its hash")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def size(self, digest: str) -> int:
        return int(self.fs.size(self._key(digest)))

    #: whether :meth:`read_stored_ranges` reads the blob's own bytes (an encrypting store's
    #: stored bytes are ciphertext: it reads nothing by range)
    reads_ranges = True

    def read_stored_ranges(self, ranges: Sequence[tuple[str, int, int]]) -> list[bytes | None]:
        """Byte ranges ``(digest, start, end)`` (end exclusive) of blobs as stored, without
        fetching them whole: from a blob's local copy when there is one, the rest in one call
        to the store (concurrent range GETs on S3); None for a range of a blob not stored.
        Unchecked, as :meth:`open_stored`: a blob encrypted at rest read without its key gives
        ciphertext, which the caller's own check must refuse (a text excerpt's UTF-8 decoding
        and length)."""
        cached = {d for d, _, _ in ranges
                  if not self.local and (self.cache_dir / d[:2] / d).exists()}
        got: list[bytes | None] = [None] * len(ranges)
        for fs, which in ((LocalFileSystem(), [n for n, r in enumerate(ranges) if r[0] in cached]),
                          (self.fs, [n for n, r in enumerate(ranges) if r[0] not in cached])):
            if not which:
                continue
            paths = [str(self.cache_dir / ranges[n][0][:2] / ranges[n][0]) if fs is not self.fs
                     else self._key(ranges[n][0]) for n in which]
            with self._remote():
                out = fs.cat_ranges(paths, [ranges[n][1] for n in which],
                                    [ranges[n][2] for n in which], on_error="return")
            for n, data in zip(which, out, strict=True):
                if isinstance(data, FileNotFoundError):
                    continue
                if isinstance(data, BaseException):
                    with self._remote():
                        raise data
                got[n] = data
        return got

    def signed_url(
        self, digest: str, expires_s: int = 900, *, content_type: str | None = None
    ) -> str | None:
        """A time-limited URL the browser can GET the blob from, or None for a local folder
        (then the app serves the file itself)."""
        if self.local:
            return None
        extra: dict[str, Any] = {}
        if content_type:
            extra["ResponseContentType"] = content_type
        try:
            url: str = self.fs.sign(self._key(digest), expiration=int(expires_s), **extra)
        except NotImplementedError:
            return None
        return url
