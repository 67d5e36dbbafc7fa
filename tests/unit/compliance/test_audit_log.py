"""Reading the audit trail (who did what): the read model and its three faces, over a real
database (both backends). Found by a trial compliance officer: the trail could only be
verified and signed, never read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.business_clock import business_today, local_time
from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.audit import record_audit, verify_audit
from datamill.compliance.audit_log import (
    MAX_LIMIT,
    AuditFilter,
    audit_readers,
    list_audit_records,
)
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.config import get_settings
from datamill.core.errors import Forbidden, InvalidInput
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login

PHONE = "13812345678"
ID_CARD = "11010519491231002X"


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, Any]:
    """Readers and non-readers, and records by several people on two projects (one holding
    personal data)."""
    with runtime.session() as s:
        for name, role in (("aud", "auditor"), ("dso", "data_security_officer"),
                           ("cust", "customer"), ("vw", "vendor_worker"),
                           ("vm", "vendor_manager"), ("fin", "finance")):
            create_user(s, name, "password1", role)
    with runtime.session() as s:
        ann1, pm = users["ann1"].id, users["pm"].id
        for i in range(3):
            record_audit(s, actor_id=ann1, action="annotation.submitted", object_type="task",
                         object_id=100 + i, project_id=7, data={"version": i})
        record_audit(s, actor_id=pm, action="annotation_rules.changed", object_type="project",
                     object_id=7, project_id=7, data={"note": "50%_off"})
        record_audit(s, actor_id=pm, action="security.consent_given", object_type="consent",
                     object_id=1, project_id=8,
                     data={"subject_id": "s1", "note": f"call {PHONE}",
                           "nested": [{"id": ID_CARD}], "count": 3,
                           PHONE: "a phone number as a key", "phone_int": int(PHONE)})
        record_audit(s, actor_id=None, action="retention.deleted", object_type="blob",
                     data={"blobs": 2})
    return {"ann1": users["ann1"].id, "pm": users["pm"].id}


def _user(s: Any, name: str) -> User:
    from datamill.compliance.users import get_user

    return get_user(s, name)


def _page(runtime: Runtime, who: str = "aud", **kw: Any) -> dict[str, Any]:
    limit = kw.pop("limit", 50)
    offset = kw.pop("offset", 0)
    with runtime.session() as s:
        return list_audit_records(s, _user(s, who), AuditFilter(**kw), limit=limit,
                                  offset=offset).model_dump(mode="json")


def _actions(page: dict[str, Any]) -> list[str]:
    return [r["action"] for r in page["items"]]


# -- the read model -------------------------------------------------------------------------------


def test_filters_newest_first_and_pages(runtime: Runtime, world: dict[str, Any]) -> None:
    everything = _page(runtime)
    ids = [r["id"] for r in everything["items"]]
    assert ids == sorted(ids, reverse=True) and everything["total"] == len(ids)
    assert everything["items"][0]["action"] == "retention.deleted"
    assert everything["items"][0]["actor"] is None  # the system

    by_ann = _page(runtime, actor="ann1")
    assert by_ann["total"] == 3 and {r["actor"] for r in by_ann["items"]} == {"ann1"}
    assert [r["object_id"] for r in by_ann["items"]] == [102, 101, 100]

    # a prefix, not a pattern: 'annotation.' does not match 'annotation_rules.changed', and
    # '%' / '_' are literal characters
    assert _actions(_page(runtime, action="annotation.")) == ["annotation.submitted"] * 3
    assert _page(runtime, action="annotation%")["total"] == 0
    assert _page(runtime, action="annotation_")["total"] == 1
    assert _page(runtime, object_type="task", object_id=101)["items"][0]["data"] == {
        "version": 1}
    assert _page(runtime, project_id=7)["total"] == 4
    assert _page(runtime, project_id=7, actor="pm")["total"] == 1

    first = _page(runtime, action="annotation.", limit=2)
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next_before"] is not None
    rest = _page(runtime, action="annotation.", limit=2, before=first["next_before"])
    assert [r["object_id"] for r in rest["items"]] == [100] and rest["next_before"] is None
    by_offset = _page(runtime, action="annotation.", limit=2, offset=2)
    assert [r["object_id"] for r in by_offset["items"]] == [100]


def test_time_range(runtime: Runtime, world: dict[str, Any]) -> None:
    today = business_today()
    total = _page(runtime)["total"]
    assert _page(runtime, since=today.isoformat(), until=today.isoformat())["total"] == total
    assert _page(runtime, since=(today + timedelta(days=1)).isoformat())["total"] == 0
    assert _page(runtime, until=(today - timedelta(days=1)).isoformat())["total"] == 0
    newest = _page(runtime, limit=1)["items"][0]
    at = newest["at"]  # an exact datetime is inclusive at both ends
    assert newest["id"] in [r["id"] for r in _page(runtime, since=at)["items"]]
    assert newest["id"] in [r["id"] for r in _page(runtime, until=at)["items"]]
    assert newest["id"] in [r["id"] for r in _page(runtime, since=at, until=at)["items"]]
    # naive means the business clock, as the page shows the time
    naive = f"{local_time(datetime.fromisoformat(at)):%Y-%m-%dT%H:%M:%S.%f}"
    assert _page(runtime, since=naive)["total"] == _page(runtime, since=at)["total"]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_a_day_is_the_business_day_the_page_shows(
    runtime: Runtime, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, zone: str,
) -> None:
    """A clerk in Asia/Shanghai filtering 2026-12-07 missed the records of 00:00-08:00 local
    time (the filter took UTC days while the page shows business time) and got those of the
    next morning's 00:00-08:00; on every face (CLI, API and page read this one function)."""
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", zone)
    get_settings.cache_clear()
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    local = {"before": datetime(2026, 12, 6, 23, 59, 59, tzinfo=tz),
             "first": datetime(2026, 12, 7, 0, 0, tzinfo=tz),
             "morning": datetime(2026, 12, 7, 7, 59, tzinfo=tz),
             "last": datetime(2026, 12, 7, 23, 59, 59, tzinfo=tz),
             "after": datetime(2026, 12, 8, 0, 0, tzinfo=tz)}
    with runtime.session() as s:
        for name, at in local.items():  # written at that moment
            monkeypatch.setattr("datamill.compliance.audit.utcnow",
                                lambda at=at: at.astimezone(UTC))
            record_audit(s, actor_id=None, action=f"clock.{name}", object_type="x")
    try:
        day = _actions(_page(runtime, action="clock.", since="2026-12-07", until="2026-12-07"))
        assert sorted(day) == ["clock.first", "clock.last", "clock.morning"]
        naive = _actions(_page(runtime, action="clock.", since="2026-12-07T00:00:00",
                               until="2026-12-07T07:59:00"))
        assert sorted(naive) == ["clock.first", "clock.morning"]
        # an explicit offset is that instant, whatever the business clock
        utc = _actions(_page(runtime, action="clock.",
                             since=local["after"].astimezone(UTC).isoformat()))
        assert utc == ["clock.after"]
    finally:
        get_settings.cache_clear()


