"""``datamill project``: create from a spec, list, show, add members.

Writes act for ``--as USERNAME`` and are checked and audited like the API's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import (
    AsUser,
    acting_user,
    amount,
    emit,
    get_runtime,
    handle_errors,
    out,
    styled,
)
from datamill.compliance.roles import Action, allowed

app = typer.Typer(help="Projects: create from a dataset spec, list, show, dashboard, add-member, "
                  "set-spec, speakers.",
                  no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ViewerOpt = Annotated[str | None, typer.Option(
    "--as", help="Username of the person looking: they see what the API shows them (their "
    "projects, cleared for their level; a customer only the basics). Unnamed: the default "
    "clearance.")]


def _viewer(s: Any, username: str | None) -> Any:
    from datamill.compliance.users import get_user

    return get_user(s, username) if username else None


def _require_view(s: Any, viewer: Any, project_id: int) -> None:
    """A named viewer must be allowed to view the project (its work and the people doing it),
    as the API's caller is; nobody named: the clearance rule alone."""
    from datamill.compliance.classification import require_visible

    if viewer is None:
        require_visible(s, None, project_id)
    else:
        acting_user(s, viewer.username, Action.VIEW_PROJECT, project_id=project_id)



@app.command("create")
@handle_errors
def create(spec: Annotated[Path, typer.Argument(help="Dataset spec (YAML or JSON).")],
           user: AsUser, as_json: JsonOpt = False) -> None:
    """Create a project from a dataset spec file (the creator becomes a member)."""
    from datamill.production.projects import create_project
    from datamill.production.spec import read_spec_file

    data = read_spec_file(spec)
    with get_runtime().session() as s:
        actor = acting_user(s, user, Action.CREATE_PROJECT)
        project = create_project(s, data, actor_id=actor.id)  # nothing written on a bad spec
    from datamill.cli._words import code, say

    emit(project, as_json, lambda p: out.print(styled(
        say("proj.created_head", id=p.id), (p.name, "bold"),
        say("proj.created_tail", modality=p.modality, type=code("ptype", p.project_type)))))


@app.command("list")
@handle_errors
def list_(as_json: JsonOpt = False, as_user: ViewerOpt = None) -> None:
    """List projects (never those classified above the viewer's clearance; a named viewer's
    own projects)."""
    from datamill.compliance.classification import visible_project_ids
    from datamill.production.projects import list_projects

    with get_runtime().session() as s:
        viewer = _viewer(s, as_user)
        if viewer is None:
            projects = list_projects(s, visible_project_ids(s, None))
        else:  # as the API lists them for this person: their projects, as they may see them
            from datamill.compliance.access import member_project_ids, project_basics

            projects = [project_basics(viewer, p)
                        for p in list_projects(s, member_project_ids(s, viewer))]

    def render(rows: list[Any]) -> None:
        if not rows and as_user:  # a member of none: who can change that, and how
            from datamill.cli._words import say

            out.print(say("project.none_member", user=as_user), soft_wrap=True)
            return
        from datamill.cli._words import code, say

        t = Table(*(say(f"proj.col.{c}") for c in (
            "id", "name", "modality", "language", "type", "status")))
        for p in rows:
            t.add_row(str(p.id), p.name, p.modality, p.language, code("ptype", p.project_type),
                      code("status", p.status))
        out.print(t)

    emit(projects, as_json, render)


