"""Batches and sampling inspection (ISO 2859-1 single sampling)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, status
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, Require, RuntimeDep, SessionDep
from datamill.api.pagination import Page, PageDep
from datamill.api.params import MAX_ID, Id
from datamill.compliance import access as q
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.production.effect_evaluation import (
    MAX_SAMPLE,
    evaluate_batch,
    evaluation_project,
    get_evaluation,
    list_evaluations,
)
from datamill.production.inspection import (
    complete_inspection,
    confirm_delivered,
    create_batch,
    get_inspection,
    inspection_scores,
    list_batches,
    record_correction,
    start_inspection,
)
from datamill.production.schemas import BatchOut, EffectEvaluationOut, InspectionOut

__all__ = ["router"]

router = APIRouter(tags=["quality"])

Manager = Annotated[User, Depends(Require(Action.MANAGE_PROJECT))]
Viewer = Annotated[User, Depends(Require(Action.VIEW_PROJECT))]
Inspector = Annotated[User, Depends(Require(Action.INSPECT))]


class BatchCreate(BaseModel):
    limit: int | None = Field(
        None, ge=1, description="At most this many items (default: spec batch_size)"
    )


class Correction(BaseModel):
    corrected_text: str = Field(description=(
        "The inspector's own transcript (image, text, LLM ... projects: the corrected annotation "
        "document as JSON text); as long as the annotation itself may be, and never refused for "
        "being as long as the delivered version. Nothing to change: POST .../confirm instead"))
    base_correction: str | None = Field(None, description=(
        "The sample's `correction_tag` (in the inspection's `sample`) the correction starts "
        "from: when another inspector saved a correction since, 409 `correction_changed` "
        "instead of overwriting it. Omitted: not compared"))


@router.post("/projects/{project_id}/batches", status_code=status.HTTP_201_CREATED)
def create_batch_endpoint(
    project_id: Id,
    session: SessionDep,
    user: Manager,
    body: Annotated[BatchCreate | None, Body()] = None,
) -> BatchOut:
    """Group reviewed items into a new batch for inspection (409 when none are waiting)."""
    return create_batch(session, project_id, limit=body.limit if body else None, actor_id=user.id)


@router.get("/projects/{project_id}/batches")
def list_batches_endpoint(
    project_id: Id, session: SessionDep, _user: Viewer, page: PageDep
) -> Page[BatchOut]:
    return page.slice(list_batches(session, project_id))


@router.post("/batches/{batch_id}/inspections", status_code=status.HTTP_201_CREATED)
def start_inspection_endpoint(batch_id: Id, session: SessionDep, user: Inspector) -> InspectionOut:
    """Draw the batch's sample by its plan (returns the open inspection if there is one)."""
    require(session, user, Action.INSPECT, q.batch_project(session, batch_id, user))
    return start_inspection(session, batch_id, user)


@router.get("/inspections/{inspection_id}")
def get_inspection_endpoint(inspection_id: Id, session: SessionDep, user: Viewer) -> InspectionOut:
    require(session, user, Action.VIEW_PROJECT, q.inspection_project(session, inspection_id, user))
    return get_inspection(session, inspection_id, user)


@router.get("/inspections/{inspection_id}/segments")
def inspection_segments_endpoint(
    inspection_id: Id, session: SessionDep, user: Viewer
) -> dict[str, Any]:
    """Each sampled recording's delivered segments (``start_ms``, ``end_ms``, ``text``,
    ``flag``, ``index``), with ``corrected`` (its part of the inspector's correction) and
    ``disagrees`` (the correction differs or the annotator flagged it): what the inspection
    page steps through. Empty ``items`` for a modality without segments."""
    from datamill.production.inspection_segments import sample_segments

    require(session, user, Action.VIEW_PROJECT, q.inspection_project(session, inspection_id, user))
    get_inspection(session, inspection_id, user)  # cleared for every sampled item
    return {"inspection_id": inspection_id,
            "items": [{"item_id": item_id, "segments": segments}
                      for item_id, segments in sample_segments(session, inspection_id).items()]}


@router.get("/inspections/{inspection_id}/scores")
def inspection_scores_endpoint(
    inspection_id: Id, session: SessionDep, user: Viewer
) -> dict[str, Any]:
    """The live scores over the samples corrected so far (what the inspection page shows):
    the modality's metrics, ``defective_items`` and ``scored``."""
    require(session, user, Action.VIEW_PROJECT, q.inspection_project(session, inspection_id, user))
    return inspection_scores(session, inspection_id)


@router.put("/inspections/{inspection_id}/samples/{item_id}")
def record_correction_endpoint(
    inspection_id: Id, item_id: Id, body: Correction, session: SessionDep, user: Inspector,
    runtime: RuntimeDep,
) -> InspectionOut:
    """Record the inspector's transcript of one sampled item."""
    require(session, user, Action.INSPECT, q.inspection_project(session, inspection_id, user))
    record_correction(session, inspection_id, item_id, body.corrected_text, user,
                      max_request_bytes=runtime.settings.max_annotation_bytes,
                      base=body.base_correction)
    return get_inspection(session, inspection_id, user)


