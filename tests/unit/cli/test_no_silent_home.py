"""A command run from a folder without a datamill home (and no ``DATAMILL_HOME``) started a new,
empty ``./.datamill`` silently and reported empty results as if the data were gone. Now it
refuses (exit 3, JSON with ``--json``) and names where it looked; the commands that start an
installation (the first ``user create``, ``db-upgrade``) say on stderr where the new home is.
A ``DATAMILL_HOME`` naming a folder that does not exist is refused the same way (a typo)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.config import Settings, get_settings


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty current folder, no DATAMILL_HOME or DATAMILL_DATABASE_URL, no open runtime."""
    folder = tmp_path / "somewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("DATAMILL_HOME", raising=False)
    monkeypatch.delenv("DATAMILL_DATABASE_URL", raising=False)
    opened: list[Any] = []
    monkeypatch.setattr(_common, "_runtime", opened)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()
    for rt in opened:
        rt.close()


def test_a_read_refuses_without_a_home(elsewhere: Path) -> None:
    cli = CliRunner()
    r = cli.invoke(app, ["project", "list", "--json"])
    assert r.exit_code == 3, r.output
    err = json.loads(r.stdout)["error"]
    home = elsewhere.resolve() / ".datamill"
    assert (err["code"], err["home"]) == ("no_home", str(home))
    assert err["message"].startswith(f"no datamill home at {home}")
    assert "DATAMILL_HOME" in err["message"] and "datamill demo" in err["message"]
    r = cli.invoke(app, ["ledger", "report", "wip", "2018-01-01", "2018-12-31", "--as", "pm"])
    assert r.exit_code == 3 and r.stderr.startswith("error (no_home): no datamill home at ")
    assert not (elsewhere / ".datamill").exists()  # nothing was started


def test_the_first_user_starts_a_home_and_says_so(elsewhere: Path) -> None:
    cli = CliRunner()
    r = cli.invoke(app, ["user", "create", "carol", "--role", "annotator", "--password",
                         "at-least-8-chars", "--as", "admin"])
    assert r.exit_code == 3, r.output  # acting as someone: an existing installation is meant
    r = cli.invoke(app, ["user", "create", "root", "--role", "admin", "--password",
                         "at-least-8-chars", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["username"] == "root"
    home = elsewhere.resolve() / ".datamill"
    assert f"started a new, empty datamill home at {home}" in r.stderr
    assert (home / "datamill.db").is_file()
    r = cli.invoke(app, ["project", "list", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == [] and r.stderr == ""


def test_db_upgrade_starts_a_home(elsewhere: Path) -> None:
    r = CliRunner().invoke(app, ["db-upgrade", "--json"])
    assert r.exit_code == 0, r.output
    done = json.loads(r.stdout)
    assert done["schema"] == "latest" and "started a new" in r.stderr
    # a new database: every migration was applied, the core schema first, up to the heads
    assert done["applied"][0] == "0001" and set(done["heads"]) <= set(done["applied"])
    again = json.loads(CliRunner().invoke(app, ["db-upgrade", "--json"]).stdout)
    assert again == {"schema": "latest", "applied": [], "heads": done["heads"]}


def test_a_named_home_that_does_not_exist_is_refused_not_started(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trial h10: ``DATAMILL_HOME=/tmp/nonexist datamill project list --json`` answered ``[]``
    (rc 0) and left an empty home there. A read (or a write acting as someone) on a named home
    that does not exist is refused, naming the setting and how to start one; only the
    commands that start an installation start it."""
    monkeypatch.setenv("DATAMILL_HOME", str(elsewhere / "new-home"))
    get_settings.cache_clear()
    home = (elsewhere / "new-home").resolve()
    for args in (["project", "list", "--json"], ["project", "list", "--as", "admin", "--json"]):
        r = CliRunner().invoke(app, args)
        assert r.exit_code == 3, r.output  # noqa: PLR2004 - not found
        err = json.loads(r.stdout)["error"]
        assert (err["code"], err["home"]) == ("no_home", str(home)), err
        assert "DATAMILL_HOME" in err["message"] and "db-upgrade" in err["message"]
        assert not (elsewhere / "new-home").exists()  # nothing was started
    r = CliRunner().invoke(app, ["user", "create", "root", "--role", "admin", "--password",
                                 "at-least-8-chars", "--json"])
    assert r.exit_code == 0, r.output  # the first user starts it, and says so
    assert r.stderr.startswith(f"datamill: started a new, empty datamill home at {home} "
                               "(DATAMILL_HOME names a folder that did not exist)")
    assert (elsewhere / "new-home" / "datamill.db").is_file()
    r = CliRunner().invoke(app, ["project", "list", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == [], r.output
    assert _common._missing_default_home(Settings()) is None  # named: DATAMILL_HOME
    monkeypatch.delenv("DATAMILL_HOME")
    assert _common._missing_default_home(Settings()) == elsewhere.resolve() / ".datamill"
    assert _common._missing_default_home(Settings(database_url="postgresql://u@db/x")) is None


def test_the_first_admin_may_name_themself(elsewhere: Path) -> None:
    """``user create admin --role admin --as admin`` on a new installation was refused with
    "no user named 'admin'": the first admin naming themself is the first user; once an admin
    exists, --as must name one, and a second admin naming themself is refused."""
    cli = CliRunner()
    r = cli.invoke(app, ["user", "create", "boss", "--role", "admin", "--password",
                         "at-least-8-chars", "--as", "boss", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["username"] == "boss"
    r = cli.invoke(app, ["user", "create", "boss2", "--role", "admin", "--password",
                         "at-least-8-chars", "--as", "boss2", "--json"])
    assert r.exit_code == 3, r.output  # an admin exists: boss2 is nobody yet
    r = cli.invoke(app, ["user", "create", "boss2", "--role", "admin", "--password",
                         "at-least-8-chars", "--as", "boss", "--json"])
    assert r.exit_code == 0, r.output
