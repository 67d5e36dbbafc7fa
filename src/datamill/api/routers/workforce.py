"""Workforce: vendors, workers, qualification, assignment, prices, settlement sheets, points.

Authorisation lives in the workforce services (the vendor wall): a vendor manager reaching
another vendor's data gets 403 and nothing changes; another vendor's vendor, worker or sheet
addressed by its id answers as a missing one (404), so ids cannot be probed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from datamill import paid_once
from datamill.api.deps import CurrentUser, RuntimeDep, SessionDep
from datamill.api.params import (
    ISO_DAY,
    MAX_DAY,
    MAX_TEXT_CHARS,
    MIN_DAY,
    Day,
    Flag,
    FlagQuery,
    Id,
    IdKey,
    IdQuery,
    IdRef,
    Year,
)
from datamill.api.problem import problem_responses
from datamill.api.schemas import media_response
from datamill.compliance.users import get_user
from datamill.output_ratios import BudgetedRatioRow, output_ratio_beside_budget
from datamill.production.media import item_path, media_type_of
from datamill.production.schemas import PackageOut
from datamill.settlement_periods import SettlementPeriodOut, settlement_periods
from datamill.workforce import (
    assignment,
    golden,
    hour_points,
    people,
    performance,
    pricing,
    qualification,
    retakes,
    settlement,
    throughput,
    vendors,
)
from datamill.workforce.schemas import (
    AttemptOut,
    EvaluationOut,
    HourPointsOut,
    PriceOut,
    QualificationTestOut,
    SettlementSheetOut,
    VendorOut,
    WorkerAccuracyOut,
    WorkerDashboard,
    WorkerOut,
    WorkingDaysOut,
)
from datamill.workforce.sheet_print import sheet_language

__all__ = ["router"]

router = APIRouter(tags=["workforce"])
Money = str  # money travels as a decimal string, never a JSON float


class VendorCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["company", "studio", "individual"]
    fee_rate: Money | None = None  # a company's or studio's 0.08, an individual's 0
    settlement_cycle: Literal["weekly", "half_monthly", "monthly"] = "weekly"
    licence_no: str | None = None
    agreement_no: str | None = None
    agreement_signed_on: Day | None = None


class Qualify(BaseModel):
    qualified: Flag
    note: str = Field(min_length=1)


class WorkerCreate(BaseModel):
    username: str
    vendor_id: IdRef | None = None
    is_manager: Flag = False
    grade: str | None = None
    languages: list[str] | None = None  # none given: those of the person's projects
    modalities: list[str] = []
    domains: list[str] = []
    devices: list[str] = []


class WorkerProfile(BaseModel):
    """What to change on a registered worker: each list given replaces the old one (an empty
    list clears it), one left out stays; ``grade`` only for in-house staff."""

    languages: list[Annotated[str, Field(max_length=35)]] | None = None
    modalities: list[Annotated[str, Field(max_length=64)]] | None = None
    domains: list[Annotated[str, Field(max_length=64)]] | None = None
    devices: list[Annotated[str, Field(max_length=64)]] | None = None
    grade: str | None = Field(None, min_length=1, max_length=64)


class IdentityCheck(BaseModel):
    document_ref: str


class TestDefine(BaseModel):
    golden: dict[IdKey, Annotated[str, Field(max_length=MAX_TEXT_CHARS)]]
    pass_threshold: Money
    metric: str | None = None  # the modality's first acceptance metric
    max_attempts: int | None = Field(
        None, ge=1, le=100, description="Attempts a worker may make (default 3; a revision "
        "without it keeps the test's); a manager may grant more.")
    cooldown_minutes: int | None = Field(
        None, ge=0, le=129600, description="Minutes between two attempts of one worker "
        "(default 0: none).")


class AttemptGrant(BaseModel):
    worker_id: int = Field(ge=1, le=2**63 - 1)
    note: str = Field("", max_length=2000)


class AttemptStanding(BaseModel):
    project_id: int
    worker_id: int
    attempts_used: int
    attempts_allowed: int
    attempts_left: int
    next_attempt_at: datetime | None


class Answers(BaseModel):
    answers: dict[IdKey, Annotated[str, Field(max_length=MAX_TEXT_CHARS)]]


class GoldenAdd(BaseModel):
    """Golden items with their known answers: ``answers`` keyed by item id or name (items
    checked and not yet worked on, which leave production), ``accepted`` item ids whose accepted
    annotation is the answer; a threshold (needed for a first test) or metric replaces the
    test's."""

    answers: dict[Annotated[str, Field(min_length=1, max_length=200)],
                  Annotated[str, Field(max_length=MAX_TEXT_CHARS)]] = {}
    accepted: list[IdRef] = []
    pass_threshold: Money | None = None
    metric: str | None = None


