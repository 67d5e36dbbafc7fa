"""A data-service claim for work a settlement sheet already pays is refused (the reverse of
trial 11's HIGH 1b, :mod:`tests.known_issues.test_trial11_vendor_paid_one_way`).

On the old code a sheet was refused for work a claim paid, but not the other way round:
``datamill ledger cost-post ... data_service ... --supplier 'Prop Vendor'`` (and ``POST
/ledger/projects/{id}/costs``) booked a claim for the week a drawn sheet of Prop Vendor already
took, so the same work was paid twice."""

from __future__ import annotations

import json
import re
import string
import threading
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import datamill
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict
from datamill.ledger.costs import submit_expense_claim
from datamill.ledger.models import LedgerCost
from datamill.ledger.projects import open_ledger_project
from datamill.modalities.problem_words import word_reason
from datamill.paid_once import REFUSAL_WORDS, draw_sheet, post_claim, submit_claim
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementSheet
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_correction_sheet,
    create_settlement_sheet,
)
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login
from tests._cli import run_cli
from tests._tools import wait_for_a_lock_wait
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import approved_budget, line, make_approvers
from tests.unit.ledger.test_events import custom_order
from tests.unit.workforce.test_settlement_properties import WEEKS, _build

SHEET = "WF-{:04d}-20240506"  # the sheet of WEEKS[0] (2024-05-06 to 2024-05-12)


def _world(runtime: Runtime) -> tuple[int, int]:
    """Prop Vendor's accepted work in the week of WEEKS[0] on a drawn (draft) sheet (and more
    accepted in the next week, on no sheet yet), the project's accounts open with room for
    claims; (ledger project, vendor)."""
    with runtime.session() as s:
        vendor_id, _, _ = _build(s, [("accepted", 0, 0, 3_600_000), ("accepted", 1, 0, 1_800_000),
                                   ("accepted", 0, 1, 900_000)])
        biz = create_user(s, "biz", "password1", "admin")
        project = s.scalars(select(Project).where(Project.name == "p")).one()
        ap = make_approvers(s)
        lp = open_ledger_project(s, project.id, order_id=custom_order(s, "O-REV")).id
        approved_budget(s, lp, [line("annotation", "data_service", "10", "30"),
                                line("annotation", "other", "1", "30")], ap)
        create_settlement_sheet(s, s.get(User, biz.id), vendor_id, WEEKS[0])  # type: ignore[arg-type]
        return lp, vendor_id


