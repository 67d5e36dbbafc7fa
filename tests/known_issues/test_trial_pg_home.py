"""Trial (IT admin deploying on PostgreSQL, 2026-12-04):

1. With only ``DATAMILL_DATABASE_URL`` set, a command run from another folder used that
   folder's ``./.datamill``: it created a new ``audit_key`` there and signed a record with it,
   so ``audit verify`` reported an invalid HMAC forever after, and imported blobs landed there.
   A PostgreSQL URL without ``DATAMILL_HOME`` is now refused (``home_required``), and a trail
   already signed never gets a new key (``audit_key_missing``: the wrong home, most likely).
2. A blob missing from the store answered a bare 500 ``internal_error``; it is now
   ``blob_missing`` (503) naming the item and what to check.
3. Blobs and delivery packages were readable by every user of the machine (0644 / 0755).
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.audit import record_audit, verify_audit
from datamill.compliance.keys import AuditKeyMissing
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.config import HomeRequired, Settings, get_settings
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.media import item_path
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import UnsafeSettings, check_audit_key, check_settings, create_app
from datamill.storage.blobstore import BlobMissing
from datamill.web.i18n import t
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.production.image_helpers import make_image_project
from tests.unit.production.test_text_loop import _spec


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty current folder, no DATAMILL_HOME, a PostgreSQL DATAMILL_DATABASE_URL."""
    folder = tmp_path / "somewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("DATAMILL_HOME", raising=False)
    monkeypatch.setenv("DATAMILL_DATABASE_URL", "postgresql://dm@127.0.0.1:1/nowhere")
    opened: list[Any] = []
    monkeypatch.setattr(_common, "_runtime", opened)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()
    for rt in opened:
        rt.close()


def test_a_server_database_without_a_home_is_refused(elsewhere: Path) -> None:
    r = CliRunner().invoke(app, ["project", "add-member", "P", "user",
                                 "--as", "pm", "--json"])
    assert r.exit_code == 2, r.output
    err = json.loads(r.stdout)["error"]
    assert (err["code"], err["field"]) == ("home_required", "DATAMILL_HOME")
    assert "DATAMILL_HOME is not set" in err["message"]
    assert str(elsewhere.resolve() / ".datamill") in err["message"]
    r = CliRunner().invoke(app, ["project", "list"])
    assert r.exit_code == 2 and r.stderr.startswith("error (home_required): ")
    with pytest.raises(HomeRequired):  # the server refuses too, before any file is written
        check_settings(get_settings())
    assert not (elsewhere / ".datamill").exists()
    # a named home, the embedded default and an explicit SQLite file are as before
    Settings(database_url="postgresql://u@db/x", home=elsewhere / "home").check_home()
    Settings(database_url=f"sqlite:///{elsewhere / 'x.db'}").check_home()
    Settings(database_url=None).check_home()


def _elsewhere_runtime(runtime: Runtime, home: Path) -> Runtime:
    """The runtime's database opened as a process with another home folder would."""
    return Runtime.from_settings(Settings(
        database_url=runtime.settings.resolved_database_url(), home=home,
        storage_url=str(home / "blobs")), migrate=False)


