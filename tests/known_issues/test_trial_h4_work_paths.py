"""Trial h4: an attacker's go at the annotator's work paths (claim, draft, skip, submit, review)
and sign-in.

1. Values the database cannot store crashed the request with a 500 instead of a 422: a NUL in a
   transcript, comment, skip reason, draft or token name (PostgreSQL text refuses NUL), a lone
   UTF-16 surrogate (no UTF-8 for it), a non-finite number inside a draft, and a
   ``base_version``, ``revision`` or ``time_spent_ms`` beyond the 32-bit columns that keep them
   (PostgreSQL ``integer``; SQLite past 64 bits). Now each is refused with a 422 problem that
   names the field, by every face (the services check), and nothing is written.
2. A submit body nested deeper than the JSON decoder's recursion limit crashed the hot lane
   (500) where the FastAPI route answers 400 ("error parsing the body"); now both answer 400.
3. A worker who skipped a task got it back when a reviewer rejected the next annotator's
   answer: every hold on the task was turned into a returned one, so the skipper held it again
   (two holders of an overlap-1 task), read the other person's rejection, and lost the record
   of their own skip. Now only the holds that submitted come back.
4. A golden check task accepted any ``base_version`` while a work task answers 409 to a stale
   one, so a worker could tell a check from work by sending a wrong version. Now a check
   refuses a version other than the one it showed, with the same conflict a work task gives.
5. Signing in as an unknown user answered at once while a known user's wrong password took an
   argon2 verification, so timing told which usernames exist. Now both verify a hash.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance.models import ApiToken, User
from datamill.compliance.users import add_member, authenticate, create_token, create_user
from datamill.core.errors import InvalidInput, Unauthorized
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.models import Annotation, Draft, TaskAssignment
from datamill.production.task_notes import skip_task, skipped_by
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues.test_issue13_s2_claim_speed import _project_with_open_tasks
from tests.known_issues.test_issue13_s2_hot_lane import _answer, _without_hot_lane

_SEG = '{"start_ms": 0, "end_ms": 1500, "text": "the quick brown fox"}'


def _submit_body(**fields: str) -> bytes:
    parts = {"segments": f"[{_SEG}]", "base_version": "0", **fields}
    return ("{" + ", ".join(f'"{k}": {v}' for k, v in parts.items()) + "}").encode()


_BAD_SUBMITS = {
    "nul in text": _submit_body(
        segments='[{"start_ms": 0, "end_ms": 1500, "text": "the \\u0000 fox"}]'),
    "surrogate in text": _submit_body(
        segments='[{"start_ms": 0, "end_ms": 1500, "text": "the \\ud800 fox"}]'),
    "nul in speaker": _submit_body(
        segments='[{"start_ms": 0, "end_ms": 1500, "text": "fox", "speaker": "a\\u0000"}]'),
    "nul in comment": _submit_body(comment='"see \\u0000 here"'),
    "time beyond 32 bits": _submit_body(time_spent_ms="2147483648"),
    "time beyond 64 bits": _submit_body(time_spent_ms="99999999999999999999999"),
    "version at 32 bits": _submit_body(base_version="2147483647"),
    "version at 64 bits": _submit_body(base_version="9223372036854775807"),
    "version beyond 64 bits": _submit_body(base_version="99999999999999999999999"),
}


def test_unstorable_values_are_refused_on_both_lanes(runtime: Runtime) -> None:
    pid, token = _project_with_open_tasks(runtime, 2 * len(_BAD_SUBMITS) + 4)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    hot_app = create_app(runtime)
    slow_app = _without_hot_lane(create_app(runtime))
    with TestClient(hot_app, raise_server_exceptions=False) as hot, \
            TestClient(slow_app, raise_server_exceptions=False) as slow:
        for name, body in _BAD_SUBMITS.items():
            answers = []
            for client in (hot, slow):
                task = client.post(f"/api/v1/projects/{pid}/tasks/next", headers=auth).json()
                r = client.post(f"/api/v1/tasks/{task['id']}/annotations", headers=auth,
                                content=body)
                status, problem = _answer(r)
                assert status == 422, (name, r.text)
                for different in ("instance", "item", "task_id"):  # each lane's own task
                    problem.pop(different, None)
                answers.append(problem)
                # the hold is untouched: a good answer still goes in
                good = client.post(f"/api/v1/tasks/{task['id']}/annotations", headers=auth,
                                   content=_submit_body())
                assert good.status_code == 201, (name, good.text)
            assert answers[0] == answers[1], name

        task = hot.post(f"/api/v1/projects/{pid}/tasks/next", headers=auth).json()
        tid = task["id"]
        for name, draft in {
            "nul": b'{"payload": ["a\\u0000"], "base_version": 0, "revision": 1}',
            "surrogate": b'{"payload": {"t": "\\udc00"}, "base_version": 0, "revision": 1}',
            "nan": b'{"payload": [{"x": NaN}], "base_version": 0, "revision": 1}',
            "infinity": b'{"payload": [-Infinity], "base_version": 0, "revision": 1}',
            "deep": b'{"payload": ' + b"[" * 200 + b"]" * 200 + b', "base_version": 0, '
                    b'"revision": 1}',
            "version": b'{"payload": [], "base_version": 2147483648, "revision": 1}',
            "revision": b'{"payload": [], "base_version": 0, "revision": 2147483648}',
            "time": b'{"payload": [], "base_version": 0, "revision": 1, '
                    b'"time_spent_ms": 2147483648}',
        }.items():
            r = hot.put(f"/api/v1/tasks/{tid}/draft", headers=auth, content=draft)
            assert r.status_code == 422, (name, r.text)
        r = hot.post(f"/api/v1/tasks/{tid}/skip", headers=auth,
                     content=b'{"reason": "noise \\u0000"}')
        assert r.status_code == 422, r.text

        r = hot.post("/api/v1/auth/token", json={"username": "ann00\x00", "password": "x"})
        assert r.status_code == 401, r.text
        r = hot.post("/api/v1/auth/token",
                     json={"username": "ann00", "password": "password1", "name": "a\x00b"})
        assert r.status_code == 422, r.text

        # too deep for the JSON decoder: the route's 400 on both lanes
        deep = b'{"annotation": ' + b"[" * 5000 + b"]" * 5000 + b', "base_version": 0}'
        a, b = (_answer(c.post(f"/api/v1/tasks/{tid}/annotations", headers=auth, content=deep))
                for c in (hot, slow))
        a[1].pop("instance", None)
        b[1].pop("instance", None)
        assert a == b and a[0] == 400, (a, b)

    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Draft)) == 0
        assert s.scalar(select(func.count()).select_from(Annotation)) == 2 * len(_BAD_SUBMITS)
        assert s.scalar(select(func.count()).select_from(ApiToken)) == 1


def test_a_rejection_does_not_hand_a_skipped_task_back(runtime: Runtime) -> None:
    pid, _token = _project_with_open_tasks(runtime, 1)
    with runtime.session() as s:
        made = {}
        for name, role in (("a", "annotator"), ("b", "annotator"), ("r", "reviewer")):
            made[name] = create_user(s, name, "password1", role)
            add_member(s, pid, made[name], actor_id=None)
        create_packages(s, pid, "review")
    a, b, r = made["a"], made["b"], made["r"]
    seg = [{"start_ms": 0, "end_ms": 1500, "text": "the quick brown fox"}]
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(a), pid, "annotate")
        assert task is not None
        skip_task(s, s.merge(a), task.id, "too noisy for me")
    with runtime.session() as s:
        again = claim_next_task(s, s.merge(b), pid, "annotate")
        assert again is not None and again.id == task.id
        submit_annotation(s, s.merge(b), task.id, seg, base_version=again.current_version)
    with runtime.session() as s:
        review = claim_next_task(s, s.merge(r), pid, "review")
        assert review is not None
        review_task(s, s.merge(r), review.id, "reject", reason="wrong words")
    with runtime.session() as s:
        # the skipper is never offered it again and keeps the record of the skip
        assert claim_next_task(s, s.merge(a), pid, "annotate") is None
        assert skipped_by(s, task.id) == [{"user_id": a.id, "reason": "too noisy for me"}]
        back = claim_next_task(s, s.merge(b), pid, "annotate")
        assert back is not None and back.id == task.id
        assert back.return_reason == "review: wrong words"
        holders = s.scalars(select(TaskAssignment.user_id).where(
            TaskAssignment.task_id == task.id,
            TaskAssignment.status.in_(("claimed", "returned")))).all()
        assert holders == [b.id]


def test_unknown_usernames_cost_a_hash_too(runtime: Runtime) -> None:
    with runtime.session() as s:
        create_user(s, "known", "password1", "annotator")
        gone = create_user(s, "gone", "password1", "annotator")
        gone.is_active = False

    def timed(username: str) -> float:
        best = float("inf")
        for _ in range(3):
            with runtime.session() as s:
                start = time.perf_counter()
                try:
                    authenticate(s, username, "wrong-password")
                except Unauthorized:
                    pass
                best = min(best, time.perf_counter() - start)
        return best

    known = timed("known")
    for name in ("nobody", "gone"):
        assert timed(name) > known / 4, (name, timed(name), known)


def test_token_name_is_checked_by_the_service(runtime: Runtime) -> None:
    with runtime.session() as s:
        user = create_user(s, "tok", "password1", "annotator")
        with pytest.raises(InvalidInput):
            create_token(s, user, "phone\x00")
        assert s.scalar(select(func.count()).select_from(ApiToken)) == 0
        assert s.get(User, user.id) is not None
