"""A zh-CN user refused a page (403) read the service's English sentence under a Chinese
heading. The error page now explains the kind of error in the page's language, words the common
refusals (role, membership, clearance, an expired form) from the catalogue, and shows any
other service sentence marked as English; English pages keep the service's own sentence. (A
project one is no member of answers as a missing one, 404, worded likewise.)"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.compliance.users import add_member, create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import PASSWORD, csrf_of, web_login
from tests.unit.ledger.helpers import production_project

ZH = {"Accept-Language": "zh-CN"}


def _text(html: str, testid: str) -> str | None:
    m = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', html)
    return m.group(1).strip() if m else None


def _client(runtime: Runtime, role: str = "project_manager",
            member: bool = False) -> tuple[TestClient, int]:
    with runtime.session() as s:
        person = create_user(s, "pm", PASSWORD, role)
        pid = production_project(s, "secret-sauce")
        if member:
            add_member(s, pid, person, None)
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    web_login(client, "pm")
    return client, pid


def test_a_zh_cn_refusal_is_worded_in_chinese(runtime: Runtime) -> None:
    client, pid = _client(runtime)
    r = client.get(f"/projects/{pid}", headers=ZH)  # not a member: as a missing project
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "找不到" in (_text(r.text, "error-heading") or "")
    assert _text(r.text, "error-explain") == "该对象不存在、已被删除，或您无权查看。"
    # the service's sentence stays, marked as English, for whoever helps them
    assert f"详细信息（英文）： no project with id {pid}" in r.text
    assert '<html lang="zh-CN"' in r.text

    token = csrf_of(client)  # the role may not: the action is named in Chinese
    r = client.post("/audit/checkpoint", data={"csrf_token": token}, headers=ZH)
    assert r.status_code == 403
    assert _text(r.text, "error-message") == "您的角色不能签署审计检查点。"

    r = client.post("/audit/checkpoint", data={"csrf_token": "stale"}, headers=ZH)
    assert r.status_code == 403
    assert _text(r.text, "error-message") == "表单已过期或并非来自本站；请刷新页面后重试。"


def test_a_role_refusal_names_the_action_in_chinese(runtime: Runtime) -> None:
    client, pid = _client(runtime, "annotator", member=True)  # sees it, may not view it
    r = client.get(f"/projects/{pid}", headers=ZH)
    assert r.status_code == 403
    assert _text(r.text, "error-message") == "您的角色不能查看该项目。"


def test_a_sentence_without_a_translation_is_marked_english(runtime: Runtime) -> None:
    from datamill.core.errors import NotFound
    from datamill.web.routes._common import _domain_message

    client, _pid = _client(runtime)
    r = client.get("/audit", headers=ZH)  # the audit trail's refusal is coded now (audit_reader)
    assert r.status_code == 403
    assert _text(r.text, "error-explain").startswith("您的角色")  # type: ignore[union-attr]
    message = re.search(r'<p class="error" data-testid="error-message"( lang="en")?>([^<]*)<',
                        r.text)
    assert message is not None and message.group(1) is None, r.text  # worded in Chinese
    # a sentence the registry cannot word stays the service's English, marked as English
    uncoded = NotFound("delivery 7's package is no longer on this installation")
    said, original = _domain_message(uncoded, "zh-CN")
    assert said == original == uncoded.message


def test_english_pages_keep_the_services_sentence(runtime: Runtime) -> None:
    client, pid = _client(runtime, "annotator", member=True)
    r = client.get(f"/projects/{pid}", headers={"Accept-Language": "en"})
    assert r.status_code == 403
    assert (_text(r.text, "error-message") or "").startswith(
        "role &#39;annotator&#39; may not view project")
    assert (_text(r.text, "error-explain") or "").startswith("Your role, your project")
    assert 'data-testid="error-original"' not in r.text
