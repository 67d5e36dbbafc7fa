"""A settlement sheet drawn or confirmed but not paid can be voided, with a reason.

On the old code a sheet could not be voided: once confirmed it could only be corrected to zero
(a correction per project × stage), and a draft stayed as it was, keeping its work from any other
sheet or claim. Now ``void_sheet`` (``datamill workforce sheet-void``, ``POST
/settlements/{id}/void``, the sheets page's Void button) marks it ``voided`` with the reason, who
and when; its work is payable again (a new sheet, or a claim: paid_once no longer refuses for a
voided sheet), a confirmed sheet's cost is taken back in the ledger, and a paid sheet is refused
(409 ``sheet_paid``, worded in en and zh-CN)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.events import sync_ledger
from datamill.ledger.models import LedgerCost
from datamill.paid_once import REFUSAL_WORDS, draw_sheet, pay_sheet, post_claim
from datamill.production.models import DomainEvent
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementSheet, SettlementUnit
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_correction_sheet,
    sheet_csv,
    void_sheet,
)
from datamill.workforce.vendors import register_worker
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import csrf_of, web_login
from tests.known_issues.test_claim_after_sheet import SHEET, _world
from tests.unit.ledger.races import pg_runtime, race
from tests.unit.workforce.test_settlement_properties import WEEKS


def _boss(s: object) -> User:
    return s.scalars(select(User).where(User.username == "boss")).one()  # type: ignore[attr-defined, no-any-return]


def _confirm(s: object, sheet_id: int, vendor_id: int) -> None:
    boss = _boss(s)
    lead = create_user(s, "lead", "password1", "annotator")  # type: ignore[arg-type]
    register_worker(s, boss, s.get(User, lead.id), vendor_id=vendor_id,  # type: ignore[arg-type, attr-defined]
                    is_manager=True, languages=["en-US"])
    confirm_sheet_by_vendor(s, s.get(User, lead.id), sheet_id)  # type: ignore[arg-type, attr-defined]
    confirm_sheet_by_business(s, boss, sheet_id)  # type: ignore[arg-type]


def _sheet(s: object) -> SettlementSheet:
    return s.scalars(select(SettlementSheet).order_by(SettlementSheet.id)).first()  # type: ignore[attr-defined, no-any-return]


@dataclass(frozen=True)
class Drawn:
    """The world of :func:`tests.known_issues.test_claim_after_sheet._world`: Prop Vendor's
    draft sheet of WEEKS[0], its vendor and the project's ledger project."""

    ledger_project: int
    vendor: int
    sheet_id: int

    def sheet(self, s: object) -> SettlementSheet:
        """The sheet's row in session ``s``."""
        return s.get(SettlementSheet, self.sheet_id)  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def drawn(runtime: Runtime, users: dict[str, User]) -> Drawn:
    """Every test but the race (which has its own PostgreSQL runtime) starts from here."""
    lp, vendor = _world(runtime)
    with runtime.session() as s:
        return Drawn(lp, vendor, _sheet(s).id)


def test_a_voided_draft_releases_its_work_to_a_claim(runtime: Runtime, drawn: Drawn) -> None:
    lp = drawn.ledger_project
    with runtime.session() as s:
        sheet = drawn.sheet(s)
        with pytest.raises(Conflict) as refused:
            post_claim(s, lp, "annotation", "data_service", "10.00", "claim:V-1",
                       incurred_on=date(2024, 5, 8), supplier="Prop Vendor", quantity="1",
                       unit_price="10")
        assert refused.value.details["reason_code"] == "paid_by_sheet"
        with pytest.raises(InvalidInput, match="reason"):
            void_sheet(s, _boss(s), sheet.id, "   ")
        out = void_sheet(s, _boss(s), sheet.id, "drawn for the wrong vendor")
        assert out.status == "voided" and out.void_reason == "drawn for the wrong vendor"
        assert out.voided_by == _boss(s).id and out.voided_at is not None
        assert out.lines and out.amount > 0  # the voided sheet stays, lines and all
        cost = post_claim(s, lp, "annotation", "data_service", "10.00", "claim:V-1",
                          incurred_on=date(2024, 5, 8), supplier="Prop Vendor", quantity="1",
                          unit_price="10")
        assert cost.status == "posted"
        with pytest.raises(Conflict, match="already voided"):
            void_sheet(s, _boss(s), sheet.id, "again")
    with runtime.session() as s:
        row = s.get(SettlementSheet, sheet.id)
        assert row is not None and row.status == "voided"
        assert s.scalar(select(func.count()).select_from(SettlementUnit).where(
            SettlementUnit.sheet_id == sheet.id)) == 0
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "settlement.voided")).one()
        assert audit.data["reason"] == "drawn for the wrong vendor"
        assert audit.data["was"] == "draft"
        assert "void_reason,drawn for the wrong vendor" in sheet_csv(s, _boss(s), sheet.id)
        assert sheet_csv(s, _boss(s), sheet.id).splitlines()[0].split(",")[7] == "voided"


