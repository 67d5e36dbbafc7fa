"""Point-cloud segmentation trial (LOW 6c): ``datamill qc inspect BATCH`` printed each sampled
frame's whole annotation document (every cuboid's numbers and every point label run) in its
human output, a wall of JSON per row. It now prints one line per answer (cuboids per label,
points per class named by the spec's point classes, in ``DATAMILL_LANG``) and says where the
whole documents are; ``--json`` keeps them whole. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.config import get_settings
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import create_batch
from datamill.production.models import Item
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.modalities.pointcloud.test_segmentation import CAR, GROUND
from tests.unit.production.test_assist_faces import world  # noqa: F401 - a fixture


@pytest.fixture
def batch(runtime: Runtime, users: dict[str, User],
          world: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The frame annotated (its boxes, 100 car points, the rest road), reviewed, batched."""
    n = world["points"]
    with runtime.session() as s:
        pid = s.get(Item, world["item"]).project_id
        add_member(s, pid, users["rev"], actor_id=None)
        t = claim_next_task(s, users["ann1"], pid, "annotate")
        assert t is not None
        doc = {"objects": [c.model_dump(mode="json") for c in world["cuboids"]],
               "point_labels": [[GROUND, n - 100], [CAR, 100]]}
        submit_annotation(s, users["ann1"], t.id, doc, base_version=t.current_version)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    with runtime.session() as s:
        r = claim_next_task(s, users["rev"], pid, "review")
        assert r is not None
        review_task(s, users["rev"], r.id, "accept")
    with runtime.session() as s:
        return {"id": create_batch(s, pid).id, "points": n, "cuboids": len(world["cuboids"])}


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    yield CliRunner()
    get_settings.cache_clear()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_qc_inspect_summarises_a_frame_and_json_keeps_it_whole(
    cli: CliRunner, batch: dict[str, Any], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("DATAMILL_LANG", lang)
    get_settings.cache_clear()
    r = cli.invoke(app, ["qc", "inspect", str(batch["id"]), "--as", "insp"])
    assert r.exit_code == 0, r.stdout + r.stderr
    shown = re.sub(r"[\s│]+", " ", r.stdout)  # the table's cells wrapped: one line
    assert "point_labels" not in shown and '"objects"' not in shown, shown
    rest = batch["points"] - 100
    if lang == "en":
        assert f"{batch['cuboids']} cuboids (car {batch['cuboids']})" in shown, shown
        assert f"points per class: road {rest:,}, car 100" in shown, shown
        # the command it names runs as printed: --as is required (new-user trial h8)
        assert f"datamill qc inspect {batch['id']} --as insp --json" in shown
    else:
        assert f"{batch['cuboids']} 个立方体（car {batch['cuboids']}）" in shown, shown
        assert f"各类点数：road {rest:,}、car 100" in shown, shown
        assert "完整文档" in shown and f"qc inspect {batch['id']} --as insp --json" in shown
    monkeypatch.delenv("DATAMILL_LANG")
    get_settings.cache_clear()
    r = cli.invoke(app, ["qc", "inspect", str(batch["id"]), "--as", "insp", "--json"])
    assert r.exit_code == 0, r.stdout + r.stderr
    [sample] = json.loads(r.stdout)["sample"]
    delivered = json.loads(sample["delivered_text"])
    assert delivered["point_labels"] == [[GROUND, rest], [CAR, 100]]
    assert len(delivered["objects"]) == batch["cuboids"]


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "3 objects (cat 1, dog 2); by kind: box 2, mask 1; scene: indoor"),
    ("zh-CN", "3 个对象（cat 1、dog 2）；按类型：矩形框 2、掩码 1；场景：indoor"),
])
def test_an_image_answer_reads_as_its_objects_not_its_mask_runs(
    monkeypatch: pytest.MonkeyPatch, lang: str, line: str
) -> None:
    """The image trial's masks: a sampled image's answer is its objects per label and kind,
    not the mask's runs (the same table, the same hook)."""
    from datamill.cli import quality
    from datamill.modalities.registry import get_modality
    from datamill.production.schemas import InspectionOut

    monkeypatch.setenv("DATAMILL_LANG", lang)
    get_settings.cache_clear()
    runs = list(range(1, 2001))
    answer = json.dumps({"objects": [
        {"kind": "box", "label": "dog", "x": 1, "y": 1, "w": 5, "h": 5},
        {"kind": "box", "label": "dog", "x": 9, "y": 1, "w": 5, "h": 5},
        {"kind": "mask", "label": "cat", "rle": {"size": [2000, 1001], "counts": runs}}],
        "classes": ["indoor"]})
    summary = get_modality("image").answer_summary(answer)  # type: ignore[attr-defined]
    assert quality._summary_line(summary) == line
    view = InspectionOut(
        id=1, batch_id=4, status="open", verdict=None,
        plan={"lot_size": 1, "level": "II", "aql": 4.0, "code_letter": "A", "sample_size": 1,
              "accept": 0, "reject": 1},
        scores={}, reasons=[], sample=[{"item_id": 7, "external_id": "a.png",
                                        "delivered_text": answer, "corrected_text": None}])
    with _common.out.capture() as captured:
        quality._render_inspection(view, None, {7: (line, "")}, "insp")
    text = re.sub(r"[\s│]+", " ", captured.get())
    assert line in text and "1999" not in text and "datamill qc inspect 4 --as insp --json" in text
    get_settings.cache_clear()
