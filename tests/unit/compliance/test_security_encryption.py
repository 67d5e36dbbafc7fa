"""Encryption at rest: the encrypting blob store, wrapped data keys, master-key rotation."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from datamill.compliance.crypto import DecryptionError, MasterKey
from datamill.compliance.keystore import key_status, rotate_master_key
from datamill.compliance.models import AuditRecord, User
from datamill.config import Settings
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from datamill.storage.blobstore import BlobStore
from datamill.storage.encrypted import EncryptingBlobStore, encrypting_if_configured


def _store(rt: Runtime, tmp: Path, master: MasterKey, *, via_file: bool = False) -> BlobStore:
    if via_file:
        tmp.mkdir(parents=True, exist_ok=True)
        kf = tmp / "master.key"
        kf.write_text(master.to_base64())
        settings = Settings(home=tmp / "home", master_key_file=kf)
    else:
        settings = Settings(home=tmp / "home", master_key=master.to_base64())
    return encrypting_if_configured(BlobStore(str(tmp / "blobs")), settings, rt.sessions)


def _file(tmp: Path, data: bytes, name: str = "x.bin") -> Path:
    p = tmp / name
    p.write_bytes(data)
    return p


def test_unconfigured_store_stays_plain(runtime: Runtime, tmp_path: Path) -> None:
    plain = BlobStore(str(tmp_path / "blobs"))
    assert encrypting_if_configured(plain, Settings(home=tmp_path), runtime.sessions) is plain
    assert type(runtime.blobs) is BlobStore


def test_blobs_are_ciphertext_addressed_by_plaintext_hash(runtime: Runtime,
                                                          tmp_path: Path) -> None:
    master = MasterKey.generate()
    store = _store(runtime, tmp_path, master)
    assert isinstance(store, EncryptingBlobStore)
    data = b"RIFF secret speech " * 5000
    digest = store.put_file(_file(tmp_path, data))
    assert digest == hashlib.sha256(data).hexdigest()
    raw = store.read_raw(digest)
    assert raw[:4] == b"DMS1" and data[:20] not in raw
    assert store.exists(digest)
    assert store.local_path(digest).read_bytes() == data
    with store.open(digest) as fh:
        assert fh.read() == data
    # the data key lives wrapped in project_keys; its creation is audited
    with runtime.session() as s:
        keys = key_status(s)
        assert [k["scope"] for k in keys] == ["blobs"]
        assert keys[0]["master_key_id"] == master.key_id
        assert s.query(AuditRecord).filter_by(action="security.data_key_created").count() == 1
    # same content again: deduplicated, no second write
    assert store.put_file(_file(tmp_path, data, "y.bin")) == digest


def test_wrong_master_key_is_an_error(runtime: Runtime, tmp_path: Path) -> None:
    store = _store(runtime, tmp_path, MasterKey.generate())
    digest = store.put_file(_file(tmp_path, b"private"))
    other = _store(runtime, tmp_path / "other", MasterKey.generate())
    assert isinstance(other, EncryptingBlobStore)
    other.inner = store.inner  # the same stored blobs, read under another master key
    with pytest.raises(DecryptionError):
        other.local_path(digest)


def test_tampered_ciphertext_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    store = _store(runtime, tmp_path, MasterKey.generate())
    assert isinstance(store, EncryptingBlobStore)
    digest = store.put_file(_file(tmp_path, b"A" * 4000))
    path = Path(store.inner._key(digest))
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(DecryptionError):
        store.local_path(digest)
    assert not (store.cache_dir / "sha256" / digest[:2] / digest).exists()


def test_legacy_plain_blob_served_only_when_its_hash_matches(runtime: Runtime,
                                                             tmp_path: Path) -> None:
    plain = BlobStore(str(tmp_path / "blobs"))
    good = plain.put_file(_file(tmp_path, b"old plain blob"))
    bad = plain.put_file(_file(tmp_path, b"x", "bad.bin"), digest="0" * 64)
    store = _store(runtime, tmp_path, MasterKey.generate())
    assert store.local_path(good).read_bytes() == b"old plain blob"
    with pytest.raises(DecryptionError):
        store.local_path(bad)


def test_rotation_rewraps_keys_without_touching_data(runtime: Runtime, tmp_path: Path,
                                                     users: dict[str, User]) -> None:
    old, new = MasterKey.generate(), MasterKey.generate()
    store = _store(runtime, tmp_path, old)
    assert isinstance(store, EncryptingBlobStore)
    digest = store.put_file(_file(tmp_path, b"survives rotation"))
    stored = store.read_raw(digest)
    with runtime.session() as s:
        with pytest.raises(Forbidden):  # admins only
            rotate_master_key(s, old, new, actor=s.get(User, users["pm"].id))
        with pytest.raises(DecryptionError):  # a wrong "old" key changes nothing
            rotate_master_key(s, MasterKey.generate(), new, actor=s.get(User, users["admin"].id))
    with runtime.session() as s:
        result = rotate_master_key(s, old, new, actor=s.get(User, users["admin"].id))
        assert result == {"rewrapped": 1, "master_key_id": new.key_id}
    after = _store(runtime, tmp_path / "n", new, via_file=True)
    assert isinstance(after, EncryptingBlobStore)
    after.inner = store.inner
    assert after.read_raw(digest) == stored  # data never re-encrypted
    assert after.local_path(digest).read_bytes() == b"survives rotation"
    stale = _store(runtime, tmp_path / "o", old)
    assert isinstance(stale, EncryptingBlobStore)
    stale.inner = store.inner
    with pytest.raises(DecryptionError):
        stale.local_path(digest)
    with runtime.session() as s:
        assert s.query(AuditRecord).filter_by(action="security.master_key_rotated").count() == 1


def test_runtime_switches_to_the_encrypting_store(tmp_path: Path) -> None:
    master = MasterKey.generate()
    rt = Runtime.from_settings(Settings(home=tmp_path, master_key=master.to_base64()))
    try:
        assert isinstance(rt.blobs, EncryptingBlobStore)
        digest = rt.blobs.put_file(_file(tmp_path, b"via runtime"))
        assert rt.blobs.local_path(digest).read_bytes() == b"via runtime"
    finally:
        rt.close()
