"""Catalog datasets: the development pipeline (in development → released), their sources
(accepted batches of product-development projects, third-party datasets with sub-licensing
rights), search and browse, and the yearly counts.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.catalog.access import Viewer, licensed_releases, viewer
from datamill.catalog.ipwall import (
    Violation,
    customer_bytes,
    refuse_violations,
    wall_violations,
)
from datamill.catalog.modality_facts import modality_facts
from datamill.catalog.models import (
    CatalogDataset,
    CatalogRelease,
    CatalogSource,
    ThirdPartyDataset,
    ThirdPartyFile,
)
from datamill.catalog.schemas import DatasetOut, PipelineOut, SourceOut, ThirdPartyOut, VolumeOut
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize
from datamill.compliance.roles import Action
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.money import to_cents
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, not_found
from datamill.production.models import Batch, BatchItem, Project
from datamill.storage.blobstore import BlobStore, sha256_file

__all__ = [
    "PRICE_BANDS",
    "add_source",
    "band_setters",
    "create_dataset",
    "dataset_out",
    "dataset_row",
    "entry_volume",
    "get_dataset",
    "list_sources",
    "pipeline_counts",
    "planned_of",
    "register_third_party",
    "remove_source",
    "search_datasets",
    "search_fold",
    "update_dataset",
]

#: BCP-47: language[-script][-region][-variant…] (the shape, not the registry)
_BCP47 = re.compile(
    r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8})*(-x(-[a-zA-Z0-9]{1,8})+)?$")
#: price bands (CNY, by standard price): what the browse filter offers
PRICE_BANDS = {"low": (Decimal(0), Decimal(100_000)),
               "mid": (Decimal(100_000), Decimal(500_000)),
               "high": (Decimal(500_000), None)}
#: a description's (and a market survey's) most characters (the API's body takes no more);
#: customers read the description in the catalog, sales and finance the survey beside the
#: price, so both are checked as notes: no bidi override or control character (h1)
MAX_DESCRIPTION = 5000
_UPDATABLE = ("title", "scenario", "description", "planned_hours", "budget", "market_survey",
              "price", "price_low", "price_high", "copyright_no", "devices", "listed", "languages")


def _money(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        out = to_cents(str(value))  # the house rounding rule: half-up to cents
    except InvalidOperation as err:
        raise InvalidInput(f"{field} {value!r} is not a decimal", field=field) from err
    if not out.is_finite():  # NaN, Infinity
        raise InvalidInput(f"{field} {value!r} is not a number", field=field)
    if out < 0 or out >= Decimal(10) ** 14:
        raise InvalidInput(f"{field} {out} must be between 0 and 10^14", field=field)
    return out


def _languages(values: list[str]) -> list[str]:
    bad = [v for v in values if not isinstance(v, str) or not _BCP47.match(v)]
    if bad or not values:
        raise InvalidInput(f"languages must be BCP-47 tags (e.g. zh-CN, yue-HK); bad: {bad}",
                           field="languages", reason_code="dataset_languages",
                           bad=", ".join(map(str, bad)) or "-")
    return list(dict.fromkeys(values))


def _check_band(row: CatalogDataset) -> None:
    lo, hi, price = row.price_low, row.price_high, row.price
    if lo is not None and hi is not None and lo > hi:
        raise InvalidInput(f"price band {lo}..{hi} is empty", field="price_low",
                           reason_code="band_empty", low=str(lo), high=str(hi))
    if price is not None and ((lo is not None and price < lo) or (hi is not None and price > hi)):
        raise InvalidInput(f"standard price {price} lies outside its band {lo}..{hi}",
                           field="price", reason_code="price_outside_band", price=str(price),
                           low=str(lo), high=str(hi))


def band_name(price: Decimal | None) -> str | None:
    if price is None:
        return None
    for name, (lo, hi) in PRICE_BANDS.items():
        if price >= lo and (hi is None or price < hi):
            return name
    return None


def dataset_row(session: Session, dataset_id: int) -> CatalogDataset:
    row = get_or_raise(session, CatalogDataset, dataset_id, "catalog dataset", dataset_id=dataset_id)
    return row


def dataset_out(session: Session, row: CatalogDataset, view: Viewer | None = None,
                among: set[int] | None = None) -> DatasetOut:
    """The entry as ``view`` sees it, its figures from its latest release (of ``among``, the
    releases a licensee of an entry off the catalog sees: not a later one it holds none of)."""
    q = select(CatalogRelease).where(CatalogRelease.dataset_id == row.id)
    if among is not None:
        q = q.where(CatalogRelease.id.in_(sorted(among) or [0]))
    rel = session.scalars(q.order_by(CatalogRelease.version.desc())).first()
    entry = rel.entry if rel else {}
    out = DatasetOut(
        id=row.id, name=row.name, title=row.title, modality=row.modality,
        languages=list(row.languages or []), scenario=row.scenario, description=row.description,
        status=row.status, planned_hours=row.planned_hours, budget=row.budget,
        market_survey=row.market_survey, price=row.price, price_low=row.price_low,
        price_high=row.price_high, price_band=band_name(row.price), currency=row.currency,
        copyright_no=row.copyright_no, devices=list(row.devices or []), listed=row.listed,
        created_at=row.created_at, released_at=row.released_at,
        latest_release=rel.id if rel else None, hours=entry.get("hours"),
        items=entry.get("items"), speakers=entry.get("speakers"),
        planned_volume=_planned_volume(row), volume=entry_volume(entry))
    if view is not None and not view.sees_prices:
        # a customer sees what the dataset is and holds, not the business's plan for it
        # (prices, budget, market survey, planned volume)
        out = out.model_copy(update={"price": None, "price_low": None, "price_high": None,
                                     "price_band": None, "budget": None, "market_survey": "",
                                     "planned_hours": None, "planned_volume": None})
    return out


def _planned_volume(row: CatalogDataset) -> VolumeOut | None:
    """The planned volume in the modality's own unit (stored in ``planned_hours``, the column's
    name from when every dataset was speech)."""
    if row.planned_hours is None:
        return None
    value = row.planned_hours
    return VolumeOut(value=int(value) if value == int(value) else float(value),
                     unit=modality_facts(row.modality).unit)


def entry_volume(entry: dict[str, Any]) -> VolumeOut | None:
    """A release entry's volume in the modality's own unit (None without one)."""
    vol = entry.get("volume")
    if not isinstance(vol, dict) or not vol.get("unit"):
        return None
    value = vol.get("value", vol.get("in_units"))  # releases built before ``value`` had it there
    if value is None:
        return None
    number = value if isinstance(value, int | float) else float(value)
    return VolumeOut(value=number, unit=str(vol["unit"]))


def planned_of(modality: str, planned_hours: Any, planned_volume: Any) -> Any:
    """The planned volume to store, in the modality's own unit: ``planned_volume``, or the
    older ``planned_hours`` of a modality counted in hours (speech); hours of another modality
    (images, frames, …) are refused (``planned_hours_not_hours``), and both given must agree."""
    unit = modality_facts(modality).unit
    if planned_hours in (None, ""):
        return planned_volume
    if unit != "hours":
        raise InvalidInput(
            f"a {modality} dataset is counted in {unit}, not hours: give planned_volume (in "
            f"{unit}) instead of planned_hours", field="planned_hours",
            reason_code="planned_hours_not_hours", modality=modality, unit=unit)
    if planned_volume not in (None, "") and _money(planned_volume, "planned_volume") != _money(
            planned_hours, "planned_hours"):
        raise InvalidInput(f"planned_hours {planned_hours} and planned_volume {planned_volume} "
                           "disagree: give one", field="planned_volume")
    return planned_hours


def create_dataset(
    session: Session, user: User, *, name: str, title: str, modality: str, languages: list[str],
    scenario: str = "", description: str = "", planned_hours: Any = None, budget: Any = None,
    market_survey: str = "", price: Any = None, price_low: Any = None, price_high: Any = None,
    currency: str = "CNY", copyright_no: str | None = None, devices: list[str] | None = None,
    listed: bool = True, planned_volume: Any = None,
) -> DatasetOut:
    """A new catalog dataset, in development (with its planned volume, budget, market survey).

    ``planned_volume`` is in the modality's own unit (hours of speech, images, frames,
    dialogues, …); ``planned_hours`` is its older name, for a modality counted in hours.
    """
    authorize(session, user, Action.MANAGE_CATALOG)
    check_note(description, "description", most=MAX_DESCRIPTION)
    check_note(market_survey, "market_survey", most=MAX_DESCRIPTION)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}", name or ""):
        raise InvalidInput("name: letters, digits, '.', '_' or '-' (1-120)", field="name",
                           reason_code="dataset_name_form")
    if not title.strip():
        raise InvalidInput("a dataset needs a title", field="title",
                           reason_code="dataset_title_missing")
    if not re.fullmatch(r"[a-z0-9._-]{1,32}", modality or ""):
        raise InvalidInput(f"modality {modality!r} is not a modality name", field="modality",
                           reason_code="dataset_modality_name", modality=str(modality))
    from datamill.ledger.orders import check_currency

    check_currency(currency)  # the ledger's list: licences in it are booked there
    planned_hours = planned_of(modality, planned_hours, planned_volume)
    row = CatalogDataset(
        name=name, title=title.strip(), modality=modality, languages=_languages(languages),
        scenario=scenario, description=description,
        planned_hours=_money(planned_hours, "planned_hours"), budget=_money(budget, "budget"),
        market_survey=market_survey, price=_money(price, "price"),
        price_low=_money(price_low, "price_low"), price_high=_money(price_high, "price_high"),
        currency=currency.upper(), copyright_no=copyright_no or None, devices=list(devices or []),
        listed=listed, created_by=user.id)
    _check_band(row)
    if session.scalar(select(CatalogDataset.id).where(CatalogDataset.name == name)) is not None:
        raise Conflict(f"catalog dataset {name!r} already exists", name=name,
                       reason_code="dataset_exists")
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as err:
        raise Conflict(f"catalog dataset {name!r} already exists", name=name,
                       reason_code="dataset_exists") from err
    record_audit(session, actor_id=user.id, action="catalog.dataset.created",
                 object_type="catalog_dataset", object_id=row.id,
                 data={"name": name, "modality": modality})
    return dataset_out(session, row)


def update_dataset(session: Session, user: User, dataset_id: int, **changes: Any) -> DatasetOut:
    """Change an entry's metadata (audited, before and after); releases stay as released.
    The catalog's product owner does (``manage_catalog``: the project manager), the standard
    price and band included; sales quote in that band (see :func:`band_setters`). A change of
    the band voids the dataset's pending and approved, unused out-of-band quotes
    (:func:`datamill.catalog.band_quotes.void_band_quotes`). Anyone else is refused first,
    before the entry is read (whether it exists, its modality)."""
    # the standard price and its band are the product owner's (domain §6.8: set from the
    # development spend, demand and expected repeat sales), never the seller's: a salesperson
    # who set the band would quote inside a band of their own making
    authorize(session, user, Action.MANAGE_CATALOG)
    for field in ("description", "market_survey"):
        check_note(changes.get(field), field, most=MAX_DESCRIPTION)
    row = dataset_row(session, dataset_id)
    fields = {k: v for k, v in changes.items() if v is not None}
    if "planned_volume" in fields or "planned_hours" in fields:  # stored as planned_hours
        fields["planned_hours"] = planned_of(row.modality, fields.get("planned_hours"),
                                             fields.pop("planned_volume", None))
    unknown = sorted(set(fields) - set(_UPDATABLE))
    if unknown:
        raise InvalidInput(f"cannot change {unknown}; changeable: {', '.join(_UPDATABLE)}")
    money = {"price", "price_low", "price_high", "planned_hours", "budget"}
    before = {k: str(getattr(row, k)) for k in fields}
    band_before = (row.price_low, row.price_high)
    for key, value in fields.items():
        if key in money:
            value = _money(value, key)
        elif key == "languages":
            value = _languages(value)
        setattr(row, key, value)
    _check_band(row)
    _keep_released_band(session, row, band_before)
    session.flush()
    voided: list[int] = []
    if (row.price_low, row.price_high) != band_before:
        # the quotes made against the old band license no more (band_quotes.void_band_quotes)
        from datamill.catalog.band_quotes import void_band_quotes

        voided = void_band_quotes(session, user, row, band_before)
    record_audit(session, actor_id=user.id, action="catalog.dataset.updated",
                 object_type="catalog_dataset", object_id=row.id,
                 data={"before": before, "after": {k: str(getattr(row, k)) for k in fields},
                       **({"voided_band_quotes": voided} if voided else {})})
    return dataset_out(session, row)


_BAND_FIELDS = ("price", "price_low", "price_high")


def _keep_released_band(session: Session, row: CatalogDataset,
                        before: tuple[Decimal | None, Decimal | None]) -> None:
    """A dataset with a released version keeps a price band: clearing both its ends is refused
    (``band_required_released``); its licences are quoted against it (without one, every price
    would need an approved quote, :func:`datamill.catalog.licence_terms.outside_band`)."""
    if before == (None, None) or (row.price_low, row.price_high) != (None, None):
        return
    if session.scalar(select(CatalogRelease.id).where(
            CatalogRelease.dataset_id == row.id).limit(1)) is None:
        return
    raise Conflict(f"{row.name} has a released version: it keeps a price band (every licence is "
                   "quoted against it); change the band instead of clearing it",
                   field="price_low", reason_code="band_required_released", dataset=row.name,
                   dataset_id=row.id)


def band_setters(session: Session, row: CatalogDataset) -> dict[int | None, str]:
    """Who set the standard price and band in force (user id → ``"set"``): per field, the
    last to change it (``catalog.dataset.updated`` in the audit trail), cleared included (so
    whoever cleared a band counts), else the dataset's creator when the field has a value."""
    from datamill.compliance.models import AuditRecord

    last: dict[str, int | None] = {}
    for actor, data in session.execute(select(AuditRecord.actor_id, AuditRecord.data).where(
            AuditRecord.object_type == "catalog_dataset", AuditRecord.object_id == row.id,
            AuditRecord.action == "catalog.dataset.updated").order_by(AuditRecord.id)):
        after = (data or {}).get("after") or {}
        for field in _BAND_FIELDS:
            if field in after:
                last[field] = actor
    out: dict[int | None, str] = {}
    for field in _BAND_FIELDS:
        who = last[field] if field in last else (
            row.created_by if getattr(row, field) is not None else None)
        if who is not None:
            out[who] = "set"
    return out


