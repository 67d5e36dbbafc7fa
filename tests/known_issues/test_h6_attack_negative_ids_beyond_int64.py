"""Helper h6 (attacker): an id below -2**63 in the path of an item's media routes answered 500.

Found by walking every web route with ids beyond 64 bits on a live server:
``GET /web/api/items/-9223372036854775809/media`` (and ``/audio``, ``/preview``, ``/display``,
``/peaks``, ``/spectrogram``) reached the database with a number SQLite cannot hold
(``OverflowError: Python int too large to convert to SQLite INTEGER``) and answered 500 with an
error id, where ``-1``, ``-9223372036854775808`` and ``9223372036854775808`` answer 404: the
lookup skipped only ids above the column's range. Now any id below 1 names no row before the
database is asked, as one above it does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import NotFound
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login

BELOW = str(-(2**63) - 1)


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("view", ["media", "audio", "preview", "display", "peaks",
                                  "spectrogram"])
def test_an_item_id_below_64_bits_is_a_missing_item(client: TestClient, view: str) -> None:
    web_login(client, "pm")
    for ident in (BELOW, "-99999999999999999999999", "-1"):
        r = client.get(f"/web/api/items/{ident}/{view}")
        assert r.status_code == 404, (ident, r.status_code, r.text[:300])


def test_the_lookups_skip_an_id_no_column_holds(runtime: Runtime) -> None:
    with runtime.session() as s:
        for ident in (-(2**63) - 1, -(10**30)):
            with pytest.raises(NotFound):
                get_or_raise(s, Item, ident, "item")
            with pytest.raises(NotFound):
                lock_or_raise(s, Item, ident, "item")
