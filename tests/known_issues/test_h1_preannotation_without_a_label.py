"""h1 trial (L2): ``datamill data preannotate`` on a car/person box-and-polygon project ran
the default engine (rapidocr) for 26 s on 9 images, dropped every prediction ("dropped":
{"text": 5}) and still stored an empty model version on every item, which the review page then
compared against as "the model's pre-annotation". An engine whose classes no label of the spec
takes (``preannotation_labels``, else the class's own name, and a kind the label allows) now
pre-annotates nothing and says why, as a skipped run does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from datamill.assist.runner import preannotate_project
from datamill.modalities.registry import get_modality
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.images import render_object_scene
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

BOXES = {"labels": [{"name": "car", "kinds": ["box", "polygon"]},
                    {"name": "person", "kinds": ["box"]}]}


def _requirements(**extra: Any) -> dict[str, Any]:
    return {**IMAGE_REQUIREMENTS, "labels": BOXES, **extra}


def test_the_default_ocr_engine_on_a_project_without_text_labels_stores_nothing(
    runtime: Runtime, tmp_path: Path
) -> None:
    folder = tmp_path / "scenes"
    folder.mkdir()
    render_object_scene(0, objects=2).save(folder / "scene0.png")
    with runtime.session() as s:
        pid = create_project(s, image_spec(name="boxes-only",
                                           acceptance={"region_accuracy": 0.9},
                                           requirements=_requirements())).id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        result = preannotate_project(s, runtime.blobs, pid, workers=1)
    assert result["items"] == 0 and result["model"] is None
    assert result["skipped"] == (
        "rapidocr proposes text (text_line) and no label of this spec takes it (labels: car "
        "(box/polygon), person (box)): map it with requirements.preannotation_labels, or choose "
        "another engine")
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Annotation)) == 0
        assert set(s.scalars(select(Item.status).where(Item.project_id == pid))) == {"passed"}


def test_an_engine_whose_class_a_label_takes_runs() -> None:
    plugin: Any = get_modality("image")
    face = (("face", "box"),)
    assert plugin.preannotator_unusable(_requirements(), "opencv-face", face) is not None
    mapped = _requirements(preannotation_labels={"face": "person"})
    assert plugin.preannotator_unusable(mapped, "opencv-face", face) is None
    text = (("text", "text_line"),)
    assert plugin.preannotator_unusable(IMAGE_REQUIREMENTS, "rapidocr", text) is None
    # a mapped label that does not allow the kind takes nothing
    wrong_kind = _requirements(preannotation_labels={"text": "car"})
    assert plugin.preannotator_unusable(wrong_kind, "rapidocr", text) is not None
