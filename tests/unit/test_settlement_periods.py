"""The settlement periods list (:mod:`datamill.settlement_periods`): every month the ledger ran
and every month holding a sheet the reader sees, with its close (who, when), its sheets, their
totals and the void / reopen actions the reader may take, on every face (library, ``GET
/settlement-periods``, ``datamill workforce settlement-periods``, ``/workforce/periods``), under
``GET /settlements``' rule: a vendor's manager sees only their own vendor's sheets.

On the old code there was no such list: a clerk or a vendor manager pieced it together from the
sheets page and each ledger period's page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.clock import utcnow
from datamill.core.errors import Forbidden
from datamill.ledger.models import LedgerPeriodClose
from datamill.ledger.period_reopen import reopen_period
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.settlement_periods import SettlementPeriodOut, settlement_periods
from datamill.workforce.models import SettlementSheet
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login

PASSWORD = "password1"  # noqa: S105 - test credential


@dataclass
class World:
    vendor_a: int
    vendor_b: int
    sheets: dict[str, int]


def _sheet(s: object, vendor_id: int, start: date, status: str, amount: str, tag: str) -> int:
    amt = Decimal(amount)
    fee = (amt * Decimal("0.1")).quantize(Decimal("0.01"))
    sheet = SettlementSheet(
        number=f"WF-{tag}", vendor_id=vendor_id, cycle="weekly", period_start=start,
        period_end=start + timedelta(days=7),
        period_key=None if status == "voided" else f"weekly:{start}", status=status,
        amount=amt, fee_rate=Decimal("0.1"), fee=fee, gross=amt + fee,
        tax_withheld=Decimal("0.00"), net_payable=amt + fee,
        void_reason="drawn twice" if status == "voided" else None,
        voided_at=utcnow() if status == "voided" else None)
    s.add(sheet)  # type: ignore[attr-defined]
    s.flush()  # type: ignore[attr-defined]
    return int(sheet.id)


@pytest.fixture
def world(runtime: Runtime) -> World:
    """Vendors A and B (managers mgr-a, mgr-b), a finance clerk, an annotator, an admin boss and
    a second admin lead; sheets of May 2024 (A: settled, confirmed, voided; B: a draft) and of
    June (A: a draft whose week starts in May); April closed (run by boss, confirmed by lead) and
    May closed after it (so May is the one period to reopen)."""
    with runtime.session() as s:
        boss = create_user(s, "boss", PASSWORD, "admin")
        lead = create_user(s, "lead", PASSWORD, "admin")
        create_user(s, "fin", PASSWORD, "finance")
        create_user(s, "ann", PASSWORD, "annotator")
        ids = {}
        for tag in ("a", "b"):
            v = create_vendor(s, boss, name=f"Vendor {tag.upper()}", kind="studio",
                              fee_rate="0.1", agreement_no=f"FA-{tag}")
            set_vendor_qualified(s, boss, v.id, True, "assessed")
            register_worker(s, boss, create_user(s, f"mgr-{tag}", PASSWORD, "annotator"),
                            vendor_id=v.id, is_manager=True)
            ids[tag] = v.id
        sheets = {
            "a_settled": _sheet(s, ids["a"], date(2024, 4, 29), "settled", "60.00", "A-0429"),
            "a_confirmed": _sheet(s, ids["a"], date(2024, 5, 6), "confirmed", "120.00",
                                  "A-0506"),
            "a_voided": _sheet(s, ids["a"], date(2024, 5, 13), "voided", "10.00", "A-0513"),
            "b_draft": _sheet(s, ids["b"], date(2024, 5, 6), "draft", "99.00", "B-0506"),
            "a_june": _sheet(s, ids["a"], date(2024, 5, 27), "draft", "80.00", "A-0527"),
        }
        for period in ("2024-04", "2024-05"):
            s.add(LedgerPeriodClose(period=period, status="closed", report={}, digest="0" * 64,
                                    prepared_by=boss.id, reviewed_by=lead.id,
                                    reviewed_at=datetime(2024, 6, 3, 9, 30, tzinfo=UTC)))
    return World(ids["a"], ids["b"], sheets)


def _user(s: object, name: str) -> User:
    return s.scalars(select(User).where(User.username == name)).one()  # type: ignore[attr-defined, no-any-return]


def _by_period(rows: list[SettlementPeriodOut]) -> dict[str, SettlementPeriodOut]:
    return {p.period: p for p in rows}


def test_the_periods_their_close_sheets_and_totals(runtime: Runtime, world: World) -> None:
    with runtime.session() as s:
        rows = settlement_periods(s, _user(s, "boss"))
        assert [p.period for p in rows] == ["2024-06", "2024-05", "2024-04"]
        june, may, april = rows
        assert (april.status, april.closed_by, april.prepared_by) == ("closed", "lead", "boss")
        assert april.books_closed and april.sheets == [] and april.totals.sheets == 0
        assert may.status == "closed" and may.closed_at is not None and may.can_reopen
        assert not april.can_reopen  # only the latest period run is reopened
        assert (june.status, june.books_closed, june.closed_by) == ("open", False, None)
        # a sheet is in the month of its last day: the week of 2024-05-27 ends on 06-02
        assert [x.number for x in june.sheets] == ["WF-A-0527"]
        assert [x.number for x in may.sheets] == ["WF-A-0429", "WF-A-0506", "WF-A-0513",
                                                   "WF-B-0506"]
        assert {x.number: x.vendor for x in may.sheets}["WF-B-0506"] == "Vendor B"
        t = may.totals
        assert (t.sheets, t.voided) == (4, 1)  # the voided sheet is listed, not counted
        assert (t.amount, t.fee, t.net_payable, t.paid) == (
            Decimal("279.00"), Decimal("27.90"), Decimal("306.90"), Decimal("66.00"))
        voidable = {x.number for x in may.sheets if x.can_void}
        assert voidable == {"WF-A-0506", "WF-B-0506"}  # neither the paid nor the voided one
        reopen_period(s, _user(s, "boss"), "2024-05", "a late acceptance")
        may = _by_period(settlement_periods(s, _user(s, "boss")))["2024-05"]
        assert (may.status, may.reopened_by, may.reopen_reason) == (
            "reopened", "boss", "a late acceptance")
        assert may.reopened_at is not None and not may.can_reopen and not may.books_closed
        assert may.closed_by is None  # no longer closed


def test_a_vendor_manager_sees_only_their_own_vendors_sheets(
    runtime: Runtime, world: World
) -> None:
    with runtime.session() as s:
        mine = _by_period(settlement_periods(s, _user(s, "mgr-a")))
        assert {x.vendor_id for p in mine.values() for x in p.sheets} == {world.vendor_a}
        assert mine["2024-05"].totals.amount == Decimal("180.00")
        assert not any(x.can_void for p in mine.values() for x in p.sheets)
        assert not any(p.can_reopen for p in mine.values())
        # the month's status, not the books' notes (who closed it, finance's reasons)
        assert mine["2024-05"].status == "closed" and mine["2024-05"].books_closed
        assert all(p.closed_by is None and p.prepared_by is None and p.closed_at is None
                   and p.reopen_reason is None for p in mine.values())
        theirs = settlement_periods(s, _user(s, "mgr-b"))
        assert [x.number for p in theirs for x in p.sheets] == ["WF-B-0506"]
        assert "2024-06" not in _by_period(theirs)  # no sheet of B, no run: not listed
        with pytest.raises(Forbidden):  # another vendor's, asked by id: refused, as sheets are
            settlement_periods(s, _user(s, "mgr-b"), world.vendor_a)
        with pytest.raises(Forbidden):  # no vendor, no finance: refused as GET /settlements
            settlement_periods(s, _user(s, "ann"))
        clerk = settlement_periods(s, _user(s, "fin"))  # finance pays all: sees all
        assert sum(p.totals.sheets for p in clerk) == len(world.sheets)
        assert not any(x.can_void for p in clerk for x in p.sheets)  # voiding is the business'
        only_b = settlement_periods(s, _user(s, "boss"), world.vendor_b)
        assert [x.number for p in only_b for x in p.sheets] == ["WF-B-0506"]


def test_the_api_lists_periods_under_the_settlements_rule(
    runtime: Runtime, world: World
) -> None:
    with TestClient(create_app(runtime)) as c:
        r = c.get(f"{API}/settlement-periods", headers=login(c, "mgr-b"))
        assert r.status_code == 200, r.text
        assert [x["number"] for p in r.json() for x in p["sheets"]] == ["WF-B-0506"]
        assert "WF-A" not in r.text and "Vendor A" not in r.text
        r = c.get(f"{API}/settlement-periods", headers=login(c, "mgr-b"),
                  params={"vendor_id": world.vendor_a})
        assert r.status_code == 403, r.text
        assert c.get(f"{API}/settlement-periods", headers=login(c, "ann")).status_code == 403
        r = c.get(f"{API}/settlement-periods", headers=login(c, "fin"))
        assert r.status_code == 200, r.text
        may = next(p for p in r.json() if p["period"] == "2024-05")
        assert may["status"] == "closed" and may["closed_by"] == "lead"
        assert may["totals"]["net_payable"] == "306.90" and may["totals"]["paid"] == "66.00"
        assert not may["can_reopen"]  # finance without a lead's approval role


def test_the_cli_prints_json_in_every_case(runtime: Runtime, world: World) -> None:
    url = str(runtime.settings.database_url)
    home = runtime.settings.home
    done = run_cli(home, "workforce", "settlement-periods", "--as", "mgr-a", "--json", DATAMILL_DATABASE_URL=url)
    rows = json.loads(done.stdout)
    assert [p["period"] for p in rows] == ["2024-06", "2024-05", "2024-04"]
    assert {x["vendor"] for p in rows for x in p["sheets"]} == {"Vendor A"}
    assert rows[1]["totals"]["amount"] == "180.00"
    refused = run_cli(home, "workforce", "settlement-periods", "--as", "mgr-a", "--vendor",
                      str(world.vendor_b), "--json", ok=False, DATAMILL_DATABASE_URL=url)
    assert refused.returncode != 0
    assert json.loads(refused.stdout)["error"]["code"] == "forbidden", refused.stdout
    refused = run_cli(home, "workforce", "settlement-periods", "--as", "ann", "--json",
                      ok=False, DATAMILL_DATABASE_URL=url)
    assert refused.returncode != 0 and "error" in json.loads(refused.stdout)
    table = run_cli(home, "workforce", "settlement-periods", "--as", "boss", DATAMILL_DATABASE_URL=url).stdout
    words = table.split()  # a narrow page folds the cells
    assert "2024-05" in words and "lead" in words and "306.90" in words, table
    may = next(line.split("│") for line in table.splitlines() if "2024-05" in line)
    assert [c.strip() for c in may[1:6]] == ["2024-05", "closed", "lead", "3", "1"], table


def test_the_periods_page_in_either_language(
    runtime: Runtime, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", "Asia/Shanghai")  # the times it reads
    sheets = world.sheets
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "boss")
        page = c.get("/workforce/periods")
        assert page.status_code == 200, page.text
        assert 'href="/workforce/periods"' in page.text  # in the workforce navigation
        assert 'data-testid="period-2024-05"' in page.text
        assert "Closed 2024-06-03 17:30 UTC+08:00 by lead" in page.text  # business time
        assert f'data-testid="period-void-link-{sheets["a_confirmed"]}"' in page.text
        assert f'data-testid="period-void-link-{sheets["a_settled"]}"' not in page.text
        assert f'href="/workforce/sheets/{sheets["b_draft"]}/print"' in page.text
        assert 'href="/finance/periods/2024-05"' in page.text  # the one period to reopen
        assert "306.90" in page.text and "66.00" in page.text
        with runtime.session() as s:
            reopen_period(s, _user(s, "boss"), "2024-05", "迟到的验收")
        c.cookies.set("lang", "zh-CN")
        page = c.get("/workforce/periods")
        assert "结算期间" in page.text and "已反结账" in page.text and "迟到的验收" in page.text
        assert "未结账" in page.text and "1 张已作废" in page.text
        assert 'href="/finance/periods/2024-05"' not in page.text
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "mgr-b")
        page = c.get("/workforce/periods")
        assert page.status_code == 200, page.text
        assert "WF-B-0506" in page.text and "WF-A-" not in page.text and "Vendor A" not in page.text
        assert "period-void-link" not in page.text and "/finance/periods/" not in page.text
        assert 'href="/workforce/periods"' in page.text
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "ann")
        assert c.get("/workforce/periods").status_code == 403


def test_the_periods_page_reads_plainly_to_a_clerk(runtime: Runtime, world: World) -> None:
    """Trial h1 (left-out 4): a clerk read "Amount | Fee | Tax withheld | Net payable" as net =
    amount − fee − tax, and "2024-05-06 – 2024-05-13 (end date not included)" as a week ending
    on the 13th. The fee is part of the amount, net = amount − the income tax withheld, and a
    sheet shows the days it pays for, its last day included."""
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "fin")
        page = c.get("/workforce/periods").text
        assert "<th>of which management fee</th>" in page and "Amount (CNY)" in page
        assert "not added on top" in page and "Net payable = amount − income tax" in page
        assert "<th>Days of work</th>" in page
        assert ">2024-05-06 – 2024-05-12</td>" in page and "2024-05-06 – 2024-05-13" not in page
        c.cookies.set("lang", "zh-CN")
        page = c.get("/workforce/periods").text
        assert "<th>其中管理费</th>" in page and "<th>作业日期</th>" in page
        assert "不另外加收" in page and ">2024-05-06 – 2024-05-12</td>" in page
    with runtime.session() as s:
        [may] = [p for p in settlement_periods(s, _user(s, "fin")) if p.period == "2024-05"]
        assert {x.number: x.last_day for x in may.sheets}["WF-A-0506"] == date(2024, 5, 12)


def test_every_page_shows_a_sheets_last_day_as_the_periods_page(
    runtime: Runtime, world: World
) -> None:
    """Trial h1 (left-out 1): the sheets page, a vendor's page and the printed sheet showed
    "2024-05-06 – 2024-05-13 (end date not included)" where the periods page shows
    "2024-05-06 – 2024-05-12"; a clerk reads the last day, so every page shows that, and the
    API gives it (``last_day``) beside the excluded ``period_end``."""
    sheet = world.sheets["a_confirmed"]
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "fin")
        for url in ("/workforce/sheets", f"/workforce/vendors/{world.vendor_a}",
                    f"/workforce/sheets/{sheet}/print"):
            page = c.get(url).text
            assert "2024-05-06 – 2024-05-12" in page, url
            assert "2024-05-06 – 2024-05-13" not in page and "not included" not in page, url
        assert "<th>Days of work</th>" in c.get("/workforce/sheets").text
        c.cookies.set("lang", "zh-CN")
        assert "<th>作业日期</th>" in c.get("/workforce/sheets").text
        head = login(c, "fin", PASSWORD)
        r = c.get(f"{API}/settlements/{sheet}", headers=head)
        assert (r.json()["period_end"], r.json()["last_day"]) == ("2024-05-13", "2024-05-12")
        html = c.get(f"{API}/settlements/{sheet}/html", headers=head).text
        assert "2024-05-06 – 2024-05-12" in html and "2024-05-06 – 2024-05-13" not in html


def test_finance_navigation_offers_what_finance_uses(runtime: Runtime, world: World) -> None:
    """Trial h1 (left-out 2): the workforce navigation offered a finance clerk "My earnings",
    an annotator's page (empty for them); it offers the sheets, periods, vendors and
    procurement, each of which opens for them, and the annotator keeps their earnings."""
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "fin")
        page = c.get("/workforce/periods").text
        nav = page[page.index('data-testid="wf-nav"'):page.index("</nav>", page.index('data-testid="wf-nav"'))]
        assert 'href="/workforce/me"' not in nav and "My earnings" not in nav
        for url in ("/workforce/sheets", "/workforce/periods", "/workforce/vendors",
                    "/workforce/procurement"):
            assert f'href="{url}"' in nav
            assert c.get(url).status_code == 200, url
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "ann")
        page = c.get("/workforce/me").text
        assert 'data-testid="wf-nav-earnings"' in page


def test_a_finance_clerk_starts_on_the_finance_overview(runtime: Runtime, world: World) -> None:
    """Trial h1: a finance clerk's home page was an empty project list ("You are not a member
    of any project yet"); it is the finance overview, the books they keep."""
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "fin")
        r = c.get("/", follow_redirects=False)
        assert (r.status_code, r.headers.get("location")) == (303, "/finance")
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "boss")  # an admin keeps the project list
        assert c.get("/", follow_redirects=False).status_code == 200


