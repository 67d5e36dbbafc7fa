"""The annotator workbench (page, autosaved drafts, submit) and the reviewer's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from datamill.compliance.access import seen_task
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.modalities.base_assist import review_reasons_of
from datamill.modalities.registry import get_modality
from datamill.modalities.speech.types import Segment
from datamill.production import dashboard, drafts, task_notes
from datamill.production.annotating import (
    last_own_payload,
    list_annotations,
    review_task,
    submit_annotation,
)
from datamill.production.frames import previous_frame_payload
from datamill.production.hooks import check_submission
from datamill.production.models import Project
from datamill.production.projects import get_project
from datamill.production.schemas import ProjectOut, SegmentIn
from datamill.production.speech import speakers as speaker_list
from datamill.production.task_view import submitted_version
from datamill.production.tasks import claim_next_task, task_view
from datamill.web.answer_diff import changed_stretch, side_by_side
from datamill.web.diff import word_diff
from datamill.web.i18n import t, translator
from datamill.web.routes._common import (
    HtmlRoute,
    WebUser,
    admitted_by_session,
    page_language,
    problems_in_page_language,
    render,
    require_csrf,
    utc_iso,
)
from datamill.web.routes.media import preview_context
from datamill.web.segment_text import segment_problem

__all__ = ["LARGE_BODIES", "api_router", "router"]

#: the workbenches' routes that carry one annotation document (a draft, a submit, a review
#: edit, an inspector's correction): bodies up to ``Settings.max_annotation_bytes``
LARGE_BODIES: tuple[tuple[str, int | str, Callable[[Request], bool]], ...] = (
    (r"/web/api/tasks/[0-9]{1,19}/(draft|submit|annotation|annotation/draft)",
     "max_annotation_bytes", admitted_by_session),
    (r"/web/api/review/[0-9]{1,19}/annotation", "max_annotation_bytes", admitted_by_session),
    (r"/web/api/inspections/[0-9]{1,19}/samples/[0-9]{1,19}(/annotation)?",
     "max_annotation_bytes", admitted_by_session),
)

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
api_router = APIRouter(prefix="/web/api", include_in_schema=False)

_WORK_KINDS = ("annotation", "review_edit")
_SEGMENT_REF = re.compile(r"segments? (\d+)(?: and (\d+))?")


class DraftIn(BaseModel):
    segments: list[SegmentIn] = Field(max_length=5000)
    base_version: int = Field(ge=0)
    time_spent_ms: int = Field(0, ge=0)
    revision: int = Field(ge=0)


class SubmitIn(BaseModel):
    segments: list[SegmentIn] = Field(max_length=5000)
    base_version: int = Field(ge=0)
    time_spent_ms: int | None = Field(None, ge=0)
    comment: str | None = Field(None, max_length=2000)
    item_flag: str | None = Field(None, max_length=32)
    draft_revision: int | None = Field(None, ge=0)  # the draft the page last loaded or saved


class SkipIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


def _spec_of(session: Any, project_id: int) -> tuple[ProjectOut, Any, Any]:
    project = get_project(session, project_id)
    plugin = get_modality(project.modality)
    req = plugin.requirements_model.model_validate(project.spec.get("requirements", {}))
    return project, plugin, req


def _own_task(session: Any, me: WebUser, task_id: int, stage: str) -> Any:
    """The task, if ``me`` holds it at ``stage`` (403 otherwise, even for project viewers)."""
    return drafts.held_task(session, me.user, task_id, stage)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def workbench(request: Request, task_id: int, session: SessionDep, me: WebUser) -> Response:
    """The annotator's workbench: the page the task's modality names (``workbench_template``)."""
    task = seen_task(session, me.user, task_id)  # not even a redirect to another's project
    if task.stage == "review":
        return RedirectResponse(f"/review/{task_id}", status_code=303)
    try:
        _own_task(session, me, task_id, "annotate")
    except Conflict:  # their own submitted task, opened again: what they submitted, read-only
        mine = submitted_version(session, me.user.id, task)
        if mine is None:
            raise
        return render(request, "task_submitted.html", me,
                      task=task_view(session, task, me.user.id), mine=mine)
    view = task_view(session, task, me.user.id)
    _project, plugin, req = _spec_of(session, task.project_id)
    draft = drafts.draft_for(session, task.id, me.user.id)
    start = view.current.payload if view.current else None
    data: dict[str, Any] = {
        "task_id": task.id, "project_id": task.project_id, "item_id": view.item_id,
        "user_id": me.user.id, "duration_ms": view.duration_ms or 0,
        "base_version": view.current_version, "segments": start if start is not None else [],
        "noise_symbols": list(getattr(req, "noise_symbols", ())),
        "transcript_required": bool(getattr(req, "transcript_required", False)),
        "draft": None,
        "speakers": [sp.model_dump() for sp in speaker_list.list_speakers(session, task.project_id)],
        "flags": list(getattr(plugin, "item_flags", ())),
        "allow_overlap": bool(getattr(req, "allow_overlapping_segments", False)),
    }
    if draft is not None and draft.base_version == view.current_version:
        data["draft"] = {"segments": draft.payload, "revision": draft.revision,
                         "time_spent_ms": draft.time_spent_ms,
                         "saved_at": utc_iso(draft.updated_at)}
    # modality-neutral context for document workbenches: the payload to start from (the
    # server's draft when there is one), the spec's requirements and the page's endpoints
    payload = data["draft"]["segments"] if data["draft"] else start
    # the user's draft made on an older version of the item (someone changed the item after it
    # was saved, e.g. a submit refused 409 stale_version): the document workbenches resume
    # from it on the item's current version, saying so, rather than drop the work unseen
    outdated = None
    if draft is not None and draft.base_version < view.current_version:
        outdated = {"payload": draft.payload, "base_version": draft.base_version,
                    "current_version": view.current_version,
                    "time_spent_ms": draft.time_spent_ms}
    urls: dict[str, Any] = {"media_url": f"/web/api/items/{view.item_id}/media",
            "draft_url": f"/web/api/tasks/{task.id}/annotation/draft",
            "submit_url": f"/web/api/tasks/{task.id}/annotation",
            **preview_context(plugin, view.item_id, view.attributes)}
    return render(request, plugin.workbench_template, me, task=view, data=data, payload=payload,
                  requirements=req.model_dump(mode="json"),
                  previous_annotation=last_own_payload(session, me.user.id, task),
                  previous_frame=previous_frame_payload(session, task, me.user.id),
                  draft_revision=data["draft"]["revision"] if data["draft"] else None,
                  outdated_draft=outdated, **urls)


@api_router.put("/tasks/{task_id}/draft")
def save_draft(
    request: Request, task_id: int, body: DraftIn, session: SessionDep, me: WebUser
) -> dict[str, Any]:
    """Upsert the workbench draft; an older revision (another tab) never overwrites a newer one."""
    require_csrf(request, me)
    row = drafts.save_draft(session, me.user, task_id, [s.model_dump() for s in body.segments],
                     base_version=body.base_version, revision=body.revision,
                     time_spent_ms=body.time_spent_ms)
    return {"revision": row.revision, "saved_at": utc_iso(row.updated_at)}


def _segment_errors(problems: list[str], say: Callable[[str], str]) -> list[dict[str, Any]]:
    out = []
    for msg in problems:
        m = _SEGMENT_REF.search(msg)
        refs = [int(g) - 1 for g in (m.groups() if m else ()) if g]
        out.append({"segments": refs, "message": say(msg)})
    return out


@api_router.post("/tasks/{task_id}/submit")
def submit(
    request: Request, task_id: int, body: SubmitIn, session: SessionDep, me: WebUser
) -> Response:
    """Validate against the spec (errors per segment), submit, and claim the next task."""
    require_csrf(request, me)
    task = _own_task(session, me, task_id, "annotate")
    require(session, me.user, Action.ANNOTATE, task.project_id)
    view = task_view(session, task)
    _project, plugin, req = _spec_of(session, task.project_id)
    segs = [Segment(s.start_ms, s.end_ms, s.text.strip(), s.speaker, tuple(s.noise), flag=s.flag)
            for s in body.segments]
    problems = plugin.validate_segments(segs, view.duration_ms or 0, req)
    try:
        check_submission(session, task.project_id, [s.model_dump() for s in body.segments])
    except InvalidInput as err:
        problems.extend(err.message.split("; "))
    if problems:
        lang = page_language(request)
        errors = _segment_errors(problems, segment_problem(translator(lang), lang))
        return JSONResponse({"detail": "; ".join(e["message"] for e in errors), "errors": errors},
                            status_code=422)
    submit_annotation(session, me.user, task_id, body.segments, base_version=body.base_version,
                      time_spent_ms=body.time_spent_ms, comment=body.comment,
                      item_flag=body.item_flag or None, draft_revision=body.draft_revision)
    nxt = claim_next_task(session, me.user, task.project_id, "annotate")
    return JSONResponse({"next_url": f"/tasks/{nxt.id}" if nxt else f"/?empty={task.project_id}"})


@api_router.post("/tasks/{task_id}/skip")
def skip(
    request: Request, task_id: int, body: SkipIn, session: SessionDep, me: WebUser
) -> Response:
    """Hand the task back to the pool with a reason (never offered to me again); answers the
    next task's URL."""
    require_csrf(request, me)
    task = seen_task(session, me.user, task_id)
    require(session, me.user, Action.ANNOTATE if task.stage == "annotate" else Action.REVIEW,
            task.project_id)
    task_notes.skip_task(session, me.user, task_id, body.reason)
    nxt = claim_next_task(session, me.user, task.project_id, task.stage)
    prefix = "/tasks" if task.stage == "annotate" else "/review"
    return JSONResponse({"next_url": f"{prefix}/{nxt.id}" if nxt else f"/?empty={task.project_id}"})


