"""Out-of-band quotes (domain §6.8: catalog quotes stay in the price band): a licence priced
outside its dataset's band is issued only on a quote a second person approved.

* :func:`request_band_quote`: a salesperson (``sell_catalog``) records the price for one
  customer and dataset with its reason (:data:`~datamill.catalog.licence_terms.MIN_BAND_REASON`
  letters or digits at least). A price inside the band needs no approval (refused,
  ``band_quote_in_band``: issue the licence); whoever set the band does not quote in it
  (``band_own_quote``, as for a licence);
* :func:`decide_band_quote`: whoever manages the catalog or keeps the books (``manage_catalog``
  or ``ledger``: the catalog's product owner, finance, a ledger approver, an administrator),
  and is not the person who made the quote (``band_quote_own``), approves or rejects it with
  a reason. The decision is one step of the ledger's approval mechanism: a row of
  ``ledger_approvals`` (subject ``band_quote``) checked by its segregation rule
  (:func:`datamill.ledger.budgets.refuse_conflicted_approver`), and audited
  (``catalog.band_quote.approved`` / ``.rejected``);
* :func:`band_approval`: what :func:`datamill.catalog.licences.create_licence` asks of an
  out-of-band price: the approved, unused quote of the same dataset, customer, price and
  currency (or the one named), else a coded refusal: ``band_approval_required`` (none asked
  for), ``band_approval_pending``, ``band_quote_rejected``, ``band_quote_used``,
  ``band_quote_mismatch``. A quote licenses once (:func:`use_band_quote`). A price inside the
  band needs nothing, as before;
* a quote in another currency than CNY fixes its exchange rate (``fx_rate`` is required when
  it is made, ``band_quote_needs_fx_rate``): its approver decides its CNY value, and the
  licence issued on it gives the same rate (the same CNY value to the cent), else it is
  refused ``band_quote_fx_rate`` (the quote's rate is never taken silently: the seller
  states the rate the books take). A quote approved without a rate (made before the rule)
  licenses no such price (``band_quote_no_fx_rate``);
* a quote is valid for ``valid_days`` (:data:`QUOTE_VALID_DAYS` unless given, 1 to
  :data:`MAX_QUOTE_VALID_DAYS`) from the day it is made: after ``expires_on`` it is neither
  decided nor licenses (``band_quote_expired``) and listings show it ``expired``;
* :func:`void_band_quotes`: a change of the dataset's price band voids its pending and
  approved, unused quotes in the same transaction (``catalog.band_quote.voided``); such a
  quote, or one whose recorded band differs from the band in force, is refused
  ``band_quote_band_changed``: a new quote against the band in force is needed;
* :func:`withdraw_band_quote`: the quote's maker (still a salesperson) or a catalog manager
  withdraws a pending or approved, unused quote with a reason (``catalog.band_quote.withdrawn``);
  a withdrawn quote is neither decided nor licenses (``band_quote_withdrawn``);
* :func:`list_band_quotes` and :func:`get_band_quote`: for staff (a customer sees none).

Every step that reads a quote to change it (deciding, withdrawing, licensing on it, voiding
it) locks its row first (:func:`~datamill.db.lookup.lock_or_raise`, ``FOR UPDATE`` on
PostgreSQL, one writer at a time on SQLite) and checks its state afresh, so steps at once on
one quote leave one of them done and refuse the others by the state it left.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.catalog.access import viewer
from datamill.catalog.datasets import _money, dataset_row
from datamill.catalog.licence_terms import (
    check_fx_rate,
    fx_rate_of,
    licence_currency,
    outside_band,
    refuse_own_band,
    require_band_reason,
)
from datamill.catalog.models import CatalogBandQuote, CatalogDataset
from datamill.catalog.schemas import BandQuoteOut
from datamill.compliance.approvers import approval_role_of
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.people import person_name
from datamill.compliance.permissions import authorize, check
from datamill.compliance.roles import Action
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.money import to_cents, to_decimal
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, id_is, lock_or_raise

__all__ = [
    "BAND_QUOTE",
    "MAX_QUOTE_REASON",
    "MAX_QUOTE_VALID_DAYS",
    "MAX_REASON",
    "QUOTE_STATUSES",
    "QUOTE_VALID_DAYS",
    "band_approval",
    "band_quote_state",
    "decide_band_quote",
    "get_band_quote",
    "list_band_quotes",
    "may_decide_band_quotes",
    "quote_valid_days",
    "release_band_quote",
    "request_band_quote",
    "use_band_quote",
    "void_band_quotes",
    "withdraw_band_quote",
]

#: the subject type of a quote's decision in ``ledger_approvals``
BAND_QUOTE = "band_quote"
PENDING, APPROVED, REJECTED, USED = "pending", "approved", "rejected", "used"
WITHDRAWN, VOID, EXPIRED = "withdrawn", "void", "expired"
#: what a quote shows (``expired``: pending or approved past ``expires_on``, never stored)
QUOTE_STATUSES = (PENDING, APPROVED, REJECTED, USED, WITHDRAWN, VOID, EXPIRED)
#: the stored states a quote still moves on from (decided, withdrawn, voided, used)
_OPEN = (PENDING, APPROVED)
#: a quote's validity in days, unless the salesperson gives another (at most the maximum)
QUOTE_VALID_DAYS = 30
MAX_QUOTE_VALID_DAYS = 90
#: the longest reason a quote (and a licence's band reason) takes, and a decision's or a
#: withdrawal's, in characters: the API's limits, checked here for the CLI and the library too
MAX_QUOTE_REASON, MAX_REASON = 5000, 2000
#: who may decide a quote: either action (see the module docstring)
_DECIDERS = (Action.MANAGE_CATALOG, Action.LEDGER)


def _band_moved(q: CatalogBandQuote, ds: CatalogDataset) -> bool:
    """Whether the band in force differs from the one ``q`` was made against."""
    return (q.band_low, q.band_high, q.band_currency) != (
        ds.price_low, ds.price_high, (ds.currency or "CNY").upper())


def _shown_status(q: CatalogBandQuote, ds: CatalogDataset | None, today: date) -> str:
    """The status a quote shows: a pending or approved quote made against another band than
    the one in force is ``void``, one past its last day ``expired``."""
    if q.status in _OPEN:
        if ds is not None and _band_moved(q, ds):
            return VOID
        if q.expires_on < today:
            return EXPIRED
    return q.status


def band_quote_state(session: Session, quote_id: int, today: date | None = None) -> str:
    """The status out-of-band quote ``quote_id`` shows now (``expired`` and ``void`` told
    apart from the stored state), for a customer's quote request answered at that price."""
    q = get_or_raise(session, CatalogBandQuote, quote_id, "out-of-band quote", quote_id=quote_id)
    return _shown_status(q, session.get(CatalogDataset, q.dataset_id), today or business_today())


