"""Trial h6 (text NER with relations, two inspectors): two inspectors share one inspection,
and the second to save a sampled document's correction overwrote the first's spans and
relations without a word (the document workbench's ``base_version`` was ignored; "no change"
dropped a correction saved meanwhile). A correction or confirmation now names the correction
it started from (``correction_tag``): one saved since is a 409 ``correction_changed``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Conflict
from datamill.production.inspection import correction_tag, get_inspection, record_correction
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._api import web_sign_in as _sign_in
from tests.unit.api.test_web_text_llm_review import (
    _accept_all,
    _annotate_all,
    _attr,
    _inspection,
    _span,
    _text,
    _text_project,
)


def _corrected(runtime: Runtime, insp_id: int, item_id: int) -> str | None:
    with runtime.session() as s:
        sample = get_inspection(s, insp_id).sample
    return next(x["corrected_text"] for x in sample if x["item_id"] == item_id)  # type: ignore[no-any-return]


def test_a_second_inspectors_correction_is_refused_not_lost(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _text_project(runtime, users, tmp_path)
    _annotate_all(runtime, users, pid, _text(_span(0, 2, "PER"), _span(3, 5, "LOC")))
    _accept_all(runtime, users, pid)
    insp_id, items = _inspection(runtime, users, pid)
    item_id = items[0]
    with runtime.session() as s:
        second = create_user(s, "insp2", "password1", "inspector")
        add_member(s, pid, second, actor_id=None)
    with TestClient(create_app(runtime)) as web:
        csrf = _sign_in(web, "insp2")
        editor = web.get(f"/inspections/{insp_id}?sample={item_id}").text
        submit_url = _attr(editor, "data-submit-url")
        assert submit_url.endswith("?base=none")
        listed = web.get(f"/inspections/{insp_id}").text
        seen = _attr(listed, 'name="base" value')
        # the first inspector saves a relabelled span from what they opened
        first = json.dumps(_text(_span(0, 2, "ORG"), _span(3, 5, "LOC")))
        with runtime.session() as s:
            record_correction(s, insp_id, item_id, first, s.get(User, users["insp"].id),
                              base="none")
        first = _corrected(runtime, insp_id, item_id) or ""  # as stored (normalised JSON)
        assert "ORG" in first
        # the second inspector's editor opened before: refused, the first's kept
        r = web.post(submit_url, json={"annotation": _text(_span(3, 5, "PER")),
                                       "base_version": 0}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 409, r.text
        assert r.json()["reason_code"] == "correction_changed"
        r = web.post(f"/inspections/{insp_id}/samples/{item_id}/confirm",
                     data={"csrf_token": csrf, "base": seen}, follow_redirects=False)
        assert r.status_code == 409, r.text
        assert _corrected(runtime, insp_id, item_id) == first
        # the API's client names the tag it saw: stale refused, current taken
        auth = login(web, "insp")
        url = f"{API}/inspections/{insp_id}/samples/{item_id}"
        again = json.dumps(_text(_span(0, 2, "PER")))
        r = web.put(url, json={"corrected_text": again, "base_correction": "none"}, headers=auth)
        assert r.status_code == 409 and r.json()["reason_code"] == "correction_changed"
        r = web.put(url, json={"corrected_text": again,
                               "base_correction": correction_tag(first)}, headers=auth)
        assert r.status_code == 200, r.text
        tags = {x["item_id"]: x["correction_tag"] for x in r.json()["sample"]}
        assert tags[item_id] == correction_tag(_corrected(runtime, insp_id, item_id))
    with runtime.session() as s, pytest.raises(Conflict):
        record_correction(s, insp_id, item_id, first, base=correction_tag(first))