class DocumentDraftIn(BaseModel):
    """A document workbench's draft (image and other non-speech modalities)."""

    annotation: dict[str, Any]
    base_version: int = Field(ge=0)
    revision: int = Field(ge=0)
    time_spent_ms: int = Field(0, ge=0)


class DocumentSubmitIn(BaseModel):
    annotation: dict[str, Any]
    base_version: int = Field(ge=0)
    time_spent_ms: int | None = Field(None, ge=0)
    draft_revision: int | None = Field(None, ge=0)  # the draft the page last loaded or saved


@api_router.post("/tasks/{task_id}/annotation/draft")
def save_document_draft(
    request: Request, task_id: int, body: DocumentDraftIn, session: SessionDep, me: WebUser
) -> dict[str, Any]:
    """Upsert a document workbench's draft (kept as sent; checked only on submit); an older
    revision never overwrites a newer one."""
    require_csrf(request, me)
    row = drafts.save_draft(session, me.user, task_id, body.annotation, base_version=body.base_version,
                     revision=body.revision, time_spent_ms=body.time_spent_ms)
    return {"revision": row.revision, "saved_at": utc_iso(row.updated_at)}


@api_router.post("/tasks/{task_id}/annotation")
def submit_document(
    request: Request, task_id: int, body: DocumentSubmitIn, session: SessionDep, me: WebUser
) -> Response:
    """Submit a document workbench's annotation through the same service as the REST API
    (validated by the modality against the spec: 422; a stale ``base_version``: 409), then
    claim the next task."""
    require_csrf(request, me)
    task = _own_task(session, me, task_id, "annotate")
    require(session, me.user, Action.ANNOTATE, task.project_id)
    with problems_in_page_language(request):
        submit_annotation(session, me.user, task_id, body.annotation,
                          base_version=body.base_version, time_spent_ms=body.time_spent_ms,
                          draft_revision=body.draft_revision)
    nxt = claim_next_task(session, me.user, task.project_id, "annotate")
    return JSONResponse({"next_url": f"/tasks/{nxt.id}" if nxt else f"/?empty={task.project_id}"})


