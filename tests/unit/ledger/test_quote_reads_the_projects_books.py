"""``datamill ledger quote`` tells a budget's total (the quote's estimated cost), so it is a read
of that project's books under their one rule (``access.require_project_reader``): it asked only
for ledger reading, and finance quoted (and so read the budget of) a project classified above
their clearance, which every other face of that project's books refuses."""

from __future__ import annotations

import json
import re
from typing import Any

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import create_budget
from datamill.runtime import Runtime
from tests._cli import run_cli
from tests.unit.ledger.helpers import ledger_project, line


def _quote(runtime: Runtime, who: str, budget_id: int) -> tuple[int, dict[str, object]]:
    r = run_cli(runtime.settings.home, "ledger", "quote", str(budget_id), "0.4", "--as", who,
                "--json", ok=False, DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


def _budgets(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    """A budget of 600.00 on an open project and one on a secret project (their production
    projects' ids under ``project-<name>``); a finance user."""
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        budgets = {}
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"quote-{name}", None, "product_development")
            budgets[name] = create_budget(s, lp, [line("annotate", "data_service", "10", "60")]).id
            budgets[f"project-{name}"] = pid
            if name == "secret":
                set_classification(s, s.get(User, users["admin"].id), pid, "secret")  # type: ignore[arg-type]
    return budgets


def test_a_quote_needs_clearance_for_the_budgets_project(
    runtime: Runtime, users: dict[str, User]
) -> None:
    budgets = _budgets(runtime, users)
    code, body = _quote(runtime, "fin", budgets["open"])
    assert (code, body["estimated_cost"], body["price_excl_vat"]) == (0, "600.00", "1000.00"), body
    code, body = _quote(runtime, "fin", budgets["secret"])
    assert code == 6 and "not cleared" in body["error"]["message"], body  # type: ignore[index]
    assert _quote(runtime, "admin", budgets["secret"])[0] == 0
    assert _quote(runtime, "ann1", budgets["open"])[0] == 6  # no ledger reading
    assert _quote(runtime, "ann1", 999)[0] == 6  # refused before the budget's existence is told
    assert _quote(runtime, "fin", 999)[0] == 3


def test_the_api_quotes_as_the_cli(runtime: Runtime, users: dict[str, User]) -> None:
    """``GET /ledger/budgets/{id}/quote``: the CLI's quote had no API counterpart. Same figures
    and the same rule: readers of the books cleared for the budget's project."""
    from fastapi.testclient import TestClient

    from datamill.server import create_app
    from tests._api import API, login, web_sign_in

    budgets = _budgets(runtime, users)
    with TestClient(create_app(runtime)) as client:
        fin, ann = login(client, "fin"), login(client, "ann1")

        def quote(who: dict[str, str], budget_id: int, query: str = "margin=0.4") -> Any:
            return client.get(f"{API}/ledger/budgets/{budget_id}/quote?{query}", headers=who)

        r = quote(fin, budgets["open"])
        assert r.status_code == 200, r.text
        assert r.json() == {  # what `datamill ledger quote --json` prints
            "estimated_cost": "600.00", "guidance_margin": "0.4", "price_excl_vat": "1000.00",
            "vat_rate": "0.0600", "vat": "60.00", "price_incl_vat": "1060.00"}
        assert quote(fin, budgets["open"], "margin=0.4&vat_rate=0.13").json()["vat"] == "130.00"
        assert quote(fin, budgets["secret"]).status_code == 403  # not cleared
        assert quote(ann, budgets["open"]).status_code == 403  # reads no books
        assert quote(ann, 999).status_code == 403  # refused before the budget's existence
        assert quote(fin, 999).status_code == 404
        bad = quote(fin, budgets["open"], "margin=1")
        assert bad.status_code == 422 and "guidance_margin_range" in bad.text, bad.text
        # a margin a hair below 1 overflowed the decimal context: 500 (and a CLI traceback)
        bad = quote(fin, budgets["open"], "margin=0.99999999999999999999999")
        assert bad.status_code == 422 and "quote_price_too_large" in bad.text, bad.text
        # the web: the project's finance page quotes its budget (margin typed as a percentage)
        web_sign_in(client, "fin")
        page = client.get(f"/projects/{budgets['project-open']}/finance?quote_margin=40")
        assert page.status_code == 200, page.text[:300]
        assert re.search(r'data-testid="quote-price">1,000.00<', page.text), page.text
        assert 'data-testid="quote-total">1,060.00<' in page.text
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/projects/{budgets['project-open']}/finance?quote_margin=100")
        assert "毛利率请填写 0 到 100" in page.text and 'data-testid="quote"' not in page.text
