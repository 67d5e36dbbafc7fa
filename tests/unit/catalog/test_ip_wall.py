"""The IP wall: customer data never enters a catalog release, by whatever path it comes.

The property test builds, for each example, a product-development batch of clean company items
plus items smuggled in by a random mix of paths (owner flipped, re-import of a customer file,
masked derivative or its original, declared lineage through chains of re-annotated / re-exported
company items, labels copied from a customer annotation, a customer item slipped into the batch,
a custom batch added as a source behind the service's back) and checks that the build refuses,
names every smuggled item and no clean one.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from datamill.catalog import datasets, releases
from datamill.catalog.ipwall import wall_violations
from datamill.catalog.models import CatalogSource
from datamill.compliance.security_models import MaskedBlob
from datamill.core.errors import Conflict
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.production.models import Annotation, BatchItem, Item
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people, speech_files

PATHS = ("owner", "reimport", "masked", "masked_original", "lineage_id", "lineage_sha",
         "annotation", "batch_mix", "processing_only")
_n = itertools.count()


def _customer_world(rt: Runtime, root: Path, tag: str) -> dict[str, Any]:
    with rt.session() as s:
        pid, bid = seed_product_batch(s, rt, f"custom-{tag}", speech_files(f"c{tag}", 2),
                                      project_type="custom_service", workdir=root)
        items = list(s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)))
        masked = tone_wav(1234 + next(_n))
        mpath = root / f"masked-{tag}.wav"
        mpath.write_bytes(masked)
        msha = rt.blobs.put_file(mpath)
        s.add(MaskedBlob(item_id=items[0].id, sha256_original=items[0].sha256,
                         sha256_masked=msha, regions=[]))
        return {"items": [(i.id, i.sha256, i.current_annotation_id) for i in items],
                "masked": masked, "original": rt.blobs.local_path(items[0].sha256).read_bytes(),
                "batch": bid}


def _smuggle(path: str, cust: dict[str, Any], depth: int, k: int) -> list[dict[str, Any]]:
    """Files for the product batch that carry customer data by ``path`` (the last is the one
    that must be refused; for lineage chains every link after the customer item is tainted)."""
    cid, csha, cann = cust["items"][0]
    base = {"name": f"sm-{path}-{k}.wav", "data": tone_wav(3000 + k), "volume": 400,
            "text": "smuggled", "attributes": {}}
    if path == "owner":
        return [{**base, "owner": "customer"}]
    if path == "reimport":
        return [{**base, "data": cust["original"]}]
    if path == "masked":
        return [{**base, "data": cust["masked"]}]
    if path == "masked_original":
        return [{**base, "data": cust["original"], "name": f"orig-{k}.wav"}]
    if path == "annotation":
        return [{**base, "parent_annotation_id": cann}]
    if path in ("lineage_id", "lineage_sha"):
        chain = []
        origin: Any = cid if path == "lineage_id" else csha
        key = "derived_from" if path == "lineage_id" else "origin_sha256"
        for d in range(depth + 1):
            f = {**base, "name": f"sm-{path}-{k}-{d}.wav", "data": tone_wav(4000 + 50 * k + d),
                 "meta": {key: origin}}
            chain.append(f)
            origin, key = f"@{len(chain) - 1}", "derived_from"  # resolved to the id below
        return chain
    return []


@pytest.fixture
def world(runtime: Runtime, tmp_path: Path) -> dict[str, Any]:
    return {"rt": runtime, "root": tmp_path, "who": people(runtime)}


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(paths=st.lists(st.sampled_from(PATHS), min_size=1, max_size=4, unique=True),
       depth=st.integers(0, 3), clean=st.integers(1, 3))
def test_customer_data_never_enters_a_release(
    world: dict[str, Any], paths: list[str], depth: int, clean: int
) -> None:
    rt, root, pm = world["rt"], world["root"], world["who"]["pm"]
    tag = str(next(_n))
    cust = _customer_world(rt, root, tag)
    files = speech_files(f"clean{tag}-", clean)
    smuggled: list[dict[str, Any]] = []
    for k, path in enumerate(p for p in paths if p not in ("batch_mix", "processing_only")):
        smuggled += _smuggle(path, cust, depth, k + 100 * int(tag))
    with rt.session() as s:
        ds = datasets.create_dataset(s, pm, name=f"wall-{tag}", title="t", modality="speech.asr",
                                     languages=["zh-CN"])
        # chains: "@i" means "the id of the i-th smuggled file of this chain"
        pid, bid = seed_product_batch(s, rt, f"prod-{tag}", files + [
            {**f, "meta": {k: v for k, v in (f.get("meta") or {}).items()
                           if not str(v).startswith("@")}} for f in smuggled], workdir=root)
        rows = {i.filename: i for i in s.scalars(select(Item).where(Item.project_id == pid))}
        for f in smuggled:
            for key, value in (f.get("meta") or {}).items():
                if str(value).startswith("@"):
                    prev = [g for g in smuggled if g["name"].rsplit("-", 1)[0]
                            == f["name"].rsplit("-", 1)[0]][int(str(value)[1:])]
                    rows[f["name"]].meta = {key: rows[prev["name"]].id}
        bad = {rows[f["name"]].id for f in smuggled}
        if "batch_mix" in paths:  # a customer item slipped into the product batch
            cid = cust["items"][1][0]
            s.add(BatchItem(batch_id=bid, item_id=cid, annotation_id=s.scalar(
                select(Annotation.id).where(Annotation.item_id == cid))))
            bad.add(cid)
        if bad:  # the wall refuses the source when it is added, naming the items …
            with pytest.raises(Conflict, match="IP wall") as added:
                datasets.add_source(s, pm, ds.id, batch_id=bid)
            assert {v["item_id"] for v in added.value.details["violations"]} == bad
            # … and the release build checks again (a source added behind the service's back)
            s.add(CatalogSource(dataset_id=ds.id, kind="batch", batch_id=bid))
        else:
            datasets.add_source(s, pm, ds.id, batch_id=bid)
        if "processing_only" in paths:  # a custom batch added behind the service's back
            s.add(CatalogSource(dataset_id=ds.id, kind="batch", batch_id=cust["batch"]))
            bad |= {i for i, _, _ in cust["items"]}
        s.flush()
        clean_ids = {rows[f["name"]].id for f in files}
        found = {v.item_id for v in wall_violations(s, bad | clean_ids)}
        assert found == bad, (paths, found, bad)
        s.commit()
    with rt.session() as s, pytest.raises(Conflict, match="IP wall") as err:
        releases.build_release(s, rt.blobs, pm, ds.id, root / "rel")
    named = {v["item_id"] for v in err.value.details["violations"]}
    assert named == bad
    assert not (root / "rel" / f"wall-{tag}" / "v1").exists()


def test_a_custom_batch_is_refused_as_a_source(world: dict[str, Any]) -> None:
    rt, root, pm = world["rt"], world["root"], world["who"]["pm"]
    cust = _customer_world(rt, root, "src")
    with rt.session() as s:
        ds = datasets.create_dataset(s, pm, name="wall-src", title="t", modality="speech.asr",
                                     languages=["zh-CN"])
        with pytest.raises(Conflict, match="belongs to the customer"):
            datasets.add_source(s, pm, ds.id, batch_id=cust["batch"])


def test_a_build_with_a_customer_owned_item_names_it(world: dict[str, Any]) -> None:
    rt, root, pm = world["rt"], world["root"], world["who"]["pm"]
    with rt.session() as s:
        ds = datasets.create_dataset(s, pm, name="owned", title="t", modality="speech.asr",
                                     languages=["zh-CN"])
        files = speech_files("own", 2)
        files[1]["owner"] = "customer"
        _, bid = seed_product_batch(s, rt, "prod-owned", files, workdir=root)
        with pytest.raises(Conflict, match=r"own1\.wav.*owned by 'customer'"):
            datasets.add_source(s, pm, ds.id, batch_id=bid)  # refused when added
        s.add(CatalogSource(dataset_id=ds.id, kind="batch", batch_id=bid))  # behind its back
    with rt.session() as s, pytest.raises(Conflict, match=r"own1\.wav.*owned by 'customer'"):
        releases.build_release(s, rt.blobs, pm, ds.id, root / "rel")


def test_a_customer_file_registered_as_bought_data_is_refused(world: dict[str, Any]) -> None:
    """Laundering through the third-party door: the bytes are still the customer's."""
    rt, root, pm = world["rt"], world["root"], world["who"]["pm"]
    cust = _customer_world(rt, root, "tp")
    folder = root / "bought"
    folder.mkdir()
    (folder / "a.wav").write_bytes(cust["original"])
    (folder / "b.wav").write_bytes(tone_wav(777))
    with rt.session() as s:
        tp = datasets.register_third_party(s, rt.blobs, pm, name="bought", supplier="X",
                                           contract_ref="TP-1", folder=folder,
                                           sublicensable=True, permanent=True,
                                           consent_basis="warranted")
        no_rights = datasets.register_third_party(s, rt.blobs, pm, name="no-rights",
                                                  supplier="Y", contract_ref="TP-2",
                                                  folder=folder, sublicensable=False,
                                                  permanent=True, consent_basis="")
        ds = datasets.create_dataset(s, pm, name="wall-tp", title="t", modality="speech.asr",
                                     languages=["zh-CN"])
        with pytest.raises(Conflict, match="no recorded sub-licensing rights"):
            datasets.add_source(s, pm, ds.id, third_party_id=no_rights.id)
        with pytest.raises(Conflict, match=r"bought/a\.wav.*third-party file"):
            datasets.add_source(s, pm, ds.id, third_party_id=tp.id)  # refused when added
        s.add(CatalogSource(dataset_id=ds.id, kind="third_party", third_party_id=tp.id))
    with rt.session() as s, pytest.raises(Conflict, match=r"bought/a\.wav.*third-party file"):
        releases.build_release(s, rt.blobs, pm, ds.id, root / "rel")
