"""Trial h7: the REST API as an attacker and as a script author (schemathesis + by hand).

* JSON nested deeper than the decoder goes (``[[[[…]]]]`` 1,100 deep, 2 kB) was answered
  400 "There was an error parsing the body", a status no operation documents, on every
  operation with a JSON body (the annotation submit included); malformed JSON is the
  documented 422.
* Every 401 read in Chinese as the generic "请先登录：请求需附带有效的 Bearer 令牌" (sign in:
  send a valid bearer token), a wrong password at ``POST /auth/token`` included, where no
  bearer token is asked for; a revoked or expired token and a password changed meanwhile did
  not say so either.
* After a retention run deleted a project's files (each with a deletion certificate), an
  item's audio answered 503 ``blob_missing``, "restore the blob folder from a backup", as if
  storage had failed: an operator following it brings back data that had to be destroyed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.catalog import retention
from datamill.compliance.users import create_user
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import people
from tests.unit.catalog.test_retention import _custom

PROBLEM = "application/problem+json"
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    with sqlite_runtime.session() as s:
        create_user(s, "pm", "password1", "project_manager")
        create_user(s, "ann1", "password1", "annotator")
    with TestClient(create_app(sqlite_runtime), raise_server_exceptions=False) as c:
        yield c


def test_json_nested_too_deep_is_the_documented_422(client: TestClient) -> None:
    """422 as any malformed JSON (every operation with a body documents it)."""
    pm, ann = login(client, "pm"), login(client, "ann1")
    deep = "[" * 1100 + "]" * 1100
    for path, method, who, body in (
            ("/projects", "post", pm, deep),
            ("/tasks/{task_id}/annotations", "post", ann,  # the hot path's route
             '{"annotation": ' + deep + ', "base_version": 0}')):
        url = API + path.replace("{task_id}", "1")
        r = client.request(method, url, content=body,
                           headers={**who, "Content-Type": "application/json"})
        assert r.status_code == 422, (path, r.status_code, r.text)
        assert r.headers["content-type"].startswith(PROBLEM)
        problem = r.json()
        assert problem["code"] == "invalid_input", problem
        assert problem["errors"][0]["field"] == "body"
        assert "nested too deeply" in problem["detail"]
        zh = client.request(method, url, content=body,
                            headers={**who, **ZH, "Content-Type": "application/json"})
        assert zh.status_code == 422 and "nested too deeply" in zh.json()["message_en"]


def test_401s_say_in_chinese_what_went_wrong(client: TestClient) -> None:
    r = client.post(f"{API}/auth/token", json={"username": "pm", "password": "nope"},
                    headers=ZH)
    assert r.status_code == 401
    assert r.json()["detail"] == "用户名或密码错误", r.json()
    assert r.json()["message_en"] == "wrong username or password"
    r = client.post(f"{API}/auth/token", json={"username": "pm", "password": "nope"})
    assert r.json()["detail"] == "wrong username or password"  # English unchanged

    pm = login(client, "pm")
    assert client.delete(f"{API}/auth/token", headers=pm).status_code == 204  # signed out
    r = client.get(f"{API}/me", headers={**pm, **ZH})
    assert r.status_code == 401
    assert "令牌无效或已被撤销" in r.json()["detail"], r.json()
    assert r.headers["www-authenticate"] == "Bearer"

    r = client.get(f"{API}/me", headers=ZH)  # no token at all: the generic sentence
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]


def test_a_file_deleted_by_retention_is_not_a_storage_failure(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    who = people(rt)
    pid = _custom(rt, tmp_path, "h7-kept-no-more")
    with rt.session() as s:
        item_id = s.scalars(select(Item.id).where(Item.project_id == pid)
                            .order_by(Item.id)).first()
        out = retention.run_retention(s, rt.blobs, who["dso"], today=date(2026, 1, 1))
        cert = next(d.id for d in out.deleted if d.kind == "blob")
    with TestClient(create_app(rt), raise_server_exceptions=False) as client:
        admin = login(client, "admin")
        for path in ("audio", "media"):
            r = client.get(f"{API}/projects/{pid}/items/{item_id}/{path}", headers=admin)
            assert r.status_code == 404, (path, r.status_code, r.text)
            problem = r.json()
            assert problem["reason_code"] == "retention_deleted_file", problem
            assert problem["certificate"] == cert
            assert "backup" not in problem["detail"]
            assert f"deletion certificate {cert}" in problem["detail"]
        zh = client.get(f"{API}/projects/{pid}/items/{item_id}/audio", headers={**admin, **ZH})
        assert f"删除证明 {cert}" in zh.json()["detail"], zh.json()


def test_a_405_allows_every_method_of_the_path(client: TestClient) -> None:
    """Starlette's 405 named the methods of the first route of the path only: ``OPTIONS
    /auth/token`` answered ``Allow: POST`` though ``DELETE /auth/token`` signs out
    (schemathesis ST205 on 30 operations)."""
    pm = login(client, "pm")
    for path, methods in (("/auth/token", {"POST", "DELETE"}),
                          ("/users", {"GET", "POST"}),
                          ("/tasks/1/draft", {"GET", "PUT", "DELETE"})):
        r = client.options(f"{API}{path}", headers=pm)
        assert r.status_code == 405, (path, r.status_code)
        allowed = {m.strip() for m in r.headers["allow"].split(",")} - {"HEAD"}
        assert allowed == methods, (path, r.headers["allow"])