def get_dataset(session: Session, user: User, dataset_id: int) -> DatasetOut:
    view = viewer(session, user)
    row = dataset_row(session, dataset_id)
    mine = None
    if not view.everything and not (row.listed and row.status == "released"):
        mine = licensed_releases(session, view, dataset_id)  # its licensee still sees it
        if not mine:
            raise not_found("catalog dataset", dataset_id, dataset_id=dataset_id)
    return dataset_out(session, row, view, mine)


def search_fold(text: str) -> str:
    """What a catalog search compares: NFKC (what a Chinese input method types in full-width
    mode, ``ＡＳＲ`` and the ideographic space, as their half-width selves), case-folded in
    Python (SQLite's ``lower`` folds ASCII only), white space runs as one space, and none
    between two Chinese or Japanese characters (no part of the sentence: ``智能 家居`` is
    ``智能家居``).

    >>> search_fold("智能　家居 ＡＳＲ"), search_fold("  Ärzte\u3000\u3000Dialog ")
    ('智能家居 asr', 'ärzte dialog')
    """
    return _CJK_GAP.sub("", " ".join(unicodedata.normalize("NFKC", text).casefold().split()))


_CJK_CHAR = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(f"(?<=[{_CJK_CHAR}]) (?=[{_CJK_CHAR}])")


