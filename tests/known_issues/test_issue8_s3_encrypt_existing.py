"""Issue 8, data security: blobs stored before a master key was set get encrypted in place
(``datamill security encrypt-existing`` and ``POST /api/v1/security/encrypt-existing``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.security import app
from datamill.compliance.at_rest import encrypt_existing
from datamill.compliance.crypto import DecryptionError, MasterKey
from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import Forbidden, InvalidInput
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.storage.blobstore import BlobStore
from datamill.storage.encrypted import EncryptingBlobStore, encrypting_if_configured


def _plain_blobs(root: Path, tmp: Path, n: int = 5) -> dict[str, bytes]:
    plain = BlobStore(str(root))
    made = {}
    for i in range(n):
        f = tmp / f"src{i}.bin"
        data = f"old plaintext blob {i} ".encode() * (i * 3000 + 1)
        f.write_bytes(data)
        made[plain.put_file(f)] = data
    return made


def _encrypting(rt: Runtime, root: Path, home: Path, master: MasterKey) -> Runtime:
    settings = rt.settings.model_copy(update={"master_key": master.to_base64(), "home": home})
    blobs = encrypting_if_configured(BlobStore(str(root)), settings, rt.sessions)
    return Runtime(settings=settings, engine=rt.engine, sessions=rt.sessions, blobs=blobs)


def _on_disk(store: BlobStore, digest: str) -> bytes:
    return Path(store._key(digest)).read_bytes()


def test_encrypt_existing_service(runtime: Runtime, users: dict[str, User],
                                  tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    made = _plain_blobs(root, tmp_path)
    master = MasterKey.generate()
    rt = _encrypting(runtime, root, tmp_path / "home", master)
    store = rt.blobs
    assert isinstance(store, EncryptingBlobStore)
    with runtime.session() as s:
        with pytest.raises(Forbidden):
            encrypt_existing(s, store, actor=s.get(User, users["pm"].id))
        with pytest.raises(InvalidInput):  # no master key: nothing to encrypt with
            encrypt_existing(s, BlobStore(str(root)), actor=s.get(User, users["admin"].id))
    # one blob already written encrypted: mixed store
    extra = tmp_path / "new.bin"
    extra.write_bytes(b"written after the key was set")
    new_digest = store.put_file(extra)
    seen: list[tuple[int, int]] = []
    with runtime.session() as s:
        r = encrypt_existing(s, store, actor=s.get(User, users["admin"].id),
                             progress=lambda d, t: seen.append((d, t)))
    assert r["total"] == 6 and r["encrypted"] == 5 and r["already_encrypted"] == 1
    assert r["mismatched"] == []
    assert seen[-1] == (6, 6) and len(seen) == 6
    store.purge_cache()
    for digest, data in made.items():
        raw = _on_disk(store.inner, digest)
        assert raw[:4] == b"DMS1" and data[:18] not in raw
        assert store.local_path(digest).read_bytes() == data
    assert store.local_path(new_digest).read_bytes() == b"written after the key was set"
    # idempotent: a second run changes nothing
    before = {d: _on_disk(store.inner, d) for d in made}
    with runtime.session() as s:
        again = encrypt_existing(s, store, actor=s.get(User, users["admin"].id))
        assert s.query(AuditRecord).filter_by(action="security.blobs_encrypted").count() == 2
    assert again["encrypted"] == 0 and again["already_encrypted"] == 6
    assert {d: _on_disk(store.inner, d) for d in made} == before


def test_resume_mismatch_and_wrong_key(runtime: Runtime, users: dict[str, User],
                                       tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    made = _plain_blobs(root, tmp_path, 3)
    plain = BlobStore(str(root))
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not what the name says")
    bad_digest = plain.put_file(bad, digest="f" * 64)
    master = MasterKey.generate()
    store = _encrypting(runtime, root, tmp_path / "home", master).blobs
    assert isinstance(store, EncryptingBlobStore)
    # an interrupted run: only the first blob got done, and a stray temp file lies about
    first = sorted(made)[0]
    assert store.encrypt_in_place(first) == "encrypted"
    Path(store.inner._key(first) + ".tmp-enc").write_bytes(b"junk")
    with runtime.session() as s:
        r = encrypt_existing(s, store, actor=s.get(User, users["admin"].id))
    assert (r["encrypted"], r["already_encrypted"], r["mismatched"]) == (2, 1, [bad_digest])
    assert _on_disk(plain, bad_digest) == b"not what the name says"  # left untouched
    for digest, data in made.items():
        assert store.local_path(digest).read_bytes() == data
    # the same store read under another master key: a clear error, nothing changed
    other = _encrypting(runtime, root, tmp_path / "home2", MasterKey.generate()).blobs
    with runtime.session() as s, pytest.raises(DecryptionError):
        encrypt_existing(s, other, actor=s.get(User, users["admin"].id))


@pytest.fixture
def enc_rt(runtime: Runtime, tmp_path: Path) -> Iterator[tuple[Runtime, dict[str, bytes]]]:
    root = tmp_path / "blobs"
    made = _plain_blobs(root, tmp_path, 3)
    yield _encrypting(runtime, root, tmp_path / "home", MasterKey.generate()), made


def test_cli_and_api(enc_rt: tuple[Runtime, dict[str, bytes]], users: dict[str, User],
                     monkeypatch: pytest.MonkeyPatch) -> None:
    rt, made = enc_rt
    monkeypatch.setattr(_common, "_runtime", [rt])
    cli = CliRunner()
    r = cli.invoke(app, ["encrypt-existing", "--as", "pm", "--json"])
    assert r.exit_code == 6 and json.loads(r.stdout)["error"]["code"] == "forbidden"
    r = cli.invoke(app, ["encrypt-existing", "--as", "admin", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["encrypted"] == 3 and body["total"] == 3
    r = cli.invoke(app, ["encrypt-existing", "--as", "admin"])
    assert r.exit_code == 0 and "0 blob(s) encrypted, 3 already encrypted" in r.output
    with TestClient(create_app(rt)) as client:
        tok = {}
        for name in ("pm", "admin"):
            t = client.post("/api/v1/auth/token",
                            json={"username": name, "password": "password1"})
            tok[name] = {"Authorization": f"Bearer {t.json()['access_token']}"}
        assert client.post("/api/v1/security/encrypt-existing",
                           headers=tok["pm"]).status_code == 403
        got = client.post("/api/v1/security/encrypt-existing", headers=tok["admin"])
        assert got.status_code == 200, got.text
        assert got.json()["already_encrypted"] == 3
    assert isinstance(rt.blobs, EncryptingBlobStore)
    for digest, data in made.items():
        assert rt.blobs.local_path(digest).read_bytes() == data
