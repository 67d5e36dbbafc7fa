"""Helper h17 (2026-12-07): ``GET /settlements?vendor_id=99`` answered ``[]`` for a vendor that
does not exist, as for a vendor with no sheets. It is now not found (404, ``object_not_found``)
as ``settlement-periods`` is; a real vendor with no sheets still answers ``[]``, and a vendor
manager asking for another id is refused (403) before any lookup, whether it exists or not."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor, register_worker
from tests._api import API, login
from tests.known_issues._web import PASSWORD


def test_settlements_of_an_unknown_vendor_are_not_found(runtime: Runtime) -> None:
    with runtime.session() as s:
        boss = create_user(s, "boss", PASSWORD, "admin")
        create_user(s, "fin", PASSWORD, "finance")
        vid, other = (create_vendor(s, boss, name=f"Vendor {n}", kind="studio", fee_rate="0.1",
                                    agreement_no=f"FA-{n}").id for n in ("R", "S"))
        vm = create_user(s, "vm", PASSWORD, "vendor_manager")
        register_worker(s, boss, vm, vendor_id=vid, is_manager=True)
    with TestClient(create_app(runtime)) as c:
        fin = login(c, "fin")
        assert c.get(f"{API}/settlements", headers=fin, params={"vendor_id": vid}).json() == []
        for missing in (other + 99, 2**31):
            r = c.get(f"{API}/settlements", headers=fin, params={"vendor_id": missing})
            assert r.status_code == 404 and r.json()["reason_code"] == "object_not_found", r.text
        vm_auth = login(c, "vm")
        # the manager's own vendor answers; other ids, real or not, read alike: 403
        assert c.get(f"{API}/settlements", headers=vm_auth,
                     params={"vendor_id": vid}).json() == []
        codes = {c.get(f"{API}/settlements", headers=vm_auth,
                       params={"vendor_id": v}).status_code for v in (other, other + 99)}
        assert codes == {403}, codes
