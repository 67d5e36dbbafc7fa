"""Found by a trial user: a vendor added without its framework agreement could never be put on
the qualified list ("vendor 'Acme' has no framework agreement on file yet"), and nothing could
add the agreement afterwards (``--agreement`` exists only on ``vendor-add``). Now the agreement
is filed on every face (``datamill workforce vendor-agreement``, ``PUT
/api/v1/vendors/{id}/agreement``), and the refusal says how."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor, record_agreement, set_vendor_qualified
from tests._cli import run_cli


def test_an_agreement_filed_later_lets_the_vendor_be_qualified(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        vid = create_vendor(s, admin, name="acme", kind="studio", fee_rate="0.1").id
        with pytest.raises(Conflict, match="vendor-agreement"):
            set_vendor_qualified(s, admin, vid, True, "assessed")
        with pytest.raises(Forbidden):
            record_agreement(s, s.get(User, users["ann1"].id), vid, "FA-1")  # type: ignore[arg-type]
    r = run_cli(runtime.settings.home, "workforce", "vendor-agreement", str(vid), "FA-7",
                "--signed-on", "2026-11-30", "--as", "admin", "--json",
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert json.loads(r.stdout)["agreement_no"] == "FA-7", r.stdout + r.stderr
    with TestClient(create_app(runtime)) as c:
        t = c.post("/api/v1/auth/token", json={"username": "admin", "password": "password1"})
        h = {"Authorization": f"Bearer {t.json()['access_token']}"}
        got = c.put(f"/api/v1/vendors/{vid}/agreement", headers=h,
                    json={"agreement_no": "FA-8", "signed_on": "2026-12-01"})
        assert got.status_code == 200 and got.json()["agreement_no"] == "FA-8", got.text
        ok = c.post(f"/api/v1/vendors/{vid}/qualification", headers=h,
                    json={"qualified": True, "note": "assessed"})
        assert ok.status_code == 200 and ok.json()["qualified"] is True, ok.text
