"""Item media (audio with HTTP range requests, images, any blob), server-computed waveform
peaks for the pages, a modality's preview rendition of an item (the image workbench shows it
first), and the modality's assisted tools over an item (e.g. box → polygon)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, cast

from fastapi import APIRouter, Body, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse

from datamill.compliance import access
from datamill.core.errors import InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.modalities.registry import get_modality
from datamill.production.assisting import prepare_assist
from datamill.production.media import item_path, media_type_of
from datamill.production.models import Item, Project
from datamill.web.peaks import peaks_for
from datamill.web.routes._common import WebUser, require_csrf
from datamill.web.spectrogram import spectrogram_for

__all__ = ["preview_context", "router"]

router = APIRouter(prefix="/web/api", include_in_schema=False)


class _Previewing(Protocol):
    """The optional preview hooks of a modality (the image modality's: ``preview_size`` says
    whether an item gains from one, ``preview`` renders it once per blob into a cache)."""

    def preview_size(self, attributes: Mapping[str, Any]) -> tuple[int, int] | None: ...

    def preview(self, path: Path, sha256: str, cache_dir: Path) -> Any: ...


def preview_context(plugin: object, item_id: int, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """What a workbench page needs to show the item's preview first: ``preview_url`` and the
    full ``image_width``/``image_height`` (empty when the modality or the item has none)."""
    sizer = getattr(plugin, "preview_size", None)
    size = sizer(attributes) if sizer is not None and hasattr(plugin, "preview") else None
    if size is None:
        return {}
    return {"preview_url": f"/web/api/items/{item_id}/preview", "image_width": size[0],
            "image_height": size[1]}




def _item(session: SessionDep, me: WebUser, item_id: int) -> Item:
    item = get_or_raise(session, Item, item_id, "item", item_id=item_id)
    access.require_item_view(session, me.user, item)
    return item


def _reads_done(session: SessionDep) -> None:
    """End the request's read-only transaction before the file is fetched, decoded or
    rendered (peaks of a 30-minute recording ~1 s, a 12-megapixel preview ~0.4 s, once per
    blob; an in-place item's object fetched first): on SQLite every transaction holds the one
    writer lock, and every write of the server waited meanwhile."""
    session.commit()


def _serve(runtime: RuntimeDep, item: Item, media_type: str) -> FileResponse | RedirectResponse:
    """The item's blob; on object storage a redirect to a short-lived signed URL instead, so
    the bytes never pass through the app (the store answers range requests itself)."""
    url = None if item.source_uri else runtime.blobs.signed_url(
        item.sha256, runtime.settings.signed_url_seconds, content_type=media_type
    )
    if url is not None:
        redirect = RedirectResponse(url, status_code=307)
        redirect.headers["Cache-Control"] = "private, no-store"
        return redirect
    resp = FileResponse(
        item_path(runtime.blobs, item), media_type=media_type,
        content_disposition_type="inline",
    )
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp


@router.get("/items/{item_id}/audio", response_model=None)
def item_audio(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> FileResponse | RedirectResponse:
    """The item's audio; ``Range`` requests get 206 Partial Content (seeking in long files).
    422 for an item that is not audio, as the API's ``.../audio`` (``/media`` serves any
    item's file): an image or a text went out as ``audio/wav``."""
    item = _item(session, me, item_id)
    media_type = media_type_of(item.filename)
    if not media_type.startswith("audio/"):
        raise InvalidInput(f"item {item_id} is not audio ({media_type}); "
                           f"/web/api/items/{item_id}/media serves its file")
    return _serve(runtime, item, media_type)


@router.get("/items/{item_id}/media", response_model=None)
def item_media(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> FileResponse | RedirectResponse:
    """The item's media file, whatever its modality (an image, an audio file), with the
    content type its file name gives."""
    item = _item(session, me, item_id)
    return _serve(runtime, item, media_type_of(item.filename))


@router.get("/items/{item_id}/preview", response_model=None)
async def item_preview(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> FileResponse:
    """The item's preview rendition (the image modality's: the picture at about the
    workbench canvas's size), rendered on first request and cached per blob."""
    item = _item(session, me, item_id)
    project = get_or_raise(session, Project, item.project_id, "project")
    plugin = get_modality(project.modality)
    if not hasattr(plugin, "preview"):
        raise InvalidInput(f"the {project.modality} modality has no preview rendition")
    _reads_done(session)
    path = item_path(runtime.blobs, item)
    digest = item.sha256 or hashlib.sha256(str(item.source_uri).encode()).hexdigest()
    preview = await run_in_threadpool(cast("_Previewing", plugin).preview, path, digest,
                                      runtime.blobs.cache_dir)
    resp = FileResponse(preview.path, media_type=preview.media_type,
                        content_disposition_type="inline")
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp


@router.get("/items/{item_id}/display", response_model=None)
async def item_display(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> FileResponse | RedirectResponse:
    """The item's picture as the browser can show it (the pages' image URL): its file, or
    where the modality says a browser cannot decode the file's format (a TIFF) a rendition
    of it (the image modality's ``display``), rendered on first request and cached per blob."""
    item = _item(session, me, item_id)
    project = get_or_raise(session, Project, item.project_id, "project")
    display = getattr(get_modality(project.modality), "display", None)
    if display is not None:
        _reads_done(session)
        path = item_path(runtime.blobs, item)
        digest = item.sha256 or hashlib.sha256(str(item.source_uri).encode()).hexdigest()
        shown = await run_in_threadpool(display, path, digest, runtime.blobs.cache_dir,
                                        dict(item.attributes or {}))
        if shown is not None:
            resp = FileResponse(shown.path, media_type=shown.media_type,
                                content_disposition_type="inline")
            resp.headers["Cache-Control"] = "private, max-age=3600"
            return resp
    return _serve(runtime, item, media_type_of(item.filename))


@router.get("/items/{item_id}/peaks")
async def item_peaks(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> dict[str, object]:
    """Per-bucket min/max of the audio (int8), read in blocks so long files never load whole."""
    item = _item(session, me, item_id)
    _reads_done(session)
    path = item_path(runtime.blobs, item)
    return await run_in_threadpool(peaks_for, path, item.sha256 or str(item.source_uri), item.id)


@router.get("/items/{item_id}/spectrogram")
async def item_spectrogram(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> dict[str, object]:
    """A small dB spectrogram (uint8, base64) of the item's audio for the workbench's toggle."""
    item = _item(session, me, item_id)
    _reads_done(session)
    path = item_path(runtime.blobs, item)
    return await run_in_threadpool(spectrogram_for, path, item.sha256 or str(item.source_uri), item.id)


@router.post("/items/{item_id}/assist/{tool}")
async def item_assist(
    request: Request, item_id: int, tool: str, session: SessionDep, runtime: RuntimeDep,
    me: WebUser, params: dict[str, Any] = Body(...),  # noqa: B008 - FastAPI's idiom
) -> dict[str, Any]:
    """An assisted tool of the item's modality (``assist_tools``; the image modality's
    ``grabcut`` turns a box into a polygon), for people who annotate, review or inspect
    (:mod:`datamill.production.assisting`, as the API's)."""
    require_csrf(request, me)
    run = prepare_assist(session, runtime.blobs, me.user, item_id, tool, params)
    return await run_in_threadpool(run)
