"""One re-record request per recorded item, however many ask at once (concurrency review, h1).

``open_request`` read "no request for this subject, prompt and item yet" and inserted one, with
nothing in the database to stop a second: on PostgreSQL a reviewer's request, the subject's
page (which opens the requests the checks and review call for) and the coordinator's subject
list (which opened them too: a listing that wrote) at the same moment each inserted one, so the
subject saw the prompt asked for twice and the list counted the requests twice over. SQLite's
single writer serialised them.

Now the subject, prompt and item are unique (migration co003, which keeps one of each group
of duplicates an existing database holds, the open one first), the loser of the race gets the
winner's row, and the subject list counts the requests it would open without writing them.
Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.collection import staff, subject
from datamill.collection.migrations import co003_one_rerecord_per_item as co003
from datamill.collection.migrations import co004_recording_sha256 as co004
from datamill.collection.models import RerecordRequest
from datamill.compliance.models import User
from datamill.db.migrate import alembic_config
from datamill.production.models import Review, Task
from datamill.runtime import Runtime
from datamill.testing.synth import espeak_available
from tests._migrations import drop_schema, migration_url
from tests._tools import require_tool
from tests.known_issues.test_trial_h9_money_races import RACERS, race
from tests.unit.collection.helpers import PROMPTS, collection_project, invite, speech


def _recorded(runtime: Runtime, users: dict[str, User], tmp_path: Path, name: str,
              ) -> tuple[int, str, int]:
    """(project id, the subject's token, item id) of one passed take that review rejected as
    a recording problem (its re-record request not opened yet)."""
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, name)
    with runtime.session() as s:
        subject.give_consent(s, token, "Race Runner", version=1)
        prompt_id = subject.set_demographics(s, token, gender="male", age=25)["prompts"][0]["id"]
        out = subject.upload_recording(s, runtime.blobs, token, prompt_id,
                                       speech(tmp_path, PROMPTS[0], f"{name}.wav"))
        assert out["passed"], out["reasons"]
        task = Task(project_id=pid, item_id=out["item_id"], stage="review")
        s.add(task)
        s.flush()
        s.add(Review(task_id=task.id, item_id=out["item_id"], reviewer_id=users["rev"].id,
                     verdict="reject", reason="recording: loud hum"))
    return pid, token, out["item_id"]


def _requests(s: Session, item_id: int) -> int:
    return s.scalar(select(func.count()).select_from(RerecordRequest)
                    .where(RerecordRequest.item_id == item_id)) or 0


def test_the_subject_list_counts_requests_without_writing_them(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid, token, item_id = _recorded(runtime, users, tmp_path, "spk-list")
    with runtime.session() as s:
        listed = staff.list_subjects(s, s.merge(users["pm"]), pid)
        assert [(r["subject_id"], r["open_rerecords"]) for r in listed] == [("spk-list", 1)]
    with runtime.session() as s:
        assert _requests(s, item_id) == 0  # a listing wrote one before
        subject.collection_state(s, token)  # the subject's visit opens it
    with runtime.session() as s:
        assert _requests(s, item_id) == 1
        listed = staff.list_subjects(s, s.merge(users["pm"]), pid)
        assert [r["open_rerecords"] for r in listed] == [1]  # counted once, not twice


def test_requests_made_at_once_leave_one(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid, token, item_id = _recorded(runtime, users, tmp_path, "spk-race")

    def act(s: Session, i: int) -> None:
        if i % 3 == 0:  # an inspector asks
            staff.request_rerecord(s, s.merge(users["insp"]), item_id, "clipped at the end",
                                   source="inspection")
        elif i % 3 == 1:  # the subject's page opens what review asked for
            subject.collection_state(s, token)
        else:  # the coordinator lists the subjects
            staff.list_subjects(s, s.merge(users["pm"]), pid)

    assert race(runtime, act) == Counter({"ok": RACERS})
    with runtime.session() as s:
        assert _requests(s, item_id) == 1  # PostgreSQL: 3 to 5 before
        rows = [p for p in subject.collection_state(s, token)["prompts"]
                if p["state"] == "rerecord"]
        assert len(rows) == 1 and len(rows[0]["reasons"]) == 1
        again = staff.request_rerecord(s, s.merge(users["insp"]), item_id, "once more")
        assert _requests(s, item_id) == 1 and again["item_id"] == item_id


_SCHEMA = "mig_co003"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_co003_keeps_one_request_of_each_duplicate_group(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    command.upgrade(cfg, "heads")  # Alembic cannot stop at co002 (or step down to it) ...
    command.downgrade(cfg, "co004")  # (it can to co004: the collection branch's later ones)
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.begin() as conn:  # ... so this undoes co004, co003 by hand: a database of co002
        with Operations.context(MigrationContext.configure(conn)):
            co004.downgrade()
            co003.downgrade()
        conn.execute(text("UPDATE alembic_version SET version_num = 'co002' "
                          "WHERE version_num = 'co004'"))
        conn.execute(text(
            "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec, "
            "spec_version, status, created_at) VALUES (1, 'p', 'speech.asr', 'en-US', "
            "'custom_service', 'customer', '{}', 1, 'active', CURRENT_TIMESTAMP)"))
        for i in (1, 2):
            conn.execute(text(
                "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, "
                "owner, status, meta, reject_reasons, current_version, created_at) VALUES "
                f"({i}, 1, 'i{i}', 'h{i}', 'i{i}.wav', 10, 'customer', 'in_review', '{{}}', "
                "'[]', 0, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO collection_subjects (id, project_id, subject_id, "
                          "demographics, created_at) VALUES (1, 1, 's1', '{}', "
                          "CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO collection_prompts (id, project_id, position, text, "
                          "created_at) VALUES (1, 1, 1, 'hello', CURRENT_TIMESTAMP)"))
        # item 1: asked three times at once (a resolved one first), item 2 once, two without item
        for rid, item, resolved in ((1, 1, True), (2, 1, False), (3, 1, False), (4, 2, True),
                                    (5, None, False), (6, None, False)):
            conn.execute(text(
                "INSERT INTO collection_rerecords (id, project_id, subject_row_id, prompt_id, "
                "item_id, source, reason, created_at, resolved_at) VALUES (:id, 1, 1, 1, :item, "
                "'review', 'hum', CURRENT_TIMESTAMP, "
                + ("CURRENT_TIMESTAMP" if resolved else "NULL") + ")"),
                {"id": rid, "item": item})
    engine.dispose()
    command.upgrade(cfg, "heads")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT id, item_id, resolved_at IS NULL FROM "
                                 "collection_rerecords ORDER BY id")).all()
        assert [tuple(r) for r in kept] == [(2, 1, True), (4, 2, False), (5, None, True),
                                            (6, None, True)]
        with pytest.raises(IntegrityError):
            conn.execute(text(
                "INSERT INTO collection_rerecords (project_id, subject_row_id, prompt_id, "
                "item_id, source, reason, created_at) VALUES (1, 1, 1, 2, 'review', 'hum', "
                "CURRENT_TIMESTAMP)"))
        conn.rollback()
    engine.dispose()
    drop_schema(backend, _SCHEMA)
