"""A customer's language (left out by trial h1: what a customer's people read followed each
reader's browser only). Sales set it on the ledger customer (API, CLI ``--json`` errors
too, audited); a customer account's pages follow it where the browser chose no language of
its own (the ``lang`` cookie wins), before ``Accept-Language``; staff pages do not."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog.access import link_customer_user
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import LANG_COOKIE
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import customer, people


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_runtime)) as c:
        yield c


def test_a_customer_reads_in_its_language(sqlite_runtime: Runtime, client: TestClient,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    rt = sqlite_runtime
    who = people(rt)
    acme = customer(rt)
    with rt.session() as s:
        link_customer_user(s, who["sales"], who["cust"], acme)
    url = f"{API}/ledger/customers/{acme}/language"
    r = client.put(url, headers=login(client, "cust"), json={"language": "zh-CN"})
    assert r.status_code == 403, r.text
    r = client.put(url, headers=login(client, "sales"), json={"language": "zh-cn"})
    assert r.status_code == 200 and r.json()["language"] == "zh-CN", r.text
    en = {"Accept-Language": "en-US,en;q=0.9"}
    web_login(client, "cust")
    page = client.get("/catalog", headers=en)
    assert page.status_code == 200 and '<html lang="zh-CN"' in page.text, page.text[:300]
    missing = client.get("/no-such-page", headers=en)  # no route, no dependency ran
    assert missing.status_code == 404 and '<html lang="zh-CN"' in missing.text, missing.text
    client.cookies.set(LANG_COOKIE, "en")  # the reader's own choice wins
    assert '<html lang="en"' in client.get("/catalog", headers=en).text
    client.cookies.delete(LANG_COOKIE)
    web_login(client, "sales")  # staff read as their browser says
    assert '<html lang="en"' in client.get("/catalog", headers=en).text
    monkeypatch.setattr(_common, "_runtime", [rt])
    runner = CliRunner()
    res = runner.invoke(app, ["ledger", "customer-language", str(acme), "fr", "--as", "sales",
                              "--json"])
    assert res.exit_code != 0, res.stdout
    assert json.loads(res.stdout)["error"]["reason_code"] == "customer_language", res.stdout
    res = runner.invoke(app, ["ledger", "customer-language", str(acme), "none", "--as", "sales"])
    assert res.exit_code == 0 and "language none" in res.stdout, res.stdout
    with rt.session() as s:
        said = s.scalars(select(AuditRecord.data).where(
            AuditRecord.action == "ledger.customer.language_changed")).all()
    assert [(d["old"], d["new"]) for d in said] == [(None, "zh-CN"), ("zh-CN", None)]


def test_sales_set_it_on_the_contract_page(sqlite_runtime: Runtime,
                                           client: TestClient) -> None:
    """The contract page shows the customer's language and offers its form to whoever
    registers customers (sales here); the page in zh-CN words it."""
    from decimal import Decimal

    from datamill.ledger.contracts import draft_contract
    from tests._api import web_sign_in

    rt = sqlite_runtime
    who = people(rt)
    acme = customer(rt)
    with rt.session() as s:
        k = draft_contract(s, "K-1", customer_id=acme, amount=Decimal(100),
                           actor_id=who["sales"].id).id
    token = web_sign_in(client, "sales")
    page = client.get(f"/finance/contracts/{k}", headers={"Accept-Language": "zh-CN"}).text
    assert 'data-testid="language-form"' in page and "按读者浏览器的语言" in page, page
    r = client.post(f"/finance/customers/{acme}/language", follow_redirects=False,
                    data={"language": "zh-CN", "contract_id": str(k), "csrf_token": token})
    assert r.headers["location"] == f"/finance/contracts/{k}?ok=language", r.text
    shown = client.get(f"/finance/contracts/{k}?ok=language").text
    assert 'data-testid="customer-language">简体中文<' in shown, shown


def test_api_and_cli_refusals_follow_the_customers_language(sqlite_runtime: Runtime,
                                                            client: TestClient) -> None:
    """Left out by trial h6: a customer account's API problems and CLI lines followed only
    ``Accept-Language`` / ``DATAMILL_LANG``. Where neither is given they follow its
    organisation's language; an explicit one still wins; staff are untouched."""
    from datamill.ledger.customers import set_customer_language
    from tests._cli import run_cli

    rt = sqlite_runtime
    who = people(rt)
    acme = customer(rt)
    with rt.session() as s:
        link_customer_user(s, who["sales"], who["cust"], acme)
        set_customer_language(s, acme, "zh-CN", actor_id=who["sales"].id)
    body = {"intended_use": "asr training", "scope": "one team"}  # neither dataset nor work
    url = f"{API}/catalog/quote-requests"
    zh, en = "请您指明询价的标准化数据集", "names a catalog dataset"
    r = client.post(url, headers=login(client, "cust"), json=body)
    assert r.status_code == 422 and zh in r.json()["detail"], r.text
    r = client.post(url, headers={**login(client, "cust"), "Accept-Language": "en"}, json=body)
    assert r.status_code == 422 and zh not in r.json()["detail"], r.text
    db = {"DATAMILL_DATABASE_URL": str(rt.settings.database_url)}
    args = ("catalog", "request-quote", "--use", "asr training", "--scope", "one team",
            "--as", "cust")
    said = run_cli(rt.settings.home, *args, ok=False, **db)
    assert "错误" in said.stderr + said.stdout and zh in said.stderr + said.stdout, said
    said = run_cli(rt.settings.home, *args, "--json", ok=False, **db)
    assert zh in json.loads(said.stdout)["error"]["detail"], said.stdout
    said = run_cli(rt.settings.home, *args, ok=False, DATAMILL_LANG="en", **db)
    assert en in said.stderr + said.stdout and zh not in said.stderr + said.stdout, said
    # staff acting in the same process read English again (nothing carried over)
    said = run_cli(rt.settings.home, "catalog", "request-quote", "--use", "x", "--scope", "y",
                   "--as", "sales", ok=False, **db)
    assert "错误" not in said.stderr + said.stdout, said


def test_the_language_is_read_while_the_command_holds_the_writer_lock(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found at the merge: the lookup opened a second session with ``BEGIN IMMEDIATE`` while
    the command's own session held SQLite's writer lock (``work next`` words its view with a
    session open), so every such command waited 30-60 s and then spoke English (the full
    suite went from 20.5 to 32 minutes). It reads without the lock now."""
    from datamill.compliance.models import User
    from datamill.ledger.customers import set_customer_language

    rt = sqlite_runtime
    who = people(rt)
    acme = customer(rt)
    with rt.session() as s:
        link_customer_user(s, who["sales"], who["cust"], acme)
        set_customer_language(s, acme, "zh-CN", actor_id=who["sales"].id)
    monkeypatch.setattr(_common, "_runtime", [rt])
    monkeypatch.delenv("DATAMILL_LANG", raising=False)
    monkeypatch.setattr(_common, "_acting", {"username": "cust"})
    with rt.session() as s:  # the command's own session, writing
        user = s.get(User, who["cust"].id)
        assert user is not None
        user.display_name = "Customer One"  # a write: BEGIN IMMEDIATE, the lock is held
        s.flush()
        assert s.in_transaction()
        assert _common._acting_language() == "zh-CN"
