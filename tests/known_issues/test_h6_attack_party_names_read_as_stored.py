"""Helper h6 (attacker): a vendor's name, a customer's name and a person's display name are
shown to other people (settlement sheets, invoices, vendor lists, the review page); a bidi
override in one displays it in another order than it reads, and a control character in a
vendor's name (ESC, a line break) reached every export and screen that prints it.

Found against a live server: ``POST /vendors`` took ``"Acme \\x1b[31mred"`` and
``"Acme \\u202eyhtrowtsurT"`` (201 each, shown as "Acme Trustworthy"), ``POST
/ledger/customers`` took ``"Cust \\u202edoog"`` (its control characters were refused already)
and ``POST /users`` a display name ``"admin\\u202e"``. Notes and reasons refuse these
(``check_note``); names did not. Now each is 422 naming the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


@pytest.mark.parametrize("bad", ["Acme \u202eyhtrowtsurT", "Acme \x1b[31mred", "Acme\nLtd",
                                 "Acme \u2067x\u2069"])
def test_a_vendor_name_displays_as_it_reads(client: TestClient, bad: str) -> None:
    admin = login(client, "admin")
    r = client.post(f"{API}/vendors", json={"name": bad, "kind": "company"}, headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "name", r.text
    ok = client.post(f"{API}/vendors", json={"name": "Acme \u05d0\u200f Ltd", "kind": "company"},
                     headers=admin)  # right-to-left letters and their marks stay allowed
    assert ok.status_code == 201, ok.text


def test_a_customer_name_displays_as_it_reads(client: TestClient) -> None:
    admin = login(client, "admin")
    r = client.post(f"{API}/ledger/customers", headers=admin, json={
        "name": "Cust \u202edoog", "customer_type": "big_tech", "country": "CN"})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "name", r.text


def test_a_display_name_displays_as_it_reads(client: TestClient) -> None:
    admin = login(client, "admin")
    r = client.post(f"{API}/users", headers=admin, json={
        "username": "mallory", "password": "mallory-pass-1", "role": "annotator",
        "display_name": "admin\u202e"})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "display_name", r.text
