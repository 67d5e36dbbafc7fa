"""The package a licensee receives carries the licence's terms: LICENCE.md and licence.json
(golden files), read back from the delivered tar and checked against the licence row and the
release's files; a revoked or expired licence gets no package.

The golden files are compared byte for byte; when they change on purpose, run::

    DATAMILL_UPDATE_GOLDEN=1 python -m pytest tests/unit/catalog/test_licence_package.py
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from datamill.business_clock import business_today
from datamill.catalog import licences
from datamill.catalog.access import link_customer_user
from datamill.catalog.licence_package import (
    LICENCE_JSON,
    LICENCE_MD,
    LICENCE_MD_ZH,
    SUMS,
    TERMS_FORMAT,
    licence_json,
    licence_markdown,
    licence_markdown_zh,
    licence_terms,
)
from datamill.catalog.models import (
    CatalogDataset,
    CatalogLicence,
    CatalogRelease,
    TransferLink,
)
from datamill.catalog.releases import manifest_digest
from datamill.core.errors import Forbidden
from datamill.ledger.models import LedgerCustomer
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.catalog.helpers import customer, people, released

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "catalog" / "licence"
UPDATE_GOLDEN = os.environ.get("DATAMILL_UPDATE_GOLDEN") == "1"
API = "/api/v1/catalog"


def _fixed(case: str) -> dict[str, Any]:
    """The terms of a licence, release and dataset made in memory (no database: the golden
    files depend on nothing but these values)."""
    ds = CatalogDataset(name="zh-asr-400", title="400-speaker quiet-room Mandarin ASR",
                        modality="speech.asr", languages=["zh-CN"], copyright_no="2019SR0001")
    rel = CatalogRelease(version=2, manifest_sha256="ab" * 32,
                         created_at=datetime(2018, 1, 2, 4, 0, tzinfo=UTC),
                         entry={"name": "zh-asr-400", "title": "400-speaker quiet-room Mandarin ASR",
                                "modality": "speech.asr", "languages": ["zh-CN"],
                                "copyright_no": "2019SR0001"})
    if case == "plain":
        lic = CatalogLicence(number="240105/ABC", price=Decimal("300000"), currency="CNY",
                             territory="PRC", term="perpetual", usage_scope="internal training",
                             acceptance_criteria="manifest matches", issued_on=date(2024, 1, 5))
        return licence_terms(lic, rel, ds, licensee="Acme AI", licensee_country="US")
    lic = CatalogLicence(number="250301/AAB", price=Decimal("1234567.5"), currency="USD",
                         territory="Worldwide | ex-PRC", term="two years",
                         usage_scope="ASR model training and evaluation\nno redistribution "
                                     "of the audio",
                         acceptance_criteria="files match SHA256SUMS", issued_on=date(2025, 3, 1),
                         expires_on=date(2027, 2, 28))
    return licence_terms(lic, rel, ds, licensee="北京声学科技有限公司", licensee_country="CN",
                         renews="240105/ABC")


def _compare_golden(name: str, actual: bytes) -> None:
    golden = GOLDEN / name
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
    assert golden.is_file(), f"missing golden file {golden}; run with DATAMILL_UPDATE_GOLDEN=1"
    assert actual.decode() == golden.read_text(encoding="utf-8"), f"{name} differs from golden"


@pytest.mark.parametrize("case", ["plain", "renewal"])
def test_licence_files_match_their_golden_files(case: str) -> None:
    terms = _fixed(case)
    _compare_golden(f"{case}/{LICENCE_JSON}", licence_json(terms))
    _compare_golden(f"{case}/{LICENCE_MD}", licence_markdown(terms))
    _compare_golden(f"{case}/{LICENCE_MD_ZH}", licence_markdown_zh(terms))


def test_free_text_cannot_break_the_markdown_table() -> None:
    md = licence_markdown(_fixed("renewal")).decode()
    assert "| Territory | Worldwide \\| ex-PRC |" in md  # the bar escaped, one row
    assert "> ASR model training and evaluation\n> no redistribution of the audio" in md
    assert "| Renews licence | 240105/ABC |" in md and "| Price | 1,234,567.50 USD |" in md


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _members(tar_bytes: bytes) -> dict[str, bytes]:
    """The tar's files by their name under its one top folder."""
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        tops = {m.name.split("/", 1)[0] for m in tar.getmembers()}
        assert len(tops) == 1, tops
        return {m.name.split("/", 1)[1]: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar.getmembers() if m.isfile()}


