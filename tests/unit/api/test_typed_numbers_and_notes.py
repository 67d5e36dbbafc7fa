"""What a security tester typed (trial, LOW 7-10), on SQLite and PostgreSQL alike:

* digits outside ASCII (``²``, ``①``: ``str.isdigit`` says yes, ``int`` says no) name no item,
  project or contract: an empty list, a 422 or not_found, never a 500 or an "internal" error;
* an id beyond what an id column holds (PostgreSQL's are 32-bit) names no row: an empty list
  or not_found, as SQLite answered, never "a number too large for the database";
* a NUL or other control character in a reason is refused naming the field (PostgreSQL's
  driver refused it mid-request, answered as "a number too large"; SQLite stored it);
* ``--limit`` outside 1..1000 is refused (``-1`` listed every item on SQLite).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import DataError

from datamill.api.problem import install_problem_handlers
from datamill.catalog.models import CatalogBandQuote
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import InvalidInput
from datamill.core.storable import check_note, digits
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import customer, people, released
from tests.unit.production.helpers import spec

ODD = ["²", "①", "٣"]  # a superscript, a circled digit, an Arabic-Indic three
BIG = "3000000000"  # beyond 2^31-1 (PostgreSQL's integer ids), well inside 2^63-1


def _project(rt: Runtime, users: dict[str, User]) -> int:
    """A project every fixture user is in, with one item (so an empty answer is a filter's)."""
    with rt.session() as s:
        pid = create_project(s, spec(name="typed-numbers")).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
        s.add(Item(project_id=pid, external_id="utt1", sha256="0" * 64, filename="a.wav",
                   size_bytes=1, status="passed", owner="customer", attributes={}, meta={},
                   reject_reasons=[], current_version=0, created_at=datetime.now(UTC)))
    return pid


def test_digits_are_ascii_digits() -> None:
    assert digits("0123456789")
    for text in [*ODD, "", "1.0", "+1", "-1", " 1", "1_000"]:
        assert not digits(text), text


def test_the_items_page_and_the_audit_page(runtime: Runtime, users: dict[str, User]) -> None:
    pid = _project(runtime, users)
    web = TestClient(create_app(runtime), raise_server_exceptions=False)
    web_sign_in(web, "admin")
    assert 'data-total="1"' in web.get(f"/projects/{pid}/items").text
    for name in ("item", "import_run"):
        for value in [*ODD, BIG, "abc"]:
            r = web.get(f"/projects/{pid}/items", params={name: value})
            assert r.status_code == 200 and 'data-total="0"' in r.text, (name, value, r.text)
    for name in ("object_id", "project_id"):
        for value in ODD:
            r = web.get("/audit", params={name: value})
            assert r.status_code == 422, (name, value, r.status_code)  # noqa: PLR2004
        r = web.get("/audit", params={name: BIG})
        assert r.status_code == 200, (name, r.status_code)  # noqa: PLR2004


def test_the_api_lists_no_item_beyond_the_id_column(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _project(runtime, users)
    with TestClient(create_app(runtime)) as api:
        pm = login(api, "pm")
        for name in ("item_id", "import_run"):
            r = api.get(f"{API}/projects/{pid}/items", headers=pm, params={name: BIG})
            assert r.status_code == 200, (name, r.text)  # noqa: PLR2004
            assert r.json()["items"] == [] and r.json()["total"] == 0
            for value in ODD:
                r = api.get(f"{API}/projects/{pid}/items", headers=pm, params={name: value})
                assert r.status_code == 422, (name, value, r.text)  # noqa: PLR2004
        r = api.get(f"{API}/projects/{pid}/items", headers=pm, params={"limit": 1001})
        assert r.status_code == 422, r.text  # noqa: PLR2004


def _fails_in_json(out: Any, code: str) -> dict[str, Any]:
    assert out.returncode != 0, out.stdout
    assert "Traceback" not in out.stderr, out.stderr
    error = json.loads(out.stdout)["error"]
    assert error["code"] == code, out.stdout
    return dict(error)


def test_the_cli(runtime: Runtime, users: dict[str, User]) -> None:
    pid = _project(runtime, users)
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
    home, url = runtime.settings.home, str(runtime.settings.database_url)

    def cli(*args: str, ok: bool = False) -> Any:
        return run_cli(home, *args, "--json", ok=ok, DATAMILL_DATABASE_URL=url)

    for odd in ODD:
        _fails_in_json(cli("data", "items", odd, "--as", "admin"), "not_found")
        _fails_in_json(cli("project", "show", odd, "--as", "admin"), "not_found")
        _fails_in_json(cli("ledger", "trace", odd, "--as", "fin"), "not_found")
    _fails_in_json(cli("project", "show", BIG, "--as", "admin"), "not_found")
    _fails_in_json(cli("ledger", "trace", BIG, "--as", "fin"), "not_found")
    for option in ("--item", "--import-run"):
        out = cli("data", "items", str(pid), option, BIG, "--as", "admin", ok=True)
        assert json.loads(out.stdout) == []
    assert len(json.loads(cli("data", "items", str(pid), "--as", "admin", ok=True).stdout)) == 1
    for limit in ("-1", "0", "1001"):
        error = _fails_in_json(cli("data", "items", str(pid), "--limit", limit, "--as", "admin"),
                               "invalid_input")
        assert error["reason_code"] == "limit_range" and "1000" in error["message"], error
        error = _fails_in_json(cli("qc", "batch", str(pid), "--limit", limit, "--as", "admin"),
                               "invalid_input") if limit != "1001" else error
        assert error["reason_code"] == "limit_range", error
    out = run_cli(home, "data", "items", str(pid), "--limit", "-1", "--as", "admin", ok=False,
                  DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN")
    assert "1000" in out.stderr + out.stdout and "整数" in out.stderr + out.stdout


REASON_POSTS = [
    ("/catalog/band-quotes", {"dataset_id": 1, "customer_id": 1, "price": "1"}),
    ("/catalog/band-quotes/1/approvals", {"decision": "approve"}),
    ("/ledger/contracts/1/approvals", {"step": "price"}),
    ("/ledger/contracts/1/amendments", {"amount": "1", "on": "2026-01-02"}),
    ("/ledger/contracts/1/cancel", {"on": "2026-01-02"}),
]


@pytest.mark.parametrize(("path", "body"), REASON_POSTS)
def test_a_control_character_in_a_reason_is_refused_naming_the_field(
    runtime: Runtime, users: dict[str, User], path: str, body: dict[str, Any]
) -> None:
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
    with TestClient(create_app(runtime), raise_server_exceptions=False) as api:
        fin = login(api, "fin")
        for bad in ("abcdefghijk\x00", "abcdefghijk\x1b[2J"):
            r = api.post(f"{API}{path}", headers=fin, json={**body, "reason": bad})
            assert r.status_code == 422, (path, r.text)  # noqa: PLR2004
            problem = r.json()
            assert "too large" not in r.text, r.text
            assert [e["field"] for e in problem["errors"]] == ["body.reason"], r.text
            assert "control character" in problem["errors"][0]["message"], r.text


def test_check_note_names_the_field_and_the_character() -> None:
    check_note("two\nlines\tand a tab", "reason")
    with pytest.raises(InvalidInput) as refused:
        check_note("abc\x00", "reason")
    assert refused.value.details == {"field": "reason", "reason_code": "text_control",
                                     "char": "U+0000"}
    assert "control characters" in refused.value.message


class _Nul(Exception):  # what psycopg raises for a NUL: a DataError with no SQLSTATE
    sqlstate = None

    def __str__(self) -> str:
        return "PostgreSQL text fields cannot contain NUL (0x00) bytes"


class _Other(Exception):
    sqlstate = None


def test_a_driver_data_error_without_sqlstate_is_not_a_number() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/nul")
    def nul() -> None:
        raise DataError("INSERT ...", {}, _Nul())

    @app.get("/other")
    def other() -> None:
        raise DataError("INSERT ...", {}, _Other())

    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/nul")
    assert r.status_code == 422 and "too large" not in r.text, r.text  # noqa: PLR2004
    assert "control characters are not allowed" in r.json()["detail"], r.text
    assert client.get("/other").status_code == 500  # noqa: PLR2004 - a fault of ours, not a number


def test_the_band_quote_form_refuses_a_nul_in_its_reason(runtime: Runtime, tmp_path: Path) -> None:
    """The page's forms refuse what the API's body does, naming the field, on both databases
    (SQLite stored the NUL; PostgreSQL's driver refused it: a 404 "out of range" page)."""
    ds_id, _ = released(runtime, people(runtime), tmp_path)
    cust = customer(runtime)
    web = TestClient(create_app(runtime), raise_server_exceptions=False)
    web_login(web, "sales")
    page = f"/catalog/{ds_id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get(page).text)
    assert token is not None
    form = {"customer_id": str(cust), "price": "90000", "territory": "PRC",
            "term": "perpetual", "usage_scope": "internal training",
            "acceptance_criteria": "manifest ok", "band_reason": "tender won\x00 at 3 lots",
            "csrf_token": token.group(1)}
    r = web.post(f"{page}/band-quotes", data=form, follow_redirects=False)
    assert r.status_code == 422 and "control character" in r.text, r.text[-2000:]  # noqa: PLR2004
    with runtime.session() as s:
        assert s.scalars(select(CatalogBandQuote)).first() is None


#: a settlement list names one vendor: one that does not exist is 404, not an empty list
NAMED_VENDOR_FILTERS = ["/settlements?vendor_id=", "/settlement-periods?vendor_id="]
LIST_FILTERS = ["/reports/output-ratio?project_id=", "/reports/vendor-throughput?project_id=",
                "/procurement/agreements?vendor_id=", "/procurement/orders?vendor_id=",
                "/procurement/orders?project_id=", "/catalog/licences?dataset_id=",
                "/catalog/retention/certificates?project_id=", "/catalog/band-quotes?dataset_id="]


def test_list_filters_by_an_id_beyond_the_column_list_nothing(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """As SQLite answered: PostgreSQL refused the number (422 "too large for the database")."""
    with TestClient(create_app(runtime), raise_server_exceptions=False) as api:
        admin = login(api, "admin")
        for path in LIST_FILTERS:
            r = api.get(f"{API}{path}{BIG}", headers=admin)
            assert r.status_code == 200 and r.json() == [], (path, r.text)  # noqa: PLR2004
        for path in NAMED_VENDOR_FILTERS:
            r = api.get(f"{API}{path}{BIG}", headers=admin)
            assert r.status_code == 404, (path, r.text)  # noqa: PLR2004
            assert r.json()["reason_code"] == "object_not_found", (path, r.text)
        r = api.get(f"{API}/deliveries/{BIG}", headers=admin)  # get_or_raise: not_found
        assert r.status_code == 404, r.text  # noqa: PLR2004