class GoldenRate(BaseModel):
    rate: Money


class Handoff(BaseModel):
    """``move``: take the package back from the vendor it is handed to, even one that still
    qualifies (one off the qualified list gives it up anyway)."""

    vendor_id: IdRef
    move: Flag = False


class WorkerActive(BaseModel):
    active: Flag
    reason: str = Field(default="", max_length=MAX_TEXT_CHARS)


class WorkerManager(BaseModel):
    is_manager: Flag


class WorkerMove(BaseModel):
    """``vendor_id`` None: in-house."""

    vendor_id: IdRef | None
    reason: str = Field(default="", max_length=MAX_TEXT_CHARS)


class Assign(BaseModel):
    worker_id: IdRef


class PriceSet(BaseModel):
    half_year: str
    stage: str
    modality: str
    language_group: str
    unit: str
    unit_price: Money
    vendor_id: IdRef | None = None
    reason: str | None = None


class SheetCreate(BaseModel):
    vendor_id: IdRef
    period_start: Day


class Settle(BaseModel):
    method: str = "bank_transfer"
    reference: str


class Void(BaseModel):
    """Why the sheet is voided (required, written)."""

    reason: str = Field(min_length=1, max_length=2000)


class Correction(BaseModel):
    """A ± adjustment of a confirmed sheet; ``project_id`` / ``stage`` name which of the
    sheet's project × stage it corrects (needed only when the sheet covers several)."""

    amount: Money
    reason: str
    project_id: IdRef | None = None
    stage: str | None = None


class PointsBook(BaseModel):
    worker_id: IdRef
    project_id: IdRef
    month: str
    points: Money


@router.post("/vendors", status_code=status.HTTP_201_CREATED)
def create_vendor_endpoint(body: VendorCreate, session: SessionDep, user: CurrentUser) -> VendorOut:
    return vendors.create_vendor(session, user, **body.model_dump())


@router.get("/vendors")
def list_vendors_endpoint(session: SessionDep, user: CurrentUser) -> list[VendorOut]:
    return vendors.list_vendors(session, user)


@router.get("/vendors/{vendor_id}")
def get_vendor_endpoint(vendor_id: Id, session: SessionDep, user: CurrentUser) -> VendorOut:
    return vendors.get_vendor(session, user, vendor_id)


@router.post("/vendors/{vendor_id}/qualification")
def qualify_vendor_endpoint(
    vendor_id: Id, body: Qualify, session: SessionDep, user: CurrentUser
) -> VendorOut:
    return vendors.set_vendor_qualified(session, user, vendor_id, body.qualified, body.note)


class Agreement(BaseModel):
    agreement_no: str = Field(min_length=1, max_length=64)
    signed_on: Day | None = None


@router.put("/vendors/{vendor_id}/agreement")
def vendor_agreement_endpoint(
    vendor_id: Id, body: Agreement, session: SessionDep, user: CurrentUser
) -> VendorOut:
    """File (or replace) the vendor's framework agreement (needed before it is qualified)."""
    return vendors.record_agreement(session, user, vendor_id, body.agreement_no, body.signed_on)


@router.get("/vendors/{vendor_id}/workers")
def vendor_workers_endpoint(
    vendor_id: Id, session: SessionDep, user: CurrentUser
) -> list[WorkerOut]:
    return vendors.list_workers(session, user, vendor_id)


@router.get("/vendors/{vendor_id}/packages")
def vendor_packages_endpoint(
    vendor_id: Id, session: SessionDep, user: CurrentUser
) -> list[PackageOut]:
    return assignment.list_vendor_packages(session, user, vendor_id)


