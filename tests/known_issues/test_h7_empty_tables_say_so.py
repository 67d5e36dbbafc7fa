"""A table with no rows showed its headings over nothing: a new project's progress table on its
dashboard (no items yet), a vendor's people (none registered). Found walking the demo in zh-CN
(demo-asr-zh's dashboard, the second vendor's page); each now says "暂无数据。" / "Nothing yet."
in a row of its own."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor
from tests._api import web_sign_in
from tests.known_issues._web import visible_text_nodes
from tests.unit.production.helpers import spec


def test_an_empty_progress_table_and_an_empty_vendor_say_so(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        project = create_project(s, spec(name="nothing-yet"))
        add_member(s, project.id, users["pm"], actor_id=None)
        vendor = create_vendor(s, users["admin"], name="Empty Co.", kind="company", fee_rate="0.1")
    with TestClient(create_app(runtime)) as client:
        client.cookies.set("lang", "zh-CN")
        web_sign_in(client, "admin")
        page = client.get(f"/projects/{project.id}").text
        assert 'data-testid="progress-none"' in page and "暂无数据" in " ".join(visible_text_nodes(page))
        page = client.get(f"/workforce/vendors/{vendor.id}").text
        assert 'data-testid="workers-none"' in page, page
        client.cookies.set("lang", "en")
        said = " ".join(visible_text_nodes(client.get(f"/projects/{project.id}").text))
        assert "Nothing yet" in said, said
