"""Encryption at rest: AES-256-GCM envelopes, per-project data keys, master-key rotation.

The key hierarchy has two levels:

* a **master key** (32 random bytes) that never touches stored data directly. Callers load it
  from a file (:meth:`MasterKey.from_file`) or from a base64 string that the configuration layer
  read from its environment (:meth:`MasterKey.from_base64`); this module never reads the
  environment itself;
* a **data key** per project (:func:`new_data_key`), stored only *wrapped* — encrypted with
  AES-256-GCM under the master key, with the project id and both key ids as associated data, so a
  wrapped key copied onto another project's row does not unwrap.

Rotating the master key (:func:`rotate_wrapped_keys`) re-wraps the data keys; the data itself is
never re-encrypted.

Two formats carry data:

* a **blob envelope** (:func:`encrypt_blob` / :func:`decrypt_blob`) for values that fit in memory::

      b"DMB1" | version (1) | len(key_id) (1) | key_id | nonce (12) | ciphertext + tag (16)

* a **chunked stream** (:func:`encrypt_stream` / :func:`decrypt_stream`, and the file helpers)
  for large files; a header then one record per chunk::

      header: b"DMS1" | version (1) | len(key_id) (1) | key_id | chunk_size (4) | stream_id (16)
      record: nonce (12) | len(ciphertext) (4) | ciphertext + tag

  Every chunk has its own random nonce; its associated data holds the header, the chunk index
  and a final-chunk flag, so dropped, reordered, duplicated or appended chunks and a truncated file
  are all detected.

Both formats bind the data key's project id and a caller ``context`` (for example the blob's
content hash or storage key) into the associated data: a ciphertext moved to another project or
another key fails to decrypt. Every failure raises :class:`DecryptionError`; no function here ever
returns unauthenticated bytes (the streaming reader writes a chunk only after its tag verified; use
:func:`decrypt_file`, which writes to a temporary file and renames it only on success, when a
partial output must never be seen).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from datamill.core.errors import DatamillError, InvalidInput

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DataKey",
    "DecryptionError",
    "KeyRing",
    "MasterKey",
    "WrappedKey",
    "blob_key_id",
    "decrypt_blob",
    "decrypt_file",
    "decrypt_stream",
    "encrypt_blob",
    "encrypt_file",
    "encrypt_stream",
    "iter_decrypt",
    "new_data_key",
    "rotate_wrapped_keys",
    "stream_key_id",
    "unwrap_data_key",
]

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
STREAM_ID_BYTES = 16
DEFAULT_CHUNK_SIZE = 1 << 20
MAX_CHUNK_SIZE = 64 << 20
VERSION = 1

_BLOB_MAGIC = b"DMB1"
_STREAM_MAGIC = b"DMS1"
_WRAP_MAGIC = b"DMK1"
_RECORD = struct.Struct(">12sI")


class DecryptionError(DatamillError):
    """Ciphertext that cannot be authenticated: wrong key, wrong project, tampered or truncated."""

    code = "decryption_failed"
    status = 422


def _key_fingerprint(key: bytes) -> str:
    return "mk-" + hashlib.sha256(b"datamill master key id\x00" + key).hexdigest()[:16]


def _check_key(key: bytes, what: str) -> bytes:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise InvalidInput(f"{what} must be exactly {KEY_BYTES} bytes (AES-256)")
    return bytes(key)


def _check_id(value: str, what: str) -> bytes:
    raw = value.encode("utf-8")
    if not raw or len(raw) > 255:
        raise InvalidInput(f"{what} must be 1 to 255 bytes of UTF-8", value=value)
    return raw


def _context_bytes(context: bytes | str) -> bytes:
    return context.encode("utf-8") if isinstance(context, str) else bytes(context)


def _lp(*parts: bytes) -> bytes:
    """Length-prefixed concatenation: unambiguous associated data."""
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)


@dataclass(frozen=True, repr=False)
class MasterKey:
    """The key-encryption key. ``key_id`` defaults to a fingerprint that does not reveal the key."""

    key: bytes
    key_id: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", _check_key(self.key, "a master key"))
        if not self.key_id:
            object.__setattr__(self, "key_id", _key_fingerprint(self.key))
        _check_id(self.key_id, "a master key id")

    def __repr__(self) -> str:  # never print key material
        return f"MasterKey(key_id={self.key_id!r})"

    @classmethod
    def generate(cls, key_id: str = "") -> MasterKey:
        return cls(secrets.token_bytes(KEY_BYTES), key_id)

    @classmethod
    def from_base64(cls, value: str | bytes, key_id: str = "") -> MasterKey:
        """A key given as standard or URL-safe base64 text (surrounding whitespace ignored)."""
        text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
        text = "".join(text.split())
        text += "=" * (-len(text) % 4)  # URL-safe keys often come without their padding
        try:
            if "-" in text or "_" in text:
                raw = base64.urlsafe_b64decode(text)
            else:
                raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput("the master key is not valid base64") from exc
        return cls(_check_key(raw, "the decoded master key"), key_id)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], key_id: str = "") -> MasterKey:
        """A key file holding either 32 raw bytes or the key as base64 text."""
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read the master key file {p}: {exc.strerror}") from exc
        if len(data) == KEY_BYTES:
            return cls(data, key_id)
        return cls.from_base64(data, key_id)

    def to_base64(self) -> str:
        return base64.b64encode(self.key).decode("ascii")


@dataclass(frozen=True, repr=False)
class DataKey:
    """A project's unwrapped data key (keep it in memory only)."""

    project_id: str
    key_id: str
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_id(self.project_id, "a project id")
        _check_id(self.key_id, "a data key id")
        object.__setattr__(self, "key", _check_key(self.key, "a data key"))

    def __repr__(self) -> str:
        return f"DataKey(project_id={self.project_id!r}, key_id={self.key_id!r})"