@router.post("/vendors/{vendor_id}/evaluations/{year}")
def evaluate_vendor_endpoint(
    vendor_id: Id, year: Year, session: SessionDep, user: CurrentUser
) -> EvaluationOut:
    return performance.evaluate_vendor(session, user, vendor_id, year)


@router.post("/workers", status_code=status.HTTP_201_CREATED)
def register_worker_endpoint(
    body: WorkerCreate, session: SessionDep, user: CurrentUser
) -> WorkerOut:
    data = body.model_dump()
    person = get_user(session, data.pop("username"))
    return vendors.register_worker(session, user, person, **data)


@router.get("/workers")
def list_workers_endpoint(session: SessionDep, user: CurrentUser) -> list[WorkerOut]:
    """All workers (business) or your own vendor's (a vendor manager)."""
    return vendors.list_workers(session, user)


@router.post("/workers/{worker_id}/identity")
def identity_endpoint(
    worker_id: Id, body: IdentityCheck, session: SessionDep, user: CurrentUser
) -> WorkerOut:
    return vendors.verify_identity(session, user, worker_id, body.document_ref)


@router.patch("/workers/{worker_id}")
def worker_profile_endpoint(
    worker_id: Id, body: WorkerProfile, session: SessionDep, user: CurrentUser
) -> WorkerOut:
    """Change a worker's languages, modalities, domains, devices or (in-house) grade: the
    business, or their own vendor's manager (no grade). Audited."""
    return people.set_worker_profile(session, user, worker_id, **body.model_dump())


@router.put("/workers/{worker_id}/active")
def worker_active_endpoint(
    worker_id: Id, body: WorkerActive, session: SessionDep, user: CurrentUser
) -> WorkerOut:
    """Deactivate a worker (their holds released, their packages back to the pool) or put them
    back to work: the business, or their own vendor's manager."""
    return people.set_worker_active(session, user, worker_id, body.active, body.reason)


@router.put("/workers/{worker_id}/manager")
def worker_manager_endpoint(
    worker_id: Id, body: WorkerManager, session: SessionDep, user: CurrentUser
) -> WorkerOut:
    """Name a vendor's worker its manager (the business) or drop the flag (the business, or a
    manager of the same vendor)."""
    return people.set_worker_manager(session, user, worker_id, body.is_manager)


@router.put("/workers/{worker_id}/vendor")
def worker_move_endpoint(
    worker_id: Id, body: WorkerMove, session: SessionDep, user: CurrentUser
) -> WorkerOut:
    """Move a worker to another vendor or in-house (the business): what they held goes back
    to its pool and a manager flag is dropped."""
    return people.move_worker(session, user, worker_id, body.vendor_id, body.reason)


@router.get("/workers/{worker_id}/dashboard")
def dashboard_endpoint(worker_id: Id, session: SessionDep, user: CurrentUser) -> WorkerDashboard:
    return performance.worker_dashboard(session, user, worker_id)


@router.put(
    "/projects/{project_id}/qualification-test",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": QualificationTestOut, "description": "The test was revised"}},
)
def define_test_endpoint(
    project_id: Id, body: TestDefine, session: SessionDep, user: CurrentUser, response: Response
) -> QualificationTestOut:
    """Define the test (201) or, as its owner or an admin, revise it (200)."""
    test = qualification.define_qualification_test(
        session,
        user,
        project_id,
        body.golden,
        pass_threshold=body.pass_threshold,
        metric=body.metric,
        max_attempts=body.max_attempts,
        cooldown_minutes=body.cooldown_minutes,
    )
    if test.revision > 1:
        response.status_code = status.HTTP_200_OK
    return test


@router.get(
    "/projects/{project_id}/qualification-test",
    response_model=QualificationTestOut,
    responses={204: {"description": "The project has no qualification test"}},
)
def get_test_endpoint(project_id: Id, session: SessionDep, user: CurrentUser) -> object:
    """The test: for registered workers and the project's business side."""
    test = qualification.get_qualification_test(session, project_id, viewer=user)
    return test if test is not None else Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/projects/{project_id}/qualification-test/attempts", status_code=status.HTTP_201_CREATED
)
def attempt_endpoint(
    project_id: Id, body: Answers, session: SessionDep, user: CurrentUser
) -> AttemptOut:
    return qualification.take_qualification_test(session, user, project_id, body.answers)