def _review_context(session: Any, task: Any, split: Any = None) -> dict[str, Any]:
    """The current version, the diffs against the pre-annotation and (in rework) against the
    version that was rejected, and the reason it was rejected (``split``: the item's
    ``item_split``, read already)."""
    versions = list_annotations(session, task.item_id,
                                split=split.units if split is not None else {})
    current = versions[-1] if versions else None
    pre = next((a for a in reversed(versions) if a.kind == "preannotation"), None)
    work = [a for a in versions if a.kind in _WORK_KINDS]
    previous = work[-2] if len(work) >= 2 and current is work[-1] else None  # noqa: PLR2004
    last_reject = dashboard.last_rejection(session, task.item_id)
    text = current.text if current else ""
    speakers = speaker_list.list_speakers(session, task.project_id)
    return {
        "note": task_notes.latest_note(session, task.item_id),
        "speakers": speakers,
        "speaker_colours": {sp.code: sp.colour for sp in speakers},
        "current": current,
        "pre": pre,
        "previous": previous,
        "last_reject": last_reject,
        "diff_pre": word_diff(pre.text, text) if pre else None,
        "diff_prev": word_diff(previous.text, text) if previous else None,
    }


def _document_review_context(
    session: Any, task: Any, plugin: Any, req: Any, ctx: dict[str, Any]
) -> dict[str, Any]:
    """For modalities whose pages draw annotations (``compare``): the version the reviewer
    judges, the one it is compared with (the rejected one in rework, else the model's), their
    differences, the media and the edit endpoint."""
    current, baseline = ctx["current"], ctx["previous"] or ctx["pre"]
    compare = getattr(plugin, "compare", None)
    return {
        "payload": current.payload if current else None,
        "baseline": baseline,
        "comparison": compare(baseline.payload if baseline else None,
                              current.payload if current else None) if compare else None,
        "requirements": req.model_dump(mode="json"),
        "media_url": f"/web/api/items/{task.item_id}/media",
        "edit_url": f"/web/api/review/{task.id}/annotation",
    }


