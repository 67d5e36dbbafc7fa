"""The subject's collection page, ``/collect/<token>``: no account, the invitation token is the
key (scoped to one subject of one project, expiring, revocable; see
:mod:`datamill.collection.staff`). The page verifies the token, then its script
(``static/collect.js``) talks to ``/api/v1/collect/visit`` with the token in the
``X-Collect-Token`` header: consent, demographics, and one recording per prompt, captured with
Web Audio and uploaded as PCM WAV at the spec's sample rate and bit depth. Answers are never cached and
the page sends no referrer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from datamill.collection.quotas import collection_spec
from datamill.collection.subject import collection_state, visit
from datamill.core.errors import Unauthorized
from datamill.http_deps import SessionDep
from datamill.production.quota_words import quota_cell_words
from datamill.web.i18n import t
from datamill.web.i18n_collect import JS_KEYS
from datamill.web.routes._common import HtmlRoute, error_page, page_language, render

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
TokenPath = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/collect/{token}", response_class=HTMLResponse)
def collect_page(request: Request, token: TokenPath, session: SessionDep) -> HTMLResponse:
    lang = page_language(request)
    try:
        state = collection_state(session, token)
    except Unauthorized as err:  # the subject has no account: say what is wrong with the link
        key = f"collect.err.{err.details.get('reason_code', 'invalid_link')}"
        resp = error_page(request, 401, t(key, lang) if t(key, lang) != key else err.message,
                          code="collect_link")
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["Referrer-Policy"] = "no-referrer"
        return resp
    spec = collection_spec(visit(session, token).project)
    session.commit()
    # English pages show the checks' own sentences (with the figures); others the advice
    strings = {k: t(k, lang) for k in JS_KEYS if lang != "en" or not k.startswith("collect.fix.")}
    # a full cell's refusal names it by its code label: the page says it in words
    cells = {c.label: quota_cell_words(lang, c.dimensions(), c.name) for c in spec.cells} \
        if spec else {}
    resp = render(request, "collect.html", None, state=state, token=token, strings=strings,
                  cells=cells)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp
