"""Trial M9: the annotation-output ratio (标产比) came "from a pre-start self-test or customer
agreement" in the brief, but datamill had no self-test: the plan took any ratio typed in. Now a
PM runs one on every face: the CLI (``datamill ledger ratio-test``, JSON in every case), the API
(``/ledger/projects/{id}/ratio-tests``, ``/ledger/ratio-tests/{id}/measure|apply``), the
project's finance page (the result and the apply button, en + zh-CN); an approved budget is
refused with ``budget_not_draft``; the finance report shows the budgeted ratio beside the one
achieved (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.models import User
from datamill.ledger.budget_plan import create_budget_from_plan
from datamill.ledger.budgets import approve_budget, submit_budget
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import make_approvers
from tests.unit.ledger.test_ratio_self_test import MIN, PLAN, _scene, _submit

D = Decimal


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, Any]:
    """The self-test's sample (two 30-min utterances) annotated by ann1 (45 min) and ann2
    (75 min) through the claims, and a draft budget from the plan (ratio 1)."""
    scene = _scene(runtime, users)
    with runtime.session() as s:
        ann1, ann2 = s.merge(users["ann1"]), s.merge(users["ann2"])
        x = claim_next_task(s, ann1, scene["pid"], "annotate")
        y = claim_next_task(s, ann2, scene["pid"], "annotate")
        assert x is not None and y is not None
        _submit(s, ann1, x, 45 * MIN)
        _submit(s, ann2, y, 75 * MIN)
        scene["items"] = [x.item_id, y.item_id]
        scene["budget"] = create_budget_from_plan(s, scene["lp"], actor_id=users["pm"].id,
                                                  **PLAN).id
    return scene


def _approve(runtime: Runtime, budget_id: int) -> None:
    with runtime.session() as s:
        approvers = make_approvers(s)
        b = submit_budget(s, budget_id)
        while b.status == "submitted":
            assert b.next_role is not None
            b = approve_budget(s, b.id, approvers[b.next_role])


def test_cli_runs_the_self_test_and_prints_json_in_every_case(
    runtime: Runtime, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()

    def run(*args: str) -> tuple[int, Any]:
        r = cli.invoke(cli_app, ["ledger", "ratio-test", *args, "--json"])
        return r.exit_code, json.loads(r.output)

    items = ",".join(map(str, world["items"]))
    code, got = run("start", str(world["lp"]), "--as", "pm", "--items", items,
                    "--workers", "ann1,ann2")
    assert code == 0 and got["status"] == "running" and got["sample_size"] == 2
    test_id = got["id"]
    code, got = run("start", str(world["lp"]), "--as", "ann1", "--items", items,
                    "--workers", "ann1")
    assert code != 0 and got["error"]["code"] == "forbidden"
    code, got = run("apply", str(test_id), "--as", "pm")
    assert code != 0 and got["error"]["reason_code"] == "ratio_not_measured"
    code, got = run("measure", str(test_id), "--as", "pm")
    assert code == 0 and (got["ratio"], got["unit"], got["participants"]) == (
        "2.0000", "hours", ["ann1", "ann2"])
    code, got = run("apply", str(test_id), "--as", "pm")
    assert code == 0 and D(got["total"]) == D("76230.00")
    line = next(ln for ln in got["lines"] if ln["stage"] == "annotate")
    assert (line["quantity"], line["output_ratio"], line["ratio_test_id"]) == (
        "630.0000", "2.0000", test_id)
    code, got = run("agree", str(world["lp"]), "--as", "pm", "--ratio", "1.8", "--note",
                    "contract §4")
    assert code == 0 and got["source"] == "agreed"
    code, got = run("list", str(world["lp"]), "--as", "pm")
    assert code == 0 and [t["source"] for t in got] == ["agreed", "self_test"]
    _approve(runtime, world["budget"])
    code, got = run("apply", str(got[0]["id"]), "--as", "pm")
    assert code != 0 and got["error"]["reason_code"] == "budget_not_draft"


def test_api_runs_the_self_test_and_refuses_an_approved_budget(
    runtime: Runtime, world: dict[str, Any]
) -> None:
    with TestClient(create_app(runtime)) as c:
        pm = login(c, "pm")
        r = c.post(f"{API}/ledger/projects/{world['lp']}/ratio-tests", headers=pm,
                   json={"item_ids": world["items"], "worker_ids": [
                       c.get(f"{API}/users", headers=login(c, "admin")).json()[0]["id"]]})
        # admin works in-house but annotated nothing: measured, nothing is found
        assert r.status_code == 201, r.text
        r = c.post(f"{API}/ledger/ratio-tests/{r.json()['id']}/measure", headers=pm)
        assert r.status_code == 409 and r.json()["reason_code"] == "no_timed_work"
        users = {u["username"]: u["id"] for u in c.get(f"{API}/users",
                                                       headers=login(c, "admin")).json()}
        r = c.post(f"{API}/ledger/projects/{world['lp']}/ratio-tests", headers=pm,
                   json={"item_ids": world["items"], "worker_ids": [users["ann1"],
                                                                    users["ann2"]]})
        test_id = r.json()["id"]
        r = c.post(f"{API}/ledger/ratio-tests/{test_id}/measure", headers=pm)
        assert r.status_code == 200 and r.json()["ratio"] == "2.0000"
        _approve(runtime, world["budget"])
        for lang, said in (("en", "is never changed"), ("zh-CN", "不会被修改")):
            r = c.post(f"{API}/ledger/ratio-tests/{test_id}/apply", json={},
                       headers={**pm, "Accept-Language": lang})
            assert r.status_code == 409 and r.json()["reason_code"] == "budget_not_draft"
            assert said in r.json()["detail"], r.json()
        r = c.get(f"{API}/ledger/projects/{world['lp']}/ratio-tests", headers=login(c, "admin"))
        assert r.status_code == 200 and len(r.json()) == 2


def test_the_finance_page_shows_the_result_and_applies_it(
    runtime: Runtime, world: dict[str, Any]
) -> None:
    page = f"/projects/{world['pid']}/finance"
    with TestClient(create_app(runtime)) as c:
        web_login(c, "pm")
        token = csrf_of(c)
        r = c.get(page)
        assert r.status_code == 200 and 'data-testid="ratio-tests"' in r.text
        assert 'data-testid="ratio-none"' in r.text
        r = c.post(f"{page}/ratio-tests", data={
            "items": " ".join(map(str, world["items"])), "workers": "ann1, ann2",
            "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303 and "ratio_ok=started" in r.headers["location"]
        r = c.get(r.headers["location"])
        assert 'data-testid="ratio-ok"' in r.text and 'data-testid="ratio-measure"' in r.text
        test_id = int(re.findall(r"/ratio-tests/(\d+)/measure", r.text)[0])
        r = c.post(f"{page}/ratio-tests/{test_id}/measure", data={"csrf_token": token})
        assert r.status_code == 200 and 'data-testid="ratio-apply"' in r.text
        assert "2 h / hour" in r.text and "h / hours" not in r.text  # per one unit
        r = c.post(f"{page}/ratio-tests/{test_id}/apply", data={"csrf_token": token})
        assert r.status_code == 200 and "ratio_ok" not in r.text
        lines = r.text[r.text.index('data-testid="budget-lines"'):]
        assert "630" in lines and "13,230.00" in lines and f"2 (#{test_id})" in lines
        _approve(runtime, world["budget"])
        c.cookies.set("lang", "zh-CN")
        r = c.get(page)
        assert "开工前标产比（试标）" in r.text and 'data-testid="ratio-apply"' not in r.text
        assert "最新预算不是草稿" in r.text
        assert "每小时 2 工时" in r.text and "315 小时" in r.text  # the unit in Chinese
        r = c.post(f"{page}/ratio-tests/{test_id}/apply", data={"csrf_token": token})
        assert r.status_code == 409 and "已提交或已审批的预算不会被修改" in r.text
        # the finance report: achieved (the self-test's own submissions) beside budgeted
        year = business_today().year  # the self-test's submissions were made today
        r = c.get(f"/finance?year={year}")
        row = r.text[r.text.index('data-testid="ratio-table"'):]
        assert 'data-testid="budgeted-ratio">2.0000' in row and "试标" in row
        r = c.get(f"/finance/output-ratio.csv?from={year}-01-01&to={year}-12-31")
        head, first = r.text.splitlines()[:2]
        assert head.endswith("ratio,budgeted_ratio,budgeted_source,deviation")
        assert first.endswith("2.0000,2.0000,self_test,0.0000")
