"""The inspector's page: the batch sample, corrections with live scores, and the verdict."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from datamill.compliance import access
from datamill.compliance.roles import Action, allowed
from datamill.compliance.users import require
from datamill.core.errors import NotFound
from datamill.db.lookup import get_or_raise
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.modalities.registry import get_modality
from datamill.production import dashboard as wq
from datamill.production.inspection import (
    complete_inspection,
    confirm_delivered,
    correction_tag,
    get_inspection,
    inspection_scores,
    record_correction,
    sample_defects,
    start_inspection,
)
from datamill.production.inspection_segments import sample_segments
from datamill.production.models import Project
from datamill.qc.text_conventions import TextNormalization, conventions_of
from datamill.web.diff import word_diff
from datamill.web.routes._common import (
    HtmlRoute,
    WebUser,
    problems_in_page_language,
    render,
    require_csrf,
)
from datamill.web.text_spans import span_ranges

__all__ = ["api_router", "router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
api_router = APIRouter(prefix="/web/api", include_in_schema=False)


class CorrectionIn(BaseModel):
    #: bounded by the request limit and the service's ``correction_limit`` (the annotation's own)
    corrected_text: str
    #: the sample's ``correction_tag`` the page showed: a correction saved since is a 409
    base_correction: str | None = None


@router.post("/batches/{batch_id}/inspect")
def open_inspection(
    request: Request, batch_id: int, session: SessionDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.INSPECT, access.batch_project(session, batch_id, me.user))
    insp = start_inspection(session, batch_id, me.user)
    return RedirectResponse(f"/inspections/{insp.id}", status_code=303)


def _comparisons(plugin: Any, sample: list[dict[str, Any]]) -> dict[int, Any]:
    """Per sampled item, the delivered version against the inspector's (the delivered one
    while uncorrected), for modalities whose pages draw annotations (``compare``)."""
    compare = getattr(plugin, "compare", None)
    if compare is None:
        return {}
    return {s["item_id"]: compare(s["delivered_text"], s["corrected_text"]
                                  if s["corrected_text"] is not None else s["delivered_text"])
            for s in sample}


def _text_diffs(plugin: Any, sample: list[dict[str, Any]], project: Project) -> dict[int, Any]:
    """Per corrected sample, the word diff from the delivered text to the inspector's, for
    modalities compared as text (those without ``compare``), under the project's language and
    text conventions (what scoring counts)."""
    if getattr(plugin, "compare", None) is not None:
        return {}
    conventions = _conventions(plugin, project)
    return {s["item_id"]: word_diff(s["delivered_text"] or "", s["corrected_text"],
                                    language=project.language, conventions=conventions)
            for s in sample if s["corrected_text"] is not None}


def _conventions(plugin: Any, project: Project) -> TextNormalization | None:
    """The spec's ``text_normalization`` when the modality scores by it (speech)."""
    if not getattr(plugin, "scores_by_text_normalization", False):
        return None
    return conventions_of(project.spec.get("text_normalization"))


def _convention_keys(conventions: TextNormalization | None) -> list[str]:
    """The i18n keys that say how the page compares (``in.conv.*``), for the page's header."""
    if conventions is None:
        return []
    return ([f"in.conv.script.{conventions.chinese_script}"] if conventions.chinese_script else []) + (
        [f"in.conv.numerals.{conventions.numerals}"] if conventions.numerals else [])


@router.get("/inspections/{inspection_id}", response_class=HTMLResponse)
def inspection_page(
    request: Request, inspection_id: int, session: SessionDep, me: WebUser, runtime: RuntimeDep,
    sample: int | None = None, confirm: int | None = None,
) -> Response:
    """The inspector's page: the one the project's modality names (``inspection_template``);
    ``?sample=ITEM`` asks it for one sampled item's correction editor."""
    project_id = access.inspection_project(session, inspection_id, me.user)
    require(session, me.user, Action.VIEW_PROJECT, project_id)
    insp = get_inspection(session, inspection_id, me.user)
    project = get_or_raise(session, Project, project_id, "project")
    plugin = get_modality(project.modality)
    req = plugin.requirements_model.model_validate(project.spec.get("requirements", {}))
    focus = next((s for s in insp.sample if s["item_id"] == sample), None)
    if sample is not None and focus is None:
        raise NotFound(f"item {sample} is not in the sample of inspection {inspection_id}")
    ids = [s["item_id"] for s in insp.sample]
    # one sample's correction editor (a modality's own page) shows that sample alone: its
    # comparison and, for text, its own text (a long document's the workbench fetches from
    # its media URL, as on the task page). It compared, scored and read every sampled item
    # (5 documents of 1,000,000 characters: 0.72 s and 2.7 MB a page, trial h7).
    editor = focus is not None and hasattr(plugin, "inspection_template")
    shown = [focus] if editor and focus is not None else insp.sample
    comparisons = _comparisons(plugin, shown)
    # the list slices each text at its spans only: a long document's words are read by byte
    # range there, not the whole file (5 documents of 1,000,000 characters on S3: 15 MB)
    texts = (wq.sample_texts(session, [s["item_id"] for s in shown]) if editor
             else wq.sample_excerpts(session, runtime.blobs, plugin,
                                     {i: span_ranges(comparisons.get(i)) for i in ids}))
    # the record each sampled item is (an LLM prompt and its responses), shown beside the
    # verdicts so an inspector does not judge blind (trial h5)
    records = (wq.sample_contents(session, runtime.blobs, plugin, ids)
               if getattr(plugin, "inspection_shows_record", False) and focus is None else {})
    return render(
        request, getattr(plugin, "inspection_template", "inspection.html"), me, insp=insp,
        texts=texts, records=records,
        project_id=project_id, can_inspect=allowed(me.user.role, Action.INSPECT),
        acceptance=project.spec.get("acceptance", {}),
        scores={} if editor else inspection_scores(session, inspection_id),
        comparisons=comparisons, focus=focus,
        sample_defects={} if editor else sample_defects(session, inspection_id),
        requirements=req.model_dump(mode="json"),
        diffs={} if editor else _text_diffs(plugin, insp.sample, project),
        segments={} if editor else sample_segments(session, inspection_id),
        conventions=_convention_keys(_conventions(plugin, project)),
        confirm=bool(confirm) and insp.status == "open",
    )


