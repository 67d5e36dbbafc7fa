"""Reopening a closed accounting period (finance lead or admin, with a reason, audited).

On the old code a closed month could never be reopened: a cost forgotten in it went into the
open month. Now :func:`~datamill.ledger.period_reopen.reopen_period` reopens the **latest**
period run (refused under a later run: its closing figures open that one), the month takes
postings again, is run again (the impairment test made afresh, the type-3 carry trued up) and
confirmed by a second person; no later month is run meanwhile. Races with a posting and with
the next month's run leave no half state (PostgreSQL, two processes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, DatamillError, Forbidden, InvalidInput
from datamill.ledger._balances import provision_balance
from datamill.ledger.costs import post_cost
from datamill.ledger.models import LedgerCost, LedgerPeriodClose
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.period_reopen import reopen_period
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import budgeted_custom_order
from tests.unit.ledger.races import pg_runtime, race

PERIOD, NEXT = "2018-03", "2018-04"


def _approvers(s: Session) -> dict[str, int]:
    return {u.username.removeprefix("ap-"): u.id
            for u in s.scalars(select(User).where(User.username.startswith("ap-")))}


def _closed(s: Session) -> tuple[int, dict[str, int]]:
    """A custom project's books and 2018-03 run and confirmed: (ledger project, approvers)."""
    _k, lp, _b = budgeted_custom_order(s, "reopen", "reopen")
    ap = _approvers(s)
    close_period(s, PERIOD, actor_id=ap["finance_reviewer"])
    confirm_period(s, PERIOD, reviewer_id=ap["finance_head"])
    return lp, ap


def _late_cost(s: Session, lp: int, ref: str = "late-1") -> None:
    post_cost(s, lp, "collection", "data_service", Decimal("250.00"), ref,
              incurred_on=date(2018, 3, 20), supplier="V")


def _user(s: Session, uid: int) -> User:
    user = s.get(User, uid)
    assert user is not None
    return user


def test_finance_reopens_a_closed_period_and_closes_it_again(runtime: Runtime) -> None:
    with runtime.session() as s:
        lp, ap = _closed(s)
        with pytest.raises(Conflict, match="closed"):
            _late_cost(s, lp)
        with pytest.raises(Forbidden, match="finance lead"):  # the reviewer is no lead
            reopen_period(s, _user(s, ap["finance_reviewer"]), PERIOD, "forgotten cost")
        with pytest.raises(InvalidInput, match="reason"):
            reopen_period(s, _user(s, ap["finance_head"]), PERIOD, "  ")
        out = reopen_period(s, _user(s, ap["finance_head"]), PERIOD, "vendor invoice of 03-20")
        assert out.status == "reopened" and out.reopen_reason == "vendor invoice of 03-20"
        assert out.reopened_by == ap["finance_head"] and out.reopened_at is not None
        _late_cost(s, lp)  # the month takes postings again
        with pytest.raises(Conflict) as refused:
            confirm_period(s, PERIOD, reviewer_id=ap["finance_manager"])
        assert refused.value.details["reason_code"] == "period_reopened"
        again = close_period(s, PERIOD, actor_id=ap["finance_manager"], rerun=True)
        assert again.status == "prepared" and again.identical is False
        wip = {w["project_id"]: w for w in again.report["wip"]}
        assert Decimal(wip[lp]["incurred"]) == Decimal("250.00")
        tested = {i["project_id"]: i for i in again.report["impairment"]}
        assert Decimal(tested[lp]["wip"]) == Decimal("250.00")  # tested afresh, not the old test
        assert provision_balance(s, lp, date(2018, 3, 31)) == Decimal(tested[lp]["provision"])
        with pytest.raises(Forbidden):  # the re-runner does not confirm their own run
            confirm_period(s, PERIOD, reviewer_id=ap["finance_manager"])
        assert confirm_period(s, PERIOD, reviewer_id=ap["cfo"]).status == "closed"
        assert close_period(s, PERIOD, rerun=True).identical is True  # the same report again
        with pytest.raises(Conflict, match="closed"):
            _late_cost(s, lp, "late-2")
    with runtime.session() as s:
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.period.reopened")).one()
        assert audit.actor_id == ap["finance_head"]
        assert audit.data["reason"] == "vendor invoice of 03-20"


def test_only_the_latest_period_run_is_reopened(runtime: Runtime) -> None:
    with runtime.session() as s:
        _lp, ap = _closed(s)
        close_period(s, NEXT, actor_id=ap["finance_reviewer"])  # prepared, not confirmed
        with pytest.raises(Conflict) as refused:
            reopen_period(s, _user(s, ap["finance_head"]), PERIOD, "too late")
        assert refused.value.details["reason_code"] == "later_period_run"
        assert refused.value.details["later"] == [NEXT]
        with pytest.raises(Conflict) as refused:  # a prepared period is re-run, not reopened
            reopen_period(s, _user(s, ap["finance_head"]), NEXT, "not closed")
        assert refused.value.details["reason_code"] == "period_not_closed"


