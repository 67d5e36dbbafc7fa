"""Issue 10 §1: the production loop runs an ``image`` project end to end with no image code in
the loop: import a folder of PNG/JPEG, checks, pre-annotation, ImageAnnotation submissions
validated against the label schema, review, batch, inspection by box-position and OCR
accuracy, delivery in COCO/YOLO/VOC/PaddleOCR with manifest and datasheet, acceptance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.image.importers.coco import CocoImporter
from datamill.modalities.image.metric import score_text_lines
from datamill.modalities.image.schema import Box, ImageAnnotation
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch, record_acceptance
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project, project_stats
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import image_folder, image_spec


def _annotate(rt: Runtime, users: dict[str, User], pid: int,
              truth: dict[str, ImageAnnotation]) -> None:
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            assert t.duration_ms is None and t.attributes["width"] > 0
            payload = truth[t.external_id].model_dump(mode="json")
            submit_annotation(s, users["ann1"], t.id, payload, base_version=t.current_version)
    while True:
        with rt.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")


def accepted_image_batch(
    rt: Runtime, users: dict[str, User], folder: Path
) -> tuple[int, int, dict[str, ImageAnnotation]]:
    """An image project of ``users`` made from :func:`image_folder` in ``folder``, imported,
    checked, annotated and reviewed as the truth says, and its batch inspected and accepted:
    (project id, batch id, the truth)."""
    truth = image_folder(folder)
    with rt.session() as s:
        pid = create_project(s, image_spec()).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, pid, folder)
    with rt.session() as s:
        run_checks(s, rt.blobs, pid, workers=1)
    _annotate(rt, users, pid, truth)
    with rt.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        assert complete_inspection(s, insp.id, users["insp"]).verdict == "accepted"
        return pid, batch.id, truth


def test_image_project_runs_the_whole_loop(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    truth = image_folder(tmp_path / "in")
    with runtime.session() as s:
        p = create_project(s, image_spec())
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, p.id, tmp_path / "in")
    # the truncated JPEG is refused at import (the modality cannot describe it)
    assert (report.imported, report.rejected) == (7, 1), report.rejections
    assert "truncated" in report.rejections[0]["source"]
    with runtime.session() as s:
        items = {i.external_id: i for i in s.scalars(select(Item).where(Item.project_id == p.id))}
        assert {i.volume for i in items.values()} == {1}  # one image, one unit of volume
        assert items["objects0"].attributes["format"] == "JPEG"
        assert items["objects1"].attributes["width"] == 640
        stats = project_stats(s, p.id)
        assert (stats["volume"], stats["volume_unit"]) == (7, "images")
        assert "duration_ms" not in stats
        summary = run_checks(s, runtime.blobs, p.id, workers=1)
    assert (summary.passed, summary.rejected) == (6, 1)  # bad/tiny.png is too small
    assert summary.rejections[0]["item"] == "bad/tiny"
    with runtime.session() as s:  # OCR pre-annotation: the model's text lines become version 1
        pre = preannotate_project(s, runtime.blobs, p.id, engine="rapidocr", workers=1)
    assert pre["items"] == 6
    with runtime.session() as s:
        suggested = {
            ext: ImageAnnotation.model_validate(payload) for ext, payload, kind in s.execute(
                select(Item.external_id, Annotation.payload, Annotation.kind)
                .join(Annotation, Annotation.id == Item.current_annotation_id)
                .where(Item.project_id == p.id))
            if kind == "preannotation"
        }
    assert len(suggested) == 6
    ocr = score_text_lines([truth["ocr0"], truth["ocr1"]],
                           [suggested["ocr0"], suggested["ocr1"]], iou_threshold=0.3)
    assert ocr.character_accuracy > 0.8, ocr

    with runtime.session() as s:  # the label schema is enforced on submission
        create_packages(s, p.id, "annotate")
        t = claim_next_task(s, users["ann1"], p.id, "annotate")
        assert t is not None
        wrong = ImageAnnotation(objects=(Box(label="truck", x=0, y=0, w=10, h=10),))
        with pytest.raises(InvalidInput, match=r"objects\[0\]\.label: unknown"):
            submit_annotation(s, users["ann1"], t.id, wrong.model_dump(mode="json"),
                              base_version=t.current_version)
        with pytest.raises(InvalidInput, match=r"an image annotation is a JSON object .*"
                                               r"--annotation FILE.*not list"):
            submit_annotation(s, users["ann1"], t.id, [{"start_ms": 0}],
                              base_version=t.current_version)
        with pytest.raises(InvalidInput, match="not an image annotation"):
            submit_annotation(s, users["ann1"], t.id, {"objects": "none"},
                              base_version=t.current_version)
        huge = ImageAnnotation(objects=(Box(label="car", x=600, y=0, w=100, h=10),))
        with pytest.raises(InvalidInput, match="exceeds image width"):
            submit_annotation(s, users["ann1"], t.id, huge.model_dump(mode="json"),
                              base_version=t.current_version)
    _annotate(runtime, users, p.id, truth)
    with runtime.session() as s:
        ann = s.scalars(select(Annotation).join(Item, Item.id == Annotation.item_id)
                        .where(Item.external_id == "ocr0")).first()
        assert ann is not None and ann.payload["type"] == "image_annotation"
        assert ann.text == " ".join(o.transcription for o in truth["ocr0"].objects)  # type: ignore[union-attr]
        batch = create_batch(s, p.id)
    assert batch.items == 6

    with runtime.session() as s:  # an inspector who moves every box rejects the batch
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:
            delivered = json.loads(smp["delivered_text"])
            assert ImageAnnotation.model_validate(delivered) == truth[smp["external_id"]]
            with pytest.raises(InvalidInput, match="annotation document"):
                record_correction(s, insp.id, smp["item_id"], "not json")
            record_correction(s, insp.id, smp["item_id"], json.dumps(delivered))
        done = complete_inspection(s, insp.id, users["insp"])
    assert done.verdict == "accepted", done.reasons
    assert done.scores["region_accuracy"] == 1.0 and done.scores["character_accuracy"] == 1.0

    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out")
    assert set(d.formats) == {"coco", "yolo", "voc", "paddleocr_det", "paddleocr_rec", "image_hf"}
    root = Path(d.path)
    manifest = json.loads((root / "manifest.json").read_text())
    assert {"coco/annotations.json", "datasheet.json"} <= set(manifest["files"])
    # each format holds its images (no shared images/ folder besides: trial finding)
    assert sum(1 for f in manifest["files"] if f.startswith("coco/images/")) == 6
    assert not any(f.startswith("images/") for f in manifest["files"])
    assert not (root / "images").exists()
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == digest, rel
    sheet = json.loads((root / "datasheet.json").read_text())
    assert sheet["images"] == 6 and sheet["items"] == 6
    assert sheet["volume"] == {"amount": 6, "base_unit": "images", "unit": "images",
                               "per_unit": 1, "in_units": 6.0}
    assert sheet["labels"]["car"] + sheet["labels"]["person"] == 12
    assert sheet["inspection"]["verdict"] == "accepted"
    # what a format cannot hold is counted, never dropped without a word: the OCR lines in
    # YOLO and VOC, the 12 boxes in PaddleOCR's text-line files
    lines = sheet["labels"]["text"]
    assert sheet["left_out"] == {
        "yolo": {"text_line": lines}, "voc": {"text_line": lines},
        "paddleocr_det": {"box": 12}, "paddleocr_rec": {"box": 12}}
    # the COCO package reads back into the same annotations
    coco = CocoImporter()
    assert coco.detect(root / "coco") > 0.5
    back = {p.stem: a for p, a, _ in coco.iter_items(root / "coco")}
    assert back == {k: v for k, v in truth.items() if k != "bad/tiny"}
    with runtime.session() as s, pytest.raises(InvalidInput, match=r"every item counts as 1 in "
                                                  r"images.*volume \(6\).*items \(5\)"):
        record_acceptance(s, d.id, accepted_items=5, accepted_volume=6)  # 6 billed for 5
    with runtime.session() as s:
        acc = record_acceptance(s, d.id, accepted_duration_ms=6, accepted_utterances=6)
        assert acc.status == "accepted"
