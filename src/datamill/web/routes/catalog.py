"""The catalog pages: browse with filters (and the development pipeline chart), one entry with
its datasheet and samples, licences. Customers see listed entries and their own licences.

The forms call the services the API's ``/catalog`` routes call, and are shown only to the roles
the permission matrix lets do it (a forbidden POST answers the usual 403 page): a catalog
manager registers an entry, adds a source batch and releases a version; sales issue a licence,
a transfer link and revoke a licence; the licensee (or sales) records the acceptance of a
delivered licence. A refusal shows on the page, in its language, with what was typed kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.catalog import (
    band_quotes,
    datasets,
    licence_upgrade,
    licences,
    quote_requests,
    releases,
)
from datamill.catalog.access import viewer
from datamill.catalog.datasets import PRICE_BANDS
from datamill.compliance.permissions import check
from datamill.compliance.roles import Action
from datamill.config import Settings
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.ledger.orders import list_customers
from datamill.ledger.statements import customer_statement
from datamill.runtime import Runtime
from datamill.web.routes._common import (
    HtmlRoute,
    WebUser,
    error_in_page_language,
    render,
    require_csrf,
)

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_TYPES = {".wav": "audio/wav", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
          ".json": "application/json"}


def _float(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError as err:
        raise InvalidInput(f"{value!r} is not a number") from err


def _bars(years: list[dict[str, int]]) -> list[dict[str, Any]]:
    top = max([1] + [max(y["new"], y["in_development"]) for y in years])
    return [{**y, "new_w": round(300 * y["new"] / top), "dev_w": round(300 * y["in_development"]
                                                                       / top)} for y in years]


def _report(session: Session, me: WebUser, shown: set[int]) -> list[dict[str, Any]]:
    """Per dataset the page lists (``shown``: its filters hold for the report too):
    licences, revenue, development cost and margin (``catalog report``, GET /catalog/report)
    with the bar widths of its chart; empty for who may not read it."""
    if check(session, me.user, Action.VIEW_LEDGER) is not None and not _may(
            session, me, Action.SELL_CATALOG):
        return []
    rows = [r for r in licences.dataset_report(session, me.user) if r.dataset_id in shown]
    top = max([Decimal(1)] + [max(r.revenue, r.development_cost) for r in rows])
    return [{"row": r, "share": r.margin_pct,
             "rev_w": int(300 * r.revenue / top), "cost_w": int(300 * r.development_cost / top)}
            for r in rows]


@router.get("/catalog", response_class=HTMLResponse)
def catalog_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser, modality: str = "",
    language: str = "",
    scenario: str = "", min_hours: str = "", price_band: str = "", done: str = "",
    min_volume: str = "", request_status: str = "",
) -> Response:
    filters = {"modality": modality, "language": language, "scenario": scenario,
               "min_hours": min_hours, "price_band": price_band, "min_volume": min_volume}
    return _catalog_page(request, session, runtime, me, filters, done=done,
                         request_status=request_status)


def _may(session: Session, me: WebUser, action: Action) -> bool:
    """Does the permission matrix let the signed-in person do ``action`` (any scope)? The
    forms a page offers follow it; the service checks again on POST."""
    return check(session, me.user, action) is None


def _catalog_page(request: Request, session: Session, runtime: Runtime, me: WebUser,
                  filters: dict[str, str], status_code: int = 200, **more: Any) -> Response:
    view = viewer(session, me.user)
    rows = [releases.with_volume(session, d) for d in datasets.search_datasets(
        session, me.user, modality=filters["modality"] or None,
        language=filters["language"] or None, scenario=filters["scenario"] or None,
        min_hours=_float(filters["min_hours"]), min_volume=_float(filters.get("min_volume")),
        price_band=(filters["price_band"] or None) if view.sees_prices else None)]
    pipeline = datasets.pipeline_counts(session, me.user) if view.everything else None
    lics = licences.list_licences(session, me.user)
    may_decide = view.everything and band_quotes.may_decide_band_quotes(session, me.user)
    pending = (band_quotes.list_band_quotes(session, me.user, status="pending")
               if may_decide else [])
    more.setdefault("typed", {})
    more.setdefault("request_status", "")
    return render(request, "catalog.html", me, status_code=status_code, rows=rows, view=view,
                  pending_quotes=pending,
                  quote_requests=quote_requests.list_quote_requests(session, me.user, status=(
                      more["request_status"] if more["request_status"]
                      in quote_requests.QUOTE_REQUEST_STATUSES else None)),
                  request_statuses=quote_requests.QUOTE_REQUEST_STATUSES,
                  can_ask=not view.everything and view.customer_id is not None,
                  bands=list(PRICE_BANDS), filters=filters,
                  pipeline=pipeline, bars=_bars(pipeline.years) if pipeline else [],
                  report=_report(session, me, {r.id for r in rows}) if view.everything else [],
                  licences=lics, links=_live_links(session, runtime.settings, me, lics),
                  can_manage=_may(session, me, Action.MANAGE_CATALOG),
                  can_sell=_may(session, me, Action.SELL_CATALOG),
                  # a customer's own invoices and receipts (readers of the books: the ledger)
                  statement=(customer_statement(session, view.customer_id)
                             if not view.everything and view.customer_id is not None
                             else None), **more)


def _live_links(session: Session, settings: Settings, me: WebUser,
                lics: list[Any]) -> dict[int, list[Any]]:
    """Per active licence, its transfer links that still download (revoked, expired and used
    up ones left out): what the licensee clicks to fetch the package."""
    now = utcnow()
    out: dict[int, list[Any]] = {}
    for lic in lics:
        if not lic.active:
            continue
        try:  # the licensee's and sales' only: a link is a bearer URL
            links = licences.list_links(session, settings, me.user, lic.id)
        except Forbidden:
            continue
        live = [x for x in links
                if not x.revoked and x.downloads < x.max_downloads and x.expires_at > now]
        if live:
            out[lic.id] = live
    return out


def _dataset_page(request: Request, session: Session, me: WebUser, dataset_id: int,
                  status_code: int = 200, settings: Settings | None = None,
                  **more: Any) -> Response:
    view = viewer(session, me.user)
    ds = releases.with_volume(session, datasets.get_dataset(session, me.user, dataset_id))
    rels = releases.list_releases(session, me.user, dataset_id)
    latest = rels[-1] if rels else None
    sheet = releases.datasheet(session, me.user, latest.id) if latest else None
    can_manage = _may(session, me, Action.MANAGE_CATALOG)
    can_sell = _may(session, me, Action.SELL_CATALOG)
    lics = licences.list_licences(session, me.user, dataset_id)
    quotes = (band_quotes.list_band_quotes(session, me.user, dataset_id=dataset_id)
              if view.everything else [])
    more.setdefault("typed", {})
    more.setdefault("sample_viewer", releases.sample_viewer(ds.modality) if latest else None)
    return render(request, "catalog_dataset.html", me, status_code=status_code, ds=ds,
                  quotes=quotes, can_ask=not view.everything and view.customer_id is not None
                  and ds.listed and ds.status == "released",  # a licensee sees one off it
                  quote_requests=quote_requests.list_quote_requests(session, me.user,
                                                                    dataset_id=dataset_id), may_decide=bool(quotes)
                  and band_quotes.may_decide_band_quotes(session, me.user),
                  view=view, releases=rels, latest=latest, sheet=sheet, licences=lics,
                  newer={r.id: r.version for r in rels if r.withdrawn_on is None},
                  can_manage=can_manage, can_sell=can_sell,
                  sources=datasets.list_sources(session, me.user, dataset_id)
                  if can_manage else [],
                  customers=list_customers(session) if can_sell else [],
                  links=_live_links(session, settings, me, lics) if settings else {},
                  **more)


@router.get("/catalog/{dataset_id}", response_class=HTMLResponse)
def dataset_page(request: Request, dataset_id: int, session: SessionDep, runtime: RuntimeDep,
                 me: WebUser, done: str = "") -> Response:
    return _dataset_page(request, session, me, dataset_id, settings=runtime.settings, done=done)


@router.post("/catalog/licences/{licence_id}/upgrade", response_class=HTMLResponse)
def licence_upgrade_form(
    request: Request, licence_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    release_id: Annotated[int, Form(ge=1)], reason: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Move a licence to a newer release of its dataset at no charge (the licence list of the
    dataset page); a refusal shows on the page in its language."""
    require_csrf(request, me, csrf_token)
    lic = licences.get_licence(session, me.user, licence_id)
    try:
        with session.begin_nested():
            licence_upgrade.upgrade_licence(session, me.user, licence_id, release_id=release_id,
                                            reason=reason)
    except (Conflict, InvalidInput, Forbidden) as err:
        return _dataset_page(request, session, me, lic.dataset_id, status_code=err.status,
                             settings=runtime.settings,
                             refused=error_in_page_language(request, err),
                             refused_licence=licence_id, typed_reason=reason)
    return RedirectResponse(f"/catalog/{lic.dataset_id}?done=upgraded", status_code=303)