def _out(session: Session, q: CatalogBandQuote, today: date | None = None) -> BandQuoteOut:
    from datamill.ledger.models import LedgerCustomer

    ds = session.get(CatalogDataset, q.dataset_id)
    cust = session.get(LedgerCustomer, q.customer_id)
    return BandQuoteOut(
        id=q.id, dataset_id=q.dataset_id, dataset_name=ds.name if ds else "",
        customer_id=q.customer_id, customer_name=cust.name if cust else "", price=q.price,
        currency=q.currency, fx_rate=q.fx_rate, band_low=q.band_low, band_high=q.band_high,
        band_currency=q.band_currency, reason=q.reason,
        status=_shown_status(q, ds, today or business_today()),
        quoted_by=q.quoted_by, quoted_by_name=person_name(session, q.quoted_by),
        quoted_at=q.quoted_at, expires_on=q.expires_on, decided_by=q.decided_by,
        decided_by_name=person_name(session, q.decided_by) if q.decided_by else None,
        decided_at=q.decided_at, decision_reason=q.decision_reason, licence_id=q.licence_id,
        withdrawn_by=q.withdrawn_by,
        withdrawn_by_name=person_name(session, q.withdrawn_by) if q.withdrawn_by else None,
        withdrawn_at=q.withdrawn_at, withdraw_reason=q.withdraw_reason, voided_at=q.voided_at)


