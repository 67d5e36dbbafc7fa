"""An individual supplier settled weekly is taxed on the month (finance-clerk trial, round h4).

Labour remuneration from one continuing job is one payment per month for the withholding
(同一项目连续性收入，以一个月内取得的收入为一次). Each weekly sheet was taxed on its own, with
the 800 deduction every week: two weeks of 10 h × 106.00 (gross 1,060.00 each, the 6 % fee
included)
withheld 52.00 + 52.00 = 104.00, where the month's 2,120.00 owes (2,120 − 800) × 20 % =
264.00. Now the second sheet withholds 264.00 − 52.00 = 212.00; a sheet of the next month
starts afresh (52.00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    Inspection,
    Item,
    Project,
    Task,
    TaskAssignment,
)
from datamill.runtime import Runtime
from datamill.workforce.pricing import set_price
from datamill.workforce.schemas import VendorOut, WorkerOut
from datamill.workforce.settlement import create_settlement_sheet
from datamill.workforce.vendors import (
    create_vendor,
    register_worker,
    set_vendor_qualified,
    verify_identity,
)

TEN_HOURS_MS = 36_000_000


def _accepted_item(s: Session, project_id: int, person: User, n: int, at: datetime) -> None:
    """One 10-hour item annotated by ``person`` in a batch accepted at ``at``."""
    batch = Batch(project_id=project_id, name=f"b{n}", status="accepted")
    s.add(batch)
    s.flush()
    s.add(Inspection(batch_id=batch.id, plan={}, status="completed", verdict="accepted",
                     completed_at=at))
    item = Item(project_id=project_id, external_id=f"u{n}", sha256=f"{n:064d}", filename="x.wav",
                size_bytes=1, owner="customer", volume=TEN_HOURS_MS,
                attributes={"duration_ms": TEN_HOURS_MS}, status="accepted")
    s.add(item)
    s.flush()
    ann = Annotation(item_id=item.id, version=1, stage="annotate", kind="annotation",
                     segments=[], author_id=person.id)
    task = Task(project_id=project_id, item_id=item.id, stage="annotate", status="done")
    s.add_all([ann, task])
    s.flush()
    s.add(TaskAssignment(task_id=task.id, user_id=person.id, status="submitted"))
    s.add(BatchItem(batch_id=batch.id, item_id=item.id, annotation_id=ann.id))
    s.flush()


def individual_at_106(s: Session, admin: User, person: User, *, name: str, agreement_no: str,
                      id_note: str, halves: tuple[str, ...] = ("2024H1",)
                      ) -> tuple[VendorOut, WorkerOut, Project]:
    """``person`` as an individual supplier (qualified, identity checked, fee 6 %) paid 106 an
    hour of Chinese ASR annotation in ``halves``, and a custom project to work on."""
    vendor = create_vendor(s, admin, name=name, kind="individual", fee_rate="0.06",
                           agreement_no=agreement_no)
    set_vendor_qualified(s, admin, vendor.id, True, "identity and skills checked")
    worker = register_worker(s, admin, person, vendor_id=vendor.id, languages=["zh-CN"])
    verify_identity(s, admin, worker.id, id_note)
    for half in halves:
        set_price(s, admin, half_year=half, stage="annotate", modality="speech.asr",
                  language_group="chinese", unit="hour", unit_price="106")
    project = Project(name="p", modality="speech.asr", language="zh-CN",
                      project_type="custom_service", data_owner="customer", spec={})
    s.add(project)
    s.flush()
    return vendor, worker, project


def test_weekly_sheets_of_an_individual_withhold_the_months_tax(runtime: Runtime) -> None:
    with runtime.session() as s:
        admin = User(username="boss", display_name="boss", password_hash="x", role="admin")
        person = User(username="zhang", display_name="zhang", password_hash="x",
                      role="annotator")
        s.add_all([admin, person])
        s.flush()
        vendor, _, project = individual_at_106(
            s, admin, person, name="Zhang San", agreement_no="FA-IND-1", id_note="ID ****1234",
            halves=("2024H1", "2024H2"))
        weeks = [date(2024, 5, 6), date(2024, 5, 13), date(2024, 6, 3)]
        for n, monday in enumerate(weeks):  # accepted on the Wednesday of each week
            _accepted_item(s, project.id, person, n,
                           datetime(monday.year, monday.month, monday.day + 2, 3, tzinfo=UTC))
        taxes = []
        for monday in weeks:
            sheet = create_settlement_sheet(s, admin, vendor.id, monday)
            assert (sheet.amount, sheet.fee, sheet.gross) == (
                Decimal("1060.00"), Decimal("63.60"), Decimal("1060.00"))  # fee included
            assert sheet.net_payable == sheet.gross - sheet.tax_withheld
            taxes.append(sheet.tax_withheld)
        assert taxes == [Decimal("52.00"), Decimal("212.00"), Decimal("52.00")]


def test_a_sheet_for_a_period_not_begun_is_refused(runtime: Runtime) -> None:
    """A weekly sheet for the week of 2999-12-02 took every accepted, unpaid unit (it takes all
    accepted before its period's end) and dated its cost 2999-12-08: the ledger can never
    post it (more than a year ahead), so the event stayed pending and blocked every period
    close. A period beginning more than a month ahead is refused; a past one is drawn as
    usual."""
    with runtime.session() as s:
        admin = User(username="boss", display_name="boss", password_hash="x", role="admin")
        person = User(username="wang", display_name="wang", password_hash="x", role="annotator")
        s.add_all([admin, person])
        s.flush()
        vendor = create_vendor(s, admin, name="Huayu", kind="company", fee_rate="0.08",
                               agreement_no="FA-1")
        set_vendor_qualified(s, admin, vendor.id, True, "licence checked")
        register_worker(s, admin, person, vendor_id=vendor.id, languages=["zh-CN"])
        set_price(s, admin, half_year="2024H1", stage="annotate", modality="speech.asr",
                  language_group="chinese", unit="hour", unit_price="21")
        project = Project(name="p", modality="speech.asr", language="zh-CN",
                          project_type="custom_service", data_owner="customer", spec={})
        s.add(project)
        s.flush()
        _accepted_item(s, project.id, person, 1, datetime(2024, 5, 8, 3, tzinfo=UTC))
        with pytest.raises(InvalidInput, match="begins more than 31 days from today"):
            create_settlement_sheet(s, admin, vendor.id, date(2999, 12, 2))
        sheet = create_settlement_sheet(s, admin, vendor.id, date(2024, 5, 6))
        assert sheet.amount == Decimal("210.00")


def test_a_recovery_withholds_no_negative_tax(runtime: Runtime) -> None:
    """A correction taking 1,000.00 back from an individual's 1,060.00 week withheld −52.00 (a
    tax refund paid out of a recovery: net payable −948.00). It withholds nothing now (net
    −1,000.00, the vendor's debt), and the month's next sheet withholds the month's tax less
    all withheld so far (64.00 − 52.00 = 12.00): 64.00 in all, the tax on 1,120.00."""
    from datamill.workforce.settlement import (
        confirm_sheet_by_business,
        confirm_sheet_by_vendor,
        create_correction_sheet,
    )

    with runtime.session() as s:
        admin = User(username="boss", display_name="boss", password_hash="x", role="admin")
        person = User(username="li", display_name="li", password_hash="x", role="annotator")
        s.add_all([admin, person])
        s.flush()
        vendor, _, project = individual_at_106(
            s, admin, person, name="Li Si", agreement_no="FA-IND-2", id_note="ID ****5678")
        _accepted_item(s, project.id, person, 0, datetime(2024, 5, 8, 3, tzinfo=UTC))
        first = create_settlement_sheet(s, admin, vendor.id, date(2024, 5, 6))
        assert first.tax_withheld == Decimal("52.00")
        confirm_sheet_by_vendor(s, person, first.id)
        confirm_sheet_by_business(s, admin, first.id)
        back = create_correction_sheet(s, admin, first.id, "-1000.00", "overpaid")
        assert (back.gross, back.tax_withheld, back.net_payable) == (
            Decimal("-1000.00"), Decimal("0.00"), Decimal("-1000.00"))  # was −52.00, −948.00
        _accepted_item(s, project.id, person, 1, datetime(2024, 5, 15, 3, tzinfo=UTC))
        second = create_settlement_sheet(s, admin, vendor.id, date(2024, 5, 13))
        assert second.tax_withheld == Decimal("12.00")
        assert first.tax_withheld + back.tax_withheld + second.tax_withheld == Decimal("64.00")
