"""Found by a trial compliance officer: ``retention run`` took any ``today`` (CLI ``--today``,
API ``{"today": ...}``), so a run "as of" a later day deleted custom backups whose retention
period had not ended. A deletion cannot be undone: a real run is as of today or an earlier
day; a dry run may preview a later one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.catalog import retention
from datamill.core.clock import utcnow
from datamill.core.errors import InvalidInput
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.models import Delivery, Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import people, speech_files


def _accepted_custom(rt: Runtime, root: Path) -> int:
    """A custom project whose delivery the customer accepted yesterday (6 months to keep)."""
    with rt.session() as s:
        pid, bid = seed_product_batch(s, rt, "cust-recent", speech_files("recent", 2),
                                      project_type="custom_service", batch_status="delivered",
                                      workdir=root)
        folder = root / "deliveries" / "cust-recent"
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
        s.add(Delivery(batch_id=bid, project_id=pid, path=str(folder), status="accepted",
                       accepted_at=utcnow() - timedelta(days=1)))
    return pid


def _blobs_left(rt: Runtime, pid: int) -> int:
    with rt.session() as s:
        return sum(rt.blobs.exists(i.sha256) for i in s.scalars(
            select(Item).where(Item.project_id == pid)))


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_a_run_as_of_a_later_day_deletes_nothing(runtime: Runtime, tmp_path: Path,
                                                 client: TestClient) -> None:
    who = people(runtime)
    pid = _accepted_custom(runtime, tmp_path)
    later = (utcnow() + timedelta(days=400)).date()
    with runtime.session() as s, pytest.raises(InvalidInput, match="as of today"):
        retention.run_retention(s, runtime.blobs, who["dso"], today=later)
    r = client.post(f"{API}/catalog/retention/runs", headers=login(client, "dso"),
                    json={"today": later.isoformat()})
    assert r.status_code == 422, r.text
    assert "as of today" in r.json()["detail"]
    assert _blobs_left(runtime, pid) == 2
    assert (tmp_path / "deliveries" / "cust-recent").is_dir()
    # a dry run may look ahead; a run as of today keeps what is still in its period
    preview = client.post(f"{API}/catalog/retention/runs", headers=login(client, "dso"),
                          json={"today": later.isoformat(), "dry_run": True})
    assert preview.status_code == 200 and len(preview.json()["deleted"]) == 3
    now = client.post(f"{API}/catalog/retention/runs", headers=login(client, "dso"), json={})
    assert now.status_code == 200 and now.json()["deleted"] == []
    assert _blobs_left(runtime, pid) == 2
