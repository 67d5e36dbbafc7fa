"""Found by a trial user: ``DELETE /auth/tokens/{id}`` bounded its id to 2^31-1 (422 "less
than or equal to 2147483647") while every other route, and the README, take 1..2^63-1. It now
uses the shared id parameter: an id in range that names no token of the caller is 404, as for
any unknown id (on PostgreSQL's 32-bit columns too), and only ids past 2^63-1 are 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login


@pytest.mark.parametrize("ident", ["2147483648", "9223372036854775807"])
def test_a_token_id_in_the_documented_range_is_not_found(
    runtime: Runtime, users: dict[str, User], ident: str
) -> None:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        r = c.delete(f"{API}/auth/tokens/{ident}", headers=login(c, "ann1"))
        assert r.status_code == 404, r.text
        assert r.headers["content-type"].startswith("application/problem+json")


def test_a_token_id_past_the_range_is_refused_with_the_shared_bound(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with TestClient(create_app(runtime)) as c:
        r = c.delete(f"{API}/auth/tokens/9223372036854775808", headers=login(c, "ann1"))
        assert r.status_code == 422
        assert "9223372036854775807" in r.text and "2147483647" not in r.text
        op = c.get(f"{API}/openapi.json").json()["paths"][f"{API}/auth/tokens/{{token_id}}"]
        (param,) = op["delete"]["parameters"]
        assert param["schema"]["maximum"] == 2**63 - 1
