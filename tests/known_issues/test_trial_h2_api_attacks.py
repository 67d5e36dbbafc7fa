"""Trial h2: the REST API attacked as an outsider and as a malicious insider.

* A JSON body whose bytes are not UTF-8 was answered 400 "There was an error parsing the
  body", a status no operation documents (schemathesis ST103 on every operation with a body);
  malformed JSON was already the documented 422.
* A transfer link's ``signature`` with a character outside ASCII crashed the download (HTTP 500:
  ``hmac.compare_digest`` refuses non-ASCII text) instead of refusing the link (403).
* An annotator who skipped a task (handed it back) still streamed its item's audio.
* An item classified above a reader's clearance was listed, shown, and its annotations, masked
  view and original personal data served (only its audio and its task were refused).
* A project classified above a project manager's clearance still served its golden items with
  their answers, its qualification test and golden rate (the workforce policy's matrix check
  had no clearance).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.catalog import licences
from datamill.compliance.classification import set_classification, set_clearance
from datamill.compliance.item_sensitivity import set_item_level
from datamill.compliance.models import User
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.api.test_api import _spec, _speech_folder
from tests.unit.catalog.helpers import customer, people, released
from tests.unit.production.helpers import ready_project

PROBLEM = "application/problem+json"
NOT_UTF8 = b'{"name": "\xff\xfe\x12"}'


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        yield c


def test_a_body_that_is_not_utf8_is_the_documented_422(
    client: TestClient, runtime: Runtime
) -> None:
    people(runtime)
    pm = login(client, "pm")
    schema = client.get(f"{API}/openapi.json").json()
    for path, method in (("/catalog/datasets", "post"), ("/projects", "post"),
                         ("/collect/visit/consent", "post")):
        documented = schema["paths"][f"{API}{path}"][method]["responses"]
        r = client.request(method, f"{API}{path}", content=NOT_UTF8,
                           headers={**pm, "Content-Type": "application/json",
                                    "X-Collect-Token": "x"})
        assert r.status_code == 422, (path, r.status_code, r.text)
        assert str(r.status_code) in documented
        assert r.headers["content-type"].startswith(PROBLEM)
        body = r.json()
        assert body["code"] == "invalid_input" and body["errors"][0]["field"] == "body"
        assert "UTF-8" in body["detail"]


def test_a_transfer_signature_outside_ascii_is_refused_not_a_crash(
    client: TestClient, runtime: Runtime, tmp_path: Path
) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path, name="h2-sig")
    cust = customer(runtime)
    with runtime.session() as s:
        lic = licences.create_licence(
            s, who["sales"], dataset_id=ds_id, customer_id=cust, number="240105/ABC",
            price="300000", territory="PRC", term="perpetual", usage_scope="training",
            acceptance_criteria="manifest ok").id
        url = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic,
                                           tmp_path / "out", hours=1, max_downloads=1).url
    parts = urlsplit(url)
    expires = parse_qs(parts.query)["expires"][0]
    for bad in ("é", "\u00ff" * 64, "ü" + "0" * 63):
        r = client.get(parts.path, params={"expires": expires, "signature": bad})
        assert r.status_code == 403, (bad, r.status_code, r.text)
        assert "signature does not match" in r.json()["detail"]
    # the real link still works once: the refusals counted no download
    assert client.get(f"{parts.path}?{parts.query}").status_code == 200


def test_an_annotator_who_skipped_a_task_hears_its_audio_no_more(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    """The task itself was refused after a skip ("you do not hold task"), its item's audio was
    still served to the annotator who handed it back."""
    pm, ann1 = login(client, "pm"), login(client, "ann1")
    pid = client.post(f"{API}/projects", json=_spec("h2-skip"), headers=pm).json()["id"]
    assert client.post(f"{API}/projects/{pid}/members", json={"username": "ann1"},
                       headers=pm).status_code == 201
    shutil.copytree(_speech_folder(), runtime.settings.resolved_import_root() / "speech")
    assert client.post(f"{API}/projects/{pid}/imports", json={"path": "speech"},
                       headers=pm).status_code == 201
    assert client.post(f"{API}/projects/{pid}/checks", headers=pm).json()["passed"] == 3
    pkg = client.post(f"{API}/projects/{pid}/packages", json={"stage": "annotate"},
                      headers=pm).json()[0]
    assert client.post(f"{API}/packages/{pkg['id']}/assign", json={"username": "ann1"},
                       headers=pm).status_code == 200
    task = client.post(f"{API}/projects/{pid}/tasks/next", params={"stage": "annotate"},
                       headers=ann1).json()
    audio = f"{API}/projects/{pid}/items/{task['item_id']}/audio"
    assert client.get(audio, headers=ann1).status_code == 200  # held: playable
    assert client.post(f"{API}/tasks/{task['id']}/skip", json={"reason": "cannot hear it"},
                       headers=ann1).status_code == 200
    assert client.get(f"{API}/tasks/{task['id']}", headers=ann1).status_code == 403
    r = client.get(audio, headers=ann1)
    assert r.status_code == 403, r.status_code
    assert "hold no task" in r.json()["detail"]
    assert client.get(audio, headers=pm).status_code == 200  # the project's viewers still hear it


def test_an_item_above_ones_clearance_is_not_read_through_the_api(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """Its audio and its task were refused, but the item list, the item, its annotations, its
    masked view and even its original personal data (``/security/items/{id}/original/…``,
    which only looked at the project's level) were served to a project manager cleared
    ``confidential`` for an item classified ``secret``."""
    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        secret, other = s.scalars(select(Item.id).where(Item.project_id == pid)
                                  .order_by(Item.id)).all()
        set_item_level(s, admin, secret, "secret")
        set_clearance(s, admin, users["pm"].id, "confidential")
    pm = login(client, "pm")
    listed = client.get(f"{API}/projects/{pid}/items", headers=pm).json()
    assert [i["id"] for i in listed["items"]] == [other] and listed["total"] == 1
    for path in (f"/projects/{pid}/items/{secret}", f"/projects/{pid}/items/{secret}/annotations",
                 f"/security/items/{secret}/masked",
                 f"/security/items/{secret}/original/prompt"):
        r = client.get(f"{API}{path}", headers=pm)  # as a missing item (no probing)
        assert r.status_code == 404, (path, r.status_code, r.text)
        assert "secret" not in r.json()["detail"]
    for path in (f"/projects/{pid}/items/{other}", f"/projects/{pid}/items/{other}/annotations",
                 f"/security/items/{other}/masked", f"/security/items/{other}/original/prompt"):
        assert client.get(f"{API}{path}", headers=pm).status_code == 200, path
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        set_clearance(s, admin, users["pm"].id, "secret")
    assert client.get(f"{API}/security/items/{secret}/original/prompt",
                      headers=pm).status_code == 200
    assert client.get(f"{API}/projects/{pid}/items", headers=pm).json()["total"] == 2


def test_a_project_above_ones_clearance_keeps_its_golden_answers(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """Every project route refused a project manager not cleared for a ``secret`` project,
    except the workforce ones (golden items with their known answers, the qualification test,
    golden rate and accuracy): their policy asked the permission matrix without the
    clearance."""
    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        set_classification(s, admin, pid, "secret")
    pm = login(client, "pm")  # not cleared: the project answers as a missing one
    assert client.get(f"{API}/projects/{pid}", headers=pm).status_code == 404
    for path in ("golden-items", "qualification-test", "golden-rate", "golden-accuracy"):
        r = client.get(f"{API}/projects/{pid}/{path}", headers=pm)
        assert r.status_code == 404, (path, r.status_code, r.text)
    r = client.put(f"{API}/projects/{pid}/golden-rate", json={"rate": "0.1"}, headers=pm)
    assert r.status_code == 404, r.text
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        set_clearance(s, admin, users["pm"].id, "secret")
    assert client.get(f"{API}/projects/{pid}/golden-items", headers=pm).status_code == 200
    assert client.get(f"{API}/projects/{pid}/golden-rate", headers=pm).status_code == 200
