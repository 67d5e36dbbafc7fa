"""Issue 8, data security: single items classified above their project; people below an item's
level never claim it nor read it (CLI ``security classify-item``, API
``PUT /api/v1/security/items/{id}/classification``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.data import app as data_app
from datamill.cli.security import app
from datamill.compliance.classification import set_clearance
from datamill.compliance.item_sensitivity import item_level, set_item_level
from datamill.compliance.models import User
from datamill.core.errors import Forbidden, InvalidInput
from datamill.production.annotating import submit_annotation
from datamill.production.models import Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.helpers import ready_project


def test_items_above_ones_clearance_are_never_claimed(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = ready_project(runtime, users, tmp_path, 3)
    with runtime.session() as s:
        items = list(s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)))
        admin = s.get(User, users["admin"].id)
        with pytest.raises(Forbidden):  # the data-security office only
            set_item_level(s, s.get(User, users["pm"].id), items[0], "secret")
        with pytest.raises(InvalidInput):  # never below its project (internal)
            set_item_level(s, admin, items[0], "public")
        assert item_level(s, items[0], pid) == "internal"
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["classify-item", str(items[0]), "secret", "--as", "admin",
                                 "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["level"] == "secret"
    with TestClient(create_app(runtime)) as client:
        tok = {}
        for name in ("admin", "ann1"):
            t = client.post("/api/v1/auth/token", json={"username": name, "password": "password1"})
            tok[name] = {"Authorization": f"Bearer {t.json()['access_token']}"}
        got = client.put(f"/api/v1/security/items/{items[1]}/classification",
                         json={"level": "confidential"}, headers=tok["admin"])
        assert got.status_code == 200, got.text
        assert client.put(f"/api/v1/security/items/{items[1]}/classification",
                          json={"level": "secret"}, headers=tok["ann1"]).status_code == 403
        # ann1 (clearance internal) may not play the secret item's audio: as a missing item
        audio = client.get(f"/api/v1/projects/{pid}/items/{items[0]}/audio", headers=tok["ann1"])
        assert audio.status_code == 404, audio.text
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
    claimed: list[int] = []
    while True:
        with runtime.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            claimed.append(t.item_id)
            submit_annotation(s, users["ann1"], t.id, [SegmentIn(start_ms=0, end_ms=100,
                                                                 text="x")],
                              base_version=t.current_version)
    assert claimed == [items[2]]  # the confidential and the secret item were skipped
    # the CLI's item list leaves them out for the pm (cleared internal) as the API's does (it
    # listed all three)
    listed = CliRunner().invoke(data_app, ["items", str(pid), "--as", "pm", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [row["id"] for row in json.loads(listed.stdout)] == [items[2]]
    with runtime.session() as s:
        set_clearance(s, s.get(User, users["admin"].id), users["pm"].id, "secret")
    listed = CliRunner().invoke(data_app, ["items", str(pid), "--as", "pm", "--json"])
    assert [row["id"] for row in json.loads(listed.stdout)] == items
    with runtime.session() as s:
        set_clearance(s, s.get(User, users["admin"].id), users["ann2"].id, "secret")
    with runtime.session() as s:
        t = claim_next_task(s, users["ann2"], pid, "annotate")
        assert t is not None and t.item_id in items[:2]


def test_manifest_column_classifies_items_at_import(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    import shutil

    from datamill.compliance.item_sensitivity import hidden_item_ids
    from datamill.production.importing import import_source
    from datamill.production.projects import create_project
    from tests.unit.production.helpers import spec, speech_folder

    folder = tmp_path / "m"
    shutil.copytree(speech_folder(tmp_path, 3), folder)
    wavs = sorted(p.name for p in folder.glob("*.wav"))
    levels = ["secret", "", "public"]
    (folder / "manifest.csv").write_text("path,id,sensitivity\n" + "".join(
        f"{w},u{i},{lvl}\n" for i, (w, lvl) in enumerate(zip(wavs, levels, strict=True))
    ) + f"{wavs[0]},bad,top\n")
    with runtime.session() as s:
        pid = create_project(s, spec()).id
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder / "manifest.csv",
                               actor_id=users["admin"].id)
    assert report.imported == 3 and report.rejected == 1  # "top" is no level
    assert "sensitivity" in report.rejections[0]["reason"]
    with runtime.session() as s:
        ids = dict(s.execute(select(Item.external_id, Item.id).where(Item.project_id == pid)
                             ).tuples().all())
        assert item_level(s, ids["u0"], pid) == "secret"
        assert item_level(s, ids["u1"], pid) == "internal"  # blank: the project's level
        assert item_level(s, ids["u2"], pid) == "internal"  # never below the project
        assert hidden_item_ids(s, s.get(User, users["ann1"].id), pid) == {ids["u0"]}
        assert "sensitivity" not in s.get(Item, ids["u0"]).attributes
