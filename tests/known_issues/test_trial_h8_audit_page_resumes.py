"""Follow-up to the audit-trail reader: the ``/audit`` page walked the whole hash chain on
every load, and every filter change and page turn is a load (seconds on a long trail).

Now the page resumes from the last verification (kept in ``home``, signed with the audit key)
and walks only the records written since; it shows when the whole trail was last walked and a
"verify now" button walks it again. Appended, deleted and truncated records are still found on
the next load; a record edited in place behind the last verified head is found by the button,
``datamill audit verify`` and ``GET /audit/verify``, which walk the whole chain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from datamill.compliance.audit import record_audit, verify_audit
from datamill.compliance.audit_state import VERIFIED_FILE, audit_state
from datamill.compliance.models import AuditDeletion, AuditRecord, User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login

INTACT = "The audit trail is intact"


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
        for i in range(30):
            record_audit(s, actor_id=users["pm"].id, action="bulk.done", object_type="task",
                         object_id=i, project_id=1, data={"i": i})
    with TestClient(create_app(runtime)) as c:
        web_login(c, "aud")
        yield c


def _verified_at(page: str) -> str:
    m = re.search(r'data-testid="audit-verified-at">([^<]+)<', page)
    assert m, page
    return m.group(1).strip()


def _edit(runtime: Runtime, record_id: int) -> None:
    with runtime.session() as s:
        s.execute(update(AuditRecord).where(AuditRecord.id == record_id)
                  .values(data={"i": "forged"}))


def test_the_page_resumes_and_the_button_walks_it_all(
    client: TestClient, runtime: Runtime
) -> None:
    first = client.get("/audit")
    assert first.status_code == 200 and INTACT in first.text
    assert 'data-testid="audit-verify"' in first.text  # the "verify now" button
    walked_at = _verified_at(first.text)
    assert 'data-testid="audit-resumed"' not in first.text  # this load walked it all
    assert (Path(runtime.settings.home) / VERIFIED_FILE).exists()
    # a filter change and a page turn do not walk the chain again
    for params in ({"actor": "pm"}, {"offset": "20"}):
        page = client.get("/audit", params=params)
        assert page.status_code == 200 and INTACT in page.text
        assert _verified_at(page.text) == walked_at
        assert 'data-testid="audit-resumed"' in page.text
    with runtime.session() as s:
        state = audit_state(s, runtime.settings)
        assert state.walked_in_full is False and state.report.ok

    # a record edited in place behind the verified head: only a full walk finds it
    _edit(runtime, 3)
    assert INTACT in client.get("/audit").text
    with runtime.session() as s:
        assert not verify_audit(s, runtime.settings).ok  # what `audit verify` / the API run
    r = client.post("/audit/verify", data={"csrf_token": csrf_of(client)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/audit?verified=1"
    page = client.get("/audit?verified=1")
    assert INTACT not in page.text and 'data-testid="audit-problems"' in page.text
    assert "#3" in page.text
    # a broken trail is walked in full on every load until it is repaired
    assert not (Path(runtime.settings.home) / VERIFIED_FILE).exists()
    assert 'data-testid="audit-problems"' in client.get("/audit", params={"offset": 20}).text


def test_appended_and_deleted_records_are_found_on_the_next_load(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    assert INTACT in client.get("/audit").text
    with runtime.session() as s:  # appended since: walked on the next load
        record_audit(s, actor_id=users["pm"].id, action="bulk.more", object_type="task")
        newest = record_audit(s, actor_id=users["pm"].id, action="bulk.more",
                              object_type="task").id
    _edit(runtime, newest)  # written after the verified head, then edited before a load
    page = client.get("/audit", params={"actor": "pm"})
    assert INTACT not in page.text and f"#{newest}" in page.text
    with runtime.session() as s:  # "repaired" by deleting it: the deletion is reported
        s.execute(delete(AuditRecord).where(AuditRecord.id == newest))
    page = client.get("/audit")
    assert INTACT not in page.text and f"record #{newest} was deleted" in page.text
    with runtime.session() as s:  # an auditor who has looked into it clears the journal
        s.execute(delete(AuditDeletion))
    assert INTACT in client.get("/audit").text
    with runtime.session() as s:
        record_audit(s, actor_id=None, action="bulk.more", object_type="task")
    assert INTACT in client.get("/audit").text  # resumed over the one appended
    with runtime.session() as s:  # deleting a record below the verified head
        s.execute(delete(AuditRecord).where(AuditRecord.id == 10))
    page = client.get("/audit")
    assert INTACT not in page.text and 'data-testid="audit-problems"' in page.text


def test_a_forged_kept_verification_is_ignored(client: TestClient, runtime: Runtime) -> None:
    assert INTACT in client.get("/audit").text
    kept = Path(runtime.settings.home) / VERIFIED_FILE
    kept.write_text(kept.read_text().replace('"records": ', '"records": 1'), encoding="utf-8")
    with runtime.session() as s:
        state = audit_state(s, runtime.settings)
    assert state.walked_in_full and state.report.ok


def test_verify_now_needs_a_reader_and_the_csrf_token(
    client: TestClient, runtime: Runtime
) -> None:
    assert client.post("/audit/verify", data={}, follow_redirects=False).status_code == 403
    web_login(client, "ann1")
    r = client.post("/audit/verify", data={"csrf_token": csrf_of(client)},
                    follow_redirects=False)
    assert r.status_code == 403


def test_zh_cn_strings(client: TestClient) -> None:
    page = client.get("/audit", headers={"Accept-Language": "zh-CN"})
    assert "上次完整校验" in page.text and "立即完整校验" in page.text
