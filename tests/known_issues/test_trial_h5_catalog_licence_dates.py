"""Found by a fresh-clone catalog trial: a licence number ``YYMMDD/ABC`` with a future date
(``270101/FUT``) was booked as issued 1927-01-01 (its two-digit year read as 19xx), and
``261231/ZZZ`` as 1926-12-31; a back-dated ``200101/OLD`` was issued 2020-01-01, before the
release it licenses existed and inside a closed accounting month, its ledger contract
``LIC-…`` signed on that day. Now YY is 20YY, and a licence dated in the future, before its
release was made or into a closed period is refused with a coded reason, worded in English and
zh-CN."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.business_clock import business_today
from datamill.catalog import licences
from datamill.catalog.models import CatalogRelease
from datamill.core.errors import Conflict, InvalidInput
from datamill.ledger.models import LedgerContract
from datamill.ledger.period_close import close_period, confirm_period
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, released
from tests.unit.ledger.helpers import make_approvers

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}


def _region(n: int) -> dict[str, Any]:
    return {**TERMS, "territory": f"region {n}"}


def _backdate_release(runtime: Runtime, rel_id: int, when: datetime) -> None:
    with runtime.session() as s:
        rel = s.get(CatalogRelease, rel_id)
        assert rel is not None
        rel.created_at = when


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_a_future_number_is_read_as_20yy_and_refused(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    tomorrow = business_today() + timedelta(days=1)
    for n, number in enumerate(("270101/FUT", f"{tomorrow:%y%m%d}/ZZZ", "991231/ABE")):
        with runtime.session() as s, pytest.raises(InvalidInput) as err:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    number=number, price="300000", **_region(n))
        assert err.value.details["reason_code"] == "licence_date_future"
        assert err.value.details["field"] == "number"
        assert int(err.value.details["issued_on"][:4]) >= 2026  # never 19xx
    with runtime.session() as s, pytest.raises(InvalidInput) as later:  # no number given
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                issued_on=tomorrow, price="300000", **TERMS)
    assert later.value.details["field"] == "issued_on"
    assert later.value.details["number"] == f"{tomorrow:%y%m%d}/…"
    with runtime.session() as s:
        assert s.scalars(select(LedgerContract).where(
            LedgerContract.number.startswith("LIC-"))).all() == []
    with runtime.session() as s, pytest.raises(InvalidInput) as bad:
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                number="270230/FEB", price="300000", **TERMS)
    assert bad.value.details["reason_code"] == "licence_number_date"


def test_a_licence_is_not_dated_before_its_release(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path)
    _backdate_release(runtime, rel_id, datetime(2024, 3, 1, 4, 0, tzinfo=UTC))
    cust = customer(runtime)
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                number="200101/OLD", price="300000", **TERMS)
    assert err.value.details["reason_code"] == "licence_before_release"
    assert err.value.details["released_on"] == "2024-03-01"
    with runtime.session() as s, pytest.raises(InvalidInput, match="before release v1"):
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                issued_on=date(2024, 2, 29), price="300000", **_region(1))
    with runtime.session() as s:
        ok = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                     number="240301/NEW", price="300000", **_region(2))
        assert ok.issued_on == date(2024, 3, 1)


def test_a_licence_is_not_dated_into_a_closed_period(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path)
    _backdate_release(runtime, rel_id, datetime(2018, 1, 10, 4, 0, tzinfo=UTC))
    cust = customer(runtime)
    with runtime.session() as s:
        ap = make_approvers(s)
        close_period(s, "2018-11", actor_id=ap["finance_reviewer"])
        confirm_period(s, "2018-11", reviewer_id=ap["finance_head"])
    for n, day in enumerate((date(2018, 11, 30), date(2018, 6, 1))):
        with runtime.session() as s, pytest.raises(Conflict) as err:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    issued_on=day, price="300000", **_region(n))
        assert err.value.details["reason_code"] == "licence_date_closed"
        assert err.value.details["first_open_day"] == "2018-12-01"
    with runtime.session() as s:
        assert s.scalars(select(LedgerContract).where(
            LedgerContract.number.startswith("LIC-"))).all() == []
        ok = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                     issued_on=date(2018, 12, 1), price="300000", **_region(9))
        contract = s.scalars(select(LedgerContract).where(
            LedgerContract.number == f"LIC-{ok.number}")).one()
        assert contract.signed_on == date(2018, 12, 1)


def test_the_api_words_the_refusal_in_chinese(runtime: Runtime, tmp_path: Path,
                                              client: TestClient) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    headers = {**login(client, "sales"), "Accept-Language": "zh-CN"}
    r = client.post(f"{API}/catalog/licences", headers=headers,
                    json={"dataset_id": ds_id, "customer_id": cust, "number": "270101/FUT",
                          "price": "300000", **TERMS})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["reason_code"] == "licence_date_future"
    assert "2027-01-01" in body["detail"] and "晚于今天" in body["detail"]
    assert "after today" in body["message_en"]
