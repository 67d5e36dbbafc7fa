"""Trial (quality lead, LOW 2): a refused annotation of 5,000 repeated spans answered 9,998
problems (3.2 MB). A coded refusal now lists the first ``MAX_PROBLEMS`` and counts the rest
(``problems_more``), and its sentence says how many were left out, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.modalities.problem_words import MAX_PROBLEMS
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.api.test_web_text_llm_review import _text_project

SPANS = 5000


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_refusal_lists_at_most_100_problems_and_counts_the_rest(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path, lang: str
) -> None:
    pid = _text_project(runtime, users, tmp_path)
    auth = login(client, "ann1")
    task = client.post(f"{API}/projects/{pid}/tasks/next", headers=auth).json()
    doc = {"type": "text_annotation", "schema_version": 1,
           "spans": [{"start": 0, "end": 2, "label": "NOPE"}] * SPANS}
    r = client.post(f"{API}/tasks/{task['id']}/annotations",
                    json={"annotation": doc, "base_version": task["current_version"]},
                    headers={**auth, "Accept-Language": lang})
    assert r.status_code == 422, r.text[:300]
    body = r.json()
    assert len(body["problems"]) == MAX_PROBLEMS
    assert body["problems_more"] >= SPANS - MAX_PROBLEMS
    assert len(r.content) < 100_000
    more = f"{body['problems_more']} more problems" if lang == "en" else \
        f"另有 {body['problems_more']} 个问题"
    assert body["detail"].endswith(more)
    if lang != "en":
        assert len(body["message_en"]) < 20_000