def search_datasets(
    session: Session, user: User, *, modality: str | None = None, language: str | None = None,
    scenario: str | None = None, min_hours: float | None = None, price_band: str | None = None,
    status: str | None = None, text: str | None = None, min_volume: float | None = None,
) -> list[DatasetOut]:
    """Browse the catalog; a customer sees listed, released entries only (and no prices).

    ``min_volume``: at least this volume in the unit of the ``modality`` filtered by (hours of
    speech, images, frames, …), which it needs; ``min_hours`` (the older filter) keeps only
    datasets counted in hours.
    """
    view = viewer(session, user)
    if min_volume is not None and not modality:
        raise InvalidInput("a minimum volume is in the unit of the modality filtered by: give "
                           "the modality too", field="min_volume",
                           reason_code="min_volume_needs_modality")
    if price_band is not None and price_band not in PRICE_BANDS:
        raise InvalidInput(f"price band {price_band!r}; available: {', '.join(PRICE_BANDS)}",
                           field="price_band")
    if price_band is not None and not view.sees_prices:
        raise InvalidInput("prices are not shown to customers", field="price_band")
    q = select(CatalogDataset).order_by(CatalogDataset.name)
    if not view.everything:
        q = q.where(CatalogDataset.listed.is_(True), CatalogDataset.status == "released")
    if modality:
        q = q.where(CatalogDataset.modality.startswith(modality, autoescape=True))
    if status:
        q = q.where(CatalogDataset.status == status)
    out: list[DatasetOut] = []
    for row in session.scalars(q):
        langs = [str(x).lower() for x in row.languages or []]
        if language and not any(x == language.lower() or x.startswith(language.lower() + "-")
                                for x in langs):
            continue
        if scenario and search_fold(row.scenario or "") != search_fold(scenario):
            continue
        if text and search_fold(text) not in search_fold(
                f"{row.name} {row.title} {row.description}"):
            continue
        item = dataset_out(session, row, view)
        if min_hours is not None and (item.hours or 0) < min_hours:
            continue
        if min_volume is not None and (item.volume.value if item.volume else 0) < min_volume:
            continue
        if price_band is not None and band_name(row.price) != price_band:
            continue
        out.append(item)
    return out