def test_personal_data_is_masked(runtime: Runtime, world: dict[str, Any]) -> None:
    rec = _page(runtime, action="security.consent")["items"][0]
    text = json.dumps(rec["data"], ensure_ascii=False)
    assert PHONE not in text and ID_CARD not in text
    assert rec["data"]["note"] == "call 138****5678"
    assert rec["data"]["nested"][0]["id"].startswith("110105") and rec["data"]["count"] == 3
    assert rec["data"]["subject_id"] == "s1"
    assert rec["data"]["phone_int"] == "138****5678"  # a number is masked by its digits
    assert "138****5678" in rec["data"]  # and so is a key
    with runtime.session() as s:  # reading changes nothing: the chain still verifies
        assert verify_audit(s, runtime.settings).ok


def test_who_may_read(runtime: Runtime, world: dict[str, Any]) -> None:
    """The admin, the auditor and the data-security officer; never annotators, vendors'
    people, customers, nor project managers or finance."""
    assert set(audit_readers()) == {"admin", "data_security_officer", "auditor"}
    for who in ("admin", "aud", "dso"):
        assert _page(runtime, who)["total"] >= 6  # noqa: PLR2004
    for who in ("ann1", "vw", "vm", "cust", "pm", "fin", "insp"):
        with pytest.raises(Forbidden, match="may not read the audit trail") as err:
            _page(runtime, who)
        assert "auditor" in err.value.message and "data_security_officer" in err.value.message


BAD_FILTERS: list[tuple[dict[str, Any], str]] = [
    ({"actor": "nobody"}, "actor"),
    ({"since": "2024-13-01"}, "since"),
    ({"until": "yesterday"}, "until"),
    ({"since": "2024-05-02", "until": "2024-05-01"}, "since"),
    ({"action": "a\x00b"}, "action"),
    ({"object_id": 0}, "object_id"),
    ({"limit": 0}, "limit"),
    ({"limit": MAX_LIMIT + 1}, "limit"),
    ({"offset": -1}, "offset"),
    ({"since": "9999-12-31T23:59:59-05:00"}, "since"),  # beyond the last datetime in UTC
    ({"until": "0001-01-01T00:00:00+05:00"}, "until"),
    ({"project_id": 2**63}, "project_id"),
]


