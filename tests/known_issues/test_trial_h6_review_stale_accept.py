"""Trial h6 (annotator + reviewer on one document): a reviewer's accept or reject named no
version, so when the item moved on while the page was open (re-aggregation writes a new
version of an item waiting for review), the reviewer accepted spans they never saw. The review
page's forms name the version shown (``base_version``), and a verdict on a version the item
has moved past is a 409 ``review_stale``."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.modalities.base import validate_annotation_in
from datamill.modalities.registry import get_modality
from datamill.production.annotating import write_version
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in as _sign_in
from tests.unit.api.test_web_text_llm_review import (
    _annotate_all,
    _attr,
    _review_task,
    _span,
    _text,
    _text_project,
)
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS


def test_a_verdict_on_a_version_the_item_moved_past_is_refused(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _text_project(runtime, users, tmp_path)
    _annotate_all(runtime, users, pid, _text(_span(0, 2, "PER")))
    task_id, item_id = _review_task(runtime, users, pid)
    with TestClient(create_app(runtime)) as web:
        csrf = _sign_in(web, "rev")
        page = web.get(f"/review/{task_id}").text
        shown = int(_attr(page, 'name="base_version" value'))
        with runtime.session() as s:  # the item moves on (an aggregate of the answers)
            item = s.get(Item, item_id)
            plugin = get_modality("text")
            doc = validate_annotation_in(
                plugin, _text(_span(3, 5, "LOC")), item.attributes or {},
                plugin.requirements_model.model_validate(TEXT_REQUIREMENTS))
            write_version(s, item, base_version=shown, payload=doc, stage="annotate",
                          kind="aggregate", author_id=None)
        r = web.post(f"/review/{task_id}", data={"verdict": "accept", "csrf_token": csrf,
                                                 "base_version": str(shown)},
                     follow_redirects=False)
        assert r.status_code == 409, r.text
        with runtime.session() as s:
            assert s.get(Item, item_id).status != "reviewed"
        fresh = int(_attr(web.get(f"/review/{task_id}").text, 'name="base_version" value'))
        assert fresh == shown + 1
        r = web.post(f"/review/{task_id}", data={"verdict": "accept", "csrf_token": csrf,
                                                 "base_version": str(fresh)},
                     follow_redirects=False)
        assert r.status_code == 303, r.text
    with runtime.session() as s:
        assert s.get(Item, item_id).status == "reviewed"
