"""Trial h4: an attacker's go at the annotator's work paths (claim, draft, skip, submit, review)
and sign-in.

1. Values the database cannot store crashed the request with a 500 instead of a 422: a NUL in a
   transcript, comment, skip reason, draft or token name (PostgreSQL text refuses NUL), a lone
   UTF-16 surrogate (no UTF-8 for it), a non-finite number inside a draft, and a
   ``base_version``, ``revision`` or ``time_spent_ms`` beyond the 32-bit columns that keep them
   (PostgreSQL ``integer``; SQLite past 64 bits). Now each is refused with a 422 problem that
   names the field, by every face (the services check), and nothing is written.
2. A submit body nested deeper than the JSON decoder's recursion limit crashed the hot lane
   (500) where the FastAPI route answers 400 ("error parsing the body"); now both answer the
   documented 422 (``invalid_input``, "JSON nested too deeply to read").
3. A worker who skipped a task got it back when a reviewer rejected the next annotator's
   answer: every hold on the task was turned into a returned one, so the skipper held it again
   (two holders of an overlap-1 task), read the other person's rejection, and lost the record
   of their own skip. Now only the holds that submitted come back.
4. A golden check task accepted any ``base_version`` while a work task answers 409 to a stale
   one, so a worker could tell a check from work by sending a wrong version. Now a check
   refuses a version other than the one it showed, with the same conflict a work task gives.
5. Signing in as an unknown user answered at once while a known user's wrong password took an
   argon2 verification, so timing told which usernames exist. Now both verify a hash.
6. A skip racing a submit of the same hold (PostgreSQL, two requests) overwrote the committed
   ``submitted`` with ``skipped`` and freed a claim: on an overlap-2 task a third person could
   claim it (more answers than the overlap) and the submitter's work left the settlement. Now a
   skip is one conditional UPDATE; the loser gets a Conflict.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from datamill.assist.runner import preannotate_project
from datamill.compliance.models import ApiToken, User
from datamill.compliance.users import add_member, authenticate, create_token, create_user
from datamill.core.errors import Conflict, InvalidInput, Unauthorized
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.models import Annotation, Draft, Item, Project, Task, TaskAssignment
from datamill.production.task_notes import skip_task, skipped_by
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.golden import add_golden_items, set_golden_rate
from datamill.workforce.qualification import take_qualification_test
from tests._api import API, login
from tests._tools import wait_for_a_lock_wait
from tests.known_issues.test_golden_checks_look_ordinary import _text, _vendor_worker
from tests.known_issues.test_issue13_s2_claim_speed import _project_with_open_tasks
from tests.known_issues.test_issue13_s2_hot_lane import _answer, _without_hot_lane
from tests.unit.production.helpers import ready_project

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

        # too deep for the JSON decoder: the documented 422 on both lanes
        deep = b'{"annotation": ' + b"[" * 5000 + b"]" * 5000 + b', "base_version": 0}'
        a, b = (_answer(c.post(f"/api/v1/tasks/{tid}/annotations", headers=auth, content=deep))
                for c in (hot, slow))
        a[1].pop("instance", None)
        b[1].pop("instance", None)
        assert a == b and a[0] == 422, (a, b)  # noqa: PLR2004

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


def test_unknown_usernames_cost_a_hash_too(runtime: Runtime,
                                           production_password_hashing: PasswordHasher) -> None:
    # production's argon2 cost: with the tests' cheap hashing a missing hash would not show
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


def test_a_check_task_refuses_a_stale_version_like_a_work_task(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 6, package_size=10)
    w1, vendor_id = _vendor_worker(runtime, users, pid)
    with runtime.session() as s:
        ids = list(s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)))
        texts = {i: _text(s, i) for i in ids}
        golden = ids[3:]
        add_golden_items(s, users["pm"], pid, answers={i: texts[i] for i in golden},
                         pass_threshold="0.9")
    with runtime.session() as s:
        preannotate_project(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        take_qualification_test(s, w1, pid, {i: texts[i] for i in golden})
        package = create_packages(s, pid, "annotate")[0]
        create_packages(s, pid, "review")
        hand_package_to_vendor(s, users["admin"], package.id, vendor_id)
        set_golden_rate(s, users["pm"], pid, "0.5")

    stale: dict[str, tuple[int, dict[str, Any]]] = {}
    with TestClient(create_app(runtime)) as api:
        headers = login(api, "w1")
        while True:
            r = api.post(f"{API}/projects/{pid}/tasks/next", headers=headers)
            if r.status_code == 204:
                break
            task = r.json()
            with runtime.session() as s:
                kind = s.scalar(select(Task.kind).where(Task.id == task["id"]))
            body = {"segments": [{"start_ms": 0, "end_ms": 1000,
                                  "text": texts[task["item_id"]]}]}
            for base in (task["current_version"] + 3, task["current_version"] - 1):
                r = api.post(f"{API}/tasks/{task['id']}/annotations", headers=headers,
                             json={**body, "base_version": base})
                status, problem = _answer(r)
                for own in ("instance", "item", "task_id"):
                    problem.pop(own, None)
                problem["detail"] = problem["detail"].replace(task["external_id"], "ITEM")
                stale.setdefault(f"{kind}:{base - task['current_version']}", (status, problem))
            r = api.post(f"{API}/tasks/{task['id']}/annotations", headers=headers,
                         json={**body, "base_version": task["current_version"]})
            assert r.status_code == 201, r.text
    assert {k.split(":")[0] for k in stale} == {"check", "work"}, stale
    for offset in ("3", "-1"):
        check, work = stale[f"check:{offset}"], stale[f"work:{offset}"]
        assert work[0] == 409, work
        assert check == work, (offset, check, work)


def test_a_skip_racing_a_submit_never_undoes_it(runtime: Runtime) -> None:
    # overlap 2: a skip that overwrote a submitted hold freed a claim for a third person
    pid, _token = _project_with_open_tasks(runtime, 1)
    with runtime.session() as s:
        project = s.get(Project, pid)
        assert project is not None
        project.spec = {**project.spec, "overlap": 2}
        s.execute(update(Task).where(Task.project_id == pid,
                                          Task.stage == "annotate").values(overlap=2))
        people = {}
        for name in ("a", "b", "c"):
            people[name] = create_user(s, name, "password1", "annotator")
            add_member(s, pid, people[name], actor_id=None)
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(people["a"]), pid, "annotate")
        assert task is not None
        assert claim_next_task(s, s.merge(people["b"]), pid, "annotate") is not None
    seg = [{"start_ms": 0, "end_ms": 1500, "text": "the quick brown fox"}]
    first = runtime.sessions()
    submit_annotation(first, first.merge(people["a"]), task.id, seg, base_version=0)
    outcome: list[BaseException | None] = []

    def skip() -> None:
        try:
            with runtime.session() as s:
                skip_task(s, s.merge(people["a"]), task.id, "changed my mind")
            outcome.append(None)
        except Exception as err:  # noqa: BLE001 - the outcome is asserted below
            outcome.append(err)

    racer = threading.Thread(target=skip)
    racer.start()
    # the skip now waits on the submit's row lock (SQLite: its writer lock)
    wait_for_a_lock_wait(runtime.engine, racer, 0.5)
    first.commit()
    first.close()
    racer.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    with runtime.session() as s:
        hold = s.scalar(select(TaskAssignment.status).where(
            TaskAssignment.task_id == task.id, TaskAssignment.user_id == people["a"].id))
        assert hold == "submitted"
        # the overlap's two claims are still taken: nobody else gets the task
        assert claim_next_task(s, s.merge(people["c"]), pid, "annotate") is None
