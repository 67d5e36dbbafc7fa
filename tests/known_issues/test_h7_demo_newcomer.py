"""What a newcomer met running the README's first command (``bash scripts/demo.sh``, that is
``datamill demo --fresh --full``) and walking its pages in zh-CN.

- The run ended on the month-end report's last receivable ("ECL 0.00"), with no word of the
  users, their password or the web pages, which only the short demo printed. The full run now
  ends like the short one: who may sign in, with which password, and how to look.
- A customer's inbox wrote its notices' times in UTC with no zone, beside pages that write the
  business's clock with its offset.
- The application-effect page showed its gender groups as stored ("female", "male") on a
  Chinese page, in the table and in the chart's data: now 女 / 男.

Slow: uses the full demo (``tests/conftest.py`` ``full_demo``, shared with other tests); the
tests themselves read what it printed and a page of its home's copy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.business_clock import business_time
from datamill.catalog.access import link_customer_user
from datamill.catalog.inbox import customer_inbox
from datamill.catalog.models import CatalogLicence
from datamill.compliance.users import create_user, get_user
from datamill.config import Settings
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.conftest import DemoRun
from tests.known_issues._web import web_login


@pytest.mark.slow
def test_the_full_demo_ends_by_saying_how_to_sign_in_and_look(full_demo: DemoRun) -> None:
    last = full_demo.stdout.strip().splitlines()[-2:]
    assert last[0].startswith("Users (password 'datamill-demo'): admin, pm, alice"), last
    assert "fiona and frank (finance)" in last[0], last
    assert last[1] == "Next: datamill serve, then open http://127.0.0.1:8000/ and sign in", last


@pytest.mark.slow
def test_the_effect_page_names_genders_in_chinese(demo_home: Path) -> None:
    rt = Runtime.from_settings(Settings(home=demo_home))
    try:
        client = TestClient(create_app(rt), headers={"Accept-Language": "zh-CN"})
        web_login(client, "ivan", "datamill-demo")
        page = client.get("/batches/1/effect").text  # demo-asr-en's batch, evaluated by the demo
    finally:
        rt.close()
    data = json.loads(re.search(r'id="effect-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert data["labels"]["values"] == {"female": "女", "male": "男", "unknown": "未知"}
    genders = set(data["groups"]["gender"])
    assert genders >= {"female", "male"}, data["groups"]
    table = re.search(r'data-testid="effect-group-gender">(.*?)</table>', page, re.S)
    assert table is not None, page
    assert "<td>女</td>" in table.group(1) and "<td>男</td>" in table.group(1), table.group(1)
    assert "female" not in table.group(1) and ">male<" not in table.group(1)


@pytest.mark.slow
def test_the_inbox_says_when_on_the_business_clock(demo_home: Path) -> None:
    """A customer's inbox wrote each notice's time in UTC with no zone ("2026-12-07 09:24")
    where every other page writes the business's clock with its offset ("2026-12-07 17:24
    UTC+08:00"): a customer in Beijing read a link made at 17:24 as made at 09:24."""
    rt = Runtime.from_settings(Settings(home=demo_home))
    try:
        with rt.session() as s:
            licence = s.scalars(select(CatalogLicence).order_by(CatalogLicence.id)).first()
            assert licence is not None
            user = create_user(s, "h7-inbox-reader", "datamill-demo", "customer")
            link_customer_user(s, get_user(s, "catalog-sales"), user, licence.customer_id)
            at = customer_inbox(s, user).notices[0].at
        client = TestClient(create_app(rt), headers={"Accept-Language": "zh-CN"})
        web_login(client, "h7-inbox-reader", "datamill-demo")
        page = client.get("/inbox").text
    finally:
        rt.close()
    shown = re.findall(r'data-testid="notice-at">([^<]*)<', page)
    assert shown and shown[0] == business_time(at), (shown, at)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC(?:[+-]\d\d:\d\d)?", shown[0]), shown
