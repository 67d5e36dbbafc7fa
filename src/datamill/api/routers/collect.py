"""``/collect``: collection from people.

Project managers (bearer token): speaker-quota progress, the prompt list, consent texts,
invitation links, subjects, re-recording requests. Subjects (their invitation token in the
``X-Collect-Token`` header, no account): the page's state, consent, demographics, and one
recording per prompt as a raw body (16-bit PCM WAV at the spec's sample rate, sent as
``audio/wav`` or ``application/octet-stream``). The rules (consent first, full quota cells,
token scope/expiry/revocation) live in :mod:`datamill.collection`; these handlers only
translate.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Request, status
from pydantic import AfterValidator, BaseModel, Field

from datamill.api.body_limit import LargerBody
from datamill.api.deps import CurrentUser, Require, RuntimeDep, SessionDep
from datamill.api.params import Id
from datamill.api.problem import caller_language, problem_responses
from datamill.collection import quotas, staff, subject
from datamill.collection._take_advice_words import take_advice
from datamill.compliance.models import User
from datamill.compliance.roles import Action

__all__ = ["LARGE_BODIES", "LARGE_BODY_CODES", "router"]

router = APIRouter(prefix="/collect", tags=["collection"])


def _live_invitation(request: Request) -> bool:
    """Whether the request carries an invitation token that is neither revoked nor expired:
    only then is a recording read beyond the server's request limit."""
    token = request.headers.get("x-collect-token", "")
    runtime = getattr(request.app.state, "runtime", None)
    if not token or runtime is None:
        return False
    with runtime.session() as session:
        return subject.invite_is_live(session, token)


#: routes whose bodies may pass the server's request limit (a path pattern under the API
#: prefix, its limit, and who may send one): a subject's recording, up to what the collection
#: service accepts, from a live invitation
_RECORDING = r"/collect/visit/prompts/[0-9]{1,19}/recording"
LARGE_BODIES: tuple[LargerBody, ...] = ((_RECORDING, subject.MAX_UPLOAD_BYTES, _live_invitation),)
#: the reason code of a recording's 413 (the subject's page words it: read once, then Stop)
LARGE_BODY_CODES: tuple[tuple[str, str], ...] = ((_RECORDING, "recording_too_long"),)
Viewer = Annotated[User, Depends(Require(Action.VIEW_PROJECT))]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


Token = Annotated[str, Header(alias="X-Collect-Token", min_length=1, max_length=200,
                              description="The subject's invitation token")]
Prompt = Annotated[str, Field(max_length=2_000), AfterValidator(_no_nul)]
SUBJECT_PROBLEMS = problem_responses(401, 403, 404, 409)


class PromptsIn(BaseModel):
    prompts: list[Prompt] = Field(max_length=10_000)


class ConsentTextIn(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=50_000), AfterValidator(_no_nul)]


class InviteIn(BaseModel):
    subject_id: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_nul)]
    days: int | None = Field(None, ge=1, le=365)


class RerecordIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=2_000), AfterValidator(_no_nul)]
    source: Literal["review", "inspection", "manual"] = "review"


class SignIn(BaseModel):
    signature: Annotated[str, Field(min_length=2, max_length=200), AfterValidator(_no_nul)]
    version: int = Field(ge=1, le=2**31 - 1)


class DemographicsIn(BaseModel):
    gender: Literal["female", "male", "other"]
    age: int = Field(ge=0, le=150)
    accent: Annotated[str, Field(max_length=100), AfterValidator(_no_nul)] = ""
    device: Annotated[str, Field(max_length=100), AfterValidator(_no_nul)] = ""


# -- project managers ---------------------------------------------------------------------------


@router.get("/projects/{project_id}/quotas")
def quotas_endpoint(project_id: Id, session: SessionDep, user: Viewer) -> dict[str, Any]:
    """Each speaker-quota cell: targets, accepted and in-progress counts, fill, full."""
    return quotas.quota_progress(session, project_id)


@router.get("/projects/{project_id}/prompts")
def prompts_endpoint(project_id: Id, session: SessionDep,
                     user: CurrentUser) -> list[dict[str, Any]]:
    return staff.list_prompts(session, user, project_id)


@router.post("/projects/{project_id}/prompts", status_code=status.HTTP_201_CREATED)
def add_prompts_endpoint(project_id: Id, body: PromptsIn, session: SessionDep,
                         user: CurrentUser) -> dict[str, Any]:
    """Append prompts (blank ones and those listed already are skipped)."""
    return staff.add_prompts(session, user, project_id, body.prompts)


