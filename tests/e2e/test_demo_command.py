"""The README's main job, `datamill demo --fresh --full`, as a person runs it: every demo project
(speech, images, NER text, LLM preferences, lidar cuboids, TTS) reaches an accepted delivery, corpus design and
browser collection run, then the money story closes its month and the catalog licenses a
dataset; exit code 0."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests._tools import require_tool


@pytest.mark.slow
def test_full_demo_reaches_every_delivery(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    env = {**os.environ, "DATAMILL_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    proc = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "datamill.cli", "demo", "--fresh", "--full", "--utterances", "6",
         "--workdir", str(tmp_path / "data")],
        capture_output=True, text=True, env=env, timeout=1200, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    out = proc.stdout
    for slug in ("demo-asr-en", "demo-image", "demo-ner", "demo-llm-pref", "demo-lidar",
                 "demo-tts-en", "demo-tts-zh"):
        assert f"{slug}: delivery written to" in out, slug
    assert "period 20" in out and "closed" in out  # the money story's month end
    assert "licence " in out and "accepted" in out  # the catalog licensed a dataset
    assert "5/5 recordings passed the checks" in out  # browser collection with consent
    assert "is full: 1 of 1 speakers" in out  # a speaker quota cell closed
    assert (tmp_path / "data" / "corpus" / "zh" / "report.html").is_file()  # corpus design
    deliveries = list((tmp_path / "data" / "deliveries").rglob("manifest*"))
    assert len(deliveries) >= 4  # noqa: PLR2004 - one per project


def test_demo_refuses_an_unknown_project(tmp_path: Path) -> None:
    env = {**os.environ, "DATAMILL_HOME": str(tmp_path / "home")}
    proc = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "datamill.cli", "demo", "--modalities", "speech,video"],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )
    assert proc.returncode == 2  # noqa: PLR2004 - usage error
    assert "video" in proc.stdout + proc.stderr