def quote_valid_days(valid_days: int | None, what: str = "an out-of-band quote") -> int:
    """The days ``what`` (a band quote, a quote request's offer) stays valid:
    :data:`QUOTE_VALID_DAYS` unless given, else 1 to :data:`MAX_QUOTE_VALID_DAYS`
    (``band_quote_validity``)."""
    days = QUOTE_VALID_DAYS if valid_days is None else valid_days
    if isinstance(days, bool) or not isinstance(days, int) or not (
            1 <= days <= MAX_QUOTE_VALID_DAYS):
        raise InvalidInput(f"{what} is valid for 1 to {MAX_QUOTE_VALID_DAYS} "
                           f"days, not {valid_days!r}", field="valid_days",
                           reason_code="band_quote_validity", most=MAX_QUOTE_VALID_DAYS,
                           days=str(valid_days))
    return days


def _price(price: Any) -> Decimal:
    amount = _money(price, "price")
    if amount is None or amount <= 0:
        raise InvalidInput("a licence has a positive price", field="price",
                           reason_code="licence_price_positive")
    return amount


def request_band_quote(  # noqa: PLR0913 - the quote's fields, all keyword-only
    session: Session, user: User, *, dataset_id: int, customer_id: int, price: Any,
    reason: str, currency: str | None = None, fx_rate: Any = None,
    valid_days: int | None = None,
) -> BandQuoteOut:
    """Record a licence price outside the dataset's band, for a second person to decide;
    it is valid for ``valid_days`` from today (:data:`QUOTE_VALID_DAYS` unless given)."""
    from datamill.ledger.models import LedgerCustomer

    authorize(session, user, Action.SELL_CATALOG)
    ds = dataset_row(session, dataset_id)
    cust = get_or_raise(session, LedgerCustomer, customer_id, "customer", customer_id=customer_id)
    amount = _price(price)
    days = quote_valid_days(valid_days)
    cur = licence_currency(ds, currency)
    rate = to_decimal(fx_rate_of(fx_rate), 6) if fx_rate not in (None, "") else None
    if cur != "CNY" and rate is None:
        # the quote fixes the rate its licence is booked at: its approver sees the CNY value
        raise InvalidInput(f"a {cur} out-of-band quote needs fx_rate (CNY per {cur}): the "
                           "approver decides its value in CNY, and its licence is booked at "
                           "that rate", field="fx_rate", reason_code="band_quote_needs_fx_rate",
                           currency=cur)
    check_fx_rate(rate, cur)
    why = outside_band(ds, amount, cur, rate)
    band_cur = (ds.currency or "CNY").upper()
    if why is None:
        raise InvalidInput(
            f"{amount} {cur} lies inside the price band of {ds.name} ({ds.price_low or '–'}.."
            f"{ds.price_high or '–'} {band_cur}): a price in the band needs no approval; issue "
            "the licence", field="price", reason_code="band_quote_in_band",
            price=str(amount), currency=cur, dataset=ds.name, low=str(ds.price_low or "–"),
            high=str(ds.price_high or "–"), band_currency=band_cur)
    refuse_own_band(session, user, ds)
    check_note(reason, "reason", most=MAX_QUOTE_REASON)
    text = (reason or "").strip()
    require_band_reason(text, why)
    q = CatalogBandQuote(dataset_id=ds.id, customer_id=cust.id, price=amount, currency=cur,
                         fx_rate=rate, band_low=ds.price_low, band_high=ds.price_high,
                         band_currency=band_cur, reason=text, status=PENDING,
                         quoted_by=user.id,
                         expires_on=business_today() + timedelta(days=days))
    session.add(q)
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.band_quote.requested",
                 object_type="catalog_band_quote", object_id=q.id,
                 data={"dataset": ds.name, "customer_id": cust.id, "customer": cust.name,
                       "price": str(amount), "currency": cur,
                       "fx_rate": str(rate) if rate is not None else None,
                       "band": [str(ds.price_low), str(ds.price_high), band_cur],
                       "outside": why, "reason": text,
                       "expires_on": q.expires_on.isoformat()})
    return _out(session, q)


