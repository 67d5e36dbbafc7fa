"""Helper h12 (2026-12-07), a finance clerk: ``datamill workforce settlement-periods --vendor
99`` and ``GET /settlement-periods?vendor_id=99`` answered ``[]`` for a vendor that does not
exist, as for a vendor with no sheets: a typo read as "nothing to pay". It is now not found
(404, ``object_not_found``; ``--json`` prints the error as JSON); a real vendor with no sheets
still answers ``[]``."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app
from datamill.compliance.users import create_user
from datamill.core.errors import NotFound
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.settlement_periods import settlement_periods
from datamill.workforce.vendors import create_vendor
from tests._api import API, login
from tests.known_issues._web import PASSWORD


def test_an_unknown_vendor_is_not_found(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        boss = create_user(s, "boss", PASSWORD, "admin")
        fin = create_user(s, "fin", PASSWORD, "finance")
        vid = create_vendor(s, boss, name="Vendor Q", kind="studio", fee_rate="0.1",
                            agreement_no="FA-q").id
        assert settlement_periods(s, fin, vid) == []  # a real vendor with no sheets
        for missing in (vid + 99, 2**31):  # beyond an id column too
            with pytest.raises(NotFound) as err:
                settlement_periods(s, fin, missing)
            assert err.value.details["reason_code"] == "object_not_found"
    with TestClient(create_app(runtime)) as c:
        r = c.get(f"{API}/settlement-periods", headers=login(c, "fin"),
                  params={"vendor_id": vid + 99})
        assert r.status_code == 404, r.text  # was 200 []
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["settlement-periods", "--vendor", str(vid + 99), "--as", "fin",
                                 "--json"])
    assert r.exit_code != 0, r.output
    assert json.loads(r.output)["error"]["code"] == "not_found", r.output
