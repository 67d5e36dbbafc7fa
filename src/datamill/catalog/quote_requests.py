"""A customer's request for a quote (询价) and sales' answer (domain §2: Sales does quotes,
§6.8: catalog datasets at a standard price within their band, custom work cost-plus then
negotiated, §7: each sale a licence).

* :func:`request_quote`: a customer-role user acting for a ledger customer
  (:class:`~datamill.catalog.models.CatalogCustomerAccount`) asks for a quote on a listed,
  released catalog dataset, or for custom work described in text (no dataset): intended use,
  scope (quantity, seats, territory, term as they put it), an optional message;
* :func:`list_quote_requests` / :func:`get_quote_request`: staff (the catalog's ``any`` view)
  see every request, filtered by state, dataset or customer; a customer sees its own
  organisation's only (another's is not found);
* :func:`answer_quote_request`: a salesperson (``sell_catalog``) offers a price with the
  licence's territory, term and acceptance criteria, valid ``valid_days``. A price inside the
  dataset's band is offered at once; a price outside it rides on an out-of-band quote
  (:func:`~datamill.catalog.band_quotes.request_band_quote`, its reason ``band_reason``), and
  the customer sees the offer only once a second person approved that quote (until then the
  request shows ``awaiting_approval`` to staff, ``open`` to the customer; a rejected, withdrawn
  or void quote leaves the request ``open`` for a new answer). Custom work has no band: its
  price (cost-plus, then negotiated) is offered as given;
* :func:`decline_quote_request`: a salesperson declines with a reason (an accepted offer too,
  when its licence can no longer be issued at the terms accepted);
* :func:`accept_quote_offer`: the customer accepts an offer that is shown and still valid;
  :func:`withdraw_quote_request`: or withdraws the request before accepting;
* a request declined or withdrawn releases the out-of-band quote made for it
  (:func:`~datamill.catalog.band_quotes.release_band_quote`: pending or approved and unused,
  it is withdrawn with the request's reason), so no approved price waits for a licence that
  will not come;
* accepting an offer for custom work drafts its contract for sales
  (:func:`~datamill.ledger.contracts.draft_contract`: kind ``custom``, numbered ``QR-<request>``,
  the offered price and currency, drafted in the name of the salesperson who made the offer,
  so two other people sign its price and signing approvals; nothing is signed). The request
  names it (``contract_id``, ``contract_number``, ``contract_status``); an accepted request
  declined while its contract is unsigned cancels that draft, and one whose contract was
  signed is not declined (``quote_request_contract_signed``: cancel the contract instead);
* :func:`license_quote_request`: a salesperson issues the licence on an accepted catalog request
  through :func:`~datamill.catalog.licences.create_licence` at the offered terms (and on the
  request's approved band quote): every licence rule (release, export control, duplicates,
  the band) applies as to any licence.

Every step is audited (``catalog.quote_request.*``) and locks the request's row before it
checks the state it changes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.catalog.access import Viewer, viewer
from datamill.catalog.band_quotes import (
    MAX_QUOTE_REASON,
    MAX_REASON,
    band_quote_state,
    quote_valid_days,
    release_band_quote,
    request_band_quote,
)
from datamill.catalog.datasets import _money, dataset_row, get_dataset
from datamill.catalog.licence_terms import (
    check_fx_rate,
    fx_rate_of,
    licence_currency,
    outside_band,
    refuse_own_band,
)
from datamill.catalog.models import CatalogLicence, CatalogQuoteRequest
from datamill.catalog.schemas import QuoteRequestOut
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.people import person_name
from datamill.compliance.permissions import authorize
from datamill.compliance.roles import Action
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.money import to_decimal
from datamill.core.storable import beyond_column, check_note
from datamill.db.lookup import id_is, lock_or_raise, not_found

__all__ = [
    "QUOTE_REQUEST_STATUSES",
    "accept_quote_offer",
    "answer_quote_request",
    "decline_quote_request",
    "get_quote_request",
    "license_quote_request",
    "list_quote_requests",
    "quoted_scope",
    "request_quote",
    "withdraw_quote_request",
]

OPEN, ANSWERED, DECLINED, ACCEPTED, LICENSED = "open", "answered", "declined", "accepted", \
    "licensed"
WITHDRAWN = "withdrawn"
#: shown, never stored: an answer whose out-of-band price awaits approval; an offer shown;
#: an offer past its last day
AWAITING, OFFERED, EXPIRED = "awaiting_approval", "offered", "expired"
#: what a request shows (``status`` filter values)
QUOTE_REQUEST_STATUSES = (OPEN, AWAITING, OFFERED, EXPIRED, DECLINED, ACCEPTED, LICENSED,
                          WITHDRAWN)
#: the band quote states that leave a request open for a new answer
_QUOTE_DEAD = ("rejected", "withdrawn", "void", "expired")


def _shown(session: Session, r: CatalogQuoteRequest, today: date) -> tuple[str, str | None]:
    """The status a request shows, and its band quote's (when it has one)."""
    quote = band_quote_state(session, r.band_quote_id, today) if r.band_quote_id else None
    if r.status != ANSWERED:
        return r.status, quote
    if quote == "pending":
        return AWAITING, quote
    if quote in _QUOTE_DEAD:
        return (EXPIRED if quote == "expired" else OPEN), quote
    if r.valid_until is not None and r.valid_until < today:
        return EXPIRED, quote
    return OFFERED, quote


