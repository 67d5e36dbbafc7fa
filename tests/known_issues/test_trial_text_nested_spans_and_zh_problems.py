"""Trial (text workbench): the review page showed only the outer-level spans (a nested ORG
«张三去了北京» holding 张三 PER and 北京 LOC was hidden), and a refused annotation read in English
on zh-CN pages ("提交未提交: a reason of at least 4 letters or digits is required…", "its end
offset 13 splits the character '👍🏽'"). Now every span is listed and drawn (stacked underlines),
and the modality's coded problems are worded in the page's language with full-width
punctuation; English pages keep the modality's message."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from tests._api import web_sign_in as _sign_in
from tests.unit.api.test_web_text_llm_review import (
    _annotate_all,
    _llm_project,
    _pair,
    _project,
    _review_task,
    _span,
    _text,
    client,  # noqa: F401 - the fixture
)
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

LINE = "张三去了北京，给大家点赞👍🏽。"
THUMB = LINE.index("👍")  # 12: 👍 U+1F44D then the skin tone U+1F3FD, one character


def _nested_project(runtime: Runtime, users: dict[str, User], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lines.txt").write_text(LINE + "\n", encoding="utf-8")
    prepared = prepare_text_source(folder / "lines.txt", folder / "prepared")
    req = copy.deepcopy(TEXT_REQUIREMENTS)
    req["labels"]["allow_nested"] = True
    return _project(runtime, users, {
        "name": "text-nested", "modality": "text", "language": "zh-CN",
        "project_type": "custom_service", "stages": ["annotate", "review"], "package_size": 10,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"span_f1": 0.9},
        "requirements": req}, prepared.manifest)


def test_the_review_page_shows_nested_spans(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path  # noqa: F811
) -> None:
    pid = _nested_project(runtime, users, tmp_path / "text")
    _annotate_all(runtime, users, pid, _text(_span(0, 2, "PER"), _span(4, 6, "LOC"),
                                             _span(0, 6, "ORG")))
    _sign_in(client, "rev")
    task_id, _ = _review_task(runtime, users, pid)
    page = client.get(f"/review/{task_id}").text
    rows = re.findall(r'data-testid="review-span" data-span="(\d+)" data-label="(\w+)"'
                      r' data-start="(\d+)" data-end="(\d+)"><mark[^>]*>([^<]*)<', page)
    assert [(lab, int(a), int(b), words) for _n, lab, a, b, words in rows] == [
        ("ORG", 0, 6, "张三去了北京"), ("PER", 0, 2, "张三"), ("LOC", 4, 6, "北京")]
    text = re.search(r'data-testid="review-text">(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]
    assert re.sub(r"<[^>]+>", "", text) == LINE  # the text whole, once
    # 张三 carries two underlines (PER nearest the text, ORG below it), 去了 one, 给大家 none
    n = {lab: n for n, lab, *_ in rows}
    assert re.search(rf'<span class="ul ul-2 lv-1" data-span="{n["ORG"]}"><span class="ul ul-0'
                     rf' lv-0" data-span="{n["PER"]}">张三</span></span>', text)
    assert re.search(rf'<span class="ul ul-2 lv-1" data-span="{n["ORG"]}">去了</span>', text)
    assert "/static/text/review.js" in page


def _first_task(runtime: Runtime, users: dict[str, User], pid: int) -> tuple[int, int]:
    with runtime.session() as s:
        me = s.get(User, users["ann1"].id)
        assert me is not None
        task = claim_next_task(s, me, pid, "annotate")
        assert task is not None
        return task.id, task.current_version


def test_refused_text_and_llm_annotations_read_in_the_page_language(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path  # noqa: F811
) -> None:
    pid = _nested_project(runtime, users, tmp_path / "text")
    csrf = _sign_in(client, "ann1")
    task_id, version = _first_task(runtime, users, pid)
    half = _text(_span(0, 2, "PER"), _span(THUMB, THUMB + 1, "ORG"))  # half of 👍🏽

    def submit(url: str, doc: dict[str, Any], lang: str) -> dict[str, Any]:
        r = client.post(url, json={"annotation": doc, "base_version": version},
                        headers={"X-CSRF-Token": csrf, "Accept-Language": lang})
        assert r.status_code == 422, r.text
        return r.json()  # type: ignore[no-any-return]

    url = f"/web/api/tasks/{task_id}/annotation"
    zh = submit(url, half, "zh-CN")
    assert zh["detail"] == (
        f"第 2 个片段 [{THUMB}, {THUMB + 1})：终点 {THUMB + 1} 把字符「👍🏽」拆开了（带附加符号的"
        "字母、国旗、表情符号序列、谚文音节、印度文字连写或 CR LF 换行）；请把边界移到它之前或之后")
    assert zh["problems"][0]["code"] == "end_splits_character"
    assert "splits the character" in zh["message_en"]
    en = submit(url, half, "en")  # a page is read by people: the catalogue's words, from 1
    assert en["detail"].startswith(f"span 2 [{THUMB}, {THUMB + 1}): its end offset") and (
        "'👍🏽'" in en["detail"])
    assert en["message_en"].startswith(f"spans[1]: [{THUMB}, {THUMB + 1}): its end offset")
    two = submit(url, _text(_span(0, 2, "ANIMAL"), _span(THUMB + 1, THUMB + 2, "LOC")), "zh-CN")
    assert two["detail"] == (
        "第 1 个片段：未知标签「ANIMAL」（本项目的标签：PER, LOC, ORG）；第 2 个片段"
        f" [{THUMB + 1}, {THUMB + 2})：起点 {THUMB + 1} 把字符「👍🏽」拆开了（带附加符号的字母、"
        "国旗、表情符号序列、谚文音节、印度文字连写或 CR LF 换行）；请把边界移到它之前或之后")
    # the llm modality: a pairwise choice without a reason
    lpid = _llm_project(runtime, users, tmp_path / "llm")
    ltask, version = _first_task(runtime, users, lpid)
    zh = submit(f"/web/api/tasks/{ltask}/annotation", _pair("a", ""), "zh-CN")
    assert zh["detail"] == "理由至少需要 5 个字母或数字（空格和标点不计）"
    en = submit(f"/web/api/tasks/{ltask}/annotation", _pair("a", ""), "en")
    assert en["detail"] == ("a reason of at least 5 letters or digits is required (spaces and"
                            " punctuation do not count)")