def may_decide_band_quotes(session: Session, user: User) -> bool:
    """Whether the user holds an action that decides out-of-band quotes (``manage_catalog``
    or ``ledger``, hats included); the quote's own maker is still refused."""
    return any(check(session, user, a) is None for a in _DECIDERS)


def _require_decider(session: Session, user: User) -> None:
    refusals = [check(session, user, a) for a in _DECIDERS]
    if any(r is None for r in refusals):
        return
    first = refusals[0]
    if first is not None and first.reason == "inactive":
        raise Forbidden(first.message, reason_code="inactive")
    raise Forbidden(f"{user.username} may not decide an out-of-band quote: whoever manages the "
                    "catalog or keeps the books (a catalog manager, finance, a ledger approver) "
                    "approves or rejects it", reason_code="band_approver_role",
                    user=user.username)


def _refuse_own(session: Session, user: User, q: CatalogBandQuote, ds: CatalogDataset) -> None:
    """The ledger's segregation rule: whoever made the quote never decides it."""
    from datamill.ledger.budgets import refuse_conflicted_approver

    label = f"out-of-band quote {q.id} ({q.price} {q.currency} for {ds.name})"
    try:
        refuse_conflicted_approver(session, BAND_QUOTE, q.id, user.id, {q.quoted_by: "quoted"},
                                   label=label)
    except Forbidden as err:
        if err.details.get("reason_code") != "own_approval":
            raise
        raise Forbidden(
            f"{user.username} made {label}: whoever quotes a price outside the band does not "
            "approve it (segregation of duties); a second person decides",
            reason_code="band_quote_own", user=user.username, quote_id=q.id,
            dataset=ds.name) from err


def decide_band_quote(
    session: Session, user: User, quote_id: int, *, decision: str, reason: str,
) -> BandQuoteOut:
    """Approve or reject a pending out-of-band quote, with a reason (see the module
    docstring); a rejected quote is kept and never licenses."""
    from datamill.ledger.models import LedgerApproval

    _require_decider(session, user)
    if decision not in ("approve", "reject"):
        raise InvalidInput(f"decision must be approve or reject, not {decision!r}",
                           field="decision", reason_code="band_decision")
    check_note(reason, "reason", most=MAX_REASON)
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("an approval or a rejection of an out-of-band quote names its "
                           "reason", field="reason", reason_code="band_decision_reason")
    # locked: two deciders at once, or a decision beside a licence issued on the quote
    q = lock_or_raise(session, CatalogBandQuote, quote_id, "out-of-band quote",
                      quote_id=quote_id)
    ds = dataset_row(session, q.dataset_id)
    _refuse_closed(session, q, ds)
    if q.status != PENDING:
        raise Conflict(f"out-of-band quote {q.id} is {q.status} already: only a pending quote "
                       "is decided", quote_id=q.id, reason_code="band_quote_decided",
                       status=q.status)
    _refuse_expired(q, business_today())
    _refuse_own(session, user, q, ds)
    role = approval_role_of(session, user.id) or user.role
    session.add(LedgerApproval(subject_type=BAND_QUOTE, subject_id=q.id, level=1,
                               approval_role=role, approver_id=user.id, decision=decision,
                               reason=text))
    q.status = APPROVED if decision == "approve" else REJECTED
    q.decided_by, q.decided_at, q.decision_reason = user.id, utcnow(), text
    session.flush()
    record_audit(session, actor_id=user.id, action=f"catalog.band_quote.{q.status}",
                 object_type="catalog_band_quote", object_id=q.id,
                 data={"dataset": ds.name, "customer_id": q.customer_id,
                       "price": str(q.price), "currency": q.currency,
                       "fx_rate": str(q.fx_rate) if q.fx_rate is not None else None,
                       "band": [str(q.band_low), str(q.band_high), q.band_currency],
                       "quoted_by": q.quoted_by, "quote_reason": q.reason, "role": role,
                       "reason": text})
    return _out(session, q)


def _require_staff(session: Session, user: User) -> None:
    if not viewer(session, user).everything:
        raise Forbidden(f"{user.username!r} may not see out-of-band quotes",
                        reason_code="role", action=Action.SELL_CATALOG.value)


