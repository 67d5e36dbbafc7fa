"""The README's main job, `datamill demo --fresh --full`, as a person runs it: every demo project
(speech, images, NER text, LLM preferences, lidar cuboids, TTS) reaches an accepted delivery, corpus design and
browser collection run, then the money story closes its month and the catalog licenses a
dataset; exit code 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DemoRun


@pytest.mark.slow
def test_full_demo_reaches_every_delivery(full_demo: DemoRun) -> None:
    out = full_demo.stdout
    for slug in ("demo-asr-en", "demo-image", "demo-ner", "demo-llm-pref", "demo-lidar",
                 "demo-tts-en", "demo-tts-zh"):
        assert f"{slug}: delivery written to" in out, slug
    assert "period 20" in out and "closed" in out  # the money story's month end
    assert "licence " in out and "accepted" in out  # the catalog licensed a dataset
    assert "5/5 recordings passed the checks" in out  # browser collection with consent
    assert "is full: 1 of 1 speakers" in out  # a speaker quota cell closed
    assert (full_demo.workdir / "corpus" / "zh" / "report.html").is_file()  # corpus design
    deliveries = list((full_demo.workdir / "deliveries").rglob("manifest*"))
    assert len(deliveries) >= 4  # noqa: PLR2004 - one per project
    # found by trial h2 (a new user's first run): Python's own notation read as output,
    # "project demo-asr-en: {'accepted': 36, 'rejected': 4}", "rejected ({'reverberation': 1})",
    # "inspection accepted ({'phone_accuracy': 1.0, ...})", "cost per unit None"
    assert "{'" not in out and " None" not in out, [
        line for line in out.splitlines() if "{'" in line or " None" in line]


def test_demo_refuses_an_unknown_project(tmp_path: Path) -> None:
    env = {**os.environ, "DATAMILL_HOME": str(tmp_path / "home")}
    proc = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "datamill.cli", "demo", "--modalities", "speech,video"],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )
    assert proc.returncode == 2  # noqa: PLR2004 - usage error
    assert "video" in proc.stdout + proc.stderr


def _demo(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "datamill.cli", "demo", *args],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=600, cwd=tmp_path,
    )


def test_fresh_never_deletes_a_home_the_demo_did_not_make(tmp_path: Path) -> None:
    home = tmp_path / "real-home"
    home.mkdir()
    (home / "datamill.db").write_bytes(b"someone's real database")
    proc = _demo(tmp_path, {"DATAMILL_HOME": str(home)}, "--fresh", "--modalities", "text")
    assert proc.returncode == 2, proc.stdout + proc.stderr  # noqa: PLR2004 - invalid input
    assert "which the demo did not make" in proc.stdout + proc.stderr
    assert (home / "datamill.db").read_bytes() == b"someone's real database"
    # nor a home whose database is configured elsewhere (its rows would outlive the blobs)
    proc = _demo(tmp_path, {"DATAMILL_HOME": str(tmp_path / "h2"),
                            "DATAMILL_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"},
                 "--fresh", "--modalities", "text")
    assert proc.returncode == 2 and "DATAMILL_DATABASE_URL" in proc.stdout + proc.stderr  # noqa: PLR2004


def test_a_demo_run_into_an_existing_home_does_not_make_it_deletable(tmp_path: Path) -> None:
    home = tmp_path / "installed"
    env = {"DATAMILL_HOME": str(home)}
    made = subprocess.run(  # noqa: S603 - our own CLI: an installation with one admin
        [sys.executable, "-m", "datamill.cli", "user", "create", "root", "--role", "admin",
         "--password", "password1"],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=120, cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    proc = _demo(tmp_path, env, "--modalities", "pointcloud", "--workdir", str(tmp_path / "data"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (home / "MADE-BY-DATAMILL-DEMO").exists()
    # the next step names a project this run built (it named demo-asr-en, which it had not)
    assert "Next: datamill work next demo-lidar --as alice" in proc.stdout
    proc = _demo(tmp_path, env, "--fresh", "--modalities", "pointcloud")
    assert proc.returncode == 2 and "which the demo did not make" in proc.stdout + proc.stderr  # noqa: PLR2004
    assert (home / "datamill.db").is_file()


def test_fresh_reruns_on_the_demo_s_own_home(tmp_path: Path) -> None:
    env = {"DATAMILL_HOME": str(tmp_path / "home")}
    for _ in range(2):  # the second run deletes the first one's home and data, then works
        proc = _demo(tmp_path, env, "--fresh", "--modalities", "pointcloud")
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "home" / "MADE-BY-DATAMILL-DEMO").is_file()
    # its raw data and deliveries lie in the home, not in the folder it ran from (cwd)
    assert (tmp_path / "home" / "demo-data").is_dir() and not (tmp_path / "demo-data").exists()
