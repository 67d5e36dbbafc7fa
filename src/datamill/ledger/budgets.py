"""Budgets before work: per-stage lines, approval chain of 3, 4 or 5 levels, approvers.

Level roles: 1 dept_manager → 2 vp → 3 finance_reviewer (standard); + 4 finance_manager when the
budget or order is large or the budgeted margin abnormal; + 5 cfo for major projects
(thresholds in :class:`LedgerSettings`). Levels are signed strictly in order, each by its role.

**Segregation of duties** (every ledger approval chain: budgets, over-budget costs, contracts
and their amendments; :func:`refuse_conflicted_approver`): the person who created, submitted,
posted, drafted or requested the subject never signs any step of its chain (Forbidden, reason
``own_approval``), and one person signs at most one step of one chain (Forbidden, reason
``second_step``, naming the step already signed). Admins are not exempt: an approval is signed
under a ledger approval role, and the rule reads only who acted, never the account's role.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.approvers import approval_role_of
from datamill.compliance.audit import record_audit
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.people import person_name
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, DatamillError, Forbidden, InvalidInput
from datamill.core.money import to_cents, to_decimal
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.ledger.models import (
    LedgerApproval,
    LedgerApprover,
    LedgerBudget,
    LedgerBudgetLine,
    LedgerOrder,
)
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import BudgetLineIn, BudgetLineOut, BudgetOut
from datamill.ledger.settings import (
    APPROVAL_ROLES,
    BUDGET_LEVEL_ROLES,
    COST_CATEGORIES,
    LedgerSettings,
)

__all__ = [
    "annotation_hours",
    "approval_role_of",
    "approve_budget",
    "budget_originators",
    "budgeted_margin",
    "collection_quantity",
    "create_budget",
    "get_budget",
    "project_volume_unit",
    "record_approval",
    "refuse_conflicted_approver",
    "register_approver",
    "submit_budget",
]


def collection_quantity(deliverable: Decimal | str, loss_rate: Decimal | str) -> Decimal:
    """Collect what is sold plus reasonable loss: 1,000 h at 10 % loss → 1,100 h.

    >>> collection_quantity("1000", "0.10")
    Decimal('1100.0000')
    """
    return to_decimal(Decimal(deliverable) * (1 + Decimal(loss_rate)), 4)


def annotation_hours(collection_volume: Decimal | str, output_ratio: Decimal | str) -> Decimal:
    """Annotation hours = collection volume × annotation-output ratio (标产比).

    >>> annotation_hours("1100", "3")
    Decimal('3300.0000')
    """
    return to_decimal(Decimal(collection_volume) * Decimal(output_ratio), 4)


def budgeted_margin(order_amount: Decimal, budget_total: Decimal) -> Decimal:
    """(order amount excl. VAT − budget) / order amount excl. VAT, to 6 places."""
    return to_decimal((order_amount - budget_total) / order_amount, 6)


def register_approver(
    session: Session, user_id: int, approval_role: str, *, actor_id: int | None = None
) -> None:
    """Give a user a ledger approval role (one per user; re-registering replaces it)."""
    if approval_role not in APPROVAL_ROLES:
        raise InvalidInput(f"unknown approval role {approval_role!r}; available: "
                           f"{', '.join(APPROVAL_ROLES)}", field="approval_role",
                           reason_code="approval_role_unknown", approval_role=str(approval_role),
                           value=', '.join(APPROVAL_ROLES))
    person = get_or_raise(session, User, user_id, "user", user_id=user_id)
    if person.role == "customer":  # a customer's account never signs the company's books
        raise Conflict(f"{person.username!r} is a customer's account: a ledger approver is a "
                       "person of the company", reason_code="approver_customer",
                       username=person.username)
    row = session.scalars(select(LedgerApprover).where(LedgerApprover.user_id == user_id)).first()
    if row is None:
        session.add(LedgerApprover(user_id=user_id, approval_role=approval_role))
    else:
        row.approval_role = approval_role
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.approver.registered",
                 object_type="user", object_id=user_id, data={"approval_role": approval_role})




def _budget_row(session: Session, budget_id: int, *, lock: bool = False) -> LedgerBudget:
    """The budget, or NotFound; ``lock``: locked until the transaction ends (two approvers of
    one level at once: the second sees the first's signature and is asked for the next)."""
    fetch = lock_or_raise if lock else get_or_raise
    row = fetch(session, LedgerBudget, budget_id, "budget", budget_id=budget_id)
    return row


def _order_amount(session: Session, budget: LedgerBudget) -> Decimal | None:
    project = ledger_project_row(session, budget.project_id)
    if project.order_id is None:
        return None
    order = session.get(LedgerOrder, project.order_id)
    return order.amount_cny if order else None


def _approved_levels(session: Session, subject_type: str, subject_id: int) -> int:
    return int(session.scalar(
        select(func.count()).select_from(LedgerApproval).where(
            LedgerApproval.subject_type == subject_type, LedgerApproval.subject_id == subject_id,
            LedgerApproval.decision == "approve")) or 0)


def get_budget(session: Session, budget_id: int) -> BudgetOut:
    b = _budget_row(session, budget_id)
    lines = session.scalars(
        select(LedgerBudgetLine).where(LedgerBudgetLine.budget_id == b.id)
        .order_by(LedgerBudgetLine.id))
    done = _approved_levels(session, "budget", b.id)
    amount = _order_amount(session, b)
    return BudgetOut(
        id=b.id, project_id=b.project_id, version=b.version, status=b.status, total=b.total,
        required_levels=b.required_levels, level_reasons=list(b.level_reasons),
        approved_levels=done,
        next_role=BUDGET_LEVEL_ROLES[done + 1] if b.status == "submitted" else None,
        budgeted_margin=budgeted_margin(amount, b.total) if amount else None,
        lines=[BudgetLineOut.model_validate(x) for x in lines],
    )


def project_volume_unit(session: Session, production_project_id: int) -> str:
    """The volume unit of the production project's modality, asked of its plugin (hours,
    images, dialogues, …; ``items`` for a modality this installation has no plugin for)."""
    from datamill.modalities.registry import get_modality
    from datamill.production.models import Project

    project = session.get(Project, production_project_id)
    if project is None:
        return "items"
    try:
        return get_modality(project.modality).volume_unit
    except (ImportError, DatamillError):
        return "items"


def create_budget(
    session: Session, project_id: int, lines: list[BudgetLineIn] | list[dict[str, Any]],
    *, actor_id: int | None = None,
) -> BudgetOut:
    """A new draft budget version: one line per (stage, category), amount = quantity × price."""
    project = ledger_project_row(session, project_id)
    if project.status == "closed":
        raise Conflict(f"project {project_id} is closed; its budget is frozen",
                       reason_code="budget_project_closed", project_id=project_id)
    open_version = session.scalars(select(LedgerBudget).where(
        LedgerBudget.project_id == project_id,
        LedgerBudget.status.in_(("draft", "submitted")))).first()
    if open_version is not None:
        raise Conflict(f"budget v{open_version.version} of project {project_id} is still "
                       f"{open_version.status}; decide it before starting another version",
                       reason_code="budget_version_open", version=open_version.version,
                       project_id=project_id, open_version_status=str(open_version.status))
    parsed = [BudgetLineIn.model_validate(x) for x in lines]
    unit = project_volume_unit(session, project.production_project_id)
    for ln in parsed:  # a data-service line is counted in the modality's unit unless told
        if ln.category == "data_service" and "unit" not in ln.model_fields_set:
            ln.unit = unit
    seen: set[tuple[str, str]] = set()
    for i, ln in enumerate(parsed):
        # each level that signs the budget reads it: no bidi override or control character (h1)
        check_note(ln.description, f"lines[{i}].description")
        if ln.category not in COST_CATEGORIES:
            raise InvalidInput(f"unknown cost category {ln.category!r}; available: "
                               f"{', '.join(COST_CATEGORIES)}", field="category",
                               reason_code="cost_category_unknown", category=str(ln.category),
                               value=', '.join(COST_CATEGORIES))
        if (ln.stage, ln.category) in seen:
            raise InvalidInput(f"two lines for stage {ln.stage!r} / {ln.category}: one line "
                               "per stage and category", field="lines",
                               reason_code="budget_line_duplicate", stage=str(ln.stage),
                               category=str(ln.category))
        seen.add((ln.stage, ln.category))
    version = int(session.scalar(select(func.max(LedgerBudget.version))
                                 .where(LedgerBudget.project_id == project_id)) or 0) + 1
    budget = LedgerBudget(project_id=project_id, version=version, created_by=actor_id)
    session.add(budget)
    session.flush()
    total = Decimal(0)
    for ln in parsed:
        qty, price = to_decimal(ln.quantity, 4), to_decimal(ln.unit_price, 4)
        amount = to_cents(qty * price)
        total += amount
        session.add(LedgerBudgetLine(budget_id=budget.id, stage=ln.stage, category=ln.category,
                                     description=ln.description, quantity=qty, unit=ln.unit,
                                     unit_price=price, amount=amount,
                                     output_ratio=ln.output_ratio))
    budget.total = total
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.budget.created",
                 object_type="ledger_budget", object_id=budget.id,
                 data={"project_id": project_id, "version": version, "total": str(total)})
    return get_budget(session, budget.id)


