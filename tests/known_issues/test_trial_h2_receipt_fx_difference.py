"""Trial h2 (2026-12-07), a finance clerk with foreign customers: a receipt in a foreign
currency was converted at the order's rate whatever the day's rate was, and the conversion slack
a receipt was stretched by (half a fen) went nowhere: the bank and the books disagreed with
nothing booked for it. Foreign cash now settles the receivable at the rate it carries and books
the rest as a realised exchange gain or loss (``ledger.fx``): on the receipt, in the journal
(Dr bank / Cr 6603.03, a loss the other way) and in the period report's ``fx`` section."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from datamill.core.errors import InvalidInput
from datamill.ledger.fx import fx_differences
from datamill.ledger.journal import journal_lines, trial_balance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.period_close import preview_period, summary_text
from datamill.ledger.receivables import record_receipt
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime

MONTH = (date(2019, 7, 1), date(2019, 7, 31))


def _order(rt: Runtime, tag: str, currency: str, amount: str, fx: str) -> int:
    with rt.session() as s:
        cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="US")
        k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom",
                            currency=currency, signed_on=date(2019, 1, 2))
        return create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                            amount=amount, currency=currency, total_volume=D(1),
                            volume_unit="hours", acceptance_type=1, fx_rate=fx).id


def test_a_receipt_at_the_day_s_rate_books_the_exchange_difference(runtime: Runtime) -> None:
    oid = _order(runtime, "FXUSD", "USD", "10000", "7.10")  # 71,000.00 CNY booked
    with runtime.session() as s:
        gain = record_receipt(s, oid, "FX-R1", received_on=date(2019, 7, 10), amount="5000",
                              fx_rate="7.25")
        loss = record_receipt(s, oid, "FX-R2", received_on=date(2019, 7, 20), amount="5000",
                              fx_rate="7.000000")
        assert (gain.amount, gain.cash, gain.fx_difference) == (
            D("35500.00"), D("36250.00"), D("750.00"))  # was 35,500.00 booked, 750.00 nowhere
        assert (loss.amount, loss.cash, loss.fx_difference) == (
            D("35500.00"), D("35000.00"), D("-500.00"))
        assert gain.received_fx_rate == D("7.25") and gain.fx_rate == D("7.10")

        lines = [ln for ln in journal_lines(s, *MONTH) if ln.order_id == oid]
        fx = {(ln.entry, ln.debit, ln.credit) for ln in lines if ln.account == "6603.03"}
        assert fx == {(f"P{gain.id}", D(0), D("750.00")), (f"P{loss.id}", D("500.00"), D(0))}
        bank = sum((ln.debit - ln.credit for ln in lines if ln.account == "1002"), D(0))
        assert bank == D("71250.00")  # what the bank received, not 71,000.00
        tb = trial_balance(lines)
        assert sum((r.debit for r in tb), D(0)) == sum((r.credit for r in tb), D(0))

        rows = [r for r in fx_differences(s, *MONTH) if r.order == "O-FXUSD"]
        assert [(r.receipt, r.currency_amount, r.fx_difference) for r in rows] == [
            ("FX-R1", D("5000.00"), D("750.00")), ("FX-R2", D("5000.00"), D("-500.00"))]
        report = preview_period(s, "2019-07")
        assert [x["fx_difference"] for x in report.report["fx"]
                if x["order"] == "O-FXUSD"] == ["750.00", "-500.00"]
        text = summary_text(report)
        assert "Realised exchange differences on receipts" in text
        assert "FX-R1 order O-FXUSD 2019-07-10: 5000.00 USD at 7.25" in text, text
        assert "difference 750.00" in text and "difference -500.00" in text


def test_the_conversion_slack_is_booked_not_lost(runtime: Runtime) -> None:
    """1,000,000 JPY at 0.049999 (+6 % VAT: 52,998.94 CNY) paid in three receipts at the
    order's rate: the last converts to 17,666.35 and settles 17,666.34; the fen is a gain."""
    oid = _order(runtime, "FXJPY", "JPY", "1000000", "0.049999")
    with runtime.session() as s:
        got = [record_receipt(s, oid, f"FX-J{n}", received_on=date(2019, 7, 5), amount=a)
               for n, a in enumerate(("353333", "353333", "353334"))]
        assert [r.fx_difference for r in got] == [D("0.00"), D("0.00"), D("0.01")]  # was lost
        assert sum((r.amount for r in got), D(0)) == D("52998.94")
        assert sum((r.cash for r in got if r.cash is not None), D(0)) == D("52998.95")


