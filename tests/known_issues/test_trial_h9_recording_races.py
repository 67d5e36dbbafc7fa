"""Recordings uploaded at once (attacker-style review, round h9).

``upload_recording`` checked the prompt's state and the subject's quota cell, then committed
before the import wrote the item, so whatever it read was stale by the time it wrote. Two
uploads of one prompt by one subject (a double-click, a retry) were both imported as attempt 1
(the loser then failed on the database's unique attempt, its item left behind without a
recording), and subjects racing for a cell's last item slots all got in, filling the cell past
its target. SQLite serialised the check, but the commit before the import let the next upload
check before the first had written.

Now the check and a placeholder recording (no item yet, the take's length) are written under
the project's quota lock in one transaction; the placeholder makes the prompt "being uploaded"
and counts in its cell until the import links its item (or, when the import fails, is removed).
Exactly one upload of a prompt wins, the others get a Conflict saying the prompt is being
uploaded or is recorded, and a cell never takes more items than its target. Runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from datamill.collection import subject
from datamill.collection.models import Recording
from datamill.collection.quotas import quota_progress
from datamill.compliance.models import User
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.testing.synth import espeak_available
from tests._tools import require_tool
from tests.known_issues.test_trial_h9_money_races import RACERS, race
from tests.unit.collection.helpers import PROMPTS, collection_project, invite, speech


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")


def test_one_prompt_uploaded_at_once_by_one_subject_is_recorded_once(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-dbl")
    audio = speech(tmp_path, PROMPTS[0], "dbl.wav")
    with runtime.session() as s:
        subject.give_consent(s, token, "Double Click", version=1)
        prompt_id = subject.set_demographics(s, token, gender="male", age=25)["prompts"][0]["id"]
    got = race(runtime, lambda s, _i: subject.upload_recording(
        s, runtime.blobs, token, prompt_id, audio))
    assert got == Counter({"ok": 1, "Conflict": RACERS - 1}), got
    with runtime.session() as s:
        recs = s.scalars(select(Recording).where(Recording.prompt_id == prompt_id)).all()
        assert [(r.attempt, r.item_id is not None) for r in recs] == [(1, True)]
        items = s.scalars(select(Item).where(Item.project_id == pid)).all()
        assert [i.id for i in items] == [recs[0].item_id]  # nothing half-written left behind
        assert runtime.blobs.exists(items[0].sha256)  # the winner's audio is kept
        row = next(p for p in subject.collection_state(s, token)["prompts"]
                   if p["id"] == prompt_id)
        assert row["state"] == "done" and row["attempts"] == 1


def test_subjects_racing_for_a_cells_last_items_never_overfill_it(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid = collection_project(runtime, users)  # "young men": 2 items
    tokens = [invite(runtime, users, pid, f"man-{i}") for i in range(RACERS)]
    takes = [speech(tmp_path, PROMPTS[0], f"man{i}.wav") for i in range(RACERS)]
    with runtime.session() as s:
        for i, t in enumerate(tokens):
            subject.give_consent(s, t, f"Man Number{i}", version=1)
            state = subject.set_demographics(s, t, gender="male", age=20 + i)
        prompt_id = state["prompts"][0]["id"]
    got = race(runtime, lambda s, i: subject.upload_recording(
        s, runtime.blobs, tokens[i], prompt_id, takes[i]))
    assert got == Counter({"ok": 2, "Conflict": RACERS - 2}), got
    with runtime.session() as s:
        men = next(c for c in quota_progress(s, pid)["cells"] if c["label"] == "young men")
        assert men["accepted"]["items"] + men["in_progress"]["items"] == 2
        assert s.scalar(select(func.count()).select_from(Item)
                        .where(Item.project_id == pid)) == 2
        assert s.scalar(select(func.count()).select_from(Recording)
                        .where(Recording.project_id == pid)) == 2
