"""The read-speech prompt check: per-project calibration and the listener's tasks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field

from datamill.api.deps import Require, RuntimeDep, SessionDep
from datamill.api.pagination import Page, PageDep
from datamill.api.params import Flag, Id
from datamill.compliance.access import seen_task
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.production.speech.prompt_check import (
    MAX_SAMPLE,
    CalibrationOut,
    LabelledClip,
    ListenAnswerOut,
    ListenTaskOut,
    answer_listen_task,
    calibrate_prompt_check,
    claim_listen_task,
    list_calibrations,
    listen_task_view,
)
from datamill.production.tasks import get_task

__all__ = ["router"]

router = APIRouter(tags=["prompt check"])

Manager = Annotated[User, Depends(Require(Action.MANAGE_PROJECT))]
Viewer = Annotated[User, Depends(Require(Action.VIEW_PROJECT))]
Listener = Annotated[User, Depends(Require(Action.ANNOTATE))]


class ItemLabel(BaseModel):
    item: str = Field(min_length=1, max_length=200, description="The item's external id")
    label: Literal["good", "bad"] = Field(description="good: reads its prompt; bad: not")


class CalibrationRequest(BaseModel):
    clips: list[ItemLabel] = Field(min_length=2, max_length=MAX_SAMPLE)
    max_false_reject: float = Field(0.01, ge=0.0, lt=1.0,
                                    description="Most good clips the check may reject")
    min_catch: float = Field(0.95, gt=0.0, le=1.0,
                             description="Least bad clips rejected or sent to a listener")
    reject_margin: float | None = Field(
        None, ge=0.0, lt=1000.0,
        description="Lower the reject threshold by this much (nats/frame); default automatic")


class ListenAnswer(BaseModel):
    reads_prompt: Flag = Field(description="Whether the clip reads its prompt")
    note: str | None = Field(None, max_length=1000)
    time_spent_ms: int | None = Field(None, ge=0, le=86_400_000)


@router.post("/projects/{project_id}/prompt-check/calibrations",
             status_code=status.HTTP_201_CREATED)
def calibrate_endpoint(
    project_id: Id, body: CalibrationRequest, session: SessionDep, runtime: RuntimeDep,
    user: Manager,
) -> CalibrationOut:
    """Score labelled items, choose the two thresholds meeting the targets and store the
    report; the project's checks use it from now on."""
    require(session, user, Action.MANAGE_PROJECT, project_id)
    clips = [LabelledClip(item=c.item, label=c.label) for c in body.clips]
    return calibrate_prompt_check(session, runtime.blobs, user, project_id, clips,
                                  max_false_reject=body.max_false_reject,
                                  min_catch=body.min_catch, reject_margin=body.reject_margin,
                                  apart=True)  # aligned off this worker's interpreter lock


@router.get("/projects/{project_id}/prompt-check/calibrations")
def list_calibrations_endpoint(
    project_id: Id, session: SessionDep, user: Viewer, page: PageDep
) -> Page[CalibrationOut]:
    """The project's calibrations, newest (in force) first."""
    require(session, user, Action.VIEW_PROJECT, project_id)
    return page.slice(list_calibrations(session, project_id))


@router.post(
    "/projects/{project_id}/listen/next",
    response_model=ListenTaskOut,
    responses={204: {"description": "No clip is waiting for a listener"}},
)
def next_listen_endpoint(project_id: Id, session: SessionDep, user: Listener) -> Any:
    """The listen task you hold, or the next clip waiting for a listener (204: none)."""
    require(session, user, Action.ANNOTATE, project_id)
    task = claim_listen_task(session, user, project_id)
    if task is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return task


@router.get("/tasks/{task_id}/listen")
def get_listen_endpoint(task_id: Id, session: SessionDep, user: Listener) -> ListenTaskOut:
    """A listen task: the clip's prompt and what the check doubted."""
    from datamill.compliance.access import require_task_view

    require_task_view(session, user, get_task(session, task_id))
    return listen_task_view(session, task_id)


@router.post("/tasks/{task_id}/listen")
def answer_listen_endpoint(
    task_id: Id, body: ListenAnswer, session: SessionDep, user: Listener
) -> ListenAnswerOut:
    """Answer a listen task you hold: the item passes (on to annotation) or is rejected."""
    task = seen_task(session, user, task_id)
    require(session, user, Action.ANNOTATE, task.project_id)
    return answer_listen_task(session, user, task_id, reads_prompt=body.reads_prompt,
                              note=body.note, time_spent_ms=body.time_spent_ms)
