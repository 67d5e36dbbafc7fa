"""Procurement over HTTP (annual budget, purchase requests and their approvals, framework
agreements, purchase orders, volume matching) and budgets from the production plan.

The services decide who may do what: the business side raises and orders, approvers sign
their own level only, in order (403 otherwise); the plan endpoints pass the ledger's access
check like every ledger route.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, SessionDep
from datamill.api.params import Day, FlagQuery, Id, IdQuery, IdRef

# the ledger's rule: a writer of the books cleared for the project behind {project_id}
from datamill.api.routers.ledger import LedgerProjectWriter
from datamill.ledger import budget_plan
from datamill.ledger.schemas import BudgetOut
from datamill.workforce import procurement, purchase_orders
from datamill.workforce.procurement_schemas import (
    AgreementOut,
    ProcurementBudgetOut,
    PurchaseOrderOut,
    PurchaseRequestOut,
    VolumeLineOut,
)

__all__ = ["router"]

router = APIRouter(tags=["procurement"])
Num = Annotated[str, Field(min_length=1, max_length=40, description="A decimal string")]
Short = Annotated[str, Field(min_length=1, max_length=32)]
Reason = Annotated[str, Field(max_length=2000)]


class ApproverAdd(BaseModel):
    user_id: IdRef


class BudgetCreate(BaseModel):
    year: int = Field(ge=1900, le=2999)
    department: Annotated[str, Field(min_length=1, max_length=64)]
    collection_quantity: Num
    collection_price: Num
    labelling_quantity: Num
    labelling_price: Num


class Decision(BaseModel):
    decision: Literal["approve", "reject"] = "approve"
    reason: Reason = ""


class RequestCreate(BaseModel):
    department: Annotated[str, Field(min_length=1, max_length=64)]
    kind: Literal["collection", "labelling"]
    stage: Short
    modality: Short
    language_group: Short
    unit: Short
    quantity: Num
    unit_price: Num | None = None
    on: Day | None = None
    project_id: IdRef | None = None
    vendor_id: IdRef | None = None
    deviation_reason: Reason | None = None
    note: Reason = ""
    backdate_reason: Reason | None = None


class Combine(BaseModel):
    request_ids: list[IdRef] = Field(min_length=2, max_length=100)
    note: Reason = ""


class PriceLine(BaseModel):
    stage: Short
    modality: Short
    language_group: Short
    unit: Short
    unit_price: Num


class AgreementCreate(BaseModel):
    vendor_id: IdRef
    number: Annotated[str, Field(min_length=1, max_length=64)]
    valid_from: Day
    valid_to: Day
    prices: list[PriceLine] = Field(max_length=500)
    terms: Reason = ""
    settlement_method: Short = "weekly"


class OrderCreate(BaseModel):
    request_id: IdRef
    vendor_id: IdRef
    project_id: IdRef
    quantity: Num
    agreement_id: IdRef | None = None
    on: Day | None = None


class PlanIn(BaseModel):
    deliverable: Num
    loss_rate: Num
    output_ratio: Num
    on: Day
    collection_stage: Short = "collect"
    labelling_stage: Short = "annotate"
    vendor_id: IdRef | None = None
    collection_price: Num | None = None
    labelling_price: Num | None = None


@router.post("/procurement/approvers", status_code=status.HTTP_204_NO_CONTENT)
def add_approver(body: ApproverAdd, session: SessionDep, user: CurrentUser) -> None:
    """Give a user the procurement approval role (admins only)."""
    procurement.register_procurement_approver(session, user, body.user_id)


@router.post("/procurement/budgets", status_code=status.HTTP_201_CREATED)
def create_budget(body: BudgetCreate, session: SessionDep, user: CurrentUser
                  ) -> ProcurementBudgetOut:
    return procurement.create_procurement_budget(session, user, **body.model_dump())


@router.get("/procurement/budgets")
def list_budgets(session: SessionDep, user: CurrentUser,
                 year: Annotated[int | None, Query(ge=1900, le=2999)] = None
                 ) -> list[ProcurementBudgetOut]:
    return procurement.list_budgets(session, user, year)


@router.post("/procurement/budgets/{budget_id}/decision")
def decide_budget(budget_id: Id, body: Decision, session: SessionDep, user: CurrentUser
                  ) -> ProcurementBudgetOut:
    """The next level signs: dept. manager, then Finance."""
    return procurement.decide_budget(session, user, budget_id, body.decision, body.reason)


@router.post("/procurement/requests", status_code=status.HTTP_201_CREATED)
def create_request(body: RequestCreate, session: SessionDep, user: CurrentUser
                   ) -> PurchaseRequestOut:
    """Raise a request; a unit price >10% off the price system needs ``deviation_reason``."""
    return procurement.create_request(session, user, **body.model_dump())


@router.get("/procurement/requests")
def list_requests(session: SessionDep, user: CurrentUser,
                  status_: Annotated[str | None, Query(alias="status", max_length=16)] = None,
                  flagged: FlagQuery = False) -> list[PurchaseRequestOut]:
    return procurement.list_requests(session, user, status=status_, flagged_only=flagged)


@router.post("/procurement/requests/combination", status_code=status.HTTP_201_CREATED)
def combine_requests(body: Combine, session: SessionDep, user: CurrentUser
                     ) -> PurchaseRequestOut:
    return procurement.combine_requests(session, user, body.request_ids, body.note)


@router.get("/procurement/requests/{request_id}")
def get_request(request_id: Id, session: SessionDep, user: CurrentUser) -> PurchaseRequestOut:
    return procurement.get_request(session, user, request_id)


@router.post("/procurement/requests/{request_id}/decision")
def decide_request(request_id: Id, body: Decision, session: SessionDep, user: CurrentUser
                   ) -> PurchaseRequestOut:
    """The next level signs: dept. manager → VP (→ finance head) → procurement."""
    return procurement.decide_request(session, user, request_id, body.decision, body.reason)


@router.post("/procurement/agreements", status_code=status.HTTP_201_CREATED)
def create_agreement(body: AgreementCreate, session: SessionDep, user: CurrentUser
                     ) -> AgreementOut:
    data = body.model_dump()
    return purchase_orders.create_agreement(session, user, **data)


@router.get("/procurement/agreements")
def list_agreements(session: SessionDep, user: CurrentUser, vendor_id: IdQuery = None
                    ) -> list[AgreementOut]:
    return purchase_orders.list_agreements(session, user, vendor_id)


@router.post("/procurement/agreements/{agreement_id}/approval")
def approve_agreement(agreement_id: Id, session: SessionDep, user: CurrentUser) -> AgreementOut:
    return purchase_orders.approve_agreement(session, user, agreement_id)


@router.post("/procurement/orders", status_code=status.HTTP_201_CREATED)
def create_order(body: OrderCreate, session: SessionDep, user: CurrentUser) -> PurchaseOrderOut:
    return purchase_orders.create_purchase_order(session, user, **body.model_dump())


@router.get("/procurement/orders")
def list_orders(session: SessionDep, user: CurrentUser, vendor_id: IdQuery = None,
                project_id: IdQuery = None) -> list[PurchaseOrderOut]:
    return purchase_orders.list_purchase_orders(session, user, vendor_id=vendor_id,
                                                project_id=project_id)


@router.get("/settlements/{sheet_id}/volume")
def sheet_volume(sheet_id: Id, session: SessionDep, user: CurrentUser) -> list[VolumeLineOut]:
    """Each project × stage of the sheet against the vendor's purchase orders."""
    return purchase_orders.check_sheet_volume(session, user, sheet_id)