def register_third_party(
    session: Session, blobs: BlobStore, user: User, *, name: str, supplier: str,
    contract_ref: str, folder: Path, sublicensable: bool, permanent: bool,
    consent_basis: str, cost: Any = 0,
) -> ThirdPartyOut:
    """Record a bought dataset and its rights; its files go into the blob store by hash."""
    authorize(session, user, Action.MANAGE_CATALOG)
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder", field="folder")
    if session.scalar(select(ThirdPartyDataset.id).where(ThirdPartyDataset.name == name)):
        raise Conflict(f"third-party dataset {name!r} already exists", name=name)
    row = ThirdPartyDataset(name=name, supplier=supplier, contract_ref=contract_ref,
                            sublicensable=sublicensable, permanent=permanent,
                            consent_basis=consent_basis, cost=_money(cost, "cost") or Decimal(0),
                            created_by=user.id)
    session.add(row)
    session.flush()
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        digest = sha256_file(path)
        blobs.put_file(path, digest)
        session.add(ThirdPartyFile(third_party_id=row.id, filename=path.relative_to(folder).as_posix(),
                                   sha256=digest, size_bytes=path.stat().st_size))
        count += 1
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.third_party.registered",
                 object_type="catalog_third_party", object_id=row.id,
                 data={"name": name, "files": count, "sublicensable": sublicensable,
                       "permanent": permanent, "contract_ref": contract_ref})
    return ThirdPartyOut.model_validate(row).model_copy(update={"files": count})


