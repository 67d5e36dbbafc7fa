"""Issue 8: item-level sensitivity and encrypting existing blobs were CLI/API only.

The ``/security`` page lists the items classified above their project and has a form to classify
one (the data-security office), and an admin-only button that encrypts the blobs stored before a
master key was set and shows the run's summary. Both post with the CSRF token, are decided and
audited by the compliance services, and a refusal re-renders the page with its status code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance.crypto import MasterKey
from datamill.compliance.item_sensitivity import item_level
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.storage.blobstore import BlobStore
from datamill.storage.encrypted import EncryptingBlobStore, encrypting_if_configured
from tests.known_issues._web import csrf_of, web_login
from tests.unit.compliance._security_world import make_project


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        members = [s.get_one(User, users[n].id) for n in ("pm", "ann1")]
        pid, items = make_project(s, "itemforms", members, [{"subject_id": "s1"}, {}])
    return {"pid": pid, "item": items[0]}


def _audits(runtime: Runtime, action: str) -> int:
    with runtime.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditRecord)
                            .where(AuditRecord.action == action)) or 0)


def _post(client: TestClient, path: str, data: dict[str, object], *, token: str | None) -> object:
    body = dict(data)
    if token is not None:
        body["csrf_token"] = token
    return client.post(path, data=body, follow_redirects=False)


def test_classify_item_form(runtime: Runtime, world: dict[str, int]) -> None:
    pid, item = world["pid"], world["item"]
    with TestClient(create_app(runtime)) as c:
        web_login(c, "dso")
        page = c.get("/security")
        assert page.status_code == 200 and 'data-testid="form-classify-item"' in page.text
        token = csrf_of(c)
        # without the CSRF token: refused, nothing changed
        r = _post(c, "/security/items", {"item_id": item, "level": "secret"}, token=None)
        assert r.status_code == 403  # type: ignore[attr-defined]
        # below the project's level: refused by the service, shown on the page
        r = _post(c, "/security/items", {"item_id": item, "level": "public"}, token=token)
        assert r.status_code == 422 and 'data-testid="sec-error"' in r.text  # type: ignore[attr-defined]
        r = _post(c, "/security/items", {"item_id": 10**9, "level": "secret"}, token=token)
        assert r.status_code == 404  # type: ignore[attr-defined]
        r = _post(c, "/security/items", {"item_id": item, "level": "secret"}, token=token)
        assert r.status_code == 303, r.text  # type: ignore[attr-defined]
        assert r.headers["location"] == "/security?ok=item_classified"  # type: ignore[attr-defined]
        shown = c.get("/security?ok=item_classified")
        assert 'data-testid="sec-item-levels"' in shown.text and "itemforms-0" in shown.text
        assert "dso" in shown.text
    with runtime.session() as s:
        assert item_level(s, item, pid) == "secret"
    assert _audits(runtime, "security.item_classified") == 1

    # the project's manager sees the project's classified items, without the form
    with TestClient(create_app(runtime)) as c:
        web_login(c, "pm")
        page = c.get("/security")
        assert "itemforms-0" in page.text and 'data-testid="form-classify-item"' not in page.text
        r = _post(c, "/security/items", {"item_id": world["item"], "level": "confidential"},
                  token=csrf_of(c))
        assert r.status_code == 403  # type: ignore[attr-defined]
    # an annotator has no data-security page and may classify nothing
    with TestClient(create_app(runtime)) as c:
        web_login(c, "ann1")
        r = _post(c, "/security/items", {"item_id": item, "level": "confidential"},
                  token=csrf_of(c))
        assert r.status_code == 403  # type: ignore[attr-defined]
    with runtime.session() as s:
        assert item_level(s, item, pid) == "secret"
    assert _audits(runtime, "security.item_classified") == 1


@pytest.fixture
def encrypting(runtime: Runtime, tmp_path: Path) -> Iterator[tuple[Runtime, list[str]]]:
    root = tmp_path / "blobs"
    plain = BlobStore(str(root))
    digests = []
    for i in range(3):
        f = tmp_path / f"src{i}.bin"
        f.write_bytes(f"old plaintext {i}".encode() * 100)
        digests.append(plain.put_file(f))
    settings = runtime.settings.model_copy(update={
        "master_key": MasterKey.generate().to_base64(), "home": tmp_path / "home"})
    blobs = encrypting_if_configured(BlobStore(str(root)), settings, runtime.sessions)
    yield Runtime(settings=settings, engine=runtime.engine, sessions=runtime.sessions,
                  blobs=blobs), digests


def test_encrypt_existing_button(encrypting: tuple[Runtime, list[str]],
                                 users: dict[str, User]) -> None:
    rt, digests = encrypting
    assert isinstance(rt.blobs, EncryptingBlobStore)
    with TestClient(create_app(rt)) as c:
        web_login(c, "pm")
        assert 'data-testid="form-encrypt-existing"' not in c.get("/security").text
        r = _post(c, "/security/encrypt-existing", {}, token=csrf_of(c))
        assert r.status_code == 403 and 'data-testid="sec-error"' in r.text  # type: ignore[attr-defined]
    assert _audits(rt, "security.blobs_encrypted") == 0
    for d in digests:  # still plaintext
        assert Path(rt.blobs.inner._key(d)).read_bytes().startswith(b"old plaintext")

    with TestClient(create_app(rt)) as c:
        web_login(c, "admin")
        page = c.get("/security")
        assert 'data-testid="form-encrypt-existing"' in page.text
        r = _post(c, "/security/encrypt-existing", {}, token=None)
        assert r.status_code == 403  # type: ignore[attr-defined]
        token = csrf_of(c)
        r = _post(c, "/security/encrypt-existing", {}, token=token)
        assert r.status_code == 200, r.text  # type: ignore[attr-defined]
        text = r.text  # type: ignore[attr-defined]
        assert 'data-testid="sec-encrypt-summary"' in text and 'data-testid="sec-ok"' in text
        assert "<td>3</td>" in text  # three blobs, all encrypted now
        r = _post(c, "/security/encrypt-existing", {}, token=token)  # idempotent
        assert r.status_code == 200  # type: ignore[attr-defined]
    assert _audits(rt, "security.blobs_encrypted") == 2
    rt.blobs.purge_cache()
    for i, d in enumerate(digests):
        assert Path(rt.blobs.inner._key(d)).read_bytes()[:4] == b"DMS1"
        assert rt.blobs.local_path(d).read_bytes() == f"old plaintext {i}".encode() * 100


def test_encrypt_existing_without_master_key(runtime: Runtime, users: dict[str, User]) -> None:
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        page = c.get("/security")
        assert 'data-testid="form-encrypt-existing"' not in page.text  # no key: no button
        r = _post(c, "/security/encrypt-existing", {}, token=csrf_of(c))
        assert r.status_code == 422 and "master key" in r.text.lower()  # type: ignore[attr-defined]
