"""Trial h20 (round of 2026-12-07): a qualification question gave its answer away by its names
and by fields read together.

* its ``external_id`` and ``filename`` were the item's, so a file named after its sentence
  (``the_cat_sat_on_the_mat.wav``) was the answer, in the questions and in the media's
  ``Content-Disposition``; a question is now named by its place (``question-1``,
  ``question-1.wav``), and a CLI candidate answers under that name;
* a transcript split across two top-level attributes (each half scoring < 0.5, together 1.0)
  was served: fields are now also tried together, in the answer's order, and withheld while
  together they give it away."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item, Project
from datamill.runtime import Runtime
from datamill.workforce.qualification import (
    define_qualification_test,
    golden_answers_by_reference,
    qualification_questions,
    question_item,
    take_qualification_test,
)
from datamill.workforce.vendors import register_worker

ANSWER = "the cat sat on the mat by the door"


def _project(s: Session, pm: User, language: str, items: list[dict[str, Any]]) -> list[int]:
    p = Project(name=f"names-{language}", modality="speech.asr", language=language,
                project_type="custom_service", data_owner="customer",
                spec={"stages": ["annotate"]})
    s.add(p)
    s.flush()
    add_member(s, p.id, pm, actor_id=None)
    rows = [Item(project_id=p.id, size_bytes=10, owner="customer", status="passed",
                 volume=1500, **{"sha256": f"{p.id}-{i}".ljust(64, "0"), **kw})
            for i, kw in enumerate(items)]
    s.add_all(rows)
    s.flush()
    return [p.id, *(r.id for r in rows)]


@pytest.mark.parametrize(("language", "answer", "halves"), [
    ("en-US", ANSWER, {"b_one": "the cat sat", "c_two": "on the mat", "a_three": "by the door"}),
    ("zh-CN", "今天天气很好我们去公园散步吧", {"zz": "今天天气", "aa": "很好我们去",
                                             "mm": "公园散步吧"}),
])
def test_a_transcript_split_across_two_attributes_is_withheld(
    runtime: Runtime, users: dict[str, User], language: str, answer: str,
    halves: dict[str, str],
) -> None:
    with runtime.session() as s:
        pid, item = _project(s, users["pm"], language, [dict(
            external_id="u1", filename="u1.wav",
            attributes={"duration_ms": 1500, "channel": "left", **halves})])
        define_qualification_test(s, users["admin"], pid, {item: answer}, pass_threshold="0.9")
        (question,) = qualification_questions(s, users["admin"], pid)
    # each third scores < 0.5, so all were shown; now withheld until what is left (one third)
    # no longer gives the answer away
    shown = [k for k in halves if k in question.attributes]
    assert len(shown) == 1, question
    assert sorted(question.withheld) == sorted(f"attributes.{k}" for k in halves if k not in shown)
    assert {k: v for k, v in question.attributes.items() if k not in halves} == {
        "channel": "left", "duration_ms": 1500}


def test_a_question_shows_no_name_of_its_item(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        pid, first, second = _project(s, users["pm"], "en-US", [
            dict(external_id="the_cat_sat_on_the_mat_by_the_door",
                 filename="the_cat_sat_on_the_mat_by_the_door.WAV", attributes={}),
            dict(external_id="x2", filename="a quick fox", attributes={})])
        define_qualification_test(s, users["admin"], pid, {first: ANSWER, second: "a quick fox"},
                                  pass_threshold="0.9")
        questions = qualification_questions(s, users["admin"], pid)
        assert [(q.item_id, q.external_id, q.filename) for q in questions] == [
            (first, "question-1", "question-1.wav"), (second, "question-2", "question-2")]
        worker = create_user(s, "wq", "password1", "annotator")
        register_worker(s, users["admin"], worker, languages=["en-US"])
        add_member(s, pid, worker, actor_id=None)
        answers = golden_answers_by_reference(  # as the CLI's take: the names it was shown
            s, pid, {"question-1": ANSWER, "question-2": "a quick fox"}, questions=True)
        assert answers == {first: ANSWER, second: "a quick fox"}
        assert take_qualification_test(s, worker, pid, answers).passed
        item, name = question_item(s, worker, pid, first)  # the media's file name
        assert (item.id, name) == (first, "question-1.wav")  # was the item's, the answer
