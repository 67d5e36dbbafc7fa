"""Deliveries of accepted batches and the customer's acceptance report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, Require, RuntimeDep, SessionDep
from datamill.api.params import Day, Flag, Id
from datamill.api.schemas import media_response
from datamill.compliance import access as q
from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.users import require
from datamill.ledger.acceptance_dates import record_acceptance_on
from datamill.ledger.customers import project_customer_language
from datamill.production.delivery import (
    deliver_batch,
    delivery_file,
    get_delivery,
    list_deliveries,
    reject_delivery,
)
from datamill.production.schemas import DeliveryOut

__all__ = ["router"]

router = APIRouter(tags=["delivery"])

Deliverer = Annotated[User, Depends(Require(Action.DELIVER))]
#: the customer's side (and the project manager's on their behalf): read, accept, reject
Acceptor = Annotated[User, Depends(Require(Action.ACCEPT_DELIVERY))]


def _reading(user: User) -> Action:
    """What reading a project's delivery records asks of ``user``: taking them, for who takes
    deliveries (the project's customer, its manager); else viewing the project, for who reads
    it (the auditor tracing contract → delivery → acceptance → invoice, the data-security
    office, its inspectors). The records and their datasheets, never the package's files."""
    return Action.ACCEPT_DELIVERY if allowed(user.role, Action.ACCEPT_DELIVERY) else Action.VIEW_PROJECT


def _delivery_reader(request: Request, session: SessionDep, user: CurrentUser) -> User:
    return Require(_reading(user)).check(session, user, request.path_params.get("project_id"))


Reader = Annotated[User, Depends(_delivery_reader)]


def _shown(user: User, out: DeliveryOut) -> DeliveryOut:
    """What ``user`` is shown of a delivery: a customer (who may accept but not deliver) not
    the server's folder the package lies in."""
    return out if allowed(user.role, Action.DELIVER) else out.model_copy(update={"path": None})


class DeliveryCreate(BaseModel):
    formats: list[str] | None = Field(
        None, description="Export formats (e.g. kaldi, textgrid, hf); default: the modality's formats that hold the project's work"
    )
    encrypt: Flag | None = Field(
        None, description="Write the package as one encrypted archive (needs a master key); "
        "default: encrypted whenever a master key is configured"
    )


class AcceptanceReport(BaseModel):
    accepted_items: int | None = Field(None, ge=0, description="Accepted items.")
    accepted_volume: int | None = Field(
        None, ge=0, description="Accepted volume in the modality's base unit (speech: "
        "milliseconds; image: images; default for images: accepted_items).")
    accepted_duration_ms: int | None = Field(
        None, ge=0, description="Older name of accepted_volume (speech).")
    accepted_utterances: int | None = Field(
        None, ge=0, description="Older name of accepted_items (speech).")
    note: str | None = Field(None, max_length=5000)
    all: Flag = Field(False, description="Everything delivered: its items and volume as the "
                      "delivery recorded them (give no items or volume then).")
    refused_items: list[Annotated[str, Field(min_length=1, max_length=500)]] | None = Field(
        None, max_length=100_000, description="The delivered items the customer refused, by their "
        "names in the package (delivery keys) or external ids: the rest is accepted (items and volume may be left out), the refused items go "
        "back to rework and are delivered again.")
    accepted_on: Day | None = Field(
        None, description="The day the customer's acceptance report was signed (default: "
        "today): not after today, not before the delivery, not in a closed ledger period; the "
        "revenue is recognised in its period.")


class Rejection(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=5000,
                                 description="The customer's reason (what was wrong).")]


@router.post("/batches/{batch_id}/deliveries", status_code=status.HTTP_201_CREATED)
def deliver_endpoint(
    batch_id: Id,
    session: SessionDep,
    runtime: RuntimeDep,
    user: Deliverer,
    body: Annotated[DeliveryCreate | None, Body()] = None,
) -> DeliveryOut:
    """Export an accepted batch with a sha256 manifest and a datasheet (synchronously)."""
    project_id = q.batch_project(session, batch_id, user)
    require(session, user, Action.DELIVER, project_id)
    out_root = (runtime.settings.home / "deliveries").resolve()
    return deliver_batch(
        session,
        runtime.blobs,
        batch_id,
        out_root,
        formats=body.formats if body else None,
        actor_id=user.id,
        encrypt=body.encrypt if body else None,
        note_language=project_customer_language(session, project_id),
        apart=True,  # built with reads only: no lock held while the package is written
    )


