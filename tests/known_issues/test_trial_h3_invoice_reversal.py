"""Found by a trial finance clerk: an invoice issued in error (the wrong amount) could not be
undone: it counted against the order for ever, so the right invoice was refused as "over the
order amount", and the VAT it raised stayed due. A red-letter invoice (``ledger
invoice-reverse``, ``POST /api/v1/ledger/invoices/{id}/reversal``) now reverses it in full with
the reason: its figures negated, the order invoiced again as if it had never been, the VAT given
back where only the invoice had raised it, and the trace no longer asks for its payment."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.ledger import app
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.core.errors import Conflict, InvalidInput
from datamill.ledger.invoice_reversal import reverse_invoice
from datamill.ledger.models import LedgerAcceptance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receivables import issue_invoice, list_invoices, record_receipt
from datamill.ledger.trace import contract_trace, trace_csv
from datamill.ledger.vat import vat_points
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime


def test_a_red_letter_invoice_undoes_a_wrong_one(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "C-RED", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-RED", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        oid = create_order(s, k.id, "O-RED", business_line="speech", offering="custom",
                           amount=D("100000"), currency="CNY", total_volume=D(100),
                           volume_unit="hours", acceptance_type=3).id
        acc = LedgerAcceptance(order_id=oid, volume=D(40), accepted_on=date(2018, 3, 3))
        s.add(acc)
        s.flush()
        record_receipt(s, oid, "ADV-RED", received_on=date(2018, 2, 1), amount="30000")
        # an advance invoice typed 10x too big: the order has no room for the right one
        wrong = issue_invoice(s, oid, "INV-BAD", issued_on=date(2018, 2, 2), amount="90000")
        with pytest.raises(InvalidInput) as err:
            issue_invoice(s, oid, "INV-A1", issued_on=date(2018, 3, 4), acceptance_id=acc.id,
                          amount="40000")
        assert err.value.details["reason_code"] == "invoice_over_amount"
        with pytest.raises(InvalidInput) as err:
            reverse_invoice(s, wrong.id, "RED-1", issued_on=date(2018, 3, 4), reason=" ")
        assert err.value.details["reason_code"] == "invoice_reversal_reason"
        red = reverse_invoice(s, wrong.id, "RED-1", issued_on=date(2018, 3, 4),
                              reason="typed 90,000 for 9,000")
        assert (red.amount, red.vat, red.prepaid_applied, red.reverses_id) == (
            D("-90000.00"), D("-5400.00"), D("-30000.00"), wrong.id)
        for again, code, said in ((wrong.id, "invoice_already_reversed", "INV-BAD"),
                                  (red.id, "invoice_is_reversal", "RED-1")):
            with pytest.raises(Conflict) as conflict:
                reverse_invoice(s, again, "RED-2", issued_on=date(2018, 3, 4), reason="again")
            assert conflict.value.details["reason_code"] == code
            words = word_reason(conflict.value.details, "zh-CN")
            assert words is not None and said in words and "红字发票" in words, words
        # the acceptance bills its share as if the wrong invoice had never been; the 30,000
        # paid ahead is offset on it again
        right = issue_invoice(s, oid, "INV-A1", issued_on=date(2018, 3, 4),
                              acceptance_id=acc.id)
        assert (right.amount, right.advance_applied, right.prepaid_applied, right.payable) == (
            D("40000.00"), D(0), D("30000.00"), D("12400.00"))
        # VAT: the wrong invoice raised 5,400 with no revenue; the red-letter one gives back
        # what the 30,000 advance does not keep due (1,698.11 on 28,301.89)
        by_source = {(p.trigger, p.source_id): p.vat for p in vat_points(s, order_id=oid)}
        assert by_source[("invoice", red.id)] == D("-3701.89")
        assert sum(by_source.values()) == D("2400.00")  # the standing invoice's VAT
        trace = contract_trace(s, k.id)
        assert not any("INV-BAD" in g or "RED-1" in g for g in trace.gaps), trace.gaps
        rows = {r["invoice"]: r["basis"] for r in csv.DictReader(io.StringIO(trace_csv(s, k.id)))
                if r["kind"] == "invoice"}
        assert rows["RED-1"] == "reverses INV-BAD"
        right_id = right.id
    # the CLI, in Chinese: the same call, its refusal worded
    monkeypatch.setattr(_common, "_runtime", [runtime])
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    r = CliRunner().invoke(app, ["invoice-reverse", str(right_id), "RED-3", "2018-03-05",
                                 "--reason", "wrong acceptance", "--as", "admin"])
    assert r.exit_code == 0 and "红字发票 RED-3：-40,000.00 元 + 增值税 -2,400.00 元" in r.output, (
        r.output)
    r = CliRunner().invoke(app, ["invoice-reverse", str(right_id), "RED-4", "2018-03-05",
                                 "--reason", "again", "--as", "admin", "--json"])
    assert r.exit_code != 0 and '"invoice_already_reversed"' in r.output, r.output
    get_settings.cache_clear()
    with runtime.session() as s:
        assert sum(i.amount for i in list_invoices(s, oid)) == D(0)
