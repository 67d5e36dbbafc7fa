"""Two transcribers write the same transcript but cut it differently (a 1-1 segmentation
split): the aggregate held the segmentation first in code-point order (``— 0.00–1.00 s``
before ``— 0.00–1.50 s``), the vote's meaningless pick at a tie, while a tied transcript
holds the earliest submitted (:mod:`datamill.core.tie_break`). A tied segmentation now follows
the same rule: the earliest submitted of the tied cuts."""

from __future__ import annotations

from datamill.compliance.models import User
from datamill.modalities.speech.aggregation import SpeechAggregationMixin, segment_units
from datamill.production.models import Annotation, Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.qc.aggregating import unresolved_units
from datamill.runtime import Runtime
from tests.known_issues.test_trial_m4_agreement_rounds import _submit
from tests.unit.production.helpers import packaged_project


def _cut(end_ms: int) -> list[dict[str, object]]:
    return [{"start_ms": 0, "end_ms": end_ms, "text": "hello world"}]


def test_a_segmentation_tie_holds_the_earliest_cut() -> None:
    merge = SpeechAggregationMixin().merge_aggregate
    early, late = _cut(1500), _cut(1000)
    vote = min(v for _a, _k, v in segment_units({1: early, 2: late}))  # the tie's pick
    assert vote == "— 0.00–1.00 s"
    assert merge([early, late], {"transcript": "hello world", "segments": vote}) is early
    third = _cut(1050)  # 2-1: the decided cut wins
    assert merge([early, late, third], {"transcript": "hello world", "segments": vote}) is late


def test_the_split_item_s_aggregate_holds_the_first_cut(runtime: Runtime,
                                                        users: dict[str, User]) -> None:
    pid = packaged_project(runtime, users.values(), 1, overlap=2)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    for who, end_ms in (("ann1", 1500), ("ann2", 1000)):
        _submit(runtime, users[who], pid, [SegmentIn(start_ms=0, end_ms=end_ms,
                                                     text="hello world")])
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["rev"]), pid, "review")
        assert task is not None
        item = s.get(Item, task.item_id)
        assert item is not None
        held = s.get(Annotation, item.current_annotation_id)
        assert held is not None and held.kind == "aggregate"
        assert held.payload[0]["end_ms"] == 1500  # was 1000: "1.00" sorts before "1.50"
        assert "segments" in unresolved_units(s, item)  # still the reviewer's to decide
