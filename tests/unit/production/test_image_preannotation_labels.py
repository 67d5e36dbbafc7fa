"""Issue 10 §3: a pre-annotator's classes map onto the spec's label schema by the spec's
``preannotation_labels`` (OpenCV's "face" → the spec's face label, OCR's "text" → the spec's
text-line label); predictions with no place in the schema are dropped and counted, never stored
as unknown classes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.image.schema import Box, ImageAnnotation, TextLine
from datamill.modalities.registry import get_modality
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.production.spec import parse_spec
from datamill.runtime import Runtime
from tests._tools import require_module
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

LABELS = {"labels": [{"name": "line", "kinds": ["text_line"]},
                     {"name": "person_face", "kinds": ["box"]}],
          "image_classes": ["day"]}
SQUARE = ((0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (0.0, 5.0))
PREDICTION = ImageAnnotation(
    objects=(TextLine(points=SQUARE, transcription="hello"),
             TextLine(points=SQUARE, transcription="world"),
             Box(label="face", x=1, y=1, w=4, h=4)),
    classes=("day", "night"),
)


def _req(**extra: Any) -> dict[str, Any]:
    return {**IMAGE_REQUIREMENTS, "labels": LABELS, **extra}


def _mapped(**extra: Any) -> tuple[list[tuple[str, str]], list[str], dict[str, int]]:
    doc = get_modality("image").map_prediction(PREDICTION, _req(**extra))
    objs = [(o["kind"], o["label"]) for o in doc.payload["objects"]]
    return objs, doc.payload["classes"], dict(doc.dropped)


def test_classes_map_to_the_spec_labels() -> None:
    objs, classes, dropped = _mapped(preannotation_labels={"text": "line", "face": "person_face"})
    assert objs == [("text_line", "line"), ("text_line", "line"), ("box", "person_face")]
    assert classes == ["day"] and dropped == {"class:night": 1}


def test_unmapped_or_misfit_predictions_are_dropped_and_counted() -> None:
    objs, _, dropped = _mapped(preannotation_labels={"text": "line"})
    assert objs == [("text_line", "line"), ("text_line", "line")]
    assert dropped == {"face": 1, "class:night": 1}
    objs, _, dropped = _mapped(preannotation_labels={"face": "line"})  # a box is no text line
    assert objs == [] and dropped == {"text": 2, "face": 1, "class:night": 1}
    objs, _, dropped = _mapped()  # no mapping: only classes the schema names itself
    assert objs == [] and dropped["text"] == 2


def test_a_mapping_to_a_label_the_schema_lacks_is_refused() -> None:
    spec = image_spec(requirements=_req(preannotation_labels={"face": "vehicle"}))
    with pytest.raises(InvalidInput, match=r"preannotation_labels.*vehicle"):
        parse_spec(spec)


def test_face_preannotation_lands_in_the_spec_label_with_a_count(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    data = require_module("skimage.data")
    from PIL import Image

    folder = tmp_path / "photos"
    folder.mkdir()
    Image.fromarray(data.astronaut()).save(folder / "astronaut.png")
    spec = image_spec(name="faces", requirements=_req(preannotation_labels={"face": "person_face"}))
    with runtime.session() as s:
        pid = create_project(s, spec).id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        result = preannotate_project(s, runtime.blobs, pid, engine="opencv-face", workers=1)
    assert result["items"] == 1 and result["dropped"] == {}
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
        ann = s.get(Annotation, item.current_annotation_id)
        assert [o["label"] for o in ann.segments["objects"]] == ["person_face"]
    # the same photo in a project whose schema has no face label: the engine is not run, and
    # no empty model version is stored (h1: it used to run, drop every face and store one)
    spec = image_spec(name="no-faces", requirements=_req())
    with runtime.session() as s:
        pid = create_project(s, spec).id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        result = preannotate_project(s, runtime.blobs, pid, engine="opencv-face", workers=1)
    assert result["items"] == 0 and result["dropped"] == {}
    assert result["skipped"].startswith("opencv-face proposes face (box) and no label of this "
                                        "spec takes it")
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
        assert item.current_annotation_id is None and item.status == "passed"
