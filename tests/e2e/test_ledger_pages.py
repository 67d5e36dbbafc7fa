"""Finance pages in a browser: a PM's project finance page with its charts, an approver signing
a budget level, and a finance user downloading a balanced journal.

The year 2018 is scripted through the real services: a settlement sheet confirmed and hour
points booked in workforce reach the ledger through domain events (``sync_ledger``), and the
customer's acceptance recognises revenue. The ledger router is mounted here if the app factory
does not mount it yet.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from datamill.compliance.users import create_user
from datamill.ledger.budgets import create_budget, submit_budget
from datamill.ledger.events import sync_ledger
from datamill.testing.fixtures import make_runtime
from datamill.workforce.hour_points import book_points
from datamill.workforce.vendors import create_grade, create_vendor, register_worker
from tests.e2e.conftest import PASSWORD, Site, serve_in_thread, shot, sign_in
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    close_reviewed,
    ledger_project,
    line,
    make_approvers,
    production_project,
)
from tests.unit.ledger.test_events import confirmed_sheet, custom_order

pytestmark = pytest.mark.slow
YEAR = 2018


def _script(site: Site) -> dict[str, int]:
    """Project A: approved budget, costs from workforce events, accepted; B: budget submitted."""
    ids: dict[str, int] = {}
    with site.rt.session() as s, pytest.MonkeyPatch.context() as mp:
        admin = site.users["admin"]
        ap = make_approvers(s)
        pa, la = ledger_project(s, "fin-speech-a", custom_order(s, "O-A", "100000", "10"))
        approved_budget(s, la, [line("annotation", "data_service", "100", "30"),
                                line("collection", "data_service", "10", "50"),
                                line("staff", "labour", "1", "5000", "lot")], ap)
        vendor = create_vendor(s, admin, name="Acme Data", kind="company", fee_rate="0.08")
        confirmed_sheet(s, admin, vendor.id, "WF-A1", [
            (pa, "annotate", "1000.00"), (pa, "annotate", "500.50"), (pa, "collect", "200.00")])
        create_grade(s, admin, "G3", "25")
        staff = create_user(s, "staff1", PASSWORD, "annotator")
        worker = register_worker(s, admin, staff, grade="G3")
        book_points(s, admin, worker.id, pa, "2018-03", "40")
        orphan = production_project(s, "fin-no-accounts")
        book_points(s, admin, worker.id, orphan, "2018-03", "8")  # waits: no ledger project
        sync_ledger(s)
        accept_delivery(s, mp, pa, "10", date(YEAR, 4, 2))  # type 1: acceptance report …
        sync_ledger(s)
        close_reviewed(s, la, date(YEAR, 4, 2), ap)  # … + final accounts: 100 % recognised
        pb, lb = ledger_project(s, "fin-speech-b", custom_order(s, "O-B", "60000", "5"))
        b = create_budget(s, lb, [line("annotation", "data_service", "500", "30")])
        submit_budget(s, b.id)
        ids.update(pa=pa, pb=pb, budget_b=b.id)
    return ids


@pytest.fixture(scope="module")
def fin_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:

    from datamill.server import create_app

    rt = make_runtime(tmp_path_factory.mktemp("e2e-ledger"), "sqlite")
    with rt.session() as s:
        users = {n: create_user(s, n, PASSWORD, r) for n, r in
                 [("admin", "admin"), ("pm", "project_manager"), ("ann1", "annotator")]}
        for u in users.values():
            s.expunge(u)
    with serve_in_thread(create_app(rt)) as url:
        site = Site(url=url, rt=rt, users=users, folder=Path())
        site.ids = _script(site)  # type: ignore[attr-defined]
        yield site
    rt.close()


@pytest.fixture
def ctx(browser: Any, fin_site: Site) -> Iterator[Any]:
    c = browser.new_context(base_url=fin_site.url, viewport={"width": 1400, "height": 900},
                            accept_downloads=True)
    c.set_default_timeout(10_000)
    yield c
    c.close()


def _charts_drawn(page: Any, *ids: str) -> None:
    for cid in ids:
        page.wait_for_function(f"document.getElementById('{cid}').dataset.rendered !== undefined")
        assert int(page.locator(f"#{cid}").get_attribute("data-rendered")) > 0


def test_pm_sees_the_project_accounts_and_charts(fin_site: Site, ctx: Any) -> None:
    pa = fin_site.ids["pa"]  # type: ignore[attr-defined]
    page = sign_in(ctx, "pm")
    page.goto(f"/projects/{pa}/finance?year={YEAR}")
    assert page.locator("h1").inner_text() == "Project finance · fin-speech-a"
    assert "O-A" in page.locator("[data-testid=order]").inner_text()
    assert page.locator("[data-testid=budget-status]").inner_text() == "approved"
    _charts_drawn(page, "chart-bva", "chart-wip")
    costs = page.locator("[data-testid=costs] tbody tr")
    assert costs.count() == 3  # two settlement stages + the hour points, each once
    assert "Acme Data" in costs.nth(0).inner_text()
    # 1,620.54 + 216.00 + 1,000.00 booked and carried to cost at the acceptance
    assert page.locator("[data-testid=actual-total]").inner_text() == "2,836.54"
    assert page.locator("[data-testid=revenue]").inner_text() == "100,000.00"
    assert page.locator("[data-testid=margin]").inner_text() == "97,163.46 (97.16%)"
    wip = page.locator("[data-testid=wip] tbody tr")
    assert wip.nth(2).inner_text().split("\t")[-1] == "2,836.54"  # March closing
    assert wip.nth(3).inner_text().split("\t")[-1] == "0.00"  # carried in April
    assert page.locator("[data-testid=sign-form]").count() == 0  # the PM signs nothing
    assert page.dialogs == []  # type: ignore[attr-defined]
    shot(page, "ledger-project-pm")
    other = sign_in(ctx, "ann1")  # annotators do not see the books
    other.goto(f"/projects/{pa}/finance")
    assert "the ledger is for admins" in other.locator("[data-testid=error-message]").inner_text()


def test_approver_signs_a_budget_level_on_the_page(fin_site: Site, ctx: Any) -> None:
    pb = fin_site.ids["pb"]  # type: ignore[attr-defined]
    page = sign_in(ctx, "ap-vp")  # level 1 is not the VP's
    page.goto(f"/projects/{pb}/finance?year={YEAR}")
    assert page.locator("[data-testid=sign-form]").count() == 0
    assert "department manager" in page.locator("[data-testid=awaits]").inner_text()
    page = sign_in(ctx, "ap-dept_manager")
    page.goto(f"/projects/{pb}/finance?year={YEAR}")
    # budgeted margin (60,000 − 15,000) / 60,000 = 75 % is abnormal → a 4th level (finance manager)
    assert page.locator("[data-testid=levels]").inner_text() == "0 / 4"
    assert "budgeted margin 75%, outside 20%–70%" in page.locator("[data-testid=budget]").inner_text()
    page.fill("input[name=reason]", "prices match the price system")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=signed]")
    assert f"year={YEAR}" in page.url
    assert page.locator("[data-testid=levels]").inner_text() == "1 / 4"
    assert page.locator("[data-testid=next-role]").inner_text() == "vice president"
    assert "ap-dept_manager" in page.locator("[data-testid=approvals]").inner_text()
    assert page.locator("[data-testid=sign-form]").count() == 0
    shot(page, "ledger-budget-approved-level1")
    vp = sign_in(ctx, "ap-vp")
    vp.goto(f"/projects/{pb}/finance?year={YEAR}")
    vp.click("[data-testid=reject]")  # a rejection needs a reason: refused, nothing changes
    # the page shows again with the refusal beside the form (no error page: the form stays)
    assert "needs a reason" in vp.locator("[data-testid=sign-error]").inner_text()
    assert vp.locator("[data-testid=sign-form]").count() == 1
    assert vp.locator("[data-testid=levels]").inner_text() == "1 / 4"
    vp.goto(f"/projects/{pb}/finance?year={YEAR}")
    assert vp.locator("[data-testid=levels]").inner_text() == "1 / 4"


def test_finance_downloads_a_balanced_journal(fin_site: Site, ctx: Any) -> None:
    page = sign_in(ctx, "ap-finance_reviewer")
    page.goto(f"/finance?year={YEAR}")
    rows = page.locator("[data-testid=margin-table] tbody tr")
    assert rows.count() == 1
    assert rows.nth(0).inner_text().split("\t")[:4] == ["speech", "custom", "domestic",
                                                        "big tech"]  # codes shown through the catalogue
    _charts_drawn(page, "chart-margin", "chart-monthly")
    # pending events do not depend on the year: a past year's page points to this year's list
    elsewhere = page.locator("[data-testid=pending-elsewhere]")
    assert "Events waiting to be booked: 1" in elsewhere.inner_text()
    shot(page, "ledger-overview-finance")
    elsewhere.locator("a").click()
    problems = page.locator("[data-testid=problems]").inner_text()
    assert "hour points booked" in problems and "has no ledger project" in problems
    page.goto(f"/finance?year={YEAR}")
    with page.expect_download() as info:
        page.click("[data-testid=journal]")
    download = info.value
    assert download.suggested_filename == f"journal-{YEAR}-01-01-{YEAR}-12-31.csv"
    with Path(download.path()).open(newline="", encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    debit = sum(Decimal(r["debit"]) for r in lines)
    credit = sum(Decimal(r["credit"]) for r in lines)
    # two cost postings, the revenue, and its 6 % output VAT booked at its tax point
    assert debit == credit == Decimal("2836.54") * 2 + Decimal("100000.00") + Decimal("6000.00")
    assert {r["account"] for r in lines} >= {"5001", "2202", "2211", "1122", "6001.01", "6401"}


def test_pm_records_the_final_acceptance_on_the_page(fin_site: Site, ctx: Any) -> None:
    pb = fin_site.ids["pb"]  # type: ignore[attr-defined]  # O-B: type 1, 5 hours, open
    page = sign_in(ctx, "pm")
    page.goto(f"/projects/{pb}/finance?year={YEAR}")
    form = page.locator("[data-testid=final-form]")
    assert "Customer's final acceptance" in form.inner_text()
    page.fill("[data-testid=final-accepted-on-input]", f"{YEAR}-05-02")
    page.fill("[data-testid=final-volume]", "9")  # more than the order's 5 h: refused
    page.click("[data-testid=final-submit]")
    assert "not 9" in page.locator("[data-testid=final-error]").inner_text()
    assert page.locator("[data-testid=final-volume]").input_value() == "9"  # as typed
    assert page.locator("[data-testid=final-accepted-on-input]").input_value() == f"{YEAR}-05-02"
    page.fill("[data-testid=final-volume]", "3")
    page.click("[data-testid=final-submit]")
    page.wait_for_selector("[data-testid=final-accepted]")
    assert page.locator("[data-testid=final-accepted-on]").inner_text() == f"{YEAR}-05-02"
    assert page.locator("[data-testid=final-form]").count() == 0  # once per order
    shot(page, "ledger-final-acceptance")