def test_the_delivered_package_carries_the_licences_terms(
    client: TestClient, runtime: Runtime, tmp_path: Path,
) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path)
    cust = customer(runtime, "北京声学科技有限公司")
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], cust)
    sales = _auth(client, "sales")
    ends = business_today() + timedelta(days=365)
    lic = client.post(f"{API}/licences", headers=sales, json={
        "dataset_id": ds_id, "customer_id": cust, "price": "300000", "territory": "PRC",
        "term": "one year", "usage_scope": "internal ASR training",
        "acceptance_criteria": "files match SHA256SUMS", "expires_on": ends.isoformat()})
    assert lic.status_code == 201, lic.text
    link = client.post(f"{API}/licences/{lic.json()['id']}/links", headers=sales, json={})
    assert link.status_code == 201, link.text
    got = client.get(link.json()["url"], headers=_auth(client, "cust"))  # what the licensee gets
    assert got.status_code == 200, got.text
    assert hashlib.sha256(got.content).hexdigest() == link.json()["package_sha256"]
    files = _members(got.content)

    with runtime.session() as s:
        row = s.get(CatalogLicence, lic.json()["id"])
        rel = s.get(CatalogRelease, rel_id)
        ds = s.get(CatalogDataset, ds_id)
        holder = s.get(LedgerCustomer, cust)
        assert row is not None and rel is not None and ds is not None and holder is not None
        terms = json.loads(files[LICENCE_JSON])
        assert terms["format"] == TERMS_FORMAT
        assert terms["licence"] == {"number": row.number, "issued_on": row.issued_on.isoformat(),
                                    "renews": None}
        assert terms["licensee"] == {"name": holder.name, "country": holder.country}
        assert (terms["dataset"]["name"], terms["dataset"]["title"]) == (ds.name, ds.title)
        assert terms["release"]["version"] == rel.version
        assert terms["scope"] == {"territory": row.territory, "term": row.term,
                                  "usage_scope": row.usage_scope,
                                  "acceptance_criteria": row.acceptance_criteria,
                                  "expires_on": ends.isoformat()}
        assert terms["price"] == {"amount": str(row.price), "currency": row.currency}
        assert terms["price"]["amount"] == "300000.00"
        # the terms tie themselves to the files: the manifest in the package hashes to them
        manifest = json.loads(files["manifest.json"])["files"]
        assert manifest_digest(manifest) == terms["content"]["manifest_sha256"] == \
            rel.manifest_sha256
    assert all(hashlib.sha256(files[n]).hexdigest() == sha for n, sha in manifest.items())
    sums = dict(reversed(line.split("  ", 1)) for line in files[SUMS].decode().splitlines())
    assert set(sums) == set(manifest) | {"manifest.json", LICENCE_MD, LICENCE_JSON,
                                         LICENCE_MD_ZH}
    assert all(hashlib.sha256(files[n]).hexdigest() == sha for n, sha in sums.items())
    assert set(files) == set(sums) | {SUMS}
    assert list(files)[:3] == [LICENCE_MD, LICENCE_JSON, LICENCE_MD_ZH]
    assert list(files)[-1] == SUMS
    md = files[LICENCE_MD].decode()
    assert md == licence_markdown(terms).decode()  # the same terms, for people
    zh = files[LICENCE_MD_ZH].decode()  # and for people reading Chinese (no preference known)
    assert zh == licence_markdown_zh(terms).decode()
    for shown in (row.number, holder.name, ds.name, "internal ASR training", ends.isoformat(),
                  "300,000.00 CNY", rel.manifest_sha256):
        assert shown in md, shown
        assert shown in zh, shown
    assert "授权许可" in zh and "验收标准" in zh


