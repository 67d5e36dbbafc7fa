"""A licence accepted on a day of a closed ledger month (finance clerk, round h17): the catalog
recorded the acceptance and the ledger's licence revenue recognition then refused that day, the
revenue never booked. As a delivery's acceptance (``delivery_acceptance_closed``), it is now
refused up front (``licence_acceptance_closed``, naming the period and the first open day), on
the service, the CLI (``--json`` too) and in zh-CN; a day of the open month books there."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from datamill.catalog import licences
from datamill.catalog.models import CatalogLicence
from datamill.cli import _common
from datamill.cli.main import app as cli
from datamill.config import get_settings
from datamill.core.errors import Conflict
from datamill.ledger.events import sync_ledger
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.recognition import list_recognitions
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released
from tests.unit.ledger.helpers import make_approvers

TERMS = {"territory": "PRC", "term": "perpetual", "usage_scope": "internal training",
         "acceptance_criteria": "manifest ok"}


def test_a_licence_is_not_accepted_into_a_closed_month(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      number="181105/ABC", price="300000",
                                      issued_on=date(2018, 11, 5), **TERMS)
        s.execute(update(CatalogLicence).where(CatalogLicence.id == lic.id)
                  .values(delivered_on=date(2018, 11, 20)))  # downloaded in November
        ap = make_approvers(s)
        close_period(s, "2018-11", actor_id=ap["finance_reviewer"])
        confirm_period(s, "2018-11", reviewer_id=ap["finance_head"])
    with runtime.session() as s, pytest.raises(
            Conflict, match="period 2018-11, which the ledger has closed") as shut:
        licences.accept_licence(s, who["sales"], lic.id, accepted_on=date(2018, 11, 30))
    assert {k: shut.value.details[k] for k in ("reason_code", "number", "period",
                                               "first_open_day")} == {
        "reason_code": "licence_acceptance_closed", "number": "181105/ABC",
        "period": "2018-11", "first_open_day": "2018-12-01"}
    monkeypatch.setattr(_common, "_runtime", [runtime])
    args = ["catalog", "accept", "181105/ABC", "--on", "2018-11-30", "--as", "sales"]
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        bad = CliRunner().invoke(cli, [*args, "--json"])
        assert bad.exit_code != 0 and json.loads(bad.stdout)["error"]["reason_code"] == (
            "licence_acceptance_closed"), bad.output
        worded = CliRunner().invoke(cli, args)
        assert "授权 181105/ABC 的验收日期 2018-11-30 属于 2018-11 期间，该期间已结账" in (
            worded.output), worded.output
    finally:
        get_settings.cache_clear()
    with runtime.session() as s:
        assert s.get(CatalogLicence, lic.id).status != "accepted"  # type: ignore[union-attr]
        licences.accept_licence(s, who["sales"], lic.id, accepted_on=date(2018, 12, 3))
        assert not sync_ledger(s).problems
        assert [r.recognised_on for r in list_recognitions(s, lic.order_id)] == [
            date(2018, 12, 3)]