def add_source(
    session: Session, user: User, dataset_id: int, *, batch_id: int | None = None,
    third_party_id: int | None = None,
) -> SourceOut:
    """Add an accepted batch of a product-development project, or a third-party dataset with
    sub-licensing rights, to what the dataset is built from. The IP wall checks it now (the
    release build checks again): a source holding customer data, or data derived from it, is
    refused at once, naming the items (reason ``ip_wall``)."""
    authorize(session, user, Action.MANAGE_CATALOG)
    ds = dataset_row(session, dataset_id)
    if (batch_id is None) == (third_party_id is None):
        raise InvalidInput("give exactly one of batch_id and third_party_id")
    if batch_id is not None:
        batch = get_or_raise(session, Batch, batch_id, "batch", batch_id=batch_id)
        project = session.get(Project, batch.project_id)
        assert project is not None
        if project.project_type != "product_development":
            raise Conflict(f"batch {batch.name} belongs to {project.project_type} project "
                           f"{project.name!r}: custom-delivered data belongs to the customer and "
                           "never enters a catalog dataset", batch_id=batch_id,
                           reason_code="batch_custom_data", batch=batch.name,
                           project=project.name)
        if batch.status not in ("accepted", "delivered"):
            raise Conflict(f"batch {batch.name} is {batch.status}: only batches accepted at "
                           "inspection enter the catalog", batch_id=batch_id,
                           reason_code="batch_not_accepted", batch=batch.name)
        if project.modality.split(".")[0] != ds.modality.split(".")[0]:
            raise InvalidInput(f"batch {batch.name} is {project.modality}, the dataset "
                               f"{ds.modality}", field="batch_id",
                               reason_code="batch_modality", batch=batch.name,
                               modality=project.modality, dataset_modality=ds.modality)
        src = CatalogSource(dataset_id=ds.id, kind="batch", batch_id=batch_id, added_by=user.id)
    else:
        assert third_party_id is not None  # exactly one of the two is given (checked above)
        tp = get_or_raise(session, ThirdPartyDataset, third_party_id, "third-party dataset")
        if not tp.sublicensable:
            raise Conflict(f"third-party dataset {tp.name!r} has no recorded sub-licensing "
                           "rights: it cannot be licensed on", third_party_id=third_party_id)
        src = CatalogSource(dataset_id=ds.id, kind="third_party", third_party_id=tp.id,
                            added_by=user.id)
    dup = next((x.id for x in session.scalars(select(CatalogSource).where(
        CatalogSource.dataset_id == ds.id))
        if (x.batch_id, x.third_party_id) == (batch_id, third_party_id)), None)
    if dup is not None:
        raise Conflict("this source is already part of the dataset", source_id=dup,
                       reason_code="source_duplicate")
    refuse_violations(_source_violations(session, batch_id, third_party_id), dataset_id=ds.id)
    session.add(src)
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.source.added",
                 object_type="catalog_dataset", object_id=ds.id,
                 data={"kind": src.kind, "batch_id": batch_id, "third_party_id": third_party_id})
    return SourceOut.model_validate(src)


