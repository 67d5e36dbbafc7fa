"""One recording's bytes uploaded by two subjects at the same moment.

The exact-copy check (``duplicate_recording``) read the items' sha256, but an upload writes its
item only after the reservation commits, so two identical uploads at once each found no copy
and both were imported: the project held the same audio twice. The reservation now records the
take's sha256 on its recording row, under the project's quota lock, and the check reads those
rows too: exactly one upload wins, the other gets the usual ``duplicate_recording`` (422) and
leaves nothing behind. A subject's own earlier take of the same prompt still does not count.
Runs on SQLite and PostgreSQL, through the service and through the HTTP API; migration co004
adds the column and gives existing rows their item's sha256.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text

from datamill.collection import subject
from datamill.collection.migrations import co004_recording_sha256 as co004
from datamill.collection.models import Recording
from datamill.compliance.models import User
from datamill.core.errors import DatamillError
from datamill.db.migrate import alembic_config
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.synth import espeak_available
from tests._migrations import drop_schema, migration_url
from tests._tools import require_tool
from tests.unit.collection.helpers import PROMPTS, collection_project, invite, speech

API = "/api/v1"


def _two_subjects(rt: Runtime, users: dict[str, User]) -> tuple[int, list[str], int]:
    """A project, two enrolled subjects of one cell (young men: 2 items), the first prompt."""
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pid = collection_project(rt, users)
    tokens = [invite(rt, users, pid, f"copy-{i}") for i in range(2)]
    with rt.session() as s:
        for i, token in enumerate(tokens):
            subject.give_consent(s, token, f"Copy Person{i}", version=1)
            state = subject.set_demographics(s, token, gender="male", age=20 + i)
    return pid, tokens, int(state["prompts"][0]["id"])


def _one_copy_kept(rt: Runtime, pid: int) -> None:
    with rt.session() as s:
        recs = s.scalars(select(Recording).where(Recording.project_id == pid)).all()
        items = s.scalars(select(Item).where(Item.project_id == pid)).all()
        assert len(items) == 1, [(i.external_id, i.sha256) for i in items]
        assert [(r.item_id, r.attempt) for r in recs] == [(items[0].id, 1)]  # none half-written
        assert s.scalar(select(func.count()).select_from(Recording)
                        .where(Recording.item_id.is_(None))) == 0


def test_two_subjects_uploading_one_take_at_once_keep_one(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid, tokens, prompt_id = _two_subjects(runtime, users)
    audio = speech(tmp_path, PROMPTS[0], "shared.wav")
    barrier = threading.Barrier(2)

    def upload(i: int) -> str:
        s = runtime.sessions()
        try:
            barrier.wait()
            subject.upload_recording(s, runtime.blobs, tokens[i], prompt_id, audio)
            s.commit()
            return "ok"
        except DatamillError as err:
            s.rollback()
            return str(err.details.get("reason_code") or type(err).__name__)
        finally:
            s.close()

    with ThreadPoolExecutor(2) as pool:
        got = Counter(pool.map(upload, range(2)))
    assert got == Counter({"ok": 1, "duplicate_recording": 1}), got
    _one_copy_kept(runtime, pid)
    with runtime.session() as s:  # the loser may record the prompt anew
        loser = next(t for t in tokens if subject.collection_state(s, t)["prompts"][0]["state"]
                     == "todo")
        fresh = speech(tmp_path, PROMPTS[0], "fresh.wav")
        assert subject.upload_recording(s, runtime.blobs, loser, prompt_id, fresh)["passed"]


def test_two_identical_uploads_at_once_over_http(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid, tokens, prompt_id = _two_subjects(runtime, users)
    audio = speech(tmp_path, PROMPTS[0], "shared-http.wav")
    url = f"{API}/collect/visit/prompts/{prompt_id}/recording"
    barrier = threading.Barrier(2)
    with TestClient(create_app(runtime)) as client:
        def post(i: int) -> tuple[int, str | None]:
            barrier.wait()
            r = client.post(url, content=audio, headers={"X-Collect-Token": tokens[i],
                                                         "Content-Type": "audio/wav"})
            return r.status_code, (None if r.is_success else r.json().get("reason_code"))

        with ThreadPoolExecutor(2) as pool:
            got = sorted(pool.map(post, range(2)), key=lambda x: x[0])
    assert got == [(201, None), (422, "duplicate_recording")], got
    _one_copy_kept(runtime, pid)


def test_own_earlier_take_of_the_prompt_still_does_not_count(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    """A take rejected by the checks may be sent again as it was (the check failed on the
    server's side); its sha256 on the recording row does not make it a copy of itself."""
    pid, tokens, prompt_id = _two_subjects(runtime, users)
    audio = speech(tmp_path, PROMPTS[0], "own.wav")
    with runtime.session() as s:
        first = subject.upload_recording(s, runtime.blobs, tokens[0], prompt_id, audio)
        item = s.get(Item, first["item_id"])
        assert item is not None
        item.status, item.reject_reasons = "rejected", ["check_failed: a server error"]
    with runtime.session() as s:
        again = subject.upload_recording(s, runtime.blobs, tokens[0], prompt_id, audio)
        assert again["attempt"] == 2, again
        other = subject.collection_state(s, tokens[1])["prompts"][1]["id"]
        with pytest.raises(DatamillError) as dup:  # another prompt of the same subject: a copy
            subject.upload_recording(s, runtime.blobs, tokens[0], other, audio)
        assert dup.value.details["reason_code"] == "duplicate_recording"
    with runtime.session() as s:
        hashes = s.scalars(select(Recording.sha256).where(Recording.project_id == pid)).all()
        assert len(hashes) == 2 and len(set(hashes)) == 1 and hashes[0]


_SCHEMA = "mig_co004"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_co004_gives_existing_recordings_their_items_sha256(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "co004")  # the collection branch's later migrations
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.begin() as conn:  # a database of co003 (co004 undone by hand), with rows
        with Operations.context(MigrationContext.configure(conn)):
            co004.downgrade()
        conn.execute(text("UPDATE alembic_version SET version_num = 'co003' "
                          "WHERE version_num = 'co004'"))
        conn.execute(text(
            "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec, "
            "spec_version, status, created_at) VALUES (1, 'p', 'speech.asr', 'en-US', "
            "'custom_service', 'customer', '{}', 1, 'active', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, "
            "owner, status, meta, reject_reasons, current_version, created_at) VALUES "
            "(1, 1, 'i1', 'h1', 'i1.wav', 10, 'customer', 'in_review', '{}', '[]', 0, "
            "CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO collection_subjects (id, project_id, subject_id, "
                          "demographics, created_at) VALUES (1, 1, 's1', '{}', "
                          "CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO collection_prompts (id, project_id, position, text, "
                          "created_at) VALUES (1, 1, 1, 'hello', CURRENT_TIMESTAMP)"))
        for rid, item in ((1, 1), (2, None)):  # linked; an upload under way
            conn.execute(text(
                "INSERT INTO collection_recordings (id, project_id, subject_row_id, prompt_id, "
                "attempt, item_id, created_at) VALUES (:id, 1, 1, 1, :id, :item, "
                "CURRENT_TIMESTAMP)"), {"id": rid, "item": item})
    engine.dispose()
    command.upgrade(cfg, "heads")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.connect() as conn:
        got = conn.execute(text("SELECT id, sha256 FROM collection_recordings ORDER BY id")).all()
        assert [tuple(r) for r in got] == [(1, "h1"), (2, None)]
    engine.dispose()
    drop_schema(backend, _SCHEMA)
