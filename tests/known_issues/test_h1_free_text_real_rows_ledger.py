"""Helper h1: the free-text fields of the ledger, procurement and the data-security office that
the inventory (``test_h12_free_text_inventory``) could not probe with an id that need not exist
(404 first, or 403 for one who is no procurement approver), each sent a right-to-left override
(U+202E) or a bell on a real row, by the person who may act on it: an over-budget cost of a
project with an approved budget, a posted cost, a booked labour event over its budget line, a
project's final review, a submitted procurement budget and purchase request signed by the
approver of their next level, a batch whose personal data a data-security officer releases.
Each is refused 422 naming the field, and nothing is saved (every table's rows as they were);
the same request with a text that reads as written then goes through."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import create_budget, register_approver, submit_budget
from datamill.ledger.costs import post_cost
from datamill.ledger.events import list_event_problems, sync_ledger
from datamill.production.models import Batch
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.hour_points import book_points
from datamill.workforce.pricing import set_price
from datamill.workforce.vendors import create_grade, register_worker
from tests._api import API, login
from tests.known_issues import _vendor_world as vw
from tests.known_issues._h1_real_rows import BAD, changed, refused, rows
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.production.helpers import spec

DAY = date(2018, 3, 5)


def test_the_ledgers_reasons_and_note(runtime: Runtime, users: dict[str, User]) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = make_approvers(s)
        create_grade(s, admin, "G3", "25")
        worker = register_worker(s, admin, users["ann1"], grade="G3").id
        pid, lp = ledger_project(s, "h1-notes", None, "product_development")
        approved_budget(s, lp, [line("annotate", "data_service", "10", "20"),
                                line("staff", "labour", "1", "10", "lot")], ap)
        submit_budget(s, create_budget(s, lp, [line("annotate", "data_service", "20", "20")]).id)
        posted = post_cost(s, lp, "annotate", "data_service", Decimal("10"), "in-1",
                           incurred_on=DAY).id
        book_points(s, admin, worker, pid, "2018-03", "40")  # over the 10 labour line
        sync_ledger(s)
        event = next(p.event_id for p in list_event_problems(s) if p.project_id == pid)
        _pid2, empty = ledger_project(s, "h1-review", None, "product_development")
    cost_in = {"stage": "staff", "category": "labour", "amount": "300",
               "source_ref": "over-2", "incurred_on": DAY.isoformat()}
    calls = [("admin", f"/ledger/projects/{lp}/costs", "over_budget_reason", cost_in, 201),
             ("admin", f"/ledger/costs/{posted}/reversal", "reason", {}, 201),
             ("admin", f"/ledger/events/{event}/book", "over_budget_reason", {}, 201),
             ("ap-finance_reviewer", f"/ledger/projects/{empty}/final-review", "note", {}, 201)]
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        for who, path, field, rest, ok in calls:
            auth = login(c, who)
            refused(c, runtime, auth, "POST", path, rest, field)
            r = c.post(f"{API}{path}", headers=auth, json={**rest, field: "re-recording agreed"})
            assert r.status_code == ok, (path, r.status_code, r.text)


def test_a_procurement_budgets_and_requests_decision_reason(
        runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        for role in ("dept_manager", "vp", "finance_reviewer"):
            register_approver(s, create_user(s, role, "password1", "project_manager").id, role)
        set_price(s, users["admin"], half_year="2024H1", stage="annotate",
                  modality="speech.asr", language_group="chinese", unit="hour", unit_price="21")
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        pm, dm = login(c, "pm"), login(c, "dept_manager")
        r = c.post(f"{API}/procurement/budgets", headers=pm, json={
            "year": 2024, "department": "speech", "collection_quantity": "1000",
            "collection_price": "150", "labelling_quantity": "10000", "labelling_price": "21"})
        assert r.status_code == 201, r.text  # noqa: PLR2004
        bid = r.json()["id"]
        r = c.post(f"{API}/procurement/requests", headers=pm, json={
            "department": "speech", "kind": "labelling", "stage": "annotate",
            "modality": "speech.asr", "language_group": "chinese", "unit": "hour",
            "quantity": "300", "unit_price": "21", "on": "2024-03-01",
            "backdate_reason": "paper request of the 2024 scene"})
        assert r.status_code == 201, r.text  # noqa: PLR2004
        rid = r.json()["id"]
        for path in (f"/procurement/budgets/{bid}/decision",
                     f"/procurement/requests/{rid}/decision"):
            for decision in ("approve", "reject"):
                refused(c, runtime, dm, "POST", path, {"decision": decision}, "reason")
            r = c.post(f"{API}{path}", headers=dm,
                       json={"decision": "reject", "reason": "over the plan,\nask again"})
            assert (r.status_code, r.json()["status"]) == (200, "rejected"), r.text


def test_a_personal_data_release_reason(runtime: Runtime) -> None:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        batch = Batch(project_id=create_project(s, spec()).id, name="b1", status="accepted")
        s.add(batch)
        s.flush()
        bid = batch.id
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        dso = login(c, "dso")
        path = f"/security/batches/{bid}/personal-data-release"
        refused(c, runtime, dso, "POST", path, {}, "reason")
        r = c.post(f"{API}{path}", headers=dso, json={"reason": "the customer owns it"})
        assert r.status_code == 201, r.text  # noqa: PLR2004


def test_a_framework_agreements_terms(runtime: Runtime, users: dict[str, User]) -> None:
    """A vendor's agreement terms, read by procurement who approve it and by the vendor's
    settlement (h1: stored with a bidi override or a bell)."""
    with runtime.session() as s:
        vendor = vw.vendor(s, s.merge(users["admin"]), "studio")
    body = {"vendor_id": vendor, "number": "FA-2024-07", "valid_from": "2024-01-01",
            "valid_to": "2024-12-31",
            "prices": [{"stage": "annotate", "modality": "speech.asr",
                        "language_group": "chinese", "unit": "hour", "unit_price": "21"}]}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        admin = login(c, "admin")
        refused(c, runtime, admin, "POST", "/procurement/agreements", body, "terms")
        r = c.post(f"{API}/procurement/agreements", headers=admin,
                   json={**body, "terms": "paid weekly,\n30 days"})
        assert r.status_code == 201, r.text  # noqa: PLR2004


def test_a_budget_lines_description(runtime: Runtime, users: dict[str, User]) -> None:
    """A budget line's description, read by each level that signs the budget: the body is a
    list of lines, so the inventory (top-level fields) never saw it; stored as sent (h1)."""
    assert "admin" in users
    with runtime.session() as s:
        _pid, lp = ledger_project(s, "h1-lines", None, "product_development")
    good = {"stage": "annotate", "category": "data_service", "quantity": "10",
            "unit_price": "20"}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        admin = {**login(c, "admin"), "Content-Type": "application/json"}
        before = rows(runtime)
        for text in BAD:
            r = c.post(f"{API}/ledger/projects/{lp}/budgets", headers=admin,
                       content=json.dumps([good, {**good, "stage": "review",
                                                  "description": text}]))
            assert (r.status_code, r.json().get("field")) == (422, "lines[1].description"), \
                r.text
        assert changed(before, rows(runtime)) == {}
        r = c.post(f"{API}/ledger/projects/{lp}/budgets", headers=admin,
                   json=[{**good, "description": "two passes,\nthen review"}])
        assert r.status_code == 201, r.text  # noqa: PLR2004
