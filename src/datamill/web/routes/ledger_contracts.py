"""Contract pages: the list of contracts (customer, status, amount, signed date) with the draft
form and the customers' credit grades, and one contract (its orders and projects, approvals
pending and done, who did what) with the steps of its chain: price and signing approvals (of
the draft, or of a pending amendment or cancellation), the signature, an amendment, a
cancellation, and the customer's credit grade.

Readers are the ledger's (``view_ledger``: admins, project managers, finance and the ledger
approvers, sales, auditors). The draft, the amendment and the cancellation request need
``draft_contract`` (sales too; a contract never signed is cancelled at once, so only by its
drafter or finance), every other form writes the books (``ledger``), as the API's
``/ledger/contracts`` routes and ``datamill ledger contract-*``, and the services check the
rest (the approval role of each step, segregation of duties: never the drafter's or the
requester's approval). The credit grade is finance's
(:func:`~datamill.ledger.access.require_credit_grader`: sales are refused). A refused form
shows again on its page, with what was typed and the refusal in the page's language; a
refusal of the person (the matrix, an approval role, an own approval) is a 403.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.compliance.permissions import check
from datamill.compliance.roles import Action
from datamill.core.errors import Conflict, DatamillError, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.http_deps import SessionDep
from datamill.ledger.access import (
    require_contract_canceller,
    require_contract_drafter,
    require_credit_grader,
    require_customer_registrar,
    require_ledger_access,
)
from datamill.ledger.contract_views import CONTRACT_STATUSES, contract_page, contract_rows
from datamill.ledger.contracts import (
    amend_contract,
    approve_contract,
    cancel_contract,
    draft_contract,
    sign_contract,
)
from datamill.ledger.customers import (
    CUSTOMER_LANGUAGES,
    MAX_REASON,
    change_credit_grade,
    set_customer_language,
)
from datamill.ledger.orders import LEDGER_CONTRACT_KINDS, list_customers
from datamill.ledger.settings import CREDIT_GRADES, CURRENCIES
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    error_in_page_language,
    render,
    require_csrf,
)

__all__ = ["CONTRACT_DONE", "router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
#: a contract's id in a page's path: a plain int, so an id no contract can have (0, beyond a
#: 64-bit integer) answers 404 as on every page (``HtmlRoute``), not 422
ContractId = int
Csrf = Annotated[str, Form()]
Reason = Annotated[str, Form(max_length=MAX_REASON)]
#: what the contract page's forms did (``?ok=``), each worded ``fin.k.ok_<what>``
CONTRACT_DONE = ("drafted", "approved", "rejected", "signed", "amended", "cancelled", "graded",
                 "language")


def _day(value: str, field: str) -> date:
    """A form's date (YYYY-MM-DD); empty is today on the business's calendar."""
    if not value.strip():
        return business_today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError as err:
        raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD)", field=field) from err


def _status_of(exc: DatamillError) -> int:
    return 409 if isinstance(exc, Conflict) else 404 if isinstance(exc, NotFound) else 422


def _list_page(  # noqa: PLR0913 - the page, its filter and a refused form's values
    request: Request, session: Session, me: SignedIn, *, status: str | None = None,
    ok: str | None = None, error: str | None = None, form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    require_ledger_access(session, me.user, write=False)
    writes = check(session, me.user, Action.LEDGER) is None
    return render(request, "ledger_contracts.html", me, status_code=status_code,
                  rows=contract_rows(session, status=status), status=status or "",
                  statuses=CONTRACT_STATUSES, customers=list_customers(session),
                  can_draft=check(session, me.user, Action.DRAFT_CONTRACT) is None,
                  can_grade=writes, kinds=LEDGER_CONTRACT_KINDS,
                  currencies=CURRENCIES, grades=CREDIT_GRADES, form=form or {},
                  ok=ok if ok in CONTRACT_DONE else None, error=error)


def _contract_page(  # noqa: PLR0913 - the page, its notices and a refused form's values
    request: Request, session: Session, me: SignedIn, contract_id: int, *,
    ok: str | None = None, error: str | None = None, form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    require_ledger_access(session, me.user, write=False)
    page = contract_page(session, me.user, contract_id)
    return render(request, "ledger_contract.html", me, status_code=status_code, page=page,
                  k=page.detail.contract, grades=CREDIT_GRADES, languages=CUSTOMER_LANGUAGES,
                  today=business_today().isoformat(), form=form or {},
                  ok=ok if ok in CONTRACT_DONE else None, error=error)


@router.get("/finance/contracts", response_class=HTMLResponse)
def contracts_page(
    request: Request, session: SessionDep, me: WebUser,
    status: Annotated[str | None, Query(max_length=32)] = None,
    ok: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    return _list_page(request, session, me, status=status or None, ok=ok)


@router.get("/finance/contracts/{contract_id}", response_class=HTMLResponse)
def contract_view(
    request: Request, contract_id: ContractId, session: SessionDep, me: WebUser,
    ok: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    return _contract_page(request, session, me, contract_id, ok=ok)


@router.post("/finance/contracts/drafts")
def draft(  # noqa: PLR0913 - the form's fields
    request: Request, session: SessionDep, me: WebUser,
    number: Annotated[str, Form(max_length=64)] = "",
    customer_id: Annotated[int, Form(ge=1, le=2**63 - 1)] = 1,
    amount: Annotated[str, Form(max_length=40)] = "",
    kind: Annotated[str, Form(max_length=32)] = "custom",
    currency: Annotated[str, Form(max_length=3)] = "CNY",
    csrf_token: Csrf = "",
) -> Response:
    """Draft a contract: ``POST /api/v1/ledger/contracts/drafts``'s service call."""
    require_csrf(request, me, csrf_token)
    require_contract_drafter(session, me.user)
    form = {"number": number.strip(), "customer_id": str(customer_id), "amount": amount.strip(),
            "kind": kind, "currency": currency}
    try:
        if not form["number"]:
            raise InvalidInput("the contract needs its number", field="number")
        with session.begin_nested():
            k = draft_contract(session, form["number"], customer_id=customer_id,
                               amount=form["amount"], kind=kind, currency=currency,
                               actor_id=me.user.id)
    except (Conflict, InvalidInput, NotFound) as exc:
        return _list_page(request, session, me, error=error_in_page_language(request, exc),
                          form=form, status_code=_status_of(exc))
    return RedirectResponse(f"/finance/contracts/{k.id}?ok=drafted", status_code=303)


