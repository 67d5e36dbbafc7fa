"""h1 trial: erasing a second withdrawn subject wrote the delivered package again leaving out
only that subject's items, so the first erased subject's came back into it (or, their bytes
gone, the re-delivery failed); erasing the same subject again wrote the package again for
nothing; the office's page did not say which delivery was written again. A package is written
without every subject who withdrew, only when that changes what it holds, and the page says
so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.catalog.erasure import erase_subject
from datamill.cli import _common
from datamill.cli.main import app as cli
from datamill.compliance.consent import withdraw_consent
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.delivery import deliver_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.catalog.helpers import people, speech_files


def _sheet(path: str) -> dict[str, object]:
    return json.loads((Path(path) / "datasheet.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.slow  # 13-15 s at load 16 on 2 cores: three faces, a release or 3 deliveries
def test_each_erasure_leaves_out_every_withdrawn_subject_once(
        sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = sqlite_runtime
    who = people(rt)
    files = speech_files("tw", 4)
    for f, subject in zip(files, ("tw-a", "tw-b", "tw-c", "tw-c"), strict=True):
        f["attributes"].update(speaker_id=subject, gender="female")
    with rt.session() as s:
        pid, batch = seed_product_batch(s, rt, "two-withdrawals", files,
                                        project_type="custom_service", workdir=tmp_path)
        d = deliver_batch(s, rt.blobs, batch, tmp_path / "out", formats=["kaldi"])
        withdraw_consent(s, who["dso"], pid, "tw-a")
        assert erase_subject(s, rt.blobs, who["dso"], pid, "tw-a")["redelivered"] == [d.id]
    assert _sheet(d.path)["items"] == 3
    written = (Path(d.path) / "manifest.json").stat().st_mtime_ns
    monkeypatch.setattr(_common, "_runtime", [rt])
    res = CliRunner().invoke(cli, ["security", "erase-subject", str(pid), "tw-a", "--as", "dso"])
    assert res.exit_code == 0, res.stdout  # the same subject again: nothing left to take out
    assert f"delivery {d.id} already leaves them out" in " ".join(res.stdout.split())
    with rt.session() as s:
        again = erase_subject(s, rt.blobs, who["dso"], pid, "tw-a")
    assert again["redelivered"] == [] and again["deleted"] == [], again
    assert again["already_redelivered"] == [d.id], again
    assert (Path(d.path) / "manifest.json").stat().st_mtime_ns == written
    with rt.session() as s:
        withdraw_consent(s, who["dso"], pid, "tw-b")
    with TestClient(create_app(rt)) as web:  # the office's page says what the erasure did
        web_login(web, "dso")
        web.cookies.set("lang", "zh-CN")
        r = web.post("/security/subject-erasure", data={
            "project_id": str(pid), "subject_id": "tw-b", "confirm": "true",
            "csrf_token": csrf_of(web)})  # was: "recordings erased", not which delivery
        assert r.status_code == 200, r.text
        said = r.text.split('data-testid="sec-erasure">')[1].split("</p>")[0]
        assert said.startswith("已删除 1 个文件") and f"交付 {d.id} 已剔除" in said, said
    sheet = _sheet(d.path)
    assert sheet["items"] == 2, sheet  # was 3: tw-a's item came back
    assert sheet["redelivery"] == {"first_delivered_at": sheet["redelivery"]["first_delivered_at"],  # type: ignore[index]
                                   "items_left_out": 2}, sheet
    text = (Path(d.path) / "kaldi" / "text").read_text()
    assert "tw0" not in text and "tw1" not in text and text.count("\n") == 2, text
