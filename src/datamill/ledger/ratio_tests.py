"""The annotation-output ratio (标产比) before a project starts: a pre-start self-test (试标) or
a ratio agreed with the customer, and its application to the draft budget (domain §4.6, §6.3).

**Self-test.** The PM names a small sample of the project's items and the in-house workers who
annotate them (:func:`start_self_test`). They work through the ordinary workbench and claims;
nothing here annotates. :func:`measure_self_test` then reads the time the named workers'
submissions of the sample recorded (:func:`datamill.production.work_time.submitted_work_time`,
the same measure as the achieved-ratio report): **ratio = work hours / volume**, the volume in
the modality's unit (speech: hours of audio; image: images; text: thousand characters). A
submission that recorded no time is left out of both sums (and counted), since it would make
the work look free. The sample size, who took part and the measured figures are stored and
audited.

**Agreed ratio.** :func:`record_agreed_ratio` stores a ratio from the customer agreement with
a note saying where it comes from.

**Applying** (:func:`apply_ratio`) sets the project's *draft* budget's annotation line (stage
``stage``, category ``data_service``): hours = collection line quantity × ratio, amount = hours
× its unit price, and the budget's total; the line keeps the ratio and the test it came from.
A budget that is submitted, approved or rejected is never changed (Conflict, reason
``budget_not_draft``): the PM starts a new draft version, which goes through approval again.
The ratio's unit must be the collection line's (``unit_mismatch``).

The budgeted ratio of a project and stage (:func:`budgeted_ratios`) is the one on its approved
budget's line, which the finance report shows beside the ratio achieved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.money import MAX_AMOUNT, to_cents, to_decimal
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, lock_or_raise, not_found
from datamill.ledger._balances import approved_budget
from datamill.ledger.access import (
    require_ledger_access,
    require_ledger_project_writer,
    require_project_reader,
)
from datamill.ledger.budgets import get_budget
from datamill.ledger.models import (
    LedgerBudget,
    LedgerBudgetLine,
    LedgerProject,
    LedgerRatioTest,
)
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import BudgetOut
from datamill.modalities.registry import get_modality
from datamill.production.claim_rules import claimer_vendor
from datamill.production.models import Item, Project
from datamill.production.work_time import submitted_work_time

__all__ = [
    "MAX_SAMPLE",
    "RatioTestOut",
    "apply_ratio",
    "budgeted_ratios",
    "list_ratio_tests",
    "measure_self_test",
    "record_agreed_ratio",
    "start_self_test",
]

MAX_SAMPLE = 1000  # items in one self-test: a small sample, not the project
_MS_PER_HOUR = Decimal(3_600_000)
_Q = Decimal("0.0001")


class RatioTestOut(BaseModel):
    id: int
    project_id: int
    stage: str
    source: str  # self_test | agreed
    status: str  # running | measured | agreed
    sample_size: int
    item_ids: list[int]
    workers: list[str]
    participants: list[str]
    items_measured: int
    untimed: int
    volume: Decimal | None
    work_hours: Decimal
    unit: str
    ratio: Decimal | None
    note: str
    created_by: str | None
    created_at: datetime
    measured_by: str | None
    measured_at: datetime | None


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.username for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def _out(session: Session, row: LedgerRatioTest) -> RatioTestOut:
    names = _names(session, [*row.worker_ids, *row.participant_ids, row.created_by,
                             row.measured_by])
    return RatioTestOut(
        id=row.id, project_id=row.project_id, stage=row.stage, source=row.source,
        status=row.status, sample_size=len(row.item_ids), item_ids=list(row.item_ids),
        workers=[names.get(i, f"user {i}") for i in row.worker_ids],
        participants=[names.get(i, f"user {i}") for i in row.participant_ids],
        items_measured=row.items_measured, untimed=row.untimed, volume=row.volume,
        work_hours=(Decimal(row.work_ms) / _MS_PER_HOUR).quantize(_Q), unit=row.unit,
        ratio=row.ratio, note=row.note,
        created_by=names.get(row.created_by) if row.created_by else None,
        created_at=row.created_at,
        measured_by=names.get(row.measured_by) if row.measured_by else None,
        measured_at=row.measured_at)


def _production(session: Session, lp: LedgerProject) -> Project:
    return get_or_raise(session, Project, lp.production_project_id, "project")


def _unit(project: Project) -> tuple[str, int]:
    """The modality's volume unit and base units per unit (speech: hours, 3,600,000 ms)."""
    plugin = get_modality(project.modality)
    return plugin.volume_unit, int(plugin.volume_per_unit or 1)


