"""h4 trial (MEDIUM, left out last round): a refusal naming where an in-place file lies on the
server (``in_place_moved``, ``in_place_changed``, ``in_place_too_large``) was said whole by the
CLI to anyone acting ``--as`` (an annotator, a customer), where the API and the pages already
told such a person only that the file cannot be read now. The CLI now follows the same rule
(:func:`datamill.compliance.file_whereabouts.told_role`): whoever may manage projects hears the
path, anyone else ``in_place_unavailable``, in text and ``--json`` alike (code and exit kept);
the operator at the server's shell, with no ``--as``, hears it whole."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli._common import JsonOpt, handle_errors
from datamill.compliance.models import User
from datamill.production.in_place import IN_PLACE_MOVED, InPlaceMoved
from datamill.runtime import Runtime

WHERE = "/srv/company-data/speakers/utt000.wav"

app = typer.Typer()


@app.command()
@handle_errors
def play(user: Annotated[str | None, typer.Option("--as")] = None,
         as_json: JsonOpt = False) -> None:
    """A command reading an item's in-place file that a symbolic link now stands in front of."""
    raise InPlaceMoved(f"the registered file {WHERE} is no longer where it was registered",
                       reason_code=IN_PLACE_MOVED, uri=WHERE)


@app.command()
def other() -> None:  # two commands: typer then takes the command's name
    """Nothing."""


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)
def test_the_cli_names_an_in_place_path_only_to_those_who_manage_projects(
        runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    for who in ("ann1", "rev", "insp"):
        for extra in ([], ["--json"]):
            r = cli.invoke(app, ["play", "--as", who, *extra])
            assert r.exit_code != 0
            assert WHERE not in r.output, (who, r.output)  # was said whole
            if extra:
                said = json.loads(r.stdout)["error"]
                assert said["code"] == "in_place_moved"
                assert said["reason_code"] == "in_place_unavailable"
            else:
                assert "cannot be read" in r.output
    for extra in (["--as", "pm"], ["--as", "admin"], []):
        r = cli.invoke(app, ["play", *extra])
        assert WHERE in r.output.replace("\n", ""), (extra, r.output)