#: split questions answered in free text (a written SFT conversation, a speech transcript)
_FREE_TEXT: Final = ("sft", "transcript")


def _split(session: Any, found: Any) -> list[dict[str, Any]]:
    """The annotators' answers to an unresolved item's split questions (``[]`` otherwise;
    ``found``: its ``item_split``); a
    free-text one's (a written SFT conversation, a speech transcript, an image text line's
    reading ``text:<x>:<y>``) also as ``columns``, side by side with their differences marked
    (``{"usernames", "runs"}`` per distinct answer, :func:`side_by_side`)."""
    from datamill.qc.aggregating import split_answers  # noqa: PLC0415 - numpy: only here

    split = split_answers(session, found)
    for q in split:
        reading = (q["shape"] or {}).get("kind") == "text"  # an OCR line: by character
        if q["key"] in _FREE_TEXT or reading:
            by_label: dict[str, list[str]] = {}
            for a in q["answers"]:
                by_label.setdefault(a["label"], []).append(a["username"])
            q["columns"] = [{"usernames": names, "runs": runs} for names, runs in zip(
                by_label.values(), side_by_side(list(by_label), by_character=reading),
                strict=True)]
    return split


def _no_majority(split: list[dict[str, Any]], payload: Any) -> dict[str, Any]:
    """A split item's answers as one line (``mei: a``, ``jun: b``) shown instead of the
    aggregate's arbitrary pick, and a preference payload with nothing chosen (trial h12: it
    read "a" at confidence 0.5 and was preselected in the reviewer's editor)."""
    if not split:
        return {}
    answers: list[dict[str, str]] = []  # "tie" is worded by the page
    keys = {q["key"] for q in split}
    for q in split:
        if (q["start"] is not None or q.get("head") is not None or q.get("box") is not None
                or q.get("shape") is not None):
            continue  # a text span or relation, an image box or other object: the table says it
        if q.get("columns"):  # written conversations: where each differs (the table has them)
            where = {name: changed_stretch(col["runs"]) for col in q["columns"]
                     for name in col["usernames"]}
            answers += [{"who": a["username"], "answer": where[a["username"]]}
                        for a in q["answers"]]
            continue
        left, _bar, right = q["key"].removeprefix("pair:").partition("|")
        ids = {"left": left, "right": right} if q["key"].startswith("pair:") else {}
        answers += [{"who": a["username"], "answer": ids.get(a["label"], a["label"])}
                    for a in q["answers"]]
    out: dict[str, Any] = {"no_majority": answers, "no_majority_keys": sorted(keys)}
    if not isinstance(payload, dict):
        return out
    if payload.get("type") == "llm_pairwise" and any(k.startswith("pair:") for k in keys):
        out["payload"] = {**payload, "choice": None}
    elif keys & {"class", "classes", "sentiment"}:  # a text or image classification
        out["payload"] = {**payload, **({"classes": []} if keys & {"class", "classes"} else {}),
                          **({"sentiment": None} if "sentiment" in keys else {})}
    return out


