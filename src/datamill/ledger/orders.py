"""Customers, contracts and performance orders (the order is the unit of future revenue)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.config import get_settings
from datamill.core.errors import Conflict, DatamillError, InvalidInput
from datamill.core.iso import COUNTRIES, check_minor_units, no_control_chars
from datamill.core.money import MAX_FX_RATE, parse_decimal, parse_money, to_cents, to_decimal
from datamill.core.shown_numbers import shown_money
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.db.party_registry import registered_name
from datamill.ledger._periods import check_not_future
from datamill.ledger.models import LedgerAcceptance, LedgerContract, LedgerCustomer, LedgerOrder
from datamill.ledger.schemas import ContractOut, CustomerOut, OrderOut
from datamill.ledger.settings import (
    BUSINESS_LINES,
    CONTRACT_KINDS,
    CREDIT_GRADES,
    CURRENCIES,
    CUSTOMER_TYPES,
    OFFERINGS,
    VOLUME_UNITS,
)

__all__ = [
    "DEFAULT_CREDIT_GRADE",
    "LEDGER_CONTRACT_KINDS",
    "LICENCE_CONTRACT_PREFIX",
    "amend_order_volume",
    "cancelled_contract_of",
    "check_currency",
    "check_signed_on",
    "check_text",
    "check_unit_fits_line",
    "check_unit_fits_modality",
    "check_vat_rate",
    "create_contract",
    "create_customer",
    "create_licence_contract",
    "create_order",
    "default_vat_rate",
    "default_volume_unit",
    "get_order",
    "list_customers",
    "list_orders",
    "order_row",
    "order_volume_units",
    "parse_volume",
    "refuse_licence_contract_terms",
    "require_one_of",
]


MAX_VOLUME = 10**12
#: the grade of a customer registered without one (domain §6.7: 0–2m, ≤45 days)
DEFAULT_CREDIT_GRADE = "3"


def require_one_of(value: str, allowed: tuple[str, ...], field: str) -> None:
    """InvalidInput naming ``field`` and the allowed values unless ``value`` is one of them."""
    if value not in allowed:
        raise InvalidInput(
            f"unknown {field} {value!r}; available: {', '.join(allowed)}", field=field,
            reason_code="choice_unknown", value=str(value), value_2=', '.join(allowed),
        )


def _flush_unique(session: Session, what: str, key: str) -> None:
    try:
        session.flush()
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"{what} {key!r} already exists", key=key,
                       reason_code="key_exists", what=str(what)) from err


def check_text(value: str | None, field: str) -> None:
    """Refuse a name or reference holding a control character (NUL, escape, a line break):
    stored, it broke exports and the screens that print it."""
    if value is not None and not no_control_chars(value):
        raise InvalidInput(f"{field} {value!r} holds a control character; type it on one line "
                           "without control characters", field=field,
                           reason_code="control_character", value=str(value))


def _money_in(amount: Decimal | str, currency: str, field: str = "amount") -> Decimal:
    """An amount of ``currency``: no more decimals than its ISO 4217 minor unit."""
    amt = parse_money(amount, field)
    if (why := check_minor_units(amt, currency)) is not None:
        raise InvalidInput(why, field=field, reason_code="minor_units", amount=f"{amt.normalize():f}",
                           currency=currency.upper())
    return amt


def check_currency(currency: str) -> None:
    """Refuse a currency that is not one of :data:`~datamill.ledger.settings.CURRENCIES`."""
    if currency.upper() not in CURRENCIES:
        raise InvalidInput(f"currency {currency!r} is not an ISO 4217 code datamill books in; "
                           f"available: {', '.join(CURRENCIES)}", field="currency",
                           reason_code="currency_unknown", currency=str(currency),
                           value=', '.join(CURRENCIES))


def default_vat_rate(offering: str = "custom") -> Decimal:
    """The VAT rate an order of ``offering`` (or a quote: custom work) takes when none is
    given: ``DATAMILL_CATALOG_VAT_RATE`` for a product licence, else
    ``DATAMILL_SERVICE_VAT_RATE`` (data services, 6 %); one rule for the API, the CLI and the
    catalog."""
    settings = get_settings()
    return settings.catalog_vat_rate if offering == "product_licence" else \
        settings.service_vat_rate


def check_vat_rate(value: Decimal | str) -> Decimal:
    """A VAT rate as a fraction, 0 ≤ rate < 1 (domain §6.7: 6 %, 16–17 %), 4 places."""
    rate = parse_decimal(value, "vat_rate")
    if not 0 <= rate < 1:
        raise InvalidInput(f"vat_rate {value} must be a fraction from 0 up to (not including) 1, "
                           "e.g. 0.06 for 6 %", field="vat_rate",
                           reason_code="vat_rate_range", value=str(value))
    if rate != to_decimal(rate, 4):
        raise InvalidInput(f"vat_rate {value} has more than four decimal places",
                           field="vat_rate",
                           reason_code="vat_rate_decimals", value=str(value))
    return to_decimal(rate, 4)


def parse_volume(value: Decimal | str, field: str = "total_volume") -> Decimal:
    """A volume (hours, images, …) to four decimal places, as it is stored: more places are
    refused, never rounded silently (``volume_places``), as money's cents and the VAT rate's
    four places are. Before, an order of 10.123456 hours was stored as 10.1235."""
    vol = parse_decimal(value, field)
    if vol != to_decimal(vol, 4):
        raise InvalidInput(f"{field} {value} has more than four decimal places; give the volume "
                           "to 0.0001", field=field, reason_code="volume_places",
                           value=str(value))
    return to_decimal(vol, 4)


def create_customer(
    session: Session, name: str, *, customer_type: str, country: str,
    credit_grade: str | None = None, actor_id: int | None = None,
) -> CustomerOut:
    """Register a customer; ``country`` (ISO alpha-2, registered location) decides domestic/overseas.

    ``credit_grade`` None is :data:`DEFAULT_CREDIT_GRADE` (who may name a grade is
    :func:`datamill.ledger.access.require_customer_registrar`'s rule: finance's).
    """
    credit_grade = DEFAULT_CREDIT_GRADE if credit_grade is None else credit_grade
    require_one_of(customer_type, CUSTOMER_TYPES, "customer_type")
    require_one_of(credit_grade, CREDIT_GRADES, "credit_grade")
    check_text(name, "name")
    name = registered_name(session, LedgerCustomer, name, party="customer")
    if country.upper() not in COUNTRIES:
        raise InvalidInput(f"country {country!r} is not an ISO 3166 alpha-2 code (CN, US, DE, "
                           "JP ...)", field="country",
                           reason_code="customer_country_code", country=str(country))
    row = LedgerCustomer(name=name, customer_type=customer_type, country=country.upper(),
                         credit_grade=credit_grade)
    session.add(row)
    _flush_unique(session, "customer", name)
    record_audit(session, actor_id=actor_id, action="ledger.customer.created",
                 object_type="ledger_customer", object_id=row.id, data={"name": name})
    return CustomerOut.model_validate(row)


def list_customers(session: Session) -> list[CustomerOut]:
    rows = session.scalars(select(LedgerCustomer).order_by(LedgerCustomer.id))
    return [CustomerOut.model_validate(r) for r in rows]


#: the number of a catalog licence's contract: ``LIC-`` and the licence's ``YYMMDD/ABC``
LICENCE_CONTRACT_PREFIX = "LIC-"
#: the kinds of contract the ledger makes (drafts, contracts signed outside datamill): a
#: licence's is the catalog's (:func:`refuse_licence_contract_terms`)
LEDGER_CONTRACT_KINDS = tuple(k for k in CONTRACT_KINDS if k != "licence")


def refuse_licence_contract_terms(number: str, kind: str) -> None:
    """A contract made in the ledger (drafted, or recorded as signed outside datamill) is not a
    licence's: kind ``licence`` (``contract_kind_licence``) and the numbers ``LIC-…``
    (``contract_number_reserved``, any case) are the catalog's, which issues them with each
    licence (:func:`create_licence_contract`). A ledger contract that took ``LIC-260106/AAF``
    blocked that day's licence numbering, and one of kind licence looked like a licence's
    contract though no licence stood behind it."""
    if kind == "licence":
        raise InvalidInput("a contract of kind licence is issued with its catalog licence "
                           "(datamill catalog licence-add), not made in the ledger",
                           field="kind", reason_code="contract_kind_licence")
    if (number or "").strip().casefold().startswith(LICENCE_CONTRACT_PREFIX.casefold()):
        raise InvalidInput(f"contract number {number} is reserved: numbers starting "
                           f"{LICENCE_CONTRACT_PREFIX} are catalog licences' contracts, issued "
                           "with each licence (datamill catalog licence-add)", field="number",
                           reason_code="contract_number_reserved", number=number,
                           prefix=LICENCE_CONTRACT_PREFIX)


def cancelled_contract_of(session: Session, order_id: int | None) -> str | None:
    """The number of order ``order_id``'s contract if it is cancelled, else None (a catalog
    licence's order: its contract cancelled through the ledger before that was refused)."""
    if order_id is None:
        return None
    return session.scalar(select(LedgerContract.number).join(
        LedgerOrder, LedgerOrder.contract_id == LedgerContract.id).where(
        LedgerOrder.id == order_id, LedgerContract.status == "cancelled"))


