"""An upload whose checks fail after the import saved the take: the take stays saved, rejected
with a reason the subject can act on, and the prompt can be recorded again (it stayed
"checking" and answered 409 "recorded already" for ever)."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from datamill.collection import subject
from datamill.collection.models import Recording
from datamill.compliance.models import AuditRecord
from datamill.production.models import CheckResult, Item
from datamill.testing.synth import espeak_available
from tests._tools import require_tool

from .helpers import PROMPTS, collection_project, invite, speech


def test_checks_failing_after_the_import_ask_for_a_rerecord(runtime, users, tmp_path):
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-c")
    audio = speech(tmp_path, PROMPTS[0], "c0.wav")
    lost: list[bool] = []

    def lose_database_once(session, _context, _instances):  # while the verdict is saved
        if not lost and any(isinstance(o, Item) and o.status != "imported"
                            for o in session.dirty):
            lost.append(True)
            raise OperationalError("UPDATE items", {},
                                   Exception("server closed the connection unexpectedly"))

    with runtime.session() as s:
        subject.give_consent(s, token, "Chen Check", version=1)
        state = subject.set_demographics(s, token, gender="female", age=30)
        prompt_id = state["prompts"][0]["id"]
        event.listen(s, "before_flush", lose_database_once)
        try:
            out = subject.upload_recording(s, runtime.blobs, token, prompt_id, audio)
        finally:
            event.remove(s, "before_flush", lose_database_once)
        assert lost
        assert out["status"] == "rejected" and not out["passed"]
        assert out["reasons"] == [subject.CHECK_FAILED_REASON]
        row = next(p for p in out["state"]["prompts"] if p["id"] == prompt_id)
        assert row["state"] == "rerecord" and row["reasons"] == [subject.CHECK_FAILED_REASON]
    with runtime.session() as s:  # the take is kept, linked to its recording
        item = s.get(Item, out["item_id"])
        assert item is not None and item.status == "rejected"
        rec = s.scalars(select(Recording).where(Recording.project_id == pid)).one()
        assert rec.item_id == item.id
        failed = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "items.check_failed")).one()
        assert failed.object_id == item.id and "OperationalError" in failed.data["error"]
        shown = s.scalars(select(CheckResult).where(CheckResult.item_id == item.id)).one()
        assert (shown.name, shown.passed) == ("check_failed", False)  # staff see it too
        again = subject.upload_recording(s, runtime.blobs, token, prompt_id, audio)
        assert again["passed"] and again["attempt"] == 2, again["reasons"]
        assert s.scalars(select(CheckResult).where(CheckResult.item_id == again["item_id"])).all()

