"""Trial: a customer could not open an encrypted delivery. With a master key configured the
package is ``package.tar.dmenc`` + ``encryption.json`` + ``ENCRYPTED.txt``, and ENCRYPTED.txt told
the customer to run ``datamill security decrypt-export``, which refuses them (it is for those who
deliver, on the installation, with the master key).

Now whoever may accept the delivery (the project's customer, or its manager) gets the whole
package decrypted by the installation: ``GET /api/v1/deliveries/{id}/package`` (a tar archive),
``datamill delivery download ID --out DIR`` (written out, every file checked against
manifest.json) and a link on the web deliveries page; each download is audited and asks the
release checks (clearance, export guards) as the file downloads do. ENCRYPTED.txt says so."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.crypto import MasterKey
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import add_member, create_user
from datamill.production.inspection import create_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.storage.encrypted import encrypting_if_configured
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect


def _accepted_batch(rt: Runtime, users: dict[str, User], tmp: Path) -> int:
    """An accepted batch of 4 items; customer "cust" is a member of its project."""
    pid = ready_project(rt, users, tmp, 4)
    _annotate_and_review(rt, users, pid)
    with rt.session() as s:
        batch = create_batch(s, pid)
        add_member(s, pid, create_user(s, "cust", "password1", "customer"), actor_id=None)
    assert _inspect(rt, users, batch.id, wrong=False)["verdict"] == "accepted"
    return int(batch.id)


def _with_master(rt: Runtime, master: MasterKey, home: Path) -> Runtime:
    settings = rt.settings.model_copy(update={"master_key": master.to_base64(), "home": home})
    blobs = encrypting_if_configured(rt.blobs, settings, rt.sessions)
    return Runtime(settings=settings, engine=rt.engine, sessions=rt.sessions, blobs=blobs)


def _run(cli: CliRunner, *args: str, code: int = 0) -> Any:
    r = cli.invoke(app, [*args, "--json"])
    assert r.exit_code == code, r.output
    return json.loads(r.stdout)


def _checked(tar_bytes: bytes) -> dict[str, bytes]:
    """The tar's files, each checked against the manifest.json inside it."""
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers()  # type: ignore[union-attr]
                 if m.isfile()}
    listed = json.loads(files["manifest.json"])["files"]
    assert listed and all(hashlib.sha256(files[n]).hexdigest() == sha
                          for n, sha in listed.items())
    return files


def test_the_customer_gets_an_encrypted_delivery_decrypted(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch_id = _accepted_batch(runtime, users, tmp_path)
    rt = _with_master(runtime, MasterKey.generate(), tmp_path / "home")
    monkeypatch.setattr(_common, "_runtime", [rt])
    cli = CliRunner()
    d = _run(cli, "delivery", "create", str(batch_id), "--out", str(tmp_path / "out"),
             "--as", "pm")
    package = Path(d["path"])
    assert (package / "package.tar.dmenc").is_file()
    howto = (package / "ENCRYPTED.txt").read_text()
    assert "/api/v1/deliveries/<id>/package" in howto and "datamill delivery download" in howto
    assert "need no key" in howto
    # what ENCRYPTED.txt told the customer before refuses them (it is the office's tool)
    office = _run(cli, "security", "decrypt-export", str(package), "--out", str(tmp_path / "x"),
                  "--as", "cust", code=6)["error"]
    assert office["code"] == "forbidden" and "datamill delivery download" in office["message"]

    got = _run(cli, "delivery", "download", str(d["id"]), "--out", str(tmp_path / "mine"),
               "--as", "cust")  # before: no such command
    assert got["verified"] and got["encrypted"] and got["files"] > 4
    mine = tmp_path / "mine"
    assert json.loads((mine / "datasheet.json").read_text())["items"] == 4
    assert any(p.suffix == ".wav" and p.read_bytes()[:4] == b"RIFF" for p in mine.rglob("*"))
    assert _run(cli, "delivery", "download", str(d["id"]), "--out", str(tmp_path / "mine"),
                "--as", "cust", code=2)["error"]["code"] == "invalid_input"  # not empty
    assert _run(cli, "delivery", "download", str(d["id"]), "--out", str(tmp_path / "y"),
                "--as", "ann1", code=6)["error"]["code"] == "forbidden"

    with TestClient(create_app(rt)) as client:
        cust = login(client, "cust")
        r = client.get(f"{API}/deliveries/{d['id']}/package", headers=cust)  # before: 404
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/x-tar"
        assert r.headers["x-package-encrypted"] == "true"
        files = _checked(r.content)
        assert json.loads(files["datasheet.json"])["items"] == 4
        refused = client.get(f"{API}/deliveries/{d['id']}/package", headers=login(client, "ann1"))
        assert refused.status_code == 403
        web_login(client, "cust")  # the page says it comes decrypted: it was encrypted
        page = client.get(f"/projects/{d['project_id']}/deliveries")
        assert page.status_code == 200 and "Download the package (decrypted)" in page.text
    with rt.session() as s:
        who = [(a.actor_id, a.data.get("decrypted")) for a in s.scalars(
            select(AuditRecord).where(AuditRecord.action == "delivery.package_downloaded"))]
    assert len(who) == 2 and all(decrypted for _a, decrypted in who)  # CLI and API


def test_a_plain_package_downloads_the_same_and_the_web_links_it(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _accepted_batch(runtime, users, tmp_path)
    with TestClient(create_app(runtime), headers={"Accept-Language": "zh-CN"}) as client:
        pm = login(client, "pm")
        made = client.post(f"{API}/batches/{batch_id}/deliveries", headers=pm)
        assert made.status_code == 201, made.text
        delivery, project = made.json()["id"], made.json()["project_id"]
        r = client.get(f"{API}/deliveries/{delivery}/package", headers=login(client, "cust"))
        assert r.status_code == 200 and r.headers["x-package-encrypted"] == "false"
        assert json.loads(_checked(r.content)["datasheet.json"])["items"] == 4
        web_login(client, "cust")
        page = client.get(f"/projects/{project}/deliveries")
        # a package delivered unencrypted is not called decrypted (trial finding)
        assert page.status_code == 200 and ">下载交付包</a>" in page.text
        assert "已解密" not in page.text and "解密" not in page.text
        tar = client.get(f"/deliveries/{delivery}/package")
        assert tar.status_code == 200 and "manifest.json" in _checked(tar.content)