def _required_levels(
    session: Session, budget: LedgerBudget, settings: LedgerSettings
) -> tuple[int, list[str]]:
    reasons: list[str] = []
    project = ledger_project_row(session, budget.project_id)
    if project.is_major or budget.total >= settings.major_budget_cny:
        reasons.append("major project → level 5 (CFO)")
        return 5, reasons
    amount = _order_amount(session, budget)
    if budget.total >= settings.large_budget_cny:
        reasons.append(f"budget {budget.total} ≥ {settings.large_budget_cny}")
    if amount is not None:
        if amount >= settings.large_order_cny:
            reasons.append(f"order {amount} ≥ {settings.large_order_cny}")
        margin = budgeted_margin(amount, budget.total)
        if not settings.margin_low <= margin <= settings.margin_high:
            reasons.append(f"budgeted margin {margin} outside "
                           f"[{settings.margin_low}, {settings.margin_high}]")
    return (4 if reasons else 3), reasons


def submit_budget(
    session: Session, budget_id: int, *, settings: LedgerSettings | None = None,
    actor_id: int | None = None,
) -> BudgetOut:
    """Send a draft for approval; fixes how many levels it needs and why."""
    b = _budget_row(session, budget_id, lock=True)
    if b.status != "draft":
        raise Conflict(f"budget {budget_id} is {b.status}; only a draft can be submitted",
                       reason_code="budget_submit_not_draft", budget_id=budget_id,
                       b_status=str(b.status))
    b.required_levels, b.level_reasons = _required_levels(session, b, settings or LedgerSettings())
    b.status = "submitted"
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.budget.submitted",
                 object_type="ledger_budget", object_id=b.id,
                 data={"required_levels": b.required_levels, "reasons": b.level_reasons})
    return get_budget(session, b.id)


