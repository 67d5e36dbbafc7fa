"""An individual supplier's earnings count their corrections and say what tax was withheld
(trial h7).

The worker dashboard summed the individual's own settlement lines: a correction (a line of no
worker) never counted and the tax withheld was not shown, so two weeks of 1,060.00 and a
+1,000.00 correction read "Earnings to date 2,120.00" where the sheets paid 3,120.00 gross,
464.00 of it withheld (a correction adds at most what the sheet paid: h5). Earnings are now the sheets' gross, corrections included, per period
too, beside the tax withheld.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementSheet
from datamill.workforce.performance import worker_dashboard
from datamill.workforce.settlement import create_correction_sheet, create_settlement_sheet
from datamill.workforce.views import earnings_by_period
from tests._api import API, login, web_sign_in
from tests.unit.workforce.test_individual_monthly_tax import _accepted_item, individual_at_106


def test_an_individuals_earnings_count_corrections_and_show_the_tax(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        person = User(username="wu", display_name="wu", password_hash="x", role="annotator")
        s.add(person)
        s.flush()
        vendor, worker, project = individual_at_106(
            s, admin, person, name="Wu Liu", agreement_no="FA-IND-3", id_note="ID ****5678")
        ids = []
        for n, monday in enumerate([date(2024, 5, 6), date(2024, 5, 13)]):
            _accepted_item(s, project.id, person, n,
                           datetime(monday.year, monday.month, monday.day + 2, 3, tzinfo=UTC))
            ids.append(create_settlement_sheet(s, admin, vendor.id, monday).id)
        for sheet_id in ids:  # both sides confirmed them (their steps are tested elsewhere)
            row = s.get(SettlementSheet, sheet_id)
            assert row is not None
            row.status = "confirmed"
        s.flush()
        corr = create_correction_sheet(s, admin, ids[0], "1000.00", "hours under-counted")
        row = s.get(SettlementSheet, corr.id)
        assert row is not None
        row.status = "confirmed"
        s.flush()
        board = worker_dashboard(s, admin, worker.id)
        assert board.paid_by == "own_rate"
        assert (board.earnings, board.tax_withheld) == (Decimal("3120.00"), Decimal("464.00"))
        assert earnings_by_period(s, worker.id, False) == [
            {"period": "2024-05-06", "value": "2060.00"},
            {"period": "2024-05-13", "value": "1060.00"}]
        worker_id = worker.id
    with TestClient(create_app(runtime)) as c:  # the API and the page say the same
        got = c.get(f"{API}/workers/{worker_id}/dashboard", headers=login(c, "admin")).json()
        assert (got["earnings"], got["tax_withheld"]) == ("3120.00", "464.00"), got
        web_sign_in(c, "admin")
        page = c.get(f"/workforce/workers/{worker_id}").text
        assert 'data-testid="earnings"><b>3120.00' in page
        assert 'data-testid="tax-withheld">464.00' in page
