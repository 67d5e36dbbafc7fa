"""Workforce pages: the vendor manager's page, a worker's earnings, the business side's lists.

Every read and write goes through the workforce services, which hold the vendor wall: a vendor
manager reaching another vendor's vendor, workers, packages or sheets gets the 403 page, or,
for another vendor's vendor, worker or sheet addressed by its id, the page of a missing one. A
refused distribution (unqualified worker, wrong skills) is shown on the page as a message and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill import paid_once
from datamill.business_clock import business_today
from datamill.compliance.classification import hidden_project_ids
from datamill.compliance.models import User
from datamill.core.errors import Conflict, DatamillError, Forbidden, InvalidInput, NotFound
from datamill.http_deps import SessionDep
from datamill.modalities.problem_words import word_error
from datamill.settlement_periods import settlement_periods
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    page_language,
    render,
    require_csrf,
)
from datamill.workforce import assignment, performance, settlement, vendors, views
from datamill.workforce.policies import (
    is_business,
    managed_vendor_id,
    manages_workforce,
    pays_vendors,
    reads_vendor_list,
    require_business,
    require_payer,
)
from datamill.workforce.sheet_print import fee_percent, line_description

__all__ = ["router"]

router = APIRouter(prefix="/workforce", route_class=HtmlRoute, include_in_schema=False)

# ?ok=... on a redirect names the i18n key of the success message (never free text)
_OK = {
    "distributed": "wf.ok.distributed",
    "vendor_confirmed": "wf.ok.vendor_confirmed",
    "confirmed": "wf.ok.confirmed",
    "evaluated": "wf.ok.evaluated",
    "drawn": "wf.ok.drawn",
    "settled": "wf.ok.settled",
    "voided": "wf.ok.voided",
    "corrected": "wf.ok.corrected",
}


# --- helpers ----------------------------------------------------------------------------------


def _refusable(
    session: Session, call: Callable[[], object], lang: str = "en", *, missing: bool = True
) -> str | None:
    """Run a write in a savepoint; a refusal (not a 403) comes back as its sentence in the
    page's language ``lang`` (the coded refusals' words, as every face words them), undone.
    ``missing``: an object named in the form that is not there is such a refusal too (a
    package or worker picked on the page); False where the path names the object acted on (a
    sheet): then it answers 404, as the API does."""
    refusals: tuple[type[DatamillError], ...] = (
        (Conflict, InvalidInput, NotFound) if missing else (Conflict, InvalidInput))
    try:
        with session.begin_nested():
            call()
    except Forbidden:
        raise
    except refusals as exc:
        return word_error(exc.message, exc.details, lang)[0]
    return None


def _render(
    request: Request, session: Session, me: SignedIn, name: str, status_code: int = 200,
    **context: Any,
) -> Response:
    """``render`` plus the vendor this person manages (for the section's links)."""
    return render(request, name, me, status_code=status_code,
                  manages=managed_vendor_id(session, me.user), **context)


def _redirect(url: str, ok: str) -> Response:
    return RedirectResponse(f"{url}?ok={ok}", status_code=303)


# --- entry ------------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def workforce_home(session: SessionDep, me: WebUser) -> Response:
    """Send each person to their workforce page: business lists, vendor page or earnings."""
    if is_business(me.user):
        return RedirectResponse("/workforce/vendors", status_code=303)
    mine = managed_vendor_id(session, me.user)
    if mine is not None:
        return RedirectResponse(f"/workforce/vendors/{mine}", status_code=303)
    return RedirectResponse("/workforce/me", status_code=303)


# --- vendor manager ---------------------------------------------------------------------------


def _vendor_page(
    request: Request, session: Session, me: SignedIn, vendor_id: int,
    *, error: str | None = None, ok: str | None = None, status_code: int = 200,
) -> Response:
    vendor = vendors.get_vendor(session, me.user, vendor_id)  # the vendor wall: 404/403 here
    # finance, who pays every vendor, reads the vendor and its sheets, not its people's work
    full = is_business(me.user) or managed_vendor_id(session, me.user) == vendor_id
    packages = assignment.list_vendor_packages(session, me.user, vendor_id) if full else None
    people = vendors.list_workers(session, me.user, vendor_id) if full else []
    sheets = settlement.list_sheets(session, me.user, vendor_id)
    return _render(
        request, session, me, "workforce_vendor.html", status_code=status_code, vendor=vendor,
        packages=None if packages is None else views.package_rows(
            session, packages, hidden_project_ids(session, me.user)),
        workers=people if full else None,
        distributable=[w for w in people if not w.is_manager and w.active],
        sheets=sheets, is_manager=managed_vendor_id(session, me.user) == vendor_id,
        business=is_business(me.user), error=error, ok=_OK.get(ok or ""),
    )


@router.get("/vendors/{vendor_id}", response_class=HTMLResponse)
def vendor_page(
    request: Request, vendor_id: int, session: SessionDep, me: WebUser, ok: str | None = None
) -> Response:
    return _vendor_page(request, session, me, vendor_id, ok=ok)


@router.post("/vendors/{vendor_id}/distribute", response_class=HTMLResponse)
def distribute(
    request: Request,
    vendor_id: int,
    session: SessionDep,
    me: WebUser,
    package_id: Annotated[int, Form()],
    worker_id: Annotated[int, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Hand one of the vendor's packages to one of its workers (vendor wall + qualification)."""
    require_csrf(request, me, csrf_token)
    vendors.get_vendor(session, me.user, vendor_id)  # the wall, before anything else
    refused = _refusable(
        session,
        lambda: assignment.assign_package_to_worker(session, me.user, package_id, worker_id),
    )
    if refused is not None:
        return _vendor_page(request, session, me, vendor_id, error=refused, status_code=409)
    return _redirect(f"/workforce/vendors/{vendor_id}", "distributed")


@router.post("/sheets/{sheet_id}/vendor-confirm")
def vendor_confirm(
    request: Request, sheet_id: int, session: SessionDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    sheet = settlement.sheet_head(session, me.user, sheet_id)  # another vendor's: as missing
    refused = _refusable(session, lambda: settlement.confirm_sheet_by_vendor(session, me.user,
                                                                             sheet_id),
                         page_language(request), missing=False)
    if refused is not None:
        return _vendor_page(request, session, me, sheet.vendor_id, error=refused,
                            status_code=409)
    return _redirect(f"/workforce/vendors/{sheet.vendor_id}", "vendor_confirmed")


@router.get("/sheets/{sheet_id}/print", response_class=HTMLResponse)
def sheet_print(request: Request, sheet_id: int, session: SessionDep, me: WebUser) -> Response:
    """The printable sheet the vendor signs (self-contained HTML with signature boxes), in the
    page's language: projects and workers by name, times to the minute."""
    sheet = settlement.get_sheet(session, me.user, sheet_id)  # the vendor wall: 404/403 here
    hidden = hidden_project_ids(session, me.user)
    projects = views.project_names(
        session, {ln.project_id for ln in sheet.lines if ln.project_id is not None} - hidden)
    workers = views.worker_names(
        session, {ln.worker_id for ln in sheet.lines if ln.worker_id is not None})
    corrects = (settlement.get_sheet(session, me.user, sheet.corrects_sheet_id).number
                if sheet.corrects_sheet_id is not None else None)
    return render(request, "workforce_sheet_print.html", me, sheet=sheet, corrects=corrects,
                  vendor=views.vendor_names(session).get(sheet.vendor_id, str(sheet.vendor_id)),
                  projects=projects, workers=workers, tdesc=line_description,
                  fee_percent=fee_percent)


@router.get("/sheets/{sheet_id}/csv")
def sheet_csv(sheet_id: int, session: SessionDep, me: WebUser) -> Response:
    sheet = settlement.sheet_head(session, me.user, sheet_id)  # the wall, without the lines
    return Response(
        settlement.sheet_csv(session, me.user, sheet_id), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{sheet.number}.csv"'},
    )


# --- workers ----------------------------------------------------------------------------------


def _worker_page(request: Request, session: Session, me: SignedIn, worker_id: int) -> Response:
    board = performance.worker_dashboard(session, me.user, worker_id)  # vendor wall inside
    worker = vendors.get_worker(session, worker_id)
    golden = _golden_accuracy(session, me.user, worker_id)
    # a company's or studio's worker is paid by their vendor: the vendor's contract money is
    # shown only to those who may see it (the business side, the vendor's manager)
    money = board.paid_by != "vendor" or board.vendor_amount is not None
    periods = (views.earnings_by_period(session, worker_id, worker.vendor_id is None) if money
               else views.accepted_by_period(session, worker_id))
    vendor = (views.vendor_names(session).get(worker.vendor_id, str(worker.vendor_id))
              if worker.vendor_id is not None else None)
    return _render(
        request, session, me, "workforce_worker.html", board=board, own=worker.user_id == me.user.id,
        vendor_id=worker.vendor_id, vendor_name=vendor, golden=golden, money=money,
        lines=views.worker_settlement_lines(session, worker_id, with_money=money),
        chart={"periods": periods},
    )


def _golden_accuracy(session: Session, actor: User, worker_id: int) -> Any:
    try:
        from datamill.workforce.golden import golden_accuracy
    except ImportError:  # pragma: no cover - golden mixing is optional
        return None
    return golden_accuracy(session, actor, worker_id)


@router.get("/me", response_class=HTMLResponse)
def my_earnings(request: Request, session: SessionDep, me: WebUser) -> Response:
    """'My earnings': the signed-in worker's own dashboard; someone not registered as a worker
    (yet) gets the page saying so, never a 404."""
    worker = vendors.find_worker_of_user(session, me.user.id)
    if worker is None:
        return _render(request, session, me, "workforce_worker.html", board=None, own=True,
                       lines=[], chart={"periods": []}, golden=None, vendor_id=None,
                       vendor_name=None, money=True)
    return _worker_page(request, session, me, worker.id)


@router.get("/workers/{worker_id}", response_class=HTMLResponse)
def worker_page(request: Request, worker_id: int, session: SessionDep, me: WebUser) -> Response:
    return _worker_page(request, session, me, worker_id)


# --- business side ----------------------------------------------------------------------------


@router.get("/vendors", response_class=HTMLResponse)
def vendors_page(
    request: Request, session: SessionDep, me: WebUser, year: int | None = None,
    ok: str | None = None,
) -> Response:
    """The supplier list: qualified status and the yearly evaluation's numbers."""
    if not reads_vendor_list(session, me.user):
        require_business(me.user, "see the supplier list", read=True)
    year = year or business_today().year
    return _render(
        request, session, me, "workforce_vendors.html", vendors=vendors.list_vendors(session, me.user),
        evaluations=views.evaluations_by_vendor(session, year), year=year, ok=_OK.get(ok or ""),
        fee_percent=fee_percent, writes=manages_workforce(me.user),  # finance, auditors: read
    )


@router.post("/vendors/{vendor_id}/evaluate")
def evaluate(
    request: Request, vendor_id: int, session: SessionDep, me: WebUser,
    year: Annotated[int, Form()], csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    performance.evaluate_vendor(session, me.user, vendor_id, year)
    return RedirectResponse(f"/workforce/vendors?year={year}&ok=evaluated", status_code=303)


@router.get("/sheets", response_class=HTMLResponse)
def sheets_page(
    request: Request, session: SessionDep, me: WebUser, ok: str | None = None
) -> Response:
    """The settlement sheets the reader may see, by the API's rule (``GET /settlements``):
    finance (who pays them) and those who see every vendor get all, a vendor's manager their own
    vendor's, anyone else the 403 page; with the actions their role allows (draw up, confirm,
    record the payment)."""
    return _sheets(request, session, me, ok=ok)


def _sheets(
    request: Request, session: Session, me: SignedIn, *, ok: str | None = None,
    error: str | None = None, status_code: int = 200,
) -> Response:
    sheets = settlement.list_sheets(session, me.user)  # the API's rule, the API's 403
    draws = manages_workforce(me.user)
    return _render(
        request, session, me, "workforce_sheets.html", status_code=status_code,
        sheets=sheets, names=views.vendor_names(session),
        every_vendor=pays_vendors(session, me.user) or is_business(me.user),
        business_confirm=draws, settles=pays_vendors(session, me.user),
        draw_vendors=vendors.list_vendors(session, me.user) if draws else [],
        ok=_OK.get(ok or ""), error=error,
    )


@router.get("/periods", response_class=HTMLResponse)
def periods_page(request: Request, session: SessionDep, me: WebUser) -> Response:
    """The settlement periods (months), newest first: each one's close (open, prepared, closed,
    reopened: by whom, when), the sheets in it the reader sees and their totals, with links to
    each sheet and to the void and reopen actions the reader may take: ``GET
    /settlement-periods``'s service call (its rule and its 403 are ``GET /settlements``')."""
    periods = settlement_periods(session, me.user)
    return _render(request, session, me, "workforce_periods.html", periods=periods,
                   names=views.vendor_names(session),
                   every_vendor=pays_vendors(session, me.user) or is_business(me.user))


@router.post("/sheets/draw")
def draw_sheet(
    request: Request, session: SessionDep, me: WebUser,
    vendor_id: Annotated[int, Form()], period_start: Annotated[date, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Draw up (or redraw a draft of) a vendor's sheet for the period starting on
    ``period_start``: ``POST /settlements``'s service call."""
    require_csrf(request, me, csrf_token)
    require_business(me.user, "draw up settlement sheets")
    def draw() -> None:  # as POST /settlements: never for work a claim already pays
        paid_once.draw_sheet(session, me.user, vendor_id, period_start)

    refused = _refusable(session, draw, page_language(request))
    if refused is not None:
        return _sheets(request, session, me, error=refused, status_code=409)
    return _redirect("/workforce/sheets", "drawn")


@router.post("/sheets/{sheet_id}/settle")
def settle(
    request: Request, sheet_id: int, session: SessionDep, me: WebUser,
    reference: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Record the bank payment of a sheet confirmed by both sides (finance):
    ``POST /settlements/{id}/settle``'s service call."""
    require_csrf(request, me, csrf_token)
    require_payer(session, me.user, "record the payment of settlement sheets")
    settlement.sheet_head(session, me.user, sheet_id)  # one that does not exist: 404, not 409
    def pay() -> None:  # as POST /settlements/{id}/settle: paid once the ledger booked it
        paid_once.pay_sheet(session, me.user, sheet_id, reference=reference)

    refused = _refusable(session, pay, page_language(request), missing=False)
    if refused is not None:
        return _sheets(request, session, me, error=refused, status_code=409)
    return _redirect("/workforce/sheets", "settled")


@router.post("/sheets/{sheet_id}/void")
def void(
    request: Request, sheet_id: int, session: SessionDep, me: WebUser,
    reason: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Void a sheet drawn or confirmed but not paid, with a reason (the business side):
    ``POST /settlements/{id}/void``'s service call; a refusal (a paid sheet) in the page's
    language."""
    require_csrf(request, me, csrf_token)
    require_business(me.user, "void settlement sheets")
    settlement.sheet_head(session, me.user, sheet_id)  # one that does not exist: 404, not 409
    refused = _refusable(session, lambda: settlement.void_sheet(session, me.user, sheet_id,
                                                                reason),
                         page_language(request), missing=False)
    if refused is not None:
        return _sheets(request, session, me, error=refused, status_code=409)
    return _redirect("/workforce/sheets", "voided")


@router.post("/sheets/{sheet_id}/correct")
def correct(  # noqa: PLR0913 - the correction's form fields
    request: Request, sheet_id: int, session: SessionDep, me: WebUser,
    amount: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
    project_id: Annotated[str, Form()] = "", stage: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Correct a confirmed or paid sheet (the business side): ``POST
    /settlements/{id}/corrections``'s service call, with its rules (a deduction never below
    zero, an addition never more than the sheet paid for the line); a refusal in the page's
    language."""
    require_csrf(request, me, csrf_token)
    require_business(me.user, "correct settlement sheets")
    settlement.sheet_head(session, me.user, sheet_id)  # one that does not exist: 404, not 409
    pid = int(project_id) if project_id.strip().isdigit() else None
    refused = _refusable(session, lambda: settlement.create_correction_sheet(
        session, me.user, sheet_id, amount.strip(), reason, project_id=pid,
        stage=stage.strip() or None), page_language(request), missing=False)
    if refused is not None:
        return _sheets(request, session, me, error=refused, status_code=409)
    return _redirect("/workforce/sheets", "corrected")


@router.post("/sheets/{sheet_id}/confirm")
def business_confirm(
    request: Request, sheet_id: int, session: SessionDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    require_business(me.user, "confirm settlement sheets")
    settlement.sheet_head(session, me.user, sheet_id)  # one that does not exist: 404, not 409
    refused = _refusable(session, lambda: settlement.confirm_sheet_by_business(session, me.user,
                                                                               sheet_id),
                         page_language(request), missing=False)
    if refused is not None:
        return _sheets(request, session, me, error=refused, status_code=409)
    return _redirect("/workforce/sheets", "confirmed")
