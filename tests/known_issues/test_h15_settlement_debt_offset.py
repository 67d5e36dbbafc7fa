"""Found by helper h15 (a vendor's debt carried forward):

A correction larger than what its sheet's month still paid left the vendor owing money (net
−2,000.00, confirmed by both sides). Such a sheet can never be settled, and nothing deducted it
from the vendor's next sheets: the next week's 1,060.00 was paid in full (net 1,060.00), the
debt shown nowhere. Now the debt is offset against the next sheets' net payable, after their
tax (which stays on their gross: the recovery already lowered its month's income): 1,060.00
taken from the next week (net 0.00, 940.00 carried), 940.00 from the week after (1,036.00 →
96.00), once, with an audit entry on the debt sheet naming the sheet that took it; two sheets
drawn at once take it once.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementOffset
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_correction_sheet,
    create_settlement_sheet,
    get_sheet,
    sheet_csv,
    sheet_html,
    void_sheet,
)
from tests.known_issues._web import PASSWORD, web_login
from tests.unit.workforce.test_individual_monthly_tax import _accepted_item, individual_at_106

W1, W2, W3 = date(2024, 5, 6), date(2024, 5, 13), date(2024, 5, 20)


def _at(monday: date) -> datetime:  # the Wednesday of the week
    return datetime(monday.year, monday.month, monday.day + 2, 3, tzinfo=UTC)


def _confirm(s: Session, admin: User, person: User, sheet_id: int) -> None:
    confirm_sheet_by_vendor(s, person, sheet_id)
    confirm_sheet_by_business(s, admin, sheet_id)


def _debtor(s: Session, back: str) -> tuple[User, User, int, int, int]:
    """An individual paid 2 × 1,060.00 in week 1 (confirmed), then corrected by ``back`` and
    confirmed: (admin, person, vendor id, project id, the correction's id)."""
    admin = create_user(s, "boss", PASSWORD, "admin")
    person = User(username="li", display_name="li", password_hash="x", role="annotator")
    s.add(person)
    s.flush()
    vendor, _, project = individual_at_106(
        s, admin, person, name="Li Si", agreement_no="FA-IND-9", id_note="ID ****5678")
    for n in (0, 1):
        _accepted_item(s, project.id, person, n, _at(W1))
    first = create_settlement_sheet(s, admin, vendor.id, W1)
    assert (first.gross, first.tax_withheld) == (Decimal("2120.00"), Decimal("264.00"))
    _confirm(s, admin, person, first.id)
    correction = create_correction_sheet(s, admin, first.id, back, "overpaid")
    assert correction.net_payable == Decimal(back)
    _confirm(s, admin, person, correction.id)
    return admin, person, vendor.id, project.id, correction.id


def test_a_debt_is_offset_against_the_next_sheets_once(runtime: Runtime) -> None:
    with runtime.session() as s:
        admin, person, vendor_id, project_id, debt_id = _debtor(s, "-2000.00")
        assert get_sheet(s, admin, debt_id).debt_outstanding == Decimal("2000.00")
        _accepted_item(s, project_id, person, 2, _at(W2))
        second = create_settlement_sheet(s, admin, vendor_id, W2)
        # tax on the month's 2,120 − 2,000 + 1,060 = 1,180.00 is 76.00 < 264.00 withheld: 0.00
        assert (second.gross, second.tax_withheld) == (Decimal("1060.00"), Decimal("0.00"))
        assert (second.debt_offset, second.net_payable) == (
            Decimal("1060.00"), Decimal("0.00"))  # was 0.00, 1,060.00
        assert [(o.debt_sheet_id, o.amount) for o in second.offsets] == [
            (debt_id, Decimal("1060.00"))]
        assert get_sheet(s, admin, debt_id).debt_outstanding == Decimal("940.00")
        second = create_settlement_sheet(s, admin, vendor_id, W2)  # redrawn: taken once
        assert (second.debt_offset, second.net_payable) == (Decimal("1060.00"), Decimal("0.00"))
        _confirm(s, admin, person, second.id)
        _accepted_item(s, project_id, person, 3, _at(W3))
        third = create_settlement_sheet(s, admin, vendor_id, W3)
        # the tax on the month's 2,240.00 (288.00) less 264.00 withheld: as without the debt
        assert (third.gross, third.tax_withheld) == (Decimal("1060.00"), Decimal("24.00"))
        assert (third.debt_offset, third.net_payable) == (Decimal("940.00"), Decimal("96.00"))
        debt = get_sheet(s, admin, debt_id)
        assert debt.debt_outstanding == Decimal("0.00")
        assert [(o.sheet, o.amount) for o in debt.offset_by] == [
            (second.number, Decimal("1060.00")), (third.number, Decimal("940.00"))]
        trail = [(a.data["offset_by"], a.data["amount"], a.data["outstanding"])
                 for a in s.scalars(select(AuditRecord).where(
                     AuditRecord.action == "settlement.debt_offset",
                     AuditRecord.object_id == debt_id).order_by(AuditRecord.id))]
        # the redraw gave its offset back and took it again: each drawing is in the trail
        assert trail[-2:] == [(second.number, "1060.00", "940.00"),
                              (third.number, "940.00", "0.00")]
        with pytest.raises(Conflict, match="offset against sheet") as err:
            void_sheet(s, admin, debt_id, "wrong")
        assert err.value.details["reason_code"] == "sheet_debt_offset"
        void_sheet(s, admin, third.id, "drawn too early")  # its offset counts for nothing
        assert get_sheet(s, admin, debt_id).debt_outstanding == Decimal("940.00")


def _first_waits_or_ends(rt: Runtime, racer: threading.Thread) -> None:
    """Until the racer waits for a PostgreSQL row lock or ends (it took no lock), at most 30 s."""
    deadline = time.monotonic() + 30
    with rt.engine.connect() as conn:
        while racer.is_alive() and time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)


