"""Writing one project's books is one rule on every face (``access.require_project_writer``):
a writer of the books (``ledger``: admins, project managers, finance, ledger approvers) cleared
for the project's classification, member or not (finance post costs and close accounts of
projects they are not members of, domain §2/§6). The API asked for project membership as well
(``LedgerManager``; ``POST /ledger/assets`` in its handler), so finance got 403 there, while the
CLI asked for neither membership nor clearance: finance posted a cost on a secret project
(exit 0). No web page writes these."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.ledger.budgets import register_approver
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor, set_vendor_qualified
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

#: finance and a project manager, members of nothing; a ledger approver; the admin
ALLOWED = ("fin", "pm", "appr", "admin")
#: the auditor reads the books and never writes; an annotator who IS a member
REFUSED = ("aud", "ann1")

_PLAN = {"deliverable": "10", "loss_rate": "0.1", "output_ratio": "2", "on": "2018-01-02",
         "collection_price": "100", "labelling_price": "20"}


def _world(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        create_user(s, "aud", "password1", "auditor")
        appr = create_user(s, "appr", "password1", "inspector")
        register_approver(s, appr.id, "finance_reviewer")
        approvers = make_approvers(s)
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        vendor = create_vendor(s, admin, name="V", kind="company", agreement_no="FA-V",
                               fee_rate="0.08")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")  # claims name a vendor
        ids = {}
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"pw-{name}", None, "product_development")
            approved_budget(s, lp, [line("annotate", "data_service", "100", "20"),
                                    line("equipment", "equipment", "1", "5000")], approvers)
            add_member(s, pid, s.get(User, users["ann1"].id), None)  # type: ignore[arg-type]
            ids[name] = lp
            if name == "secret":
                set_classification(s, s.get(User, users["admin"].id), pid, "secret")  # type: ignore[arg-type]
    return ids


def _cli(runtime: Runtime, *args: str) -> int:
    """The exit code of ``datamill ARGS --json`` (JSON printed in every case)."""
    r = run_cli(runtime.settings.home, *args, "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    body = json.loads(r.stdout)
    assert ("error" in body) == (r.returncode != 0), r.stdout + r.stderr
    return r.returncode


def _faces(runtime: Runtime, c: TestClient, tmp: Path, who: str, lp: int
           ) -> dict[str, tuple[int, int]]:
    """What each write answers ``who`` on ledger project ``lp``: (the API's status, the CLI's
    exit code: 0 done, 6 refused)."""
    h = login(c, who)
    tag = f"{who}-{lp}"
    lines = [{"stage": "annotate", "category": "data_service", "quantity": "1",
              "unit_price": "5"}]
    (tmp / f"{tag}.json").write_text(json.dumps(lines), encoding="utf-8")
    plan_args = ("--deliverable", "10", "--loss", "0.1", "--ratio", "2", "--on", "2018-01-02",
                 "--collection-price", "100", "--labelling-price", "20")
    base = f"{API}/ledger/projects/{lp}"
    return {
        "cost": (c.post(f"{base}/costs", headers=h, json={
                    "stage": "annotate", "category": "data_service", "amount": "1.00",
                    "quantity": "1", "unit_price": "1", "supplier": "V",
                    "source_ref": f"api-{tag}", "incurred_on": "2018-01-05"}).status_code,
                 _cli(runtime, "ledger", "cost-post", str(lp), "annotate", "data_service",
                      "1.00", f"cli-{tag}", "2018-01-05", "--supplier", "V", "--quantity", "1",
                      "--unit-price", "1", "--as", who)),
        "asset": (c.post(f"{API}/ledger/assets", headers=h, json={
                     "code": f"A-api-{tag}", "name": "mic", "annual_depreciation": "3650",
                     "project_id": lp, "in_use_from": "2018-01-01"}).status_code,
                  _cli(runtime, "ledger", "asset-add", f"A-cli-{tag}", "mic", "3650", str(lp),
                       "2018-01-01", "--as", who)),
        "plan": (c.post(f"{base}/budget-plan", headers=h, json=_PLAN).status_code,
                 _cli(runtime, "ledger", "budget-plan", "show", str(lp), "--as", who,
                      *plan_args)),
        # one draft budget at a time: past the rule, a second draft is a conflict (409, exit 4)
        "budget": (c.post(f"{base}/budgets", headers=h, json=lines).status_code,
                   _cli(runtime, "ledger", "budget-create", str(lp), str(tmp / f"{tag}.json"),
                        "--as", who)),
        "plan-budget": (c.post(f"{base}/budget-plan/budget", headers=h, json=_PLAN).status_code,
                        _cli(runtime, "ledger", "budget-plan", "create", str(lp), "--as", who,
                             *plan_args)),
        # the close needs the finance reviewer's check first: past the rule, a conflict
        "close": (c.post(f"{base}/close", headers=h, json={"closed_on": "2018-12-31"}
                         ).status_code,
                  _cli(runtime, "ledger", "close", str(lp), "2018-12-31", "--as", who)),
    }


REFUSED_ALL = dict.fromkeys(("cost", "asset", "plan", "budget", "plan-budget", "close"),
                            (403, 6))


def _allowed(got: dict[str, tuple[int, int]]) -> bool:
    """Every write past the rule; the cost, the asset and the plan done on both faces."""
    return (got["cost"] == got["asset"] == (201, 0) and got["plan"] == (200, 0)
            and all(api != 403 and cli != 6 for api, cli in got.values()))


def test_one_rule_for_writing_a_projects_books(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    ids = _world(runtime, users)
    with TestClient(create_app(runtime)) as c:
        for who in ALLOWED:  # the API refused finance, the PM and the approver (no members)
            got = _faces(runtime, c, tmp_path, who, ids["open"])
            assert _allowed(got), (who, got)
        for who in REFUSED:
            assert _faces(runtime, c, tmp_path, who, ids["open"]) == REFUSED_ALL, who
        # above their clearance: refused on every face (the CLI posted finance's cost, exit 0)
        assert _faces(runtime, c, tmp_path, "fin", ids["secret"]) == REFUSED_ALL
        got = _faces(runtime, c, tmp_path, "admin", ids["secret"])
        assert _allowed(got), got
        # a refused writer is refused before the project's existence is told
        r = c.post(f"{API}/ledger/projects/999999/costs", headers=login(c, "aud"), json={
            "stage": "annotate", "category": "data_service", "amount": "1.00",
            "supplier": "V", "source_ref": "x", "incurred_on": "2018-01-05"})
        assert r.status_code == 403, r.text
        assert _cli(runtime, "ledger", "cost-post", "999999", "annotate", "data_service", "1",
                    "x", "2018-01-05", "--supplier", "V", "--as", "aud") == 6