def _out(session: Session, r: CatalogQuoteRequest, staff: bool,
         today: date | None = None) -> QuoteRequestOut:
    from datamill.ledger.models import LedgerCustomer

    status, quote = _shown(session, r, today or business_today())
    ds = dataset_row(session, r.dataset_id) if r.dataset_id is not None else None
    cust = session.get(LedgerCustomer, r.customer_id)
    lic = session.get(CatalogLicence, r.licence_id) if r.licence_id is not None else None
    contract = _contract(session, r)
    # the customer sees an offer once it is made to them, never a price awaiting approval
    shows_offer = staff or status in (OFFERED, EXPIRED, ACCEPTED, LICENSED)
    if not staff and status == AWAITING:
        status = OPEN
    offer: dict[str, Any] = {}
    if shows_offer and r.price is not None:
        offer = {"price": r.price, "currency": r.currency, "fx_rate": r.fx_rate,
                 "territory": r.territory, "term": r.term,
                 "acceptance_criteria": r.acceptance_criteria, "offer_note": r.offer_note,
                 "valid_until": r.valid_until, "answered_at": r.answered_at,
                 "answered_by_name": person_name(session, r.answered_by)}
    return QuoteRequestOut(
        id=r.id, customer_id=r.customer_id, customer_name=cust.name if cust else "",
        dataset_id=r.dataset_id, dataset_name=ds.name if ds else None,
        dataset_title=ds.title if ds else None, intended_use=r.intended_use, scope=r.scope,
        message=r.message, custom_work=r.custom_work, status=status,
        requested_by_name=person_name(session, r.requested_by), requested_at=r.requested_at,
        decline_reason=r.decline_reason,
        accepted_by_name=person_name(session, r.accepted_by) if r.accepted_by else None,
        accepted_at=r.accepted_at, licence_id=r.licence_id,
        licence_number=lic.number if lic is not None else None,
        contract_id=r.contract_id, contract_number=contract.number if contract else None,
        contract_status=contract.status if contract else None,
        band_quote_id=r.band_quote_id if staff else None,
        band_quote_status=quote if staff else None, withdrawn_at=r.withdrawn_at,
        withdraw_reason=r.withdraw_reason, **offer)


def _contract(session: Session, r: CatalogQuoteRequest) -> Any:
    """The ledger contract drafted on the request (custom work accepted), or None."""
    if r.contract_id is None:
        return None
    from datamill.ledger.models import LedgerContract

    return session.get(LedgerContract, r.contract_id)


def _draft_contract(session: Session, r: CatalogQuoteRequest) -> int:
    """Draft the contract of accepted custom work ``r`` (see the module docstring): numbered
    ``QR-<request id>`` (``-2``, ``-3``… when a contract was recorded under that number)."""
    from datamill.ledger.contracts import draft_contract
    from datamill.ledger.models import LedgerContract

    number, n = f"QR-{r.id}", 1
    while session.scalar(select(LedgerContract.id).where(LedgerContract.number == number)):
        n += 1
        number = f"QR-{r.id}-{n}"
    c = draft_contract(session, number, customer_id=r.customer_id, amount=r.price or "0",
                       kind="custom", currency=r.currency or "CNY", actor_id=r.answered_by)
    return c.id


