"""Trial (quality lead, LOW 3 and 7).

* The LLM review's difference list read "标注： «（无）» → «preferred a over b — reason …»" on a
  zh-CN page: a whole version (none before it) is now worded as the page's summary is.
* A rejected inspection's returned task read "batch-001 rejected: span f1 0.8000 < 0.9000; …
  The inspector found this item defective; their version: {...}" (English and raw JSON) on a
  zh-CN page: the return now carries a code and its values (``return_code``,
  ``return_params``), worded in the page's language, and names the inspection instead of
  dumping the annotation's JSON.
* Opening one's own submitted task (``/tasks/{id}``) gave a "409 Conflict ... already
  submitted" page: it now shows what they submitted, read-only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.annotating import submit_annotation
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._api import web_sign_in as _sign_in
from tests.unit.api.test_web_text_llm_review import (
    _accept_all,
    _annotate_all,
    _inspection,
    _llm_project,
    _pair,
    _review_task,
    _rows,
    _span,
    _text,
    _text_project,
)


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_llm_review_difference_of_a_whole_version_is_worded_in_chinese(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _llm_project(runtime, users, tmp_path / "llm")
    _annotate_all(runtime, users, pid, _pair("a"))
    _sign_in(client, "rev")
    task_id, _ = _review_task(runtime, users, pid)
    client.cookies.set("lang", "zh-CN")
    page = client.get(f"/review/{task_id}")
    assert page.status_code == 200, page.text
    assert _rows(page.text, "review-compare") == ["type"]
    row = re.search(r'data-testid="review-compare-row" data-kind="type">(.*?)</li>', page.text,
                    re.DOTALL).group(1)  # type: ignore[union-attr]
    assert "preferred" not in row and " over " not in row, row
    assert "优于" in row, row


def test_own_submitted_task_opens_read_only(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _text_project(runtime, users, tmp_path / "text")
    with runtime.session() as s:
        me = s.get(User, users["ann1"].id)
        assert me is not None
        t = claim_next_task(s, me, pid, "annotate")
        assert t is not None
        task_id = t.id
        submit_annotation(s, me, t.id, _text(_span(0, 2, "PER")), base_version=t.current_version)
    _sign_in(client, "ann1")
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200, page.text[:500]
    assert 'data-testid="task-submitted"' in page.text
    shown = re.search(r'data-testid="submitted-text">([^<]*)<', page.text).group(1)  # type: ignore[union-attr]
    assert "PER" in shown, shown
    _sign_in(client, "ann2")  # someone else: still refused
    assert client.get(f"/tasks/{task_id}").status_code in (403, 409)


def test_a_rejected_inspection_returns_a_coded_reason_without_raw_json(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _text_project(runtime, users, tmp_path / "text")
    _annotate_all(runtime, users, pid, _text(_span(0, 2, "PER")))
    _accept_all(runtime, users, pid)
    insp_id, sample = _inspection(runtime, users, pid)
    auth = login(client, "insp")
    wrong = json.dumps(_text(_span(0, 2, "LOC")), ensure_ascii=False)
    for item_id in sample:
        r = client.put(f"{API}/inspections/{insp_id}/samples/{item_id}",
                       json={"corrected_text": wrong}, headers=auth)
        assert r.status_code == 200, r.text
    done = client.post(f"{API}/inspections/{insp_id}/complete", headers=auth).json()
    assert done["verdict"] == "rejected", done
    with runtime.session() as s:
        ann1 = s.get(User, users["ann1"].id)
        assert ann1 is not None
        t = claim_next_task(s, ann1, pid, "annotate")
        assert t is not None and t.item_id in sample
        task_id = t.id
    mine = client.get(f"{API}/tasks/{task_id}", headers=login(client, "ann1")).json()
    assert "{" not in mine["return_reason"], mine["return_reason"]
    assert f"inspection {insp_id}" in mine["return_reason"]
    assert mine["return_code"] == "batch_rejected"
    params = mine["return_params"]
    assert params["defective"] is True and params["inspection_id"] == insp_id
    assert params["version"]["spans"][0]["label"] == "LOC"  # the inspector's, as data
    assert {r["code"] for r in params["reasons"]} >= {"metric_below"}
    _sign_in(client, "ann1")
    client.cookies.set("lang", "zh-CN")
    page = client.get(f"/tasks/{task_id}").text
    said = re.search(r'data-testid="return-reason">(.*?)</p>', page, re.DOTALL).group(1)  # type: ignore[union-attr]
    assert "未通过质检" in said and f"质检 #{insp_id}" in said, said
    assert "rejected" not in said and "{" not in said and "span f1" not in said, said