@dataclass(frozen=True)
class WrappedKey:
    """A data key encrypted under a master key; safe to store next to the project."""

    project_id: str
    key_id: str
    master_key_id: str
    nonce: bytes
    ciphertext: bytes

    def _aad(self) -> bytes:
        return _lp(_WRAP_MAGIC, self.project_id.encode(), self.key_id.encode(),
                   self.master_key_id.encode())

    def to_bytes(self) -> bytes:
        return _WRAP_MAGIC + bytes([VERSION]) + _lp(
            self.project_id.encode(), self.key_id.encode(), self.master_key_id.encode(),
            self.nonce, self.ciphertext,
        )

    def to_text(self) -> str:
        return base64.b64encode(self.to_bytes()).decode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> WrappedKey:
        if data[:4] != _WRAP_MAGIC or len(data) < 5:
            raise DecryptionError("not a datamill wrapped key")
        if data[4] != VERSION:
            raise DecryptionError(f"unsupported wrapped key version {data[4]}")
        parts: list[bytes] = []
        pos = 5
        try:
            for _ in range(5):
                (n,) = struct.unpack_from(">I", data, pos)
                pos += 4
                if pos + n > len(data):
                    raise DecryptionError("truncated wrapped key")
                parts.append(data[pos:pos + n])
                pos += n
        except struct.error as exc:
            raise DecryptionError("truncated wrapped key") from exc
        if pos != len(data):
            raise DecryptionError("trailing bytes after the wrapped key")
        try:
            project_id, key_id, master_key_id = (p.decode("utf-8") for p in parts[:3])
        except UnicodeDecodeError as exc:
            raise DecryptionError("corrupt wrapped key") from exc
        return cls(project_id, key_id, master_key_id, parts[3], parts[4])

    @classmethod
    def from_text(cls, text: str) -> WrappedKey:
        try:
            return cls.from_bytes(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError) as exc:
            raise DecryptionError("a wrapped key must be base64 text") from exc


class KeyRing:
    """Master keys by id: the current one wraps, any known one unwraps (during a rotation)."""

    def __init__(self, current: MasterKey, *older: MasterKey) -> None:
        self.current = current
        self._keys: dict[str, MasterKey] = {k.key_id: k for k in (*older, current)}

    def get(self, key_id: str) -> MasterKey:
        try:
            return self._keys[key_id]
        except KeyError:
            raise DecryptionError(
                f"the data key was wrapped by master key {key_id!r}, which is not configured",
                master_key_id=key_id,
            ) from None

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys


def _wrap(master: MasterKey, project_id: str, key_id: str, key: bytes) -> WrappedKey:
    nonce = secrets.token_bytes(NONCE_BYTES)
    shell = WrappedKey(project_id, key_id, master.key_id, nonce, b"")
    ct = AESGCM(master.key).encrypt(nonce, key, shell._aad())
    return WrappedKey(project_id, key_id, master.key_id, nonce, ct)


def new_data_key(master: MasterKey | KeyRing, project_id: str) -> tuple[DataKey, WrappedKey]:
    """A fresh random data key for ``project_id`` and its wrapped form (store the latter)."""
    mk = master.current if isinstance(master, KeyRing) else master
    key_id = "dk-" + secrets.token_hex(8)
    dk = DataKey(project_id, key_id, secrets.token_bytes(KEY_BYTES))
    return dk, _wrap(mk, project_id, key_id, dk.key)


def unwrap_data_key(
    master: MasterKey | KeyRing, wrapped: WrappedKey, *, project_id: str | None = None
) -> DataKey:
    """The data key inside ``wrapped``; :class:`DecryptionError` on a wrong key or project."""
    if project_id is not None and project_id != wrapped.project_id:
        raise DecryptionError(
            "the wrapped key belongs to another project",
            project_id=project_id, key_project_id=wrapped.project_id,
        )
    if isinstance(master, KeyRing):
        mk = master.get(wrapped.master_key_id)
    else:
        mk = master
        if mk.key_id != wrapped.master_key_id:
            raise DecryptionError(
                f"the data key was wrapped by master key {wrapped.master_key_id!r}, "
                f"not {mk.key_id!r}",
                master_key_id=wrapped.master_key_id,
            )
    try:
        key = AESGCM(mk.key).decrypt(wrapped.nonce, wrapped.ciphertext, wrapped._aad())
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(
            "the wrapped data key does not authenticate under this master key",
            key_id=wrapped.key_id,
        ) from exc
    return DataKey(wrapped.project_id, wrapped.key_id, key)


def rotate_wrapped_keys(
    wrapped: Iterable[WrappedKey], old: MasterKey | KeyRing, new: MasterKey
) -> list[WrappedKey]:
    """Re-wrap every data key under ``new``; the data they protect stays as it is.

    All keys are unwrapped first, so a single bad key raises before anything is returned.
    """
    keys = [unwrap_data_key(old, w) for w in wrapped]
    return [_wrap(new, k.project_id, k.key_id, k.key) for k in keys]


# -- blobs -----------------------------------------------------------------------------------


def _blob_header(key_id: str) -> bytes:
    kid = _check_id(key_id, "a data key id")
    return _BLOB_MAGIC + bytes([VERSION, len(kid)]) + kid


def encrypt_blob(key: DataKey, plaintext: bytes, context: bytes | str = b"") -> bytes:
    """``plaintext`` in a self-describing envelope bound to the key's project and ``context``."""
    header = _blob_header(key.key_id)
    nonce = secrets.token_bytes(NONCE_BYTES)
    aad = _lp(header, key.project_id.encode(), _context_bytes(context))
    return header + nonce + AESGCM(key.key).encrypt(nonce, bytes(plaintext), aad)


def _parse_id_header(data: bytes, magic: bytes, what: str) -> tuple[str, int]:
    if len(data) < 6 or data[:4] != magic:
        raise DecryptionError(f"not a datamill {what}")
    if data[4] != VERSION:
        raise DecryptionError(f"unsupported {what} version {data[4]}")
    n = data[5]
    if len(data) < 6 + n:
        raise DecryptionError(f"truncated {what} header")
    try:
        key_id = data[6:6 + n].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptionError(f"corrupt {what} header") from exc
    return key_id, 6 + n


def blob_key_id(blob: bytes) -> str:
    """The data key id named in a blob envelope (to pick the key before decrypting)."""
    return _parse_id_header(blob, _BLOB_MAGIC, "encrypted blob")[0]