@router.get("/projects/{project_id}/qualification-test/questions")
def questions_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser
) -> list[qualification.TestQuestion]:
    """The items a worker answers in the test: never the answers, nor a field that gives one
    away (``withheld`` names them); ``media`` serves each item's file."""
    return qualification.qualification_questions(session, user, project_id)


@router.get(
    "/projects/{project_id}/qualification-test/questions/{item_id}/media",
    response_class=FileResponse,
    responses=media_response("The question's media file (audio, an image ...)", "audio/wav",
                             "image/png", "application/octet-stream", binary=True)
    | problem_responses(503),
)
def question_media_endpoint(
    project_id: Id, item_id: Id, session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> FileResponse:
    """The file of one question's item, for whoever may see the questions."""
    item, name = qualification.question_item(session, user, project_id, item_id)
    return FileResponse(item_path(runtime.blobs, item), media_type=media_type_of(item.filename),
                        filename=name, content_disposition_type="inline")


@router.post("/projects/{project_id}/qualification-test/grants",
             status_code=status.HTTP_201_CREATED)
def grant_attempt_endpoint(
    project_id: Id, body: AttemptGrant, session: SessionDep, user: CurrentUser
) -> AttemptStanding:
    """Grant a worker one more attempt (also lifting a cool-down): the project's manager or
    the worker's vendor manager."""
    got = retakes.grant_attempt(session, user, project_id, body.worker_id, body.note)
    return AttemptStanding(project_id=project_id, worker_id=body.worker_id,
                           attempts_used=got.attempts_used,
                           attempts_allowed=got.attempts_allowed,
                           attempts_left=got.attempts_left, next_attempt_at=got.next_attempt_at)


@router.get("/projects/{project_id}/qualification-test/attempts")
def attempts_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser, worker_id: IdQuery = None
) -> list[qualification.AttemptResult]:
    """Results: a worker's own, a vendor manager's workers', everyone's for the business."""
    return qualification.list_attempts(session, user, project_id, worker_id)


@router.get("/projects/{project_id}/golden-items")
def golden_items_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser
) -> list[golden.GoldenItem]:
    """The golden items with their known answers (the project's business side)."""
    return golden.list_golden_items(session, user, project_id)


@router.post("/projects/{project_id}/golden-items")
def add_golden_endpoint(
    project_id: Id, body: GoldenAdd, session: SessionDep, user: CurrentUser
) -> QualificationTestOut:
    """Make items golden with their known answers (a new revision of the test)."""
    qualification.require_project_manager(session, user, project_id, "add golden items")
    answers = (qualification.golden_answers_by_reference(session, project_id, body.answers)
               if body.answers else None)
    return golden.add_golden_items(session, user, project_id, answers=answers,
                                   accepted=body.accepted, pass_threshold=body.pass_threshold,
                                   metric=body.metric)


@router.delete("/projects/{project_id}/golden-items/{item_id}")
def remove_golden_endpoint(
    project_id: Id, item_id: Id, session: SessionDep, user: CurrentUser
) -> QualificationTestOut:
    """Take an item out of the golden set; one set aside returns to production."""
    return golden.remove_golden_items(session, user, project_id, [item_id])


@router.get("/projects/{project_id}/golden-rate")
def get_golden_rate_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser
) -> GoldenRate:
    qualification.require_project_manager(session, user, project_id, "see golden rates")
    return GoldenRate(rate=str(golden.golden_rate(session, project_id)))


@router.put("/projects/{project_id}/golden-rate")
def set_golden_rate_endpoint(
    project_id: Id, body: GoldenRate, session: SessionDep, user: CurrentUser
) -> GoldenRate:
    """The share of annotate claims served as silent golden checks (0 turns it off)."""
    return GoldenRate(rate=str(golden.set_golden_rate(session, user, project_id, body.rate)))


@router.get("/projects/{project_id}/golden-accuracy")
def golden_accuracy_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser
) -> list[WorkerAccuracyOut]:
    """Each worker's running accuracy on golden checks and qualification standing."""
    return golden.project_accuracy(session, user, project_id)


