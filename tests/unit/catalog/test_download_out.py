"""``datamill catalog download URL --out PATH``: the customer chooses where the package goes (it
only printed where the server keeps it). A file already there is refused unless ``--force``, a
folder that does not exist is refused, both before the download is counted; a folder that exists
receives the package under its own name; ``--json`` prints the path written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def _run(cli: CliRunner, *args: Any, code: int = 0, as_json: bool = True) -> Any:
    r = cli.invoke(app, [str(a) for a in args] + (["--json"] if as_json else []))
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout) if as_json else r.stdout


def test_download_out_writes_where_asked(cli: CliRunner, runtime: Runtime,
                                         tmp_path: Path) -> None:
    who = people(runtime)
    ds, _rel = released(runtime, who, tmp_path)
    cust = customer(runtime)
    lic = _run(cli, "catalog", "licence-add", ds, cust, "--price", "300000", "--territory",
               "PRC", "--term", "3 years", "--usage", "training", "--criteria", "ok", "--as",
               "sales")
    link = _run(cli, "catalog", "link", lic["id"], "--out", tmp_path / "transfer",
                "--max-downloads", 5, "--as", "sales")
    url = link["url"]

    def downloads() -> int:
        return int(_run(cli, "catalog", "links", lic["id"], "--as", "sales")[0]["downloads"])

    mine = tmp_path / "mine"
    mine.mkdir()
    target = mine / "package.zip"
    got = _run(cli, "catalog", "download", url, "--out", target)
    assert got["path"] == str(target.resolve()) and got["downloads"] == 1
    package = next(p for p in (tmp_path / "transfer").rglob("*") if p.is_file()
                   and p.read_bytes() == target.read_bytes())
    assert package != target and not list(mine.glob("*.part"))

    # refused before anything is counted: a file already there, a folder that does not exist
    again = _run(cli, "catalog", "download", url, "--out", target, code=2)
    assert again["error"]["message"] == (f"--out {target} already exists; pass --force to "
                                         "replace it")
    nowhere = tmp_path / "no-such-folder" / "package.zip"
    missing = _run(cli, "catalog", "download", url, "--out", nowhere, code=2)
    assert missing["error"]["message"] == (
        f"--out {nowhere}: the folder {nowhere.parent} does not exist; create it first or "
        "name another")
    assert not nowhere.parent.exists() and downloads() == 1

    target.write_bytes(b"stale")
    forced = _run(cli, "catalog", "download", url, "--out", target, "--force")
    assert forced["downloads"] == 2 and target.read_bytes() == package.read_bytes()

    # a folder that exists: the package under its own name, refused there too once present
    into = _run(cli, "catalog", "download", url, "--out", mine)
    assert into["path"] == str((mine / package.name).resolve())
    assert (mine / package.name).read_bytes() == package.read_bytes()
    _run(cli, "catalog", "download", url, "--out", mine, code=2)
    assert downloads() == 3

    # without --json: one line naming the file; without --out: the server's own path
    shown = _run(cli, "catalog", "download", url, "--out", tmp_path / "plain.zip",
                 as_json=False)
    assert shown.replace("\n", "").startswith(f"{(tmp_path / 'plain.zip').resolve()} (sha256 ")
    assert Path(_run(cli, "catalog", "download", url)["path"]) == package.resolve()
