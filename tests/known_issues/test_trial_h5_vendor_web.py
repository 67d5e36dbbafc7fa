"""Trial (fresh clone), vendor side of the web UI.

1. Every role's home page and navigation link only pages that role may open: a vendor's worker
   gets their work (the "next task" button) like an in-house annotator, never a project link
   answering 403; a vendor's manager lands on their vendor page and the navigation links it,
   its people, packages, sheets and their earnings.
2. The printable settlement sheet (what the vendor signs) speaks zh-CN: labels from the
   catalogue, human column headers, projects and workers by name, times to the minute.
3. zh-CN pages use full-width punctuation: the header's role label, the vendor page's facts
   (and its settlement cycle translated), the dashboard's volume heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from fastapi.testclient import TestClient

from datamill.compliance.models import ProjectMember, User
from datamill.compliance.roles import Role
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.settlement import confirm_sheet_by_vendor, create_settlement_sheet
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.known_issues import _vendor_world as vw
from tests.known_issues._web import PASSWORD, visible_text_nodes, web_login

_HREF = re.compile(r'href="([^"]*)"')
_SKIP = ("/logout", "/lang/", "/static/")


@dataclass
class World:
    pid: int
    vendor_id: int
    sheet_id: int


def _world(rt: Runtime, users: dict[str, User]) -> World:
    """A project every role is a member of, a studio vendor with a manager and a worker who did
    the project's work, and that week's settlement sheet confirmed by the vendor."""
    with rt.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        pid = vw.project(s, n_items=4, package_size=2)
        v = create_vendor(s, admin, name="华语工作室", kind="studio", fee_rate="0.1",
                          agreement_no="FA-1")
        set_vendor_qualified(s, admin, v.id, True, "assessed")
        vw.price(s, admin)
        people = {}
        for role in Role:
            people[role] = create_user(s, f"u-{role.value}", PASSWORD, role.value,
                                       display_name=f"名字-{role.value}")
            s.add(ProjectMember(project_id=pid, user_id=people[role].id))
        register_worker(s, admin, people[Role.VENDOR_WORKER], vendor_id=v.id,
                        languages=["en-US"])
        register_worker(s, admin, people[Role.VENDOR_MANAGER], vendor_id=v.id, is_manager=True,
                        languages=["en-US"])
        for pkg in vw.packages(s, pid):
            hand_package_to_vendor(s, admin, pkg.id, v.id)
        # two of the four items done by the vendor's worker; the rest stays for the web claim
        for _ in range(2):
            assert vw.claim_and_submit(s, people[Role.VENDOR_WORKER], pid) is not None
        vw.accept_everything(s, pid, people[Role.INSPECTOR])
        sheet = create_settlement_sheet(s, admin, v.id, vw.WEEK)
        confirm_sheet_by_vendor(s, people[Role.VENDOR_MANAGER], sheet.id)
        return World(pid, v.id, sheet.id)


def _client(rt: Runtime, role: Role, lang: str | None = None) -> TestClient:
    client = TestClient(create_app(rt), raise_server_exceptions=False)
    if lang:
        client.cookies.set("lang", lang)
    web_login(client, f"u-{role.value}")
    return client


def _links(html: str) -> set[str]:
    """The same-site pages a page links (fragments dropped)."""
    out = set()
    for href in _HREF.findall(html):
        target, _ = urldefrag(href.replace("&amp;", "&"))
        parts = urlsplit(target)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(_SKIP):
            continue
        out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def test_every_roles_home_and_navigation_links_open(runtime: Runtime, users: dict[str, User]) -> None:
    world = _world(runtime, users)
    bad: dict[str, dict[str, int]] = {}
    for role in Role:
        client = _client(runtime, role)
        home = client.get("/")
        assert home.status_code == 200, (role, home.status_code, home.text[:500])
        for link in sorted(_links(home.text)):
            status = client.get(link).status_code
            if status != 200:
                bad.setdefault(role.value, {})[link] = status
    assert not bad, bad  # before: vendor_worker {'/projects/1': 403}

    # the vendor's worker gets their work the way an in-house annotator does
    worker = _client(runtime, Role.VENDOR_WORKER)
    home = worker.get("/")
    assert f'data-testid="next-{world.pid}"' in home.text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', home.text)
    assert csrf is not None
    claimed = worker.post(f"/projects/{world.pid}/next",
                          data={"csrf_token": csrf.group(1), "stage": "annotate"},
                          follow_redirects=False)
    assert claimed.status_code == 303 and claimed.headers["location"].startswith("/tasks/")
    assert worker.get(claimed.headers["location"]).status_code == 200

    # the vendor's manager lands on their vendor page; the navigation links its sections
    manager = _client(runtime, Role.VENDOR_MANAGER)
    home = manager.get("/")
    assert str(home.url).endswith(f"/workforce/vendors/{world.vendor_id}")
    nav = _HREF.findall(home.text)
    for section in ("", "#workers", "#packages", "#sheets"):
        assert f"/workforce/vendors/{world.vendor_id}{section}" in nav
    assert "/workforce/me" in nav
    assert manager.get("/workforce/me").status_code == 200


def test_printed_settlement_sheet_speaks_zh(runtime: Runtime, users: dict[str, User]) -> None:
    world = _world(runtime, users)
    manager = _client(runtime, Role.VENDOR_MANAGER, "zh-CN")
    page = manager.get(f"/workforce/sheets/{world.sheet_id}/print")
    assert page.status_code == 200, page.text
    text = " ".join(visible_text_nodes(page.text))
    for zh in ("验收结算单", "供应商：", "华语工作室", "作业日期：", "结算周期：按周", "合计",
               "管理费（10%", "应付净额（元）", "供应商签字", "业务方签字", "作业人员", "计价单位"):
        assert zh in text, (zh, text)
    for en in ("Vendor:", "Period", "Days of work", "Totals", "Management fee", "Vendor signature",
               "project_id", "worker_id", "volume_unit", "weekly"):
        assert en not in text, (en, text)
    assert "vendor-wall" in text  # the project by name
    assert "名字-vendor_worker" in text  # the worker by name
    assert re.search(r"供应商确认时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\+08:00", text), text  # business time
    assert not re.search(r"\d{2}:\d{2}:\d{2}", text), text  # no seconds, no microseconds

    # the same sheet in English reads as English, with the same names
    en = _client(runtime, Role.VENDOR_MANAGER, "en").get(
        f"/workforce/sheets/{world.sheet_id}/print", headers={"Accept-Language": "en"})
    en_text = " ".join(visible_text_nodes(en.text))
    assert "Vendor signature" in en_text and "vendor-wall" in en_text
    assert "weekly" in en_text and "project_id" not in en_text
    # under Accept-Language alone (no cookie), the sheet is Chinese too
    plain = _client(runtime, Role.VENDOR_MANAGER)
    zh = plain.get(f"/workforce/sheets/{world.sheet_id}/print",
                   headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "供应商签字" in zh.text


def test_zh_pages_use_full_width_punctuation(runtime: Runtime, users: dict[str, User]) -> None:
    world = _world(runtime, users)
    manager = _client(runtime, Role.VENDOR_MANAGER, "zh-CN")
    page = manager.get(f"/workforce/vendors/{world.vendor_id}")
    assert page.status_code == 200
    text = " ".join(visible_text_nodes(page.text))
    assert "（供应商负责人）" in text and "(供应商负责人)" not in text
    assert "类型：工作室" in text and "结算周期：按周" in text, text
    assert "weekly" not in text and "类型:" not in text and "结算周期:" not in text
    assert "（负责人）" in text or "(负责人)" not in text

    worker = _client(runtime, Role.VENDOR_WORKER, "zh-CN")
    assert "（供应商人员）" in worker.get("/").text

    pm = _client(runtime, Role.PROJECT_MANAGER, "zh-CN")
    board = pm.get(f"/projects/{world.pid}")
    assert board.status_code == 200
    heading = re.search(r'data-testid="volume-heading">([^<]*)<', board.text)
    assert heading is not None
    assert re.fullmatch(r"数量（[^()（）]+）", heading.group(1)), heading.group(1)


_HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][ ]?[(:]|\([ ]?[\u4e00-\u9fff]")


def test_zh_pages_each_role_reaches_have_no_half_width_punctuation(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """Every role's zh-CN home page and the pages its navigation links: no half-width colon or
    parenthesis next to Chinese text (before: "(供应商负责人)", "类型: 工作室")."""
    world = _world(runtime, users)
    found: dict[str, list[str]] = {}
    for role in Role:
        client = _client(runtime, role, "zh-CN")
        home = client.get("/")
        pages = {"/": home.text}
        for link in sorted(_links(home.text)):
            r = client.get(link)
            if r.headers.get("content-type", "").startswith("text/html"):
                pages[link] = r.text
        pages[f"/projects/{world.pid}"] = client.get(f"/projects/{world.pid}").text
        for path, html in pages.items():
            for node in visible_text_nodes(html):
                if _HALF_WIDTH.search(node):
                    found.setdefault(f"{role.value} {path}", []).append(node)
    assert not found, found
