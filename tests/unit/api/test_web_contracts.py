"""The contract pages (``/finance/contracts``, one contract) and the customer's credit grade.

Readers of the books (finance, sales, auditors, project managers, the ledger approvers) see the
list and a contract, in English and in Chinese; others are refused (403) and a missing
contract is a 404. Each form (draft, price and signing approvals, the signature, an amendment,
a cancellation, the credit grade) works for the role the matrix and the services allow and is
refused for the others, as the API and the CLI are. The credit grade is finance's: changed
with its reason, audited, refused for sales on the web, the API and the CLI.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.ledger.contracts import contract_detail, draft_contract
from datamill.ledger.orders import create_customer
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests.known_issues._web import visible_text_nodes
from tests.unit.ledger.helpers import make_approvers

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    """A finance clerk, a salesperson, an auditor, one user per ledger approval role, a
    customer and a drafted contract (drafted by the finance clerk)."""
    with runtime.session() as s:
        ids = make_approvers(s)
        fin = create_user(s, "fin", "password1", "finance")
        create_user(s, "sal", "password1", "sales")
        create_user(s, "aud", "password1", "auditor")
        cust = create_customer(s, "Acme Voice", customer_type="big_tech", country="CN")
        k = draft_contract(s, "K-WEB-1", customer_id=cust.id, amount=Decimal("90000"),
                           actor_id=fin.id)
    return {**ids, "customer": cust.id, "contract": k.id}


@pytest.fixture
def app(runtime: Runtime) -> Iterator[object]:
    application = create_app(runtime)
    with TestClient(application):
        yield application


def _web(app: object, username: str, headers: dict[str, str] | None = None) -> tuple[
        TestClient, str]:
    client = TestClient(app, headers=headers or {})  # type: ignore[arg-type]
    return client, web_sign_in(client, username)


def _post(client: TestClient, csrf: str, path: str, **data: str) -> int:
    r = client.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False)
    return r.status_code


def _status(runtime: Runtime, contract_id: int) -> str:
    with runtime.session() as s:
        return contract_detail(s, contract_id).contract.status


@pytest.mark.parametrize("who", ["fin", "sal", "aud", "pm", "ap-vp"])
def test_the_pages_render_for_readers_of_the_books(
    runtime: Runtime, app: object, world: dict[str, int], who: str
) -> None:
    client, _ = _web(app, who)
    home = client.get("/")
    assert 'data-testid="nav-contracts"' in home.text
    page = client.get("/finance/contracts")
    assert page.status_code == 200, page.text
    assert "K-WEB-1" in page.text and "Acme Voice" in page.text
    assert 'data-status="draft"' in page.text
    one = client.get(f"/finance/contracts/{world['contract']}")
    assert one.status_code == 200, one.text
    assert "Acme Voice" in one.text and 'data-testid="history-row"' in one.text
    writes = who in ("fin", "pm", "ap-vp")
    # sales draft too (draft_contract); a colleague's unsigned draft is not theirs to cancel
    assert ('data-testid="draft-form"' in page.text) is (writes or who == "sal")
    assert ('data-testid="cancel-form"' in one.text) is writes
    assert ('data-testid="grade-form"' in one.text) is writes
    # the draft's price approval is signed by a finance approver only
    assert 'data-testid="approve-form"' not in one.text
    assert client.get("/finance/contracts/999999").status_code == 404


def test_the_pages_are_refused_to_those_who_read_no_books(
    app: object, world: dict[str, int]
) -> None:
    client, csrf = _web(app, "ann1")
    assert 'data-testid="nav-contracts"' not in client.get("/").text
    assert client.get("/finance/contracts").status_code == 403
    assert client.get(f"/finance/contracts/{world['contract']}").status_code == 403
    assert _post(client, csrf, "/finance/contracts/drafts", number="K-X", amount="10",
                 customer_id=str(world["customer"])) == 403


def test_a_chinese_page_speaks_chinese(app: object, world: dict[str, int]) -> None:
    client, _ = _web(app, "sal", ZH)
    page = client.get("/finance/contracts")
    text = " ".join(visible_text_nodes(page.text))
    assert "草稿" in text and "签署日期" in text and "客户与信用等级" in text, text
    assert "Draft a contract" not in text and "Signed on" not in text
    one = " ".join(visible_text_nodes(client.get(f"/finance/contracts/{world['contract']}").text))
    assert "价格审批" in one and "操作记录" in one and "起草" in one, one


def test_the_chain_on_the_web_each_step_for_its_role(
    runtime: Runtime, app: object, world: dict[str, int]
) -> None:
    fin, fcsrf = _web(app, "fin")
    sal, scsrf = _web(app, "sal")
    aud, acsrf = _web(app, "aud")
    # drafting: finance and sales may (draft_contract), auditors may not
    form = {"number": "K-WEB-2", "customer_id": str(world["customer"]), "amount": "50000",
            "kind": "custom", "currency": "CNY"}
    assert _post(aud, acsrf, "/finance/contracts/drafts", **form) == 403
    assert fin.post("/finance/contracts/drafts", data=form,
                    follow_redirects=False).status_code == 403  # no CSRF token
    bad = fin.post("/finance/contracts/drafts", data={**form, "amount": "abc",
                                                       "csrf_token": fcsrf})
    assert bad.status_code == 422 and 'data-testid="contract-error"' in bad.text
    assert 'value="K-WEB-2"' in bad.text  # the form as typed
    r = fin.post("/finance/contracts/drafts", data={**form, "csrf_token": fcsrf},
                 follow_redirects=False)
    assert r.status_code == 303, r.text
    kid = int(r.headers["location"].split("/")[-1].split("?")[0])
    assert 'data-testid="contract-ok"' in fin.get(r.headers["location"]).text
    base = f"/finance/contracts/{kid}"

    # the price approval: a finance approver, never the drafter, never sales
    reviewer, rcsrf = _web(app, "ap-finance_reviewer")
    assert 'data-testid="approve-form"' in reviewer.get(base).text
    assert _post(sal, scsrf, f"{base}/approve", step="price", decision="approve") == 403
    assert _post(fin, fcsrf, f"{base}/approve", step="price", decision="approve") == 403
    vp, vcsrf = _web(app, "ap-vp")
    assert _post(vp, vcsrf, f"{base}/approve", step="price", decision="approve") == 403
    assert _post(reviewer, rcsrf, f"{base}/approve", step="price", decision="approve") == 303
    assert _status(runtime, kid) == "price_approved"
    # the signing approval: VP, CFO or president; the price approver signs no second step
    assert 'data-testid="approve-form"' not in reviewer.get(base).text
    assert 'data-testid="approve-form"' in vp.get(base).text
    assert _post(reviewer, rcsrf, f"{base}/approve", step="signing", decision="approve") == 403
    assert _post(vp, vcsrf, f"{base}/approve", step="signing", decision="approve") == 303
    # the signature: a writer of the books
    assert 'data-testid="sign-form"' in fin.get(base).text
    assert 'data-testid="sign-form"' not in sal.get(base).text
    assert _post(sal, scsrf, f"{base}/sign", signed_on="2026-03-02") == 403
    assert _post(fin, fcsrf, f"{base}/sign", signed_on="2026-03-02") == 303
    page = fin.get(base).text
    assert 'data-status="signed"' in page and "2026-03-02" in page
    assert "2026-03-02" in fin.get("/finance/contracts").text

    # an amendment: asked by a writer (or sales), rejected (with its reason) by an approver
    assert _post(aud, acsrf, f"{base}/amend", amount="60000", reason="more hours",
                 on="2026-03-10") == 403
    assert _post(fin, fcsrf, f"{base}/amend", amount="60000", reason="more hours",
                 on="2026-03-10") == 303
    mgr, mcsrf = _web(app, "ap-finance_manager")
    no_reason = mgr.post(f"{base}/approve", data={"step": "price", "decision": "reject",
                                                  "csrf_token": mcsrf})
    assert no_reason.status_code == 422 and 'data-testid="contract-error"' in no_reason.text
    assert _post(mgr, mcsrf, f"{base}/approve", step="price", decision="reject",
                 reason="not agreed") == 303
    with runtime.session() as s:
        d = contract_detail(s, kid)
        assert d.contract.amount == Decimal("50000.00") and d.pending_amount is None
        assert [r.status for r in d.amendment_requests] == ["rejected"]

    # a cancellation: asked by a writer (or sales), then price and signing by two approvers
    assert _post(aud, acsrf, f"{base}/cancel", reason="trial failed", on="2026-03-20") == 403
    assert _post(fin, fcsrf, f"{base}/cancel", reason="trial failed", on="2026-03-20") == 303
    page = mgr.get(base).text
    assert "2026-03-20" in page and 'data-testid="approve-form"' in page
    assert 'data-testid="cancel-form"' not in page  # one request at a time
    assert _post(mgr, mcsrf, f"{base}/approve", step="price", decision="approve") == 303
    cfo, ccsrf = _web(app, "ap-cfo")
    assert _post(cfo, ccsrf, f"{base}/approve", step="signing", decision="approve") == 303
    assert _status(runtime, kid) == "cancelled"
    done = fin.get(base).text
    history = re.findall(r'data-testid="history-row"><td>[^<]*</td><td>([^<]*)</td>', done)
    assert history == ["fin", "ap-finance_reviewer", "ap-vp", "fin", "fin", "ap-finance_manager",
                       "fin", "ap-finance_manager", "ap-cfo"], history
    assert "UTC+08:00" in done  # who did what, on the business's clock
    assert 'data-testid="cancel-form"' not in done and 'data-testid="approve-form"' not in done
    # a signature out of turn is refused on the page, the contract unchanged
    again = fin.post(f"{base}/sign", data={"signed_on": "2026-04-01", "csrf_token": fcsrf})
    assert again.status_code == 409 and 'data-testid="contract-error"' in again.text
    assert _status(runtime, kid) == "cancelled"


def _grade_audits(runtime: Runtime) -> list[dict[str, object]]:
    with runtime.session() as s:
        return [dict(r.data) for r in s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.customer.credit_grade_changed")
            .order_by(AuditRecord.id))]


def test_finance_changes_a_credit_grade_on_every_face_and_sales_never(
    runtime: Runtime, app: object, world: dict[str, int]
) -> None:
    cid, kid = world["customer"], world["contract"]
    # the web: finance on the contract page, back to it
    fin, fcsrf = _web(app, "fin")
    r = fin.post(f"/finance/customers/{cid}/credit-grade", follow_redirects=False,
                 data={"grade": "1", "reason": "five years paid on time",
                       "contract_id": str(kid), "csrf_token": fcsrf})
    assert r.status_code == 303 and r.headers["location"] == f"/finance/contracts/{kid}?ok=graded"
    assert 'data-testid="credit-grade">1<' in fin.get(r.headers["location"]).text
    same = fin.post(f"/finance/customers/{cid}/credit-grade", headers=ZH,
                    data={"grade": "1", "reason": "again", "csrf_token": fcsrf})
    assert same.status_code == 422 and "客户 Acme Voice 的信用等级已是 1。" in same.text
    empty = fin.post(f"/finance/customers/{cid}/credit-grade",
                     data={"grade": "2", "reason": " ", "csrf_token": fcsrf})
    assert empty.status_code == 422
    sal, scsrf = _web(app, "sal")
    assert 'data-testid="grade-form"' not in sal.get("/finance/contracts").text
    assert _post(sal, scsrf, f"/finance/customers/{cid}/credit-grade", grade="special",
                 reason="big buyer") == 403
    aud, acsrf = _web(app, "aud")
    assert _post(aud, acsrf, f"/finance/customers/{cid}/credit-grade", grade="special",
                 reason="x") == 403
    # the API
    with TestClient(app) as api:  # type: ignore[arg-type]
        r = api.post(f"{API}/ledger/customers/{cid}/credit-grade", headers=login(api, "sal"),
                     json={"grade": "special", "reason": "big buyer"})
        assert r.status_code == 403 and r.json()["reason_code"] == "credit_grade_finance", r.text
        r = api.post(f"{API}/ledger/customers/{cid}/credit-grade", headers=login(api, "fin"),
                     json={"grade": "special", "reason": "framework agreement"})
        assert r.status_code == 200 and r.json()["credit_grade"] == "special", r.text
        r = api.post(f"{API}/ledger/customers/{cid}/credit-grade", headers=login(api, "fin"),
                     json={"grade": "5", "reason": "x"})
        assert r.status_code == 422, r.text
        listed = api.get(f"{API}/ledger/contracts", headers=login(api, "sal"),
                         params={"status": "draft"})
        assert listed.status_code == 200 and [k["number"] for k in listed.json()] == ["K-WEB-1"]
        assert listed.json()[0]["credit_grade"] == "special"
        history = api.get(f"{API}/ledger/contracts/{kid}/history", headers=login(api, "aud"))
        assert history.status_code == 200
        assert [(e["action"], e["actor"]) for e in history.json()] == [
            ("ledger.contract.created", "fin")]
        assert api.get(f"{API}/ledger/contracts/999999/history",
                       headers=login(api, "aud")).status_code == 404
    # the CLI
    url = str(runtime.settings.database_url)
    r = run_cli(runtime.settings.home, "ledger", "customer-grade", str(cid), "2", "--reason",
                "late payments", "--as", "sal", "--json", ok=False, DATAMILL_DATABASE_URL=url)
    assert r.returncode != 0 and "credit_grade_finance" in r.stdout, r.stdout + r.stderr
    json.loads(r.stdout)  # JSON in every case, the refusal too
    r = run_cli(runtime.settings.home, "ledger", "customer-grade", str(cid), "2", "--reason",
                "late payments", "--as", "fin", "--json", DATAMILL_DATABASE_URL=url)
    assert json.loads(r.stdout)["credit_grade"] == "2"
    r = run_cli(runtime.settings.home, "ledger", "contracts", "--as", "sal", "--json",
                DATAMILL_DATABASE_URL=url)
    assert [k["customer"] for k in json.loads(r.stdout)] == ["Acme Voice"]
    r = run_cli(runtime.settings.home, "ledger", "customers", "--as", "aud", "--json",
                DATAMILL_DATABASE_URL=url)
    assert [c["credit_grade"] for c in json.loads(r.stdout)] == ["2"]
    r = run_cli(runtime.settings.home, "ledger", "contract-history", str(kid), "--as", "sal",
                DATAMILL_DATABASE_URL=url)
    assert "fin drafted (ledger.contract.created)" in r.stdout, r.stdout
    # each change audited with the old and new grade and the reason; refusals wrote nothing
    assert [(a["old_grade"], a["new_grade"], a["reason"]) for a in _grade_audits(runtime)] == [
        ("3", "1", "five years paid on time"), ("1", "special", "framework agreement"),
        ("special", "2", "late payments")]


def test_the_contract_page_leaves_out_a_classified_project(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """An order whose project is classified above the reader's clearance is left out of the
    contract page and counted, as on the trace and the API; admins see it with its project."""
    from tests.known_issues.test_issue8_g2_classified_lists import SECRET, _world

    ids = _world(runtime, users)
    with TestClient(create_app(runtime)) as c:
        vp, _ = _web(c.app, "ap-vp")
        page = vp.get(f"/finance/contracts/{ids['contract']}")
        assert page.status_code == 200 and SECRET not in page.text and "O-G2" not in page.text
        assert 'data-testid="hidden-orders"' in page.text
        admin, _ = _web(c.app, "admin")
        seen = admin.get(f"/finance/contracts/{ids['contract']}").text
        assert "O-G2" in seen and f'href="/projects/{ids["secret"]}/finance"' in seen
        assert SECRET in seen
