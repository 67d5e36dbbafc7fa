"""Helper h17 (2026-12-07): a delivery's acceptance is dated the day the customer signed the
report (``accepted_on``), which the API and ``datamill delivery accept`` give, but the
deliveries page's "Accepted" line said only the items and volume: a report signed 31 December
and entered in January read the same as one signed in January. The line now says the date, in
English and zh-CN."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from datamill.business_clock import day_start
from datamill.compliance.models import User
from datamill.production.delivery import record_acceptance
from datamill.production.models import Batch, Delivery
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import production_project


def test_the_accepted_line_says_the_reports_date(
    runtime: Runtime, users: dict[str, User],
) -> None:
    with runtime.session() as s:
        pid = production_project(s, "p-dated")
        batch = Batch(project_id=pid, name="b1", status="delivered")
        s.add(batch)
        s.flush()
        d = Delivery(batch_id=batch.id, project_id=pid, path="/tmp/pkg",  # noqa: S108
                     datasheet={"duration_ms": 3_600_000}, delivered_volume=1.0,
                     delivered_items=10,
                     created_at=day_start(date(2018, 12, 20)) + timedelta(hours=15))
        s.add(d)
        s.flush()
        record_acceptance(s, d.id, accept_all=True, accepted_on=date(2018, 12, 31))
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        for lang, words in (("en", "dated 2018-12-31"), ("zh-CN", "验收日期 2018-12-31")):
            page = c.get(f"/projects/{pid}/deliveries", headers={"Accept-Language": lang})
            assert page.status_code == 200, page.text
            line = re.search(r'data-testid="dlv-accepted">([^<]*)<', page.text)
            assert line and words in line.group(1), (lang, line and line.group(1))
