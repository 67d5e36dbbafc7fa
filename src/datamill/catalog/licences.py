"""Licences (授权): a dataset release licensed to a customer, numbered ``YYMMDD/ABC``.

* :func:`create_licence` needs a released dataset with an intact release; it opens the ledger's
  product-licence contract and order (the revenue is recognised on it) in the licence's
  currency (default: the dataset's price currency). The number starts with the issue date
  (``YYMMDD``): a number that disagrees with it is refused, a licence without an issue date is
  issued on its number's day, one without a number gets the issue day's first free one;
* :func:`issue_transfer_link` packages the release with the licence's terms inside
  (``LICENCE.md``, ``licence.json``, a ``SHA256SUMS``: :mod:`datamill.catalog.licence_package`)
  behind an expiring, HMAC-signed, download-counted link;
* :func:`download` checks signature, expiry and count atomically, re-verifies the release and
  the package, and audits every download; the first one delivers the licence;
* :func:`accept_licence` records the buyer's acceptance and emits ``licence.accepted``, which
  the ledger's sync recognises as revenue (point in time, no carried cost: development was R&D
  expense);
* a licence may end on ``expires_on`` (its last day); :func:`revoke_licence` ends it at once
  (its links stop; an unaccepted licence's ledger contract is cancelled, so no revenue is
  recognised on it) and :func:`renew_licence` issues the next licence of the same customer and
  terms (priced and booked again), naming the one it renews. Neither an expired nor a revoked
  licence gets a link or a download;
* :func:`dataset_report`: licences, revenue, development cost and margin per dataset.
"""

from __future__ import annotations

import hmac
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from datamill.business_clock import business_day, business_today, day_start
from datamill.catalog._licence_report import _licence_vat_rate, dataset_report
from datamill.catalog._transfer_signing import _link_out, _signature, link_params
from datamill.catalog.access import viewer
from datamill.catalog.band_quotes import band_approval, use_band_quote
from datamill.catalog.datasets import _money, dataset_row, search_fold
from datamill.catalog.export_guard import require_export_allowed, require_licence_export
from datamill.catalog.licence_package import as_utc, carries_terms, current_package
from datamill.catalog.licence_terms import (
    check_issue_day,
    check_number,
    licence_currency,
    next_number,
    number_matches,
    refuse_own_band,
)
from datamill.catalog.models import (
    CatalogCustomerAccount,
    CatalogDataset,
    CatalogLicence,
    CatalogRelease,
    TransferLink,
)
from datamill.catalog.release_store import transfer_file
from datamill.catalog.releases import (
    latest_licensable,
    recorded_day,
    release_row,
    require_intact,
)
from datamill.catalog.schemas import (
    DownloadOut,
    LicenceOut,
    LicenceView,
    TransferLinkOut,
)
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize, check
from datamill.compliance.roles import Action
from datamill.config import Settings
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, id_is, lock_or_raise, not_found
from datamill.db.session import append_lock
from datamill.production.models import DomainEvent

__all__ = [
    "LICENCE_ACCEPTED",
    "accept_licence",
    "buyer_licence",
    "create_licence",
    "dataset_report",
    "download",
    "get_licence",
    "issue_transfer_link",
    "licence_id_of",
    "link_params",
    "list_licences",
    "list_links",
    "renew_licence",
    "revoke_licence",
    "revoke_link",
]

LICENCE_ACCEPTED = "licence.accepted"
_LINE = {"speech": "speech", "tts": "speech", "image": "vision", "video": "vision",
         "pointcloud": "vision"}


def _expired(row: CatalogLicence, today: date | None = None) -> bool:
    """The licence's last day (``expires_on``) has passed."""
    return row.expires_on is not None and row.expires_on < (today or business_today())


def _require_active(row: CatalogLicence, what: str) -> None:
    """Forbidden for a revoked or expired licence (no link, no download)."""
    if row.revoked_on is not None or row.status == "revoked":
        raise Forbidden(f"licence {row.number} was revoked on {row.revoked_on}: {what}",
                        licence_id=row.id, reason="licence_revoked", reason_code="licence_revoked",
                        number=row.number, revoked_on=str(row.revoked_on))
    if _expired(row):
        raise Forbidden(f"licence {row.number} expired after {row.expires_on}: {what}; renew it "
                        "first", licence_id=row.id, reason="licence_expired",
                        reason_code="licence_expired", number=row.number,
                        expires_on=str(row.expires_on))


