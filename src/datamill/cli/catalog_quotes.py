"""``datamill catalog band-quote…``: licence prices outside a dataset's band and their second
person's approval (:mod:`datamill.catalog.band_quotes`).

Registered on :data:`datamill.cli.catalog.app`; every command takes ``--as USERNAME`` and is
checked by the same service as the API (``/api/v1/catalog/band-quotes``).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from datamill.cli._common import emit, get_runtime, handle_errors, out
from datamill.cli._words import say
from datamill.cli.catalog import AsUser, JsonOpt, LicenceRef, _user, app

__all__: list[str] = []


def _status(status: str) -> str:
    return say(f"catalog.quote_status_{status}")


def _quote_line(q: Any) -> str:
    decided = (say("catalog.quote_decided", by=q.decided_by_name, reason=q.decision_reason)
               if q.decided_by is not None else "")
    used = say("catalog.quote_licence", licence=q.licence_id) if q.licence_id else ""
    withdrawn = (say("catalog.quote_withdrawn", by=q.withdrawn_by_name, reason=q.withdraw_reason)
                 if q.withdrawn_by is not None else "")
    return say("catalog.quote_row", id=f"{q.id:>4}", dataset=q.dataset_name,
               customer=q.customer_name, price=q.price, currency=q.currency,
               low=q.band_low or "–", high=q.band_high or "–", band_currency=q.band_currency,
               status=_status(q.status), by=q.quoted_by_name, reason=q.reason,
               decided=decided, used=used, withdrawn=withdrawn, expires_on=q.expires_on)


def _print_quote(q: Any) -> None:
    out.print(_quote_line(q), highlight=False)


def _print_quotes(rows: list[Any]) -> None:
    if not rows:
        out.print(say("catalog.no_quotes"), highlight=False)
    for q in rows:
        _print_quote(q)


@app.command("band-quote")
@handle_errors
def band_quote_cmd(
    dataset_id: int, customer_id: int, user: AsUser,
    price: Annotated[str, typer.Option()],
    reason: Annotated[str, typer.Option(
        help="Why the price lies outside the band (8 letters or digits at least).")],
    currency: Annotated[str | None, typer.Option(
        help="ISO 4217 code the price is in (default: the dataset's price currency).")] = None,
    fx_rate: Annotated[str | None, typer.Option(
        help="CNY per unit of a foreign currency.")] = None,
    valid_days: Annotated[int | None, typer.Option(
        help="Days the quote stays valid from today (default 30, at most 90).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Quote a licence price outside the dataset's band: the licence is issued at that price
    once a second person approved it (catalog band-quote-approve), while the quote is valid
    and the band unchanged."""
    from datamill.catalog.band_quotes import request_band_quote

    with get_runtime().session() as s:
        q = request_band_quote(s, _user(s, user), dataset_id=dataset_id, customer_id=customer_id,
                               price=price, reason=reason, currency=currency, fx_rate=fx_rate,
                               valid_days=valid_days)
    emit(q, as_json, _print_quote)


@app.command("band-quotes")
@handle_errors
def band_quotes_cmd(
    user: AsUser, dataset: int | None = None,
    status: Annotated[str | None, typer.Option(
        help="pending, approved, rejected, used, withdrawn, void or expired.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Out-of-band quotes, newest first (staff only)."""
    from datamill.catalog.band_quotes import list_band_quotes

    with get_runtime().session() as s:
        rows = list_band_quotes(s, _user(s, user), dataset_id=dataset, status=status)
    emit(rows, as_json, _print_quotes)


def _decide(quote_id: int, user: str, decision: str, reason: str, as_json: bool) -> None:
    from datamill.catalog.band_quotes import decide_band_quote

    with get_runtime().session() as s:
        q = decide_band_quote(s, _user(s, user), quote_id, decision=decision, reason=reason)
    emit(q, as_json, _print_quote)


@app.command("band-quote-approve")
@handle_errors
def band_quote_approve_cmd(
    quote_id: int, user: AsUser,
    reason: Annotated[str, typer.Option(help="Why the price is acceptable.")],
    as_json: JsonOpt = False,
) -> None:
    """Approve a pending out-of-band quote (a catalog manager or finance, never its maker)."""
    _decide(quote_id, user, "approve", reason, as_json)


@app.command("band-quote-reject")
@handle_errors
def band_quote_reject_cmd(
    quote_id: int, user: AsUser,
    reason: Annotated[str, typer.Option(help="Why the price is refused.")],
    as_json: JsonOpt = False,
) -> None:
    """Reject a pending out-of-band quote: no licence is issued on it."""
    _decide(quote_id, user, "reject", reason, as_json)


@app.command("band-quote-withdraw")
@handle_errors
def band_quote_withdraw_cmd(
    quote_id: int, user: AsUser,
    reason: Annotated[str, typer.Option(help="Why the quote is withdrawn.")],
    as_json: JsonOpt = False,
) -> None:
    """Withdraw a pending or approved, unused out-of-band quote (its maker or a catalog
    manager): it is decided no more and licenses nothing."""
    from datamill.catalog.band_quotes import withdraw_band_quote

    with get_runtime().session() as s:
        q = withdraw_band_quote(s, _user(s, user), quote_id, reason=reason)
    emit(q, as_json, _print_quote)


@app.command("reject")
@handle_errors
def reject_cmd(
    licence: LicenceRef,
    user: AsUser,
    reason: Annotated[str, typer.Option(help="What the delivered package lacks.")],
    as_json: JsonOpt = False,
) -> None:
    """Record the buyer's refusal of a licence's delivery, with its reason: the licence is
    accepted only once delivered again (its next download)."""
    from datamill.catalog.licence_rejection import reject_licence_delivery
    from datamill.catalog.licences import licence_id_of

    with get_runtime().session() as s:
        u = _user(s, user)
        lic = reject_licence_delivery(s, u, licence_id_of(s, u, licence), reason=reason)
    emit(lic, as_json, lambda v: out.print(say("catalog.rejected", number=v.number),
                                           highlight=False))
