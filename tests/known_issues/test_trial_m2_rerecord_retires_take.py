"""A re-recorded prompt keeps one take (user trial of speech collection, M2).

When a reviewer asked a subject to record a prompt again and the subject did, the earlier take
stayed in production: it could be reworked, reviewed and batched beside its replacement, so a
delivery held both takes of one prompt, the quota cell counted the person's prompt twice, the
dashboard counted both as usable volume and a collection vendor was paid for both.

Now the new take supersedes the earlier one when it is linked: the earlier item's status is
``superseded`` with ``superseded_by`` naming the new item, its open tasks are cancelled (no
claim, no submit; what was submitted stays on record), it leaves every batch not delivered, and
it counts in no quota cell, no usable volume and no settlement. The file, the item and an
audit record stay; the subject's page and the subjects list say which take is current.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select, update
from sqlalchemy.orm import Session

from datamill.collection import staff, subject
from datamill.collection.quotas import quota_progress
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, DatamillError
from datamill.db.migrate import alembic_config
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.dashboard import progress_by_status
from datamill.production.delivery import deliver_batch
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import (
    Annotation,
    BatchItem,
    Inspection,
    Item,
    Task,
    TaskAssignment,
)
from datamill.production.packages import list_packages
from datamill.production.projects import project_stats
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.synth import espeak_available
from datamill.workforce.pricing import set_price
from datamill.workforce.settlement import create_settlement_sheet
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login
from tests._cli import run_cli
from tests._migrations import drop_schema, migration_url
from tests._tools import require_tool
from tests.known_issues._web import web_login
from tests.unit.collection.helpers import PROMPTS, collection_project, invite, speech

WEEK = datetime(2024, 5, 6, tzinfo=UTC).date()  # a Monday
ACCEPTED_AT = datetime(2024, 5, 8, 2, 0, tzinfo=UTC)
TEXT = "the words"


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")


def _enrolled(rt: Runtime, users: dict[str, User], name: str) -> tuple[int, str, list[int]]:
    """(project, token, prompt ids) of a young man enrolled for the demo collection project
    (his cell: 2 items)."""
    pid = collection_project(rt, users)
    token = invite(rt, users, pid, name)
    with rt.session() as s:
        subject.give_consent(s, token, "Re Recorder", version=1)
        state = subject.set_demographics(s, token, gender="male", age=25)
    return pid, token, [p["id"] for p in state["prompts"]]


def _take(rt: Runtime, tmp: Path, token: str, prompt_id: int, name: str,
          position: int = 0) -> dict[str, Any]:
    with rt.session() as s:
        subject.collection_state(s, token)  # the page loads first (it opens review's requests)
        out = subject.upload_recording(s, rt.blobs, token, prompt_id,
                                       speech(tmp, PROMPTS[position], name))
    assert out["passed"], out["reasons"]
    return out


def _annotate(rt: Runtime, user: User, pid: int) -> int:
    """``user`` claims the next annotate task (packaging what is ready) and submits it."""
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        me = s.merge(user)
        task = claim_next_task(s, me, pid, "annotate")
        assert task is not None
        submit_annotation(s, me, task.id, [SegmentIn(start_ms=0, end_ms=1000, text=TEXT)],
                          base_version=task.current_version)
        return task.item_id


def _review(rt: Runtime, reviewer: User, pid: int, verdict: str, reason: str | None = None,
            ) -> int:
    with rt.session() as s:
        me = s.merge(reviewer)
        task = claim_next_task(s, me, pid, "review")
        assert task is not None
        review_task(s, me, task.id, verdict, reason=reason)  # type: ignore[arg-type]
        return task.item_id


def _collector(s: Session, admin: User) -> int:
    """A qualified studio that ran the sessions, paid 300 per collected hour."""
    v = create_vendor(s, admin, name="Studio", kind="studio", fee_rate="0.1", agreement_no="S-1")
    set_vendor_qualified(s, admin, v.id, True, "assessed")
    register_worker(s, admin, create_user(s, "studio-mgr", "password1", "annotator"),
                    vendor_id=v.id, is_manager=True)
    set_price(s, admin, half_year="2024H1", stage="collect", modality="speech.asr",
              language_group="foreign", unit="hour", unit_price="300", vendor_id=v.id)
    return v.id


def test_a_rerecorded_prompt_is_delivered_counted_and_paid_once(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    rt = runtime
    pid, token, prompts = _enrolled(rt, users, "spk-m2")
    first = _take(rt, tmp_path, token, prompts[0], "take1.wav")
    assert _annotate(rt, users["ann1"], pid) == first["item_id"]
    # the reviewer hears a hum: the review form's recording problem asks for a re-record
    assert _review(rt, users["rev"], pid, "reject", "recording: loud hum") == first["item_id"]
    with rt.session() as s:
        row = subject.collection_state(s, token)["prompts"][0]
        assert row["state"] == "rerecord" and row["asked_by"] == "people"
    # meanwhile the transcript is redone and accepted (it was right; the audio was not)
    assert _annotate(rt, users["ann1"], pid) == first["item_id"]
    assert _review(rt, users["rev"], pid, "accept") == first["item_id"]
    second = _take(rt, tmp_path, token, prompts[0], "take2.wav")
    assert second["attempt"] == 2
    assert _annotate(rt, users["ann1"], pid) == second["item_id"]
    assert _review(rt, users["rev"], pid, "accept") == second["item_id"]
    with rt.session() as s:
        studio = _collector(s, s.merge(users["admin"]))
        s.execute(update(Item).where(Item.project_id == pid).values(supplier_vendor_id=studio))
        old, new = s.get(Item, first["item_id"]), s.get(Item, second["item_id"])
        assert old is not None and new is not None
        assert (old.status, old.superseded_by) == ("superseded", new.id)
        assert rt.blobs.exists(old.sha256)  # the earlier take's file is kept
        audit = s.scalars(select(AuditRecord).where(AuditRecord.action == "item.superseded",
                                                    AuditRecord.object_id == old.id)).one()
        assert audit.data["superseded_by"] == new.id
        assert audit.data["previous_status"] == "reviewed"
        take_ms = int(new.attributes["duration_ms"])
        # one batch, the current take only (before: both takes of the prompt)
        batch = create_batch(s, pid, limit=100)
        assert set(s.scalars(select(BatchItem.item_id).where(
            BatchItem.batch_id == batch.id))) == {new.id}
        insp_user = s.merge(users["insp"])
        insp = start_inspection(s, batch.id, insp_user)
        for smp in insp.sample:
            assert smp["item_id"] == new.id
            record_correction(s, insp.id, smp["item_id"], TEXT)
        assert complete_inspection(s, insp.id, insp_user).verdict == "accepted"
        s.execute(update(Inspection).where(Inspection.id == insp.id)
                  .values(completed_at=ACCEPTED_AT))
        old_ext, new_ext = old.external_id, new.external_id
    with rt.session() as s:
        delivery = deliver_batch(s, rt.blobs, batch.id, tmp_path / "out", formats=["kaldi"])
    assert delivery.path is not None
    root = Path(delivery.path)
    wav_scp = (root / "kaldi" / "wav.scp").read_text(encoding="utf-8")
    text = (root / "kaldi" / "text").read_text(encoding="utf-8")
    assert len(wav_scp.splitlines()) == 1 and len(text.splitlines()) == 1
    assert new_ext in wav_scp and old_ext not in wav_scp + text
    with rt.session() as s:
        cell = next(c for c in quota_progress(s, pid)["cells"] if c["label"] == "young men")
        assert cell["accepted"]["items"] == 1 and cell["in_progress"]["items"] == 0
        assert cell["counted"]["items"] == 1 and not cell["full"]  # 1 of 2: room for one more
        progress = {r["status"]: r for r in progress_by_status(s, pid)}
        usable = sum(r["items"] for r in progress.values() if r["usable"])
        assert usable == 1 and progress["superseded"]["items"] == 1
        assert progress["superseded"]["usable"] is False
        stats = project_stats(s, pid)
        assert stats["usable_volume"] == take_ms and stats["by_status"]["superseded"] == 1
        sheet = create_settlement_sheet(s, s.merge(users["admin"]), studio, WEEK)
        (line,) = sheet.lines
        hours = Decimal(take_ms) / Decimal(3_600_000)
        assert (line.stage, line.items) == ("collect", 1)
        assert line.quantity == hours.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        assert sheet.amount == (hours * 300).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_the_earlier_takes_tasks_cannot_be_claimed_or_submitted(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    rt = runtime
    pid, token, prompts = _enrolled(rt, users, "spk-claim")
    held = _take(rt, tmp_path, token, prompts[0], "held1.wav")  # being worked on
    returned = _take(rt, tmp_path, token, prompts[1], "ret1.wav", position=1)  # sent back
    assert _annotate(rt, users["ann1"], pid) == held["item_id"]
    assert _review(rt, users["rev"], pid, "reject", "recording: clipped") == held["item_id"]
    with rt.session() as s:  # ann2 takes the other take's task and holds it
        ann2 = s.merge(users["ann2"])
        in_hand = claim_next_task(s, ann2, pid, "annotate")
        assert in_hand is not None and in_hand.item_id == returned["item_id"]
        staff.request_rerecord(s, s.merge(users["pm"]), returned["item_id"], "a door slams",
                               source="manual")
    # the subject records both prompts again
    new0 = _take(rt, tmp_path, token, prompts[0], "held2.wav")
    new1 = _take(rt, tmp_path, token, prompts[1], "ret2.wav", position=1)
    with rt.session() as s:
        old_tasks = s.scalars(select(Task).where(Task.item_id.in_(
            [held["item_id"], returned["item_id"]]))).all()
        assert old_tasks and {t.status for t in old_tasks} == {"cancelled"}
        # the hold in hand went back; the submitted (then returned) work stays on record
        assert s.scalars(select(TaskAssignment).where(
            TaskAssignment.task_id == in_hand.id)).all() == []
        assert s.scalar(select(Annotation.id).where(
            Annotation.item_id == held["item_id"], Annotation.kind == "annotation"))
        kept = s.scalars(select(TaskAssignment.status).join(Task).where(
            Task.item_id == held["item_id"])).all()
        assert kept == ["returned"]
        ann2 = s.merge(users["ann2"])
        with pytest.raises(DatamillError):  # the task it held takes no submission
            submit_annotation(s, ann2, in_hand.id, [SegmentIn(start_ms=0, end_ms=900,
                                                              text=TEXT)],
                              base_version=in_hand.current_version)
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        claimed = set()  # each claims (or is handed again) the one task they hold
        for name in ("ann1", "ann2", "ann1", "ann2"):
            task = claim_next_task(s, s.merge(users[name]), pid, "annotate")
            if task is not None:
                claimed.add(task.item_id)
        assert claimed == {new0["item_id"], new1["item_id"]}
        # a package whose only open tasks were cancelled is no work left undone
        for pkg in list_packages(s, pid):
            assert pkg.tasks >= pkg.done


def test_a_third_take_retires_the_second(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    rt = runtime
    pid, token, prompts = _enrolled(rt, users, "spk-three")
    one = _take(rt, tmp_path, token, prompts[0], "one.wav")
    with rt.session() as s:
        staff.request_rerecord(s, s.merge(users["pm"]), one["item_id"], "too quiet",
                               source="manual")
    two = _take(rt, tmp_path, token, prompts[0], "two.wav")
    assert _annotate(rt, users["ann1"], pid) == two["item_id"]
    assert _review(rt, users["rev"], pid, "accept") == two["item_id"]
    with rt.session() as s:
        batch = create_batch(s, pid, limit=100)
        assert batch.items == 1
        # the inspector hears a problem in the batched take and asks for it again
        staff.request_rerecord(s, s.merge(users["insp"]), two["item_id"], "clipped",
                               source="inspection")
    three = _take(rt, tmp_path, token, prompts[0], "three.wav")
    assert three["attempt"] == 3
    with rt.session() as s:
        items = {i.id: i for i in s.scalars(select(Item).where(Item.project_id == pid))}
        assert (items[one["item_id"]].status, items[one["item_id"]].superseded_by) == (
            "superseded", two["item_id"])  # still linked to the take that replaced it
        assert (items[two["item_id"]].status, items[two["item_id"]].superseded_by) == (
            "superseded", three["item_id"])
        assert items[three["item_id"]].status not in ("superseded", "rejected")
        assert s.scalars(select(BatchItem).where(BatchItem.batch_id == batch.id)).all() == []
        row = subject.collection_state(s, token)["prompts"][0]
        assert (row["state"], row["attempts"], row["retired_takes"]) == ("done", 3, 2)
        assert row["item_id"] == three["item_id"]
        (listed,) = staff.list_subjects(s, s.merge(users["pm"]), pid)
        assert (listed["recordings"], listed["current_takes"], listed["retired_takes"]) == (
            3, 1, 2)
        (prompt,) = listed["rerecorded"]
        assert (prompt["current_attempt"], prompt["current_item_id"]) == (3, three["item_id"])
        assert [r["attempt"] for r in prompt["retired"]] == [1, 2]
        cell = next(c for c in quota_progress(s, pid)["cells"] if c["label"] == "young men")
        assert cell["counted"]["items"] == 1
        with pytest.raises(Conflict) as asked:  # a re-record is asked of the current take
            staff.request_rerecord(s, s.merge(users["pm"]), one["item_id"], "hum")
        assert asked.value.details["reason_code"] == "take_superseded"
        assert asked.value.details["superseded_by"] == two["item_id"]
        with pytest.raises(Conflict, match="once"):  # the current take is not recorded again
            subject.upload_recording(s, rt.blobs, token, prompts[0],
                                     speech(tmp_path, PROMPTS[0], "four.wav"))
    home, url = rt.settings.home, str(rt.settings.database_url)
    shown = run_cli(home, "collect", "subjects", str(pid), "--as", "pm",
                    DATAMILL_DATABASE_URL=url).stdout
    assert "3 recordings (1 current, 2 retired)" in shown
    assert (f"prompt 1: take 3 (item {three['item_id']}) is current; retired: take 1 (item"
            f" {one['item_id']}), take 2 (item {two['item_id']})") in shown
    (listed,) = json.loads(run_cli(home, "collect", "subjects", str(pid), "--as", "pm", "--json",
                                   DATAMILL_DATABASE_URL=url).stdout)
    assert listed["rerecorded"][0]["retired"][1] == {
        "attempt": 2, "item_id": two["item_id"], "superseded_by": three["item_id"]}
    pm = TestClient(create_app(rt))
    got = pm.get(f"{API}/projects/{pid}/items/{one['item_id']}", headers=login(pm, "pm"))
    assert got.status_code == 200, got.text
    assert (got.json()["status"], got.json()["superseded_by"]) == ("superseded", two["item_id"])
    web_login(pm, "pm")
    page = pm.get(f"/projects/{pid}/subjects")
    assert page.status_code == 200, page.text
    assert "1 current, 2 replaced by a re-recording" in page.text
    assert "prompt 1: take 3 is current; replaced: take 1; take 2" in page.text
    pm.cookies.set("lang", "zh-CN")
    page = pm.get(f"/projects/{pid}/subjects")
    assert "当前 1 条，2 条已被补录替换" in page.text
    assert "第 1 条提示语：当前为第 3 次录音；已替换：第 1 次录音；第 2 次录音" in page.text
    assert "已被更新的条目替换（不可用）" in pm.get(f"/projects/{pid}").text  # the dashboard


_SCHEMA = "mig_pw001"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_pw001_adds_and_drops_superseded_by_in_place(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    command.upgrade(cfg, "heads")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    assert "superseded_by" in {c["name"] for c in inspect(engine).get_columns("items")}
    engine.dispose()
    command.downgrade(cfg, "pv001")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    names = {c["name"] for c in inspect(engine).get_columns("items")}
    assert "superseded_by" not in names and "supplier_vendor_id" in names
    engine.dispose()
    command.upgrade(cfg, "heads")
    drop_schema(backend, _SCHEMA)
