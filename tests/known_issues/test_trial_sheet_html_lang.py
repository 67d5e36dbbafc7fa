"""Trial: the settlement sheet as HTML from the API and the CLI was English only, while the web's
printed sheet speaks zh-CN.

Both now take a language: the API ``?lang=zh-CN`` or the Accept-Language header, the CLI
``--lang zh-CN``; the words are the web's catalogue entries (one catalogue, no second
translation), with full-width punctuation in zh-CN. An unknown language is refused, never
silently English.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app as wf_cli
from datamill.compliance.models import ProjectMember, User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import EN, ZH_CN
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.settlement import create_settlement_sheet, sheet_html
from datamill.workforce.sheet_print import SHEET_EN, SHEET_ZH_CN, sheet_language
from datamill.workforce.vendors import register_worker
from tests.known_issues import _vendor_world as vw
from tests.known_issues._web import PASSWORD

API = "/api/v1"
ZH_MARKS = ("<h1>验收结算单 ", "供应商：华语工作室", "结算周期：按周", "状态：草稿", "作业日期：",
            "<th>单价（元）</th>", "<th>作业人员</th>", "<td>标注</td>", "<td>条</td>", "供应商签字",
            "代扣个人所得税", "供应商确认时间：尚未确认", "<td>vendor-wall</td>")
EN_MARKS = ("<h1>Acceptance-settlement sheet 验收结算单 ", "Vendor: 华语工作室",
            "Settlement cycle: weekly", "Status: draft", "Days of work: ",
            "<th>Unit price (CNY)</th>", "<td>annotation</td>", "Vendor signature")


def _sheet(rt: Runtime, users: dict[str, User]) -> int:
    with rt.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        pid = vw.project(s, n_items=2, package_size=2)
        vw.price(s, admin)
        vid = vw.vendor(s, admin, "华语工作室")
        worker = create_user(s, "wk", PASSWORD, "vendor_worker", display_name="王五")
        register_worker(s, admin, worker, vendor_id=vid, languages=["en-US"])
        s.add(ProjectMember(project_id=pid, user_id=worker.id))
        for pkg in vw.packages(s, pid):
            hand_package_to_vendor(s, admin, pkg.id, vid)
        for _ in range(2):
            assert vw.claim_and_submit(s, worker, pid) is not None
        vw.accept_everything(s, pid, users["insp"])
        return create_settlement_sheet(s, admin, vid, vw.WEEK).id


def _check(page: str, marks: tuple[str, ...], absent: tuple[str, ...]) -> None:
    missing = [m for m in marks if m not in page]
    assert not missing, (missing, page)
    present = [m for m in absent if m in page]
    assert not present, (present, page)


def test_the_sheet_as_html_speaks_the_chosen_language(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet_id = _sheet(runtime, users)
    # one catalogue: the web's printed sheet and these print the same words
    assert all(EN[k] == v for k, v in SHEET_EN.items())
    assert all(ZH_CN[k] == v for k, v in SHEET_ZH_CN.items())
    english_only = ("Vendor:", "Unit price", "Status:", "signature", "(end")

    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        _check(sheet_html(s, admin, sheet_id), EN_MARKS, ("：", "（"))
        _check(sheet_html(s, admin, sheet_id, "zh-CN"), ZH_MARKS, english_only)

    with TestClient(create_app(runtime)) as api:
        token = api.post(f"{API}/auth/token", json={"username": "admin", "password": "password1"})
        head = {"Authorization": f"Bearer {token.json()['access_token']}"}
        url = f"{API}/settlements/{sheet_id}/html"
        default = api.get(url, headers=head)
        assert default.status_code == 200 and default.headers["content-language"] == "en"
        _check(default.text, EN_MARKS, ("：",))
        by_query = api.get(url, params={"lang": "zh-CN"}, headers=head)
        assert by_query.status_code == 200, by_query.text  # before: English, whatever asked
        assert by_query.headers["content-language"] == "zh-CN"
        _check(by_query.text, ZH_MARKS, english_only)
        by_header = api.get(url, headers={**head, "Accept-Language": "fr;q=1, zh-CN;q=0.8, en;q=0.5"})
        _check(by_header.text, ZH_MARKS, english_only)
        # the query wins over the header
        _check(api.get(url, params={"lang": "en"}, headers={**head, "Accept-Language": "zh"}).text,
               EN_MARKS, ("：",))
        refused = api.get(url, params={"lang": "fr"}, headers=head)
        assert refused.status_code == 422 and "zh-CN" in refused.text, refused.text

    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    dest = tmp_path / "sheet.html"
    r = cli.invoke(wf_cli, ["sheet-export", str(sheet_id), str(dest), "--as", "admin",
                            "--lang", "zh-CN", "--json"])
    assert r.exit_code == 0, r.output  # before: no such option
    assert json.loads(r.stdout)["lang"] == "zh-CN"
    _check(dest.read_text(encoding="utf-8"), ZH_MARKS, english_only)
    r = cli.invoke(wf_cli, ["sheet-export", str(sheet_id), str(dest), "--as", "admin",
                            "--force"])  # the file is there: replaced only when asked
    assert r.exit_code == 0, r.output
    _check(dest.read_text(encoding="utf-8"), EN_MARKS, ("：",))
    r = cli.invoke(wf_cli, ["sheet-export", str(sheet_id), str(dest), "--as", "admin",
                            "--lang", "klingon", "--force", "--json"])
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["code"] == "invalid_input", r.output
    assert "klingon" in json.loads(r.stdout)["error"]["message"]


def test_language_choice() -> None:
    assert sheet_language() == "en" and sheet_language("zh") == "zh-CN"
    assert sheet_language(None, "zh-TW;q=0.9, en;q=0.3") == "zh-CN"
    assert sheet_language(None, "de, en-GB;q=0.7, zh;q=0.5") == "en"
    assert sheet_language(None, "*, de") == "en"
