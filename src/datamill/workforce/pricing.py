"""The purchase price system (业务采购价格体系): unit prices versioned per half-year.

A key is half-year × vendor (None = general) × stage × modality × language group. Setting a
price appends a row; the latest row of a key is effective, so the history stays. A price more
than 10% away from its reference — the latest general price of an earlier half-year (the
previous one, or the one before it when a half-year was skipped), or, for a vendor-specific
price, this half-year's general price (else that earlier one), in the same unit (a price per
hour and one per item do not convert; with no price in that unit there is no reference) — must
carry a written reason and is flagged for procurement's file.

Before, the reference was only the previous half-year's (or, for a vendor, this half-year's)
general price: a vendor's own price set before the half-year's general price, or a general
price after a half-year without one, had no reference, so 50/h against 21.56/h went through
unflagged and without a reason, and sheets and purchase requests then paid and compared with it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise
from datamill.modalities.registry import get_modality, modality_names
from datamill.workforce.models import PriceEntry, Vendor
from datamill.workforce.policies import require_business
from datamill.workforce.schemas import PriceOut
from datamill.workforce.vendors import to_decimal

__all__ = [
    "DEVIATION_LIMIT",
    "UNITS",
    "effective_price",
    "half_year_of",
    "language_group",
    "list_prices",
    "set_price",
]

DEVIATION_LIMIT = Decimal("0.10")
#: "hour": per hour of audio; "item": per item; "volume": per the modality's volume unit
#: (e.g. 1,000 characters of text)
UNITS = ("hour", "item", "volume")
_HALF = re.compile(r"^(\d{4})H([12])$")
_MINORITY = frozenset({"ug", "bo", "ii", "za", "mn", "kk", "ky"})


def half_year_of(day: date) -> str:
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def _check_half(half: str) -> None:
    if _HALF.match(half) is None:
        raise InvalidInput(f"half-year {half!r} must look like 2024H1 or 2024H2", field="half_year",
                           reason_code="half_year_form", half=str(half))


def language_group(language: str) -> str:
    """The price system's language group of a BCP-47 tag: chinese, minority or foreign.

    Chinese (Mandarin and its dialects: ``zh``, ``cmn``, ``yue``, ``wuu`` ...) is commoditised;
    China's minority languages and foreign languages earn more.
    """
    primary = language.split("-")[0].lower()
    if primary in {"zh", "cmn", "yue", "wuu", "nan", "hak", "gan", "hsn", "cjy"}:
        return "chinese"
    if primary in _MINORITY:
        return "minority"
    return "foreign"


def _current(
    session: Session, half: str, vendor_id: int | None, stage: str, modality: str, group: str,
    unit: str | None = None,
) -> PriceEntry | None:
    """The latest price of the key (``unit``: only prices counted in that unit)."""
    q = select(PriceEntry).where(
        PriceEntry.half_year == half,
        PriceEntry.stage == stage,
        PriceEntry.modality == modality,
        PriceEntry.language_group == group,
        PriceEntry.vendor_id.is_(None) if vendor_id is None else PriceEntry.vendor_id == vendor_id,
    )
    if unit is not None:
        q = q.where(PriceEntry.unit == unit)
    return session.scalars(q.order_by(PriceEntry.id.desc())).first()


def _reference(
    session: Session, half: str, vendor_id: int | None, stage: str, modality: str, group: str,
    unit: str,
) -> tuple[PriceEntry | None, str]:
    """The general price a new price of the key is compared with, and how to name it: for a
    vendor's own price this half-year's general price; else (and for a general price) the
    latest general price of an earlier half-year, in ``unit``."""
    if vendor_id is not None:
        row = _current(session, half, None, stage, modality, group, unit)
        if row is not None:
            return row, f"the {half} general price per {unit}"
    row = session.scalars(
        select(PriceEntry).where(
            PriceEntry.half_year < half,  # 2026H2 < 2027H1: the form sorts as it reads
            PriceEntry.vendor_id.is_(None),
            PriceEntry.stage == stage,
            PriceEntry.modality == modality,
            PriceEntry.language_group == group,
            PriceEntry.unit == unit,
        ).order_by(PriceEntry.half_year.desc(), PriceEntry.id.desc())
    ).first()
    return row, (f"the {row.half_year} general price per {unit}" if row is not None else "")


def effective_price(
    session: Session, day: date, vendor_id: int | None, stage: str, modality: str, group: str
) -> PriceEntry | None:
    """The vendor's own price for the half-year of ``day``, else the general one (or None)."""
    half = half_year_of(day)
    if vendor_id is not None:
        own = _current(session, half, vendor_id, stage, modality, group)
        if own is not None:
            return own
    return _current(session, half, None, stage, modality, group)


