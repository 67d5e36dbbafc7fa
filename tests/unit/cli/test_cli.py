"""The CLI as a person uses it: real ``datamill`` processes over a temporary home."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from datamill.engine.local import shutdown_pools
from tests._cli import run_cli, run_process
from tests.unit.production.helpers import new_workers_mapping, spec, speech_folder

#: the commands run in this process (see tests/_cli.py); one test starts the real process
run = run_cli


def test_cli_project_import_check_and_errors(tmp_path: Path) -> None:
    home = tmp_path / "home"
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec(name="cli-asr")), encoding="utf-8")
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    proc = run(home, "project", "create", str(spec_file), "--json", ok=False)
    assert proc.returncode == 2 and "--as" in proc.stdout + proc.stderr  # who acts is required
    proc = run(home, "project", "create", str(spec_file), "--as", "nobody", "--json", ok=False)
    assert proc.returncode == 3
    created = json.loads(run(home, "project", "create", str(spec_file), "--as", "root",
                             "--json").stdout)
    assert created["name"] == "cli-asr" and created["data_owner"] == "customer"

    report = json.loads(run(home, "data", "import", "cli-asr", str(speech_folder(tmp_path, 4)), "--as", "root",
                         "--json").stdout)
    assert report["imported"] == 4
    again = json.loads(run(home, "data", "import", "cli-asr", str(speech_folder(tmp_path, 4)), "--as", "root",
                         "--json").stdout)
    assert again["duplicates"] == 4 and again["imported"] == 0

    shutdown_pools()  # no worker left warm by an earlier test: the one found is this run's
    before = {p.pid for p in multiprocessing.active_children()}
    checked = json.loads(run(home, "data", "check", "cli-asr", "--workers", "1", "--as", "root",
                          "--json").stdout)
    assert checked["passed"] == 4
    # decoded in a worker process: a file whose decoder segfaults fails decoder_crashed alone,
    # never ends the command (exit 139, no --json output)
    assert new_workers_mapping(before, "libsndfile"), "the CLI decoded the files itself"

    shown = json.loads(run(home, "project", "show", "cli-asr", "--json").stdout)
    assert shown["by_status"] == {"passed": 4} and shown["project"]["name"] == "cli-asr"

    # errors: one line, a distinct exit code, nothing written
    bad_spec = tmp_path / "bad.yaml"
    bad_spec.write_text(yaml.safe_dump(spec(name="x", overlap=0)), encoding="utf-8")
    proc = run(home, "project", "create", str(bad_spec), "--as", "root", ok=False)
    assert proc.returncode == 2 and "overlap" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run(home, "project", "show", "nope", ok=False)
    assert proc.returncode == 3 and "no project named 'nope'" in proc.stderr
    listed = json.loads(run(home, "project", "list", "--json").stdout)
    assert [p["name"] for p in listed] == ["cli-asr"]


def test_the_real_process_speaks_as_the_in_process_runner(tmp_path: Path) -> None:
    # the other CLI tests run commands in the test process (tests/_cli.py): the process itself
    # gives the same exit codes, streams and JSON
    home = tmp_path / "home"
    home.mkdir()  # a folder DATAMILL_HOME names that does not exist yet is started with a notice
    for runner in (run_process, run_cli):
        missing = runner(home, "project", "show", "nope", ok=False)
        assert missing.returncode == 3 and missing.stdout == ""
        assert missing.stderr.strip().splitlines() == ["error (not_found): no project named 'nope'"], missing.stderr
        listed = runner(home, "project", "list", "--json")
        assert json.loads(listed.stdout) == [] and listed.stderr == ""
        usage = runner(home, "project", "create", "spec.yaml", "--json", ok=False)
        assert usage.returncode == 2 and "--as" in usage.stdout + usage.stderr


@pytest.mark.slow
def test_import_time_budget(tmp_path: Path) -> None:
    """``import datamill`` stays light (STYLE: nothing heavy happens at import)."""
    code = "import time; t=time.perf_counter(); import datamill; print(time.perf_counter()-t)"
    secs = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                                check=True).stdout)
    assert secs < 0.15
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import datamill.cli.main"],  # noqa: S603
                          capture_output=True, text=True, check=True)
    loaded = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()}
    assert "datamill.cli.main" in loaded
    heavy = [m for m in ("torch", "pocketsphinx", "pyarrow", "sqlalchemy.orm", "fastapi") if m in loaded]
    assert heavy == [], heavy