def _out(row: CatalogLicence, dataset_name: str, dataset_title: str,
         customer_name: str) -> LicenceOut:
    expired = _expired(row)
    return LicenceOut.model_validate(row).model_copy(update={
        "dataset_name": dataset_name, "dataset_title": dataset_title,
        "customer_name": customer_name, "expired": expired,
        "active": not expired and row.status != "revoked"})


def _named(session: Session, rows: list[CatalogLicence]) -> list[LicenceOut]:
    """Licences with their dataset's and customer's names (ids stay in the output)."""
    from datamill.ledger.models import LedgerCustomer

    ds_ids = {r.dataset_id for r in rows}
    cust_ids = {r.customer_id for r in rows}
    ds = {i: (n, t) for i, n, t in session.execute(
        select(CatalogDataset.id, CatalogDataset.name, CatalogDataset.title)
        .where(CatalogDataset.id.in_(ds_ids)))} if ds_ids else {}
    cust = dict(session.execute(select(LedgerCustomer.id, LedgerCustomer.name)
                                .where(LedgerCustomer.id.in_(cust_ids))).tuples().all()) \
        if cust_ids else {}
    return [_out(r, *ds.get(r.dataset_id, ("", "")), cust.get(r.customer_id, ""))
            for r in rows]


def _licence_row(session: Session, licence_id: int) -> CatalogLicence:
    row = get_or_raise(session, CatalogLicence, licence_id, "licence", licence_id=licence_id)
    return row


def licence_id_of(session: Session, user: User, ref: str) -> int:
    """The id of the licence ``ref`` names: its id, or its number ``YYMMDD/ABC`` as the
    package, ``LICENCE.md`` and every list print it. Another customer's number is not found,
    as its id is not (:func:`get_licence`)."""
    text = ref.strip()
    if text.isdigit():
        return int(text)
    row = session.scalars(select(CatalogLicence).where(
        CatalogLicence.number == text.upper())).first()
    view = viewer(session, user)
    if row is None or (not view.everything and row.customer_id != view.customer_id):
        raise NotFound(f"no licence numbered {text!r} (give its number YYMMDD/ABC or its id)",
                       licence=text, reason_code="licence_number_unknown")
    return int(row.id)


def _check_expiry(expires_on: date | None, issued: date, today: date) -> None:
    if expires_on is None:
        return
    if expires_on < issued:
        raise InvalidInput(f"a licence ends on or after its issue day ({issued}), not on "
                           f"{expires_on}", field="expires_on",
                           reason_code="licence_ends_before_issue", issued_on=str(issued),
                           expires_on=str(expires_on))
    if expires_on < today:
        raise InvalidInput(f"the end date {expires_on} has passed (today is {today}): the "
                           "licence would be expired at once", field="expires_on",
                           reason_code="licence_end_passed", expires_on=str(expires_on),
                           today=str(today))


#: PostgreSQL advisory lock serialising licence issue (see :func:`_issue_lock`)
_ISSUE_LOCK = 0x64_6D_6C_69  # "dmli"


def _issue_lock(session: Session) -> None:
    """Issue one licence at a time, until the transaction ends.

    The duplicate rule (:func:`_same_terms`: a live licence of the same customer, release,
    territory and usage scope, the texts compared case-folded, an expired or revoked one not
    counting) and the day's next free number are reads; two sales people issuing at once both
    passed them (READ COMMITTED), so the customer held two identical licences, or two
    licences took one number (the second refused: its ledger contract exists). No unique
    index can hold that rule (it depends on today and on case-folding), so issuing takes a
    lock before those reads: on PostgreSQL a transaction-scoped advisory lock (a second issue
    waits for the first to commit, then reads what it wrote); SQLite's ``BEGIN IMMEDIATE``
    writer lock does that already. One lock for every licence rather than a row lock on the
    release or the customer: licences are issued a few a day, it locks no row (a withdrawal of
    the release, an order of the customer never wait on it), and it covers the numbering,
    which spans releases. It is the first lock an issue takes (the audit's comes later), so
    two issues cannot deadlock on the pair."""
    append_lock(session, _ISSUE_LOCK)


