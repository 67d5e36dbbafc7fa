"""``datamill quality``: aggregating overlapping answers and inter-annotator agreement."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import acting_user, counted, emit, get_runtime, handle_errors, out

app = typer.Typer(help="Aggregation of overlapping answers and agreement.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting (required).")]
#: a read's ``--as``: optional, as on ``project`` reads; named, the person must be allowed to
#: view the project (as the API's caller)
ViewerOpt = Annotated[str | None, typer.Option(
    "--as", help="Username of the person looking: checked like an API caller (they may view "
    "the project). Unnamed: the operator's view.")]


def _fmt(value: float | None) -> str:
    from datamill.cli._words import say

    return say("agr.na") if value is None else f"{value:.3f}"


@app.command("aggregate")
@handle_errors
def aggregate_cmd(
    project: str,
    user: AsUser,
    method: Annotated[str | None, typer.Option(
        help="majority_vote, dawid_skene, glad or bradley_terry (default: the spec's)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-aggregate every overlapped item of a project (idempotent).

    Items past review (accepted or edited by a reviewer, batched, accepted, delivered) are
    skipped with the reason; an item whose aggregate already holds the same answer is counted
    unchanged, whatever the method.
    """
    from datamill.compliance.roles import Action
    from datamill.compliance.users import get_user, require
    from datamill.production.projects import find_project
    from datamill.qc.aggregating import aggregate_project

    with get_runtime().session() as s:
        pid = find_project(s, project).id
        actor = get_user(s, user)
        require(s, actor, Action.MANAGE_PROJECT, pid)
        report = aggregate_project(s, pid, method=method, actor_id=actor.id).to_dict()

    def render(r: dict[str, Any]) -> None:
        from datamill.cli._common import cli_language
        from datamill.cli._words import say

        aggregated = (counted(r["aggregated"], "item") if cli_language() == "en"
                      else str(r["aggregated"]))
        out.print(say("agg.line", method=r["method"], aggregated=aggregated,
                      unchanged=r["unchanged"], routed=len(r["routed"]),
                      split=len(r["unresolved"]), skipped=len(r["skipped"])))
        for skip in r["skipped"]:
            out.print(say("agg.skip", item=skip["item_id"], reason=skip["reason"]))
        if r.get("waiting_for_annotator"):
            notice = r["waiting_for_annotator"]
            out.print(say("agg.notice", code=notice["code"], message=notice["message"]),
                      soft_wrap=True)

    emit(report, as_json, render)


RoundOpt = Annotated[str, typer.Option(
    "--round", help="current: each annotator's latest answer (agreement now); first: their "
    "first submitted answer of each item (agreement as first submitted, before any rework). "
    "The table shows both side by side.")]


def _plural(n: object, word: str) -> str:
    """The noun after a count in the reader's language: 1 unit, 2 units (zh-CN: one form)."""
    from datamill.cli._words import say

    return say(f"agr.w.{word}" if n == 1 else f"agr.w.{word}s")


#: the service's reason when no item has two answers yet (worded in the CLI's language)
_NO_ANSWERS = "no item has answers from two or more annotators yet"


#: Krippendorff's measurement levels the CLI words (``agr.level.<level>``)
_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _scores_text(scores: dict[str, Any] | None, metric: str | None) -> str:
    if not scores or metric is None:
        return _fmt(None)
    return _fmt(scores.get(metric))


def _render_agreement(r: dict[str, Any]) -> None:
    from datamill.cli._words import code, say, say_count

    metric = r["scores"]["metric"]
    from datamill.cli._common import cli_language

    # the metric's words in zh-CN; English keeps the code (span_f1) as it always printed it
    shown_metric = code("metric", metric) if metric and cli_language() != "en" else metric
    out.print(say("agr.round", round=say(f"agr.name.{r['round']}"),
                  what=say(f"agr.round.{r['round']}")))
    for name in ("first", "current"):
        f = r["rounds"][name]
        line = say("agr.line", name=say(f"agr.name.{name}"), units=f["units"],
                   units_w=_plural(f["units"], "unit"), annotators=f["annotators"],
                   annotators_w=_plural(f["annotators"], "annotator"),
                   level=say(f"agr.level.{f['level']}")
                   if f["level"] in _LEVELS else f["level"],
                   percent=_fmt(f["percent_agreement"]),
                   alpha=_fmt(f["krippendorff_alpha"]), cohen=_fmt(f["cohen_kappa"]),
                   fleiss=_fmt(f["fleiss_kappa"]))
        if f["scores"]["pairs"]:
            line += say("agr.pairs", metric=shown_metric, pairs=f["scores"]["pairs"],
                        pairs_w=_plural(f["scores"]["pairs"], "pair"),
                        value=_scores_text(f["scores"]["values"], metric))
        out.print(line, soft_wrap=True)
    if r.get("no_units_reason") and not r["scores"]["pairs"]:
        reason = r["no_units_reason"]
        if reason == _NO_ANSWERS:
            reason = say("agr.no_answers")
        elif r.get("overlapped_items"):  # the pages' sentence, in the CLI's language
            reason = say_count("agr.no_units", r["overlapped_items"])
        out.print(say("agr.reason", reason=reason))
    for figure in r["unavailable"].values():
        out.print(say("agr.reason", reason=figure["reason"]))
    # "with aggregate": the share of answers equal to the item's decision (the web's
    # "agreement with the aggregate"); an LLM project's pair metric is also called agreement,
    # and the two pairs of columns read "agreement first | agreement now" twice (trial h7)
    t = Table(*(say(f"agr.col.{c}", metric=shown_metric) for c in (
        "annotator", "with_first", "with_now", "metric_first", "metric_now", "answers_first",
        "answers_now", "resubmitted")))
    for a in r["per_annotator_rounds"]:
        first, now = a["first"] or {}, a["current"] or {}
        t.add_row(a["username"], _fmt(first.get("agreement")), _fmt(now.get("agreement")),
                  _scores_text(first.get("scores"), metric),
                  _scores_text(now.get("scores"), metric),
                  str(first.get("answers", 0)), str(now.get("answers", 0)),
                  str(a["reworked_items"]))
    out.print(t)


@app.command("agreement")
@handle_errors
def agreement_cmd(
    project: str,
    batch: Annotated[int | None, typer.Option(help="Only this batch's items.")] = None,
    round_: RoundOpt = "current",
    viewer: ViewerOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Krippendorff's alpha, Cohen's/Fleiss' kappa, pairwise scores and per-annotator
    agreement, as first submitted and now (--round picks the one --json leads with)."""
    from datamill.compliance.roles import Action
    from datamill.production.projects import find_project
    from datamill.qc.agreement_report import project_agreement

    with get_runtime().session() as s:
        pid = find_project(s, project).id
        if viewer is not None:
            acting_user(s, viewer, Action.VIEW_PROJECT, project_id=pid)
        report = project_agreement(s, pid, batch_id=batch, round=round_)

    emit(report, as_json, _render_agreement)
