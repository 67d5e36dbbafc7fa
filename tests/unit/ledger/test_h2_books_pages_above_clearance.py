"""A project's books pages (``/projects/{id}/finance`` and its plan variance) for a reader of
the books who is not cleared for the project.

The readers of the books (finance, the ledger approvers, sales, auditors, project managers)
read any project's books, member or not (``access.require_project_reader``, one rule on every
face), and get 200 on these pages. But on a project classified above their clearance the pages
answered 403 "'fin' is not cleared for project 7", while an id never given out answered 404
"project 9 has no ledger accounts yet": a reader could tell which classified projects exist,
against the rule that a project one may not see answers as a missing one. The clearance
rule itself stays (§8: classification gates access; the reader still sees none of those
books); only the answer is now the missing one's. Someone who reads no books at all is
refused (403) whether or not the project exists, as before.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import register_approver
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._probe import MISSING, web_answer
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

PAGES = ("/projects/{}/finance", "/projects/{}/finance/plan-variance")


def _books(runtime: Runtime, users: dict[str, User]) -> tuple[int, int]:
    """(an unclassified project with books, a ``secret`` one with books); readers ``fin``
    (finance) and ``appr`` (an inspector holding a ledger approval role)."""
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        appr = create_user(s, "appr", "password1", "inspector")
        register_approver(s, appr.id, "finance_reviewer")
        approvers = make_approvers(s)
        ids = []
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"books-{name}", None, "product_development")
            approved_budget(s, lp, [line("annotate", "data_service", "10", "20")], approvers)
            ids.append(pid)
        set_classification(s, s.get(User, users["admin"].id), ids[1], "secret")  # type: ignore[arg-type]
    return ids[0], ids[1]


def test_a_reader_not_cleared_hears_what_a_missing_project_answers(
    runtime: Runtime, users: dict[str, User]
) -> None:
    cleared, classified = _books(runtime, users)
    with TestClient(create_app(runtime)) as c:
        for who in ("fin", "appr", "pm"):
            c.cookies.clear()
            web_login(c, who)
            csrf = csrf_of(c)
            for page in PAGES:
                assert c.get(page.format(cleared)).status_code == 200, (who, page)  # noqa: PLR2004
                hidden = web_answer(c, csrf, "GET", page.format(classified), None, classified)
                missing = web_answer(c, csrf, "GET", page.format(MISSING), None, MISSING)
                assert hidden == missing, (who, page)
                assert hidden[0] == 404 and "has no ledger accounts yet" in hidden[1]  # noqa: PLR2004


def test_who_reads_no_books_is_refused_whether_or_not_the_project_exists(
    runtime: Runtime, users: dict[str, User]
) -> None:
    cleared, _ = _books(runtime, users)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "ann1")
        csrf = csrf_of(c)
        for page in PAGES:
            there = web_answer(c, csrf, "GET", page.format(cleared), None, cleared)
            assert there == web_answer(c, csrf, "GET", page.format(MISSING), None, MISSING)
            assert there[0] == 403  # noqa: PLR2004
