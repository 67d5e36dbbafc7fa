"""Trial: a vendor's worker saw the vendor's contract money as their own "earnings".

The business pays a company or studio vendor by accepted volume × the vendor's contract price;
the vendor pays its workers (domain §5.1, §5.3). So the worker of such a vendor is shown their
accepted work (tasks, volume), no unit price and no amount, and a line saying that their pay comes
from their vendor: on the web page (en and zh-CN) and through the API's dashboard. The vendor's
manager and the business side still see the vendor's amount, labelled as the vendor's. An
individual supplier (个人供应商) is their own vendor: the sheet's money is theirs.
Before: the studio's worker read "Earnings to date (CNY) 2.00" and the unit price per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import ProjectMember, User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.performance import worker_dashboard
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_settlement_sheet,
)
from datamill.workforce.vendors import (
    create_vendor,
    register_worker,
    set_vendor_qualified,
    verify_identity,
)
from tests.known_issues import _vendor_world as vw
from tests.known_issues._web import PASSWORD, visible_text_nodes, web_login

API = "/api/v1"


@dataclass
class World:
    studio_worker: int
    solo_worker: int


def _world(rt: Runtime, users: dict[str, User]) -> World:
    with rt.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        pid = vw.project(s, n_items=4, package_size=2)
        vw.price(s, admin)  # 1.00 per annotated item
        pkgs = vw.packages(s, pid)
        studio = create_vendor(s, admin, name="华语工作室", kind="studio", fee_rate="0.1",
                               agreement_no="FA-1")
        set_vendor_qualified(s, admin, studio.id, True, "assessed")
        solo = create_vendor(s, admin, name="Li Solo", kind="individual", fee_rate="0",
                             agreement_no="FA-2")
        set_vendor_qualified(s, admin, solo.id, True, "assessed")
        made: dict[str, tuple[User, int]] = {}
        # the individual supplier is their own vendor's manager (they confirm their sheets)
        for username, vendor_id, manager in (("sw", studio.id, False), ("sm", studio.id, True),
                                             ("solo", solo.id, True)):
            role = "vendor_manager" if username == "sm" else "vendor_worker"
            user = create_user(s, username, PASSWORD, role)
            s.add(ProjectMember(project_id=pid, user_id=user.id))
            w = register_worker(s, admin, user, vendor_id=vendor_id, is_manager=manager,
                                languages=["en-US"])
            made[username] = (user, w.id)
        verify_identity(s, admin, made["solo"][1], "ID-solo")
        hand_package_to_vendor(s, admin, pkgs[0].id, studio.id)
        hand_package_to_vendor(s, admin, pkgs[1].id, solo.id)
        for username in ("sw", "solo"):
            for _ in range(2):
                assert vw.claim_and_submit(s, made[username][0], pid) is not None
        vw.accept_everything(s, pid, users["insp"])
        for vendor_id, manager in ((studio.id, made["sm"][0]), (solo.id, made["solo"][0])):
            sheet = create_settlement_sheet(s, admin, vendor_id, vw.WEEK)
            confirm_sheet_by_vendor(s, manager, sheet.id)
            confirm_sheet_by_business(s, admin, sheet.id)
        return World(made["sw"][1], made["solo"][1])


def _user(s: Session, name: str) -> User:
    return s.scalars(select(User).where(User.username == name)).one()


def test_a_vendors_worker_gets_their_accepted_work_not_the_vendors_money(
    runtime: Runtime, users: dict[str, User]
) -> None:
    world = _world(runtime, users)
    with runtime.session() as s:
        own = worker_dashboard(s, _user(s, "sw"), world.studio_worker)
        assert own.paid_by == "vendor" and own.earnings is None, own  # before: Decimal('2.00')
        assert own.vendor_amount is None
        assert own.accepted_tasks == 2 and own.accepted_volume == {"item": Decimal("2.0000")}
        # the vendor's manager and the business side see the vendor's amount, as the vendor's
        for viewer in ("sm", "admin"):
            board = worker_dashboard(s, _user(s, viewer), world.studio_worker)
            assert board.earnings is None and board.vendor_amount == Decimal("2.00"), viewer
        # an individual supplier is paid their own sheet: that money is theirs
        solo = worker_dashboard(s, _user(s, "solo"), world.solo_worker)
        assert solo.paid_by == "own_rate" and solo.earnings == Decimal("2.00")
        assert solo.vendor_amount is None

    app = create_app(runtime)
    with TestClient(app) as api:
        token = api.post(f"{API}/auth/token", json={"username": "sw", "password": PASSWORD})
        head = {"Authorization": f"Bearer {token.json()['access_token']}"}
        got = api.get(f"{API}/workers/{world.studio_worker}/dashboard", headers=head)
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["earnings"] is None and body["vendor_amount"] is None
        assert body["paid_by"] == "vendor" and body["accepted_tasks"] == 2

    for lang, notice, title in (
        ("en", "your pay comes from 华语工作室", "My accepted work"),
        ("zh-CN", "您的报酬由“华语工作室”支付", "我的验收工作量"),
    ):
        web = TestClient(app)
        web.cookies.set("lang", lang)
        web_login(web, "sw")
        page = web.get("/workforce/me")
        assert page.status_code == 200, page.text
        assert 'data-testid="earnings"' not in page.text, lang  # before: 2.00 as "earnings"
        assert 'data-testid="vendor-amount"' not in page.text
        assert notice in page.text and title in visible_text_nodes(page.text), lang
        lines = page.text.split('data-testid="earning-lines"')[1].split("</table>")[0]
        # no unit price and no amount column (before: 1.0000 and 2.00 on the line)
        assert ">1.0000<" not in lines and ">2.00<" not in lines, lines
        assert lines.count("<th>") == 7 and lines.count("<td>") == 7, lines
        data = re.search(r'id="earnings-data">([^<]+)<', page.text)
        assert data and '"value": "2"' in data.group(1), data  # accepted tasks per period
        assert 'data-testid="accepted-work">2 ' in page.text

    # the vendor's manager looking at that worker sees the vendor's amount, labelled so
    mgr = TestClient(app)
    web_login(mgr, "sm")
    page = mgr.get(f"/workforce/workers/{world.studio_worker}")
    assert page.status_code == 200, page.text
    assert re.search(r'data-testid="vendor-amount"><b>2\.00<', page.text), page.text
    assert 'data-testid="earnings"' not in page.text
    # their own page: the vendor's amount for their own work, never called their earnings
    own = mgr.get("/workforce/me").text
    assert 'data-testid="vendor-amount"><b>0.00<' in own and 'data-testid="earnings"' not in own
    assert "no money" not in own  # the worker's notice is not the manager's
    # the individual supplier's own page shows their earnings
    solo_web = TestClient(app)
    web_login(solo_web, "solo")
    page = solo_web.get("/workforce/me")
    assert re.search(r'data-testid="earnings"><b>2\.00<', page.text), page.text
    assert 'data-testid="paid-by-vendor"' not in page.text