@router.post("/finance/contracts/{contract_id}/approve")
def approve(  # noqa: PLR0913 - the form's fields
    request: Request, contract_id: ContractId, session: SessionDep, me: WebUser,
    step: Annotated[str, Form(max_length=16)], decision: Annotated[str, Form(max_length=16)],
    reason: Reason = "", csrf_token: Csrf = "",
) -> Response:
    """Sign the awaited price or signing approval (of the draft or of its pending request):
    ``POST /api/v1/ledger/contracts/{id}/approvals``'s service call."""
    require_csrf(request, me, csrf_token)
    require_ledger_access(session, me.user, write=True)
    try:
        with session.begin_nested():
            check_note(reason, "reason")  # as the API's body: the service stores what it gets
            approve_contract(session, contract_id, me.user.id, step, decision=decision,
                             reason=reason.strip())
    except (Conflict, InvalidInput) as exc:
        return _contract_page(request, session, me, contract_id, form={"reason": reason},
                              error=error_in_page_language(request, exc),
                              status_code=_status_of(exc))
    done = "rejected" if decision == "reject" else "approved"
    return RedirectResponse(f"/finance/contracts/{contract_id}?ok={done}", status_code=303)


@router.post("/finance/contracts/{contract_id}/sign")
def sign(
    request: Request, contract_id: ContractId, session: SessionDep, me: WebUser,
    signed_on: Annotated[str, Form(max_length=10)] = "", csrf_token: Csrf = "",
) -> Response:
    """Record the signature: ``POST /api/v1/ledger/contracts/{id}/sign``'s service call."""
    require_csrf(request, me, csrf_token)
    require_ledger_access(session, me.user, write=True)
    try:
        with session.begin_nested():
            sign_contract(session, contract_id, _day(signed_on, "signed_on"),
                          actor_id=me.user.id)
    except (Conflict, InvalidInput) as exc:
        return _contract_page(request, session, me, contract_id, form={"signed_on": signed_on},
                              error=error_in_page_language(request, exc),
                              status_code=_status_of(exc))
    return RedirectResponse(f"/finance/contracts/{contract_id}?ok=signed", status_code=303)