def _cancel_draft(session: Session, user: User, r: CatalogQuoteRequest, reason: str) -> None:
    """Declining accepted custom work cancels its contract while unsigned (a draft, or
    approved and never signed: cancelled at once); a signed one is not declined here."""
    contract = _contract(session, r)
    if contract is None or contract.status in ("cancelled", "rejected"):
        return
    if contract.status == "signed":
        raise Conflict(f"quote request {r.id} is contracted: contract {contract.number} was "
                       "signed, so the request is not declined; cancel the contract instead "
                       "(datamill ledger contract-cancel)", request_id=r.id,
                       reason_code="quote_request_contract_signed", contract=contract.number)
    from datamill.ledger.contracts import cancel_contract

    cancel_contract(session, contract.id, on=business_today(), reason=reason,
                    actor_id=user.id)


def _text(value: str | None, field: str, most: int = MAX_QUOTE_REASON) -> str:
    check_note(value, field, most=most)
    return (value or "").strip()


def _customer_of(session: Session, user: User) -> tuple[Viewer, int]:
    view = viewer(session, user)
    if view.everything or view.customer_id is None:
        raise Forbidden(f"{user.username} acts for no customer: a quote is asked for by a "
                        "customer's account (a salesperson links it: catalog customer-link)",
                        reason_code="quote_request_no_customer", user=user.username)
    return view, view.customer_id


def request_quote(  # noqa: PLR0913 - the request's fields, all keyword-only
    session: Session, user: User, *, dataset_id: int | None = None, intended_use: str,
    scope: str, message: str | None = None, custom_work: str | None = None,
) -> QuoteRequestOut:
    """A customer asks for a quote: on catalog dataset ``dataset_id`` (listed and released),
    or for custom work described in ``custom_work`` (see the module docstring)."""
    _, customer_id = _customer_of(session, user)
    ds = get_dataset(session, user, dataset_id) if dataset_id is not None else None
    if ds is not None and not (ds.listed and ds.status == "released"):  # a licensee sees it
        raise not_found("catalog dataset", ds.id, dataset_id=ds.id)  # off the catalog: no sale
    use, how = _text(intended_use, "intended_use"), _text(scope, "scope")
    note, custom = _text(message, "message"), _text(custom_work, "custom_work")
    for field, text in (("intended_use", use), ("scope", how)):
        if not text:
            raise InvalidInput(f"a quote request names its {field.replace('_', ' ')}",
                               field=field, reason_code=f"quote_request_{field}_missing")
    if ds is None and not custom:
        raise InvalidInput("a quote request names a catalog dataset, or describes the custom "
                           "work wanted", field="dataset_id",
                           reason_code="quote_request_nothing")
    row = CatalogQuoteRequest(customer_id=customer_id, dataset_id=ds.id if ds else None,
                              intended_use=use, scope=how, message=note, custom_work=custom,
                              status=OPEN, requested_by=user.id)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.quote_request.requested",
                 object_type="catalog_quote_request", object_id=row.id,
                 data={"customer_id": customer_id, "dataset": ds.name if ds else None,
                       "intended_use": use, "scope": how, "custom_work": bool(custom)})
    return _out(session, row, staff=False)


def list_quote_requests(
    session: Session, user: User, *, status: str | None = None, dataset_id: int | None = None,
    customer_id: int | None = None,
) -> list[QuoteRequestOut]:
    """Requests newest first: every one for staff, the caller's organisation's for a customer;
    ``status`` is one of :data:`QUOTE_REQUEST_STATUSES` (as shown to the caller)."""
    view = viewer(session, user)
    if status is not None and status not in QUOTE_REQUEST_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(QUOTE_REQUEST_STATUSES)}, not "
                           f"{status!r}", field="status", reason_code="quote_request_status",
                           status=status, statuses=", ".join(QUOTE_REQUEST_STATUSES))
    q = select(CatalogQuoteRequest).order_by(CatalogQuoteRequest.id.desc())
    if dataset_id is not None:
        q = q.where(id_is(CatalogQuoteRequest.dataset_id, dataset_id))
    if not view.everything:
        if view.customer_id is None:
            return []
        q = q.where(CatalogQuoteRequest.customer_id == view.customer_id)
    elif customer_id is not None:
        q = q.where(id_is(CatalogQuoteRequest.customer_id, customer_id))
    today = business_today()
    rows = [_out(session, r, view.everything, today) for r in session.scalars(q)]
    return [r for r in rows if status is None or r.status == status]


