"""Two transcribers split 1-1: the item's aggregate (its current version, what ``work next
--stage review`` and the API show the reviewer, and what an edit starts from outside the web
page) held the transcript first in code-point order, a pick that meant nothing (汽 sorts after
气, so the later answer won here). It is now the earliest submitted of the tied transcripts, the
one the review page's editor starts from (:mod:`datamill.qc.split_prefill`); the item stays
unresolved, so the reviewer must still adjudicate it."""

from __future__ import annotations

from datamill.compliance.models import User
from datamill.modalities.speech.aggregation import SpeechAggregationMixin
from datamill.production.models import Annotation, Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.qc.aggregating import unresolved_units
from datamill.runtime import Runtime
from tests.known_issues.test_trial_m4_agreement_rounds import _submit
from tests.unit.production.helpers import packaged_project


def _one(text: str, end_ms: int = 1000) -> list[dict[str, object]]:
    return [{"start_ms": 0, "end_ms": end_ms, "text": text}]


def test_a_tie_holds_the_earliest_tied_transcript() -> None:
    merge = SpeechAggregationMixin().merge_aggregate
    early, late = _one("今天天汽很好。"), _one("今天天气很好。")
    assert merge([early, late], {"transcript": "今天天气很好。"}) is early  # 1-1: not 气 < 汽
    third = _one("今天天气很好。", 900)
    assert merge([early, late, third], {"transcript": "今天天气很好。"}) is late  # 2-1 decides


def test_split_item_shows_the_first_transcriber_s_text(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, users.values(), 1, overlap=2)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    for who, text in (("ann1", "今天天汽很好。"), ("ann2", "今天天气很好。")):
        _submit(runtime, users[who], pid, [SegmentIn(start_ms=0, end_ms=1000, text=text)])
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        assert task is not None and task.current is not None
        assert [seg["text"] for seg in task.current.payload] == ["今天天汽很好。"]
        item = s.get(Item, task.item_id)
        current = s.get(Annotation, item.current_annotation_id)
        assert current.kind == "aggregate"
        assert unresolved_units(s, item)  # still a split the reviewer adjudicates
