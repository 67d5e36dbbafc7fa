"""Trial h5 (round 2): a ticked box on a web form is ``true`` (what its checkbox sends) or
nothing. Lax parsing read ``cross_border=yes``, ``on`` or ``1`` as ticked on the export form
(and ``confirm=1`` on the subject-erasure form, ``allow_oov=on`` on corpus selection), unlike
the API, whose flags now take true or false only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance import export
from datamill.compliance.models import User
from datamill.compliance.users import get_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.compliance._security_world import make_project


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_a_box_is_ticked_with_true_only(
        client: TestClient, runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        project, _ = make_project(s, "at-home", [get_user(s, "pm")], [])
    web_login(client, "admin")
    for value in ("yes", "on", "1"):
        r = client.post("/security/export", data={
            "project_id": project, "cross_border": value, "destination": "jp",
            "csrf_token": csrf_of(client)}, follow_redirects=False)
        assert r.status_code == 422, (value, r.status_code)  # noqa: PLR2004
        with runtime.session() as s:
            assert export.export_status(s, project)["cross_border"] is False, value
    r = client.post("/security/export", data={
        "project_id": project, "cross_border": "true", "destination": "jp",
        "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text  # noqa: PLR2004
    with runtime.session() as s:
        assert export.export_status(s, project)["cross_border"] is True