def test_no_later_period_is_run_while_one_is_reopened(runtime: Runtime) -> None:
    with runtime.session() as s:
        _lp, ap = _closed(s)
        admin = create_user(s, "boss-r", "password1", "admin")
        reopen_period(s, admin, PERIOD, "admin reopens")
        with pytest.raises(Conflict) as refused:
            close_period(s, NEXT, actor_id=ap["finance_reviewer"])
        assert refused.value.details["reason_code"] == "earlier_period_reopened"


def test_the_cli_the_api_and_the_page_reopen(runtime: Runtime) -> None:
    with runtime.session() as s:
        _closed(s)
    url = str(runtime.settings.database_url)
    done = run_cli(runtime.settings.home, "ledger", "period-reopen", PERIOD, "--as",
                   "ap-finance_reviewer", "--reason", "x", "--json", ok=False,
                   DATAMILL_DATABASE_URL=url)
    assert done.returncode != 0 and "finance lead" in json.loads(done.stdout)["error"]["message"]
    done = run_cli(runtime.settings.home, "ledger", "period-reopen", PERIOD, "--as",
                   "ap-finance_head", "--reason", "late invoice", "--json",
                   DATAMILL_DATABASE_URL=url)
    assert json.loads(done.stdout)["status"] == "reopened"
    with TestClient(create_app(runtime)) as c:
        auth = login(c, "ap-finance_head")
        r = c.post(f"{API}/ledger/periods/{PERIOD}/reopen", headers=auth, json={"reason": "y"})
        assert r.status_code == 409 and "reopened, not closed" in r.json()["detail"], r.text
        r = c.post(f"{API}/ledger/periods/{PERIOD}/close", headers=auth, json={"rerun": True})
        assert r.status_code == 200 and r.json()["status"] == "prepared", r.text
        r = c.post(f"{API}/ledger/periods/{PERIOD}/confirm",
                   headers=login(c, "ap-finance_manager"))
        assert r.status_code == 200 and r.json()["status"] == "closed", r.text
        r = c.post(f"{API}/ledger/periods/{PERIOD}/reopen", headers=auth, json={"reason": "z"})
        assert r.status_code == 200 and r.json()["reopen_reason"] == "z", r.text
        r = c.post(f"{API}/ledger/periods/{PERIOD}/close", headers=auth, json={"rerun": True})
        r = c.post(f"{API}/ledger/periods/{PERIOD}/confirm",
                   headers=login(c, "ap-finance_manager"))
        assert r.json()["status"] == "closed", r.text
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "ap-finance_head")
        c.cookies.set("lang", "zh-CN")
        page = c.get(f"/finance/periods/{PERIOD}")
        assert page.status_code == 200 and "已结账" in page.text, page.text
        assert 'data-testid="period-reopen-button"' in page.text and "反结账原因" in page.text
        # the month's closing report a clerk reads (the page showed only status and digest)
        wip = page.text[page.text.index('data-testid="period-wip"'):]
        assert "月结报告" in page.text and "各项目在产品" in wip and "<td>reopen</td>" in wip
        assert 'id="chart-period-wip"' in wip and "月末应收账款" in page.text
        r = c.post(f"/finance/periods/{PERIOD}/reopen",
                   data={"reason": "补录成本", "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = c.get(r.headers["location"])
        assert "已反结账" in page.text and "补录成本" in page.text
        assert 'data-testid="period-reopen-button"' not in page.text
        r = c.post(f"/finance/periods/{PERIOD}/reopen",
                   data={"reason": "again", "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 409
        # the refusal in the page's language (it was the service's English sentence)
        assert "not closed: only a closed period" not in r.text
        assert "尚未结账：只有已结账的期间才能重新打开" in r.text
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "ap-finance_reviewer")
        assert 'data-testid="period-reopen"' not in c.get(f"/finance/periods/{PERIOD}").text


# --- races (PostgreSQL, two processes: tests.unit.ledger.races) ------------------------------


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    yield from pg_runtime(tmp_path)


def _reopen(s: Session, uid: int) -> None:
    reopen_period(s, _user(s, uid), PERIOD, "race")


def _post(s: Session, lp: int) -> None:
    _late_cost(s, lp, "late-racing")


def _run_next(s: Session, uid: int) -> None:
    close_period(s, NEXT, actor_id=uid)


def _code(err: Exception) -> str:
    details = err.details if isinstance(err, DatamillError) else {}
    return f"{type(err).__name__}:{details.get('reason_code', '')}"


def test_a_posting_racing_the_reopening_never_lands_in_a_closed_period(pg: Any) -> None:
    rt, _url = pg
    with rt.session() as s:
        lp, ap = _closed(s)
    got = race(rt, [(_reopen, (ap["finance_head"],)), (_post, (lp,))], ordered=True)
    assert got[0] == "ok", got  # the reopening always goes through
    with rt.session() as s:
        row = s.scalars(select(LedgerPeriodClose)).one()
        posted = s.scalar(select(func.count()).select_from(LedgerCost).where(
            LedgerCost.source_ref == "late-racing"))
    # refused (came first, or while the reopening held the period lock) or booked after it
    assert row.status == "reopened"
    assert posted == (1 if got[1] == "ok" else 0), (got, posted)


def test_the_next_run_racing_the_reopening_one_wins(pg: Any) -> None:
    rt, _url = pg
    with rt.session() as s:
        _lp, ap = _closed(s)
    got = race(rt, [(_reopen, (ap["finance_head"],)), (_run_next, (ap["finance_reviewer"],))],
               ordered=True, outcome=_code)
    # the loser is refused by the rule, or (under load, while the winner holds the month-end
    # lock) told the month end is busy: either way nothing of it was written
    assert sorted(got) in (["Conflict:earlier_period_reopened", "ok"],
                           ["Conflict:later_period_run", "ok"],
                           ["Conflict:period_busy_reopen", "ok"],
                           ["Conflict:period_busy_run", "ok"]), got
    with rt.session() as s:
        rows = {r.period: r.status for r in s.scalars(select(LedgerPeriodClose))}
    assert rows in ({PERIOD: "reopened"}, {PERIOD: "closed", NEXT: "prepared"}), rows
    assert (rows == {PERIOD: "reopened"}) == (got[0] == "ok"), (got, rows)


def test_the_period_page_runs_and_closes_a_month_with_a_confirmation(sqlite_runtime: Runtime) -> None:
    """Round 4 (h8): the month-end page had only the reopen button; running and closing a
    month needed the CLI or the API. Now a writer of the books runs it, a second person
    confirms it, each after a confirmation step, refusals in the page's language, audited."""
    runtime = sqlite_runtime  # the page over the services: one backend is enough
    app = create_app(runtime)
    with runtime.session() as s:
        budgeted_custom_order(s, "close-web", "close-web")
        create_user(s, "aud-close", "password1", "auditor")
    with TestClient(app, raise_server_exceptions=False) as c:
        web_login(c, "aud-close", "password1")  # a reader of the books: no button
        page = c.get(f"/finance/periods/{PERIOD}")
        assert page.status_code == 200 and 'data-testid="period-run"' not in page.text
    with TestClient(app, raise_server_exceptions=False) as c:
        web_login(c, "ap-finance_reviewer")
        c.cookies.set("lang", "zh-CN")
        page = c.get(f"/finance/periods/{PERIOD}")
        assert 'data-testid="period-run-button"' in page.text and "运行月结" in page.text
        later = c.get("/finance/periods/2099-01")  # not ended: no button, a word why
        assert "本月尚未结束" in later.text and 'data-testid="period-run"' not in later.text
        r = c.post(f"/finance/periods/{PERIOD}/run", data={"csrf_token": csrf_of(c)},
                   follow_redirects=False)  # the first post only asks again
        assert r.status_code == 303 and r.headers["location"].endswith("?confirm=run")
        page = c.get(r.headers["location"])
        assert 'data-testid="period-confirm-step"' in page.text and "该期间尚未运行月结" in page.text
        assert f"运行 {PERIOD} 的月结？" in page.text
        r = c.post(f"/finance/periods/{PERIOD}/run", data={"csrf_token": csrf_of(c),
                                                            "confirmed": "1"},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith("?ok=run"), r.text
        page = c.get(r.headers["location"])
        assert "已编制（待复核确认）" in page.text and "由 ap-finance_reviewer 运行" in page.text
        assert 'data-testid="period-close-button"' in page.text  # and again: a re-run
        r = c.post(f"/finance/periods/{PERIOD}/confirm", data={"csrf_token": csrf_of(c),
                                                                "confirmed": "1"})
        assert r.status_code == 403 and "另一位审批人" in r.text, r.text  # own_approval, in zh
        # what they did to what, worded (it read "… 是 period 2018-03 的经办人（创建、提交…）")
        assert f"ap-finance_reviewer 运行了会计期间 {PERIOD}：" in r.text, r.text
        assert "segregation of duties" not in r.text
    with TestClient(app, raise_server_exceptions=False) as c:
        web_login(c, "ap-finance_manager")
        r = c.post(f"/finance/periods/{PERIOD}/confirm", data={"csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.headers["location"].endswith("?confirm=close")
        assert "with the report shown below" in c.get(r.headers["location"]).text
        r = c.post(f"/finance/periods/{PERIOD}/confirm", data={"csrf_token": csrf_of(c),
                                                                "confirmed": "1"})
        assert r.status_code == 200 and "The month is closed." in r.text, r.text
        assert 'data-testid="period-reopen-button"' in r.text
        assert 'data-testid="period-run-button"' not in r.text
    with runtime.session() as s:
        done = [(a.action, a.actor_id) for a in s.scalars(select(AuditRecord).where(
            AuditRecord.action.startswith("ledger.period.")).order_by(AuditRecord.id))]
        ap = _approvers(s)
    assert done == [("ledger.period.run", ap["finance_reviewer"]),
                    ("ledger.period.confirmed", ap["finance_manager"])]
