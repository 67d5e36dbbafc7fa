"""``datamill ledger quote`` tells a budget's total (the quote's estimated cost), so it is a read
of that project's books under their one rule (``access.require_project_reader``): it asked only
for ledger reading, and finance quoted (and so read the budget of) a project classified above
their clearance, which every other face of that project's books refuses."""

from __future__ import annotations

import json

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


def test_a_quote_needs_clearance_for_the_budgets_project(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        budgets = {}
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"quote-{name}", None, "product_development")
            budgets[name] = create_budget(s, lp, [line("annotate", "data_service", "10", "60")]).id
            if name == "secret":
                set_classification(s, s.get(User, users["admin"].id), pid, "secret")  # type: ignore[arg-type]
    code, body = _quote(runtime, "fin", budgets["open"])
    assert (code, body["estimated_cost"], body["price_excl_vat"]) == (0, "600.00", "1000.00"), body
    code, body = _quote(runtime, "fin", budgets["secret"])
    assert code == 6 and "not cleared" in body["error"]["message"], body  # type: ignore[index]
    assert _quote(runtime, "admin", budgets["secret"])[0] == 0
    assert _quote(runtime, "ann1", budgets["open"])[0] == 6  # no ledger reading
    assert _quote(runtime, "ann1", 999)[0] == 6  # refused before the budget's existence is told
    assert _quote(runtime, "fin", 999)[0] == 3