@router.post("/finance/contracts/{contract_id}/amend")
def amend(  # noqa: PLR0913 - the form's fields
    request: Request, contract_id: ContractId, session: SessionDep, me: WebUser,
    amount: Annotated[str, Form(max_length=40)] = "", reason: Reason = "",
    on: Annotated[str, Form(max_length=10)] = "", csrf_token: Csrf = "",
) -> Response:
    """Ask for a new amount: ``POST /api/v1/ledger/contracts/{id}/amendments``'s call."""
    require_csrf(request, me, csrf_token)
    require_contract_drafter(session, me.user)
    form = {"amount": amount.strip(), "amend_reason": reason, "amend_on": on}
    try:
        with session.begin_nested():
            check_note(reason, "reason")
            amend_contract(session, contract_id, form["amount"], reason=reason,
                           on=_day(on, "on"), actor_id=me.user.id)
    except (Conflict, InvalidInput) as exc:
        return _contract_page(request, session, me, contract_id, form=form,
                              error=error_in_page_language(request, exc),
                              status_code=_status_of(exc))
    return RedirectResponse(f"/finance/contracts/{contract_id}?ok=amended", status_code=303)


@router.post("/finance/contracts/{contract_id}/cancel")
def cancel(  # noqa: PLR0913 - the form's fields
    request: Request, contract_id: ContractId, session: SessionDep, me: WebUser,
    reason: Reason = "", on: Annotated[str, Form(max_length=10)] = "", csrf_token: Csrf = "",
) -> Response:
    """Cancel (a signed contract: ask for it): ``POST /api/v1/ledger/contracts/{id}/cancel``."""
    require_csrf(request, me, csrf_token)
    require_contract_canceller(session, me.user, contract_id)
    try:
        with session.begin_nested():
            check_note(reason, "reason")
            cancel_contract(session, contract_id, on=_day(on, "on"), reason=reason,
                            actor_id=me.user.id)
    except (Conflict, InvalidInput) as exc:
        return _contract_page(request, session, me, contract_id,
                              form={"cancel_reason": reason, "cancel_on": on},
                              error=error_in_page_language(request, exc),
                              status_code=_status_of(exc))
    return RedirectResponse(f"/finance/contracts/{contract_id}?ok=cancelled", status_code=303)


@router.post("/finance/customers/{customer_id}/credit-grade")
def credit_grade(  # noqa: PLR0913 - the form's fields
    request: Request, customer_id: ContractId, session: SessionDep, me: WebUser,
    grade: Annotated[str, Form(max_length=16)], reason: Reason = "",
    contract_id: Annotated[int | None, Form(ge=1, le=2**63 - 1)] = None,
    csrf_token: Csrf = "",
) -> Response:
    """Change the customer's credit grade with the reason (finance's; sales refused):
    ``POST /api/v1/ledger/customers/{id}/credit-grade``'s service call. Back to the contract
    page the form was on (``contract_id``), else to the contracts list."""
    require_csrf(request, me, csrf_token)
    require_credit_grader(session, me.user)
    form = {"grade": grade, "grade_reason": reason}
    try:
        with session.begin_nested():
            check_note(reason, "reason")
            change_credit_grade(session, customer_id, grade, reason=reason, actor_id=me.user.id)
    except (InvalidInput, NotFound) as exc:
        error = error_in_page_language(request, exc)
        if contract_id is not None:
            return _contract_page(request, session, me, contract_id, form=form, error=error,
                                  status_code=_status_of(exc))
        return _list_page(request, session, me, form=form, error=error,
                          status_code=_status_of(exc))
    back = f"/finance/contracts/{contract_id}" if contract_id is not None else "/finance/contracts"
    return RedirectResponse(f"{back}?ok=graded", status_code=303)


@router.post("/finance/customers/{customer_id}/language")
def customer_language(  # noqa: PLR0913 - the form's fields
    request: Request, customer_id: ContractId, session: SessionDep, me: WebUser,
    contract_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
    language: Annotated[str, Form(max_length=16)] = "", csrf_token: Csrf = "",
) -> Response:
    """Set the language the customer's people read datamill in (whoever registers customers):
    ``PUT /api/v1/ledger/customers/{id}/language``'s service call; back to the contract page."""
    require_csrf(request, me, csrf_token)
    require_customer_registrar(session, me.user)
    try:
        with session.begin_nested():
            set_customer_language(session, customer_id, language or None, actor_id=me.user.id)
    except (InvalidInput, NotFound) as exc:
        return _contract_page(request, session, me, contract_id, form={"language": language},
                              error=error_in_page_language(request, exc),
                              status_code=_status_of(exc))
    return RedirectResponse(f"/finance/contracts/{contract_id}?ok=language", status_code=303)