def list_band_quotes(session: Session, user: User, *, dataset_id: int | None = None,
                     status: str | None = None) -> list[BandQuoteOut]:
    """Out-of-band quotes, newest first (of one dataset, in one status as shown: ``expired``
    and ``void`` include the pending and approved quotes that show so)."""
    _require_staff(session, user)
    q = select(CatalogBandQuote).order_by(CatalogBandQuote.id.desc())
    if dataset_id is not None:
        q = q.where(id_is(CatalogBandQuote.dataset_id, dataset_id))  # beyond an id: none
    if status:
        if status not in QUOTE_STATUSES:
            raise InvalidInput(f"unknown quote status {status!r}; available: "
                               f"{', '.join(QUOTE_STATUSES)}", field="status")
        # the stored states that may show as ``status`` (the rest is told apart below)
        stored = {EXPIRED: _OPEN, VOID: (*_OPEN, VOID)}.get(status, (status,))
        q = q.where(CatalogBandQuote.status.in_(stored))
    today = business_today()
    rows = [_out(session, row, today) for row in session.scalars(q)]
    return [r for r in rows if not status or r.status == status]


def get_band_quote(session: Session, user: User, quote_id: int) -> BandQuoteOut:
    _require_staff(session, user)
    row = get_or_raise(session, CatalogBandQuote, quote_id, "out-of-band quote",
                       quote_id=quote_id)
    return _out(session, row)


def _require_withdrawer(session: Session, user: User, q: CatalogBandQuote) -> None:
    """The quote's maker, still selling, or a catalog manager withdraws it."""
    manage = check(session, user, Action.MANAGE_CATALOG)
    if manage is None:
        return
    sell = check(session, user, Action.SELL_CATALOG)
    if q.quoted_by == user.id and sell is None:
        return
    if manage.reason == "inactive":
        raise Forbidden(manage.message, reason_code="inactive")
    maker = person_name(session, q.quoted_by)
    raise Forbidden(f"{user.username} may not withdraw out-of-band quote {q.id}: its maker "
                    f"({maker}) or a catalog manager withdraws it", reason_code=
                    "band_quote_withdrawer", user=user.username, quote_id=q.id, maker=maker)


def withdraw_band_quote(session: Session, user: User, quote_id: int, *,
                        reason: str) -> BandQuoteOut:
    """Withdraw a pending or approved, unused out-of-band quote with a reason (its maker or a
    catalog manager; audited): it is decided no more and licenses nothing. An expired quote
    may be withdrawn too (it is tidied away); a rejected, used, withdrawn or void one not."""
    _require_staff(session, user)
    # locked: a withdrawal beside a decision or a licence issued on the quote (module docstring)
    q = lock_or_raise(session, CatalogBandQuote, quote_id, "out-of-band quote",
                      quote_id=quote_id)
    _require_withdrawer(session, user, q)
    check_note(reason, "reason", most=MAX_REASON)
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("a withdrawal of an out-of-band quote names its reason",
                           field="reason", reason_code="band_withdrawal_reason")
    ds = dataset_row(session, q.dataset_id)
    _refuse_closed(session, q, ds)
    if q.status not in _OPEN or q.licence_id is not None:
        raise Conflict(f"out-of-band quote {q.id} is {q.status}: only a pending or approved, "
                       "unused quote is withdrawn", quote_id=q.id,
                       reason_code="band_quote_final", status=q.status)
    before = q.status
    q.status, q.withdrawn_by, q.withdrawn_at, q.withdraw_reason = (WITHDRAWN, user.id, utcnow(),
                                                                   text)
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.band_quote.withdrawn",
                 object_type="catalog_band_quote", object_id=q.id,
                 data={"dataset": ds.name, "customer_id": q.customer_id,
                       "price": str(q.price), "currency": q.currency, "was": before,
                       "quoted_by": q.quoted_by, "expires_on": q.expires_on.isoformat(),
                       "reason": text})
    return _out(session, q)


