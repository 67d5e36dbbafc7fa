"""A classified project's deliveries, opened on the web by people who may not see them.

A project manager who is not a member of a confidential or secret project (or a member short
of clearance, or its customer short of clearance) opening the project's deliveries page, one
of its delivery's files or package, or posting its acceptance forms, must get a clean page: 404
where the project is hidden from them (as for an id never given out), 403 where they see the
project but may not do the thing, never a server error, in English and in Chinese.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Batch, Delivery
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import spec


@pytest.mark.parametrize("level", ["confidential", "secret"])
def test_restricted_delivery_pages_answer_cleanly(
    runtime: Runtime, users: dict[str, User], level: str
) -> None:
    with runtime.session() as s:
        cust = create_user(s, "cust", "password1", "customer")
        pm2 = create_user(s, "pm2", "password1", "project_manager")
        pid = create_project(s, spec(), actor_id=users["admin"].id).id
        for member in (pm2, cust):
            add_member(s, pid, member, None)
        set_classification(s, users["admin"], pid, level)
        batch = Batch(project_id=pid, name="b1")
        s.add(batch)
        s.flush()
        delivery = Delivery(project_id=pid, batch_id=batch.id, path="/nowhere")
        s.add(delivery)
        s.flush()
        did = delivery.id
    pages = [f"/projects/{pid}/deliveries", f"/deliveries/{did}/files/manifest.json",
             f"/deliveries/{did}/package"]
    forms = {f"/deliveries/{did}/accept": {"accepted_items": "1", "accepted_volume": "1"},
             f"/deliveries/{did}/accept-refusing": {"refused": "u1"},
             f"/deliveries/{did}/reject": {"reason": "no"}}
    for who in ("pm", "pm2", "cust"):  # no member; members short of clearance
        for lang in ("en", "zh-CN"):
            with TestClient(create_app(runtime), headers={"Accept-Language": lang}) as c:
                web_login(c, who)
                csrf = csrf_of(c)
                answers = [c.get(url, follow_redirects=False) for url in pages]
                answers += [c.post(url, data={**form, "csrf_token": csrf},
                                   follow_redirects=False) for url, form in forms.items()]
                for r in answers:
                    where = (who, lang, r.request.method, r.request.url.path)
                    assert r.status_code in (403, 404), (*where, r.status_code, r.text[-400:])
                    assert r.headers["content-type"].startswith("text/html"), where
                    assert 'data-testid="error-message"' in r.text, where
                    if lang == "zh-CN":
                        assert re.search("[\u4e00-\u9fff]", r.text), where
                # the project is hidden from them: its delivery answers as a missing one
                assert all(r.status_code == 404 for r in answers[1:]), who