def _same_terms(session: Session, customer_id: int, release_id: int, territory: str,
                usage_scope: str, renews_id: int | None) -> CatalogLicence | None:
    """A live licence of the same customer, release, territory and usage (a duplicate)."""
    today = business_today()
    for row in session.scalars(select(CatalogLicence).where(
            CatalogLicence.customer_id == customer_id, CatalogLicence.release_id == release_id,
            CatalogLicence.status != "revoked").order_by(CatalogLicence.id)):
        if row.id == renews_id or _expired(row, today):
            continue
        # as a reader compares them: case, full-width forms and white space aside
        if (search_fold(row.territory) == search_fold(territory)
                and search_fold(row.usage_scope) == search_fold(usage_scope)):
            return row
    return None


def _verbatim(text: str) -> str:
    """Free text of a licence as written, less the line breaks and ASCII spaces around it: a
    Chinese paragraph's indent (two ideographic spaces, ``　　``) stays, on the first paragraph as
    on the others (``str.strip`` took the first one's)."""
    return text.strip(" \t\r\n")


def create_licence(  # noqa: PLR0913 - the licence's fields, all keyword-only
    session: Session, user: User, *, dataset_id: int, customer_id: int, number: str | None = None,
    price: Any, territory: str, term: str, usage_scope: str, acceptance_criteria: str,
    release_id: int | None = None, issued_on: date | None = None, currency: str | None = None,
    fx_rate: Any = None, band_reason: str | None = None, expires_on: date | None = None,
    renews_id: int | None = None, band_quote_id: int | None = None,
) -> LicenceOut:
    """License a released dataset to a customer (one dataset, many customers).

    The number is ``YYMMDD/ABC`` and starts with the issue date: without ``issued_on`` the
    number's date is the issue date; without ``number`` the first free one of the issue day
    (``…/AAA``, ``…/AAB``, …) is given. ``currency`` defaults to the dataset's price currency;
    a licence in another currency than CNY needs ``fx_rate`` (CNY per unit on the issue date),
    as its ledger order does. ``expires_on`` is the licence's last day (none: no end date).
    The ledger order books output VAT at ``DATAMILL_CATALOG_VAT_RATE`` (13 % unless set), or
    at **0** for a customer registered abroad (its ``country`` is not the ledger's
    ``home_country``): licensing an intangible asset to a buyer abroad, used abroad, is a
    cross-border taxable act exempt from VAT (跨境应税行为免征增值税, 财税〔2016〕36号 annex 4;
    the licence's territory is the buyer's); its invoices state VAT 0.00 and its order a 0 %
    rate. It booked 13 % on such a licence (39,000.00 on 300,000.00 to a US buyer).

    A second live licence of the same customer, release, territory and usage scope is refused
    as a duplicate (renew or revoke the first; ``renews_id`` names the licence a renewal
    follows). A price outside the dataset's band needs an approved out-of-band quote of the
    same customer, price and currency (``band_quote_id`` names it; otherwise it is found):
    :mod:`datamill.catalog.band_quotes`."""
    from datamill.ledger.models import LedgerCustomer
    from datamill.ledger.orders import create_licence_contract, create_order

    authorize(session, user, Action.SELL_CATALOG)
    _issue_lock(session)  # before the duplicate check and the numbering read (see there)
    number = (number or "").strip() or None
    from_number = check_number(number) if number is not None else None
    for field, text in (("territory", territory), ("term", term), ("usage_scope", usage_scope),
                        ("acceptance_criteria", acceptance_criteria)):
        if not (text or "").strip():
            raise InvalidInput(f"a licence names its {field.replace('_', ' ')}", field=field,
                               reason_code=f"licence_{field}_missing")
        check_note(text, field)  # the terms its customer reads: no bidi override (h1)
    today = business_today()
    issued = issued_on or from_number or today
    day_field = "issued_on" if issued_on is not None else "number"
    if issued > today:
        named = number or f"{issued:%y%m%d}/…"
        raise InvalidInput(f"licence {named} would be issued on {issued}, after today "
                           f"({today}): a licence is issued today or earlier", field=day_field,
                           reason_code="licence_date_future", number=named,
                           issued_on=issued.isoformat(), today=today.isoformat())
    _check_expiry(expires_on, issued, today)
    if number is None:
        number = next_number(session, issued)
    else:
        number_matches(number, issued)
    if session.scalar(select(CatalogLicence.id).where(CatalogLicence.number == number)):
        raise Conflict(f"licence number {number} is already used", number=number,
                       reason_code="licence_number_used")
    ds = dataset_row(session, dataset_id)
    any_release = session.scalar(select(CatalogRelease.id).where(
        CatalogRelease.dataset_id == ds.id).limit(1))
    if ds.status != "released" or any_release is None:
        raise Conflict(f"catalog dataset {ds.name!r} is {ds.status.replace('_', ' ')}: only a "
                       "released dataset is licensed", dataset_id=ds.id,
                       reason_code="dataset_not_released", name=ds.name)
    latest = latest_licensable(session, ds.id)
    if release_id is None and latest is None:
        raise Conflict(f"every release of {ds.name!r} was withdrawn: build a new release first",
                       dataset_id=ds.id, reason_code="releases_all_withdrawn", name=ds.name)
    rel = release_row(session, release_id) if release_id is not None else latest
    assert rel is not None
    if rel.dataset_id != ds.id:
        raise InvalidInput(f"release {rel.id} is not a release of {ds.name!r}", field="release_id",
                           reason_code="release_other_dataset", release_id=rel.id, name=ds.name)
    require_intact(session, rel.id)
    check_issue_day(session, issued, number, rel, day_field)
    cust = get_or_raise(session, LedgerCustomer, customer_id, "customer", customer_id=customer_id)
    amount = _money(price, "price")
    if amount is None or amount <= 0:
        raise InvalidInput("a licence has a positive price", field="price",
                           reason_code="licence_price_positive")
    cur = licence_currency(ds, currency)
    if cur != "CNY" and fx_rate is None:
        raise InvalidInput(f"a {cur} licence needs fx_rate (CNY per {cur} on the issue date): "
                           "the ledger books its revenue in CNY", field="fx_rate",
                           reason_code="licence_fx_rate", currency=cur)
    refuse_own_band(session, user, ds)
    quote, band_reason = band_approval(session, ds, customer_id=customer_id, amount=amount,
                                       currency=cur, fx_rate=fx_rate, band_reason=band_reason,
                                       band_quote_id=band_quote_id)
    abroad = require_export_allowed(session, ds.id, customer_id, territory.strip())
    same = _same_terms(session, customer_id, rel.id, territory.strip(), usage_scope.strip(),
                       renews_id)
    if same is not None:
        raise Conflict(f"{cust.name} already holds licence {same.number} of release "
                       f"v{rel.version} for {same.territory!r} and the same usage scope: renew "
                       "or revoke it instead of licensing it twice", licence_id=same.id,
                       number=same.number, reason_code="licence_same_terms",
                       customer=cust.name, version=rel.version, territory=same.territory)
    contract = create_licence_contract(session, number, customer_id=customer_id, currency=cur,
                                       signed_on=issued, amount=amount, actor_id=user.id)
    order = create_order(session, contract.id, contract.number,
                         business_line=_LINE.get(ds.modality.split(".")[0], "language"),
                         offering="product_licence", amount=amount, currency=cur,
                         total_volume=Decimal(1), volume_unit="licences", acceptance_type=1,
                         fx_rate=None if cur == "CNY" else fx_rate,
                         vat_rate=_licence_vat_rate(cust),
                         actor_id=user.id)
    row = CatalogLicence(number=number, dataset_id=ds.id, release_id=rel.id,
                         customer_id=customer_id, order_id=order.id, price=amount,
                         currency=cur, territory=territory.strip(), term=term.strip(),
                         usage_scope=_verbatim(usage_scope),
                         acceptance_criteria=_verbatim(acceptance_criteria),
                         band_reason=band_reason, issued_on=issued,
                         expires_on=expires_on, renews_id=renews_id, created_by=user.id)
    session.add(row)
    session.flush()
    if quote is not None:
        use_band_quote(session, quote, row.id)
    record_audit(session, actor_id=user.id, action="catalog.licence.issued",
                 object_type="catalog_licence", object_id=row.id,
                 data={"number": number, "dataset": ds.name, "release": rel.manifest_sha256,
                       "customer_id": customer_id, "customer": cust.name, "price": str(amount),
                       "currency": cur, "order_id": order.id,
                       "expires_on": expires_on.isoformat() if expires_on else None,
                       "renews_id": renews_id, "export_destinations": abroad,
                       "band": [str(ds.price_low), str(ds.price_high)],
                       "out_of_band": quote is not None, "band_reason": row.band_reason,
                       "band_quote_id": quote.id if quote else None,
                       "band_approved_by": quote.decided_by if quote else None})
    return _out(row, ds.name, ds.title, cust.name)


