"""The customer's side of a delivery over HTTP: list a project's deliveries, download the files
the manifest names and check their checksums, reject a delivery (items back to rework, nothing
accepted), then accept the redelivery by volume (a partial acceptance)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.production.models import DomainEvent, Item
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect

API = "/api/v1"


def _auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _accepted_batch(client: TestClient, runtime: Runtime, users: dict[str, User], pid: int,
                    pm: dict[str, str]) -> int:
    _annotate_and_review(runtime, users, pid)
    made = client.post(f"{API}/projects/{pid}/batches", headers=pm, json={})
    assert made.status_code == 201, made.text
    assert _inspect(runtime, users, made.json()["id"], wrong=False)["verdict"] == "accepted"
    return int(made.json()["id"])


def _cli(*args: object, code: int = 0) -> object:
    r = CliRunner().invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout)


def test_reject_then_redeliver_and_accept_part(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.unit.production.helpers import ready_project

    pid = ready_project(runtime, users, tmp_path, 4)
    with TestClient(create_app(runtime)) as client:
        pm = _auth(client, "pm")
        batch = _accepted_batch(client, runtime, users, pid, pm)
        first = client.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                            json={"formats": ["kaldi"]})
        assert first.status_code == 201, first.text
        d = first.json()
        listed = client.get(f"{API}/projects/{pid}/deliveries", headers=pm)
        assert [x["id"] for x in listed.json()] == [d["id"]]
        assert listed.json()[0]["status"] == "delivered"

        manifest = client.get(f"{API}/deliveries/{d['id']}/files/manifest.json", headers=pm)
        assert manifest.status_code == 200, manifest.text
        files = manifest.json()["files"]
        for name, digest in files.items():  # every file the manifest names, as downloaded
            got = client.get(f"{API}/deliveries/{d['id']}/files/{name}", headers=pm)
            assert got.status_code == 200, name
            assert hashlib.sha256(got.content).hexdigest() == digest == \
                got.headers["x-content-sha256"], name
        for bad in ("../../etc/passwd", "..%2F..%2Fsecret", "kaldi/../../x", "nothing.txt",
                    "manifest.json%00", "kaldi%00/text", "kaldi%1F/text",  # NUL: was a 500
                    "0" * 300, "kaldi/" + "x" * 256):  # ENAMETOOLONG: was a 500 (schemathesis)
            assert client.get(f"{API}/deliveries/{d['id']}/files/{bad}",
                              headers=pm).status_code == 404, bad
        assert client.get(f"{API}/deliveries/{d['id']}/files/manifest.json",
                          headers=_auth(client, "ann1")).status_code == 403

        zero = client.post(f"{API}/deliveries/{d['id']}/acceptance", headers=pm,
                           json={"accepted_items": 0, "accepted_volume": 0})
        assert zero.status_code == 422 and "rejection instead" in zero.json()["detail"]
        empty = client.post(f"{API}/deliveries/{d['id']}/rejection", headers=pm,
                            json={"reason": ""})
        assert empty.status_code == 422
        no = client.post(f"{API}/deliveries/{d['id']}/rejection", headers=pm,
                         json={"reason": "speaker labels swapped in half the files"})
        assert no.status_code == 200, no.text
        assert no.json()["status"] == "rejected" and no.json()["accepted_items"] is None
        late = client.post(f"{API}/deliveries/{d['id']}/acceptance", headers=pm,
                           json={"accepted_items": 4, "accepted_volume": 1})
        assert late.status_code == 409 and "rejected" in late.json()["detail"]
        assert client.post(f"{API}/deliveries/{d['id']}/rejection", headers=pm,
                           json={"reason": "again"}).status_code == 409
        with runtime.session() as s:
            assert {i.status for i in s.scalars(select(Item).where(Item.project_id == pid))} \
                == {"rework"}
            back = claim_next_task(s, users["ann1"], pid, "annotate")
            assert back is not None and back.return_reason
            assert "rejected by the customer: speaker labels swapped" in back.return_reason
            assert not s.scalars(select(DomainEvent).where(
                DomainEvent.type == "delivery.accepted")).all()

        # the reworked items are batched, inspected and delivered again; part is accepted
        again = _accepted_batch(client, runtime, users, pid, pm)
        second = client.post(f"{API}/batches/{again}/deliveries", headers=pm,
                             json={"formats": ["kaldi"]}).json()
        half = second["datasheet"]["volume"]["amount"] // 2
        took = client.post(f"{API}/deliveries/{second['id']}/acceptance", headers=pm,
                           json={"accepted_items": 2, "accepted_volume": half})
        assert took.status_code == 200, took.text
        listed = client.get(f"{API}/projects/{pid}/deliveries", headers=pm).json()
        assert [(x["id"], x["status"]) for x in listed] == [
            (d["id"], "rejected"), (second["id"], "accepted")]
        with runtime.session() as s:
            event = s.scalars(select(DomainEvent).where(
                DomainEvent.type == "delivery.accepted")).one()
            assert event.payload["accepted_volume"] == half

    # the same from the command line: list, show, and a second rejection refused (JSON)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    rows = _cli("delivery", "list", pid, "--as", "pm")
    assert [x["status"] for x in rows] == ["rejected", "accepted"]  # type: ignore[union-attr]
    one = _cli("delivery", "show", d["id"], "--as", "pm")
    assert one["status"] == "rejected"  # type: ignore[index]
    refused = _cli("delivery", "reject", second["id"], "--reason", "late", "--as", "pm", code=4)
    assert "already accepted" in refused["error"]["message"]  # type: ignore[index]
    # a second acceptance is refused naming the day, as the refused rejection does (it named a
    # raw timestamp: "accepted on 2026-12-03 23:30:46.374542+00:00")
    twice = _cli("delivery", "accept", second["id"], "--items", 1, "--volume", 1, "--as", "pm",
                 code=4)
    message = twice["error"]["message"]  # type: ignore[index]
    assert re.fullmatch(rf"delivery {second['id']} was already accepted on \d{{4}}-\d\d-\d\d",
                        message), message


def test_the_customer_takes_their_own_delivery_and_nobody_else_s(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    # the customer role could not read, download, accept or reject anything (staff did it for
    # them); and any project manager listed any project's deliveries
    from datamill.compliance.users import add_member, create_user
    from tests.unit.production.helpers import ready_project

    pid = ready_project(runtime, users, tmp_path, 4)
    with runtime.session() as s:
        buyer = create_user(s, "buyer", "password1", "customer")
        add_member(s, pid, buyer, actor_id=None)
        create_user(s, "stranger", "password1", "customer")  # a customer of another project
        create_user(s, "otherpm", "password1", "project_manager")  # not a member
    with TestClient(create_app(runtime)) as client:
        pm = _auth(client, "pm")
        batch = _accepted_batch(client, runtime, users, pid, pm)
        buyer_h = _auth(client, "buyer")
        refused = client.post(f"{API}/batches/{batch}/deliveries", headers=buyer_h, json={})
        assert refused.status_code == 403, refused.text  # the customer does not deliver
        d = client.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                        json={"formats": ["kaldi"]}).json()
        listed = client.get(f"{API}/projects/{pid}/deliveries", headers=buyer_h)
        assert [x["id"] for x in listed.json()] == [d["id"]], listed.text
        shown = client.get(f"{API}/deliveries/{d['id']}", headers=buyer_h)
        assert shown.status_code == 200
        # the customer is not told where the package lies on the server (a trial user saw the
        # server's home folder); the manager is
        assert shown.json()["path"] is None and listed.json()[0]["path"] is None
        assert d["path"] and str(runtime.settings.home) not in shown.text
        files = client.get(f"{API}/deliveries/{d['id']}/files/manifest.json",
                           headers=buyer_h).json()["files"]
        for name, digest in files.items():
            got = client.get(f"{API}/deliveries/{d['id']}/files/{name}", headers=buyer_h)
            assert hashlib.sha256(got.content).hexdigest() == digest, name
        for other in ("stranger", "otherpm"):
            h = _auth(client, other)
            assert client.get(f"{API}/projects/{pid}/deliveries",
                              headers=h).status_code in (403, 404), other
            assert client.get(f"{API}/deliveries/{d['id']}/files/manifest.json",
                              headers=h).status_code in (403, 404), other
            assert client.post(f"{API}/deliveries/{d['id']}/acceptance", headers=h,
                               json={"accepted_items": 4}).status_code in (403, 404), other
        took = client.post(f"{API}/deliveries/{d['id']}/acceptance", headers=buyer_h,
                           json={"accepted_items": 4,
                                 "accepted_volume": d["datasheet"]["volume"]["amount"]})
        assert took.status_code == 200 and took.json()["status"] == "accepted", took.text
        assert took.json()["path"] is None
