"""``datamill security`` over a real database (both backends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.security import app
from datamill.compliance.crypto import MasterKey
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.storage.blobstore import BlobStore
from datamill.storage.encrypted import encrypting_if_configured
from tests.unit.compliance._security_world import make_project


def _json(cli: CliRunner, *args: str, code: int = 0) -> dict:
    r = cli.invoke(app, [*args, "--json"])
    assert r.exit_code == code, r.output
    return json.loads(r.stdout)


def test_security_commands(runtime: Runtime, users: dict[str, User], tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        members = [s.get(User, users[n].id) for n in ("pm", "ann1")]
        _pid, items = make_project(s, "clisec", members, [
            {"subject_id": "s1", "prompt": "tel 13812345678"}])
    cli = CliRunner()
    assert _json(cli, "classify", "clisec", "secret", "--as", "pm", code=6)[
        "error"]["code"] == "forbidden"  # above the PM's own clearance
    err = _json(cli, "classify", "clisec", "top", "--as", "pm", code=2)
    assert err["error"]["code"] == "invalid_input"
    assert _json(cli, "clearance", "ann1", "confidential", "--as", "ann1", code=6)[
        "error"]["code"] == "forbidden"
    assert _json(cli, "clearance", "pm", "secret", "--as", "admin")["level"] == "secret"
    assert _json(cli, "classify", "clisec", "secret", "--as", "pm")["level"] == "secret"
    _json(cli, "export-flag", "clisec", "--destination", "JP", "--as", "pm")
    status = _json(cli, "status", "clisec", "--as", "pm")
    assert status["classification"] == "secret"
    assert status["export"]["delivery_allowed"] is False
    _json(cli, "assess", "clisec", "--conclusion", "approved", "--notes", "ok", "--as", "admin")
    assert _json(cli, "status", "clisec", "--as", "pm")["export"]["delivery_allowed"] is True
    assert _json(cli, "surveying", "clisec", "--as", "pm")["surveying_required"] is True
    q = _json(cli, "surveying-grant", "--user", "ann1", "--valid-until", "2099-01-01",
              "--as", "admin")
    assert q["user_id"] == users["ann1"].id
    _json(cli, "consent-add", "clisec", "s1", "--as", "pm")
    w = _json(cli, "consent-withdraw", "clisec", "s1", "--as", "pm")
    assert w["items"] == 1
    d = _json(cli, "desensitize", "clisec", "--as", "pm", "--no-detect", "--workers", "1")
    assert d["texts"]["texts_with_pii"] == 1 and d["texts"]["engine"] == "local"
    assert "13812345678" in _json(cli, "original", str(items[0]), "prompt", "--as", "pm")["text"]
    # human output, no markup tags, one error line
    r = cli.invoke(app, ["status", "clisec", "--as", "admin"])
    assert r.exit_code == 0 and "classified secret" in r.output and "[" not in r.output


def test_key_commands(runtime: Runtime, users: dict[str, User], tmp_path: Path,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    old, new_file = MasterKey.generate(), tmp_path / "new.key"
    rt = Runtime(settings=runtime.settings.model_copy(update={"master_key": old.to_base64()}),
                 engine=runtime.engine, sessions=runtime.sessions, blobs=runtime.blobs)
    rt.blobs = encrypting_if_configured(BlobStore(str(tmp_path / "b")), rt.settings, rt.sessions)
    monkeypatch.setattr(_common, "_runtime", [rt])
    src = tmp_path / "f.bin"
    src.write_bytes(b"payload")
    digest = rt.blobs.put_file(src)
    cli = CliRunner()
    made = _json(cli, "generate-master-key", str(new_file))
    assert (new_file.stat().st_mode & 0o777) == 0o600
    assert _json(cli, "generate-master-key", str(new_file), code=4)["error"]["code"] == "conflict"
    keys = _json(cli, "keys")
    assert keys["encryption"] and keys["keys"][0]["master_key_id"] == old.key_id
    assert _json(cli, "rotate-master-key", "--new-key-file", str(new_file), "--as", "pm",
                 code=6)["error"]["code"] == "forbidden"
    r = _json(cli, "rotate-master-key", "--new-key-file", str(new_file), "--as", "admin")
    assert r == {"rewrapped": 1, "master_key_id": made["master_key_id"]}
    after = encrypting_if_configured(
        BlobStore(str(tmp_path / "b")),
        rt.settings.model_copy(update={"master_key": None, "master_key_file": new_file,
                                       "home": tmp_path / "h2"}), rt.sessions)
    assert after.local_path(digest).read_bytes() == b"payload"
    assert _json(cli, "purge-cache") == {"removed": 0}
    assert rt.blobs.local_path(digest).read_bytes() == b"payload"  # key unwrapped before rotation
    assert _json(cli, "purge-cache") == {"removed": 1}
