"""Found by a trial user (LLM team, PostgreSQL): ``POST /packages/{id}/assign`` answered
``"tasks": 0`` (the bare row's defaults) while the package list said ``"tasks": 4`` for the
same package. The answer now carries the real counts and status, as the list shows them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import packaged_project


def test_the_assign_answer_carries_the_package_counts_the_list_shows(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, users.values(), 4, package_size=4)
    with TestClient(create_app(runtime)) as c:
        pm = login(c, "pm")
        listed = c.get(f"{API}/projects/{pid}/packages", headers=pm).json()["items"]
        assert [p["tasks"] for p in listed] == [4]
        r = c.post(f"{API}/packages/{listed[0]['id']}/assign", json={"username": "ann1"},
                   headers=pm)
        assert r.status_code == 200, r.text
        answer = r.json()
        assert (answer["tasks"], answer["done"], answer["status"]) == (4, 0, "assigned")
        after = c.get(f"{API}/projects/{pid}/packages", headers=pm).json()["items"][0]
        assert answer == {**after, "released_tasks": []}