@router.get("/catalog/releases/{release_id}/samples/{index}", response_model=None)
def sample_file(release_id: int, index: int, session: SessionDep, me: WebUser) -> FileResponse:
    """A release's sample, served like the workbench media (inline, typed by its name)."""
    path = releases.sample_path(session, me.user, release_id, index)
    resp = FileResponse(path, media_type=_TYPES.get(path.suffix.lower(),
                                                    "application/octet-stream"),
                        content_disposition_type="inline")
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp


@router.get("/catalog/releases/{release_id}/samples/{index}/preview", response_model=None)
def sample_preview_file(release_id: int, index: int, session: SessionDep, runtime: RuntimeDep,
                        me: WebUser) -> FileResponse:
    """What the sample's viewer draws (a point cloud's points), rendered once per blob."""
    preview = releases.sample_preview(session, me.user, release_id, index,
                                      runtime.blobs.cache_dir)
    resp = FileResponse(preview.path, media_type=preview.media_type,
                        content_disposition_type="inline")
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp


# -- the forms: each calls the service its API route calls ----------------------------------

_REFUSED = (Conflict, InvalidInput)
Field1 = Annotated[str, Form(max_length=5000)]


def _catalog_root(runtime: Runtime) -> Path:
    """Where releases and packages are written: the API's ``/catalog`` routes use the same."""
    return (runtime.settings.home / "catalog").resolve()


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as err:
        raise InvalidInput(f"{field}: {value!r} is not a date (YYYY-MM-DD)", field=field) from err


