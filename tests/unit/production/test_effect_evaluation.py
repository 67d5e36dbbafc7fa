"""Application-effect verification through the loop (SQLite and PostgreSQL): the packaged
recogniser on a speech batch, a classifier trained on a text batch, who may run it, what is
refused, the audit record, the same seed drawing the same sample, and the delivery's
datasheet carrying the latest result."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch
from datamill.production.effect_evaluation import (
    evaluate_batch,
    list_evaluations,
    prepare_evaluation,
)
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    confirm_delivered,
    create_batch,
    start_inspection,
)
from datamill.production.projects import create_project
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project

WRONG = "completely different words about a purple elephant"


def _annotate_speech(rt: Runtime, users: dict[str, User], pid: int, wrong: set[int]) -> None:
    """Every item transcribed as its prompt, but the ``wrong`` ones (by order of claim)."""
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    n = 0
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            text = WRONG if n in wrong else (t.prompt or "").lower().rstrip(".")
            submit_annotation(s, users["ann1"], t.id,
                              [SegmentIn(start_ms=0, end_ms=t.duration_ms or 0, text=text)],
                              base_version=t.current_version)
            n += 1
    _review_all(rt, users, pid)


def _review_all(rt: Runtime, users: dict[str, User], pid: int) -> None:
    while True:
        with rt.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")


def test_speech_batch_names_the_wrong_transcript_and_reaches_the_datasheet(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_speech(runtime, users, pid, wrong={2})
    with runtime.session() as s:
        batch_id = create_batch(s, pid).id
    with runtime.session() as s:
        done = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    r = done.result
    assert done.method.startswith("pocketsphinx-") and done.sample_size == 4
    assert (r["measure"]["name"], r["measure"]["better"], r["items_scored"]) == (
        "word_error_rate", "lower", 4)
    [flagged] = r["second_look"]  # the one transcript that says something else
    assert flagged["reference"] == WRONG and flagged["value"] >= 1.0
    assert r["transcripts_confirmed"]["reject"] + r["transcripts_confirmed"]["listen"] >= 1
    assert sum(b["items"] for b in r["distribution"]) == 4
    assert r["groups"]["speaker"] and sum(g["items"] for g in r["groups"]["gender"].values()) == 4
    with runtime.session() as s:
        audit = s.scalars(select(AuditRecord).where(AuditRecord.action == "effect.evaluate")).one()
        assert audit.object_id == done.id and audit.data["measure"] == r["measure"]
    # the batch accepted and delivered: the datasheet states the latest evaluation
    with runtime.session() as s:  # the inspector finds the sample as delivered
        insp = start_inspection(s, batch_id, users["insp"])
        for smp in insp.sample:
            confirm_delivered(s, insp.id, smp["item_id"], users["insp"])
        assert complete_inspection(s, insp.id, users["insp"]).verdict == "accepted"
    with runtime.session() as s:
        delivery = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["kaldi"])
    sheet = delivery.datasheet["effect_evaluation"]
    assert sheet["measure"] == r["measure"] and sheet["method"] == done.method
    assert sheet["items_scored"] == 4 and "second_look" not in sheet


def test_seeded_sample_who_may_run_it_and_refusals(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_speech(runtime, users, pid, wrong=set())
    with runtime.session() as s:
        batch_id = create_batch(s, pid).id
        same = [prepare_evaluation(s, batch_id, users["pm"], sample=2, seed=7).chosen
                for _ in range(2)]
        assert same[0] == same[1] and len(same[0]) == 2
        draws = {tuple(prepare_evaluation(s, batch_id, users["pm"], sample=2, seed=k).chosen)
                 for k in range(8)}
        assert len(draws) > 1  # another seed, another sample
        for bad in (0, 5001):
            with pytest.raises(InvalidInput, match="sample must be between 1 and 5000"):
                prepare_evaluation(s, batch_id, users["pm"], sample=bad)
        for who in ("ann1", "rev"):
            with pytest.raises(Forbidden):
                prepare_evaluation(s, batch_id, users[who])
        outsider = create_user(s, "pm2", "password1", "project_manager")
        with pytest.raises(Forbidden):
            prepare_evaluation(s, batch_id, outsider)
    with runtime.session() as s:  # an inspector of the project may run it too
        done = evaluate_batch(s, runtime.blobs, batch_id, users["insp"], sample=1, seed=3)
    assert done.sample_size == 1 and done.created_by == users["insp"].id
    with runtime.session() as s:
        assert [e.id for e in list_evaluations(s, batch_id, users["pm"])] == [done.id]


def test_a_language_the_recogniser_does_not_read_is_refused_with_a_code(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    with runtime.session() as s:
        p = create_project(s, {
            "name": "zh-asr", "modality": "speech.asr", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate"],
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
            "requirements": {"read_speech": False}})
        add_member(s, p.id, users["pm"], actor_id=None)
        from datamill.production.models import Batch

        batch = Batch(project_id=p.id, name="b1", status="open")
        s.add(batch)
        s.flush()
        with pytest.raises(InvalidInput) as refused:
            prepare_evaluation(s, batch.id, users["pm"])
        assert refused.value.details["reason_code"] == "effect_language"
        assert refused.value.details["language"] == "zh-CN"
        s.rollback()


# ------------------------------------------------------------------------------------ text

_VOCAB = {
    "sports": ["比赛", "球队", "进球", "冠军", "教练", "球员", "联赛", "主场"],
    "finance": ["股票", "银行", "利率", "投资", "市场", "基金", "债券", "汇率"],
    "weather": ["下雨", "气温", "晴天", "台风", "降温", "预报", "暴雪", "湿度"],
}


def _text_corpus(folder: Path, n: int, seed: int) -> dict[str, str]:
    """``n`` short Chinese texts, a class each (by file stem), words of their class with a
    little of the others' and a serial so no two are near-duplicates."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    labels = {}
    every = [w for ws in _VOCAB.values() for w in ws]
    for i in range(n):
        label = list(_VOCAB)[i % 3]
        words = rng.sample(_VOCAB[label], 4) + rng.sample(every, 1)
        rng.shuffle(words)
        (folder / f"t{i:03d}.txt").write_text(
            f"第{i}条消息：" + "，".join(words) + f"。编号{rng.randrange(10**8):08d}",
            encoding="utf-8")
        labels[f"t{i:03d}"] = label
    return labels


