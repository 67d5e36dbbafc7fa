"""Trial (compliance officer, 2026-12-04), encryption at rest on the README demo:

1. With a master key set, ``security desensitize`` of an image project stopped after 60 s with
   "database is busy": storing the first masked image created the blob data key in a second
   transaction of its own, which queued behind the writer lock its caller held. The data key is
   now read or created before the engine's first transaction begins.
2. Without the master key, encrypted blobs were served as content (the media route answered
   ``image/png`` with ciphertext; masking warned "not an image"). Reading one now raises
   ``master_key_missing`` (503) naming the setting.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.security import app as security_cli
from datamill.compliance.crypto import MasterKey
from datamill.compliance.desensitize import desensitize_item_images
from datamill.compliance.keystore import key_status
from datamill.compliance.models import User
from datamill.compliance.security_models import MaskedBlob
from datamill.config import Settings
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.storage.blobstore import BlobEncryptedAtRest
from datamill.storage.encrypted import EncryptingBlobStore, encrypting_if_configured
from tests._api import API, login
from tests.unit.production.image_helpers import make_image_project


def _encrypting(runtime: Runtime, tmp_path: Path, master: MasterKey) -> EncryptingBlobStore:
    store = encrypting_if_configured(
        runtime.blobs, Settings(home=tmp_path / "home", master_key=master.to_base64()),
        runtime.sessions)
    assert isinstance(store, EncryptingBlobStore)
    return store


def test_desensitizing_images_with_a_master_key_does_not_wait_for_itself(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "in", n=1)
    store = _encrypting(runtime, tmp_path, MasterKey.generate())  # no data key stored yet
    started = time.monotonic()
    with runtime.session() as s:
        done = desensitize_item_images(s, store, pid, actor=s.get_one(User, users["admin"].id),
                                       workers=1)
    assert time.monotonic() - started < 30
    assert done["images_masked"] == 1, done
    with runtime.session() as s:
        assert [k["scope"] for k in key_status(s)] == ["blobs"]  # created once, committed
        masked = list(s.scalars(select(MaskedBlob.sha256_masked)))
    for digest in masked:
        assert store.read_raw(digest)[:4] == b"DMS1"
        with Image.open(store.local_path(digest)) as im:
            assert im.size[0] > 0


def test_encrypted_blobs_are_refused_without_the_master_key(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "in", n=1)
    store = _encrypting(runtime, tmp_path, MasterKey.generate())
    with runtime.session() as s:
        items = list(s.scalars(select(Item).where(Item.project_id == pid)))
    for it in items:
        assert store.encrypt_in_place(it.sha256) == "encrypted"
    plain = runtime.blobs  # the runtime of a process started without the key
    with pytest.raises(BlobEncryptedAtRest, match="DATAMILL_MASTER_KEY_FILE"):
        plain.local_path(items[0].sha256)
    with pytest.raises(BlobEncryptedAtRest):
        plain.open(items[0].sha256)
    with runtime.session() as s, pytest.raises(BlobEncryptedAtRest):
        desensitize_item_images(s, plain, pid, actor=s.get_one(User, users["admin"].id),
                                workers=1)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(security_cli, ["desensitize", "image-in", "--as", "admin",
                                          "--workers", "1", "--json"])
    assert r.exit_code != 0, r.output
    assert json.loads(r.stdout)["error"]["code"] == "master_key_missing"
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        got = client.get(f"{API}/projects/{pid}/items/{items[0].id}/media",
                         headers=login(client, "admin"))
    assert got.status_code == 503, got.text
    assert got.json()["code"] == "master_key_missing"
    assert "DATAMILL_MASTER_KEY_FILE" in got.json()["detail"]


def test_a_plain_blob_that_starts_like_ciphertext_is_still_served(
    runtime: Runtime, tmp_path: Path
) -> None:
    data = b"DMS1 is how this plain text happens to start"
    src = tmp_path / "x.txt"
    src.write_bytes(data)
    digest = runtime.blobs.put_file(src)
    assert digest == hashlib.sha256(data).hexdigest()
    assert runtime.blobs.local_path(digest).read_bytes() == data
    with runtime.blobs.open(digest) as fh:
        assert fh.read() == data
