"""h4 (left out last round): moving a licence to a newer release did not take the lock issuing
a licence takes (``licences._issue_lock``), so its duplicate check (a live licence of the same
customer, release, territory and usage) passed while an issue of that release to the same
customer on the same terms was under way, and the customer held two identical live licences
(both acts answered ok). The move now takes the issue lock before its check: the second act
sees the first and is refused. PostgreSQL only: SQLite runs one writer at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.catalog import datasets, licences, releases
from datamill.catalog.licence_upgrade import upgrade_licence
from datamill.catalog.models import CatalogLicence
from datamill.compliance.consent import record_consent, withdraw_consent
from datamill.compliance.users import get_user
from datamill.demo.catalog_demo import seed_product_batch
from datamill.testing.fixtures import make_runtime, pg_url
from tests._tools import require_tool
from tests.unit.catalog.helpers import customer, people, speech_files
from tests.unit.ledger.races import race

TERMS = {"territory": "PRC", "term": "2 years", "usage_scope": "training",
         "acceptance_criteria": "manifest ok", "price": "300000"}


def _upgrade(s: Session, licence_id: int, release_id: int) -> None:
    upgrade_licence(s, get_user(s, "sales"), licence_id, release_id=release_id,
                    reason="v1 held a withdrawn subject")


def _issue(s: Session, dataset_id: int, customer_id: int, release_id: int) -> None:
    licences.create_licence(s, get_user(s, "sales"), dataset_id=dataset_id,
                            customer_id=customer_id, release_id=release_id, **TERMS)


def _outcome(err: Exception) -> str:
    return str(getattr(err, "details", {}).get("reason_code") or type(err).__name__)


@pytest.mark.slow
def test_an_upgrade_and_an_issue_at_once_leave_one_live_licence(tmp_path: Path) -> None:
    if pg_url() is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    rt = make_runtime(tmp_path, "postgresql")
    try:
        who = people(rt)
        cust = customer(rt)
        with rt.session() as s:
            ds = datasets.create_dataset(s, who["pm"], name="up-race", title="t",
                                         modality="speech.asr", languages=["zh-CN"],
                                         price="300000", price_low="200000", price_high="400000")
            pid, batch = seed_product_batch(s, rt, "prod-up-race", speech_files("upr", 4),
                                            workdir=tmp_path, batch_status="delivered")
            datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
            v1 = releases.build_release(s, rt.blobs, who["pm"], ds.id, tmp_path / "rel").id
            admin = s.merge(who["admin"])
            for spk in ("upr-s0", "upr-s1"):
                record_consent(s, admin, pid, spk)
            ds_id = ds.id
        with rt.session() as s:
            lic = licences.create_licence(s, s.merge(who["sales"]), dataset_id=ds_id,
                                          customer_id=cust, release_id=v1, **TERMS).id
        with rt.session() as s:
            withdraw_consent(s, s.merge(who["admin"]), pid, "upr-s0")
        with rt.session() as s:
            v2 = releases.build_release(s, rt.blobs, s.merge(who["pm"]), ds_id,
                                        tmp_path / "rel2").id
        said = race(rt, [(_upgrade, (lic, v2)), (_issue, (ds_id, cust, v2))],
                    outcome=_outcome)
        with rt.session() as s:
            live = s.scalar(select(func.count()).select_from(CatalogLicence).where(
                CatalogLicence.release_id == v2, CatalogLicence.status != "revoked"))
        assert live == 1, said
        assert said.count("ok") == 1, said
    finally:
        rt.close()
