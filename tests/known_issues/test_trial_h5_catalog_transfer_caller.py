"""Found by a fresh-clone catalog trial: a transfer link downloaded for a request that carried
another customer's bearer token or web session (the link is the credential by design, but a
request made as another customer is not the licensee's download), and the audit record
``catalog.transfer.download`` named the actor ``(system)``. The record names the caller when
signed in and the client address.

Helper h11: the refusal (403 ``link_other_customer``) stopped no one: the same request without
the other customer's token or cookie downloaded. The link is the credential, consistently: a
request made as another customer downloads too, and its audit record says ``not_licensee`` (so
the seller sees that the link went round)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.catalog import licences
from datamill.catalog.access import link_customer_user
from datamill.compliance.models import AuditRecord
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import login, web_sign_in
from tests.unit.catalog.helpers import customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _world(runtime: Runtime, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    mine, theirs = customer(runtime, "Licensee Co"), customer(runtime, "Other Co")
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=mine,
                                      price="300000", **TERMS)
        link = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic.id,
                                            tmp_path / "out", max_downloads=5)
        link_customer_user(s, who["sales"], who["cust"], mine)
        other = create_user(s, "other-cust", "password1", "customer")
        link_customer_user(s, who["sales"], other, theirs)
        who["other"] = other
    parts = urlsplit(link.url)
    return f"{parts.path}?{parts.query}", who


def _records(runtime: Runtime) -> list[tuple[int | None, dict[str, Any]]]:
    with runtime.session() as s:
        return [(a, d) for a, d in s.execute(select(AuditRecord.actor_id, AuditRecord.data)
                .where(AuditRecord.action == "catalog.transfer.download")
                .order_by(AuditRecord.id))]


def test_another_customers_token_downloads_as_not_the_licensee(
    runtime: Runtime, tmp_path: Path, client: TestClient,
) -> None:
    url, who = _world(runtime, tmp_path)
    r = client.get(url, headers={**login(client, "other-cust"), "Accept-Language": "zh-CN"})
    assert r.status_code == 200, r.text  # was 403 link_other_customer
    r = client.get(url, headers=login(client, "cust"))  # the licensee, signed in
    assert r.status_code == 200, r.text
    r = client.get(url)  # the link alone (no sign-in): it is the credential
    assert r.status_code == 200, r.text
    (actor0, data0), (actor1, data1), (actor2, data2) = _records(runtime)
    assert actor0 == who["other"].id and data0["not_licensee"] is True
    assert actor1 == who["cust"].id and data1["signed_in"] is True
    assert "not_licensee" not in data1 and "not_licensee" not in data2
    assert actor2 is None and data2["signed_in"] is False
    assert data1["client"] and data2["client"]


def test_another_customers_web_session_downloads_as_not_the_licensee(
    runtime: Runtime, tmp_path: Path, client: TestClient,
) -> None:
    url, who = _world(runtime, tmp_path)
    web_sign_in(client, "other-cust")  # the browser carries the session cookie
    r = client.get(url)
    assert r.status_code == 200, r.text  # was 403 link_other_customer
    [(actor, data)] = _records(runtime)
    assert actor == who["other"].id and data["not_licensee"] is True
