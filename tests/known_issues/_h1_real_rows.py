"""Helper h1: what the free-text tests on real rows share: the misleading texts, a request that
must be refused 422 naming its field, and every table's rows, to prove a refusal saved nothing."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from datamill.runtime import Runtime
from tests._api import API

#: a right-to-left override (shows in another order than it reads) and a bell
BAD = ("signed \u202eby the VP", "bell \x07")
#: written by signing in (a token's row), not by the request under test
_AUTH = {"api_tokens", "user_sessions"}


def rows(rt: Runtime) -> dict[str, list[str]]:
    """Every table's rows, each as text, sorted: equal before and after a refused request when
    it saved nothing (no audit row, no event, no change)."""
    with rt.engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names()
                 if n not in _AUTH and not n.startswith("alembic")]
        assert len(names) > 50, names  # noqa: PLR2004 - the schema's tables, found
        return {n: sorted(repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{n}"')))
                for n in names}


def changed(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, Any]:
    """The tables whose rows differ, with what was added and removed."""
    return {n: {"added": sorted(set(after.get(n, [])) - set(rows_)),
                "removed": sorted(set(rows_) - set(after.get(n, [])))}
            for n, rows_ in before.items() if after.get(n) != rows_}


def refused(c: TestClient, rt: Runtime, who: dict[str, str], method: str, path: str,
            body: dict[str, Any], field: str) -> None:
    """Each of :data:`BAD` in ``body[field]`` is answered 422 naming ``field``, and no table
    changes (the row the request names stays as it was)."""
    before = rows(rt)
    for bad in BAD:
        r = c.request(method, f"{API}{path}", content=json.dumps({**body, field: bad}),
                      headers={**who, "Content-Type": "application/json"})
        said = r.json() if r.headers.get("content-type", "").endswith("json") else {}
        named = {said.get("field"), *(e.get("field") for e in said.get("errors", []))}
        assert r.status_code == 422, (method, path, field, bad, r.status_code, r.text)  # noqa: PLR2004
        assert named & {field, f"body.{field}"}, (path, field, r.text)
    assert changed(before, rows(rt)) == {}, (method, path, field)
