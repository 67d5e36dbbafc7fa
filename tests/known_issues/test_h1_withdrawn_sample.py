"""h1 trial: a catalog release whose subject withdrew consent is neither licensed nor
downloaded, but its samples were still served to every customer browsing the catalog, the
withdrawn subject's own recording among them (before and after their data was erased). That
sample is refused now, in the reader's language; the others are still served."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.catalog.releases import sample_path
from datamill.compliance.consent import withdraw_consent
from datamill.core.errors import NotFound
from datamill.production.models import Item, Project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import people, released, speech_files


@pytest.mark.slow  # 13-15 s at load 16 on 2 cores: three faces, a release or 3 deliveries
def test_a_withdrawn_subjects_sample_is_no_longer_served(sqlite_runtime: Runtime,
                                                        tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    _, rel_id = released(rt, who, tmp_path, name="ws-asr", files=speech_files("ws", 20))
    with rt.session() as s:  # two samples: the first two files, ws0 (ws-s0) and ws1 (ws-s1)
        pid = s.scalars(select(Project.id).where(Project.name == "prod-ws-asr")).one()
        first = s.scalars(select(Item.sha256).where(Item.project_id == pid)
                          .order_by(Item.id)).first()
        assert sample_path(s, who["cust"], rel_id, 0).stem == first
        withdraw_consent(s, who["dso"], pid, "ws-s0")
    with rt.session() as s:
        with pytest.raises(NotFound) as refused:  # was: the recording, to anyone
            sample_path(s, who["cust"], rel_id, 0)
        assert refused.value.details["reason_code"] == "sample_consent_withdrawn"
        assert sample_path(s, who["cust"], rel_id, 1).is_file()  # another subject's
    with TestClient(create_app(rt)) as client:
        r = client.get(f"{API}/catalog/releases/{rel_id}/samples/0",
                       headers={**login(client, "cust"), "Accept-Language": "zh-CN"})
        assert r.status_code == 404 and "撤回同意" in r.text, r.text
        web_login(client, "cust")
        client.cookies.set("lang", "zh-CN")
        r = client.get(f"/catalog/releases/{rel_id}/samples/0")
        assert r.status_code == 404 and "撤回同意" in r.text, r.text
        assert client.get(f"/catalog/releases/{rel_id}/samples/1").status_code == 200