def test_a_rate_is_refused_on_cny_cash_and_beyond_six_places(runtime: Runtime) -> None:
    oid = _order(runtime, "FXBAD", "USD", "1000", "7.10")
    with runtime.session() as s:
        with pytest.raises(InvalidInput) as err:
            record_receipt(s, oid, "FX-B1", received_on=date(2019, 7, 5), amount="100",
                           currency="CNY", fx_rate="7.2")
        assert err.value.details["reason_code"] == "receipt_fx_rate_cny"
        assert "人民币收款没有汇率" in word_reason(err.value.details, "zh-CN")
        with pytest.raises(InvalidInput) as err:
            record_receipt(s, oid, "FX-B2", received_on=date(2019, 7, 5), amount="100",
                           fx_rate="7.1234567")
        assert err.value.details["reason_code"] == "fx_rate_places"
        assert word_reason(err.value.details, "zh-CN") == "汇率 7.1234567 的小数位超过 6 位"
    oid = _order(runtime, "FXYEN", "JPY", "1000", "0.05")
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        record_receipt(s, oid, "FX-B3", received_on=date(2019, 7, 5), amount="100.5")
    assert err.value.message == "JPY has no minor unit: 100.5 has 1 decimal places"  # 100.50
    assert word_reason(err.value.details, "zh-CN").startswith("JPY 金额 100.5 的")


@pytest.mark.slow  # an app, a CLI and a month-end run: ~15 s on a loaded machine
def test_the_faces_take_the_rate_and_the_period_page_shows_the_difference(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CLI ``ledger receipt --fx-rate`` (``--json`` refused too), the API's ``fx_rate``, the
    closed month's page in English and zh-CN."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from datamill.cli import _common
    from datamill.cli.ledger import app
    from datamill.compliance.users import create_user
    from datamill.ledger.period_close import close_period
    from datamill.server import create_app
    from tests.known_issues._web import PASSWORD, web_login
    from tests.unit.ledger.helpers import ledger_project

    rt = sqlite_runtime
    with rt.session() as s:
        boss = create_user(s, "boss", PASSWORD, "admin").id
    oid = _order(rt, "FXFACE", "USD", "1000", "7.10")
    monkeypatch.setattr(_common, "_runtime", [rt])
    cli = CliRunner()
    r = cli.invoke(app, ["receipt", str(oid), "FX-C1", "2019-07-08", "100", "--fx-rate",
                         "7.3", "--as", "boss", "--json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert (got["amount"], got["cash"], got["fx_difference"]) == ("710.00", "730.00", "20.00")
    r = cli.invoke(app, ["receipt", str(oid), "FX-C2", "2019-07-08", "100", "--currency",
                         "CNY", "--fx-rate", "7.3", "--as", "boss", "--json"])
    assert r.exit_code != 0
    assert json.loads(r.output)["error"]["reason_code"] == "receipt_fx_rate_cny", r.output
    with TestClient(create_app(rt)) as c:
        tok = c.post("/api/v1/auth/token", json={"username": "boss", "password": PASSWORD})
        h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        resp = c.post(f"/api/v1/ledger/orders/{oid}/receipts", headers=h,
                      json={"reference": "FX-A1", "received_on": "2019-07-09", "amount": "100",
                            "fx_rate": "6.95"})
        assert resp.status_code == 201, resp.text
        assert resp.json()["fx_difference"] == "-15.00"
        with rt.session() as s:
            close_period(s, "2019-07", actor_id=boss)
        web_login(c, "boss")
        page = c.get("/finance/periods/2019-07").text
        assert "Realised exchange differences on receipts" in page
        assert 'data-testid="period-fx-total">5.00<' in page, page  # 20.00 − 15.00
        with rt.session() as s:
            pid, _ = ledger_project(s, "fx-face", oid)
        page = c.get(f"/projects/{pid}/finance").text
        assert "the bank received 730.00: exchange difference 20.00" in page, page
        c.cookies.set("lang", "zh-CN")
        assert "已实现汇兑损益合计" in c.get("/finance/periods/2019-07").text
        assert "银行实收 695.00：汇兑差额 -15.00" in c.get(f"/projects/{pid}/finance").text


def test_the_last_yen_closes_the_order_and_the_fen_short_is_a_loss(runtime: Runtime) -> None:
    """1,000,000 JPY at 0.048 (+6 %: 50,880.00 CNY) paid to the yen in three receipts at the
    order's rate converts to 50,879.99: the fen stayed open for ever (aged, provided for)."""
    oid = _order(runtime, "FXSHORT", "JPY", "1000000", "0.048")
    with runtime.session() as s:
        got = [record_receipt(s, oid, f"FX-S{n}", received_on=date(2019, 7, 5), amount=a)
               for n, a in enumerate(("353333", "353333", "353334"))]
        assert [r.amount for r in got] == [D("16959.98"), D("16959.98"), D("16960.04")]
        assert [r.fx_difference for r in got] == [D("0.00"), D("0.00"), D("-0.01")]
        assert sum((r.amount for r in got), D(0)) == D("50880.00")  # was 50,879.99
        with pytest.raises(InvalidInput):  # nothing more to receive
            record_receipt(s, oid, "FX-S3", received_on=date(2019, 7, 5), amount="1")
