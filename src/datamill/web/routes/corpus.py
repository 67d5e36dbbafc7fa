"""The corpus design page (``/corpus``): a PM pastes or uploads a pool of candidate sentences,
sets the number of prompts, the unit kinds (with weights) and the filters, and sees the coverage
curves (chosen vs a random set of the same size) as SVG charts, the chosen prompts and the
rejected sentences with reasons.

The same service answers ``POST /api/v1/corpus/select`` and ``datamill corpus select``; the page
stores nothing. Open to whoever may design projects (``create_project``). Request bodies above
the server's limit are refused with 413 before this handler runs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from datamill.compliance.roles import Action, allowed
from datamill.core.errors import DatamillError, Forbidden, InvalidInput
from datamill.core.storable import digits
from datamill.corpus.analysis import KINDS, Filters
from datamill.corpus.design import DesignOptions, design_corpus_apart, read_pool
from datamill.corpus.report import coverage_svg
from datamill.web.i18n import translator
from datamill.web.routes._common import (
    FormFlag,
    HtmlRoute,
    SignedIn,
    WebUser,
    page_language,
    render,
    require_csrf,
)

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
ALL_KINDS = ("phone", "diphone", "syllable", "initial", "final")
_DEFAULT_UNITS = {"en": ("phone", "diphone"), "zh": ("syllable", "diphone")}


def _require(me: SignedIn) -> None:
    if not allowed(me.user.role, Action.CREATE_PROJECT):
        raise Forbidden(f"role {me.user.role!r} may not design corpora")


def _form_defaults() -> dict[str, Any]:
    return {"lang": "zh", "n": 100, "units": list(_DEFAULT_UNITS["zh"]), "weights": {},
            "pool_text": "", "sensitive": "", "min_length": "", "max_length": "",
            "max_char_rank": 4500, "near_duplicate": 0.8, "allow_oov": False,
            "allow_digits": False, "target": ""}


def _page(request: Request, me: SignedIn, form: dict[str, Any], *, status_code: int = 200,
          error: str | None = None, report: dict[str, Any] | None = None) -> Response:
    charts: list[Markup] = []
    if report is not None:
        t = translator(page_language(request))
        labels = {k: t(f"corpus.chart.{k}") for k in ("chosen", "random", "x", "y")}
        for kind, curves in report["curves"].items():
            svg = coverage_svg(t(f"corpus.kind.{kind}"), curves,
                               report["coverage"][kind]["available"], labels)
            charts.append(Markup(svg))  # noqa: S704 - every text in it is escaped by coverage_svg
    return render(request, "corpus.html", me, status_code=status_code, form=form, error=error,
                  report=report, charts=charts, kinds=ALL_KINDS, kinds_by_lang=KINDS)


@router.get("/corpus", response_class=HTMLResponse)
def corpus_page(request: Request, me: WebUser) -> Response:
    _require(me)
    return _page(request, me, _form_defaults())


def _opt_int(raw: str, field: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not digits(raw) or len(raw) > 6:
        raise InvalidInput(f"{field} must be a whole number", field=field)
    return int(raw)


def _opt_float(raw: str, field: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidInput(f"{field} must be a number", field=field) from None


async def _read_upload(upload: UploadFile | None, lang: str) -> str:
    """The uploaded pool's text: UTF-8 (a byte-order mark is dropped), or for a Chinese pool
    GB18030/GBK, what Chinese Windows editors save."""
    if upload is None or not upload.filename:
        return ""
    data = await upload.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if lang == "zh":
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
        raise InvalidInput(f"the uploaded pool is not UTF-8 text (byte {err.start})",
                           field="pool_file") from None


@router.post("/corpus", response_class=HTMLResponse)
async def corpus_submit(  # noqa: PLR0913 - one field per form control
    request: Request, me: WebUser,
    lang: Annotated[str, Form(max_length=8)] = "zh",
    n: Annotated[int, Form(ge=1, le=10_000)] = 100,
    units: Annotated[list[str] | None, Form()] = None,
    pool_text: Annotated[str, Form()] = "",
    pool_file: Annotated[UploadFile | None, File()] = None,
    sensitive: Annotated[str, Form(max_length=200_000)] = "",
    min_length: Annotated[str, Form(max_length=8)] = "",
    max_length: Annotated[str, Form(max_length=8)] = "",
    max_char_rank: Annotated[int, Form(ge=1, le=100_000)] = 4500,
    near_duplicate: Annotated[float, Form(ge=0.1, le=1.0)] = 0.8,
    allow_oov: FormFlag = False,
    allow_digits: FormFlag = False,
    target: Annotated[str, Form(max_length=16)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    _require(me)
    raw = await request.form()
    weights = {k: str(raw.get(f"w_{k}", "1")) for k in ALL_KINDS}
    form = {"lang": lang, "n": n, "units": units or [], "weights": weights, "pool_text": pool_text,
            "sensitive": sensitive, "min_length": min_length, "max_length": max_length,
            "max_char_rank": max_char_rank, "near_duplicate": near_duplicate,
            "allow_oov": allow_oov, "allow_digits": allow_digits, "target": target}
    try:
        if lang not in KINDS:
            raise InvalidInput(f"language {lang!r} is not one of {', '.join(KINDS)}", field="lang")
        chosen = [k for k in (units or []) if k in KINDS[lang]] or list(_DEFAULT_UNITS[lang])
        unit_weights: dict[str, float] = {}
        for k in chosen:
            w = _opt_float(weights[k], f"weight of {k}")
            unit_weights[k] = 1.0 if w is None else w
        text = (await _read_upload(pool_file, lang)) or pool_text
        filters = Filters(min_length=_opt_int(min_length, "min_length"),
                          max_length=_opt_int(max_length, "max_length"),
                          max_char_rank=max_char_rank, sensitive=tuple(read_pool(sensitive)),
                          allow_oov=allow_oov, allow_digits=allow_digits,
                          near_duplicate=near_duplicate)
        opts = DesignOptions(lang=lang, n=n, units=unit_weights, filters=filters,
                             target=_opt_float(target, "target"))
        report = await run_in_threadpool(design_corpus_apart, read_pool(text), opts)
    except DatamillError as exc:
        return _page(request, me, form, status_code=exc.status, error=exc.message)
    form["units"] = chosen
    return _page(request, me, form, report=report)