@router.get("/review/{task_id}", response_class=HTMLResponse)
def review_page(request: Request, task_id: int, session: SessionDep, me: WebUser,
                runtime: RuntimeDep) -> Response:
    """The reviewer's page: the one the task's modality names (``review_template``)."""
    task = _own_task(session, me, task_id, "review")
    view = task_view(session, task, me.user.id)
    _project, plugin, req = _spec_of(session, task.project_id)
    from datamill.qc.aggregating import item_split  # noqa: PLC0415 - numpy: only here

    found = item_split(session, task.item_id)  # the item's answers, read once for the page
    ctx = _review_context(session, task, found)
    ctx.update(_document_review_context(session, task, plugin, req, ctx))
    # a long document's text is only in its file: the page shows it and its spans' words
    ctx["item_text"] = dashboard.sample_texts(
        session, [task.item_id], runtime.blobs, plugin).get(task.item_id, "")
    ctx["reasons"] = review_reasons_of(plugin)  # the modality's, never speech's by default
    ctx["split"] = _split(session, found)
    ctx.update(_no_majority(ctx["split"], ctx.get("payload")))
    free = [k for k in _FREE_TEXT if any(q["key"] == k for q in ctx["split"])]
    if free:  # the editor starts from a defined answer, not the aggregate's pick at a tie
        from datamill.qc.split_prefill import split_prefill  # noqa: PLC0415 - numpy: only here

        ctx["prefill"] = split_prefill(session, found, free[0])
        if ctx["prefill"]:
            ctx["edit_segments" if free[0] == "transcript" else "payload"] = \
                ctx["prefill"]["payload"]
    ctx.update(preview_context(plugin, view.item_id, view.attributes))
    return render(request, getattr(plugin, "review_template", "review.html"), me, task=view, **ctx)


class DocumentReviewEditIn(BaseModel):
    annotation: dict[str, Any]
    base_version: int = Field(ge=0)
    time_spent_ms: int | None = Field(None, ge=0)


@api_router.post("/review/{task_id}/annotation")
def review_edit_document(
    request: Request, task_id: int, body: DocumentReviewEditIn, session: SessionDep, me: WebUser
) -> Response:
    """The reviewer's corrected annotation from a document workbench: a new version, then the
    item is accepted (422 when the modality refuses it, 409 when stale); answers the next
    review task's URL."""
    require_csrf(request, me)
    task = _own_task(session, me, task_id, "review")
    require(session, me.user, Action.REVIEW, task.project_id)
    with problems_in_page_language(request):
        review_task(session, me.user, task_id, "edit", payload=body.annotation,
                    base_version=body.base_version, time_spent_ms=body.time_spent_ms)
    nxt = claim_next_task(session, me.user, task.project_id, "review")
    return JSONResponse({"next_url": f"/review/{nxt.id}" if nxt else f"/?empty={task.project_id}"})


@router.post("/review/{task_id}")
def review_submit(
    request: Request, task_id: int, session: SessionDep, me: WebUser,
    verdict: Annotated[Literal["accept", "edit", "reject"], Form()],
    csrf_token: Annotated[str, Form()] = "",
    reason_code: Annotated[str, Form()] = "",
    reason_text: Annotated[str, Form(max_length=2000)] = "",
    base_version: Annotated[int | None, Form()] = None,
    seg: Annotated[list[str] | None, Form()] = None,
) -> Response:
    require_csrf(request, me, csrf_token)
    task = _own_task(session, me, task_id, "review")
    require(session, me.user, Action.REVIEW, task.project_id)
    reason = None
    segments = None
    if verdict == "reject":
        project = get_or_raise(session, Project, task.project_id, "project")
        plugin = get_modality(project.modality)
        if reason_code not in review_reasons_of(plugin):
            raise InvalidInput("choose a reason from the list", field="reason_code")
        # in the reviewer's language: the annotator reads it, and works in the same team
        label = t(f"rv.reason.{reason_code}", page_language(request))
        reason = label + (f": {reason_text.strip()}" if reason_text.strip() else "")
    elif verdict == "edit":
        view = task_view(session, task)
        old = view.current.payload if view.current else []
        texts = seg or []
        if len(texts) != len(old):
            raise InvalidInput("the edit does not match the annotation's segments; reload")
        segments = [
            SegmentIn(start_ms=int(s["start_ms"]), end_ms=int(s["end_ms"]), text=text,
                      speaker=s.get("speaker"), noise=list(s.get("noise") or []),
                      flag=s.get("flag"))
            for s, text in zip(old, texts, strict=True)
        ]
    review_task(session, me.user, task_id, verdict, reason=reason, payload=segments,
                base_version=base_version, reason_code=reason_code if reason else None,
                note=reason_text)
    nxt = claim_next_task(session, me.user, task.project_id, "review")
    target = f"/review/{nxt.id}" if nxt else f"/?empty={task.project_id}"
    return RedirectResponse(target, status_code=303)