def check_signed_on(signed_on: date, number: str) -> None:
    """Refuse a contract signed after today (``date_in_future``): a signature is recorded
    once it happened. Before, a contract "signed" next year was taken; its orders were split
    off and their deliveries accepted and recognised before the contract existed."""
    check_not_future(signed_on, f"the signature of contract {number}", "signed_on")


def create_contract(
    session: Session, number: str, *, customer_id: int, kind: str, currency: str = "CNY",
    signed_on: date | None, amount: Decimal | str | None = None, actor_id: int | None = None,
) -> ContractOut:
    """Record a signed contract whose approvals happened outside datamill (the controlled path
    is :func:`datamill.ledger.contracts.draft_contract`). ``amount`` (excl. VAT) caps its
    orders; without it the orders are not capped. A licence's contract is the catalog's
    (:func:`refuse_licence_contract_terms`)."""
    refuse_licence_contract_terms(number, kind)
    if signed_on is not None:
        check_signed_on(signed_on, number)
    return _insert_contract(session, number, customer_id=customer_id, kind=kind,
                            currency=currency, signed_on=signed_on, amount=amount,
                            actor_id=actor_id)


def create_licence_contract(
    session: Session, licence_number: str, *, customer_id: int, currency: str,
    signed_on: date, amount: Decimal, actor_id: int | None = None,
) -> ContractOut:
    """The contract of catalog licence ``licence_number`` (kind ``licence``, numbered
    ``LIC-`` + the licence's number), signed on its issue day: only the catalog issues it, and
    only the licence's revocation cancels it
    (:func:`datamill.ledger.contracts.cancel_licence_contract`)."""
    return _insert_contract(session, LICENCE_CONTRACT_PREFIX + licence_number,
                            customer_id=customer_id, kind="licence", currency=currency,
                            signed_on=signed_on, amount=amount, actor_id=actor_id)