def _require_timed(modality: str, unit: str) -> None:
    """A price per ``hour`` is per hour of audio (settlement divides the volume in milliseconds
    by 3,600,000): refused for a modality not counted in time (an image project's 1,000
    images settled as 0.0003 hours), told in the modality's own unit."""
    plugin = get_modality(modality)
    if unit != "hour" or plugin.volume_base_unit == "milliseconds":
        return
    raise InvalidInput(
        f"A price per hour is per hour of audio, but {modality} is counted in "
        f"{plugin.volume_unit}: set the price per item, or per volume ({plugin.volume_unit}).",
        field="unit", reason_code="price_hour_untimed", modality=modality,
        volume_unit=str(plugin.volume_unit))


def set_price(
    session: Session,
    actor: User,
    *,
    half_year: str,
    stage: str,
    modality: str,
    language_group: str,
    unit: str,
    unit_price: object,
    vendor_id: int | None = None,
    reason: str | None = None,
) -> PriceOut:
    """Append a price version; >10% off its reference needs ``reason`` and is flagged.

    ``modality`` is a registered modality name (``speech.asr``, not ``speech``): a price on
    any other name would never match a project, so it is refused.
    """
    require_business(actor, "set purchase prices")
    _check_half(half_year)
    known = modality_names()
    if modality not in known:  # a price on an unknown name (or "speech") would never match
        raise InvalidInput(
            f"unknown modality {modality!r}; a price is set on a registered modality: "
            f"{', '.join(known)}",
            field="modality",
            reason_code="price_modality_unknown", modality=str(modality), value=', '.join(known),
        )
    if unit not in UNITS:
        raise InvalidInput(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}", field="unit",
                           reason_code="unit_unknown", unit=str(unit), value=', '.join(UNITS))
    _require_timed(modality, unit)
    if language_group not in ("chinese", "minority", "foreign"):
        raise InvalidInput(
            "language group must be chinese, minority or foreign", field="language_group",
            reason_code="language_group_unknown",
        )
    price = to_decimal(unit_price, "unit_price")
    if price <= 0 or price != price.quantize(Decimal("0.0001")):
        raise InvalidInput(
            f"unit price {price} must be positive with at most 4 decimals", field="unit_price",
            reason_code="unit_price_form", price=str(price),
        )
    if vendor_id is not None:
        get_or_raise(session, Vendor, vendor_id, "vendor")
    # the reference is a price in the same unit: an hour and an item (or a volume unit) do not
    # convert (§4.4), so a price per item is never "off" a price per hour
    ref_row, ref_what = _reference(session, half_year, vendor_id, stage, modality,
                                   language_group, unit)
    ref = ref_row.unit_price if ref_row else None
    deviation = ((price - ref) / ref).quantize(Decimal("0.0001")) if ref else None
    flagged = deviation is not None and abs(deviation) > DEVIATION_LIMIT
    check_note(reason, "reason")  # procurement's file and the signers read it
    if flagged and not (reason and reason.strip()):
        raise InvalidInput(
            f"unit price {price} is {deviation:+.2%} off {ref_what} {ref}; more than 10% needs a "
            "written reason (competitor quotes, interviews, mock postings ...)",
            field="reason",
            reason_code="price_deviation_reason", price=str(price), deviation=f"{deviation:+.2%}",
            ref_what=str(ref_what), ref=str(ref),
        )
    row = PriceEntry(
        half_year=half_year,
        vendor_id=vendor_id,
        stage=stage,
        modality=modality,
        language_group=language_group,
        unit=unit,
        unit_price=price,
        reference_price=ref,
        deviation=deviation,
        flagged=flagged,
        reason=(reason or "").strip() or None,
        created_by=actor.id,
    )
    session.add(row)
    session.flush()
    record_audit(
        session,
        actor_id=actor.id,
        action="price.set",
        object_type="price",
        object_id=row.id,
        data={
            "key": [half_year, vendor_id, stage, modality, language_group],
            "unit": unit,
            "unit_price": str(price),
            "flagged": flagged,
            "reason": row.reason,
        },
    )
    return PriceOut.model_validate(row)


def list_prices(
    session: Session, actor: User, half_year: str | None = None, *, flagged_only: bool = False
) -> list[PriceOut]:
    """Every price version (history included), oldest first; procurement's view only."""
    require_business(actor, "read the price system", read=True)
    q = select(PriceEntry).order_by(PriceEntry.id)
    if half_year:
        q = q.where(PriceEntry.half_year == half_year)
    if flagged_only:
        q = q.where(PriceEntry.flagged.is_(True))
    return [PriceOut.model_validate(p) for p in session.scalars(q)]
