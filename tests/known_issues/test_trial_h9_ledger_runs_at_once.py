"""Two ledger runs at once (attacker-style review, round h9).

``POST /ledger/sync`` and ``POST /ledger/recognition/run`` each read the pending domain events
and then book them. On PostgreSQL (READ COMMITTED) two runs started together both read the same
events as pending: the unique ``domain_event_id`` kept the revenue single, but the run that
committed second died on an IntegrityError, answered as a 409 carrying the database's message.

Now every run that consumes events takes the ledger's event lock first, so a second run waits
for the first to commit and then finds the events done: every run answers, each event is
booked once, and the runs' counts add up to the events. SQLite serialises writers already; the
test runs on both.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from datamill.compliance.models import User
from datamill.ledger.events import sync_ledger
from datamill.ledger.models import LedgerAcceptance, LedgerCost, LedgerEventReceipt
from datamill.ledger.recognition import process_acceptance_events
from datamill.runtime import Runtime
from datamill.workforce.vendors import create_vendor
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)
from tests.unit.ledger.test_events import confirmed_sheet, custom_order

RACERS = 6
ROUNDS = 2


def _scene(
    rt: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch, ap: dict[str, int],
    tag: str,
) -> None:
    """A project with accounts, three pending cost events and three pending acceptances."""
    with rt.session() as s:
        pp, lp = ledger_project(s, f"races-{tag}", custom_order(s, f"O-{tag}"))
        approved_budget(s, lp, [line("annotation", "data_service", "100", "30"),
                                line("collection", "data_service", "10", "50")], ap)
        vendor = create_vendor(s, users["admin"], name=f"Acme {tag}", kind="company",
                               fee_rate="0.08")
        confirmed_sheet(s, users["admin"], vendor.id, f"WF-{tag}", [
            (pp, "annotate", "100.00"), (pp, "collect", "50.00"), (pp, "review", "10.00")])
        for day in (2, 3, 4):
            accept_delivery(s, monkeypatch, pp, "1", date(2018, 4, day))


def _race(rt: Runtime, runs: list[Any]) -> tuple[Counter[str], list[Any]]:
    """Each run by its own thread at once, in its own transaction; outcome → count, results."""
    barrier = threading.Barrier(len(runs))
    results: list[Any] = []

    def one(run: Any) -> str:
        s = rt.sessions()
        try:
            barrier.wait()
            out = run(s)
            s.commit()
            results.append(out)
            return "ok"
        except Exception as err:  # noqa: BLE001 - any failure is the finding
            s.rollback()
            return type(err).__name__
        finally:
            s.close()

    with ThreadPoolExecutor(len(runs)) as pool:
        return Counter(pool.map(one, runs)), results


def test_ledger_runs_at_once_each_book_an_event_once_and_all_answer(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
    for r in range(ROUNDS):
        _scene(runtime, users, monkeypatch, ap, f"r{r}")
        runs = [sync_ledger if i % 2 == 0 else process_acceptance_events for i in range(RACERS)]
        got, results = _race(runtime, runs)
        assert got == Counter({"ok": RACERS}), got
        # the runs' counts add up: each event counted by exactly one run
        acceptances = sum(
            (x.acceptances.acceptances if x.acceptances else 0) if hasattr(x, "costs")
            else x.acceptances for x in results)
        booked = sum(len(x.costs.booked) for x in results if hasattr(x, "costs"))
        assert acceptances == 3
        assert booked == 3
        with runtime.session() as s:
            assert s.scalar(select(func.count()).select_from(LedgerAcceptance)) == 3 * (r + 1)
            assert s.scalar(select(func.count()).select_from(LedgerCost)) == 3 * (r + 1)
            assert s.scalar(select(func.sum(LedgerAcceptance.volume))) == Decimal(3 * (r + 1))
            assert s.scalar(select(func.count()).select_from(LedgerEventReceipt).where(
                LedgerEventReceipt.status == "problem")) == 0
