"""Found by a trial user (LLM team, zh-CN): items that had only passed the sampling inspection
showed as 已验收 ("accepted by the customer") on the dashboard, before any customer acceptance.
An item's or batch's ``accepted`` status now reads 已通过质检 / "passed inspection"; 已验收 /
"accepted" stays the customer's acceptance of a delivery."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from datamill.compliance.models import User
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import CATALOGUES
from tests.known_issues._web import web_login
from tests.unit.production.helpers import packaged_project


@pytest.mark.parametrize(("lang", "word"), [("zh-CN", "已通过质检"), ("en", "passed inspection")])
def test_an_inspected_item_is_not_shown_as_accepted_by_the_customer(
    runtime: Runtime, users: dict[str, User], lang: str, word: str
) -> None:
    pid = packaged_project(runtime, [users["pm"]], 2)
    with runtime.session() as s:  # one item's batch passed the sampling inspection
        first = s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)).first()
        s.execute(update(Item).where(Item.id == first).values(status="accepted"))
    client = TestClient(create_app(runtime), headers={"Accept-Language": lang})
    web_login(client, "pm")
    page = client.get(f"/projects/{pid}")
    assert page.status_code == 200, page.text
    customers = CATALOGUES[lang]["status.accepted"]  # the customer's acceptance
    assert customers != word
    rows = re.findall(r"<tr><td>([^<]*)</td><td>\d+</td><td data-testid=\"progress-volume\">",
                      page.text)
    assert word in rows and customers not in rows, rows
    data = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>',
                     page.text, re.DOTALL)
    assert data is not None
    assert json.loads(data.group(1))["names"]["statuses"]["accepted"] == word  # the chart
