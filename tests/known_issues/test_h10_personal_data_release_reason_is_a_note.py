"""Helper h10 (security round): the reason a data-security officer gives for releasing a batch's
personal data unmasked is stored in the audit trail and read by whoever delivers the batch, yet
it was checked for its length alone: a right-to-left override (U+202E) made it display in
another order than it reads, and a bell passed (every other note one person writes for another
is refused them: ``core.storable.check_note``). Now it is refused 422, naming the field, on the
API as in the library (the CLI's path)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.core.errors import InvalidInput
from datamill.production.delivery_personal_data import release_personal_data
from datamill.production.models import Batch
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import spec

BAD = ("customer \u202eowns it", "bell \x07")


def test_a_release_reason_is_refused_what_would_mislead_its_reader(
        sqlite_runtime: Runtime) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        dso = create_user(s, "dso", "password1", "data_security_officer")
        project = create_project(s, spec())
        batch = Batch(project_id=project.id, name="b1", status="accepted")
        s.add(batch)
        s.flush()
        batch_id = batch.id
    with TestClient(create_app(rt)) as c:
        who = {**login(c, "dso"), "Content-Type": "application/json"}
        url = f"{API}/security/batches/{batch_id}/personal-data-release"
        for text in BAD:
            r = c.post(url, headers=who, content=json.dumps({"reason": text}))
            assert r.status_code == 422, (text, r.status_code, r.text)
            assert "reason" in r.text
        r = c.post(url, headers=who, json={"reason": "the customer owns it:\nconsent 2026-14"})
        assert r.status_code == 201, r.text
    with rt.session() as s:
        officer = s.merge(dso)
        for text in BAD:
            with pytest.raises(InvalidInput) as refused:
                release_personal_data(s, officer, batch_id, text)
            assert refused.value.details["field"] == "reason"