def _open_project(session: Session, actor: User, project_id: int) -> LedgerProject:
    require_ledger_project_writer(session, actor, project_id)
    lp = ledger_project_row(session, project_id)
    if lp.status == "closed":
        raise Conflict(f"project {project_id} is closed; its budget is frozen",
                       project_id=project_id, reason_code="ratio_project_closed")
    return lp


def _stage(project: Project, stage: str) -> str:
    stages = list(project.spec.get("stages") or ("annotate", "review"))
    if stage not in stages:
        raise InvalidInput(f"project {project.name!r} has no stage {stage!r}; its stages: "
                           f"{', '.join(stages)}", field="stage",
                           reason_code="project_stage_unknown", project_name=str(project.name),
                           stage=str(stage), value=', '.join(stages))
    return stage


def _sample(session: Session, project: Project, item_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    if not ids:
        raise InvalidInput("name at least one item for the self-test sample", field="item_ids",
                           reason_code="sample_items_missing")
    if len(ids) > MAX_SAMPLE:
        raise InvalidInput(f"a self-test samples at most {MAX_SAMPLE} items, not {len(ids)}",
                           field="item_ids",
                           reason_code="sample_too_large", MAX_SAMPLE=MAX_SAMPLE,
                           value=str(len(ids)))
    found = set(session.scalars(select(Item.id).where(Item.id.in_(ids),
                                                      Item.project_id == project.id)))
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(f"items {', '.join(map(str, missing[:10]))} are not items of "
                           f"project {project.name!r}", field="item_ids",
                           item_ids=missing[:10], reason_code="sample_foreign_items",
                           project=project.name)
    return ids


def _workers(session: Session, worker_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in worker_ids))
    if not ids:
        raise InvalidInput("name at least one in-house worker for the self-test",
                           field="worker_ids",
                           reason_code="sample_workers_missing")
    for uid in ids:
        user = get_or_raise(session, User, uid, "user", user_id=uid)
        if not user.is_active:
            raise InvalidInput(f"{user.username!r} is deactivated", field="worker_ids",
                               user=user.username,
                               reason_code="user_deactivated")
        if user.vendor_id is not None or claimer_vendor(session, user) is not None:
            raise InvalidInput(f"{user.username!r} works for a vendor: the self-test is done "
                               "by in-house workers", field="worker_ids",
                               reason_code="not_in_house", user=user.username)
    return ids


def start_self_test(
    session: Session, actor: User, project_id: int, *, item_ids: list[int],
    worker_ids: list[int], stage: str = "annotate",
) -> RatioTestOut:
    """Open a self-test of ledger project ``project_id``: the named sample of its items, to be
    annotated at ``stage`` by the named in-house workers through the workbench."""
    lp = _open_project(session, actor, project_id)
    project = _production(session, lp)
    unit, _per = _unit(project)
    row = LedgerRatioTest(
        project_id=project_id, stage=_stage(project, stage), source="self_test",
        status="running", item_ids=_sample(session, project, item_ids),
        worker_ids=_workers(session, worker_ids), participant_ids=[], unit=unit,
        created_by=actor.id)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor.id, action="ledger.ratio_test.started",
                 object_type="ledger_ratio_test", object_id=row.id,
                 data={"project_id": project_id, "stage": row.stage,
                       "sample_size": len(row.item_ids), "worker_ids": row.worker_ids})
    return _out(session, row)


