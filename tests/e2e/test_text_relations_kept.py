"""Trial h5, round 3: a text project with relations imports pre-labelled spans and relations
(``text_jsonl``). The workbench drew no relations and kept them as they came, so an annotator
who deleted a wrong pre-labelled span that a relation named could not submit at all ("no span
with id s1"). A deleted span now takes its relations with it; the side panel lists the
relations (read-only, each span by its words)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.production.models import Annotation, Task
from tests.e2e.conftest import Site, shot, sign_in
from tests.e2e.test_text_relation_editor import relations_task

pytestmark = pytest.mark.slow


def test_a_deleted_span_takes_its_relations_with_it(site: Site, context: Any) -> None:
    tid, _pid = relations_task(site, {
        "spans": [{"id": "s1", "start": 0, "end": 2, "label": "PER"},
                  {"id": "s2", "start": 3, "end": 5, "label": "LOC"},
                  {"id": "s3", "start": 6, "end": 10, "label": "ORG"}],
        "relations": [{"head": "s1", "tail": "s3", "label": "works_at"},
                      {"head": "s3", "tail": "s2", "label": "located_in"}]},
        text="张伟在北京的清华大学工作。")
    page = sign_in(context, "ann2")
    page.goto(f"/lang/zh-CN?next=/tasks/{tid}")
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    assert [r.rstrip(" ×") for r in  # each row ends in its delete button
            page.get_by_test_id("text-wb-relations").locator("li").all_inner_texts()] == [
        "张伟 → 清华大学 · works_at", "清华大学 → 北京 · located_in"]
    page.get_by_test_id("text-wb-delete-0").click()  # 张伟 was not a person here, say
    assert [r.rstrip(" ×") for r in  # each row ends in its delete button
            page.get_by_test_id("text-wb-relations").locator("li").all_inner_texts()] == [
        "清华大学 → 北京 · located_in"]
    shot(page, "text-relations-kept")
    page.get_by_test_id("text-wb-submit").click()
    page.wait_for_url(lambda u: not re.search(rf"/tasks/{tid}$", u))
    with site.rt.session() as s:
        t = s.get(Task, tid)
        assert t is not None
        got = s.scalars(select(Annotation.segments).where(Annotation.item_id == t.item_id)
                        .order_by(Annotation.version.desc())).first()
    assert got is not None
    assert [sp["id"] for sp in got["spans"]] == ["s2", "s3"]
    assert got["relations"] == [{"head": "s3", "tail": "s2", "label": "located_in"}]