def _visible_row(session: Session, view: Viewer, request_id: int, *,
                 lock: bool = False) -> CatalogQuoteRequest:
    """The request, locked when asked; another customer's is not found (as none)."""
    missing = not_found("quote request", request_id, request_id=request_id)
    if beyond_column(request_id):
        raise missing
    row = (lock_or_raise(session, CatalogQuoteRequest, request_id, "quote request",
                         request_id=request_id) if lock
           else session.get(CatalogQuoteRequest, request_id))
    if row is None or (not view.everything and row.customer_id != view.customer_id):
        raise missing
    return row


def get_quote_request(session: Session, user: User, request_id: int) -> QuoteRequestOut:
    view = viewer(session, user)
    return _out(session, _visible_row(session, view, request_id), view.everything)


def _refuse_state(session: Session, r: CatalogQuoteRequest, shown: str,
                  allowed: tuple[str, ...], step: str) -> None:
    if shown in allowed:
        return
    raise Conflict(f"quote request {r.id} is {shown.replace('_', ' ')}: it cannot be {step} "
                   f"now (only when {' or '.join(a.replace('_', ' ') for a in allowed)})",
                   request_id=r.id, reason_code="quote_request_state", status=shown,
                   step=step)


def _seller(session: Session, user: User, request_id: int) -> tuple[CatalogQuoteRequest, str]:
    authorize(session, user, Action.SELL_CATALOG)
    view = viewer(session, user)
    r = _visible_row(session, view, request_id, lock=True)
    return r, _shown(session, r, business_today())[0]


def _licence_terms(r: CatalogQuoteRequest, territory: str, term: str,
                   criteria: str) -> None:
    if r.dataset_id is None:
        return
    for field, text in (("territory", territory), ("term", term),
                        ("acceptance_criteria", criteria)):
        if not text:
            raise InvalidInput(f"an offer of a licence names its {field.replace('_', ' ')}",
                               field=field, reason_code="quote_request_terms_missing",
                               term=field)


def answer_quote_request(  # noqa: PLR0913 - the offer's fields, all keyword-only
    session: Session, user: User, request_id: int, *, price: Any, currency: str | None = None,
    fx_rate: Any = None, territory: str | None = None, term: str | None = None,
    acceptance_criteria: str | None = None, note: str | None = None,
    band_reason: str | None = None, valid_days: int | None = None,
) -> QuoteRequestOut:
    """A salesperson's offer on an open (or expired) request (see the module docstring)."""
    r, shown = _seller(session, user, request_id)
    _refuse_state(session, r, shown, (OPEN, EXPIRED), "answered")
    amount = _money(price, "price")
    if amount is None or amount <= 0:
        raise InvalidInput("an offer has a positive price", field="price",
                           reason_code="licence_price_positive")
    days = quote_valid_days(valid_days, "an offer")
    where, how_long = _text(territory, "territory", 200), _text(term, "term", 200)
    criteria, text = _text(acceptance_criteria, "acceptance_criteria"), _text(note, "note")
    _licence_terms(r, where, how_long, criteria)
    rate = to_decimal(fx_rate_of(fx_rate), 6) if fx_rate not in (None, "") else None
    quote_id, until = None, business_today() + timedelta(days=days)
    if r.dataset_id is not None:
        ds = dataset_row(session, r.dataset_id)
        refuse_own_band(session, user, ds)  # whoever set the band sells nothing in it
        cur = licence_currency(ds, currency)
        if cur != "CNY" and rate is None:
            raise InvalidInput(f"a {cur} offer needs fx_rate (CNY per {cur}): the licence is "
                               "booked in CNY", field="fx_rate", reason_code="licence_fx_rate",
                               currency=cur)
        check_fx_rate(rate, cur)
        if outside_band(ds, amount, cur, rate) is not None:
            # a second person approves it first; the customer sees the offer once approved
            q = request_band_quote(session, user, dataset_id=ds.id, customer_id=r.customer_id,
                                   price=amount, currency=cur, fx_rate=rate,
                                   reason=band_reason or "", valid_days=days)
            quote_id, until = q.id, q.expires_on
    else:
        cur = (currency or "CNY").strip().upper()
        from datamill.ledger.orders import check_currency

        check_currency(cur)
    r.status, r.price, r.currency, r.fx_rate = ANSWERED, amount, cur, rate
    r.territory, r.term, r.acceptance_criteria = where or None, how_long or None, criteria or None
    r.offer_note, r.valid_until, r.band_quote_id = text or None, until, quote_id
    r.answered_by, r.answered_at = user.id, utcnow()
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.quote_request.answered",
                 object_type="catalog_quote_request", object_id=r.id,
                 data={"customer_id": r.customer_id, "dataset_id": r.dataset_id,
                       "price": str(amount), "currency": cur,
                       "fx_rate": str(rate) if rate is not None else None,
                       "valid_until": until.isoformat(), "band_quote_id": quote_id,
                       "territory": where, "term": how_long})
    return _out(session, r, staff=True)


