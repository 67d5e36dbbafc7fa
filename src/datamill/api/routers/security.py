"""``/security``: the data-security office's endpoints.

Classification and clearance, cross-border export and its assessments, surveying
qualification, subjects' consent, desensitization and cleared reads of originals. Every rule
is enforced in the compliance services (roles, membership, clearance) and every change audited;
these handlers only translate. Master-key rotation is CLI-only (key files live on the server);
encrypting the blobs stored before the key was set is on both.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, status
from pydantic import AfterValidator, BaseModel, Field

from datamill.api.deps import CurrentUser, Require, RuntimeDep, SessionDep
from datamill.api.params import Day, Flag, Id, IdRef
from datamill.api.problem import problem_responses
from datamill.compliance import classification, consent, desensitize, export, surveying
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.security_status import project_security

__all__ = ["router"]

router = APIRouter(prefix="/security", tags=["security"])
Viewer = Annotated[User, Depends(Require(Action.VIEW_PROJECT))]
Level = Literal["public", "internal", "confidential", "secret"]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


Notes = Annotated[str, Field(max_length=10_000), AfterValidator(_no_nul)]
Note = Annotated[str, Field(max_length=2_000), AfterValidator(_no_nul)]
CertificateNo = Annotated[str, Field(max_length=64), AfterValidator(_no_nul)]
SubjectId = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_nul)]
Scope = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_no_nul)]


Country = Annotated[str, Field(pattern=r"^([A-Za-z]{2}|\*)$", description="ISO alpha-2 or '*'")]


class LevelIn(BaseModel):
    level: Level


class ExportIn(BaseModel):
    cross_border: Flag
    destination: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | None = None


class AssessmentIn(BaseModel):
    conclusion: Literal["approved", "rejected"]
    kind: Literal["self_assessment", "security_assessment"] = "self_assessment"
    notes: Notes = ""


class RuleIn(BaseModel):
    requirement: Literal["self_assessment", "security_assessment"] = "self_assessment"
    note: Note = ""


class SurveyingIn(BaseModel):
    required: Flag


class QualificationIn(BaseModel):
    user_id: IdRef | None = None
    vendor_id: IdRef | None = None
    grade: Literal["A", "B"] = "B"
    certificate_no: CertificateNo = ""
    valid_until: Day | None = None


class ConsentIn(BaseModel):
    subject_id: SubjectId
    scope: Scope = "collection"


class WithdrawIn(BaseModel):
    subject_id: SubjectId
    scope: Scope | None = None


class ResolveFlagsIn(BaseModel):
    note: Annotated[str, Field(min_length=1, max_length=500)]
    flag_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        default=None, max_length=10_000)


class DesensitizeIn(BaseModel):
    detect: Flag = True


# -- project state ------------------------------------------------------------------------------


@router.get("/projects/{project_id}")
def project_security_endpoint(project_id: Id, session: SessionDep, user: Viewer) -> dict[str, Any]:
    """Classification, export state (is delivery allowed?), surveying flag, consent counts."""
    return project_security(session, project_id)


@router.put("/projects/{project_id}/classification")
def classify_endpoint(project_id: Id, body: LevelIn, session: SessionDep,
                      user: CurrentUser) -> dict[str, Any]:
    return classification.set_classification(session, user, project_id, body.level)


@router.put("/items/{item_id}/classification")
def classify_item_endpoint(item_id: Id, body: LevelIn, session: SessionDep,
                           user: CurrentUser) -> dict[str, Any]:
    """Classify one item above the rest of its project (the data-security office)."""
    from datamill.compliance.item_sensitivity import set_item_level

    return set_item_level(session, user, item_id, body.level)


@router.put("/users/{user_id}/clearance")
def clearance_endpoint(user_id: Id, body: LevelIn, session: SessionDep,
                       user: CurrentUser) -> dict[str, Any]:
    """Set a person's clearance (admins)."""
    return classification.set_clearance(session, user, user_id, body.level)


class ReleaseIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=2_000), AfterValidator(_no_nul)]


@router.post("/batches/{batch_id}/personal-data-release", status_code=status.HTTP_201_CREATED)
def personal_data_release_endpoint(batch_id: Id, body: ReleaseIn, session: SessionDep,
                                   user: CurrentUser) -> dict[str, Any]:
    """Let a batch of a project never desensitized be delivered with the personal data its
    checks found (the data-security office, with a reason; audited). Delivery refuses it
    otherwise (``personal_data_unmasked``)."""
    from datamill.production.delivery_personal_data import release_personal_data

    return release_personal_data(session, user, batch_id, body.reason)


class ErasureIn(BaseModel):
    subject_id: SubjectId
    dry_run: Flag = False


@router.post("/projects/{project_id}/subject-erasures")
def subject_erasure_endpoint(project_id: Id, body: ErasureIn, session: SessionDep,
                             runtime: RuntimeDep, user: CurrentUser) -> dict[str, Any]:
    """Delete the stored recordings (and masked copies) of a subject who withdrew every
    consent, each with a deletion certificate (the data-security office; audited)."""
    from datamill.catalog.erasure import erase_subject

    return erase_subject(session, runtime.blobs, user, project_id, body.subject_id,
                         dry_run=body.dry_run)


# -- cross-border export ------------------------------------------------------------------------


