"""Trial h5, round 3: a project manager on the zh-CN import page uploads a JSONL of preference
pairs with bad lines. The refused lines were told in English ("line 2: malformed JSON ...",
"a record is a JSON object, not list", "duplicate record id 'p1' ..."): they are worded in
the page's language now (each refusal carries a code and its values; the English is kept as
the cell's title)."""

from __future__ import annotations

import json
import re
from html import unescape

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in
from tests.unit.modalities.llm._cases import PAIR_RECORDS
from tests.unit.modalities.llm._cases import spec as llm_spec


def test_bad_lines_of_an_llm_import_are_worded_on_the_zh_page(
    runtime: Runtime, users: dict[str, User]
) -> None:
    rt = runtime
    with rt.session() as s:
        p = create_project(s, llm_spec("pairwise", name="zh-pairs"))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    lines = [json.dumps(PAIR_RECORDS[0], ensure_ascii=False),
             '{"id": "broken", "prompt": "北京是哪个国家的首都？"',
             "[1, 2]",
             json.dumps({**PAIR_RECORDS[1], "id": PAIR_RECORDS[0]["id"]}, ensure_ascii=False),
             json.dumps({**PAIR_RECORDS[0], "id": "again"}, ensure_ascii=False),
             json.dumps({"id": "x", "prompt": "你好，请介绍一下你自己。", "responses": [
                 {"id": "a", "content": "我是助手。"}, {"id": "a", "content": "我是模型。"}]},
                 ensure_ascii=False),
             # trial h12: a broken escape (a lone surrogate) was a vague "unable to parse raw
             # data as a unicode string", or without an id a server error
             '{"prompt": "Hi \\ud83d there", "responses": ["a", "b"]}']
    body = ("\n".join(lines) + "\n").encode("utf-8")
    web = TestClient(create_app(rt), headers={"Accept-Language": "zh-CN"})
    web_sign_in(web, "pm")
    form = web.get(f"/projects/{pid}/import")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf, form.text
    page = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf.group(1)},
                    files={"upload": ("pairs.jsonl", body, "application/octet-stream")}).text
    rows = {src: (code, unescape(said)) for code, src, said in re.findall(
        r'<tr data-testid="import-rejection"(?: data-code="([a-z_]+)")?><td>([^<]+)</td>'
        r'<td[^>]*>([^<]+)</td>', page)}
    assert {src: code for src, (code, _said) in rows.items()} == {
        "pairs.jsonl:2": "record_json", "pairs.jsonl:3": "record_not_object",
        "pairs.jsonl:4": "record_id_twice", "pairs.jsonl:5": "record_same_content",
        "pairs.jsonl:6": "record_invalid", "pairs.jsonl:7": "record_lone_surrogate"}, page
    said = {src: s for src, (_code, s) in rows.items()}
    assert said["pairs.jsonl:2"].startswith("该行不是有效的 JSON：")
    assert said["pairs.jsonl:3"] == "每条记录须是一个 JSON 对象，不能是 array"
    assert said["pairs.jsonl:4"] == "记录编号 p1 重复（首次出现在 pairs.jsonl:1）"
    assert said["pairs.jsonl:5"] == "与记录 'p1' (pairs.jsonl:1) 的轮次和回复完全相同"
    assert said["pairs.jsonl:6"].startswith("不是有效的 LLM 记录：")
    assert said["pairs.jsonl:7"].startswith(
        "字段 prompt 含有损坏的转义：第 3 个字符处是孤立的 UTF-16 代理项 \\ud83d")
    assert ("pairs.jsonl line 7: the field prompt holds a broken escape: a lone"
            " UTF-16 surrogate \\ud83d at character 3") in unescape(page)  # the cell's title
    assert "malformed JSON" not in page.split('data-testid="import-rejections"')[1].split(
        "</table>")[0].replace('title="', "\0").split("\0")[0]