def _row(session: Session, test_id: int, project_id: int | None, *,
         lock: bool = False) -> LedgerRatioTest:
    """The ratio test (NotFound also when ``project_id`` is given and it is another's)."""
    fetch = lock_or_raise if lock else get_or_raise
    row = fetch(session, LedgerRatioTest, test_id, "ratio test", ratio_test_id=test_id)
    if project_id is not None and row.project_id != project_id:
        raise not_found("ratio test", test_id, ratio_test_id=test_id)
    return row


def measure_self_test(
    session: Session, actor: User, test_id: int, *, project_id: int | None = None,
) -> RatioTestOut:
    """Finish a running self-test: the ratio from the time its workers' submissions of the
    sample recorded (Conflict ``no_timed_work`` while none did; it stays running).
    ``project_id``: the ledger project it must belong to (a page addressed by project)."""
    require_ledger_access(session, actor, write=True)  # before the test's existence is told
    row = _row(session, test_id, project_id, lock=True)
    lp = _open_project(session, actor, row.project_id)
    if row.status != "running":
        raise Conflict(f"ratio test {test_id} is {row.status}; only a running self-test is "
                       "measured", reason_code="not_running", ratio_test_id=test_id,
                       status=row.status)
    project = _production(session, lp)
    unit, per = _unit(project)
    work = submitted_work_time(session, project.id, row.stage, item_ids=row.item_ids,
                               user_ids=row.worker_ids)
    timed = [w for w in work if w.time_spent_ms > 0]
    base = sum(w.volume for w in timed)
    if not timed or base <= 0:
        raise Conflict(
            f"no submission of the {len(row.item_ids)} sample items at {row.stage} by the "
            f"named workers recorded working time{' and volume' if timed else ''} yet "
            f"({len(work)} submitted); measure once they have annotated the sample",
            reason_code="no_timed_work", ratio_test_id=test_id, submitted=len(work))
    volume = (Decimal(base) / per).quantize(_Q)
    ms = sum(w.time_spent_ms for w in timed)
    ratio = (Decimal(ms) / _MS_PER_HOUR / (Decimal(base) / per)).quantize(_Q)
    if volume <= 0 or ratio <= 0:
        raise Conflict(f"the sample's {volume} {unit} is too small to measure a ratio",
                       reason_code="no_timed_work", ratio_test_id=test_id,
                       submitted=len(work))
    row.status, row.unit, row.volume, row.work_ms, row.ratio = "measured", unit, volume, ms, ratio
    row.items_measured = len({w.item_id for w in timed})
    row.participant_ids = sorted({w.user_id for w in timed})
    row.measured_by, row.measured_at = actor.id, utcnow()
    untimed = row.untimed = len(work) - len(timed)
    session.flush()
    record_audit(session, actor_id=actor.id, action="ledger.ratio_test.measured",
                 object_type="ledger_ratio_test", object_id=row.id,
                 data={"ratio": str(ratio), "unit": unit, "volume": str(volume),
                       "work_ms": ms, "items_measured": row.items_measured,
                       "sample_size": len(row.item_ids), "participant_ids": row.participant_ids,
                       "untimed": untimed})
    return _out(session, row)


def _positive(value: Any, field: str) -> Decimal:
    if isinstance(value, float):
        raise InvalidInput(f"{field} must be a decimal string, not a float", field=field,
                           reason_code="decimal_not_float")
    try:
        d = Decimal(str(value))
    except ArithmeticError as err:
        raise InvalidInput(f"{field} {value!r} is not a number", field=field,
                           reason_code="not_a_number", value=str(value)) from err
    if not d.is_finite() or d <= 0 or d > MAX_AMOUNT or d != d.quantize(_Q):
        raise InvalidInput(f"{field} {value} must be above zero, at most {MAX_AMOUNT:,} and "
                           "have at most 4 decimal places", field=field,
                           reason_code="amount_q4_range", value=str(value), MAX_AMOUNT=f"{MAX_AMOUNT:,}")
    return d