@router.post("/inspections/{inspection_id}/samples/{item_id}/confirm")
def confirm_sample_endpoint(
    inspection_id: Id, item_id: Id, session: SessionDep, user: Inspector,
    base: str | None = None,
) -> InspectionOut:
    """The inspector confirms one sampled item as delivered (no change): the delivered version
    becomes their version as it stands, whatever its size, without sending it back. ``base``:
    the sample's ``correction_tag`` seen (a correction saved since: 409 ``correction_changed``)."""
    require(session, user, Action.INSPECT, q.inspection_project(session, inspection_id, user))
    confirm_delivered(session, inspection_id, item_id, user, base=base)
    return get_inspection(session, inspection_id, user)


@router.post("/inspections/{inspection_id}/complete")
def complete_inspection_endpoint(
    inspection_id: Id, session: SessionDep, user: Inspector
) -> InspectionOut:
    """Score the sample and accept or reject the batch (rejected items go back for rework)."""
    require(session, user, Action.INSPECT, q.inspection_project(session, inspection_id, user))
    return complete_inspection(session, inspection_id, user)


# ----------------------------------------------------------------- application effect


class EffectEvaluationRequest(BaseModel):
    sample: int | None = Field(None, ge=1, le=MAX_SAMPLE, description=(
        "Items to evaluate, a seeded sample of the batch (default: the modality's, 40 "
        "recordings or 2,000 texts)"))
    seed: int = Field(0, ge=0, le=MAX_ID, description="Which sample: the same seed on the same "
                      "batch draws the same items")


@router.post("/batches/{batch_id}/effect-evaluations", status_code=status.HTTP_201_CREATED)
def evaluate_batch_endpoint(
    batch_id: Id, session: SessionDep, runtime: RuntimeDep, user: CurrentUser,
    body: Annotated[EffectEvaluationRequest | None, Body()] = None,
) -> EffectEvaluationOut:
    """Application-effect verification (synchronously): the modality's model evaluated on a
    seeded sample of the batch (speech: the packaged recogniser's word error rate per speaker,
    gender, age band and accent) or trained and cross-validated on it (text classification:
    macro-F1 against the most-frequent-class baseline, a learning curve), with the items it
    disagrees with most. The project's manager or an inspector runs it (422 with a
    ``reason_code`` when this modality, language or task has none). ``verdict``: pass or fail
    against the spec's ``effect`` threshold as it stood then (kept with the run), or
    ``no_threshold``."""
    q.batch_project(session, batch_id, user)
    body = body or EffectEvaluationRequest()
    return evaluate_batch(session, runtime.blobs, batch_id, user, sample=body.sample,
                          seed=body.seed, apart=True)  # the model off this worker's lock


@router.get("/batches/{batch_id}/effect-evaluations")
def list_effect_evaluations_endpoint(
    batch_id: Id, session: SessionDep, user: Viewer, page: PageDep
) -> Page[EffectEvaluationOut]:
    """The batch's application-effect verifications, newest first."""
    require(session, user, Action.VIEW_PROJECT, q.batch_project(session, batch_id, user))
    return page.slice(list_evaluations(session, batch_id, user))


@router.get("/effect-evaluations/{evaluation_id}")
def get_effect_evaluation_endpoint(
    evaluation_id: Id, session: SessionDep, user: Viewer
) -> EffectEvaluationOut:
    """One application-effect verification with its whole report."""
    project_id = q.hide_unseen(session, user, evaluation_project(session, evaluation_id),
                               "effect evaluation", evaluation_id, evaluation_id=evaluation_id)
    require(session, user, Action.VIEW_PROJECT, project_id)
    return get_evaluation(session, evaluation_id, user)


# ----------------------------------------------------------------- aggregation and agreement


class AggregateRequest(BaseModel):
    method: Literal["majority_vote", "dawid_skene", "glad", "bradley_terry"] | None = Field(
        None, description="Default: the spec's aggregation.method"
    )


class SkippedItem(BaseModel):
    item_id: int
    reason: str


class WaitingNotice(BaseModel):
    code: str = Field(description="waiting_for_new_annotator")
    items: int
    annotators: int = Field(description="The project's active annotators")
    message: str


class AggregationReportOut(BaseModel):
    project_id: int
    method: str
    aggregated: int = Field(description="Items given a new aggregate version")
    unchanged: int = Field(description="Items whose current aggregate was already this one")
    routed: list[int] = Field(description="Items sent to one extra annotator (low confidence, "
                              "or split with no majority)")
    unresolved: list[int] = Field(default_factory=list, description=(
        "Items split with no majority after their extra annotator: review adjudicates them"))
    skipped: list[SkippedItem]
    confidence: dict[str, float | None] = Field(description="Per item id")
    waiting_for_annotator: WaitingNotice | None = Field(None, description=(
        "Items no annotator of the project can take any more (all have answered them): a "
        "project manager must add one; null when none waits so"))


