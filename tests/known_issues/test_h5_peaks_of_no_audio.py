"""h5 trial: the workbench's ``/web/api/items/{id}/peaks`` and ``/spectrogram`` answered 500
(soundfile's ``LibsndfileError`` escaping) for an item whose file is no audio: an image item
(``pm 500 /web/api/items/1/peaks`` on the demo), a damaged or swapped recording. They now
refuse it 422 ``audio_undecodable`` naming the item (en + zh-CN). Beside them, the page's
``/web/api/items/{id}/audio`` served any item's file as ``audio/wav`` (a PNG, a text, a point
cloud), where the API's ``.../audio`` refuses what is not audio: it now refuses it too."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.modalities.problem_words import REASON_WORDS
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in
from tests.unit.production.image_helpers import make_image_project


def test_the_waveform_of_an_image_is_refused_not_a_server_error(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", 1)
    with runtime.session() as s:
        item_id = s.scalars(select(Item.id).where(Item.project_id == pid)).one()
    web = TestClient(create_app(runtime), raise_server_exceptions=False)
    web_sign_in(web, "pm")
    for view in ("peaks", "spectrogram"):
        r = web.get(f"/web/api/items/{item_id}/{view}")
        assert r.status_code == 422, (view, r.status_code)  # was 500
        assert r.json()["reason_code"] == "audio_undecodable", r.text
        assert f"item {item_id}" in r.json()["detail"]
        zh = web.get(f"/web/api/items/{item_id}/{view}", headers={"Accept-Language": "zh-CN"})
        assert zh.status_code == 422 and f"条目 {item_id}" in zh.text, zh.text
    assert all("audio_undecodable" in REASON_WORDS[lang] for lang in ("en", "zh-CN"))


def test_the_pages_audio_route_refuses_what_is_not_audio(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", 1)
    with runtime.session() as s:
        item_id = s.scalars(select(Item.id).where(Item.project_id == pid)).one()
    web = TestClient(create_app(runtime))
    web_sign_in(web, "pm")
    r = web.get(f"/web/api/items/{item_id}/audio")
    assert r.status_code == 422, (r.status_code, r.headers.get("content-type"))  # was 200 wav
    assert "is not audio (image/png)" in r.json()["detail"]
    r = web.get(f"/web/api/items/{item_id}/media")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
