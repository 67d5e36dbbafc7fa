"""The pre-annotation accuracy report asks the project's modality how to score a
pre-annotation against the annotation accepted for its item: it scored read-speech prompts
only (an image, text or point-cloud project reported ``{"items": 0}``, and a text item with a
prompt would have been given a WER). Image: regions matched by IoU; text: spans and labels;
point cloud: cuboids by 3D IoU; a modality with no measure (LLM) says it is not measured."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from datamill.assist.runner import preannotation_accuracy
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import spec as llm_spec
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS
from tests.unit.production.helpers import spec as speech_spec
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec
from tests.unit.production.test_pointcloud_loop import pointcloud_spec

SPEECH_WORDS = {"word_error_rate", "character_accuracy", "sentence_accuracy"}


def _box(x: float, label: str = "car") -> dict[str, Any]:
    return {"kind": "box", "label": label, "x": x, "y": 10, "w": 40, "h": 20}


def _cuboid(x: float, label: str = "car") -> dict[str, Any]:
    return {"label": label, "x": x, "y": 0, "z": 0.8, "length": 4.5, "width": 1.9,
            "height": 1.6, "yaw": 0}


def _items(rt: Runtime, pid: int, pairs: list[tuple[Any, Any]], status: str = "reviewed",
           prompt: str | None = "a read prompt") -> None:
    """Items whose pre-annotation is the first payload and, where the second is given, whose
    accepted (``status``) annotation is the second."""
    with rt.session() as s:
        for n, (pre, done) in enumerate(pairs):
            item = Item(project_id=pid, external_id=f"i{n}", sha256=f"{n:064x}",
                        filename=f"i{n}", size_bytes=1, owner="customer", volume=1,
                        status=status if done is not None else "preannotated", prompt=prompt)
            s.add(item)
            s.flush()
            for version, (kind, payload) in enumerate(
                    [("preannotation", pre)] + ([("annotation", done)] if done else []), 1):
                ann = Annotation(item_id=item.id, version=version, stage="annotate",
                                 kind=kind, payload=payload, text="")
                s.add(ann)
                s.flush()
                item.current_annotation_id, item.current_version = ann.id, version


def test_image_pre_annotations_are_scored_by_their_boxes(sqlite_runtime: Runtime) -> None:
    with sqlite_runtime.session() as s:
        pid = create_project(s, image_spec(  # boxes only: no text line to transcribe
            name="pre-acc-image", acceptance={"region_accuracy": 0.95}, requirements={
                **IMAGE_REQUIREMENTS, "labels": {"labels": [{"name": "car", "kinds": ["box"]}]}},
        )).id
    doc = {"type": "image_annotation"}
    _items(sqlite_runtime, pid, [
        ({**doc, "objects": [_box(10)]}, {**doc, "objects": [_box(10)]}),        # kept
        ({**doc, "objects": [_box(10)]}, {**doc, "objects": [_box(200)]}),       # moved away
        ({**doc, "objects": [_box(10)]}, None),                                  # not accepted
    ])
    with sqlite_runtime.session() as s:
        acc = preannotation_accuracy(s, pid)
    assert acc["measured"] and acc["items"] == 2
    assert acc["references"] == {"accepted": 2, "prompt": 0}  # an image's prompt is no answer
    assert acc["region_accuracy"] == 0.5 and acc["metrics"]["region_accuracy"] == 0.5
    assert acc["metrics"]["character_accuracy"] is None  # a box-only project: no text lines
    assert not SPEECH_WORDS & {k for k, v in acc["metrics"].items() if v is not None}


def test_text_pre_annotations_are_scored_by_spans_and_labels(sqlite_runtime: Runtime) -> None:
    with sqlite_runtime.session() as s:
        pid = create_project(s, {
            "name": "pre-acc-text", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9}, "requirements": TEXT_REQUIREMENTS}).id
    doc = {"type": "text_annotation"}
    per, loc = {"start": 0, "end": 2, "label": "PER"}, {"start": 0, "end": 2, "label": "LOC"}
    _items(sqlite_runtime, pid, [({**doc, "spans": [per]}, {**doc, "spans": [per]}),
                                 ({**doc, "spans": [per]}, {**doc, "spans": [loc]})])
    with sqlite_runtime.session() as s:
        acc = preannotation_accuracy(s, pid)
    assert acc["measured"] and acc["items"] == 2 and acc["span_f1"] == 0.5
    assert "word_error_rate" not in acc


def test_point_cloud_pre_annotations_are_scored_by_cuboids(sqlite_runtime: Runtime) -> None:
    with sqlite_runtime.session() as s:
        pid = create_project(s, pointcloud_spec("pre-acc-cloud")).id
    doc = {"type": "pointcloud_annotation"}
    _items(sqlite_runtime, pid, [
        ({**doc, "objects": [_cuboid(5), _cuboid(20)]}, {**doc, "objects": [_cuboid(5)]}),
        ({**doc, "objects": [_cuboid(5)]}, {**doc, "objects": [_cuboid(5.1)]}),
    ])
    with sqlite_runtime.session() as s:
        acc = preannotation_accuracy(s, pid)
    assert acc["measured"] and acc["items"] == 2 and acc["references"]["accepted"] == 2
    assert 0.5 < acc["cuboid_accuracy"] < 1  # the extra cuboid counts against it
    assert 0.9 < acc["mean_iou"] <= 1


def test_a_modality_without_a_measure_says_so(sqlite_runtime: Runtime) -> None:
    with sqlite_runtime.session() as s:
        pid = create_project(s, llm_spec(name="pre-acc-llm")).id
        acc = preannotation_accuracy(s, pid)
    assert acc["measured"] is False and acc["items"] == 0
    assert "llm" in acc["not_measured"] and "not measure" in acc["not_measured"]


def test_speech_prefers_the_accepted_transcript_to_the_prompt(sqlite_runtime: Runtime) -> None:
    with sqlite_runtime.session() as s:
        pid = create_project(s, speech_spec(name="pre-acc-speech")).id
    seg = [{"start_ms": 0, "end_ms": 1000, "text": "hello world"}]
    _items(sqlite_runtime, pid, [(seg, seg)], prompt="quite other words")
    with sqlite_runtime.session() as s:
        for ann in s.scalars(select(Annotation).join(Item).where(Item.project_id == pid)):
            ann.text = "hello world"
        acc = preannotation_accuracy(s, pid)
    assert acc["references"] == {"accepted": 1, "prompt": 0}
    assert acc["word_error_rate"] == 0.0 and acc["character_accuracy"] == 1.0
