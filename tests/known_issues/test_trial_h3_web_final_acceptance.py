"""User trial (PM and finance controller), the web's project finance page:

1. the customer's final acceptance of a type-1/2 order (``ledger final-accept``,
   ``POST /api/v1/ledger/orders/{id}/final-acceptance``) had no form on the web: the page now
   takes the report (acceptance date, accepted volume) from a writer of the books, refuses in
   the page's language with the form as typed, and shows the date once recorded;
2. a budget rejection without its reason lost the form for an error page: the page now shows
   again with the refusal and what was typed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import create_budget, submit_budget
from datamill.ledger.models import LedgerBudget, LedgerOrder
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

D = Decimal


def _books(runtime: Runtime, acceptance_type: int = 1) -> tuple[int, int]:
    """A type-1 (or 2) custom order of 10 hours with its books: (production project, order)."""
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "c-web-final", customer_type="big_tech", country="CN").id
        k = create_contract(s, "K-WF", customer_id=cust, kind="custom",
                            signed_on=date(2018, 1, 2)).id
        oid = create_order(s, k, "O-WF", business_line="speech", offering="custom",
                           amount=D(100000), currency="CNY", total_volume=D(10),
                           volume_unit="hours", acceptance_type=acceptance_type).id
        pid, lp = ledger_project(s, "web-final", oid)
        approved_budget(s, lp, [line("collection", "data_service", "200", "300")], ap)
        create_user(s, "aud", "password1", "auditor")
    return pid, oid


def _final(s_runtime: Runtime, oid: int) -> date | None:
    with s_runtime.session() as s:
        order = s.get(LedgerOrder, oid)
        assert order is not None
        return order.final_accepted_on


def test_the_page_records_the_final_acceptance(runtime: Runtime, users: dict[str, User]) -> None:
    pid, oid = _books(runtime)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "pm")
        c.cookies.set("lang", "zh-CN")
        page = c.get(f"/projects/{pid}/finance")
        assert page.status_code == 200 and 'data-testid="final-form"' in page.text, page.text
        assert "客户终验" in page.text and "录入终验" in page.text
        url = f"/projects/{pid}/finance/final-acceptance"
        # more than the order's 10 h: refused in the page's language, the form as typed
        r = c.post(url, data={"accepted_on": "2018-03-01", "volume": "11",
                              "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 422, r.text
        assert 'data-testid="final-error"' in r.text and "终验量" in r.text, r.text
        assert 'value="11"' in r.text and 'value="2018-03-01"' in r.text
        r = c.post(url, data={"accepted_on": "2018-03-xx", "volume": "",
                              "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 422 and 'data-testid="final-error"' in r.text, r.text
        assert _final(runtime, oid) is None
        # no CSRF token: nothing recorded
        r = c.post(url, data={"accepted_on": "2018-03-01", "volume": "4"},
                   follow_redirects=False)
        assert r.status_code == 403 and _final(runtime, oid) is None
        r = c.post(url, data={"accepted_on": "2018-03-01", "volume": "4",
                              "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = c.get(r.headers["location"])
        assert 'data-testid="final-accepted"' in page.text and "您录入的终验已记录" in page.text
        assert 'data-testid="final-form"' not in page.text  # once per order
        assert "2018-03-01" in page.text
        assert _final(runtime, oid) == date(2018, 3, 1)
        # once: a second report is refused (the order is no longer open)
        r = c.post(url, data={"accepted_on": "2018-03-02", "volume": "",
                              "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 409 and 'data-testid="final-error"' in r.text, r.text
        assert _final(runtime, oid) == date(2018, 3, 1)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "aud")  # reads the books, writes none: no form, and the post is refused
        page = c.get(f"/projects/{pid}/finance")
        assert page.status_code == 200 and 'data-testid="final-form"' not in page.text
        r = c.post(f"/projects/{pid}/finance/final-acceptance",
                   data={"accepted_on": "2018-03-01", "csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.status_code == 403, r.text


def test_a_project_above_the_writers_clearance_answers_as_missing(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid, oid = _books(runtime)
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        set_classification(s, admin, pid, "secret")
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "pm")  # a writer of the books, default clearance
        r = c.post(f"/projects/{pid}/finance/final-acceptance",
                   data={"accepted_on": "2018-03-01", "csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.status_code == 404, r.text  # as the page answers: no books to probe
        assert _final(runtime, oid) is None


def test_a_type3_order_has_no_final_acceptance_form(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid, _oid = _books(runtime, acceptance_type=3)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "pm")
        page = c.get(f"/projects/{pid}/finance")
        assert page.status_code == 200 and 'data-testid="final-form"' not in page.text


def test_a_rejection_without_reason_keeps_the_form(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid, _oid = _books(runtime)
    with runtime.session() as s:
        lp = s.scalars(select(LedgerBudget.project_id)).first()
        assert lp is not None
        b = create_budget(s, lp, [line("collection", "data_service", "300", "300")])
        submit_budget(s, b.id)
        bid = b.id
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "ap-dept_manager")
        r = c.post(f"/finance/budgets/{bid}/decision", follow_redirects=False,
                   data={"decision": "reject", "reason": "   ", "csrf_token": csrf_of(c)})
        assert r.status_code == 422, r.text
        assert 'data-testid="sign-form"' in r.text and 'data-testid="sign-error"' in r.text
        assert "a rejection needs a reason" in r.text
        assert re.search(r'data-testid="sign-reason"', r.text)
        r = c.post(f"/finance/budgets/{bid}/decision", follow_redirects=False,
                   data={"decision": "reject", "reason": "too dear",
                         "csrf_token": csrf_of(c)})
        assert r.status_code == 303 and f"/projects/{pid}/finance" in r.headers["location"]