def record_agreed_ratio(
    session: Session, actor: User, project_id: int, *, ratio: Any, note: str,
    stage: str = "annotate", unit: str | None = None,
) -> RatioTestOut:
    """Record a ratio agreed with the customer (work hours per ``unit``, default the
    modality's), with a note saying where it was agreed."""
    check_note(note, "note")
    lp = _open_project(session, actor, project_id)
    project = _production(session, lp)
    value = _positive(ratio, "ratio")
    if not note.strip():
        raise InvalidInput("say where the ratio was agreed (a note)", field="note",
                           reason_code="agreed_ratio_note")
    unit = (unit or _unit(project)[0]).strip()
    if not unit or len(unit) > 16:
        raise InvalidInput("the unit is 1 to 16 characters", field="unit",
                           reason_code="unit_length")
    row = LedgerRatioTest(
        project_id=project_id, stage=_stage(project, stage), source="agreed", status="agreed",
        item_ids=[], worker_ids=[], participant_ids=[], unit=unit, ratio=value,
        note=note.strip(), created_by=actor.id, measured_by=actor.id, measured_at=utcnow())
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor.id, action="ledger.ratio_test.agreed",
                 object_type="ledger_ratio_test", object_id=row.id,
                 data={"project_id": project_id, "stage": row.stage, "ratio": str(value),
                       "unit": unit, "note": row.note})
    return _out(session, row)


def list_ratio_tests(session: Session, reader: User, project_id: int) -> list[RatioTestOut]:
    """The self-tests and agreed ratios of ledger project ``project_id``, newest first (for a
    reader of its books)."""
    require_project_reader(session, reader,
                           ledger_project_row(session, project_id).production_project_id)
    rows = session.scalars(select(LedgerRatioTest).where(LedgerRatioTest.project_id == project_id)
                           .order_by(LedgerRatioTest.id.desc()))
    return [_out(session, r) for r in rows]


def _draft(session: Session, project_id: int, budget_id: int | None) -> LedgerBudget:
    if budget_id is None:
        latest = session.scalars(select(LedgerBudget).where(LedgerBudget.project_id == project_id)
                                 .order_by(LedgerBudget.version.desc())).first()
        if latest is None:
            raise Conflict(f"project {project_id} has no budget; create a draft budget first",
                           reason_code="no_draft_budget", project_id=project_id)
        budget_id = latest.id
    budget = lock_or_raise(session, LedgerBudget, budget_id, "budget", budget_id=budget_id)
    if budget.project_id != project_id:
        raise InvalidInput(f"budget {budget_id} is not a budget of project {project_id}",
                           field="budget_id",
                           reason_code="budget_other_project", budget_id=budget_id,
                           project_id=project_id)
    if budget.status != "draft":
        raise Conflict(
            f"budget v{budget.version} of project {project_id} is {budget.status}: an approved "
            "or submitted budget is never changed; start a new budget version, apply the ratio "
            "there and have it approved again",
            reason_code="budget_not_draft", budget_id=budget.id, version=budget.version,
            project_id=project_id, status=budget.status)
    return budget


def _line(session: Session, budget: LedgerBudget, stage: str) -> LedgerBudgetLine:
    line = session.scalars(select(LedgerBudgetLine).where(
        LedgerBudgetLine.budget_id == budget.id, LedgerBudgetLine.stage == stage,
        LedgerBudgetLine.category == "data_service")).first()
    if line is None:  # say which stages it has and how to name one (the CLI's default
        # "collect" against a budget written with "collection" read as a dead end)
        stages = ", ".join(sorted(session.scalars(select(LedgerBudgetLine.stage).where(
            LedgerBudgetLine.budget_id == budget.id,
            LedgerBudgetLine.category == "data_service")))) or "-"
        raise InvalidInput(
            f"budget v{budget.version} has no data-service line for stage {stage} (its "
            f"data-service lines: {stages}): name one of them as the collection stage "
            "(--collection-stage, or collection_stage in the API), or add a "
            f"{stage} line to a draft budget", field="stage", reason_code="no_budget_line",
            version=budget.version, stage=stage, stages=stages)
    return line