@router.post("/packages/{package_id}/vendor")
def handoff_endpoint(
    package_id: Id, body: Handoff, session: SessionDep, user: CurrentUser
) -> PackageOut:
    """Hand to a qualified vendor with someone for the package's stage (409 otherwise)."""
    return assignment.hand_package_to_vendor(session, user, package_id, body.vendor_id,
                                             move=body.move)


@router.delete("/packages/{package_id}/vendor")
def take_back_endpoint(
    package_id: Id, session: SessionDep, user: CurrentUser,
    reason: Annotated[str, Query(max_length=MAX_TEXT_CHARS)] = "",
) -> PackageOut:
    """Take the package back from its vendor: the vendor's people's holds on its open tasks
    are released (``released_tasks``), submitted work stays; it is in-house work again."""
    return assignment.take_back_package(session, user, package_id, reason)


@router.post("/packages/{package_id}/worker")
def assign_endpoint(
    package_id: Id, body: Assign, session: SessionDep, user: CurrentUser
) -> PackageOut:
    """Assign to a worker: vendor wall, skills and qualification are checked (409: unqualified)."""
    return assignment.assign_package_to_worker(session, user, package_id, body.worker_id)


@router.post("/prices", status_code=status.HTTP_201_CREATED)
def set_price_endpoint(body: PriceSet, session: SessionDep, user: CurrentUser) -> PriceOut:
    return pricing.set_price(session, user, **body.model_dump())


@router.get("/prices")
def list_prices_endpoint(
    session: SessionDep, user: CurrentUser, half_year: str | None = None, flagged: FlagQuery = False
) -> list[PriceOut]:
    return pricing.list_prices(session, user, half_year, flagged_only=flagged)


@router.post("/settlements", status_code=status.HTTP_201_CREATED)
def create_sheet_endpoint(
    body: SheetCreate, session: SessionDep, user: CurrentUser
) -> SettlementSheetOut:
    """Draw up (or redraw the draft of) a vendor's sheet; refused (409 ``paid_by_claims``)
    for work a live data-service claim naming the vendor already pays."""
    return paid_once.draw_sheet(session, user, body.vendor_id, body.period_start)


@router.get("/settlements")
def list_sheets_endpoint(
    session: SessionDep, user: CurrentUser, vendor_id: IdQuery = None
) -> list[SettlementSheetOut]:
    return settlement.list_sheets(session, user, vendor_id)


@router.get("/settlement-periods")
def list_settlement_periods_endpoint(
    session: SessionDep, user: CurrentUser, vendor_id: IdQuery = None
) -> list[SettlementPeriodOut]:
    """The settlement periods (months), newest first: each one's status in the books (open,
    prepared, closed, reopened: by whom, when, why), the sheets in it that ``GET /settlements``
    shows the caller (a vendor manager: their own vendor's), their totals, and whether the caller
    may void each sheet or reopen the period; refused as ``GET /settlements`` refuses."""
    return settlement_periods(session, user, vendor_id)


@router.get("/settlements/{sheet_id}")
def get_sheet_endpoint(sheet_id: Id, session: SessionDep, user: CurrentUser) -> SettlementSheetOut:
    return settlement.get_sheet(session, user, sheet_id)


@router.get(
    "/settlements/{sheet_id}/csv",
    response_class=Response,
    responses=media_response("The sheet as CSV", "text/csv"),
)
def sheet_csv_endpoint(sheet_id: Id, session: SessionDep, user: CurrentUser) -> Response:
    return Response(
        settlement.sheet_csv(session, user, sheet_id), media_type="text/csv; charset=utf-8"
    )


@router.get(
    "/settlements/{sheet_id}/html",
    response_class=Response,
    responses=media_response("The sheet as a printable page", "text/html"),
)
def sheet_html_endpoint(
    sheet_id: Id, session: SessionDep, user: CurrentUser,
    lang: Annotated[str | None, Query(max_length=35, description=(
        "The sheet's language: en or zh-CN (any zh tag prints zh-CN); without it the "
        "Accept-Language header chooses, else English."))] = None,
    accept_language: Annotated[str | None, Header(max_length=500)] = None,
) -> Response:
    """The sheet as one printable page (signature boxes for both sides) in en or zh-CN: the
    web's printed sheet, in the same words."""
    code = sheet_language(lang, accept_language)
    return Response(
        settlement.sheet_html(session, user, sheet_id, code),
        media_type="text/html; charset=utf-8", headers={"Content-Language": code},
    )


