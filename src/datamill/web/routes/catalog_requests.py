"""The dataset page's quote-request forms (:mod:`datamill.catalog.quote_requests`, the API's
``/api/v1/catalog/quote-requests``): a customer asks and accepts, sales answer, decline and
license. A refusal shows beside the form, on the dataset page, in the page's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from datamill.catalog import quote_requests
from datamill.catalog.inbox import customer_inbox, mark_inbox_read
from datamill.compliance.roles import Role
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.web.routes._common import (
    HtmlRoute,
    WebUser,
    error_in_page_language,
    page_language,
    render,
    require_csrf,
)
from datamill.web.routes.catalog import _catalog_page, _dataset_page, _int, _no_filters

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_REFUSED = (Conflict, InvalidInput, Forbidden)
Long = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=200)]
Csrf = Annotated[str, Form()]


def _again(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
           dataset_id: int | None, form: str, typed: dict[str, str],
           err: Conflict | InvalidInput | Forbidden | NotFound) -> Response:
    """The page the form was on again (the dataset's, or the catalog's for custom work),
    with the form as typed and the refusal beside it."""
    said = error_in_page_language(request, err)
    if dataset_id is None:
        return _catalog_page(request, session, runtime, me, _no_filters(),
                             status_code=err.status, form=form, typed=typed, form_error=said)
    return _dataset_page(request, session, me, dataset_id, status_code=err.status,
                         settings=runtime.settings, form=form, typed=typed, form_error=said)


def _done(dataset_id: int | None, done: str) -> RedirectResponse:
    where = f"/catalog/{dataset_id}" if dataset_id is not None else "/catalog"
    return RedirectResponse(f"{where}?done={done}", status_code=303)


@router.post("/catalog/quote-requests", response_class=HTMLResponse)
def request_custom_form(  # noqa: PLR0913 - the request's fields, as the API takes them
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    intended_use: Long = "", scope: Long = "", message: Long = "", custom_work: Long = "",
    csrf_token: Csrf = "",
) -> Response:
    """A customer asks for a quote on custom work (the catalog page's form)."""
    return _ask(request, None, session, runtime, me, intended_use, scope, message, custom_work,
                csrf_token)


@router.post("/catalog/{dataset_id}/quote-requests", response_class=HTMLResponse)
def request_quote_form(  # noqa: PLR0913 - the request's fields, as the API takes them
    request: Request, dataset_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    intended_use: Long = "", scope: Long = "", message: Long = "", custom_work: Long = "",
    csrf_token: Csrf = "",
) -> Response:
    """A customer asks for a quote on this dataset (``POST /api/v1/catalog/quote-requests``)."""
    return _ask(request, dataset_id, session, runtime, me, intended_use, scope, message,
                custom_work, csrf_token)


def _ask(  # noqa: PLR0913 - the form's fields
    request: Request, dataset_id: int | None, session: SessionDep, runtime: RuntimeDep,
    me: WebUser, intended_use: str, scope: str, message: str, custom_work: str, csrf_token: str,
) -> Response:
    require_csrf(request, me, csrf_token)
    typed = {"intended_use": intended_use, "scope": scope, "message": message,
             "custom_work": custom_work}
    try:
        with session.begin_nested():
            quote_requests.request_quote(session, me.user, dataset_id=dataset_id,
                                         intended_use=intended_use, scope=scope,
                                         message=message, custom_work=custom_work)
    except _REFUSED as err:
        return _again(request, session, runtime, me, dataset_id, "ask", typed, err)
    return _done(dataset_id, "requested")


@router.post("/catalog/quote-requests/{request_id}/answer", response_class=HTMLResponse)
def answer_form(  # noqa: PLR0913 - the offer's fields, as the API takes them
    request: Request, request_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    price: Annotated[str, Form(max_length=20)] = "", territory: Short = "", term: Short = "",
    acceptance_criteria: Long = "", note: Long = "", band_reason: Long = "",
    valid_days: Annotated[str, Form(max_length=10)] = "", csrf_token: Csrf = "",
) -> Response:
    """Sales' offer (``POST /api/v1/catalog/quote-requests/{id}/answer``)."""
    require_csrf(request, me, csrf_token)
    got = quote_requests.get_quote_request(session, me.user, request_id)
    typed = {"price": price, "territory": territory, "term": term, "note": note,
             "acceptance_criteria": acceptance_criteria, "band_reason": band_reason,
             "valid_days": valid_days}
    try:
        with session.begin_nested():
            quote_requests.answer_quote_request(
                session, me.user, request_id, price=price.strip(), territory=territory,
                term=term, acceptance_criteria=acceptance_criteria, note=note,
                band_reason=band_reason.strip() or None,
                valid_days=_int(valid_days, "valid_days") if valid_days.strip() else None)
    except _REFUSED as err:
        return _again(request, session, runtime, me, got.dataset_id, f"answer-{request_id}",
                      typed, err)
    return _done(got.dataset_id, "request_answered")


@router.post("/catalog/quote-requests/{request_id}/{step}", response_class=HTMLResponse)
def step_form(  # noqa: PLR0913 - the step and its one field
    request: Request, request_id: int, step: str, session: SessionDep, runtime: RuntimeDep,
    me: WebUser, reason: Annotated[str, Form(max_length=2000)] = "", csrf_token: Csrf = "",
) -> Response:
    """Decline (sales, with a reason), accept or withdraw (the customer) or license (sales) a
    request."""
    require_csrf(request, me, csrf_token)
    steps = {"decline": "request_declined", "acceptance": "request_accepted",
             "licence": "request_licensed", "withdrawal": "request_withdrawn"}
    if step not in steps:
        raise NotFound(f"no such step {step!r}")
    got = quote_requests.get_quote_request(session, me.user, request_id)
    try:
        with session.begin_nested():
            if step == "decline":
                quote_requests.decline_quote_request(session, me.user, request_id,
                                                     reason=reason)
            elif step == "acceptance":
                quote_requests.accept_quote_offer(session, me.user, request_id)
            elif step == "withdrawal":
                quote_requests.withdraw_quote_request(session, me.user, request_id,
                                                      reason=reason)
            else:
                quote_requests.license_quote_request(session, me.user, request_id)
    except _REFUSED as err:
        return _again(request, session, runtime, me, got.dataset_id, f"{step}-{request_id}",
                      {"reason": reason}, err)
    if step == "acceptance" and got.dataset_id is None:  # custom work: its contract drafted
        return _done(None, "request_contracted")
    return _done(got.dataset_id, steps[step])


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(request: Request, session: SessionDep, me: WebUser) -> Response:
    """A customer account's notices, newest first, the unread marked (h7)."""
    box = customer_inbox(session, me.user, page_language(request))
    return render(request, "inbox.html", me, box=box,
                  staff=me.user.role != Role.CUSTOMER)


@router.post("/inbox/read", response_class=HTMLResponse)
def inbox_read_form(request: Request, session: SessionDep, me: WebUser,
                    csrf_token: Csrf = "") -> Response:
    """Mark everything in the inbox read, then the inbox again."""
    require_csrf(request, me, csrf_token)
    mark_inbox_read(session, me.user, page_language(request))
    return RedirectResponse("/inbox", status_code=303)
