"""The project's data-import page (``/projects/{id}/import``): whoever may import by the API
(``manage_project`` on the project) uploads a ``.zip`` archive of media files (or a
``.csv``/``.jsonl`` manifest, or a pre-labelled source with its format), names the collection
vendor who delivered it when they are on the business side, and sees the report: items
imported, rows refused with the reason each, the archive's entries not unpacked, and the new
items.

The upload is written to a temporary folder that is the import's root, then imported by the
same service call the API's ``POST /api/v1/projects/{id}/imports`` makes
(:func:`datamill.workforce.supply.import_for`); the folder is removed afterwards. Its body may
be as large as ``DATAMILL_MAX_UPLOAD_BYTES`` (:data:`LARGE_BODIES`; larger: the 413 page, and
the page's script refuses such a file before sending it).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from datamill.compliance import access
from datamill.compliance.item_sensitivity import hidden_item_ids
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import DatamillError
from datamill.core.storable import digits
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.modalities.problem_words import word_reason
from datamill.production.importing import hide_import_root, report_relative_to_root
from datamill.production.labelled_import import labelled_formats
from datamill.production.projects import get_project
from datamill.production.schemas import ImportReport
from datamill.web.i18n import translator
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    admitted_by_session,
    error_in_page_language,
    page_language,
    render,
    require_csrf,
)
from datamill.workforce.policies import manages_workforce
from datamill.workforce.supply import import_for
from datamill.workforce.vendors import list_vendors

__all__ = ["LARGE_BODIES", "router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)

_FORM_PATH = r"/projects/([0-9]{1,19})/import"


def _may_upload(request: Request) -> bool:
    """Whether the request comes from a live web session of someone who may import into the
    path's project: only then is the form's body read beyond the server's request limit (a
    stranger's 200 MiB would otherwise be held in memory before the page learns who sent it)."""
    found = re.fullmatch(_FORM_PATH, request.url.path)
    if found is None:
        return False
    project_id = int(found.group(1))

    def may_import(session: Session, user: User) -> bool:
        try:
            require(session, user, Action.MANAGE_PROJECT, project_id)
        except DatamillError:
            return False
        return True

    return admitted_by_session(request, may_import)


#: the import form's body may reach ``Settings.max_upload_bytes`` from someone signed in who
#: may import there (the body-size limit's own entry for this route: a whole path pattern, the
#: setting holding its limit, and who may send that much)
LARGE_BODIES: tuple[tuple[str, int | str, Callable[[Request], bool]], ...] = (
    (_FORM_PATH.replace("([0-9]{1,19})", "[0-9]{1,19}"), "max_upload_bytes", _may_upload),
)
#: the new items the report lists (the dashboard counts them all)
SHOWN_ITEMS = 50
_NAME_CHARS = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def _vendors(session: Session, user: User) -> list[Any]:
    """The vendors the form offers as the delivery's supplier: the qualified ones, to those
    who name suppliers (the business side); none to anyone else."""
    if not manages_workforce(user):
        return []
    return [v for v in list_vendors(session, user) if v.qualified]


def _page(
    request: Request, session: Session, runtime: RuntimeDep, me: SignedIn, project_id: int, *,
    typed: dict[str, str] | None = None, error: str | None = None,
    report: ImportReport | None = None, status_code: int = 200,
) -> HTMLResponse:
    project = get_project(session, project_id)
    require(session, me.user, Action.MANAGE_PROJECT, project_id)
    items: list[Any] = []
    total = 0
    if report is not None:
        items, total = access.list_items(
            session, project_id, status=None, limit=SHOWN_ITEMS, offset=0,
            hidden=hidden_item_ids(session, me.user, project_id),
            import_run_id=report.import_run_id)
    max_bytes = int(runtime.settings.max_upload_bytes)
    return render(request, "project_import.html", me, status_code=status_code, project=project,
                  vendors=_vendors(session, me.user), formats=labelled_formats(project.modality),
                  typed=typed or {}, error=error, report=report, items=items, items_total=total,
                  max_bytes=max_bytes, max_size=_size(max_bytes),
                  # a .txt beside a recording is its prompt; beside an image it is no prompt
                  reads_prompts=project.modality.startswith("speech."),
                  reasons=_reasons(request, report), skips=_skips(request, report))


