"""The terms a catalog licence is quoted and numbered under (domain §7): its ``YYMMDD/ABC``
number and issue day (never in the future, before its release or in a closed month), its
currency, and the price band it is quoted against (a reason for a quote outside it; whoever set
the band does not quote in it). :mod:`datamill.catalog.licences` issues licences on these."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.catalog.datasets import band_setters
from datamill.catalog.models import CatalogDataset, CatalogLicence, CatalogRelease
from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.money import MAX_FX_RATE, to_cents

__all__ = ["MIN_BAND_REASON", "check_band", "check_fx_rate", "check_issue_day", "check_number", "fx_rate_of",
           "licence_currency", "next_number", "number_matches", "outside_band",
           "refuse_own_band", "require_band_reason"]

_NUMBER = re.compile(r"^(\d{2})(\d{2})(\d{2})/([A-Z]{3})$")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_number(number: str) -> date:
    """The date a ``YYMMDD/ABC`` number starts with: ``YY`` is 20YY (datamill issues no
    licence of the last century; ``270101`` is 2027-01-01, never 1927, and ``991231``
    2099-12-31)."""
    m = _NUMBER.match(number or "")
    if m is None:
        raise InvalidInput(f"licence number {number!r} must be YYMMDD/ABC (date, three capital "
                           "letters)", field="number", reason_code="licence_number_form",
                           number=number)
    try:
        return date(2000 + int(m[1]), int(m[2]), int(m[3]))
    except ValueError as err:
        raise InvalidInput(f"licence number {number!r} does not start with a real date",
                           field="number", reason_code="licence_number_date",
                           number=number) from err


def check_issue_day(session: Session, issued: date, number: str, rel: CatalogRelease,
                     field: str) -> None:
    """A licence (issued on a day that has come: checked first) is not issued before the
    release it licenses was made, and is issued in an open accounting period: its ledger contract is signed on that day, and the books
    take nothing dated into a closed month (the ledger's own rule,
    :func:`datamill.ledger._periods.require_open_period`)."""
    from datamill.ledger._periods import require_open_period

    made = business_day(rel.created_at)
    if issued < made:
        raise InvalidInput(f"licence {number} would be issued on {issued}, before release "
                           f"v{rel.version} it licenses was made ({made}): a licence is issued "
                           "on or after its release's day", field=field,
                           reason_code="licence_before_release", number=number,
                           issued_on=issued.isoformat(), version=rel.version,
                           released_on=made.isoformat())
    try:
        require_open_period(session, issued, f"licence {number}")
    except Conflict as err:
        if "closed_period" not in err.details:  # the month-end run holds the lock: as it is
            raise
        raise Conflict(err.message, **{**err.details, "reason_code": "licence_date_closed",
                                       "number": number, "issued_on": issued.isoformat(),
                                       "field": field}) from err


def number_matches(number: str, issued: date) -> None:
    """A licence number starts with its issue date as ``YYMMDD`` (domain §7)."""
    want = f"{issued:%y%m%d}"
    if number[:6] != want:
        raise InvalidInput(
            f"licence number {number} does not match the issue date {issued.isoformat()}: a "
            f"licence number starts with its issue date as YYMMDD, so it should start with "
            f"{want}/ (or give the issue date {number[:6]} stands for)", field="number",
            expected_prefix=f"{want}/")


def next_number(session: Session, issued: date) -> str:
    """The first free ``YYMMDD/ABC`` of the issue day (AAA, AAB, …): used by no licence, and
    by no contract as its licence contract's number (``LIC-YYMMDD/ABC``), whatever made that
    contract (one the ledger took before its ``LIC-`` numbers were refused blocked every
    numbered licence of the day, cancelled or not)."""
    from datamill.ledger.models import LedgerContract
    from datamill.ledger.orders import LICENCE_CONTRACT_PREFIX

    prefix = f"{issued:%y%m%d}/"
    used = set(session.scalars(select(CatalogLicence.number).where(
        CatalogLicence.number.startswith(prefix, autoescape=True))))
    taken = LICENCE_CONTRACT_PREFIX + prefix
    used.update(n[len(LICENCE_CONTRACT_PREFIX):] for n in session.scalars(
        select(LedgerContract.number).where(
            LedgerContract.number.startswith(taken, autoescape=True))))
    for a in _LETTERS:
        for b in _LETTERS:
            for c in _LETTERS:
                if prefix + a + b + c not in used:
                    return prefix + a + b + c
    raise Conflict(f"every licence number of {issued.isoformat()} is used", number=prefix)


def licence_currency(ds: CatalogDataset, currency: str | None) -> str:
    """The licence's currency: the one given, else the dataset's price currency; one the
    ledger books in (the same check as a contract's)."""
    from datamill.ledger.orders import check_currency

    cur = (currency or ds.currency or "CNY").strip().upper()
    check_currency(cur)
    return cur


#: the fewest letters or digits an out-of-band reason has (spaces and punctuation do not
#: count): "." or "ok" is no reason; "老客户续约批量折扣" (9) or "tender, 3 lots" (10) is
MIN_BAND_REASON = 8


def _meaningful(text: str) -> int:
    """The letters and digits in ``text`` (Unicode ``L*`` and ``N*``)."""
    return sum(1 for c in text if unicodedata.category(c)[0] in "LN")


def refuse_own_band(session: Session, user: User, ds: CatalogDataset) -> None:
    """Segregation of duties (the ledger's own rule,
    :func:`datamill.ledger.budgets.refuse_conflicted_approver`): whoever set the standard
    price or band of ``ds`` does not quote a licence of it; a second person sells. Whoever
    last changed or cleared one of them counts too, so clearing a band leaves its clearer out
    of its sales (:func:`~datamill.catalog.datasets.band_setters`)."""
    from datamill.ledger.budgets import refuse_conflicted_approver

    label = f"the price band of {ds.name}"
    try:
        refuse_conflicted_approver(session, "catalog_band", ds.id, user.id,
                                   band_setters(session, ds), label=label)
    except Forbidden as err:
        raise Forbidden(
            f"{user.username} set {label} ({ds.price_low}..{ds.price_high} {ds.currency}): "
            "whoever sets a band does not quote licences in it (segregation of duties); "
            "another salesperson issues this licence", reason_code="band_own_quote",
            user=user.username, dataset=ds.name, dataset_id=ds.id) from err


def outside_band(ds: CatalogDataset, amount: Decimal, currency: str,
                 fx_rate: Any) -> str | None:
    """Why ``amount`` in ``currency`` is not a quote inside the dataset's price band (in the
    dataset's currency), or None when it is. A dataset without a band (neither end set) has no
    price inside it: every price is out of band and needs an approved quote. A price in another
    currency is compared through ``fx_rate`` (CNY per unit) when the band is in CNY; otherwise
    it cannot be compared, which counts as outside."""
    lo, hi = ds.price_low, ds.price_high
    if lo is None and hi is None:
        return (f"{ds.name!r} has no price band: every price ({amount} {currency}) lies outside "
                "it")
    band_cur = (ds.currency or "CNY").upper()
    compared = amount
    if currency != band_cur:
        if band_cur != "CNY" or fx_rate is None:
            return (f"the price band of {ds.name!r} ({lo}..{hi}) is in {band_cur}; a {currency} "
                    "price cannot be checked against it"
                    + (" (or give fx_rate)" if band_cur == "CNY" else ""))
        compared = to_cents(amount * fx_rate_of(fx_rate))
    if (lo is not None and compared < lo) or (hi is not None and compared > hi):
        shown = f"{amount} {currency}" + (f" (= {compared} {band_cur})" if compared != amount
                                          else "")
        return f"price {shown} lies outside the dataset's band {lo}..{hi} {band_cur}"
    return None


def check_band(ds: CatalogDataset, amount: Decimal, currency: str, fx_rate: Any,
                band_reason: str | None) -> bool:
    """Quotes stay in the dataset's price band unless a reason is recorded: a real one, of
    :data:`MIN_BAND_REASON` letters or digits at least (see :func:`outside_band`). True when
    the quote lies outside the band (or could not be compared)."""
    why = outside_band(ds, amount, currency, fx_rate)
    if why is None:
        return False
    require_band_reason((band_reason or "").strip(), why)
    return True


def require_band_reason(reason: str, why: str) -> None:
    """InvalidInput (``band_reason_required``) unless ``reason`` has :data:`MIN_BAND_REASON`
    letters or digits; ``why`` says what the reason is for."""
    if _meaningful(reason) >= MIN_BAND_REASON:
        return
    said = f"the band_reason {reason!r} is no reason" if reason else "no band_reason was given"
    raise InvalidInput(f"{why}: quotes stay in the band unless a reason is recorded, of "
                       f"{MIN_BAND_REASON} letters or digits at least ({said})",
                       field="band_reason", reason_code="band_reason_required",
                       least=MIN_BAND_REASON)


def check_fx_rate(rate: Decimal | None, currency: str) -> None:
    """The ledger's bound on a rate (``fx_rate_range``: at most
    :data:`~datamill.core.money.MAX_FX_RATE` CNY per unit): a quote at a rate its licence's
    order would refuse was approved, and its licence could then never be issued."""
    if rate is not None and rate > MAX_FX_RATE:
        raise InvalidInput(f"fx_rate {rate} must be positive, at most {MAX_FX_RATE} CNY per "
                           f"{currency}", field="fx_rate", reason_code="fx_rate_range",
                           fx_rate=str(rate), MAX_FX_RATE=MAX_FX_RATE, currency=currency)


def fx_rate_of(fx_rate: Any) -> Decimal:
    try:
        rate = Decimal(str(fx_rate))
    except InvalidOperation as err:
        raise InvalidInput(f"fx_rate {fx_rate!r} is not a decimal", field="fx_rate") from err
    if not rate.is_finite() or rate <= 0:
        raise InvalidInput(f"fx_rate {fx_rate} must be positive (CNY per unit)", field="fx_rate")
    return rate