def _customer_view(rows: list[LicenceOut]) -> list[LicenceView]:
    """The licences as their customer sees them (no ledger order, no band reason)."""
    return [LicenceView.model_validate(r.model_dump(exclude={"order_id", "band_reason"}))
            for r in rows]


def list_licences(session: Session, user: User,
                  dataset_id: int | None = None) -> list[LicenceView]:
    """Every licence (staff, :class:`LicenceOut`), or the caller's customer's own (customer
    role), in the customer's view (:class:`LicenceView`: no internal sales fields)."""
    view = viewer(session, user)
    q = select(CatalogLicence).order_by(CatalogLicence.id)
    if dataset_id is not None:
        q = q.where(id_is(CatalogLicence.dataset_id, dataset_id))
    if not view.everything:
        if view.customer_id is None:
            return []
        q = q.where(CatalogLicence.customer_id == view.customer_id)
        return _customer_view(_named(session, list(session.scalars(q))))
    return list(_named(session, list(session.scalars(q))))


def get_licence(session: Session, user: User, licence_id: int) -> LicenceView:
    """One licence: staff see it whole, its customer in their view (see
    :func:`list_licences`); another customer's is not found."""
    view = viewer(session, user)
    row = _licence_row(session, licence_id)
    if not view.everything and row.customer_id != view.customer_id:
        raise not_found("licence", licence_id, licence_id=licence_id)
    out = _named(session, [row])
    return out[0] if view.everything else _customer_view(out)[0]


