"""An acceptance that refuses an item an erasure left out of the package (its subject withdrew
consent; the customer names it from the first package it downloaded) is refused: the item was
counted off the 2 the package holds (1 accepted) and sent back to its annotators for rework,
its recording erased."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.catalog.erasure import erase_subject
from datamill.compliance.consent import withdraw_consent
from datamill.core.errors import InvalidInput
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.delivery import deliver_batch
from datamill.production.delivery_acceptance import record_acceptance
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people, speech_files


def test_an_erased_item_is_not_refused_in_an_acceptance(sqlite_runtime: Runtime,
                                                        tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    with rt.session() as s:  # items 0 and 2: subject rf-s0; item 1: rf-s1
        pid, batch = seed_product_batch(s, rt, "refuse-erased", speech_files("rf", 3),
                                        project_type="custom_service", workdir=tmp_path)
        d = deliver_batch(s, rt.blobs, batch, tmp_path / "out", formats=["kaldi"])
        withdraw_consent(s, who["dso"], pid, "rf-s1")
    with rt.session() as s:
        erase_subject(s, rt.blobs, who["dso"], pid, "rf-s1")
    with rt.session() as s:
        items = {i.attributes["speaker_id"]: i for i in s.scalars(
            select(Item).where(Item.project_id == pid).order_by(Item.id))}
        erased = items["rf-s1"].external_id
        with pytest.raises(InvalidInput, match="not in delivery"):
            record_acceptance(s, d.id, refused_items=[erased])
    with rt.session() as s:  # the package's own items are refused as before
        out = record_acceptance(s, d.id, refused_items=[items["rf-s0"].external_id])
        assert out.accepted_items == 1
        assert s.get_one(Item, items["rf-s1"].id).status != "annotating"
