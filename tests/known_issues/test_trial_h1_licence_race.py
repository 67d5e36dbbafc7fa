"""Identical licences issued at once (concurrency review, h1).

``create_licence`` refused "a live licence of the same customer, release, territory and usage"
as a duplicate by reading for one, with nothing held between the read and the insert: on
PostgreSQL two sales people issuing the same licence at the same moment both passed the check
and the customer held two identical licences (two ledger contracts, revenue twice): 6 of 6
racers. Different licences issued at once without a number all took the day's first free one,
and all but one were refused with "contract 'LIC-…/AAA' already exists". Issuing now takes a
lock first (an advisory lock on PostgreSQL; SQLite's writer lock already serialised it), so
exactly one licence is issued and the others get the same Conflict a second, later request
gets. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.catalog import licences
from datamill.catalog.models import CatalogLicence
from datamill.core.errors import Conflict, DatamillError
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released

RACERS = 6
TERMS = {"price": "300000", "term": "perpetual", "usage_scope": "Internal training",
         "acceptance_criteria": "manifest ok"}


def _race(rt: Runtime, act: Callable[[Session, int], Any]) -> list[str]:
    """``act`` by RACERS threads at once, each its own transaction: "ok" or the error's
    message (any other exception by its type's name)."""
    barrier = threading.Barrier(RACERS)

    def one(i: int) -> str:
        s = rt.sessions()
        try:
            barrier.wait()
            act(s, i)
            s.commit()
            return "ok"
        except DatamillError as err:
            s.rollback()
            return f"{type(err).__name__}: {err.message}"
        except Exception as err:  # noqa: BLE001 - a server error, counted by its type
            s.rollback()
            return type(err).__name__
        finally:
            s.close()

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def test_identical_licences_issued_at_once_make_one(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    day = f"{business_today():%y%m%d}"

    def issue(s: Session, i: int) -> None:  # each with its own number, as a clerk types it
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                number=f"{day}/AA{'ABCDEFGH'[i]}",
                                territory="PRC" if i % 2 else "prc", **TERMS)

    got = _race(runtime, issue)
    with runtime.session() as s:
        rows = s.scalars(select(CatalogLicence)).all()
        assert len(rows) == 1, got  # PostgreSQL: 6 before
        with pytest.raises(Conflict) as later:  # the same licence asked for afterwards
            issue(s, 7)
    duplicate = f"Conflict: {later.value.message}"
    assert "already holds licence" in duplicate and rows[0].number in duplicate
    assert Counter(got) == Counter({"ok": 1, duplicate: RACERS - 1}), got


@pytest.mark.parametrize("territories", ["same", "different"])
def test_licences_issued_at_once_without_a_number(runtime: Runtime, tmp_path: Path,
                                                  territories: str) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)

    def issue(s: Session, i: int) -> None:  # the day's next free number each
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                territory="PRC" if territories == "same" else f"region {i}",
                                **TERMS)

    got = Counter(r.split(":")[0] for r in _race(runtime, issue))
    with runtime.session() as s:
        numbers = sorted(s.scalars(select(CatalogLicence.number)))
    day = f"{business_today():%y%m%d}"
    if territories == "same":  # one licence, the others refused as duplicates
        assert got == Counter({"ok": 1, "Conflict": RACERS - 1}), got
        assert numbers == [f"{day}/AAA"]
    else:  # all issued, each its own number (the old code: 1, the others a Conflict)
        assert got == Counter({"ok": RACERS}), got
        assert numbers == [f"{day}/AA{c}" for c in "ABCDEF"]
