"""The annotation-output ratio (标产比) achieved beside the one budgeted (domain §4.6, §6.8).

The ratio achieved is measured by workforce (:func:`~datamill.workforce.throughput.
output_ratio_report`: work hours per unit of data, per project and stage); the ratio budgeted
is the ledger's (:func:`~datamill.ledger.ratio_tests.budgeted_ratios`: the one on the approved
budget's line, from the pre-start self-test, a customer agreement or the plan). Ledger and
workforce never import each other, so the two meet here, one layer above both (as in
:mod:`datamill.paid_once`); the finance page, its CSV, the API and the CLI read the report
through :func:`output_ratio_beside_budget`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.ledger.ratio_tests import budgeted_ratios
from datamill.workforce.throughput import OutputRatioRow, output_ratio_report

__all__ = ["BudgetedRatioRow", "output_ratio_beside_budget"]


class BudgetedRatioRow(OutputRatioRow):
    """:class:`OutputRatioRow` with the approved budget's ratio of the project and stage:
    ``budgeted_ratio`` (work hours per unit), ``budgeted_source`` (``self_test``,
    ``agreed`` or ``plan``) and ``deviation`` = achieved / budgeted − 1 (positive: slower
    than budgeted)."""

    budgeted_ratio: Decimal | None = None
    budgeted_source: str | None = None
    deviation: Decimal | None = None


def output_ratio_beside_budget(
    session: Session, *, project_id: int | None = None, date_from: date | None = None,
    date_to: date | None = None, reader: User | None = None,
) -> list[BudgetedRatioRow]:
    """The achieved-ratio report (as ``reader`` may see it), each row with its budgeted ratio."""
    rows = output_ratio_report(session, project_id=project_id, date_from=date_from,
                               date_to=date_to, reader=reader)
    budgeted = budgeted_ratios(session, {r.project_id for r in rows})
    out = []
    for r in rows:
        ratio, source = budgeted.get((r.project_id, r.stage), (None, None))
        deviation = None
        if ratio and r.ratio is not None:
            deviation = (r.ratio / ratio - 1).quantize(Decimal("0.0001"))
        out.append(BudgetedRatioRow(**r.model_dump(), budgeted_ratio=ratio,
                                    budgeted_source=source, deviation=deviation))
    return out
