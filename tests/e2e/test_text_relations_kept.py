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


ARC_ENDS = """() => {  // each arc's first and last points and the middles of its spans' characters
  const host = document.querySelector('.tx-arcs-host').getBoundingClientRect();
  const mid = (a, b) => {
    const r = (g) => document.querySelector(`.tx-text [data-g="${g}"]`).getBoundingClientRect();
    return [(r(a).left + r(b).right) / 2 - host.left, r(a).top - host.top];
  };
  return [...document.querySelectorAll('[data-testid^=text-wb-arc-]:not([data-testid*=label])')]
    .map((g) => {
      const d = g.querySelector('path').getAttribute('d').match(/-?[\\d.]+/g).map(Number);
      return {label: g.querySelector('text').textContent, from: [d[0], d[1]],
              to: [d[d.length - 2], d[d.length - 1]], mid};
    });
}"""


def test_relations_are_drawn_on_the_text_and_ctrl_enter_submits_from_a_select(
        site: Site, context: Any) -> None:
    """Trial h7: relations were rows in the side panel only, nothing on the text showed which
    spans were related; now each is an arc from its head span to its tail span with its label,
    drawn again as relations come and go. And Ctrl+Enter did nothing while the focus was in a
    select (the relation panel's, a span's label): the key went to the select only."""
    text = "张伟在北京的清华大学工作。"
    tid, _pid = relations_task(site, {
        "spans": [{"id": "s1", "start": 0, "end": 2, "label": "PER"},
                  {"id": "s2", "start": 3, "end": 5, "label": "LOC"},
                  {"id": "s3", "start": 6, "end": 10, "label": "ORG"}],
        "relations": [{"head": "s1", "tail": "s3", "label": "works_at"}]}, text=text)
    page = sign_in(context, "ann2")
    page.goto(f"/tasks/{tid}")
    page.wait_for_selector("[data-testid=text-wb-arc-0]")
    arcs = page.evaluate(ARC_ENDS)
    assert [a["label"] for a in arcs] == ["works_at"]

    def near(point: list[float], g: tuple[int, int]) -> bool:
        x, y = page.evaluate(f"() => ({ARC_ENDS})()[0].mid({g[0]}, {g[1]})")
        return abs(point[0] - x) < 2 and y - 12 < point[1] <= y

    assert near(arcs[0]["from"], (0, 1)) and near(arcs[0]["to"], (6, 9))  # 张伟 → 清华大学
    # a relation added in the panel is drawn too; one deleted goes from the text
    page.get_by_test_id("text-wb-rel-head").select_option(label="3. 清华大学 · ORG")
    page.get_by_test_id("text-wb-rel-tail").select_option(label="2. 北京 · LOC")
    page.get_by_test_id("text-wb-rel-label").select_option("located_in")
    page.get_by_test_id("text-wb-rel-add").click()
    page.wait_for_selector("[data-testid=text-wb-arc-1]")
    assert [a["label"] for a in page.evaluate(ARC_ENDS)] == ["works_at", "located_in"]
    shot(page, "text-relation-arcs")
    page.get_by_test_id("text-wb-relation-delete-0").click()
    page.wait_for_function("() => !document.querySelector('[data-testid=text-wb-arc-1]')")
    assert [a["label"] for a in page.evaluate(ARC_ENDS)] == ["located_in"]
    # Ctrl+Enter with the focus in a select submits
    page.get_by_test_id("text-wb-rel-label").focus()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: not re.search(rf"/tasks/{tid}$", u))
    with site.rt.session() as s:
        t = s.get(Task, tid)
        assert t is not None
        got = s.scalars(select(Annotation.segments).where(Annotation.item_id == t.item_id)
                        .order_by(Annotation.version.desc())).first()
    assert got is not None and got["relations"] == [
        {"head": "s3", "tail": "s2", "label": "located_in"}]
