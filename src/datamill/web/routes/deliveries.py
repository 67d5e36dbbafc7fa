"""The customer's deliveries page: a project's deliveries with their status and volume, each
package's files to download (checked against the manifest's sha256), and the acceptance report
or the rejection of a whole delivery. The project's customer (a member) and its manager use it,
as they use ``/api/v1/deliveries/...`` and ``datamill delivery ...``; services decide, this
only translates.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from datamill.compliance import access as q
from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.users import require
from datamill.core.errors import Conflict, DatamillError, Forbidden, InvalidInput, NotFound
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.ledger.acceptance_dates import record_acceptance_on
from datamill.production.delivery import (
    delivery_file,
    delivery_path,
    list_deliveries,
    reject_delivery,
    require_release,
)
from datamill.production.delivery_acceptance import acceptance_day, held_items
from datamill.production.projects import get_project
from datamill.production.schemas import DeliveryOut
from datamill.web.delivery_sheet import sheet_view
from datamill.web.routes._common import (
    HtmlRoute,
    WebUser,
    error_in_page_language,
    render,
    require_csrf,
)

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_DONE = {"accepted": "dlv.ok.accepted", "rejected": "dlv.ok.rejected"}


@router.get("/projects/{project_id}/deliveries", response_class=HTMLResponse)
def deliveries_page(
    request: Request, project_id: int, session: SessionDep, me: WebUser, done: str | None = None,
) -> Response:
    return _page(request, session, me, project_id, done=_DONE.get(done or ""))


def _page(
    request: Request, session: SessionDep, me: WebUser, project_id: int, *,
    done: str | None = None, refused: _Refused | None = None,
) -> Response:
    """The deliveries page; with ``refused``, a form the service refused, shown again with
    the refusal beside it and what the person typed (trial 14: it was lost on an error page)."""
    project = get_project(session, project_id)
    # who takes deliveries (the project's customer, its manager) accepts them and has their
    # files; who reads the project (the auditor, the data-security office, its inspectors)
    # reads the records the audit trail names, as the API's delivery list
    takes = allowed(me.user.role, Action.ACCEPT_DELIVERY)
    require(session, me.user, Action.ACCEPT_DELIVERY if takes else Action.VIEW_PROJECT, project_id)
    rows = list_deliveries(session, project_id)
    return render(request, "deliveries.html", me, project=project, deliveries=rows, takes=takes,
                  files={d.id: _package_files(session, d.id) if takes else [] for d in rows},
                  delivered_base={d.id: _delivered_base(d) for d in rows},
                  held={d.id: held_items(d) for d in rows},
                  redelivered={d.id: _redelivered(d) for d in rows},
                  withheld={d.id: _withheld(session, me.user, d.id) if takes
                            else "dlv.withheld.reader" for d in rows},
                  sheets={d.id: sheet_view(d.datasheet) for d in rows},
                  shown=_SHOWN, done=done, refused=refused,
                  status_code=refused.status if refused else 200)


@dataclass(frozen=True)
class _Refused:
    """A refused acceptance or rejection form: which, of which delivery, why, what was typed."""

    delivery_id: int
    form: str
    message: str
    status: int
    typed: dict[str, str]


def _refused(request: Request, delivery_id: int, form: str, err: DatamillError,
             **typed: str) -> _Refused:
    return _Refused(delivery_id=delivery_id, form=form, status=err.status, typed=typed,
                    message=error_in_page_language(request, err))


def _delivered_base(d: DeliveryOut) -> int:
    """The delivered volume in the modality's base unit (what an acceptance reports): the
    datasheet's amount, or for a delivery whose datasheet predates it, hours in milliseconds."""
    volume = d.datasheet.get("volume")
    if isinstance(volume, dict) and isinstance(volume.get("amount"), int | float):
        return int(volume["amount"])
    per_unit = volume.get("per_unit") if isinstance(volume, dict) else None
    return round(d.delivered_volume * int(per_unit or 3_600_000))


def _redelivered(d: DeliveryOut) -> tuple[float, int] | None:
    """A package an erasure wrote again (its datasheet's ``redelivery``): the volume it holds
    now in ``volume_unit`` and the items it left out; None for a package as first delivered
    (the delivered line shows the record's figures, which the money follows)."""
    again = d.datasheet.get("redelivery")
    volume = d.datasheet.get("volume")
    if not isinstance(again, dict) or not isinstance(volume, dict) \
            or not isinstance(volume.get("amount"), int | float):
        return None
    per_unit = volume.get("per_unit")
    per = per_unit if isinstance(per_unit, int | float) and per_unit > 0 else 1
    return round(volume["amount"] / per, 4), int(again.get("items_left_out") or 0)


def _withheld(session: SessionDep, user: User, delivery_id: int) -> str | None:
    """Why ``user`` may not download the package now (a catalogue key), or None."""
    try:
        require_release(session, user, delivery_id)
    except Forbidden as refused:
        if refused.details.get("reason") == "export_not_assessed":
            return "dlv.withheld.export"
        if user.role == "admin":  # of the office: sets their own clearance, asks nobody
            return "dlv.withheld.clearance_admin"
        return "dlv.withheld.clearance"
    return None


_SHOWN = 50  # files and speakers listed per delivery (all are in manifest.json / datasheet.json)