@app.command("show")
@handle_errors
def show(project: Annotated[str, typer.Argument(help="Project id or name.")], as_json: JsonOpt = False,
         as_user: ViewerOpt = None) -> None:
    """Show a project's item counts by status and total volume (its customer: the basics)."""
    from datamill.compliance import access
    from datamill.production.projects import find_project, project_stats

    with get_runtime().session() as s:
        p = find_project(s, project)
        viewer = _viewer(s, as_user)
        if viewer is not None and (access.sees_project_basics_only(viewer)
                                   or access.works_without_viewing(viewer)):
            # its customer, or a member who works on it: the basics (as the API's GET
            # /projects/{id}) and where their part is; never the item counts and the people
            access.require_project_basics(s, viewer, p.id)
            basics = access.project_basics(viewer, p)
            customer = access.sees_project_basics_only(viewer)
            stage = "" if customer or allowed(viewer.role, Action.ANNOTATE) else "review"
            emit({"project": basics.model_dump(mode="json")}, as_json,
                 lambda _v: _render_basics(basics, viewer.username, customer=customer,
                                           stage=stage))
            return
        _require_view(s, viewer, p.id)
        stats = {"project": p.model_dump(mode="json"), **project_stats(s, p.id)}

    def render(v: dict[str, Any]) -> None:
        from datamill.cli._words import code, say, say_count

        out.print(styled((p.name, "bold"), f" (id {p.id}) {p.modality} {p.language} "
                         f"{code('ptype', p.project_type)}"))
        t = Table(say("proj.col.status"), say("proj.col.items"))
        for k, n in sorted(v["by_status"].items()):
            t.add_row(code("item_status", k), str(n))
        out.print(t)
        per, unit = v["volume_per_unit"], code("unit", v["volume_unit"])
        usable = "" if v["usable_volume"] == v["volume"] else say(
            "proj.usable", volume=amount(v["usable_volume"] / per), unit=unit)
        out.print(say("proj.total", items=say_count("proj.items", v["items"]),
                      volume=amount(v["volume"] / per), unit=unit, usable=usable))

    emit(stats, as_json, render)


def _render_basics(p: Any, username: str, *, customer: bool, stage: str) -> None:
    """A project as its customer or one of its annotators (reviewers) sees it: what it is,
    and the command for their part (the deliveries; the next task)."""
    from datamill.cli._words import code, say

    out.print(styled((p.name, "bold"), f" (id {p.id}) {p.modality} {p.language} "
                     f"{code('ptype', p.project_type)} {code('status', p.status)}"),
              soft_wrap=True)
    if p.spec.get("description"):
        out.print(p.spec["description"], soft_wrap=True)
    key = "project.basics_customer" if customer else "project.basics_worker"
    out.print(say(key, project=p.name, user=username,
                  stage=f" --stage {stage}" if stage else ""), soft_wrap=True)  # copyable


@app.command("dashboard")
@handle_errors
def dashboard_cmd(project: Annotated[str, typer.Argument(help="Project id or name.")],
                  as_json: JsonOpt = False, as_user: ViewerOpt = None) -> None:
    """What the project's dashboard shows: progress by status, work per day and per worker,
    check failures (volumes in the modality's unit)."""
    from datamill.production.dashboard import dashboard
    from datamill.production.projects import find_project

    with get_runtime().session() as s:
        p = find_project(s, project)
        _require_view(s, _viewer(s, as_user), p.id)
        board = dashboard(s, p.id)

    def render(v: dict[str, Any]) -> None:
        from datamill.cli._words import code, say

        unit = code("unit", v["throughput"]["unit"])
        t = Table(say("proj.col.status"), say("proj.col.items"), unit,
                  title=say("proj.progress", project=p.name))
        for row in v["progress"]:
            t.add_row(code("item_status", row["status"]), str(row["items"]),
                      amount(row["volume"]))
        out.print(t)
        for key, title in (("per_day", "day"), ("per_worker", "worker")):
            # per stage: an item annotated and reviewed is two pieces of work, not two items
            w = Table(*(say(f"proj.col.{c}") for c in (title, "annotated", "reviewed", "both")),
                      unit, title=say(f"proj.per.{title}"))
            for row in v["throughput"][key]:
                w.add_row(str(row["day" if key == "per_day" else "worker"]),
                          str(row.get("annotated", "")), str(row.get("reviewed", "")),
                          str(row["items"]), amount(row["volume"]))
            out.print(w)
        c = Table(say("proj.col.check"), say("proj.col.failing"), title=say("proj.checks"))
        for row in v["check_failures"]:
            c.add_row(row["check"], str(row["items"]))
        out.print(c)
        if v.get("waiting_for_annotator"):
            notice = v["waiting_for_annotator"]
            out.print(f"notice [{notice['code']}]: {notice['message']}", soft_wrap=True)

    emit(board, as_json, render)


