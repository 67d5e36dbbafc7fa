"""Workforce pages in a browser: the vendor manager distributes and confirms, the vendor wall
holds (another vendor's objects answer as missing ones, the business lists 403), the business
confirms, a worker sees their accepted work.

Needs no audio: the world is built straight from the services (and settlement sheets written as
rows, so the pages can be tested without running a whole week of production).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item, Project, Task, WorkPackage
from datamill.testing.fixtures import make_runtime
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.golden import claim_with_golden, set_golden_rate, submit_golden_answer
from datamill.workforce.models import SettlementLine, SettlementSheet
from datamill.workforce.qualification import define_qualification_test, take_qualification_test
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.e2e.conftest import PASSWORD, serve_in_thread, shot, sign_in

pytestmark = pytest.mark.slow


@dataclass
class World:
    url: str
    rt: Any
    ids: dict[str, int]


def _app(rt: Any) -> Any:
    from datamill.server import create_app
    return create_app(rt)


def _sheet(s: Any, vendor_id: int, worker_id: int, start: date, status: str, amount: str) -> int:
    amt = Decimal(amount)
    fee = (amt * Decimal("0.1")).quantize(Decimal("0.01"))
    sheet = SettlementSheet(
        number=f"WF-{vendor_id:04d}-{start:%Y%m%d}", vendor_id=vendor_id, cycle="weekly",
        period_start=start, period_end=date.fromordinal(start.toordinal() + 7),
        period_key=f"weekly:{start}", status=status, amount=amt, fee_rate=Decimal("0.1"),
        fee=fee, gross=amt + fee, tax_withheld=Decimal("0.00"), net_payable=amt + fee,
    )
    s.add(sheet)
    s.flush()
    s.add(SettlementLine(
        sheet_id=sheet.id, stage="annotate", worker_id=worker_id, unit="hour", items=3,
        duration_ms=3_600_000, quantity=Decimal("1"), unit_price=amt, amount=amt,
        description="e2e annotate",
    ))
    return int(sheet.id)


def _build(rt: Any) -> dict[str, int]:
    ids: dict[str, int] = {}
    with rt.session() as s:
        admin = create_user(s, "admin", PASSWORD, "admin")
        create_user(s, "pm", PASSWORD, "project_manager")
        project = Project(name="wf-e2e", modality="speech.asr", language="en-US",
                          project_type="custom_service", data_owner="customer",
                          spec={"stages": ["annotate"], "package_size": 2})
        s.add(project)
        s.flush()
        items = [Item(project_id=project.id, external_id=f"utt{i}", sha256=f"{i:064d}",
                      filename=f"utt{i}.wav", size_bytes=1000, owner="customer",
                      status="passed", volume=2000, attributes={"duration_ms": 2000}) for i in range(6)]
        s.add_all(items)
        s.flush()
        pkgs = []
        for n in range(3):
            pkg = WorkPackage(project_id=project.id, stage="annotate", name=f"annotate-{n + 1:04d}")
            s.add(pkg)
            s.flush()
            pkgs.append(pkg.id)
            for k, item in enumerate(items[2 * n: 2 * n + 2]):
                s.add(Task(project_id=project.id, item_id=item.id, stage="annotate",
                           status="done" if (n == 0 and k == 0) else "open", package_id=pkg.id))
        for tag in ("a", "b"):
            v = create_vendor(s, admin, name=f"Vendor {tag.upper()}", kind="studio",
                              fee_rate="0.1", agreement_no=f"FA-{tag}")
            set_vendor_qualified(s, admin, v.id, True, "licence, services and price assessed")
            ids[f"vendor_{tag}"] = v.id
            mgr = create_user(s, f"mgr-{tag}", PASSWORD, "annotator")
            register_worker(s, admin, mgr, vendor_id=v.id, is_manager=True)
            wkr = create_user(s, f"wkr-{tag}", PASSWORD, "annotator")
            ids[f"worker_{tag}"] = register_worker(s, admin, wkr, vendor_id=v.id,
                                                   languages=["en-US"],
                                                   modalities=["speech.asr"]).id
            add_member(s, project.id, wkr, actor_id=None)
        german = create_user(s, "wkr-de", PASSWORD, "annotator")
        ids["worker_de"] = register_worker(s, admin, german, vendor_id=ids["vendor_a"],
                                           languages=["de-DE"]).id
        hand_package_to_vendor(s, admin, pkgs[0], ids["vendor_a"])
        hand_package_to_vendor(s, admin, pkgs[1], ids["vendor_a"])
        hand_package_to_vendor(s, admin, pkgs[2], ids["vendor_b"])
        ids.update(pkg_a1=pkgs[0], pkg_a2=pkgs[1], pkg_b=pkgs[2])
        ids["sheet_a_paid"] = _sheet(s, ids["vendor_a"], ids["worker_a"], date(2024, 5, 6),
                                     "confirmed", "120.50")
        _sheet(s, ids["vendor_a"], ids["worker_a"], date(2024, 4, 29), "settled", "60.25")
        ids["sheet_a_draft"] = _sheet(s, ids["vendor_a"], ids["worker_de"], date(2024, 5, 13),
                                      "draft", "80.00")
        ids["sheet_b"] = _sheet(s, ids["vendor_b"], ids["worker_b"], date(2024, 5, 6), "draft",
                                "99.00")
    _golden(rt)
    return ids


class _Always:
    def random(self) -> float:
        return 0.0


def _golden(rt: Any) -> None:
    """wkr-a answers one golden probe of a second project exactly, and one half right."""
    with rt.session() as s:
        admin = s.scalars(select(User).where(User.username == "admin")).one()
        wkr = s.scalars(select(User).where(User.username == "wkr-a")).one()
        project = Project(name="wf-golden", modality="speech.asr", language="en-US",
                          project_type="custom_service", data_owner="customer",
                          spec={"stages": ["annotate"]})
        s.add(project)
        s.flush()
        items = [Item(project_id=project.id, external_id=f"gold{i}", sha256=f"g{i:063d}",
                      filename=f"g{i}.wav", size_bytes=1000, owner="customer",
                      status="reviewed", volume=2000, attributes={"duration_ms": 2000}) for i in range(2)]
        s.add_all(items)
        s.flush()
        golden = {items[0].id: "one two three four", items[1].id: "five six seven eight"}
        define_qualification_test(s, admin, project.id, golden, pass_threshold="0.9")
        add_member(s, project.id, wkr, actor_id=None)
        take_qualification_test(s, wkr, project.id, golden)
        set_golden_rate(s, admin, project.id, "0.5")
        for answer in ("one two three four", "five six"):
            probe = claim_with_golden(s, wkr, project.id, "annotate", rng=_Always()).probe
            assert probe is not None
            submit_golden_answer(s, wkr, probe.probe_id, answer)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:

    rt = make_runtime(tmp_path_factory.mktemp("wf-e2e"), "sqlite")
    ids = _build(rt)
    with serve_in_thread(_app(rt)) as url:
        yield World(url=url, rt=rt, ids=ids)
    rt.close()


@pytest.fixture
def ctx(browser: Any, world: World) -> Iterator[Any]:
    c = browser.new_context(base_url=world.url, viewport={"width": 1400, "height": 900})
    c.set_default_timeout(10_000)
    yield c
    c.close()


def test_manager_distributes_and_confirms_then_business_confirms(
    world: World, ctx: Any, tmp_path: Path
) -> None:
    ids = world.ids
    page = sign_in(ctx, "mgr-a")
    page.goto("/workforce")
    page.wait_for_url(re.compile(rf"/workforce/vendors/{ids['vendor_a']}$"))
    assert page.locator("[data-testid=vendor-name]").inner_text() == "Vendor A"
    rows = page.locator("[data-testid=packages] tr[data-package]")
    assert rows.count() == 2  # only vendor A's packages
    first = page.locator(f"tr[data-package='{ids['pkg_a1']}']")
    assert first.locator("[data-testid=progress]").inner_text() == "1 / 2 (50%)"
    assert "Vendor B" not in page.locator("main").inner_text()
    assert "wkr-b" not in page.locator("main").inner_text()
    shot(page, "workforce-vendor")

    # a refusal (wrong language, no qualification) is a message, and nothing is written
    page.select_option("[data-testid=distribute-package]", str(ids["pkg_a1"]))
    page.select_option("[data-testid=distribute-worker]", str(ids["worker_de"]))
    page.click("[data-testid=distribute]")
    error = page.locator("[data-testid=wf-error]")
    assert "the project needs en-US" in error.inner_text()
    shot(page, "workforce-distribute-refused")
    with world.rt.session() as s:
        assert s.get(WorkPackage, ids["pkg_a1"]).assignee_id is None

    page.select_option("[data-testid=distribute-package]", str(ids["pkg_a1"]))
    page.select_option("[data-testid=distribute-worker]", str(ids["worker_a"]))
    page.click("[data-testid=distribute]")
    page.wait_for_url(re.compile(r"\?ok=distributed$"))
    assert page.locator("[data-testid=wf-ok]").inner_text() == "The package was distributed."
    assert first.locator("[data-testid=assignee]").inner_text() == "wkr-a"

    # the vendor confirms its draft sheet; the printable and CSV copies open
    sheet = page.locator(f"tr[data-sheet='{ids['sheet_a_draft']}']")
    assert sheet.locator("[data-testid=sheet-status]").inner_text() == "draft"
    assert page.locator(f"[data-testid=vendor-confirm-{ids['sheet_a_paid']}]").count() == 0
    page.click(f"[data-testid=vendor-confirm-{ids['sheet_a_draft']}]")
    page.wait_for_url(re.compile(r"\?ok=vendor_confirmed$"))
    assert sheet.locator("[data-testid=sheet-status]").inner_text() == "confirmed by vendor"
    shot(page, "workforce-vendor-confirmed")
    with page.expect_popup() as popup:
        sheet.locator("[data-testid=sheet-print]").click()
    printable = popup.value
    printable.wait_for_load_state()
    assert "验收结算单" in printable.locator("h1").inner_text()
    shot(printable, "workforce-sheet-printable")
    csv = ctx.request.get(f"/workforce/sheets/{ids['sheet_a_draft']}/csv")
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "total,net_payable,88.00" in csv.text()

    # the business side confirms, and sees the supplier list with its evaluation
    pm = sign_in(ctx, "pm")
    pm.goto("/workforce/sheets")
    row = pm.locator(f"tr[data-sheet='{ids['sheet_a_draft']}']")
    assert pm.locator(f"[data-testid=confirm-{ids['sheet_b']}]").count() == 0  # vendor first
    pm.click(f"[data-testid=confirm-{ids['sheet_a_draft']}]")
    pm.wait_for_url(re.compile(r"\?ok=confirmed$"))
    assert row.locator("[data-testid=sheet-status]").inner_text() == "confirmed by both sides"
    shot(pm, "workforce-sheets")
    pm.goto("/workforce/vendors?year=2024")
    vendor_row = pm.locator(f"tr[data-vendor='{ids['vendor_a']}']")
    assert vendor_row.locator("[data-testid=qualified]").inner_text().startswith("yes")
    pm.click(f"[data-testid=evaluate-{ids['vendor_a']}]")
    pm.wait_for_url(re.compile(r"ok=evaluated"))
    assert vendor_row.locator("[data-testid=rating]").inner_text() in {"A", "B", "C", "D"}
    shot(pm, "workforce-vendors")
    with world.rt.session() as s:
        assert s.get(SettlementSheet, ids["sheet_a_draft"]).status == "confirmed"
    assert not page.dialogs and not pm.dialogs


def test_another_vendors_manager_meets_the_vendor_wall(world: World, ctx: Any) -> None:
    ids = world.ids
    page = sign_in(ctx, "mgr-b")
    page.goto("/workforce")
    page.wait_for_url(re.compile(rf"/workforce/vendors/{ids['vendor_b']}$"))
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    # vendor A's own objects answer as missing ones (no probing for which vendor owns what)
    for url, status in (
        (f"/workforce/vendors/{ids['vendor_a']}", 404),
        (f"/workforce/workers/{ids['worker_a']}", 404),
        (f"/workforce/sheets/{ids['sheet_a_paid']}/print", 404),
        (f"/workforce/sheets/{ids['sheet_a_paid']}/csv", 404),
        ("/workforce/vendors", 403),
    ):
        resp = page.goto(url)
        assert resp is not None and resp.status == status, url
        assert "Vendor A" not in page.content()
    # the sheets page is scoped to their own vendor (as GET /settlements is): none of A's sheets
    resp = page.goto("/workforce/sheets")
    assert resp is not None and resp.status == 200
    assert "Vendor A" not in page.content()
    assert f'data-sheet="{ids["sheet_a_paid"]}"' not in page.content()
    page.goto("/workforce/vendors")
    assert "mgr-b" in page.locator("[data-testid=error-message]").inner_text()
    shot(page, "workforce-403")
    # writes into vendor A are refused too, and change nothing
    # vendor A's package, through their own vendor's form: it answers as a missing package
    # (no probing for package ids of projects they may not see), and distributes nothing
    own = f"/workforce/vendors/{ids['vendor_b']}/distribute"
    foreign = ctx.request.post(own, form={"package_id": str(ids["pkg_a2"]),
                                          "worker_id": str(ids["worker_b"]),
                                          "csrf_token": csrf or ""})
    assert foreign.status == 409, foreign.text()  # noqa: PLR2004 - the page's refusal
    assert f"no work package with id {ids['pkg_a2']}" in foreign.text()
    for url, form, status in (
        (f"/workforce/vendors/{ids['vendor_a']}/distribute",
         {"package_id": str(ids["pkg_a2"]), "worker_id": str(ids["worker_b"])}, 404),
        (f"/workforce/sheets/{ids['sheet_a_paid']}/vendor-confirm", {}, 404),
        (f"/workforce/sheets/{ids['sheet_a_paid']}/confirm", {}, 403),
    ):
        r = ctx.request.post(url, form={**form, "csrf_token": csrf or ""})
        assert r.status == status, (url, r.text())
    with world.rt.session() as s:
        assert s.get(WorkPackage, ids["pkg_a2"]).assignee_id is None
        assert s.get(SettlementSheet, ids["sheet_a_paid"]).status == "confirmed"


def test_worker_sees_earnings_chart(world: World, ctx: Any) -> None:
    page = sign_in(ctx, "wkr-a")
    page.goto("/workforce/me")
    # a studio's worker is paid by the studio: their accepted work, never the studio's money
    assert page.locator("h1").inner_text().startswith("My accepted work")
    page.wait_for_selector("#chart-earnings[data-rendered]")
    assert page.locator("#chart-earnings").get_attribute("data-rendered") == "2"
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 1
    # paid sheets only (the confirmed and the settled one; never the draft)
    assert page.locator("[data-testid=earnings]").count() == 0
    assert "Vendor A" in page.locator("[data-testid=paid-by-vendor]").inner_text()
    golden = page.locator("[data-testid=golden-accuracy]").inner_text()
    assert re.fullmatch(r"0\.\d{4} \(2 answered\)", golden), golden
    shot(page, "workforce-my-earnings")
    # a plain worker manages nothing: vendor pages are closed to them
    resp = page.goto(f"/workforce/vendors/{world.ids['vendor_a']}")
    assert resp is not None and resp.status == 403
    with world.rt.session() as s:
        assert s.scalars(select(Item)).first() is not None


def test_settlement_periods_page_links_to_the_sheet_and_its_void(world: World, ctx: Any) -> None:
    """The periods page (``/workforce/periods``, linked in the workforce navigation): a vendor's
    manager sees only their own vendor's sheets of the month; the business side follows a sheet's
    Void link to that sheet's row on the sheets page, where its Void form is."""
    ids = world.ids
    page = sign_in(ctx, "mgr-b")
    page.goto(f"/workforce/vendors/{ids['vendor_b']}")
    page.locator("[data-testid=wf-nav]").get_by_role("link", name="Settlement periods").click()
    page.wait_for_url(re.compile(r"/workforce/periods$"))
    may = page.locator("[data-testid=period-2024-05]")
    assert may.locator("[data-testid=period-status]").inner_text() == "open"
    assert may.locator("tbody tr").count() == 1
    assert "Vendor A" not in page.content()
    assert f'data-sheet="{ids["sheet_a_paid"]}"' not in page.content()
    assert may.locator("[data-testid=period-totals]").inner_text().split()[1] == "99.00"
    assert page.locator("[data-testid^=period-void-link]").count() == 0
    pm = sign_in(ctx, "pm")
    pm.goto("/workforce/periods")
    assert pm.locator("[data-testid=period-2024-05] tbody tr").count() == 4  # noqa: PLR2004
    shot(pm, "workforce-periods")
    pm.locator(f"[data-testid=period-void-link-{ids['sheet_b']}]").click()
    pm.wait_for_url(re.compile(rf"/workforce/sheets#sheet-{ids['sheet_b']}$"))
    assert pm.locator(f"[data-testid=void-{ids['sheet_b']}]").is_visible()
    assert not page.dialogs and not pm.dialogs
