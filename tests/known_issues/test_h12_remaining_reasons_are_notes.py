"""Helper h12 (security round): the last free-text fields one person writes for another that
were stored as sent: a worker's retake grant note, a settlement correction's reason, a price's
deviation reason, an agreed ratio's note, a customer's credit-grade reason, an order volume
amendment's reason, a period reopening's reason and the PM's impairment reasoning. A
right-to-left override (U+202E) made them display in another order than they read, and control
characters passed (``core.storable.check_note`` refuses both on every other note). Now each is
refused 422 naming the field, in the service, so the API, the CLI and the web agree; the check
comes before any row is looked up, so an id need not exist for the refusal."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.compliance.users import create_user
from datamill.core.errors import InvalidInput
from datamill.ledger.budgets import approve_budget
from datamill.ledger.costs import approve_over_budget_cost
from datamill.ledger.customers import change_credit_grade
from datamill.ledger.impairment import run_impairment_test
from datamill.ledger.orders import amend_order_volume
from datamill.ledger.period_reopen import reopen_period
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login

BAD = ("agreed \u202eby phone", "bell \x07")
HALF = f"{business_today().year}H{1 if business_today().month <= 6 else 2}"  # noqa: PLR2004
#: (path, body without the free-text field, that field); ids that need not exist
ROUTES = [
    ("/projects/9/qualification-test/grants", {"worker_id": 9}, "note"),
    ("/settlements/9/corrections", {"amount": "-5"}, "reason"),
    ("/prices", {"half_year": HALF, "stage": "annotate", "modality": "speech.asr",
                 "language_group": "chinese", "unit": "hour", "unit_price": "20"}, "reason"),
    ("/ledger/projects/9/agreed-ratio", {"ratio": "3"}, "note"),
    # the ledger's bodies refused these already (a schema validator): its library, the CLI's
    # path, did not (test_the_ledgers_library_refuses_them_too)
    ("/ledger/customers/9/credit-grade", {"grade": "2"}, "reason"),
    ("/ledger/orders/9/amendments", {"total_volume": "10"}, "reason"),
    ("/ledger/periods/2020-01/reopen", {}, "reason"),
]


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    with sqlite_runtime.session() as s:
        create_user(s, "admin", "password1", "admin")
    with TestClient(create_app(sqlite_runtime)) as c:
        yield c


@pytest.mark.parametrize(("path", "body", "field"), ROUTES, ids=[r[0] for r in ROUTES])
def test_each_refuses_what_would_mislead_its_reader(
        client: TestClient, path: str, body: dict[str, object], field: str) -> None:
    for text in BAD:
        r = client.post(f"{API}{path}", content=json.dumps({**body, field: text}),
                        headers={**login(client, "admin"), "Content-Type": "application/json"})
        assert r.status_code == 422, (path, text, r.text)  # noqa: PLR2004
        said = r.json()
        named = {said.get("field"), *(e.get("field") for e in said.get("errors", []))}
        assert field in named or f"body.{field}" in named, r.text


def test_the_ledgers_library_refuses_them_too(sqlite_runtime: Runtime) -> None:
    """The CLI's path, the impairment test's reasoning (library only), and the budget and
    over-budget cost approvals' reasons (their routes ask who may first)."""
    with sqlite_runtime.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
    calls: dict[str, Callable[[Session, str], object]] = {
        "credit grade": lambda s, t: change_credit_grade(s, 9, "2", reason=t, actor_id=None),
        "order volume": lambda s, t: amend_order_volume(s, 9, "10", reason=t),
        "reopen": lambda s, t: reopen_period(s, admin, "2020-01", t),
        "budget approval": lambda s, t: approve_budget(s, 9, admin.id, reason=t),
        "cost approval": lambda s, t: approve_over_budget_cost(s, 9, admin.id, reason=t),
        "impairment": lambda s, t: run_impairment_test(s, 9, date(2020, 1, 31),
                                                       cost_to_complete="10", reason=t),
    }
    for what, call in calls.items():
        for text in BAD:
            with sqlite_runtime.session() as s, pytest.raises(InvalidInput) as got:
                call(s, text)
            assert got.value.details.get("field") == "reason", (what, got.value.message)
