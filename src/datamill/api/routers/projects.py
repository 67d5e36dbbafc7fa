"""``/projects``: projects, members, imports, checks, pre-annotation, items and their audio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, Require, RuntimeDep, SessionDep
from datamill.api.pagination import Page, PageDep
from datamill.api.params import MAX_ID, Flag, Id, IdRef
from datamill.api.problem import problem_responses
from datamill.api.schemas import UserOut, media_response
from datamill.assist.runner import preannotate_project
from datamill.compliance import access as q
from datamill.compliance.item_sensitivity import hidden_item_ids, require_item_cleared
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import add_member, get_user
from datamill.core.errors import DatamillError, InvalidInput, NotFound
from datamill.modalities.labelled_formats import formats_line
from datamill.modalities.registry import get_modality
from datamill.production.annotating import list_annotations
from datamill.production.checking import run_checks
from datamill.production.dashboard import dashboard
from datamill.production.import_runs import list_import_runs
from datamill.production.importing import (
    hide_import_root,
    relative_to_root,
    report_relative_to_root,
    resolve_import_path,
)
from datamill.production.media import AUDIO_TYPES, item_content, item_path, media_type_of
from datamill.production.models import Item
from datamill.production.projects import create_project, get_project, list_projects, project_stats
from datamill.production.schemas import (
    AnnotationOut,
    CheckSummary,
    ImportReport,
    ImportRunOut,
    ItemOut,
    ProjectOut,
)
from datamill.runtime import Runtime
from datamill.workforce.supply import import_for

__all__ = ["router"]

router = APIRouter(prefix="/projects", tags=["projects"])

Creator = Annotated[User, Depends(Require(Action.CREATE_PROJECT))]
Manager = Annotated[User, Depends(Require(Action.MANAGE_PROJECT))]
Viewer = Annotated[User, Depends(Require(Action.VIEW_PROJECT))]



class MemberAdd(BaseModel):
    username: str = Field(min_length=1, max_length=80)


class ImportRequest(BaseModel):
    path: str = Field(
        min_length=1,
        max_length=1024,
        description="Folder of the modality's media files, a .csv/.jsonl manifest, a .zip "
        "archive or a pre-labelled source (a folder or a .zip of one), relative to the "
        "server's import root (DATAMILL_IMPORT_ROOT)",
    )
    format: str | None = Field(
        None, max_length=40, description="Import a pre-labelled source with its labels "
        f"({formats_line('en')}): each new item starts from its labels. "
        "All or nothing: any unusable file or label refuses the import (422 naming each)",
    )
    vendor_id: IdRef | None = Field(
        None, description="The vendor who delivered the source (a "
        "collection vendor's recordings; qualified; the project's business side imports): "
        "every item imported records it, and the vendor's settlement sheets pay their "
        "accepted volume on the collect stage",
    )


class ChecksRequest(BaseModel):
    recheck: Flag = False


class PreannotateRequest(BaseModel):
    engine: str | None = Field(
        None, description="A registered pre-annotator; default: the modality's"
    )


class PreannotateOut(BaseModel):
    items: int
    model: str | None = Field(description="The pre-annotator that ran (none when skipped)")
    dropped: dict[str, int] = {}
    skipped: str | None = Field(
        None, description="Why nothing was pre-annotated (e.g. LLM pairwise work starts empty)")


class ProjectStats(BaseModel):
    items: int
    by_status: dict[str, int]
    volume: int
    usable_volume: int = Field(description="The production volume: without the items the "
                               "checks rejected and without golden (known-answer) items.")
    golden_items: int = Field(0, description="Items set aside as golden (known answers).")
    golden_volume: int = Field(0, description="Their volume, in the base unit.")
    volume_base_unit: str
    volume_unit: str
    volume_per_unit: int
    duration_ms: int | None = None


@router.post("", status_code=status.HTTP_201_CREATED)
def create_project_endpoint(
    spec: Annotated[dict[str, Any], Body(description="A dataset spec (schema version 1)")],
    session: SessionDep,
    user: Creator,
) -> ProjectOut:
    """Create a project from a dataset spec; the creator becomes a member."""
    return create_project(session, spec, actor_id=user.id)


@router.patch("/{project_id}/spec")
def update_spec_endpoint(
    project_id: Id,
    patch: Annotated[dict[str, Any], Body(description=(
        "A JSON merge patch of the spec (RFC 7396): the keys to change, null removes one. "
        "name, modality, language and project_type never change; stages and overlap only "
        "while the project has no tasks."))],
    session: SessionDep,
    user: Manager,
) -> ProjectOut:
    """Change the project's dataset spec (validated whole, audited with what it replaced)."""
    from datamill.workforce.qualification import update_spec_gated

    return update_spec_gated(session, project_id, patch, actor_id=user.id)


@router.get("")
def list_projects_endpoint(
    session: SessionDep, user: CurrentUser, page: PageDep
) -> Page[ProjectOut]:
    """Projects the caller is a member of (every project for an admin)."""
    rows = list_projects(session, q.member_project_ids(session, user))
    return page.slice([q.project_basics(user, p) for p in rows])


