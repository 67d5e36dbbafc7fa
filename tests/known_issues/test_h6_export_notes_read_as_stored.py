"""Helper h6 (security round): an export assessment's notes and an export rule's note, the
data-security office's written grounds for letting data leave the country that auditors read,
were checked for a NUL alone (by the API; the library and the CLI took even that). A
right-to-left override (U+202E) made them display in another order than they were stored, and
control characters passed. Now they are refused 422 as every note one person writes for
another is (``core.storable.check_note``)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import spec

BAD = ("risk \u202edeifsitas ton", "bell \x07")


def test_export_grounds_refuse_what_would_mislead_their_reader(
        runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        pid = create_project(s, spec()).id
    with TestClient(create_app(runtime)) as c:
        admin = {**login(c, "admin"), "Content-Type": "application/json"}
        for text in BAD:
            r = c.post(f"{API}/security/projects/{pid}/export-assessments", headers=admin,
                       content=json.dumps({"conclusion": "approved", "notes": text}))
            assert r.status_code == 422, (text, r.status_code, r.text)  # noqa: PLR2004
            r = c.put(f"{API}/security/export-rules/DE", headers=admin,
                      content=json.dumps({"note": text}))
            assert r.status_code == 422, (text, r.status_code, r.text)  # noqa: PLR2004
        r = c.post(f"{API}/security/projects/{pid}/export-assessments", headers=admin,
                   content=json.dumps({"conclusion": "approved", "notes": "filed\n\tsigned"}))
        assert r.status_code == 201, r.text  # noqa: PLR2004
        r = c.put(f"{API}/security/export-rules/DE", headers=admin,
                  content=json.dumps({"note": "PIPL art. 38"}))
        assert r.status_code == 200, r.text  # noqa: PLR2004
