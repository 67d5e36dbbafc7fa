"""The customer's deliveries page: a customer who is a member of the project signs in, sees the
delivery in their language, downloads its files (each matching the manifest's sha256), and
records the acceptance (CSRF-checked); someone else's project answers nothing."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.schemas import DeliveryOut
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.routes.deliveries import _delivered_base
from tests.known_issues._web import visible_text_nodes, web_login
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_delivery_rejection import API, _accepted_batch, _auth


def test_a_customer_takes_a_delivery_on_the_web(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    with runtime.session() as s:
        add_member(s, pid, create_user(s, "buyer", "password1", "customer"), actor_id=None)
        create_user(s, "stranger", "password1", "customer")
    app = create_app(runtime)
    with TestClient(app) as api:
        pm = _auth(api, "pm")
        batch = _accepted_batch(api, runtime, users, pid, pm)
        d = api.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                     json={"formats": ["kaldi"]}).json()
    web = TestClient(app, headers={"Accept-Language": "zh-CN"})
    web_login(web, "buyer")
    assert 'data-testid="deliveries-link"' in web.get(f"/projects/{pid}").text
    page = web.get(f"/projects/{pid}/deliveries")
    assert page.status_code == 200, page.text
    text = visible_text_nodes(page.text)
    assert "交付" in " ".join(text) and "Deliveries" not in text
    # a partial acceptance says how the vendors are paid for it (pro rata: a trial user's finding)
    assert "本次交付按客户验收的比例与供应商结算" in page.text
    links = re.findall(rf'href="/deliveries/{d["id"]}/files/([^"]+)"', page.text)
    assert links[:2] == ["manifest.json", "datasheet.json"], links
    manifest = web.get(f"/deliveries/{d['id']}/files/manifest.json").json()["files"]
    assert set(links) == {*manifest, "manifest.json"} and len(links) == len(set(links))
    for name, digest in manifest.items():
        got = web.get(f"/deliveries/{d['id']}/files/{name}")
        assert hashlib.sha256(got.content).hexdigest() == digest == got.headers["x-content-sha256"]
    for bad in ("manifest.json%00", "manifest.json%0D"):  # a NUL was a 500 (trial 6)
        assert web.get(f"/deliveries/{d['id']}/files/{bad}").status_code == 404, bad
    # the form offers the whole delivery in the base unit an acceptance reports (ms of audio)
    assert f'name="accepted_volume" min="0" value="{d["datasheet"]["volume"]["amount"]}"' in (
        page.text)
    assert _delivered_base(DeliveryOut.model_validate(
        {**d, "datasheet": {}, "delivered_volume": 0.5})) == 1_800_000  # an older datasheet
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    form = {"accepted_items": "4", "accepted_volume": str(d["datasheet"]["volume"]["amount"])}
    assert web.post(f"/deliveries/{d['id']}/accept", data=form,
                    follow_redirects=False).status_code == 403  # no CSRF token
    done = web.post(f"/deliveries/{d['id']}/accept", data={**form, "csrf_token": csrf.group(1)},
                    follow_redirects=False)
    assert done.status_code == 303, done.text
    after = web.get(done.headers["location"])
    assert 'data-testid="dlv-done"' in after.text and 'data-status="accepted"' in after.text
    assert 'data-testid="dlv-accept"' not in after.text  # nothing left to report

    other = TestClient(app)
    web_login(other, "stranger")
    assert other.get(f"/projects/{pid}/deliveries").status_code in (403, 404)
    assert other.get(f"/deliveries/{d['id']}/files/manifest.json").status_code in (403, 404)