def _int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError as err:
        raise InvalidInput(f"{field}: {value!r} is not a whole number", field=field) from err


def _words(value: str) -> list[str]:
    return [w.strip() for w in value.replace("，", ",").split(",") if w.strip()]


def _no_filters() -> dict[str, str]:
    return dict.fromkeys(("modality", "language", "scenario", "min_hours", "price_band",
                          "min_volume"), "")


@router.post("/catalog/datasets", response_class=HTMLResponse)
def create_dataset_form(  # noqa: PLR0913 - the entry's fields, as the API takes them
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    name: Annotated[str, Form(max_length=120)] = "", title: Annotated[str, Form(max_length=200)] = "",
    modality: Annotated[str, Form(max_length=32)] = "",
    languages: Annotated[str, Form(max_length=2000)] = "",
    scenario: Annotated[str, Form(max_length=64)] = "", description: Field1 = "",
    planned_hours: Annotated[str, Form(max_length=20)] = "",
    budget: Annotated[str, Form(max_length=20)] = "", market_survey: Field1 = "",
    price: Annotated[str, Form(max_length=20)] = "",
    price_low: Annotated[str, Form(max_length=20)] = "",
    price_high: Annotated[str, Form(max_length=20)] = "",
    currency: Annotated[str, Form(max_length=3)] = "CNY",
    copyright_no: Annotated[str, Form(max_length=64)] = "",
    devices: Annotated[str, Form(max_length=5000)] = "", listed: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    planned_volume: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Register a catalog entry in development (``POST /api/v1/catalog/datasets``); the
    planned volume in the modality's own unit (``planned_hours``: its older name, speech)."""
    require_csrf(request, me, csrf_token)
    typed = {"name": name, "title": title, "modality": modality, "languages": languages,
             "scenario": scenario, "description": description,
             "planned_volume": planned_volume or planned_hours,
             "budget": budget, "market_survey": market_survey, "price": price,
             "price_low": price_low, "price_high": price_high, "currency": currency,
             "copyright_no": copyright_no, "devices": devices, "listed": listed}
    try:
        with session.begin_nested():
            out = datasets.create_dataset(
                session, me.user, name=name.strip(), title=title, modality=modality.strip(),
                languages=_words(languages), scenario=scenario.strip(), description=description,
                planned_hours=planned_hours.strip() or None, budget=budget.strip() or None,
                planned_volume=planned_volume.strip() or None,
                market_survey=market_survey, price=price.strip() or None,
                price_low=price_low.strip() or None, price_high=price_high.strip() or None,
                currency=currency.strip().upper() or "CNY",
                copyright_no=copyright_no.strip() or None, devices=_words(devices),
                listed=bool(listed))
    except _REFUSED as err:
        return _catalog_page(request, session, runtime, me, _no_filters(),
                             status_code=err.status, form="dataset", typed=typed,
                             form_error=error_in_page_language(request, err))
    return RedirectResponse(f"/catalog/{out.id}?done=created", status_code=303)


@router.post("/catalog/{dataset_id}/sources", response_class=HTMLResponse)
def add_source_form(
    request: Request, dataset_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    batch_id: Annotated[str, Form(max_length=20)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Add an accepted product-development batch (``POST …/datasets/{id}/sources``)."""
    require_csrf(request, me, csrf_token)
    try:
        with session.begin_nested():
            datasets.add_source(session, me.user, dataset_id,
                                batch_id=_int(batch_id, "batch_id"))
    except (*_REFUSED, NotFound) as err:
        return _dataset_page(request, session, me, dataset_id, status_code=err.status,
                             settings=runtime.settings, form="source",
                             typed={"batch_id": batch_id},
                             form_error=error_in_page_language(request, err))
    return RedirectResponse(f"/catalog/{dataset_id}?done=source", status_code=303)


@router.post("/catalog/{dataset_id}/releases", response_class=HTMLResponse)
def release_form(
    request: Request, dataset_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Build the next release (``POST …/datasets/{id}/releases``); the IP wall's refusal,
    naming the customer items, shows on the page."""
    require_csrf(request, me, csrf_token)
    try:
        with session.begin_nested():
            releases.build_release(session, runtime.blobs, me.user, dataset_id,
                                   _catalog_root(runtime))
    except _REFUSED as err:
        return _dataset_page(request, session, me, dataset_id, status_code=err.status,
                             settings=runtime.settings, form="release",
                             form_error=error_in_page_language(request, err))
    return RedirectResponse(f"/catalog/{dataset_id}?done=released", status_code=303)


def _licence_form_again(request: Request, session: Session, runtime: Runtime, me: WebUser,
                        dataset_id: int, typed: dict[str, str],
                        err: Conflict | InvalidInput | NotFound) -> Response:
    """The dataset page again with the licence form as typed and ``err`` beside it (a licence
    or an out-of-band quote refused)."""
    return _dataset_page(request, session, me, dataset_id, status_code=err.status,
                         settings=runtime.settings, form="licence", typed=typed,
                         form_error=error_in_page_language(request, err))


@router.post("/catalog/{dataset_id}/licences", response_class=HTMLResponse)
def create_licence_form(  # noqa: PLR0913 - the licence's fields, as the API takes them
    request: Request, dataset_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    customer_id: Annotated[str, Form(max_length=20)] = "",
    release_id: Annotated[str, Form(max_length=20)] = "",
    price: Annotated[str, Form(max_length=20)] = "",
    currency: Annotated[str, Form(max_length=3)] = "",
    fx_rate: Annotated[str, Form(max_length=20)] = "",
    territory: Annotated[str, Form(max_length=200)] = "",
    term: Annotated[str, Form(max_length=200)] = "", usage_scope: Field1 = "",
    acceptance_criteria: Field1 = "", expires_on: Annotated[str, Form(max_length=10)] = "",
    band_reason: Field1 = "", valid_days: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """License the dataset to a customer (``POST /api/v1/catalog/licences``); ``valid_days``
    belongs to the form's second button (an out-of-band quote) and is kept as typed."""
    require_csrf(request, me, csrf_token)
    typed = {"customer_id": customer_id, "release_id": release_id, "price": price,
             "currency": currency, "fx_rate": fx_rate, "territory": territory, "term": term,
             "usage_scope": usage_scope, "acceptance_criteria": acceptance_criteria,
             "expires_on": expires_on, "band_reason": band_reason, "valid_days": valid_days}
    try:
        with session.begin_nested():
            licences.create_licence(
                session, me.user, dataset_id=dataset_id,
                customer_id=_int(customer_id, "customer_id"),
                release_id=_int(release_id, "release_id") if release_id.strip() else None,
                price=price.strip(), currency=currency.strip().upper() or None,
                fx_rate=fx_rate.strip() or None, territory=territory, term=term,
                usage_scope=usage_scope, acceptance_criteria=acceptance_criteria,
                expires_on=_day(expires_on, "expires_on"),
                band_reason=band_reason.strip() or None)
    except (*_REFUSED, NotFound) as err:
        return _licence_form_again(request, session, runtime, me, dataset_id, typed, err)
    return RedirectResponse(f"/catalog/{dataset_id}?done=licensed", status_code=303)


@router.post("/catalog/licences/{licence_id}/links", response_class=HTMLResponse)
def link_form(
    request: Request, licence_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    hours: Annotated[str, Form(max_length=10)] = "72",
    max_downloads: Annotated[str, Form(max_length=10)] = "3",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Package the release and issue a transfer link (``POST …/licences/{id}/links``)."""
    require_csrf(request, me, csrf_token)
    try:  # the service first: its 403 comes before any lookup of the licence
        with session.begin_nested():
            licences.issue_transfer_link(session, runtime.settings, me.user, licence_id,
                                         _catalog_root(runtime), hours=_int(hours, "hours"),
                                         max_downloads=_int(max_downloads, "max_downloads"))
    except _REFUSED as err:
        lic = licences.get_licence(session, me.user, licence_id)
        return _dataset_page(request, session, me, lic.dataset_id, status_code=err.status,
                             settings=runtime.settings, form=f"link-{licence_id}",
                             typed={"hours": hours, "max_downloads": max_downloads},
                             form_error=error_in_page_language(request, err))
    lic = licences.get_licence(session, me.user, licence_id)
    return RedirectResponse(f"/catalog/{lic.dataset_id}?done=link", status_code=303)


@router.post("/catalog/licences/{licence_id}/revocation", response_class=HTMLResponse)
def revoke_form(
    request: Request, licence_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    reason: Annotated[str, Form(max_length=2000)] = "",
    on: Annotated[str, Form(max_length=10)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """End a licence now (``POST …/licences/{id}/revocation``)."""
    require_csrf(request, me, csrf_token)
    try:  # the service first: its 403 comes before any lookup of the licence
        with session.begin_nested():
            lic = licences.revoke_licence(session, me.user, licence_id, reason=reason,
                                          on=_day(on, "on"))
    except _REFUSED as err:
        shown = licences.get_licence(session, me.user, licence_id)
        return _dataset_page(request, session, me, shown.dataset_id, status_code=err.status,
                             settings=runtime.settings, form=f"revoke-{licence_id}",
                             typed={"reason": reason, "on": on},
                             form_error=error_in_page_language(request, err))
    return RedirectResponse(f"/catalog/{lic.dataset_id}?done=revoked", status_code=303)


@router.post("/catalog/licences/{licence_id}/acceptance", response_class=HTMLResponse)
def accept_form(
    request: Request, licence_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    accepted_on: Annotated[str, Form(max_length=10)] = "", note: Field1 = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The licensee's acceptance report of a delivered licence (``POST …/acceptance``), from
    the catalog page where its licence and download link show."""
    require_csrf(request, me, csrf_token)
    try:
        with session.begin_nested():
            licences.accept_licence(session, me.user, licence_id,
                                    accepted_on=_day(accepted_on, "accepted_on"), note=note)
    except _REFUSED as err:
        return _catalog_page(request, session, runtime, me, _no_filters(),
                             status_code=err.status, form=f"accept-{licence_id}",
                             typed={"accepted_on": accepted_on, "note": note},
                             form_error=error_in_page_language(request, err))
    return RedirectResponse("/catalog?done=accepted", status_code=303)


@router.post("/catalog/licences/{licence_id}/rejection", response_class=HTMLResponse)
def reject_form(
    request: Request, licence_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    reason: Field1 = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The licensee's refusal of a delivered licence, with its reason (``POST …/rejection``),
    beside the acceptance form."""
    from datamill.catalog.licence_rejection import reject_licence_delivery

    require_csrf(request, me, csrf_token)
    try:
        with session.begin_nested():
            reject_licence_delivery(session, me.user, licence_id, reason=reason)
    except _REFUSED as err:
        return _catalog_page(request, session, runtime, me, _no_filters(),
                             status_code=err.status, form=f"reject-{licence_id}",
                             typed={"reason": reason},
                             form_error=error_in_page_language(request, err))
    return RedirectResponse("/catalog?done=rejected", status_code=303)


@router.post("/catalog/{dataset_id}/band-quotes", response_class=HTMLResponse)
def band_quote_form(  # noqa: PLR0913 - the quote's fields, as the API takes them
    request: Request, dataset_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    customer_id: Annotated[str, Form(max_length=20)] = "",
    price: Annotated[str, Form(max_length=20)] = "",
    currency: Annotated[str, Form(max_length=3)] = "",
    fx_rate: Annotated[str, Form(max_length=20)] = "", band_reason: Field1 = "",
    release_id: Annotated[str, Form(max_length=20)] = "",
    territory: Annotated[str, Form(max_length=200)] = "",
    term: Annotated[str, Form(max_length=200)] = "", usage_scope: Field1 = "",
    acceptance_criteria: Field1 = "", expires_on: Annotated[str, Form(max_length=10)] = "",
    valid_days: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Ask a second person to approve a price outside the band (``POST
    /api/v1/catalog/band-quotes``): the licence form's second button, its reason the band
    reason, ``valid_days`` the quote's validity (empty: the default); a refusal shows on the
    page with the licence form as typed."""
    require_csrf(request, me, csrf_token)
    typed = {"customer_id": customer_id, "release_id": release_id, "price": price,
             "currency": currency, "fx_rate": fx_rate, "territory": territory, "term": term,
             "usage_scope": usage_scope, "acceptance_criteria": acceptance_criteria,
             "expires_on": expires_on, "band_reason": band_reason, "valid_days": valid_days}
    try:
        with session.begin_nested():
            check_note(band_reason, "band_reason")  # as the API's body (the service stores it)
            band_quotes.request_band_quote(
                session, me.user, dataset_id=dataset_id,
                customer_id=_int(customer_id, "customer_id"), price=price.strip(),
                currency=currency.strip().upper() or None, fx_rate=fx_rate.strip() or None,
                reason=band_reason,
                valid_days=_int(valid_days, "valid_days") if valid_days.strip() else None)
    except (*_REFUSED, NotFound) as err:
        return _licence_form_again(request, session, runtime, me, dataset_id, typed, err)
    return RedirectResponse(f"/catalog/{dataset_id}?done=quoted", status_code=303)


@router.post("/catalog/band-quotes/{quote_id}/decision", response_class=HTMLResponse)
def band_quote_decision_form(
    request: Request, quote_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    decision: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Approve or reject an out-of-band quote with a reason (``POST
    /api/v1/catalog/band-quotes/{id}/approvals``); a refusal (the quote's own maker, a decided
    quote, no reason) shows beside the quote on the dataset page."""
    require_csrf(request, me, csrf_token)
    quote = band_quotes.get_band_quote(session, me.user, quote_id)
    try:
        with session.begin_nested():
            check_note(reason, "reason")
            out = band_quotes.decide_band_quote(session, me.user, quote_id, decision=decision,
                                                reason=reason)
    except (*_REFUSED, Forbidden) as err:
        return _dataset_page(request, session, me, quote.dataset_id, status_code=err.status,
                             settings=runtime.settings, form=f"quote-{quote_id}",
                             typed={"reason": reason},
                             form_error=error_in_page_language(request, err))
    return RedirectResponse(f"/catalog/{quote.dataset_id}?done=quote_{out.status}",
                            status_code=303)


@router.post("/catalog/band-quotes/{quote_id}/withdrawal", response_class=HTMLResponse)
def band_quote_withdrawal_form(
    request: Request, quote_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    reason: Annotated[str, Form(max_length=2000)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Withdraw an out-of-band quote with a reason (``POST
    /api/v1/catalog/band-quotes/{id}/withdrawal``): its maker or a catalog manager; a refusal
    shows beside the quote on the dataset page."""
    require_csrf(request, me, csrf_token)
    quote = band_quotes.get_band_quote(session, me.user, quote_id)
    try:
        with session.begin_nested():
            band_quotes.withdraw_band_quote(session, me.user, quote_id, reason=reason)
    except (*_REFUSED, Forbidden) as err:
        return _dataset_page(request, session, me, quote.dataset_id, status_code=err.status,
                             settings=runtime.settings, form=f"withdraw-{quote_id}",
                             typed={"reason": reason},
                             form_error=error_in_page_language(request, err))
    return RedirectResponse(f"/catalog/{quote.dataset_id}?done=quote_withdrawn",
                            status_code=303)