def _resolve_key(keys: DataKey | Mapping[str, DataKey], key_id: str) -> DataKey:
    if isinstance(keys, DataKey):
        if keys.key_id != key_id:
            raise DecryptionError(
                f"encrypted with data key {key_id!r}, not {keys.key_id!r}", key_id=key_id
            )
        return keys
    try:
        return keys[key_id]
    except KeyError:
        raise DecryptionError(f"unknown data key {key_id!r}", key_id=key_id) from None


def decrypt_blob(
    keys: DataKey | Mapping[str, DataKey], blob: bytes, context: bytes | str = b""
) -> bytes:
    """The plaintext of :func:`encrypt_blob`'s envelope, or :class:`DecryptionError`."""
    key_id, pos = _parse_id_header(blob, _BLOB_MAGIC, "encrypted blob")
    key = _resolve_key(keys, key_id)
    if len(blob) < pos + NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("truncated encrypted blob")
    nonce = blob[pos:pos + NONCE_BYTES]
    aad = _lp(blob[:pos], key.project_id.encode(), _context_bytes(context))
    try:
        return AESGCM(key.key).decrypt(nonce, blob[pos + NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise DecryptionError(
            "the encrypted blob does not authenticate (wrong key, project or context, "
            "or the bytes were altered)", key_id=key_id,
        ) from exc


# -- streams ---------------------------------------------------------------------------------


def _chunk_aad(header: bytes, project: bytes, context: bytes, index: int, final: bool,
               length: int) -> bytes:
    return _lp(header, project, context, struct.pack(">QBI", index, int(final), length))


def _read_full(src: BinaryIO, n: int) -> bytes:
    parts: list[bytes] = []
    remaining = n
    while remaining:
        block = src.read(remaining)
        if not block:
            break
        parts.append(block)
        remaining -= len(block)
    return b"".join(parts)


def encrypt_stream(
    key: DataKey, src: BinaryIO, dst: BinaryIO, context: bytes | str = b"",
    *, chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> int:
    """Encrypt ``src`` into ``dst`` chunk by chunk; returns the plaintext byte count."""
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise InvalidInput(f"chunk_size must be 1 to {MAX_CHUNK_SIZE} bytes")
    kid = _check_id(key.key_id, "a data key id")
    header = (_STREAM_MAGIC + bytes([VERSION, len(kid)]) + kid
              + struct.pack(">I", chunk_size) + secrets.token_bytes(STREAM_ID_BYTES))
    dst.write(header)
    aead = AESGCM(key.key)
    project, ctx = key.project_id.encode(), _context_bytes(context)
    total = 0
    index = 0
    chunk = _read_full(src, chunk_size)
    while True:
        following = _read_full(src, chunk_size) if len(chunk) == chunk_size else b""
        final = not following
        nonce = secrets.token_bytes(NONCE_BYTES)
        ct = aead.encrypt(nonce, chunk, _chunk_aad(header, project, ctx, index, final, len(chunk)))
        dst.write(_RECORD.pack(nonce, len(ct)) + ct)
        total += len(chunk)
        if final:
            return total
        chunk = following
        index += 1


def stream_key_id(src: BinaryIO) -> str:
    """The data key id in a stream header (reads and consumes the header's first bytes)."""
    return _read_stream_header(src)[1]


def _read_stream_header(src: BinaryIO) -> tuple[bytes, str, int]:
    head = _read_full(src, 6)
    if len(head) < 6 or head[:4] != _STREAM_MAGIC:
        raise DecryptionError("not a datamill encrypted stream")
    need = head[5] + 4 + STREAM_ID_BYTES
    rest = _read_full(src, need)
    if len(rest) < need:
        raise DecryptionError("truncated encrypted stream header")
    header = head + rest
    key_id, pos = _parse_id_header(header, _STREAM_MAGIC, "encrypted stream")
    (chunk_size,) = struct.unpack_from(">I", header, pos)
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise DecryptionError("corrupt encrypted stream header (chunk size)")
    return header, key_id, chunk_size


def _try_decrypt(aead: AESGCM, nonce: bytes, ct: bytes, aad: bytes) -> bytes | None:
    try:
        return aead.decrypt(nonce, ct, aad)
    except InvalidTag:
        return None


def iter_decrypt(
    keys: DataKey | Mapping[str, DataKey], src: BinaryIO, context: bytes | str = b""
) -> Iterator[bytes]:
    """Yield authenticated plaintext chunks of an :func:`encrypt_stream` stream.

    Each yielded chunk has been verified, but a later chunk can still fail (truncation,
    reordering): a consumer must discard what it received when this raises.
    """
    header, key_id, chunk_size = _read_stream_header(src)
    key = _resolve_key(keys, key_id)
    aead = AESGCM(key.key)
    project, ctx = key.project_id.encode(), _context_bytes(context)
    index = 0
    rec = _read_full(src, _RECORD.size)
    while True:
        if len(rec) < _RECORD.size:
            raise DecryptionError(
                "the encrypted stream ends before its final chunk (truncated)", chunk=index
            )
        nonce, length = _RECORD.unpack(rec)
        if not TAG_BYTES <= length <= chunk_size + TAG_BYTES:
            raise DecryptionError("corrupt chunk length in the encrypted stream", chunk=index)
        ct = _read_full(src, length)
        if len(ct) < length:
            raise DecryptionError("the encrypted stream is truncated", chunk=index)
        rec = _read_full(src, _RECORD.size)
        final = not rec  # the writer flags the last chunk; the reader expects it at the end

        aad = [_chunk_aad(header, project, ctx, index, flag, length - TAG_BYTES)
               for flag in (final, not final)]
        plain = _try_decrypt(aead, nonce, ct, aad[0])
        if plain is None:
            if _try_decrypt(aead, nonce, ct, aad[1]) is not None:
                msg = (f"the encrypted stream is truncated after chunk {index}" if final
                       else f"the encrypted stream has data after its final chunk {index}")
                raise DecryptionError(msg, chunk=index)
            raise DecryptionError(
                "a chunk of the encrypted stream does not authenticate (wrong key, project or "
                "context, or the bytes were altered or reordered)", chunk=index,
            )
        yield plain
        if final:
            return
        index += 1


def decrypt_stream(
    keys: DataKey | Mapping[str, DataKey], src: BinaryIO, dst: BinaryIO,
    context: bytes | str = b"",
) -> int:
    """Decrypt into ``dst``; returns the plaintext byte count. On error ``dst`` may hold a
    verified prefix: prefer :func:`decrypt_file` or discard ``dst``."""
    total = 0
    for chunk in iter_decrypt(keys, src, context):
        dst.write(chunk)
        total += len(chunk)
    return total


def encrypt_file(
    key: DataKey, src: str | os.PathLike[str], dst: str | os.PathLike[str],
    context: bytes | str = b"", *, chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> int:
    """Encrypt the file ``src`` into a new file ``dst`` (``src`` is never modified)."""
    return _via_temp(Path(dst), lambda out: _encrypt_path(key, Path(src), out, context,
                                                          chunk_size))


def decrypt_file(
    keys: DataKey | Mapping[str, DataKey], src: str | os.PathLike[str],
    dst: str | os.PathLike[str], context: bytes | str = b"",
) -> int:
    """Decrypt ``src`` into ``dst``; ``dst`` appears only when every chunk authenticated."""
    def run(out: BinaryIO) -> int:
        with Path(src).open("rb") as fin:
            return decrypt_stream(keys, fin, out, context)

    return _via_temp(Path(dst), run)


def _encrypt_path(key: DataKey, src: Path, out: BinaryIO, context: bytes | str,
                  chunk_size: int) -> int:
    with src.open("rb") as fin:
        return encrypt_stream(key, fin, out, context, chunk_size=chunk_size)


def _via_temp(dst: Path, write: Callable[[BinaryIO], int]) -> int:
    tmp = dst.with_name(f".{dst.name}.{secrets.token_hex(4)}.part")
    try:
        with tmp.open("wb") as out:
            n = write(out)
        os.replace(tmp, dst)
        return int(n)
    finally:
        tmp.unlink(missing_ok=True)