def _cost_post(runtime: Runtime, lp: int, supplier: str, day: str, ref: str = "claim:REV-1",
               category: str = "data_service") -> tuple[int, dict[str, object]]:
    r = run_cli(runtime.settings.home, "ledger", "cost-post", str(lp), "annotation", category,
                "10.00", ref, day, "--supplier", supplier, "--quantity", "1", "--unit-price",
                "10", "--as", "biz", "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


def _claims(runtime: Runtime) -> list[str]:
    with runtime.session() as s:
        return list(s.scalars(select(LedgerCost.source_ref).order_by(LedgerCost.id)))


@pytest.mark.parametrize("supplier", [
    "Prop Vendor", "  prop VENDOR ",
    # trial 13: matched by exact name only, these passed (one company, typed another way)
    "Prop  Vendor", "Prop Vendor Co., Ltd.", "PROP VENDOR LTD", "Ｐｒｏｐ Vendor Inc."])
def test_the_cli_refuses_a_claim_for_work_on_a_sheet(
    runtime: Runtime, users: dict[str, User], supplier: str
) -> None:
    lp, vendor = _world(runtime)
    code, out = _cost_post(runtime, lp, supplier, "2024-05-08")
    assert code != 0, out
    error = out["error"]
    assert isinstance(error, dict)
    assert error["code"] == "conflict" and error["reason_code"] == "paid_by_sheet", out
    assert error["sheet"] == SHEET.format(vendor) and error["last_day"] == "2024-05-12", out
    message = error["message"]
    assert SHEET.format(vendor) in message and "never both" in message, out
    assert "corrections" in message and "2024-05-12" in message, out  # what to do
    assert "§" not in message
    assert _claims(runtime) == []


def test_the_api_refuses_it_in_english_and_in_chinese(
    runtime: Runtime, users: dict[str, User]
) -> None:
    lp, vendor = _world(runtime)
    body = {"stage": "annotation", "category": "data_service", "amount": "10.00",
            "source_ref": "claim:REV-API", "incurred_on": "2024-05-06",
            "supplier": "Prop Vendor", "quantity": "1", "unit_price": "10"}
    with TestClient(create_app(runtime)) as c:
        auth = login(c, "biz")
        r = c.post(f"{API}/ledger/projects/{lp}/costs", headers=auth, json=body)
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["code"] == "conflict" and problem["reason_code"] == "paid_by_sheet"
        assert SHEET.format(vendor) in problem["detail"] and "never both" in problem["detail"]
        assert "message_en" not in problem
        r = c.post(f"{API}/ledger/projects/{lp}/costs", json=body,
                   headers={**auth, "Accept-Language": "zh-CN,zh;q=0.9"})
        assert r.status_code == 409, r.text
        zh = r.json()
        assert "结算单 " + SHEET.format(vendor) in zh["detail"], zh
        assert "草稿" in zh["detail"] and "2024-05-12" in zh["detail"], zh  # status worded
        assert zh["message_en"] == problem["detail"]
    assert _claims(runtime) == []


@pytest.mark.parametrize(("supplier", "day", "category"), [
    ("Road Vision Fleet Co.", "2024-05-08", "data_service"),  # another supplier
    ("Prop Vendor", "2024-05-13", "data_service"),  # after the sheet's last day: later work
    ("Prop Vendor", "2024-05-08", "other"),  # not a data-service claim
])
def test_other_claims_are_booked(
    runtime: Runtime, users: dict[str, User], supplier: str, day: str, category: str
) -> None:
    lp, _ = _world(runtime)
    with runtime.session() as s:  # a data-service claim names a qualified vendor (PM/finance trial, 2026-12)
        boss = s.scalars(select(User).where(User.username == "boss")).one()
        other = create_vendor(s, boss, name="Road Vision Fleet Co.", kind="company",
                              agreement_no="FA-RV", fee_rate="0.08")
        set_vendor_qualified(s, boss, other.id, True, "assessed")
    code, out = _cost_post(runtime, lp, supplier, day, category=category)
    assert code == 0, out
    assert _claims(runtime) == ["claim:REV-1"]


def test_a_sheet_corrected_to_zero_for_the_project_no_longer_refuses(
    runtime: Runtime, users: dict[str, User]
) -> None:
    lp, _ = _world(runtime)
    with runtime.session() as s:
        boss = s.scalars(select(User).where(User.username == "boss")).one()
        sheet = s.scalars(select(SettlementSheet)).one()
        lead = create_user(s, "lead", "password1", "annotator")
        register_worker(s, boss, s.get(User, lead.id), vendor_id=sheet.vendor_id,  # type: ignore[arg-type]
                        is_manager=True, languages=["en-US"])
        confirm_sheet_by_vendor(s, s.get(User, lead.id), sheet.id)  # type: ignore[arg-type]
        confirm_sheet_by_business(s, boss, sheet.id)
        with pytest.raises(Conflict, match="already paid for work on this project"):
            post_claim(s, lp, "annotation", "data_service", "10.00", "claim:REV-C",
                       incurred_on=date(2024, 5, 8), supplier="Prop Vendor", quantity="1",
                       unit_price="10")
        create_correction_sheet(s, boss, sheet.id, -sheet.amount, "paid by claim instead")
        cost = post_claim(s, lp, "annotation", "data_service", "10.00", "claim:REV-C",
                          incurred_on=date(2024, 5, 8), supplier="Prop Vendor", quantity="1",
                          unit_price="10")
        assert cost.status == "posted"


def test_the_shared_functions_guard_callers_that_skip_the_faces(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """paid_once is what the faces and the demo call: a script calling it gets the same
    refusals, and a refused sheet is undone even when the caller goes on and commits."""
    lp, vendor = _world(runtime)
    with runtime.session() as s:
        with pytest.raises(Conflict) as refused:
            submit_claim(s, lp, stage="annotation", supplier="Prop Vendor", quantity="1",
                         unit_price="5", claim_no="REV-S", incurred_on=date(2024, 5, 9))
        assert refused.value.details["reason_code"] == "paid_by_sheet"
    with runtime.session() as s:  # the other way round: a claim first, then the sheet
        boss = s.scalars(select(User).where(User.username == "boss")).one()
        submit_claim(s, lp, stage="annotation", supplier="Prop Vendor", quantity="1",
                     unit_price="5", claim_no="REV-LATER", incurred_on=date(2024, 5, 15))
        with pytest.raises(Conflict) as refused:  # next week's sheet takes week 1's work
            draw_sheet(s, boss, vendor, WEEKS[1])
        assert refused.value.details["reason_code"] == "paid_by_claims"
        # the caller goes on: the refused sheet was not left half-drawn in the session
    with runtime.session() as s:
        numbers = list(s.scalars(select(SettlementSheet.number)))
        assert numbers == [SHEET.format(vendor)], numbers


def test_a_claim_posted_while_a_sheet_is_drawn_waits_and_is_refused(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """Drawing a sheet locks the ledger projects it asks about, as a claim's posting does: a
    claim posted meanwhile waits for the sheet and then sees it (on PostgreSQL it would
    otherwise read past the uncommitted sheet, and both would pass)."""
    lp, vendor = _world(runtime)
    outcome: dict[str, object] = {}

    def claim() -> None:
        try:
            with runtime.session() as s:
                post_claim(s, lp, "annotation", "data_service", "10.00", "claim:RACE",
                           incurred_on=date(2024, 5, 15), supplier="Prop Vendor",
                           quantity="1", unit_price="10")
            outcome["claim"] = "posted"
        except Conflict as err:
            outcome["claim"] = err.details.get("reason_code")

    racer = threading.Thread(target=claim)
    with runtime.session() as s:
        boss = s.scalars(select(User).where(User.username == "boss")).one()
        draw_sheet(s, boss, vendor, WEEKS[1])  # week 1's work, up to 2024-05-19
        racer.start()
        wait_for_a_lock_wait(runtime.engine, racer, 1.5)  # the claim waits on the ledger project
    racer.join(60)
    assert outcome == {"claim": "paid_by_sheet"}
    assert "claim:RACE" not in _claims(runtime)


def test_the_web_and_the_api_word_a_refused_sheet_in_chinese(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """The twin refusal (a sheet for work a claim pays) reads in the page's and the caller's
    language too; nothing is drawn."""
    lp, vendor = _world(runtime)
    with runtime.session() as s:
        submit_claim(s, lp, stage="annotation", supplier="Prop Vendor", quantity="1",
                     unit_price="5", claim_no="REV-ZH", incurred_on=date(2024, 5, 15))
    form = {"vendor_id": str(vendor), "period_start": WEEKS[1].isoformat()}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "biz")
        c.cookies.set("lang", "zh-CN")
        r = c.post("/workforce/sheets/draw", data={**form, "csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.status_code == 409, r.text
        assert "指名其为供应商的数据服务报销支付" in r.text and "claim:REV-ZH" in r.text
        r = c.post(f"{API}/settlements", json={"vendor_id": vendor, "period_start":
                                               WEEKS[1].isoformat()},
                   headers={**login(c, "biz"), "Accept-Language": "zh-CN"})
        assert r.status_code == 409, r.text
        assert r.json()["reason_code"] == "paid_by_claims"
        assert "结算单 WF-" in r.json()["detail"] and "never both" in r.json()["message_en"]
    with runtime.session() as s:
        assert len(s.scalars(select(SettlementSheet)).all()) == 1  # week 0's only


def test_a_sheet_sees_claims_naming_its_vendor_another_way(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """The twin: a claim naming "Prop Vendor Co., Ltd." pays the vendor "Prop Vendor"'s work,
    so a sheet for it is refused; a claim naming another company does not count."""
    from datamill.ledger.models import LedgerProject
    from datamill.ledger.sheet_costs import vendor_claims

    lp, _vendor = _world(runtime)
    with runtime.session() as s:
        submit_claim(s, lp, stage="annotation", supplier="Prop Vendor Co., Ltd.", quantity="1",
                     unit_price="5", claim_no="REV-CO", incurred_on=date(2024, 5, 15))
        # another company (a claim booked before claims had to name a qualified vendor)
        submit_expense_claim(s, lp, stage="annotation", supplier="Prop Vendors", quantity="1",
                             unit_price="5", claim_no="REV-OTHER",
                             incurred_on=date(2024, 5, 15))
        assert s.scalars(select(LedgerCost.supplier).where(
            LedgerCost.source_ref == "claim:REV-CO")).one() == "Prop Vendor"  # as registered
    with runtime.session() as s:
        pid = s.get(LedgerProject, lp).production_project_id  # type: ignore[union-attr]
        found = vendor_claims(s, " prop vendor ", {pid}, date(2024, 6, 1))
        assert [c.source_ref for c in found] == ["claim:REV-CO"]


def test_the_faces_and_the_demo_draw_pay_and_claim_only_through_paid_once() -> None:
    """The guards live in datamill.paid_once: a face or the demo calling the wrapped services
    itself would skip them (as the demo's money story once drew its sheet unchecked)."""
    src = Path(datamill.__file__).resolve().parent
    wrapped = re.compile(r"\b(create_settlement_sheet|settle_sheet|submit_expense_claim)\b"
                         r"|claim=True")
    found = [f"{path.relative_to(src)}:{n}" for face in ("cli", "api", "web", "demo")
             for path in sorted((src / face).rglob("*.py"))
             for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if wrapped.search(text)]
    assert found == []


def test_every_refusal_is_worded_in_both_languages() -> None:
    names = {lang: {code: {f for _, f, _, _ in string.Formatter().parse(text) if f}
                    for code, text in words.items()} for lang, words in REFUSAL_WORDS.items()}
    assert names["en"] == names["zh-CN"]
    for code, fields in names["en"].items():
        details: dict[str, object] = {f: f"<{f}>" for f in fields}
        for lang in REFUSAL_WORDS:
            said = word_reason({"reason_code": code, **details}, lang)
            assert said is not None and not re.search(r"[{}]", said), (code, lang, said)
            assert "§" not in said
    # details that do not fit
    assert word_reason({"reason_code": "paid_by_sheet"}, "zh-CN") is None
    assert word_reason({"reason_code": "no_such_code"}, "en") is None