def _text_spec(tasks: list[str]) -> dict[str, Any]:
    return {"name": "news-" + "-".join(tasks), "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 50, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"label_accuracy": 0.9, **({"span_f1": 0.9} if "ner" in tasks else {})},
            "requirements": {"text": {"min_chars": 2, "max_chars": 400, "languages": ["zh"],
                                      "min_language_confidence": 0.1, "max_control_chars": 0,
                                      "near_duplicate_jaccard": 0.95},
                             "labels": {"tasks": tasks, "classes": list(_VOCAB),
                                        "entity_labels": ["PER"]}}}


def _text_batch(rt: Runtime, users: dict[str, User], tmp: Path, *, flip: set[str],
                tasks: list[str]) -> tuple[int, dict[str, str]]:
    labels = _text_corpus(tmp / "corpus", 45, seed=11)
    with rt.session() as s:
        pid = create_project(s, _text_spec(tasks)).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, pid, tmp / "corpus")
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, pid, workers=1)
        assert summary.passed == 45, summary.rejections
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    classes = list(_VOCAB)
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            label = labels[t.external_id]
            if t.external_id in flip:  # a careless annotator's label
                label = classes[(classes.index(label) + 1) % 3]
            submit_annotation(s, users["ann1"], t.id, {"classes": [label]},
                              base_version=t.current_version)
    _review_all(rt, users, pid)
    with rt.session() as s:
        return create_batch(s, pid).id, labels


def test_text_classifier_learns_the_batch_and_names_the_mislabelled_items(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    flip = {"t004", "t017", "t030"}
    batch_id, _ = _text_batch(runtime, users, tmp_path, flip=flip, tasks=["classification"])
    with runtime.session() as s:
        done = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    r = done.result
    assert r["measure"]["name"] == "macro_f1" and r["items_scored"] == 45
    assert r["measure"]["value"] > r["baseline"]["macro_f1"] + 0.4  # it learnt the classes
    assert set(r["groups"]["class"]) == set(_VOCAB)
    assert [p["train_share"] for p in r["learning_curve"]] == [0.25, 0.5, 1.0]
    named = {x["external_id"] for x in r["second_look"]}
    assert flip <= named, r["second_look"]  # every flipped label is among those contradicted
    with runtime.session() as s:  # the same batch, the same seed: the same report
        again = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    assert again.result == r and again.id != done.id


def test_text_without_a_class_task_or_with_too_few_items_is_refused(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id, _ = _text_batch(runtime, users, tmp_path, flip=set(),
                              tasks=["classification", "ner"])
    with runtime.session() as s:
        with pytest.raises(InvalidInput) as few:
            evaluate_batch(s, runtime.blobs, batch_id, users["pm"], sample=6)
        assert few.value.details["reason_code"] == "effect_too_few"
        s.rollback()
    with runtime.session() as s:
        assert list_evaluations(s, batch_id, users["pm"]) == []  # nothing half-stored
        from datamill.production.models import Batch, Project

        batch = s.get(Batch, batch_id)
        assert batch is not None
        project = s.get(Project, batch.project_id)
        assert project is not None
        project.spec = {**project.spec, "requirements": {
            **project.spec["requirements"], "labels": {"tasks": ["ner"],
                                                       "entity_labels": ["PER"]}}}
    with runtime.session() as s:
        with pytest.raises(InvalidInput) as task:
            prepare_evaluation(s, batch_id, users["pm"])
        assert task.value.details["reason_code"] == "effect_task"


def test_an_empty_batch_is_a_conflict(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        p = create_project(s, _text_spec(["classification"]))
        add_member(s, p.id, users["pm"], actor_id=None)
        from datamill.production.models import Batch

        batch = Batch(project_id=p.id, name="empty", status="open")
        s.add(batch)
        s.flush()
        with pytest.raises(Conflict) as empty:
            prepare_evaluation(s, batch.id, users["pm"])
        assert empty.value.details["reason_code"] == "effect_empty_batch"
        s.rollback()


def test_a_speech_sample_is_bounded_by_what_a_synchronous_run_can_decode(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_speech(runtime, users, pid, wrong=set())
    with runtime.session() as s:
        batch_id = create_batch(s, pid).id
        with pytest.raises(InvalidInput, match=r"between 1 and 400 items for speech\.asr"):
            prepare_evaluation(s, batch_id, users["pm"], sample=401)
        assert len(prepare_evaluation(s, batch_id, users["pm"], sample=400).chosen) == 4


def test_a_seed_beyond_what_is_stored_is_refused_before_any_work(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        p = create_project(s, _text_spec(["classification"]))
        add_member(s, p.id, users["pm"], actor_id=None)
        from datamill.production.models import Batch

        batch = Batch(project_id=p.id, name="b", status="open")
        s.add(batch)
        s.flush()
        for seed in (-1, 2**63):
            with pytest.raises(InvalidInput, match="seed must be between 0 and"):
                prepare_evaluation(s, batch.id, users["pm"], seed=seed)
        s.rollback()
