"""Found by a fresh-clone catalog trial: a source the IP wall refused at the release build could
never be taken out of the dataset (no ``source-remove``; ``DELETE
/catalog/datasets/{id}/sources/{sid}`` answered 404), so the dataset could never be released,
and the PM learnt of the customer data only at the build; under zh-CN the refusal stayed
English. Now a source is removed from a dataset no release was built from it yet (CLI, API;
audited), the IP wall checks a source when it is added, and its refusal is worded (``ip_wall``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.catalog import datasets, releases
from datamill.catalog.models import CatalogSource
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import get_user
from datamill.core.errors import Conflict
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.models import BatchItem, Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import people, speech_files


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _draft(runtime: Runtime, root: Path, name: str, owner_of_second: str = "company",
           ) -> tuple[int, int]:
    """A dataset in development and a product batch (its second item owned as given)."""
    who = people(runtime)
    with runtime.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name=name, title="t", modality="speech.asr",
                                     languages=["zh-CN"])
        files = speech_files(name, 2)
        files[1]["owner"] = owner_of_second
        _, bid = seed_product_batch(s, runtime, f"prod-{name}", files, workdir=root)
    return ds.id, bid


def test_the_ip_wall_refuses_a_source_when_added(runtime: Runtime, tmp_path: Path,
                                                 client: TestClient) -> None:
    ds_id, bid = _draft(runtime, tmp_path, "walled", owner_of_second="customer")
    r = client.post(f"{API}/catalog/datasets/{ds_id}/sources", json={"batch_id": bid},
                    headers={**login(client, "pm"), "Accept-Language": "zh-CN"})
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["reason_code"] == "ip_wall" and body["count"] == 1
    assert body["detail"].startswith("知识产权隔离：1 个文件") and "walled1.wav" in body["detail"]
    assert "owned by 'customer'" in body["message_en"]
    with runtime.session() as s:
        assert s.scalars(select(CatalogSource).where(CatalogSource.dataset_id == ds_id)).all() == []


def test_a_source_refused_at_release_is_removed(runtime: Runtime, tmp_path: Path,
                                               client: TestClient) -> None:
    ds_id, bid = _draft(runtime, tmp_path, "late")
    pm = login(client, "pm")
    r = client.post(f"{API}/catalog/datasets/{ds_id}/sources", json={"batch_id": bid},
                    headers=pm)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    with runtime.session() as s:  # the item turns out to be the customer's after it was added
        item_id = s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == bid)
                            .order_by(BatchItem.item_id)).first()
        item = s.get(Item, item_id)
        assert item is not None
        item.owner = "customer"
    with runtime.session() as s, pytest.raises(Conflict) as err:
        releases.build_release(s, runtime.blobs, _user(s, "pm"), ds_id, tmp_path / "rel")
    assert err.value.details["reason_code"] == "ip_wall"
    r = client.delete(f"{API}/catalog/datasets/{ds_id}/sources/{sid}",
                      headers=login(client, "sales"))
    assert r.status_code == 403, r.text
    r = client.delete(f"{API}/catalog/datasets/{ds_id}/sources/{sid}", headers=pm)
    assert r.status_code == 200, r.text
    assert r.json()["batch_id"] == bid
    r = client.delete(f"{API}/catalog/datasets/{ds_id}/sources/{sid}", headers=pm)
    assert r.status_code == 404, r.text
    with runtime.session() as s:
        assert s.scalars(select(CatalogSource).where(CatalogSource.dataset_id == ds_id)).all() == []
        rec = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.source.removed")).one()
        assert rec.object_id == ds_id and rec.data["source_id"] == sid


def test_a_released_source_stays_and_the_cli_removes_a_new_one(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds_id, bid = _draft(runtime, tmp_path, "kept")
    with runtime.session() as s:
        pm = _user(s, "pm")
        first = datasets.add_source(s, pm, ds_id, batch_id=bid)
        releases.build_release(s, runtime.blobs, pm, ds_id, tmp_path / "rel")
        _, bid2 = seed_product_batch(s, runtime, "prod-kept2", speech_files("kept2", 2),
                                     workdir=tmp_path)
        second = datasets.add_source(s, pm, ds_id, batch_id=bid2)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    got = cli.invoke(app, ["catalog", "source-remove", str(ds_id), str(first.id), "--as", "pm",
                           "--json"])
    assert got.exit_code != 0
    assert json.loads(got.output)["error"]["reason_code"] == "source_released"
    got = cli.invoke(app, ["catalog", "source-remove", str(ds_id), str(second.id), "--as", "pm",
                           "--json"])
    assert got.exit_code == 0, got.output
    assert json.loads(got.output)["id"] == second.id


def _user(s: Session, name: str) -> User:
    return get_user(s, name)
