"""h2 trial: the workbench's ``/web/api/items/{id}/peaks``, ``/spectrogram``, ``/preview`` and
``/display`` decoded or rendered the item's file (peaks of a 30-minute recording ~1 s, a
12-megapixel preview ~0.4 s, once per blob) inside the transaction of their permission
checks; on SQLite every transaction holds the one writer lock, so every write of the server
waited meanwhile. They now end it before the file is touched. Seen here without timing: the
blob is a named pipe, so the route blocks in opening it, and then it holds no connection."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in
from tests.unit.production.image_helpers import make_image_project


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # the one writer lock
def test_peaks_and_preview_decode_holding_no_database_connection(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", 1)
    with runtime.session() as s:
        item_id, sha = s.execute(select(Item.id, Item.sha256)
                                 .where(Item.project_id == pid)).one()
    blob = runtime.blobs.local_path(sha)
    data = blob.read_bytes()
    web = TestClient(create_app(runtime), raise_server_exceptions=False)
    web_sign_in(web, "pm")
    for view in ("peaks", "preview"):
        os.remove(blob)
        os.mkfifo(blob)
        answers: list[httpx.Response] = []
        fetch = threading.Thread(
            target=lambda v=view: answers.append(web.get(f"/web/api/items/{item_id}/{v}")))
        fetch.start()
        pipe = os.open(blob, os.O_WRONLY)  # returns once the route opened the file to read it
        held = runtime.engine.pool.checkedout()
        os.remove(blob)  # a later open of the path reads the file itself
        blob.write_bytes(data)
        with contextlib.suppress(BrokenPipeError):  # the route may read a few bytes only
            os.write(pipe, data[:4096])
        os.close(pipe)
        fetch.join(timeout=60)
        assert answers and answers[0].status_code in (200, 422), (view, answers)
        assert held == 0, f"{view}: the route read the file holding a database connection"
