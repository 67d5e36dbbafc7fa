"""Issue 12 §1: a sampling inspection scores transcripts by the project's language.

A Chinese batch whose inspector wrote full-width punctuation (``他说：“你好！”``) against a
delivered ``他说你好`` was rejected (character accuracy 0.80, sentence accuracy 0); a Turkish
project compares ``İSTANBUL`` and ``istanbul`` as equal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.compliance.models import User
from datamill.modalities.registry import get_modality
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.dashboard import live_scores
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project


def _deliver(rt: Runtime, users: dict[str, User], pid: int, text: str) -> None:
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            submit_annotation(s, users["ann1"], t.id,
                              [SegmentIn(start_ms=0, end_ms=t.duration_ms or 0, text=text)],
                              base_version=t.current_version)
    while True:
        with rt.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")


@pytest.mark.parametrize(
    ("language", "delivered", "corrected"),
    [("zh-CN", "他说你好", "他说：“你好！”"), ("zh-CN", "今天 天气 很好", "今天天气很好。"),
     ("tr-TR", "istanbul", "İSTANBUL")],
)
def test_inspection_scores_in_the_project_language(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
    language: str, delivered: str, corrected: str,
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4, name=f"lang-{language}-{len(delivered)}",
                        language=language)
    _deliver(runtime, users, pid, delivered)
    with runtime.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
    with runtime.session() as s:
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], corrected)
        done = complete_inspection(s, insp.id, users["insp"]).model_dump()
    assert done["verdict"] == "accepted", done["reasons"]
    assert done["scores"]["character_accuracy"] == 1.0
    assert done["scores"]["sentence_accuracy"] == 1.0
    assert done["scores"]["defective_items"] == 0
    live = live_scores([(corrected, delivered)], get_modality("speech.asr"), language)
    assert live["character_accuracy"] == 1.0 and live["defective_items"] == 0


def test_turkish_dotless_i_is_a_different_letter_in_turkish_only() -> None:
    plugin = get_modality("speech.asr")
    pair = [("ISPARTA", "isparta")]
    assert live_scores(pair, plugin, "en-US")["defective_items"] == 0
    assert live_scores(pair, plugin, "tr-TR")["defective_items"] == 1  # I is ı in Turkish
