"""A month end tests a project's WIP only as its books stood at the month's end, and writes the
WIP down by at most its balance; the loss beyond it is an onerous-contract provision, apart.

Before, every month end tested every open custom project with an approved budget as of *now*:
the demo's closes of September to November each booked a provision of 6,855.00 on demo-asr-zh,
whose contract was signed and budget approved on 6 December, against a WIP of 0 (the provision
was the whole expected loss, uncapped, booked against the inventory)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from datamill.compliance.models import AuditRecord
from datamill.core.errors import Conflict
from datamill.ledger._balances import onerous_balance, provision_balance
from datamill.ledger.costs import post_cost
from datamill.ledger.impairment import run_impairment_test
from datamill.ledger.journal import journal_lines, trial_balance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.period_close import close_period, summary_text
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

D = Decimal


def _books(s, signed_on: date, budget_on: date) -> tuple[int, dict[str, int]]:  # type: ignore[no-untyped-def]
    """A 1,000 CNY custom order whose budget (7,855) exceeds it: an onerous contract."""
    ap = make_approvers(s)
    cust = create_customer(s, "Loss Co", customer_type="big_tech", country="CN")
    k = create_contract(s, "K-LOSS", customer_id=cust.id, kind="custom", signed_on=signed_on)
    o = create_order(s, k.id, "O-LOSS", business_line="speech", offering="custom",
                     amount=D(1000), currency="CNY", total_volume=D(10), volume_unit="hours",
                     acceptance_type=1)
    _pid, lp = ledger_project(s, "loss", o.id)
    approved_budget(s, lp, [line("collection", "data_service", "10", "785.50")], ap,
                    approved_on=budget_on)
    return lp, ap


def test_a_month_before_the_books_existed_tests_nothing(runtime: Runtime) -> None:
    with runtime.session() as s:
        lp, ap = _books(s, signed_on=date(2018, 5, 2), budget_on=date(2018, 5, 3))
        march = close_period(s, "2018-03", actor_id=ap["finance_reviewer"])
        assert march.report["impairment"] == []  # was 6855.00 provided against a WIP of 0
        assert provision_balance(s, lp) == 0 and onerous_balance(s, lp) == 0
        assert not s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.impairment.tested")).all()
        with pytest.raises(Conflict) as err:  # the service refuses it too, with its reason
            run_impairment_test(s, lp, date(2018, 4, 30))
        assert err.value.details["reason_code"] == "impairment_not_testable"
        assert "not signed by 2018-04-30" in str(err.value)
        # signed in May, budget approved 3 May: tested at the end of May
        may = close_period(s, "2018-05", actor_id=ap["finance_reviewer"])
        assert [i["project_id"] for i in may.report["impairment"]] == [lp]


def test_budget_approved_after_the_period_end_is_not_tested(runtime: Runtime) -> None:
    with runtime.session() as s:
        lp, _ap = _books(s, signed_on=date(2018, 1, 2), budget_on=date(2018, 4, 1))
        with pytest.raises(Conflict, match="no approved budget by 2018-03-31"):
            run_impairment_test(s, lp, date(2018, 3, 31))
        assert run_impairment_test(s, lp, date(2018, 4, 30)).period_end == date(2018, 4, 30)


def test_write_down_capped_at_wip_and_the_rest_is_onerous(runtime: Runtime) -> None:
    with runtime.session() as s:
        lp, ap = _books(s, signed_on=date(2018, 1, 2), budget_on=date(2018, 1, 3))
        # no WIP yet: nothing to write down, the whole expected loss is onerous
        jan = run_impairment_test(s, lp, date(2018, 1, 31))
        assert (jan.wip, jan.nrv, jan.provision, jan.onerous) == (D(0), D(-6855), D(0), D(6855))
        post_cost(s, lp, "collection", "data_service", D(300), "c-1",
                  incurred_on=date(2018, 2, 10), supplier="V")
        feb = close_period(s, "2018-02", actor_id=ap["finance_reviewer"])
        (row,) = feb.report["impairment"]
        # a 300, b 7,555, c 1,000: e = -6,555; loss 6,855 = 300 written down + 6,555 onerous
        assert (D(row["wip"]), D(row["nrv"]), D(row["provision"]), D(row["onerous"])) == (
            D(300), D(-6555), D(300), D(6555))
        assert D(row["change"]) == 300 and D(row["onerous_change"]) == -300
        assert provision_balance(s, lp) == 300 <= D(row["wip"])
        assert onerous_balance(s, lp) == 6555
        assert "onerous-contract provision 6,555.00" in summary_text(feb)
        lines = journal_lines(s, date(2018, 1, 1), date(2018, 2, 28))
        tb = {r.account: r.balance for r in trial_balance(lines)}
        assert tb["1471"] == -300  # the WIP write-down: never more than the WIP
        assert tb["2801"] == -6555  # the onerous-contract provision, a liability apart
        assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines)