def issue_transfer_link(
    session: Session, settings: Settings, user: User, licence_id: int, root: Path, *,
    hours: int = 72, max_downloads: int = 3,
) -> TransferLinkOut:
    """Package the licensed release and issue its expiring, signed, download-counted link."""
    authorize(session, user, Action.SELL_CATALOG)
    lic = _licence_row(session, licence_id)
    _require_active(lic, "no transfer link is issued")
    if not 1 <= hours <= 24 * 90:
        raise InvalidInput("a link lives 1 hour to 90 days", field="hours",
                           reason_code="link_hours")
    if not 1 <= max_downloads <= 100:
        raise InvalidInput("a link allows 1 to 100 downloads", field="max_downloads",
                           reason_code="link_downloads")
    rel = require_intact(session, lic.release_id)
    abroad = require_licence_export(session, lic)
    ds = dataset_row(session, lic.dataset_id)
    path, digest = current_package(session, lic, rel, ds, root)
    expires_at = utcnow() + timedelta(hours=hours)
    if lic.expires_on is not None:  # never outlives the licence (its last business day)
        end = day_start(lic.expires_on + timedelta(days=1))
        expires_at = min(expires_at, end)
    link = TransferLink(licence_id=lic.id, package_path=str(path), package_sha256=digest,
                        expires_at=expires_at,
                        max_downloads=max_downloads, created_by=user.id)
    session.add(link)
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.transfer_link.issued",
                 object_type="catalog_transfer_link", object_id=link.id,
                 data={"licence": lic.number, "package_sha256": link.package_sha256,
                       "expires_at": link.expires_at.isoformat(), "max_downloads": max_downloads,
                       "export_destinations": abroad})
    return _link_out(settings, link)


def _not_the_licensee(session: Session, caller: User, lic: CatalogLicence) -> bool:
    """Whether a signed-in caller is neither a seller nor a user of the licensee: the link is
    the credential, so they download all the same (refusing them stopped no one: the same
    request without their sign-in downloads), and the audit record says so (``not_licensee``)
    for the seller to see that the link went round."""
    if check(session, caller, Action.SELL_CATALOG) is None:
        return False
    mine = session.scalar(select(CatalogCustomerAccount.customer_id).where(
        CatalogCustomerAccount.user_id == caller.id))
    return mine != lic.customer_id


