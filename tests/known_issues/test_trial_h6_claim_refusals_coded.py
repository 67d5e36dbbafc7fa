"""Found by a trial user: the claim refusals of the surveying guard and the qualification
guard carried no ``reason_code`` (the qualification ones no ``project_id`` either), unlike the
permission check's, so a zh-CN page showed their English sentence marked as English. They now
carry ``reason_code`` ``surveying`` / ``qualification`` / ``qualification_test_missing`` and
the project, and the catalogue words them (``error.reason.<code>``) in every language."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.surveying import set_surveying_required
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import find_worker_of_user, register_worker
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import packaged_project

ZH = {"Accept-Language": "zh-CN"}


def _message(html: str) -> str | None:
    m = re.search(r'data-testid="error-message"[^>]*>([^<]*)<', html)
    return m.group(1).strip() if m else None


def _projects(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    pids = {code: packaged_project(runtime, users.values(), 1, name=f"coded-{code}")
            for code in ("surveying", "qualification", "qualification_test_missing")}
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        set_surveying_required(s, admin, pids["surveying"], True)
        # a registered worker who does not work in the project's language
        register_worker(s, admin, s.get(User, users["ann2"].id), languages=["xx"])  # type: ignore[arg-type]
        # required without a test (spec edited by hand): nobody can pass it
        p = s.get(Project, pids["qualification_test_missing"])
        assert p is not None
        p.spec = {**(p.spec or {}), "qualification_required": True}
    return pids


def test_claim_refusals_carry_a_reason_code(runtime: Runtime, users: dict[str, User]) -> None:
    pids = _projects(runtime, users)
    with TestClient(create_app(runtime)) as c:
        for code, who in (("surveying", "ann1"), ("qualification", "ann2"),
                          ("qualification_test_missing", "ann1")):
            pid = pids[code]
            r = c.post(f"{API}/projects/{pid}/tasks/next?stage=annotate", headers=login(c, who))
            assert r.status_code == 403, r.text
            body = r.json()
            assert body["reason_code"] == code and body["project_id"] == pid, body


def test_a_zh_cn_claim_refusal_is_worded_in_chinese(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pids = _projects(runtime, users)
    expected = {
        "surveying": "该项目含测绘地理信息数据：其作业需要有效的测绘资质（您本人或您所属供应商的）。",
        # which requirement is not met, worded (round 4, h8: the reasons were not named)
        "qualification": "您尚未满足该项目此项作业的要求：作业语种为 xx，项目需要 en-US（补充语种："
                         "datamill workforce worker-set {wid} --language en-US …，或 PATCH "
                         '/api/v1/workers/{wid} 的 "languages"）。',
    }
    for code, who in (("surveying", "ann1"), ("qualification", "ann2")):
        with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
            web_login(c, who)
            token = csrf_of(c)
            r = c.post(f"/projects/{pids[code]}/next", headers=ZH,
                       data={"csrf_token": token, "stage": "annotate"})
            assert r.status_code == 403, r.text
            with runtime.session() as s:
                wid = find_worker_of_user(s, users[who].id)
            said = expected[code].format(wid=wid.id if wid is not None else "")
            assert _message(r.text) == said.replace('"', "&#34;"), r.text
            r = c.post(f"/projects/{pids[code]}/next", headers={"Accept-Language": "en"},
                       data={"csrf_token": token, "stage": "annotate"})
            assert "may not take annotate work" in (_message(r.text) or "")