def _size(n: int) -> str:
    """A byte count as people read it (``200 MiB``)."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def _skips(request: Request, report: ImportReport | None) -> list[tuple[str, str | None]]:
    """Each skipped file's reason in the page's language, with the stored English where it was
    worded: an archive entry not unpacked (its ``code``: ``entry_link``, ``entry_dotdot`` ...)
    through the refusal registry, any other as the import wrote it."""
    if report is None:
        return []
    lang = page_language(request)
    out: list[tuple[str, str | None]] = []
    for skip in report.skipped:
        stored = skip.get("reason", "")
        said = word_reason({**skip, "reason_code": skip.get("code")}, lang) \
            if skip.get("code") and lang != "en" else None
        out.append((said, stored) if said else (stored, None))
    return out


def _reasons(request: Request, report: ImportReport | None) -> list[tuple[str, str | None]]:
    """Each refused row's reason in the page's language, with the stored English where it was
    worded: a coded refusal (``same_bytes``) through the catalogue's ``check.fail.<code>``,
    any other as the import wrote it."""
    if report is None:
        return []
    lang = page_language(request)
    tr = translator(lang)
    out: list[tuple[str, str | None]] = []
    for rejection in report.rejections:
        stored = rejection.get("reason", "")
        code = rejection.get("code")
        key = f"check.fail.{code}"
        template = tr(key) if code and lang != "en" else key
        if template == key:
            out.append((stored, None))
            continue
        try:
            out.append((template.format(**rejection), stored))
        except (KeyError, IndexError, ValueError):
            out.append((stored, None))
    return out


@router.get("/projects/{project_id}/import", response_class=HTMLResponse)
def import_page(
    request: Request, project_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
) -> Response:
    return _page(request, session, runtime, me, project_id)


class _Refused(Exception):  # noqa: N818 - the form's own refusal, not a service error
    """The form cannot be imported as sent: ``key`` is the catalogue's sentence (with
    ``values``), shown above the form."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def _upload_name(given: str | None) -> str:
    """The uploaded file's own name (no folders, no control characters), which the import
    reads its kind from (``.zip``, ``.csv``, ``.jsonl`` ...)."""
    name = _UNSAFE.sub("_", (given or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if name in ("", ".", ".."):
        raise _Refused("imp.no_file")
    if len(name) > _NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[:_NAME_CHARS - len(ext) - 1]}.{ext}" if dot and len(ext) < 16 else (  # noqa: PLR2004 - a suffix
            name[:_NAME_CHARS])
    return name


def _vendor_id(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not digits(raw) or len(raw) > 10:  # noqa: PLR2004 - an id fits 10 digits
        raise _Refused("imp.bad_vendor")
    return int(raw)


def _run_import(
    session: Session, runtime: RuntimeDep, me: SignedIn, project_id: int, upload: UploadFile,
    vendor_id: int | None, fmt: str | None,
) -> ImportReport:
    """Write the upload into a temporary folder and import it from there (the folder is the
    import's root, so nothing outside it is read), as the API imports a path under its root."""
    name = _upload_name(upload.filename)
    folder = Path(os.path.realpath(tempfile.mkdtemp(prefix="datamill-upload-")))
    try:
        source = folder / name
        with source.open("wb") as out:
            upload.file.seek(0)
            shutil.copyfileobj(upload.file, out, 1024 * 1024)
        if source.stat().st_size == 0:
            raise _Refused("imp.empty", name=name)
        try:
            report = import_for(session, runtime.blobs, me.user, project_id, source,
                                vendor_id=vendor_id, fmt=fmt, root=folder)
        except DatamillError as err:  # the upload named as sent, never the server's folder
            hide_import_root(err, folder)
            raise
        return report_relative_to_root(report, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.post("/projects/{project_id}/import", response_class=HTMLResponse)
def import_submit(  # noqa: PLR0913 - one parameter a form field
    request: Request, project_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    upload: Annotated[UploadFile | None, File()] = None,
    vendor_id: Annotated[str, Form(max_length=12)] = "",
    fmt: Annotated[str, Form(alias="format", max_length=40)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Import the uploaded file (synchronously) and show its report; a refusal (a damaged
    archive, an unqualified vendor, an unknown format) is shown above the form, which keeps
    the vendor and format chosen (a browser never refills a file field)."""
    require_csrf(request, me, csrf_token)
    get_project(session, project_id)
    require(session, me.user, Action.MANAGE_PROJECT, project_id)
    typed = {"vendor_id": vendor_id, "format": fmt}
    try:
        if upload is None or not upload.filename:
            raise _Refused("imp.no_file")
        report = _run_import(session, runtime, me, project_id, upload, _vendor_id(vendor_id),
                             fmt.strip() or None)
    except _Refused as refused:
        said = translator(page_language(request))(refused.key).format(**refused.values)
        return _page(request, session, runtime, me, project_id, typed=typed, error=said,
                     status_code=422)
    except DatamillError as exc:
        session.rollback()
        return _page(request, session, runtime, me, project_id, typed=typed,
                     error=error_in_page_language(request, exc), status_code=exc.status)
    return _page(request, session, runtime, me, project_id, typed=typed, report=report)