class AgreementFigures(BaseModel):
    units: int
    annotators: int
    answers: int
    level: str = Field(description="nominal, or ordinal when every label is a number")
    krippendorff_alpha: float | None
    percent_agreement: float | None = Field(None, description=(
        "Share of agreeing pairs of answers within units (no chance correction)"))
    cohen_kappa: float | None = Field(description="Exactly two annotators; else null")
    fleiss_kappa: float | None = Field(description="Same number of answers per unit; else null")
    unavailable: dict[str, dict[str, str]] = Field(default_factory=dict, description=(
        "Figures that could not be computed here (an optional package missing): figure -> "
        "reason and install hint; the figure itself is null"))


class PairScores(BaseModel):
    pairs: int = Field(description="Pairs of annotators' answers of one item compared")
    metric: str | None = Field(description="The modality's headline metric (its first "
                               "acceptance metric), e.g. character_accuracy, span_f1")
    values: dict[str, float | None] | None = Field(description=(
        "The modality's inspection scorer over every ordered pair (each answer once as "
        "reference, once as hypothesis); null when no item has two answers"))
    items: int = Field(0, description="Overlapped items scored (at most the newest 1,000)")
    sampled: bool = Field(False, description="True when only the newest overlapped items were "
                          "scored (more have two answers)")


class AnnotatorRound(BaseModel):
    answers: int = Field(description="Answers to decided questions (the agreement's base)")
    undecided: int = Field(0, description="Answers to questions split with no majority: not "
                           "counted for or against anyone")
    agreement: float | None = Field(description="Share of answers equal to the item's decision"
                                    "; null when none of theirs is decided")
    scores: dict[str, float | None] | None = Field(None, description=(
        "Their answers scored against the other annotators' answers of the same items"))


class AnnotatorAgreement(AnnotatorRound):
    user_id: int
    username: str


class AnnotatorRounds(BaseModel):
    user_id: int
    username: str
    reworked_items: int = Field(description="Overlapped items they resubmitted (their current "
                                "answer is not their first)")
    first: AnnotatorRound | None = Field(description="Their first submitted answers")
    current: AnnotatorRound | None = Field(description="Their current answers")


class RoundFigures(AgreementFigures):
    overlapped_items: int
    scores: PairScores


class BatchAgreement(AgreementFigures):
    batch_id: int
    name: str


class AgreementOut(AgreementFigures):
    project_id: int
    batch_id: int | None
    modality: str
    round: Literal["current", "first"] = Field("current", description=(
        "Which answers these figures count: current (each annotator's latest) or first (each "
        "annotator's first submitted answer of each item; rework never changes it)"))
    overlapped_items: int = Field(0, description="Items answered by two or more annotators")
    no_units_reason: str | None = Field(None, description=(
        "Why units is 0 (nobody overlapped yet, or the overlapped answers hold nothing to "
        "compare); null when there are units"))
    scores: PairScores
    per_annotator: list[AnnotatorAgreement]
    rounds: dict[str, RoundFigures] = Field(description="Both rounds' figures: first, current")
    per_annotator_rounds: list[AnnotatorRounds] = Field(description=(
        "Each annotator's figures in both rounds side by side"))
    batches: list[BatchAgreement] | None = None


@router.post("/projects/{project_id}/aggregate")
def aggregate_endpoint(
    project_id: Id,
    session: SessionDep,
    user: Manager,
    body: Annotated[AggregateRequest | None, Body()] = None,
) -> AggregationReportOut:
    """Re-aggregate every overlapped item (idempotent: re-running writes no new versions; items
    past review are skipped with the reason; the same answer is unchanged whatever the method)."""
    from datamill.qc.aggregating import aggregate_project

    report = aggregate_project(
        session, project_id, method=body.method if body else None, actor_id=user.id,
        apart=True,  # decided with reads only: no lock held while the estimator runs
    )
    return AggregationReportOut.model_validate(report.to_dict())


@router.get("/projects/{project_id}/agreement")
def agreement_endpoint(
    project_id: Id,
    session: SessionDep,
    _user: Viewer,
    batch_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    round: Annotated[Literal["current", "first"], Query(  # noqa: A002 - the query's name
        description="current: each annotator's latest answer; first: their first submitted "
        "answer of each item (before rework)")] = "current",
) -> AgreementOut:
    """Krippendorff's alpha, Cohen's/Fleiss' kappa, pairwise scores, per annotator and per
    batch, for the round asked (both rounds side by side under ``rounds`` and
    ``per_annotator_rounds``)."""
    from datamill.qc.agreement_report import project_agreement

    return AgreementOut.model_validate(
        project_agreement(session, project_id, batch_id=batch_id, round=round))
