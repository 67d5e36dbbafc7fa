"""A dataset taken off the catalog (unlisted) stays visible to its licensees: the release their
licence names and its datasheet (they were "not found" while the licence listed the
dataset and release ids); nothing more (a later release, another customer, a revoked licence)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.catalog import datasets, licences, releases
from datamill.catalog.access import link_customer_user
from datamill.catalog.quote_requests import request_quote
from datamill.compliance.users import create_user
from datamill.core.errors import NotFound
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import customer, people, released, speech_files

TERMS = {"territory": "PRC", "term": "perpetual", "usage_scope": "internal training",
         "acceptance_criteria": "manifest ok"}


@pytest.mark.slow
def test_licensee_sees_what_it_licensed_of_an_unlisted_dataset(sqlite_runtime: Runtime,
                                                                 tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    ds_id, v1 = released(rt, who, tmp_path, name="delisted", files=speech_files("dl", 3))
    acme, other = customer(rt, "Acme AI"), customer(rt, "Other AI")
    with rt.session() as s:
        buyer, stranger = who["cust"], create_user(s, "other", "password1", "customer")
        link_customer_user(s, who["sales"], buyer, acme)
        link_customer_user(s, who["sales"], stranger, other)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=acme,
                                      price="300000", **TERMS)
        _, more = seed_product_batch(s, rt, "prod-delisted", speech_files("dl2", 2),
                                     workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=more)
        v2 = releases.build_release(s, rt.blobs, who["pm"], ds_id, tmp_path / "releases").id
        datasets.update_dataset(s, who["pm"], ds_id, listed=False)
    with rt.session() as s:
        me = s.merge(buyer)
        entry = datasets.get_dataset(s, me, ds_id)  # its figures: v1's, not the later v2's
        assert (entry.name, entry.latest_release, entry.items) == ("delisted", v1, 3)
        assert [r.id for r in releases.list_releases(s, me, ds_id)] == [v1]
        assert releases.get_release(s, me, v1).path == ""
        assert releases.datasheet(s, me, v1)["items"] == 3
        with pytest.raises(NotFound):  # the release the licence does not name
            releases.datasheet(s, me, v2)
        with pytest.raises(NotFound):  # seen, but off the catalog: not offered again
            request_quote(s, me, dataset_id=ds_id, intended_use="ASR", scope="one team")
        them = s.merge(stranger)
        with pytest.raises(NotFound):
            datasets.get_dataset(s, them, ds_id)
        with pytest.raises(NotFound):
            releases.datasheet(s, them, v1)
    with TestClient(create_app(rt)) as c:  # its page, with no quote form for it
        web_login(c, "cust")
        page = c.get(f"/catalog/{ds_id}", headers={"Accept-Language": "zh-CN"})
        assert page.status_code == 200 and "delisted title" in page.text
        assert 'data-testid="quote-request-form"' not in page.text
    with rt.session() as s:
        licences.revoke_licence(s, who["sales"], lic.id, reason="breach")
    with rt.session() as s:
        with pytest.raises(NotFound):
            releases.list_releases(s, s.merge(buyer), ds_id)
