"""Found by a trial project manager: two people adding prompts to one project at once (two
tabs, a CLI script and the web page) both numbered theirs after the same last position; on
PostgreSQL the second failed on the unique (project, position) with a database error (a 500,
nothing a person can act on), and the same new prompt added by both could be stored twice, so
every speaker would record it twice. Adds now take the project's prompt lock: all succeed and
each text is stored once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from datamill.collection import staff
from datamill.collection.models import CollectionPrompt
from datamill.compliance.models import User
from datamill.runtime import Runtime
from tests.known_issues.test_trial_h9_money_races import RACERS, race
from tests.unit.collection.helpers import collection_project


def test_prompts_added_at_once(runtime: Runtime, users: dict[str, User]) -> None:
    pid = collection_project(runtime, users)
    got = race(runtime, lambda s, i: staff.add_prompts(
        s, s.merge(users["pm"]), pid, ["a shared new prompt", f"prompt of racer {i}"]))
    assert got == Counter({"ok": RACERS}), got
    with runtime.session() as s:
        rows = s.scalars(select(CollectionPrompt).where(CollectionPrompt.project_id == pid)
                         .order_by(CollectionPrompt.position)).all()
    texts = [r.text for r in rows]
    assert len(texts) == len(set(texts)) == 3 + 1 + RACERS
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))
