"""``datamill ledger ratio-test``: the annotation-output ratio (标产比) before a project starts.

A pre-start self-test (试标): ``start`` names a sample of the project's items and the in-house
workers who annotate it through the ordinary workbench and claims; ``measure`` computes the ratio
from the time their submissions recorded; or ``agree`` records a customer-agreed ratio with a
note; ``apply`` sets the draft budget's annotation line from it (a submitted or approved budget
is refused: ``budget_not_draft``). Every command acts for ``--as USERNAME`` and the service
checks the ledger's rule (a writer of the books cleared for the project), as in the API and on
the project's finance page. ``PROJECT_ID`` is the ledger project's id.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import (
    acting_user,
    cli_language,
    emit,
    get_runtime,
    handle_errors,
    out,
)
from datamill.cli._unit_words import unit_after
from datamill.cli._words import code, say
from datamill.core.errors import InvalidInput
from datamill.core.storable import digits

app = typer.Typer(help="Pre-start self-test (试标) of the annotation-output ratio, or a "
                       "customer-agreed ratio, applied to the draft budget.",
                  no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting (required).")]
Stage = Annotated[str, typer.Option(help="The annotation stage the ratio is for")]
_SPLIT = re.compile(r"[\s,]+")


def _words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text.strip()) if w]


def _ids(text: str) -> list[int]:
    words = _words(text)
    bad = [w for w in words if not digits(w) or len(w) > 18]
    if bad:
        raise InvalidInput(f"--items takes item ids (numbers): {', '.join(bad[:5])}",
                           field="items")
    return [int(w) for w in words]


def _render_test(t: Any) -> None:
    what = say("rt.self_test" if t.source == "self_test" else "rt.agreed")
    unit = code("unit", t.unit)
    ratio = "-" if t.ratio is None else say("rt.ratio", ratio=t.ratio,
                                            unit=unit_after(1, t.unit))  # h per hour
    out.print(say("rt.head", what=what, id=t.id, stage=code("stage", t.stage),
                  status=_status(t.status), ratio=ratio), highlight=False)
    if t.source == "self_test":
        out.print(say("rt.sample", n=t.sample_size, workers=", ".join(t.workers)), highlight=False)
        if t.status == "measured":
            out.print(say("rt.measured", items=t.items_measured, volume=t.volume, unit=unit,
                          hours=t.work_hours, participants=", ".join(t.participants))
                      + (say("rt.untimed", n=t.untimed) if t.untimed else ""), highlight=False)
    if t.note:
        out.print(say("rt.note", note=t.note), highlight=False)


def _status(status: str) -> str:
    """A ratio test's status in the CLI's language (its code in English, as always printed)."""
    return code("rt.status", status)


def _source(source: str) -> str:
    """Where a ratio came from: ``self_test`` or ``agreed`` in English, as always printed."""
    if cli_language() == "en":
        return source
    return say("rt.self_test" if source == "self_test" else "rt.agreed")


@app.command("start")
@handle_errors
def start(project_id: int, user: AsUser,
          items: Annotated[str, typer.Option(help="Item ids of the sample: 12,13,14")],
          workers: Annotated[str, typer.Option(help="In-house workers' usernames: ann1,ann2")],
          stage: Stage = "annotate", as_json: JsonOpt = False) -> None:
    """Open a self-test: the named workers annotate the sample in the workbench."""
    from datamill.compliance.users import get_user
    from datamill.ledger.ratio_tests import start_self_test

    with get_runtime().session() as s:
        actor = acting_user(s, user)
        worker_ids = [get_user(s, name).id for name in _words(workers)]
        t = start_self_test(s, actor, project_id, item_ids=_ids(items), worker_ids=worker_ids,
                            stage=stage)
    emit(t, as_json, _render_test)


@app.command("measure")
@handle_errors
def measure(test_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Measure a running self-test from the time its workers' submissions recorded."""
    from datamill.ledger.ratio_tests import measure_self_test

    with get_runtime().session() as s:
        t = measure_self_test(s, acting_user(s, user), test_id)
    emit(t, as_json, _render_test)


@app.command("agree")
@handle_errors
def agree(project_id: int, user: AsUser,
          ratio: Annotated[str, typer.Option(help="Work hours per unit, e.g. 2.5")],
          note: Annotated[str, typer.Option(help="Where it was agreed")],
          unit: Annotated[str | None, typer.Option(help="Unit (default the modality's)")] = None,
          stage: Stage = "annotate", as_json: JsonOpt = False) -> None:
    """Record a ratio agreed with the customer instead of a self-test."""
    from datamill.ledger.ratio_tests import record_agreed_ratio

    with get_runtime().session() as s:
        t = record_agreed_ratio(s, acting_user(s, user), project_id, ratio=ratio, note=note,
                                stage=stage, unit=unit)
    emit(t, as_json, _render_test)


@app.command("apply")
@handle_errors
def apply(test_id: int, user: AsUser,
          budget: Annotated[int | None, typer.Option(help="Budget id (default the latest)")] = None,
          collection_stage: Annotated[str, typer.Option(
              help="The line whose quantity the ratio multiplies")] = "collect",
          as_json: JsonOpt = False) -> None:
    """Set the draft budget's annotation line from the ratio (never a submitted or approved
    budget)."""
    from datamill.ledger.ratio_tests import apply_ratio

    with get_runtime().session() as s:
        b = apply_ratio(s, acting_user(s, user), test_id, budget_id=budget,
                        collection_stage=collection_stage)
    emit(b, as_json, lambda b: out.print(
        say("rt.budget", id=b.id, version=b.version, status=code("status", b.status),
            total=b.total), highlight=False))


@app.command("list")
@handle_errors
def list_cmd(project_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """The project's self-tests and agreed ratios, newest first."""
    from datamill.ledger.ratio_tests import list_ratio_tests

    with get_runtime().session() as s:
        rows = list_ratio_tests(s, acting_user(s, user), project_id)

    def render(rows: list[Any]) -> None:
        t = Table("#", *(say(f"rt.col.{c}") for c in (
            "source", "stage", "status", "sample", "workers", "ratio", "note")))
        for r in rows:
            t.add_row(str(r.id), _source(r.source), code("stage", r.stage), _status(r.status),
                      str(r.sample_size) if r.source == "self_test" else "",
                      ", ".join(r.workers), "-" if r.ratio is None else say("rt.ratio_short", ratio=r.ratio, unit=code("unit", r.unit)),
                      r.note)
        out.print(t)

    emit(rows, as_json, render)
