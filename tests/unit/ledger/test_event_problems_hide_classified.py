"""The events the ledger could not book yet leave out those of projects classified above the
reader's clearance, on every face (``access.hidden_books``), as the finance page's project list
and every report over several projects: ``GET /ledger/events/problems``, the ``problems`` (and
``costs.problems``, ``costs.booked``) that ``POST /ledger/sync`` tells back, the finance page's
pending table, ``datamill ledger event-problems`` and ``datamill ledger sync``.

On the old code finance at the default clearance read the secret project's pending events on
every face: its production project id, the amount of its hour points and the reason."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.events import list_event_problems, sync_ledger
from datamill.ledger.models import LedgerCost
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.hour_points import book_points
from datamill.workforce.vendors import create_grade, register_worker
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
    production_project,
)


def _world(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, users: dict[str, User]
           ) -> tuple[dict[str, set[int]], dict[str, int]]:
    """Per project (open, secret): the ids of its pending events, an hour-points cost over its
    budget line and a customer acceptance of a production project without books; and its
    ledger project id, with hour points within its budget waiting for the next sync."""
    admin = users["admin"]
    ids: dict[str, set[int]] = {}
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        ap = make_approvers(s)
        create_grade(s, admin, "G3", "25")
        worker = register_worker(s, admin, users["ann1"], grade="G3").id
        projects, books, prod = {}, {}, {}
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"ep-{name}", None, "product_development")
            approved_budget(s, lp, [line("staff", "labour", "1", "10", "lot")], ap)
            book_points(s, admin, worker, pid, "2018-03", "40")  # 1,000 over the 10 line
            bookless = production_project(s, f"ep-{name}-bookless")
            accept_delivery(s, monkeypatch, bookless, "1", date(2018, 3, 1))
            if name == "secret":
                for p in (pid, bookless):
                    set_classification(s, s.get(User, admin.id), p, "secret")  # type: ignore[arg-type]
            projects[name] = {pid, bookless}
            books[name], prod[name] = lp, pid
        sync_ledger(s)
        for name in ("open", "secret"):  # 5 CNY: within the line, booked by the next sync
            book_points(s, admin, worker, prod[name], "2018-04", "0.2")
        for p in list_event_problems(s):
            name = "secret" if p.project_id in projects["secret"] else "open"
            ids.setdefault(name, set()).add(p.event_id)
    assert len(ids["open"]) == len(ids["secret"]) == 2, ids
    return ids, books


def _cli(runtime: Runtime, *args: str) -> Any:
    return json.loads(run_cli(runtime.settings.home, *args, "--json",
                              DATAMILL_DATABASE_URL=str(runtime.settings.database_url)).stdout)


def _seen(runtime: Runtime, c: TestClient, who: str) -> dict[str, set[int]]:
    """Per face: the pending event ids ``who`` is told of; ``booked``: the ledger projects of
    the costs their API sync booked."""
    h = login(c, who)

    def ids(rows: list[dict[str, Any]]) -> set[int]:
        return {int(r["event_id"]) for r in rows}

    sync = c.post(f"{API}/ledger/sync", headers=h).json()
    cli_sync = _cli(runtime, "ledger", "sync", "--as", who)
    seen = {
        "api": ids(c.get(f"{API}/ledger/events/problems", headers=h).json()),
        "api sync": ids(sync["problems"]), "api sync costs": ids(sync["costs"]["problems"]),
        "cli": ids(_cli(runtime, "ledger", "event-problems", "--as", who)),
        "cli sync": ids(cli_sync["problems"]), "cli sync costs": ids(cli_sync["costs"]["problems"]),
        "booked": {int(b["project_id"]) for b in sync["costs"]["booked"]},
    }
    with TestClient(c.app) as w:
        web_login(w, who)
        page = w.get("/finance")
        assert page.status_code == 200, page.text
        seen["web"] = {int(n) for n in re.findall(r"<td>#(\d+) <span", page.text)}
    return seen


def test_pending_events_leave_out_the_projects_above_the_readers_clearance(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, books = _world(runtime, monkeypatch, users)
    with TestClient(create_app(runtime)) as c:
        fin = _seen(runtime, c, "fin")
        admin = _seen(runtime, c, "admin")
    # finance's sync booked both projects' 5 CNY and told of the open one's only
    assert fin.pop("booked") == {books["open"]}, fin
    assert admin.pop("booked") == set(), admin  # nothing left to book
    with runtime.session() as s:
        assert {c.project_id for c in s.scalars(select(LedgerCost).where(
            LedgerCost.source_ref.contains("2018-04")))} == set(books.values())
    cost_events = {"api sync costs", "cli sync costs"}
    for face, seen in fin.items():  # the cost run tells only of cost events (hour points)
        assert seen == (ids["open"] if face not in cost_events else seen & ids["open"]), fin
        assert seen, fin
    for face, seen in admin.items():
        every = ids["open"] | ids["secret"]
        assert seen == (every if face not in cost_events else seen & every), admin
        assert seen & ids["secret"], admin
