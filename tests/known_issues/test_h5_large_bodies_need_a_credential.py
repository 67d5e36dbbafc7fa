"""h5 trial, HIGH: the two routes that take bodies above the server's request limit (the web's
data-import form, up to DATAMILL_MAX_UPLOAD_BYTES; a subject's recording, up to 20 MiB) had
them read into memory whoever sent them: the body-size limit buffers a body before the route
learns who is asking. Six unsigned 190 MB posts to ``/projects/1/import`` took a server from
190 MB to 1.5 GB; a made-up ``X-Collect-Token`` had 20 MiB read before its 401.

Now only a request with a live credential for the route (a signed-in session of someone who may
import into that project; an invitation neither revoked nor expired) may send the larger body;
anyone else is held to the server's limit (413) before more is read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests.unit.collection.helpers import PROMPTS, collect_spec
from tests.unit.production.helpers import spec

LIMIT = 4096


def _upload(size: int) -> dict[str, tuple[str, bytes, str]]:
    return {"upload": ("a.zip", b"\0" * size, "application/zip")}


@pytest.fixture
def app_and_project(runtime: Runtime, users: dict[str, User]) -> tuple[object, int]:
    runtime.settings.max_request_bytes = LIMIT
    runtime.settings.max_upload_bytes = 1024 * 1024
    with runtime.session() as s:
        pid = create_project(s, spec(name="h5-bodies")).id
        for name in ("pm", "ann1"):
            add_member(s, pid, users[name], actor_id=None)
    return create_app(runtime), pid


def test_the_import_form_takes_a_large_body_only_from_who_may_import(
    app_and_project: tuple[object, int],
) -> None:
    app, pid = app_and_project
    stranger = TestClient(app, follow_redirects=False)
    r = stranger.post(f"/projects/{pid}/import", data={"csrf_token": "x"},
                      files=_upload(64 * 1024), headers={"Accept": "text/html"})
    assert r.status_code == 413, r.status_code  # was read whole, then sent to sign in
    assert f"{LIMIT:,}" in r.text  # the server's limit, not the import's
    forged = TestClient(app, follow_redirects=False, cookies={"datamill_session": "forged"})
    r = forged.post(f"/projects/{pid}/import", data={"csrf_token": "x"},
                    files=_upload(64 * 1024))
    assert r.status_code == 413
    ann = TestClient(app, follow_redirects=False)  # signed in, but imports nothing
    csrf = web_sign_in(ann, "ann1")
    r = ann.post(f"/projects/{pid}/import", data={"csrf_token": csrf}, files=_upload(64 * 1024))
    assert r.status_code == 413
    pm = TestClient(app, follow_redirects=False)  # may import: the body is read, then judged
    csrf = web_sign_in(pm, "pm")
    r = pm.post(f"/projects/{pid}/import", data={"csrf_token": csrf}, files=_upload(64 * 1024))
    assert r.status_code != 413, r.text
    # a small body still reaches the page, which sends a stranger to sign in
    r = stranger.post(f"/projects/{pid}/import", data={"csrf_token": "x"}, files=_upload(16))
    assert r.status_code in (303, 400), r.status_code


def test_a_recording_takes_a_large_body_only_with_a_live_invitation(
    runtime: Runtime, users: dict[str, User],
) -> None:
    client = TestClient(create_app(runtime))
    pm = login(client, "pm")
    with runtime.session() as s:
        pid = create_project(s, collect_spec(name="h5-record")).id
        add_member(s, pid, users["pm"], actor_id=None)
    client.post(f"{API}/collect/projects/{pid}/prompts", json={"prompts": PROMPTS}, headers=pm)
    prompt = client.get(f"{API}/collect/projects/{pid}/prompts", headers=pm).json()[0]
    invite = client.post(f"{API}/collect/projects/{pid}/invites", json={"subject_id": "s1"},
                         headers=pm).json()
    url = f"{API}/collect/visit/prompts/{prompt['id']}/recording"
    body = b"\0" * (3 * 1024 * 1024)  # above the server's 2 MiB, within the 20 MiB
    bogus = {"X-Collect-Token": "made-up", "Content-Type": "audio/wav"}
    r = client.post(url, content=body, headers=bogus)
    assert r.status_code == 413 and r.json()["max_bytes"] == 2 * 1024 * 1024  # was 401, read
    live = {"X-Collect-Token": invite["token"], "Content-Type": "audio/wav"}
    r = client.post(url, content=body, headers=live)
    assert r.status_code == 403 and "consent first" in r.json()["detail"]  # read, then judged
    client.post(f"{API}/collect/invites/{invite['id']}/revoke", headers=pm)
    r = client.post(url, content=body, headers=live)
    assert r.status_code == 413
    r = client.post(url, content=b"\0" * 64, headers=bogus)  # small: the route says why
    assert r.status_code == 401
