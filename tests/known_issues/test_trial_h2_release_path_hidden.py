"""Found by a trial attacker with a customer account: ``GET /catalog/datasets/{id}/releases``
and ``GET /catalog/releases/{id}`` told a customer the server's folder of the release
(``/srv/.../catalog/<dataset>/v1``). Staff still see it; a customer gets an empty ``path``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.catalog.access import link_customer_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, released


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_customers_are_not_told_server_folders(runtime: Runtime, tmp_path: Path,
                                                client: TestClient) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path)
    buyer = customer(runtime)
    with runtime.session() as s:
        link_customer_user(s, who["sales"], s.merge(who["cust"]), buyer)
    cust, sales = login(client, "cust"), login(client, "sales")
    listed = client.get(f"{API}/catalog/datasets/{ds_id}/releases", headers=cust)
    one = client.get(f"{API}/catalog/releases/{rel_id}", headers=cust)
    assert listed.status_code == 200 and one.status_code == 200
    assert [r["path"] for r in listed.json()] == [""] and one.json()["path"] == ""
    assert str(tmp_path) not in listed.text + one.text
    staff = client.get(f"{API}/catalog/releases/{rel_id}", headers=sales).json()
    assert Path(staff["path"]).is_dir()
