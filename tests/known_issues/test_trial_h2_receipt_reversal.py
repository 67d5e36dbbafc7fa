"""Trial h2 (2026-12-07), a finance clerk: a receipt typed wrong (10,000.00 USD for 1,000.00)
could not be taken back. It counted on the order for ever (an advance nobody paid), and the
receipt cap refused the customer's real payments. A reversing receipt now takes it back in
full (``ledger receipt-reverse``, ``POST /ledger/receipts/{id}/reversal``), with its exchange
difference and the output VAT the advance fell due on."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from datamill.core.errors import Conflict, InvalidInput
from datamill.ledger.journal import journal_lines, trial_balance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receipt_reversal import reverse_receipt
from datamill.ledger.receivables import list_receipts, record_receipt
from datamill.ledger.vat import vat_points
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime

DAY = date(2019, 8, 5)


def _order(rt: Runtime, tag: str) -> int:
    with rt.session() as s:
        cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="US")
        k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom",
                            currency="USD", signed_on=date(2019, 1, 2))
        return create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                            amount="10000", currency="USD", total_volume=D(1),
                            volume_unit="hours", acceptance_type=1, fx_rate="7.10").id


def test_a_receipt_typed_wrong_is_reversed(runtime: Runtime) -> None:
    oid = _order(runtime, "REV")
    with runtime.session() as s:
        wrong = record_receipt(s, oid, "BANK-1", received_on=DAY, amount="10000",
                               fx_rate="7.20")  # 1,000.00 USD was received
        with pytest.raises(InvalidInput):  # the real 1,000.00 did not fit any more
            record_receipt(s, oid, "BANK-2", received_on=DAY, amount="1000", fx_rate="7.20")
        rev = reverse_receipt(s, wrong.id, "BANK-1-REV", received_on=DAY,
                              reason="typed 10,000 for 1,000")
        assert (rev.amount, rev.fx_difference, rev.reverses_id) == (
            D("-71000.00"), D("-1000.00"), wrong.id)
        right = record_receipt(s, oid, "BANK-2", received_on=DAY, amount="1000",
                               fx_rate="7.20")
        assert [r.reference for r in list_receipts(s, oid)] == ["BANK-1", "BANK-1-REV",
                                                                "BANK-2"]
        # the output VAT the wrong advance fell due on is given back
        vat = sum((p.vat for p in vat_points(s, order_id=oid)), D(0))
        assert vat == (right.amount - right.amount / D("1.06")).quantize(D("0.01"))
        lines = [ln for ln in journal_lines(s, DAY, DAY) if ln.order_id == oid]
        tb = trial_balance(lines)
        assert sum((r.debit for r in tb), D(0)) == sum((r.credit for r in tb), D(0))
        bank = sum((ln.debit - ln.credit for ln in lines if ln.account == "1002"), D(0))
        assert bank == right.cash == D("7200.00")

        for again, code in ((wrong.id, "receipt_already_reversed"),
                            (rev.id, "receipt_is_reversal")):
            with pytest.raises(Conflict) as err:
                reverse_receipt(s, again, "X-1", received_on=DAY, reason="again")
            assert err.value.details["reason_code"] == code
        with pytest.raises(InvalidInput) as bad:
            reverse_receipt(s, right.id, "X-2", received_on=date(2019, 8, 4), reason="early")
        assert word_reason(bad.value.details, "zh-CN") == (
            "冲销收款 X-2 的日期早于被冲销的收款 BANK-2（2019-08-05）")


def test_the_cli_reverses_and_answers_json(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from datamill.cli import _common
    from datamill.cli.ledger import app
    from datamill.compliance.users import create_user

    rt = sqlite_runtime
    with rt.session() as s:
        create_user(s, "fin", "password1", "admin")
    oid = _order(rt, "REVCLI")
    with rt.session() as s:
        rid = record_receipt(s, oid, "B-1", received_on=DAY, amount="100").id
    monkeypatch.setattr(_common, "_runtime", [rt])
    cli = CliRunner()
    r = cli.invoke(app, ["receipt-reverse", str(rid), "B-1-REV", DAY.isoformat(), "--reason",
                         "wrong order", "--as", "fin", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["amount"] == "-710.00"
    r = cli.invoke(app, ["receipt-reverse", str(rid), "B-1-REV2", DAY.isoformat(), "--reason",
                         "again", "--as", "fin", "--json"])
    assert r.exit_code != 0
    assert json.loads(r.output)["error"]["reason_code"] == "receipt_already_reversed", r.output
