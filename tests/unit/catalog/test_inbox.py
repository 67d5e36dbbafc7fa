"""A customer account's inbox (left out by trial h6: a customer was never told a delivery was
ready, a quote answered, its statement changed). The notices come off the records each change
leaves; the account's one record is how far it has read. API, CLI and the web page (with the
navigation's badge) show the same, worded in the reader's language (zh-CN here)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.catalog.quote_requests import (
    answer_quote_request,
    decline_quote_request,
    request_quote,
)
from datamill.compliance.users import get_user
from datamill.ledger.customers import set_customer_language
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.ledger.test_customer_statement import _books


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_runtime)) as c:
        yield c


@pytest.mark.slow  # web, API and two CLI runs: ~3 s, 6 s on a loaded machine
def test_a_customer_hears_of_its_quotes_and_statement(sqlite_runtime: Runtime,
                                                      client: TestClient) -> None:
    rt = sqlite_runtime
    acme, _other = _books(rt)  # Acme: invoice INV-Ac and payment RC-1; Other Co: INV-Ot
    with rt.session() as s:
        cust, sales = get_user(s, "cust"), get_user(s, "sales")
        asked = [request_quote(s, cust, intended_use="asr", scope="one team",
                               custom_work=f"{n} hours of Thai read speech").id
                 for n in (100, 200)]
        answer_quote_request(s, sales, asked[0], price="50000")
        decline_quote_request(s, sales, asked[1], reason="no Thai speakers this year")
    url = f"{API}/catalog/inbox"
    box = client.get(url, headers=login(client, "cust")).json()
    kinds = sorted(n["kind"] for n in box["notices"])
    assert kinds == ["invoice_issued", "payment_recorded", "quote_declined", "quote_offered"], box
    assert box["unread"] == 4 and all(n["unread"] for n in box["notices"]), box
    said = {n["kind"]: n["text"] for n in box["notices"]}
    assert "INV-Ac" in said["invoice_issued"] and "1,060.00" in said["invoice_issued"], said
    assert "no Thai speakers" in said["quote_declined"], said
    assert "INV-Ot" not in json.dumps(box), box  # another organisation's invoice stays theirs
    # read: nothing unread; sales' own inbox holds the requests to answer (h7)
    r = client.post(f"{url}/read", headers=login(client, "cust"))
    assert r.status_code == 200 and r.json()["unread"] == 0, r.text
    staff = client.get(url, headers=login(client, "sales")).json()["notices"]
    assert sorted(n["kind"] for n in staff) == ["quote_requested"] * 2, staff
    # something new after the mark is unread again, in the organisation's language
    with rt.session() as s:
        set_customer_language(s, acme, "zh-CN", actor_id=None)
        again = request_quote(s, get_user(s, "cust"), intended_use="tts", scope="one voice",
                              custom_work="a gentle female voice").id
        decline_quote_request(s, get_user(s, "sales"), again, reason="暂不承接")
    box = client.get(url, headers=login(client, "cust")).json()
    assert box["unread"] == 1 and box["notices"][0]["text"].startswith(f"您的询价 {again}"), box
    db = {"DATAMILL_DATABASE_URL": str(rt.settings.database_url)}
    out = run_cli(rt.settings.home, "catalog", "inbox", "--as", "cust", **db).stdout
    assert "1 条未读，共 5 条" in out and "已被婉拒：暂不承接" in out, out
    # the web: a badge in the navigation, the page, and marking read from it
    web_login(client, "cust")
    page = client.get("/catalog").text
    assert re.search(r'data-testid="inbox-badge"[^>]*>1<', page), page
    page = client.get("/inbox").text
    assert '<html lang="zh-CN"' in page and page.count('data-testid="notice"') == 5, page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None, page
    r = client.post("/inbox/read", data={"csrf_token": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert 'data-testid="inbox-badge"' not in client.get("/inbox").text
    out = run_cli(rt.settings.home, "catalog", "inbox", "--as", "cust", "--json", **db).stdout
    assert json.loads(out)["unread"] == 0, out