def _source_violations(session: Session, batch_id: int | None,
                       third_party_id: int | None) -> list[Violation]:
    """What the IP wall refuses in a batch's items or a bought dataset's files."""
    if batch_id is not None:
        return wall_violations(session, session.scalars(
            select(BatchItem.item_id).where(BatchItem.batch_id == batch_id)))
    tp = session.get(ThirdPartyDataset, third_party_id)
    files = {f.sha256: f"{tp.name if tp else third_party_id}/{f.filename}"
             for f in session.scalars(select(ThirdPartyFile).where(
                 ThirdPartyFile.third_party_id == third_party_id))}
    return [Violation(0, files[sha], "content", f"third-party file: {why}")
            for sha, why in customer_bytes(session, set(files)).items()]


def remove_source(session: Session, user: User, dataset_id: int, source_id: int) -> SourceOut:
    """Take a source out of a dataset that no release was built from it yet (an unreleased
    draft, or one added since the latest release): e.g. the one the IP wall refused at the
    release build. A source in a release stays (a release never changes); audited."""
    authorize(session, user, Action.MANAGE_CATALOG)
    ds = dataset_row(session, dataset_id)
    src = session.get(CatalogSource, source_id)
    if src is None or src.dataset_id != ds.id:
        raise NotFound(f"catalog dataset {ds.name!r} has no source {source_id}",
                       dataset_id=ds.id, source_id=source_id)
    added = _utc(src.added_at)
    built = [r for r in session.scalars(select(CatalogRelease).where(
        CatalogRelease.dataset_id == ds.id).order_by(CatalogRelease.version))
        if _utc(r.created_at) >= added]
    if built:
        raise Conflict(f"source {source_id} of {ds.name!r} is in release v{built[0].version}: a "
                       "released source stays (withdraw the release instead)",
                       reason_code="source_released", source_id=source_id,
                       dataset=ds.name, version=built[0].version)
    out = SourceOut.model_validate(src)
    session.delete(src)
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.source.removed",
                 object_type="catalog_dataset", object_id=ds.id,
                 data={"source_id": source_id, "kind": out.kind, "batch_id": out.batch_id,
                       "third_party_id": out.third_party_id})
    return out


def list_sources(session: Session, user: User, dataset_id: int) -> list[SourceOut]:
    authorize(session, user, Action.MANAGE_CATALOG)
    dataset_row(session, dataset_id)
    return [SourceOut.model_validate(s) for s in session.scalars(
        select(CatalogSource).where(CatalogSource.dataset_id == dataset_id)
        .order_by(CatalogSource.id))]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def pipeline_counts(session: Session, user: User) -> PipelineOut:
    """New releases per year (a dataset counts in the year of its first release) and datasets
    in development at each year's end: catalog staff only (it counts datasets a customer may
    not see, unreleased and unlisted ones; the web shows it to staff alone), a customer is
    refused ``catalog_pipeline_staff`` (403)."""
    if not viewer(session, user).everything:
        raise Forbidden(f"{user.username!r} may not see the catalog's development pipeline: "
                        "only catalog staff do (it counts datasets not released or not listed)",
                        reason_code="catalog_pipeline_staff")
    rows = session.execute(select(CatalogDataset.created_at, CatalogDataset.released_at)).all()
    years = sorted({c.year for c, _ in rows} | {r.year for _, r in rows if r})
    out = []
    for y in years:
        end = datetime(y, 12, 31, 23, 59, 59, tzinfo=UTC)
        new = sum(1 for _, r in rows if r and r.year == y)
        dev = sum(1 for c, r in rows if _utc(c) <= end and (r is None or _utc(r) > end))
        out.append({"year": y, "new": new, "in_development": dev})
    return PipelineOut(years=out, in_development=sum(1 for _, r in rows if r is None),
                       released=sum(1 for _, r in rows if r is not None))