def release_band_quote(session: Session, user: User, quote_id: int, *, reason: str,
                       request_id: int) -> str | None:
    """Quote request ``request_id`` ended unlicensed (declined by sales, withdrawn by its
    customer): the out-of-band quote made for it, pending or approved and unused, is withdrawn
    with ``reason`` (audited, ``catalog.band_quote.withdrawn`` naming the request), so it
    licenses nothing and lists as ``withdrawn`` instead of waiting, approved, until it
    expires. Returns the status it had (None when it was closed already: rejected, used,
    void or withdrawn)."""
    q = lock_or_raise(session, CatalogBandQuote, quote_id, "out-of-band quote",
                      quote_id=quote_id)
    if q.status not in _OPEN or q.licence_id is not None:
        return None
    before = q.status
    q.status, q.withdrawn_by, q.withdrawn_at, q.withdraw_reason = (WITHDRAWN, user.id, utcnow(),
                                                                   reason)
    session.flush()
    ds = session.get(CatalogDataset, q.dataset_id)
    record_audit(session, actor_id=user.id, action="catalog.band_quote.withdrawn",
                 object_type="catalog_band_quote", object_id=q.id,
                 data={"dataset": ds.name if ds else None, "customer_id": q.customer_id,
                       "price": str(q.price), "currency": q.currency, "was": before,
                       "quoted_by": q.quoted_by, "expires_on": q.expires_on.isoformat(),
                       "quote_request_id": request_id, "reason": reason})
    return before


def void_band_quotes(session: Session, user: User, ds: CatalogDataset,
                     before: tuple[Decimal | None, Decimal | None]) -> list[int]:
    """The band of ``ds`` changed from ``before`` (low, high) to the one it holds now: its
    pending and approved, unused quotes are void (audited), and their ids returned.

    Called by :func:`datamill.catalog.datasets.update_dataset` in the band change's own
    transaction, so the change and the voiding commit together. Race-safe because the rows
    are locked as read (``FOR UPDATE``): a licence being issued on a quote holds its row, so
    the voiding waits and, the quote then used, passes it by (PostgreSQL reads the row afresh
    after the wait); a licence that comes after locks the quote and finds it void. A quote
    whose recorded band differs from the band in force is refused at licence time too
    (:func:`_refuse_closed`), whatever changed the band."""
    rows = list(session.scalars(select(CatalogBandQuote).where(
        CatalogBandQuote.dataset_id == ds.id, CatalogBandQuote.status.in_(_OPEN),
        CatalogBandQuote.licence_id.is_(None)).order_by(CatalogBandQuote.id).with_for_update()))
    now = utcnow()
    band_cur = (ds.currency or "CNY").upper()
    for q in rows:
        was = q.status
        q.status, q.voided_at = VOID, now
        record_audit(session, actor_id=user.id, action="catalog.band_quote.voided",
                     object_type="catalog_band_quote", object_id=q.id,
                     data={"dataset": ds.name, "customer_id": q.customer_id,
                           "price": str(q.price), "currency": q.currency, "was": was,
                           "band_before": [str(before[0]), str(before[1]), band_cur],
                           "band_after": [str(ds.price_low), str(ds.price_high), band_cur]})
    session.flush()
    return [q.id for q in rows]


def _named_quote(session: Session, band_quote_id: int, ds: CatalogDataset, customer_id: int,
                 amount: Decimal, currency: str) -> CatalogBandQuote:
    q = lock_or_raise(session, CatalogBandQuote, band_quote_id, "out-of-band quote",
                      quote_id=band_quote_id)
    if (q.dataset_id, q.customer_id, q.price, q.currency) != (ds.id, customer_id, amount,
                                                               currency):
        raise InvalidInput(
            f"out-of-band quote {q.id} is for {q.price} {q.currency} (dataset {q.dataset_id}, "
            f"customer {q.customer_id}), not for this licence's {amount} {currency} (dataset "
            f"{ds.id}, customer {customer_id})", field="band_quote_id",
            reason_code="band_quote_mismatch", quote_id=q.id, price=str(q.price),
            currency=q.currency)
    return q