@router.get("/{project_id}")
def get_project_endpoint(project_id: Id, session: SessionDep, user: CurrentUser) -> ProjectOut:
    """The project; its customer (who takes its deliveries) sees its basics only."""
    project = get_project(session, project_id)
    q.require_project_basics(session, user, project_id)
    return q.project_basics(user, project)


@router.get("/{project_id}/dashboard")
def project_dashboard_endpoint(
    project_id: Id, session: SessionDep, _user: Viewer
) -> dict[str, Any]:
    """What the project's dashboard page shows: items and volume (in the modality's unit) by
    status, submitted work per day and per worker, check failures, the worst files,
    inspections by batch and deliveries."""
    return dashboard(session, project_id)


@router.get("/{project_id}/stats")
def project_stats_endpoint(project_id: Id, session: SessionDep, _user: Viewer) -> ProjectStats:
    """Item counts by status and total audio duration."""
    return ProjectStats.model_validate(project_stats(session, project_id))


@router.get("/{project_id}/members")
def list_members_endpoint(
    project_id: Id, session: SessionDep, _user: Viewer, page: PageDep
) -> Page[UserOut]:
    return page.slice([UserOut.model_validate(u) for u in q.list_members(session, project_id)])


@router.post("/{project_id}/members", status_code=status.HTTP_201_CREATED)
def add_member_endpoint(
    project_id: Id, body: MemberAdd, session: SessionDep, user: Manager
) -> UserOut:
    """Add a user to the project (required before they can work on it)."""
    member = get_user(session, body.username)
    add_member(session, project_id, member, actor_id=user.id)
    return UserOut.model_validate(member)


@router.delete("/{project_id}/members/{user_id}")
def remove_member_endpoint(
    project_id: Id, user_id: Id, session: SessionDep, user: Manager
) -> dict[str, Any]:
    """End a user's membership of the project: their next request on it is refused, and the
    work they held on it goes back to the pool (released task ids, unassigned package ids).
    404 ``not_a_member`` when they are no member. Audited."""
    from datamill.compliance.membership import remove_member

    return remove_member(session, user, project_id, user_id)


@router.post("/{project_id}/imports", status_code=status.HTTP_201_CREATED)
def import_endpoint(
    project_id: Id, body: ImportRequest, session: SessionDep, runtime: RuntimeDep, user: Manager
) -> ImportReport:
    """Import a folder, manifest or ``.zip`` under the server's import root (DATAMILL_IMPORT_ROOT).

    ``path`` is relative to the import root and must resolve inside it; symbolic links out of
    the folder are rejected per file. Runs to completion within the request.
    """
    root = runtime.settings.resolved_import_root()
    try:
        source = resolve_import_path(root, body.path)
        report = import_for(session, runtime.blobs, user, project_id, source,
                            vendor_id=body.vendor_id, fmt=body.format, root=root)
    except DatamillError as err:  # paths relative to the import root, as the client gave them
        hide_import_root(err, root)
        raise
    # the answer names the source as the client did, never the server's folders
    return report_relative_to_root(report, root)


@router.get("/{project_id}/imports")
def imports_endpoint(
    project_id: Id, session: SessionDep, runtime: RuntimeDep, user: Manager
) -> list[ImportRunOut]:
    """The project's import runs, newest first (``datamill data imports``): a run whose process
    died reads ``interrupted`` (resumable). Sources under the import root are named relative
    to it, as the client named them."""
    root = runtime.settings.resolved_import_root()
    return [r.model_copy(update={"source": relative_to_root(r.source, root)})
            for r in list_import_runs(session, project_id)]


@router.post("/{project_id}/checks")
def checks_endpoint(
    project_id: Id,
    session: SessionDep,
    runtime: RuntimeDep,
    user: Manager,
    body: Annotated[ChecksRequest | None, Body()] = None,
) -> CheckSummary:
    """Run the modality's automatic checks on imported items (synchronously)."""
    recheck = body.recheck if body else False
    return run_checks(session, runtime.blobs, project_id, recheck=recheck, workers=1,
                      actor_id=user.id, apart=True)  # decodes off this worker's interpreter lock


@router.post("/{project_id}/preannotate")
def preannotate_endpoint(
    project_id: Id,
    session: SessionDep,
    runtime: RuntimeDep,
    user: Manager,
    body: Annotated[PreannotateRequest | None, Body()] = None,
) -> PreannotateOut:
    """Pre-annotate every item that passed its checks (synchronously)."""
    result = preannotate_project(
        session, runtime.blobs, project_id, engine=body.engine if body else None, workers=1,
        actor_id=user.id, apart=True,  # the model off this worker's interpreter lock
    )
    return PreannotateOut.model_validate(result)


