"""The data-security office classifies projects (the domain's data-security officer: classification,
masking, encryption, export checks); a project manager may not undo the office's level; nobody
but an admin vets their own clearance."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.classification import project_level, set_classification, set_clearance
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Forbidden
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import spec


def _setup(runtime: Runtime, users: dict[str, User]) -> int:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        create_user(s, "dso2", "password1", "data_security_officer")
        pid = create_project(s, spec(name="office-classified")).id
        add_member(s, pid, s.get(User, users["pm"].id), actor_id=None)
    return pid


def _u(s: Session, name: str) -> User:
    return s.scalars(select(User).where(User.username == name)).one()


def test_the_office_classifies_and_only_the_office_lowers(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _setup(runtime, users)
    with runtime.session() as s:
        admin = _u(s, "admin")
        set_clearance(s, admin, _u(s, "dso").id, "secret")
        set_clearance(s, admin, _u(s, "pm").id, "confidential")
    with TestClient(create_app(runtime)) as c:  # the officer's form on the security page
        web_login(c, "dso")
        page = c.get("/security")
        assert page.status_code == 200
        office = page.text[page.text.index('data-testid="sec-office-forms"'):]
        assert 'data-testid="form-classify"' in office
        r = c.post("/security/classification", data={
            "project_id": pid, "level": "confidential", "csrf_token": csrf_of(c)},
            follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/security?ok=classified", r.text
    with runtime.session() as s:
        assert project_level(s, pid) == "confidential"
        with pytest.raises(Forbidden, match="only the office may lower it"):
            set_classification(s, _u(s, "pm"), pid, "public")
        set_classification(s, _u(s, "pm"), pid, "confidential")  # the same level: no lowering
        set_classification(s, _u(s, "dso"), pid, "internal")  # the office may
        assert project_level(s, pid) == "internal"
    with runtime.session() as s:  # a level the PM chose above it, the PM may change again...
        set_classification(s, _u(s, "pm"), pid, "confidential")
        set_classification(s, _u(s, "pm"), pid, "internal")
        assert project_level(s, pid) == "internal"
        # ...but never below the office's level, raising first or not (the last setter was
        # the PM, and a check of only the last setter let them undo the office's level)
        with pytest.raises(Forbidden, match="classified 'internal' by the data-security office"):
            set_classification(s, _u(s, "pm"), pid, "public")
        set_classification(s, _u(s, "dso"), pid, "public")  # the office lifts it
        set_classification(s, _u(s, "pm"), pid, "internal")
        set_classification(s, _u(s, "pm"), pid, "public")  # now the PM's own level
        assert project_level(s, pid) == "public"


def test_an_officer_classifies_only_what_they_are_cleared_for(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _setup(runtime, users)
    with runtime.session() as s:
        set_classification(s, _u(s, "admin"), pid, "secret")
    with runtime.session() as s, pytest.raises(Forbidden, match="may not handle"):
        set_classification(s, _u(s, "dso"), pid, "public")  # clearance 'internal'
    with runtime.session() as s:
        assert project_level(s, pid) == "secret"


def test_nobody_but_an_admin_sets_their_own_clearance(
    runtime: Runtime, users: dict[str, User]
) -> None:
    _setup(runtime, users)
    with runtime.session() as s:
        dso = _u(s, "dso")
        with pytest.raises(Forbidden, match="their own clearance"):
            set_clearance(s, dso, dso.id, "secret")
        set_clearance(s, _u(s, "dso2"), dso.id, "secret")  # another officer vets them
        admin = _u(s, "admin")
        set_clearance(s, admin, admin.id, "secret")
    with TestClient(create_app(runtime)) as c:  # the page says why, nothing changes
        web_login(c, "dso2")
        r = c.post("/security/clearance", data={
            "username": "dso2", "level": "secret", "csrf_token": csrf_of(c)})
        assert r.status_code == 403 and re.search("their own clearance", r.text), r.text