def _matching_quote(session: Session, ds: CatalogDataset, customer_id: int, amount: Decimal,
                    currency: str, fx_rate: Any) -> CatalogBandQuote | None:
    """The approved, unused quote of these terms that still licenses (locked; one at the
    licence's exchange rate first), else the newest one awaiting its decision, else the newest
    pending or approved one (expired or made against another band), else the newest unused
    one: to say why none licenses."""
    rows = list(session.scalars(select(CatalogBandQuote).where(
        CatalogBandQuote.dataset_id == ds.id, CatalogBandQuote.customer_id == customer_id,
        CatalogBandQuote.price == amount, CatalogBandQuote.currency == currency,
        CatalogBandQuote.licence_id.is_(None)).order_by(CatalogBandQuote.id.desc())))
    today = business_today()
    shown = [(r, _shown_status(r, ds, today)) for r in rows]
    pick = (next((r for r, st in shown if st == APPROVED and _same_value(r, fx_rate)), None)
            or next((r for r, st in shown if st == APPROVED), None)
            or next((r for r, st in shown if st in _OPEN), None)
            or next((r for r in rows if r.status in _OPEN), None)
            or (rows[0] if rows else None))
    if pick is not None and pick.status in _OPEN:  # read afresh under its lock
        return lock_or_raise(session, CatalogBandQuote, pick.id, "out-of-band quote")
    return pick


def band_approval(  # noqa: PLR0913 - the licence's price terms
    session: Session, ds: CatalogDataset, *, customer_id: int, amount: Decimal, currency: str,
    fx_rate: Any, band_reason: str | None, band_quote_id: int | None = None,
) -> tuple[CatalogBandQuote | None, str | None]:
    """For a licence of ``ds`` at ``amount`` ``currency``: ``(None, band_reason)`` when the
    price lies inside the band; else the approved quote it is issued on and the reason recorded
    (the one given, else the quote's), or a coded refusal (see the module docstring)."""
    check_note(band_reason, "band_reason", most=MAX_QUOTE_REASON)
    given = (band_reason or "").strip() or None
    why = outside_band(ds, amount, currency, fx_rate)
    if why is None:
        return None, given
    q = (_named_quote(session, band_quote_id, ds, customer_id, amount, currency)
         if band_quote_id is not None
         else _matching_quote(session, ds, customer_id, amount, currency, fx_rate))
    if q is None:
        raise Conflict(
            f"{why}: a licence outside the band is issued only on a quote a second person "
            "approved; ask for the approval first (catalog band-quote, POST "
            "/api/v1/catalog/band-quotes or the dataset page)",
            reason_code="band_approval_required", dataset=ds.name, price=str(amount),
            currency=currency)
    _require_usable(session, q, ds)
    _require_quote_rate(q, fx_rate)
    reason = given or q.reason
    require_band_reason(reason, why)
    return q, reason


def _cny_value(q: CatalogBandQuote, fx_rate: Any) -> Decimal | None:
    """The quote's price in CNY at ``fx_rate`` (to the cent; None without a rate)."""
    if fx_rate is None or fx_rate == "":
        return None
    return to_cents(q.price * fx_rate_of(fx_rate))


def _same_value(q: CatalogBandQuote, fx_rate: Any) -> bool:
    """Whether a licence at ``fx_rate`` books the CNY value ``q`` was approved at."""
    if q.currency == "CNY":
        return True
    want = _cny_value(q, q.fx_rate)
    return want is not None and _cny_value(q, fx_rate) == want


def _require_quote_rate(q: CatalogBandQuote, fx_rate: Any) -> None:
    """A licence on a quote in another currency than CNY is booked at the quote's exchange
    rate: its CNY value (price times rate, to the cent) is the one the second person approved.
    A different rate is refused (``band_quote_fx_rate``: give the quote's rate, or ask for a
    new quote), never taken silently; a quote approved without a rate licenses no such price
    (``band_quote_no_fx_rate``: its CNY value was never approved)."""
    if q.currency == "CNY":
        return
    if q.fx_rate is None:
        raise Conflict(f"out-of-band quote {q.id} ({q.price} {q.currency}) was approved without "
                       f"an exchange rate: its value in CNY was never approved, so it licenses "
                       f"no {q.currency} price; ask for a new quote with fx_rate",
                       quote_id=q.id, reason_code="band_quote_no_fx_rate", price=str(q.price),
                       currency=q.currency)
    if _same_value(q, fx_rate):
        return
    got = _cny_value(q, fx_rate)
    raise InvalidInput(
        f"out-of-band quote {q.id} was approved at {q.fx_rate} CNY per {q.currency} "
        f"({q.price} {q.currency} = {_cny_value(q, q.fx_rate)} CNY), not at {fx_rate} "
        f"({got} CNY): a licence on a quote is booked at the quote's rate; give fx_rate "
        f"{q.fx_rate} or ask for a new quote", field="fx_rate", reason_code="band_quote_fx_rate",
        quote_id=q.id, currency=q.currency, quote_fx_rate=str(q.fx_rate),
        quote_cny=str(_cny_value(q, q.fx_rate)), fx_rate=str(fx_rate),
        cny=str(got) if got is not None else "–")


