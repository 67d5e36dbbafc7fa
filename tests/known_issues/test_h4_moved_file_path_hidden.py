"""h4 trial (last round's left-out, MEDIUM, information leak): a file registered in place that
a symbolic link now stands in front of is refused (``in_place_moved``), and the refusal named
the file's path on the server to whoever asked: an annotator playing the task's audio read
where the company keeps its data. Now those who may manage projects (who put the file right)
hear the whole refusal; anyone else hears that the item's file cannot be read now, in their
language, and no path (status and code stay; the log keeps the whole refusal)."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests.unit.production.helpers import claimed_task, spec, speech_folder


def test_only_who_manages_the_project_hears_where_a_moved_file_lies(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(speech_folder(tmp_path, 1), folder)
    with runtime.session() as s:
        pid = create_project(s, spec(name="h4-moved")).id
        for name in ("pm", "ann1"):
            add_member(s, pid, users[name], actor_id=None)
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, folder, in_place=True).imported == 1
    with runtime.session() as s:
        assert run_checks(s, runtime.blobs, pid, workers=1).passed == 1
        create_packages(s, pid, "annotate")
    task_id = claimed_task(runtime, users["ann1"], pid)
    # the folder is moved aside and a symbolic link put where it was
    aside = folder.with_name("moved-aside")
    folder.rename(aside)
    folder.symlink_to(aside, target_is_directory=True)
    client = TestClient(create_app(runtime))
    ann, pm = login(client, "ann1"), login(client, "pm")
    item_id = client.get(f"{API}/tasks/{task_id}", headers=ann).json()["item_id"]
    media = f"{API}/projects/{pid}/items/{item_id}/media"
    told = client.get(media, headers=pm)
    assert told.status_code == 409 and told.json()["code"] == "in_place_moved"
    assert str(folder) in told.json()["detail"]  # staff: where, to put it right
    for lang in ("en", "zh-CN"):
        hidden = client.get(media, headers={**ann, "Accept-Language": lang})
        assert hidden.status_code == 409 and hidden.json()["code"] == "in_place_moved"
        assert str(tmp_path) not in hidden.text, hidden.text
        assert ("cannot be read" if lang == "en" else "无法读取") in hidden.json()["detail"]
    web = TestClient(create_app(runtime))
    web_sign_in(web, "ann1")
    page = web.get(f"/web/api/items/{item_id}/media")
    assert page.status_code == 409, page.text
    assert str(tmp_path) not in page.text
