"""``datamill catalog request-quote`` and ``quote-…``: a customer's request for a quote, sales'
answer or decline, the customer's acceptance and the licence issued on it
(:mod:`datamill.catalog.quote_requests`; the API's ``/api/v1/catalog/quote-requests``).

Registered on :data:`datamill.cli.catalog.app`; every command takes ``--as USERNAME``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from datamill.cli._common import emit, get_runtime, handle_errors, out
from datamill.cli._words import code, say
from datamill.cli.catalog import AsUser, JsonOpt, _day, _user, app

__all__: list[str] = []

RequestId = Annotated[int, typer.Argument(metavar="REQUEST", help="The quote request's id.")]


def _line(r: Any) -> str:
    what = r.dataset_name or say("catalog.request_custom", text=r.custom_work)
    parts = [say("catalog.request_row", id=f"{r.id:>4}", what=what, customer=r.customer_name,
                 status=say(f"catalog.request_status_{r.status}"), by=r.requested_by_name,
                 use=r.intended_use, scope=r.scope)]
    if r.dataset_name and r.custom_work:
        parts.append(say("catalog.request_custom", text=r.custom_work))
    if r.price is not None:
        terms = "".join(f" · {t}" for t in (r.territory, r.term) if t)
        note = f" · {r.offer_note}" if r.offer_note else ""
        parts.append(say("catalog.request_offer", price=r.price, currency=r.currency,
                         terms=terms, until=r.valid_until, note=note))
    if r.decline_reason:
        parts.append(say("catalog.request_declined", reason=r.decline_reason))
    if r.status == "withdrawn":
        parts.append(say("catalog.request_withdrawn", reason=r.withdraw_reason or "–"))
    if r.licence_number:
        parts.append(say("catalog.request_licence", number=r.licence_number))
    if r.contract_number:
        parts.append(say("catalog.request_contract", number=r.contract_number,
                         status=code("status", r.contract_status or "")))
    return "\n     ".join(parts)


def _print(r: Any) -> None:
    out.print(_line(r), highlight=False)


def _print_all(rows: list[Any]) -> None:
    if not rows:
        out.print(say("catalog.no_requests"), highlight=False)
    for r in rows:
        _print(r)


@app.command("request-quote")
@handle_errors
def request_quote_cmd(
    user: AsUser,
    use: Annotated[str, typer.Option("--use", help="What the data is for (intended use).")],
    scope: Annotated[str, typer.Option(
        help="How much and how wide: seats, teams, territory, term.")],
    dataset: Annotated[int | None, typer.Option(
        help="The catalog dataset's id (none: custom work, described with --custom-work).")
    ] = None,
    message: Annotated[str | None, typer.Option(help="Anything else sales should know.")
                       ] = None,
    custom_work: Annotated[str | None, typer.Option(
        help="Custom work wanted, described in words.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ask for a quote on a catalog dataset, or for custom work (a customer's account)."""
    from datamill.catalog.quote_requests import request_quote

    with get_runtime().session() as s:
        r = request_quote(s, _user(s, user), dataset_id=dataset, intended_use=use, scope=scope,
                          message=message, custom_work=custom_work)
    emit(r, as_json, _print)