def _band_text(low: Decimal | None, high: Decimal | None, currency: str) -> str:
    return f"{low if low is not None else '–'}..{high if high is not None else '–'} {currency}"


def _refuse_closed(session: Session, q: CatalogBandQuote, ds: CatalogDataset) -> None:
    """A withdrawn quote, or one made against another band than the one in force (voided when
    the band changed, or found so now), neither is decided, withdrawn nor licenses."""
    if q.status == WITHDRAWN:
        who = person_name(session, q.withdrawn_by) if q.withdrawn_by else ""
        raise Conflict(f"out-of-band quote {q.id} ({q.price} {q.currency}) was withdrawn by "
                       f"{who}: {q.withdraw_reason}; ask for a new quote", quote_id=q.id,
                       reason_code="band_quote_withdrawn", price=str(q.price),
                       currency=q.currency, user=who, reason=q.withdraw_reason or "")
    if q.status == VOID or (q.status in _OPEN and _band_moved(q, ds)):
        was = _band_text(q.band_low, q.band_high, q.band_currency)
        now = _band_text(ds.price_low, ds.price_high, (ds.currency or "CNY").upper())
        raise Conflict(f"the price band of {ds.name} changed after out-of-band quote {q.id} "
                       f"was made (quoted against {was}, now {now}): the quote no longer "
                       "licenses; ask for a new quote against the band in force",
                       quote_id=q.id, reason_code="band_quote_band_changed", dataset=ds.name,
                       band_before=was, band_now=now)


def _refuse_expired(q: CatalogBandQuote, today: date) -> None:
    if q.status in _OPEN and q.expires_on < today:
        raise Conflict(f"out-of-band quote {q.id} ({q.price} {q.currency}) expired: it was "
                       f"valid until {q.expires_on}; ask for a new quote", quote_id=q.id,
                       reason_code="band_quote_expired", price=str(q.price),
                       currency=q.currency, expires_on=q.expires_on.isoformat())


def _require_usable(session: Session, q: CatalogBandQuote, ds: CatalogDataset) -> None:
    _refuse_closed(session, q, ds)
    if q.status == REJECTED:
        raise Conflict(f"out-of-band quote {q.id} ({q.price} {q.currency}) was rejected by "
                       f"{person_name(session, q.decided_by)}: {q.decision_reason}",
                       quote_id=q.id, reason_code="band_quote_rejected", price=str(q.price),
                       currency=q.currency, user=person_name(session, q.decided_by),
                       reason=q.decision_reason or "")
    if q.status not in _OPEN or q.licence_id is not None:
        raise Conflict(f"out-of-band quote {q.id} was used already (licence {q.licence_id}): "
                       "a quote licenses once; ask for a new one", quote_id=q.id,
                       reason_code="band_quote_used", licence_id=q.licence_id)
    _refuse_expired(q, business_today())
    if q.status == PENDING:
        raise Conflict(f"out-of-band quote {q.id} ({q.price} {q.currency}) awaits its approval "
                       "by a second person: the licence is issued once it is approved",
                       quote_id=q.id, reason_code="band_approval_pending", price=str(q.price),
                       currency=q.currency, user=person_name(session, q.quoted_by))


def use_band_quote(session: Session, q: CatalogBandQuote, licence_id: int) -> None:
    """The approved quote ``q`` licensed ``licence_id``: it licenses nothing else."""
    q.status, q.licence_id = USED, licence_id
    session.flush()
