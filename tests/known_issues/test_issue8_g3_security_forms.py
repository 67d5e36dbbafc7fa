"""Issue 8 gap: the security settings had no web forms (CLI/API only).

Each form on ``/security`` posts with the page's CSRF token, is decided by the compliance
services (``authorize()``), changes what the API would change, is audited, and is refused —
with nothing changed — for someone not entitled to it or without the CSRF token.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance import classification, export, surveying
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.security_models import ConsentRecord
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.compliance._security_world import make_project


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        create_user(s, "aud", "password1", "auditor")
        members = [s.get(User, users[n].id) for n in ("pm", "ann1")]
        pid, _items = make_project(s, "webforms", members, [{"subject_id": "s1"}])
    return {"pid": pid}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _audits(runtime: Runtime, action: str) -> int:
    with runtime.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditRecord)
                            .where(AuditRecord.action == action)) or 0)


def _post(client: TestClient, path: str, data: dict, *, token: str | None) -> object:
    body = dict(data)
    if token is not None:
        body["csrf_token"] = token
    return client.post(path, data=body, follow_redirects=False)


def _done(r: object, ok: str) -> None:
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    assert r.headers["location"] == f"/security?ok={ok}"  # type: ignore[attr-defined]


def test_pm_forms_classify_export_surveying_consent(
    client: TestClient, runtime: Runtime, users: dict[str, User], world: dict[str, int]
) -> None:
    pid = world["pid"]
    web_login(client, "pm")
    page = client.get("/security")
    assert page.status_code == 200 and 'data-testid="form-classify"' in page.text
    assert 'data-testid="sec-office-forms"' not in page.text  # not the office's forms
    token = csrf_of(client)

    # without the CSRF token: refused, nothing changed
    r = _post(client, "/security/classification", {"project_id": pid, "level": "public"},
              token=None)
    assert r.status_code == 403  # type: ignore[attr-defined]
    # above the PM's own clearance: refused by the service, shown on the page
    r = _post(client, "/security/classification", {"project_id": pid, "level": "secret"},
              token=token)
    assert r.status_code == 403 and 'data-testid="sec-error"' in r.text  # type: ignore[attr-defined]
    _done(_post(client, "/security/classification", {"project_id": pid, "level": "public"},
                token=token), "classified")
    with runtime.session() as s:
        assert classification.project_level(s, pid) == "public"
    assert _audits(runtime, "security.project_classified") == 1

    _done(_post(client, "/security/export", {"project_id": pid, "cross_border": "true",
                                             "destination": "us"}, token=token), "export")
    with runtime.session() as s:
        state = export.export_status(s, pid)
        assert state["cross_border"] and state["destination"] == "US"
    assert _audits(runtime, "security.export_flag_set") == 1
    r = _post(client, "/security/export", {"project_id": pid, "cross_border": "true"},
              token=token)
    assert r.status_code == 422  # type: ignore[attr-defined]  # a destination is needed

    _done(_post(client, "/security/surveying", {"project_id": pid, "required": "true"},
                token=token), "surveying")
    with runtime.session() as s:
        assert surveying.surveying_required(s, pid)

    _done(_post(client, "/security/consent", {"project_id": pid, "subject_id": "s1"},
                token=token), "consent")
    _done(_post(client, "/security/consent/withdraw", {"project_id": pid, "subject_id": "s1"},
                token=token), "withdrawn")
    with runtime.session() as s:
        row = s.scalars(select(ConsentRecord).where(ConsentRecord.project_id == pid)).one()
        assert row.withdrawn_at is not None
    assert _audits(runtime, "security.consent_given") == 1
    assert client.get("/security?ok=withdrawn").status_code == 200

    # the office's forms are refused to a project manager
    r = _post(client, "/security/clearance", {"username": "pm", "level": "secret"}, token=token)
    assert r.status_code == 403  # type: ignore[attr-defined]
    r = _post(client, "/security/assessment", {"project_id": pid, "conclusion": "approved"},
              token=token)
    assert r.status_code == 403  # type: ignore[attr-defined]
    with runtime.session() as s:
        assert classification.user_clearance(s, users["pm"].id) == "internal"


def test_office_forms_clearance_assessment_rules_qualifications(
    client: TestClient, runtime: Runtime, users: dict[str, User], world: dict[str, int]
) -> None:
    pid = world["pid"]
    web_login(client, "dso")
    page = client.get("/security")
    assert page.status_code == 200 and 'data-testid="form-clearance"' in page.text
    assert "webforms" in page.text and 'data-testid="sec-keys"' in page.text
    token = csrf_of(client)

    _done(_post(client, "/security/clearance", {"username": "ann1", "level": "confidential"},
                token=token), "clearance")
    with runtime.session() as s:
        assert classification.user_clearance(s, users["ann1"].id) == "confidential"
    assert _audits(runtime, "security.clearance_set") == 1
    r = _post(client, "/security/clearance", {"username": "nobody", "level": "secret"},
              token=token)
    assert r.status_code == 404  # type: ignore[attr-defined]
    r = _post(client, "/security/clearance", {"username": "ann1", "level": "top"}, token=token)
    assert r.status_code == 422  # type: ignore[attr-defined]

    _done(_post(client, "/security/assessment", {"project_id": pid, "conclusion": "approved",
                                                 "notes": "filed"}, token=token), "assessed")
    assert _audits(runtime, "security.export_assessed") == 1
    r = _post(client, "/security/assessment", {"project_id": pid, "conclusion": "approved",
                                               "notes": "a\x00b"}, token=token)
    assert r.status_code == 422  # type: ignore[attr-defined]

    _done(_post(client, "/security/rules", {"country": "sg", "note": "PIPL"}, token=token), "rule")
    with runtime.session() as s:
        assert [r["country"] for r in export.list_export_rules(s)["rules"]] == ["SG"]
    assert "SG" in client.get("/security").text
    _done(_post(client, "/security/rules/SG/remove", {}, token=token), "rule_removed")
    with runtime.session() as s:
        assert export.list_export_rules(s)["rules"] == []

    _done(_post(client, "/security/qualifications", {"username": "ann1", "grade": "A",
                                                     "valid_until": "2099-12-31"},
                token=token), "granted")
    with runtime.session() as s:
        [q] = surveying.list_qualifications(s)
    _done(_post(client, f"/security/qualifications/{q['id']}/revoke", {}, token=token),
          "revoked")
    with runtime.session() as s:
        assert surveying.list_qualifications(s)[0]["revoked_at"] is not None
    assert _audits(runtime, "security.surveying_granted") == 1
    assert _audits(runtime, "security.surveying_revoked") == 1
    r = _post(client, f"/security/qualifications/{2**63}/revoke", {}, token=token)
    assert r.status_code == 404  # (an id no row can have: missing, as on every page)  # type: ignore[attr-defined]

    # the office classifies any project it is cleared for (the domain's data-security
    # officer); the other project settings are the project's managers' (not a member)
    _done(_post(client, "/security/classification", {"project_id": pid, "level": "public"},
                token=token), "classified")
    r = _post(client, "/security/surveying", {"project_id": pid, "required": "true"},
              token=token)
    assert r.status_code == 403  # type: ignore[attr-defined]


def test_forms_refused_to_people_without_the_page(
    client: TestClient, runtime: Runtime, world: dict[str, int]
) -> None:
    pid = world["pid"]
    for who in ("ann1", "aud"):
        with TestClient(client.app) as c:
            web_login(c, who)
            token = csrf_of(c)
            if who == "ann1":
                assert c.get("/security").status_code == 403
            else:  # the auditor reads the page, without forms, and may change nothing
                page = c.get("/security")
                assert page.status_code == 200 and "<form method=\"post\" action=\"/security" \
                    not in page.text
            for path, data in [
                ("/security/classification", {"project_id": pid, "level": "public"}),
                ("/security/clearance", {"username": who, "level": "secret"}),
                ("/security/export", {"project_id": pid, "cross_border": "true",
                                      "destination": "US"}),
                ("/security/rules", {"country": "US"}),
                ("/security/consent/withdraw", {"project_id": pid, "subject_id": "s1"}),
            ]:
                r = _post(c, path, data, token=token)
                assert r.status_code == 403, (who, path)  # type: ignore[attr-defined]
    with runtime.session() as s:
        assert classification.project_level(s, pid) == "internal"
        assert export.list_export_rules(s)["rules"] == []
    assert _audits(runtime, "security.clearance_set") == 0
