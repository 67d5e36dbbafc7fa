"""An out-of-band quote's validity, expiry, voiding and withdrawal through every face: the REST
API, the CLI (``--json`` always JSON, errors too) and the dataset page (en and zh-CN).
SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.catalog import datasets
from datamill.catalog.models import CatalogBandQuote
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import approved_quote, customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}
ZH = {"Accept-Language": "zh-CN"}
_HAN = re.compile(r"[\u4e00-\u9fff]")
WHY = "tender won at 3 lots"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _world(rt: Runtime, tmp: Path) -> tuple[dict[str, User], int, int]:
    who = people(rt)
    with rt.session() as s:
        who["sales2"] = create_user(s, "sales2", "password1", "sales")
    ds_id, _ = released(rt, who, tmp)
    return who, ds_id, customer(rt)


def _expire(rt: Runtime, qid: int) -> None:
    with rt.session() as s:
        s.get(CatalogBandQuote, qid).expires_on = (  # type: ignore[union-attr]
            business_today() - timedelta(days=1))


def test_the_api(runtime: Runtime, tmp_path: Path, client: TestClient) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    sales, sales2, pm = (login(client, u) for u in ("sales", "sales2", "pm"))
    quote = {"dataset_id": ds_id, "customer_id": cust, "price": "90000", "reason": WHY}
    r = client.post(f"{API}/catalog/band-quotes", headers=sales, json={**quote, "valid_days": 0})
    assert r.status_code == 422 and r.json()["reason_code"] == "band_quote_validity", r.text
    r = client.post(f"{API}/catalog/band-quotes", headers=sales, json={**quote, "valid_days": 7})
    assert r.status_code == 201, r.text
    q = r.json()
    assert q["expires_on"] == f"{business_today() + timedelta(days=7)}", q
    withdraw = f"{API}/catalog/band-quotes/{q['id']}/withdrawal"
    r = client.post(withdraw, headers={**sales2, **ZH}, json={"reason": "not mine"})
    assert r.status_code == 403 and r.json()["reason_code"] == "band_quote_withdrawer", r.text
    assert _HAN.search(r.json()["detail"]), r.text
    r = client.post(withdraw, headers=sales, json={"reason": "customer went away"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["withdrawn_by_name"]) == ("withdrawn", "sales")
    r = client.post(f"{API}/catalog/band-quotes/{q['id']}/approvals", headers=pm,
                    json={"decision": "approve", "reason": "ok"})
    assert r.status_code == 409 and r.json()["reason_code"] == "band_quote_withdrawn", r.text
    r = client.post(f"{API}/catalog/licences", headers=sales,
                    json={**{k: v for k, v in quote.items() if k != "reason"}, **TERMS,
                          "band_quote_id": q["id"]})
    assert r.status_code == 409 and r.json()["reason_code"] == "band_quote_withdrawn", r.text
    listed = client.get(f"{API}/catalog/band-quotes?status=withdrawn", headers=pm).json()
    assert [x["id"] for x in listed] == [q["id"]]
    # expired: listed so, and refused
    qid = approved_quote(runtime, who, ds_id, cust, "95000")
    _expire(runtime, qid)
    listed = client.get(f"{API}/catalog/band-quotes?status=expired", headers=pm).json()
    assert [(x["id"], x["status"]) for x in listed] == [(qid, "expired")]
    r = client.post(f"{API}/catalog/licences", headers=sales,
                    json={"dataset_id": ds_id, "customer_id": cust, "price": "95000", **TERMS})
    assert r.status_code == 409 and r.json()["reason_code"] == "band_quote_expired", r.text
    # void: the band changed
    qid = approved_quote(runtime, who, ds_id, cust, "80000")
    r = client.patch(f"{API}/catalog/datasets/{ds_id}", headers=pm, json={"price_high": "450000"})
    assert r.status_code == 200, r.text
    got = client.get(f"{API}/catalog/band-quotes/{qid}", headers=pm).json()
    assert got["status"] == "void" and got["voided_at"], got
    r = client.post(f"{API}/catalog/licences", headers={**sales, **ZH},
                    json={"dataset_id": ds_id, "customer_id": cust, "price": "80000", **TERMS})
    assert r.status_code == 409 and r.json()["reason_code"] == "band_quote_band_changed", r.text
    assert "价格区间已变更" in r.json()["detail"], r.text
    r = client.get(f"{API}/catalog/band-quotes?status=nonsense", headers=pm)
    assert r.status_code == 422, r.text


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_the_cli(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    ask = ["catalog", "band-quote", str(ds_id), str(cust), "--price", "90000", "--reason", WHY]
    got = _cli(*ask, "--valid-days", "91", "--as", "sales", "--json")
    assert got.exit_code != 0
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_quote_validity"
    got = _cli(*ask, "--valid-days", "14", "--as", "sales", "--json")
    assert got.exit_code == 0, got.output
    q = json.loads(got.stdout)
    assert q["expires_on"] == f"{business_today() + timedelta(days=14)}"
    shown = _cli("catalog", "band-quotes", "--as", "pm")
    assert f"valid until {q['expires_on']}" in " ".join(shown.stdout.split()), shown.output
    got = _cli("catalog", "band-quote-withdraw", str(q["id"]), "--reason", "not mine", "--as",
               "sales2", "--json")
    assert got.exit_code != 0
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_quote_withdrawer"
    got = _cli("catalog", "band-quote-withdraw", str(q["id"]), "--reason", "lost the tender",
               "--as", "sales", "--json")
    assert got.exit_code == 0 and json.loads(got.stdout)["status"] == "withdrawn", got.output
    got = _cli("catalog", "band-quote-withdraw", str(q["id"]), "--reason", "again", "--as",
               "pm", "--json")
    assert got.exit_code != 0
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_quote_withdrawn"
    got = _cli("catalog", "band-quote-withdraw", "999", "--reason", "none", "--as", "pm",
               "--json")
    assert got.exit_code != 0 and "error" in json.loads(got.stdout)
    got = _cli("catalog", "band-quote-withdraw", str(q["id"]), "--reason", "again", "--as", "pm")
    assert got.exit_code != 0 and "withdrawn by sales" in got.output, got.output
    qid = approved_quote(runtime, who, ds_id, cust, "95000")
    _expire(runtime, qid)
    shown = _cli("catalog", "band-quotes", "--status", "expired", "--as", "pm")
    text = " ".join(shown.stdout.split())
    assert shown.exit_code == 0 and f"{qid} zh-asr" in text and "· expired ·" in text, text
    shown = _cli("catalog", "band-quotes", "--status", "withdrawn", "--as", "pm", "--json")
    assert [x["id"] for x in json.loads(shown.stdout)] == [q["id"]]
    with runtime.session() as s:
        datasets.update_dataset(s, who["pm"], ds_id, price_low="150000")
    shown = _cli("catalog", "band-quotes", "--as", "pm")
    assert "void (the band changed)" in " ".join(shown.stdout.split()), shown.output


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m is not None
    return m.group(1)


def test_the_pages(runtime: Runtime, tmp_path: Path, client: TestClient) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    page = f"/catalog/{ds_id}"
    form = {"customer_id": str(cust), "price": "90000", **TERMS, "band_reason": WHY}
    web_login(client, "sales")
    r = client.post(f"{page}/band-quotes", headers=ZH,
                    data={**form, "valid_days": "120", "csrf_token": _csrf(client, page)})
    assert r.status_code == 422 and "1 至 90 天" in r.text and 'value="120"' in r.text, r.text
    r = client.post(f"{page}/band-quotes",
                    data={**form, "valid_days": "10", "csrf_token": _csrf(client, page)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    with runtime.session() as s:
        qid = s.scalars(select(CatalogBandQuote.id)).one()
        assert s.get(CatalogBandQuote, qid).expires_on == (  # type: ignore[union-attr]
            business_today() + timedelta(days=10))
    shown = client.get(page).text
    assert f"valid until {business_today() + timedelta(days=10)}" in shown
    assert f'data-testid="catalog-quote-withdraw-{qid}"' in shown  # its maker
    web_login(client, "sales2")
    shown = client.get(page).text
    assert f'data-testid="catalog-quote-withdraw-{qid}"' not in shown  # another seller
    withdraw = f"/catalog/band-quotes/{qid}/withdrawal"
    r = client.post(withdraw, headers=ZH, data={"reason": "mine now",
                                                "csrf_token": _csrf(client, page)})
    assert r.status_code == 403 and "只有报价人" in r.text, r.text
    web_login(client, "sales")
    r = client.post(withdraw, headers=ZH, data={"reason": " ", "csrf_token": _csrf(client, page)})
    assert r.status_code == 422 and "撤回区间外报价时须填写理由" in r.text, r.text
    r = client.post(withdraw, data={"reason": "customer went away",
                                    "csrf_token": _csrf(client, page)}, follow_redirects=False)
    assert r.headers["location"] == f"{page}?done=quote_withdrawn", r.text
    shown = client.get(f"{page}?done=quote_withdrawn", headers=ZH).text
    assert "报价已撤回" in shown and "撤回人 sales" in shown
    assert re.search(rf'data-testid="catalog-quote-status-{qid}" data-status="withdrawn"', shown)
    assert f'data-testid="catalog-quote-withdraw-{qid}"' not in shown
    # a catalog manager withdraws anyone's; expired and void quotes show so
    q2 = approved_quote(runtime, who, ds_id, cust, "95000")
    q3 = approved_quote(runtime, who, ds_id, cust, "85000")
    _expire(runtime, q3)
    web_login(client, "pm")
    shown = client.get(page, headers=ZH).text
    assert f'data-testid="catalog-quote-withdraw-{q2}"' in shown
    assert re.search(rf'data-testid="catalog-quote-status-{q3}" data-status="expired">已过期', shown)
    with runtime.session() as s:
        datasets.update_dataset(s, who["pm"], ds_id, price_low="150000")
    shown = client.get(page).text
    assert re.search(rf'data-testid="catalog-quote-status-{q2}" data-status="void">void: the '
                     "price band changed", shown), shown
    assert f'data-testid="catalog-quote-withdraw-{q2}"' not in shown
    web_login(client, "sales")
    r = client.post(f"{page}/licences", headers=ZH,
                    data={**form, "price": "95000", "csrf_token": _csrf(client, page)})
    assert r.status_code == 409 and "价格区间已变更" in r.text, r.text
