"""``datamill qc``: batches and sampling inspection.

Writes act for ``--as USERNAME`` and are checked and audited like the API's."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import (
    AsUser,
    acting_user,
    cli_language,
    emit,
    esc,
    get_runtime,
    handle_errors,
    out,
    owning_project,
    progress_bar,
    styled,
)
from datamill.cli._words import (
    EN_CLI,
    code,
    count_items,
    inspection_reason,
    say,
    view_words,
)
from datamill.compliance.roles import Action
from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import LANGUAGES

app = typer.Typer(help="Batches and sampling inspection.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
BaseOpt = Annotated[str | None, typer.Option(
    "--base", help="The sample's correction_tag (qc inspect --json) this starts from: a "
                   "correction another inspector saved since is refused (exit 4), not "
                   "overwritten.", show_default=False)]


def _inspector(s: Any, username: str, *, batch_id: int | None = None,
               inspection_id: int | None = None) -> Any:
    project = owning_project(s, batch_id=batch_id, inspection_id=inspection_id)
    return acting_user(s, username, Action.INSPECT, project_id=project)


def _render_inspection(v: Any, views: dict[int, list[str]] | None = None,
                       summaries: dict[int, tuple[str, str]] | None = None,
                       user: str = "USER") -> None:
    p = v.plan
    out.print(say("qc.plan", inspection=v.id, batch=v.batch_id, lot=p["lot_size"],
                  level=p["level"], aql=p["aql"], letter=p["code_letter"],
                  sample=p["sample_size"], accept=p["accept"], reject=p["reject"]),
              soft_wrap=True)
    if v.verdict:
        colour = "green" if v.verdict == "accepted" else "red"
        # the modality's own metrics (speech: character/sentence accuracy; image: region...)
        scores = say("qc.score_sep").join(
            say("qc.not_measured", name=code("metric", name)) if value is None else
            say("qc.score", name=code("metric", name),
                value=f"{value:.4f}" if isinstance(value, float) else value)
            for name, value in sorted(v.scores.items())
            # ``defective_utterances`` is the older name of ``defective_items``: shown once
            if not (name == "defective_utterances" and "defective_items" in v.scores)
        )
        out.print(styled((code("verdict", v.verdict), colour),
                         say("qc.verdict_tail", scores=scores, sample=p["sample_size"])),
                  soft_wrap=True)  # one line, however many scores
        for r in v.reasons:
            out.print(f"  - {inspection_reason(r)}")
    if views is not None:  # the modality's own words: the text with its spans, the dialogue
        for smp in v.sample:
            out.print(say("qc.sample_item", item=smp["item_id"], external=esc(smp["external_id"])))
            for line in (views.get(smp["item_id"])
                         or [say("qc.delivered_text", text=smp["delivered_text"])]):
                out.print(f"  {esc(line)}", soft_wrap=True)  # copyable: no hard breaks
        return
    t = Table(say("qc.col.item"), say("qc.col.external"), say("qc.col.delivered"),
              say("qc.col.inspector"))
    shortened = summaries is not None
    for smp in v.sample:
        pair = (summaries or {}).get(smp["item_id"])
        if pair is None:  # a JSON document shortened to a line; a transcript shown whole
            short = [_short_answer(smp["delivered_text"]), _short_answer(smp["corrected_text"])]
            shortened = shortened or any(x is not None for x in short)
            pair = (short[0] or smp["delivered_text"], short[1] or smp["corrected_text"] or "")
        t.add_row(str(smp["item_id"]), smp["external_id"], *pair)
    out.print(t)
    if shortened:  # where the whole documents are: this command's --json
        key = "qc.summary.whole" if v.status == "open" else "qc.summary.whole_done"
        out.print(say(key, batch=v.batch_id, inspection=v.id, user=esc(user)), soft_wrap=True)


#: a JSON answer longer than this is shortened in a table cell (the first characters shown)
_SHORT_ANSWER_CHARS = 60


def _short_answer(text: str | None) -> str | None:
    """A long JSON answer (an LLM judgement, a span or object document) in one line a table
    cell holds: its lists counted (``spans 2``), its length and its first characters; None
    where ``text`` is short or not a JSON document (a transcript: shown whole)."""
    if text is None or len(text) <= _SHORT_ANSWER_CHARS or not text.lstrip().startswith("{"):
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    sep = say("qc.summary.list_sep")
    counts = sep.join(f"{k} {len(x)}" for k, x in doc.items() if isinstance(x, list))
    # the first characters that say something: without the record's type and schema version
    said = json.dumps({k: x for k, x in doc.items() if k not in ("type", "schema_version")},
                      ensure_ascii=False)
    head = say("qc.summary.document", chars=f"{len(text):,}",
               head=said[:_SHORT_ANSWER_CHARS].rstrip())
    return say("qc.summary.sep").join([counts, head] if counts else [head])


@app.command("batch")
@handle_errors
def batch_cmd(project: str, user: AsUser,
              limit: Annotated[int | None, typer.Option(
                  help="Most items in the batch (1 or more; default: the spec's batch_size).")
              ] = None,
              as_json: JsonOpt = False) -> None:
    """Group reviewed items into a batch for inspection."""
    from datamill.production.inspection import create_batch
    from datamill.production.projects import find_project

    with get_runtime().session() as s:
        pid = find_project(s, project).id
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=pid, project_ref=project)
        b = create_batch(s, pid, limit=limit, actor_id=actor.id)
    emit(b, as_json, lambda v: out.print(say("qc.batch", id=v.id, name=esc(v.name),
                                             items=count_items(v.items))))


@app.command("inspect")
@handle_errors
def inspect_cmd(batch_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Start (or show) the sampling inspection of a batch: draws the sample."""
    from datamill.production.inspection import start_inspection

    with get_runtime().session() as s:
        v = start_inspection(s, batch_id, _inspector(s, user, batch_id=batch_id))
        views = None if as_json else _sample_views(s, v)
        summaries = None if as_json or views is not None else _sample_summaries(s, v)
    emit(v, as_json, lambda x: _render_inspection(x, views, summaries, user))


