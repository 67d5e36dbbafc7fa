"""The demo's money story (domain §9): what the speech demo's work is worth, and what it cost.

On the demo database after the speech demo's project (``demo-asr-en``) was delivered and
accepted, :func:`run_money_demo` records the commercial side the business would:

* a customer (grade 2, 60-day credit) and a custom contract, approved for price and signing,
  split into a **type-3** order for the English project (foreign speech, 1,650/h on the
  accepted hours: revenue follows each accepted batch) and a **type-2** order for a Mandarin
  project (300 h at 460/h = 138,000: revenue waits for the last acceptance and final accounts);
* the annual procurement budget and purchase requests signed at **three levels** (dept. manager
  → VP → procurement); the English labelling request asks 24.00/h against the price system's
  21.56/h (+11.3 %), so it is **flagged** and carries its reason;
* the recordings of the English project claimed by a collection supplier (880/h recorded,
  still payable: its terms run), which puts the project's gross margin in the custom band;
* the vendor (fee 8 %) whose people did the English work, settled by **accepted volume** ×
  price on a weekly sheet matched against the purchase order, confirmed by both sides and paid
  by bank transfer; in-house hour points (8 a day × the working days so far) on the Mandarin project;
* budgets approved at their levels (three: both margins lie in the approval band; the demo
  prints what the stored budget needed and its margin), the ledger synced, the English project's final accounts
  reviewed by finance and closed, an invoice for the accepted delivery and the customer's
  payment (journalled); a 30 % advance on the Mandarin order (invoice, payment and advance
  dated today: cash is never dated ahead);
* at the end of the demo (:func:`close_ended_months`, after the catalog has booked its
  development months back), the period close of every month the demo posted in that has
  ended, oldest first, each run by fiona and confirmed by frank: the books as a company shows
  them, the months behind it closed and this month open (a month is closed after its last day);
  the demo ends with this month's report so far, the month its story was posted in (the last
  closed month's report read all zeros).

Without ``project_id`` only the commercial side is set up (customer, contract, orders,
procurement budget and requests, the Mandarin project's budget and points): nothing is accepted,
so nothing is recognised.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.compliance.users import create_user, get_user
from datamill.core.money import to_cents, to_decimal
from datamill.db.lookup import get_or_raise
from datamill.demo._suppliers import qualified_supplier
from datamill.ledger.budgets import approve_budget, create_budget, register_approver, submit_budget
from datamill.ledger.contracts import approve_contract, draft_contract, sign_contract
from datamill.ledger.events import sync_ledger
from datamill.ledger.final_accounts import review_final_accounts
from datamill.ledger.journal import journal_lines, trial_balance
from datamill.ledger.models import LedgerAcceptance, LedgerRecognition
from datamill.ledger.orders import create_customer, create_order
from datamill.ledger.period_close import (
    close_period,
    confirm_period,
    preview_period,
    summary_text,
)
from datamill.ledger.projects import open_ledger_project
from datamill.ledger.receivables import issue_invoice, record_receipt
from datamill.ledger.recognition import close_project
from datamill.ledger.schemas import BudgetOut
from datamill.modalities.registry import modality_names
from datamill.paid_once import draw_sheet, pay_sheet, submit_claim
from datamill.production.models import Delivery, Project
from datamill.production.projects import create_project
from datamill.production.spec import read_spec_file
from datamill.runtime import Runtime
from datamill.workforce.hour_points import book_points, worked_days
from datamill.workforce.pricing import set_price
from datamill.workforce.procurement import (
    create_procurement_budget,
    create_request,
    decide_budget,
    decide_request,
    register_procurement_approver,
)
from datamill.workforce.purchase_orders import check_sheet_volume, create_purchase_order
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
)
from datamill.workforce.vendors import (
    create_grade,
    create_vendor,
    register_worker,
    set_vendor_qualified,
)

__all__ = ["COLLECTOR", "COLLECT_EN", "EN_PRICE", "ZH_HOURS", "ZH_PRICE", "close_ended_months", "run_money_demo"]

EN_PRICE = Decimal("1650.00")  # foreign-language custom speech, per accepted hour (§9: 1,056–1,911)
ZH_PRICE = Decimal("460.00")  # Mandarin custom speech per hour (§9: 407–496)
ZH_HOURS = Decimal(300)
#: the Mandarin recordings: 300 h from 400 speakers (45 minutes each) at 150 a subject (§9:
#: 142-202): with the labelling and the points the budget's margin is ~30 %, inside the band
#: budgets are approved at three levels in (600 × 180 made it -4.97 %, approved at four)
ZH_SUBJECTS, ZH_SUBJECT_PRICE = 400, Decimal("150.00")
LABEL_EN, LABEL_ZH = Decimal("21.56"), Decimal("21.00")  # vendor labelling /h (§9: 20.5–21.6)
#: recording native English speakers, per recorded hour: with the labelling, the English
#: project's gross margin lands in the custom band (§9: 40.4–47.9 %)
COLLECT_EN = Decimal("880.00")
COLLECTOR = "Lingua Field Recording Ltd."
PASSWORD = "datamill-demo"  # noqa: S105 - the documented demo credential
#: the finance and procurement people of the story: (username, ledger or procurement role)
PEOPLE = [("dora", "dept_manager"), ("victor", "vp"), ("fiona", "finance_reviewer"),
          ("frank", "finance_manager"), ("chris", "cfo"), ("helen", "finance_head"),
          ("paula", "procurement")]


def _person(s: Any, name: str, role: str = "project_manager") -> User:
    found = s.scalars(select(User).where(User.username == name)).first()
    return found if found is not None else create_user(s, name, PASSWORD, role)


def signed_contract(s: Any, number: str, customer_id: int, amount: Decimal,
                    ap: dict[str, int], pm_id: int, today: date) -> Any:
    """A custom contract drafted by the PM, price-approved by the finance reviewer (cost-plus,
    the guidance margin met), signing-approved by the VP and signed today."""
    k = draft_contract(s, number, customer_id=customer_id, amount=amount, actor_id=pm_id)
    approve_contract(s, k.id, ap["finance_reviewer"], "price",
                     reason="cost-plus: guidance margin met")
    approve_contract(s, k.id, ap["vp"], "signing")
    sign_contract(s, k.id, today, actor_id=pm_id)
    return k


def _approved_budget(s: Any, project_id: int, lines: list[dict[str, Any]],
                     ap: dict[str, int]) -> BudgetOut:
    b = submit_budget(s, create_budget(s, project_id, lines).id)
    while b.status == "submitted" and b.next_role is not None:
        b = approve_budget(s, b.id, ap[b.next_role])
    return b


def _levels(b: BudgetOut) -> str:
    """How the budget was approved, as stored: its levels and why a level was added."""
    words = {3: "three", 4: "four", 5: "five"}
    said = f"{b.status} at {words.get(b.approved_levels, str(b.approved_levels))} levels"
    return said + (f" ({'; '.join(b.level_reasons)})" if b.level_reasons else "")


def _line(stage: str, category: str, qty: Any, price: Any, unit: str = "hours") -> dict[str, Any]:
    return {"stage": stage, "category": category, "quantity": Decimal(qty),
            "unit_price": Decimal(price), "unit": unit}


def _accepted_hours(s: Any, project_id: int) -> Decimal:
    """Accepted hours as the ledger counts them (each acceptance to 4 decimals)."""
    return sum((to_decimal(Decimal(int(ms)) / Decimal(3_600_000), 4) for ms in s.scalars(
        select(Delivery.accepted_volume_base).where(
            Delivery.project_id == project_id, Delivery.accepted_volume_base.is_not(None)))),
        Decimal(0))


def run_money_demo(rt: Runtime, project_id: int | None) -> list[str]:
    """Record the §9 money story (see the module docstring); returns what it did, line by line."""
    lines: list[str] = []
    say = lines.append
    today = business_today()
    half = f"{today.year}H{1 if today.month <= 6 else 2}"
    with rt.session() as s:
        admin = _person(s, "admin", "admin")
        pm = _person(s, "pm")
        ap: dict[str, int] = {}
        for name, role in PEOPLE:
            u = _person(s, name)
            if role == "procurement":
                register_procurement_approver(s, admin, u.id)
            else:
                register_approver(s, u.id, role, actor_id=admin.id)
            ap[role] = u.id
        say(f"finance and procurement approvers: {', '.join(n for n, _ in PEOPLE)}")

        # --- prices, vendor, the annual procurement budget --------------------------------
        set_price(s, admin, half_year=half, stage="annotate", modality="speech.asr",
                  language_group="foreign", unit="hour", unit_price=str(LABEL_EN))
        set_price(s, admin, half_year=half, stage="annotate", modality="speech.asr",
                  language_group="chinese", unit="hour", unit_price=str(LABEL_ZH))
        # the demo's other projects are settled too: per image, per 1,000 characters, per dialogue
        for modality, group, unit, price in (("image", "foreign", "item", "0.80"),
                                             ("text", "foreign", "volume", "12.00"),
                                             ("text", "chinese", "volume", "9.50"),
                                             ("llm", "foreign", "item", "6.00"),
                                             ("llm", "chinese", "item", "5.00")):
            for stage in ("annotate", "review"):
                set_price(s, admin, half_year=half, stage=stage, modality=modality,
                          language_group=group, unit=unit, unit_price=price)
        vendor = create_vendor(s, admin, name="Huayu Data Services", kind="company",
                               fee_rate="0.08", agreement_no=f"FA-{today.year}-07")
        set_vendor_qualified(s, admin, vendor.id, True,
                             "licence, after-sales and price level assessed")
        say(f"price system {half}: labelling {LABEL_EN}/h foreign, {LABEL_ZH}/h Mandarin; "
            f"vendor {vendor.name} (fee 8 %) on the qualified-supplier list")
        b = create_procurement_budget(s, admin, year=today.year, department="speech",
                                      collection_quantity="20000", collection_price="0.52",
                                      labelling_quantity="3000", labelling_price="21.50")
        b = decide_budget(s, get_user(s, "dora"), b.id)
        b = decide_budget(s, get_user(s, "fiona"), b.id)
        say(f"annual procurement budget {today.year}: collection {b.collection_amount}, "
            f"labelling {b.labelling_amount} ({b.status})")

        # --- the customer, the contract and its two orders --------------------------------
        en_hours = _accepted_hours(s, project_id) if project_id is not None else Decimal(50)
        en_amount = to_cents(en_hours * EN_PRICE)
        zh_amount = to_cents(ZH_HOURS * ZH_PRICE)
        cust = create_customer(s, "Beijing Voice Technology Co.", customer_type="big_tech",
                               country="CN", credit_grade="2", actor_id=pm.id)
        k = signed_contract(s, f"K-{today:%y%m%d}-ASR", cust.id, en_amount + zh_amount,
                            ap, pm.id, today)
        en = create_order(s, k.id, f"O-{today:%y%m%d}-EN", business_line="speech",
                          offering="custom", amount=en_amount, currency="CNY",
                          total_volume=en_hours, volume_unit="hours", acceptance_type=3,
                          actor_id=pm.id)
        zh = create_order(s, k.id, f"O-{today:%y%m%d}-ZH", business_line="speech",
                          offering="custom", amount=zh_amount, currency="CNY",
                          total_volume=ZH_HOURS, volume_unit="hours", acceptance_type=2,
                          actor_id=pm.id)
        say(f"contract {k.number} with {cust.name} signed for {en_amount + zh_amount}: "
            f"type-3 order {en.number} {en_hours} h English × {EN_PRICE} = {en_amount}; "
            f"type-2 order {zh.number} {ZH_HOURS} h Mandarin × {ZH_PRICE} = {zh_amount}")

        # --- the Mandarin project: budget, purchase request, points -----------------------
        spec = _zh_spec()
        zh_pp = create_project(s, spec, actor_id=pm.id).id
        zh_lp = open_ledger_project(s, zh_pp, order_id=zh.id, actor_id=pm.id).id
        zh_budget = _approved_budget(s, zh_lp, [
            _line("annotation", "data_service", "315", str(LABEL_ZH)),  # 300 h + 5 % loss
            _line("collection", "data_service", ZH_SUBJECTS, str(ZH_SUBJECT_PRICE), "subjects"),
            _line("staff", "labour", "504", "60", "points")], ap)
        say(f"Mandarin project {spec['name']}: budget {zh_budget.total} {_levels(zh_budget)} "
            f"(collection {ZH_SUBJECTS} subjects × {ZH_SUBJECT_PRICE}, annotation 315 h × "
            f"{LABEL_ZH}, 504 points × 60; margin {zh_budget.budgeted_margin:.2%})")
        requests = []
        r_zh = create_request(s, pm, department="speech", kind="labelling", stage="annotate",
                              modality="speech.asr", language_group="chinese", unit="hour",
                              quantity="315", project_id=zh_pp, on=today,
                              note="Mandarin transcription, 300 h + 5 % loss")
        requests.append(r_zh)
        grade = create_grade(s, admin, "T2", "60")
        li = _person(s, "li", "annotator")
        worker = register_worker(s, admin, li, grade=grade.name, languages=["zh-CN"],
                                 modalities=["speech.asr"])
        # points are for work done: the month's working days up to today, 8 a day
        worked = worked_days(s, f"{today:%Y-%m}", today)
        if worked:
            book_points(s, admin, worker.id, zh_pp, f"{today:%Y-%m}", str(8 * worked))
            say(f"hour points: li books {8 * worked} (8 a day × {worked} working days so far "
                "this month) × 60 on the Mandarin project")
        else:
            say("hour points: no working day of this month has passed yet; li books none")

        # --- the English project: purchase request flagged, PO, settlement ----------------
        r_en = create_request(s, pm, department="speech", kind="labelling", stage="annotate",
                              modality="speech.asr", language_group="foreign", unit="hour",
                              quantity="50", unit_price="24.00", project_id=project_id,
                              on=today, deviation_reason="native English transcribers are "
                              "scarce this quarter; competitor quotes 23-25/h",
                              note="English read-speech transcription")
        requests.append(r_en)
        for r in requests:
            for role in ("dept_manager", "vp", "procurement"):
                r = decide_request(s, get_or_raise(s, User, ap[role], "user"), r.id)
            say(f"purchase request {r.number}: {r.quantity} h × {r.unit_price} = {r.amount}, "
                f"signed dept. manager → VP → procurement ({r.status})"
                + (f"; FLAGGED {r.deviation:+.2%} off the price system: {r.deviation_reason}"
                   if r.flagged else ""))
        say(f"Mandarin order {zh.number} on hand: {zh_amount}")
        if project_id is None:
            sync_ledger(s, actor_id=ap["finance_reviewer"])
            say("commercial side set up (no accepted delivery yet: nothing recognised)")
            return lines

        en_lp = open_ledger_project(s, project_id, order_id=en.id, actor_id=pm.id).id
        budget_hours = (en_hours * Decimal("1.2")).quantize(Decimal("0.0001"))  # + rework
        _approved_budget(s, en_lp, [
            _line("collection", "data_service", budget_hours, str(COLLECT_EN)),
            _line("annotation", "data_service", budget_hours, str(LABEL_EN))], ap)
        # the recordings: native English speakers recorded by a collection supplier, the
        # larger part of a custom speech project's cost (without it the margin read ~99 %)
        rec = submit_claim(s, en_lp, stage="collection",
                           supplier=qualified_supplier(s, pm, COLLECTOR),
                           quantity=en_hours, unit_price=COLLECT_EN,
                           claim_no=f"REC-{today:%y%m%d}-EN", incurred_on=today, actor_id=pm.id)
        say(f"collection claim {COLLECTOR}: {en_hours} h recorded × {COLLECT_EN} = {rec.amount}")
        po = create_purchase_order(s, admin, request_id=r_en.id, vendor_id=vendor.id,
                                   project_id=project_id, quantity="50", on=today)
        say(f"purchase order {po.number}: {vendor.name}, 50 h for {_name(s, project_id)}")
        mgr = _person(s, "huayu-lead", "annotator")
        register_worker(s, admin, mgr, vendor_id=vendor.id, is_manager=True,
                        languages=["en-US"])
        for name in ("alice", "bob"):  # the demo's annotators work for the vendor (every project)
            register_worker(s, admin, get_user(s, name), vendor_id=vendor.id,
                            languages=["en-US", "zh-CN"],
                            modalities=modality_names())  # every modality installed
        monday = today - timedelta(days=today.weekday())
        sheet = draw_sheet(s, admin, vendor.id, monday)
        confirm_sheet_by_vendor(s, mgr, sheet.id)
        sheet = confirm_sheet_by_business(s, admin, sheet.id)
        match = check_sheet_volume(s, admin, sheet.id)
        priced = all(v.price_ok for v in match)
        say(f"settlement sheet {sheet.number}: accepted {sum(ln.quantity for ln in sheet.lines)}"
            f" h × {LABEL_EN} = {sheet.amount} (management fee {sheet.fee} included), confirmed "
            "by the vendor and the business, volume matched against the purchase order"
            + ("" if priced else "; price flagged: " + "; ".join(
                v.message.split("; PRICE ", 1)[-1] for v in match if not v.price_ok)))
        run = sync_ledger(s, actor_id=ap["finance_reviewer"])
        accepted = run.acceptances.acceptances if run.acceptances else 0
        say(f"ledger sync: {len(run.costs.booked)} cost{'' if len(run.costs.booked) == 1 else 's'}"
            f" booked, {accepted} acceptance{'' if accepted == 1 else 's'}")
        # the project's own costs (the Mandarin points are dated that project's month end)
        close_on = max([today, *(c.incurred_on for c in run.costs.booked
                                 if c.project_id == en_lp)])
        pay_sheet(s, admin, sheet.id, reference=f"BANK-{sheet.number}", paid_on=today)
        say(f"paid {vendor.name} {sheet.net_payable} by bank transfer (journalled)")
        review_final_accounts(s, en_lp, reviewer_id=ap["finance_reviewer"],
                              note="all expenses entered; settlement paid")
        close_project(s, en_lp, close_on, actor_id=pm.id)
        revenue = sum((r.revenue for r in s.scalars(select(LedgerRecognition).where(
            LedgerRecognition.order_id == en.id))), Decimal(0))
        say(f"final accounts of {_name(s, project_id)} reviewed by fiona, closed by pm: "
            f"revenue {revenue} = {en_hours} accepted h × {EN_PRICE}")
        acc = s.scalars(select(LedgerAcceptance).where(LedgerAcceptance.order_id == en.id)
                        .order_by(LedgerAcceptance.id)).first()
        # invoiced and paid today: cash and invoices are never dated ahead (close_on may be
        # the month's end, where the hour points are booked)
        inv = issue_invoice(s, en.id, f"INV-{today:%y%m%d}-001", issued_on=today,
                            acceptance_id=acc.id if acc else None,
                            amount=None if acc else en_amount, actor_id=pm.id)
        record_receipt(s, en.id, f"RCPT-{today:%y%m%d}-001", received_on=today,
                       amount=inv.total, invoice_id=inv.id, actor_id=pm.id)
        advance = to_cents(zh_amount * Decimal("0.30") * Decimal("1.06"))
        record_receipt(s, zh.id, f"RCPT-{today:%y%m%d}-002", received_on=today,
                       amount=advance, actor_id=pm.id)
        say(f"invoice {inv.number}: {inv.amount} + VAT {inv.vat} = {inv.total}, paid in full; "
            f"30 % advance on {zh.number}: {advance}")
        tb = trial_balance(journal_lines(s, date(today.year - 1, 1, 1),
                                         date(today.year + 1, 12, 31)))
        debit, credit = sum(t.debit for t in tb), sum(t.credit for t in tb)
        say(f"trial balance debits {debit} = credits {credit}; the months that have ended are "
            "closed at the end of the demo (after the catalog's postings)")
    return lines


def close_ended_months(rt: Runtime) -> list[str]:
    """Run and confirm the period close of every month from the ledger's first (its earliest
    cost, recognition or run) through the last month that has ended, oldest first; months
    already run or closed are left as they are (a closed month is never run again). Returns
    what it did, line by line (the last month's report in full)."""
    from datamill.ledger._periods import closed_through
    from datamill.ledger.assets import ledger_begins
    from datamill.ledger.models import LedgerPeriodClose

    lines: list[str] = []
    last_ended = business_today().replace(day=1) - timedelta(days=1)
    with rt.session() as s:
        firsts = [d for d in (ledger_begins(s), s.scalar(select(
            func.min(LedgerRecognition.recognised_on)))) if d is not None]
        if not firsts:
            return lines
        month = min(firsts).replace(day=1)
        through = closed_through(s)
        run = set(s.scalars(select(LedgerPeriodClose.period)))
        fiona, frank = get_user(s, "fiona").id, get_user(s, "frank").id
        out = None
        while month <= last_ended:
            period = f"{month:%Y-%m}"
            if period not in run and (through is None or month > through):
                close_period(s, period, actor_id=fiona)
                out = confirm_period(s, period, reviewer_id=frank)
                lines.append(f"period {period} closed (run by fiona, confirmed by frank)")
            month = (month + timedelta(days=32)).replace(day=1)
        this = f"{business_today():%Y-%m}"
        lines.append(f"{this} is open: it is closed after its last day "
                     "(datamill ledger period-close YYYY-MM)")
        if out is not None:  # the month the story was posted in: its report so far
            lines.append(f"{this} so far (the report its close will run, as of today):")
            lines.extend(summary_text(preview_period(s, this)).rstrip("\n").splitlines()[1:])
    return lines


def _name(s: Any, project_id: int) -> str:
    p = s.get(Project, project_id)
    return p.name if p is not None else str(project_id)


def _zh_spec() -> dict[str, Any]:
    """The Mandarin project's spec: the demo's spec in Mandarin, under its own name."""
    from datamill.demo.script import DEMO_SPEC

    spec = dict(read_spec_file(DEMO_SPEC))
    spec.update(name="demo-asr-zh", language="zh-CN",
                description="Mandarin read speech for the same customer (type-2 order).")
    return spec
