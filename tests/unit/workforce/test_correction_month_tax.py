"""A correction of an individual supplier's sheet withholds the tax on the month (trial h7).

The correction's tax was computed on top of the corrected sheet's gross alone: the month's
other weekly sheets and the sheet's earlier corrections were left out, so with the progressive
labour-remuneration tax too much was withheld. Two weeks of 2,120.00 and 1,060.00 (tax
264.00 + 212.00), then corrections of the first week by +2,000.00 and +100.00 (a correction
adds at most what the sheet paid, h5): the month's 5,280.00 owes 5,280 × 80 % × 20 % = 844.80;
the first correction withheld 395.20 (4,120 × 16 % − 264) where 352.80 is right.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.workforce._sheets import withholding_tax
from datamill.workforce.models import SettlementSheet
from datamill.workforce.settlement import create_correction_sheet, create_settlement_sheet
from tests.unit.workforce.test_individual_monthly_tax import _accepted_item, individual_at_106


def test_corrections_withhold_the_tax_on_the_months_gross(runtime: Runtime) -> None:
    with runtime.session() as s:
        admin = User(username="boss", display_name="boss", password_hash="x", role="admin")
        person = User(username="li", display_name="li", password_hash="x", role="annotator")
        s.add_all([admin, person])
        s.flush()
        vendor, _, project = individual_at_106(
            s, admin, person, name="Li Si", agreement_no="FA-IND-2", id_note="ID ****4321")
        weeks = [date(2024, 5, 6), date(2024, 5, 13)]
        sheets = []
        for n, monday in enumerate(weeks):
            for k in range(2 - n):  # two items in the first week, one in the second
                _accepted_item(s, project.id, person, 10 * n + k,
                               datetime(monday.year, monday.month, monday.day + 2, 3, tzinfo=UTC))
            sheets.append(create_settlement_sheet(s, admin, vendor.id, monday))
        assert [sh.tax_withheld for sh in sheets] == [Decimal("264.00"), Decimal("212.00")]
        first = s.get(SettlementSheet, sheets[0].id)
        assert first is not None
        first.status = "confirmed"  # both sides confirmed it (their steps are tested elsewhere)
        s.flush()
        c1 = create_correction_sheet(s, admin, first.id, "2000.00", "hours under-counted")
        c2 = create_correction_sheet(s, admin, first.id, "100.00", "a second batch found")
        assert (c1.tax_withheld, c2.tax_withheld) == (Decimal("352.80"), Decimal("16.00"))
        withheld = sum((sh.tax_withheld for sh in (*sheets, c1, c2)), Decimal(0))
        assert withheld == withholding_tax(Decimal("5280.00")) == Decimal("844.80")
        assert c1.net_payable == c1.gross - c1.tax_withheld
