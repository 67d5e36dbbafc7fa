"""Building blocks for ledger tests: approvers, production projects, accepted deliveries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from datamill.business_clock import day_start
from datamill.compliance.users import create_user
from datamill.ledger.budgets import approve_budget, create_budget, register_approver, submit_budget
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.projects import open_ledger_project
from datamill.ledger.schemas import BudgetOut
from datamill.production.delivery import record_acceptance
from datamill.production.models import Batch, Delivery
from datamill.production.projects import create_project

ROLES = ["dept_manager", "vp", "finance_reviewer", "finance_manager", "cfo", "finance_head"]


def make_approvers(s: Session) -> dict[str, int]:
    """One user per ledger approval role; returns role → user id."""
    ids = {}
    for role in ROLES:
        u = create_user(s, f"ap-{role}", "password1", "project_manager")
        register_approver(s, u.id, role)
        ids[role] = u.id
    return ids


def production_project(s: Session, name: str, project_type: str = "custom_service",
                       modality: str = "speech.asr") -> int:
    """A speech project, or (``modality`` image) an image project, of ``project_type``."""
    spec: dict[str, Any] = {
        "name": name, "modality": "speech.asr", "language": "zh-CN",
        "project_type": project_type, "stages": ["annotate", "review"],
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9}, "requirements": {},
    }
    if modality == "image":
        from tests.unit.production.image_helpers import image_spec

        spec = image_spec(name=name, project_type=project_type)
    return create_project(s, spec).id


def ledger_project(
    s: Session, name: str, order_id: int | None, project_type: str = "custom_service",
    modality: str = "speech.asr", **kw: Any,
) -> tuple[int, int]:
    """(production project id, ledger project id): the project's ``modality`` counts in the
    order's unit (opening it checks that)."""
    pid = production_project(s, name, project_type, modality)
    return pid, open_ledger_project(s, pid, order_id=order_id, **kw).id


def approved_budget(
    s: Session, project_id: int, lines: list[dict[str, Any]], approvers: dict[str, int],
    approved_on: date | None = None,
) -> BudgetOut:
    """A budget through its approval chain; ``approved_on``: as if approved at noon that
    business day (a test of a past period needs the budget to exist by its end)."""
    b = create_budget(s, project_id, lines)
    b = submit_budget(s, b.id)
    while b.status == "submitted":
        assert b.next_role is not None
        b = approve_budget(s, b.id, approvers[b.next_role])
    assert b.status == "approved"
    if approved_on is not None:
        backdate_budget(s, b.id, approved_on)
    return b


def backdate_budget(s: Session, budget_id: int, approved_on: date) -> None:
    """Record budget ``budget_id`` as approved at noon of business day ``approved_on``."""
    from datamill.ledger.models import LedgerBudget

    row = s.get(LedgerBudget, budget_id)
    assert row is not None and row.status == "approved"
    row.decided_at = day_start(approved_on) + timedelta(hours=12)
    s.flush()


def line(stage: str, category: str, quantity: str, unit_price: str, unit: str = "hours") -> dict[str, Any]:
    return {"stage": stage, "category": category, "quantity": Decimal(quantity),
            "unit_price": Decimal(unit_price), "unit": unit}


def accept_delivery(
    s: Session, monkeypatch: pytest.MonkeyPatch, production_project_id: int, hours: str,
    on: date, stamp: datetime | None = None,
) -> int:
    """A delivered batch that the customer accepts on ``on`` (via production's own service), at
    noon of that business day, or at the moment ``stamp``."""
    batch = Batch(project_id=production_project_id, name=f"batch-{on.isoformat()}",
                  status="delivered")
    s.add(batch)
    s.flush()
    ms = int(Decimal(hours) * 3_600_000)
    d = Delivery(batch_id=batch.id, project_id=production_project_id, path="/tmp/pkg",  # noqa: S108
                 datasheet={"duration_ms": ms}, delivered_volume=float(hours),
                 delivered_items=100)
    s.add(d)
    s.flush()
    at = stamp or day_start(on) + timedelta(hours=12)
    monkeypatch.setattr("datamill.production.delivery_acceptance.utcnow", lambda: at)
    record_acceptance(s, d.id, accepted_duration_ms=ms, accepted_utterances=100)
    return d.id


def close_reviewed(
    s: Session, project_id: int, on: date, approvers: dict[str, int],
    actor_id: int | None = None,
) -> Any:
    """Final accounts as the business does them: the finance reviewer checks, then the close."""
    from datamill.ledger.final_accounts import review_final_accounts
    from datamill.ledger.recognition import close_project

    review_final_accounts(s, project_id, reviewer_id=approvers["finance_reviewer"])
    return close_project(s, project_id, on, actor_id=actor_id)


def budgeted_custom_order(s: Session, suffix: str, project_name: str) -> tuple[int, int, int]:
    """A 2018 custom speech order (contract ``K-<suffix>``, order ``O-<suffix>``, 100,000 CNY for
    10 hours) with its ledger project and an approved collection budget: (contract id, ledger
    project id, budget id)."""
    approvers = make_approvers(s)
    cust = create_customer(s, "Acme", customer_type="big_tech", country="CN")
    k = create_contract(s, f"K-{suffix}", customer_id=cust.id, kind="custom",
                        signed_on=date(2018, 1, 2))
    o = create_order(s, k.id, f"O-{suffix}", business_line="speech", offering="custom",
                     amount="100000.00", currency="CNY", total_volume="10",
                     volume_unit="hours", acceptance_type=3)
    _pid, lp = ledger_project(s, project_name, o.id)
    b = approved_budget(s, lp, [line("collection", "data_service", "200", "300")], approvers,
                        approved_on=date(2018, 1, 3))
    return k.id, lp, b.id


def closed_order_books(
    s: Session, monkeypatch: pytest.MonkeyPatch, contract_id: int, name: str, project: str,
    approvers: dict[str, int], *, secret_by: int | None = None,
) -> tuple[int, int]:
    """Order ``O-<NAME>`` (1,000 CNY custom, 10 hours) of contract ``contract_id`` with its books
    (project ``project``): budget, a 2018-02 cost, accepted 2018-03-01, revenue recognised and
    closed 2018-03-31; classified secret by ``secret_by`` when given. (production id, ledger
    project id)."""
    from datamill.compliance.classification import set_classification
    from datamill.compliance.models import User
    from datamill.ledger.costs import submit_expense_claim
    from datamill.ledger.recognition import process_acceptance_events

    o = create_order(s, contract_id, f"O-{name.upper()}", business_line="speech",
                     offering="custom", amount=Decimal("1000"), currency="CNY",
                     total_volume=Decimal("10"), volume_unit="hours", acceptance_type=1).id
    pid, lp = ledger_project(s, project, o)
    approved_budget(s, lp, [line("collection", "data_service", "10", "50")], approvers)
    submit_expense_claim(s, lp, stage="collection", supplier="V", quantity=Decimal("10"),
                         unit_price=Decimal("40"), claim_no=f"claim-{name}",
                         incurred_on=date(2018, 2, 1))
    accept_delivery(s, monkeypatch, pid, "10", date(2018, 3, 1))
    process_acceptance_events(s)
    close_reviewed(s, lp, date(2018, 3, 31), approvers)
    if secret_by is not None:
        set_classification(s, s.get(User, secret_by), pid, "secret")  # type: ignore[arg-type]
    return pid, lp
