"""A correction that pays more is bounded, as a deduction is (h5).

A deduction may not take a sheet's project × stage below zero, but an addition had no bound:
``sheet-correct SHEET 1000000 --reason x`` on a sheet that paid 100.00 for the work made a
draft paying a million more, which a second person could confirm and finance pay. Now all the
additions to one project × stage (live positive corrections) may not exceed what the corrected
sheet paid for it (its accepted volume × price): through the library, the CLI (English and
zh-CN, ``--project`` naming the line on a sheet of several projects) and the API. A voided
correction adds nothing, so its room is free again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, InvalidInput
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementSheet
from datamill.workforce.settlement import create_correction_sheet, void_sheet
from datamill.workforce.vendors import create_vendor
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests.unit.ledger.helpers import ledger_project
from tests.unit.ledger.races import pg_runtime, race
from tests.unit.ledger.test_events import confirmed_sheet, custom_order

D = Decimal


def test_additions_stay_within_what_the_sheet_paid(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        p1, _ = ledger_project(s, "corr-a", custom_order(s, "O-CA"))
        p2, _ = ledger_project(s, "corr-b", custom_order(s, "O-CB"))
        vendor = create_vendor(s, admin, name="Bound Co", kind="company", fee_rate="0.08")
        sheet = confirmed_sheet(s, admin, vendor.id, "WF-BND-1",
                                [(p1, "annotate", "100.00"), (p2, "annotate", "40.00")])
        with pytest.raises(InvalidInput, match=r"the most this one may add is 100\.00") as err:
            create_correction_sheet(s, admin, sheet, "1000000", "under-counted",
                                    project_id=p1)
        assert err.value.details["reason_code"] == "correction_above_paid"
        first = create_correction_sheet(s, admin, sheet, "60.00", "under-counted",
                                        project_id=p1)
        with pytest.raises(InvalidInput, match=r"corrections added 60\.00 already, so the most "
                                               r"this one may add is 40\.00"):
            create_correction_sheet(s, admin, sheet, "40.01", "more", project_id=p1)
        # a deduction does not give room back to add; a voided addition does
        create_correction_sheet(s, admin, sheet, "-10.00", "one file twice", project_id=p1)
        with pytest.raises(InvalidInput, match=r"may add is 40\.00"):
            create_correction_sheet(s, admin, sheet, "50.00", "more", project_id=p1)
        void_sheet(s, admin, first.id, "typed the wrong amount")
        create_correction_sheet(s, admin, sheet, "100.00", "under-counted", project_id=p1)
        # the other project's line is bounded by its own 40.00
        with pytest.raises(InvalidInput, match=r"may add is 40\.00"):
            create_correction_sheet(s, admin, sheet, "40.01", "x", project_id=p2)
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    args = ("workforce", "sheet-correct", str(sheet), "40.01", "--reason", "x", "--project",
            str(p2), "--as", "admin")
    r = run_cli(home, *args, "--json", ok=False, DATAMILL_DATABASE_URL=url)
    assert r.returncode == 2, r.stdout + r.stderr
    assert json.loads(r.stdout)["error"]["reason_code"] == "correction_above_paid"
    r = run_cli(home, *args, ok=False, DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN")
    assert "本次最多可增加 40.00" in r.stdout + r.stderr
    ok = json.loads(run_cli(home, *args[:3], "40.00", *args[4:], "--json",
                            DATAMILL_DATABASE_URL=url).stdout)
    assert D(ok["amount"]) == D("40.00") and ok["kind"] == "correction"
    with TestClient(create_app(runtime)) as c:
        got = c.post(f"{API}/settlements/{sheet}/corrections", headers=login(c, "admin"),
                     json={"amount": "0.01", "reason": "x", "project_id": p2})
        assert got.status_code == 422, got.text
        assert got.json()["reason_code"] == "correction_above_paid"


def test_the_sheets_page_corrects_within_the_bound(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        pp, _ = ledger_project(s, "corr-web", custom_order(s, "O-CW"))
        vendor = create_vendor(s, admin, name="Web Co", kind="company", fee_rate="0.08")
        sheet = confirmed_sheet(s, admin, vendor.id, "WF-WEB-1", [(pp, "annotate", "100.00")])
    with TestClient(create_app(runtime)) as c:
        csrf = web_sign_in(c, "admin")
        page = c.get("/workforce/sheets")
        assert f'data-testid="correct-{sheet}"' in page.text
        r = c.post(f"/workforce/sheets/{sheet}/correct", follow_redirects=False, data={
            "amount": "100.01", "reason": "under-counted", "csrf_token": csrf})
        assert r.status_code == 409 and "the most this one may add is 100.00" in r.text, r.text
        c.cookies.set("lang", "zh-CN")
        r = c.post(f"/workforce/sheets/{sheet}/correct", follow_redirects=False, data={
            "amount": "100.01", "reason": "under-counted", "csrf_token": csrf})
        assert r.status_code == 409 and "本次最多可增加 100.00" in r.text
        r = c.post(f"/workforce/sheets/{sheet}/correct", follow_redirects=False, data={
            "amount": "30.00", "reason": "under-counted", "csrf_token": csrf})
        assert r.status_code == 303, r.text
        assert "更正已生成为新的草稿结算单" in c.get(r.headers["location"]).text
    with runtime.session() as s:
        added = s.scalars(select(SettlementSheet.amount).where(
            SettlementSheet.corrects_sheet_id == sheet)).all()
    assert [D(a) for a in added] == [D("30.00")]


# --- two clerks adding at once (PostgreSQL, two processes: tests.unit.ledger.races) --------


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    yield from pg_runtime(tmp_path)


def _add(s: Session, sheet_id: int, project_id: int) -> None:
    clerk = s.scalars(select(User).where(User.username == "clerk")).one()
    create_correction_sheet(s, clerk, sheet_id, "60.00", "under-counted", project_id=project_id)


def test_two_additions_at_once_stay_within_the_bound(pg: Any) -> None:
    rt, _url = pg
    with rt.session() as s:
        clerk = create_user(s, "clerk", "password1", "admin")
        pp, _ = ledger_project(s, "corr-race", custom_order(s, "O-RACE"))
        vendor = create_vendor(s, clerk, name="Race Co", kind="company", fee_rate="0.08")
        sheet = confirmed_sheet(s, clerk, vendor.id, "WF-RACE-1", [(pp, "annotate", "100.00")])
    got = race(rt, [(_add, (sheet, pp)), (_add, (sheet, pp))])
    assert got == ["InvalidInput", "ok"], got
    with rt.session() as s:
        added = s.scalars(select(SettlementSheet.amount).where(
            SettlementSheet.corrects_sheet_id == sheet)).all()
    assert [D(a) for a in added] == [D("60.00")]


def test_a_deduction_relies_only_on_agreed_additions(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """+50.00 drafted on a 100.00 line, then −150.00: the deduction was taken (the draft
    counted), and voiding the +50.00 left the vendor at −50.00 for the line. A deduction now
    counts an addition once confirmed, and an addition a deduction relies on is not voided
    before it."""
    admin = users["admin"]
    with runtime.session() as s:
        pp, _ = ledger_project(s, "corr-void", custom_order(s, "O-CV"))
        vendor = create_vendor(s, admin, name="Void Co", kind="company", fee_rate="0.08")
        sheet = confirmed_sheet(s, admin, vendor.id, "WF-CV-1", [(pp, "annotate", "100.00")])
        more = create_correction_sheet(s, admin, sheet, "50.00", "under-counted")
        with pytest.raises(InvalidInput, match=r"may deduct is 100\.00"):
            create_correction_sheet(s, admin, sheet, "-150.00", "over-counted")
        row = s.get(SettlementSheet, more.id)
        assert row is not None
        row.status = "confirmed"  # both sides confirmed it (their steps are tested elsewhere)
        s.flush()
        less = create_correction_sheet(s, admin, sheet, "-150.00", "over-counted")
        with pytest.raises(Conflict, match=r"would stand at -50\.00") as err:
            void_sheet(s, admin, more.id, "typed twice")
        assert err.value.details["reason_code"] == "correction_void_below_zero"
        void_sheet(s, admin, less.id, "wrong")
        assert void_sheet(s, admin, more.id, "typed twice").status == "voided"