def apply_ratio(
    session: Session, actor: User, test_id: int, *, budget_id: int | None = None,
    collection_stage: str = "collect", project_id: int | None = None,
) -> BudgetOut:
    """Set the draft budget's annotation line from a measured or agreed ratio: hours =
    collection quantity × ratio, at the line's unit price; the budget total follows.
    ``project_id``: the ledger project the ratio test must belong to."""
    require_ledger_access(session, actor, write=True)  # before the test's existence is told
    test = _row(session, test_id, project_id)
    _open_project(session, actor, test.project_id)
    if test.ratio is None or test.status not in ("measured", "agreed"):
        raise Conflict(f"ratio test {test_id} is {test.status}: measure it first",
                       reason_code="ratio_not_measured", ratio_test_id=test_id)
    budget = _draft(session, test.project_id, budget_id)
    collect = _line(session, budget, collection_stage)
    annotate = _line(session, budget, test.stage)
    if collect.unit != test.unit:
        raise InvalidInput(
            f"the ratio is work hours per {test.unit}, the collection line counts "
            f"{collect.unit}: record an agreed ratio per {collect.unit}",
            field="unit", reason_code="unit_mismatch", ratio_unit=test.unit,
            line_unit=collect.unit)
    hours = to_decimal(collect.quantity * test.ratio, 4)
    if hours > MAX_AMOUNT:
        raise InvalidInput(f"{hours} annotation hours is beyond what a budget line holds",
                           field="ratio",
                           reason_code="budget_hours_too_large", hours=str(hours))
    before = {"quantity": str(annotate.quantity), "amount": str(annotate.amount),
              "output_ratio": None if annotate.output_ratio is None else str(annotate.output_ratio),
              "total": str(budget.total)}
    amount = to_cents(hours * annotate.unit_price)
    budget.total = budget.total - annotate.amount + amount
    annotate.quantity, annotate.amount = hours, amount
    annotate.unit = "hours"
    annotate.output_ratio, annotate.ratio_test_id = test.ratio, test.id
    what = "self-test" if test.source == "self_test" else "agreed ratio"
    annotate.description = (f"annotation: {collect.quantity} {collect.unit} × {test.ratio} "
                            f"h/{test.unit} ({what} #{test.id}) = {hours} h × "
                            f"{annotate.unit_price}")
    session.flush()
    record_audit(session, actor_id=actor.id, action="ledger.budget.ratio_applied",
                 object_type="ledger_budget", object_id=budget.id,
                 data={"ratio_test_id": test.id, "source": test.source,
                       "ratio": str(test.ratio), "unit": test.unit, "stage": test.stage,
                       "before": before,
                       "after": {"quantity": str(hours), "amount": str(amount),
                                 "total": str(budget.total)}})
    return get_budget(session, budget.id)


def budgeted_ratios(
    session: Session, production_project_ids: Iterable[int],
) -> dict[tuple[int, str], tuple[Decimal, str]]:
    """(production project, stage) → (ratio, source) from each project's approved budget's
    lines that record a ratio; source ``self_test``, ``agreed`` or ``plan``."""
    out: dict[tuple[int, str], tuple[Decimal, str]] = {}
    for lp in session.scalars(select(LedgerProject).where(
            LedgerProject.production_project_id.in_(list(production_project_ids)))):
        budget = approved_budget(session, lp.id)
        if budget is None:
            continue
        for line in session.scalars(select(LedgerBudgetLine).where(
                LedgerBudgetLine.budget_id == budget.id,
                LedgerBudgetLine.output_ratio.is_not(None))):
            ratio, source = line.output_ratio, "plan"
            if ratio is None:
                continue
            if line.ratio_test_id is not None:
                test = session.get(LedgerRatioTest, line.ratio_test_id)
                source = test.source if test is not None else "plan"
            out[(lp.production_project_id, line.stage)] = (ratio, source)
    return out
