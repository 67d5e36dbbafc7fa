"""The API's generic answers follow ``Accept-Language`` too.

The coded refusals of an annotation were worded in the reader's language, but the framework's
answers (an unknown path 404, a wrong method 405, a body over the limit 413, a throttled sign-in
429) and the other generic problems kept English whatever the client asked for. Now, with
``zh-CN``, ``detail`` is the catalogue's Chinese sentence and ``message_en`` keeps the English;
status, code and the other members stay as they were, and English answers are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.modalities.problem_words import EN_PROBLEMS, ZH_CN_PROBLEMS
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
PROBLEM = "application/problem+json"


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


Problem = dict[str, Any]


def _both(client: TestClient, method: str, url: str, *, headers: dict[str, str] | None = None,
          json: Any = None, content: bytes | None = None) -> tuple[Problem, Problem]:
    """The same request answered in English and in Chinese."""
    got = [client.request(method, url, headers={**(headers or {}), **lang}, json=json,
                          content=content)
           for lang in ({"Accept-Language": "en"}, ZH)]
    en, zh = got
    assert en.status_code == zh.status_code
    assert en.headers["content-type"].startswith(PROBLEM)
    assert zh.headers["content-type"].startswith(PROBLEM)
    return en.json(), zh.json()


def _same_but_worded(en: Problem, zh: Problem, key: str) -> None:
    assert "message_en" not in en
    assert zh["message_en"] == en["detail"]
    for member in set(en) - {"detail", "error_id"}:
        assert zh[member] == en[member], member
    assert set(zh) - set(en) == {"message_en"}
    assert zh["detail"] != en["detail"]
    assert zh["detail"].startswith(ZH_CN_PROBLEMS[key].split("{")[0])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh["detail"])


def test_unknown_path_404_in_chinese(client: TestClient) -> None:
    en, zh = _both(client, "GET", f"{API}/no-such-thing")
    assert en["status"] == 404 and en["code"] == "not_found"
    _same_but_worded(en, zh, "http.not_found")
    assert zh["detail"] == ZH_CN_PROBLEMS["http.not_found"]


def test_wrong_method_405_in_chinese(client: TestClient) -> None:
    en, zh = _both(client, "DELETE", f"{API}/projects")
    assert en["status"] == 405 and en["code"] == "method_not_allowed"
    _same_but_worded(en, zh, "http.method_not_allowed")


def test_a_body_over_the_limit_413_in_chinese(client: TestClient) -> None:
    admin = login(client, "admin")
    # the annotations route's own limit (an annotation document's, above the request limit)
    limit = client.app.state.runtime.settings.max_annotation_bytes  # type: ignore[attr-defined]
    body = b"[" + b" " * (limit + 10) + b"]"
    en, zh = _both(client, "POST", f"{API}/tasks/1/annotations", content=body,
                   headers={**admin, "Content-Type": "application/json"})
    assert en["status"] == 413 and en["code"] == "payload_too_large"
    _same_but_worded(en, zh, "http.payload_too_large")
    assert f"{limit:,}" in zh["detail"]


def test_a_malformed_request_422_in_chinese(client: TestClient) -> None:
    """The framework's 422 names each problem in Chinese too (pydantic's English line kept in
    ``message_en``), not only a generic sentence over English ``errors``."""
    en, zh = _both(client, "POST", f"{API}/auth/token", json={"username": 3})
    assert en["status"] == 422 and en["code"] == "invalid_input"
    _same_but_worded({**en, "errors": None}, {**zh, "errors": None}, "http.invalid_input_said")
    assert [(e["field"], e["type"]) for e in zh["errors"]] == [
        (e["field"], e["type"]) for e in en["errors"]]
    assert [e["message_en"] for e in zh["errors"]] == [e["message"] for e in en["errors"]]
    assert "“username”必须是文本" in zh["detail"] and "缺少字段“password”" in zh["detail"]


def test_a_throttled_sign_in_429_in_chinese(client: TestClient) -> None:
    for _ in range(12):
        r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "bad"})
        if r.status_code == 429:
            break
    en, zh = _both(client, "POST", f"{API}/auth/token",
                   json={"username": "ann1", "password": "bad"})
    assert en["status"] == 429 and en["code"] == "too_many_requests"
    _same_but_worded(en, zh, "http.too_many_requests")
    assert "{retry_after}" not in zh["detail"] and "秒" in zh["detail"]


def test_english_and_unknown_languages_keep_the_english(client: TestClient) -> None:
    for lang in ("en", "fr-FR", ""):
        r = client.get(f"{API}/no-such-thing", headers={"Accept-Language": lang})
        assert r.json()["detail"] == "Not Found" and "message_en" not in r.json()


def test_every_generic_sentence_has_its_chinese_twin() -> None:
    generic = {k for k in EN_PROBLEMS if k.startswith("http.")}
    assert generic == {k for k in ZH_CN_PROBLEMS if k.startswith("http.")}
    assert {"http.not_found", "http.method_not_allowed", "http.payload_too_large",
            "http.unauthorized", "http.forbidden", "http.too_many_requests"} <= generic


def test_refusals_before_any_input_401_403_404_in_chinese(client: TestClient) -> None:
    """A missing token, an unknown id: the generic sentence of its kind, the service's
    precise English in ``message_en`` (a role that may not: its coded refusal's sentence); 401 keeps ``WWW-Authenticate``."""
    en, zh = _both(client, "GET", f"{API}/projects/1/items")
    assert en["status"] == 401 and en["code"] == "unauthorized"
    _same_but_worded(en, zh, "http.unauthorized")
    r = client.get(f"{API}/projects/1/items", headers=ZH)
    assert r.headers["WWW-Authenticate"] == "Bearer"
    ann = login(client, "ann1")
    en, zh = _both(client, "POST", f"{API}/users", headers=ann,
                   json={"username": "x1", "password": "password1", "role": "annotator"})
    assert en["status"] == 403 and en["code"] == "forbidden"
    # a coded refusal (reason_code role) reads as the one registry words it, not generically
    assert en["reason_code"] == "role" and zh["message_en"] == en["detail"]
    assert zh["detail"] == "您的角色不能管理用户。"
    en, zh = _both(client, "GET", f"{API}/tasks/987654321", headers=ann)
    assert en["status"] == 404 and en["detail"] == "no task with id 987654321"
    # coded (h7 round 3): the object and its id named in Chinese, not the generic 404 words
    assert en["reason_code"] == "object_not_found" and zh["message_en"] == en["detail"]
    assert zh["detail"] == "没有您可以查看的编号为 987654321 的任务。", zh
    assert zh["task_id"] == 987654321
