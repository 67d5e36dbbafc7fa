"""Found trying the image workbench (trial h1): the API's only media route,
``.../items/{id}/audio``, served an image item's PNG as ``audio/wav``. ``.../items/{id}/media``
serves any item's file with the type its name gives; ``/audio`` refuses what is not audio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.media import item_path, media_type_of
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import make_image_project


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_an_image_item_is_served_as_an_image(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", 1)
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
        stored = item_path(runtime.blobs, item).read_bytes()
    pm = login(client, "pm")
    r = client.get(f"{API}/projects/{pid}/items/{item.id}/media", headers=pm)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png" and r.content == stored
    r = client.get(f"{API}/projects/{pid}/items/{item.id}/audio", headers=pm)
    assert r.status_code == 422 and "is not audio (image/png)" in r.text, r.text
    assert f"/items/{item.id}/media" in r.json()["detail"]


def test_a_text_item_s_content_is_the_text_an_api_client_annotates(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    # the API gave a text task's claimer no way to read the whole text (the CLI's
    # ``work next --json`` had ``content``): ``.../items/{id}/content`` is that view
    from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS
    from tests.unit.production.test_text_loop import _spec

    spec = _spec("text-content")
    spec["requirements"] = {**TEXT_REQUIREMENTS,
                            "text": {**TEXT_REQUIREMENTS["text"], "max_chars": 1_000_000}}
    with runtime.session() as s:
        pid = create_project(s, spec).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    folder = tmp_path / "in"
    folder.mkdir()
    text = "张伟在北京工作。Marie Curie 👩\u200d🔬 moved to Paris." + "很长的文本。" * 50_000
    (folder / "long.txt").write_text(text, encoding="utf-8")  # too long for attributes["text"]
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
        run_checks(s, runtime.blobs, pid, workers=1)
        create_packages(s, pid, "annotate")
    ann = login(client, "ann1")
    task = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann).json()
    assert task["attributes"].get("text") is None  # the task itself does not carry it
    r = client.get(f"{API}/projects/{pid}/items/{task['item_id']}/content", headers=ann)
    assert r.status_code == 200, r.text
    assert r.json() == {"type": "text_item", "schema_version": 1, "text": text}
    with runtime.session() as s:  # someone outside the project does not read it
        create_user(s, "outsider", "password1", "annotator")
    r = client.get(f"{API}/projects/{pid}/items/{task['item_id']}/content",
                   headers=login(client, "outsider"))
    assert r.status_code in (403, 404), r.text


def test_an_image_item_s_content_is_its_file(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", 1)
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
    r = client.get(f"{API}/projects/{pid}/items/{item.id}/content", headers=login(client, "pm"))
    assert r.status_code == 404 and f"/items/{item.id}/media serves it" in r.text, r.text


@pytest.mark.parametrize(("name", "served_as"), [
    ("a.wav", "audio/wav"), ("a.flac", "audio/flac"), ("a.png", "image/png"),
    ("a.jpg", "image/jpeg"), ("a.txt", "text/plain"), ("a.json", "application/json"),
    # stored before imports checked suffixes, or never a page: the browser gets bytes
    ("evil.js", "application/octet-stream"), ("page.xml", "application/octet-stream"),
    ("page.xhtml", "application/octet-stream"), ("x.svg", "application/octet-stream"),
    ("x.html", "application/octet-stream"), ("x.css", "application/octet-stream"),
    ("scan.pcd", "application/octet-stream"), ("noext", "application/octet-stream"),
])
def test_an_item_file_is_served_only_as_media_or_bytes(name: str, served_as: str) -> None:
    # a blocklist served .js as text/javascript and .xml as application/xml (a page that runs
    # same-origin scripts) for items imported before the suffix check
    assert media_type_of(name) == served_as
