"""Issue 8, data security: on a project flagged ``surveying_required`` only qualified people
collect (import) and export (deliver) its data, as they alone take its tasks. The CLI and API
pass the acting person to both; the services refuse through the same claim guards."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.surveying import grant_qualification, set_surveying_required
from datamill.core.errors import Forbidden
from datamill.production.delivery import deliver_batch
from datamill.production.importing import import_source
from datamill.production.inspection import create_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.helpers import ready_project, speech_folder
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect


def _flag(rt: Runtime, users: dict[str, User], pid: int) -> None:
    with rt.session() as s:
        set_surveying_required(s, s.get(User, users["admin"].id), pid, True)


def _qualify(rt: Runtime, users: dict[str, User], name: str) -> None:
    with rt.session() as s:
        grant_qualification(s, s.get(User, users["admin"].id), user_id=users[name].id,
                            grade="B")


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    yield CliRunner()


def test_import_needs_the_qualification(runtime: Runtime, users: dict[str, User],
                                        tmp_path: Path, cli: CliRunner) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    _flag(runtime, users, pid)
    more = speech_folder(tmp_path, 3)
    with runtime.session() as s, pytest.raises(Forbidden, match="surveying"):
        import_source(s, runtime.blobs, pid, more, actor_id=users["pm"].id)
    r = cli.invoke(app, ["data", "import", str(pid), str(more), "--as", "pm", "--json"])
    assert r.exit_code == 6, r.output
    assert json.loads(r.stdout)["error"]["code"] == "forbidden"
    # the API imports under its import root
    root = runtime.settings.resolved_import_root()
    shutil.copytree(more, root / "batch2")
    with TestClient(create_app(runtime)) as client:
        t = client.post("/api/v1/auth/token", json={"username": "pm", "password": "password1"})
        pm = {"Authorization": f"Bearer {t.json()['access_token']}"}
        r2 = client.post(f"/api/v1/projects/{pid}/imports", json={"path": "batch2"}, headers=pm)
        assert r2.status_code == 403, r2.text
        assert "surveying" in r2.json()["detail"]
        _qualify(runtime, users, "pm")
        r2 = client.post(f"/api/v1/projects/{pid}/imports", json={"path": "batch2"}, headers=pm)
        assert r2.status_code == 201, r2.text
    r = cli.invoke(app, ["data", "import", str(pid), str(more), "--as", "pm", "--json"])
    assert r.exit_code == 0, r.output


def test_delivery_needs_the_qualification(runtime: Runtime, users: dict[str, User],
                                          tmp_path: Path, cli: CliRunner) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    _flag(runtime, users, pid)
    with runtime.session() as s, pytest.raises(Forbidden, match="surveying"):
        deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out", actor_id=users["pm"].id)
    r = cli.invoke(app, ["delivery", "create", str(batch.id), "--out", str(tmp_path / "out"),
                         "--as", "pm", "--json"])
    assert r.exit_code == 6, r.output
    assert json.loads(r.stdout)["error"]["code"] == "forbidden"
    assert not any((tmp_path / "out").rglob("manifest.json"))
    _qualify(runtime, users, "pm")
    r = cli.invoke(app, ["delivery", "create", str(batch.id), "--out", str(tmp_path / "out"),
                         "--as", "pm", "--json"])
    assert r.exit_code == 0, r.output
    assert (Path(json.loads(r.stdout)["path"]) / "manifest.json").is_file()
