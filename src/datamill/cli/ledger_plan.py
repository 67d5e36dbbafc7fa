"""``datamill ledger budget-plan``: budget lines from the production plan and plan variance.

Collection volume = deliverable × (1 + loss rate); annotation hours = collection volume ×
annotation-output ratio (标产比); prices from the workforce price system (see
:mod:`datamill.ledger.budget_plan`). Every command acts for ``--as USERNAME`` and passes the
ledger's access check, as in the API.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.business_clock import business_today
from datamill.cli._common import emit, get_runtime, handle_errors, out, styled
from datamill.cli._unit_words import unit_after
from datamill.cli._words import code, say
from datamill.cli.ledger import _writer
from datamill.core.errors import InvalidInput
from datamill.core.shown_numbers import shown_money, shown_percent, shown_price, shown_volume

app = typer.Typer(help="Budgets from planned volume, loss rate and annotation-output ratio; "
                       "variance of actual vs plan per stage.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting (required).")]
Deliverable = Annotated[str, typer.Option(help="Deliverable volume in hours")]
Loss = Annotated[str, typer.Option(help="Loss rate, e.g. 0.05 (plan = deliverable × (1+loss))")]
Ratio = Annotated[str, typer.Option(help="Annotation-output ratio: work hours per data hour")]
On = Annotated[str | None, typer.Option(help="Price date YYYY-MM-DD (default today)")]


def _plan_args(deliverable: str, loss: str, ratio: str, on: str | None, collection_stage: str,
               labelling_stage: str, vendor: int | None, collection_price: str | None,
               labelling_price: str | None) -> dict[str, Any]:

    try:
        day = date.fromisoformat(on) if on else business_today()
    except ValueError as err:
        raise InvalidInput(f"--on {on!r} is not a date (YYYY-MM-DD)", field="on") from err
    return {"deliverable": deliverable, "loss_rate": loss, "output_ratio": ratio, "on": day,
            "collection_stage": collection_stage, "labelling_stage": labelling_stage,
            "vendor_id": vendor, "collection_price": collection_price,
            "labelling_price": labelling_price}


def _render_plan(p: Any) -> None:
    out.print(say("ledger.plan_head", collection=shown_volume(p.collection_volume),
                  deliverable=shown_volume(p.deliverable), loss=p.loss_rate,
                  annotation=shown_volume(p.annotation_hours), ratio=p.output_ratio),
              highlight=False)
    t = Table(*(say(f"ledger.col.{c}") for c in (
        "stage", "quantity", "unit_price", "amount", "price_from", "deviation")))
    for ln in p.lines:
        dev = "" if ln.deviation is None else shown_percent(ln.deviation, signed=True)
        t.add_row(code("stage", ln.stage),
                  f"{shown_volume(ln.quantity)} "
                  f"{unit_after(shown_volume(ln.quantity), ln.unit)}",
                  shown_price(ln.unit_price), shown_money(ln.amount),
                  ln.price_source, styled((dev, "bold red")) if ln.flagged else dev)
    out.print(t)
    out.print(say("ledger.plan_total", total=shown_money(p.total)), highlight=False)


@app.command("show")
@handle_errors
def show(project_id: int, user: AsUser, deliverable: Deliverable, loss: Loss, ratio: Ratio,
         on: On = None, collection_stage: str = "collect", labelling_stage: str = "annotate",
         vendor: int | None = None, collection_price: str | None = None,
         labelling_price: str | None = None, as_json: JsonOpt = False) -> None:
    """Compute the budget lines of a plan (nothing is saved)."""
    from datamill.ledger.budget_plan import plan_budget

    args = _plan_args(deliverable, loss, ratio, on, collection_stage, labelling_stage, vendor,
                      collection_price, labelling_price)
    with get_runtime().session() as s:
        _writer(s, user, project_id)
        p = plan_budget(s, project_id, **args)
    emit(p, as_json, _render_plan)


@app.command("create")
@handle_errors
def create(project_id: int, user: AsUser, deliverable: Deliverable, loss: Loss, ratio: Ratio,
           on: On = None, collection_stage: str = "collect", labelling_stage: str = "annotate",
           vendor: int | None = None, collection_price: str | None = None,
           labelling_price: str | None = None, as_json: JsonOpt = False) -> None:
    """Create a draft budget version from the plan (then submit it as usual)."""
    from datamill.ledger.budget_plan import create_budget_from_plan

    args = _plan_args(deliverable, loss, ratio, on, collection_stage, labelling_stage, vendor,
                      collection_price, labelling_price)
    with get_runtime().session() as s:
        b = create_budget_from_plan(s, project_id, actor_id=_writer(s, user, project_id),
                                    **args)
    emit(b, as_json, lambda b: out.print(say("ledger.budget", id=b.id, version=b.version,
                                             total=shown_money(b.total)), highlight=False))


@app.command("variance")
@handle_errors
def variance(project_id: int, user: AsUser, as_json: JsonOpt = False,
             period: Annotated[str | None, typer.Option(
                 help="YYYY-MM: the costs incurred up to that month's end.")] = None) -> None:
    """Actual against the approved budget, per stage (quantity and amount)."""
    from datamill.cli._common import acting_user
    from datamill.ledger.budget_plan import readable_plan_variance

    with get_runtime().session() as s:
        # the rule is readable_plan_variance's, as for GET .../plan-variance and the web page
        v = readable_plan_variance(s, acting_user(s, user), project_id, period)

    def render(v: Any) -> None:
        t = Table(*(say(f"ledger.col.{c}") for c in (
            "stage", "planned_qty", "actual_qty", "planned", "actual", "variance",
            "variance_pct", "plan_status")))
        for x in v.stages:
            pct = "" if x.variance_pct is None else shown_percent(x.variance_pct, signed=True)
            word = say(f"ledger.plan.{x.status}")
            st = styled((word, "bold red")) if x.status != "within" else word
            t.add_row(code("stage", x.stage), shown_volume(x.planned_quantity),
                      shown_volume(x.actual_quantity), shown_money(x.planned_amount),
                      shown_money(x.actual_amount), shown_money(x.variance), pct, st)
        out.print(t)
        out.print(say("ledger.plan_totals", planned=shown_money(v.planned_total),
                      actual=shown_money(v.actual_total)), highlight=False)

    emit(v, as_json, render)