def decline_quote_request(session: Session, user: User, request_id: int, *,
                          reason: str) -> QuoteRequestOut:
    """A salesperson declines a request not yet licensed, with a reason the customer reads
    (an answer awaiting its band approval: withdraw that quote first). An accepted offer may
    be declined too: when its licence can no longer be issued at the terms accepted (its band
    quote expired, the band changed), the customer reads why and asks again."""
    r, shown = _seller(session, user, request_id)
    _refuse_state(session, r, shown, (OPEN, OFFERED, EXPIRED, ACCEPTED), "declined")
    text = _text(reason, "reason", MAX_REASON)
    if not text:
        raise InvalidInput("a declined quote request names its reason", field="reason",
                           reason_code="quote_request_decline_reason")
    _cancel_draft(session, user, r, f"quote request {r.id} declined: {text}"[:MAX_REASON])
    r.status, r.decline_reason = DECLINED, text
    r.answered_by, r.answered_at = user.id, utcnow()
    session.flush()
    released = _release_quote(session, user, r, f"quote request {r.id} declined: {text}")
    record_audit(session, actor_id=user.id, action="catalog.quote_request.declined",
                 object_type="catalog_quote_request", object_id=r.id,
                 data={"customer_id": r.customer_id, "dataset_id": r.dataset_id, "was": shown,
                       "reason": text, "band_quote_released": released})
    return _out(session, r, staff=True)


def _release_quote(session: Session, user: User, r: CatalogQuoteRequest,
                   reason: str) -> int | None:
    """The request's out-of-band quote withdrawn, as it ended unlicensed; its id (None when it
    had none, or it was closed already)."""
    if r.band_quote_id is None:
        return None
    was = release_band_quote(session, user, r.band_quote_id, reason=reason[:MAX_REASON],
                             request_id=r.id)
    return r.band_quote_id if was is not None else None


def _customer_step(session: Session, user: User, request_id: int,
                   what: str) -> tuple[CatalogQuoteRequest, str]:
    """The request locked for its customer's step, and the status it shows the customer."""
    view = viewer(session, user)
    if view.everything:
        raise Forbidden(f"{user.username} is not the customer: only the customer who asked "
                        f"{what}", reason_code="quote_request_customer_only",
                        user=user.username, request_id=request_id)
    r = _visible_row(session, view, request_id, lock=True)
    shown = _shown(session, r, business_today())[0]
    return r, OPEN if shown == AWAITING else shown