@router.post("/settlements/{sheet_id}/vendor-confirmation")
def vendor_confirm_endpoint(
    sheet_id: Id, session: SessionDep, user: CurrentUser
) -> SettlementSheetOut:
    return settlement.confirm_sheet_by_vendor(session, user, sheet_id)


@router.post("/settlements/{sheet_id}/confirmation")
def business_confirm_endpoint(
    sheet_id: Id, session: SessionDep, user: CurrentUser
) -> SettlementSheetOut:
    return settlement.confirm_sheet_by_business(session, user, sheet_id)


@router.post("/settlements/{sheet_id}/settle")
def settle_endpoint(
    sheet_id: Id, body: Settle, session: SessionDep, user: CurrentUser
) -> SettlementSheetOut:
    """Record the bank payment of a confirmed sheet; refused (409 ``sheet_cost_not_booked``)
    while the ledger has not booked and posted its cost."""
    return paid_once.pay_sheet(session, user, sheet_id, method=body.method,
                               reference=body.reference)


@router.post("/settlements/{sheet_id}/void")
def void_endpoint(
    sheet_id: Id, body: Void, session: SessionDep, user: CurrentUser
) -> SettlementSheetOut:
    """Void a sheet drawn or confirmed but not paid, with a reason: it stays (status
    ``voided``) and its work is payable again; a paid sheet is refused (409 ``sheet_paid``),
    so is one with live corrections (409 ``sheet_corrected``)."""
    return settlement.void_sheet(session, user, sheet_id, body.reason)


@router.post("/settlements/{sheet_id}/corrections", status_code=status.HTTP_201_CREATED)
def correction_endpoint(
    sheet_id: Id, body: Correction, session: SessionDep, user: CurrentUser
) -> SettlementSheetOut:
    return settlement.create_correction_sheet(
        session, user, sheet_id, body.amount, body.reason, project_id=body.project_id,
        stage=body.stage,
    )


@router.put("/hour-points")
def book_points_endpoint(body: PointsBook, session: SessionDep, user: CurrentUser) -> HourPointsOut:
    return hour_points.book_points(
        session, user, body.worker_id, body.project_id, body.month, body.points
    )


class WorkingDaysSet(BaseModel):
    days: int


@router.put("/working-days/{month}")
def working_days_endpoint(
    month: str, body: WorkingDaysSet, session: SessionDep, user: CurrentUser
) -> WorkingDaysOut:
    """Record a month's real working days (public holidays): its hour-point cap is 8 × them."""
    hour_points.set_working_days(session, user, month, body.days)
    return hour_points.working_days_out(session, month)


FromDay = Annotated[date | None, Query(alias="from", ge=MIN_DAY, le=MAX_DAY), ISO_DAY]
ToDay = Annotated[date | None, Query(alias="to", ge=MIN_DAY, le=MAX_DAY), ISO_DAY]


@router.get("/reports/output-ratio")
def output_ratio_endpoint(
    session: SessionDep, user: CurrentUser, project_id: IdQuery = None,
    date_from: FromDay = None, date_to: ToDay = None,
) -> list[BudgetedRatioRow]:
    """Annotation-output ratio achieved (hours of work per unit of data), per project and
    stage, beside the ratio its approved budget used (self-test, agreement or plan)."""
    throughput.report_scope(session, user)
    return output_ratio_beside_budget(session, project_id=project_id, date_from=date_from,
                                      date_to=date_to, reader=user)


@router.get("/reports/vendor-throughput")
def vendor_throughput_endpoint(
    session: SessionDep, user: CurrentUser, project_id: IdQuery = None,
    date_from: FromDay = None, date_to: ToDay = None,
) -> list[throughput.VendorThroughputRow]:
    """Vendor throughput per vendor, project and stage (a vendor manager: their own vendor)."""
    vendor = throughput.report_scope(session, user, vendor_only=True)
    return throughput.vendor_throughput(session, project_id=project_id, vendor_id=vendor,
                                        date_from=date_from, date_to=date_to, reader=user)
