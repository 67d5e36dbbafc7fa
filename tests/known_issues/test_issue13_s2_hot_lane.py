"""Issue 13 §2: claim and submit take a hot lane (one worker-thread hop, no dependency solver)
that must answer every request exactly as the FastAPI routes do.

The same requests go to the app as served (hot lane first) and to the same app with the hot lane
taken out; status and body must be equal, on SQLite and PostgreSQL. Requests the lane hands on
(malformed ids, unknown stage, no token, bodies the model refuses, other content types) and
errors raised inside it (401, 403, 404, 409) are both covered, as is the work itself landing.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from datamill.api.hot_path import HotRoute
from datamill.compliance.audit import verify_audit
from datamill.compliance.users import add_member, create_token, create_user
from datamill.production.models import Annotation, Task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues.test_issue13_s2_claim_speed import _project_with_open_tasks


def _without_hot_lane(app: FastAPI) -> FastAPI:
    app.router.routes[:] = [r for r in app.router.routes if not isinstance(r, HotRoute)]
    return app


def _answer(r: Any) -> tuple[int, Any]:
    try:
        body = r.json()
    except ValueError:
        return r.status_code, r.text
    if isinstance(body, dict):
        body.pop("error_id", None)  # a fresh one for every problem answer
    return r.status_code, body


def test_hot_lane_answers_as_the_fastapi_routes(runtime: Runtime) -> None:
    pid, token = _project_with_open_tasks(runtime, 3)
    with runtime.session() as s:
        outsider = create_token(s, create_user(s, "outsider", "password1", "annotator"), "t")
        reviewer = create_user(s, "rev", "password1", "reviewer")
        add_member(s, pid, reviewer, actor_id=None)
        rev_token = create_token(s, reviewer, "t")
    hot_app = create_app(runtime)
    assert isinstance(hot_app.router.routes[0], HotRoute)
    # the lane has no name: url_for still finds the routes behind it
    assert hot_app.url_path_for("next_task_endpoint", project_id=7) == "/api/v1/projects/7/tasks/next"
    slow_app = _without_hot_lane(create_app(runtime))
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(hot_app) as hot, TestClient(slow_app) as slow:

        def same(method: str, url: str, **kw: Any) -> tuple[int, Any]:
            a, b = _answer(hot.request(method, url, **kw)), _answer(slow.request(method, url, **kw))
            assert a == b, (url, kw, a, b)
            return a

        claim = f"/api/v1/projects/{pid}/tasks/next"
        # handed on, or refused inside the lane: nothing changes, so both lanes see one state
        same("POST", claim)  # no token
        same("POST", claim, headers={"Authorization": "Bearer nope"})
        same("POST", claim, headers={"Authorization": "Basic abc"})
        same("POST", claim, headers={"Authorization": f"Bearer {outsider}"})  # not a member
        same("POST", claim + "?stage=review", headers=auth)  # an annotator cannot review
        same("POST", claim + "?stage=bogus", headers=auth)
        same("POST", claim + "?stage=", headers=auth)
        same("POST", f"/api/v1/projects/{pid + 1000}/tasks/next", headers=auth)  # no such project
        for bad in ("0", "007", "99999999999999999999", "-1", "abc"):
            same("POST", f"/api/v1/projects/{bad}/tasks/next", headers=auth)
        status, _ = same("POST", claim + "?stage=review", headers={"Authorization": f"Bearer {rev_token}"})
        assert status == 204  # nothing to review yet

        # the work: the hot lane claims, both lanes then see the task held
        status, task = _answer(hot.post(claim, headers=auth))
        assert status == 200
        assert same("POST", claim, headers=auth) == (200, task)
        same("POST", claim + "?stage=annotate", headers=auth)
        submit = f"/api/v1/tasks/{task['id']}/annotations"
        good = {"segments": [{"start_ms": 0, "end_ms": 1500, "text": "the quick brown fox"}],
                "base_version": task["current_version"], "time_spent_ms": 1000}
        for kw in (
            {"json": good},  # no token
            {"json": good, "headers": {"Authorization": f"Bearer {outsider}"}},
            {"json": good, "headers": {"Authorization": f"Bearer {rev_token}"}},  # not annotator
            {"json": {**good, "base_version": task["current_version"] + 5}, "headers": auth},
            {"json": {**good, "annotation": {"objects": []}}, "headers": auth},  # two payloads
            {"json": {"base_version": 0}, "headers": auth},
            {"json": [good], "headers": auth},
            {"json": {**good, "time_spent_ms": -1}, "headers": auth},
            {"content": b"{not json", "headers": {**auth, "Content-Type": "application/json"}},
            {"content": b"\xff\xfe", "headers": {**auth, "Content-Type": "application/json"}},
            {"content": json.dumps(good).encode(), "headers": {**auth, "Content-Type": "text/plain"}},
            {"content": b"", "headers": {**auth, "Content-Type": "application/json"}},
        ):
            same("POST", submit, **kw)
        for other in (f"/api/v1/tasks/{task['id'] + 1000}/annotations",
                      "/api/v1/tasks/0/annotations", "/api/v1/tasks/x/annotations"):
            same("POST", other, json=good, headers=auth)

        status, done = _answer(hot.post(submit, json=good, headers=auth))
        assert status == 201, done
        same("POST", submit, json=good, headers=auth)  # submitted already: both refuse alike
        # the other two tasks through the slow lane and the hot lane, then nothing is left
        for client in (slow, hot):
            status, nxt = _answer(client.post(claim, headers=auth))
            assert status == 200
            body = {**good, "base_version": nxt["current_version"]}
            r = client.post(f"/api/v1/tasks/{nxt['id']}/annotations", json=body, headers=auth)
            assert r.status_code == 201, r.text
        assert same("POST", claim, headers=auth)[0] == 204
    with runtime.session() as s:
        assert s.query(Annotation).count() == 3
        assert {t.submissions for t in s.query(Task).filter_by(stage="annotate")} == {1}
        assert verify_audit(s, runtime.settings).ok


def test_hot_lane_keeps_what_it_hands_on_and_what_it_refuses() -> None:
    # the decision alone: a plain request is the lane's, anything odd is the route's
    from datamill.api.hot_path import _plan

    def scope(headers: dict[str, str], query: str = "") -> dict[str, Any]:
        return {"headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
                "query_string": query.encode()}

    bearer = {"Authorization": "Bearer t0k"}
    assert _plan(scope(bearer), "claim", "12", b"") is not None
    assert _plan(scope(bearer, "stage=review"), "claim", "12", b"") is not None
    for query in ("stage=listen", "stage=annotate&x=1", "foo=bar", "stage"):
        assert _plan(scope(bearer, query), "claim", "12", b"") is None, query
    assert _plan(scope({}), "claim", "12", b"") is None
    assert _plan(scope(bearer), "claim", "0", b"") is None
    assert _plan(scope(bearer), "claim", "9223372036854775808", b"") is None
    body = json.dumps({"segments": [{"start_ms": 0, "end_ms": 10, "text": "a"}],
                       "base_version": 0}).encode()
    typed = {**bearer, "Content-Type": "application/json; charset=utf-8"}
    assert _plan(scope(typed), "submit", "3", body) is not None
    assert _plan(scope(bearer), "submit", "3", body) is None  # no content type
    assert _plan(scope(typed), "submit", "3", b"[]") is None
