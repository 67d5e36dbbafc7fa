"""Item media (audio with HTTP range requests, images, any blob), server-computed waveform
peaks for the pages, and the modality's assisted tools over an item (e.g. box → polygon)."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, cast

from fastapi import APIRouter, Body, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse

from datamill.compliance import access
from datamill.compliance.roles import Action, allowed
from datamill.core.errors import Forbidden, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.modalities.registry import get_modality
from datamill.production.media import item_path
from datamill.production.models import Item, Project
from datamill.web.peaks import peaks_for
from datamill.web.routes._common import WebUser, require_csrf
from datamill.web.spectrogram import spectrogram_for

__all__ = ["media_type_of", "router"]

router = APIRouter(prefix="/web/api", include_in_schema=False)


class _Assisting(Protocol):
    """The optional ``assist`` hook of a modality that names ``assist_tools``."""

    def assist(self, tool: str, path: Path, params: Mapping[str, Any]) -> dict[str, Any]: ...


_AUDIO_TYPES = {".wav": "audio/wav", ".flac": "audio/flac", ".ogg": "audio/ogg"}


def _item(session: SessionDep, me: WebUser, item_id: int) -> Item:
    item = get_or_raise(session, Item, item_id, "item", item_id=item_id)
    access.require_item_view(session, me.user, item)
    return item


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
    """The item's audio; ``Range`` requests get 206 Partial Content (seeking in long files)."""
    item = _item(session, me, item_id)
    suffix = Path(item.filename or "").suffix.lower()
    return _serve(runtime, item, _AUDIO_TYPES.get(suffix, "audio/wav"))


def media_type_of(filename: str | None) -> str:
    """The content type of an item's file, from its name (``application/octet-stream`` when
    unknown, so a browser never sniffs it into something it runs)."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in _AUDIO_TYPES:
        return _AUDIO_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(f"x{suffix}", strict=False)
    if guessed is None or guessed.startswith(("text/html", "application/xhtml", "image/svg")):
        return "application/octet-stream"
    return guessed


@router.get("/items/{item_id}/media", response_model=None)
def item_media(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> FileResponse | RedirectResponse:
    """The item's media file, whatever its modality (an image, an audio file), with the
    content type its file name gives."""
    item = _item(session, me, item_id)
    return _serve(runtime, item, media_type_of(item.filename))


@router.get("/items/{item_id}/peaks")
async def item_peaks(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> dict[str, object]:
    """Per-bucket min/max of the audio (int8), read in blocks so long files never load whole."""
    item = _item(session, me, item_id)
    path = item_path(runtime.blobs, item)
    return await run_in_threadpool(peaks_for, path, item.sha256 or str(item.source_uri))


@router.get("/items/{item_id}/spectrogram")
async def item_spectrogram(
    item_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> dict[str, object]:
    """A small dB spectrogram (uint8, base64) of the item's audio for the workbench's toggle."""
    item = _item(session, me, item_id)
    path = item_path(runtime.blobs, item)
    return await run_in_threadpool(spectrogram_for, path, item.sha256 or str(item.source_uri))


@router.post("/items/{item_id}/assist/{tool}")
async def item_assist(
    request: Request, item_id: int, tool: str, session: SessionDep, runtime: RuntimeDep,
    me: WebUser, params: dict[str, Any] = Body(...),  # noqa: B008 - FastAPI's idiom
) -> dict[str, Any]:
    """An assisted tool of the item's modality (``assist_tools``; the image modality's
    ``grabcut`` turns a box into a polygon), for people who annotate, review or inspect."""
    require_csrf(request, me)
    item = _item(session, me, item_id)
    if not any(allowed(me.user.role, a) for a in (Action.ANNOTATE, Action.REVIEW, Action.INSPECT)):
        raise Forbidden("assisted tools are for annotators, reviewers and inspectors")
    project = get_or_raise(session, Project, item.project_id, "project")
    plugin = get_modality(project.modality)
    if tool not in getattr(plugin, "assist_tools", ()):
        raise InvalidInput(f"the {project.modality} modality has no assisted tool {tool!r}",
                           field="tool")
    path = item_path(runtime.blobs, item)
    # a modality that names assist_tools has assist() (ModalityPlugin's optional hooks)
    return await run_in_threadpool(cast("_Assisting", plugin).assist, tool, path, params)
