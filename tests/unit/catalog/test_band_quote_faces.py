"""Out-of-band quotes through every face: the REST API, the CLI (``--json`` always JSON, errors
too) and the dataset page's forms (en and zh-CN): quote, self-approval refused, approve, then
issue; reject blocks. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog.models import CatalogBandQuote, CatalogLicence
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import register_approver
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}
ZH = {"Accept-Language": "zh-CN"}
_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _world(rt: Runtime, tmp: Path) -> tuple[dict[str, User], int, int]:
    who = people(rt)
    ds_id, _ = released(rt, who, tmp)
    with rt.session() as s:  # a salesperson who is also a ledger approver (the finance hat)
        hat = create_user(s, "sales-vp", "password1", "sales")
        register_approver(s, hat.id, "vp")
        who["sales-vp"] = hat
    return who, ds_id, customer(rt)


def test_the_api(runtime: Runtime, tmp_path: Path, client: TestClient) -> None:
    _, ds_id, cust = _world(runtime, tmp_path)
    sales, hat, pm = (login(client, u) for u in ("sales", "sales-vp", "pm"))
    licence = {"dataset_id": ds_id, "customer_id": cust, "price": "90000", **TERMS}
    r = client.post(f"{API}/catalog/licences", headers=sales,
                    json={**licence, "band_reason": "tender won at 3 lots"})
    assert r.status_code == 409 and r.json()["reason_code"] == "band_approval_required", r.text
    r = client.post(f"{API}/catalog/band-quotes", headers=sales,
                    json={"dataset_id": ds_id, "customer_id": cust, "price": "300000",
                          "reason": "tender won at 3 lots"})
    assert r.status_code == 422 and r.json()["reason_code"] == "band_quote_in_band", r.text
    r = client.post(f"{API}/catalog/band-quotes", headers=hat,
                    json={"dataset_id": ds_id, "customer_id": cust, "price": "90000",
                          "reason": "tender won at 3 lots"})
    assert r.status_code == 201, r.text
    q = r.json()
    assert (q["status"], q["quoted_by_name"], q["band_low"]) == ("pending", "sales-vp",
                                                                 "200000.00")
    decide = f"{API}/catalog/band-quotes/{q['id']}/approvals"
    r = client.post(decide, headers={**hat, **ZH}, json={"decision": "approve", "reason": "ok"})
    assert r.status_code == 403 and r.json()["reason_code"] == "band_quote_own", r.text
    assert _HAN.search(r.json()["detail"]), r.text  # worded for the zh-CN reader
    r = client.post(decide, headers=sales, json={"decision": "approve", "reason": "ok"})
    assert r.status_code == 403 and r.json()["reason_code"] == "band_approver_role", r.text
    r = client.post(f"{API}/catalog/licences", headers=sales, json=licence)
    assert r.status_code == 409 and r.json()["reason_code"] == "band_approval_pending", r.text
    r = client.post(decide, headers=pm, json={"decision": "approve",
                                              "reason": "a strategic first sale"})
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    listed = client.get(f"{API}/catalog/band-quotes?status=approved", headers=pm).json()
    assert [x["id"] for x in listed] == [q["id"]]
    r = client.post(f"{API}/catalog/licences", headers=sales,
                    json={**licence, "band_quote_id": q["id"]})
    assert r.status_code == 201, r.text
    assert r.json()["band_reason"] == "tender won at 3 lots"
    got = client.get(f"{API}/catalog/band-quotes/{q['id']}", headers=sales).json()
    assert (got["status"], got["licence_id"]) == ("used", r.json()["id"])
    assert client.get(f"{API}/catalog/band-quotes", headers=login(client, "cust")
                      ).status_code == 403


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_the_cli(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, ds_id, cust = _world(runtime, tmp_path)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    add = ["catalog", "licence-add", str(ds_id), str(cust), "--price", "90000", "--territory",
           "PRC", "--term", "1y", "--usage", "training", "--criteria", "manifest"]
    got = _cli(*add, "--band-reason", "tender won at 3 lots", "--as", "sales", "--json")
    assert got.exit_code != 0
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_approval_required"
    got = _cli("catalog", "band-quote", str(ds_id), str(cust), "--price", "90000", "--reason",
               "tender won at 3 lots", "--as", "sales-vp", "--json")
    assert got.exit_code == 0, got.output
    qid = json.loads(got.stdout)["id"]
    got = _cli("catalog", "band-quote-approve", str(qid), "--reason", "ok", "--as", "sales-vp",
               "--json")
    assert got.exit_code != 0
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_quote_own"
    shown = _cli("catalog", "band-quotes", "--dataset", str(ds_id), "--as", "pm")
    assert shown.exit_code == 0, shown.output
    assert "· awaiting approval · quoted by sales-vp" in " ".join(shown.stdout.split())
    got = _cli("catalog", "band-quote-approve", str(qid), "--reason", "strategic", "--as", "pm",
               "--json")
    assert got.exit_code == 0 and json.loads(got.stdout)["status"] == "approved", got.output
    got = _cli(*add, "--quote", str(qid), "--as", "sales", "--json")
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)["band_reason"] == "tender won at 3 lots"
    # rejected: the licence stays refused, in the reader's language too
    got = _cli("catalog", "band-quote", str(ds_id), str(cust), "--price", "95000", "--reason",
               "second tender, 2 lots", "--as", "sales", "--json")
    q2 = json.loads(got.stdout)["id"]
    got = _cli("catalog", "band-quote-reject", str(q2), "--reason", "below cost", "--as", "pm")
    assert got.exit_code == 0 and "rejected" in got.stdout, got.output
    again = [*add[:5], "95000", *add[6:], "--territory", "HK"]
    got = _cli(*again, "--as", "sales", "--json")
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_quote_rejected"
    zh = run_cli(runtime.settings.home, *again, "--as", "sales", ok=False,
                 DATAMILL_DATABASE_URL=str(runtime.settings.database_url), DATAMILL_LANG="zh-CN")
    assert zh.returncode != 0 and "已被 pm 驳回：below cost" in zh.stdout + zh.stderr, zh
    with runtime.session() as s:
        assert [q.status for q in s.scalars(select(CatalogBandQuote).order_by(
            CatalogBandQuote.id))] == ["used", "rejected"]


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m is not None
    return m.group(1)


def test_the_pages(runtime: Runtime, tmp_path: Path, client: TestClient) -> None:
    _, ds_id, cust = _world(runtime, tmp_path)
    page = f"/catalog/{ds_id}"
    form = {"customer_id": str(cust), "price": "90000", **TERMS,
            "band_reason": "tender won at 3 lots"}
    web_login(client, "sales")
    r = client.post(f"{page}/licences", headers=ZH, data={**form, "csrf_token": _csrf(client,
                                                                                       page)})
    assert r.status_code == 409, r.text
    assert "另一人批准" in r.text and 'value="90000"' in r.text  # refused, as typed
    assert 'data-testid="catalog-quote-ask"' in r.text
    r = client.post(f"{page}/band-quotes", data={**form, "csrf_token": _csrf(client, page)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{page}?done=quoted", r.text
    with runtime.session() as s:
        qid = s.scalars(select(CatalogBandQuote.id)).one()
    shown = client.get(f"{page}?done=quoted").text
    assert f'data-testid="catalog-quote-{qid}"' in shown and "awaiting approval" in shown
    assert f'data-testid="catalog-quote-decide-{qid}"' not in shown  # sales decide nothing
    web_login(client, "pm")
    zh = client.get("/catalog", headers=ZH).text
    assert 'data-testid="catalog-pending-quotes"' in zh and "等待您审批的区间外价格" in zh
    shown = client.get(page, headers=ZH).text
    assert f'data-testid="catalog-quote-decide-{qid}"' in shown and "待审批" in shown
    decide = f"/catalog/band-quotes/{qid}/decision"
    r = client.post(decide, headers=ZH, data={"decision": "approve", "reason": " ",
                                              "csrf_token": _csrf(client, page)})
    assert r.status_code == 422 and "须填写理由" in r.text, r.text
    r = client.post(decide, data={"decision": "approve", "reason": "strategic first sale",
                                  "csrf_token": _csrf(client, page)}, follow_redirects=False)
    assert r.headers["location"] == f"{page}?done=quote_approved", r.text
    web_login(client, "sales")
    r = client.post(f"{page}/licences", data={**form, "csrf_token": _csrf(client, page)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{page}?done=licensed", r.text
    with runtime.session() as s:
        lic = s.scalars(select(CatalogLicence)).one()
        assert s.get(CatalogBandQuote, qid).licence_id == lic.id  # type: ignore[union-attr]
    # the maker of a quote (a salesperson wearing the finance hat) is refused on the page
    web_login(client, "sales-vp")
    form2 = {**form, "price": "95000", "territory": "HK"}
    client.post(f"{page}/band-quotes", data={**form2, "csrf_token": _csrf(client, page)})
    with runtime.session() as s:
        q2 = s.scalars(select(CatalogBandQuote.id).order_by(CatalogBandQuote.id.desc())).first()
    r = client.post(f"/catalog/band-quotes/{q2}/decision", headers=ZH,
                    data={"decision": "approve", "reason": "mine",
                          "csrf_token": _csrf(client, page)})
    assert r.status_code == 403 and "不相容职务分离" in r.text, r.text
    web_login(client, "pm")
    r = client.post(f"/catalog/band-quotes/{q2}/decision",
                    data={"decision": "reject", "reason": "below cost",
                          "csrf_token": _csrf(client, page)}, follow_redirects=False)
    assert r.headers["location"] == f"{page}?done=quote_rejected", r.text
    assert "below cost" in client.get(page).text
