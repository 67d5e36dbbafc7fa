"""The project's data-import page (``/projects/{id}/import``): whoever may import by the API
(``manage_project`` on the project) uploads a ``.zip`` archive of media files (or a
``.csv``/``.jsonl`` manifest, or a pre-labelled source with its format), names the collection
vendor who delivered it when they are on the business side, and sees the report: items
imported, rows refused with the reason each, the archive's entries not unpacked, and the new
items.

The upload is written to a temporary folder that is the import's root, as it arrives and once
(the form is parsed here, its file part written straight to the folder: no spooled copy first,
h4 trial), then imported by the same service call the API's ``POST
/api/v1/projects/{id}/imports`` makes (:func:`datamill.workforce.supply.import_for`); the
folder is removed afterwards. The sign-in is checked before the body is read. Its body may
be as large as ``DATAMILL_MAX_UPLOAD_BYTES`` (:data:`LARGE_BODIES`; larger: the 413 page, and
the page's script refuses such a file before sending it).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.formparsers import MultiPartException, MultiPartParser

from datamill.compliance import access
from datamill.compliance.item_sensitivity import hidden_item_ids
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import DatamillError
from datamill.core.storable import MAX_ID, digits
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
    worded: a coded refusal (``same_bytes``) through the catalogue's ``check.fail.<code>``, a
    file's (``pc_truncated``, ``img_decode`` ...) through the refusal registry, any other as the
    import wrote it."""
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
        if template == key:  # a file's refusal (pc_truncated ...): the refusal registry's words
            said = word_reason({**rejection, "reason_code": code}, lang) \
                if code and lang != "en" else None
            out.append((said, stored) if said else (stored, None))
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
    if not digits(raw) or len(raw) > 19 or not 1 <= int(raw) <= MAX_ID:  # noqa: PLR2004 - 2**63-1
        raise _Refused("imp.bad_vendor")
    return int(raw)


@dataclass
class _Form:
    """The import form as streamed into ``folder``: the fields, and the file part's name as sent
    (``given``) and as written there (``name``, None when none was sent or it is no name)."""

    folder: Path
    fields: dict[str, str] = field(default_factory=dict)
    given: str | None = None
    name: str | None = None


class _StreamingParser(MultiPartParser):
    """Starlette's multipart parser with its file part written straight into the import's
    folder under the file's own name, as it arrives, instead of a spooled temporary file that
    the page then copied there (the upload was written to disk twice). One file at most."""

    def __init__(self, request: Request, form: _Form) -> None:
        super().__init__(request.headers, request.stream(), max_files=1, max_fields=8,
                         max_part_size=4096)
        self.form = form

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        part = self._current_part
        if part.file is None:
            return
        self.form.given = part.file.filename
        try:
            name = _upload_name(part.file.filename)
        except _Refused:
            return  # no name: the empty spool takes the part; the form says no file came
        spool = part.file.file
        self._files_to_close_on_error.remove(spool)  # type: ignore[arg-type]
        spool.close()
        target: BinaryIO = (self.form.folder / name).open("xb")
        self._files_to_close_on_error.append(target)  # type: ignore[arg-type]
        self.form.name = name
        part.file = UploadFile(file=target, size=0, filename=part.file.filename,
                               headers=part.file.headers)


async def _streamed_form(request: Request, me: WebUser) -> AsyncIterator[_Form]:
    """The form parsed with its file written once into a fresh temporary folder (removed after
    the page is answered); asked after the sign-in (``me``), so a stranger's body is not read."""
    del me  # the dependency's order only: signed in first
    folder = Path(os.path.realpath(tempfile.mkdtemp(prefix="datamill-upload-")))
    try:
        form = _Form(folder)
        multipart = request.headers.get("content-type", "").lower().startswith(
            "multipart/form-data")
        try:  # a form with no file part comes url-encoded: its fields only
            data = await (_StreamingParser(request, form).parse() if multipart
                          else request.form(max_files=0, max_fields=8))
        except MultiPartException as exc:
            raise HTTPException(status_code=400, detail=exc.message) from exc
        for key, value in data.multi_items():
            if isinstance(value, str):
                form.fields[key] = value
            else:
                await value.close()
        yield form
    finally:
        await run_in_threadpool(shutil.rmtree, folder, ignore_errors=True)


StreamedForm = Annotated[_Form, Depends(_streamed_form)]


def _run_import(
    session: Session, runtime: RuntimeDep, me: SignedIn, project_id: int, form: _Form,
    vendor_id: int | None, fmt: str | None,
) -> ImportReport:
    """Import the upload from its folder (the import's root, so nothing outside it is read), as
    the API imports a path under its root."""
    if form.name is None:
        raise _Refused("imp.no_file")
    folder = form.folder
    source = folder / form.name
    if source.stat().st_size == 0:
        raise _Refused("imp.empty", name=form.name)
    try:
        report = import_for(session, runtime.blobs, me.user, project_id, source,
                            vendor_id=vendor_id, fmt=fmt, root=folder)
    except DatamillError as err:  # the upload named as sent, never the server's folder
        hide_import_root(err, folder)
        raise
    return report_relative_to_root(report, folder)


@router.post("/projects/{project_id}/import", response_class=HTMLResponse)
def import_submit(
    request: Request, project_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    form: StreamedForm,
) -> Response:
    """Import the uploaded file (synchronously) and show its report; a refusal (a damaged
    archive, an unqualified vendor, an unknown format) is shown above the form, which keeps
    the vendor and format chosen (a browser never refills a file field). The form's fields:
    ``upload`` (the file), ``vendor_id``, ``format``, ``csrf_token``."""
    require_csrf(request, me, form.fields.get("csrf_token", ""))
    get_project(session, project_id)
    require(session, me.user, Action.MANAGE_PROJECT, project_id)
    vendor_id, fmt = form.fields.get("vendor_id", ""), form.fields.get("format", "")
    typed = {"vendor_id": vendor_id, "format": fmt}
    try:
        report = _run_import(session, runtime, me, project_id, form, _vendor_id(vendor_id),
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