@router.get("/deliveries/{delivery_id}")
def get_delivery_endpoint(delivery_id: Id, session: SessionDep, user: Reader) -> DeliveryOut:
    """One delivery with its datasheet (the project's manager or customer, or who reads the
    project: its auditor, data-security office, inspectors)."""
    require(session, user, _reading(user), q.delivery_project(session, delivery_id, user))
    return _shown(user, get_delivery(session, delivery_id))


@router.post("/deliveries/{delivery_id}/acceptance")
def acceptance_endpoint(
    delivery_id: Id, body: AcceptanceReport, session: SessionDep, user: Acceptor
) -> DeliveryOut:
    """Record the customer's acceptance by volume: items and volume in the modality's unit
    (the project's customer, or its manager on their behalf)."""
    require(session, user, Action.ACCEPT_DELIVERY, q.delivery_project(session, delivery_id, user))
    return _shown(user, record_acceptance_on(
        session,
        delivery_id,
        accepted_items=body.accepted_items,
        accepted_volume=body.accepted_volume,
        accepted_duration_ms=body.accepted_duration_ms,
        accepted_utterances=body.accepted_utterances,
        note=body.note,
        actor_id=user.id,
        accept_all=body.all,
        refused_items=body.refused_items,
        accepted_on=body.accepted_on,
    ))


@router.post("/deliveries/{delivery_id}/rejection")
def rejection_endpoint(
    delivery_id: Id, body: Rejection, session: SessionDep, user: Acceptor
) -> DeliveryOut:
    """Record the customer's rejection of the whole delivery: nothing is accepted or paid; the
    batch's items go back to their annotators with the reason, to be delivered again."""
    require(session, user, Action.ACCEPT_DELIVERY, q.delivery_project(session, delivery_id, user))
    return _shown(user, reject_delivery(session, delivery_id, reason=body.reason,
                                        actor_id=user.id))


@router.get("/projects/{project_id}/deliveries")
def deliveries_endpoint(project_id: Id, session: SessionDep, user: Reader) -> list[DeliveryOut]:
    """A project's deliveries, oldest first, with their status (delivered, accepted, rejected):
    for who takes them and who reads the project (its auditor among them)."""
    require(session, user, _reading(user), project_id)
    return [_shown(user, d) for d in list_deliveries(session, project_id)]


@router.get("/deliveries/{delivery_id}/files/{name:path}", response_class=FileResponse,
            responses=media_response("One file of the package", "application/octet-stream",
                                     binary=True))
def delivery_file_endpoint(
    delivery_id: Id, name: Annotated[str, PathParam(min_length=1, max_length=1000)],
    session: SessionDep, user: Acceptor,
) -> FileResponse:
    """Download one file of the package by its path in ``manifest.json`` (``manifest.json`` and
    ``datasheet.json`` themselves too); ``X-Content-SHA256`` carries its checksum."""
    require(session, user, Action.ACCEPT_DELIVERY, q.delivery_project(session, delivery_id, user))
    path, digest = delivery_file(session, delivery_id, name, user)
    media = "application/json" if path.suffix == ".json" else "application/octet-stream"
    return FileResponse(path, media_type=media, filename=path.name,
                        headers={"X-Content-SHA256": digest})


@router.get("/deliveries/{delivery_id}/package",
            response_class=StreamingResponse,
            responses=media_response(
                "The whole package as one tar archive, decrypted when it was written encrypted "
                "(manifest.json inside lists every file's sha256)", "application/x-tar",
                binary=True))
def delivery_package_endpoint(
    delivery_id: Id, session: SessionDep, runtime: RuntimeDep, user: Acceptor,
) -> StreamingResponse:
    """Download the whole package as a tar archive (the project's customer, or its manager):
    an encrypted package is decrypted by the installation as it streams, so the customer needs
    no key; audited. A chunk that fails to authenticate ends the stream early (an incomplete
    tar: check it against ``manifest.json``)."""
    from datamill.production.delivery_download import open_delivery_package

    require(session, user, Action.ACCEPT_DELIVERY, q.delivery_project(session, delivery_id, user))
    got = open_delivery_package(session, getattr(runtime.blobs, "master", None), delivery_id,
                                user)
    return StreamingResponse(
        got.chunks, media_type="application/x-tar",
        headers={"Content-Disposition": f'attachment; filename="{got.filename}"',
                 "X-Package-Encrypted": "true" if got.encrypted else "false"})
