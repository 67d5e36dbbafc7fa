"""The demo's image project ("demo-image"): rendered scenes and text through the whole loop.

Pillow renders object scenes (rectangles labelled ``car``, ellipses ``person``) and OCR scenes
(English text lines) with exact ground truth, plus the bad files the checks must catch: blurred,
tiny, dark, a truncated JPEG (corrupt, refused at import), a byte-exact copy (refused at import:
the same bytes as the original, which is kept) and a re-encoded copy (a near-duplicate by
perceptual hash, set aside by the checks). The project imports them, runs the
checks and pre-annotates with OCR (rapidocr's packaged PP-OCR models, else Debian's
tesseract), mapping the engine's ``text`` class onto the spec's ``text`` label, then packages
the work. With ``full=True`` the scripted people take it to an accepted delivery (COCO and
YOLO): alice and bob annotate (bob misses an object once), rita reviews and returns bob's slip,
ivan inspects the batch against the rendered truth, and the customer accepts every image.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from datamill.compliance.users import add_member, get_user
from datamill.core.errors import DatamillError
from datamill.demo.script import DEMO_USERS, DemoResult, ensure_demo_users
from datamill.modalities.image.schema import ImageAnnotation
from datamill.production.models import Project
from datamill.runtime import Runtime

__all__ = ["IMAGE_DEMO_PROJECT", "image_demo_spec", "render_image_demo", "run_image_demo"]

IMAGE_DEMO_PROJECT = "demo-image"
_OBJECT_SCENES = 6
_OCR_SCENES = 4


def image_demo_spec() -> dict[str, Any]:
    """The demo image project's spec: objects, faces and OCR lines, thresholds per check."""
    return {
        "name": IMAGE_DEMO_PROJECT, "modality": "image", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate", "review"], "package_size": 4,
        "description": "Rendered street-like scenes and signs: boxes and OCR text lines.",
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"region_accuracy": 0.95, "character_accuracy": 0.95},
        "requirements": {
            "image": {
                "allowed_formats": ["PNG", "JPEG"], "max_pixels": 40_000_000, "min_width": 64,
                "min_height": 64, "min_aspect_ratio": 0.2, "max_aspect_ratio": 8.0,
                "min_sharpness": 5.0, "max_overexposed_fraction": 0.5,
                "max_underexposed_fraction": 0.5, "min_mean_luminance": 20.0,
                "max_mean_luminance": 250.0, "max_duplicate_distance": 4,
            },
            "labels": {"labels": [
                {"name": "car", "kinds": ["box", "polygon"]},
                {"name": "person", "kinds": ["box", "polygon"]},
                {"name": "face", "kinds": ["box"]},
                {"name": "text", "kinds": ["text_line"]},
            ], "image_classes": ["day", "night"]},
            "iou_threshold": 0.5,
            "preannotation_labels": {"text": "text", "face": "face"},
        },
    }


def render_image_demo(folder: Path) -> dict[str, ImageAnnotation]:
    """Render the demo's images into ``folder``; returns the ground truth by item name."""
    from datamill.testing.images import render_object_scene, render_ocr_scene, write_bad_images

    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, ImageAnnotation] = {}
    for i in range(_OBJECT_SCENES):
        scene = render_object_scene(i, objects=3)
        name = f"scenes/street{i}"
        (folder / "scenes").mkdir(exist_ok=True)
        if i % 2:
            scene.image.save(folder / f"{name}.jpg", quality=95)
        else:
            scene.save(folder / f"{name}.png")
        truth[name] = scene.annotation
    for i in range(1, _OCR_SCENES + 1):
        sign = render_ocr_scene(i, language="en")
        (folder / "signs").mkdir(exist_ok=True)
        sign.save(folder / f"signs/sign{i}.png")
        truth[f"signs/sign{i}"] = _as_text(sign.annotation)
    bad = write_bad_images(folder / "bad")  # good, blurred, tiny, dark, truncated, duplicates
    # the copies sort after their original, so the original is the one kept
    bad["duplicate"].rename(folder / "bad" / "good_copy.png")
    bad["near_duplicate"].rename(folder / "bad" / "good_reencoded.jpg")
    truth["bad/good"] = _as_text(render_ocr_scene(0, language="en").annotation)
    return truth


