"""Trial 11 (vendor manager + finance clerk, month-end, zh-CN): the settlement-sheet web page.

* ``/workforce/sheets`` follows ``GET /settlements``'s rule, role by role: a finance clerk sees
  every vendor's sheets (before: 403 "only procurement, a project manager or an auditor ..."), a
  vendor's manager only their own vendor's (before: 403 although the navigation offered it).
* The page offers the writes the API allows, as CSRF-guarded forms calling the same service
  functions: the business side draws a sheet up, finance records its payment; each in zh-CN,
  and the period says its end day is not included.
* The printed sheet's line description no longer repeats "<project> <stage>" in English
  ("demo-asr-en annotate" on a zh-CN sheet).
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.compliance.models import ProjectMember, User
from datamill.compliance.roles import Role
from datamill.compliance.users import create_user
from datamill.ledger.projects import open_ledger_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.settlement import get_sheet, list_sheets
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.known_issues import _vendor_world as vw
from tests.known_issues._web import PASSWORD, csrf_of, visible_text_nodes, web_login
from tests.unit.ledger.helpers import approved_budget, line, make_approvers
from tests.unit.ledger.test_events import custom_order

API = "/api/v1"


def _world(rt: Runtime, users: dict[str, User]) -> tuple[int, int]:
    """Vendor A (a studio whose worker did and got accepted the project's work, with a manager)
    and vendor B (managed by vmB, no work); one user per role; no sheet yet."""
    with rt.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        pid = vw.project(s, n_items=2, package_size=2)
        a = create_vendor(s, admin, name="华语工作室", kind="studio", fee_rate="0.1",
                          agreement_no="FA-1")
        set_vendor_qualified(s, admin, a.id, True, "assessed")
        b = vw.vendor(s, admin, "乙公司")
        vw.price(s, admin)
        people = {}
        for role in Role:
            people[role] = create_user(s, f"u-{role.value}", PASSWORD, role.value)
            s.add(ProjectMember(project_id=pid, user_id=people[role].id))
        register_worker(s, admin, people[Role.VENDOR_WORKER], vendor_id=a.id,
                        languages=["en-US"])
        register_worker(s, admin, people[Role.VENDOR_MANAGER], vendor_id=a.id, is_manager=True,
                        languages=["en-US"])
        vmb = create_user(s, "vmB", PASSWORD, "vendor_manager")
        register_worker(s, admin, vmb, vendor_id=b, is_manager=True, languages=["en-US"])
        for pkg in vw.packages(s, pid):
            hand_package_to_vendor(s, admin, pkg.id, a.id)
        while vw.claim_and_submit(s, people[Role.VENDOR_WORKER], pid) is not None:
            pass
        vw.accept_everything(s, pid, people[Role.INSPECTOR])
        # the project's books, so its sheet's cost is booked and the sheet can be paid (a
        # sheet of a project without books is not: test_h7_sheet_without_books_not_paid)
        lp = open_ledger_project(s, pid, order_id=custom_order(s, "O-SHEETS")).id
        approved_budget(s, lp, [line("annotate", "data_service", "10", "10", "items")],
                        make_approvers(s))
        return a.id, b


def _client(rt: Runtime, username: str, lang: str = "en") -> TestClient:
    client = TestClient(create_app(rt), raise_server_exceptions=False)
    client.cookies.set("lang", lang)
    web_login(client, username)
    return client


def _token(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_sheets_page_follows_the_api_rule_and_offers_its_actions(
    runtime: Runtime, users: dict[str, User]
) -> None:
    vendor_a, _ = _world(runtime, users)
    names = [f"u-{r.value}" for r in Role] + ["vmB"]

    # the business side draws the sheet up from the page
    pm = _client(runtime, "u-project_manager")
    page = pm.get("/workforce/sheets")
    assert page.status_code == 200 and 'data-testid="sheet-draw"' in page.text
    r = pm.post("/workforce/sheets/draw", data={"vendor_id": vendor_a,
                "period_start": vw.WEEK.isoformat(), "csrf_token": csrf_of(pm)},
                follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        (sheet,) = list_sheets(s, admin)
    again = pm.post("/workforce/sheets/draw", data={"vendor_id": vendor_a,
                    "period_start": "2024-05-20", "csrf_token": csrf_of(pm)})
    assert again.status_code == 409 and "nothing accepted" in again.text  # shown, not a crash

    # the web page answers as GET /settlements does, role by role
    for name in names:
        client = _client(runtime, name)
        api = client.get(f"{API}/settlements", headers=_token(client, name))
        web = client.get("/workforce/sheets")
        assert web.status_code == api.status_code, (name, web.status_code, api.status_code)
        assert (sheet.number in web.text) == (sheet.number in api.text), name
    assert _client(runtime, "u-finance").get("/workforce/sheets").status_code == 200

    # a vendor's manager: their own vendor's sheets, with the vendor's confirmation
    mine = _client(runtime, "u-vendor_manager")
    assert f'data-testid="vendor-confirm-{sheet.id}"' in mine.get("/workforce/sheets").text
    r = mine.post(f"/workforce/sheets/{sheet.id}/vendor-confirm",
                  data={"csrf_token": csrf_of(mine)}, follow_redirects=False)
    assert r.status_code == 303
    # the printed sheet's line description does not repeat "<project> <stage>" in English
    printed = _client(runtime, "u-vendor_manager", "zh-CN").get(
        f"/workforce/sheets/{sheet.id}/print")
    cells = re.findall(r'data-testid="line-description">([^<]*)<', printed.text)
    assert cells == [""], cells
    assert "vendor-wall annotate" not in printed.text
    api_html = mine.get(f"{API}/settlements/{sheet.id}/html?lang=zh-CN",
                        headers=_token(mine, "u-vendor_manager"))
    assert api_html.status_code == 200 and "vendor-wall annotate" not in api_html.text
    other = _client(runtime, "vmB").get("/workforce/sheets")
    assert other.status_code == 200 and sheet.number not in other.text
    proc = _client(runtime, "u-procurement")
    r = proc.post(f"/workforce/sheets/{sheet.id}/confirm", data={"csrf_token": csrf_of(proc)},
                  follow_redirects=False)
    assert r.status_code == 303

    # finance, in zh-CN: the navigation links the page, which offers to record the payment
    clerk = _client(runtime, "u-finance", "zh-CN")
    assert 'href="/workforce/sheets"' in clerk.get("/").text
    text = " ".join(visible_text_nodes(clerk.get("/workforce/sheets").text))
    for zh in ("登记付款", "银行转账流水号", "作业日期"):
        assert zh in text, (zh, text)
    assert 'data-testid="sheet-draw"' not in clerk.get("/workforce/sheets").text
    # only those who pay may; a form without the token is refused
    annotator = _client(runtime, "u-annotator")
    r = annotator.post(f"/workforce/sheets/{sheet.id}/settle",
                       data={"reference": "BT-1", "csrf_token": csrf_of(annotator)})
    assert r.status_code == 403
    r = clerk.post(f"/workforce/sheets/{sheet.id}/settle", data={"reference": "BT-1"})
    assert r.status_code in (400, 403)
    r = clerk.post(f"/workforce/sheets/{sheet.id}/settle",
                   data={"reference": " ", "csrf_token": csrf_of(clerk)})
    assert r.status_code == 409 and "reference" in r.text
    r = clerk.post(f"/workforce/sheets/{sheet.id}/settle",
                   data={"reference": "BT-20240531-7", "csrf_token": csrf_of(clerk)},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("ok=settled")
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        assert get_sheet(s, admin, sheet.id).status == "settled"
    done = clerk.get("/workforce/sheets?ok=settled")
    assert "付款已登记" in done.text
    assert not re.search(rf'data-testid="settle-{sheet.id}"', done.text)
