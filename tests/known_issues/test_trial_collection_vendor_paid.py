"""A collection vendor is paid for its accepted recordings (trial finding, HIGH).

A vendor's recordings were imported into a speech collection project, but the items named no
vendor and settlement paid task work only: ``workforce sheet-create`` answered "nothing
accepted and unpaid" although the vendor had a ``collect`` price of 300 per hour. Now the import
names the supplying vendor (``data import --vendor``, the API's ``vendor_id``), and the vendor's
sheet pays the accepted hours × 300 on the ``collect`` stage, once; a rejected item is not paid,
and another vendor's manager cannot see the sheet.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Conflict, DatamillError, Forbidden
from datamill.ledger.models import LedgerCost
from datamill.ledger.projects import open_ledger_project
from datamill.ledger.sheet_costs import sheet_cost_problems
from datamill.production.annotating import submit_annotation
from datamill.production.checking import run_checks
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import DomainEvent, ImportRun, Inspection, Item
from datamill.production.projects import create_project
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementUnit
from datamill.workforce.pricing import set_price
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_settlement_sheet,
    get_sheet,
    list_sheets,
)
from datamill.workforce.vendors import (
    create_vendor,
    register_worker,
    set_vendor_qualified,
    verify_identity,
)
from tests._api import login
from tests._cli import run_cli
from tests.known_issues import _vendor_world as vw
from tests.unit.ledger.helpers import approved_budget, line, make_approvers
from tests.unit.ledger.test_events import custom_order
from tests.unit.production.helpers import spec, speech_folder

WEEK = date(2024, 5, 6)  # a Monday
ACCEPTED_AT = datetime(2024, 5, 8, 2, 0, tzinfo=UTC)
TEXT = "the words"


def _vendor(s: Session, admin: User, name: str, manager: str, qualified: bool = True) -> int:
    v = create_vendor(s, admin, name=name, kind="studio", fee_rate="0.1", agreement_no=name)
    if qualified:
        set_vendor_qualified(s, admin, v.id, True, "assessed")
    mgr = create_user(s, manager, "password1", "annotator")
    register_worker(s, admin, mgr, vendor_id=v.id, is_manager=True)
    return v.id


def _inspect(rt: Runtime, inspector: User, pid: int, limit: int, text: str) -> str:
    with rt.session() as s:
        batch = create_batch(s, pid, limit=limit)
        insp = start_inspection(s, batch.id, inspector)
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], text)
        verdict = complete_inspection(s, insp.id, inspector).verdict
        s.execute(update(Inspection).where(Inspection.id == insp.id)
                  .values(completed_at=ACCEPTED_AT))
    return str(verdict)


def _world(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> dict[str, int]:
    rt, admin = runtime, users["admin"]
    with rt.session() as s:
        pid = create_project(s, spec(name="dongbei-collect", language="zh-CN",
                                     stages=["annotate"], package_size=4)).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
        studio = _vendor(s, admin, "东北语音采集工作室", "studio-mgr")
        other = _vendor(s, admin, "Other Data", "other-mgr")
        unqualified = _vendor(s, admin, "Not Yet", "notyet-mgr", qualified=False)
        set_price(s, admin, half_year="2024H1", stage="collect", modality="speech.asr",
                  language_group="chinese", unit="hour", unit_price="300", vendor_id=studio)
        set_price(s, admin, half_year="2024H1", stage="annotate", modality="speech.asr",
                  language_group="chinese", unit="hour", unit_price="50")
    return {"pid": pid, "studio": studio, "other": other, "unqualified": unqualified}


def test_a_collection_vendor_is_paid_its_accepted_hours_once(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    rt, admin = runtime, users["admin"]
    w = _world(runtime, users, tmp_path)
    pid, studio = w["pid"], w["studio"]
    home, url = rt.settings.home, str(rt.settings.database_url)
    folder = str(speech_folder(tmp_path, 4))
    # an unqualified vendor supplies nothing; the answer is JSON
    refused = run_cli(home, "data", "import", str(pid), folder, "--vendor", str(w["unqualified"]),
                      "--as", "pm", "--json", ok=False, DATAMILL_DATABASE_URL=url)
    assert refused.returncode != 0
    assert "qualified-supplier list" in json.loads(refused.stdout)["error"]["message"]
    # the vendor's delivery, imported by the project manager naming the vendor
    done = run_cli(home, "data", "import", str(pid), folder, "--vendor", str(studio),
                   "--as", "pm", "--json", DATAMILL_DATABASE_URL=url)
    report = json.loads(done.stdout)
    assert report["imported"] == 4 and report["supplier_vendor_id"] == studio, report
    with rt.session() as s:
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        assert {i.supplier_vendor_id for i in items} == {studio}
        run = s.get(ImportRun, report["import_run_id"])
        assert run is not None and (run.options or {})["supplier_vendor_id"] == studio
        assert run_checks(s, rt.blobs, pid, workers=1).passed == 4
        create_packages(s, pid, "annotate")
        ann = s.merge(users["ann1"])  # in-house: its annotation is no vendor's work
        for _ in range(4):
            task = claim_next_task(s, ann, pid, "annotate")
            assert task is not None
            submit_annotation(s, ann, task.id, [SegmentIn(start_ms=0, end_ms=1000, text=TEXT)],
                              base_version=task.current_version)
    # three items accepted; the fourth's batch is rejected (non-conforming: not paid)
    assert _inspect(rt, users["insp"], pid, 3, TEXT) == "accepted"
    assert _inspect(rt, users["insp"], pid, 10, "completely different words") == "rejected"
    with rt.session() as s:
        accepted = s.scalars(select(Item).where(Item.project_id == pid,
                                                Item.status == "accepted")).all()
        assert len(accepted) == 3
        rejected = set(s.scalars(select(Item.id).where(Item.project_id == pid,
                                                       Item.status != "accepted")))
        hours = Decimal(sum(i.volume or 0 for i in accepted)) / Decimal(3_600_000)
        expected = (hours * 300).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        sheet = create_settlement_sheet(s, admin, studio, WEEK)
        assert sheet.amount == expected and expected > 0, sheet
        assert sheet.gross == expected  # the price is all-in: the fee is part of it
        assert sheet.fee == (expected * Decimal("0.1")).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)
        (line,) = sheet.lines
        assert (line.stage, line.items, line.worker_id, line.unit) == ("collect", 3, None, "hour")
        assert line.unit_price == Decimal("300")
        assert line.quantity == hours.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        paid = set(s.scalars(select(SettlementUnit.item_id).where(
            SettlementUnit.sheet_id == sheet.id, SettlementUnit.user_id.is_(None))))
        assert paid == {i.id for i in accepted} and not paid & rejected
        # drawn again while a draft: redrawn, the same amount (nothing paid twice)
        assert create_settlement_sheet(s, admin, studio, WEEK).amount == expected
    # the next week's sheet pays nothing again
    with pytest.raises(Conflict, match="nothing accepted and unpaid"), rt.session() as s:
        create_settlement_sheet(s, admin, studio, date(2024, 5, 13))
    # the vendor wall: another vendor's manager neither reads nor lists the sheet
    with rt.session() as s:
        other_mgr = s.scalars(select(User).where(User.username == "other-mgr")).one()
        with pytest.raises(DatamillError):
            get_sheet(s, other_mgr, sheet.id)
        with pytest.raises(Forbidden):
            list_sheets(s, other_mgr, studio)
        assert list_sheets(s, other_mgr) == []
    # both sides confirm: the ledger is told the collect cost (as any sheet's)
    with rt.session() as s:
        mgr = s.scalars(select(User).where(User.username == "studio-mgr")).one()
        confirm_sheet_by_vendor(s, mgr, sheet.id)
        confirm_sheet_by_business(s, s.merge(admin), sheet.id)
        events = [e.payload for e in s.scalars(select(DomainEvent).where(
            DomainEvent.type == "settlement.confirmed", DomainEvent.project_id == pid))]
        assert [(e["stage"], e["amount"], e["vendor_id"]) for e in events] == [
            ("collect", str(sheet.gross), studio)]


def test_the_api_import_names_a_qualified_vendor(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    w = _world(runtime, users, tmp_path)
    root = runtime.settings.resolved_import_root()
    folder = root / "delivery"
    folder.mkdir(parents=True, exist_ok=True)
    for f in sorted(speech_folder(tmp_path, 4).iterdir())[:2]:
        (folder / f.name).write_bytes(f.read_bytes())
    with TestClient(create_app(runtime)) as c:
        auth = login(c, "pm")
        url = f"/api/v1/projects/{w['pid']}/imports"
        r = c.post(url, json={"path": "delivery", "vendor_id": w["unqualified"]}, headers=auth)
        assert r.status_code == 409, r.text
        assert r.json()["reason_code"] == "vendor_not_qualified", r.text
        r = c.post(url, json={"path": "delivery", "vendor_id": w["unqualified"]},
                   headers={**auth, "Accept-Language": "zh-CN"})
        assert "不在合格供应商名录中" in r.json()["detail"], r.text
        r = c.post(url, json={"path": "delivery", "vendor_id": 999}, headers=auth)
        assert r.status_code == 404, r.text
        r = c.post(url, json={"path": "delivery", "vendor_id": w["other"]}, headers=auth)
        assert r.status_code == 201, r.text
        assert r.json()["supplier_vendor_id"] == w["other"] and r.json()["imported"] == 1
    with runtime.session() as s:
        assert set(s.scalars(select(Item.supplier_vendor_id).where(
            Item.project_id == w["pid"]))) == {w["other"]}


def test_an_individual_supplier_is_paid_its_collection_after_the_identity_check(
    runtime: Runtime,
) -> None:
    """Collected volume names no person: an individual supplier's own registered people must
    pass the identity check before it is paid (as their task work must)."""
    with runtime.session() as s:
        admin = create_user(s, "boss", "password1", "admin")
        inspector = create_user(s, "checker", "password1", "inspector")
        pid = vw.project(s, n_items=2, package_size=2)
        solo = create_vendor(s, admin, name="Wang Li", kind="individual", fee_rate="0",
                             agreement_no="FA-9")
        set_vendor_qualified(s, admin, solo.id, True, "assessed")
        s.execute(update(Item).where(Item.project_id == pid).values(supplier_vendor_id=solo.id))
        set_price(s, admin, half_year="2024H1", stage="collect", modality="speech.asr",
                  language_group="foreign", unit="item", unit_price="5.00")
        vw.price(s, admin)
        annotator, _ = vw.worker(s, admin, pid, "in-house", None)
        vw.packages(s, pid)
        while vw.claim_and_submit(s, annotator, pid) is not None:
            pass
        vw.accept_everything(s, pid, inspector)
        with pytest.raises(Conflict, match="has no registered person"), s.begin_nested():
            create_settlement_sheet(s, admin, solo.id, vw.WEEK)
        wang = vw.person(s, "wang-li")
        w = register_worker(s, admin, wang, vendor_id=solo.id, is_manager=True)
        with pytest.raises(Conflict, match="no identity check"), s.begin_nested():
            create_settlement_sheet(s, admin, solo.id, vw.WEEK)
        verify_identity(s, admin, w.id, "ID ****1234")
        sheet = create_settlement_sheet(s, admin, solo.id, vw.WEEK)
        assert sheet.amount == Decimal("10.00") and sheet.lines[0].stage == "collect"
        # the confirmed sheet's cost is booked on the project's collection budget line
        lp = open_ledger_project(s, pid, order_id=custom_order(s, "O-COLLECT")).id
        approved_budget(s, lp, [line("collection", "data_service", "10", "30")],
                        make_approvers(s))
        confirm_sheet_by_vendor(s, wang, sheet.id)
        confirm_sheet_by_business(s, admin, sheet.id)
        assert sheet_cost_problems(s, sheet.id) == []
        cost = s.scalars(select(LedgerCost).where(LedgerCost.project_id == lp)).one()
        assert (cost.stage, cost.amount, cost.status) == ("collection", Decimal("10.00"),
                                                          "posted")
        assert cost.source_ref == f"settlement:{sheet.number}:{pid}:collect"
