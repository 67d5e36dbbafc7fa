"""Sales issue a catalog licence from the dataset page in a browser: a price outside the band
is refused on the page with every field kept; sales ask approval of it with the band reason, the
catalog manager approves it on the same page, then the licence is issued, and a transfer link is
issued from the licence's row (the trial found the catalog pages read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.catalog.models import CatalogLicence
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.fixtures import make_runtime
from tests.e2e.conftest import serve_in_thread, shot, sign_in
from tests.unit.catalog.helpers import customer, people, released

pytestmark = pytest.mark.slow


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Runtime, str, int, int]]:
    rt = make_runtime(tmp_path, "sqlite")
    who = people(rt)
    ds_id, _ = released(rt, who, tmp_path)
    cust = customer(rt, "Acme Voice AI")
    with serve_in_thread(create_app(rt)) as url:
        yield rt, url, ds_id, cust
    rt.close()


def _fill(page: Any, cust: int) -> None:
    form = page.get_by_test_id("catalog-licence-form")
    form.locator("select[name=customer_id]").select_option(str(cust))
    form.locator("input[name=price]").fill("900000")
    form.locator("input[name=territory]").fill("中国大陆")
    form.locator("input[name=term]").fill("2 years")
    form.locator("textarea[name=usage_scope]").fill("model training")
    form.locator("textarea[name=acceptance_criteria]").fill("manifest checksums match")


def test_sales_issue_a_licence_in_the_browser(browser: Any, world: tuple[Any, ...]) -> None:
    rt, url, ds_id, cust = world
    ctx = browser.new_context(base_url=url, viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(10_000)
    try:
        page = sign_in(ctx, "sales")
        page.goto(f"/catalog/{ds_id}")
        _fill(page, cust)
        page.get_by_test_id("catalog-issue").click()
        page.wait_for_load_state()
        alert = page.get_by_test_id("catalog-form-error")
        assert "second person" in alert.inner_text()
        form = page.get_by_test_id("catalog-licence-form")
        assert form.locator("input[name=price]").input_value() == "900000"
        assert form.locator("input[name=territory]").input_value() == "中国大陆"
        assert form.locator("select[name=customer_id]").input_value() == str(cust)
        assert form.locator("textarea[name=acceptance_criteria]").input_value() == (
            "manifest checksums match")
        shot(page, "catalog-licence-refused")
        form.locator("textarea[name=band_reason]").fill("exclusive first year")
        page.get_by_test_id("catalog-quote-ask").click()
        page.wait_for_url(f"**/catalog/{ds_id}?done=quoted")
        # the catalog manager approves the price on the same page
        pm_ctx = browser.new_context(base_url=url, viewport={"width": 1400, "height": 900})
        pm_ctx.set_default_timeout(10_000)
        try:
            pm = sign_in(pm_ctx, "pm")
            pm.goto(f"/catalog/{ds_id}")
            decide = pm.locator("[data-testid^=catalog-quote-decide-]")
            decide.locator("input[name=reason]").fill("strategic first sale")
            decide.get_by_test_id("catalog-quote-approve").click()
            pm.wait_for_url(f"**/catalog/{ds_id}?done=quote_approved")
            shot(pm, "catalog-quote-approved")
        finally:
            pm_ctx.close()
        page.goto(f"/catalog/{ds_id}")
        _fill(page, cust)
        page.get_by_test_id("catalog-issue").click()
        page.wait_for_url(f"**/catalog/{ds_id}?done=licensed")
        assert page.get_by_test_id("catalog-done").is_visible()
        with rt.session() as s:
            lic = s.scalars(select(CatalogLicence)).one()
            assert (str(lic.price), lic.band_reason, lic.customer_id) == (
                "900000.00", "exclusive first year", cust)
        page.get_by_test_id(f"catalog-link-{lic.id}").get_by_role("button").click()
        page.wait_for_url(f"**/catalog/{ds_id}?done=link")
        assert page.get_by_test_id("licence-download").count() == 1
        shot(page, "catalog-licence-issued")
        assert page.dialogs == []
    finally:
        ctx.close()