def _insert_contract(
    session: Session, number: str, *, customer_id: int, kind: str, currency: str,
    signed_on: date | None, amount: Decimal | str | None, actor_id: int | None,
) -> ContractOut:
    get_or_raise(session, LedgerCustomer, customer_id, "customer", customer_id=customer_id)
    require_one_of(kind, CONTRACT_KINDS, "kind")
    check_currency(currency)
    check_text(number, "number")
    amt = None if amount is None else _money_in(amount, currency)
    row = LedgerContract(number=number, customer_id=customer_id, kind=kind,
                         currency=currency.upper(), signed_on=signed_on, amount=amt)
    session.add(row)
    _flush_unique(session, "contract", number)
    record_audit(session, actor_id=actor_id, action="ledger.contract.created",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": number, "currency": row.currency,
                       "amount": None if amt is None else str(amt)})
    return ContractOut.model_validate(row)


def order_volume_units() -> tuple[str, ...]:
    """What an order's volume may be counted in: the ledger's own units (:data:`VOLUME_UNITS`)
    and the volume unit of every installed modality, asked of its plugin (dialogues, frames,
    kchars, …): the acceptance events carry the modality's volume in it, so the order's
    accepted volume is read in the unit it was sold in."""
    from datamill.modalities.registry import get_modality, modality_names

    units = list(VOLUME_UNITS)
    for name in modality_names():
        try:
            unit = get_modality(name).volume_unit
        except (ImportError, DatamillError):  # a plugin this installation cannot load
            continue
        if unit not in units:
            units.append(unit)
    return tuple(units)