def test_two_sheets_drawn_at_once_offset_a_debt_once(runtime: Runtime) -> None:
    """Week 2 redrawn and week 3 drawn by two processes at once, each paying 1,060.00, with a
    1,000.00 debt outstanding: each took what it could (1,848.00 for 1,000.00) on PostgreSQL; the
    drawing now locks the debt sheets, so the second waits for the first and takes the rest."""
    with runtime.session() as s:
        admin = User(username="boss", display_name="boss", password_hash="x", role="admin")
        person = User(username="li", display_name="li", password_hash="x", role="annotator")
        s.add_all([admin, person])
        s.flush()
        vendor, _, project = individual_at_106(
            s, admin, person, name="Li Si", agreement_no="FA-IND-9", id_note="ID ****5678")
        _accepted_item(s, project.id, person, 0, _at(W1))
        first = create_settlement_sheet(s, admin, vendor.id, W1)
        _confirm(s, admin, person, first.id)
        back = create_correction_sheet(s, admin, first.id, "-1000.00", "overpaid")
        confirm_sheet_by_vendor(s, person, back.id)
        _accepted_item(s, project.id, person, 1, _at(W2))
        create_settlement_sheet(s, admin, vendor.id, W2)  # a draft, before the debt is one
        _accepted_item(s, project.id, person, 2, _at(W3))
        confirm_sheet_by_business(s, admin, back.id)
        ids = (admin.id, vendor.id)
    drawn: list[Decimal] = []

    def draw(week: date) -> None:
        with runtime.session() as s:
            drawn.append(create_settlement_sheet(s, s.get_one(User, ids[0]), ids[1],
                                                 week).debt_offset)

    pg = runtime.engine.dialect.name == "postgresql"
    with runtime.session() as s:  # week 2 redrawn, not yet committed, while week 3 is drawn
        drawn.append(create_settlement_sheet(s, s.get_one(User, ids[0]), ids[1], W2).debt_offset)
        if pg:
            racer = threading.Thread(target=draw, args=(W3,))
            racer.start()
            _first_waits_or_ends(runtime, racer)
    if pg:
        racer.join(timeout=60)
    else:  # SQLite: one writer at a time, the two run in turn
        draw(W3)
    assert drawn == [Decimal("1000.00"), Decimal("0.00")], drawn  # was 1,000.00 and 848.00 (all of week 3's net)
    with runtime.session() as s:
        taken = s.scalars(select(SettlementOffset.amount).where(
            SettlementOffset.debt_sheet_id == back.id).order_by(SettlementOffset.id)).all()
    assert taken == [Decimal("1000.00")], taken


