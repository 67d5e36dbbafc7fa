"""A delivery package copied elsewhere: ``datamill delivery relocate`` rewrites the absolute
paths inside it (Kaldi ``wav.scp``, the JSONL and Parquet audio paths) to where it lies now and
updates the manifest's sha256 sums; lhotse and HF datasets then read it with the original gone.
A package whose manifest does not record its root needs ``--from``; JSON in every case."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.delivery import deliver_batch
from datamill.production.delivery_relocate import relocate_package
from datamill.production.inspection import create_batch
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import (
    _annotate_and_review,
    _inspect,
    _read_back_with_real_tools,
)


def test_a_moved_package_is_rewritten_for_its_new_place(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    with runtime.session() as s:
        first = Path(deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out").path)
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["root"] == str(first)
    moved = tmp_path / "customer" / "dataset v1"
    shutil.copytree(first, moved)
    shutil.rmtree(first)

    result = CliRunner().invoke(app, ["delivery", "relocate", str(moved), "--json"])
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["old_root"] == str(first) and report["new_root"] == str(moved.resolve())
    assert {"kaldi/wav.scp", "hf/data.jsonl", "hf/data.parquet"} <= set(report["files"])
    assert report["replaced"] >= 12  # noqa: PLR2004 - 4 recordings in 3 files
    after = json.loads((moved / "manifest.json").read_text())
    assert after["root"] == str(moved.resolve())
    for rel, digest in after["files"].items():
        assert hashlib.sha256((moved / rel).read_bytes()).hexdigest() == digest, rel
    assert str(first) not in (moved / "kaldi" / "wav.scp").read_text()
    _read_back_with_real_tools(moved)
    again = relocate_package(moved)  # nothing left to do
    assert (again.files, again.replaced) == ([], 0)

    # a package written before the root was recorded
    older = tmp_path / "older"
    shutil.copytree(moved, older)
    legacy = json.loads((older / "manifest.json").read_text())
    del legacy["root"]
    (older / "manifest.json").write_text(json.dumps(legacy))
    refused = CliRunner().invoke(app, ["delivery", "relocate", str(older), "--json"])
    assert refused.exit_code == 2  # noqa: PLR2004 - invalid input
    assert "--from OLD_FOLDER" in json.loads(refused.stdout)["error"]["message"]
    done = relocate_package(older, old_root=str(moved.resolve()))
    assert "kaldi/wav.scp" in done.files
    _read_back_with_real_tools(older)
    with pytest.raises(InvalidInput, match=r"holds no manifest\.json"):
        relocate_package(tmp_path / "nothing")