#: the units that name one business line's work: an order of another line counted in one
#: of them is a mismatch (a vision order in audio hours); ``items``, ``databases``,
#: ``licences`` and a modality unit named here by no line fit every line, and an
#: ``application_service`` order may count in any unit
_LINE_UNITS: dict[str, tuple[str, ...]] = {
    "speech": ("hours", "utterances"),
    "vision": ("images", "frames"),
    "language": ("kchars", "dialogues"),
}


def default_volume_unit(business_line: str) -> str:
    """An order's unit when none is given: its business line's first (speech hours, vision
    images, language thousands of characters), else items. It was hours for every line, and a
    vision order given no unit was refused as counted in another line's unit."""
    return _LINE_UNITS.get(business_line, ("items",))[0]


def check_unit_fits_line(business_line: str, volume_unit: str) -> None:
    """Refuse an order whose volume unit is another business line's (``order_unit_line``):
    a vision order counted in hours of audio was accepted, and the revenue its project's
    accepted images should have recognised never came (their hours are none)."""
    owner = next((line for line, units in _LINE_UNITS.items() if volume_unit in units), None)
    if owner is None or business_line in (owner, "application_service"):
        return
    fits = ", ".join((*_LINE_UNITS.get(business_line, ()), "items", "databases"))
    raise InvalidInput(
        f"a {business_line} order is not counted in {volume_unit} ({owner} work's unit); "
        f"count it in {fits}", field="volume_unit", reason_code="order_unit_line",
        business_line=business_line, volume_unit=volume_unit, owner=owner, value=fits)


def check_unit_fits_modality(number: str, volume_unit: str, modality: str,
                             project_name: str) -> None:
    """Refuse linking an order to a production project whose modality does not count in the
    order's unit (``order_unit_modality``): the accepted volume of each delivery is read in the
    order's unit (:func:`datamill.ledger.recognition._exact_volume`), so an image project's
    order in hours recognised nothing. ``items`` and ``databases`` fit every modality; the
    modality's own unit fits, and ``utterances`` fits a modality counted in hours (speech,
    TTS). A modality this installation has no plugin for is not checked."""
    from datamill.modalities.registry import get_modality

    try:
        unit = get_modality(modality).volume_unit
    except (ImportError, DatamillError):
        return
    fitting = ["items", "databases", unit] + (["utterances"] if unit == "hours" else [])
    if volume_unit in fitting:
        return
    fits = ", ".join(dict.fromkeys(fitting))
    raise InvalidInput(
        f"order {number} is counted in {volume_unit}, but project {project_name!r} is {modality} "
        f"work counted in {unit}: its accepted volume would never reach the order; link an "
        f"order counted in {fits}", field="order_id", reason_code="order_unit_modality",
        number=number, volume_unit=volume_unit, project=project_name, modality=modality,
        unit=unit, value=fits)


