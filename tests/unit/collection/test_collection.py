"""Collection services: consent before anything, demographics against quotas, uploads checked
at once, re-record requests, invitation scope/expiry/revocation (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from datamill.collection import staff, subject
from datamill.collection.errors import UploadFailed
from datamill.collection.models import CollectionInvite, Recording
from datamill.collection.quotas import quota_progress
from datamill.compliance.consent import item_subject
from datamill.compliance.security_models import ConsentRecord
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from datamill.production.models import ImportRun, Item, Review
from datamill.testing.synth import espeak_available
from tests._tools import require_tool

from .helpers import PROMPTS, collection_project, invite, speech


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")


def _silent(tmp: Path) -> bytes:
    path = tmp / "silent.wav"
    sf.write(path, np.zeros(16000 * 2, dtype=np.float32), 16000, subtype="PCM_16")
    return path.read_bytes()


def test_consent_first_then_demographics_then_upload(runtime, users, tmp_path):
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-a")
    audio = speech(tmp_path, PROMPTS[0], "a0.wav")
    with runtime.session() as s:
        state = subject.collection_state(s, token)
        assert state["consent"] is None and state["total"] == 3 and state["done"] == 0
        prompt_id = state["prompts"][0]["id"]
        with pytest.raises(Forbidden, match="consent first"):
            subject.upload_recording(s, runtime.blobs, token, prompt_id, audio)
        with pytest.raises(Forbidden, match="consent first"):
            subject.set_demographics(s, token, gender="female", age=30)
        with pytest.raises(Conflict, match="changed"):
            subject.give_consent(s, token, "Ada Lovelace", version=7)
        state = subject.give_consent(s, token, "Ada  Lovelace", version=1)
        assert state["consent"]["signature"] == "Ada Lovelace"
        assert state["consent"]["version"] == 1
        with pytest.raises(Forbidden, match="demographics"):
            subject.upload_recording(s, runtime.blobs, token, prompt_id, audio)
        subject.set_demographics(s, token, gender="female", age=30, accent="midwest")
        with pytest.raises(InvalidInput, match="16-bit PCM WAV at 16000"):
            subject.upload_recording(s, runtime.blobs, token, prompt_id,
                                     speech(tmp_path, PROMPTS[0], "a48.wav", rate=48000))
        out = subject.upload_recording(s, runtime.blobs, token, prompt_id, audio)
        assert out["passed"], out["reasons"]
        assert out["state"]["done"] == 1
        with pytest.raises(Conflict, match="once"):
            subject.upload_recording(s, runtime.blobs, token, prompt_id, audio)
    with runtime.session() as s:
        item = s.get(Item, out["item_id"])
        assert item.attributes["speaker_id"] == "spk-a" and item.attributes["gender"] == "female"
        assert item.prompt == PROMPTS[0]
        assert item_subject(item) == "spk-a"
        rec = s.scalars(select(Recording).where(Recording.item_id == item.id)).one()
        consent = s.get(ConsentRecord, rec.consent_id)
        assert consent.subject_id == "spk-a" and consent.scope == "collection"
        assert item.meta["consent_id"] == consent.id


def test_failed_check_becomes_rerecord_request(runtime, users, tmp_path):
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-b")
    with runtime.session() as s:
        subject.give_consent(s, token, "Bob Builder", version=1)
        state = subject.set_demographics(s, token, gender="male", age=25)
        prompt_id = state["prompts"][1]["id"]
        out = subject.upload_recording(s, runtime.blobs, token, prompt_id, _silent(tmp_path))
        assert not out["passed"] and out["reasons"]
        row = next(p for p in out["state"]["prompts"] if p["id"] == prompt_id)
        assert row["state"] == "rerecord" and row["reasons"]
    with runtime.session() as s:  # next visit: still asked to record again
        row = next(p for p in subject.collection_state(s, token)["prompts"]
                   if p["id"] == prompt_id)
        assert row["state"] == "rerecord"
        out = subject.upload_recording(s, runtime.blobs, token, prompt_id,
                                       speech(tmp_path, PROMPTS[1], "b1.wav"))
        assert out["passed"] and out["attempt"] == 2
        row = next(p for p in out["state"]["prompts"] if p["id"] == prompt_id)
        assert row["state"] == "done"


def test_review_rejection_as_recording_problem_flows_back(runtime, users, tmp_path):
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-c")
    with runtime.session() as s:
        subject.give_consent(s, token, "Cy Twombly", version=1)
        state = subject.set_demographics(s, token, gender="male", age=30)
        p0, p1 = state["prompts"][0]["id"], state["prompts"][1]["id"]
        a = subject.upload_recording(s, runtime.blobs, token, p0,
                                     speech(tmp_path, PROMPTS[0], "c0.wav"))
        b = subject.upload_recording(s, runtime.blobs, token, p1,
                                     speech(tmp_path, PROMPTS[1], "c1.wav"))
        assert a["passed"] and b["passed"]
    with runtime.session() as s:  # a reviewer's rejection naming a recording problem
        s.add(Review(task_id=_task(s, a["item_id"]), item_id=a["item_id"],
                     reviewer_id=users["rev"].id, verdict="reject",
                     reason="recording: loud hum"))
        s.commit()
        staff.request_rerecord(s, s.merge(users["insp"]), b["item_id"], "clipped at the end",
                               source="inspection")
        with pytest.raises(Forbidden):
            staff.request_rerecord(s, s.merge(users["ann1"]), b["item_id"], "no")
        s.commit()
    with runtime.session() as s:
        rows = {p["id"]: p for p in subject.collection_state(s, token)["prompts"]}
        # the subject reads the reviewer's words, without the review form's "recording:" label,
        # as a request from the project, not as a failed check (trial 15)
        assert rows[p0]["state"] == "rerecord" and rows[p0]["reasons"] == ["loud hum"]
        assert rows[p0]["asked_by"] == "people"
        assert rows[p1]["state"] == "rerecord" and rows[p1]["asked_by"] == "people"
        assert rows[p1]["reasons"] == ["clipped at the end"]


def _task(s, item_id: int) -> int:
    from datamill.production.models import Task

    item = s.get(Item, item_id)
    task = Task(project_id=item.project_id, item_id=item_id, stage="review")
    s.add(task)
    s.flush()
    return task.id


def test_invitation_scope_expiry_and_revocation(runtime, users, tmp_path):
    pid = collection_project(runtime, users)
    t1, t2 = invite(runtime, users, pid, "one"), invite(runtime, users, pid, "two")
    with runtime.session() as s:
        assert subject.collection_state(s, t1)["subject_id"] == "one"
        assert subject.collection_state(s, t2)["subject_id"] == "two"
        for bad in ("", "x" * 300, "not-a-token"):
            with pytest.raises(Unauthorized, match="invalid"):
                subject.collection_state(s, bad)
        inv = s.scalars(select(CollectionInvite).order_by(CollectionInvite.id)).first()
        inv.expires_at = utcnow() - timedelta(seconds=1)
        s.commit()
        with pytest.raises(Unauthorized, match="expired"):
            subject.collection_state(s, t1)
        second = s.scalars(select(CollectionInvite).order_by(CollectionInvite.id.desc())).first()
        staff.revoke_invite(s, s.merge(users["pm"]), second.id)
        s.commit()
        with pytest.raises(Unauthorized, match="revoked"):
            subject.give_consent(s, t2, "Two Person", version=1)
        states = {i["id"]: i["state"] for i in staff.list_invites(s, s.merge(users["pm"]), pid)}
        assert sorted(states.values()) == ["expired", "revoked"]
        with pytest.raises(Forbidden):
            staff.create_invite(s, s.merge(users["ann1"]), pid, "three")


def test_quota_cells_fill_and_close(runtime, users, tmp_path):
    pid = collection_project(runtime, users)
    tokens = {n: invite(runtime, users, pid, n) for n in ("w1", "w2", "m1", "m2", "o1", "old")}
    with runtime.session() as s:
        for n, t in tokens.items():
            subject.give_consent(s, t, f"Person {n}", version=1)
        subject.set_demographics(s, tokens["w1"], gender="female", age=22)
        with pytest.raises(Conflict, match="young women is full: 1 of 1 speakers"):
            subject.set_demographics(s, tokens["w2"], gender="female", age=30)
        with pytest.raises(Conflict, match="no quota cell"):
            subject.set_demographics(s, tokens["old"], gender="female", age=70)
        # the enrolled speaker keeps recording although the speakers target is met
        st = subject.set_demographics(s, tokens["w1"], gender="female", age=22)
        assert st["closed"] is None
        out = subject.upload_recording(s, runtime.blobs, tokens["w1"], st["prompts"][0]["id"],
                                       speech(tmp_path, PROMPTS[0], "w0.wav"))
        assert out["passed"]
        st = subject.set_demographics(s, tokens["m1"], gender="male", age=20)
        subject.set_demographics(s, tokens["m2"], gender="male", age=33)
        for i in range(2):
            out = subject.upload_recording(s, runtime.blobs, tokens["m1"], st["prompts"][i]["id"],
                                           speech(tmp_path, PROMPTS[i], f"m{i}.wav"))
            assert out["passed"]
        st = subject.collection_state(s, tokens["m1"])
        assert "young men is full: 2 of 2 items" in st["closed"]
        with pytest.raises(Conflict, match="young men is full"):
            subject.upload_recording(s, runtime.blobs, tokens["m2"], st["prompts"][0]["id"],
                                     speech(tmp_path, PROMPTS[0], "m2.wav"))
        st = subject.set_demographics(s, tokens["o1"], gender="other", age=50)
        out = subject.upload_recording(s, runtime.blobs, tokens["o1"], st["prompts"][0]["id"],
                                       speech(tmp_path, PROMPTS[0], "o0.wav"))
        assert out["passed"]
        progress = quota_progress(s, pid)
    cells = {c["label"]: c for c in progress["cells"]}
    women, men, other = cells["young women"], cells["young men"], cells["gender=other"]
    assert women["accepted"] == {"speakers": 1, "hours": women["accepted"]["hours"], "items": 1}
    assert women["full"] and women["fill"] == 1.0
    assert men["accepted"]["items"] == 2 and men["accepted"]["speakers"] == 1
    assert men["in_progress"]["speakers"] == 1  # m2: enrolled, nothing accepted
    assert men["full"]
    assert other["accepted"]["hours"] > 0.0005 and other["full"]
    assert 0 < other["accepted"]["hours"] < 0.01


def test_withdrawn_consent_stops_uploads(runtime, users, tmp_path):
    from datamill.compliance.consent import withdraw_consent

    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-w")
    with runtime.session() as s:
        subject.give_consent(s, token, "Will Draw", version=1)
        state = subject.set_demographics(s, token, gender="male", age=30)
        withdraw_consent(s, s.merge(users["pm"]), pid, "spk-w")
        s.commit()
        assert subject.collection_state(s, token)["consent"] is None
        with pytest.raises(Forbidden, match="consent first"):
            subject.upload_recording(s, runtime.blobs, token, state["prompts"][0]["id"],
                                     speech(tmp_path, PROMPTS[0], "w.wav"))


def test_upload_checks_only_its_own_item(runtime, users, tmp_path):
    from datamill.production.importing import import_source

    pid = collection_project(runtime, users)
    folder = tmp_path / "batch"
    folder.mkdir()
    speech(folder, PROMPTS[2], "pending.wav")
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    token = invite(runtime, users, pid, "spk-o")
    with runtime.session() as s:
        subject.give_consent(s, token, "Only Me", version=1)
        state = subject.set_demographics(s, token, gender="male", age=30)
        out = subject.upload_recording(s, runtime.blobs, token, state["prompts"][0]["id"],
                                       speech(tmp_path, PROMPTS[0], "own.wav"))
        assert out["passed"]
        pending = s.scalars(select(Item).where(Item.project_id == pid,
                                               Item.external_id == "pending")).one()
        assert pending.status == "imported"  # the big import waits for its own check run


def test_upload_failing_before_its_link_leaves_nothing(runtime, users, tmp_path):
    """The import commits the take's item; when linking it to the recording then fails (the
    database goes away), the upload is undone: no item, no recording, a clear error, and
    recording the prompt again goes through."""
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-f")
    audio = speech(tmp_path, PROMPTS[0], "f0.wav")

    def lose_database(session, _context, _instances):
        if any(isinstance(o, Recording) and o.item_id is not None for o in session.dirty):
            raise OperationalError("UPDATE collection_recordings", {},
                                   Exception("server closed the connection unexpectedly"))

    with runtime.session() as s:
        subject.give_consent(s, token, "Fay Fail", version=1)
        state = subject.set_demographics(s, token, gender="female", age=30)
        prompt_id = state["prompts"][0]["id"]
        event.listen(s, "before_flush", lose_database)
        try:
            with pytest.raises(UploadFailed, match="nothing of it was kept") as failed:
                subject.upload_recording(s, runtime.blobs, token, prompt_id, audio)
        finally:
            event.remove(s, "before_flush", lose_database)
        assert failed.value.status == 503 and failed.value.details == {
            "prompt_id": prompt_id, "reason_code": "upload_failed"}
    with runtime.session() as s:
        assert s.scalars(select(Item).where(Item.project_id == pid)).all() == []
        assert s.scalars(select(Recording).where(Recording.project_id == pid)).all() == []
        run = s.scalars(select(ImportRun).where(ImportRun.project_id == pid)).one()
        assert (run.imported, run.rejected) == (0, 1)
        row = next(p for p in subject.collection_state(s, token)["prompts"]
                   if p["id"] == prompt_id)
        assert row["state"] == "todo" and row["attempts"] == 0
        out = subject.upload_recording(s, runtime.blobs, token, prompt_id, audio)
        assert out["passed"] and out["attempt"] == 1, out["reasons"]
    with runtime.session() as s:
        item = s.get(Item, out["item_id"])
        rec = s.scalars(select(Recording).where(Recording.project_id == pid)).one()
        assert rec.item_id == item.id and item.meta["collection"]["prompt_id"] == prompt_id
