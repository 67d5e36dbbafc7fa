"""Issue 14 §2 web: the conversation editor (edit a turn, chain of thought, add and remove a
turn), the ranking form and the rubric form submit documents the modality accepts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Task
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from tests.e2e.conftest import Site, shot, sign_in
from tests.unit.modalities.llm._cases import requirements, spec

pytestmark = pytest.mark.slow

RECORDS = {
    "sft": {"id": "s1", "messages": [{"role": "user", "content": "What is the capital of Italy?"},
                                     {"role": "assistant", "content": "Milan."}]},
    "ranking": {"id": "k1", "prompt": "Name a prime number.",
                "responses": [{"id": "a", "content": "9"}, {"id": "b", "content": "7"},
                              {"id": "c", "content": "2"}]},
    "rubric": {"id": "e1", "prompt": "Explain DNS in one sentence.",
               "responses": ["DNS maps domain names to IP addresses."]},
}


def _task(site: Site, task: str, record: dict[str, Any] | None = None, **overrides: Any) -> int:
    folder = site.scratch(f"datamill-e2e-llm-{task}-")
    src = folder / "records.jsonl"
    src.write_text(json.dumps(record or RECORDS[task]) + "\n", encoding="utf-8")
    with site.rt.session() as s:
        p = create_project(s, spec(task, name=f"e2e-llm-{task}-{folder.name[-6:]}", **overrides))
        for u in site.users.values():
            add_member(s, p.id, u, actor_id=None)
    with site.rt.session() as s:
        import_source(s, site.rt.blobs, p.id, src)
    with site.rt.session() as s:
        run_checks(s, site.rt.blobs, p.id, workers=1)
    with site.rt.session() as s:
        create_packages(s, p.id, "annotate")
        t = claim_next_task(s, site.users["ann2"], p.id, "annotate")
        assert t is not None
        return t.id


def _submitted(site: Site, task_id: int) -> Any:
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        ann = s.scalars(select(Annotation).where(Annotation.item_id == task.item_id)
                        .order_by(Annotation.version.desc())).first()
        assert ann is not None and ann.kind == "annotation"
        return ann.segments


def _open(context: Any, task_id: int) -> Any:
    page = sign_in(context, "ann2")
    page.goto(f"/tasks/{task_id}")
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    return page


def _submit(page: Any, task_id: int) -> None:
    page.get_by_test_id("llm-submit").click()
    page.wait_for_url(lambda u: not re.search(rf"/tasks/{task_id}$", u))


def test_conversation_editor(site: Site, context: Any) -> None:
    tid = _task(site, "sft")
    page = _open(context, tid)
    # trial (LLM team, zh-CN): the roles showed as user / assistant / system in English; the
    # labels are the page's language now, the values (what is stored) stay the roles' names
    page.goto(f"/lang/zh-CN?next=/tasks/{tid}")
    page.wait_for_url(re.compile(rf"/tasks/{tid}$"))
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    role = page.get_by_test_id("llm-role-0")
    assert role.input_value() == "user"
    assert role.locator("option:checked").inner_text() == "用户"
    assert role.locator("option").all_inner_texts() == ["系统", "用户", "助手"]
    assert [o.get_attribute("value") for o in role.locator("option").all()] == [
        "system", "user", "assistant"]
    page.get_by_test_id("llm-content-1").fill("Rome is the capital of Italy.")
    page.get_by_test_id("llm-reasoning-1").fill("Italy's capital city is Rome")
    page.get_by_test_id("llm-add-turn").click()
    assert page.get_by_test_id("llm-role-2").input_value() == "user"
    page.get_by_test_id("llm-remove-2").click()
    assert page.get_by_test_id("llm-content-2").count() == 0
    shot(page, "llm-sft-editor")
    _submit(page, tid)
    assert _submitted(site, tid)["turns"] == [
        {"role": "user", "content": "What is the capital of Italy?"},
        {"role": "assistant", "content": "Rome is the capital of Italy.",
         "reasoning": "Italy's capital city is Rome"}]


def test_ranking_form(site: Site, context: Any) -> None:
    tid = _task(site, "ranking")
    page = _open(context, tid)
    page.get_by_test_id("llm-rank-c").get_by_role("button", name="↑").click()
    page.get_by_test_id("llm-rank-c").get_by_role("button", name="↑").click()
    page.get_by_test_id("llm-rank-a").get_by_role("button", name="↓").click()
    page.get_by_test_id("llm-reason").fill("2 and 7 are prime, 9 is not")
    shot(page, "llm-ranking-form")
    _submit(page, tid)
    got = _submitted(site, tid)
    assert got["ranking"] == ["c", "b", "a"] and got["reason"] == "2 and 7 are prime, 9 is not"


def test_rubric_form(site: Site, context: Any) -> None:
    req = requirements("rubric")
    req["rubric"] = {**req["rubric"], "criteria": [
        {"name": "helpfulness", "kind": "likert", "label": "有用性",
         "description": "回答是否解决了问题"},
        *req["rubric"]["criteria"][1:]]}
    tid = _task(site, "rubric", requirements=req)
    page = _open(context, tid)
    # a criterion's description is shown under its name (it was only a tooltip; trial h5)
    assert page.get_by_test_id("llm-helpfulness-about").inner_text() == "回答是否解决了问题"
    # the label (any language) heads the row, the machine name beside it (trial h5)
    assert page.get_by_test_id("llm-helpfulness-label").inner_text() == "有用性"
    assert page.get_by_test_id("llm-accuracy-about").count() == 0
    page.get_by_test_id("llm-helpfulness-4").check()
    page.get_by_test_id("llm-accuracy-5").check()
    page.get_by_test_id("llm-safe-true").check()
    page.get_by_test_id("llm-reason").fill("correct and short")
    shot(page, "llm-rubric-form")
    # Ctrl+Enter submits a rubric as it does a comparison (it did nothing here: trial h5)
    page.get_by_test_id("llm-reason").press("Control+Enter")
    page.wait_for_url(lambda u: not re.search(rf"/tasks/{tid}$", u))
    got = _submitted(site, tid)
    assert got["scores"] == {"helpfulness": 4, "accuracy": 5} and got["checks"] == {"safe": True}


def _in_view(page: Any, testid: str) -> bool:
    box = page.get_by_test_id(testid).bounding_box()
    size = page.viewport_size
    return bool(box and box["y"] >= 0 and box["y"] + min(box["height"], 200) <= size["height"])


def test_rubric_form_stays_in_view_beside_a_long_dialogue(site: Site, context: Any) -> None:
    """Trial h5: on a 121-turn dialogue the rubric form sat ~5,000 px down the page; it is in a
    side panel now, in view at the top of the dialogue and at its end."""
    turns = [{"role": "user" if i % 2 == 0 else "assistant",
              "content": f"Turn {i}: this is sentence number {i} of a long conversation about DNS."}
             for i in range(121)]
    record = {"id": "long1", "messages": turns,
              "responses": ["DNS maps domain names to IP addresses."]}
    tid = _task(site, "rubric", record=record,
                requirements=requirements("rubric", max_record_bytes=200_000))
    page = _open(context, tid)
    assert page.evaluate("document.documentElement.scrollHeight") > 2500  # the dialogue is long
    for testid in ("llm-rubric", "llm-submit"):
        assert _in_view(page, testid), testid
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 1500")
    assert _in_view(page, "llm-rubric") and _in_view(page, "llm-submit")
    page.get_by_test_id("llm-helpfulness-4").check()
    page.get_by_test_id("llm-accuracy-5").check()
    page.get_by_test_id("llm-safe-true").check()
    page.get_by_test_id("llm-reason").fill("answers the last question")
    shot(page, "llm-rubric-long-dialogue")
    _submit(page, tid)
    assert _submitted(site, tid)["scores"] == {"helpfulness": 4, "accuracy": 5}