@router.get("/{project_id}/items")
def list_items_endpoint(
    project_id: Id,
    session: SessionDep,
    user: Viewer,
    page: PageDep,
    status_: Annotated[str | None, Query(alias="status", max_length=24)] = None,
    import_run: Annotated[int | None, Query(ge=1, le=MAX_ID, description=(
        "Only the items this import run imported (an import's ``import_run_id``)"))] = None,
    search: Annotated[str | None, Query(min_length=1, max_length=200, description=(
        "Only the items whose external id contains this text (case-insensitive)"))] = None,
    item_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description=(
        "Only this item (its id), exactly; none where it is not the project's"))] = None,
) -> Page[ItemOut]:
    """Items, oldest first, optionally only those with one ``status``, of one import run,
    whose external id contains ``search`` or only the item ``item_id`` (never one classified
    above the caller's clearance)."""
    rows, total = q.list_items(
        session, project_id, status=status_, limit=page.limit, offset=page.offset,
        hidden=hidden_item_ids(session, user, project_id), import_run_id=import_run,
        search=search, item_id=item_id,
    )
    return Page[ItemOut](items=rows, total=total, limit=page.limit, offset=page.offset)


@router.get("/{project_id}/items/{item_id}")
def get_item_endpoint(project_id: Id, item_id: Id, session: SessionDep, user: Viewer) -> ItemOut:
    """One item (404, as a missing one, when it is classified above the caller's
    clearance)."""
    item = q.item_row(session, project_id, item_id)
    require_item_cleared(session, user, item.id, lambda: q.missing_item(project_id, item_id))
    return ItemOut.model_validate(item)


@router.get("/{project_id}/items/{item_id}/annotations")
def item_annotations_endpoint(
    project_id: Id, item_id: Id, session: SessionDep, user: Viewer
) -> list[AnnotationOut]:
    """Every version of the item's annotation, oldest first (404, as a missing item, when it
    is classified above the caller's clearance)."""
    q.item_row(session, project_id, item_id)
    require_item_cleared(session, user, item_id, lambda: q.missing_item(project_id, item_id))
    return list_annotations(session, item_id)


@router.get(
    "/{project_id}/items/{item_id}/audio",
    response_class=FileResponse,
    responses={**media_response("The item's audio", *sorted(set(AUDIO_TYPES.values())),
                                binary=True), **problem_responses(503)},
)
def item_audio_endpoint(
    project_id: Id, item_id: Id, session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> FileResponse:
    """Stream the item's audio (project viewers, or whoever holds a task on the item); 422 for
    an item that is not audio (``.../media`` serves any item's file)."""
    item = q.item_row(session, project_id, item_id, user)
    q.require_item_view(session, user, item)
    media_type = media_type_of(item.filename)
    if not media_type.startswith("audio/"):  # before: a PNG or PCD went out as audio/wav
        raise InvalidInput(
            f"item {item_id} is not audio ({media_type}); GET "
            f"/api/v1/projects/{project_id}/items/{item_id}/media serves its file")
    return _item_file(runtime, item, media_type)


def _any_media(responses: dict[int | str, Any]) -> dict[int | str, Any]:
    """``responses`` with a text and an LLM record's file: served as ``text/plain`` and
    ``application/json`` (undocumented: schemathesis ST105 on a demo's LLM item)."""
    content = responses[200]["content"]
    content["text/plain"] = {"schema": {"type": "string"}}
    content["application/json"] = {"schema": {}}
    return responses


@router.get(
    "/{project_id}/items/{item_id}/media",
    response_class=FileResponse,
    responses=_any_media(media_response(
        "The item's file, whatever its modality (audio, an image, a point cloud, a text or an "
        "LLM record ...), with the content type its name gives (application/octet-stream when "
        "unknown)",
        "audio/wav", "image/png", "image/jpeg", "audio/*", "image/*", "application/octet-stream",
        binary=True))
    | problem_responses(503),
)
def item_media_endpoint(
    project_id: Id, item_id: Id, session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> FileResponse:
    """Stream the item's media file (project viewers, or whoever holds a task on the item)."""
    item = q.item_row(session, project_id, item_id, user)
    q.require_item_view(session, user, item)
    return _item_file(runtime, item, media_type_of(item.filename))


@router.get("/{project_id}/items/{item_id}/content", responses=problem_responses(503))
def item_content_endpoint(
    project_id: Id, item_id: Id, session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> dict[str, Any]:
    """What is judged, as data (project viewers, or whoever holds a task on the item): for a
    text item ``{"type": "text_item", "schema_version": 1, "text"}`` (span offsets are
    code-point indices into it), for an LLM record ``{"type": "llm_record", "schema_version":
    1, "id", "messages", "responses", "meta"}``; the same as ``content`` of ``datamill work
    next --json``. 404 for a modality whose content is its file (audio, images, point clouds:
    ``/media``)."""
    item = q.item_row(session, project_id, item_id, user)
    q.require_item_view(session, user, item)
    project = get_project(session, project_id)
    content = item_content(runtime.blobs, item, get_modality(project.modality))
    if content is None:
        raise NotFound(f"a {project.modality} item's content is its file: "
                       f"/api/v1/projects/{project_id}/items/{item_id}/media serves it",
                       item_id=item_id)
    return content


def _item_file(runtime: Runtime, item: Item, media_type: str) -> FileResponse:
    suffix = Path(item.filename or "").suffix.lower()
    return FileResponse(
        item_path(runtime.blobs, item),
        media_type=media_type,
        filename=f"{item.external_id.replace('/', '_')}{suffix}",
        content_disposition_type="inline",
    )