def withdraw_quote_request(session: Session, user: User, request_id: int, *,
                           reason: str | None = None) -> QuoteRequestOut:
    """The customer withdraws its request before accepting an offer (a reason optional)."""
    r, shown = _customer_step(session, user, request_id, "withdraws a request")
    _refuse_state(session, r, shown, (OPEN, OFFERED, EXPIRED), "withdrawn")
    text = _text(reason, "reason", MAX_REASON)
    r.status, r.withdrawn_at, r.withdraw_reason = WITHDRAWN, utcnow(), text or None
    session.flush()
    released = _release_quote(session, user, r, f"quote request {r.id} withdrawn by the "
                              f"customer{': ' + text if text else ''}")
    record_audit(session, actor_id=user.id, action="catalog.quote_request.withdrawn",
                 object_type="catalog_quote_request", object_id=r.id,
                 data={"customer_id": r.customer_id, "dataset_id": r.dataset_id, "was": shown,
                       "band_quote_id": r.band_quote_id, "reason": text,
                       "band_quote_released": released})
    return _out(session, r, staff=False)


def accept_quote_offer(session: Session, user: User, request_id: int) -> QuoteRequestOut:
    """The customer accepts the offer shown on its request, while it is valid."""
    r, shown = _customer_step(session, user, request_id, "accepts an offer")
    _refuse_state(session, r, shown, (OFFERED,), "accepted")
    r.status, r.accepted_by, r.accepted_at = ACCEPTED, user.id, utcnow()
    session.flush()
    if r.dataset_id is None:  # custom work: its contract drafted for sales to take on
        r.contract_id = _draft_contract(session, r)
        session.flush()
    record_audit(session, actor_id=user.id, action="catalog.quote_request.accepted",
                 object_type="catalog_quote_request", object_id=r.id,
                 data={"customer_id": r.customer_id, "dataset_id": r.dataset_id,
                       "price": str(r.price), "currency": r.currency,
                       "band_quote_id": r.band_quote_id, "contract_id": r.contract_id})
    return _out(session, r, staff=False)


def quoted_scope(intended_use: str, scope: str) -> str:
    """A licence's usage scope issued on a quote request: the intended use, then the scope the
    price was quoted for (quantity, seats … as the customer put it). Without it a licence
    priced for a part of a dataset (200 of its 500 hours) said nothing of that part, and a
    second part licensed for the same use was refused as a duplicate of the first."""
    return f"{intended_use}\nScope as quoted: {scope}" if scope.strip() else intended_use


def license_quote_request(  # noqa: PLR0913 - the licence's own fields, keyword-only
    session: Session, user: User, request_id: int, *, number: str | None = None,
    release_id: int | None = None, issued_on: date | None = None,
    expires_on: date | None = None,
) -> QuoteRequestOut:
    """Issue the licence on an accepted catalog request at its offered terms (usage scope: the
    intended use and the scope the customer asked and was quoted for, :func:`quoted_scope`), by
    :func:`~datamill.catalog.licences.create_licence` and so under every one of its rules (an
    out-of-band price on the request's approved quote)."""
    from datamill.catalog.licences import create_licence

    r, shown = _seller(session, user, request_id)
    _refuse_state(session, r, shown, (ACCEPTED,), "licensed")
    if r.dataset_id is None:
        raise Conflict(f"quote request {r.id} is for custom work: it is contracted (its "
                       "contract was drafted when the customer accepted; datamill ledger "
                       "contracts), not licensed", request_id=r.id,
                       reason_code="quote_request_custom_licence")
    lic = create_licence(
        session, user, dataset_id=r.dataset_id, customer_id=r.customer_id, number=number,
        price=r.price, territory=r.territory or "", term=r.term or "",
        usage_scope=quoted_scope(r.intended_use, r.scope),
        acceptance_criteria=r.acceptance_criteria or "",
        release_id=release_id, issued_on=issued_on, currency=r.currency, fx_rate=r.fx_rate,
        expires_on=expires_on, band_quote_id=r.band_quote_id)
    r.status, r.licence_id = LICENSED, lic.id
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.quote_request.licensed",
                 object_type="catalog_quote_request", object_id=r.id,
                 data={"customer_id": r.customer_id, "dataset_id": r.dataset_id,
                       "licence_id": lic.id, "number": lic.number, "price": str(r.price),
                       "currency": r.currency, "band_quote_id": r.band_quote_id})
    return _out(session, r, staff=True)