@app.command("show")
@handle_errors
def show_cmd(inspection_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Show an inspection, open or completed: its plan, verdict, scores and each sampled item's
    delivered and inspector's versions (who may view the project; the API's GET
    /inspections/{id}). A reworked item's "their version is in inspection N" is read here."""
    from datamill.compliance.access import inspection_project
    from datamill.production.inspection import get_inspection

    with get_runtime().session() as s:
        viewer = acting_user(s, user)
        pid = inspection_project(s, inspection_id, viewer)  # one they cannot see: missing
        acting_user(s, user, Action.VIEW_PROJECT, project_id=pid)
        v = get_inspection(s, inspection_id, viewer)
        views = None if as_json else _sample_views(s, v)
        summaries = None if as_json or views is not None else _sample_summaries(s, v)
    emit(v, as_json, lambda x: _render_inspection(x, views, summaries, user))


def _sample_summaries(s: Any, v: Any) -> dict[int, tuple[str, str]] | None:
    """Per sampled item, its delivered and corrected answers in a line each (a point-cloud
    frame: cuboids per label, points per class) where the modality summarises an answer
    (``answer_summary``) instead of the whole document a terminal cannot read; None where it
    does not. ``--json`` keeps the documents whole."""
    from datamill.modalities.registry import get_modality
    from datamill.production.models import Batch, Project

    project = s.get(Project, s.get(Batch, v.batch_id).project_id)
    summary = getattr(get_modality(project.modality), "answer_summary", None)
    if summary is None:
        return None
    requirements = project.spec.get("requirements", {})

    def line(text: str | None) -> str:
        if text is None:
            return ""
        try:
            return esc(_summary_line(summary(text, requirements)))
        except (ValueError, InvalidInput):  # not a document here: shown as it is
            return text

    return {smp["item_id"]: (line(smp["delivered_text"]), line(smp["corrected_text"]))
            for smp in v.sample}


