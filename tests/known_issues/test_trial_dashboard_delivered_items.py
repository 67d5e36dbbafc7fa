"""Trial leftover: the project dashboard (web, zh-CN) showed 已通过质检 ("passed inspection")
for items that had been delivered. An item keeps status ``accepted`` once its batch passes the
sampling inspection (the vendors' settlement reads it), and delivering the batch changed only
the batch's status. The progress by status (library, CLI, web) now shows the items of a
delivered batch as delivered (已交付), and those of an accepted batch not yet delivered as
passed inspection (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.production.dashboard import progress_by_status
from datamill.production.delivery import deliver_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login


def _files(tag: str, n: int) -> list[dict[str, object]]:
    return [{"name": f"{tag}{i}.wav", "data": tone_wav(300 + 40 * i, ms=1000), "volume": 1000,
             "text": "你好", "attributes": {"duration_ms": 1000, "sample_rate_hz": 16000,
                                           "channels": 1, "speaker_id": "s1"}}
            for i in range(n)]


def _project(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> int:
    """Two batches passed inspection: one of two items delivered, one of one item not."""
    with runtime.session() as s:
        pid, shipped = seed_product_batch(s, runtime, "dash-dlv", _files("a", 2),
                                          project_type="custom_service", workdir=tmp_path)
        seed_product_batch(s, runtime, "dash-dlv", _files("b", 1),
                           project_type="custom_service", workdir=tmp_path)
        add_member(s, pid, users["pm"], actor_id=None)
    with runtime.session() as s:
        deliver_batch(s, runtime.blobs, shipped, tmp_path / "out")
    return pid


def test_delivered_items_are_shown_delivered(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users, tmp_path)
    with runtime.session() as s:
        rows = {r["status"]: r["items"] for r in progress_by_status(s, pid)}
    assert rows == {"accepted": 1, "delivered": 2}
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm")
        pages = {}
        for lang in ("en", "zh-CN"):
            client.cookies.set("lang", lang)
            page = client.get(f"/projects/{pid}")
            assert page.status_code == 200, page.text
            pages[lang] = page.text
    assert "<tr><td>delivered</td><td>2</td>" in pages["en"], pages["en"]
    assert "<tr><td>passed inspection</td><td>1</td>" in pages["en"]
    assert "<tr><td>已交付</td><td>2</td>" in pages["zh-CN"], pages["zh-CN"]
    assert "<tr><td>已通过质检</td><td>1</td>" in pages["zh-CN"]