def create_order(
    session: Session, contract_id: int, number: str, *, business_line: str, offering: str,
    amount: Decimal | str, currency: str | None, total_volume: Decimal | str,
    volume_unit: str | None, acceptance_type: int, fx_rate: Decimal | str | None = None,
    vat_rate: Decimal | str | None = None, actor_id: int | None = None,
) -> OrderOut:
    """Split one obligation off a contract. ``amount`` excludes VAT, in the contract currency
    (``currency`` None: the contract's; one given must be it). ``vat_rate`` None is the
    setting's (:func:`default_vat_rate`: 6 % custom work, 13 % a product licence).

    A foreign-currency order needs ``fx_rate`` (CNY per unit, spot rate on the contract date).
    ``volume_unit`` None: the business line's own (:func:`default_volume_unit`).
    """
    # locked: two orders split off at once must not both fit under the contract's amount
    contract = lock_or_raise(session, LedgerContract, contract_id, "contract",
                             contract_id=contract_id)
    if contract.status != "signed":
        raise Conflict(f"contract {contract.number} is {contract.status}: orders are split off "
                       "signed contracts only", contract_id=contract_id,
                       reason_code="order_contract_not_signed", number=str(contract.number),
                       contract_status=str(contract.status))
    require_one_of(business_line, BUSINESS_LINES, "business_line")
    require_one_of(offering, OFFERINGS, "offering")
    if volume_unit is None:
        volume_unit = default_volume_unit(business_line)
    require_one_of(volume_unit, order_volume_units(), "volume_unit")
    check_unit_fits_line(business_line, volume_unit)
    if acceptance_type not in (1, 2, 3):
        raise InvalidInput(f"acceptance type must be 1, 2 or 3, not {acceptance_type}",
                           field="acceptance_type",
                           reason_code="acceptance_type_range",
                           acceptance_type=str(acceptance_type))
    currency = contract.currency if currency is None else currency
    if currency.upper() != contract.currency:
        raise InvalidInput(
            f"order currency {currency.upper()} does not match contract {contract.number}'s "
            f"currency {contract.currency}; an order must match its contract", field="currency",
            reason_code="order_currency_mismatch", value=str(currency.upper()),
            number=str(contract.number), currency=str(contract.currency),
        )
    check_text(number, "number")
    amt = _money_in(amount, contract.currency)
    vol = parse_volume(total_volume)
    if vol <= 0 or vol > MAX_VOLUME:
        raise InvalidInput(f"total volume must be positive and at most {MAX_VOLUME:,}, "
                           f"not {total_volume}", field="total_volume",
                           reason_code="total_volume_range", MAX_VOLUME=f"{MAX_VOLUME:,}",
                           total_volume=str(total_volume))
    vat = check_vat_rate(default_vat_rate(offering) if vat_rate is None else vat_rate)
    if contract.amount is not None:
        split = Decimal(session.scalar(select(func.sum(LedgerOrder.amount)).where(
            LedgerOrder.contract_id == contract_id)) or 0)
        if split + amt > contract.amount:
            raise InvalidInput(
                f"order {number} ({shown_money(amt, contract.currency)} {contract.currency}) "
                f"exceeds what is left of contract {contract.number}: "
                f"{shown_money(contract.amount, contract.currency)} − "
                f"{shown_money(split, contract.currency)} already in orders = "
                f"{shown_money(contract.amount - split, contract.currency)}; amend the contract "
                "first", field="amount",
                remainder=str(contract.amount - split),
                reason_code="order_exceeds_contract", number=str(number), amt=str(amt),
                currency=str(contract.currency), number_2=str(contract.number),
                amount=str(contract.amount), split=str(split), value=str(contract.amount - split))
    if contract.currency == "CNY":
        rate = Decimal(1)
    elif fx_rate is None:
        raise InvalidInput(f"a {contract.currency} order needs fx_rate (CNY per "
                           f"{contract.currency} on the contract date)", field="fx_rate",
                           reason_code="order_fx_rate_missing", currency=str(contract.currency))
    else:
        rate = parse_decimal(fx_rate, "fx_rate")
        if not 0 < rate <= MAX_FX_RATE:
            raise InvalidInput(f"fx_rate {fx_rate} must be positive, at most {MAX_FX_RATE} CNY "
                               f"per {contract.currency}", field="fx_rate",
                               reason_code="fx_rate_range", fx_rate=str(fx_rate),
                               MAX_FX_RATE=MAX_FX_RATE, currency=str(contract.currency))
        # six places, as stored and as a receipt's rate: more are refused, never rounded
        # silently (7.12345678 was booked at 7.123457; 0.0000001 read "must be positive")
        if rate != to_decimal(rate, 6):
            raise InvalidInput(f"fx_rate {fx_rate} has more than 6 decimal places",
                               field="fx_rate", reason_code="fx_rate_places",
                               fx_rate=str(fx_rate), places=6)
        rate = to_decimal(rate, 6)
    amount_cny = to_cents(amt * rate)
    if amt > 0 and amount_cny <= 0:
        raise InvalidInput(f"order {number}: {amt} {contract.currency} at {rate} CNY per "
                           f"{contract.currency} is {shown_money(amount_cny)} CNY, nothing to book; check the "
                           "amount and the fx rate", field="fx_rate",
                           reason_code="order_nothing_to_book", number=str(number), amt=str(amt),
                           currency=str(contract.currency), rate=str(rate),
                           amount_cny=str(amount_cny))
    row = LedgerOrder(
        contract_id=contract_id, number=number, business_line=business_line, offering=offering,
        currency=contract.currency, amount=amt, fx_rate=rate, amount_cny=amount_cny,
        vat_rate=vat, total_volume=vol, volume_unit=volume_unit,
        acceptance_type=acceptance_type,
    )
    session.add(row)
    _flush_unique(session, "order", number)
    record_audit(session, actor_id=actor_id, action="ledger.order.created",
                 object_type="ledger_order", object_id=row.id,
                 data={"number": number, "amount": str(amt), "currency": row.currency,
                       "acceptance_type": acceptance_type})
    return OrderOut.model_validate(row)


