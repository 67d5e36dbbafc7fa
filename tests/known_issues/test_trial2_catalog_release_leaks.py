"""The delivery leaks a second trial user found, on the catalog's side: a release licensed to
customers took in items classified above ``internal`` and a desensitized project's phone
numbers in full. Classified items are left out (counted in the provenance), a release holding
items classified since is not delivered, and a desensitized project's items enter masked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.catalog import datasets, releases
from datamill.compliance.desensitize import desensitize_item_texts
from datamill.compliance.item_sensitivity import set_item_level
from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people, speech_files

PHONE = "13812345678"


def _u(s: object, who: dict[str, User], name: str) -> User:
    got = s.get(User, who[name].id)  # type: ignore[attr-defined]
    assert got is not None
    return got


def test_catalog_release_leaves_out_classified_items_and_masks_a_desensitized_project(
    runtime: Runtime, tmp_path: Path,
) -> None:
    who = people(runtime)
    files = speech_files("leak", 3)
    files[0]["text"] = f"call me on {PHONE}"
    with runtime.session() as s:
        ds = datasets.create_dataset(s, _u(s, who, "pm"), name="leaky", title="leaky title",
                                     modality="speech.asr", languages=["zh-CN"],
                                     scenario="smart home", price="300000",
                                     price_low="200000", price_high="400000",
                                     copyright_no="2019SR0002")
        pid, batch = seed_product_batch(s, runtime, "prod-leaky", files, workdir=tmp_path)
        datasets.add_source(s, _u(s, who, "pm"), ds.id, batch_id=batch)
        ids = {i.external_id: i.id for i in s.scalars(select(Item).where(Item.project_id == pid))}
        ds_id = ds.id
    secret = next(i for ext, i in ids.items() if ext.endswith("leak1.wav"))
    with runtime.session() as s:
        set_item_level(s, _u(s, who, "admin"), secret, "secret")
        desensitize_item_texts(s, pid, actor=_u(s, who, "dso"), workers=1)
    with runtime.session() as s:
        rel = releases.build_release(s, runtime.blobs, _u(s, who, "pm"), ds_id,
                                     tmp_path / "releases")
    assert rel.items == 2  # before: 3, the secret item among them
    root = Path(rel.path)
    labels = (root / "labels.jsonl").read_text(encoding="utf-8")
    assert PHONE not in labels and "138****5678" in labels  # before: the number in full
    provenance = json.loads((root / "provenance.json").read_text())["sources"][0]
    assert provenance["left_out_classified"] == 1
    assert provenance["desensitization"]["strings_masked"] >= 2  # the prompt and the labels
    # the recording that says the number: bleeped in the release, the other as recorded
    assert provenance["desensitization"]["media_masked"] == 1
    with runtime.session() as s:
        shas = {i.external_id: i.sha256 for i in s.scalars(select(Item).where(
            Item.project_id == pid))}
    released = {json.loads(line)["sha256"] for line in labels.splitlines()}
    said = next(sha for ext, sha in shas.items() if ext.endswith("leak0.wav"))
    assert said not in released  # before: the recording as it was said
    assert next(sha for ext, sha in shas.items() if ext.endswith("leak2.wav")) in released
    with runtime.session() as s:
        releases.require_intact(s, rel.id)
        other = next(i for ext, i in ids.items() if ext.endswith("leak2.wav"))
        set_item_level(s, _u(s, who, "admin"), other, "confidential")
    with runtime.session() as s, pytest.raises(Conflict, match="classified above 'internal'"):
        releases.require_intact(s, rel.id)