def _link_and_package(runtime: Runtime, who: dict[str, Any], lic: int,
                      root: Path) -> tuple[Any, str]:
    with runtime.session() as s:
        link = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic, root)
        row = s.get(TransferLink, link.id)
        assert row is not None
        return link, row.package_path


def test_a_package_carries_the_terms_as_they_stand(runtime: Runtime, tmp_path: Path) -> None:
    """The licensee renamed: a new link packages the new name; the link already sent keeps
    downloading the package it was issued for (another path, not overwritten)."""
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime, "Acme AI")
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="300000", territory="PRC", term="perpetual",
                                      usage_scope="training", acceptance_criteria="ok").id
    first, first_path = _link_and_package(runtime, who, lic, tmp_path / "out")
    again, again_path = _link_and_package(runtime, who, lic, tmp_path / "out")
    assert (again.package_sha256, again_path) == (first.package_sha256, first_path)
    with runtime.session() as s:
        s.execute(update(LedgerCustomer).where(LedgerCustomer.id == cust)
                  .values(name="Acme Intelligence"))
    renamed, renamed_path = _link_and_package(runtime, who, lic, tmp_path / "out")
    assert renamed_path != first_path and renamed.package_sha256 != first.package_sha256
    assert Path(renamed_path).name == Path(first_path).name  # the tar keeps its name
    terms = json.loads(_members(Path(renamed_path).read_bytes())[LICENCE_JSON])
    assert terms["licensee"]["name"] == "Acme Intelligence"
    for link in (first, renamed):
        p = licences.link_params(link.url)
        with runtime.session() as s:
            assert licences.download(s, runtime.settings, p[0], expires=p[1],
                                     signature=p[2]).downloads == 1


def test_a_revoked_or_expired_licence_gets_no_package(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    root = tmp_path / "out"
    buyers = [customer(runtime, name) for name in ("Revoked AI", "Expired AI")]
    with runtime.session() as s:
        made = [licences.create_licence(
            s, who["sales"], dataset_id=ds_id, customer_id=buyer,
            price="300000", territory="PRC", term="one year", usage_scope="training",
            acceptance_criteria="ok", expires_on=business_today() + timedelta(days=30)).id
            for buyer in buyers]
        licences.revoke_licence(s, who["sales"], made[0], reason="unpaid invoice")
        s.execute(update(CatalogLicence).where(CatalogLicence.id == made[1])
                  .values(expires_on=business_today() - timedelta(days=1)))
    for lic, code in zip(made, ("licence_revoked", "licence_expired"), strict=True):
        with runtime.session() as s, pytest.raises(Forbidden) as err:
            licences.issue_transfer_link(s, runtime.settings, who["sales"], lic, root)
        assert err.value.details["reason_code"] == code
    assert not list(root.rglob("*.tar")) and not list(root.rglob("*.partial"))


def test_a_licence_moved_to_a_new_release_packages_its_terms(
    runtime: Runtime, tmp_path: Path,
) -> None:
    """After an upgrade (a corrected release, no charge) the next link's terms name the new
    release and its digest; the licence's number, price and scope stay."""
    from datamill.catalog import datasets, releases
    from datamill.catalog.licence_upgrade import upgrade_licence
    from datamill.demo.catalog_demo import seed_product_batch
    from tests.unit.catalog.helpers import speech_files

    who = people(runtime)
    ds_id, v1 = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="300000", territory="PRC", term="perpetual",
                                      usage_scope="training", acceptance_criteria="ok").id
    _, old_path = _link_and_package(runtime, who, lic, tmp_path / "out")
    with runtime.session() as s:
        _, batch = seed_product_batch(s, runtime, "prod-more", speech_files("more"),
                                      workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=batch)
        v2 = releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "releases")
        upgrade_licence(s, who["sales"], lic, release_id=v2.id, reason="corrected speakers")
    _, new_path = _link_and_package(runtime, who, lic, tmp_path / "out")
    old = json.loads(_members(Path(old_path).read_bytes())[LICENCE_JSON])
    new = json.loads(_members(Path(new_path).read_bytes())[LICENCE_JSON])
    assert (old["release"]["version"], new["release"]["version"]) == (1, 2)
    assert new["content"]["manifest_sha256"] == v2.manifest_sha256 != \
        old["content"]["manifest_sha256"]
    assert {k: v for k, v in new.items() if k not in ("release", "content")} == \
        {k: v for k, v in old.items() if k not in ("release", "content")}
    assert v1 != v2.id


