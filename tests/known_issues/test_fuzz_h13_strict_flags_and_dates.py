"""Found by an API fuzzing round: lax parsing at the API boundary.

``{"dry_run": 0}`` on ``POST /catalog/retention/runs`` was read as ``false`` and started a REAL
retention deletion run; a true/false field that guards a destructive action now takes JSON
``true``/``false`` only (422 saying so). Dates were read from whole numbers as seconds since
1970: ``?as_of=0`` aged receivables on 1970-01-01, ``?to=0`` ended a report then; a date is now
``YYYY-MM-DD`` or a 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _refused(r: Any, words: str) -> None:
    assert r.status_code == 422, r.text
    assert words in r.text, r.text


def test_a_destructive_guard_takes_json_true_or_false_only(client: TestClient) -> None:
    admin = login(client, "admin")
    for flag in (0, 1, "0", "false", "true", None):
        r = client.post(f"{API}/catalog/retention/runs", headers=admin, json={"dry_run": flag})
        _refused(r, "send JSON true or false")
        r = client.post(f"{API}/security/projects/1/subject-erasures", headers=admin,
                        json={"subject_id": "s-1", "dry_run": flag})
        _refused(r, "send JSON true or false")
    # the CLI, the web and API clients send real booleans: they still work
    r = client.post(f"{API}/catalog/retention/runs", headers=admin, json={"dry_run": True})
    assert r.status_code == 200, r.text
    assert r.json()["dry_run"] is True


def test_a_date_is_an_iso_date(client: TestClient) -> None:
    admin = login(client, "admin")
    for url in ("/ledger/receivables?as_of=0", "/ledger/receivables?as_of=1700000000",
                "/ledger/receivables?as_of=2026-1-7", "/ledger/reports/margin?from=2026-01-01&to=0",
                "/reports/output-ratio?from=0"):
        _refused(client.get(API + url, headers=admin), "YYYY-MM-DD")
    r = client.post(f"{API}/catalog/retention/runs", headers=admin,
                    json={"today": 0, "dry_run": True})
    _refused(r, "YYYY-MM-DD")
    assert client.get(f"{API}/ledger/receivables?as_of=2026-12-07",
                      headers=admin).status_code == 200


def test_the_sheet_pages_answer_404_for_a_sheet_that_does_not_exist(client: TestClient) -> None:
    """``POST /workforce/sheets/{id}/settle`` (``void``, ``confirm``) answered 409 with the
    sheets page for a sheet id that does not exist: a 404, as its ``print`` page answers."""
    web_login(client, "admin")
    token = csrf_of(client)
    for action in ("settle", "void", "confirm"):
        r = client.post(f"/workforce/sheets/999999/{action}",
                        data={"reason": "x", "reference": "x", "csrf_token": token},
                        follow_redirects=False)
        assert r.status_code == 404, (action, r.status_code, r.text[:300])
