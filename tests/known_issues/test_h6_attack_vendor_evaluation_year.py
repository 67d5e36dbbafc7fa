"""Helper h6 (attacker): the supplier list's "evaluate" form answered 500 for a year the
calendar has no room for.

Found by posting every web form with odd values on a live server: ``POST
/workforce/vendors/1/evaluate`` with ``year=0`` or ``-1`` raised ``ValueError: year 0 is out of
range`` inside ``date(year, 1, 1)`` (500 "Internal error"); the API's route takes only
1900..2999 in its path, the page's form and the service took any integer. Now the service
refuses a year outside 1900..2999 (422 naming ``year``) on every face."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.performance import evaluate_vendor
from datamill.workforce.vendors import create_vendor
from tests.known_issues._web import csrf_of, web_login


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("year", ["0", "-1", "9999", "10000"])
def test_the_evaluate_form_refuses_a_year_off_the_calendar(
    client: TestClient, runtime: Runtime, users: dict[str, User], year: str
) -> None:
    with runtime.session() as s:
        vendor_id = create_vendor(s, users["admin"], name="Acme", kind="company").id
    web_login(client, "admin")
    r = client.post(f"/workforce/vendors/{vendor_id}/evaluate",
                    data={"year": year, "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 422, r.text[-400:]
    ok = client.post(f"/workforce/vendors/{vendor_id}/evaluate",
                     data={"year": "2026", "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert ok.status_code == 303, ok.text[-400:]


def test_the_service_names_the_year(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        vendor_id = create_vendor(s, admin, name="Acme", kind="company").id
        with pytest.raises(InvalidInput) as refused:
            evaluate_vendor(s, admin, vendor_id, 0)
    assert refused.value.details["field"] == "year"


def test_a_chinese_reader_is_told_the_range_in_chinese(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    # the refusal had no reason code: a zh-CN page printed the English sentence
    with runtime.session() as s:
        vendor_id = create_vendor(s, users["admin"], name="Acme", kind="company").id
    web_login(client, "admin")
    client.cookies.set("lang", "zh-CN")
    r = client.post(f"/workforce/vendors/{vendor_id}/evaluate",
                    data={"year": "0", "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 422, r.text[-400:]
    assert "年份 0 不在 1900..2999 之内" in r.text, r.text[-600:]
    # the English stays only as the page's "details (in English)" line
    without = re.sub(r'<p[^>]*data-testid="error-original".*?</p>', "", r.text, flags=re.S)
    assert "is not a calendar year" not in without
