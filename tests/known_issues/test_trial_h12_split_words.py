"""Trial h12: the reviewer's split table worded, not coded.

Under overlap, text relations and image classes are answered by every annotator (a relation one
of them did not draw is ``O``, an image with no class is ``""``). The review page's split table
showed those questions and answers as the engine's codes: ``relation:0:2|6:8`` with answers
``capital_of``, ``part_of`` and ``O``; an image's ``classes`` with one answer blank. Now: "Relation
between “北京” and “首都”" / "(no relation)", "Class" / "(no class)", in English and zh-CN; the
row's ``data-key`` keeps the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import translator
from datamill.web.routes._common import templates
from tests.known_issues.test_trial_ner_overlap_qc import _setup, _u, answer_all
from tests.unit.cli._text_project import text_spec

TEXT = "北京是中国的首都。"


def _rel(label: str | None) -> dict[str, Any]:
    spans = [{"id": "h", "start": 0, "end": 2, "label": "LOC"},
             {"id": "t", "start": 6, "end": 8, "label": "LOC"}]
    return {"type": "text_annotation", "schema_version": 1, "spans": spans,
            "relations": [{"head": "h", "tail": "t", "label": label}] if label else []}


def test_a_split_relation_is_worded_for_the_reviewer(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from tests.known_issues._web import web_login

    folder = tmp_path / "rel"
    folder.mkdir()
    (folder / "r1.txt").write_text(TEXT, encoding="utf-8")
    spec = text_spec("rel-split")
    spec["requirements"] = {**spec["requirements"], "labels": {
        "tasks": ["ner", "relations"], "entity_labels": ["PER", "LOC", "ORG"],
        "relation_labels": ["capital_of", "part_of"]}}
    with runtime.session() as s:
        pid = create_project(s, {**spec, "overlap": 3, "aggregation": {
            "method": "majority_vote", "min_confidence": 0.0}}).id
    people = _setup(runtime, users, pid, folder, ["annotate", "review"])
    for who, label in zip(people, ("capital_of", "part_of", None), strict=True):
        answer_all(runtime, who, pid, {"r1": _rel(label)})
    with runtime.session() as s:
        task = claim_next_task(s, _u(s, users["rev"]), pid, "review")
        assert task is not None
        task_id = task.id
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        assert 'data-key="relation:0:2|6:8"' in page  # the code stays in the markup
        assert "Relation between “北京” and “首都”" in page  # was: relation:0:2|6:8
        assert "(no relation)" in page and "<td>O</td>" not in page
        assert "No majority:" not in page  # the table says it, in words
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/review/{task_id}").text
        assert "“北京”与“首都”之间的关系" in page and "（无关系）" in page


def test_an_image_with_no_class_reads_no_class() -> None:
    split = [{"key": "classes", "start": None, "end": None, "head": None, "tail": None,
              "answers": [{"username": "mei", "label": "night"},
                          {"username": "jun", "label": ""}]}]
    table = templates.env.get_template("_split_answers.html")
    for lang, words in (("en", ("Class", "(no class)", ": ")), ("zh-CN", ("类别", "（无类别）", "："))):
        html = table.render(split=split, t=translator(lang))
        assert f"<td>jun</td><td>{words[1]}</td>" in html  # was blank
        assert f'<td rowspan="2">{words[0]}</td>' in html  # was: classes
        line = templates.env.from_string(
            "{% from '_no_majority.html' import no_majority_line with context %}"
            "{{ no_majority_line(answers) }}").render(
            t=translator(lang), answers=[{"who": "mei", "answer": "night"},
                                         {"who": "jun", "answer": ""}])
        assert f"jun{words[2]}{words[1]}" in line  # was "jun: " and nothing


def test_a_split_box_is_worded_for_the_reviewer() -> None:
    split = [{"key": "box:200:10:50:30", "start": None, "end": None, "head": None,
              "tail": None, "box": [200, 10, 50, 30],
              "answers": [{"username": "mei", "label": "person"},
                          {"username": "jun", "label": "O"}]}]
    table = templates.env.get_template("_split_answers.html")
    for lang, words in (("en", ("Box at x 200, y 10, 50×30 px", "(no box)")),
                        ("zh-CN", ("框：x 200，y 10，50×30 像素", "（未画框）"))):
        html = table.render(split=split, t=translator(lang))
        assert f'<td rowspan="2">{words[0]}</td>' in html and f"<td>{words[1]}</td>" in html


def split_at_review(runtime: Runtime, users: dict[str, User], folder: Path,
                    extra_object: dict[str, Any]) -> tuple[Any, dict[str, Any], int]:
    """An image project at overlap 2 where the second annotator also draws ``extra_object``:
    the item's aggregate (kind, confidence), the split its review's accept is refused with,
    and that review task's id."""
    import pytest

    from datamill.core.errors import Conflict
    from datamill.production.annotating import review_task
    from datamill.production.models import Annotation, Item
    from tests.unit.qc.test_aggregating import _answer, _project, _submit

    pid, ann = _project(runtime, users, folder, n=1, overlap=2)
    extra = {**_answer("street"), "objects": [*_answer("street")["objects"], extra_object]}
    item_id = _submit(runtime, ann[0], pid, _answer("street"))
    _submit(runtime, ann[1], pid, extra)
    with runtime.session() as s:
        item = s.get(Item, item_id)
        assert item is not None
        current = s.get(Annotation, item.current_annotation_id)
        assert current is not None
        task = claim_next_task(s, _u(s, users["rev"]), pid, "review")
        assert task is not None
        with pytest.raises(Conflict, match="split with no majority") as err:
            review_task(s, _u(s, users["rev"]), task.id, "accept")
        return (current.kind, current.confidence), err.value.details["split"], task.id


def test_a_box_one_of_two_drew_waits_for_the_reviewer(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """Through the services: overlap 2, one annotator draws a second box. Before, the item's
    aggregate was written at confidence 1.0, the box gone and nothing split (accept allowed);
    now confidence 0.5, the accept is refused as split and the page words the box."""
    from tests.known_issues._web import web_login

    (kind, confidence), split, task_id = split_at_review(
        runtime, users, tmp_path / "box",
        {"kind": "box", "label": "car", "x": 100, "y": 20, "w": 20, "h": 20})
    assert kind == "aggregate"
    assert confidence == 0.5  # was 1.0
    assert split == {"box:100:20:20:20": {"O": 1, "car": 1}}
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        assert "Box at x 100, y 20, 20×20 px" in page and "(no box)" in page
