"""``datamill workforce`` commands on golden items and qualification (the PM's controls):
``golden-rate``, ``accuracy`` and the ``qualification`` and ``golden`` sub-commands.

Registered on :data:`datamill.cli.workforce.app`; every command acts for ``--as USERNAME`` and
is checked like the API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import cli_language, emit, get_runtime, handle_errors, out
from datamill.cli._words import code, say
from datamill.cli.workforce import AsUser, JsonOpt, _actor, _project_id, app

__all__: list[str] = []

qualification_app = typer.Typer(
    help="A project's qualification test: define or revise it, show it, require it.",
    no_args_is_help=True,
)
app.add_typer(qualification_app, name="qualification")


def _show_test(t: Any) -> None:
    if t is None:
        out.print(say("wq.none"))
        return
    out.print(
        say("wq.test", project=t.project_id, revision=t.revision, metric=_metric(t.metric),
            threshold=t.pass_threshold, golden=len(t.golden_item_ids), required=_yes(t.required),
            attempts=t.max_attempts)
        + (say("wq.apart", minutes=t.cooldown_minutes) if t.cooldown_minutes else ""),
        highlight=False,
    )


def _yes(flag: bool) -> str:
    return say("wf.yes") if flag else say("wf.no")


def _metric(metric: str) -> str:
    """The test's metric: its code in English, as the CLI always printed it; else worded."""
    return metric if cli_language() == "en" else code("metric", metric)


def _read_answers(path: Path, what: str) -> dict[str, str]:
    """A JSON object of answers (strings) keyed by utterance name or item id."""
    import json

    from datamill.core.errors import InvalidInput

    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidInput(f"cannot read {what} from {path}: {err}") from err
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        raise InvalidInput(f"{path} must hold a JSON object of answers (strings)")
    return answers


