"""Issue 12 §4 part B: the speech workbench's speaker list, skip, "cannot transcribe" flags and
the comment to the reviewer (services, SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.access import require_task_view
from datamill.compliance.models import User
from datamill.core.errors import Forbidden, InvalidInput
from datamill.modalities.base import flag_item_in
from datamill.modalities.registry import get_modality
from datamill.modalities.speech.types import flag_tag
from datamill.production import task_notes
from datamill.production.annotating import list_annotations, submit_annotation
from datamill.production.models import Item, TaskAssignment
from datamill.production.schemas import SegmentIn
from datamill.production.speech import speakers as speaker_list
from datamill.production.tasks import claim_next_task, create_packages, get_task
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project


def _seg(start: int, end: int, text: str, **kw: object) -> SegmentIn:
    return SegmentIn(start_ms=start, end_ms=end, text=text, **kw)  # type: ignore[arg-type]


def _project(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> int:
    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
    return pid


def test_speaker_list_replaces_free_text(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> None:
    pid = _project(runtime, users, tmp_path)
    with runtime.session() as s:
        assert speaker_list.list_speakers(s, pid) == []
        rows = speaker_list.set_speakers(s, users["pm"], pid, [
            speaker_list.SpeakerIn(code="A", name="Agent"),
            speaker_list.SpeakerIn(code="C", name="Caller", colour="#FF0000", hotkey=5),
        ])
        assert [(r.code, r.hotkey) for r in rows] == [("A", 1), ("C", 5)]
        assert rows[1].colour == "#ff0000" and rows[0].colour.startswith("#")
        with pytest.raises(InvalidInput, match="unique"):
            speaker_list.set_speakers(s, users["pm"], pid, [speaker_list.SpeakerIn(code="A"),
                                                          speaker_list.SpeakerIn(code="A")])
        speaker_list.add_speaker(s, users["pm"], pid, speaker_list.SpeakerIn(code="X"))
        assert [r.code for r in speaker_list.remove_speaker(s, users["pm"], pid, "X")] == ["A", "C"]
    with runtime.session() as s:
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        dur = task.duration_ms or 1000
        with pytest.raises(InvalidInput, match="speaker 'Z', not on the project's list") as no:
            submit_annotation(s, users["ann1"], task.id, [_seg(0, dur, "hi", speaker="Z")],
                              base_version=task.current_version)
    # trial h9: coded, so the API and the CLI word it in zh-CN too (it was English there)
    from datamill.modalities.problem_words import word_error

    assert no.value.details["field"] == "speaker"
    assert word_error(no.value.message, no.value.details, "zh-CN")[0] == \
        "第 1 段：说话人 'Z' 不在项目的说话人列表中（A, C）"
    with runtime.session() as s:
        ann = submit_annotation(s, users["ann1"], task.id, [_seg(0, dur, "hi", speaker="C")],
                                base_version=task.current_version)
        assert ann.segments[0]["speaker"] == "C"


def test_skip_frees_the_task_for_others_never_for_me(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users, tmp_path)
    with runtime.session() as s:
        first = claim_next_task(s, users["ann1"], pid, "annotate")
        assert first is not None
        with pytest.raises(InvalidInput, match="why"):
            task_notes.skip_task(s, users["ann1"], first.id, "  ")
        out = task_notes.skip_task(s, users["ann1"], first.id, "other language")
        assert out["status"] == "skipped"
    with runtime.session() as s:
        nxt = claim_next_task(s, users["ann1"], pid, "annotate")
        assert nxt is not None and nxt.id != first.id  # not offered to me again
        other = claim_next_task(s, users["ann2"], pid, "annotate")
        assert other is not None and other.id == first.id  # back in the pool for others
        hold = s.scalars(select(TaskAssignment).where(TaskAssignment.task_id == first.id,
                                                      TaskAssignment.user_id == users["ann1"].id)).one()
        assert (hold.status, hold.return_reason) == ("skipped", "other language")
        assert task_notes.skipped_by(s, first.id) == [
            {"user_id": users["ann1"].id, "reason": "other language"}]
        # handed back: the skipper reads it no more (the next holder's work is not theirs)
        task = get_task(s, first.id)
        with pytest.raises(Forbidden, match="you do not hold task"):
            require_task_view(s, users["ann1"], task)
        require_task_view(s, users["ann2"], task)


def test_flags_and_comment_are_stored_and_exported(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users, tmp_path)
    with runtime.session() as s:
        t1 = claim_next_task(s, users["ann1"], pid, "annotate")
        assert t1 is not None
        dur = t1.duration_ms or 1000
        with pytest.raises(InvalidInput, match="unknown flag"):
            submit_annotation(s, users["ann1"], t1.id, [_seg(0, dur, "", flag="bogus")],
                              base_version=t1.current_version)
    with runtime.session() as s:
        a1 = submit_annotation(
            s, users["ann1"], t1.id,
            [_seg(0, dur // 2, "hello"), _seg(dur // 2, dur, "", flag="unintelligible")],
            base_version=t1.current_version, comment="  second half is mumbled ")
        assert a1.segments[1]["flag"] == "unintelligible" and "flag" not in a1.segments[0]
        note = task_notes.note_for(s, a1.id)
        assert note is not None and note.comment == "second half is mumbled"
        assert note.item_flag is None
        t2 = claim_next_task(s, users["ann1"], pid, "annotate")
        assert t2 is not None
        a2 = submit_annotation(s, users["ann1"], t2.id, [_seg(0, t2.duration_ms or 1000, "x")],
                               base_version=t2.current_version, item_flag="other_language")
        assert all(seg["flag"] == "other_language" for seg in a2.segments)
        assert task_notes.latest_note(s, t2.item_id).item_flag == "other_language"  # type: ignore[union-attr]
        with pytest.raises(InvalidInput, match="unknown item flag 'nope'; use one of unintell"):
            flag_item_in(get_modality("speech.asr"), [], "nope")
        with pytest.raises(InvalidInput, match="image items take no flags"):
            flag_item_in(get_modality("image"), {"objects": []}, "noise_only")
        # exporters see the documented tag in front of a flagged segment's transcript
        plugin = get_modality("speech.asr")
        item = s.get(Item, t1.item_id)
        assert item is not None
        from datamill.modalities.base import ItemRecord

        rec = ItemRecord(external_id=item.external_id, sha256=item.sha256, filename="x.wav",
                         path=tmp_path / "x.wav", attributes=item.attributes, language="en-US")
        texts = [sg.text for sg in plugin.export_item(rec, list_annotations(s, item.id)[-1].segments).segments]
        assert texts == ["hello", flag_tag("unintelligible")] == ["hello", "<flag:unintelligible>"]
