"""Follow-up to "export control belongs to the data-security office": the ``/security`` page
still showed the export-flag form only to the roles that manage projects, so a data-security
officer (who owns the flag) had no form for it, and a project manager got a form that lifts
and redirects the flag, which the service refuses them.

Now the office (admins, data-security officers) gets the full form in its section, and a
project manager only "flag as cross-border" for their domestic projects (with zh-CN strings).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance import export
from datamill.compliance.models import User
from datamill.compliance.users import create_user, get_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.compliance._security_world import make_project


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        members = [get_user(s, "pm")]
        home, _ = make_project(s, "at-home", members, [])
        abroad, _ = make_project(s, "abroad", members, [])
        export.set_export(s, get_user(s, "pm"), abroad, cross_border=True, destination="US")
    return {"home": home, "abroad": abroad}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _form(page: str, testid: str) -> str:
    m = re.search(rf'<form[^>]*data-testid="{testid}".*?</form>', page, re.S)
    return m.group(0) if m else ""


@pytest.mark.parametrize("who", ["dso", "admin"])
def test_the_office_gets_the_full_export_form(
    client: TestClient, runtime: Runtime, world: dict[str, int], who: str
) -> None:
    web_login(client, who)
    page = client.get("/security").text
    form = _form(page, "form-export")
    assert form and page.count('data-testid="form-export"') == 1, page
    assert 'name="cross_border"' in form and 'type="checkbox"' in form
    assert f'value="{world["abroad"]}"' in form  # the cross-border project too
    assert 'data-testid="form-export-flag"' not in page
    r = client.post("/security/export", data={
        "project_id": world["abroad"], "cross_border": "true", "destination": "jp",
        "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    with runtime.session() as s:
        assert export.export_status(s, world["abroad"])["destination"] == "JP"


def test_a_project_manager_only_flags_a_domestic_project(
    client: TestClient, runtime: Runtime, world: dict[str, int]
) -> None:
    web_login(client, "pm")
    page = client.get("/security").text
    assert 'data-testid="form-export"' not in page  # no lifting or redirecting
    form = _form(page, "form-export-flag")
    assert form, page
    assert 'type="checkbox"' not in form and 'name="cross_border" value="true"' in form
    assert f'value="{world["home"]}"' in form and f'value="{world["abroad"]}"' not in form
    assert "Flag as cross-border" in form
    r = client.post("/security/export", data={
        "project_id": world["home"], "cross_border": "true", "destination": "de",
        "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/security").text  # nothing left to flag
    assert 'data-testid="form-export-flag"' not in page
    assert 'data-testid="sec-flag-none"' in page
    zh = client.get("/security", headers={"Accept-Language": "zh-CN"}).text
    assert "您管理的项目均已标记为出境" in zh


def test_zh_cn_strings(client: TestClient, world: dict[str, int]) -> None:
    web_login(client, "pm")
    zh = client.get("/security", headers={"Accept-Language": "zh-CN"}).text
    assert "标记为出境" in _form(zh, "form-export-flag")
    web_login(client, "dso")
    zh = client.get("/security", headers={"Accept-Language": "zh-CN"}).text
    assert "出境标记" in zh and "数据安全办公室设置" in zh
