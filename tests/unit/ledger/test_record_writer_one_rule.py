"""The writer rule of the books (``access.require_project_writer``: ``ledger`` write, cleared
for the project's classification, member or not) on the writes the first round left out:
opening a production project's books, the final review, and the writes addressed by a budget,
a cost or an event id (budget submit and signing, over-budget cost signing, event booking).
Opening the books of a project above one's clearance answers as a missing project
(``test_h4_opening_books_of_an_unseen_project``).

On the old code a finance user or an approver at the default clearance wrote all of these on a
project classified ``secret`` (API 200/201, CLI exit 0, the web's budget signature 303); the
API's ``POST /ledger/projects`` refused finance on an open project it was not a member of (403)
while ``datamill ledger project-open`` let it open a secret one."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from datamill.compliance.classification import set_classification, set_clearance
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import create_budget
from datamill.ledger.costs import get_cost, post_cost
from datamill.ledger.events import list_event_problems, sync_ledger
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.hour_points import book_points
from datamill.workforce.vendors import create_grade, register_worker
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import (
    approved_budget,
    ledger_project,
    line,
    make_approvers,
    production_project,
)

NOT_CLEARED = "is not cleared for project"


def _cli(runtime: Runtime, *args: str) -> tuple[int, str]:
    """(exit code, error message) of ``datamill ARGS --json`` (JSON in every case)."""
    r = run_cli(runtime.settings.home, *args, "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    body = json.loads(r.stdout)
    assert ("error" in body) == (r.returncode != 0), r.stdout + r.stderr
    return r.returncode, json.dumps(body)


def _classify(s: Session, admin: User, pid: int) -> None:
    set_classification(s, s.get(User, admin.id), pid, "secret")  # type: ignore[arg-type]


def test_opening_the_books_and_the_final_review(runtime: Runtime, users: dict[str, User]
                                                 ) -> None:
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        make_approvers(s)
        ids = {}
        for name in ("open", "secret"):
            fresh = production_project(s, f"rw-new-{name}", "product_development")  # no books
            pid, lp = ledger_project(s, f"rw-rev-{name}", None, "product_development")
            if name == "secret":
                _classify(s, users["admin"], fresh)
                _classify(s, users["admin"], pid)
            ids[name] = (fresh, lp)
    with TestClient(create_app(runtime)) as c:
        fin, admin, rev = login(c, "fin"), login(c, "admin"), login(c, "ap-finance_reviewer")

        def open_api(h: dict[str, str], pid: int) -> int:
            return c.post(f"{API}/ledger/projects", headers=h,
                          json={"production_project_id": pid}).status_code

        fresh, lp = ids["secret"]
        # finance above its clearance: refused on both faces (the CLI opened it, exit 0), as
        # for a project never created (helper h4: it was 403 / exit 6 "not cleared")
        assert open_api(fin, fresh) == 404
        code, err = _cli(runtime, "ledger", "project-open", str(fresh), "--as", "fin")
        assert code == 3 and f"no project with id {fresh}" in err, err
        assert open_api(admin, fresh) == 201
        # the finance reviewer at the default clearance: refused the secret project's review
        r = c.post(f"{API}/ledger/projects/{lp}/final-review", headers=rev, json={})
        assert r.status_code == 403 and NOT_CLEARED in r.text, r.text
        code, err = _cli(runtime, "ledger", "review-final", str(lp), "--as",
                         "ap-finance_reviewer")
        assert code == 6 and NOT_CLEARED in err, err
        fresh, lp = ids["open"]
        # an open project: finance opens its books, member or not (the API said 403)
        assert open_api(fin, fresh) == 201
        assert _cli(runtime, "ledger", "project-open", str(fresh), "--as", "fin")[0] == 4
        assert _cli(runtime, "ledger", "review-final", str(lp), "--as",
                    "ap-finance_reviewer")[0] == 0
        r = c.post(f"{API}/ledger/projects/{lp}/final-review", headers=rev, json={})
        assert r.status_code == 409 and "already reviewed" in r.text, r.text


def _web_sign(runtime: Runtime, who: str, budget_id: int) -> int:
    with TestClient(create_app(runtime)) as w:
        web_login(w, who)
        page = w.get("/finance")
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
        assert token, page.text
        return w.post(f"/finance/budgets/{budget_id}/decision", follow_redirects=False,
                      data={"decision": "approve", "csrf_token": token.group(1)}).status_code


def test_budget_submit_and_signing(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        ap = make_approvers(s)
        ids = {}
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"rw-bud-{name}", None, "product_development")
            approved_budget(s, lp, [line("annotate", "data_service", "100", "20")], ap)
            ids[name] = create_budget(s, lp, [line("annotate", "data_service", "200", "20")]).id
            if name == "secret":
                _classify(s, users["admin"], pid)
    with TestClient(create_app(runtime)) as c:
        h = {who: login(c, who) for who in ("fin", "admin", "ap-dept_manager", "ap-vp")}

        def api(who: str, budget_id: int, what: str) -> int:
            if what == "submit":
                return c.post(f"{API}/ledger/budgets/{budget_id}/submit",
                              headers=h[who]).status_code
            return c.post(f"{API}/ledger/budgets/{budget_id}/approvals", headers=h[who],
                          json={"decision": "approve"}).status_code

        b = ids["secret"]
        assert api("fin", b, "submit") == 403
        assert _cli(runtime, "ledger", "budget-submit", str(b), "--as", "fin")[0] == 6
        assert _cli(runtime, "ledger", "budget-submit", str(b), "--as", "admin")[0] == 0
        assert api("admin", b, "submit") == 409  # past the rule: no longer a draft
        # the level's approver, not cleared for the project: refused on every face
        assert api("ap-dept_manager", b, "approve") == 403
        code, err = _cli(runtime, "ledger", "budget-approve", str(b), "--as", "ap-dept_manager")
        assert code == 6 and NOT_CLEARED in err, err
        assert _web_sign(runtime, "ap-dept_manager", b) == 403
        with runtime.session() as s:  # cleared: the approver signs
            set_clearance(s, s.get(User, users["admin"].id), ap["dept_manager"], "secret")  # type: ignore[arg-type]
        assert _cli(runtime, "ledger", "budget-approve", str(b), "--as", "ap-dept_manager")[0] == 0
        assert _web_sign(runtime, "ap-vp", b) == 403
        assert api("ap-vp", b, "approve") == 403
        b = ids["open"]
        assert api("fin", b, "submit") == 200
        assert api("ap-dept_manager", b, "approve") == 200
        signed = run_cli(runtime.settings.home, "ledger", "budget-approve", str(b), "--as", "ap-vp",
                         DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
        # where it stands and who signs next (it printed "budget N submitted" at every level)
        assert re.search(rf"budget {b}: 2 of \d levels signed; next: finance_reviewer",
                         signed.stdout), signed.stdout
        assert _web_sign(runtime, "ap-finance_reviewer", b) == 303


def test_cost_signing_and_event_booking(runtime: Runtime, users: dict[str, User]) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        ap = make_approvers(s)
        create_grade(s, admin, "G3", "25")
        worker = register_worker(s, admin, users["ann1"], grade="G3").id
        costs, events = {}, {}
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"rw-cost-{name}", None, "product_development")
            approved_budget(s, lp, [line("annotate", "data_service", "10", "20"),
                                    line("staff", "labour", "1", "10", "lot")], ap)
            costs[name] = post_cost(s, lp, "annotate", "data_service", Decimal("500"),
                                    f"over-{name}", incurred_on=date(2018, 3, 5),
                                    over_budget_reason="re-recording").id
            if name == "open":
                web_pid, costs["web"] = pid, post_cost(
                    s, lp, "annotate", "data_service", Decimal("70"), "over-web",
                    incurred_on=date(2018, 3, 6), over_budget_reason="more hours").id
            book_points(s, admin, worker, pid, "2018-03", "40")  # 1,000 over the 10 line
            if name == "secret":
                _classify(s, admin, pid)
        sync_ledger(s)
        for p in list_event_problems(s):
            events["secret" if p.project_id == pid else "open"] = p.event_id
    with TestClient(create_app(runtime)) as c:
        h = {who: login(c, who) for who in ("fin", "admin", "ap-vp")}

        def sign(cost_id: int) -> int:
            return c.post(f"{API}/ledger/costs/{cost_id}/approvals", headers=h["ap-vp"],
                          json={"decision": "approve"}).status_code

        assert sign(costs["secret"]) == 403
        assert sign(costs["open"]) == 200
    # the CLI signs too (round 4, h8: only the API did), under the same rule
    code, err = _cli(runtime, "ledger", "cost-approve", str(costs["secret"]), "--as",
                     "ap-finance_head")
    assert code == 6 and NOT_CLEARED in err, err
    done = run_cli(runtime.settings.home, "ledger", "cost-approve", str(costs["open"]), "--as",
                   "ap-finance_head", DATAMILL_DATABASE_URL=str(runtime.settings.database_url),
                   DATAMILL_LANG="zh-CN")
    assert done.stdout.strip() == f"成本 {costs['open']}：500.00（已过账）", done.stdout
    # ... and the project's page (round 4, h8): the signers see the buttons, in zh-CN
    for who in ("ap-vp", "ap-finance_head"):
        with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
            web_login(c, who)
            c.cookies.set("lang", "zh-CN")
            page = c.get(f"/projects/{web_pid}/finance")
            assert 'data-testid="cost-approve"' in page.text and "批准超预算" in page.text
            form = {"csrf_token": csrf_of(c), "year": "2018"}
            if who == "ap-finance_head":  # a rejection without its reason: refused, worded
                r = c.post(f"/finance/costs/{costs['web']}/decision",
                           data={**form, "decision": "reject"})
                assert r.status_code == 409 and 'data-testid="cost-sign-error"' in r.text, r.text
            r = c.post(f"/finance/costs/{costs['web']}/decision", follow_redirects=False,
                       data={**form, "decision": "approve"})
            assert r.status_code == 303 and "signed=approve" in r.headers["location"], r.text
    with runtime.session() as s:
        assert get_cost(s, costs["web"]).status == "posted"
    with TestClient(create_app(runtime)) as c:
        h = {who: login(c, who) for who in ("fin", "admin")}

        def book(who: str, event_id: int) -> int:
            return c.post(f"{API}/ledger/events/{event_id}/book", headers=h[who],
                          json={"over_budget_reason": "more hours"}).status_code

        e = events["secret"]
        assert book("fin", e) == 403
        code, err = _cli(runtime, "ledger", "event-book", str(e), "--over-budget-reason", "x",
                         "--as", "fin")
        assert code == 6 and NOT_CLEARED in err, err
        assert book("admin", e) == 201
        e = events["open"]
        assert _cli(runtime, "ledger", "event-book", str(e), "--over-budget-reason", "x",
                    "--as", "fin")[0] == 0
        assert book("fin", e) == 409  # past the rule: already booked
