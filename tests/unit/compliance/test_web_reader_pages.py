"""The web's read-only finance pages are open to the ledger's readers (the auditor, whose trace
it is), as the API and the CLI are; and they never show a project classified above the
reader's clearance (the plan-variance page named any project's budget to anyone in the books).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.contracts import approve_contract, draft_contract, sign_contract
from datamill.ledger.orders import create_customer, create_order
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import ledger_project, make_approvers

SECRET = "heron-secret-trace"
OPEN = "wren-open-trace"


def _world(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
        ap = make_approvers(s)
        cust = create_customer(s, "trace-cust", customer_type="other", country="CN")
        k = draft_contract(s, "K-TR", customer_id=cust.id, amount=Decimal(2000),
                           actor_id=ap["dept_manager"])
        approve_contract(s, k.id, ap["finance_reviewer"], "price")
        approve_contract(s, k.id, ap["vp"], "signing")
        sign_contract(s, k.id, date(2018, 1, 5))
        ids = {"contract": k.id}
        for name, number in ((SECRET, "O-TR1"), (OPEN, "O-TR2")):
            order = create_order(s, k.id, number, business_line="speech", offering="custom",
                                 amount=Decimal(1000), currency="CNY",
                                 total_volume=Decimal(10), volume_unit="hours",
                                 acceptance_type=1)
            ids[name], _lp = ledger_project(s, name, order.id)
        set_classification(s, s.get(User, users["admin"].id), ids[SECRET], "secret")  # type: ignore[arg-type]
    return ids


def test_the_auditor_reads_the_trace_line_report_and_plan_variance(
    runtime: Runtime, users: dict[str, User]
) -> None:
    ids = _world(runtime, users)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "aud")
        trace = c.get(f"/finance/contracts/{ids['contract']}/trace")
        assert trace.status_code == 200, trace.text
        assert OPEN in trace.text and SECRET not in trace.text
        csv = c.get(f"/finance/contracts/{ids['contract']}/trace.csv")  # the page's own link
        assert csv.status_code == 200 and OPEN in csv.text and SECRET not in csv.text, csv.text
        lines = c.get("/finance/lines.csv?from=2018-01-01&to=2018-12-31")
        assert lines.status_code == 200, lines.text
        assert lines.headers["content-type"].startswith("text/csv")
        variance = c.get(f"/projects/{ids[OPEN]}/finance/plan-variance")
        assert variance.status_code in (200, 404), variance.text  # 404: no budget yet
        assert "has role auditor" not in variance.text
        # the auditor is not cleared for the secret project: not even its plan, which answers
        # as a project without books (the id is not probeable)
        hidden = c.get(f"/projects/{ids[SECRET]}/finance/plan-variance")
        assert hidden.status_code == 404 and "has no ledger accounts yet" in hidden.text, \
            hidden.text
        # reading is all: a ledger write from a page stays refused
        assert c.post("/finance/sync", data={"csrf_token": "x"}).status_code == 403


def test_an_annotator_still_reads_no_books(runtime: Runtime, users: dict[str, User]) -> None:
    ids = _world(runtime, users)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "ann1")
        for url in (f"/finance/contracts/{ids['contract']}/trace",
                    f"/finance/contracts/{ids['contract']}/trace.csv",
                    "/finance/lines.csv?from=2018-01-01&to=2018-12-31",
                    f"/projects/{ids[OPEN]}/finance/plan-variance"):
            assert c.get(url).status_code == 403, url
