"""Helper h6 (security round): a collection project's consent text, which each subject reads
and signs, and the reason a take is asked again, which the subject reads on their page, were
checked for a NUL alone. A right-to-left override (U+202E) in the consent text made what the
subject saw differ from what was stored as signed (``"I do \\u202etnesnoc ton"`` is shown as
"I do not consent"). Now they are refused 422 as every note one person writes for another is
(``core.storable.check_note``); the marks U+200E/U+200F that right-to-left writing needs, tabs
and line breaks pass."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.collection.helpers import collect_spec


def test_a_consent_text_with_a_direction_override_is_refused(
        runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        pid = create_project(s, collect_spec(name="consent-bidi")).id
        add_member(s, pid, users["pm"], actor_id=None)
    with TestClient(create_app(runtime)) as c:
        pm = {**login(c, "pm"), "Content-Type": "application/json"}
        for text in ("I agree. I do \u202etnesnoc ton", "I agree \x1b[8m to everything"):
            r = c.post(f"{API}/collect/projects/{pid}/consent-texts", headers=pm,
                       content=json.dumps({"text": text}))
            assert r.status_code == 422, (text, r.status_code, r.text)  # noqa: PLR2004
        r = c.post(f"{API}/collect/projects/{pid}/consent-texts", headers=pm,
                   content=json.dumps({"text": "I agree.\n\tأوافق\u200f."}))
        assert r.status_code == 201, r.text  # noqa: PLR2004
        assert c.get(f"{API}/collect/projects/{pid}/consent-texts",
                     headers=pm).json()[-1]["version"] == 1
