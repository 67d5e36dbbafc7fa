"""Helper h1 (concurrency round): a decision and a change of what it decides on, at once.

An inspector's correction of a sampled item (``PUT /inspections/{id}/samples/{item}``, or its
confirmation) committed while another request completed the inspection: the completion had
read the sample and scored it, then the correction was written onto the completed inspection.
On PostgreSQL with the completion under way, the late correction answered 200 and the batch
stood accepted at character accuracy 1.0 with a stored reference that was another text
entirely. The correction now reads the inspection ``FOR SHARE``: it waits for the completion
and is refused 409 (``inspection_completed``), and nothing changes.

SQLite serialises writers (``BEGIN IMMEDIATE``): there the two run in turn and the test passes
before and after, as every concurrency test here does.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict
from datamill.production.inspection import (
    complete_inspection,
    confirm_delivered,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Annotation, Inspection, InspectionSample, Item, Project
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime, pg_url
from tests._tools import require_tool

BACKENDS = ["sqlite", "postgresql"]
SAID = "hello world"


def _runtime(backend: str, tmp_path: Path) -> Runtime:
    if backend == "postgresql" and pg_url() is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    return make_runtime(tmp_path, backend)


def _open_inspection(rt: Runtime) -> tuple[int, int, list[int]]:
    """An inspector and an open inspection of four reviewed items, every sample corrected as
    delivered; (inspector id, inspection id, sampled item ids)."""
    with rt.session() as s:
        inspector = create_user(s, "insp", "password1", "inspector")
        p = Project(name="decided-once", modality="speech.asr", language="en-US",
                    project_type="custom_service", data_owner="customer",
                    spec={"stages": ["annotate"], "overlap": 1, "package_size": 20,
                          "requirements": {"read_speech": False},
                          "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
                          "sampling": {"inspection_level": "II", "aql": 2.5}})
        s.add(p)
        s.flush()
        for i in range(4):
            item = Item(project_id=p.id, external_id=f"u{i}", sha256=f"{i}".rjust(64, "0"),
                        filename=f"u{i}.wav", size_bytes=1, owner="customer", status="reviewed",
                        volume=1500, attributes={"duration_ms": 1500})
            s.add(item)
            s.flush()
            ann = Annotation(item_id=item.id, version=1, stage="annotate", kind="submit",
                             payload={"segments": [{"start_ms": 0, "end_ms": 1500,
                                                    "text": SAID}]}, text=SAID)
            s.add(ann)
            s.flush()
            item.current_annotation_id = ann.id
        batch = create_batch(s, p.id)
        insp = start_inspection(s, batch.id, inspector)
        sampled = [int(x["item_id"]) for x in insp.sample]
        for item_id in sampled:
            record_correction(s, insp.id, item_id, SAID)
        return inspector.id, insp.id, sampled


def _wait_for_a_lock_wait(rt: Runtime) -> None:
    """Until a PostgreSQL backend of this database waits for a row lock (the late request
    reached the inspection's row), at most 30 s."""
    deadline = time.monotonic() + 30
    with rt.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("the late correction never waited for the completion")


@pytest.mark.parametrize("action", ["correct", "confirm"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_correction_during_the_completion_is_refused(backend: str, action: str,
                                                        tmp_path: Path) -> None:
    rt = _runtime(backend, tmp_path)
    inspector_id, inspection_id, sampled = _open_inspection(rt)
    answers: list[object] = []

    def late() -> None:
        try:
            with rt.session() as s:
                who = s.get_one(User, inspector_id)
                if action == "correct":
                    record_correction(s, inspection_id, sampled[0], "another text entirely", who)
                else:
                    confirm_delivered(s, inspection_id, sampled[0], who)
            answers.append("written")
        except Conflict as err:
            answers.append(err.details.get("reason_code"))

    with rt.session() as s:
        done = complete_inspection(s, inspection_id, s.get_one(User, inspector_id))
        assert done.verdict == "accepted"
        if backend == "postgresql":  # the completion under way (uncommitted) while it comes
            racer = threading.Thread(target=late)
            racer.start()
            _wait_for_a_lock_wait(rt)
    if backend == "postgresql":
        racer.join(timeout=60)
    else:  # SQLite: one writer at a time, the two run in turn
        late()
    with rt.session() as s:
        insp = s.get_one(Inspection, inspection_id)
        refs = s.scalars(select(InspectionSample.corrected_text)
                         .where(InspectionSample.inspection_id == inspection_id)
                         .order_by(InspectionSample.id)).all()
        verdict, status = insp.verdict, insp.status
    rt.close()
    assert answers == ["inspection_completed"]
    assert (status, verdict) == ("completed", "accepted")
    assert refs == [SAID] * len(sampled)  # the references the verdict was scored on


# --- a reviewer's two tabs: one rejects, the other accepts at the same moment ---------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_tab_that_lost_to_a_rejection_is_told_it_was_reviewed(backend: str,
                                                                  tmp_path: Path) -> None:
    """Over HTTP on PostgreSQL (``serve --workers 2``, 40 review tasks each decided from two
    tabs at once) every race ended in one 200 and one 409, except where a rejection won: it
    drops the review's holds, so the other tab was refused 403 ``task_not_held`` "you do not
    hold task N; claim a task first" (1 in 10 of those rounds). Its outcome, made certain here
    by deciding in turn: 409 ``review_decided``, worded in both languages; someone who never
    held the task is still refused 403."""
    from datamill.compliance.models import ProjectMember
    from datamill.core.errors import Forbidden
    from datamill.modalities.problem_words import word_reason
    from datamill.production.annotating import review_task
    from datamill.production.models import Review, Task

    rt = _runtime(backend, tmp_path)
    rev_id, review_id, _item_id = _review_held(rt)
    with rt.session() as s:  # a reviewer of the project who never held the task
        other = create_user(s, "rev2", "password1", "reviewer")
        s.add(ProjectMember(project_id=s.get_one(Task, review_id).project_id, user_id=other.id))
        other_id = other.id
    with rt.session() as s:  # the first tab
        review_task(s, s.get_one(User, rev_id), review_id, "reject", reason="a word is missing")
    with rt.session() as s:  # the second tab, a moment later
        with pytest.raises(Conflict) as lost:
            review_task(s, s.get_one(User, rev_id), review_id, "accept")
        with pytest.raises(Forbidden) as never:
            review_task(s, s.get_one(User, other_id), review_id, "accept")
        verdicts = s.scalars(select(Review.verdict).where(Review.task_id == review_id)
                             .order_by(Review.id)).all()
        status = s.get_one(Task, review_id).status
    rt.close()
    assert lost.value.details["reason_code"] == "review_decided"
    assert never.value.details["reason_code"] == "task_not_held"
    assert verdicts == ["reject"] and status == "waiting"
    assert "another tab" in (word_reason(lost.value.details, "en") or "")
    assert "另一个标签页" in (word_reason(lost.value.details, "zh-CN") or "")


# --- an acceptance and a new version of the item at once --------------------------------


def _review_held(rt: Runtime) -> tuple[int, int, int]:
    """An item annotated and its review task claimed by ``rev``: (reviewer id, review task id,
    item id)."""
    from datamill.compliance.models import ProjectMember
    from datamill.production.annotating import submit_annotation
    from datamill.production.schemas import SegmentIn
    from datamill.production.tasks import claim_next_task, create_packages

    with rt.session() as s:
        ann = create_user(s, "ann", "password1", "annotator")
        rev = create_user(s, "rev", "password1", "reviewer")
        p = Project(name="pinned", modality="speech.asr", language="en-US",
                    project_type="custom_service", data_owner="customer",
                    spec={"stages": ["annotate", "review"], "overlap": 1, "package_size": 20,
                          "requirements": {"read_speech": False}})
        s.add(p)
        s.flush()
        s.add_all(ProjectMember(project_id=p.id, user_id=u.id) for u in (ann, rev))
        s.add(Item(project_id=p.id, external_id="u0", sha256="0" * 64, filename="u0.wav",
                   size_bytes=1, owner="customer", status="passed", volume=1500,
                   attributes={"duration_ms": 1500}))
        s.flush()
        create_packages(s, p.id, "annotate")
        create_packages(s, p.id, "review")
        t = claim_next_task(s, ann, p.id, "annotate")
        assert t is not None
        submit_annotation(s, ann, t.id, [SegmentIn(start_ms=0, end_ms=1500, text=SAID)],
                          base_version=t.current_version)
        r = claim_next_task(s, rev, p.id, "review")
        assert r is not None
        return rev.id, r.id, r.item_id


def _new_version(s: object, item_id: int, text_: str) -> None:
    """A version no reviewer was shown, written as an aggregation writes one."""
    from datamill.modalities.registry import get_modality
    from datamill.production.annotating import write_version

    item = s.get_one(Item, item_id)  # type: ignore[attr-defined]
    doc = get_modality("speech.asr").validate_annotation(
        [{"start_ms": 0, "end_ms": 1500, "text": text_}],
        item.attributes, get_modality("speech.asr").requirements_model.model_validate(
            {"read_speech": False}))
    write_version(s, item, base_version=item.current_version, payload=doc,  # type: ignore[arg-type]
                  stage="annotate", kind="aggregate", author_id=None)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_acceptance_of_a_version_no_longer_current_is_refused(backend: str,
                                                                  tmp_path: Path) -> None:
    """The accept form sent no version (the edit form did), so an acceptance accepted whatever
    version was current when it arrived: a project aggregation (a dataset-level method)
    that rewrote the item after the reviewer's page was drawn had its version accepted unseen.
    The form sends the page's version; another version current is refused 409 ``review_stale``
    and nothing is recorded; the page drawn again accepts."""
    from datamill.modalities.problem_words import word_reason
    from datamill.production.annotating import review_task
    from datamill.production.models import Review

    rt = _runtime(backend, tmp_path)
    rev_id, review_id, item_id = _review_held(rt)
    with rt.session() as s:
        shown = s.get_one(Item, item_id).current_version
        _new_version(s, item_id, "an aggregate nobody reviewed")
    with pytest.raises(Conflict) as stale, rt.session() as s:  # refused: rolled back
        review_task(s, s.get_one(User, rev_id), review_id, "accept", base_version=shown)
    with rt.session() as s:
        assert s.scalars(select(Review.id)).all() == []
        now = s.get_one(Item, item_id)
        assert now.status == "in_review"
        done = review_task(s, s.get_one(User, rev_id), review_id, "accept",
                           base_version=now.current_version)
        accepted = s.scalars(select(Review.annotation_id)).one()
        current = now.current_annotation_id
    rt.close()
    assert stale.value.details["reason_code"] == "review_stale"
    assert "reload it and review it again" in (word_reason(stale.value.details, "en") or "")
    assert "重新加载后再次审核" in (word_reason(stale.value.details, "zh-CN") or "")
    assert done["item_status"] == "reviewed" and accepted == current


def test_an_acceptance_waits_for_a_new_version_under_way(tmp_path: Path) -> None:
    """PostgreSQL: a new version of the item was being written (an aggregation's transaction,
    uncommitted) when the reviewer accepted without naming a version (the API allows it). The
    acceptance read the item before that commit and recorded the old version as accepted while
    the item's current version became the new one: reviewed is not what is delivered. Now the
    acceptance locks the item's row: it waits, and accepts the version current after it."""
    from datamill.production.annotating import review_task
    from datamill.production.models import Review

    rt = _runtime("postgresql", tmp_path)
    rev_id, review_id, item_id = _review_held(rt)
    answers: list[object] = []

    def accept() -> None:
        try:
            with rt.session() as s:
                answers.append(review_task(s, s.get_one(User, rev_id), review_id, "accept"))
        except Conflict as err:
            answers.append(err.details.get("reason_code"))

    with rt.session() as s:
        _new_version(s, item_id, "an aggregate under way")
        racer = threading.Thread(target=accept)
        racer.start()
        _wait_for_a_lock_wait(rt)
    racer.join(timeout=60)
    with rt.session() as s:
        accepted = s.scalars(select(Review.annotation_id)).all()
        item = s.get_one(Item, item_id)
        current, status = item.current_annotation_id, item.status
    rt.close()
    assert len(answers) == 1 and isinstance(answers[0], dict), answers
    assert accepted == [current] and status == "reviewed"