@router.put("/projects/{project_id}/export")
def export_flag_endpoint(project_id: Id, body: ExportIn, session: SessionDep,
                         user: CurrentUser) -> dict[str, Any]:
    """Set the cross-border flag. The data-security office (admins, data-security officers)
    sets, changes and lifts it; a project's manager may only flag a domestic project as
    cross-border (403 naming who may otherwise)."""
    return export.set_export(session, user, project_id, cross_border=body.cross_border,
                             destination=body.destination)


@router.post("/projects/{project_id}/export-assessments", status_code=status.HTTP_201_CREATED)
def assessment_endpoint(project_id: Id, body: AssessmentIn, session: SessionDep,
                        user: CurrentUser) -> dict[str, Any]:
    """Record an export risk assessment (the data-security office: admins, data-security
    officers); the latest one decides, and a rule may ask for a security assessment."""
    return export.record_assessment(session, user, project_id, conclusion=body.conclusion,
                                    notes=body.notes, kind=body.kind)


@router.get("/export-rules")
def rules_endpoint(session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Destinations whose exports need an assessment (settings + rules table): for the
    data-security office, auditors and project managers (403 for anyone else)."""
    return export.read_export_rules(session, user)


@router.put("/export-rules/{country}")
def rule_put_endpoint(country: Country, body: RuleIn, session: SessionDep,
                      user: CurrentUser) -> dict[str, Any]:
    return export.add_export_rule(session, user, country, requirement=body.requirement,
                                  note=body.note)


@router.delete("/export-rules/{country}", status_code=status.HTTP_204_NO_CONTENT)
def rule_delete_endpoint(country: Country, session: SessionDep, user: CurrentUser) -> None:
    export.remove_export_rule(session, user, country)


# -- surveying ----------------------------------------------------------------------------------


@router.put("/projects/{project_id}/surveying")
def surveying_endpoint(project_id: Id, body: SurveyingIn, session: SessionDep,
                       user: CurrentUser) -> dict[str, Any]:
    return surveying.set_surveying_required(session, user, project_id, body.required)


@router.post("/surveying-qualifications", status_code=status.HTTP_201_CREATED)
def grant_endpoint(body: QualificationIn, session: SessionDep,
                   user: CurrentUser) -> dict[str, Any]:
    until = (datetime.combine(body.valid_until, time.max, tzinfo=UTC)
             if body.valid_until else None)
    return surveying.grant_qualification(
        session, user, user_id=body.user_id, vendor_id=body.vendor_id, grade=body.grade,
        certificate_no=body.certificate_no, valid_until=until)


@router.post("/surveying-qualifications/{qualification_id}/revoke")
def revoke_endpoint(qualification_id: Id, session: SessionDep,
                    user: CurrentUser) -> dict[str, Any]:
    return surveying.revoke_qualification(session, user, qualification_id)


# -- consent ------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/consents")
def consents_endpoint(project_id: Id, session: SessionDep, user: Viewer) -> dict[str, Any]:
    """Its managers, the data-security office and auditors (personal data: not every viewer)."""
    return consent.consent_register(session, user, project_id)


@router.post("/projects/{project_id}/consents", status_code=status.HTTP_201_CREATED)
def consent_endpoint(project_id: Id, body: ConsentIn, session: SessionDep,
                     user: CurrentUser) -> dict[str, Any]:
    return consent.record_consent(session, user, project_id, body.subject_id, scope=body.scope)


@router.post("/projects/{project_id}/consents/withdraw")
def withdraw_endpoint(project_id: Id, body: WithdrawIn, session: SessionDep,
                      user: CurrentUser) -> dict[str, Any]:
    """The subject's items leave every undelivered batch; delivered ones are flagged."""
    return consent.withdraw_consent(session, user, project_id, body.subject_id,
                                    scope=body.scope)


@router.post("/projects/{project_id}/consent-flags/resolve")
def resolve_flags_endpoint(project_id: Id, body: ResolveFlagsIn, session: SessionDep,
                           user: CurrentUser) -> dict[str, Any]:
    """Close open withdrawal flags once the customer confirmed deleting the delivered items."""
    return consent.resolve_flags(session, user, project_id, note=body.note,
                                 flag_ids=body.flag_ids)


# -- encryption at rest -------------------------------------------------------------------------


@router.post("/encrypt-existing", responses=problem_responses(422))
def encrypt_existing_endpoint(session: SessionDep, runtime: RuntimeDep,
                              user: CurrentUser) -> dict[str, Any]:
    """Encrypt the blobs stored before the master key was set (admins; idempotent)."""
    from datamill.compliance.at_rest import encrypt_existing

    return encrypt_existing(session, runtime.blobs, actor=user)


# -- desensitization ----------------------------------------------------------------------------


@router.post("/projects/{project_id}/desensitize")
def desensitize_endpoint(project_id: Id, body: DesensitizeIn, session: SessionDep,
                         runtime: RuntimeDep, user: CurrentUser) -> dict[str, Any]:
    """Write masked derivatives of every item's prompt, transcript and image."""
    return desensitize.desensitize_project(session, runtime.blobs, project_id, actor=user,
                                           detect=body.detect)


@router.get("/items/{item_id}/masked")
def masked_endpoint(item_id: Id, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return desensitize.masked_view(session, user, item_id)


@router.get("/items/{item_id}/original/{field}")
def original_endpoint(item_id: Id, field: Literal["prompt", "transcript", "text"],
                      session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """An original text, for people cleared for personal data (audited)."""
    return {"item_id": item_id, "field": field,
            "text": desensitize.read_original_text(session, user, item_id, field)}
