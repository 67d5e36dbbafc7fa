"""``/catalog/quote-requests``: a customer asks for a quote, sales answer or decline, the
customer accepts, sales license on it (:mod:`datamill.catalog.quote_requests`). A customer
sees its own organisation's requests only: another's is 404. ``/catalog/inbox``: a customer
account's notices (:mod:`datamill.catalog.inbox`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, SessionDep
from datamill.api.params import NOTE, Day, Id, IdQuery, IdRef
from datamill.api.problem import caller_language
from datamill.catalog import quote_requests
from datamill.catalog.inbox import InboxOut, customer_inbox, mark_inbox_read
from datamill.catalog.schemas import QuoteRequestOut

__all__ = ["router"]

router = APIRouter(prefix="/catalog", tags=["catalog"])
Num = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^\d{1,14}(\.\d{1,2})?$",
                           description="A decimal string")]
Text = Annotated[str, Field(max_length=5000), NOTE]
Short = Annotated[str, Field(max_length=200), NOTE]
Status = Literal["open", "awaiting_approval", "offered", "expired", "declined", "accepted",
                 "licensed", "withdrawn"]


class QuoteRequestCreate(BaseModel):
    dataset_id: IdRef | None = Field(None, description=(
        "The catalog dataset (listed, released); none: custom work, described in custom_work"))
    intended_use: Annotated[str, Field(min_length=1, max_length=5000), NOTE]
    scope: Annotated[str, Field(min_length=1, max_length=5000, description=(
        "How much and how wide: seats, teams, territory, term")), NOTE]
    message: Text | None = None
    custom_work: Text | None = None


class QuoteAnswer(BaseModel):
    price: Num
    currency: Annotated[str, Field(min_length=3, max_length=3)] | None = None
    fx_rate: Annotated[str, Field(min_length=1, max_length=20,
                                  pattern=r"^\d{1,6}(\.\d{1,6})?$")] | None = None
    territory: Short | None = None
    term: Short | None = None
    acceptance_criteria: Text | None = None
    note: Text | None = None
    band_reason: Text | None = Field(None, description=(
        "Why a price outside the band (8 letters or digits at least): the offer is shown once "
        "a second person approved its out-of-band quote"))
    valid_days: int | None = Field(None, description="Days the offer stays valid (1 to 90)")


class QuoteDecline(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]


class QuoteWithdrawal(BaseModel):
    reason: Annotated[str, Field(max_length=2000), NOTE] | None = None


class QuoteLicence(BaseModel):
    number: Annotated[str, Field(min_length=1, max_length=16)] | None = None
    release_id: IdRef | None = None
    issued_on: Day | None = None
    expires_on: Day | None = None


@router.post("/quote-requests", status_code=status.HTTP_201_CREATED)
def request_quote_endpoint(body: QuoteRequestCreate, session: SessionDep,
                           user: CurrentUser) -> QuoteRequestOut:
    """A customer asks for a quote on a catalog dataset, or for custom work (403
    ``quote_request_no_customer`` unless the account acts for a customer)."""
    return quote_requests.request_quote(session, user, **body.model_dump())


@router.get("/quote-requests")
def quote_requests_endpoint(
    session: SessionDep, user: CurrentUser, dataset_id: IdQuery = None,
    customer_id: IdQuery = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
) -> list[QuoteRequestOut]:
    """Quote requests, newest first: every one for staff, the caller's organisation's for a
    customer (an out-of-band answer awaiting approval shows ``open`` to the customer)."""
    return quote_requests.list_quote_requests(session, user, status=status_,
                                              dataset_id=dataset_id, customer_id=customer_id)


@router.get("/quote-requests/{request_id}")
def get_quote_request_endpoint(request_id: Id, session: SessionDep,
                               user: CurrentUser) -> QuoteRequestOut:
    return quote_requests.get_quote_request(session, user, request_id)


@router.post("/quote-requests/{request_id}/answer")
def answer_endpoint(request_id: Id, body: QuoteAnswer, session: SessionDep,
                    user: CurrentUser) -> QuoteRequestOut:
    """A salesperson's offer; outside the band it awaits a second person's approval of its
    out-of-band quote before the customer sees it."""
    return quote_requests.answer_quote_request(session, user, request_id, **body.model_dump())


@router.post("/quote-requests/{request_id}/decline")
def decline_endpoint(request_id: Id, body: QuoteDecline, session: SessionDep,
                     user: CurrentUser) -> QuoteRequestOut:
    return quote_requests.decline_quote_request(session, user, request_id, reason=body.reason)


@router.post("/quote-requests/{request_id}/acceptance")
def accept_endpoint(request_id: Id, session: SessionDep, user: CurrentUser) -> QuoteRequestOut:
    """The customer accepts the offer shown (403 ``quote_request_customer_only`` for staff)."""
    return quote_requests.accept_quote_offer(session, user, request_id)


@router.post("/quote-requests/{request_id}/withdrawal")
def withdraw_endpoint(request_id: Id, session: SessionDep, user: CurrentUser,
                      body: QuoteWithdrawal | None = None) -> QuoteRequestOut:
    """The customer withdraws its request before accepting an offer (a reason optional)."""
    return quote_requests.withdraw_quote_request(session, user, request_id,
                                                 reason=body.reason if body else None)


@router.post("/quote-requests/{request_id}/licence", status_code=status.HTTP_201_CREATED)
def licence_endpoint(request_id: Id, body: QuoteLicence, session: SessionDep,
                     user: CurrentUser) -> QuoteRequestOut:
    """Issue the licence on an accepted request, at its offered terms (every licence rule
    applies)."""
    return quote_requests.license_quote_request(session, user, request_id, **body.model_dump())


@router.get("/inbox")
def inbox_endpoint(request: Request, session: SessionDep, user: CurrentUser) -> InboxOut:
    """A customer account's notices, newest first (deliveries ready, quotes answered,
    licences issued or revoked, its statement changed) and how many are unread; each
    ``text`` in the caller's language (``Accept-Language``, else its organisation's). Staff
    have none."""
    return customer_inbox(session, user, caller_language(request))


@router.post("/inbox/read")
def inbox_read_endpoint(request: Request, session: SessionDep, user: CurrentUser) -> InboxOut:
    """Mark everything in the caller's inbox read (up to now)."""
    return mark_inbox_read(session, user, caller_language(request))