def _summary_line(summary: Mapping[str, Any]) -> str:
    """An answer's summary (``answer_summary``) in the CLI's language, in one line."""
    sep = say("qc.summary.list_sep")
    parts = []
    for key in ("cuboids", "objects"):  # a point-cloud frame's cuboids, an image's objects
        counts = summary.get(key)
        if counts is not None:
            total = sum(counts.values())
            parts.append(say(f"qc.summary.{key}{'_one' if total == 1 else ''}", count=total,
                             labels=sep.join(f"{k} {n}" for k, n in counts.items()) or "-"))
    if summary.get("kinds"):  # an image's objects by kind, named as its refusals name them
        words = LANGUAGES.get(cli_language(), LANGUAGES["en"])
        parts.append(say("qc.summary.kinds", kinds=sep.join(
            f"{words.get(f'prob.kind.{k}', k)} {n}" for k, n in summary["kinds"].items())))
    if summary.get("scene_classes"):
        parts.append(say("qc.summary.scene", classes=sep.join(summary["scene_classes"])))
    if summary.get("points"):
        counts = [f"{p['name'] or (say('qc.summary.unlabelled') if p['id'] == 0 else p['id'])}"
                  f" {p['points']:,}" for p in summary["points"]]
        parts.append(say("qc.summary.points", counts=sep.join(counts)))
    return say("qc.summary.sep").join(parts)


def _answer_lines(view: Any, path: Path, item_lines: list[str], answer: str) -> list[str]:
    """The lines the modality's view adds for ``answer`` (canonical JSON) to the item's own."""
    lines = str(view(path, json.loads(answer), words=view_words())).splitlines()
    return lines[len(item_lines):] if lines[:len(item_lines)] == item_lines else lines


def _sample_views(s: Any, v: Any) -> dict[int, list[str]] | None:
    """Per sampled item, what a terminal shows an inspector of a text or LLM batch: the item
    (text, dialogue and responses), the delivered answer and the inspector's in the modality's
    words, then the delivered answer as JSON (the form ``qc correct`` takes). None where the
    modality offers no such view (speech: the transcript table suffices)."""
    from datamill.modalities.registry import get_modality
    from datamill.production.media import item_path
    from datamill.production.models import Batch, Item, Project

    view = getattr(get_modality(s.get(Project, s.get(Batch, v.batch_id).project_id).modality),
                   "readable_task", None)
    if view is None:
        return None
    views: dict[int, list[str]] = {}
    for smp in v.sample:
        try:
            path = item_path(get_runtime().blobs, s.get(Item, smp["item_id"]))
            item_lines = str(view(path, None, words=view_words())).splitlines()
            lines = [*item_lines, say("qc.delivered"),
                     *(f"  {x}" for x in _answer_lines(view, path, item_lines,
                                                       smp["delivered_text"]))]
            if smp["corrected_text"]:
                lines += [say("qc.inspector"), *(f"  {x}" for x in _answer_lines(
                    view, path, item_lines, smp["corrected_text"]))]
        except (OSError, ValueError, InvalidInput):  # unreadable here: the raw answer suffices
            continue
        views[smp["item_id"]] = [*lines, say("qc.delivered_json", text=smp["delivered_text"])]
    return views


