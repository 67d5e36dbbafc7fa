"""Trial h6 (import, round 3): each ``datamill data import`` paid ~1.9 s of CPU before its
first file was probed: the probe's worker processes (``spawn``, two) each ran the ``datamill``
console script again as ``__mp_main__``, that is imported the whole CLI, before their first
job. Measured on a 3-file import, the command's CPU went from 4.1 s to 3.2 s. The workers now
skip the script (it is named as ``datamill.__main__``); a decoder crash still costs only its
file (``tests/known_issues/test_trial_h16_import_left_outs.py``, ``import_decoder_crashed``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.unit.cli.test_cli import run
from tests.unit.production.helpers import spec, speech_folder

#: the console script pip writes for ``datamill = "datamill.cli.main:app"``, plus a line
#: that notes each time the script runs (as ``__main__``, or again in a worker)
SCRIPT = '''import os, sys
with open(os.environ["H6_MARK"], "a", encoding="utf-8") as fh:
    fh.write(__name__ + "\\n")
from datamill.cli.main import app
if __name__ == "__main__":
    sys.exit(app())
'''


def test_the_probes_workers_do_not_run_the_console_script_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec(name="probed")))
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 2), src)
    script = tmp_path / "bin" / "datamill"
    script.parent.mkdir()
    script.write_text(SCRIPT, encoding="utf-8")
    mark = tmp_path / "ran.txt"
    env = {**os.environ, "DATAMILL_HOME": str(home), "H6_MARK": str(mark)}
    env.pop("DATAMILL_DATABASE_URL", None)
    proc = subprocess.run(  # noqa: S603 - the test's own script
        [sys.executable, str(script), "data", "import", "probed", str(src), "--as", "root",
         "--json"], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert json.loads(proc.stdout)["imported"] == 2, proc.stdout
    # before: __main__, __mp_main__, __mp_main__ (each worker imported the CLI again)
    assert mark.read_text(encoding="utf-8").split() == ["__main__"]