def _username(session: Session, user_id: int) -> str:
    return person_name(session, user_id)


def refuse_conflicted_approver(
    session: Session, subject_type: str, subject_id: int, approver_id: int,
    originators: Mapping[int | None, str], *, label: str | None = None,
) -> None:
    """Segregation of duties, before any step of a chain is recorded (nothing is written).

    ``originators``: user id → what they did to the subject (``created``, ``submitted``,
    ``posted``, ``drafted``, ``requested``); such a person never signs (Forbidden, reason
    ``own_approval``). A person who already signed a step of this chain (``subject_type``,
    ``subject_id``) does not sign another (Forbidden, reason ``second_step``). ``label`` names
    the subject in the message (default: ``subject_type subject_id``)."""
    what = label or f"{subject_type} {subject_id}"
    did = originators.get(approver_id)
    if did is not None:
        who = _username(session, approver_id)
        raise Forbidden(f"{who} {did} {what}: whoever creates, submits, posts or requests it "
                        "never signs its approvals (segregation of duties): a second person "
                        "signs", reason_code="own_approval", subject=what, user=who, did=did)
    earlier = session.scalars(select(LedgerApproval).where(
        LedgerApproval.subject_type == subject_type, LedgerApproval.subject_id == subject_id,
        LedgerApproval.approver_id == approver_id).order_by(LedgerApproval.level)).first()
    if earlier is not None:
        who = _username(session, approver_id)
        raise Forbidden(f"{who} already signed level {earlier.level} ({earlier.approval_role}) "
                        f"of {what}: one person signs one step of an approval chain; another "
                        "approver signs this one", reason_code="second_step", subject=what,
                        user=who, earlier_level=earlier.level,
                        earlier_role=earlier.approval_role)