@app.command("correct")
@handle_errors
def correct_cmd(
    inspection_id: int,
    item_id: int,
    user: AsUser,
    text: Annotated[str | None, typer.Argument(
        help="Speech: what the inspector heard. Text, LLM, image ...: the corrected annotation "
             "as JSON (the form 'qc inspect' shows as delivered); or give --file.",
        show_default=False)] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", "--annotation",
        help="Read the correction from this UTF-8 file (e.g. the corrected JSON); --annotation "
             "is the same option, the name 'work submit' and 'work review' use.",
        show_default=False)] = None,
    as_json: JsonOpt = False,
    base: BaseOpt = None,
) -> None:
    """Record the inspector's version of one sampled item: a transcript (speech) or the
    corrected annotation (other modalities)."""
    from datamill.production.inspection import record_correction

    if (text is None) == (file is None):
        raise InvalidInput("give the correction as TEXT or with --file FILE (one of them)",
                           field="text")
    from datamill.production.inspection import inspection_scores

    correction = _read_correction(file) if file is not None else str(text)
    with get_runtime().session() as s:
        _inspector(s, user, inspection_id=inspection_id)
        record_correction(s, inspection_id, item_id, correction, base=base)
        scores = inspection_scores(s, inspection_id)  # over the samples corrected so far
    emit({"inspection_id": inspection_id, "item_id": item_id, "scores": scores}, as_json,
         lambda v: out.print(say("qc.corrected", item=v["item_id"])))