def download(  # noqa: PLR0913 - the link's parameters and who asks
    session: Session, settings: Settings, link_id: int, *, expires: int, signature: str,
    actor_id: int | None = None, caller: User | None = None, client: str = "",
) -> DownloadOut:
    """One download through a transfer link: signed, unexpired, within its count; audited with
    the caller (``caller``, a signed-in user, or ``actor_id``) and the client address. The link
    is the credential, whoever is signed in: a signed-in caller who is neither the licensee's
    user nor a seller downloads too, recorded as such (see :func:`_not_the_licensee`)."""
    if caller is not None:
        actor_id = caller.id
    link = get_or_raise(session, TransferLink, link_id, "transfer link", link_id=link_id)
    real = int(as_utc(link.expires_at).timestamp())
    given = (signature or "").encode("utf-8", "surrogatepass")  # bytes: any text compares
    if expires != real or not hmac.compare_digest(
            _signature(settings, link.id, link.licence_id, real).encode(), given):
        raise Forbidden("the transfer link's signature does not match", link_id=link_id,
                        reason_code="link_signature")
    now = utcnow()
    if link.revoked:
        raise Forbidden(f"transfer link {link_id} was revoked", link_id=link_id,
                        reason_code="link_revoked")
    if as_utc(link.expires_at) <= now:
        raise Forbidden(f"transfer link {link_id} expired at {link.expires_at:%Y-%m-%d %H:%M} "
                        "UTC; ask for a new one", link_id=link_id, reason_code="link_expired")
    if link.downloads >= link.max_downloads:
        raise Forbidden(f"transfer link {link_id} was used {link.downloads} of "
                        f"{link.max_downloads} times; ask for a new one", link_id=link_id,
                        reason_code="link_used_up", downloads=link.downloads,
                        max_downloads=link.max_downloads)
    lic = _licence_row(session, link.licence_id)
    stranger = caller is not None and _not_the_licensee(session, caller, lic)
    _require_active(lic, "its links no longer download")
    require_intact(session, lic.release_id)
    abroad = require_licence_export(session, lic)  # an assessment withdrawn since the link
    path = transfer_file(session, link)  # fetched from S3 (checked) when it lies there
    if path is None:
        raise Conflict(f"the package of transfer link {link_id} changed or is missing",
                       link_id=link_id)
    if not carries_terms(path):  # packaged before the terms travelled with the data
        raise Conflict(f"the package of transfer link {link_id} was built without the terms of "
                       f"licence {lic.number}: the data travels only with them; ask the seller "
                       "for a new link", link_id=link_id, reason_code="link_without_terms",
                       number=lic.number)
    done = session.execute(
        update(TransferLink).where(TransferLink.id == link.id,
                                   TransferLink.downloads < TransferLink.max_downloads)
        .values(downloads=TransferLink.downloads + 1).execution_options(synchronize_session=False))
    if getattr(done, "rowcount", 1) != 1:
        raise Forbidden(f"transfer link {link_id} has no downloads left", link_id=link_id)
    session.refresh(link)
    if lic.delivered_on is None:
        lic.delivered_on, lic.status = business_day(now), "delivered"
    record_audit(session, actor_id=actor_id, action="catalog.transfer.download",
                 object_type="catalog_transfer_link", object_id=link.id,
                 data={"licence": lic.number, "download": link.downloads,
                       "of": link.max_downloads, "package_sha256": link.package_sha256,
                       "export_destinations": abroad, "client": client,
                       "signed_in": caller is not None,
                       **({"not_licensee": True} if stranger else {})})
    session.flush()
    return DownloadOut(link_id=link.id, licence_id=lic.id, path=str(path),
                       sha256=link.package_sha256, downloads=link.downloads,
                       max_downloads=link.max_downloads)


def buyer_licence(session: Session, user: User, licence_id: int,
                  doing: str) -> tuple[CatalogLicence, bool]:
    """Licence ``licence_id``, locked, for its buyer's report on it (acceptance, refusal), and
    whether ``user`` is a seller reporting on the buyer's behalf. A customer account reports on
    its own licences only: another customer's does not exist for them (as on GET, no number
    told); ``doing`` (``"accept licence {number}"``) words the refusal of anyone else."""
    lic = lock_or_raise(session, CatalogLicence, licence_id, "licence", licence_id=licence_id)
    seller = check(session, user, Action.SELL_CATALOG) is None
    if not seller:
        view = viewer(session, user)
        if not view.everything and view.customer_id != lic.customer_id:
            raise not_found("licence", licence_id, licence_id=licence_id)
        if view.everything:
            raise Forbidden(f"{user.username!r} may not {doing.format(number=lic.number)}")
    return lic, seller


