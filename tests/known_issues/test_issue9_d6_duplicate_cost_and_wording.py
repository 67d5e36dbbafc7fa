"""Issue 9, defect 6: re-posting a booked ``source_ref`` says "already booked" even when the
amount would be over budget; and the vendor-scope refusal reads as a sentence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden
from datamill.ledger.costs import post_cost
from datamill.runtime import Runtime
from datamill.workforce.vendors import list_vendors
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import custom_order

ON = date(2018, 3, 1)


def test_duplicate_source_ref_is_already_booked_not_over_budget(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _, lp = ledger_project(s, "d6", custom_order(s, "O-D6"))
        approved_budget(s, lp, [line("collection", "data_service", "10", "100")], ap)
        post_cost(s, lp, "collection", "data_service", Decimal(900), "claim:7", incurred_on=ON)
        with pytest.raises(Conflict, match="'claim:7' is already booked"):
            post_cost(s, lp, "collection", "data_service", Decimal(900), "claim:7",
                      incurred_on=ON)  # 1,800 > 1,000: still a duplicate first


def test_vendor_scope_refusal_is_a_sentence(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s, pytest.raises(Forbidden) as err:
        list_vendors(s, users["ann1"])
    assert err.value.message == "'ann1' manages no vendor and may not see or act on the vendor list"