def test_ids_beyond_the_stored_range_match_nothing(runtime: Runtime, world: dict[str, Any]) -> None:
    """The trail's id columns are 32-bit: a larger (64-bit) id names no record, a larger
    ``before`` bounds nothing; neither is an error on PostgreSQL."""
    total = _page(runtime)["total"]
    for big in (2**31, 2**63 - 1):
        assert _page(runtime, project_id=big)["total"] == 0
        assert _page(runtime, object_id=big)["total"] == 0
        assert _page(runtime, before=big)["total"] == total


def test_bad_filters_name_the_field(runtime: Runtime, world: dict[str, Any]) -> None:
    for kw, field in BAD_FILTERS:
        with pytest.raises(InvalidInput) as err:
            _page(runtime, **kw)
        assert err.value.details["field"] == field, kw


# -- CLI ----------------------------------------------------------------------------------------


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def _cli(cli: CliRunner, *args: str, code: int = 0) -> Any:
    r = cli.invoke(cli_app, ["audit", "list", *args, "--json"])
    assert r.exit_code == code, r.output
    return json.loads(r.stdout)


def test_cli_list(cli: CliRunner, world: dict[str, Any]) -> None:
    page = _cli(cli, "--as", "aud", "--actor", "ann1", "--action", "annotation.", "--limit", "2")
    assert page["total"] == 3 and [r["object_id"] for r in page["items"]] == [102, 101]
    older = _cli(cli, "--as", "aud", "--actor", "ann1", "--before", str(page["next_before"]))
    assert [r["object_id"] for r in older["items"]] == [100]
    assert _cli(cli, "--as", "dso", "--project", "8")["items"][0]["data"]["note"] == (
        "call 138****5678")
    # errors are JSON too, with the documented exit codes
    err = _cli(cli, "--as", "ann1", code=6)["error"]
    assert err["code"] == "forbidden" and "auditor" in err["message"]
    assert _cli(cli, "--as", "aud", "--since", "soon", code=2)["error"]["field"] == "since"
    assert _cli(cli, "--as", "aud", "--limit", "5000", code=2)["error"]["field"] == "limit"
    assert _cli(cli, "--as", "ghost", code=3)["error"]["code"] == "not_found"
    assert _cli(cli, "--as", "aud", "--project", "no-such", code=3)["error"]["code"] == (
        "not_found")
    assert _cli(cli, "--as", "aud", "--limit", "many", code=2)["error"]["code"] == "usage"
    assert _cli(cli, code=2)["error"]["code"] == "usage"  # --as is required
    # and a table for people
    r = cli.invoke(cli_app, ["audit", "list", "--as", "aud", "--action", "security."],
                   env={"COLUMNS": "200"})
    assert r.exit_code == 0 and "security." in r.stdout and "┃ actor" in r.stdout
    assert PHONE not in r.stdout and "1-1 of 1 record(s)" in r.stdout


