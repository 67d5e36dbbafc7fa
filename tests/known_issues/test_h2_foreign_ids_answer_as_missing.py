"""Probing for ids: an object of a project one may not see answers as one never given out.

An annotator (or vendor worker, reviewer, inspector, project manager) asking for a task, item,
annotation, batch, inspection, delivery or package of a project they are not a member of got
403 where an unknown id got 404, so they could learn which ids exist in other projects. The same
held for a project classified above their clearance, where they are a member. Now both answer
exactly as a missing id: the same status, the same problem (or page) with the same sentence,
on the API and on the web pages; a 403 stays where the person sees the project but may not do
the thing (an annotator of the project asked to review).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import (
    Annotation,
    Batch,
    Delivery,
    Inspection,
    Item,
    Task,
    WorkPackage,
)
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._probe import MISSING, SPEC, api_answer, web_answer
from tests.known_issues._web import csrf_of, web_login

PROBERS = ("ann1", "rev", "insp", "pm", "vw")

# (method, path, body): every API route that addresses one object of a project by its id
API_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/tasks/{task}", None),
    ("GET", "/tasks/{task}/draft", None),
    ("PUT", "/tasks/{task}/draft", {"segments": [], "base_version": 0, "revision": 1}),
    ("DELETE", "/tasks/{task}/draft", None),
    ("POST", "/tasks/{task}/annotations", {"segments": [], "base_version": 0}),
    ("POST", "/tasks/{task}/skip", {"reason": "cannot hear it"}),
    ("POST", "/tasks/{review}/review", {"verdict": "accept"}),
    ("GET", "/tasks/{task}/listen", None),
    ("POST", "/tasks/{task}/listen", {"reads_prompt": True}),
    ("GET", "/annotations/{annotation}/note", None),
    ("POST", "/packages/{package}/assign", {"username": "ann1"}),
    ("POST", "/batches/{batch}/inspections", None),
    ("GET", "/inspections/{inspection}", None),
    ("GET", "/inspections/{inspection}/scores", None),
    ("PUT", "/inspections/{inspection}/samples/1", {"corrected_text": "x"}),
    ("POST", "/inspections/{inspection}/complete", None),
    ("POST", "/batches/{batch}/deliveries", {}),
    ("GET", "/deliveries/{delivery}", None),
    ("POST", "/deliveries/{delivery}/acceptance", {"accepted_items": 1}),
    ("POST", "/deliveries/{delivery}/rejection", {"reason": "wrong speaker labels"}),
    ("GET", "/deliveries/{delivery}/files/manifest.json", None),
    ("GET", "/deliveries/{delivery}/package", None),
    ("POST", "/collect/items/{item}/rerecord", {"reason": "recording: noisy"}),
    ("GET", "/collect/items/{item}/rerecord", None),  # 405 either way
    ("GET", "/security/items/{item}/masked", None),
    ("GET", "/security/items/{item}/original/prompt", None),
    ("GET", "/projects/{project}/items/{item}/media", None),
    ("GET", "/projects/{project}/items/{item}/audio", None),
    ("GET", "/projects/{project}/items/{item}/content", None),
]
# the same for the web pages (forms carry the CSRF token; /web/api answers JSON)
WEB_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/tasks/{task}", None),
    ("GET", "/tasks/{review}", None),
    ("GET", "/review/{review}", None),
    ("POST", "/review/{review}", {"verdict": "accept"}),
    ("POST", "/listen/{task}", {"answer": "reads"}),
    ("POST", "/packages/{package}/assign", {"user_id": "1"}),
    ("POST", "/batches/{batch}/inspect", {}),
    ("GET", "/inspections/{inspection}", None),
    ("POST", "/inspections/{inspection}/complete", {}),
    ("GET", "/deliveries/{delivery}/files/manifest.json", None),
    ("POST", "/deliveries/{delivery}/accept", {"accepted_items": "1", "accepted_volume": "1"}),
    ("POST", "/deliveries/{delivery}/accept-refusing", {"refused": "u1"}),
    ("POST", "/deliveries/{delivery}/reject", {"reason": "no"}),
    ("GET", "/deliveries/{delivery}/package", None),
    ("GET", "/web/api/items/{item}/audio", None),
    ("GET", "/web/api/items/{item}/media", None),
    ("GET", "/web/api/items/{item}/peaks", None),
    ("GET", "/web/api/items/{item}/spectrogram", None),
]


@pytest.fixture(params=["not a member", "member, not cleared"])
def world(request: pytest.FixtureRequest, runtime: Runtime,
          users: dict[str, User]) -> dict[str, int]:
    """One object of each kind in a project the probers may not see: they are no members of
    it, or members of a project classified ``secret`` (their clearance: internal)."""
    with runtime.session() as s:
        vw = create_user(s, "vw", "password1", "vendor_worker")
        project = create_project(s, SPEC, actor_id=users["admin"].id)
        pid = project.id
        if request.param == "member, not cleared":
            for name in PROBERS:
                add_member(s, pid, users[name] if name != "vw" else vw, None)
            set_classification(s, users["admin"], pid, "secret")
        item = None
        while item is None or item.id == pid:  # the probed id and the project's differ
            item = Item(project_id=pid, external_id=f"u{item.id if item else 0}",
                        sha256="0" * 64, filename="u1.wav", size_bytes=1, status="ready",
                        owner="customer")
            s.add(item)
            s.flush()
        task = Task(project_id=pid, item_id=item.id, stage="annotate")
        review = Task(project_id=pid, item_id=item.id, stage="review")
        ann = Annotation(item_id=item.id, version=1, stage="annotate", kind="human",
                         payload=[])
        batch = Batch(project_id=pid, name="b1")
        package = WorkPackage(project_id=pid, stage="annotate", name="p1")
        s.add_all([task, review, ann, batch, package])
        s.flush()
        insp = Inspection(batch_id=batch.id, plan={})
        delivery = Delivery(project_id=pid, batch_id=batch.id, path="/nowhere")
        s.add_all([insp, delivery])
        s.flush()
        return {"project": pid, "task": task.id, "review": review.id, "item": item.id,
                "annotation": ann.id,
                "batch": batch.id, "package": package.id, "inspection": insp.id,
                "delivery": delivery.id}


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _url(path: str, ids: dict[str, int], missing: bool) -> tuple[str, int]:
    """The path with its ids; the last one is the id asked about (``MISSING`` or foreign)."""
    names = re.findall(r"\{(\w+)\}", path)
    assert names
    ident = MISSING if missing else ids[names[-1]]
    for name in names[:-1]:
        path = path.replace("{" + name + "}", str(ids[name]))
    return path.replace("{" + names[-1] + "}", str(ident)), ident


def _api_answer(client: TestClient, headers: dict[str, str], method: str, path: str,
                body: Any, ids: dict[str, int], missing: bool) -> tuple[int, str]:
    url, ident = _url(path, ids, missing)
    return api_answer(client, headers, method, API + url, body, ident)


def test_api_answers_a_foreign_id_as_a_missing_one(
    client: TestClient, world: dict[str, int]
) -> None:
    hidden_before = 0
    for name in PROBERS:
        headers = login(client, name)
        for method, path, body in API_ROUTES:
            foreign = _api_answer(client, headers, method, path, body, world, missing=False)
            missing = _api_answer(client, headers, method, path, body, world, missing=True)
            assert foreign == missing, (name, method, path, foreign, missing)
            hidden_before += foreign[0] == 404  # noqa: PLR2004
    assert hidden_before > 40  # not only refused by role: most answers are the 404 now


def _web_answer(client: TestClient, csrf: str, method: str, path: str,
                form: dict[str, Any] | None, ids: dict[str, int], missing: bool) -> tuple[int, str]:
    url, ident = _url(path, ids, missing)
    return web_answer(client, csrf, method, url, form, ident)


def test_web_answers_a_foreign_id_as_a_missing_one(
    client: TestClient, world: dict[str, int]
) -> None:
    hidden = 0
    for name in PROBERS:
        client.cookies.clear()
        web_login(client, name)
        csrf = csrf_of(client)
        for method, path, form in WEB_ROUTES:
            foreign = _web_answer(client, csrf, method, path, form, world, missing=False)
            missing = _web_answer(client, csrf, method, path, form, world, missing=True)
            assert foreign == missing, (name, method, path, foreign, missing)
            hidden += foreign[0] == 404  # noqa: PLR2004
    assert hidden > 40


def test_a_member_still_hears_403_for_what_their_role_may_not_do(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    """Seeing the project, an annotator asked to review its task is refused (403), not told
    the task is missing; a member reads their project's task."""
    with runtime.session() as s:
        pid = create_project(s, SPEC, actor_id=users["admin"].id).id
        add_member(s, pid, users["ann1"], None)
        add_member(s, pid, users["pm"], None)
        item = Item(project_id=pid, external_id="u1", sha256="0" * 64, filename="u1.wav",
                    size_bytes=1, status="ready", owner="customer")
        s.add(item)
        s.flush()
        task = Task(project_id=pid, item_id=item.id, stage="annotate")
        s.add(task)
        s.flush()
        tid = task.id
    ann = login(client, "ann1")
    r = client.get(f"{API}/tasks/{tid}", headers=ann)
    assert r.status_code == 403, r.text  # sees the project, does not hold the task
    pm = login(client, "pm")
    assert client.get(f"{API}/tasks/{tid}", headers=pm).status_code == 200
