"""An acceptance may name the items the customer refused: the rest is accepted and paid in
full, the refused items go back to rework (to be delivered and paid again), instead of every
vendor being paid pro rata for a share nobody can place."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.core.errors import InvalidInput
from datamill.production.delivery import get_delivery, list_deliveries, record_acceptance
from datamill.production.models import Delivery, DomainEvent, Item, TaskAssignment
from datamill.runtime import Runtime
from tests.known_issues.test_trial_h4_settlement_by_accepted_volume import (  # noqa: F401
    _sheets,
    world,
)


def test_refused_items_are_reworked_and_the_rest_is_paid_in_full(
    runtime: Runtime, world: dict[str, int],  # noqa: F811
) -> None:
    d = world["delivery"]
    with runtime.session() as s, pytest.raises(InvalidInput, match="not in delivery"):
        record_acceptance(s, d, refused_items=["i3", "nope"])
    with runtime.session() as s, pytest.raises(InvalidInput, match="agree with them"):
        record_acceptance(s, d, refused_items=["i3"], accepted_items=3)
    with runtime.session() as s, pytest.raises(InvalidInput, match="rejection instead"):
        record_acceptance(s, d, refused_items=[f"i{n}" for n in range(5)])
    with runtime.session() as s, pytest.raises(InvalidInput, match="either all"):
        record_acceptance(s, d, refused_items=["i3"], accept_all=True)
    with runtime.session() as s:
        took = record_acceptance(s, d, refused_items=["i3", " i3 "], note="blurred")
        assert (took.accepted_items, took.accepted_volume_base) == (4, 4)
        refused = s.scalars(select(Item).where(Item.external_id == "i3")).one()
        # named as the customer named them (was the internal ids, [refused.id])
        assert took.refused_items == ["i3"] and refused.status == "rework"
        row = s.get(Delivery, d)
        assert row is not None and row.refused_items == [refused.id]  # settlement's own key
        assert get_delivery(s, d).refused_items == ["i3"]
        assert [v.refused_items for v in list_deliveries(s, row.project_id)] == [["i3"]]
        assert took.acceptance_note == "blurred"  # trial 8: stored but never shown
        hold = s.scalars(select(TaskAssignment).where(
            TaskAssignment.user_id.is_not(None), TaskAssignment.status == "returned")).one()
        assert "refused by the customer" in (hold.return_reason or "") and "blurred" in (
            hold.return_reason or "")
        event = s.scalars(select(DomainEvent).where(DomainEvent.type == "delivery.accepted")).one()
        assert event.payload["refused_items"] == 1 and event.payload["accepted_items"] == 4
    v1, v2 = _sheets(runtime, world)
    (a,), (m,) = v1.lines, v2.lines
    # was pro rata: alice 2.4 images (4.80), mallory 1.6 (3.20) for nobody knew which
    assert (a.items, a.quantity, a.amount) == (3, Decimal("3"), Decimal("6.00"))
    assert (m.items, m.quantity, m.amount) == (1, Decimal("1"), Decimal("2.00"))
    assert "pro rata" not in a.description + m.description


def test_the_cli_names_refused_items(
    runtime: Runtime, world: dict[str, int], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["delivery", "accept", str(world["delivery"]), "--refuse", "i0",
                                 "--refuse", "i4", "--as", "boss", "--json"])
    assert r.exit_code == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert out["accepted_items"] == 3 and out["refused_items"] == ["i0", "i4"]
    shown = CliRunner().invoke(app, ["delivery", "show", str(world["delivery"]), "--as", "boss"])
    assert shown.exit_code == 0, shown.stdout + shown.stderr
    assert "refused, back to rework: i0, i4" in shown.stdout
    listed = CliRunner().invoke(app, ["delivery", "list", "1", "--as", "boss", "--json"])
    assert [v["refused_items"] for v in json.loads(listed.stdout)] == [["i0", "i4"]]


def test_the_customer_names_refused_items_on_the_web(
    runtime: Runtime, users: dict[str, object], tmp_path: Path,
) -> None:
    import re

    from fastapi.testclient import TestClient

    from datamill.compliance.users import add_member, create_user
    from datamill.server import create_app
    from tests.known_issues._web import web_login
    from tests.unit.production.helpers import ready_project
    from tests.unit.production.test_delivery_rejection import API, _accepted_batch, _auth

    pid = ready_project(runtime, users, tmp_path, 4)  # type: ignore[arg-type]
    with runtime.session() as s:
        add_member(s, pid, create_user(s, "buyer", "password1", "customer"), actor_id=None)
        ext = sorted(s.scalars(select(Item.external_id).where(Item.project_id == pid)))
    app_ = create_app(runtime)
    with TestClient(app_) as api:
        pm = _auth(api, "pm")
        batch = _accepted_batch(api, runtime, users, pid, pm)  # type: ignore[arg-type]
        d = api.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                     json={"formats": ["kaldi"]}).json()
    web = TestClient(app_, headers={"Accept-Language": "zh-CN"})
    web_login(web, "buyer")
    page = web.get(f"/projects/{pid}/deliveries").text
    assert 'data-testid="dlv-accept-refusing"' in page and "验收其余条目" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    # trial 14: an item not in the delivery showed an error page in English, and the typed
    # list was lost; the page comes back with the refusal in Chinese and the list as typed
    typed = f"{ext[0]}，不存在的条目"
    again = web.post(f"/deliveries/{d['id']}/accept-refusing", follow_redirects=False,
                     data={"refused": typed, "note": "第二批", "csrf_token": csrf.group(1)})
    assert again.status_code == 422, again.text
    assert 'data-testid="dlv-refused-form" data-form="refusing"' in again.text
    assert "交付" in again.text and "中没有这 1 个拒收条目：不存在的条目" in again.text
    assert f">{typed}</textarea>" in again.text
    assert 'value="第二批"' in again.text
    with runtime.session() as s:  # nothing recorded
        assert not s.scalars(select(Item).where(Item.status == "rework")).all()
    done = web.post(f"/deliveries/{d['id']}/accept-refusing", follow_redirects=False,
                    data={"refused": f"{ext[0]}，{ext[1]}\n", "csrf_token": csrf.group(1)})
    assert done.status_code == 303, done.text
    with runtime.session() as s:
        refused = s.scalars(select(Item).where(Item.external_id.in_(ext[:2]))).all()
        assert {i.status for i in refused} == {"rework"}
    after = web.get(f"{API}/deliveries/{d['id']}", headers=pm).json()
    assert after["accepted_items"] == 2 and after["refused_items"] == ext[:2]
    page = web.get(f"/projects/{pid}/deliveries").text
    assert f'<p data-testid="dlv-refused">拒收（返工中）：{ext[0]}, {ext[1]}</p>' in page