def accept_licence(
    session: Session, user: User, licence_id: int, *, accepted_on: date | None = None,
    note: str = "",
) -> LicenceView:
    """The buyer's acceptance report: revenue reaches the ledger through ``licence.accepted``.
    The customer who accepts gets their view of the licence (:func:`list_licences`)."""
    from datamill.ledger.acceptance_dates import require_open_acceptance_day
    from datamill.ledger.orders import cancelled_contract_of

    # locked: two acceptances at once record one ``licence.accepted``, the other sees it done
    lic, seller = buyer_licence(session, user, licence_id, "accept licence {number}")
    check_note(note, "note", most=5_000)  # the seller reads it: no bidi override (h6)
    if lic.status == "accepted":
        raise Conflict(f"licence {lic.number} was already accepted on {lic.accepted_on}",
                       reason_code="accepted_already", number=lic.number,
                       accepted_on=str(lic.accepted_on))
    if lic.status == "revoked":
        raise Conflict(f"licence {lic.number} was revoked on {lic.revoked_on}: it is not "
                       "accepted", licence_id=lic.id, reason_code="acceptance_revoked",
                       number=lic.number, revoked_on=str(lic.revoked_on))
    if cancelled_contract_of(session, lic.order_id) is not None:  # no revenue would book
        raise Conflict(f"licence {lic.number}'s contract was cancelled in the ledger: it is "
                       "not accepted; revoke it (datamill catalog licence-revoke)",
                       licence_id=lic.id, reason_code="licence_contract_cancelled",
                       number=lic.number)
    if lic.delivered_on is None:
        raise Conflict(f"licence {lic.number} is not delivered yet: acceptance follows the "
                       "download of its transfer link", reason_code="acceptance_not_delivered",
                       number=lic.number)
    today = business_today()
    on = accepted_on or today
    if on < lic.delivered_on:
        raise InvalidInput("a licence is accepted after its delivery", field="accepted_on",
                           reason_code="acceptance_before_delivery", number=lic.number,
                           delivered_on=str(lic.delivered_on), on=str(on))
    if on > today:  # the revenue is recognised on this day: never in a period to come
        raise InvalidInput(f"an acceptance is recorded on or after it happened: {on} is after "
                           f"today ({today})", field="accepted_on",
                           reason_code="acceptance_future", on=str(on), today=str(today))
    require_open_acceptance_day(session, on, f"licence {lic.number}", number=lic.number,
                                licence_id=lic.id, reason_code="licence_acceptance_closed")
    lic.status, lic.accepted_on = "accepted", on
    payload = {"licence_id": lic.id, "number": lic.number, "order_id": lic.order_id,
               "dataset_id": lic.dataset_id, "price": str(lic.price), "currency": lic.currency,
               "delivered_on": lic.delivered_on.isoformat(), "accepted_on": on.isoformat(),
               "note": note}
    session.add(DomainEvent(type=LICENCE_ACCEPTED, project_id=None, payload=payload))
    record_audit(session, actor_id=user.id, action="catalog.licence.accepted",
                 object_type="catalog_licence", object_id=lic.id, data=payload)
    session.flush()
    out = _named(session, [lic])
    return out[0] if seller else _customer_view(out)[0]


def revoke_licence(
    session: Session, user: User, licence_id: int, *, reason: str, on: date | None = None,
) -> LicenceOut:
    """End a licence at once (breach, non-payment, a withdrawn release …): every transfer link
    of it stops; a licence not yet accepted has its ledger contract cancelled, so no revenue is
    ever recognised on it (an accepted one keeps the revenue recognised on its acceptance)."""
    from datamill.ledger.contracts import cancel_licence_contract
    from datamill.ledger.models import LedgerOrder
    from datamill.ledger.orders import cancelled_contract_of

    authorize(session, user, Action.SELL_CATALOG)
    if not (reason or "").strip():
        raise InvalidInput("a revocation names its reason", field="reason",
                           reason_code="revocation_reason")
    lic = lock_or_raise(session, CatalogLicence, licence_id, "licence", licence_id=licence_id)
    if lic.status == "revoked":
        raise Conflict(f"licence {lic.number} was already revoked on {lic.revoked_on}",
                       licence_id=lic.id, reason_code="revoked_already", number=lic.number,
                       revoked_on=str(lic.revoked_on))
    day = recorded_day(on, "a revocation")
    if day < lic.issued_on:
        raise InvalidInput(f"licence {lic.number} was issued on {lic.issued_on}: it cannot be "
                           f"revoked on {day}", field="on", reason_code="revoked_before_issue",
                           number=lic.number, issued_on=str(lic.issued_on), on=str(day))
    was = lic.status
    links = session.execute(
        update(TransferLink).where(TransferLink.licence_id == lic.id,
                                   TransferLink.revoked.is_(False))
        .values(revoked=True).execution_options(synchronize_session=False))
    contract = None
    # cancelled through the ledger before that was refused: the licence ends all the same (it
    # was left live, its links working, and its revocation refused)
    ended = cancelled_contract_of(session, lic.order_id)
    if was != "accepted" and lic.order_id is not None and ended is None:
        order = session.get(LedgerOrder, lic.order_id)
        if order is not None:
            contract = cancel_licence_contract(
                session, order.contract_id, on=day, actor_id=user.id,
                reason=f"licence {lic.number} revoked: {reason.strip()}").number
    lic.status, lic.revoked_on, lic.revoke_reason = "revoked", day, reason.strip()
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.licence.revoked",
                 object_type="catalog_licence", object_id=lic.id,
                 data={"number": lic.number, "reason": reason.strip(), "on": day.isoformat(),
                       "was": was, "links_revoked": int(getattr(links, "rowcount", 0) or 0),
                       "contract_cancelled": contract,
                       **({"contract_cancelled_before": ended} if ended else {})})
    return _named(session, [lic])[0]