def test_a_voided_confirmed_sheet_is_drawn_again_and_its_cost_taken_back(
    runtime: Runtime, drawn: Drawn
) -> None:
    lp, vendor = drawn.ledger_project, drawn.vendor
    with runtime.session() as s:
        sheet = drawn.sheet(s)
        _confirm(s, sheet.id, vendor)
        sync_ledger(s)
        booked = s.scalar(select(func.sum(LedgerCost.amount)).where(
            LedgerCost.project_id == lp, LedgerCost.status == "posted"))
        assert booked == sheet.gross
        void_sheet(s, _boss(s), sheet.id, "prices of the wrong half-year")
        sync_ledger(s)
        costs = s.scalars(select(LedgerCost).where(LedgerCost.project_id == lp,
                                                   LedgerCost.status == "posted")).all()
        assert sum((c.amount for c in costs), Decimal(0)) == 0  # the cost taken back whole
        assert any(":void:" in c.source_ref for c in costs), [c.source_ref for c in costs]
        again = draw_sheet(s, _boss(s), vendor, WEEKS[0])  # the period is free again
        assert again.number == SHEET.format(vendor) + "-R1"
        assert again.amount == sheet.amount and again.status == "draft"


def test_a_paid_sheet_is_not_voided_on_any_face(runtime: Runtime, drawn: Drawn) -> None:
    with runtime.session() as s:
        sheet = drawn.sheet(s)
        _confirm(s, sheet.id, drawn.vendor)
        pay_sheet(s, _boss(s), sheet.id, reference="BANK-V")
        with pytest.raises(Conflict) as refused:
            void_sheet(s, _boss(s), sheet.id, "too late")
        assert refused.value.details["reason_code"] == "sheet_paid"
        sheet_id = sheet.id
    done = run_cli(runtime.settings.home, "workforce", "sheet-void", str(sheet_id), "--reason",
                   "too late", "--as", "biz", "--json", ok=False,
                   DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert done.returncode != 0
    error = json.loads(done.stdout)["error"]
    assert error["reason_code"] == "sheet_paid" and "BANK-V" in error["message"], error
    with TestClient(create_app(runtime)) as c:
        auth = login(c, "biz")
        r = c.post(f"{API}/settlements/{sheet_id}/void", headers=auth, json={"reason": "x"})
        assert r.status_code == 409, r.text
        assert r.json()["reason_code"] == "sheet_paid" and "cannot be voided" in r.json()["detail"]
        r = c.post(f"{API}/settlements/{sheet_id}/void", json={"reason": "x"},
                   headers={**auth, "Accept-Language": "zh-CN"})
        assert r.status_code == 409, r.text
        assert "不能作废" in r.json()["detail"] and "BANK-V" in r.json()["detail"], r.json()
    with runtime.session() as s:
        assert s.get(SettlementSheet, sheet_id).status == "settled"  # type: ignore[union-attr]


def test_a_sheet_with_live_corrections_is_voided_after_them(
    runtime: Runtime, drawn: Drawn
) -> None:
    with runtime.session() as s:
        sheet = drawn.sheet(s)
        _confirm(s, sheet.id, drawn.vendor)
        corr = create_correction_sheet(s, _boss(s), sheet.id, "-1.00", "rounding")
        with pytest.raises(Conflict) as refused:
            void_sheet(s, _boss(s), sheet.id, "wrong")
        assert refused.value.details["reason_code"] == "sheet_corrected"
        void_sheet(s, _boss(s), corr.id, "not needed")
        assert void_sheet(s, _boss(s), sheet.id, "wrong").status == "voided"
        with pytest.raises(Conflict, match="voided"):
            create_correction_sheet(s, _boss(s), sheet.id, "-1.00", "after the void")


def test_only_the_business_side_voids(
    runtime: Runtime, users: dict[str, User], drawn: Drawn
) -> None:
    with runtime.session() as s:
        with pytest.raises(Forbidden):
            void_sheet(s, users["ann1"], drawn.sheet_id, "mine")
    with TestClient(create_app(runtime)) as c:
        r = c.post(f"{API}/settlements/{drawn.sheet_id}/void", headers=login(c, "ann1"),
                   json={"reason": "mine"})
        assert r.status_code == 403, r.text
    with runtime.session() as s:
        assert drawn.sheet(s).status == "draft"
    done = run_cli(runtime.settings.home, "workforce", "sheet-void", str(drawn.sheet_id), "--reason",
                   "drawn twice", "--as", "biz", "--json",
                   DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    said = json.loads(done.stdout)
    assert said["status"] == "voided" and said["void_reason"] == "drawn twice", said


def test_the_sheets_page_voids_with_a_reason_in_either_language(
    runtime: Runtime, drawn: Drawn
) -> None:
    sheet_id = drawn.sheet_id
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "biz")
        c.cookies.set("lang", "zh-CN")
        page = c.get("/workforce/sheets")
        assert f'data-testid="void-{sheet_id}"' in page.text and "作废原因" in page.text
        r = c.post(f"/workforce/sheets/{sheet_id}/void",
                   data={"reason": "重复编制", "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = c.get("/workforce/sheets")
        assert "已作废" in page.text and "重复编制" in page.text
        assert f'data-testid="void-{sheet_id}"' not in page.text
        printed = c.get(f"/workforce/sheets/{sheet_id}/print")
        assert 'data-testid="sheet-voided"' in printed.text and "重复编制" in printed.text
        r = c.post(f"/workforce/sheets/{sheet_id}/void",
                   data={"reason": "again", "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 409


def test_the_void_refusals_are_worded_in_both_languages() -> None:
    for code in ("sheet_paid", "sheet_corrected"):
        assert code in REFUSAL_WORDS["en"] and code in REFUSAL_WORDS["zh-CN"]


# --- a void racing the payment (PostgreSQL, two processes: tests.unit.ledger.races) ------------


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    yield from pg_runtime(tmp_path)


def _void(s: Session, sheet_id: int) -> None:
    void_sheet(s, _boss(s), sheet_id, "race")


def _pay(s: Session, sheet_id: int) -> None:
    pay_sheet(s, _boss(s), sheet_id, reference="BANK-RACE")


def test_a_void_racing_the_payment_one_wins(pg: Any) -> None:
    rt, _url = pg
    _, vendor = _world(rt)
    with rt.session() as s:
        sheet_id = _sheet(s).id
        _confirm(s, sheet_id, vendor)
        sync_ledger(s)
    got = race(rt, [(_void, (sheet_id,)), (_pay, (sheet_id,))], ordered=True)
    assert sorted(got) == ["Conflict", "ok"], got
    with rt.session() as s:
        row = s.get(SettlementSheet, sheet_id)
        assert row is not None
        paid = s.scalar(select(func.count()).select_from(DomainEvent).where(
            DomainEvent.type == "settlement.paid"))
        units = s.scalar(select(func.count()).select_from(SettlementUnit).where(
            SettlementUnit.sheet_id == sheet_id))
    # voided: no payment, its work released; or paid: never voided, its work kept
    assert (row.status, paid, units == 0) in (("voided", 0, True), ("settled", 1, False)), (
        got, row.status, paid, units)