@app.command("segments")
@handle_errors
def segments_cmd(
    inspection_id: int,
    user: AsUser,
    item: Annotated[int | None, typer.Option(
        "--item", help="Only this sampled item.", show_default=False)] = None,
    disagreements: Annotated[bool, typer.Option(
        "--disagreements", help="Only the segments that disagree.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """A sampled recording's delivered segments, each with its part of the inspector's
    correction; a segment disagrees where the correction differs or the annotator flagged it
    (what the inspection page steps through)."""
    from datamill.production.inspection_segments import sample_segments

    with get_runtime().session() as s:
        project = owning_project(s, inspection_id=inspection_id)
        acting_user(s, user, Action.VIEW_PROJECT, project_id=project)
        found = sample_segments(s, inspection_id)
    rows = [{"item_id": item_id, "segments": [seg for seg in segs
                                              if seg["disagrees"] or not disagreements]}
            for item_id, segs in found.items() if item is None or item_id == item]
    if item is not None and not rows:
        raise InvalidInput(f"item {item} is not a sampled item with segments of inspection "
                           f"{inspection_id}", field="item")
    emit({"inspection_id": inspection_id, "items": rows}, as_json,
         lambda v: _render_segments(v["items"], found))


def _render_segments(rows: list[dict[str, Any]], found: Mapping[int, list[Any]]) -> None:
    if not rows:
        out.print(say("qc.seg.none"))
    for row in rows:
        every = found[row["item_id"]]
        out.print(say("qc.seg.item", item=row["item_id"], count=len(every),
                      disagree=sum(seg["disagrees"] for seg in every)), soft_wrap=True)
        for seg in row["segments"]:
            mark = "*" if seg["disagrees"] else " "
            where = f"{seg['start_ms'] / 1000:.3f}-{seg['end_ms'] / 1000:.3f}"
            tail = f" -> {seg['corrected']}" if seg["corrected"] != seg["text"] else ""
            flag = f" <flag:{seg['flag']}>" if seg.get("flag") else ""
            out.print(f"{mark} #{seg['index'] + 1} {where}{flag} {seg['text']}{tail}",
                      markup=False, soft_wrap=True)


@app.command("confirm")
@handle_errors
def confirm_cmd(inspection_id: int, item_id: int, user: AsUser, as_json: JsonOpt = False,
                base: BaseOpt = None) -> None:
    """Confirm one sampled item as delivered ("no change"): the delivered version becomes the
    inspector's, however large, without retyping it."""
    from datamill.production.inspection import confirm_delivered

    with get_runtime().session() as s:
        me = _inspector(s, user, inspection_id=inspection_id)
        confirm_delivered(s, inspection_id, item_id, me, base=base)
    emit({"inspection_id": inspection_id, "item_id": item_id, "confirmed": True}, as_json,
         lambda v: out.print(say("qc.confirmed", item=v["item_id"])))


def _read_correction(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(f"cannot read the correction from {file}: {err}") from err


@app.command("complete")
@handle_errors
def complete_cmd(inspection_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Score the sample and accept or reject the batch."""
    from datamill.production.inspection import complete_inspection

    with get_runtime().session() as s:
        v = complete_inspection(s, inspection_id,
                                _inspector(s, user, inspection_id=inspection_id))
        # the table shows each answer in a line (the modality's summary, else shortened);
        # --json keeps the documents whole
        summaries = None if as_json else _sample_summaries(s, v)
        project = None if as_json else _batch_project_name(s, v.batch_id)

    def render(x: Any) -> None:
        _render_inspection(x, None, summaries, user)
        # what follows the verdict: the delivery, or the rework and a new batch (trial h7)
        if x.verdict == "accepted":
            out.print(say("qc.next_accepted", batch=x.batch_id), soft_wrap=True)
        elif x.verdict == "rejected":
            lot = x.plan["lot_size"]
            out.print(say("qc.next_rejected_one" if lot == 1 else "qc.next_rejected", items=lot,
                          project=esc(project or "")), soft_wrap=True)

    emit(v, as_json, render)


def _batch_project_name(s: Any, batch_id: int) -> str | None:
    """The name of the project a batch belongs to (None: none found)."""
    from datamill.production.models import Batch, Project

    batch = s.get(Batch, batch_id)
    project = s.get(Project, batch.project_id) if batch is not None else None
    return None if project is None else str(project.name)


@app.command("evaluate")
@handle_errors
def evaluate_cmd(
    batch_id: int, user: AsUser,
    sample: Annotated[int | None, typer.Option(help=(
        "Items to evaluate, a seeded sample of the batch (default: the modality's, 40 "
        "recordings or 2,000 texts)"))] = None,
    seed: Annotated[int, typer.Option(help="Which sample: the same seed draws the same items")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Application-effect verification of a batch: the modality's model evaluated on a sample
    (speech: the packaged recogniser's word error rate per speaker, gender, age band, accent)
    or trained and cross-validated on it (text classification: macro-F1 against a baseline,
    a learning curve), and the items it disagrees with most (a project manager or inspector).
    Where the spec has an effect section (threshold, min_sample) the run is judged pass or fail
    against it, and keeps that verdict."""
    from datamill.compliance.access import batch_project
    from datamill.production.effect_evaluation import evaluate_batch, prepare_evaluation

    rt = get_runtime()
    with rt.session() as s:
        actor = acting_user(s, user)
        batch_project(s, batch_id, actor)  # a batch of a project they cannot see: missing
        prepared = prepare_evaluation(s, batch_id, actor, sample=sample, seed=seed)
        with progress_bar(say("qc.effect_progress"), len(prepared.chosen)) as advance:
            # apart: no file decoded in this process (a segfaulting decoder would end the
            # command, --json output and all); a crasher is named among the unreadable
            v = evaluate_batch(s, rt.blobs, batch_id, actor, prepared=prepared,
                               progress=advance, apart=True)
    emit(v, as_json, _render_effect)


@app.command("evaluations")
@handle_errors
def evaluations_cmd(batch_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """A batch's application-effect verifications, newest first (anyone who views the
    project); qc evaluation ID shows one whole."""
    from datamill.compliance.access import batch_project
    from datamill.production.effect_evaluation import list_evaluations

    with get_runtime().session() as s:
        actor = acting_user(s, user)
        pid = batch_project(s, batch_id, actor)
        acting_user(s, user, Action.VIEW_PROJECT, project_id=pid)
        rows = list_evaluations(s, batch_id, actor)

    def render(rs: list[Any]) -> None:
        if not rs:
            out.print(say("qc.effect_no_rows", batch=batch_id))
        for r in rs:
            m = r.result.get("measure") or {}
            out.print(say("qc.effect_row", id=r.id, at=r.created_at.isoformat(timespec="seconds"),
                          method=esc(r.method), name=code("metric", str(m.get("name"))),
                          value=m.get("value"), scored=r.result.get("items_scored"))
                      + "  " + say(f"qc.effect_status.{r.verdict.status}"), soft_wrap=True)

    emit(rows, as_json, render)


@app.command("evaluation")
@handle_errors
def evaluation_cmd(evaluation_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """One application-effect verification with its whole report."""
    from datamill.compliance.access import hide_unseen
    from datamill.production.effect_evaluation import evaluation_project, get_evaluation

    with get_runtime().session() as s:
        actor = acting_user(s, user)
        pid = hide_unseen(s, actor, evaluation_project(s, evaluation_id), "effect evaluation",
                          evaluation_id, evaluation_id=evaluation_id)
        acting_user(s, user, Action.VIEW_PROJECT, project_id=pid)
        v = get_evaluation(s, evaluation_id, actor)
    emit(v, as_json, _render_effect)


def _render_effect(v: Any) -> None:
    from datamill.cli._datasheet import verdict_words

    r = v.result
    m = r.get("measure") or {}
    metric = code("metric", str(m.get("name")))
    out.print(say("qc.effect", id=v.id, batch=v.batch_id, method=esc(v.method)), soft_wrap=True)
    out.print(say("qc.effect_measure", name=metric, value=m.get("value"),
                  scored=r.get("items_scored"), sample=v.sample_size, items=v.batch_items,
                  seed=v.seed), soft_wrap=True)
    out.print(verdict_words(v.verdict.model_dump()), soft_wrap=True, highlight=False)
    base = r.get("baseline")
    if isinstance(base, dict):
        key = f"qc.baseline.{base.get('name')}"
        name = say(key) if key in EN_CLI else esc(base.get("name"))
        out.print(say("qc.effect_baseline", name=name, metric=metric,
                      value=base.get(m.get("name"))), soft_wrap=True)
    curve = r.get("learning_curve")
    if curve:  # reports stored before the curve's points said "value" said "macro_f1"
        points = say("qc.score_sep").join(
            f"{round(p['train_share'] * 100)}% → {p.get('value', p.get('macro_f1'))}"
            for p in curve)
        out.print(say("qc.effect_curve", metric=metric, points=points), soft_wrap=True)
    unreadable = r.get("unreadable") or []
    if unreadable:
        out.print(say("qc.effect_unreadable", items=say("qc.score_sep").join(
            esc(u.get("external_id")) for u in unreadable)), soft_wrap=True)
    position = r.get("position")
    if isinstance(position, dict):
        out.print(say("qc.effect_position", pairs=position.get("pairwise_choices"),
                      share=round(100 * float(position.get("first_shown_chosen") or 0), 1)),
                  soft_wrap=True)
    for kind, groups in (r.get("groups") or {}).items():
        if len(groups) < 2:  # noqa: PLR2004 - one group says nothing the headline does not
            continue
        t = Table(say("qc.col.group"), say("qc.col.items"), say("qc.col.value"),
                  title=say("qc.effect_groups", kind=say(f"group.{kind}")
                            if f"group.{kind}" in EN_CLI else kind))
        for name, g in groups.items():
            t.add_row(esc(name), str(g.get("items")), str(g.get("value")))
        out.print(t)
    second = r.get("second_look") or []
    if not second:
        out.print(say("qc.effect_none_second"))
        return
    t = Table(say("qc.col.external"), say("qc.col.value"), say("qc.col.detail"),
              title=say("qc.effect_second_look"))
    for row in second:
        if "model_read" in row:
            detail = say("qc.effect_read", reference=row.get("reference"), model=row["model_read"])
        elif "model_says" in row:
            detail = say("qc.effect_label", label=row.get("label"), model=row["model_says"])
        else:
            detail = str(row.get("why", ""))
        t.add_row(esc(row.get("external_id")), str(row.get("value")), esc(detail))
    out.print(t)



def _register_prompt_check() -> None:
    from datamill.cli.prompt_check import register

    register(app)


_register_prompt_check()