@router.post("/ledger/projects/{project_id}/budget-plan")
def plan_budget(project_id: Id, body: PlanIn, session: SessionDep, user: LedgerProjectWriter
                ) -> budget_plan.PlanOut:
    """Budget lines of a plan (nothing is saved): collection = deliverable × (1 + loss),
    annotation hours = collection × annotation-output ratio, prices from the price system."""
    return budget_plan.plan_budget(session, project_id, **body.model_dump())


@router.post("/ledger/projects/{project_id}/budget-plan/budget",
             status_code=status.HTTP_201_CREATED)
def create_budget_from_plan(project_id: Id, body: PlanIn, session: SessionDep,
                            user: LedgerProjectWriter) -> BudgetOut:
    """A draft budget version from the plan."""
    return budget_plan.create_budget_from_plan(session, project_id, actor_id=user.id,
                                               **body.model_dump())


@router.get("/ledger/projects/{project_id}/plan-variance")
def plan_variance(project_id: Id, session: SessionDep, user: CurrentUser,
                  period: Annotated[str | None, Query(max_length=32, description=(
                      "YYYY-MM: the costs incurred up to that month's end"))] = None,
                  ) -> budget_plan.VarianceOut:
    """Actual against the approved budget, per stage (quantity and amount), for readers of the
    books (admins, project managers, finance, ledger approvers, sales, auditors) cleared for
    the project: 403 for anyone else, as on the web page and in the CLI. ``period`` that is
    not a month is refused (422), as on the page and in the CLI."""
    return budget_plan.readable_plan_variance(session, user, project_id, period)
