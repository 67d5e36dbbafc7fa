"""Work packages, claiming the next task, submitting annotations and reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from datamill.api.body_limit import LargerBody
from datamill.api.deps import CurrentUser, Require, RuntimeDep, SessionDep
from datamill.api.pagination import Page, PageDep
from datamill.api.params import Id, Transcript
from datamill.api.problem import problem_responses
from datamill.compliance import access as q
from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.users import get_user, is_member, require, user_for_token
from datamill.core.errors import DatamillError, InvalidInput, NotFound
from datamill.db.lookup import get_or_raise
from datamill.db.session import reads_first
from datamill.production import drafts, task_notes
from datamill.production.annotating import (
    Submission,
    prepare_submission,
    read_submit_ahead,
    review_task,
    submit_annotation,
)
from datamill.production.assisting import prepare_assist
from datamill.production.dashboard import waiting_for_annotator
from datamill.production.frames import PreviousFrame, previous_frame_for
from datamill.production.models import Annotation, Item
from datamill.production.packaging import unchecked_items
from datamill.production.projects import get_project, require_project
from datamill.production.schemas import AnnotationOut, PackageOut, TaskOut
from datamill.production.speech import speakers as speaker_list
from datamill.production.tasks import (
    assign_package,
    claim_next_task,
    count_tasks_for_user,
    create_packages,
    get_task,
    get_task_and_item,
    list_packages,
    list_tasks_for_user,
    read_claim_ahead,
    task_view,
)

__all__ = ["ANNOTATION_BODIES", "router"]

router = APIRouter(tags=["work"])

#: routes that carry one annotation document, whose bodies may pass the request limit up to
#: ``Settings.max_annotation_bytes`` (a path pattern under the API prefix and the setting): a
#: long text's spans pass 2 MiB well within what an import takes
def _live_bearer(request: Request) -> bool:
    """Whether the request carries a live API token (any role: the route checks what the
    person may do): only then is an annotation body read beyond the server's request limit
    (a stranger's 32 MiB would otherwise be held in memory before the route learns who sent
    it; see :mod:`datamill.api.body_limit`)."""
    runtime = getattr(request.app.state, "runtime", None)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if runtime is None or scheme.lower() != "bearer" or not token.strip():
        return False
    with runtime.session() as session:
        try:
            user_for_token(session, token.strip())
        except DatamillError:
            return False
    return True


ANNOTATION_BODIES: tuple[LargerBody, ...] = (
    (r"/tasks/[0-9]{1,19}/(annotations|draft|review)", "max_annotation_bytes", _live_bearer),
    (r"/inspections/[0-9]{1,19}/samples/[0-9]{1,19}", "max_annotation_bytes", _live_bearer),
)

Manager = Annotated[User, Depends(Require(Action.MANAGE_PROJECT))]
Viewer = Annotated[User, Depends(Require(Action.VIEW_PROJECT))]
Annotator = Annotated[User, Depends(Require(Action.ANNOTATE))]
Reviewer = Annotated[User, Depends(Require(Action.REVIEW))]
Stage = Literal["annotate", "review"]


class PackagesCreate(BaseModel):
    stage: Stage = "annotate"


class PackageAssign(BaseModel):
    username: str = Field(min_length=1, max_length=80)


class MyTaskOut(BaseModel):
    task_id: int
    item_id: int
    stage: str
    task_status: str
    assignment: str


_DOCUMENT = ("The annotation document of a non-speech modality, e.g. an ImageAnnotation"
             " (validated against the project's label schema)")


class AnnotationSubmit(BaseModel):
    segments: Transcript | None = Field(None, description="Speech: the transcript segments")
    annotation: dict[str, Any] | None = Field(None, description=_DOCUMENT)
    base_version: int = Field(ge=0, description="The item version this edit starts from")
    time_spent_ms: int | None = Field(None, ge=0)
    draft_revision: int | None = Field(
        None, ge=0, description="The revision of your draft this work continues (0: none); "
        "behind your stored draft (saved meanwhile from another tab or client) the submit is "
        "refused 409 stale_draft. Leave it out to submit without the check")
    comment: str | None = Field(None, max_length=2000, description="A comment to the reviewer")
    item_flag: str | None = Field(
        None, max_length=32, description="Cannot annotate the item: one of the modality's item "
        "flags (speech: unintelligible, noise_only, other_language, other; recorded on every "
        "segment too)")

    @model_validator(mode="after")
    def _one_payload(self) -> AnnotationSubmit:
        if (self.segments is None) == (self.annotation is None):
            # coded, so a zh-CN reader gets it in Chinese (parse_problems' one_payload)
            raise PydanticCustomError("one_payload", "give either segments (speech) or"
                                      " annotation (other modalities)")
        return self

    @property
    def payload(self) -> object:
        return self.segments if self.segments is not None else self.annotation


class ReviewSubmit(BaseModel):
    verdict: Literal["accept", "edit", "reject"]
    reason: str | None = Field(None, max_length=2000)
    segments: Transcript | None = None
    annotation: dict[str, Any] | None = Field(None, description=_DOCUMENT)
    base_version: int | None = Field(None, ge=0)
    time_spent_ms: int | None = Field(None, ge=0)

    @property
    def payload(self) -> object:
        return self.segments if self.segments is not None else self.annotation


class ReviewOut(BaseModel):
    task_id: int
    item_id: int
    verdict: str
    item_status: str
    #: the annotation version the verdict stands on: an edit's new version, else the one
    #: accepted or sent back (None: the item had no annotation)
    version: int | None = None


@router.post("/projects/{project_id}/packages", status_code=status.HTTP_201_CREATED)
def create_packages_endpoint(
    project_id: Id, session: SessionDep, user: Manager, response: Response,
    body: PackagesCreate | None = None,
) -> list[PackageOut]:
    """Group ready, unpackaged tasks of a stage into packages of the spec's size.

    Only checked items get tasks: while some wait for the checks, the answer carries
    ``Datamill-Unchecked-Items`` (their number) and ``Datamill-Hint`` (run the checks first).
    Annotate tasks that every annotator of the project has already answered (an extra
    annotator asked for, or an overlap above the team's size) wait for a new member: the answer
    then carries ``Datamill-Waiting-Items`` (their number), ``Datamill-Notice``
    (``waiting_for_new_annotator``) and the reason in ``Datamill-Hint``, as ``datamill work
    package`` and the dashboard say it.
    """
    stage = body.stage if body else "annotate"
    made = create_packages(session, project_id, stage, actor_id=user.id)
    hints = []
    unchecked = unchecked_items(session, project_id)
    if unchecked:
        response.headers["Datamill-Unchecked-Items"] = str(unchecked)
        hints.append(
            f"{unchecked} item{'' if unchecked == 1 else 's'} not checked yet (packaging takes"
            f" checked items only): run the checks first (POST /api/v1/projects/{project_id}"
            "/checks), then package again")
    waiting = waiting_for_annotator(session, project_id) if stage == "annotate" else None
    if waiting:
        response.headers["Datamill-Waiting-Items"] = str(waiting["items"])
        response.headers["Datamill-Notice"] = str(waiting["code"])
        hints.append(str(waiting["message"]))
    if hints:
        response.headers["Datamill-Hint"] = "; ".join(hints)
    return made


@router.get("/projects/{project_id}/packages")
def list_packages_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser, page: PageDep
) -> Page[PackageOut]:
    """The project's work packages; an annotator or a reviewer (a member who works on the
    project without viewing it) lists the packages assigned to them."""
    get_project(session, project_id)
    return page.slice(list_packages(session, project_id,
                                    q.packages_seen_by(session, user, project_id)))


@router.post("/packages/{package_id}/assign")
def assign_package_endpoint(
    package_id: Id, body: PackageAssign, session: SessionDep, user: Manager
) -> PackageOut:
    """Hand a package to one member; only they (and the open pool) can claim from it."""
    pkg = q.package_row(session, package_id, user)
    require(session, user, Action.MANAGE_PROJECT, pkg.project_id)
    assignee = get_user(session, body.username)
    if assignee.role != "admin" and not is_member(session, pkg.project_id, assignee.id):
        raise InvalidInput(
            f"{assignee.username!r} is not a member of project {pkg.project_id}; add them first",
            field="username",
        )
    return assign_package(session, package_id, assignee, actor_id=user.id)


def _committed_json(session: Session, out: BaseModel, status_code: int) -> Response:
    """``out`` as the JSON answer, committed here in the handler's thread (the claim and submit
    hot path): on SQLite the writer lock is released before FastAPI's response-model pass and
    the session dependency's exit, each a thread hop away (the dependency's commit then has
    nothing left to do). ``out`` is already the route's response model, so the bytes are those
    FastAPI would send (``by_alias``, as its serializer), without validating it a second time.
    """
    content = out.model_dump_json(by_alias=True)
    session.commit()
    return Response(content=content, media_type="application/json", status_code=status_code)


@router.post(
    "/projects/{project_id}/tasks/next",
    response_model=TaskOut,
    responses={204: {"description": "No task is left for you in this stage"}},
)
def next_task_endpoint(
    project_id: Id,
    session: SessionDep,
    user: CurrentUser,
    stage: Annotated[Stage, Query()] = "annotate",
) -> Any:
    """The task you hold, or atomically claim the next open one (204 when none is left)."""
    read_claim_ahead(session, user, project_id, stage)  # one statement for what comes next
    require_project(session, project_id)  # 404 first
    # a project one may not see: 404 as a missing one (the hot lane skips the router's check)
    q.require_seen(session, user, q.stage_action(stage), project_id)
    task = claim_next_task(session, user, project_id, stage)
    if task is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return _committed_json(session, task, status.HTTP_200_OK)


@router.get("/projects/{project_id}/tasks/mine")
def my_tasks_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser, page: PageDep
) -> Page[MyTaskOut]:
    """Tasks you hold or held in this project."""
    get_project(session, project_id)
    q.require_worker(session, user, project_id)
    rows = list_tasks_for_user(session, user, project_id, limit=page.limit, offset=page.offset)
    return Page[MyTaskOut](items=[MyTaskOut.model_validate(r) for r in rows],
                           total=count_tasks_for_user(session, user, project_id),
                           limit=page.limit, offset=page.offset)


@router.get("/tasks/{task_id}")
def get_task_endpoint(task_id: Id, session: SessionDep, user: CurrentUser) -> TaskOut:
    """A task with its item's current annotation (its holder, or project viewers)."""
    task = get_task(session, task_id)
    q.require_task_view(session, user, task)
    return task_view(session, task, user.id)