@app.command("quote-requests")
@handle_errors
def quote_requests_cmd(
    user: AsUser, dataset: int | None = None, customer: int | None = None,
    status: Annotated[str | None, typer.Option(
        help="open, awaiting_approval, offered, expired, declined, accepted, licensed or "
             "withdrawn.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Quote requests, newest first: every one for staff, your organisation's for a customer."""
    from datamill.catalog.quote_requests import list_quote_requests

    with get_runtime().session() as s:
        rows = list_quote_requests(s, _user(s, user), status=status, dataset_id=dataset,
                                   customer_id=customer)
    emit(rows, as_json, _print_all)


@app.command("quote-request")
@handle_errors
def quote_request_cmd(request_id: RequestId, user: AsUser, as_json: JsonOpt = False) -> None:
    """One quote request with its answer (a customer sees its own organisation's)."""
    from datamill.catalog.quote_requests import get_quote_request

    with get_runtime().session() as s:
        r = get_quote_request(s, _user(s, user), request_id)
    emit(r, as_json, _print)


@app.command("quote-answer")
@handle_errors
def quote_answer_cmd(  # noqa: PLR0913 - the offer's fields
    request_id: RequestId, user: AsUser,
    price: Annotated[str, typer.Option()],
    territory: Annotated[str | None, typer.Option(help="The licence's territory.")] = None,
    term: Annotated[str | None, typer.Option(help="The licence's term.")] = None,
    criteria: Annotated[str | None, typer.Option(
        help="The licence's acceptance criteria.")] = None,
    currency: Annotated[str | None, typer.Option(help="ISO 4217 code of the price.")] = None,
    fx_rate: Annotated[str | None, typer.Option(
        help="CNY per unit of a foreign currency.")] = None,
    note: Annotated[str | None, typer.Option(help="A word to the customer.")] = None,
    band_reason: Annotated[str | None, typer.Option(
        help="Why a price outside the band (a second person approves it first).")] = None,
    valid_days: Annotated[int | None, typer.Option(
        help="Days the offer stays valid (default 30, at most 90).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a quote request with a price (sales); outside the band the customer sees it once
    a second person approved its out-of-band quote (catalog band-quote-approve)."""
    from datamill.catalog.quote_requests import answer_quote_request

    with get_runtime().session() as s:
        r = answer_quote_request(s, _user(s, user), request_id, price=price, currency=currency,
                                 fx_rate=fx_rate, territory=territory, term=term,
                                 acceptance_criteria=criteria, note=note,
                                 band_reason=band_reason, valid_days=valid_days)
    emit(r, as_json, _print)


@app.command("quote-decline")
@handle_errors
def quote_decline_cmd(
    request_id: RequestId, user: AsUser,
    reason: Annotated[str, typer.Option(help="Why (the customer reads it).")],
    as_json: JsonOpt = False,
) -> None:
    """Decline a quote request with a reason (sales)."""
    from datamill.catalog.quote_requests import decline_quote_request

    with get_runtime().session() as s:
        r = decline_quote_request(s, _user(s, user), request_id, reason=reason)
    emit(r, as_json, _print)


@app.command("quote-accept")
@handle_errors
def quote_accept_cmd(request_id: RequestId, user: AsUser, as_json: JsonOpt = False) -> None:
    """Accept the offer on your organisation's quote request (the customer)."""
    from datamill.catalog.quote_requests import accept_quote_offer

    with get_runtime().session() as s:
        r = accept_quote_offer(s, _user(s, user), request_id)
    emit(r, as_json, _print)


@app.command("quote-withdraw")
@handle_errors
def quote_withdraw_cmd(
    request_id: RequestId, user: AsUser,
    reason: Annotated[str | None, typer.Option(help="Why (optional).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Withdraw your organisation's quote request before accepting an offer (the customer)."""
    from datamill.catalog.quote_requests import withdraw_quote_request

    with get_runtime().session() as s:
        r = withdraw_quote_request(s, _user(s, user), request_id, reason=reason)
    emit(r, as_json, _print)


@app.command("quote-licence")
@handle_errors
def quote_licence_cmd(
    request_id: RequestId, user: AsUser,
    number: Annotated[str | None, typer.Option(help="YYMMDD/ABC (default: the next free).")
                      ] = None,
    release: Annotated[int | None, typer.Option(help="Default: the latest release.")] = None,
    issued_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today).")
                         ] = None,
    expires_on: Annotated[str | None, typer.Option(
        help="The licence's last day, YYYY-MM-DD (default: none).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Issue the licence on an accepted quote request at its offered terms (sales)."""
    from datamill.catalog.quote_requests import license_quote_request

    with get_runtime().session() as s:
        r = license_quote_request(
            s, _user(s, user), request_id, number=number, release_id=release,
            issued_on=_day(issued_on), expires_on=_day(expires_on))
    emit(r, as_json, _print)


def _print_inbox(box: Any) -> None:
    if not box.notices:
        out.print(say("catalog.inbox_empty"), highlight=False)
        return
    out.print(say("catalog.inbox_head", unread=box.unread, total=len(box.notices)),
              highlight=False)
    for n in box.notices:
        flag = say("catalog.inbox_unread") if n.unread else ""
        out.print(f"{flag:>4} {n.at:%Y-%m-%d %H:%M} {n.text}", highlight=False, soft_wrap=True)


@app.command("inbox")
@handle_errors
def inbox_cmd(
    user: AsUser,
    read: Annotated[bool, typer.Option(
        "--read", help="Mark everything in the inbox read.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """An account's notices, newest first: for a customer deliveries ready, quotes answered,
    licences issued or revoked, invoices and payments on its statement; for staff what waits
    on their role (quote requests, rejected deliveries, licences about to end, withdrawals of
    consent, releases of personal data)."""
    from datamill.catalog.inbox import customer_inbox, mark_inbox_read
    from datamill.cli._common import cli_language

    lang = cli_language()  # the --as customer's language where DATAMILL_LANG is not set
    with get_runtime().session() as s:
        box = (mark_inbox_read if read else customer_inbox)(s, _user(s, user), lang)
    emit(box, as_json, _print_inbox)
    if read and not as_json:
        out.print(say("catalog.inbox_marked"), highlight=False)
