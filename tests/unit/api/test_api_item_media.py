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
from datamill.production.media import item_path
from datamill.production.models import Item
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