# -- API ----------------------------------------------------------------------------------------


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_api_records(client: TestClient, world: dict[str, Any]) -> None:
    url = f"{API}/audit/records"
    aud = login(client, "aud")
    r = client.get(url, params={"actor": "ann1", "action": "annotation.", "limit": 2},
                   headers=aud)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 3 and len(body["items"]) == 2 and body["limit"] == 2
    assert set(body["items"][0]) == {"id", "at", "actor_id", "actor", "action", "object_type",
                                     "object_id", "project_id", "data"}
    r = client.get(url, params={"before": body["next_before"], "actor": "ann1"}, headers=aud)
    assert [x["object_id"] for x in r.json()["items"]] == [100]
    r = client.get(url, params={"project_id": 8}, headers=login(client, "dso"))
    assert PHONE not in r.text and "138****5678" in r.text
    today = business_today().isoformat()
    r = client.get(url, params={"since": today, "until": today}, headers=aud)
    assert r.json()["total"] >= 6  # noqa: PLR2004

    for who in ("ann1", "cust", "vw", "pm"):
        r = client.get(url, headers=login(client, who))
        assert r.status_code == 403, (who, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "auditor" in r.json()["detail"]
    for params in ({"limit": MAX_LIMIT + 1}, {"since": "2024-02-30"}, {"actor": "nobody"},
                   {"object_id": 0}):
        assert client.get(url, params=params, headers=aud).status_code == 422, params
    assert client.get(url).status_code == 401

    doc = client.get(f"{API}/openapi.json").json()["paths"][url]["get"]
    names = {p["name"] for p in doc["parameters"]}
    assert {"actor", "action", "object_type", "object_id", "project_id", "since", "until",
            "before", "limit", "offset"} <= names
    assert {"200", "403", "422"} <= set(doc["responses"])


# -- web ----------------------------------------------------------------------------------------


def test_web_table(client: TestClient, world: dict[str, Any]) -> None:
    web_login(client, "aud")
    page = client.get("/audit", params={"actor": "ann1"})
    assert page.status_code == 200, page.text
    assert 'data-testid="audit-log"' in page.text and 'data-testid="audit-filters"' in page.text
    assert page.text.count('data-testid="audit-row"') == 3
    assert 'value="ann1"' in page.text and "annotation.submitted" in page.text
    page = client.get("/audit", params={"project_id": "8"})
    assert page.text.count('data-testid="audit-row"') == 1
    assert PHONE not in page.text and "138****5678" in page.text

    page = client.get("/audit", params={"since": "tomorrow"})
    assert page.status_code == 422 and 'data-testid="audit-filter-error"' in page.text
    assert 'data-testid="audit-status"' in page.text  # the verification still shows

    zh = client.get("/audit", headers={"Accept-Language": "zh-CN"})
    assert "操作记录" in zh.text and "操作人" in zh.text and "筛选" in zh.text
    # an action reads as words in both languages, its code kept beside (the filter takes codes)
    assert "提交标注 <code" in zh.text and "annotation.submitted" in zh.text
    assert '<td title="task">任务 #100</td>' in zh.text  # the object's kind too
    assert "annotation submitted <code" in client.get("/audit").text
    # a refused filter reads in the page's language (each was English on the zh-CN page)
    for params, words in (({"since": "2024-05-02", "until": "2024-05-01"}, "起始时间须早于截止时间"),
                          ({"since": "tomorrow"}, "须为 ISO 日期"),
                          ({"actor": "nobody"}, "没有名为 nobody 的用户"),
                          ({"project_id": "abc"}, "project_id 须为数字"),
                          ({"object_id": "99999999999999999999"}, "64 位以内的正整数")):
        page = client.get("/audit", params=params, headers={"Accept-Language": "zh-CN"})
        assert page.status_code == 422 and words in page.text, params

    for who in ("ann1", "cust", "vw"):
        web_login(client, who)
        assert client.get("/audit").status_code == 403, who


def test_web_pages_through_the_records(client: TestClient, runtime: Runtime,
                                       world: dict[str, Any]) -> None:
    with runtime.session() as s:
        for i in range(60):
            record_audit(s, actor_id=world["pm"], action="bulk.event", object_type="thing",
                         object_id=i + 1)
    web_login(client, "admin")
    first = client.get("/audit", params={"action": "bulk."})
    assert first.text.count('data-testid="audit-row"') == 50  # noqa: PLR2004
    assert 'data-testid="audit-older"' in first.text
    assert 'data-testid="audit-newer"' not in first.text
    second = client.get("/audit", params={"action": "bulk.", "offset": 50})
    assert second.text.count('data-testid="audit-row"') == 10  # noqa: PLR2004
    assert 'href="/audit?action=bulk.&amp;offset=0"' not in second.text
    assert 'data-testid="audit-newer"' in second.text and "51–60 / 60" in second.text


def test_records_of_a_project_above_the_readers_clearance_are_left_out(
    runtime: Runtime, users: dict[str, User]
) -> None:
    # trial 8: an auditor cleared "internal" did not see the confidential project in any list,
    # but read all its records (the customer's rejection reason included) in the audit trail
    from datamill.compliance.audit_log import audit_csv
    from datamill.compliance.classification import set_classification
    from datamill.production.projects import create_project
    from tests.unit.production.helpers import spec

    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
        pid = create_project(s, spec()).id
        open_pid = create_project(s, {**spec(), "name": "open-project"}).id
        for project_id in (pid, open_pid):
            record_audit(s, actor_id=users["pm"].id, action="delivery.rejected",
                         object_type="delivery", object_id=1, project_id=project_id,
                         data={"reason": "secret reason"})
        set_classification(s, s.merge(users["admin"]), pid, "confidential")
    with runtime.session() as s:
        aud, admin = _user(s, "aud"), _user(s, "admin")
        seen = {r.project_id for r in list_audit_records(s, aud, AuditFilter(
            action="delivery.rejected")).items}
        assert seen == {open_pid}
        assert list_audit_records(s, aud, AuditFilter(project_id=pid)).total == 0
        csv_text, rows = audit_csv(s, aud, AuditFilter(action="delivery.rejected"))
        assert rows == 1 and "secret reason" in csv_text
        assert {r.project_id for r in list_audit_records(s, admin, AuditFilter(
            action="delivery.rejected")).items} == {pid, open_pid}
