"""``POST /projects/{id}/imports`` took ``vendor_id`` up to 2**31 - 1 where every other id
is 64-bit (``datamill.api.params.MAX_ID``): a vendor whose id passed 32 bits could not be
named, and the answer was a validation error, not the vendor's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.api.params import MAX_ID
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import image_folder, image_spec


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_an_import_vendor_is_a_64_bit_id(client: TestClient, runtime: Runtime) -> None:
    pm = login(client, "pm")
    image_folder(runtime.settings.resolved_import_root() / "batch1")
    pid = client.post(f"{API}/projects", json=image_spec(), headers=pm).json()["id"]
    url = f"{API}/projects/{pid}/imports"
    for vendor in (2**31, 2**40, MAX_ID):  # valid ids, no such vendor: the vendor's answer
        r = client.post(url, json={"path": "batch1", "vendor_id": vendor}, headers=pm)
        assert r.status_code == 404, r.text
        assert r.json()["code"] == "not_found", r.text
    for bad in (MAX_ID + 1, 0, True, "2"):  # past 64 bits, not an id, not a JSON number
        r = client.post(url, json={"path": "batch1", "vendor_id": bad}, headers=pm)
        assert r.status_code == 422, r.text
        assert "vendor_id" in r.text
    schema = create_app(runtime).openapi()["components"]["schemas"]["ImportRequest"]
    bound = schema["properties"]["vendor_id"]["anyOf"][0]
    assert bound["maximum"] > 2**32  # MAX_ID (written as a float)
