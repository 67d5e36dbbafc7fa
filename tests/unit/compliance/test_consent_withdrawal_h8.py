"""Trial h8: a contributor's withdrawal is honoured even when their consent was never recorded
(a corpus imported with its speaker ids), and a scoped withdrawal that leaves consent in another
scope neither takes the items out now nor lets batching treat them differently later."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.consent import record_consent, withdraw_consent, withdrawn_item_ids
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Forbidden, NotFound
from datamill.production.models import Annotation, Batch, BatchItem
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.compliance._security_world import make_project


@pytest.fixture
def world(sqlite_runtime: Runtime) -> dict[str, Any]:
    with sqlite_runtime.session() as s:
        pm = create_user(s, "pm", "password1", "project_manager")
        pid, items = make_project(s, "wd", [pm], [
            {"subject_id": "spk01", "prompt": "one"}, {"subject_id": "spk01", "prompt": "two"},
            {"subject_id": "spk02", "prompt": "three"}])
        batch = Batch(project_id=pid, name="b1", status="open")
        s.add(batch)
        s.flush()
        for iid in items:
            ann = Annotation(item_id=iid, version=1, stage="annotate", kind="annotation",
                             segments=[], text="t")
            s.add(ann)
            s.flush()
            s.add(BatchItem(batch_id=batch.id, item_id=iid, annotation_id=ann.id))
    return {"rt": sqlite_runtime, "pm": pm.id, "pid": pid, "items": items, "batch": batch.id}


def _batched(s: Any, batch: int) -> list[int]:
    return sorted(s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == batch)).all())


def test_withdrawal_without_a_recorded_consent_excludes_the_items(world: dict[str, Any]) -> None:
    rt, pid, items = world["rt"], world["pid"], world["items"]
    with rt.session() as s:
        r = withdraw_consent(s, s.get(User, world["pm"]), pid, " spk01 ")
        assert r["recorded_without_consent"] is True and r["items"] == 2
        assert [x["item_id"] for x in r["removed_from_batches"]] == items[:2]
    with rt.session() as s:
        assert withdrawn_item_ids(s, pid) == set(items[:2])
        assert _batched(s, world["batch"]) == [items[2]]
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "security.consent_withdrawn")).one()
        assert audit.data["recorded_without_consent"] is True
        assert audit.data["subject_id"] == "spk01" and audit.data["scopes"] == ["collection"]
        # a mistyped subject (no record, no item) is refused with a code
        with pytest.raises(NotFound) as err:
            withdraw_consent(s, s.get(User, world["pm"]), pid, "spk99")
        assert err.value.details["reason_code"] == "consent_subject_unknown"


def test_withdrawing_one_scope_of_two_keeps_the_items(world: dict[str, Any]) -> None:
    rt, pid, items = world["rt"], world["pid"], world["items"]
    with rt.session() as s:
        pm = s.get(User, world["pm"])
        record_consent(s, pm, pid, "spk01", scope="collection")
        record_consent(s, pm, pid, "spk01", scope="commercial")
        r = withdraw_consent(s, pm, pid, "spk01", scope="collection")
        assert r["consent_kept"] == ["commercial"] and r["removed_from_batches"] == []
    with rt.session() as s:
        # what batching later skips and what the withdrawal took out now agree
        assert withdrawn_item_ids(s, pid) == set()
        assert _batched(s, world["batch"]) == items
        r = withdraw_consent(s, s.get(User, world["pm"]), pid, "spk01", scope="commercial")
        assert r["consent_kept"] == [] and len(r["removed_from_batches"]) == 2
        assert withdrawn_item_ids(s, pid) == set(items[:2])


@pytest.fixture
def client(world: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(world["rt"])) as c:
        yield c


def test_web_withdrawal_refusal_is_worded_in_chinese(client: TestClient,
                                                      world: dict[str, Any]) -> None:
    web_login(client, "pm")
    token = csrf_of(client)
    r = client.post("/security/consent/withdraw", data={
        "project_id": world["pid"], "subject_id": "spk99", "csrf_token": token},
        headers={"Accept-Language": "zh-CN"}, follow_redirects=False)
    assert r.status_code == 404
    assert "主体 spk99 在本项目中既没有授权同意记录" in r.text
    r = client.post("/security/consent/withdraw", data={
        "project_id": world["pid"], "subject_id": "spk02", "csrf_token": token},
        follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/security?ok=withdrawn"


def test_withdrawal_flags_are_resolved_once_the_customer_deleted(
        client: TestClient, world: dict[str, Any]) -> None:
    from datamill.compliance.security_status import project_security
    from datamill.production.models import Delivery

    rt, pid, items = world["rt"], world["pid"], world["items"]
    with rt.session() as s:
        s.get(Batch, world["batch"]).status = "delivered"
        s.add(Delivery(batch_id=world["batch"], project_id=pid, path="/x"))
        s.flush()
        r = withdraw_consent(s, s.get(User, world["pm"]), pid, "spk01")
        assert len(r["flagged_delivered"]) == 2
    token = client.post("/api/v1/auth/token", json={"username": "pm", "password": "password1"})
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    url = f"/api/v1/security/projects/{pid}/consent-flags/resolve"
    assert client.post(url, json={"note": "  "}, headers=auth).status_code == 422
    assert client.post(url, json={"note": "x", "flag_ids": [999]}, headers=auth).status_code == 404
    r = client.post(url, json={"note": "customer mail 2026-12-06: deleted"}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["items"] == items[:2]
    assert client.post(url, json={"note": "again"}, headers=auth).status_code == 409
    with rt.session() as s:
        assert project_security(s, pid)["open_flags"] == 0
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "security.consent_flags_resolved")).one()
        assert audit.actor_id == world["pm"] and audit.data["note"].startswith("customer mail")


def test_the_data_security_office_records_a_withdrawal(world: dict[str, Any]) -> None:
    rt, pid, items = world["rt"], world["pid"], world["items"]
    with rt.session() as s:
        dso = create_user(s, "dso", "password1", "data_security_officer")
        aud = create_user(s, "aud", "password1", "auditor")
    with rt.session() as s:
        with pytest.raises(Forbidden):
            withdraw_consent(s, s.get(User, aud.id), pid, "spk02")
        r = withdraw_consent(s, s.get(User, dso.id), pid, "spk02")
        assert r["items"] == 1 and r["removed_from_batches"][0]["item_id"] == items[2]


def test_the_office_page_has_the_withdrawal_form(client: TestClient, world: dict[str, Any]) -> None:
    with world["rt"].session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
    web_login(client, "dso")
    page = client.get("/security")
    assert page.status_code == 200 and 'data-testid="form-withdraw"' in page.text
