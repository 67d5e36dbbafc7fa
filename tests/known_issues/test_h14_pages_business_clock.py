"""The items page ("创建时间（UTC）") and the audit page ("时间（UTC）", "… UTC") gave bare UTC
times while the inbox, the effect page and the books show the business's clock with its offset
("2026-12-01 17:24 UTC+08:00"): a zh-CN PM in Shanghai read an item made at 17:24 as 09:24.
Both pages now read the business clock (``when``); the ``<time datetime>`` and the API stay
ISO UTC."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_time
from datamill.compliance.models import User
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in
from tests.unit.production.helpers import ready_project


def test_items_and_audit_pages_read_the_business_clock(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", "Asia/Shanghai")
    pid = ready_project(runtime, users, tmp_path, n=1)
    with runtime.session() as s:
        created = s.query(Item).filter(Item.project_id == pid).one().created_at
    with TestClient(create_app(runtime)) as client:
        client.cookies.set("lang", "zh-CN")
        web_sign_in(client, "admin")
        page = client.get(f"/projects/{pid}/items").text
        cell = re.search(r'data-testid="item-created">([^<]+)<', page)
        assert cell and cell.group(1) == business_time(created), page
        assert cell.group(1).endswith("UTC+08:00") and "（UTC）" not in page
        audit = client.get("/audit").text
        at = re.findall(r'data-testid="audit-at"><time datetime="([^"]+)">([^<]+)<', audit)
        assert at and all(shown.endswith("UTC+08:00") for _iso, shown in at), audit
        assert all(iso.endswith("+00:00") for iso, _shown in at)  # machine-readable stays UTC
        verified = re.search(r'data-testid="audit-verified-at">([^<]+)<', audit)
        assert verified and verified.group(1).strip().endswith("UTC+08:00"), audit
        assert "（UTC）" not in audit