def _as_text(annotation: ImageAnnotation) -> ImageAnnotation:
    return ImageAnnotation(objects=tuple(o.model_copy(update={"label": "text"})
                                         for o in annotation.objects))


def _setup(rt: Runtime) -> int:
    from datamill.production.projects import create_project

    ensure_demo_users(rt)
    with rt.session() as s:
        existing = s.scalar(select(Project.id).where(Project.name == IMAGE_DEMO_PROJECT))
        if existing is not None:
            raise DatamillError(f"a project named {IMAGE_DEMO_PROJECT!r} exists already; "
                                "start from a fresh home")
        project = create_project(s, image_demo_spec())
        for name, _ in DEMO_USERS[1:]:
            add_member(s, project.id, get_user(s, name), actor_id=None)
        return project.id


def _preannotate(rt: Runtime, project_id: int, result: DemoResult,
                 truth: dict[str, ImageAnnotation]) -> None:
    from datamill.assist.runner import preannotate_project
    from datamill.modalities.image.errors import PreannotatorUnavailable

    for engine in ("rapidocr", "tesseract"):
        try:
            with rt.session() as s:
                pre = preannotate_project(s, rt.blobs, project_id, engine=engine)
        except PreannotatorUnavailable as err:
            result.steps.append(f"pre-annotator {engine} unavailable: {err.message}")
            continue
        left = ", ".join(f"{k} × {v}" for k, v in sorted(pre["dropped"].items())) or "none"
        result.steps.append(f"pre-annotated {pre['items']} images with {pre['model']} "
                            f"(predictions without a label in the spec: {left})")
        accuracy = _ocr_accuracy(rt, project_id, truth)
        if accuracy is not None:
            result.steps.append(f"OCR pre-annotation character accuracy on the rendered signs: "
                                f"{accuracy:.3f}")
        return


def _ocr_accuracy(rt: Runtime, project_id: int, truth: dict[str, ImageAnnotation]) -> float | None:
    from datamill.modalities.image.metric import score_text_lines
    from datamill.production.models import Annotation, Item

    with rt.session() as s:
        rows = s.execute(
            select(Item.external_id, Annotation.payload)
            .join(Annotation, Annotation.id == Item.current_annotation_id)
            .where(Item.project_id == project_id, Annotation.kind == "preannotation")
        ).all()
    pairs = [(truth[ext], ImageAnnotation.model_validate(payload)) for ext, payload in rows
             if ext in truth and any(o.kind == "text_line" for o in truth[ext].objects)]
    if not pairs:
        return None
    score = score_text_lines([r for r, _ in pairs], [h for _, h in pairs], iou_threshold=0.3)
    return score.character_accuracy


def run_image_demo(rt: Runtime, workdir: Path, *, full: bool) -> DemoResult:
    """Render, import, check, pre-annotate and package the image project; with ``full`` the
    scripted people take it to an accepted delivery (COCO + YOLO) under ``workdir``."""
    from datamill.production.checking import run_checks
    from datamill.production.importing import import_source
    from datamill.production.tasks import create_packages

    folder = workdir / "image-data"
    shutil.rmtree(folder, ignore_errors=True)
    truth = render_image_demo(folder)
    project_id = _setup(rt)
    result = DemoResult(project_id=project_id)
    with rt.session() as s:
        report = import_source(s, rt.blobs, project_id, folder)
    result.steps.append(
        f"imported {report.imported} images ({report.rejected} refused at import: "
        + "; ".join(f"{r['source']}: {r['reason']}" for r in report.rejections) + ")")
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, project_id)
    result.steps.append(
        f"checked {summary.checked}: {summary.passed} passed, {summary.rejected} set aside ("
        + "; ".join(f"{r['item']}: {r['reasons'][0]}" for r in summary.rejections) + ")")
    _preannotate(rt, project_id, result, truth)
    if not full:
        with rt.session() as s:
            pkgs = create_packages(s, project_id, "annotate")
            create_packages(s, project_id, "review")
        result.steps.append(f"{len(pkgs)} annotation packages are ready for people")
        return result
    from datamill.demo._image_people import work_the_image_loop

    work_the_image_loop(rt, project_id, truth, workdir / "deliveries", result)
    return result

