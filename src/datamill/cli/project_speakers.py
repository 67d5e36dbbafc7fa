"""``datamill project speakers``: a project's closed speaker list (speech workbench).

``list`` shows it; ``set`` replaces it from a JSON file; ``add`` and ``remove`` change one
speaker. Writes act for ``--as USERNAME`` (who must be allowed to manage the project)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import AsUser, acting_user, emit, get_runtime, handle_errors, out
from datamill.compliance.roles import Action
from datamill.core.errors import InvalidInput
from datamill.core.storable import digits

__all__ = ["app"]

app = typer.Typer(help="A project's speaker list: list, set, add, remove.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ProjectArg = Annotated[str, typer.Argument(help="Project id or name.")]


def _render(rows: list[dict[str, Any]]) -> None:
    from datamill.cli._words import say

    if not rows:
        out.print(say("sw.no_speakers"))
        return
    t = Table(*(say(f"sw.col.{c}") for c in ("code", "name", "colour", "hotkey")))
    for r in rows:
        t.add_row(r["code"], r["name"], r["colour"],
                  f"Alt+Shift+{r['hotkey']}" if r["hotkey"] else "")
    out.print(t)


def _dump(rows: list[Any]) -> list[dict[str, Any]]:
    return [r.model_dump() for r in rows]


@app.command("list")
@handle_errors
def list_cmd(project: ProjectArg, as_json: JsonOpt = False) -> None:
    """Show the project's speaker list."""
    from datamill.production.projects import find_project
    from datamill.production.speech.speakers import list_speakers

    with get_runtime().session() as s:
        rows = _dump(list_speakers(s, find_project(s, project).id))
    emit(rows, as_json, _render)


@app.command("set")
@handle_errors
def set_cmd(
    project: ProjectArg,
    user: AsUser,
    file: Annotated[Path, typer.Argument(help="JSON list of {code, name, colour, hotkey}.")],
    as_json: JsonOpt = False,
) -> None:
    """Replace the speaker list from a JSON file (an empty list removes it)."""
    from pydantic import TypeAdapter, ValidationError

    from datamill.production.projects import find_project
    from datamill.production.speech.speakers import SpeakerIn, set_speakers

    try:
        text = file.read_bytes().decode("utf-8-sig")  # Notepad's UTF-8 starts with a BOM
        speakers = TypeAdapter(list[SpeakerIn]).validate_json(text)
    except ValidationError as err:
        raise InvalidInput(f"{file}: not a speaker list: {_problems(err)}", field="file") from err
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidInput(f"{file}: not a speaker list: {err}", field="file") from err
    with get_runtime().session() as s:
        pid = find_project(s, project).id
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=pid, project_ref=project)
        rows = _dump(set_speakers(s, actor, pid, speakers))
    emit(rows, as_json, _render)


_FIELD_RULES = {
    "code": "must be 1 to 40 ASCII letters, digits, '_', '.' or '-' (it goes into segments and"
            " exports; a Chinese name goes in 'name')",
    "colour": "must look like #rrggbb",
    "hotkey": "must be a digit from 1 to 9",
}


def _problems(err: Any) -> str:
    """Each problem of a speaker list as 'speaker N: field rule' (no pydantic jargon)."""
    out = []
    for e in err.errors():
        loc = [str(x) for x in e.get("loc", ())]
        where = f"speaker {int(loc[0]) + 1}: " if loc and digits(loc[0]) else ""
        field = next((x for x in loc if not digits(x)), "")
        rule = _FIELD_RULES.get(field, str(e.get("msg", "invalid")))
        shown = f" (got {e['input']!r})" if "input" in e and not isinstance(e["input"], dict) \
            else ""
        out.append(f"{where}{field} {rule}{shown}".strip())
    return "; ".join(out)


@app.command("add")
@handle_errors
def add_cmd(
    project: ProjectArg,
    code: Annotated[str, typer.Argument(help="The code segments store.")],
    user: AsUser,
    name: Annotated[str, typer.Option(help="Display name (default: the code).")] = "",
    colour: Annotated[str | None, typer.Option(help="#rrggbb (default: from a palette).")] = None,
    hotkey: Annotated[int | None, typer.Option(help="Digit 1-9 (Alt+Shift+digit).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add one speaker to the list."""
    from pydantic import ValidationError

    from datamill.production.projects import find_project
    from datamill.production.speech.speakers import SpeakerIn, add_speaker

    try:
        speaker = SpeakerIn(code=code, name=name, colour=colour, hotkey=hotkey)
    except ValidationError as err:
        raise InvalidInput(f"not a valid speaker: {_problems(err)}", field="code") from err
    with get_runtime().session() as s:
        pid = find_project(s, project).id
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=pid, project_ref=project)
        rows = _dump(add_speaker(s, actor, pid, speaker))
    emit(rows, as_json, _render)


@app.command("remove")
@handle_errors
def remove_cmd(
    project: ProjectArg,
    code: Annotated[str, typer.Argument(help="The speaker's code.")],
    user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Take one speaker off the list (submitted segments keep their code)."""
    from datamill.production.projects import find_project
    from datamill.production.speech.speakers import remove_speaker

    with get_runtime().session() as s:
        pid = find_project(s, project).id
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=pid, project_ref=project)
        rows = _dump(remove_speaker(s, actor, pid, code))
    emit(rows, as_json, _render)