@pytest.mark.parametrize("runtime", ["sqlite", "postgresql"], indirect=True)
def test_a_signed_trail_never_gets_a_new_key(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        record_audit(s, actor_id=None, action="test.signed", object_type="test")
    wrong = tmp_path / "wrong-home"
    other = _elsewhere_runtime(runtime, wrong)
    try:
        with pytest.raises(AuditKeyMissing, match="probably not this database's"), \
                other.session() as s:
            record_audit(s, actor_id=None, action="test.elsewhere", object_type="test")
        with pytest.raises(AuditKeyMissing), other.session() as s:
            verify_audit(s, other.settings)
        with pytest.raises(AuditKeyMissing, match="DATAMILL_HOME"):
            check_audit_key(other)  # what `datamill serve` and the app's startup run
        monkeypatch.setattr(_common, "_runtime", [other])
        r = CliRunner().invoke(app, ["audit", "verify", "--as", "admin", "--json"])
        assert json.loads(r.stdout)["error"]["code"] == "audit_key_missing", r.output
        with TestClient(create_app(other), raise_server_exceptions=False) as client:
            got = client.post(f"{API}/auth/token",
                              json={"username": "nobody", "password": "password1"})
        assert got.status_code == 503 and got.json()["code"] == "audit_key_missing", got.text
        assert not (wrong / "audit_key").exists()
    finally:
        other.close()
    with runtime.session() as s:
        report = verify_audit(s, runtime.settings)
    assert report.ok, report.problems  # nothing was signed with another key


@pytest.mark.parametrize("runtime", ["sqlite", "postgresql"], indirect=True)
def test_an_unsigned_trail_still_gets_a_key_on_first_use(runtime: Runtime) -> None:
    key = runtime.settings.home / "audit_key"
    assert not key.exists()
    check_audit_key(runtime)
    assert _mode(key) == 0o600
    with runtime.session() as s:
        record_audit(s, actor_id=None, action="test.first", object_type="test")
    with runtime.session() as s:
        assert verify_audit(s, runtime.settings).ok


def test_a_weak_stored_audit_key_still_stops_the_server(tmp_path: Path) -> None:
    tmp_path.joinpath("audit_key").write_text("changeme\n")
    tmp_path.joinpath("audit_key").chmod(0o600)
    with pytest.raises(UnsafeSettings):
        check_settings(Settings(home=tmp_path))


def _text_item(runtime: Runtime, users: dict[str, User], folder: Path) -> tuple[int, Item]:
    with runtime.session() as s:
        pid = create_project(s, _spec("text-missing-blob")).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    folder.mkdir()
    (folder / "a.txt").write_text("张伟在北京工作。", encoding="utf-8")
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        return pid, s.scalars(select(Item).where(Item.project_id == pid)).one()


@pytest.mark.parametrize("runtime", ["sqlite", "postgresql"], indirect=True)
def test_a_missing_blob_is_a_named_problem(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, item = _text_item(runtime, users, tmp_path / "texts")
    image_pid = make_image_project(runtime, users, tmp_path / "scenes", 1)
    with runtime.session() as s:
        image = s.scalars(select(Item).where(Item.project_id == image_pid)).one()
    for it in (item, image):
        item_path(runtime.blobs, it).unlink()  # the blob folder lost them
    with pytest.raises(BlobMissing, match=f"item {item.id} "):
        item_path(runtime.blobs, item)
    with pytest.raises(FileNotFoundError):  # still one, for code that reads files
        runtime.blobs.open(item.sha256)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        pm = login(client, "pm")
        for url, it in [(f"{API}/projects/{pid}/items/{item.id}/content", item),
                        (f"{API}/projects/{pid}/items/{item.id}/media", item),
                        (f"{API}/projects/{image_pid}/items/{image.id}/media", image)]:
            r = client.get(url, headers=pm)
            assert r.status_code == 503, (url, r.text)
            problem = r.json()
            assert (problem["code"], problem["item_id"]) == ("blob_missing", it.id)
            assert f"the stored file of item {it.id} ({it.external_id})" in problem["detail"]
            assert "DATAMILL_HOME" in problem["detail"]
        web_login(client, "pm")
        r = client.get(f"/web/api/items/{image.id}/media")
        assert r.status_code == 503 and r.json()["code"] == "blob_missing", r.text
    for code in ("blob_missing", "audit_key_missing"):  # an error page's heading, worded
        assert t(f"error.code.{code}", "zh-CN") not in (f"error.code.{code}",
                                                        t(f"error.code.{code}", "en"))


@pytest.mark.parametrize("runtime", ["sqlite", "postgresql"], indirect=True)
def test_blobs_and_deliveries_are_not_world_readable(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from datamill.production.delivery import deliver_batch
    from tests.unit.production.helpers import ready_project
    from tests.unit.production.test_inspection_delivery import accepted_batch

    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        items = list(s.scalars(select(Item).where(Item.project_id == pid)))
    root = Path(runtime.blobs.root)
    for it in items:
        blob = item_path(runtime.blobs, it)
        assert _mode(blob) == 0o640, blob
        for folder in (root, root / "sha256", blob.parent):
            assert _mode(folder) == 0o750, folder
    batch_id = accepted_batch(runtime, users, pid)
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["kaldi"])
    package = Path(d.path)
    assert _mode(package) == 0o750  # nobody outside the service's group reaches its files
    media = [p for p in package.rglob("*.wav") if p.is_file()]
    assert media and all(_mode(p) == 0o640 for p in media), media
