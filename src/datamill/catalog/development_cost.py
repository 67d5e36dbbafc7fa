"""What each catalog dataset cost to develop, for the licence report's margin.

A dataset's development cost is what its source projects booked (posted costs, R&D expense)
plus the datasets it bought. A source shared by several datasets is shared out, not counted
in full by each (the report's development costs then added up to more than was spent, and
each sharing dataset's margin was understated): a product-development project's cost by the
number of its accepted items each dataset takes from it (its source batches' items), a bought
dataset's cost in equal parts. Each share is in fen; the rounding remainder goes to the last
dataset (by id), so the shares add up to the source's cost exactly.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.catalog.models import CatalogSource, ThirdPartyDataset
from datamill.core.money import to_cents
from datamill.production.models import Batch, BatchItem

__all__ = ["development_costs"]


def _share(total: Decimal, weights: dict[int, int], into: dict[int, Decimal]) -> None:
    """Add ``total`` to ``into`` pro rata ``weights`` (equal parts where all are 0)."""
    ids = sorted(weights)
    whole = sum(weights.values())
    parts = {i: (weights[i] if whole else 1) for i in ids}
    denominator = whole or len(ids)
    given = Decimal(0)
    for i in ids[:-1]:
        part = to_cents(total * parts[i] / denominator)
        into[i] += part
        given += part
    into[ids[-1]] += total - given


def development_costs(session: Session) -> dict[int, Decimal]:
    """Each dataset's development cost by dataset id (datasets without sources absent)."""
    from datamill.ledger.models import LedgerCost, LedgerProject

    out: dict[int, Decimal] = defaultdict(Decimal)
    by_project: dict[int, dict[int, int]] = defaultdict(dict)
    for dataset_id, project_id, items in session.execute(
            select(CatalogSource.dataset_id, Batch.project_id, func.count(BatchItem.id))
            .join(Batch, Batch.id == CatalogSource.batch_id)
            .outerjoin(BatchItem, BatchItem.batch_id == Batch.id)
            .group_by(CatalogSource.dataset_id, Batch.project_id)):
        by_project[project_id][dataset_id] = int(items or 0)
    if by_project:
        spent = dict(session.execute(
            select(LedgerProject.production_project_id, func.sum(LedgerCost.amount))
            .join(LedgerProject, LedgerProject.id == LedgerCost.project_id)
            .where(LedgerProject.production_project_id.in_(by_project),
                   LedgerCost.status == "posted")
            .group_by(LedgerProject.production_project_id)).all())
        for project_id, weights in by_project.items():
            _share(Decimal(spent.get(project_id) or 0), weights, out)
    by_bought: dict[int, dict[int, int]] = defaultdict(dict)
    cost_of: dict[int, Decimal] = {}
    for dataset_id, tp_id, cost in session.execute(
            select(CatalogSource.dataset_id, ThirdPartyDataset.id, ThirdPartyDataset.cost)
            .join(ThirdPartyDataset, ThirdPartyDataset.id == CatalogSource.third_party_id)):
        by_bought[tp_id][dataset_id] = 0
        cost_of[tp_id] = Decimal(cost or 0)
    for tp_id, weights in by_bought.items():
        _share(cost_of[tp_id], weights, out)
    return {k: to_cents(v) for k, v in out.items()}
