"""A purchase request is dated when it is raised (trial h1, left-out 1 of the last round).

A request could be dated into an older half-year whose price system was higher: its price was
measured against that older price, so a price 40% above today's went through unflagged (only
the audit trail kept the date). Now a request dated more than a week back needs a written
reason, is shown back-dated to its signers, and is measured against today's price too; one
dated in the future is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import InvalidInput
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.pricing import set_price
from datamill.workforce.procurement import create_request

API = "/api/v1"
LINE = {"department": "speech", "kind": "labelling", "stage": "annotate",
        "modality": "speech.asr", "language_group": "chinese", "unit": "hour"}


@pytest.fixture
def pm(sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[User]:
    """Today is 10 July 2026 (Beijing); the price was 30 an hour in 2026H1, 21 in 2026H2."""
    monkeypatch.setattr("datamill.business_clock.utcnow",
                        lambda: datetime(2026, 7, 10, 4, tzinfo=UTC))
    with sqlite_runtime.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        for half, price in (("2026H1", "30"), ("2026H2", "21")):
            set_price(s, admin, half_year=half, stage="annotate", modality="speech.asr",
                      language_group="chinese", unit="hour", unit_price=price,
                      reason="tools got better")
        pm = create_user(s, "pm", "password1", "project_manager")
    yield pm


def test_a_request_dated_into_a_dearer_half_year_is_measured_against_today(
    sqlite_runtime: Runtime, pm: User
) -> None:
    with sqlite_runtime.session() as s:
        # within the week's grace: no reason, today's half-year price
        r = create_request(s, pm, quantity="10", on=date(2026, 7, 3), **LINE)
        assert (r.unit_price, r.flagged, r.backdated) == (Decimal("21"), False, False)
        assert r.requested_on == date(2026, 7, 3)
        with pytest.raises(InvalidInput) as err:
            create_request(s, pm, quantity="10", on=date(2026, 6, 20), unit_price="30", **LINE)
        assert err.value.details["reason_code"] == "request_backdated"
        # with the reason, the old half-year's 30 is +42.86% off today's 21: explained too
        with pytest.raises(InvalidInput, match=r"\+42\.86% off .* 21"):
            create_request(s, pm, quantity="10", on=date(2026, 6, 20), unit_price="30",
                           backdate_reason="paper request signed in June", **LINE)
        r = create_request(s, pm, quantity="10", on=date(2026, 6, 20), unit_price="30",
                           backdate_reason="paper request signed in June",
                           deviation_reason="June quotes", **LINE)
        assert r.flagged and r.backdated and r.reference_price == Decimal("21")
        assert r.backdate_reason == "paper request signed in June"
        with pytest.raises(InvalidInput) as err:
            create_request(s, pm, quantity="10", on=date(2026, 7, 11), **LINE)
        assert err.value.details["reason_code"] == "request_future"


def test_the_api_words_the_refusal_and_shows_the_back_dated_request(
    sqlite_runtime: Runtime, pm: User
) -> None:
    body = {**LINE, "quantity": "10", "on": "2026-07-01"}  # 9 days back
    with TestClient(create_app(sqlite_runtime)) as c:
        token = c.post(f"{API}/auth/token", json={"username": "pm", "password": "password1"})
        h = {"Authorization": f"Bearer {token.json()['access_token']}",
             "Accept-Language": "zh-CN"}
        r = c.post(f"{API}/procurement/requests", json=body, headers=h)
        assert r.status_code == 422 and r.json()["reason_code"] == "request_backdated", r.text
        assert "倒签日期的原因" in r.json()["detail"], r.text
        r = c.post(f"{API}/procurement/requests", headers=h,
                   json=body | {"backdate_reason": "paper request signed on 1 July"})
        assert r.status_code == 201, r.text
        got = r.json()
        assert got["backdated"] and got["requested_on"] == "2026-07-01"
        assert got["backdate_reason"] == "paper request signed on 1 July"
        assert Decimal(got["unit_price"]) == 21 and not got["flagged"]


def test_an_order_is_dated_between_its_request_and_today(
    sqlite_runtime: Runtime, pm: User
) -> None:
    """A purchase order dated back before its request, or ahead of today, could be slipped
    into a framework agreement's validity (an expired one's): now refused."""
    from datamill.ledger.budgets import register_approver
    from datamill.production.models import Project
    from datamill.workforce.procurement import decide_request, register_procurement_approver
    from datamill.workforce.purchase_orders import create_purchase_order
    from datamill.workforce.vendors import create_vendor, set_vendor_qualified

    with sqlite_runtime.session() as s:
        admin = create_user(s, "boss", "password1", "admin")
        signers = {}
        for role in ("dept_manager", "vp", "finance_head", "procurement"):  # no budget: over
            signers[role] = create_user(s, f"s-{role}", "password1", "project_manager")
            if role == "procurement":
                register_procurement_approver(s, admin, signers[role].id)
            else:
                register_approver(s, signers[role].id, role)
        v = create_vendor(s, admin, name="PO Vendor", kind="company", fee_rate="0.08",
                          agreement_no="FA-1")
        set_vendor_qualified(s, admin, v.id, True, "assessed")
        p = Project(name="po", modality="speech.asr", language="zh-CN",
                    project_type="custom_service", data_owner="customer", spec={})
        s.add(p)
        s.flush()
        r = create_request(s, pm, quantity="10", on=date(2026, 7, 6), **LINE)
        for role in r.chain:
            r = decide_request(s, signers[role], r.id)
        order = {"request_id": r.id, "vendor_id": v.id, "project_id": p.id, "quantity": "4"}
        for day, code in ((date(2026, 7, 1), "order_before_request"),
                          (date(2026, 7, 11), "order_future")):
            with pytest.raises(InvalidInput) as err:
                create_purchase_order(s, admin, on=day, **order)  # type: ignore[arg-type]
            assert err.value.details["reason_code"] == code
        po = create_purchase_order(s, admin, on=date(2026, 7, 8), **order)  # type: ignore[arg-type]
        assert po.quantity == 4
