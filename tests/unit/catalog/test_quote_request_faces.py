"""Quote requests over the REST API, the dataset page (en and zh-CN) and the CLI (``--json`` always JSON, errors too): the
customer asks, sales answer, the customer accepts, sales license; another customer gets 404,
staff cannot accept, a customer cannot answer (trial h1)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.catalog.test_quote_requests import ASK, OFFER, world

URL = f"{API}/catalog/quote-requests"


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_runtime)) as c:
        yield c


def test_the_api(sqlite_runtime: Runtime, tmp_path: Path, client: TestClient) -> None:
    _, ds_id, acme = world(sqlite_runtime, tmp_path)
    cust, cust2, sales, ann = (login(client, u) for u in ("cust", "cust2", "sales", "ann"))
    r = client.post(URL, headers=cust, json={"dataset_id": ds_id, **ASK})
    assert r.status_code == 201 and r.json()["status"] == "open", r.text
    rid = r.json()["id"]
    r = client.post(URL, headers=sales, json={"dataset_id": ds_id, **ASK})
    assert r.status_code == 403 and r.json()["reason_code"] == "quote_request_no_customer"
    assert client.post(URL, headers=ann, json={"dataset_id": ds_id, **ASK}).status_code == 403
    r = client.get(URL, headers=sales, params={"status": "open"})
    assert [q["id"] for q in r.json()] == [rid], r.text
    for path in (f"{URL}/{rid}", f"{URL}/{rid}/acceptance", f"{URL}/{rid}/withdrawal"):
        call = client.get if path.endswith(str(rid)) else client.post
        r = call(path, headers=cust2)
        assert r.status_code == 404, r.text
    assert client.get(URL, headers=cust2).json() == []
    r = client.post(f"{URL}/{rid}/answer", headers=cust, json={"price": "300000", **OFFER})
    assert r.status_code == 403, r.text
    r = client.post(f"{URL}/{rid}/answer", headers=sales, json={"price": "300000", **OFFER})
    assert r.status_code == 200 and r.json()["status"] == "offered", r.text
    r = client.post(f"{URL}/{rid}/acceptance", headers={**sales, "Accept-Language": "zh-CN"})
    assert r.status_code == 403 and r.json()["reason_code"] == "quote_request_customer_only"
    assert "客户" in r.json()["detail"], r.text
    r = client.get(f"{URL}/{rid}", headers=cust)
    assert (r.json()["price"], r.json()["band_quote_status"]) == ("300000.00", None), r.text
    r = client.post(f"{URL}/{rid}/acceptance", headers=cust)
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
    r = client.post(f"{URL}/{rid}/licence", headers=sales, json={})
    assert r.status_code == 201 and r.json()["status"] == "licensed", r.text
    lic = client.get(f"{API}/catalog/licences/{r.json()['licence_id']}", headers=cust).json()
    assert (lic["customer_id"], lic["price"]) == (acme, "300000.00")


def test_the_cli_json(sqlite_runtime: Runtime, tmp_path: Path,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, ds_id, _ = world(sqlite_runtime, tmp_path)
    monkeypatch.setattr(_common, "_runtime", [sqlite_runtime])
    runner = CliRunner()

    def cli(*args: str) -> tuple[int, object]:
        res = runner.invoke(app, ["catalog", *args, "--json"])
        return res.exit_code, json.loads(res.stdout)

    code, got = cli("request-quote", "--dataset", str(ds_id), "--use", ASK["intended_use"],
                    "--scope", ASK["scope"], "--as", "cust")
    assert code == 0 and got["status"] == "open", got  # type: ignore[index]
    rid = str(got["id"])  # type: ignore[index]
    code, got = cli("quote-request", rid, "--as", "cust2")
    assert code != 0 and got["error"]["code"] == "not_found", got  # type: ignore[index]
    code, got = cli("quote-answer", rid, "--price", "300000", "--territory", "PRC", "--term",
                    "perpetual", "--criteria", "manifest ok", "--as", "sales")
    assert code == 0 and got["status"] == "offered", got  # type: ignore[index]
    code, got = cli("quote-accept", rid, "--as", "sales")
    assert code != 0 and got["error"]["reason_code"] == "quote_request_customer_only", got  # type: ignore[index]
    assert cli("quote-accept", rid, "--as", "cust")[0] == 0
    code, got = cli("quote-licence", rid, "--as", "sales")
    assert code == 0 and got["licence_number"], got  # type: ignore[index]
    code, got = cli("quote-requests", "--status", "licensed", "--as", "cust")
    assert code == 0 and [q["id"] for q in got] == [int(rid)], got  # type: ignore[attr-defined]


def _csrf(client: TestClient, path: str, **kw: object) -> tuple[str, str]:
    page = client.get(path, **kw)  # type: ignore[arg-type]
    assert page.status_code == 200, page.text
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m is not None
    return m.group(1), page.text


def test_the_dataset_page(sqlite_runtime: Runtime, tmp_path: Path, client: TestClient) -> None:
    _, ds_id, _ = world(sqlite_runtime, tmp_path)
    page, zh = f"/catalog/{ds_id}", {"Accept-Language": "zh-CN"}
    web_login(client, "cust")
    token, text = _csrf(client, page, headers=zh)
    assert 'data-testid="quote-request-form"' in text and "提交询价" in text
    r = client.post(f"{page}/quote-requests", headers=zh,
                    data={"intended_use": " ", "scope": "x", "csrf_token": token})
    assert r.status_code == 422 and "请您说明数据的用途" in r.text, r.text
    r = client.post(f"{page}/quote-requests", data={**ASK, "csrf_token": token},
                    follow_redirects=False)
    assert r.headers["location"] == f"{page}?done=requested", r.text
    shown = client.get(f"{page}?done=requested").text
    assert shown.count('data-testid="quote-request-status-') == 1 and "sent to sales" in shown
    web_login(client, "sales")
    inbox = client.get("/catalog", params={"request_status": "open"}).text
    assert 'data-testid="catalog-request-filter"' in inbox
    assert 'data-testid="quote-request-status-' in inbox
    declined = client.get("/catalog?request_status=declined").text
    assert 'data-testid="quote-request-status-' not in declined
    token, text = _csrf(client, page)
    found = re.search(r'data-testid="quote-request-answer-(\d+)"', text)
    assert found is not None, text
    answer = f"/catalog/quote-requests/{found.group(1)}/answer"
    r = client.post(answer, data={"price": "90000", **OFFER, "csrf_token": token})
    assert r.status_code == 422 and "band" in r.text, r.text  # out of band: a reason first
    r = client.post(answer, data={"price": "300000", **OFFER, "csrf_token": token},
                    follow_redirects=False)
    assert r.headers["location"] == f"{page}?done=request_answered", r.text
    web_login(client, "cust")
    token, text = _csrf(client, page, headers=zh)
    assert "已报价" in text and "300,000.00 CNY" in text
    r = client.post(f"/catalog/quote-requests/{found.group(1)}/acceptance",
                    data={"csrf_token": token}, follow_redirects=False)
    assert r.headers["location"] == f"{page}?done=request_accepted", r.text
    # custom work, asked on the catalog page and answered there
    token, text = _csrf(client, "/catalog", headers=zh)
    assert 'data-testid="quote-request-custom-form"' in text
    r = client.post("/catalog/quote-requests", headers=zh,
                    data={**ASK, "custom_work": "", "csrf_token": token})
    assert r.status_code == 422 and "或描述所需的定制工作" in r.text, r.text
    r = client.post("/catalog/quote-requests", data={**ASK, "custom_work": "200 h of Thai",
                                                     "csrf_token": token},
                    follow_redirects=False)
    assert r.headers["location"] == "/catalog?done=requested", r.text
    web_login(client, "sales")
    token, text = _csrf(client, "/catalog?request_status=open")
    custom = re.search(r'data-testid="quote-request-answer-(\d+)"', text)
    assert custom is not None and "200 h of Thai" in text, text
    r = client.post(f"/catalog/quote-requests/{custom.group(1)}/answer",
                    data={"price": "0", "csrf_token": token})
    assert r.status_code == 422 and 'data-testid="catalog-quote-requests"' in r.text, r.text
    web_login(client, "cust")  # the customer thinks again
    token, text = _csrf(client, "/catalog")
    assert f'data-testid="quote-request-withdraw-{custom.group(1)}"' in text
    r = client.post(f"/catalog/quote-requests/{custom.group(1)}/withdrawal",
                    data={"reason": "found it elsewhere", "csrf_token": token},
                    follow_redirects=False)
    assert r.headers["location"] == "/catalog?done=request_withdrawn", r.text
    assert "found it elsewhere" in client.get("/catalog?done=request_withdrawn").text
    web_login(client, "cust2")  # another organisation sees no such request
    token, text = _csrf(client, page)
    assert 'data-testid="quote-request-status-' not in text
    assert 'data-testid="quote-request-status-' not in client.get("/catalog").text


def test_accepting_custom_work_shows_its_draft_contract(
        sqlite_runtime: Runtime, tmp_path: Path, client: TestClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepting a custom-work offer drafts its contract: the page (zh-CN) says so and names
    it, sales get a link to it, and the CLI's line names it too."""
    who, _, _ = world(sqlite_runtime, tmp_path)
    from datamill.catalog import quote_requests

    rids = []
    with sqlite_runtime.session() as s:
        for _ in range(2):
            rid = quote_requests.request_quote(s, who["cust"], custom_work="200 h of Thai",
                                               **ASK).id
            quote_requests.answer_quote_request(s, who["sales"], rid, price="800000")
            rids.append(rid)
    web_login(client, "cust")
    zh = {"Accept-Language": "zh-CN"}
    token, _ = _csrf(client, "/catalog", headers=zh)
    r = client.post(f"/catalog/quote-requests/{rids[0]}/acceptance",
                    data={"csrf_token": token}, follow_redirects=False)
    assert r.headers["location"] == "/catalog?done=request_contracted", r.text
    text = client.get("/catalog?done=request_contracted", headers=zh).text
    assert "合同已起草" in text and f"合同 QR-{rids[0]} · 草稿" in text, text
    web_login(client, "sales")
    assert '<a href="/finance/contracts/' in client.get("/catalog").text
    monkeypatch.setattr(_common, "_runtime", [sqlite_runtime])
    res = CliRunner().invoke(app, ["catalog", "quote-accept", str(rids[1]), "--as", "cust"])
    assert res.exit_code == 0 and f"contract QR-{rids[1]} (draft)" in res.stdout, res.stdout