def budget_originators(session: Session, budget: LedgerBudget) -> dict[int | None, str]:
    """Who created the budget version and who submitted it (from its audit records)."""
    out: dict[int | None, str] = {}
    for actor in session.scalars(select(AuditRecord.actor_id).where(
            AuditRecord.object_type == "ledger_budget", AuditRecord.object_id == budget.id,
            AuditRecord.action == "ledger.budget.submitted", AuditRecord.actor_id.is_not(None))):
        out[actor] = "submitted"
    if budget.created_by is not None:
        out[budget.created_by] = "created"
    out.pop(None, None)
    return out


def record_approval(  # noqa: PLR0913 - the chain's subject, its levels and the decision
    session: Session, subject_type: str, subject_id: int, level_roles: dict[int, str],
    required: int, approver_id: int, decision: str, reason: str,
    originators: Mapping[int | None, str] | None = None,
) -> tuple[int, bool]:
    """Check and record the next level's decision; returns (level, chain complete).

    ``originators`` (user id → what they did): see :func:`refuse_conflicted_approver`, which
    is always asked (one person, one step) once the approver holds the level's role."""
    if decision not in ("approve", "reject"):
        raise InvalidInput(f"decision must be approve or reject, not {decision!r}",
                           field="decision",
                           reason_code="decision_form", decision=str(decision))
    level = _approved_levels(session, subject_type, subject_id) + 1
    needed = level_roles[level]
    role = approval_role_of(session, approver_id)
    if role != needed:
        who = person_name(session, approver_id)
        raise Forbidden(
            f"{subject_type} {subject_id} awaits level {level} of {required} ({needed}); "
            f"{who} is {role or 'not a ledger approver'}: approvals go in order, each by its role",
            level=level, needed_role=needed,
            reason_code="approval_out_of_order", subject_type=str(subject_type),
            subject_id=subject_id, required=required, who=str(who),
            value=str(role or 'not a ledger approver'))
    refuse_conflicted_approver(session, subject_type, subject_id, approver_id,
                               originators or {})
    if decision == "reject" and not reason:
        raise InvalidInput("a rejection needs a reason", field="reason",
                           reason_code="rejection_reason_missing")
    session.add(LedgerApproval(subject_type=subject_type, subject_id=subject_id, level=level,
                               approval_role=role, approver_id=approver_id, decision=decision,
                               reason=reason))
    session.flush()
    return level, decision == "approve" and level == required


def approve_budget(
    session: Session, budget_id: int, approver_id: int, *, decision: str = "approve",
    reason: str = "",
) -> BudgetOut:
    """Sign the next level. The last level approves the budget and starts execution."""
    check_note(reason, "reason")  # the budget's owner and the next levels read it
    b = _budget_row(session, budget_id, lock=True)
    if b.status != "submitted":
        raise Conflict(f"budget {budget_id} is {b.status}; only a submitted budget is approved",
                       reason_code="budget_approve_not_submitted", budget_id=budget_id,
                       b_status=str(b.status))
    level, complete = record_approval(session, "budget", b.id, BUDGET_LEVEL_ROLES,
                                      b.required_levels, approver_id, decision, reason,
                                      budget_originators(session, b))
    if decision == "reject":
        b.status, b.decided_at = "rejected", utcnow()
    elif complete:
        b.status, b.decided_at = "approved", utcnow()
        project = ledger_project_row(session, b.project_id)
        if project.status == "budgeting":
            project.status = "executing"
    session.flush()
    record_audit(session, actor_id=approver_id, action=f"ledger.budget.{decision}",
                 object_type="ledger_budget", object_id=b.id,
                 data={"level": level, "status": b.status, "reason": reason})
    return get_budget(session, b.id)
