"""Helper h12 (2026-12-07), a finance clerk: cash paid ahead is offset on the invoices issued
after it (``prepaid_applied``; the invoice asks for the rest, its ``payable``). A receipt so
applied could be reversed and the invoice went on asking only for the rest: 50,000.00 typed in
error, reversed, and invoice INV-1 still offset 42,400.00 of its 42,400.00 (payable 0.00) with
only 30,000.00 of cash there; nobody chased the 12,400.00. Reversing a receipt now undoes its
application, as reversing a payment reopens what it cleared; an invoice issued later, dated
between the receipt and its reversal, is not offset by the reversed cash either."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from datamill.compliance.models import AuditRecord
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receipt_reversal import reverse_receipt
from datamill.ledger.receivables import issue_invoice, list_invoices, record_receipt
from datamill.runtime import Runtime


def _order(rt: Runtime, tag: str) -> int:
    with rt.session() as s:
        cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="CN")
        k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        return create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                            amount=D("100000"), currency="CNY", total_volume=D(100),
                            volume_unit="hours", acceptance_type=3).id


def test_reversing_a_receipt_applied_ahead_reopens_the_invoice(runtime: Runtime) -> None:
    oid = _order(runtime, "UNAPPLY")
    with runtime.session() as s:
        record_receipt(s, oid, "ADV-1", received_on=date(2018, 2, 1), amount="30000")
        wrong = record_receipt(s, oid, "ADV-2", received_on=date(2018, 2, 2), amount="50000")
        inv = issue_invoice(s, oid, "INV-1", issued_on=date(2018, 3, 4), amount="40000")
        assert (inv.prepaid_applied, inv.payable) == (D("42400.00"), D(0))
        rev = reverse_receipt(s, wrong.id, "ADV-2-REV", received_on=date(2018, 3, 10),
                              reason="typed on the wrong order")
        assert rev.prepaid_unapplied == {"INV-1": D("12400.00")}
        # only ADV-1's 30,000.00 was paid ahead: the invoice asks for the rest again
        assert [(i.number, i.prepaid_applied, i.payable) for i in list_invoices(s, oid)] == [
            ("INV-1", D("30000.00"), D("12400.00"))]  # was 42400.00, 0.00
        # an invoice dated between the receipt and its reversal: the reversed cash is gone
        late = issue_invoice(s, oid, "INV-2", issued_on=date(2018, 3, 5), amount="10000")
        assert (late.prepaid_applied, late.payable) == (D(0), D("10600.00"))  # was 10600, 0
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.receipt.reversed").order_by(AuditRecord.id)).one()
        assert audit.data["prepaid_unapplied"] == {"INV-1": "12400.00"}


def test_the_cli_says_which_invoice_asks_again(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from datamill.cli import _common
    from datamill.cli.ledger import app
    from datamill.compliance.users import create_user
    from datamill.config import get_settings

    rt = sqlite_runtime
    oid = _order(rt, "UNCLI")
    with rt.session() as s:
        create_user(s, "fin", "password1", "admin")
        first = record_receipt(s, oid, "A-1", received_on=date(2018, 2, 1), amount="10000").id
        second = record_receipt(s, oid, "A-2", received_on=date(2018, 2, 1), amount="5000").id
        issue_invoice(s, oid, "INV-U", issued_on=date(2018, 3, 4), amount="10000")  # 10,600
    monkeypatch.setattr(_common, "_runtime", [rt])
    cli = CliRunner()
    r = cli.invoke(app, ["receipt-reverse", str(second), "A-2-REV", "2018-03-05", "--reason",
                         "twice", "--as", "fin", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["prepaid_unapplied"] == {"INV-U": "600.00"}
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    r = cli.invoke(app, ["receipt-reverse", str(first), "A-1-REV", "2018-03-05", "--reason",
                         "wrong order", "--as", "fin"])
    get_settings.cache_clear()
    assert r.exit_code == 0, r.output
    assert "发票 INV-U 原由被冲销的预收款抵减的 10,000.00 元恢复为应收" in r.output, r.output
