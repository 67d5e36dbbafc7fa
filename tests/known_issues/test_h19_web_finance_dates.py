"""The web's finance downloads read ``?from=0`` (or ``?to=1700000000``) as seconds since 1970:
``/finance/journal.csv?from=0&to=2026-12-31`` exported a journal from 1970-01-01 (200). A day is
now written ``YYYY-MM-DD``, one rule with the API (:mod:`datamill.core.days`), and a bad one is
refused as the pages refuse any bad query value: the 422 error page naming the field, in English
or in Chinese."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login

DOWNLOADS = ("journal", "lines", "output-ratio", "throughput")


def test_a_download_day_is_written_yyyy_mm_dd(runtime: Runtime, users: dict[str, User]) -> None:
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        bad = ("from=0&to=2026-12-31", "from=2026-01-01&to=1700000000",
               "from=2026-1-1&to=2026-12-31", "from=0&to=0")
        for name, query in zip(DOWNLOADS, bad, strict=True):
            r = c.get(f"/finance/{name}.csv?{query}")
            assert r.status_code == 422, (name, query, r.text[:300])
            assert "text/html" in r.headers["content-type"], (name, query)
            assert "a date is written YYYY-MM-DD (e.g. 2026-12-07)" in r.text, r.text
            zh = c.get(f"/finance/{name}.csv?{query}", headers={"Accept-Language": "zh-CN"})
            assert zh.status_code == 422
            assert "必须是 YYYY-MM-DD 格式的日期（例如 2026-12-07）" in zh.text, zh.text
            assert "a date is written" not in zh.text
        ok = c.get("/finance/journal.csv?from=2026-01-01&to=2026-12-31")
        assert ok.status_code == 200, ok.text[:300]