@pytest.mark.slow  # a web app, a sign-in and three CLI runs: ~6 s
def test_the_cli_api_and_pages_show_the_debt_and_its_offset(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The faces said nothing of the debt: the CLI drew 1,060.00 net, the API and the vendor's
    page showed the −2,000.00 sheet as confirmed with nothing owed or offset."""
    from datamill.config import get_settings

    rt = sqlite_runtime
    with rt.session() as s:
        _, person, vendor_id, project_id, debt_id = _debtor(s, "-2000.00")
        _accepted_item(s, project_id, person, 2, _at(W2))
    monkeypatch.setattr(_common, "_runtime", [rt])
    draw = ["workforce", "sheet-create", str(vendor_id), str(W2), "--as", "boss"]
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, draw)
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
    assert r.exit_code == 0, r.stdout + r.stderr
    number = f"WF-{vendor_id:04d}-20240506-C1"
    with rt.session() as s:
        assert get_sheet(s, s.get_one(User, 1), debt_id).number == number
    assert f"抵扣结算单 {number} 的欠款 1,060.00" in r.stdout, r.stdout
    assert "应付净额 0.00" in r.stdout, r.stdout
    r = CliRunner().invoke(app, [*draw, "--json"])  # redrawn: the offset taken once again
    assert r.exit_code == 0, r.stdout + r.stderr
    got = json.loads(r.stdout)
    assert (got["net_payable"], got["debt_offset"]) == ("0.00", "1060.00")
    assert [(o["debt_sheet"], o["amount"]) for o in got["offsets"]] == [(number, "1060.00")]
    with TestClient(create_app(rt), raise_server_exceptions=False) as client:
        tok = client.post("/api/v1/auth/token", json={"username": "boss", "password": PASSWORD})
        auth = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        debt = client.get(f"/api/v1/settlements/{debt_id}", headers=auth).json()
        assert debt["debt_outstanding"] == "940.00"
        assert [(o["sheet"], o["amount"]) for o in debt["offset_by"]] == [
            (got["number"], "1060.00")]
        web_login(client, "boss")
        for lang, words in (("en", [f"less 1,060.00 owed on sheet {number}",
                                    "the vendor owes: 940.00 still to offset",
                                    f"1,060.00 offset on sheet {got['number']}"]),
                            ("zh-CN", [f"已抵扣结算单 {number} 的欠款 1,060.00",
                                       "供应商欠款：尚待抵扣 940.00",
                                       f"已在结算单 {got['number']} 中抵扣 1,060.00"])):
            client.cookies.set("lang", lang)
            page = client.get(f"/workforce/vendors/{vendor_id}")
            assert page.status_code == 200, page.text
            for said in words:
                assert said in page.text, (lang, said)
        printed = client.get(f"/workforce/sheets/{got['id']}/print").text  # zh-CN, signed
        assert f"减：抵扣结算单 {number} 的供应商欠款" in printed, printed
    with rt.session() as s:
        printed = sheet_html(s, s.get_one(User, 1), got["id"], "en")
        assert f"Less the vendor&#x27;s debt on sheet {number}</th><td>-1,060.00" in printed
        csv_text = sheet_csv(s, s.get_one(User, 1), debt_id)
        assert f"total,debt_outstanding,940.00\noffset_by,{got['number']},1060.00" in csv_text
