"""A small catalog world: people, a product-development batch, a released dataset."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from datamill.catalog import datasets, releases
from datamill.catalog.models import CatalogRelease
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.ledger.orders import create_customer
from datamill.runtime import Runtime

#: when :func:`released` says its release was made
RELEASED_AT = datetime(2018, 1, 2, 4, 0, tzinfo=UTC)


def people(rt: Runtime) -> dict[str, User]:
    with rt.session() as s:
        return {n: create_user(s, n, "password1", r) for n, r in (
            ("admin", "admin"), ("pm", "project_manager"), ("sales", "sales"),
            ("cust", "customer"), ("dso", "data_security_officer"), ("ann", "annotator"))}


_tones = itertools.count()


def speech_files(prefix: str, n: int = 3, **extra: Any) -> list[dict[str, Any]]:
    """``n`` utterances whose bytes differ from every other call's (a distinct tone each)."""
    return [{"name": f"{prefix}{i}.wav", "data": tone_wav(200.5 + 7 * next(_tones)),
             "volume": 400, "text": f"utterance {i}",
             "attributes": {"speaker_id": f"{prefix}-s{i % 2}", "gender": ["female", "male"][i % 2],
                            "device": "phone"}, **extra} for i in range(n)]


def released(rt: Runtime, who: dict[str, User], root: Path, name: str = "zh-asr",
             files: list[dict[str, Any]] | None = None) -> tuple[int, int]:
    """A released dataset of one product batch: ``(dataset_id, release_id)``."""
    with rt.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name=name, title=f"{name} title",
                                     modality="speech.asr", languages=["zh-CN"],
                                     scenario="smart home", price="300000",
                                     price_low="200000", price_high="400000",
                                     copyright_no="2019SR0001")
        _, batch = seed_product_batch(s, rt, f"prod-{name}", files or speech_files(name),
                                      workdir=root)
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        rel = releases.build_release(s, rt.blobs, who["pm"], ds.id, root / "releases")
        # made long ago: the tests date licences back (a licence is never dated before the
        # release it licenses was made)
        s.get(CatalogRelease, rel.id).created_at = RELEASED_AT  # type: ignore[union-attr]
    return ds.id, rel.id


def customer(rt: Runtime, name: str = "Acme AI") -> int:
    with rt.session() as s:
        return create_customer(s, name, customer_type="ai_company", country="CN").id


def approved_quote(rt: Runtime, who: dict[str, User], ds_id: int, cust: int, price: str,
                   reason: str = "tender won at 3 lots", **kw: Any) -> int:
    """An out-of-band quote made by sales and approved by the pm (a second person): what a
    licence priced outside the band is issued on."""
    from datamill.catalog.band_quotes import decide_band_quote, request_band_quote

    with rt.session() as s:
        q = request_band_quote(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                               price=price, reason=reason, **kw)
        decide_band_quote(s, who["pm"], q.id, decision="approve", reason="approved")
        return q.id
