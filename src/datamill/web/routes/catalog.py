"""The catalog pages: browse with filters (and the development pipeline chart), one entry with
its datasheet and samples, licences. Customers see listed entries and their own licences."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.catalog import datasets, licence_upgrade, licences, releases
from datamill.catalog.access import viewer
from datamill.catalog.datasets import PRICE_BANDS
from datamill.config import Settings
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.http_deps import RuntimeDep, SessionDep
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


@router.get("/catalog", response_class=HTMLResponse)
def catalog_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser, modality: str = "",
    language: str = "",
    scenario: str = "", min_hours: str = "", price_band: str = "",
) -> Response:
    view = viewer(session, me.user)
    rows = datasets.search_datasets(
        session, me.user, modality=modality or None, language=language or None,
        scenario=scenario or None, min_hours=_float(min_hours),
        price_band=(price_band or None) if view.sees_prices else None)
    pipeline = datasets.pipeline_counts(session, me.user) if view.everything else None
    lics = licences.list_licences(session, me.user)
    return render(request, "catalog.html", me, rows=rows, view=view, bands=list(PRICE_BANDS),
                  filters={"modality": modality, "language": language, "scenario": scenario,
                           "min_hours": min_hours, "price_band": price_band},
                  pipeline=pipeline, bars=_bars(pipeline.years) if pipeline else [],
                  licences=lics, links=_live_links(session, runtime.settings, me, lics))


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
                  status_code: int = 200, **more: Any) -> Response:
    view = viewer(session, me.user)
    ds = datasets.get_dataset(session, me.user, dataset_id)
    rels = releases.list_releases(session, me.user, dataset_id)
    latest = rels[-1] if rels else None
    sheet = releases.datasheet(session, me.user, latest.id) if latest else None
    return render(request, "catalog_dataset.html", me, status_code=status_code, ds=ds,
                  view=view, releases=rels, latest=latest, sheet=sheet,
                  licences=licences.list_licences(session, me.user, dataset_id),
                  newer={r.id: r.version for r in rels if r.withdrawn_on is None},
                  **more)


@router.get("/catalog/{dataset_id}", response_class=HTMLResponse)
def dataset_page(request: Request, dataset_id: int, session: SessionDep, me: WebUser,
                 done: str = "") -> Response:
    return _dataset_page(request, session, me, dataset_id, done=done)


@router.post("/catalog/licences/{licence_id}/upgrade", response_class=HTMLResponse)
def licence_upgrade_form(
    request: Request, licence_id: int, session: SessionDep, me: WebUser,
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