def amend_order_volume(
    session: Session, order_id: int, total_volume: Decimal | str, *, reason: str,
    actor_id: int | None = None,
) -> OrderOut:
    """Change an open order's total volume (the customer accepted more than ordered, say), with
    the reason (audited). Never below the volume already accepted; acceptances set aside for
    exceeding the old total are taken on the next ``ledger sync``. Recognitions already made
    stay; a type-3 order's next recognition trues up to the new completion. Amended down to
    the volume already accepted, the order is complete: it is recognised at once as its last
    acceptance would have been (:func:`~datamill.ledger.recognition.recognise_reached_total`:
    the final acceptance of a type 1/2 order, the type-3 true-up to 100 %)."""
    if not reason.strip():
        raise InvalidInput("an order amendment needs its reason", field="reason",
                           reason_code="order_amendment_reason")
    check_note(reason, "reason")
    row = order_row(session, order_id, lock=True)
    if row.status != "open":
        raise Conflict(f"order {row.number} is {row.status}: only an open order is amended",
                       order_id=order_id,
                       reason_code="order_amend_not_open", number=str(row.number),
                       row_status=str(row.status))
    vol = parse_volume(total_volume)
    accepted = Decimal(session.scalar(select(func.sum(LedgerAcceptance.volume)).where(
        LedgerAcceptance.order_id == order_id)) or 0)
    if vol <= 0 or vol > MAX_VOLUME or vol < accepted:
        raise InvalidInput(f"the total volume of order {row.number} must be positive, at most "
                           f"{MAX_VOLUME:,} and not below the {accepted} {row.volume_unit} "
                           f"already accepted, not {total_volume}", field="total_volume",
                           accepted=str(accepted),
                           reason_code="order_volume_below_accepted", number=str(row.number),
                           MAX_VOLUME=f"{MAX_VOLUME:,}", accepted_2=str(accepted),
                           volume_unit=str(row.volume_unit), total_volume=str(total_volume))
    old, row.total_volume = row.total_volume, vol
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.order.amended",
                 object_type="ledger_order", object_id=row.id,
                 data={"number": row.number, "old_total_volume": str(old),
                       "new_total_volume": str(vol), "reason": reason.strip()})
    if vol == accepted:
        # imported here: recognition imports this module (order_row)
        from datamill.ledger.recognition import recognise_reached_total

        recognise_reached_total(session, row, actor_id=actor_id)
    return OrderOut.model_validate(row)


def order_row(session: Session, order_id: int, *, lock: bool = False) -> LedgerOrder:
    """The order, or NotFound; ``lock``: locked until the transaction ends (for a check of a
    running total against it: invoices, receipts, acceptances, its volume)."""
    fetch = lock_or_raise if lock else get_or_raise
    row = fetch(session, LedgerOrder, order_id, "performance order", order_id=order_id)
    return row


def get_order(session: Session, order_id: int) -> OrderOut:
    return OrderOut.model_validate(order_row(session, order_id))


def list_orders(session: Session, **filters: Any) -> list[OrderOut]:
    q = select(LedgerOrder).order_by(LedgerOrder.id)
    for key, value in filters.items():
        q = q.where(getattr(LedgerOrder, key) == value)
    return [OrderOut.model_validate(r) for r in session.scalars(q)]
