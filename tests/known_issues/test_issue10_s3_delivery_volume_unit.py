"""Issue 10 §3 (trial): ``datamill delivery`` spoke speech for every modality ("N utterances,
0.0017 h", ``--utterances/--duration-ms``, "None ms"). It now speaks the modality's volume unit
(images for an image project) and takes ``--items/--volume``, the speech names kept as aliases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import make_image_project


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def _accepted_image_batch(rt: Runtime, users: dict[str, User], folder: Path) -> int:
    pid = make_image_project(rt, users, folder, n=2)
    box = {"kind": "box", "label": "car", "x": 10, "y": 12, "w": 30, "h": 20}
    for stage, who in (("annotate", "ann1"), ("review", "rev")):
        while True:
            with rt.session() as s:
                user = s.get(User, users[who].id)
                t = claim_next_task(s, user, pid, stage)
                if t is None:
                    break
                if stage == "annotate":
                    submit_annotation(s, user, t.id, {"objects": [box], "classes": []},
                                      base_version=t.current_version)
                else:
                    review_task(s, user, t.id, "accept")
    with rt.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, s.get(User, users["insp"].id))
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        assert complete_inspection(s, insp.id, s.get(User, users["insp"].id)).verdict == "accepted"
        return batch.id


def test_image_delivery_speaks_images(
    cli: CliRunner, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _accepted_image_batch(runtime, users, tmp_path / "scenes")
    r = cli.invoke(app, ["delivery", "create", str(batch_id), "--as", "admin", "--out", str(tmp_path / "out"),
                         "--format", "coco"])
    assert r.exit_code == 0, r.output
    assert "2 items, 2 images" in r.stdout
    assert "utterances" not in r.stdout and " h " not in r.stdout
    delivery_id = r.stdout.split()[1].rstrip(":")

    r = cli.invoke(app, ["delivery", "accept", delivery_id, "--as", "admin", "--utterances", "3", "--json"])
    assert r.exit_code == 2 and "accepted items 3 exceed the 2 delivered" in r.stdout
    r = cli.invoke(app, ["delivery", "accept", delivery_id, "--as", "admin", "--items", "2", "--volume", "5"])
    assert r.exit_code == 2 and "5 images exceeds the 2 images delivered" in r.stderr + r.stdout
    r = cli.invoke(app, ["delivery", "accept", delivery_id, "--as", "admin", "--items", "2"])  # volume = items
    assert r.exit_code == 0, r.output
    assert f"delivery {delivery_id} accepted: 2 items, 2 images" in r.stdout
    assert "None" not in r.stdout and " ms" not in r.stdout
    r = cli.invoke(app, ["delivery", "accept", delivery_id, "--as", "admin", "--utterances", "2",
                         "--duration-ms", "2", "--json"])
    assert r.exit_code == 4  # already accepted; the speech names still parse
    doc = json.loads(r.stdout)
    assert doc["error"]["code"] == "conflict"


def test_delivery_json_carries_the_unit(
    cli: CliRunner, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _accepted_image_batch(runtime, users, tmp_path / "scenes")
    r = cli.invoke(app, ["delivery", "create", str(batch_id), "--as", "admin", "--out", str(tmp_path / "out"),
                         "--format", "yolo", "--json"])
    made = json.loads(r.stdout)
    assert (made["volume_unit"], made["delivered_items"], made["delivered_volume"]) == (
        "images", 2, 2.0)
    r = cli.invoke(app, ["delivery", "accept", str(made["id"]), "--as", "admin", "--utterances", "1",
                         "--duration-ms", "1", "--json"])
    doc = json.loads(r.stdout)
    assert (doc["accepted_items"], doc["accepted_volume"], doc["volume_unit"]) == (1, 1.0,
                                                                                 "images")
