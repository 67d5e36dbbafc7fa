"""Trial 10 (L2, L7). L2: ``datamill work next <image project> --stage nonsense`` listed the
stages "(annotate, review, listen)"; listen is a speech project's (its prompt check's
listener) and an image project has no such stage. L7: the image workbench's shortcut help
listed the R/L/K/M/T tools on a project whose schema allows only boxes and polygons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import make_image_project


def test_work_next_lists_only_the_stages_this_project_has(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "img", n=1)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["work", "next", str(pid), "--as", "ann1", "--stage",
                                 "nonsense", "--json"])
    assert r.exit_code != 0
    detail = json.loads(r.stdout)["error"]["message"]
    assert "(annotate, review)" in detail and "listen" not in detail, detail