@router.get("/tasks/{task_id}/previous-frame", responses=problem_responses(409))
def previous_frame_endpoint(task_id: Id, session: SessionDep, user: CurrentUser) -> PreviousFrame:
    """The frame before this task's item in its sequence (items imported with ``sequence`` and
    ``frame`` columns: a drive's point clouds, a video's frames): the nearest earlier frame of
    the project with a current version, and that version's document (``annotation``, null when
    there is none), to start this frame from its objects as the workbench's "Copy previous
    frame" does; with overlap, your own latest answer of an earlier frame, never another
    annotator's. For the task's holder only (403 ``task_not_held``; 409 once you submitted it;
    404 for a project one may not see)."""
    return previous_frame_for(session, user, task_id)


class DraftPut(BaseModel):
    """Unchecked work in progress, named as a submission names it: ``segments`` (speech) or
    ``annotation`` (a modality's document; speech segments are accepted here too).
    ``payload`` is the older name of either, still accepted."""

    segments: list[Any] | None = Field(None, description="Speech: the transcript segments")
    annotation: list[Any] | dict[str, Any] | None = Field(
        None, description="The annotation document of a non-speech modality (or speech "
        "segments), as POST /tasks/{task_id}/annotations takes it")
    payload: list[Any] | dict[str, Any] | None = Field(
        None, deprecated=True,
        description="The older name of annotation/segments (either one, not both)")
    base_version: int = Field(ge=0, description="The item version this work starts from")
    revision: int = Field(ge=0, description="The client's save counter; older never wins")
    time_spent_ms: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _one_payload(self) -> DraftPut:
        given = [n for n in ("segments", "annotation", "payload") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give one of segments (speech) or annotation (payload: the older "
                             f"name), not {' and '.join(given) or 'none'}")
        return self

    @property
    def work(self) -> list[Any] | dict[str, Any]:
        """The draft's content, whichever name it came under."""
        got = next(v for v in (self.segments, self.annotation, self.payload) if v is not None)
        return got


class DraftOut(BaseModel):
    task_id: int
    annotation: list[Any] | dict[str, Any]
    payload: list[Any] | dict[str, Any] = Field(
        deprecated=True, description="The older name of annotation (the same value)")
    base_version: int
    revision: int
    time_spent_ms: int
    saved_at: datetime


def _draft_out(row: Any) -> DraftOut:
    return DraftOut(task_id=row.task_id, annotation=row.payload, payload=row.payload,
                    base_version=row.base_version, revision=row.revision,
                    time_spent_ms=row.time_spent_ms, saved_at=row.updated_at)


@router.get("/tasks/{task_id}/draft")
def get_draft_endpoint(task_id: Id, session: SessionDep, user: CurrentUser) -> DraftOut:
    """Your own draft of a task (404 when you have none); compare its ``base_version`` with the
    task's current version before resuming from it."""
    return _draft_out(drafts.load_draft(session, user, task_id))


@router.put("/tasks/{task_id}/draft")
def put_draft_endpoint(
    task_id: Id, body: DraftPut, session: SessionDep, user: Annotator
) -> DraftOut:
    """Save your draft of a task you hold (kept as sent; checked on submit, which discards it).
    An older ``revision`` never overwrites a newer one: the answer is the stored draft."""
    task = q.seen_task(session, user, task_id)
    require(session, user, Action.ANNOTATE, task.project_id)
    return _draft_out(drafts.save_draft(
        session, user, task_id, body.work, base_version=body.base_version,
        revision=body.revision, time_spent_ms=body.time_spent_ms))


@router.delete("/tasks/{task_id}/draft", status_code=status.HTTP_204_NO_CONTENT)
def delete_draft_endpoint(task_id: Id, session: SessionDep, user: Annotator) -> Response:
    """Throw your draft of a task away (no error when there is none)."""
    require(session, user, Action.ANNOTATE, q.seen_task(session, user, task_id).project_id)
    drafts.discard_own_draft(session, user, task_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/tasks/{task_id}/annotations", status_code=status.HTTP_201_CREATED,
    response_model=AnnotationOut,
)
def submit_annotation_endpoint(
    task_id: Id, body: AnnotationSubmit, session: SessionDep, user: Annotator
) -> Response:
    """Submit the transcript of a task you hold, based on ``base_version`` (409 if stale)."""
    # the reads and the payload's validation first, on SQLite without the writer lock (each
    # read sees the latest commit, as on PostgreSQL); the writes then re-check what can change
    with reads_first(session):
        prepared = read_submission(task_id, body, session, user)
    return write_submission(task_id, body, session, user, prepared)


def read_submission(
    task_id: int, body: AnnotationSubmit, session: Session, user: User
) -> Submission:
    """The reading half of a submit: the task, the item, the permission and the payload's
    validation (inside the caller's ``reads_first`` block; the hot lane reads the caller's
    token in the same block, one read transaction on SQLite)."""
    task, _item = get_task_and_item(session, task_id)  # one statement; the item is kept
    read_submit_ahead(session, user, task)  # one statement for the next questions
    q.hide_unseen(session, user, task.project_id, "task", task_id, task_id=task_id)
    require(session, user, Action.ANNOTATE, task.project_id)
    return prepare_submission(session, user, task_id, body.payload, body.item_flag)


def write_submission(
    task_id: int, body: AnnotationSubmit, session: Session, user: User, prepared: Submission
) -> Response:
    """The writing half of a submit, committed, as its 201 answer."""
    return _committed_json(session, submit_annotation(
        session,
        user,
        task_id,
        body.payload,
        base_version=body.base_version,
        time_spent_ms=body.time_spent_ms,
        comment=body.comment,
        item_flag=body.item_flag,
        prepared=prepared,
        draft_revision=body.draft_revision,
    ), status.HTTP_201_CREATED)


class SkipIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why you hand the task back")


class SkipOut(BaseModel):
    task_id: int
    status: str
    reason: str


@router.post("/tasks/{task_id}/skip")
def skip_task_endpoint(task_id: Id, body: SkipIn, session: SessionDep, user: CurrentUser) -> SkipOut:
    """Hand a task you hold back to the pool with a reason; it is never offered to you again."""
    task = q.seen_task(session, user, task_id)
    require(session, user, q.stage_action(task.stage), task.project_id)
    return SkipOut.model_validate(task_notes.skip_task(session, user, task_id, body.reason))


@router.post("/items/{item_id}/assist/{tool}")
def assist_endpoint(
    item_id: Id, tool: str, params: Annotated[dict[str, Any], Body()], session: SessionDep,
    runtime: RuntimeDep, user: CurrentUser,
) -> dict[str, Any]:
    """An assisted tool of the item's modality, as the workbench uses it (the image
    modality's ``grabcut``: a box becomes a polygon; the point-cloud modality's ``fit_cuboid``:
    a rough footprint becomes the cuboid of its points, and ``label_points``: a segmenting
    project's point labels from the boxes given as ``objects`` and the ground), for people
    who annotate, review or inspect and may see the item. Nothing is stored: the answer is
    what the tool proposes."""
    return prepare_assist(session, runtime.blobs, user, item_id, tool, params)()


@router.get("/annotations/{annotation_id}/note")
def annotation_note_endpoint(
    annotation_id: Id, session: SessionDep, user: CurrentUser
) -> task_notes.NoteOut:
    """The comment and item flag an annotator stored with a submission (404 when none)."""
    require(session, user, Action.VIEW_PROJECT, _annotation_project(session, annotation_id, user))
    note = task_notes.note_for(session, annotation_id)
    if note is None:
        raise NotFound(f"annotation {annotation_id} has no note")
    return note


def _annotation_project(session: Session, annotation_id: int, user: User) -> int:
    """The annotation's project; the annotation as missing when ``user`` may not see it."""
    ann = get_or_raise(session, Annotation, annotation_id, "annotation",
                       annotation_id=annotation_id)
    item = get_or_raise(session, Item, ann.item_id, "item", annotation_id=annotation_id)
    return q.hide_unseen(session, user, item.project_id, "annotation", annotation_id,
                         annotation_id=annotation_id)


@router.get("/projects/{project_id}/speakers")
def list_speakers_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser
) -> list[speaker_list.SpeakerOut]:
    """The project's speaker list (empty: speakers are free text); for its viewers, annotators
    and reviewers."""
    get_project(session, project_id)
    action = next((a for a in (Action.VIEW_PROJECT, Action.ANNOTATE, Action.REVIEW)
                   if allowed(user.role, a)), Action.VIEW_PROJECT)
    require(session, user, action, project_id)
    return speaker_list.list_speakers(session, project_id)


class SpeakersPut(BaseModel):
    speakers: list[speaker_list.SpeakerIn] = Field(max_length=speaker_list.MAX_SPEAKERS)


@router.put("/projects/{project_id}/speakers")
def set_speakers_endpoint(
    project_id: Id, body: SpeakersPut, session: SessionDep, user: Manager
) -> list[speaker_list.SpeakerOut]:
    """Replace the project's speaker list (an empty list turns speakers back into free text)."""
    require(session, user, Action.MANAGE_PROJECT, project_id)
    return speaker_list.set_speakers(session, user, project_id, body.speakers)


@router.post("/tasks/{task_id}/review")
def review_endpoint(
    task_id: Id, body: ReviewSubmit, session: SessionDep, user: Reviewer
) -> ReviewOut:
    """Accept, edit (new version, then accept) or reject (back to the annotator, with a reason)."""
    task = q.seen_task(session, user, task_id)
    require(session, user, Action.REVIEW, task.project_id)
    result = review_task(
        session,
        user,
        task_id,
        body.verdict,
        reason=body.reason,
        payload=body.payload,
        base_version=body.base_version,
        time_spent_ms=body.time_spent_ms,
    )
    return ReviewOut.model_validate(result)