def _package_files(session: SessionDep, delivery_id: int) -> list[str]:
    """The package's files as its manifest names them (an encrypted package: its archive and
    key file), ``manifest.json`` and ``datasheet.json`` first."""
    try:
        path = delivery_path(session, delivery_id, "manifest.json")
        named = sorted(json.loads(path.read_text(encoding="utf-8")).get("files", {}))
    except (NotFound, OSError, ValueError, AttributeError):
        named = [n for n in ("package.tar.dmenc", "encryption.json", "ENCRYPTED.txt")
                 if _exists(session, delivery_id, n)]
    head = [n for n in ("manifest.json", "datasheet.json") if _exists(session, delivery_id, n)]
    return head + [n for n in named if n not in head]


def _exists(session: SessionDep, delivery_id: int, name: str) -> bool:
    try:
        delivery_path(session, delivery_id, name)
    except NotFound:
        return False
    return True


@router.get("/deliveries/{delivery_id}/files/{name:path}")
def delivery_file_download(
    delivery_id: int, name: str, session: SessionDep, me: WebUser
) -> FileResponse:
    """One file of the package by its manifest path, with ``X-Content-SHA256``."""
    require(session, me.user, Action.ACCEPT_DELIVERY, q.delivery_project(session, delivery_id, me.user))
    path, digest = delivery_file(session, delivery_id, name, me.user)
    return FileResponse(path, media_type="application/octet-stream", filename=path.name,
                        headers={"X-Content-SHA256": digest})


@router.post("/deliveries/{delivery_id}/accept", response_class=HTMLResponse)
def delivery_accept(
    request: Request, delivery_id: int, session: SessionDep, me: WebUser,
    accepted_items: Annotated[int, Form(ge=0)], accepted_volume: Annotated[int, Form(ge=0)],
    note: Annotated[str, Form(max_length=5000)] = "", csrf_token: Annotated[str, Form()] = "",
    accepted_on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    project_id = q.delivery_project(session, delivery_id, me.user)
    require(session, me.user, Action.ACCEPT_DELIVERY, project_id)
    try:
        with session.begin_nested():
            record_acceptance_on(session, delivery_id, accepted_items=accepted_items,
                              accepted_volume=accepted_volume, note=note or None,
                              actor_id=me.user.id, accepted_on=acceptance_day(accepted_on))
    except (Conflict, InvalidInput) as err:
        return _page(request, session, me, project_id, refused=_refused(
            request, delivery_id, "accept", err, accepted_items=str(accepted_items),
            accepted_volume=str(accepted_volume), note=note, accepted_on=accepted_on))
    return RedirectResponse(f"/projects/{project_id}/deliveries?done=accepted", status_code=303)


@router.post("/deliveries/{delivery_id}/accept-refusing", response_class=HTMLResponse)
def delivery_accept_refusing(
    request: Request, delivery_id: int, session: SessionDep, me: WebUser,
    refused: Annotated[str, Form(min_length=1, max_length=200_000)],
    note: Annotated[str, Form(max_length=5000)] = "", csrf_token: Annotated[str, Form()] = "",
    accepted_on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Accept everything but the items named (external ids, one per line or comma-separated):
    they go back to rework and are delivered again."""
    require_csrf(request, me, csrf_token)
    project_id = q.delivery_project(session, delivery_id, me.user)
    require(session, me.user, Action.ACCEPT_DELIVERY, project_id)
    names = [n for n in re.split(r"[\s,，、]+", refused) if n]
    try:
        with session.begin_nested():
            record_acceptance_on(session, delivery_id, refused_items=names, note=note or None,
                              actor_id=me.user.id, accepted_on=acceptance_day(accepted_on))
    except (Conflict, InvalidInput) as err:
        return _page(request, session, me, project_id, refused=_refused(
            request, delivery_id, "refusing", err, refused=refused, note=note,
            accepted_on=accepted_on))
    return RedirectResponse(f"/projects/{project_id}/deliveries?done=accepted", status_code=303)


@router.post("/deliveries/{delivery_id}/reject", response_class=HTMLResponse)
def delivery_reject(
    request: Request, delivery_id: int, session: SessionDep, me: WebUser,
    reason: Annotated[str, Form(min_length=1, max_length=5000)],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    project_id = q.delivery_project(session, delivery_id, me.user)
    require(session, me.user, Action.ACCEPT_DELIVERY, project_id)
    try:
        with session.begin_nested():
            reject_delivery(session, delivery_id, reason=reason, actor_id=me.user.id)
    except (Conflict, InvalidInput) as err:
        return _page(request, session, me, project_id, refused=_refused(
            request, delivery_id, "reject", err, reason=reason))
    return RedirectResponse(f"/projects/{project_id}/deliveries?done=rejected", status_code=303)


@router.get("/deliveries/{delivery_id}/package")
def delivery_package_download(
    delivery_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser
) -> StreamingResponse:
    """The whole package as a tar archive, decrypted when it was delivered encrypted."""
    from datamill.production.delivery_download import open_delivery_package

    require(session, me.user, Action.ACCEPT_DELIVERY, q.delivery_project(session, delivery_id, me.user))
    got = open_delivery_package(session, getattr(runtime.blobs, "master", None), delivery_id,
                                me.user)
    return StreamingResponse(got.chunks, media_type="application/x-tar", headers={
        "Content-Disposition": f'attachment; filename="{got.filename}"'})
