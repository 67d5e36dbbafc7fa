"""Budgets from the production plan: loss rate, annotation-output ratio, price-system prices,
and the variance of actual against plan per stage (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.ledger.budget_plan import create_budget_from_plan, plan_budget, plan_variance
from datamill.ledger.budgets import approve_budget, submit_budget
from datamill.ledger.costs import post_cost
from datamill.runtime import Runtime
from datamill.workforce.pricing import set_price
from tests.unit.ledger.helpers import ledger_project, make_approvers

ON = date(2024, 3, 1)


def _prices(s, admin: User) -> None:  # type: ignore[no-untyped-def]
    for stage, price in (("collect", "200"), ("annotate", "21")):
        set_price(s, admin, half_year="2024H1", stage=stage, modality="speech.asr",
                  language_group="chinese", unit="hour", unit_price=price)


def test_300_hours_of_mandarin_at_5_percent_loss(runtime: Runtime, users: dict[str, User]
                                                 ) -> None:
    with runtime.session() as s:
        _prices(s, users["admin"])
        _pid, lp = ledger_project(s, "mandarin-300", None, "product_development")
        plan = plan_budget(s, lp, deliverable="300", loss_rate="0.05", output_ratio="1",
                           on=ON)
        # plan = deliverable × (1 + loss): 300 h × 1.05 = 315 h collected
        assert plan.collection_volume == Decimal("315.0000")
        assert plan.annotation_hours == Decimal("315.0000")
        collect, label = plan.lines
        assert (collect.stage, collect.quantity, collect.unit_price, collect.amount) == (
            "collect", Decimal("315.0000"), Decimal("200.0000"), Decimal("63000.00"))
        assert (label.stage, label.quantity, label.unit_price, label.amount) == (
            "annotate", Decimal("315.0000"), Decimal("21.0000"), Decimal("6615.00"))
        assert plan.total == Decimal("69615.00")
        assert plan.language_group == "chinese" and label.price_source.startswith("price system")
        # the annotation-output ratio scales the labelling hours: 315 h × 3.2 = 1,008 h
        plan = plan_budget(s, lp, deliverable="300", loss_rate="0.05", output_ratio="3.2",
                           on=ON)
        assert plan.lines[1].quantity == Decimal("1008.0000")
        assert plan.lines[1].amount == Decimal("21168.00")
        # the brief's own example: 1,000 h at 10% loss → 1,100 h
        plan = plan_budget(s, lp, deliverable="1000", loss_rate="0.10", output_ratio="0",
                           on=ON)
        assert plan.collection_volume == Decimal("1100.0000") and len(plan.lines) == 1


def test_a_given_price_is_compared_with_the_price_system(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        _prices(s, users["admin"])
        _pid, lp = ledger_project(s, "given", None, "product_development")
        plan = plan_budget(s, lp, deliverable="100", loss_rate="0", output_ratio="1", on=ON,
                           labelling_price="24")
        label = plan.lines[1]
        assert label.price_source == "given" and label.system_price == Decimal("21")
        assert label.deviation == Decimal("0.1429") and label.flagged
        with pytest.raises(InvalidInput, match="no price for annotate"):
            plan_budget(s, lp, deliverable="100", loss_rate="0", output_ratio="1",
                        on=date(2025, 3, 1), collection_price="150")
        with pytest.raises(InvalidInput, match="loss_rate"):
            plan_budget(s, lp, deliverable="100", loss_rate="1", output_ratio="1", on=ON)


def test_variance_of_actual_against_plan_per_stage(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        _prices(s, users["admin"])
        approvers = make_approvers(s)
        _pid, lp = ledger_project(s, "variance", None, "product_development")
        b = create_budget_from_plan(s, lp, deliverable="300", loss_rate="0.05",
                                    output_ratio="1", on=ON)
        assert b.total == Decimal("69615.00") and b.status == "draft"
        b = submit_budget(s, b.id)
        while b.status == "submitted":
            assert b.next_role is not None
            b = approve_budget(s, b.id, approvers[b.next_role])
        post_cost(s, lp, "annotate", "data_service", "3150.00", "sheet-1", incurred_on=ON,
                  quantity="150", unit_price="21")
        post_cost(s, lp, "collect", "data_service", "40000.00", "sheet-2", incurred_on=ON,
                  quantity="200", unit_price="200")
        v = plan_variance(s, lp)
        by = {x.stage: x for x in v.stages}
        assert by["annotate"].planned_quantity == Decimal("315.0000")
        assert by["annotate"].actual_quantity == Decimal("150.0000")
        assert by["annotate"].variance == Decimal("-3465.00")
        assert by["annotate"].status == "within"
        assert by["collect"].variance_pct == Decimal("-0.3651")
        assert v.planned_total == Decimal("69615.00") and v.actual_total == Decimal("43150.00")
