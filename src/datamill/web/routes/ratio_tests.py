"""The annotation-output ratio section of a project's accounts page (``/projects/{id}/finance``):
start a pre-start self-test (a sample of item ids, in-house workers by username), measure it,
record a customer-agreed ratio, apply a ratio to the draft budget. Each form calls the service
that ``POST /ledger/.../ratio-tests`` and ``datamill ledger ratio-test`` call (writers of the
books cleared for the project); a coded refusal (``budget_not_draft`` ...) shows on the page in
its language. ``project_id`` is the production project, as on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.compliance.users import get_user
from datamill.core.errors import Conflict, DatamillError, InvalidInput
from datamill.core.storable import digits
from datamill.http_deps import SessionDep
from datamill.ledger import ratio_tests
from datamill.ledger.access import missing_books, require_books_page_reader
from datamill.ledger.projects import ledger_project_id_for
from datamill.modalities.problem_words import word_reason
from datamill.web.routes._common import HtmlRoute, SignedIn, WebUser, page_language, require_csrf
from datamill.web.routes.ledger import render_project_page

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
Token = Annotated[str, Form()]
_SPLIT = re.compile(r"[\s,，、]+")


def _books(session: Session, me: SignedIn, project_id: int) -> int:
    require_books_page_reader(session, me.user, project_id)  # before the lookup
    lp = ledger_project_id_for(session, project_id)
    if lp is None:
        raise missing_books(project_id)
    return lp


def _words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text.strip()) if w]


def _item_ids(text: str) -> list[int]:
    words = _words(text)
    bad = [w for w in words if not digits(w) or len(w) > 18]
    if bad:
        raise InvalidInput(f"item ids are numbers: {', '.join(bad[:5])}", field="item_ids")
    return [int(w) for w in words]


def _done(request: Request, session: Session, me: SignedIn, project_id: int, what: str,
          act: Callable[[], object]) -> Response:
    """Run ``act`` (a callable doing one service call) in a savepoint; on a refusal show the
    page with it, worded in the page's language."""
    try:
        with session.begin_nested():
            act()
    except (Conflict, InvalidInput) as exc:
        said = word_reason(exc.details, page_language(request)) or exc.message
        return render_project_page(request, session, me, project_id, None, ratio_error=said,
                                   status_code=409 if isinstance(exc, Conflict) else 422)
    return RedirectResponse(f"/projects/{project_id}/finance?ratio_ok={what}#ratio-tests",
                            status_code=303)


@router.post("/projects/{project_id}/finance/ratio-tests")
def start(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    items: Annotated[str, Form(max_length=20_000)] = "",
    workers: Annotated[str, Form(max_length=4_000)] = "",
    stage: Annotated[str, Form(max_length=32)] = "annotate", csrf_token: Token = "",
) -> Response:
    """Open a self-test: the sample's item ids and the in-house workers' usernames."""
    require_csrf(request, me, csrf_token)
    lp = _books(session, me, project_id)

    def act() -> None:
        try:
            ids = [get_user(session, name).id for name in _words(workers)]
        except DatamillError as err:
            raise InvalidInput(err.message, field="workers") from err
        ratio_tests.start_self_test(session, me.user, lp, item_ids=_item_ids(items),
                                    worker_ids=ids, stage=stage)

    return _done(request, session, me, project_id, "started", act)


@router.post("/projects/{project_id}/finance/ratio-tests/{test_id}/measure")
def measure(
    request: Request, project_id: int, test_id: int, session: SessionDep, me: WebUser,
    csrf_token: Token = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    lp = _books(session, me, project_id)
    return _done(request, session, me, project_id, "measured",
                 lambda: ratio_tests.measure_self_test(session, me.user, test_id, project_id=lp))


@router.post("/projects/{project_id}/finance/agreed-ratio")
def agree(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    ratio: Annotated[str, Form(max_length=32)], note: Annotated[str, Form(max_length=2000)] = "",
    stage: Annotated[str, Form(max_length=32)] = "annotate", csrf_token: Token = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    lp = _books(session, me, project_id)
    return _done(request, session, me, project_id, "agreed",
                 lambda: ratio_tests.record_agreed_ratio(session, me.user, lp, ratio=ratio.strip(),
                                                         note=note, stage=stage))


@router.post("/projects/{project_id}/finance/ratio-tests/{test_id}/apply")
def apply(
    request: Request, project_id: int, test_id: int, session: SessionDep, me: WebUser,
    csrf_token: Token = "",
) -> Response:
    """Set the draft budget's annotation line from the ratio (a non-draft budget is refused)."""
    require_csrf(request, me, csrf_token)
    lp = _books(session, me, project_id)
    return _done(request, session, me, project_id, "applied",
                 lambda: ratio_tests.apply_ratio(session, me.user, test_id, project_id=lp))
