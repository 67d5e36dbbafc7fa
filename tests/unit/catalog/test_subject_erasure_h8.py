"""Trial h8 round 2: a contributor who withdrew consent kept their recordings in the blob store
until the project's retention ran out (a company-owned project's: for ever). The data-security
office now erases them: each recording and its masked copies deleted with a certificate and
an audit record, bytes another subject or project shares kept, nothing before the withdrawal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog.erasure import erase_subject
from datamill.catalog.models import RetentionDeletion
from datamill.cli import _common
from datamill.cli.main import app as cli
from datamill.compliance.consent import withdraw_consent
from datamill.compliance.models import AuditRecord
from datamill.compliance.security_models import MaskedBlob
from datamill.core.errors import Conflict, Forbidden
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.catalog.helpers import people, speech_files


@pytest.mark.slow  # two projects, three faces; SQLite only (the retention tests run both)
def test_a_withdrawn_subjects_recordings_are_erased(sqlite_runtime: Runtime, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = sqlite_runtime
    who = people(runtime)
    files = speech_files("er", 3)  # items 0 and 2: subject er-s0; item 1: er-s1
    with runtime.session() as s:
        pid, _ = seed_product_batch(s, runtime, "erase-me", files, workdir=tmp_path)
        other, _ = seed_product_batch(s, runtime, "erase-other", [files[2]], workdir=tmp_path)
    copy = tmp_path / "masked.bin"
    copy.write_bytes(b"blurred")
    with runtime.session() as s:
        items = list(s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)))
        masked = runtime.blobs.put_file(copy)
        s.add(MaskedBlob(item_id=items[0].id, sha256_original=items[0].sha256,
                         sha256_masked=masked))
        shas = [i.sha256 for i in items]
        with pytest.raises(Conflict) as early:  # not before the withdrawal
            erase_subject(s, runtime.blobs, who["dso"], pid, "er-s0")
        assert early.value.details["reason_code"] == "subject_not_withdrawn"
        with pytest.raises(Forbidden):  # not the project manager
            erase_subject(s, runtime.blobs, who["pm"], pid, "er-s0")
    with TestClient(create_app(runtime)) as web:  # the office's page, in zh-CN
        web_login(web, "dso")
        web.cookies.set("lang", "zh-CN")
        assert 'data-testid="form-erase-subject"' in web.get("/security").text
        r = web.post("/security/subject-erasure", follow_redirects=False, data={
            "project_id": str(pid), "subject_id": "er-s0", "csrf_token": csrf_of(web)})
        assert r.status_code == 422 and "请勾选确认" in r.text  # nothing erased unconfirmed
        r = web.post("/security/subject-erasure", follow_redirects=False, data={
            "project_id": str(pid), "subject_id": "er-s0", "confirm": "true",
            "csrf_token": csrf_of(web)})
        assert r.status_code == 409 and "尚未" in r.text  # not withdrawn yet: said in Chinese
    with runtime.session() as s:
        withdraw_consent(s, who["dso"], pid, "er-s0")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    res = CliRunner().invoke(cli, ["security", "erase-subject", str(pid), "er-s0", "--as", "dso",
                                   "--dry-run", "--json"])
    assert res.exit_code == 0, res.stdout
    assert sorted(d["kind"] for d in json.loads(res.stdout)["deleted"]) == ["blob",
                                                                            "masked_copy"]
    assert all(runtime.blobs.exists(d) for d in [*shas, masked])  # a dry run deletes nothing
    with runtime.session() as s:
        out = erase_subject(s, runtime.blobs, who["dso"], pid, "er-s0")
    assert sorted(d["kind"] for d in out["deleted"]) == ["blob", "masked_copy"]
    assert [k["item_id"] for k in out["kept"]] == [items[2].id]  # shared with erase-other
    assert [runtime.blobs.exists(d) for d in shas] == [False, True, True]
    assert not runtime.blobs.exists(masked)
    with runtime.session() as s:
        certs = s.scalars(select(RetentionDeletion).order_by(RetentionDeletion.id)).all()
        assert len(certs) == 2 and all("withdrew consent" in c.reason for c in certs)
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "security.subject_erased")).one()
        assert audit.data["subject_id"] == "er-s0" and len(audit.data["deleted"]) == 2
        assert s.scalars(select(Item.sha256).where(Item.project_id == other)).one() == shas[2]
