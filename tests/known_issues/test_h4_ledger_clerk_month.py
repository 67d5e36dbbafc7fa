"""A month in the books as a finance clerk and a PM (trial h4, the ledger's faces):

* **VAT** (HIGH): custom work's 6 % was a literal in four places (service, quote, API body, CLI
  option) and a product-licence order given no rate took 6 % too, while the catalog's own
  licences took ``DATAMILL_CATALOG_VAT_RATE`` (default 16 %, a rate abolished on 2019-04-01).
  Now ``DATAMILL_SERVICE_VAT_RATE`` (0.06, data services) and ``DATAMILL_CATALOG_VAT_RATE``
  (0.13) are the one source on every face;
* **a cost for a stage the budget has no line for** (MEDIUM): refused as "over the budget line
  of 0: give over_budget_reason", which sent a clerk who mistyped a stage to ask the VP to sign
  an over-budget claim; now it names the budget's lines (``cost_no_budget_line``), and the
  ratio's ``no_budget_line`` names the stages it may take and how;
* **English under zh-CN, money with any number of places** (MEDIUM): ``ledger cost-post``,
  ``budget-create``, ``quote``, ``budget-vs-actual`` printed ``12345.6`` / ``60000.0000`` in
  English; now 2 places with separators as the pages, in the CLI's language;
* **a unit price of 0.0125 showed as 0.01** on the project's finance page (rounded as money),
  and the API's reports gave a sum over nothing as ``"0"`` beside ``"40.03"``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.ledger import app
from datamill.cli.main import app as main_app
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.core.errors import InvalidInput
from datamill.ledger.budgets import create_budget
from datamill.ledger.costs import post_cost
from datamill.ledger.models import LedgerContract, LedgerProject
from datamill.ledger.orders import create_order
from datamill.ledger.quotes import quote_from_budget
from datamill.ledger.ratio_tests import apply_ratio, record_agreed_ratio
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import budgeted_custom_order

D = Decimal


@pytest.fixture
def books(runtime: Runtime, users: dict[str, User],
          monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """A 2018 custom order with its books and an approved collection budget."""
    for name in ("DATAMILL_SERVICE_VAT_RATE", "DATAMILL_CATALOG_VAT_RATE", "DATAMILL_LANG"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    with runtime.session() as s:
        contract, lp, budget = budgeted_custom_order(s, "H4", "h4-month")
        pp = s.get(LedgerProject, lp).production_project_id  # type: ignore[union-attr]
        s.get(LedgerContract, contract).amount = None  # type: ignore[union-attr]
    monkeypatch.setattr(_common, "_runtime", [runtime])
    yield {"contract": contract, "lp": lp, "budget": budget, "pp": pp}
    get_settings.cache_clear()


def _order(s: object, contract: int, number: str, offering: str = "custom",
           vat_rate: str | None = None) -> Decimal:
    o = create_order(s, contract, number, business_line="speech",  # type: ignore[arg-type]
                     offering=offering, amount="1000.00", currency=None, total_volume="1",
                     volume_unit="hours", acceptance_type=1, vat_rate=vat_rate)
    return o.vat_rate


def test_vat_rates_are_settings_on_every_face(
    runtime: Runtime, books: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        assert _order(s, books["contract"], "O-6") == D("0.06")  # data services
        assert _order(s, books["contract"], "O-13", "product_licence") == D("0.13")  # was 6 %
        assert _order(s, books["contract"], "O-9", vat_rate="0.09") == D("0.09")  # as given
        assert quote_from_budget(s, books["budget"], "0.4").vat_rate == D("0.06")
    monkeypatch.setenv("DATAMILL_SERVICE_VAT_RATE", "0.05")
    get_settings.cache_clear()
    with runtime.session() as s:
        assert _order(s, books["contract"], "O-5") == D("0.05")
        assert quote_from_budget(s, books["budget"], "0.4").vat == D("5000.00")  # 5 % of 100k
        with pytest.raises(InvalidInput, match="vat_rate"):
            quote_from_budget(s, books["budget"], "0.4", vat_rate="1.5")  # was a 150 % quote
        create_budget(s, books["lp"], [  # a draft priced per character
            {"stage": "transcribe", "category": "data_service", "quantity": "80000",
             "unit": "characters", "unit_price": "0.0125"}])
    # the API and the CLI leave the rate out the same way: the setting's
    with TestClient(create_app(runtime)) as client:
        h = login(client, "admin")
        r = client.post(f"{API}/ledger/contracts/{books['contract']}/orders", headers=h, json={
            "number": "O-API", "business_line": "speech", "offering": "custom",
            "amount": "10.00", "total_volume": "1", "acceptance_type": 1})
        assert r.status_code == 201, r.text
        assert D(r.json()["vat_rate"]) == D("0.05")
        zh = {**h, "Accept-Language": "zh-CN"}  # refusals a zh-CN clerk reads in Chinese
        bad = client.post(f"{API}/ledger/orders/{r.json()['id']}/invoices", headers=zh,
                          json={"number": "INV-1", "issued_on": "2018-03-01", "amount": "0.001"})
        assert bad.status_code == 422 and "金额请精确到分" in bad.json()["detail"], bad.text
        back = client.get(f"{API}/ledger/reports/vat?from=2018-12-01&to=2018-11-01", headers=h)
        assert back.status_code == 422, back.text  # was 200 []: nothing, silently
        gone = client.get(f"{API}/ledger/projects/99999/budget-vs-actual", headers=zh)
        assert "的财务项目" in gone.json()["detail"], gone.text  # was "的ledger project"
        wip = client.get(f"{API}/ledger/reports/wip?from=2018-01-01&to=2018-12-31", headers=h)
        [row] = [w for w in wip.json() if w["project_id"] == books["lp"]]
        assert (row["opening"], row["carried"], row["closing"]) == ("0.00", "0.00", "0.00")  # "0"
        web_login(client, "admin")  # the finance page shows a price per unit as stored
        page = client.get(f"/projects/{books['pp']}/finance?year=2018")
        assert page.status_code == 200, page.text
        shown = _shown(re.sub(r"<[^>]+>", " ", page.text))
        assert "0.0125 1,000.00" in shown, shown  # the price was shown as 0.01
        assert "VAT rate 6%" in shown, shown  # as a rate: 0.0625 read 6.3%
    r2 = CliRunner().invoke(app, ["order-add", str(books["contract"]), "O-CLI", "speech",
                                  "custom", "10", "1", "--as", "admin", "--json"])
    assert r2.exit_code == 0, r2.stdout
    assert D(json.loads(r2.stdout)["vat_rate"]) == D("0.05")


def test_a_cost_for_a_stage_without_a_line_names_the_lines(
    runtime: Runtime, books: dict[str, int]
) -> None:
    from datetime import date

    with runtime.session() as s:
        with pytest.raises(InvalidInput) as err:
            post_cost(s, books["lp"], "colection", "data_service", D("500"), "claim-typo",
                      incurred_on=date(2018, 2, 1), supplier="Vendor A")
        assert err.value.details["reason_code"] == "cost_no_budget_line"  # was over_budget
        assert "its lines: collection/data_service" in err.value.message
        zh = word_reason(err.value.details, "zh-CN")
        assert zh is not None and "现有预算行：collection/data_service" in zh
        # spend the budget left out is still booked, over budget, with its reason
        c = post_cost(s, books["lp"], "travel", "other", D("500"), "claim-trip",
                      incurred_on=date(2018, 2, 1), over_budget_reason="site visit")
        assert c.status == "pending_approval"
        # the ratio names the stages its budget has, and how to pick one
        draft = create_budget(s, books["lp"], [
            {"stage": "collection", "category": "data_service", "quantity": "10",
             "unit_price": "300"}])
        users = {u.username: u for u in s.query(User)}
        t = record_agreed_ratio(s, users["admin"], books["pp"], ratio="3", note="agreed",
                                stage="annotate", unit="hours")
        with pytest.raises(InvalidInput) as err:
            apply_ratio(s, users["admin"], t.id, budget_id=draft.id)
        assert err.value.details["reason_code"] == "no_budget_line"
        assert "(its data-service lines: collection)" in err.value.message
        assert "--collection-stage" in err.value.message
        zh = word_reason(err.value.details, "zh-CN")
        assert zh is not None and "现有数据服务预算行的环节：collection" in zh


def _shown(text: str) -> str:
    return re.sub(r"[\s│┃]+", " ", text)


def test_the_clerks_cli_lines_read_in_chinese_with_money_to_the_cent(
    runtime: Runtime, books: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    from datetime import date

    with runtime.session() as s:
        post_cost(s, books["lp"], "collection", "data_service", D("12345.6"), "claim-zh",
                  incurred_on=date(2018, 2, 1), supplier="Vendor A")
        mistaken = post_cost(s, books["lp"], "collection", "data_service", D("0.5"), "claim-x",
                             incurred_on=date(2018, 2, 2), supplier="Vendor A").id
    cli = CliRunner()
    r = cli.invoke(app, ["cost-reverse", str(mistaken), "--reason", "typed twice", "--as", "pm"])
    assert r.exit_code == 0, r.output
    assert f"冲销成本 {mistaken}" in r.stdout and "：-0.50，" in r.stdout, r.stdout  # was English
    r = cli.invoke(app, ["quote", str(books["budget"]), "0.4", "--as", "pm"])
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == "报价 100,000.00 + 增值税 6,000.00（6%）= 106,000.00"
    r = cli.invoke(app, ["budget-vs-actual", str(books["lp"]), "--as", "pm"],
                   env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    shown = _shown(r.stdout)
    assert "预算与实际" in shown and "数据服务采购" in shown, shown
    assert "60,000.00 12,345.60" in shown and "预算 60,000.00，实际 12,345.60" in shown, shown
    r = cli.invoke(app, ["report", "wip", "2018-01-01", "2018-12-31", "--as", "pm"],
                   env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "在产品报表，2018-01-01 至 2018-12-31" in _shown(r.stdout), r.stdout
    assert "本期发生 12,345.60，结转 0.00" in r.stdout
    # the auditor's trace, its gaps worded from their codes (they were the English sentences)
    r = cli.invoke(app, ["trace", "K-H4", "--as", "pm"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "尚无已验收的交付" in r.stdout and "has no" not in r.stdout, r.stdout
    # the month end's summary (it was English, money as "0 + 0 - 0 = 0")
    r = cli.invoke(app, ["period-close", "2018-02", "--as", "admin"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "在产品结转（期初 + 本期发生 - 结转 = 期末）" in r.stdout, r.stdout
    assert "0.00 + 12,345.60 - 0.00 = 12,345.60" in r.stdout, r.stdout
    # the vendor manager's tables too (they were English under zh-CN)
    r = cli.invoke(main_app, ["workforce", "settlement-periods", "--as", "admin"],
                   env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "结算期" in r.stdout and "实付" in r.stdout and "period" not in r.stdout, r.stdout
    # h2: its net is before the debt offsets, beside the cash paid out (both read 实付)
    assert "抵扣前净额" in r.stdout and "已实付" in r.stdout, r.stdout


def test_a_period_closed_with_zeros_written_0_reruns_identical(
    runtime: Runtime, books: dict[str, int], users: dict[str, User]
) -> None:
    """The reports now write a sum over nothing as ``0.00``; a period closed before (its
    stored report reads ``"0"``) still re-runs as identical, not "closed and changed"."""
    from datetime import date

    from sqlalchemy.orm.attributes import flag_modified

    from datamill.ledger.models import LedgerPeriodClose
    from datamill.ledger.period_close import close_period, confirm_period

    with runtime.session() as s:
        post_cost(s, books["lp"], "collection", "data_service", D("100"), "claim-feb",
                  incurred_on=date(2018, 2, 1), supplier="Vendor A")
        out = close_period(s, "2018-02", actor_id=users["admin"].id)
        confirm_period(s, "2018-02", reviewer_id=users["pm"].id)
        row = s.query(LedgerPeriodClose).filter_by(period="2018-02").one()
        old = json.loads(json.dumps(row.report).replace('"0.00"', '"0"'))
        assert old != row.report  # as the old code stored it
        row.report = old
        row.digest = hashlib.sha256(json.dumps(old, sort_keys=True).encode()).hexdigest()
        flag_modified(row, "report")
        s.flush()
    again = CliRunner().invoke(app, ["period-close", "2018-02", "--rerun", "--as", "admin"])
    assert again.exit_code == 0, again.output  # was: closed and its figures changed
    assert "re-run identical: yes" in again.stdout, again.stdout
    assert "0.00 + 100.00 - 100.00 = 0.00" in again.stdout or "100.00" in again.stdout
    assert out.report["wip"]