@router.get("/projects/{project_id}/consent-texts")
def consent_texts_endpoint(project_id: Id, session: SessionDep,
                           user: CurrentUser) -> list[dict[str, Any]]:
    return staff.list_consent_texts(session, user, project_id)


@router.post("/projects/{project_id}/consent-texts", status_code=status.HTTP_201_CREATED)
def add_consent_text_endpoint(project_id: Id, body: ConsentTextIn, session: SessionDep,
                              user: CurrentUser) -> dict[str, Any]:
    """Add the next version of the consent text subjects sign."""
    return staff.set_consent_text(session, user, project_id, body.text)


@router.get("/projects/{project_id}/invites")
def invites_endpoint(project_id: Id, session: SessionDep,
                     user: CurrentUser) -> list[dict[str, Any]]:
    return staff.list_invites(session, user, project_id)


@router.post("/projects/{project_id}/invites", status_code=status.HTTP_201_CREATED)
def invite_endpoint(project_id: Id, body: InviteIn, session: SessionDep,
                    user: CurrentUser) -> dict[str, Any]:
    """An invitation link for one subject; the token is in the answer once, never again."""
    return staff.create_invite(session, user, project_id, body.subject_id, days=body.days)


@router.post("/invites/{invite_id}/revoke")
def revoke_endpoint(invite_id: Id, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return staff.revoke_invite(session, user, invite_id)


@router.get("/projects/{project_id}/subjects")
def subjects_endpoint(project_id: Id, session: SessionDep,
                      user: CurrentUser) -> list[dict[str, Any]]:
    return staff.list_subjects(session, user, project_id)


class SubjectIn(BaseModel):
    subject_id: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_nul)]


@router.post("/projects/{project_id}/subjects/reset-demographics")
def reset_demographics_endpoint(project_id: Id, body: SubjectIn, session: SessionDep,
                                user: CurrentUser) -> dict[str, Any]:
    """Clear a subject's demographics (answers once sent are fixed on their page; a subject
    refused by a full cell answers again); 409 once they have recorded. Audited."""
    return staff.reset_demographics(session, user, project_id, body.subject_id)


@router.post("/items/{item_id}/rerecord", status_code=status.HTTP_201_CREATED)
def rerecord_endpoint(item_id: Id, body: RerecordIn, session: SessionDep,
                      user: CurrentUser) -> dict[str, Any]:
    """Ask the subject to record this item's prompt again (review or inspection found a
    recording problem)."""
    return staff.request_rerecord(session, user, item_id, body.reason, source=body.source)


# -- subjects (invitation token) ----------------------------------------------------------------


@router.get("/visit", responses=SUBJECT_PROBLEMS)
def visit_endpoint(token: Token, session: SessionDep) -> dict[str, Any]:
    """The collection page's state: consent text and signature, demographics, prompts."""
    return subject.collection_state(session, token)


@router.post("/visit/consent", responses=SUBJECT_PROBLEMS)
def consent_endpoint(token: Token, body: SignIn, session: SessionDep) -> dict[str, Any]:
    """Sign the consent text (the typed name; the time is stored, the address is not)."""
    return subject.give_consent(session, token, body.signature, body.version)


@router.post("/visit/demographics", responses=SUBJECT_PROBLEMS)
def demographics_endpoint(token: Token, body: DemographicsIn,
                          session: SessionDep) -> dict[str, Any]:
    """Give demographics (after consent); a full quota cell refuses with 409."""
    return subject.set_demographics(session, token, gender=body.gender, age=body.age,
                                    accent=body.accent, device=body.device)


@router.post("/visit/prompts/{prompt_id}/recording", status_code=status.HTTP_201_CREATED,
             responses=SUBJECT_PROBLEMS)
def recording_endpoint(
    prompt_id: Id, token: Token, session: SessionDep, runtime: RuntimeDep, request: Request,
    audio: Annotated[bytes, Body(media_type="application/octet-stream",
                                 description="PCM WAV at the spec's sample rate and bit"
                                             " depth (the visit's sample_rate_hz and bit_depth;"
                                             " sent as audio/wav or application/octet-stream)")],
) -> dict[str, Any]:
    """Upload one recording of a prompt; it is imported and checked at once (403 before
    consent, 409 when the prompt is done or the subject's quota cell is full). A refused take's
    ``advice`` says what to do about each reason in the caller's language (``Accept-Language``:
    en or zh-CN); ``reasons`` stay the checks' English."""
    out = subject.upload_recording(session, runtime.blobs, token, prompt_id, audio,
                                   apart=True)  # the take's checks off this worker's lock
    out["advice"] = take_advice(out["reasons"], out["checks"], caller_language(request))
    return out