@app.command("add-member")
@handle_errors
def add_member_cmd(project: str, username: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """Add a user to a project (required before they can work on it)."""
    from datamill.cli._words import say
    from datamill.compliance.users import add_member, get_user
    from datamill.production.projects import find_project

    with get_runtime().session() as s:
        p = find_project(s, project)
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=p.id, project_ref=project)
        add_member(s, p.id, get_user(s, username), actor_id=actor.id)
    emit({"project": p.name, "username": username}, as_json,
         lambda v: out.print(say("sw.member_added", username=v["username"],
                                 project=v["project"])))


@app.command("remove-member")
@handle_errors
def remove_member_cmd(project: str, username: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """End a user's membership of a project; the work they held on it goes back to the pool."""
    from datamill.cli._words import say
    from datamill.compliance.membership import remove_member
    from datamill.compliance.users import get_user
    from datamill.production.projects import find_project

    with get_runtime().session() as s:
        p = find_project(s, project)
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=p.id, project_ref=project)
        done = remove_member(s, actor, p.id, get_user(s, username).id)
    emit({**done, "project": p.name}, as_json, lambda v: out.print(
        say("proj.member_removed", user=v["username"], project=v["project"],
            tasks=len(v["released_tasks"]), packages=len(v["unassigned_packages"]))))


@app.command("set-spec")
@handle_errors
def set_spec_cmd(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    user: AsUser,
    changes: Annotated[list[str] | None, typer.Argument(
        help="KEY=VALUE changes; KEY may be dotted (acceptance.character_accuracy=0.95), "
        "VALUE is read as YAML (10, true, [annotate], null removes the key).")] = None,
    patch_file: Annotated[Path | None, typer.Option(
        "--file", help="A YAML or JSON merge patch of the spec (applied before KEY=VALUE).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a project's dataset spec: description, package size, sampling, acceptance, the
    modality's requirements ... (name, modality, language and type never; stages and overlap
    only before its first tasks)."""
    from datamill.production.projects import find_project
    from datamill.production.spec import read_spec_file
    from datamill.workforce.qualification import update_spec_gated

    patch: Any = read_spec_file(patch_file) if patch_file else {}
    for change in changes or []:
        patch = _combined(patch, _dotted(change))
    with get_runtime().session() as s:
        p = find_project(s, project)
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=p.id, project_ref=project)
        updated = update_spec_gated(s, p.id, patch, actor_id=actor.id)
    emit(updated, as_json, lambda v: out.print(styled(
        "updated the spec of project ", (v.name, "bold"), f" ({v.id})")))


def _combined(first: Any, then: dict[str, Any]) -> Any:
    """Two merge patches as one: ``then``'s keys over ``first``'s, objects merged, and a null
    kept as a null (it removes the key from the spec; merging the patches themselves by
    RFC 7396 dropped it, so ``acceptance.character_accuracy=null`` changed nothing).

    >>> _combined({"acceptance": {"a": 1}}, {"acceptance": {"b": None}})
    {'acceptance': {'a': 1, 'b': None}}
    """
    if not isinstance(first, dict):
        return then
    out = dict(first)
    for key, value in then.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _combined(out[key], value) if both else value
    return out


def _dotted(change: str) -> dict[str, Any]:
    """``a.b=VALUE`` as ``{"a": {"b": VALUE}}`` (VALUE read as YAML)."""
    import yaml

    from datamill.core.errors import InvalidInput

    key, sep, raw = change.partition("=")
    if not sep or not key.strip() or any(not part for part in key.strip().split(".")):
        raise InvalidInput(f"{change!r} is not KEY=VALUE (e.g. package_size=10)", field="changes")
    try:
        value: Any = yaml.safe_load(raw) if raw.strip() else raw
    except yaml.YAMLError as err:
        raise InvalidInput(f"the value of {key.strip()} is not YAML: {err}",
                           field="changes") from err
    for part in reversed(key.strip().split(".")):
        value = {part: value}
    return dict(value)


from datamill.cli import project_speakers  # noqa: E402 - a sub-app of this one

app.add_typer(project_speakers.app, name="speakers")
