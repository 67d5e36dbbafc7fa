"""Found by a trial finance clerk: a 100,000 CNY order on which the customer paid 30,000 in cash
ahead (no advance invoice); invoicing the acceptances then asked for every fen of both invoices
(106,000 with VAT) on top of the 30,000 received, and nothing on the invoice said the advance
was there. The invoice (the fapiao) still bills the acceptance's whole share, as Chinese VAT
practice wants (the advance's VAT was declared as uninvoiced income and the invoice takes it
over); the cash paid ahead that no earlier invoice asked for is offset on it
(``prepaid_applied``) and it asks for the rest (``payable``). Both it and the advance
invoices applied to an acceptance's share (``advance_applied``) are stored on the invoice, so
the auditor's trace shows them."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from datamill.db.migrate import alembic_config
from datamill.ledger.models import LedgerAcceptance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receivables import issue_invoice, list_invoices, record_receipt
from datamill.ledger.statements import customer_statement
from datamill.ledger.trace import contract_trace, trace_csv
from datamill.runtime import Runtime


def _order(s: Session, tag: str) -> tuple[int, int, int, int]:
    cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="CN")
    k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom",
                        signed_on=date(2018, 1, 2))
    oid = create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                       amount=D("100000"), currency="CNY", total_volume=D(100),
                       volume_unit="hours", acceptance_type=3).id
    a1, a2 = (LedgerAcceptance(order_id=oid, volume=D(v), accepted_on=on)
              for v, on in ((40, date(2018, 3, 3)), (60, date(2018, 4, 3))))
    s.add_all([a1, a2])
    s.flush()
    return cust.id, k.id, oid, a1.id


def test_cash_advance_is_offset_on_the_acceptance_invoices(runtime: Runtime) -> None:
    with runtime.session() as s:
        cust, kid, oid, a1 = _order(s, "CASH")
        record_receipt(s, oid, "ADV-CASH", received_on=date(2018, 2, 1), amount="30000")
        first = issue_invoice(s, oid, "INV-C1", issued_on=date(2018, 3, 4), acceptance_id=a1)
        # the whole share is invoiced (40,000 + 6 % VAT); 30,000 of it was paid ahead
        assert (first.amount, first.vat, first.prepaid_applied, first.payable) == (
            D("40000.00"), D("2400.00"), D("30000.00"), D("12400.00"))  # payable was 42400.00
        # an invoice issued before the customer paid the rest of the first: nothing left over
        second = issue_invoice(s, oid, "INV-C2", issued_on=date(2018, 4, 4),
                               acceptance_id=a1 + 1)
        assert (second.prepaid_applied, second.payable) == (D(0), D("63600.00"))
        record_receipt(s, oid, "PAY-C1", received_on=date(2018, 4, 5), amount="12400")
        record_receipt(s, oid, "PAY-C2", received_on=date(2018, 4, 6), amount="63600")
        # stored: every face reads it back, the trace included
        stored = {i.number: (i.prepaid_applied, i.payable) for i in list_invoices(s, oid)}
        assert stored == {"INV-C1": (D("30000.00"), D("12400.00")),
                          "INV-C2": (D(0), D("63600.00"))}
        trace = contract_trace(s, kid)
        assert [i.prepaid_applied for i in trace.orders[0].invoices] == [D("30000.00"), D(0)]
        rows = [r for r in csv.DictReader(io.StringIO(trace_csv(s, kid)))
                if r["kind"] == "invoice"]
        assert [(r["invoice"], r["prepaid_applied"]) for r in rows] == [
            ("INV-C1", "30000.00"), ("INV-C2", "0.00")]
        st = customer_statement(s, cust)
        assert (st.invoiced_total, st.received_total, st.open_total) == (
            D("106000.00"), D("106000.00"), D(0))


def test_an_invoiced_advance_is_not_offset_twice(runtime: Runtime) -> None:
    """An advance invoice the customer paid: the acceptance's share is reduced by it
    (``advance_applied``, stored) and no cash is left over to offset again."""
    with runtime.session() as s:
        _cust, kid, oid, a1 = _order(s, "ADVINV")
        issue_invoice(s, oid, "ADV-I1", issued_on=date(2018, 2, 1), amount="30000")
        record_receipt(s, oid, "ADV-P1", received_on=date(2018, 2, 2), amount="31800")
        inv = issue_invoice(s, oid, "INV-A1", issued_on=date(2018, 3, 4), acceptance_id=a1)
        assert (inv.advance_applied, inv.amount, inv.prepaid_applied, inv.payable) == (
            D("30000.00"), D("10000.00"), D(0), D("10600.00"))
        rows = {i.number: i.advance_applied for i in contract_trace(s, kid).orders[0].invoices}
        assert rows == {"ADV-I1": D(0), "INV-A1": D("30000.00")}  # was 0: not stored


def test_lh301_takes_the_applied_advances_from_the_audit_trail(sqlite_runtime: Runtime) -> None:
    """Migration lh301 adds the two columns to a database that holds invoices and receipts
    naming them, each taking what the audit record of its issue says (before, only the audit
    record kept it); lh302 adds the red-letter link beside them."""
    rt = sqlite_runtime
    with rt.session() as s:
        _cust, _kid, oid, a1 = _order(s, "MIG")
        adv = issue_invoice(s, oid, "ADV-M1", issued_on=date(2018, 2, 1), amount="30000")
        # a receipt naming an invoice: SQLite cannot rebuild the invoices' table under it
        record_receipt(s, oid, "ADV-M2", received_on=date(2018, 2, 2), amount="50000",
                       invoice_id=adv.id)
        issue_invoice(s, oid, "INV-M1", issued_on=date(2018, 3, 4), acceptance_id=a1)
        before = [(i.number, i.advance_applied, i.prepaid_applied)
                  for i in list_invoices(s, oid)]
    assert before == [("ADV-M1", D(0), D(0)), ("INV-M1", D("30000.00"), D("10600.00"))]
    cfg = alembic_config(str(rt.engine.url))
    command.downgrade(cfg, "lz002")
    columns = {c["name"] for c in inspect(rt.engine).get_columns("ledger_invoices")}
    assert not {"advance_applied", "prepaid_applied"} & columns
    command.upgrade(cfg, "heads")
    with rt.session() as s:
        assert [(i.number, i.advance_applied, i.prepaid_applied)
                for i in list_invoices(s, oid)] == before


def test_acceptances_that_make_up_the_order_bill_all_of_it(runtime: Runtime) -> None:
    """Three acceptances of a third each of a 100,000 order: each share was rounded on its own
    (33,333.33 three times), so 0.01 of the order was never billed by default while its revenue
    was recognised in full. Shares are now cumulative, as the revenue is."""
    with runtime.session() as s:
        cust = create_customer(s, "C-THIRD", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-THIRD", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        oid = create_order(s, k.id, "O-THIRD", business_line="speech", offering="custom",
                           amount=D("100000"), currency="CNY", total_volume=D(3),
                           volume_unit="hours", acceptance_type=3).id
        accs = [LedgerAcceptance(order_id=oid, volume=D(1), accepted_on=date(2018, 3, d))
                for d in (1, 2, 3)]
        s.add_all(accs)
        s.flush()
        amounts = [issue_invoice(s, oid, f"INV-T{n}", issued_on=date(2018, 3, 5),
                                 acceptance_id=a.id).amount for n, a in enumerate(accs)]
        assert sum(amounts) == D("100000.00"), amounts  # was 99999.99
        assert amounts == [D("33333.33"), D("33333.34"), D("33333.33")]
