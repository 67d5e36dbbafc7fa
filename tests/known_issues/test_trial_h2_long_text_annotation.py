"""Trial h2 (text annotator, long documents): a 264,890-character Chinese text, well within what an
import takes (1,000,000 characters), pre-annotated by jieba with 24,000 spans, opened in the
workbench, but its draft and its submit were refused 413: the spans' JSON passed the 2 MiB
request limit, so the pre-annotation the system had made could never be handed back. The routes
that carry one annotation document now take ``Settings.max_annotation_bytes`` (32 MiB), on the API
and the web; every other route keeps the request limit.

The test shrinks the request limit instead of sending megabytes: the same rule, quickly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._api import web_sign_in as _sign_in
from tests.unit.api.test_web_text_llm_review import _project
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

REPEATS = 300  # "北京" × 300: 300 spans, some 20 kB of JSON


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _long_item(runtime: Runtime, users: dict[str, User], folder: Path) -> tuple[int, int]:
    """(project, the task ann1 holds on its one item): "北京" × REPEATS."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lines.txt").write_text("北京" * REPEATS + "\n", encoding="utf-8")
    prepared = prepare_text_source(folder / "lines.txt", folder / "prepared")
    requirements = {**TEXT_REQUIREMENTS,
                    "text": {**TEXT_REQUIREMENTS["text"], "max_chars": 2 * REPEATS}}
    spec = {"name": "long-ner", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9}, "requirements": requirements}
    pid = _project(runtime, users, spec, prepared.manifest)
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        assert task is not None
        return pid, task.id


def _document() -> dict[str, Any]:
    spans = [{"start": 2 * i, "end": 2 * i + 2, "label": "LOC", "text": "北京"}
             for i in range(REPEATS)]
    return {"type": "text_annotation", "schema_version": 1, "spans": spans}


def _limits(runtime: Runtime, request: int, annotation: int) -> None:
    runtime.settings.max_request_bytes = request
    runtime.settings.max_annotation_bytes = annotation


def test_api_takes_an_annotation_above_the_request_limit(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    _, task_id = _long_item(runtime, users, tmp_path)
    auth = login(client, "ann1")
    _limits(runtime, request=4096, annotation=1024 * 1024)
    body = {"base_version": 0, "annotation": _document()}
    r = client.put(f"{API}/tasks/{task_id}/draft", json={**body, "revision": 1}, headers=auth)
    assert r.status_code != 413, r.text[:300]
    r = client.post(f"{API}/tasks/{task_id}/annotations", json=body, headers=auth)
    assert r.status_code == 201, r.text[:300]
    assert len(r.json()["payload"]["spans"]) == REPEATS
    # other routes keep the request limit
    r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "x" * 5000})
    assert r.status_code == 413


def test_the_annotation_limit_still_holds(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    _, task_id = _long_item(runtime, users, tmp_path)
    auth = login(client, "ann1")
    _limits(runtime, request=4096, annotation=8192)
    r = client.post(f"{API}/tasks/{task_id}/annotations",
                    json={"base_version": 0, "annotation": _document()}, headers=auth)
    assert r.status_code == 413


def test_web_workbench_saves_and_submits_an_annotation_above_the_request_limit(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    _, task_id = _long_item(runtime, users, tmp_path)
    csrf = _sign_in(client, "ann1")
    _limits(runtime, request=4096, annotation=1024 * 1024)
    headers = {"X-CSRF-Token": csrf}
    doc = _document()
    r = client.post(f"/web/api/tasks/{task_id}/annotation/draft",
                    json={"base_version": 0, "revision": 1, "annotation": doc}, headers=headers)
    assert r.status_code == 200, r.text[:300]
    r = client.post(f"/web/api/tasks/{task_id}/annotation",
                    json={"base_version": 0, "annotation": doc}, headers=headers)
    assert r.status_code == 200, r.text[:300]


def test_an_annotation_above_the_request_limit_needs_a_live_credential(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """(merge of h2 and h5) the larger limit is for a signed-in caller only: a made-up token
    or no session is held to the request limit (413) before the body is read, as the import
    form and a recording are, so nobody unknown can make the server buffer 32 MiB."""
    _, task_id = _long_item(runtime, users, tmp_path)
    _limits(runtime, request=4096, annotation=1024 * 1024)
    body = {"base_version": 0, "annotation": _document()}
    r = client.post(f"{API}/tasks/{task_id}/annotations", json=body,
                    headers={"Authorization": "Bearer made-up"})
    assert r.status_code == 413, r.text[:300]
    r = client.post(f"{API}/tasks/{task_id}/annotations", json=body)
    assert r.status_code == 413, r.text[:300]
    r = client.post(f"/web/api/tasks/{task_id}/annotation", json=body)
    assert r.status_code == 413, r.text[:300]