def renew_licence(
    session: Session, user: User, licence_id: int, *, price: Any, expires_on: date | None,
    issued_on: date | None = None, number: str | None = None, release_id: int | None = None,
    term: str | None = None, territory: str | None = None, usage_scope: str | None = None,
    acceptance_criteria: str | None = None, currency: str | None = None, fx_rate: Any = None,
    band_reason: str | None = None, band_quote_id: int | None = None,
) -> LicenceOut:
    """The next licence of the same customer and dataset on the same terms unless changed,
    naming the one it renews: priced and booked again (its own ledger contract and order), on
    the dataset's latest release unless ``release_id`` says otherwise. A revoked licence is not
    renewed (issue a new one). Anyone but sales is refused first, before the licence is read
    (its number, revocation or end day are not told)."""
    authorize(session, user, Action.SELL_CATALOG)
    old = _licence_row(session, licence_id)
    if old.status == "revoked":
        raise Conflict(f"licence {old.number} was revoked on {old.revoked_on}: issue a new "
                       "licence instead of renewing it", licence_id=old.id,
                       reason_code="renew_revoked", number=old.number,
                       revoked_on=str(old.revoked_on))
    if expires_on is not None and old.expires_on is not None and expires_on <= old.expires_on:
        raise InvalidInput(f"the renewal ends after licence {old.number} ({old.expires_on}), not "
                           f"on {expires_on}", field="expires_on",
                           reason_code="renew_ends_before", number=old.number,
                           ends_on=str(old.expires_on), on=str(expires_on))
    return create_licence(
        session, user, dataset_id=old.dataset_id, customer_id=old.customer_id, number=number,
        price=price, territory=territory or old.territory, term=term or old.term,
        usage_scope=usage_scope or old.usage_scope,
        acceptance_criteria=acceptance_criteria or old.acceptance_criteria,
        release_id=release_id, issued_on=issued_on, currency=currency or old.currency,
        fx_rate=fx_rate, band_reason=band_reason, expires_on=expires_on, renews_id=old.id,
        band_quote_id=band_quote_id)


def list_links(session: Session, settings: Settings, user: User,
               licence_id: int) -> list[TransferLinkOut]:
    """A licence's transfer links with their URLs: for sales, who issue them, and the
    licensee customer. A link is a bearer URL (no sign-in, counted downloads, and the first
    download marks the licence delivered), so other staff who may read the licence (finance,
    auditors, project managers) are refused them."""
    lic = get_licence(session, user, licence_id)  # visibility: 404 for another customer's
    if viewer(session, user).customer_id != lic.customer_id:
        authorize(session, user, Action.SELL_CATALOG)
    return [_link_out(settings, x) for x in session.scalars(
        select(TransferLink).where(TransferLink.licence_id == licence_id)
        .order_by(TransferLink.id))]


def revoke_link(session: Session, settings: Settings, user: User, link_id: int) -> TransferLinkOut:
    """Stop one transfer link (sent to the wrong address, leaked …); the licence stays."""
    authorize(session, user, Action.SELL_CATALOG)
    link = lock_or_raise(session, TransferLink, link_id, "transfer link", link_id=link_id)
    if link.revoked:
        raise Conflict(f"transfer link {link_id} was already revoked", link_id=link_id)
    link.revoked = True
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.transfer_link.revoked",
                 object_type="catalog_transfer_link", object_id=link.id,
                 data={"licence_id": link.licence_id, "downloads": link.downloads})
    return _link_out(settings, link)
