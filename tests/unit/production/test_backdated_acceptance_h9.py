"""A delivery's acceptance report dated the day the customer signed it (finance clerk, round
h9): a report signed 31 December and entered in January booked its revenue in January, as a
delivery's acceptance was dated when it was recorded. As a licence's acceptance already does,
``accepted_on`` (CLI ``--on``, API ``accepted_on``, the web form's date) dates it: not after
today, not before the delivery was made, not in a closed ledger period (``delivery_acceptance_
closed``, naming the period); the ledger recognises the revenue in that day's period."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.business_clock import business_today, day_start
from datamill.cli import _common
from datamill.cli.main import app as cli
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.core.errors import Conflict, InvalidInput
from datamill.ledger.acceptance_dates import record_acceptance_on
from datamill.ledger.models import LedgerAcceptance, LedgerRecognition
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.recognition import process_acceptance_events
from datamill.production.delivery import record_acceptance
from datamill.production.models import Batch, Delivery
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

MS = 3_600_000  # one hour a delivery


def _delivery(s: Session, pp: int, made: date, n: int) -> int:
    batch = Batch(project_id=pp, name=f"b{n}", status="delivered")
    s.add(batch)
    s.flush()
    d = Delivery(batch_id=batch.id, project_id=pp, path="/tmp/pkg",  # noqa: S108
                 datasheet={"duration_ms": MS}, delivered_volume=1.0, delivered_items=10,
                 created_at=day_start(made) + timedelta(hours=15))
    s.add(d)
    s.flush()
    return d.id


def test_a_report_signed_in_december_and_entered_later_books_december(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "C-bd", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-bd", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        o = create_order(s, k.id, "O-bd", business_line="speech", offering="custom",
                         amount="10000.00", currency="CNY", total_volume="10",
                         volume_unit="hours", acceptance_type=3)
        pp, lp = ledger_project(s, "p-bd", o.id)
        approved_budget(s, lp, [line("annotation", "data_service", "10", "100")], ap,
                        approved_on=date(2018, 1, 3))
        close_period(s, "2018-11", actor_id=ap["finance_reviewer"])
        confirm_period(s, "2018-11", reviewer_id=ap["finance_head"])
        dec, nov, api_d, cli_d = (_delivery(s, pp, date(2018, 12, 20), 1),
                                  _delivery(s, pp, date(2018, 11, 20), 2),
                                  _delivery(s, pp, date(2018, 12, 21), 3),
                                  _delivery(s, pp, date(2018, 12, 22), 4))
        # refused: after today, before the delivery, into the closed November
        with pytest.raises(InvalidInput) as future:
            record_acceptance(s, dec, accept_all=True,
                              accepted_on=business_today() + timedelta(days=1))
        assert future.value.details["reason_code"] == "acceptance_future"
        with pytest.raises(InvalidInput, match="made on 2018-12-20") as early:
            record_acceptance(s, dec, accept_all=True, accepted_on=date(2018, 12, 19))
        assert early.value.details["reason_code"] == "delivery_accepted_before"
        with pytest.raises(Conflict, match="period 2018-11, which the ledger has closed") as shut:
            record_acceptance_on(s, nov, accept_all=True, accepted_on=date(2018, 11, 30))
        assert (shut.value.details["reason_code"], shut.value.details["period"],
                shut.value.details["first_open_day"]) == (
            "delivery_acceptance_closed", "2018-11", "2018-12-01")
        assert s.get(Delivery, nov).status == "delivered"  # type: ignore[union-attr]
        # signed 31 December, entered today: dated and recognised in December
        out = record_acceptance(s, dec, accept_all=True, accepted_on=date(2018, 12, 31))
        assert out.accepted_on == date(2018, 12, 31)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    with TestClient(create_app(runtime)) as api:  # the API's field
        tok = api.post("/api/v1/auth/token", json={"username": "admin",
                                                   "password": "password1"}).json()
        auth = {"Authorization": f"Bearer {tok['access_token']}"}
        r = api.post(f"/api/v1/deliveries/{api_d}/acceptance", headers=auth,
                     json={"all": True, "accepted_on": "2018-12-30"})
        assert r.status_code == 200, r.text
        assert r.json()["accepted_on"] == "2018-12-30"
    got = CliRunner().invoke(cli, ["delivery", "accept", str(cli_d), "--all", "--on",
                                   "2018-12-29", "--as", "admin"])
    assert got.exit_code == 0 and "dated 2018-12-29" in got.output, got.output
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        bad = CliRunner().invoke(cli, ["delivery", "accept", str(nov), "--all", "--on",
                                       "2018-11-30", "--as", "admin", "--json"])
        assert bad.exit_code != 0 and json.loads(bad.output)["error"]["reason_code"] == (
            "delivery_acceptance_closed"), bad.output
        worded = CliRunner().invoke(cli, ["delivery", "accept", str(nov), "--all", "--on",
                                          "2018-11-30", "--as", "admin"])
        assert "属于 2018-11 期间，该期间已结账" in worded.output, worded.output
        typo = CliRunner().invoke(cli, ["delivery", "accept", str(nov), "--all", "--on",
                                        "31/12/2018", "--as", "admin"])
        assert "不是日期" in typo.output, typo.output
    finally:
        get_settings.cache_clear()
    with runtime.session() as s:
        process_acceptance_events(s)
        days = s.execute(select(LedgerAcceptance.delivery_id, LedgerAcceptance.accepted_on)
                         .order_by(LedgerAcceptance.id)).tuples().all()
        assert days == [(dec, date(2018, 12, 31)), (api_d, date(2018, 12, 30)),
                        (cli_d, date(2018, 12, 29))]
        recognised = s.execute(select(LedgerRecognition.recognised_on, LedgerRecognition.revenue)
                               .order_by(LedgerRecognition.id)).tuples().all()
        assert [on for on, _ in recognised] == [date(2018, 12, 31), date(2018, 12, 30),
                                                date(2018, 12, 29)], recognised
        assert sum((r for _, r in recognised), Decimal(0)) == Decimal("3000.00")