class DocumentCorrectionIn(BaseModel):
    annotation: dict[str, Any]
    #: what the shared document workbench sends (an item version; 0 on an inspection page):
    #: not compared here, since an inspector's correction never changes the item's version.
    #: Two inspectors' edits are kept apart by the ``base`` query (the sample's
    #: ``correction_tag`` when the editor opened: 409 ``correction_changed`` when stale)
    base_version: int = Field(0, ge=0)


@api_router.post("/inspections/{inspection_id}/samples/{item_id}/annotation")
def save_document_correction(
    request: Request, inspection_id: int, item_id: int, body: DocumentCorrectionIn,
    session: SessionDep, me: WebUser, runtime: RuntimeDep, base: str | None = None,
) -> dict[str, Any]:
    """The inspector's corrected annotation from a document workbench (checked by the
    modality: 422); answers the scores so far and the inspection page's URL. ``base`` (the
    editor's URL carries it): the sample's ``correction_tag`` when the editor opened; another
    inspector's correction saved since is a 409 ``correction_changed``, never overwritten."""
    require_csrf(request, me)
    require(session, me.user, Action.INSPECT, access.inspection_project(session, inspection_id, me.user))
    text = json.dumps(body.annotation, ensure_ascii=False)
    with problems_in_page_language(request):
        record_correction(session, inspection_id, item_id, text, me.user,
                          max_request_bytes=runtime.settings.max_annotation_bytes, base=base)
    return {"scores": inspection_scores(session, inspection_id), "next_url": f"/inspections/{inspection_id}"}


@api_router.put("/inspections/{inspection_id}/samples/{item_id}")
def save_correction(
    request: Request, inspection_id: int, item_id: int, body: CorrectionIn,
    session: SessionDep, me: WebUser, runtime: RuntimeDep,
) -> dict[str, Any]:
    """Record one corrected transcript; returns the scores over the samples corrected so far."""
    require_csrf(request, me)
    project_id = access.inspection_project(session, inspection_id, me.user)
    require(session, me.user, Action.INSPECT, project_id)
    record_correction(session, inspection_id, item_id, body.corrected_text, me.user,
                      max_request_bytes=runtime.settings.max_annotation_bytes,
                      base=body.base_correction)
    insp = get_inspection(session, inspection_id, me.user)
    delivered = next((s["delivered_text"] for s in insp.sample if s["item_id"] == item_id), "")
    project = get_or_raise(session, Project, project_id, "project")
    conventions = _conventions(get_modality(project.modality), project)
    return {"scores": inspection_scores(session, inspection_id),
            "correction_tag": correction_tag(body.corrected_text),
            "diff": word_diff(delivered or "", body.corrected_text, language=project.language,
                              conventions=conventions)}


@router.post("/inspections/{inspection_id}/samples/{item_id}/confirm")
def confirm_sample(
    request: Request, inspection_id: int, item_id: int, session: SessionDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "", base: Annotated[str, Form()] = "",
) -> Response:
    """"No change": the inspector confirms a sampled item as delivered, whatever its size (the
    page's button beside "correct this item"); back to the inspection page. ``base``: the
    sample's ``correction_tag`` the page showed (a correction saved since: 409)."""
    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.INSPECT, access.inspection_project(session, inspection_id, me.user))
    confirm_delivered(session, inspection_id, item_id, me.user, base=base or None)
    return RedirectResponse(f"/inspections/{inspection_id}#sample-{item_id}", status_code=303)


@router.post("/inspections/{inspection_id}/complete")
def complete(
    request: Request, inspection_id: int, session: SessionDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    """Record the verdict, once the inspector confirmed it: the first press of "complete"
    shows the confirmation step (the page with ``?confirm=1``), which posts ``confirmed=1``."""
    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.INSPECT, access.inspection_project(session, inspection_id, me.user))
    if confirmed != "1":
        get_inspection(session, inspection_id)  # 404 before asking about a missing one
        return RedirectResponse(f"/inspections/{inspection_id}?confirm=1#confirm",
                                status_code=303)
    complete_inspection(session, inspection_id, me.user)
    return RedirectResponse(f"/inspections/{inspection_id}", status_code=303)
