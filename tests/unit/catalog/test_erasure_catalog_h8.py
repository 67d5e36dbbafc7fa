"""Helper h8 round 3: erasing a subject who withdrew consent left their recordings in every
catalog release built before the withdrawal: the release's folder (data/, samples/,
labels.jsonl) and its licences' transfer packages kept the files, and the blob store kept the
bytes "because a catalog release holds them". Now the erasure withdraws such a release and
deletes its folder and its packages, lets the subject's bytes go, records on each licence that
it held the erased data, and the licensee's inbox asks it to delete those files (in zh-CN too).
The next release still leaves the subject out; the other subject's bytes stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog import datasets, licences, releases
from datamill.catalog.access import link_customer_user
from datamill.catalog.erasure import erase_subject
from datamill.catalog.inbox import customer_inbox
from datamill.catalog.models import CatalogDataset, CatalogRelease, TransferLink
from datamill.cli import _common
from datamill.cli.main import app as cli
from datamill.compliance.consent import withdraw_consent
from datamill.compliance.models import AuditRecord
from datamill.config import get_settings
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, speech_files


def test_erasing_a_subject_purges_the_catalog_releases_holding_them(
        sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = sqlite_runtime
    who = people(rt)
    files = speech_files("ec", 3)  # items 0 and 2: subject ec-s0; item 1: ec-s1
    acme = customer(rt)
    with rt.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="ec-asr", title="t",
                                     modality="speech.asr", languages=["zh-CN"],
                                     price="300000", price_low="200000", price_high="400000")
        pid, batch = seed_product_batch(s, rt, "prod-ec", files, workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        v1 = releases.build_release(s, rt.blobs, who["pm"], ds.id, tmp_path / "rel")
        link_customer_user(s, who["sales"], who["cust"], acme)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds.id, customer_id=acme,
                                      price="300000", territory="PRC", term="perpetual",
                                      usage_scope="training", acceptance_criteria="manifest")
        link = licences.issue_transfer_link(s, rt.settings, who["sales"], lic.id,
                                            tmp_path / "out")
        shas = [i.sha256 for i in s.scalars(select(Item).where(Item.project_id == pid)
                                            .order_by(Item.id))]
    p = licences.link_params(link.url)
    with rt.session() as s:
        licences.download(s, rt.settings, p[0], expires=p[1], signature=p[2])
        package = Path(s.get(TransferLink, link.id).package_path)  # type: ignore[union-attr]
    folder = Path(v1.path)
    assert folder.is_dir() and package.is_file()
    with rt.session() as s:
        withdraw_consent(s, who["dso"], pid, "ec-s0")
        dry = erase_subject(s, rt.blobs, who["dso"], pid, "ec-s0", dry_run=True)
    assert (dry["releases"], dry["licences"]) == ([v1.id], [lic.id])
    monkeypatch.setattr(_common, "_runtime", [rt])
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    said = CliRunner().invoke(cli, ["security", "erase-subject", str(pid), "ec-s0", "--as",
                                    "dso", "--dry-run"])
    get_settings.cache_clear()
    assert said.exit_code == 0, said.stdout
    shown = "".join(said.stdout.split())  # the console wraps lines
    assert f"目录发布版{v1.id}已撤回" in shown and f"授权{lic.id}已记录" in shown
    assert folder.is_dir() and package.is_file()  # a dry run deletes nothing
    with rt.session() as s:
        out = erase_subject(s, rt.blobs, who["dso"], pid, "ec-s0")
    assert (out["releases"], out["licences"]) == ([v1.id], [lic.id])
    assert out["kept"] == []  # before: both of ec-s0's recordings kept for the release
    assert [rt.blobs.exists(d) for d in shas] == [False, True, False]
    assert not folder.exists() and not package.exists()
    with rt.session() as s:
        rel = s.get(CatalogRelease, v1.id)
        assert rel is not None and rel.withdrawn_on is not None
        assert "ec-s0" in (rel.withdraw_reason or "")
        assert s.get(CatalogDataset, ds.id).status == "withdrawn"  # type: ignore[union-attr]
        assert s.get(TransferLink, link.id).revoked  # type: ignore[union-attr]
        note = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.licence.erased_data")).one()
        assert (note.object_id, note.actor_id) == (lic.id, who["dso"].id)
        assert note.data["items"] == 2 and note.data["delivered"] is True
        inbox = customer_inbox(s, who["cust"], "zh-CN")
        told = [n for n in inbox.notices if n.kind == "licence_erased_data"]
        assert len(told) == 1 and "2 个文件" in told[0].text and lic.number in told[0].text
        v2 = releases.build_release(s, rt.blobs, who["pm"], ds.id, tmp_path / "rel")
    assert v2.items == 1  # the next release: ec-s1 only
    assert "ec-s0" not in (Path(v2.path) / "labels.jsonl").read_text(encoding="utf-8")