@app.command("golden-rate")
@handle_errors
def golden_rate_cmd(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    rate: Annotated[str | None, typer.Argument(help="New rate 0-0.5 (omit to show).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or set the share of annotate claims served as silent golden checks."""
    from datamill.workforce.golden import golden_rate, set_golden_rate
    from datamill.workforce.qualification import require_project_manager

    with get_runtime().session() as s:
        pid, who = _project_id(s, project), _actor(s, actor)
        if rate is None:
            require_project_manager(s, who, pid, "see golden rates")
            value = golden_rate(s, pid)
        else:
            value = set_golden_rate(s, who, pid, rate)
    emit({"project_id": pid, "golden_rate": str(value)}, as_json,
         lambda v: out.print(say("wq.golden_rate", project=pid, rate=v["golden_rate"]),
                             highlight=False))


@qualification_app.command("set")
@handle_errors
def qualification_set(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    golden: Annotated[Path, typer.Option(
        help="JSON object: item id or utterance name -> known answer.")],
    threshold: Annotated[str, typer.Option(help="Pass threshold in (0, 1], e.g. 0.95.")],
    actor: AsUser,
    metric: str = "character_accuracy",
    max_attempts: Annotated[int | None, typer.Option(
        help="Attempts a worker may make (default 3; a revision without it keeps the "
             "test's); a manager may grant more.")] = None,
    cooldown_minutes: Annotated[int | None, typer.Option(
        help="Minutes between two attempts of one worker (default 0: none).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Define the qualification test, or revise it (its owner or an admin)."""
    from datamill.workforce.qualification import (
        define_qualification_test,
        golden_answers_by_reference,
    )

    answers = _read_answers(golden, "golden answers")
    with get_runtime().session() as s:
        pid = _project_id(s, project)
        by_id = golden_answers_by_reference(s, pid, answers)
        t = define_qualification_test(s, _actor(s, actor), pid, by_id, pass_threshold=threshold,
                                      metric=metric, max_attempts=max_attempts,
                                      cooldown_minutes=cooldown_minutes)
    emit(t, as_json, _show_test)


@qualification_app.command("show")
@handle_errors
def qualification_show(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Show the test (golden item ids, never the answers) and whether it is required."""
    from datamill.workforce.qualification import (
        get_qualification_test,
        qualification_required,
        require_project_manager,
    )

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        require_project_manager(s, _actor(s, actor), pid, "see qualification tests")
        t = get_qualification_test(s, pid)
        required = qualification_required(s, pid)
    if t is None:
        emit({"project_id": pid, "test": None, "required": required}, as_json,
             lambda v: out.print(say("wq.none_required", required=_yes(required))))
        return
    emit(t, as_json, _show_test)


@qualification_app.command("require")
@handle_errors
def qualification_require(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    off: Annotated[bool, typer.Option("--off", help="Stop requiring it.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Require a passed qualification test before anyone takes the project's annotate tasks."""
    from datamill.workforce.qualification import set_qualification_required

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        required = set_qualification_required(s, _actor(s, actor), pid, not off)
    emit({"project_id": pid, "required": required}, as_json,
         lambda v: out.print(say("wq.requires", project=pid, required=_yes(required)),
                             highlight=False))


@qualification_app.command("questions")
@handle_errors
def qualification_questions_cmd(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """The items the test asks about (never their answers), for the worker taking it."""
    from datamill.workforce.qualification import qualification_questions

    with get_runtime().session() as s:
        rows = qualification_questions(s, _actor(s, actor), _project_id(s, project))

    def render(rows: list[Any]) -> None:
        t = Table(*(say(f"wq.col.{c}") for c in ("item", "name", "file", "prompt", "withheld")))
        for q in rows:
            t.add_row(str(q.item_id), q.external_id, q.filename, q.prompt or "-",
                      ", ".join(q.withheld) or "-")
        out.print(t)
        out.print(say("wq.media"), highlight=False)
        out.print(say("wq.answer"), highlight=False)

    emit(rows, as_json, render)


@qualification_app.command("take")
@handle_errors
def qualification_take(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    answers: Annotated[Path, typer.Option(
        help="JSON object: item id or name -> your answer, one for every question.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Take the qualification test (a registered worker): your answers are scored at once."""
    from datamill.workforce.qualification import (
        get_qualification_test,
        golden_answers_by_reference,
        take_qualification_test,
    )

    given = _read_answers(answers, "answers")
    with get_runtime().session() as s:
        pid = _project_id(s, project)
        attempt = take_qualification_test(s, _actor(s, actor), pid,
                                          golden_answers_by_reference(s, pid, given,
                                                                      questions=True))
        test = get_qualification_test(s, pid)
        value = {**attempt.model_dump(mode="json"), "project_id": pid,
                 "pass_threshold": str(test.pass_threshold) if test else None,
                 "metric": test.metric if test else None}
    emit(value, as_json, lambda v: out.print(
        say("wq.taken", result=say("wq.passed" if v["passed"] else "wq.not_passed"),
            metric=_metric(str(v["metric"])), score=v["score"],
            threshold=v["pass_threshold"], used=v["attempts_used"], left=v["attempts_left"]),
        highlight=False))


@qualification_app.command("grant")
@handle_errors
def qualification_grant(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    worker: Annotated[int, typer.Argument(help="The worker's id.")],
    actor: AsUser,
    note: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Grant a worker one more attempt at the test, lifting a cool-down (the project's
    manager, or the worker's vendor manager)."""
    from datamill.workforce.retakes import grant_attempt

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        got = grant_attempt(s, _actor(s, actor), pid, worker, note)
    value = {"project_id": pid, "worker_id": worker, "attempts_used": got.attempts_used,
             "attempts_allowed": got.attempts_allowed, "attempts_left": got.attempts_left}
    emit(value, as_json, lambda v: out.print(
        say("wq.granted", worker=worker, used=v["attempts_used"],
            allowed=v["attempts_allowed"], left=v["attempts_left"]), highlight=False))


@qualification_app.command("results")
@handle_errors
def qualification_results(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    worker: Annotated[int | None, typer.Option(help="Only this worker's attempts.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Qualification attempts: a worker sees their own, a vendor manager their workers'."""
    from datamill.workforce.qualification import list_attempts

    with get_runtime().session() as s:
        rows = list_attempts(s, _actor(s, actor), _project_id(s, project), worker)

    def render(rows: list[Any]) -> None:
        if not rows:
            out.print(say("wq.no_attempts"))
            return
        t = Table(*(say(f"wq.col.{c}") for c in (
            "attempt", "worker", "user", "vendor", "score", "result", "revision", "at")))
        for r in rows:
            t.add_row(str(r.id), str(r.worker_id), r.username, r.vendor or say("wf.in_house"),
                      f"{r.score} ({_metric(r.metric)} >= {r.pass_threshold})",
                      say("wq.passed" if r.passed else "wq.not_passed"), str(r.test_revision),
                      r.created_at.strftime("%Y-%m-%d %H:%M"))
        out.print(t)

    emit(rows, as_json, render)


golden_app = typer.Typer(
    help="Golden (known-answer) items: add them with their answers, list, remove.",
    no_args_is_help=True,
)
app.add_typer(golden_app, name="golden")


def _item_ids(s: Any, pid: int, refs: list[str]) -> list[int]:
    from datamill.workforce.qualification import golden_answers_by_reference

    return list(golden_answers_by_reference(s, pid, dict.fromkeys(refs, "")))


@golden_app.command("add")
@handle_errors
def golden_add(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    answers: Annotated[Path | None, typer.Option(
        help="JSON object: item name or id -> known answer; these items (checked, not yet "
             "worked on) leave production.")] = None,
    item: Annotated[list[str] | None, typer.Option(
        "--item", help="An accepted item (name or id) whose annotation is the answer; "
                       "repeatable.")] = None,
    threshold: Annotated[str | None, typer.Option(
        help="Pass threshold of the qualification test (needed to define it).")] = None,
    metric: Annotated[str | None, typer.Option(help="The test's metric.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Make items golden with their known answers (a new revision of the test)."""
    from datamill.workforce.golden import add_golden_items
    from datamill.workforce.qualification import golden_answers_by_reference

    given = _read_answers(answers, "known answers") if answers is not None else {}
    with get_runtime().session() as s:
        pid = _project_id(s, project)
        t = add_golden_items(
            s, _actor(s, actor), pid,
            answers=golden_answers_by_reference(s, pid, given) if given else None,
            accepted=_item_ids(s, pid, item or []), pass_threshold=threshold, metric=metric)
    emit(t, as_json, _show_test)


@golden_app.command("list")
@handle_errors
def golden_list(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """The golden items with their answers; production: no = never production volume."""
    from datamill.workforce.golden import list_golden_items

    with get_runtime().session() as s:
        rows = list_golden_items(s, _actor(s, actor), _project_id(s, project))

    def render(rows: list[Any]) -> None:
        t = Table(*(say(f"wq.col.{c}") for c in (
            "item", "name", "status", "production", "checks", "accuracy", "answer")))
        for g in rows:
            answer = g.answer if len(g.answer) <= 60 else g.answer[:60] + " …"  # noqa: PLR2004
            t.add_row(str(g.item_id), g.external_id, code("item_status", g.status),
                      _yes(g.production),
                      str(g.answered), "-" if g.accuracy is None else str(g.accuracy), answer)
        out.print(t)

    emit(rows, as_json, render)


@golden_app.command("remove")
@handle_errors
def golden_remove(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    items: Annotated[list[str], typer.Argument(help="Golden items (name or id).")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Take items out of the golden set; one set aside returns to production."""
    from datamill.workforce.golden import remove_golden_items

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        t = remove_golden_items(s, _actor(s, actor), pid, _item_ids(s, pid, items))
    emit(t, as_json, _show_test)


@app.command("accuracy")
@handle_errors
def accuracy_cmd(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Each worker's running accuracy on golden checks and qualification standing."""
    from datamill.workforce.golden import project_accuracy

    with get_runtime().session() as s:
        rows = project_accuracy(s, _actor(s, actor), _project_id(s, project))

    def render(rows: list[Any]) -> None:
        t = Table(*(say(f"wq.col.{c}") for c in (
            "worker", "user", "vendor", "answered", "accuracy", "qualification")))
        for r in rows:
            qual = say("wq.passed") if r.qualified else (
                say("wq.failed") if r.qualification_score is not None else "-")
            score = f" ({r.qualification_score})" if r.qualification_score is not None else ""
            t.add_row(str(r.worker_id), r.username, r.vendor or say("wf.in_house"), str(r.answered),
                      "-" if r.accuracy is None else str(r.accuracy), qual + score)
        out.print(t)

    emit(rows, as_json, render)