def test_a_debt_offset_is_counted_once_in_the_period_totals(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review (h22): the totals added each sheet's net after its debt offset and the negative
    debt sheet too. January's debt sheet −1,000.00, February's sheet of gross 600.00 taking
    600.00 of it (net 0.00): the months read −1,000.00 and 0.00 (1,000.00 owed), where 400.00
    was; and February's row did not say why its net was 0.00."""
    from datamill.workforce.models import SettlementOffset

    rt = sqlite_runtime
    with rt.session() as s:
        boss = create_user(s, "boss", PASSWORD, "admin")
        v = create_vendor(s, boss, name="Vendor D", kind="studio", fee_rate="0.1",
                          agreement_no="FA-d")
        debt = _sheet(s, v.id, date(2024, 1, 22), "confirmed", "-1000.00", "D-0122")
        feb = _sheet(s, v.id, date(2024, 2, 19), "settled", "600.00", "D-0219")
        for sheet_id, gross, net in ((debt, "-1000.00", "-1000.00"), (feb, "600.00", "0.00")):
            row = s.get_one(SettlementSheet, sheet_id)
            row.amount, row.fee, row.gross, row.net_payable = (
                Decimal(gross), Decimal("0.00"), Decimal(gross), Decimal(net))
        s.add(SettlementOffset(debt_sheet_id=debt, sheet_id=feb, amount=Decimal("600.00")))
    with rt.session() as s:
        got = _by_period(settlement_periods(s, _user(s, "boss")))
    jan, february = got["2024-01"], got["2024-02"]
    assert [r.debt_offset for r in february.sheets] == [Decimal("600.00")]  # was: no such field
    assert february.sheets[0].net_payable == Decimal("0.00")  # the sheet's own, after it
    t = february.totals
    assert (t.net_payable, t.debt_offset) == (
        Decimal("600.00"), Decimal("600.00"))  # was net 0.00
    # h2: paid is the cash paid out, after the offset: the sheet only repaid debt (was 600.00,
    # under the words "Paid so far (net)", which no bank statement showed)
    assert t.paid == t.net_payable - t.debt_offset == Decimal("0.00")
    assert jan.totals.net_payable + t.net_payable == Decimal("-400.00")  # was −1,000.00
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", "Asia/Shanghai")
    with TestClient(create_app(rt), raise_server_exceptions=False) as c:
        web_login(c, "boss")
        page = c.get("/workforce/periods").text
        assert "Less the vendor&#39;s debt (CNY)" in page and "−600.00" in page, page
        assert 'data-testid="period-net">600.00<' in page
        assert "Paid out so far (cash, after debt offsets, CNY)" in page
        c.cookies.set("lang", "zh-CN")
        page = c.get("/workforce/periods").text
        assert "减：供应商欠款抵扣（人民币）" in page and "抵扣欠款前" in page
        assert "已实付合计（抵扣欠款后的现金，人民币）" in page
