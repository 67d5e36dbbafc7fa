"""h5: the web's settlement-sheet actions read the sheet once, as the API's do.

Before, each of ``/workforce/sheets/{id}/vendor-confirm``, ``/confirm``, ``/settle`` and ``/csv``
first read the whole sheet (its lines, their projects, debt offsets and outstanding debt) only
to answer 404 for a missing one, then the action read it again: a month-end sheet of
thousands of lines cost twice what ``POST /api/v1/settlements/{id}/...`` costs. Now a page
checks the sheet's wall without its lines (``settlement.sheet_head``), and a missing sheet
still answers 404 (never the page's 409 refusal). The two confirmations' refusals are shown in
the page's language (they were always English).
"""

from __future__ import annotations

from collections.abc import Callable

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.workforce import settlement
from datamill.workforce.settlement import list_sheets
from tests.known_issues import _vendor_world as vw
from tests.known_issues._web import csrf_of
from tests.known_issues.test_trial11_sheets_web import _client, _world
from tests.unit.production.helpers import statements

API = "/api/v1"


def _line_reads(seen: list[str]) -> int:
    """Statements that read settlement lines (the whole-sheet read's bulk)."""
    return sum(1 for q in seen if q.lstrip().upper().startswith("SELECT")
               and "settlement_lines" in q)


def _service_reads(rt: Runtime, name: str, call: Callable[..., object]) -> int:
    """The settlement-line reads of the service call alone (rolled back, so the page may then
    do the same write)."""
    s = rt.sessions()
    try:
        actor = s.query(User).filter_by(username=name).one()
        with statements(rt) as seen:
            call(s, actor)
        return _line_reads(seen)
    finally:
        s.rollback()
        s.close()


def test_sheet_actions_read_the_sheet_once_and_a_missing_one_is_404(
    runtime: Runtime, users: dict[str, User]
) -> None:
    vendor_a, _ = _world(runtime, users)
    pm = _client(runtime, "u-project_manager", "zh-CN")
    r = pm.post("/workforce/sheets/draw", data={"vendor_id": vendor_a,
                "period_start": vw.WEEK.isoformat(), "csrf_token": csrf_of(pm)},
                follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        (sheet,) = list_sheets(s, admin)
    sid = sheet.id

    # the business confirms before the vendor: refused on the page, in the page's language
    early = pm.post(f"/workforce/sheets/{sid}/confirm", data={"csrf_token": csrf_of(pm)})
    assert early.status_code == 409 and "须供应商先确认" in early.text, early.text[-800:]

    steps: list[tuple[str, str, dict[str, str], Callable[..., object]]] = [
        ("u-vendor_manager", "vendor-confirm", {},
         lambda s, a: settlement.confirm_sheet_by_vendor(s, a, sid)),
        ("u-procurement", "confirm", {},
         lambda s, a: settlement.confirm_sheet_by_business(s, a, sid)),
    ]
    for name, action, form, call in steps:
        alone = _service_reads(runtime, name, call)
        client = _client(runtime, name)
        token = csrf_of(client)
        with statements(runtime) as seen:
            r = client.post(f"/workforce/sheets/{sid}/{action}",
                            data={**form, "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303, (action, r.text[-800:])
        assert _line_reads(seen) == alone, (action, _line_reads(seen), alone)
        gone = client.post(f"/workforce/sheets/{sid + 999}/{action}",
                           data={**form, "csrf_token": token})
        assert gone.status_code == 404, (action, gone.status_code)

    clerk = _client(runtime, "u-finance")
    token = csrf_of(clerk)
    gone = clerk.post(f"/workforce/sheets/{sid + 999}/settle",
                      data={"reference": "BT-1", "csrf_token": token})
    assert gone.status_code == 404
    with statements(runtime) as seen:
        web = clerk.get(f"/workforce/sheets/{sid}/csv")
    assert web.status_code == 200
    web_reads = _line_reads(seen)
    headers = {"Authorization": "Bearer " + clerk.post(
        f"{API}/auth/token", json={"username": "u-finance", "password": "password1"},
    ).json()["access_token"]}
    with statements(runtime) as seen:
        api = clerk.get(f"{API}/settlements/{sid}/csv", headers=headers)
    assert api.status_code == 200 and api.text == web.text
    assert web_reads == _line_reads(seen), (web_reads, _line_reads(seen))
