"""Helper h10 (security round): the reason a settlement sheet is voided for (on the sheet, its
CSV and the vendor's page), the note of a vendor's qualification and the reason a worker is
deactivated or moved are read by others and kept in the audit trail, yet were stored as sent: a
right-to-left override (U+202E) made a reason display in another order than it reads, and a
bell passed (every other note one person writes for another is refused them:
``core.storable.check_note``). Now each is refused 422, naming the field, on the API as in the
library (the CLI's and the web's path)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce import people, vendors
from datamill.workforce.models import Worker
from datamill.workforce.settlement import void_sheet
from tests._api import API, login
from tests.known_issues.test_sheet_void import Drawn, drawn

__all__ = ["drawn"]  # the fixture: Prop Vendor's drawn sheet, its vendor and workers
BAD = ("wrong \u202evendor", "bell \x07")


def test_workforce_reasons_are_refused_what_would_mislead_their_reader(
        runtime: Runtime, drawn: Drawn) -> None:
    with runtime.session() as s:
        worker = s.scalars(select(Worker).where(Worker.vendor_id == drawn.vendor,
                                                Worker.active.is_(True))).first()
        assert worker is not None
        worker_id = worker.id
    posts = [("post", f"{API}/settlements/{drawn.sheet_id}/void", "reason", {}),
             ("post", f"{API}/vendors/{drawn.vendor}/qualification", "note", {"qualified": False}),
             ("put", f"{API}/workers/{worker_id}/active", "reason", {"active": False}),
             ("put", f"{API}/workers/{worker_id}/vendor", "reason", {"vendor_id": None})]
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        biz = {**login(c, "biz"), "Content-Type": "application/json"}
        for verb, url, field, rest in posts:
            for text in BAD:
                r = c.request(verb, url, headers=biz, content=json.dumps({**rest, field: text}))
                assert r.status_code == 422, (url, text, r.status_code, r.text)
                assert field in r.text
        r = c.put(f"{API}/workers/{worker_id}/active", headers=biz,
                  json={"active": False, "reason": "left the team,\nsee HR 12"})
        assert r.status_code == 200, r.text
        r = c.post(posts[0][1], headers=biz, json={"reason": "drawn for the wrong\nvendor"})
        assert r.status_code == 200, r.text
    with runtime.session() as s:
        biz_user = s.scalars(select(User).where(User.username == "biz")).one()
        for text in BAD:
            for call, field in (
                    (lambda t: void_sheet(s, biz_user, drawn.sheet_id, t), "reason"),
                    (lambda t: vendors.set_vendor_qualified(s, biz_user, drawn.vendor, False, t),
                     "note"),
                    (lambda t: people.set_worker_active(s, biz_user, worker_id, True, t),
                     "reason"),
                    (lambda t: people.move_worker(s, biz_user, worker_id, None, t), "reason")):
                with pytest.raises(InvalidInput) as refused:
                    call(text)
                assert refused.value.details["field"] == field
