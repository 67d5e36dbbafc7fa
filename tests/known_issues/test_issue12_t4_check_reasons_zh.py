"""Issue 12 §4: automatic-check results and inspection reasons on zh-CN pages are Chinese.

The dashboard's "worst files" table showed the stored English sentences ("snr: estimated SNR
... dB") on a Chinese page. The page now shows a catalogue sentence per check name with the
measured value, keeping the stored English in the title (named "原始记录（英文）"); English pages are unchanged, and the
service's ``reasons`` field (the API) keeps its sentences beside the new ``checks``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.dashboard import worst_files
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.check_text import inspection_reason, review_reason
from datamill.web.i18n import translator
from tests.known_issues._web import web_login
from tests.unit.production.helpers import spec, speech_folder


def _failing_project(rt: Runtime, users: dict[str, User], tmp: Path) -> int:
    """Two utterances against an SNR requirement no recording meets."""
    with rt.session() as s:
        p = create_project(s, spec(name="zh-checks", requirements={
            "read_speech": False, "min_snr_db": 200.0}))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, p.id, speech_folder(tmp, 2))
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, p.id, workers=1)
        assert summary.passed == 0
    return p.id


def test_dashboard_check_reasons_in_chinese(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _failing_project(runtime, users, tmp_path)
    with runtime.session() as s:
        rows = worst_files(s, pid)
    assert rows and all(r["reasons"] for r in rows)  # the API's field keeps the sentences
    snr = next(c for c in rows[0]["checks"] if c["name"] == "snr")
    assert snr["value"] is not None and snr["reason"]
    english = f"snr: {snr['reason']}"
    assert english in rows[0]["reasons"]
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm")
        en = client.get(f"/projects/{pid}", headers={"Accept-Language": "en"})
        assert en.status_code == 200, en.text
        assert html.escape(english, quote=False) in en.text or english in html.unescape(en.text)
        assert "信噪比" not in en.text
        client.cookies.set("lang", "zh-CN")
        zh = client.get(f"/projects/{pid}")
        assert zh.status_code == 200, zh.text
    page = html.unescape(zh.text)
    assert f"信噪比 {snr['value']:.1f} dB，未达到项目要求" in page
    assert re.search(r'<span class="reason" data-check="snr" title="([^"]*)">', zh.text)
    titles = [html.unescape(t) for t in re.findall(r'data-check="snr" title="([^"]*)"', zh.text)]
    # the stored English stays available in the title, named as such in Chinese
    assert f"信噪比检查；原始记录（英文）：{english}" in titles
    data = re.search(r'id="dashboard-data">(.*?)</script>', zh.text, re.S)
    assert data and json.loads(data.group(1))["names"]["checks"]["snr"] == "信噪比"  # chart labels


@pytest.mark.parametrize(
    ("stored", "chinese"),
    [("character accuracy 0.9000 < 0.9700", "字准确率 0.9000，低于要求的 0.9700"),
     ("3 defective items in a sample of 8 (acceptance number 0)",
      "抽样 8 条中有 3 条不合格（合格判定数 0）"),
     ("something else", "something else")],
)
def test_inspection_reasons_translated(stored: str, chinese: str) -> None:
    assert inspection_reason(translator("zh-CN"), "zh-CN")(stored) == chinese
    assert inspection_reason(translator("en"), "en")(stored) == stored


def test_review_reason_label_in_the_page_language() -> None:
    """A reject reason is stored as the reviewer's label (+ free text); an annotator reading
    it in the other language sees the label in theirs, the free text unchanged."""
    zh, en = review_reason(translator("zh-CN")), review_reason(translator("en"))
    assert zh("Wrong or missing words: line 2") == "字词错误或遗漏：line 2"  # full-width
    assert zh("Wrong or missing words") == "字词错误或遗漏"
    assert en("字词错误或遗漏: line 2") == "Wrong or missing words: line 2"
    assert en("Wrong or missing words") == "Wrong or missing words"
    assert zh("listen to the end") == "listen to the end"
