"""Issue 8, data security: delivery packages written encrypted when a master key is configured
(or asked for), and decrypted with ``datamill security decrypt-export``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.crypto import MasterKey
from datamill.compliance.models import User
from datamill.production.inspection import create_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.storage.encrypted import encrypting_if_configured
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect


def _accepted_batch(rt: Runtime, users: dict[str, User], tmp: Path) -> int:
    pid = ready_project(rt, users, tmp, 4)
    _annotate_and_review(rt, users, pid)
    with rt.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(rt, users, batch.id, wrong=False)["verdict"] == "accepted"
    return int(batch.id)


def _with_master(rt: Runtime, master: MasterKey, home: Path) -> Runtime:
    settings = rt.settings.model_copy(update={"master_key": master.to_base64(), "home": home})
    blobs = encrypting_if_configured(rt.blobs, settings, rt.sessions)  # legacy plain blobs too
    return Runtime(settings=settings, engine=rt.engine, sessions=rt.sessions, blobs=blobs)


def _run(cli: CliRunner, *args: str, code: int = 0) -> dict:
    r = cli.invoke(app, [*args, "--json"])
    assert r.exit_code == code, r.output
    return json.loads(r.stdout)


def test_encrypted_delivery_round_trip(runtime: Runtime, users: dict[str, User],
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch_id = _accepted_batch(runtime, users, tmp_path)
    cli = CliRunner()
    # no master key: asking for encryption is refused before anything is written
    monkeypatch.setattr(_common, "_runtime", [runtime])
    err = _run(cli, "delivery", "create", str(batch_id), "--out", str(tmp_path / "out"),
               "--encrypt", "--as", "pm", code=2)
    assert "master key" in err["error"]["message"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.json"))
    with TestClient(create_app(runtime)) as client:  # the API takes the same option
        t = client.post("/api/v1/auth/token", json={"username": "pm", "password": "password1"})
        pm = {"Authorization": f"Bearer {t.json()['access_token']}"}
        r = client.post(f"/api/v1/batches/{batch_id}/deliveries", json={"encrypt": True},
                        headers=pm)
        assert r.status_code == 422 and "master key" in r.json()["detail"], r.text
    master = MasterKey.generate()
    rt = _with_master(runtime, master, tmp_path / "home")
    monkeypatch.setattr(_common, "_runtime", [rt])
    d = _run(cli, "delivery", "create", str(batch_id), "--out", str(tmp_path / "out"),
             "--as", "pm")  # a master key is configured: encrypted by default
    package = Path(d["path"])
    assert sorted(p.name for p in package.iterdir()) == [
        "ENCRYPTED.txt", "encryption.json", "package.tar.dmenc"]
    assert d["datasheet"]["encryption"]["archive"] == "package.tar.dmenc"
    raw = (package / "package.tar.dmenc").read_bytes()
    assert raw[:4] == b"DMS1" and b"manifest.json" not in raw and b"RIFF" not in raw
    assert "decrypt-export" in (package / "ENCRYPTED.txt").read_text()
    # only people who may deliver the project decrypt it
    assert _run(cli, "security", "decrypt-export", str(package), "--out",
                str(tmp_path / "x"), "--as", "ann1", code=6)["error"]["code"] == "forbidden"
    got = _run(cli, "security", "decrypt-export", str(package), "--out",
               str(tmp_path / "plain"), "--as", "pm")
    plain = tmp_path / "plain"
    manifest = json.loads((plain / "manifest.json").read_text())
    assert got["verified"] and got["files"] == len(manifest["files"]) > 4
    assert json.loads((plain / "datasheet.json").read_text())["items"] == 4
    assert any(p.suffix == ".wav" and p.read_bytes()[:4] == b"RIFF" for p in plain.rglob("*"))
    # a wrong master key is an error, never garbage
    other = tmp_path / "other.key"
    other.write_text(MasterKey.generate().to_base64())
    wrong = _run(cli, "security", "decrypt-export", str(package), "--out", str(tmp_path / "w"),
                 "--key-file", str(other), "--as", "pm", code=1)
    assert wrong["error"]["code"] == "decryption_failed"
    assert not (tmp_path / "w").exists() or not any((tmp_path / "w").iterdir())
    # a tampered archive is refused
    (package / "package.tar.dmenc").write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))
    bad = _run(cli, "security", "decrypt-export", str(package), "--out", str(tmp_path / "t"),
               "--as", "pm", code=2)
    assert bad["error"]["code"] == "invalid_input"
