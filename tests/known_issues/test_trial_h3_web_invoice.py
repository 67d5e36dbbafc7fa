"""User trial (finance clerk): no web page issued invoices (``datamill ledger invoice`` and
``POST /api/v1/ledger/orders/{id}/invoices`` did). The project's finance page now lists its
order's invoices and receipts (each invoice with the advance applied to it and what it asks
to be paid) and, for a writer of the books, a form that sends the same service call; a refusal
shows in the page's language with the form as typed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.models import LedgerAcceptance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receivables import list_invoices, record_receipt
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import ledger_project


def test_the_finance_page_issues_an_acceptance_invoice(
    runtime: Runtime, users: dict[str, User],
) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "c-web-inv", customer_type="big_tech", country="CN").id
        k = create_contract(s, "K-WI", customer_id=cust, kind="custom",
                            signed_on=date(2018, 1, 2)).id
        oid = create_order(s, k, "O-WI", business_line="speech", offering="custom",
                           amount=D(100000), currency="CNY", total_volume=D(100),
                           volume_unit="hours", acceptance_type=3).id
        pid, _lp = ledger_project(s, "web-invoice", oid)
        acc = LedgerAcceptance(order_id=oid, volume=D(40), accepted_on=date(2018, 3, 3))
        s.add(acc)
        s.flush()
        acc_id = acc.id
        record_receipt(s, oid, "ADV-WEB", received_on=date(2018, 2, 1), amount="30000")
        create_user(s, "fin", "password1", "finance")
        create_user(s, "aud", "password1", "auditor")
    url = f"/projects/{pid}/finance/invoices"
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "fin")
        c.cookies.set("lang", "zh-CN")
        page = c.get(f"/projects/{pid}/finance")
        assert page.status_code == 200 and 'data-testid="invoice-form"' in page.text, page.text
        assert "开票与收款" in page.text and "尚未开票" in page.text
        assert f'<option value="{acc_id}" selected>' in page.text  # the one not yet invoiced
        # before the acceptance: refused in the page's language, the form as typed
        r = c.post(url, data={"number": "INV-W1", "issued_on": "2018-03-01",
                              "acceptance_id": str(acc_id), "csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.status_code == 422 and 'data-testid="invoice-error"' in r.text, r.text
        assert "验收" in r.text and 'value="INV-W1"' in r.text and 'value="2018-03-01"' in r.text
        r = c.post(url, data={"number": "INV-W1", "issued_on": "2018-03-04",
                              "acceptance_id": str(acc_id)}, follow_redirects=False)
        assert r.status_code == 403  # no CSRF token: nothing issued
        with runtime.session() as s:
            assert list_invoices(s, oid) == []
        r = c.post(url, data={"number": "INV-W1", "issued_on": "2018-03-04",
                              "acceptance_id": str(acc_id), "csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        page = c.get(r.headers["location"])
        # the share 40,000 + VAT 2,400; the 30,000 paid ahead is offset: 12,400 to pay
        assert "发票 INV-W1 已开具：应收 12,400.00 元" in page.text, page.text
        assert 'data-testid="invoice-payable">12,400.00<' in page.text
        with runtime.session() as s:
            [inv] = list_invoices(s, oid)
        assert (inv.acceptance_id, inv.amount, inv.prepaid_applied) == (
            acc_id, D("40000.00"), D("30000.00"))
        trace = c.get(f"/finance/contracts/{k}/trace")
        assert 'data-testid="trace-prepaid"' in trace.text and "抵减预收款" in trace.text
        # issued in error: reversed by a red-letter invoice from its row, with the reason
        red = f"/projects/{pid}/finance/invoices/{inv.id}/reversal"
        r = c.post(red, data={"number": "RED-W1", "issued_on": "2018-03-05", "reason": "",
                              "csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 422 and "须写明原因" in r.text, r.text
        r = c.post(red, data={"number": "RED-W1", "issued_on": "2018-03-05",
                              "reason": "wrong acceptance", "csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        page = c.get(r.headers["location"])
        assert "冲销 INV-W1" in page.text and "已冲红" in page.text, page.text
        assert f'<option value="{acc_id}" selected>' in page.text  # to invoice again
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "aud")  # reads the books, writes none: no form, and the post is refused
        page = c.get(f"/projects/{pid}/finance")
        assert page.status_code == 200 and 'data-testid="invoice-form"' not in page.text
        assert 'data-testid="invoice-row"' in page.text
        r = c.post(url, data={"number": "INV-W2", "issued_on": "2018-03-04",
                              "amount": "1000", "csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.status_code == 403, r.text