def test_a_link_to_a_package_without_terms_no_longer_downloads(
    client: TestClient, runtime: Runtime, tmp_path: Path,
) -> None:
    """A link issued before packages carried their terms (its tar in the old place, without
    LICENCE.md and licence.json) is refused before it counts (``link_without_terms``, en and
    zh-CN); a new link delivers the data with its terms."""
    from datamill.storage.blobstore import sha256_file

    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="300000", territory="PRC", term="perpetual",
                                      usage_scope="training", acceptance_criteria="ok")
    link, path = _link_and_package(runtime, who, lic.id, tmp_path / "out")
    bare = Path(path).parent.parent / Path(path).name  # where the package lay before
    with tarfile.open(path) as src, tarfile.open(bare, "w") as dst:
        for m in src.getmembers():
            if not m.name.endswith((f"/{LICENCE_MD}", f"/{LICENCE_JSON}")):
                dst.addfile(m, src.extractfile(m) if m.isfile() else None)
    with runtime.session() as s:
        s.execute(update(TransferLink).where(TransferLink.id == link.id).values(
            package_path=str(bare), package_sha256=sha256_file(bare)))
    for lang, said in (("en", "without the terms"), ("zh-CN", "不含授权")):
        got = client.get(link.url, headers={"Accept-Language": lang})
        assert got.status_code == 409, got.text
        assert got.json()["reason_code"] == "link_without_terms"
        assert said in got.json()["detail"] and lic.number in got.json()["detail"]
    with runtime.session() as s:
        assert s.get(TransferLink, link.id).downloads == 0  # type: ignore[union-attr]
    fresh, fresh_path = _link_and_package(runtime, who, lic.id, tmp_path / "out")
    assert (fresh_path, fresh.package_sha256) == (path, link.package_sha256)  # built again
    got = client.get(fresh.url)
    assert got.status_code == 200, got.text
    assert LICENCE_JSON in _members(got.content)


def test_packages_built_at_once_are_whole_and_the_same(runtime: Runtime, tmp_path: Path) -> None:
    """Two links of one licence issued at once each build the package: each in its own partial
    file, so the package left is whole (the same bytes) and no partial file stays."""
    from concurrent.futures import ThreadPoolExecutor

    from datamill.catalog.licence_package import build_package
    from datamill.storage.blobstore import sha256_file

    who = people(runtime)
    _, rel_id = released(runtime, who, tmp_path)
    with runtime.session() as s:
        row = s.get(CatalogRelease, rel_id)
        assert row is not None
        rel = CatalogRelease(version=row.version, manifest_sha256=row.manifest_sha256,
                             path=row.path, created_at=row.created_at, entry=dict(row.entry))
    ds = CatalogDataset(name="zh-asr", title="t", modality="speech.asr", languages=["zh-CN"])
    terms = _fixed("plain")
    root = tmp_path / "out"
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda _: build_package(rel, ds, root, 7, terms), range(8)))
    assert len(set(paths)) == 1 and not list(root.rglob("*.partial"))
    once = build_package(rel, ds, tmp_path / "again", 7, terms)
    assert sha256_file(paths[0]) == sha256_file(once)
    assert len(_members(paths[0].read_bytes())) == len(_members(once.read_bytes()))
