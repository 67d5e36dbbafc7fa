"""Split speech transcripts and OCR text-line readings side by side on the review page (h15).

Two transcribers of one utterance who differ, or two annotators who read one image text line
differently, reach the reviewer as a split; the page listed their answers one under the other
for the reviewer to compare by eye, while a split SFT conversation had them in columns with
the differences marked (h6). Transcripts and readings now use the same side-by-side view
(``_split_answers.html``, ``web/answer_diff.py``): a transcript by word (Chinese by
character), a text line's reading by character (``EXIT`` / ``EXlT``: the ``I`` and the ``l``).
Both languages on one review task each (the projects' users are made once).
"""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests.e2e.conftest import Site, shot, sign_in

pytestmark = pytest.mark.slow


def _review_task(site: Site, pid: int) -> int:
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["rev"]), pid, "review")
        assert task is not None
        return task.id


def _transcripts(site: Site) -> tuple[int, list[str]]:
    from tests.known_issues.test_trial_m4_agreement_rounds import _submit
    from tests.unit.production.helpers import packaged_project

    pid = packaged_project(site.rt, site.users.values(), 1, overlap=2)
    with site.rt.session() as s:
        from datamill.production.tasks import create_packages

        create_packages(s, pid, "review")
    for who, text in (("ann1", "please call the 北京 office now"),
                      ("ann2", "please call the 上海 office today")):
        _submit(site.rt, site.users[who], pid, [SegmentIn(start_ms=0, end_ms=1000, text=text)])
    return _review_task(site, pid), ["ann1", "ann2"]


def _readings(site: Site) -> tuple[int, list[str]]:
    from tests.unit.qc.test_aggregating import _answer, _project, _submit

    pid, people = _project(site.rt, site.users, site.scratch("ocr-split"), n=1, overlap=2)
    for who, text in zip(people, ("出口 EXIT", "出日 EXlT"), strict=False):
        answer = _answer("street")
        line = {"kind": "text_line", "label": "text", "transcription": text,
                "points": [[100, 20], [140, 20], [140, 50], [100, 50]]}
        _submit(site.rt, who, pid, {**answer, "objects": [*answer["objects"], line]})
    return _review_task(site, pid), [p.username for p in people[:2]]


@pytest.mark.parametrize(("kind", "marks"), [
    ("transcript", [["北京", "now"], ["上海", "today"]]),  # by word, Chinese by character
    ("reading", [["口", "I"], ["日", "l"]]),  # an OCR line by character
])
def test_split_free_text_answers_side_by_side(site: Site, browser: Any, kind: str,
                                              marks: list[list[str]]) -> None:
    task_id, names = (_transcripts if kind == "transcript" else _readings)(site)
    question = {"transcript": "rv.split_transcript", "reading": "rv.split_text"}[kind]
    for lang, words in (("en", EN), ("zh-CN", ZH_CN)):
        ctx = browser.new_context(base_url=site.url, locale=lang,
                                  extra_http_headers={"Accept-Language": lang},
                                  viewport={"width": 1400, "height": 900})
        ctx.set_default_timeout(30_000)  # the shared site may be busy with another test's page
        try:
            page = sign_in(ctx, "rev")
            page.goto(f"/review/{task_id}")
            grid = page.get_by_test_id("split-side-by-side")
            grid.wait_for()  # was: one <tr> per annotator, nothing marked
            columns = grid.get_by_test_id("split-column").all()
            assert [c.get_by_test_id("split-column-who").inner_text() for c in columns] == names
            left, right = (c.bounding_box() for c in columns)
            assert left is not None and right is not None
            assert abs(left["y"] - right["y"]) < 2  # next to each other
            assert right["x"] >= left["x"] + left["width"]
            found = [c.get_by_test_id("split-diff").all_inner_texts() for c in columns]
            assert found == marks, found
            row = page.get_by_test_id("split-answer")
            assert row.count() == 1
            cell = row.locator("td").first.inner_text()
            assert cell == words[question].format(x=100, y=20), cell
            assert page.get_by_text(words["rv.split_diff_hint"]).is_visible()
            shot(page, f"review-split-{kind}-side-by-side-{lang}")
        finally:
            ctx.close()
