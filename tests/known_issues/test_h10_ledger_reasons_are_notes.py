"""Helper h10 (security round): the reason a budget or an over-budget cost is signed or
rejected for, the over-budget reason of a cost or a booked event, the reason a cost is reversed
for and the note of a project's final review are read by the next signers and kept in the
books, yet were stored as sent: a right-to-left override (U+202E) made a reason display in
another order than it reads, and a bell passed (a cost's reversal refused the bell, not the
override; every other note one person writes for another is refused both:
``core.storable.check_note``). Now each is refused 422, naming the field, on the API as in the
library (the CLI's and the web's path)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.ledger.budgets import approve_budget, create_budget, submit_budget
from datamill.ledger.costs import approve_over_budget_cost, post_cost
from datamill.ledger.events import list_event_problems, sync_ledger
from datamill.ledger.final_accounts import review_final_accounts
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.hour_points import book_points
from datamill.workforce.vendors import create_grade, register_worker
from tests._api import API, login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

BAD = ("signed \u202eby the VP", "bell \x07")
DAY = date(2018, 3, 5)


def test_ledger_reasons_are_refused_what_would_mislead_their_reader(
        runtime: Runtime, users: dict[str, User]) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = make_approvers(s)
        create_grade(s, admin, "G3", "25")
        worker = register_worker(s, admin, users["ann1"], grade="G3").id
        pid, lp = ledger_project(s, "h10-notes", None, "product_development")
        approved_budget(s, lp, [line("annotate", "data_service", "10", "20"),
                                line("staff", "labour", "1", "10", "lot")], ap)
        budget = submit_budget(s, create_budget(
            s, lp, [line("annotate", "data_service", "20", "20")]).id).id
        posted = post_cost(s, lp, "annotate", "data_service", Decimal("10"), "in-1",
                           incurred_on=DAY).id
        over = post_cost(s, lp, "annotate", "data_service", Decimal("500"), "over-1",
                         incurred_on=DAY, over_budget_reason="re-recording").id
        book_points(s, admin, worker, pid, "2018-03", "40")  # over the 10 labour line
        sync_ledger(s)
        event = next(p.event_id for p in list_event_problems(s) if p.project_id == pid)
        _pid2, empty = ledger_project(s, "h10-review", None, "product_development")
    cost_in = {"stage": "staff", "category": "labour", "amount": "300",
               "source_ref": "over-2", "incurred_on": DAY.isoformat()}
    calls = [("ap-dept_manager", f"ledger/budgets/{budget}/approvals", "reason",
              {"decision": "reject"}),
             ("admin", f"ledger/projects/{lp}/costs", "over_budget_reason", cost_in),
             ("ap-vp", f"ledger/costs/{over}/approvals", "reason", {"decision": "reject"}),
             ("admin", f"ledger/costs/{posted}/reversal", "reason", {}),
             ("admin", f"ledger/events/{event}/book", "over_budget_reason", {}),
             ("ap-finance_reviewer", f"ledger/projects/{empty}/final-review", "note", {})]
    got: dict[tuple[str, str, str], tuple[int, object]] = {}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        for who, url, field, rest in calls:
            auth = {**login(c, who), "Content-Type": "application/json"}
            for text in BAD:
                r = c.post(f"{API}/{url}", headers=auth,
                           content=json.dumps({**rest, field: text}))
                got[(url, field, text)] = (r.status_code, r.json().get("field"))
    assert got == {k: (422, k[1]) for k in got}, got
    with runtime.session() as s:
        for text in BAD:
            for call, field in (
                    (lambda t: approve_budget(s, budget, ap["dept_manager"], decision="reject",
                                              reason=t), "reason"),
                    (lambda t: approve_over_budget_cost(s, over, ap["vp"], reason=t), "reason"),
                    (lambda t: post_cost(s, lp, "staff", "labour", Decimal("300"),
                                         "over-3", incurred_on=DAY, over_budget_reason=t),
                     "over_budget_reason"),
                    (lambda t: review_final_accounts(s, empty, reviewer_id=ap["finance_reviewer"],
                                                     note=t), "note")):
                with pytest.raises(InvalidInput) as refused:
                    call(text)
                assert refused.value.details["field"] == field
