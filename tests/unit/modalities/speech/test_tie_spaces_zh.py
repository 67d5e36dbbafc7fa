"""Two transcribers who wrote the same Chinese sentence, one with spaces between its words (or
cut into two segments, which the transcript joined with a space), split 1-1: the item went to
an extra transcriber or to review unresolved over a space that is no part of the transcript
(the exports and scoring drop it). Spaces between Chinese characters, or beside full-width
punctuation, no longer make two transcripts; a space in English or Korean still does, and so
does a different punctuation mark."""

from __future__ import annotations

from datamill.compliance.models import User
from datamill.modalities.speech.aggregation import transcript_unit
from datamill.production.models import Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.qc.aggregating import unresolved_units
from datamill.runtime import Runtime
from tests.known_issues.test_trial_m4_agreement_rounds import _submit
from tests.unit.production.helpers import packaged_project


def _t(*texts: str) -> str:
    return transcript_unit([{"text": t} for t in texts])


def test_spaces_between_chinese_characters_are_no_difference() -> None:
    assert _t("今天 天气 很好 。") == _t("今天天气很好。") == _t("今天天气", "很好。")
    assert _t("打开 WiFi ，然后连接") == _t("打开 WiFi，然后 连接")
    assert _t("今天天气很好。") != _t("今天天气很好！")  # the mark counts
    assert _t("hello world") != _t("helloworld")
    assert _t("저는 학생입니다") != _t("저는학생입니다")


def test_the_same_chinese_sentence_spaced_differently_is_no_split(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, users.values(), 1, overlap=2)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    _submit(runtime, users["ann1"], pid, [SegmentIn(start_ms=0, end_ms=1000, text="今天 天气 很好。")])
    _submit(runtime, users["ann2"], pid, [SegmentIn(start_ms=0, end_ms=1000, text="今天天气很好。")])
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        assert task is not None
        assert unresolved_units(s, s.get(Item, task.item_id)) == {}
        assert task.current is not None and task.current.confidence == 1.0
